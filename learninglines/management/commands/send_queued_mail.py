from django.core.management.base import BaseCommand

from learninglines.services.outbox import mail_send_queued
from learninglines.services.signin import sign_in_requests_handle_pending


class Command(BaseCommand):
    help = (
        "Handle sign-in requests left over and send the mail waiting in the outbox "
        "(run every minute from cron)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=200, help="At most this many mails.")

    def handle(self, *args, limit: int, **options):
        requests = sign_in_requests_handle_pending()
        result = mail_send_queued(limit=limit)
        self.stdout.write(
            f"Outbox: {result.sent} sent, {result.retrying} to retry, {result.failed} failed"
            f" ({requests} sign-in requests handled)."
        )
