"""The outbox: queued once, sent once, a failing send is retried and recorded."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.template.loader import render_to_string
from django.utils import timezone

from learninglines.models import PERSONAL_LINK_PLACEHOLDER, MagicLink, OutgoingMail, SignInRequest
from learninglines.services.links import magic_link_url
from learninglines.services.outbox import (
    ACCOUNT_BLOCKED,
    MAIL_MAX_ATTEMPTS,
    mail_queue,
    mail_send_queued,
)
from learninglines.services.signin import magic_link_send

pytestmark = pytest.mark.django_db


class FlakyBackend(BaseEmailBackend):
    """A mail server that refuses the first `failures` messages and counts its connections."""

    failures = 0
    sent: list = []
    connections = 0

    def open(self):
        FlakyBackend.connections += 1
        return True

    def send_messages(self, messages):
        if FlakyBackend.failures > 0:
            FlakyBackend.failures -= 1
            raise ConnectionRefusedError("mail server unavailable")
        FlakyBackend.sent.extend(messages)
        return len(messages)


@pytest.fixture
def flaky(settings):
    settings.EMAIL_BACKEND = "tests.learninglines.test_outbox.FlakyBackend"
    FlakyBackend.sent = []
    FlakyBackend.connections = 0
    FlakyBackend.failures = 0
    return FlakyBackend


def test_queueing_sends_nothing_yet(mailoutbox):
    mail_queue(to="a@school.example", subject="Onderwerp", body="Tekst")
    assert mailoutbox == []
    assert OutgoingMail.objects.get().status == OutgoingMail.Status.QUEUED


def test_queued_mail_is_sent_once(mailoutbox):
    queued = mail_queue(to="a@school.example", subject="Onderwerp", body="Tekst")
    first = mail_send_queued()
    second = mail_send_queued()
    assert len(mailoutbox) == 1
    assert (mailoutbox[0].to, mailoutbox[0].subject, mailoutbox[0].body) == (
        ["a@school.example"],
        "Onderwerp",
        "Tekst",
    )
    assert (first.sent, second.sent) == (1, 0)
    queued.refresh_from_db()
    assert queued.status == OutgoingMail.Status.SENT
    assert queued.attempts == 1
    assert queued.sent_at is not None


def test_mail_to_a_blocked_account_is_not_sent(teacher, steering, mailoutbox):
    """Support blocked the account after a team mail was queued: nothing reaches them; the
    others' mail goes out as usual."""
    blocked = mail_queue(to=teacher.user.email, subject="Tafels", body="Tekst", user=teacher.user)
    other = mail_queue(to=steering.user.email, subject="Tafels", body="Tekst", user=steering.user)
    teacher.user.is_active = False
    teacher.user.save(update_fields=["is_active"])

    result = mail_send_queued()

    assert [m.to for m in mailoutbox] == [[steering.user.email]]
    assert (result.sent, result.failed) == (1, 1)
    blocked.refresh_from_db()
    other.refresh_from_db()
    assert (blocked.status, blocked.last_error) == (OutgoingMail.Status.FAILED, ACCOUNT_BLOCKED)
    assert other.status == OutgoingMail.Status.SENT


def test_failing_send_is_recorded_and_retried(flaky):
    flaky.failures = 1
    queued = mail_queue(to="a@school.example", subject="Onderwerp", body="Tekst")
    now = timezone.now()
    first = mail_send_queued(now=now)
    queued.refresh_from_db()
    assert (first.sent, first.retrying, first.failed) == (0, 1, 0)
    assert queued.status == OutgoingMail.Status.QUEUED
    assert queued.attempts == 1
    assert queued.last_error == "ConnectionRefusedError: mail server unavailable"
    assert queued.next_attempt_at == now + timedelta(minutes=2)

    # Not due yet: nothing happens.
    assert mail_send_queued(now=now + timedelta(minutes=1)).sent == 0
    # Due: sent, and the error is cleared.
    later = mail_send_queued(now=now + timedelta(minutes=3))
    queued.refresh_from_db()
    assert later.sent == 1
    assert queued.status == OutgoingMail.Status.SENT
    assert queued.attempts == 2
    assert queued.last_error == ""
    assert len(flaky.sent) == 1


