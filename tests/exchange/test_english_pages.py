"""What a school that asked for English gets where test_i18n's crawl does not look: the
downloads' headers, the pages before signing in, the projector. Exact English text, and not
the Dutch of the same message."""

import pytest
from django.conf import settings
from django.core.management import call_command

from learninglines.models import User
from sessions_app.models import PlenarySession

STEERING = "anouk.devries@regenboog.example"


@pytest.fixture
def demo(db):
    call_command("seed_demo", allow_production=True)


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def body(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode("utf-8-sig")


def session_two():
    return PlenarySession.objects.get(school__slug="de-regenboog", title="Plenaire bijeenkomst 2")


def test_plan_download_has_english_headers(client, demo):
    english(client).force_login(User.objects.get(email=STEERING))
    response = client.get(session_two().get_absolute_url().rstrip("/") + "/plan.csv")
    assert response.status_code == 200
    header = body(response).splitlines()[0]
    assert header == "Name;E-mail address;Learning line;Round 1;Round 2"
    assert "Naam" not in header
    assert "Ronde" not in header


def test_staff_list_template_has_english_headers(client, demo):
    english(client).force_login(User.objects.get(email=STEERING))
    response = client.get("/s/de-regenboog/team/import/template.csv")
    header = body(response).splitlines()[0]
    assert header == "First name;Name prefix;Last name;E-mail address;Learning line;Steering group"
    assert "Voornaam" not in header


@pytest.mark.parametrize(
    ("url", "english_text", "dutch_text"),
    [
        ("/login/link/sent/", "Check your mail", "Kijk in je mail"),
        ("/login/link/1/not-a-token/", "This sign-in link is not known", "Deze inloglink is"),
    ],
)
def test_pages_before_signing_in_are_english(client, demo, url, english_text, dutch_text):
    html = english(client).get(url).content.decode()
    assert english_text in html
    assert dutch_text not in html


def test_page_not_found_is_english(client, demo, settings):
    settings.DEBUG = False
    english(client).force_login(User.objects.get(email=STEERING))
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "<title>Page not found" in html
    assert "Pagina niet gevonden" not in html


def test_projector_is_english(client, demo):
    english(client).force_login(User.objects.get(email=STEERING))
    html = client.get(session_two().get_absolute_url() + "projector/").content.decode()
    assert "Your table on your phone" in html
    assert "Round 1: the tables" in html
    assert "Je tafel op je telefoon" not in html
