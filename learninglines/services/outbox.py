"""The mail outbox: every mail is queued, then sent once by `send_queued_mail` (cron)."""

from __future__ import annotations

import logging
import re
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from learninglines.deferred import after_response
from learninglines.models import (
    PERSONAL_LINK_PLACEHOLDER,
    MagicLink,
    OutgoingMail,
    School,
    SignInRequest,
    User,
)
from learninglines.services.links import magic_link_url, password_reset_url

logger = logging.getLogger(__name__)

MAIL_MAX_ATTEMPTS = 5
# Sent mail is kept a while for support questions ("did the invitation go out?"), then pruned.
OUTBOX_KEEP_DAYS = 30
SUBJECT_MAX = 200  # OutgoingMail.subject
# Every mail is made by the app, none by a person: auto-replies (out of office) stay away.
AUTOMATIC_HEADERS = {
    "Auto-Submitted": "auto-generated",
    "X-Auto-Response-Suppress": "OOF, AutoReply",
}


def one_line(text: str) -> str:
    """A one-line field as one line: line breaks (a crafted POST) and runs of spaces become one
    space, so a topic or title never breaks a sentence of a mail or its subject."""
    return " ".join(text.split())


def _subject(text: str) -> str:
    """One line (a header with a line break is refused when sending), cut between words."""
    subject = one_line(text)
    if len(subject) <= SUBJECT_MAX:
        return subject
    cut = subject[: SUBJECT_MAX - 1]
    if subject[SUBJECT_MAX - 1] != " " and " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:(") + "…"


def mail_queue(
    *,
    to: str,
    subject: str,
    body: str,
    kind: str = OutgoingMail.Kind.OTHER,
    user: User | None = None,
    school: School | None = None,
    magic_link: MagicLink | None = None,
    send_now: bool = True,
) -> OutgoingMail:
    """Queue one mail. In development it is sent right after the transaction commits.

    A body that carries a personal link holds PERSONAL_LINK_PLACEHOLDER instead; the link is
    made when the mail is sent, from `magic_link` or (password reset) from `user`. Mail to a
    whole team passes `send_now=False` and then `mail_send_after_response`, so no request ever
    sends a batch itself.
    """
    mail = OutgoingMail.objects.create(
        to=to,
        subject=_subject(subject),
        body=body,
        kind=kind,
        user=user,
        school=school,
        magic_link=magic_link,
    )
    if send_now and settings.OUTBOX_SEND_IMMEDIATELY:
        transaction.on_commit(lambda: mail_send_queued(ids=[mail.pk]))
    return mail


def mail_send_after_response(*, ids: list[int]) -> None:
    """In development, send these queued mails once the response has gone out (after commit).

    In production (`OUTBOX_SEND_IMMEDIATELY` off) this does nothing: cron's `send_queued_mail`
    sends them.
    """
    if not settings.OUTBOX_SEND_IMMEDIATELY or not ids:
        return
    chosen = list(ids)
    transaction.on_commit(
        lambda: after_response(lambda: mail_send_queued(ids=chosen, limit=len(chosen)))
    )


def mail_queue_from_template(
    *, to: str, template: str, context: dict, language: str, **mail_fields
) -> OutgoingMail:
    """Render `<template>_subject.txt` and `<template>_body.txt` in `language` and queue them."""
    with translation.override(language):
        subject = render_to_string(f"{template}_subject.txt", context).strip()
        body = render_to_string(f"{template}_body.txt", context)
    return mail_queue(to=to, subject=subject, body=_tidy(body), **mail_fields)


def _tidy(body: str) -> str:
    """A body as a person would type it: plain line breaks (a textarea sends CR LF), no spaces
    at a line's end, never more than one blank line in a row (an agenda typed with gaps, a
    paragraph a template leaves out) and none after the last sentence."""
    body = body.replace("\r\n", "\n").replace("\r", "\n")
    body = re.sub(r"[ \t]+\n", "\n", body)
    return re.sub(r"\n{3,}", "\n\n", body).strip() + "\n"


def _personal_body(mail: OutgoingMail) -> str:
    """The body as sent: the placeholder replaced by a freshly made personal link."""
    if PERSONAL_LINK_PLACEHOLDER not in mail.body:
        return mail.body
    if mail.magic_link is not None:
        url = magic_link_url(mail.magic_link)
    elif mail.kind == OutgoingMail.Kind.PASSWORD_RESET and mail.user is not None:
        url = password_reset_url(mail.user)
    else:
        raise ValueError("This mail's personal link no longer exists.")
    return mail.body.replace(PERSONAL_LINK_PLACEHOLDER, url)


@dataclass(frozen=True)
class SendResult:
    sent: int
    retrying: int
    failed: int


def _retry_delay(attempts: int) -> timedelta:
    return timedelta(minutes=2 ** min(attempts, 8))


