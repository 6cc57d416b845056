"""Queue tomorrow's line-meeting reminders; run it from cron once a day (16:00, see README)."""

from django.core.management.base import BaseCommand

from learninglines.services.meetings import meeting_reminders_send


class Command(BaseCommand):
    help = (
        "Queue a reminder mail to every member of a line for each meeting tomorrow. Each meeting "
        "is reminded once, however often this runs; send_queued_mail sends the mail."
    )

    def handle(self, *args, **options) -> None:
        queued = meeting_reminders_send()
        self.stdout.write(f"Queued {queued} meeting reminder(s).")
