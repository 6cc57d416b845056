"""Without a language of their own choosing, people see a school's pages in the school's
language: a plain link in an English school's mail opens in English, sign-in page included."""

import pytest
from django.conf import settings

from tests.factories import MemberFactory, SchoolFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def english_teacher():
    school = SchoolFactory(slug="the-oak", name="The Oak", language="en")
    return MemberFactory(school=school, first_name="Fleur", last_name="Smith")


def _lang(response) -> str:
    html = response.content.decode()
    return html.split('<html lang="', 1)[1].split('"', 1)[0]


def test_an_english_schools_pages_speak_english_without_a_chosen_language(client, english_teacher):
    client.force_login(english_teacher.user)

    response = client.get("/s/the-oak/")

    assert response.status_code == 200
    assert _lang(response) == "en"


def test_the_sign_in_page_on_the_way_to_an_english_school_speaks_english(client, english_teacher):
    response = client.get("/s/the-oak/", follow=True)

    assert response.redirect_chain == [("/login/?next=/s/the-oak/", 302)]
    assert _lang(response) == "en"
    assert "Sign in" in response.content.decode()


def test_a_chosen_language_comes_before_the_schools(client, english_teacher):
    client.force_login(english_teacher.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"

    assert _lang(client.get("/s/the-oak/")) == "nl"


def test_a_dutch_schools_pages_and_other_pages_stay_dutch(client, teacher, english_teacher):
    client.force_login(teacher.user)

    assert _lang(client.get(f"/s/{teacher.school.slug}/")) == "nl"
    assert _lang(client.get("/s/no-such-school/")) == "nl"  # the 404 page
    client.logout()
    assert _lang(client.get("/login/?next=/elsewhere/")) == "nl"


@pytest.mark.parametrize(("english", "cookie"), [(True, "en"), (False, None)])
def test_signing_in_with_a_password_goes_on_in_the_schools_language(
    client, teacher, english_teacher, english, cookie
):
    """As after a personal link: an English school's teacher is not switched back to Dutch on
    the pages outside their school's. A Dutch school's gets no cookie: Dutch is the default."""
    member = english_teacher if english else teacher
    member.user.set_password("het-goede-wachtwoord-2026")
    member.user.save()

    response = client.post(
        "/login/", {"username": member.user.email, "password": "het-goede-wachtwoord-2026"}
    )

    assert response.status_code == 302
    sent = response.cookies.get(settings.LANGUAGE_COOKIE_NAME)
    assert (sent.value if sent else None) == cookie


def test_signing_in_keeps_a_language_chosen_before(client, english_teacher):
    english_teacher.user.set_password("het-goede-wachtwoord-2026")
    english_teacher.user.save()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"

    response = client.post(
        "/login/", {"username": english_teacher.user.email, "password": "het-goede-wachtwoord-2026"}
    )

    assert response.status_code == 302
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
