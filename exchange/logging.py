"""Structured logs: one JSON object per line, each carrying the id of the request it belongs to.

Production logs to stdout as JSON lines (settings.LOGGING), so any log collector can index them;
development keeps Django's readable console lines. `RequestLogMiddleware` (exchange.middleware)
sets the request id for the duration of a request and writes one line per request.

Secrets never reach a log line: the query string is never logged, and a URL argument named like
`token` (sign-in links, password reset, calendar feeds carry theirs in the path) is replaced by
`[token]` in the request line and in every other line of that request (Django's own "Not Found:
<path>" included).
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import uuid
from datetime import UTC, datetime

from django.http import HttpRequest
from django.urls import Resolver404, resolve

# The id of the request being handled, or None outside a request (commands, the worker).
request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "request_id", default=None
)

# (the path as received, the path as logged) while a request whose path holds a secret runs.
_path_redaction: contextvars.ContextVar[tuple[str, str] | None] = contextvars.ContextVar(
    "path_redaction", default=None
)

# An id from the proxy is taken over only if it looks like one: letters, digits and a few marks,
# at most 100 characters. Anything else (spaces, quotes, a whole header's worth) gets a fresh id.
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:+=/-]{0,99}")


def request_id_from(header_value: str | None) -> str:
    """The proxy's request id when it is a sane token, else a new random one."""
    if header_value and _SANE_REQUEST_ID.fullmatch(header_value):
        return header_value
    return uuid.uuid4().hex


def loggable_path(request) -> str:
    """The request's path with every URL argument named like `token` replaced by `[token]`."""
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return request.path
    path = request.path
    for name, value in match.kwargs.items():
        if "token" in name and value:
            path = path.replace(str(value), "[token]")
    return path


def redact_path(request) -> tuple[str, contextvars.Token | None]:
    """The loggable path; until `reset_redaction(token)` every log line shows it for the raw one."""
    safe = loggable_path(request)
    if safe == request.path:
        return safe, None
    return safe, _path_redaction.set((request.path, safe))


def reset_redaction(token: contextvars.Token | None) -> None:
    if token is not None:
        _path_redaction.reset(token)


def _redacted(value: str, redaction: tuple[str, str] | None = None) -> str:
    redaction = redaction or _path_redaction.get()
    if redaction is None:
        return value
    raw, safe = redaction
    return value.replace(raw, safe)


def _request_context(record: logging.LogRecord) -> tuple[str | None, tuple[str, str] | None]:
    """The request id and path redaction for a record.

    Django logs a 4xx/5xx answer ("Not Found: <path>", logger django.request) after the
    middleware is done, with the request on the record: the id and redaction come from there.
    """
    request = getattr(record, "request", None)
    if request_id_var.get() is not None or not isinstance(request, HttpRequest):
        return request_id_var.get(), _path_redaction.get()
    safe = loggable_path(request)
    redaction = (request.path, safe) if safe != request.path else None
    return getattr(request, "request_id", None), redaction


# Attributes every LogRecord has; anything else on a record came from `extra=` and is logged.
_RECORD_ATTRIBUTES = frozenset(
    vars(logging.LogRecord("", logging.INFO, "", 0, "", None, None)).keys()
) | {"message", "asctime", "taskName"}
# Django adds the request object itself to some records (django.request); it is no log field.
_SKIPPED_EXTRAS = frozenset({"request", "server_time"})


class JsonFormatter(logging.Formatter):
    """A log record as one line of JSON: time, level, logger, message, request id, extras.

    Values that JSON cannot hold are written as their str(); an exception becomes its formatted
    traceback in `exc_info`, still on one line.
    """

    def format(self, record: logging.LogRecord) -> str:
        request_id, redaction = _request_context(record)
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": _redacted(record.getMessage(), redaction),
        }
        if request_id is not None:
            entry["request_id"] = request_id
        for key, value in vars(record).items():
            if key not in _RECORD_ATTRIBUTES and key not in _SKIPPED_EXTRAS:
                entry[key] = _redacted(value, redaction) if isinstance(value, str) else value
        if record.exc_info:
            entry["exc_info"] = _redacted(self.formatException(record.exc_info), redaction)
        return json.dumps(entry, default=str, ensure_ascii=False)


class ReadableFormatter(logging.Formatter):
    """Development's console lines, with the same redaction of secrets in paths."""

    def format(self, record: logging.LogRecord) -> str:
        return _redacted(super().format(record), _request_context(record)[1])
