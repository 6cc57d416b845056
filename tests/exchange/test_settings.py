"""Settings come from the environment only; a bad value stops start-up and names the variable."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from exchange.env import (
    database_config,
    env_bool,
    env_int,
    env_list,
    env_proxy_ssl_header,
    env_time_zone,
)
from exchange.product import default_from_email

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "k3y-" + "x7Qp9zL2mN4vB8cR1tY6uW3sE5dF0gH" * 2,
    "DJANGO_ALLOWED_HOSTS": "leerlijnen.school.example,www.leerlijnen.school.example",
    "DJANGO_SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto=https",
    "DJANGO_EMAIL_HOST": "smtp.school.example",
    "DJANGO_SITE_URL": "https://leerlijnen.school.example",
}


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    """Settings are read at import, so each configuration gets its own process."""
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith("DJANGO_") and k != "DATABASE_URL"
    }
    clean["DJANGO_SETTINGS_MODULE"] = "exchange.settings"
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_default_database_is_sqlite_file_in_project_folder():
    config = database_config("DATABASE_URL", "/srv/app/db.sqlite3", environ={})
    assert config == {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": "/srv/app/db.sqlite3",
        "CONN_MAX_AGE": 0,
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        },
    }


def test_settings_without_environment_use_sqlite_in_development_mode():
    code = (
        "from django.conf import settings as s;"
        "print(s.DEBUG, s.DATABASES['default']['ENGINE'], s.DATABASES['default']['NAME'],"
        " s.TIME_ZONE, s.LANGUAGE_CODE)"
    )
    result = run_manage("shell", "--no-imports", "-c", code, env={})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "True",
        "django.db.backends.sqlite3",
        str(ROOT / "db.sqlite3"),
        "Europe/Amsterdam",
        "nl",
    ]


def test_database_url_parses_postgres():
    config = database_config(
        "DATABASE_URL", "unused", environ={"DATABASE_URL": "postgres://u:p@db.internal:6543/ll"}
    )
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["NAME"], config["USER"], config["PASSWORD"]) == ("ll", "u", "p")
    assert (config["HOST"], config["PORT"]) == ("db.internal", 6543)
    assert config["CONN_MAX_AGE"] == 60
    assert config["CONN_HEALTH_CHECKS"] is True


def test_database_url_sqlite_gets_the_same_tuning():
    config = database_config(
        "DATABASE_URL", "unused", environ={"DATABASE_URL": "sqlite:////var/lib/ll/data.db"}
    )
    assert config["NAME"] == "/var/lib/ll/data.db"
    assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


@pytest.mark.parametrize(
    ("reader", "name", "value", "fragment"),
    [
        (
            lambda e: database_config("DATABASE_URL", "x", environ=e),
            "DATABASE_URL",
            "nosuchdb://host/db",
            "DATABASE_URL is not a valid database URL",
        ),
        (
            lambda e: env_bool("DJANGO_DEBUG", True, environ=e),
            "DJANGO_DEBUG",
            "maybe",
            "DJANGO_DEBUG must be true or false",
        ),
        (
            lambda e: env_int("DJANGO_EMAIL_PORT", 587, minimum=1, environ=e),
            "DJANGO_EMAIL_PORT",
            "smtp",
            "DJANGO_EMAIL_PORT must be a whole number",
        ),
        (
            lambda e: env_int("DJANGO_EMAIL_PORT", 587, minimum=1, environ=e),
            "DJANGO_EMAIL_PORT",
            "0",
            "DJANGO_EMAIL_PORT must be at least 1",
        ),
        (
            lambda e: env_list("DJANGO_ALLOWED_HOSTS", [], environ=e),
            "DJANGO_ALLOWED_HOSTS",
            "a.example,,b.example",
            "DJANGO_ALLOWED_HOSTS is a comma-separated list",
        ),
        (
            lambda e: env_time_zone("DJANGO_TIME_ZONE", "UTC", environ=e),
            "DJANGO_TIME_ZONE",
            "Mars/Olympus",
            "DJANGO_TIME_ZONE must be an IANA time zone",
        ),
        (
            lambda e: env_proxy_ssl_header("DJANGO_SECURE_PROXY_SSL_HEADER", environ=e),
            "DJANGO_SECURE_PROXY_SSL_HEADER",
            "https",
            "DJANGO_SECURE_PROXY_SSL_HEADER must look",
        ),
    ],
)
def test_malformed_variable_error_names_it(reader, name, value, fragment):
    with pytest.raises(ImproperlyConfigured, match=fragment):
        reader({name: value})


def test_proxy_header_becomes_django_meta_name():
    header = env_proxy_ssl_header(
        "DJANGO_SECURE_PROXY_SSL_HEADER",
        environ={"DJANGO_SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto=https"},
    )
    assert header == ("HTTP_X_FORWARDED_PROTO", "https")


def test_malformed_variable_stops_start_up_with_its_name():
    result = run_manage("check", env={"DJANGO_TIME_ZONE": "Europe/Nowhere"})
    assert result.returncode != 0
    assert "DJANGO_TIME_ZONE must be an IANA time zone" in result.stderr


def test_production_without_secret_key_refuses_to_start():
    env = {k: v for k, v in PRODUCTION.items() if k != "DJANGO_SECRET_KEY"}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is false" in result.stderr


def test_check_deploy_is_clean_with_production_values():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (1 silenced)." in result.stdout


def test_production_refuses_the_published_development_key():
    from exchange.settings import _DEV_SECRET_KEY

    result = run_manage("check", env={**PRODUCTION, "DJANGO_SECRET_KEY": _DEV_SECRET_KEY})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is the published development key" in result.stderr


def test_production_refuses_a_plain_http_site_address():
    result = run_manage(
        "check", env={**PRODUCTION, "DJANGO_SITE_URL": "http://leerlijnen.school.example"}
    )
    assert result.returncode != 0
    assert "DJANGO_SITE_URL must start with https:// when DJANGO_DEBUG is false" in result.stderr


@pytest.mark.parametrize(
    ("site_url", "expected"),
    [
        (
            "https://leerlijnen.school.example",
            "Brengen & Halen <noreply@leerlijnen.school.example>",
        ),
        ("http://127.0.0.1:8000", "Brengen & Halen <noreply@localhost>"),
        ("http://[::1]:8000", "Brengen & Halen <noreply@localhost>"),
    ],
)
def test_mail_comes_from_the_product_at_the_site_domain(site_url, expected):
    assert default_from_email(site_url) == expected


@pytest.mark.parametrize(
    ("addr", "port", "ipv6", "expected"),
    [
        ("127.0.0.1", "8001", False, "http://127.0.0.1:8001"),
        ("0.0.0.0", "8000", False, "http://127.0.0.1:8000"),  # noqa: S104
        ("::1", "9000", True, "http://[::1]:9000"),
    ],
)
def test_runserver_mails_links_to_the_port_it_serves(settings, addr, port, ipv6, expected):
    from exchange.management.commands.runserver import Command

    settings.DEBUG = True
    settings.SITE_URL_FROM_ENVIRONMENT = False
    command = Command()
    command.addr, command.port, command._raw_ipv6, command.protocol = addr, port, ipv6, "http"
    command.follow_served_address()
    assert expected == settings.SITE_URL


def test_runserver_keeps_a_configured_site_address(settings):
    from exchange.management.commands.runserver import Command

    settings.SITE_URL_FROM_ENVIRONMENT = True
    settings.SITE_URL = "https://leerlijnen.test"
    command = Command()
    command.addr, command.port, command._raw_ipv6, command.protocol = (
        "127.0.0.1",
        "8001",
        False,
        "http",
    )
    command.follow_served_address()
    assert settings.SITE_URL == "https://leerlijnen.test"
