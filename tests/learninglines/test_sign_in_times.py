"""Sign-in links, their uses and sign-in requests name their moment in local time, as the admin
shows every other time (the outbox's "queued at" beside a mail's sign-in link)."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import translation

from learninglines.models import MagicLink, MagicLinkUse, SignInRequest
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

WINTER = datetime(2026, 12, 7, 14, 42, tzinfo=UTC)  # 15:42 in Amsterdam (UTC+1)
SUMMER = datetime(2026, 7, 1, 22, 5, tzinfo=UTC)  # 00:05 the next day (UTC+2)


@pytest.fixture
def link(db):
    user = UserFactory(email="sanne.jansen@school.example")
    return MagicLink.objects.create(
        user=user,
        purpose=MagicLink.Purpose.SIGN_IN,
        created_at=WINTER,
        expires_at=WINTER + timedelta(minutes=30),
    )


def test_a_link_is_named_with_its_local_time(link):
    assert str(link) == "inloggen aangevraagd sanne.jansen@school.example 7 december 2026 15:42"
    with translation.override("en"):
        assert str(link) == "sign-in requested sanne.jansen@school.example Dec. 7, 2026, 3:42 p.m."


def test_summer_time_and_the_date_follow_the_local_clock(link):
    link.created_at = SUMMER
    assert str(link).endswith(" 2 juli 2026 00:05")


def test_a_use_of_a_link_is_named_with_both_local_times(link):
    use = MagicLinkUse(link=link, used_at=WINTER + timedelta(minutes=3))
    assert str(use).startswith("inloggen aangevraagd sanne.jansen@school.example 7 december 2026 ")
    assert "15:42" in str(use)
    assert str(use).endswith("7 december 2026 15:45")
    assert "14:4" not in str(use)


def test_a_sign_in_request_is_named_with_its_local_time():
    request = SignInRequest(
        email="iemand@school.example",
        purpose=SignInRequest.Purpose.PASSWORD_RESET,
        language="nl",
        created_at=SUMMER,
    )
    assert str(request) == "wachtwoord opnieuw instellen 2 juli 2026 00:05"
