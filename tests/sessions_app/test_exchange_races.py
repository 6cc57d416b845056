"""Two invitees of a group exchange answering in the same second, on PostgreSQL.

Each scenario reads the pages first (as both teachers have them open on their phones), then
sends both answers from two threads with their own database connections, as gunicorn's
workers have. `exchange_accept` and `exchange_propose_moment` lock the exchange's row
(`select_for_update`), so the two are made one after the other; a `Meet` holds the thread that
has the lock until the other is waiting for it, so the second really reads what the first
wrote. The page sends what it showed (the agreed moment, the newest proposed moment): an
answer to something that changed meanwhile is refused with words saying what changed, and
nothing of it is written or mailed. The tests check the exact outcome: the one agreed moment,
what each teacher is told, which mails are queued (and to whom), and one row per participant.
"""

from __future__ import annotations

import re
import threading
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from learninglines.models import OutgoingMail
from sessions_app.models import ExchangeParticipant, PeerExchange
from sessions_app.services import exchanges as exchanges_service
from sessions_app.services.exchanges import exchange_start
from tests.concurrency import LANGUAGE_COOKIE, WAIT, Meet, together

pytestmark = [
    pytest.mark.postgresql("SQLite serialises all writers, so only PostgreSQL can show the race"),
    pytest.mark.django_db(transaction=True),
]

SLUG = "de-regenboog"
TOPIC = "Vraagkaarten bij het voorlezen"


# --- two threads at once (tests/concurrency.py) ---


def lock_first(monkeypatch, member) -> threading.Event:
    """`member`'s answer takes the exchange's lock first and keeps it until the other answer is
    waiting for it. The returned event is set once `member` holds the lock: the other thread
    waits for it before it sends its answer."""
    locked = threading.Event()
    original = exchanges_service._locked

    def locking(participant):
        result = original(participant)
        if participant.member_id == member.pk:
            locked.set()
            Meet().wait()  # only this thread arrives: on once the other waits for the lock
        return result

    monkeypatch.setattr(exchanges_service, "_locked", locking)
    return locked


def after(event: threading.Event, call):
    def wait_then_call():
        assert event.wait(WAIT)
        return call()

    return wait_then_call


def meet_in_the_lock(monkeypatch) -> None:
    """Whoever takes the exchange's lock first keeps it until the other waits for it."""
    meet = Meet()
    original = exchanges_service._locked

    def locking(participant):
        result = original(participant)
        meet.wait()
        return result

    monkeypatch.setattr(exchanges_service, "_locked", locking)


# --- the pages ---


def url(name: str, **kwargs) -> str:
    return reverse(f"sessions_app:{name}", kwargs={"school_slug": SLUG, **kwargs})


def phone(member) -> Client:
    client = Client()
    client.force_login(member.user)
    client.cookies[LANGUAGE_COOKIE] = "en"
    return client


def form_fields(client: Client, exchange: PeerExchange, action: str, marker: str = "") -> dict:
    """The fields of the form on the exchange's page that posts to `action` (and holds
    `marker`, to tell one moment's accept button from another's), as the browser sends them."""
    page = client.get(url("exchange-detail", pk=exchange.pk)).content.decode()
    target = url(action, pk=exchange.pk)
    for form in re.findall(r"<form\b.*?</form>", page, flags=re.S):
        if f'action="{target}"' in form and marker in form:
            inputs = re.findall(r"<input\b[^>]*>", form)
            fields = {}
            for tag in inputs:
                name = re.search(r'name="([^"]*)"', tag)
                value = re.search(r'value="([^"]*)"', tag)
                if name and 'type="hidden"' in tag:
                    fields[name.group(1)] = value.group(1) if value else ""
            return fields
    raise AssertionError(f"no form to {action} with {marker!r} on the page")


def accept_form(client: Client, exchange: PeerExchange, moment) -> dict:
    return form_fields(client, exchange, "exchange-accept", f'name="moment" value="{moment.pk}"')


def propose_form(client: Client, exchange: PeerExchange, starts_at) -> dict:
    fields = form_fields(client, exchange, "exchange-propose")
    return {**fields, "starts_at": timezone.localtime(starts_at).strftime("%Y-%m-%dT%H:%M")}


def said(client: Client, response) -> list[str]:
    """What the page a POST redirected to tells `client`. Read after the threads are done:
    the test client collects the context of every template rendered meanwhile, in any thread."""
    assert response.status_code == 302
    page = client.get(response["Location"], follow=True)
    return [str(message) for message in page.context["messages"]]


def shown(moment) -> str:
    with translation.override("en"):
        return date_format(timezone.localtime(moment), "l j F, H:i")


def subject(text: str) -> str:
    """A mail subject as the school (in Dutch) gets it."""
    with translation.override("nl"):
        return translation.gettext(text) % {"topic": TOPIC}


AGREED = "Agreed: %(topic)s"
ANOTHER = "Another moment for: %(topic)s"


