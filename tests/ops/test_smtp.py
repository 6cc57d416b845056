"""The outbox against a real SMTP server (aiosmtpd on 127.0.0.1, inside the test).

Delivered with the personal link made at send time; a 4xx answer is retried with the growing
delay; a 5xx answer fails the mail at once; two workers at once send every mail exactly once.
"""

import asyncio
import email
import email.policy
import socket
import threading
from collections import Counter
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from learninglines.models import PERSONAL_LINK_PLACEHOLDER, MagicLink, OutgoingMail
from learninglines.services.links import magic_link_url
from learninglines.services.outbox import mail_queue, mail_send_queued
from learninglines.services.signin import magic_link_send


class Mailbox:
    """An SMTP handler that keeps what it accepts and refuses recipients as told.

    `refuse[address]` is a list of answers given to the next RCPT TO of that address, one each.
    """

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.refuse: dict[str, list[str]] = {}
        self.rcpt: list[str] = []
        self.delay = 0.0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self.rcpt.append(address)
        answers = self.refuse.get(address)
        if answers:
            return answers.pop(0)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append(message)
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp(settings):
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.DEFAULT_FROM_EMAIL = "Brengen & Halen <noreply@leerlijnen.test>"
    yield mailbox
    controller.stop()


@pytest.mark.django_db
def test_send_queued_mail_delivers_with_the_personal_link(smtp, teacher, capsys):
    link = magic_link_send(user=teacher.user, purpose=MagicLink.Purpose.SIGN_IN)
    stored = OutgoingMail.objects.get()
    call_command("send_queued_mail")
    assert capsys.readouterr().out == (
        "Outbox: 1 sent, 0 to retry, 0 failed (0 sign-in requests handled).\n"
    )
    [message] = smtp.messages
    assert message["To"] == teacher.user.email
    assert message["From"] == "Brengen & Halen <noreply@leerlijnen.test>"
    assert message["Subject"] == stored.subject
    body = message.get_content()
    assert magic_link_url(link) in body
    assert magic_link_url(link).startswith(f"https://leerlijnen.test/login/link/{link.pk}/")
    assert PERSONAL_LINK_PLACEHOLDER not in body
    stored.refresh_from_db()
    assert (stored.status, stored.attempts, stored.last_error) == ("sent", 1, "")
    assert PERSONAL_LINK_PLACEHOLDER in stored.body


@pytest.mark.django_db
def test_a_temporary_failure_is_retried_with_back_off(smtp):
    smtp.refuse["a@school.example"] = ["451 4.7.1 Greylisted, try again later"]
    queued = mail_queue(to="a@school.example", subject="Onderwerp", body="Tekst")
    now = timezone.now()
    first = mail_send_queued(now=now)
    assert (first.sent, first.retrying, first.failed) == (0, 1, 0)
    queued.refresh_from_db()
    assert queued.status == OutgoingMail.Status.QUEUED
    assert queued.attempts == 1
    assert queued.next_attempt_at == now + timedelta(minutes=2)
    assert queued.last_error.startswith("SMTPRecipientsRefused: ")
    assert "451" in queued.last_error
    assert smtp.messages == []

    # Not due yet: the server is not asked.
    assert mail_send_queued(now=now + timedelta(minutes=1)).sent == 0
    assert smtp.rcpt == ["a@school.example"]

    later = mail_send_queued(now=now + timedelta(minutes=2))
    assert (later.sent, later.retrying, later.failed) == (1, 0, 0)
    queued.refresh_from_db()
    assert (queued.status, queued.attempts, queued.last_error) == ("sent", 2, "")
    assert [message["Subject"] for message in smtp.messages] == ["Onderwerp"]


@pytest.mark.django_db
def test_a_permanent_failure_is_recorded_at_once_and_not_retried(smtp):
    smtp.refuse["gone@school.example"] = ["550 5.1.1 No such user here"]
    gone = mail_queue(to="gone@school.example", subject="Eén", body="Tekst")
    fine = mail_queue(to="b@school.example", subject="Twee", body="Tekst")
    now = timezone.now()
    result = mail_send_queued(now=now)
    assert (result.sent, result.retrying, result.failed) == (1, 0, 1)
    gone.refresh_from_db()
    assert (gone.status, gone.attempts) == (OutgoingMail.Status.FAILED, 1)
    assert gone.last_error == (
        "SMTPRecipientsRefused: {'gone@school.example': (550, b'5.1.1 No such user here')}"
    )
    fine.refresh_from_db()
    assert fine.status == OutgoingMail.Status.SENT
    assert [message["To"] for message in smtp.messages] == ["b@school.example"]

    # A day later nothing is tried again.
    assert mail_send_queued(now=now + timedelta(days=1)) == result.__class__(0, 0, 0)
    assert smtp.rcpt == ["gone@school.example", "b@school.example"]


@pytest.mark.postgresql("two workers at once need real row locks and parallel connections")
@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_every_mail_once(smtp):
    smtp.delay = 0.005
    for number in range(30):
        mail_queue(to=f"t{number}@school.example", subject=f"Mail {number}", body="Tekst")
    barrier = threading.Barrier(2)
    results = []

    def worker():
        try:
            barrier.wait()
            results.append(mail_send_queued())
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(result.sent for result in results) == 30
    assert Counter(message["To"] for message in smtp.messages) == {
        f"t{number}@school.example": 1 for number in range(30)
    }
    assert set(OutgoingMail.objects.values_list("status", "attempts")) == {("sent", 1)}
