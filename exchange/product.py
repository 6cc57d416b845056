"""The product's name and the sender of its mail, the same in every language."""

import ipaddress
from urllib.parse import urlsplit

PRODUCT_NAME = "Brengen & Halen"


def default_from_email(site_url: str) -> str:
    """`Brengen & Halen <noreply@host>` for the site's host; `localhost` for an IP address."""
    host = urlsplit(site_url).hostname or "localhost"
    try:
        ipaddress.ip_address(host)
        host = "localhost"
    except ValueError:
        pass
    return f"{PRODUCT_NAME} <noreply@{host}>"