def mails_since(before: int) -> list[tuple[str, str]]:
    return sorted(OutgoingMail.objects.order_by("pk").values_list("to", "subject")[before:])


def at(days: int, hour: int = 15):
    moment = timezone.localtime() + timedelta(days=days)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0)


@pytest.fixture
def group(make_team):
    """A visit started by A1 with B1 and C1, at one of two moments: nobody answered yet."""
    team = make_team([1, 1, 1])
    starter, first, second = team.members["A"][0], team.members["B"][0], team.members["C"][0]
    exchange = exchange_start(
        initiator=starter,
        invitees=[first, second],
        topic=TOPIC,
        kind="visit",
        moments=[at(2), at(3)],
    )
    one, two = exchange.moments.order_by("starts_at")
    return exchange, one, two, starter, first, second


def answers(exchange) -> dict[int, str]:
    return dict(exchange.participants.values_list("member_id", "response"))


def assert_one_row_each(exchange, *members) -> None:
    rows = list(exchange.participants.values_list("member_id", flat=True))
    assert sorted(rows) == sorted(m.pk for m in members)


# --- two invitees accept different moments ---


@pytest.mark.parametrize("first_in", ["B1", "C1"])
def test_two_invitees_accepting_different_moments_agree_the_first_and_tell_the_other(
    group, monkeypatch, first_in
):
    exchange, one, two, starter, b1, c1 = group
    b_phone, c_phone = phone(b1), phone(c1)
    # both pages are open, nothing agreed yet: B1 taps the first moment, C1 the second
    b_form, c_form = accept_form(b_phone, exchange, one), accept_form(c_phone, exchange, two)
    before = OutgoingMail.objects.count()
    winner, loser = (b1, c1) if first_in == "B1" else (c1, b1)
    locked = lock_first(monkeypatch, winner)
    b_post = lambda: b_phone.post(url("exchange-accept", pk=exchange.pk), b_form)  # noqa: E731
    c_post = lambda: c_phone.post(url("exchange-accept", pk=exchange.pk), c_form)  # noqa: E731
    if winner == b1:
        responses = together(b_post, after(locked, c_post))
    else:
        responses = together(after(locked, b_post), c_post)

    agreed = one if winner == b1 else two
    told = {b1.pk: said(b_phone, responses[0]), c1.pk: said(c_phone, responses[1])}
    assert told[winner.pk] == [
        f"Agreed: {shown(agreed.starts_at)}. It is in your calendar; the others get a mail."
    ]
    assert told[loser.pk] == [
        f"In the meantime, {shown(agreed.starts_at)} was agreed. Accept that moment too, "
        "or propose another."
    ]
    exchange.refresh_from_db()
    assert (exchange.status, exchange.starts_at) == (PeerExchange.Status.AGREED, agreed.starts_at)
    assert answers(exchange) == {starter.pk: "accepted", winner.pk: "accepted", loser.pk: "pending"}
    # only the winner's yes is mailed: to the starter and to the one still to answer
    assert mails_since(before) == sorted(
        [(starter.user.email, subject(AGREED)), (loser.user.email, subject(AGREED))]
    )
    assert_one_row_each(exchange, starter, b1, c1)
    # the one told joins the agreed moment with the button their page now shows
    loser_phone = c_phone if loser == c1 else b_phone
    again = form_fields(loser_phone, exchange, "exchange-accept", ">Accept</button>")
    response = loser_phone.post(url("exchange-accept", pk=exchange.pk), again)
    assert said(loser_phone, response) == [
        f"Agreed: {shown(agreed.starts_at)}. It is in your calendar; the others get a mail."
    ]
    exchange.refresh_from_db()
    assert exchange.starts_at == agreed.starts_at
    assert set(answers(exchange).values()) == {"accepted"}


def test_two_invitees_accepting_the_same_moment_at_once_both_take_part(group, monkeypatch):
    exchange, one, _two, starter, b1, c1 = group
    b_phone, c_phone = phone(b1), phone(c1)
    b_form, c_form = accept_form(b_phone, exchange, one), accept_form(c_phone, exchange, one)
    before = OutgoingMail.objects.count()
    meet_in_the_lock(monkeypatch)
    responses = together(
        lambda: b_phone.post(url("exchange-accept", pk=exchange.pk), b_form),
        lambda: c_phone.post(url("exchange-accept", pk=exchange.pk), c_form),
    )

    agreed = f"Agreed: {shown(one.starts_at)}. It is in your calendar; the others get a mail."
    assert said(b_phone, responses[0]) == [agreed]
    assert said(c_phone, responses[1]) == [agreed]
    exchange.refresh_from_db()
    assert (exchange.status, exchange.starts_at) == (PeerExchange.Status.AGREED, one.starts_at)
    assert set(answers(exchange).values()) == {"accepted"}
    # each yes is mailed to the two others: the starter hears twice, each invitee once
    assert mails_since(before) == sorted(
        [
            (starter.user.email, subject(AGREED)),
            (starter.user.email, subject(AGREED)),
            (b1.user.email, subject(AGREED)),
            (c1.user.email, subject(AGREED)),
        ]
    )
    assert_one_row_each(exchange, starter, b1, c1)


