"""Typed readers for configuration from environment variables.

Every reader names the variable in its error, so a malformed value stops start-up with a message a
system administrator can act on. Settings import these; nothing else should read os.environ.
"""

from __future__ import annotations

import os
import zoneinfo
from collections.abc import Mapping

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _raw(name: str, environ: Mapping[str, str] | None) -> str | None:
    value = (os.environ if environ is None else environ).get(name)
    return None if value is None else value.strip()


def env_str(name: str, default: str = "", *, environ: Mapping[str, str] | None = None) -> str:
    value = _raw(name, environ)
    return default if value is None else value


def env_bool(name: str, default: bool, *, environ: Mapping[str, str] | None = None) -> bool:
    value = _raw(name, environ)
    if value is None:
        return default
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name} must be true or false (1/0, yes/no, on/off), got {value!r}."
    )


def env_int(
    name: str, default: int, *, minimum: int = 0, environ: Mapping[str, str] | None = None
) -> int:
    value = _raw(name, environ)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, got {value!r}.") from None
    if number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, got {number}.")
    return number


def env_list(
    name: str, default: list[str], *, environ: Mapping[str, str] | None = None
) -> list[str]:
    """A comma-separated list; empty items are an error (a stray comma is usually a typo)."""
    value = _raw(name, environ)
    if value is None or value == "":
        return list(default)
    items = [item.strip() for item in value.split(",")]
    if any(not item for item in items):
        raise ImproperlyConfigured(f"{name} is a comma-separated list without empty items.")
    return items


def env_time_zone(name: str, default: str, *, environ: Mapping[str, str] | None = None) -> str:
    value = env_str(name, default, environ=environ) or default
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ImproperlyConfigured(
            f"{name} must be an IANA time zone such as Europe/Amsterdam, got {value!r}."
        ) from None
    return value


def env_proxy_ssl_header(
    name: str, *, environ: Mapping[str, str] | None = None
) -> tuple[str, str] | None:
    """`X-Forwarded-Proto=https` becomes Django's ("HTTP_X_FORWARDED_PROTO", "https")."""
    value = _raw(name, environ)
    if not value:
        return None
    header, sep, expected = value.partition("=")
    header, expected = header.strip(), expected.strip()
    if not sep or not header or not expected or " " in header:
        raise ImproperlyConfigured(
            f"{name} must look like X-Forwarded-Proto=https (header=value), got {value!r}."
        )
    meta_name = "HTTP_" + header.upper().replace("-", "_")
    return (meta_name, expected)


def database_config(
    name: str, default_sqlite_path: str, *, environ: Mapping[str, str] | None = None
) -> dict:
    """The default database: the URL in `name`, or a SQLite file tuned for a small deployment."""
    import dj_database_url

    url = _raw(name, environ)
    if not url:
        config: dict = {"ENGINE": "django.db.backends.sqlite3", "NAME": default_sqlite_path}
    else:
        try:
            config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
        except Exception as exc:  # dj-database-url raises several kinds for a bad URL
            raise ImproperlyConfigured(
                f"{name} is not a valid database URL ({exc}); "
                "use e.g. postgres://user:password@host:5432/name."
            ) from None
        if not config.get("ENGINE") or not config.get("NAME"):
            raise ImproperlyConfigured(f"{name} must name a database engine and a database.")
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # IMMEDIATE transactions and a busy timeout avoid "database is locked" under concurrent
        # writes; WAL lets readers go on while one request writes.
        config["CONN_MAX_AGE"] = 0
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    return config
