"""Personal sign-in links: a GET shows a button, the POST signs in, failures say why."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from learninglines.models import MagicLink, OutgoingMail
from learninglines.services.links import magic_link_url
from learninglines.services.outbox import mail_send_queued
from learninglines.services.people import member_set_active
from learninglines.services.signin import (
    magic_link_create,
    magic_link_for_session,
    magic_link_revoke_all,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def link_path(link: MagicLink) -> str:
    return magic_link_url(link).removeprefix("https://leerlijnen.test")


def without_tokens(html: bytes) -> str:
    """The page without its CSRF tokens, which differ on every response."""
    return re.sub(r'(csrfmiddlewaretoken" value=|X-CSRFToken": )"[^"]+"', "", html.decode())


def signed_in_user_id(client):
    return client.session.get("_auth_user_id")


def test_get_shows_a_button_and_signs_nobody_in(client, teacher):
    link = magic_link_create(user=teacher.user, purpose=MagicLink.Purpose.SIGN_IN)
    response = client.get(link_path(link))
    html = response.content.decode()
    assert response.status_code == 200
    assert f"Je staat op het punt in te loggen als <strong>{teacher.user.email}</strong>" in html
    assert 'method="post"' in html
    assert signed_in_user_id(client) is None
    link.refresh_from_db()
    assert link.used_at is None


def test_post_signs_in_and_lands_on_the_school(client, teacher, school):
    assert teacher.first_seen_at is None
    link = magic_link_create(user=teacher.user, purpose=MagicLink.Purpose.INVITE, school=school)
    response = client.post(link_path(link))
    assert response.status_code == 302
    assert response["Location"] == "/s/de-regenboog/"
    assert signed_in_user_id(client) == str(teacher.user.pk)
    link.refresh_from_db()
    assert link.used_at is not None
    teacher.refresh_from_db()
    assert teacher.first_seen_at >= link.used_at  # "has signed in" on the team page


def test_sign_in_link_without_school_lands_on_home(client, teacher):
    link = magic_link_create(user=teacher.user, purpose=MagicLink.Purpose.SIGN_IN)
    response = client.post(link_path(link), follow=True)
    assert response.redirect_chain == [("/", 302), ("/s/de-regenboog/", 302)]


def test_a_double_click_on_the_button_lands_where_the_first_click_went(client, teacher, school):
    """The second press finds the link used; this browser is signed in as its owner by the
    first, so it follows it instead of reading "already used"."""
    link = magic_link_create(user=teacher.user, purpose=MagicLink.Purpose.INVITE, school=school)
    assert client.post(link_path(link))["Location"] == "/s/de-regenboog/"
    again = client.post(link_path(link))
    assert (again.status_code, again["Location"]) == (302, "/s/de-regenboog/")
    # signed in as someone else, the used link still says so
    client.force_login(UserFactory())
    assert client.post(link_path(link)).status_code == 410


def test_used_link_says_it_was_used(client, teacher):
    link = magic_link_create(user=teacher.user, purpose=MagicLink.Purpose.SIGN_IN)
    client.post(link_path(link))
    client.logout()
    response = client.post(link_path(link))
    assert response.status_code == 410
    assert "Deze inloglink is al gebruikt" in response.content.decode()
    assert signed_in_user_id(client) is None


def test_expired_link_says_it_expired(client, teacher):
    link = magic_link_create(
        user=teacher.user,
        purpose=MagicLink.Purpose.SIGN_IN,
        now=timezone.now() - timedelta(hours=2),
    )
    for method in (client.get, client.post):
        response = method(link_path(link))
        assert response.status_code == 410
        assert "Deze inloglink is verlopen" in response.content.decode()
    assert signed_in_user_id(client) is None


def test_revoked_link_says_it_was_revoked(client, teacher):
    link = magic_link_create(user=teacher.user, purpose=MagicLink.Purpose.SIGN_IN)
    assert magic_link_revoke_all(user=teacher.user) == 1
    response = client.post(link_path(link))
    assert response.status_code == 410
    assert "Deze inloglink is ingetrokken" in response.content.decode()
    assert signed_in_user_id(client) is None


def test_deactivating_revokes_a_session_link_already_used_once(client, steering, teacher, school):
    """A session mail's link works on more than one device until the day ends; someone who
    leaves the team must not keep signing in with the one they already opened."""
    link = magic_link_for_session(
        user=teacher.user, school=school, next_path="/", day=timezone.localdate()
    )
    assert client.post(link_path(link)).status_code == 302
    client.logout()
    member_set_active(member=teacher, active=False)
    response = client.post(link_path(link))
    assert response.status_code == 410
    assert "Deze inloglink is ingetrokken" in response.content.decode()
    assert signed_in_user_id(client) is None


@pytest.mark.parametrize("damage", ["unknown_number", "forged_token", "other_links_token"])
def test_unknown_link_says_it_is_unknown(client, teacher, steering, damage):
    link = magic_link_create(user=teacher.user, purpose=MagicLink.Purpose.SIGN_IN)
    path = link_path(link)
    if damage == "unknown_number":
        path = path.replace(f"/link/{link.pk}/", f"/link/{link.pk + 1000}/")
    elif damage == "forged_token":
        path = path[:-6] + "AAAAA/"
    else:
        # A valid token of another link (another person's) must not open this one.
        other = magic_link_create(user=steering.user, purpose=MagicLink.Purpose.SIGN_IN)
        token = link_path(other).rstrip("/").rsplit("/", 1)[1]
        path = f"/login/link/{link.pk}/{token}/"
    response = client.post(path)
    assert response.status_code == 404
    assert "Deze inloglink is niet bekend" in response.content.decode()
    assert signed_in_user_id(client) is None


def test_failure_page_offers_a_new_link(client):
    response = client.get("/login/link/999/abc/")
    html = response.content.decode()
    assert 'action="/login/link/"' in html
    assert "Stuur me een link" in html


def test_changed_password_invalidates_earlier_links(client, teacher):
    link = magic_link_create(user=teacher.user, purpose=MagicLink.Purpose.SIGN_IN)
    path = link_path(link)
    teacher.user.set_password("een-nieuw-wachtwoord-2026")
    teacher.user.save()
    assert client.post(path).status_code == 404


def test_request_page_gives_the_same_answer_for_known_and_unknown_addresses(client, teacher):
    known = client.post("/login/link/", {"email": teacher.user.email.upper()}, follow=True)
    unknown = client.post("/login/link/", {"email": "niemand@nergens.example"}, follow=True)
    assert known.redirect_chain == unknown.redirect_chain == [("/login/link/sent/", 302)]
    assert without_tokens(known.content) == without_tokens(unknown.content)
    assert OutgoingMail.objects.filter(to=teacher.user.email).count() == 1
    assert OutgoingMail.objects.filter(to="niemand@nergens.example").count() == 0


def test_requested_mail_carries_a_working_link(client, teacher, mailoutbox):
    client.post("/login/link/", {"email": teacher.user.email})
    mail_send_queued()
    [mail] = mailoutbox
    assert mail.subject == "Je inloglink"
    assert "Hallo Sanne," in mail.body
    url = re.search(r"https://leerlijnen\.test(/login/link/\S+)", mail.body).group(1)
    assert client.post(url).status_code == 302
    assert signed_in_user_id(client) == str(teacher.user.pk)


def test_requests_are_capped_per_person(client, teacher):
    for email in [teacher.user.email, teacher.user.email.upper()] * 3:
        assert client.post("/login/link/", {"email": email}).status_code == 302
    assert MagicLink.objects.filter(user=teacher.user).count() == 3
    assert OutgoingMail.objects.filter(to=teacher.user.email).count() == 3


def test_inactive_user_gets_no_link(client, teacher):
    teacher.user.is_active = False
    teacher.user.save()
    client.post("/login/link/", {"email": teacher.user.email})
    assert OutgoingMail.objects.count() == 0


def test_invalid_address_is_refused_with_a_message(client):
    response = client.post("/login/link/", {"email": "geen-adres"})
    assert response.status_code == 200
    assert "Voer een geldig e-mailadres in." in response.content.decode()
    assert OutgoingMail.objects.count() == 0


def test_an_english_schools_link_opens_in_english_and_the_app_goes_on_in_it(
    client, teacher, school
):
    """The invitation of an English-speaking school is in English: its page and the app after
    it speak English to someone who has not chosen a language, not Dutch."""
    from django.conf import settings

    school.language = "en"
    school.save(update_fields=["language"])
    link = magic_link_create(user=teacher.user, purpose=MagicLink.Purpose.INVITE, school=school)
    page = client.get(link_path(link)).content.decode()
    assert '<html lang="en">' in page
    assert f"You are about to sign in as <strong>{teacher.user.email}</strong>" in page
    response = client.post(link_path(link))
    assert response.status_code == 302
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert (cookie.value, cookie["samesite"]) == ("en", "Lax")
    assert '<html lang="en">' in client.get("/s/de-regenboog/").content.decode()


def test_a_language_chosen_before_stays_and_a_dutch_schools_link_sets_no_cookie(
    client, teacher, school
):
    from django.conf import settings

    link = magic_link_create(user=teacher.user, purpose=MagicLink.Purpose.INVITE, school=school)
    assert settings.LANGUAGE_COOKIE_NAME not in client.post(link_path(link)).cookies

    school.language = "en"
    school.save(update_fields=["language"])
    link = magic_link_create(user=teacher.user, purpose=MagicLink.Purpose.SIGN_IN, school=school)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    assert "Je staat op het punt in te loggen" in client.get(link_path(link)).content.decode()
    assert settings.LANGUAGE_COOKIE_NAME not in client.post(link_path(link)).cookies
