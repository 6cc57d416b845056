"""The home page and the error pages: in the site layout, translated, with security headers."""

import pytest
from django.test import Client
from django.urls import reverse

from exchange.views import server_error

pytestmark = pytest.mark.django_db

STRICT_POLICY = {
    "default-src": ["'self'"],
    "base-uri": ["'self'"],
    "connect-src": ["'self'"],
    "font-src": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
    "img-src": ["'self'", "data:"],
    "object-src": ["'none'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
}


def policy(response) -> dict[str, list[str]]:
    directives = (part.split() for part in response["Content-Security-Policy"].split(";"))
    return {name: values for name, *values in directives}


def assert_security_headers(response):
    assert policy(response) == STRICT_POLICY
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_home_page_is_dutch_by_default_even_for_an_english_browser(client):
    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="nl">' in html
    assert "Van elkaar leren, op gelijkwaardige voet" in html
    assert "gelijkwaardig, nieuwsgierig: het gaat niet om beter of slechter." in html
    assert_security_headers(response)


def test_home_page_in_english_after_switching(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)
    html = response.content.decode()
    assert response.redirect_chain == [("/", 302)]
    assert '<html lang="en">' in html
    assert "Learn from each other, on an equal footing" in html
    assert "equal footing, genuine curiosity: it is not about better or worse." in html
    assert "Van elkaar leren" not in html


def test_switching_back_to_dutch(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    client.post(reverse("set_language"), {"language": "nl", "next": "/"})
    assert "Van elkaar leren" in client.get("/").content.decode()


def test_language_switch_is_a_post_form_with_csrf(client):
    html = client.get("/").content.decode()
    assert f'action="{reverse("set_language")}" method="post"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    # A GET (a prefetching browser, a crawler) never changes the language.
    client.get(reverse("set_language") + "?language=en")
    assert "Van elkaar leren" in client.get("/").content.decode()


def test_404_page_in_site_layout(client):
    response = client.get("/bestaat-niet/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "Pagina niet gevonden" in html
    assert 'href="#main"' in html  # the base layout, skip link included
    assert_security_headers(response)


def test_404_page_in_english(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Page not found" in client.get("/no-such-page/").content.decode()


def test_opening_a_buttons_address_explains_itself_and_stays_a_405(client, steering, teacher):
    client.force_login(steering.user)
    url = f"/s/de-regenboog/team/{teacher.pk}/line/"  # the move form's button
    response = client.get(url)
    html = " ".join(response.content.decode().split())
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert "Dit adres is een knop" in html
    assert 'href="#main"' in html
    assert_security_headers(response)
    # htmx and other methods keep the bare answer
    assert client.get(url, headers={"HX-Request": "true"}).content == b""
    assert client.put(url).content == b""


def test_csrf_failure_page_in_site_layout_saves_nothing(client):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = response.content.decode()
    assert response.status_code == 403
    assert "Het formulier is verlopen" in html
    assert "Voor je veiligheid is er niets opgeslagen." in html
    assert "exchange_language" not in response.cookies
    assert_security_headers(response)


def test_403_page_in_site_layout(rf):
    from exchange.views import permission_denied

    request = rf.get("/")
    response = permission_denied(request)
    assert response.status_code == 403
    assert "Geen toegang" in response.content.decode()


def test_500_page_in_site_layout(rf):
    response = server_error(rf.get("/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert "Er ging bij ons iets mis" in html
    assert "De fout is vastgelegd" in html
    assert 'href="#main"' in html


def test_a_500_page_of_a_get_tries_again_by_itself_and_of_a_post_never(rf):
    html = server_error(rf.get("/")).content.decode()
    assert 'data-retry-seconds="10"' in html
    assert "Deze pagina probeert het over" in html
    assert "/static/js/retry.js" in html
    posted = server_error(rf.post("/")).content.decode()
    assert "data-retry-seconds" not in posted
    assert "retry.js" not in posted


def test_500_page_through_the_middleware_has_the_policy(client, settings):
    settings.ROOT_URLCONF = "tests.exchange.urls_raising"
    client.raise_request_exception = False
    response = client.get("/kapot/")
    assert response.status_code == 500
    assert "Er ging bij ons iets mis" in response.content.decode()
    assert_security_headers(response)


def test_htmx_fragment_request_gets_the_policy_too(client):
    response = client.get("/", HTTP_HX_REQUEST="true")
    assert_security_headers(response)


def test_static_file_is_served_with_nosniff(client):
    response = client.get("/static/css/app.css")
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