def _is_permanent(exc: Exception) -> bool:
    """A 5xx answer of the SMTP server (no such mailbox, refused): trying again cannot help.

    4xx answers (greylisting, mailbox full, server busy) and network errors are temporary.
    """
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _message in exc.recipients.values()]
        return bool(codes) and all(500 <= code < 600 for code in codes)
    if isinstance(exc, smtplib.SMTPResponseException):
        return 500 <= exc.smtp_code < 600
    return False


# Why a mail to an account that was blocked before it went out is not sent (the outbox's log)
ACCOUNT_BLOCKED = "Not sent: the account is blocked."


def mail_send_queued(*, now: datetime | None = None, limit: int = 200, ids=None) -> SendResult:
    """Send due queued mail once each, over one connection; failures are retried, up to a limit.

    A mail to a user whose account is blocked (`is_active` off) is never sent, whatever queued
    it: it ends as failed, with ACCOUNT_BLOCKED as its error. The one exception is the notice
    to an account's old address after an address change (its `to` is no longer the account's
    address): that warns whoever has the old address and goes even for a blocked account.

    A temporary failure is tried again after a growing delay, at most MAIL_MAX_ATTEMPTS times;
    a permanent one (the server answers 5xx) is failed at once.

    Each mail is claimed with a conditional update before sending, so two runs at the same time
    (cron overlap) never send the same mail twice.
    """
    now = now or timezone.now()
    due = OutgoingMail.objects.filter(status=OutgoingMail.Status.QUEUED, next_attempt_at__lte=now)
    if ids is not None:
        due = due.filter(pk__in=ids)
    batch = list(
        due.select_related("magic_link__user", "user").order_by("next_attempt_at", "pk")[:limit]
    )
    sent = retrying = failed = 0
    if not batch:
        return SendResult(sent=0, retrying=0, failed=0)
    with get_connection() as connection:
        for mail in batch:
            claimed = OutgoingMail.objects.filter(
                pk=mail.pk, status=OutgoingMail.Status.QUEUED, attempts=mail.attempts
            ).update(attempts=mail.attempts + 1, next_attempt_at=now + timedelta(minutes=10))
            if not claimed:
                continue
            attempts = mail.attempts + 1
            blocked = mail.user is not None and not mail.user.is_active
            if blocked and mail.to.lower() == mail.user.email:
                # blocked (or erased) after the mail was queued, or queued for a team that
                # still lists them: they get nothing from the school any more. A mail to an
                # address the account no longer has is the notice about that address
                # (services/accounts.py): its reader is whoever has the old address, so it goes.
                OutgoingMail.objects.filter(pk=mail.pk).update(
                    status=OutgoingMail.Status.FAILED, last_error=ACCOUNT_BLOCKED
                )
                failed += 1
                continue
            try:
                EmailMessage(
                    subject=mail.subject,
                    body=_personal_body(mail),
                    from_email=settings.DEFAULT_FROM_EMAIL,
                    to=[mail.to],
                    headers=AUTOMATIC_HEADERS,
                    connection=connection,
                ).send()
            except Exception as exc:  # any transport error: record it and try again later
                logger.warning("Sending mail %s failed (attempt %s): %s", mail.pk, attempts, exc)
                final = attempts >= MAIL_MAX_ATTEMPTS or _is_permanent(exc)
                OutgoingMail.objects.filter(pk=mail.pk).update(
                    status=OutgoingMail.Status.FAILED if final else OutgoingMail.Status.QUEUED,
                    last_error=f"{type(exc).__name__}: {exc}"[:2000],
                    next_attempt_at=now + _retry_delay(attempts),
                )
                failed += final
                retrying += not final
                continue
            OutgoingMail.objects.filter(pk=mail.pk).update(
                status=OutgoingMail.Status.SENT, sent_at=timezone.now(), last_error=""
            )
            sent += 1
    return SendResult(sent=sent, retrying=retrying, failed=failed)


@dataclass(frozen=True)
class PruneResult:
    mails: int
    requests: int


def outbox_prune(*, now: datetime | None = None, keep_days: int = OUTBOX_KEEP_DAYS) -> PruneResult:
    """Delete sent and failed mail older than `keep_days`, and handled sign-in requests.

    Queued mail is never pruned. Sign-in requests hold addresses people typed, known or not;
    they are kept one day, long enough for the per-network ceiling.
    """
    now = now or timezone.now()
    mails, _ = OutgoingMail.objects.filter(
        status__in=[OutgoingMail.Status.SENT, OutgoingMail.Status.FAILED],
        created_at__lt=now - timedelta(days=keep_days),
    ).delete()
    requests, _ = SignInRequest.objects.filter(
        handled_at__isnull=False, created_at__lt=now - timedelta(days=1)
    ).delete()
    return PruneResult(mails=mails, requests=requests)
