"""/healthz: no sign-in, no data, never cached; 503 when the database does not answer."""

import json

import pytest
from django.db import OperationalError

from exchange import health

pytestmark = pytest.mark.django_db


def test_health_answers_ok_without_sign_in(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == {"status": "ok"}
    assert "no-store" in response["Cache-Control"].split(", ")
    assert response.cookies == {}


def test_health_says_the_same_to_a_signed_in_person(client, teacher):
    client.force_login(teacher.user)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ok"}


class _BrokenConnection:
    def cursor(self):
        raise OperationalError("connection to server at 127.0.0.1 failed")


def test_health_is_503_when_the_database_fails(client, monkeypatch):
    monkeypatch.setattr(health, "connection", _BrokenConnection())
    response = client.get("/healthz")
    assert response.status_code == 503
    assert json.loads(response.content) == {"status": "error"}
    assert "no-store" in response["Cache-Control"].split(", ")


def test_health_is_not_redirected_to_https(client, settings):
    # Production's settings (exchange/settings.py); tests run in development mode.
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    assert client.get("/healthz").status_code == 200
    assert client.get("/login/").status_code == 301


def test_health_takes_only_get(client):
    assert client.post("/healthz").status_code == 405
