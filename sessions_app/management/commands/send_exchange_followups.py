"""Ask once whether a small exchange took place when its moment has passed; run it from cron."""

from django.core.management.base import BaseCommand

from sessions_app.services.exchanges import exchanges_ask_if_held


class Command(BaseCommand):
    help = (
        "Queue one mail to each participant of every agreed small exchange whose moment passed "
        "(over two hours ago) without anyone saying whether it took place. Each exchange is asked "
        "about once, however often this runs; send_queued_mail sends the mail."
    )

    def handle(self, *args, **options) -> None:
        asked = exchanges_ask_if_held()
        self.stdout.write(f"Asked about {asked} small exchange(s).")
