"""Remind those who have not answered an open reflection form; run it from cron, e.g. daily."""

from django.core.management.base import BaseCommand

from sessions_app.services.reflections import reflection_remind_all_open


class Command(BaseCommand):
    help = (
        "Queue a reminder mail with a personal link to everyone asked by an open reflection form "
        "who has not submitted. Nobody is reminded twice within a day, however often this runs; "
        "send_queued_mail sends the mail."
    )

    def handle(self, *args, **options) -> None:
        queued = reflection_remind_all_open()
        self.stdout.write(f"Queued {queued} reflection reminder(s).")
