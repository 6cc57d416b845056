"""Project-wide test setup: hypothesis profiles, database markers, Debian's Chromium."""

import os
import shutil
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from tests.factories import CoachAssignmentFactory, MemberFactory, SchoolFactory, UserFactory

# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses to run under a
# running loop unless told it is safe (the live server runs in its own thread).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# CI machines are shared and slow: no per-example deadline, a bounded number of examples. CI
# draws the same examples on every run (derandomize), so a run fails for the code, never for a
# lucky draw; development runs draw new ones each time and find what CI would not (a failure
# found that way becomes an explicit test, as the tiny-budget apart pair in
# test_grouping_search.py).
hypothesis_settings.register_profile(
    "ci",
    deadline=None,
    max_examples=60,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
hypothesis_settings.register_profile("dev", deadline=None, max_examples=30)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ENGINE_TESTS = Path(__file__).parent / "sessions_app"


def pytest_collection_modifyitems(config, items):
    """Mark tests that do not depend on the database engine, so CI can run them only once.

    The grouping engine is pure Python and browser journeys exercise pages, not SQL: both run
    on PostgreSQL in CI and are deselected (`-m "not db_independent"`) in the SQLite run.
    """
    for item in items:
        path = Path(str(item.fspath))
        if path.is_relative_to(ENGINE_TESTS) and path.name.startswith("test_grouping"):
            item.add_marker(pytest.mark.db_independent)
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.db_independent)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test databases, with PostgreSQL sessions left behind ended first.

    A connection another thread opened (a live-server request still closing, say) may remain
    when the session ends; PostgreSQL then refuses to drop the test database ("is being
    accessed by other users") and pytest-django only warns, leaving the database on the
    server. Ending the other sessions of this worker's own test database (its name is unique
    to the run and the worker) first lets the drop go through.
    """
    yield
    from django.db import connection

    with django_db_blocker.unblock():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )


@pytest.fixture(autouse=True)
def _postgresql_only(request):
    marker = request.node.get_closest_marker("postgresql")
    if marker is None:
        return
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip(f"needs PostgreSQL (CI runs it there): {marker.args[0]}")


# A Wednesday morning in the middle of a school year (1 August to 31 July). Tests reckon from
# "today" (a session next week, a meeting last month); on the year's first or last days such a
# date falls outside the year. The clock starts here for every test and runs on from it, so a
# test sees the same calendar whatever day the suite runs. Tests of the year's edges move the
# clock themselves (time_machine.travel). Not moved: browser tests (Chromium keeps the real
# clock, and its cookies would expire against a clock far in the past) and tests of the
# deployment (other processes keep the real clock).
MID_YEAR = datetime(2026, 11, 18, 10, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))
OPS_TESTS = Path(__file__).parent / "ops"


@pytest.fixture(autouse=True)
def _site_language():
    """Every test starts in the site's language (Dutch): a request with the English cookie
    leaves English active in the thread (LocaleMiddleware does not undo it), which would make
    a later test on the same worker read English where it expects Dutch."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _mid_year_clock(request):
    path = Path(str(request.node.fspath))
    if request.node.get_closest_marker("browser") or path.is_relative_to(OPS_TESTS):
        yield
        return
    with time_machine.travel(MID_YEAR, tick=True):
        yield


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Hashing with the production hasher costs ~0.3 s per password; tests need no strength."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


PHONE = {"width": 360, "height": 740}


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not shutil.which(CHROMIUM):
        pytest.fail(
            f"Chromium not found at {CHROMIUM}. Run `make test` (it installs Debian's chromium "
            "package) or set CHROMIUM_PATH to a Chromium binary.",
            pytrace=False,
        )
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--disable-sync",
            "--disable-background-networking",
            "--disable-component-update",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """Every browser test runs on a phone-sized screen, the device most teachers use."""
    return {**browser_context_args, "viewport": PHONE, "locale": "en-GB"}


# --- People and schools: the owner / weaker role / stranger trio of every access test ---


@pytest.fixture(autouse=True)
def _queue_mail_only(settings):
    """Tests see the outbox as production does: mail waits for send_queued_mail."""
    settings.OUTBOX_SEND_IMMEDIATELY = False
    settings.SITE_URL = "https://leerlijnen.test"


@pytest.fixture
def school(db):
    return SchoolFactory(name="Basisschool De Regenboog", slug="de-regenboog")


@pytest.fixture
def other_school(db):
    return SchoolFactory(name="OBS De Vlinder", slug="de-vlinder")


@pytest.fixture
def steering(school):
    return MemberFactory(
        school=school, is_steering=True, first_name="Anouk", name_prefix="de", last_name="Vries"
    )


@pytest.fixture
def teacher(school):
    return MemberFactory(school=school, first_name="Sanne", last_name="Jansen")


@pytest.fixture
def coach(school):
    return CoachAssignmentFactory(school=school).user


@pytest.fixture
def stranger(other_school):
    """Steering member of another school: strong rights, but not here."""
    return MemberFactory(school=other_school, is_steering=True).user


@pytest.fixture
def people(steering, teacher, coach, stranger):
    return {
        "steering": steering.user,
        "teacher": teacher.user,
        "coach": coach,
        "stranger": stranger,
        "no_school": UserFactory(),
        "anonymous": None,
    }
