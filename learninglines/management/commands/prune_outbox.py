from django.core.management.base import BaseCommand

from learninglines.services.outbox import OUTBOX_KEEP_DAYS, outbox_prune


class Command(BaseCommand):
    help = "Delete sent and failed mail and handled sign-in requests past their keeping time."

    def add_arguments(self, parser):
        parser.add_argument(
            "--keep-days",
            type=int,
            default=OUTBOX_KEEP_DAYS,
            help=f"Keep sent and failed mail this many days (default {OUTBOX_KEEP_DAYS}).",
        )

    def handle(self, *args, keep_days: int, **options):
        result = outbox_prune(keep_days=keep_days)
        self.stdout.write(
            f"Pruned {result.mails} mails and {result.requests} handled sign-in requests."
        )
