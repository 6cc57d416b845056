"""Requests the site refuses or answers specially: NUL characters, caching, the favicon."""

import pytest

from learninglines.models import MagicLink, SignInRequest
from learninglines.services.links import magic_link_url
from learninglines.services.signin import magic_link_create
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    [
        "/login/?next=%00",
        "/s/de-regenboog/team/?q=abc%00def",
        "/admin/learninglines/user/?q=%00",
        "/admin/autocomplete/?app_label=learninglines&model_name=member&field_name=user&term=%00",
    ],
)
def test_nul_in_a_query_parameter_is_a_400(client, steering, path):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.get(path)
    assert response.status_code == 400
    assert "Verzoek niet begrepen" in response.content.decode()
    assert "Content-Security-Policy" in response.headers


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/login/link/", {"email": "anouk@school.example\x00"}),
        ("/login/", {"username": "anouk@school.example", "password": "a\x00b"}),
        ("/password/reset/", {"email\x00": "x"}),
    ],
)
def test_nul_in_a_form_field_is_a_400_and_nothing_is_stored(client, path, data):
    response = client.post(path, data)
    assert response.status_code == 400
    assert SignInRequest.objects.count() == 0


def test_signed_in_pages_are_never_stored(client, teacher):
    client.force_login(teacher.user)
    response = client.get("/s/de-regenboog/")
    assert response.status_code == 200
    assert set(response["Cache-Control"].split(", ")) == {"private", "no-store"}


def test_the_link_landing_page_is_never_stored(client, teacher):
    link = magic_link_create(user=teacher.user, purpose=MagicLink.Purpose.SIGN_IN)
    response = client.get(magic_link_url(link).removeprefix("https://leerlijnen.test"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"].split(", ")


def test_favicon_points_at_the_real_icon(client):
    response = client.get("/favicon.ico")
    assert (response.status_code, response["Location"]) == (301, "/static/img/favicon.svg")
    assert client.get(response["Location"]).status_code == 200
