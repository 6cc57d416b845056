"""Ask once whether a small exchange took place when its moment has passed, and tell once when
every proposed moment passed without an agreement; run it from cron."""

from django.core.management.base import BaseCommand

from sessions_app.services.exchanges import exchanges_ask_if_held, exchanges_tell_moments_passed


class Command(BaseCommand):
    help = (
        "Queue one mail to each participant of every agreed small exchange whose moment passed "
        "(over two hours ago) without anyone saying whether it took place, and one to everyone "
        "still in an exchange whose proposed moments all passed without an agreement. Each "
        "exchange is asked or told once, however often this runs; send_queued_mail sends the mail."
    )

    def handle(self, *args, **options) -> None:
        asked = exchanges_ask_if_held()
        told = exchanges_tell_moments_passed()
        self.stdout.write(f"Asked about {asked} small exchange(s).")
        self.stdout.write(f"Told about {told} small exchange(s) without an agreed moment.")
