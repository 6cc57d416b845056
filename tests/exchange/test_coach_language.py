"""A coach is a guest at a school, never a member: signing in with a password, they go on in
the language of the schools they coach, as a member goes on in their school's."""

from datetime import timedelta

import pytest
from django.conf import settings

from learninglines.services.people import coach_assignment_end
from tests.factories import CoachAssignmentFactory, SchoolFactory

pytestmark = pytest.mark.django_db

PASSWORD = "het-goede-wachtwoord-2026"


def _sign_in(client, user):
    user.set_password(PASSWORD)
    user.save()
    response = client.post("/login/", {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302
    sent = response.cookies.get(settings.LANGUAGE_COOKIE_NAME)
    return sent.value if sent else None


def _lang(response) -> str:
    return response.content.decode().split('<html lang="', 1)[1].split('"', 1)[0]


def test_the_coach_of_an_english_school_goes_on_in_english_on_their_own_home(client):
    school = SchoolFactory(slug="the-oak", name="The Oak", language="en")
    coach = CoachAssignmentFactory(school=school).user

    assert _sign_in(client, coach) == "en"
    response = client.get("/coach/")
    assert _lang(response) == "en"
    assert "My schools" in response.content.decode()


def test_a_coach_of_dutch_and_english_schools_gets_the_sites_default(client):
    english = CoachAssignmentFactory(school=SchoolFactory(slug="the-oak", language="en"))
    CoachAssignmentFactory(user=english.user, school=SchoolFactory(slug="de-eik"))

    assert _sign_in(client, english.user) is None
    assert _lang(client.get("/coach/")) == "nl"


def test_an_ended_assignment_does_not_count(client):
    ended = CoachAssignmentFactory(school=SchoolFactory(slug="the-oak", language="en"))
    coach_assignment_end(assignment=ended, now=ended.created_at + timedelta(days=1))
    CoachAssignmentFactory(user=ended.user, school=SchoolFactory(slug="de-eik"))

    assert _sign_in(client, ended.user) is None


def test_a_coach_who_chose_dutch_keeps_it(client):
    coach = CoachAssignmentFactory(school=SchoolFactory(slug="the-oak", language="en")).user
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"

    assert _sign_in(client, coach) is None
    assert _lang(client.get("/coach/")) == "nl"