# --- one accepts while another proposes a new moment ---


def test_a_new_moment_proposed_while_someone_accepts_first_stands_and_the_accept_is_told(
    group, monkeypatch
):
    exchange, one, _two, starter, b1, c1 = group
    b_phone, c_phone = phone(b1), phone(c1)
    later = at(5, hour=14)
    b_form, c_form = accept_form(b_phone, exchange, one), propose_form(c_phone, exchange, later)
    before = OutgoingMail.objects.count()
    locked = lock_first(monkeypatch, c1)  # C1's proposal is in first
    responses = together(
        after(locked, lambda: b_phone.post(url("exchange-accept", pk=exchange.pk), b_form)),
        lambda: c_phone.post(url("exchange-propose", pk=exchange.pk), c_form),
    )

    assert said(c_phone, responses[1]) == ["Your moment is proposed; the others are asked by mail."]
    assert said(b_phone, responses[0]) == [
        f"In the meantime, {c1.full_name} proposed another moment: {shown(later)}. "
        "Look at the moments again and choose one."
    ]
    exchange.refresh_from_db()
    assert (exchange.status, exchange.starts_at) == (PeerExchange.Status.PROPOSED, None)
    assert sorted(exchange.moments.values_list("starts_at", flat=True)) == [
        at(2),
        at(3),
        later,
    ]
    assert answers(exchange) == {starter.pk: "accepted", b1.pk: "pending", c1.pk: "accepted"}
    assert mails_since(before) == sorted(
        [(starter.user.email, subject(ANOTHER)), (b1.user.email, subject(ANOTHER))]
    )
    assert_one_row_each(exchange, starter, b1, c1)


def test_an_accept_in_before_a_new_moment_stands_and_the_proposer_is_told(group, monkeypatch):
    exchange, one, _two, starter, b1, c1 = group
    b_phone, c_phone = phone(b1), phone(c1)
    later = at(5, hour=14)
    b_form, c_form = accept_form(b_phone, exchange, one), propose_form(c_phone, exchange, later)
    before = OutgoingMail.objects.count()
    locked = lock_first(monkeypatch, b1)  # B1's yes is in first
    responses = together(
        lambda: b_phone.post(url("exchange-accept", pk=exchange.pk), b_form),
        after(locked, lambda: c_phone.post(url("exchange-propose", pk=exchange.pk), c_form)),
    )

    assert said(b_phone, responses[0]) == [
        f"Agreed: {shown(one.starts_at)}. It is in your calendar; the others get a mail."
    ]
    assert said(c_phone, responses[1]) == [
        f"In the meantime, {shown(one.starts_at)} was agreed. Does it not suit you? "
        "Propose your moment again."
    ]
    exchange.refresh_from_db()
    assert (exchange.status, exchange.starts_at) == (PeerExchange.Status.AGREED, one.starts_at)
    assert exchange.moments.count() == 2  # the proposal was not written
    assert answers(exchange) == {starter.pk: "accepted", b1.pk: "accepted", c1.pk: "pending"}
    assert mails_since(before) == sorted(
        [(starter.user.email, subject(AGREED)), (c1.user.email, subject(AGREED))]
    )
    assert_one_row_each(exchange, starter, b1, c1)
    # Told, C1 still proposes the moment: now it asks everyone again.
    response = c_phone.post(
        url("exchange-propose", pk=exchange.pk), propose_form(c_phone, exchange, later)
    )
    assert said(c_phone, response) == ["Your moment is proposed; the others are asked by mail."]
    exchange.refresh_from_db()
    assert (exchange.status, exchange.starts_at) == (PeerExchange.Status.PROPOSED, None)


def test_an_answer_to_what_the_page_showed_agreed_still_switches_to_another_moment(group):
    """Not a race: with the agreed moment on the page, choosing another one is on purpose, and
    makes that one agreed (the others are asked again by mail)."""
    exchange, one, two, starter, b1, c1 = group
    b_phone, c_phone = phone(b1), phone(c1)
    b_phone.post(url("exchange-accept", pk=exchange.pk), accept_form(b_phone, exchange, one))
    before = OutgoingMail.objects.count()
    response = c_phone.post(
        url("exchange-accept", pk=exchange.pk), accept_form(c_phone, exchange, two)
    )

    assert said(c_phone, response) == [
        f"Agreed: {shown(two.starts_at)}. It is in your calendar; the others get a mail."
    ]
    exchange.refresh_from_db()
    assert (exchange.status, exchange.starts_at) == (PeerExchange.Status.AGREED, two.starts_at)
    assert mails_since(before) == sorted(
        [(starter.user.email, subject(AGREED)), (b1.user.email, subject(AGREED))]
    )
    assert_one_row_each(exchange, starter, b1, c1)
    assert ExchangeParticipant.objects.filter(exchange=exchange).count() == 3
