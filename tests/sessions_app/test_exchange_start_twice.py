"""The invitation sent twice (a double click on "Send", a phone sending the form again) starts
one small exchange and mails its invitees once; the second send opens the first exchange with a
word saying so. A changed invitation, a later one, or one sent again after someone answered
the first is a new exchange (see `sessions_app.services.exchanges`). Two sends at the very
same moment, on PostgreSQL: test_exchange_double_start.py.
"""

from datetime import datetime, timedelta

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from learninglines.models import OutgoingMail
from sessions_app.models import ExchangeParticipant, PeerExchange
from sessions_app.services.exchanges import (
    AlreadyStarted,
    exchange_accept,
    exchange_cancel,
    exchange_start,
)

pytestmark = pytest.mark.django_db

SLUG = "de-regenboog"
LOCAL = "%Y-%m-%dT%H:%M"
ALREADY = "You had already sent this invitation, so it was not sent twice. Here it is."
SENT = "Your invitation is sent. You get a mail when someone answers."


def url(name: str, **kwargs) -> str:
    return reverse(f"sessions_app:{name}", kwargs={"school_slug": SLUG, **kwargs})


def soon(days: int, hour: int = 15) -> datetime:
    moment = timezone.localtime() + timedelta(days=days)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0)


@pytest.fixture
def team(make_team):
    return make_team([2, 2, 2])


@pytest.fixture
def form(team) -> dict:
    """A1 invites B1 and C1 to a visit at two moments."""
    return {
        "topic": "Vraagkaarten bij het voorlezen",
        "kind": "visit",
        "invitees": [team.members["B"][0].pk, team.members["C"][0].pk],
        "moment_1": soon(3).strftime(LOCAL),
        "moment_2": soon(4).strftime(LOCAL),
        "minutes": "45",
    }


def sign_in(client, member) -> None:
    client.force_login(member.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def said(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_the_start_form_sent_twice_starts_one_exchange_and_mails_once(client, team, form):
    a1, b1, c1 = team.members["A"][0], team.members["B"][0], team.members["C"][0]
    sign_in(client, a1)
    first = client.post(url("exchange-start"), form)
    again = client.post(url("exchange-start"), form)

    exchange = PeerExchange.objects.get()
    assert first["Location"] == again["Location"] == url("exchange-detail", pk=exchange.pk)
    assert sorted(OutgoingMail.objects.values_list("to", flat=True)) == sorted(
        [b1.user.email, c1.user.email]
    )
    assert exchange.participants.count() == 3
    assert exchange.moments.count() == 2
    # the page the second send opens says what happened, after what the first one said
    page = client.get(again["Location"])
    assert said(page) == [SENT, ALREADY]
    # and a third send, with the moments in the other order, is the same invitation too
    swapped = {**form, "moment_1": form["moment_2"], "moment_2": form["moment_1"]}
    third = client.post(url("exchange-start"), swapped, follow=True)
    assert said(third) == [ALREADY]
    assert third.redirect_chain == [(url("exchange-detail", pk=exchange.pk), 302)]
    assert PeerExchange.objects.count() == 1
    assert OutgoingMail.objects.count() == 2


@pytest.mark.parametrize(
    "change",
    [
        {"moment_2": ""},  # one moment fewer
        {"topic": "Vraagkaarten bij het rekenen"},
        {"kind": "lesson"},
        {"minutes": "60"},
        {"invitees": "B1"},  # only one of the two
    ],
)
def test_a_changed_invitation_is_a_new_exchange(client, team, form, change):
    sign_in(client, team.members["A"][0])
    assert said(client.post(url("exchange-start"), form, follow=True)) == [SENT]
    if change.get("invitees") == "B1":
        change = {"invitees": [team.members["B"][0].pk]}
    response = client.post(url("exchange-start"), {**form, **change}, follow=True)
    assert said(response) == [SENT]
    assert PeerExchange.objects.count() == 2
    assert OutgoingMail.objects.count() == 2 + len(({**form, **change})["invitees"])


def _start(team, now, **fields):
    a1, b1 = team.members["A"][0], team.members["B"][0]
    return exchange_start(
        initiator=a1,
        invitees=[b1],
        topic="Rekengesprekken",
        kind="conversation",
        moments=fields.pop("moments", [soon(3)]),
        now=now,
        **fields,
    )


def test_the_same_invitation_counts_as_sent_again_for_two_minutes(team):
    now = timezone.now()
    first = _start(team, now)
    with pytest.raises(AlreadyStarted) as again, translation.override("en"):
        _start(team, now + timedelta(minutes=2))
    assert again.value.exchange == first
    assert again.value.messages == [ALREADY]
    assert isinstance(again.value, ValidationError)  # a refusal like any other to its callers
    later = _start(team, now + timedelta(minutes=2, seconds=1))
    assert later != first
    assert PeerExchange.objects.count() == 2
    # "we arrange it ourselves", sent twice, too
    arranged = _start(team, now, moments=[], self_arranged=True)
    with pytest.raises(AlreadyStarted) as again:
        _start(team, now, moments=[], self_arranged=True)
    assert again.value.exchange == arranged


def test_sent_again_after_an_answer_or_a_cancellation_is_a_new_exchange(team):
    """Once the first exchange is no longer as it was sent, the same invitation is meant."""
    now = timezone.now()
    b1 = team.members["B"][0]
    first = _start(team, now)
    participant = ExchangeParticipant.objects.get(exchange=first, member=b1)
    exchange_accept(participant=participant, moment=first.moments.get(), now=now)
    second = _start(team, now)
    assert second != first
    exchange_cancel(
        participant=ExchangeParticipant.objects.get(exchange=second, is_initiator=True), now=now
    )
    third = _start(team, now)
    assert len({first.pk, second.pk, third.pk}) == 3
    assert PeerExchange.objects.count() == 3


def test_another_starter_with_the_same_invitation_starts_their_own(team):
    a1, a2, b1 = team.members["A"][0], team.members["A"][1], team.members["B"][0]
    for starter in (a1, a2):
        exchange_start(
            initiator=starter,
            invitees=[b1],
            topic="Rekengesprekken",
            kind="conversation",
            moments=[soon(3)],
        )
    assert PeerExchange.objects.count() == 2
