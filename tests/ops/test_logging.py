"""Structured logs: one JSON line per request with its id; no secret of a URL in any line."""

import io
import json
import logging

import pytest

from exchange.logging import JsonFormatter, request_id_from
from learninglines.models import MagicLink
from learninglines.services.links import magic_link_url
from learninglines.services.signin import magic_link_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def log_lines():
    """Everything logged meanwhile (request log, Django's loggers, the root), as JSON lines."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    loggers = [logging.getLogger(name) for name in ("exchange.request", "django", "")]
    levels = [each.level for each in loggers]
    for each in loggers:
        each.addHandler(handler)
        each.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    for each, level in zip(loggers, levels, strict=True):
        each.removeHandler(handler)
        each.setLevel(level)


def test_a_request_logs_one_json_line_with_the_id_the_response_carries(client, log_lines):
    response = client.get("/login/")
    request_id = response["X-Request-ID"]
    assert len(request_id) == 32
    [line] = log_lines()
    duration = line.pop("duration_ms")
    line.pop("time")
    assert isinstance(duration, float)
    assert line == {
        "level": "INFO",
        "logger": "exchange.request",
        "message": "GET /login/ 200",
        "request_id": request_id,
        "method": "GET",
        "path": "/login/",
        "status": 200,
        "user_id": None,
    }


def test_the_proxys_request_id_is_kept_when_sane(client, log_lines):
    response = client.get("/healthz", headers={"X-Request-ID": "edge-7f3a.42"})
    assert response["X-Request-ID"] == "edge-7f3a.42"
    assert [line["request_id"] for line in log_lines()] == ["edge-7f3a.42"]


@pytest.mark.parametrize(
    "header", ["", "has space", '"quoted"', "a" * 101, "-starts-with-a-dash", "x\ny"]
)
def test_an_insane_request_id_is_replaced(header):
    made = request_id_from(header)
    assert made != header
    assert len(made) == 32


def test_the_line_names_the_user_by_id_never_by_address(client, teacher, log_lines):
    client.force_login(teacher.user)
    response = client.get("/s/de-regenboog/")
    assert response.status_code == 200
    [line] = [line for line in log_lines() if line["logger"] == "exchange.request"]
    assert line["user_id"] == teacher.user.pk
    assert teacher.user.email not in json.dumps(log_lines())


def test_every_line_of_a_request_carries_its_id(client, log_lines):
    response = client.get("/no-such-page/", headers={"X-Request-ID": "req-404"})
    assert response.status_code == 404
    lines = log_lines()
    assert sorted((line["logger"], line["message"], line["request_id"]) for line in lines) == [
        ("django.request", "Not Found: /no-such-page/", "req-404"),
        ("exchange.request", "GET /no-such-page/ 404", "req-404"),
    ]


def test_a_token_in_the_query_string_never_reaches_the_log(client, log_lines):
    response = client.get("/login/?sesame=AAAAsecret-query-token&next=/s/x/")
    assert response.status_code == 200
    lines = log_lines()
    assert [line["path"] for line in lines] == ["/login/"]
    assert "secret-query-token" not in json.dumps(lines)


def test_a_sign_in_token_in_the_path_never_reaches_the_log(client, teacher, log_lines):
    link = magic_link_create(user=teacher.user, purpose=MagicLink.Purpose.SIGN_IN)
    path = magic_link_url(link).removeprefix("https://leerlijnen.test")
    token = path.rstrip("/").rsplit("/", 1)[1]
    client.get(path)
    client.get(path.replace(token, token[:-3] + "xyz"))  # a broken link, whatever it answers
    lines = log_lines()
    assert [line["path"] for line in lines if line["logger"] == "exchange.request"] == [
        f"/login/link/{link.pk}/[token]/",
        f"/login/link/{link.pk}/[token]/",
    ]
    assert token not in json.dumps(lines)
    assert token[:-3] not in json.dumps(lines)


def test_a_calendar_feed_token_never_reaches_the_log(client, log_lines):
    response = client.get("/calendar/not-a-real-feed-token.ics")
    assert response.status_code == 404
    lines = log_lines()
    assert sorted((line["message"], line["request_id"]) for line in lines) == [
        ("GET /calendar/[token].ics 404", response["X-Request-ID"]),
        ("Not Found: /calendar/[token].ics", response["X-Request-ID"]),
    ]
    assert "not-a-real-feed-token" not in json.dumps(lines)


def test_a_log_line_outside_a_request_has_no_request_id():
    record = logging.LogRecord("exchange.worker", logging.WARNING, "", 0, "Mail %s", (7,), None)
    assert json.loads(JsonFormatter().format(record))["message"] == "Mail 7"
    assert "request_id" not in json.loads(JsonFormatter().format(record))
