"""Work that runs after the response has gone out (Django's `request_finished` signal).

The anonymous sign-in forms answer the same way, in the same time, for every address; whether a
mail goes out is decided here, after the person already has the answer. Nothing is kept between
requests: a process that stops before this runs leaves the request row in the database, and
`send_queued_mail` (cron) handles it.
"""

import contextvars
import logging
from collections.abc import Callable

from django.core.signals import request_finished, request_started
from django.dispatch import receiver

logger = logging.getLogger(__name__)

_after_response: contextvars.ContextVar[list[Callable[[], object]] | None] = contextvars.ContextVar(
    "after_response", default=None
)


def after_response(func: Callable[[], object]) -> None:
    """Run `func` once the current response is finished (outside any request: at once)."""
    pending = _after_response.get()
    if pending is None:
        func()
        return
    pending.append(func)


@receiver(request_started, dispatch_uid="learninglines.deferred.start")
def _start(**kwargs) -> None:
    _after_response.set([])


@receiver(request_finished, dispatch_uid="learninglines.deferred.finish")
def _finish(**kwargs) -> None:
    pending = _after_response.get() or []
    _after_response.set(None)
    for func in pending:
        try:
            func()
        except Exception:  # the answer is out; log, and leave the rest to cron
            logger.exception("Work after the response failed")
