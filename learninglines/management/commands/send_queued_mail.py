from django.core.management.base import BaseCommand

from learninglines.services import mail_send_queued


class Command(BaseCommand):
    help = "Send the mail waiting in the outbox (run every minute from cron)."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=200, help="At most this many mails.")

    def handle(self, *args, limit: int, **options):
        result = mail_send_queued(limit=limit)
        self.stdout.write(
            f"Outbox: {result.sent} sent, {result.retrying} to retry, {result.failed} failed."
        )
