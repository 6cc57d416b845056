"""A steering member in no learning line opens "what a teacher sees" of a published session: they
are not expected at the tables, so the page does not send them to the steering group at the door
(they are the steering group) as it does someone who joined a line after the plan was made."""

import pytest
from django.conf import settings

from learninglines.services.people import school_year_ensure_current
from sessions_app.services.day import session_publish
from sessions_app.services.sessions import session_hold
from tests.factories import MemberFactory
from tests.sessions_app.plenary import plenary_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def plenary_without_steering(school, steering, teacher):
    """The plenary school with its steering member left out of the lines, published."""
    school_year_ensure_current(school=school)
    members = [teacher] + [MemberFactory(school=school) for _ in range(11)]
    plenary = plenary_of(school, members, by=steering.user)
    session_publish(session=plenary.session)
    return plenary


def my_page(client, plenary, user) -> str:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(user)
    return client.get(plenary.url("my-session")).content.decode()


def test_a_steering_member_in_no_line_reads_they_do_not_sit_at_the_tables(
    client, plenary_without_steering, steering, teacher
):
    page = my_page(client, plenary_without_steering, steering.user)
    assert "You are in no learning line on the day of this session" in page
    assert "not in the table plan (yet)" not in page
    assert "at the door" not in page
    # a teacher in a line still reads their tables
    assert "You are in no learning line" not in my_page(
        client, plenary_without_steering, teacher.user
    )


def test_after_the_session_a_steering_member_in_no_line_reads_the_past(
    client, plenary_without_steering, steering
):
    session_hold(session=plenary_without_steering.session)
    page = my_page(client, plenary_without_steering, steering.user)
    assert "You were not in the table plan of this session." in page
