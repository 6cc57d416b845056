"""Writes for the team: schools, members, coaches, sign-in links and the mail outbox."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from sesame.tokens import create_token, parse_token

from learninglines.models import (
    CoachAssignment,
    MagicLink,
    Member,
    OutgoingMail,
    School,
    SchoolYear,
    User,
    default_school_year_bounds,
)

logger = logging.getLogger(__name__)

LINK_LIFETIME = {
    MagicLink.Purpose.SIGN_IN: timedelta(hours=1),
    MagicLink.Purpose.INVITE: timedelta(days=14),
}
# A person who asks for many links in a row gets the first few; the rest are silently dropped so
# the request page cannot be used to flood someone's mailbox.
SIGN_IN_LINKS_PER_WINDOW = 3
SIGN_IN_LINK_WINDOW = timedelta(minutes=15)
MAIL_MAX_ATTEMPTS = 5


# --- Mail outbox ------------------------------------------------------------------------------


def mail_queue(*, to: str, subject: str, body: str) -> OutgoingMail:
    """Queue one mail. In development it is sent right after the transaction commits."""
    mail = OutgoingMail.objects.create(to=to, subject=subject[:200], body=body)
    if settings.OUTBOX_SEND_IMMEDIATELY:
        transaction.on_commit(lambda: mail_send_queued(ids=[mail.pk]))
    return mail


def mail_queue_from_template(
    *, to: str, template: str, context: dict, language: str
) -> OutgoingMail:
    """Render `<template>_subject.txt` and `<template>_body.txt` in `language` and queue them."""
    with translation.override(language):
        subject = render_to_string(f"{template}_subject.txt", context).strip()
        body = render_to_string(f"{template}_body.txt", context)
    return mail_queue(to=to, subject=" ".join(subject.split()), body=body)


@dataclass(frozen=True)
class SendResult:
    sent: int
    retrying: int
    failed: int


def _retry_delay(attempts: int) -> timedelta:
    return timedelta(minutes=2 ** min(attempts, 8))


def mail_send_queued(*, now: datetime | None = None, limit: int = 200, ids=None) -> SendResult:
    """Send due queued mail once each; a failure is recorded and retried later, up to a limit.

    Each mail is claimed with a conditional update before sending, so two runs at the same time
    (cron overlap) never send the same mail twice.
    """
    now = now or timezone.now()
    due = OutgoingMail.objects.filter(status=OutgoingMail.Status.QUEUED, next_attempt_at__lte=now)
    if ids is not None:
        due = due.filter(pk__in=ids)
    sent = retrying = failed = 0
    connection = get_connection()
    for mail in due.order_by("next_attempt_at", "pk")[:limit]:
        claimed = OutgoingMail.objects.filter(
            pk=mail.pk, status=OutgoingMail.Status.QUEUED, attempts=mail.attempts
        ).update(attempts=mail.attempts + 1, next_attempt_at=now + timedelta(minutes=10))
        if not claimed:
            continue
        attempts = mail.attempts + 1
        try:
            EmailMessage(
                subject=mail.subject,
                body=mail.body,
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[mail.to],
                connection=connection,
            ).send()
        except Exception as exc:  # any transport error: record it and try again later
            logger.warning("Sending mail %s failed (attempt %s): %s", mail.pk, attempts, exc)
            final = attempts >= MAIL_MAX_ATTEMPTS
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


# --- Sign-in links ----------------------------------------------------------------------------


def magic_link_url(link: MagicLink) -> str:
    token = create_token(link.user, scope=link.scope)
    path = reverse("learninglines:magic-link", kwargs={"pk": link.pk, "token": token})
    return settings.SITE_URL.rstrip("/") + path


def magic_link_create(
    *, user: User, purpose: str, school: School | None = None, now: datetime | None = None
) -> MagicLink:
    now = now or timezone.now()
    return MagicLink.objects.create(
        user=user,
        purpose=purpose,
        school=school,
        created_at=now,
        expires_at=now + LINK_LIFETIME[purpose],
    )


def _mail_language(user: User, school: School | None) -> str:
    if school is not None:
        return school.language
    member = user.memberships.filter(is_active=True).select_related("school").first()
    return member.school.language if member else settings.LANGUAGE_CODE


def magic_link_send(
    *, user: User, purpose: str, school: School | None = None, language: str | None = None
) -> MagicLink:
    """Create a personal link and queue the mail that carries it."""
    with transaction.atomic():
        link = magic_link_create(user=user, purpose=purpose, school=school)
        memberships = user.memberships.filter(is_active=True)
        if school is not None:
            memberships = memberships.filter(school=school)
        member = memberships.order_by("pk").first()
        mail_queue_from_template(
            to=user.email,
            template="learninglines/mail/magic_link",
            context={
                "link": link,
                "url": magic_link_url(link),
                "school": school,
                "greeting_name": member.first_name if member else user.name,
                "invite": purpose == MagicLink.Purpose.INVITE,
                "hours": int(LINK_LIFETIME[purpose].total_seconds() // 3600),
                "days": LINK_LIFETIME[purpose].days,
            },
            language=language or _mail_language(user, school),
        )
    return link


def sign_in_link_request(*, email: str, language: str, now: datetime | None = None) -> None:
    """Mail a sign-in link if the address belongs to an active user; say nothing either way."""
    now = now or timezone.now()
    user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if user is None:
        return
    recent = MagicLink.objects.filter(
        user=user, purpose=MagicLink.Purpose.SIGN_IN, created_at__gte=now - SIGN_IN_LINK_WINDOW
    ).count()
    if recent >= SIGN_IN_LINKS_PER_WINDOW:
        logger.info("Sign-in link for user %s not sent: too many requests", user.pk)
        return
    magic_link_send(user=user, purpose=MagicLink.Purpose.SIGN_IN, language=language)


UNKNOWN = "unknown"


def magic_link_check(*, pk: int, token: str, now: datetime | None = None):
    """Return (link, status): status is a MagicLink.Status value or "unknown".

    A link is unknown when no row has this number or the token was not signed for it (a typo, a
    forged link, or a password changed since the link was made).
    """
    now = now or timezone.now()
    link = MagicLink.objects.select_related("user", "school").filter(pk=pk).first()
    if link is None:
        return None, UNKNOWN
    user = parse_token(
        token,
        lambda user_pk: User.objects.filter(pk=user_pk, is_active=True).first(),
        scope=link.scope,
    )
    if user is None or user.pk != link.user_id:
        return None, UNKNOWN
    return link, link.status_at(now)


def magic_link_use(*, link: MagicLink, now: datetime | None = None) -> bool:
    """Mark the link used; False when it was used, revoked or expired in the meantime."""
    now = now or timezone.now()
    return bool(
        MagicLink.objects.filter(
            pk=link.pk, used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now
        ).update(used_at=now)
    )


def magic_link_revoke_all(*, user: User, now: datetime | None = None) -> int:
    """Revoke every link of a user that can still be used (a lost phone, a left team member)."""
    now = now or timezone.now()
    return MagicLink.objects.filter(
        user=user, used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now
    ).update(revoked_at=now)


# --- Schools, members, coaches ----------------------------------------------------------------


def school_year_ensure_current(*, school: School, today=None) -> SchoolYear:
    """The school year containing `today`, created with the default 1 Aug - 31 Jul bounds."""
    today = today or timezone.localdate()
    year = SchoolYear.objects.current(school, today)
    if year is None:
        start, end = default_school_year_bounds(today)
        year, _ = SchoolYear.objects.get_or_create(
            school=school,
            start=start,
            defaults={"end": end, "name": f"{start.year}-{end.year}"},
        )
    return year


def user_get_or_create(*, email: str, name: str = "") -> tuple[User, bool]:
    user = User.objects.filter(email__iexact=email.strip()).first()
    if user is not None:
        return user, False
    return User.objects.create_user(email=email, name=name), True


@dataclass(frozen=True)
class SchoolSetup:
    school: School
    steering: Member
    created: bool
    invited: bool


def school_create(
    *,
    name: str,
    steering_email: str,
    first_name: str,
    last_name: str,
    name_prefix: str = "",
    slug: str = "",
    language: str = School.Language.DUTCH,
    send_invite: bool = True,
) -> SchoolSetup:
    """Create a school with its first steering member and invite that person; idempotent.

    Running it again for the same school (by slug) and address changes nothing and sends no
    second invitation.
    """
    slug = slug or slugify(name)
    with transaction.atomic():
        school, school_created = School.objects.get_or_create(
            slug=slug, defaults={"name": name, "language": language}
        )
        school.full_clean()
        school_year_ensure_current(school=school)
        user, _ = user_get_or_create(email=steering_email)
        member, member_created = Member.objects.get_or_create(
            user=user,
            school=school,
            defaults={
                "first_name": first_name,
                "name_prefix": name_prefix,
                "last_name": last_name,
                "is_steering": True,
            },
        )
        if not member_created and not member.is_steering:
            member.is_steering = True
            member.save(update_fields=["is_steering"])
        invited = False
        if send_invite and member_created:
            magic_link_send(user=user, purpose=MagicLink.Purpose.INVITE, school=school)
            invited = True
    return SchoolSetup(school=school, steering=member, created=school_created, invited=invited)


def coach_assign(
    *, school: School, email: str, name: str = "", send_invite: bool = True
) -> tuple[CoachAssignment, bool]:
    """Make `email` a coach of `school` and invite them; idempotent."""
    with transaction.atomic():
        user, _ = user_get_or_create(email=email, name=name)
        if name and not user.name:
            user.name = name
            user.save(update_fields=["name"])
        assignment, created = CoachAssignment.objects.get_or_create(user=user, school=school)
        if created and send_invite:
            magic_link_send(user=user, purpose=MagicLink.Purpose.INVITE, school=school)
    return assignment, created


def member_invite(*, member: Member) -> MagicLink:
    """Mail a team member a personal invitation link to their school."""
    return magic_link_send(user=member.user, purpose=MagicLink.Purpose.INVITE, school=member.school)
