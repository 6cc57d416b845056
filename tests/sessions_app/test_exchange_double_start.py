"""The invitation to a small exchange sent twice at the very same moment, on PostgreSQL: a
double click on "Send", or a phone sending the form again while the first send still runs.

As in test_concurrency.py, each send runs in its own thread with its own database connection,
released together. A `Meet` holds each send right after it looked for the same invitation sent
before, until the other send has looked too or waits for a lock the first holds: without the
lock on the starter both find nothing and both start an exchange, which is the bug. The tests
check the exact outcome: one exchange, one mail per invitee, and what each send is told.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from learninglines.models import OutgoingMail
from sessions_app.models import PeerExchange
from sessions_app.services import exchanges as exchanges_service
from sessions_app.services.exchanges import AlreadyStarted, exchange_start
from tests.concurrency import clients_of, meet_after, said, together

pytestmark = [
    pytest.mark.postgresql("SQLite serialises all writers, so only PostgreSQL can show the race"),
    pytest.mark.django_db(transaction=True),
]

LOCAL = "%Y-%m-%dT%H:%M"
ALREADY = "You had already sent this invitation, so it was not sent twice. Here it is."
SENT = "Your invitation is sent. You get a mail when someone answers."


def _soon(days: int):
    moment = timezone.localtime() + timedelta(days=days)
    return moment.replace(hour=15, minute=0, second=0, microsecond=0)


def test_send_pressed_twice_at_once_starts_one_exchange_and_mails_once(make_team, monkeypatch):
    team = make_team([1, 1, 1])
    starter, first, second = team.members["A"][0], team.members["B"][0], team.members["C"][0]
    # both sends have looked for the same invitation before either writes (unless one waits)
    meet_after(monkeypatch, exchanges_service, "_just_started")
    url = reverse("sessions_app:exchange-start", kwargs={"school_slug": starter.school.slug})
    form = {
        "topic": "Vraagkaarten bij het voorlezen",
        "kind": "visit",
        "invitees": [first.pk, second.pk],
        "moment_1": _soon(3).strftime(LOCAL),
        "moment_2": _soon(4).strftime(LOCAL),
        "minutes": "45",
    }
    clients = clients_of(starter.user)
    responses = together(*(lambda c=c: c.post(url, form) for c in clients))

    exchange = PeerExchange.objects.get()
    detail = reverse(
        "sessions_app:exchange-detail",
        kwargs={"school_slug": starter.school.slug, "pk": exchange.pk},
    )
    assert [r["Location"] for r in responses] == [detail, detail]
    told = sorted(said(c, r)[0] for c, r in zip(clients, responses, strict=True))
    assert told == sorted([SENT, ALREADY])
    assert sorted(OutgoingMail.objects.values_list("to", flat=True)) == sorted(
        [first.user.email, second.user.email]
    )
    assert exchange.participants.count() == 3
    assert exchange.moments.count() == 2


def test_two_starts_of_the_same_invitation_at_once_make_one_and_name_it_to_the_other(
    make_team, monkeypatch
):
    team = make_team([1, 1])
    starter, colleague = team.members["A"][0], team.members["B"][0]
    meet_after(monkeypatch, exchanges_service, "_just_started")
    moment = _soon(2)

    def start():
        return exchange_start(
            initiator=starter,
            invitees=[colleague],
            topic="Rekengesprekken",
            kind="conversation",
            moments=[moment],
        )

    results = together(start, start)

    started = [r for r in results if isinstance(r, PeerExchange)]
    refused = [r for r in results if isinstance(r, AlreadyStarted)]
    assert len(started) == 1, results
    assert [r.messages for r in refused] == [[ALREADY]]
    assert refused[0].exchange == started[0] == PeerExchange.objects.get()
    assert list(OutgoingMail.objects.values_list("to", flat=True)) == [colleague.user.email]
