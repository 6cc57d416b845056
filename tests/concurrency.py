"""Two (or more) requests or service calls at once, each in its own thread with its own
database connection (as gunicorn's workers have): the helpers of the PostgreSQL race tests.

`together` starts the calls at one barrier. Where the outcome would depend on which thread the
scheduler runs first, a `Meet` holds the first thread at the point where the race matters until
the other has got there too, or is waiting for a lock the first holds (so a guard that
serialises the two is not mistaken for a hang).
"""

from __future__ import annotations

import threading
import time

from django.db import connection
from django.test import Client
from django.utils import translation

WAIT = 30  # seconds a thread may take before the test fails instead of hanging
LANGUAGE_COOKIE = "exchange_language"


def together(*calls):
    """Run each call in its own thread, released at one barrier; each call's result, or the
    exception it raised, in the order given. Every thread closes its own connection."""
    start = threading.Barrier(len(calls), timeout=WAIT)
    results: list = [None] * len(calls)

    def run(index, call):
        try:
            start.wait()
            with translation.override("en"):
                results[index] = call()
        except Exception as error:  # the caller checks what each call raised
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT)
    assert not any(thread.is_alive() for thread in threads)
    return results


def someone_waits_for_a_lock() -> bool:
    """Whether another connection waits for a database lock now. PostgreSQL keeps one view of
    pg_stat_activity per transaction (taken at its first read), and the waiting thread is often
    inside one: drop that view first, or a wait that began after the first look is never seen."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0


class Meet:
    """Where two threads wait for each other: each goes on once both have arrived, or once
    another connection is waiting for a database lock (the other thread is held up by a lock
    this one holds, so waiting longer would wait for ever)."""

    def __init__(self, parties: int = 2):
        self.parties = parties
        self.arrived = 0
        self.lock = threading.Lock()

    def wait(self) -> None:
        with self.lock:
            self.arrived += 1
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            with self.lock:
                if self.arrived >= self.parties:
                    return
            if someone_waits_for_a_lock():
                return
            time.sleep(0.02)
        raise AssertionError("the other thread never came")


def meet_after(monkeypatch, owner, name: str) -> Meet:
    """Make `owner.name` wait, after it ran, until both threads have run it."""
    meet = Meet()
    original = getattr(owner, name)

    def run_then_meet(*args, **kwargs):
        result = original(*args, **kwargs)
        meet.wait()
        return result

    monkeypatch.setattr(owner, name, run_then_meet)
    return meet


def said(client: Client, response) -> list[str]:
    """What the page a POST redirected to tells `client`. Read after the threads are done:
    the test client collects the context of every template rendered meanwhile, in any thread."""
    assert response.status_code == 302
    page = client.get(response["Location"], follow=True)
    return [str(message) for message in page.context["messages"]]


def clients_of(user, count: int = 2, *, language: str = "en") -> list[Client]:
    """`count` browsers (or one browser's double click) signed in as `user`, in `language`."""
    first = Client()
    first.force_login(user)
    clients = [first]
    for _number in range(count - 1):
        other = Client()
        other.cookies = first.cookies.__class__(first.cookies)
        clients.append(other)
    for client in clients:
        client.cookies[LANGUAGE_COOKIE] = language
    return clients