def test_mail_that_keeps_failing_ends_as_failed(flaky):
    flaky.failures = 100
    queued = mail_queue(to="a@school.example", subject="Onderwerp", body="Tekst")
    moment = timezone.now()
    for _ in range(MAIL_MAX_ATTEMPTS + 2):
        mail_send_queued(now=moment)
        moment += timedelta(days=1)
    queued.refresh_from_db()
    assert queued.status == OutgoingMail.Status.FAILED
    assert queued.attempts == MAIL_MAX_ATTEMPTS
    assert flaky.sent == []


def test_send_queued_mail_command_prints_a_summary(mailoutbox, capsys):
    mail_queue(to="a@school.example", subject="Eén", body="Tekst")
    mail_queue(to="b@school.example", subject="Twee", body="Tekst")
    call_command("send_queued_mail")
    assert capsys.readouterr().out == (
        "Outbox: 2 sent, 0 to retry, 0 failed (0 sign-in requests handled).\n"
    )
    assert sorted(m.to[0] for m in mailoutbox) == ["a@school.example", "b@school.example"]


def test_a_batch_goes_over_one_connection(flaky):
    for number in range(5):
        mail_queue(to=f"{number}@school.example", subject="Onderwerp", body="Tekst")
    assert mail_send_queued().sent == 5
    assert (len(flaky.sent), flaky.connections) == (5, 1)


def test_stored_body_never_holds_the_personal_link(teacher, mailoutbox):
    link = magic_link_send(user=teacher.user, purpose=MagicLink.Purpose.SIGN_IN)
    stored = OutgoingMail.objects.get()
    assert (stored.kind, stored.user, stored.magic_link) == ("sign_in_link", teacher.user, link)
    assert PERSONAL_LINK_PLACEHOLDER in stored.body
    assert "/login/link/" not in stored.body
    mail_send_queued()
    assert magic_link_url(link) in mailoutbox[0].body
    stored.refresh_from_db()
    assert "/login/link/" not in stored.body


def test_prune_outbox_keeps_queued_and_recent_mail(capsys):
    now = timezone.now()
    old = now - timedelta(days=31)
    for status, created_at in [
        (OutgoingMail.Status.SENT, old),
        (OutgoingMail.Status.FAILED, old),
        (OutgoingMail.Status.QUEUED, old),
        (OutgoingMail.Status.SENT, now - timedelta(days=29)),
    ]:
        OutgoingMail.objects.create(
            to="a@school.example", subject=status, body="", status=status, created_at=created_at
        )
    SignInRequest.objects.create(
        email="x@y.example", purpose="sign_in_link", language="nl", created_at=old, handled_at=old
    )
    SignInRequest.objects.create(email="x@y.example", purpose="sign_in_link", language="nl")
    call_command("prune_outbox")
    assert capsys.readouterr().out == "Pruned 2 mails and 1 handled sign-in requests.\n"
    assert sorted(OutgoingMail.objects.values_list("status", flat=True)) == ["queued", "sent"]
    assert SignInRequest.objects.count() == 1


def test_development_sends_right_after_commit(
    settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.OUTBOX_SEND_IMMEDIATELY = True
    with django_capture_on_commit_callbacks(execute=True):
        mail_queue(to="a@school.example", subject="Meteen", body="Tekst")
    assert [m.subject for m in mailoutbox] == ["Meteen"]
    assert OutgoingMail.objects.get().status == OutgoingMail.Status.SENT


class Typed:
    """Whatever a template asks of it is text a person typed, with an ampersand and a quote."""

    text = 'Taal & \'t rekenen "samen"'

    def __getattr__(self, name):
        return self.text

    def __str__(self):
        return self.text


SUBJECTS = sorted(
    str(path.relative_to(settings.BASE_DIR / "templates"))[: -len("_subject.txt")]
    for path in (settings.BASE_DIR / "templates").glob("*/mail/*_subject.txt")
)


@pytest.mark.parametrize("template", SUBJECTS)
def test_a_subject_is_plain_text_not_html(template):
    """A mail's subject is plain text: what people typed arrives as typed, never as `&amp;`."""
    names = ("exchange", "initiator", "meeting", "questionnaire", "school", "session", "year")
    context = {name: Typed() for name in names} | {"invite": True}
    subject = render_to_string(f"{template}_subject.txt", context)
    assert [entity for entity in ("&amp;", "&#x27;", "&quot;") if entity in subject] == []
