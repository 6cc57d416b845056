"""`runserver` whose mailed links point at the address it serves (development only).

Without DJANGO_SITE_URL, `make run PORT=8001` would mail links to the default :8000. The site
address follows the server's own address and port instead; a set DJANGO_SITE_URL always wins.
"""

from django.conf import settings
from whitenoise.runserver_nostatic.management.commands.runserver import (
    Command as WhiteNoiseRunserver,
)


class Command(WhiteNoiseRunserver):
    def follow_served_address(self) -> None:
        if not settings.DEBUG or settings.SITE_URL_FROM_ENVIRONMENT:
            return
        host = f"[{self.addr}]" if self._raw_ipv6 else self.addr
        if host in ("0", "0.0.0.0"):  # noqa: S104 - reading the address, not binding it
            host = "127.0.0.1"
        settings.SITE_URL = f"{self.protocol}://{host}:{self.port}"

    def inner_run(self, *args, **options):
        self.follow_served_address()
        return super().inner_run(*args, **options)
