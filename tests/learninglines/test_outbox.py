"""The outbox: queued once, sent once, a failing send is retried and recorded."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from learninglines.models import OutgoingMail
from learninglines.services import MAIL_MAX_ATTEMPTS, mail_queue, mail_send_queued

pytestmark = pytest.mark.django_db


class FlakyBackend:
    """A mail server that refuses the first `failures` messages."""

    failures = 0
    sent: list = []

    def __init__(self, *args, **kwargs):
        pass

    def open(self):
        return True

    def close(self):
        pass

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
    assert capsys.readouterr().out == "Outbox: 2 sent, 0 to retry, 0 failed.\n"
    assert sorted(m.to[0] for m in mailoutbox) == ["a@school.example", "b@school.example"]


def test_development_sends_right_after_commit(
    settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.OUTBOX_SEND_IMMEDIATELY = True
    with django_capture_on_commit_callbacks(execute=True):
        mail_queue(to="a@school.example", subject="Meteen", body="Tekst")
    assert [m.subject for m in mailoutbox] == ["Meteen"]
    assert OutgoingMail.objects.get().status == OutgoingMail.Status.SENT
