"""Sign-in: personal links, invitations and the anonymous "mail me a link / reset" requests.

Limits (all per 15 minutes):
- per address: 3 sign-in links, 3 password-reset mails and 3 invitations; further requests are
  dropped without telling the asker (the answer never says whether an address exists);
- per network address (IP): 300 anonymous requests over both forms, a ceiling a whole school
  team behind one address never reaches, but a script does.
The per-address counts are taken while the user's row is locked (PostgreSQL `SELECT ... FOR
UPDATE`; SQLite's IMMEDIATE transactions serialise all writers), so parallel requests cannot
all pass the count before any of them has written.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from sesame.tokens import parse_token

from learninglines.models import (
    PERSONAL_LINK_PLACEHOLDER,
    CoachAssignment,
    MagicLink,
    MagicLinkUse,
    Member,
    OutgoingMail,
    School,
    SignInRequest,
    User,
)
from learninglines.services.outbox import mail_queue_from_template

logger = logging.getLogger(__name__)

LINK_LIFETIME = {
    MagicLink.Purpose.SIGN_IN: timedelta(hours=1),
    MagicLink.Purpose.INVITE: timedelta(days=14),
    MagicLink.Purpose.DOOR: timedelta(minutes=15),
}
MAILS_PER_ADDRESS = 3
LIMIT_WINDOW = timedelta(minutes=15)
REQUESTS_PER_IP = 300

MAIL_KIND = {
    MagicLink.Purpose.SIGN_IN: OutgoingMail.Kind.SIGN_IN_LINK,
    MagicLink.Purpose.INVITE: OutgoingMail.Kind.INVITATION,
}


def may_use_magic_links(user: User) -> bool:
    """Staff sign in with a password and a second factor: a mailed link never signs them in."""
    return user.is_active and not user.is_staff and not user.is_superuser


def may_use_door_link(user: User, school: School) -> bool:
    """A door link signs in the whole account, so only a teacher of `school` and nothing more.

    Not for someone who is also in the steering group, a coach, or on another school's team: the
    steering member or coach who shows the code would get those rights too.
    """
    return user.pk not in door_link_refused(school=school, user_ids=[user.pk])


def door_link_refused(*, school: School, user_ids) -> set[int]:
    """Of `user_ids`, the accounts `may_use_door_link` refuses at `school`: three queries, so the
    attendance page offers a sign-in code only where one can be made."""
    ids = set(user_ids)
    refused = set(
        User.objects.filter(pk__in=ids)
        .filter(Q(is_active=False) | Q(is_staff=True) | Q(is_superuser=True))
        .values_list("pk", flat=True)
    )
    refused |= set(
        Member.objects.filter(user_id__in=ids, is_active=True)
        .filter(Q(is_steering=True) | ~Q(school=school))
        .values_list("user_id", flat=True)
    )
    refused |= set(
        CoachAssignment.objects.current().filter(user_id__in=ids).values_list("user_id", flat=True)
    )
    return refused


def _lock_user(user: User) -> None:
    """Serialise per-address limits: a row lock on PostgreSQL, a no-op under SQLite's write lock."""
    User.objects.select_for_update().filter(pk=user.pk).first()


def _mails_in_window(*, user: User, kind: str, now: datetime) -> int:
    return OutgoingMail.objects.filter(
        user=user, kind=kind, created_at__gt=now - LIMIT_WINDOW
    ).count()


def magic_link_create(
    *,
    user: User,
    purpose: str,
    school: School | None = None,
    now: datetime | None = None,
    expires_at: datetime | None = None,
    next_path: str = "",
    shown_by: User | None = None,
) -> MagicLink:
    """A link row; `expires_at` defaults to the purpose's lifetime (a session link needs one).

    `next_path` is the page (a path on this site) the link opens after signing in.
    """
    now = now or timezone.now()
    if expires_at is None:
        expires_at = now + LINK_LIFETIME[purpose]
    if next_path and not next_path.startswith("/"):
        raise ValueError("next_path must be a path on this site")
    return MagicLink.objects.create(
        user=user,
        purpose=purpose,
        school=school,
        created_at=now,
        expires_at=expires_at,
        next_path=next_path,
        shown_by=shown_by,
    )


def magic_link_for_session(
    *, user: User, school: School, next_path: str, day, now: datetime | None = None
) -> MagicLink:
    """The link of a session mail: valid until the end of the session's day (local time).

    It may be opened on more than one device (at home, then on the phone at school); every use
    is recorded.
    """
    now = now or timezone.now()
    end_of_day = timezone.make_aware(
        datetime.combine(day + timedelta(days=1), datetime.min.time()),
        timezone.get_default_timezone(),
    )
    return magic_link_create(
        user=user,
        purpose=MagicLink.Purpose.SESSION,
        school=school,
        now=now,
        expires_at=max(end_of_day, now + timedelta(hours=1)),
        next_path=next_path,
    )


# The session key of a sign-in through a door link: the pages it opens (see `door_scope`).
DOOR_SCOPE = "door_scope"


def door_scope(link: MagicLink) -> dict[str, str]:
    """What a sign-in through a door link opens: the pages under its destination's parent.

    The code is shown on the steering group's or coach's screen, so they could sign in with it
    themselves; the sign-in then opens only what the person at the door needs (their table on
    the session's pages), never their learning log, answers or data. For the rest, the person
    signs in with their own link. Kept in the session as {"prefix": ..., "home": ...}; any
    other sign-in removes it.
    """
    home = link.next_path
    return {"prefix": home.rstrip("/").rsplit("/", 1)[0] + "/", "home": home}


def door_scope_forget(sender, request=None, user=None, **kwargs) -> None:
    """On every sign-in (Django's user_logged_in): it opens what the account may see, so a door
    link's limit from before goes. The door link's own sign-in sets it again after this."""
    session = getattr(request, "session", None)
    if session is not None:
        session.pop(DOOR_SCOPE, None)


def door_scope_allows(scope: dict | None, path: str) -> bool:
    """Whether a sign-in with `scope` (None: a full sign-in) may open `path`."""
    return scope is None or path.startswith(scope.get("prefix") or "/")


def magic_link_for_door(
    *, user: User, school: School, next_path: str, shown_by: User, now: datetime | None = None
) -> MagicLink:
    """A one-time link a steering member or coach shows as a QR code to someone at the door.

    Who showed it is recorded; it works once, for fifteen minutes, and the sign-in opens only the
    pages of its session (`door_scope`). Staff never get one, nor anyone with more rights than a
    teacher of this school (`may_use_door_link`).
    """
    if not may_use_door_link(user, school):
        raise ValueError("A door link is only for a teacher of this school and nothing more")
    return magic_link_create(
        user=user,
        purpose=MagicLink.Purpose.DOOR,
        school=school,
        now=now,
        next_path=next_path,
        shown_by=shown_by,
    )


def _mail_language(user: User, school: School | None) -> str:
    if school is not None:
        return school.language
    member = user.memberships.filter(is_active=True).select_related("school").first()
    return member.school.language if member else settings.LANGUAGE_CODE


def user_language(user: User) -> str:
    """The language of the school `user` is a member of (the first, for someone at several);
    for a coach at none, the language the schools they coach speak (an English school's coach
    is not shown their pages outside the school in Dutch); the site's default for staff, and
    for a coach of schools that speak different languages."""
    if user.memberships.filter(is_active=True).exists():
        return _mail_language(user, None)
    coached = set(
        CoachAssignment.objects.current()
        .filter(user=user)
        .values_list("school__language", flat=True)
    )
    return coached.pop() if len(coached) == 1 else settings.LANGUAGE_CODE


def magic_link_language(link: MagicLink) -> str:
    """The language a link's mail spoke by default (its school's): the link's page speaks it
    to someone who has not chosen a language yet, so an English school's invitation does not
    open on a Dutch page."""
    return _mail_language(link.user, link.school)


def magic_link_send(
    *,
    user: User,
    purpose: str,
    school: School | None = None,
    language: str | None = None,
    now: datetime | None = None,
) -> MagicLink | None:
    """Create a personal link and queue the mail that carries it; None when the limit is reached.

    A new invitation revokes the person's earlier unused invitations to the same school (never
    another school's, never links of another purpose): per person and school the newest
    invitation is the one that works, and someone invited by two schools (a teacher at two, a
    coach of several) can open each school's mail, in either order.
    """
    now = now or timezone.now()
    with transaction.atomic():
        _lock_user(user)
        if _mails_in_window(user=user, kind=MAIL_KIND[purpose], now=now) >= MAILS_PER_ADDRESS:
            logger.info("No %s link for user %s: the limit is reached", purpose, user.pk)
            return None
        if purpose == MagicLink.Purpose.INVITE:
            MagicLink.objects.filter(
                user=user,
                purpose=MagicLink.Purpose.INVITE,
                school=school,
                used_at__isnull=True,
                revoked_at__isnull=True,
            ).update(revoked_at=now)
        link = magic_link_create(user=user, purpose=purpose, school=school, now=now)
        memberships = user.memberships.filter(is_active=True)
        if school is not None:
            memberships = memberships.filter(school=school)
        member = memberships.order_by("pk").first()
        mail_queue_from_template(
            to=user.email,
            template="learninglines/mail/magic_link",
            context={
                "school": school,
                "url": PERSONAL_LINK_PLACEHOLDER,
                "greeting_name": member.first_name if member else _first_name(user.name),
                "invite": purpose == MagicLink.Purpose.INVITE,
                # invited to a school without being on its team: its coach, not "your team"
                "as_coach": school is not None and member is None,
                "hours": int(LINK_LIFETIME[purpose].total_seconds() // 3600),
                "days": LINK_LIFETIME[purpose].days,
            },
            language=language or _mail_language(user, school),
            kind=MAIL_KIND[purpose],
            user=user,
            school=school,
            magic_link=link,
        )
    return link


def _first_name(name: str) -> str:
    """How a mail greets someone known by one name field (a coach): "Karin Hoekstra" is
    greeted "Karin", as a team member is by their first name. An initial ("K. Hoekstra") is
    no name to greet by: the whole name is used then."""
    first = name.split(maxsplit=1)[0] if name.strip() else ""
    return name.strip() if first.endswith(".") else first


def _greeting_name(user: User) -> str:
    member = user.memberships.filter(is_active=True).order_by("pk").first()
    return member.first_name if member else _first_name(user.name)


def _password_reset_send(*, user: User, language: str, now: datetime) -> bool:
    with transaction.atomic():
        _lock_user(user)
        kind = OutgoingMail.Kind.PASSWORD_RESET
        if _mails_in_window(user=user, kind=kind, now=now) >= MAILS_PER_ADDRESS:
            logger.info("No password reset for user %s: the limit is reached", user.pk)
            return False
        mail_queue_from_template(
            to=user.email,
            template="registration/password_reset",
            context={"url": PERSONAL_LINK_PLACEHOLDER, "greeting_name": _greeting_name(user)},
            language=language,
            kind=kind,
            user=user,
        )
    return True


def sign_in_request_submit(
    *, email: str, purpose: str, language: str, ip_address: str | None, now=None
) -> SignInRequest | None:
    """Store an anonymous request; None when this network address passed its ceiling.

    Does the same work for every address, known or not: who has an account is decided later,
    in `sign_in_request_handle`, after the answer has gone out.
    """
    now = now or timezone.now()
    if ip_address is not None:
        recent = SignInRequest.objects.filter(
            ip_address=ip_address, created_at__gt=now - LIMIT_WINDOW
        ).count()
        if recent >= REQUESTS_PER_IP:
            return None
    return SignInRequest.objects.create(
        email=email.strip()[:254],
        purpose=purpose,
        language=language,
        ip_address=ip_address,
        created_at=now,
    )


def sign_in_request_handle(*, request: SignInRequest, now: datetime | None = None) -> bool:
    """Mail a link or reset link if the address has an active account; True if a mail was queued.

    The request is claimed first, so a request handled after its response and by cron at the same
    time is handled once.
    """
    now = now or timezone.now()
    claimed = SignInRequest.objects.filter(pk=request.pk, handled_at__isnull=True).update(
        handled_at=now
    )
    if not claimed:
        return False
    email = User.objects.normalize_email(request.email)
    user = User.objects.filter(email=email, is_active=True).first()
    if user is None:
        return False
    if request.purpose == SignInRequest.Purpose.PASSWORD_RESET:
        return _password_reset_send(user=user, language=request.language, now=now)
    if not may_use_magic_links(user):
        logger.info("No sign-in link for staff user %s: staff use a second factor", user.pk)
        return False
    return (
        magic_link_send(
            user=user, purpose=MagicLink.Purpose.SIGN_IN, language=request.language, now=now
        )
        is not None
    )


def sign_in_requests_handle_pending(*, limit: int = 500) -> int:
    """Handle requests left over (a worker that stopped after answering); for cron."""
    handled = 0
    pending = SignInRequest.objects.filter(handled_at__isnull=True).order_by("created_at")
    for request in pending[:limit]:
        handled += sign_in_request_handle(request=request)
    return handled


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
    """Use the link once; False when it was used, revoked or expired in the meantime.

    A reusable link (a session mail's) stays valid until it expires: each use is recorded, the
    first one also in `used_at`.
    """
    now = now or timezone.now()
    usable = MagicLink.objects.filter(pk=link.pk, revoked_at__isnull=True, expires_at__gt=now)
    if link.reusable:
        if not usable.exists():
            return False
        usable.filter(used_at__isnull=True).update(used_at=now)
    elif not usable.filter(used_at__isnull=True).update(used_at=now):
        return False
    MagicLinkUse.objects.create(link=link, used_at=now)
    return True


def magic_link_revoke_all(
    *, user: User, school: School | None = None, now: datetime | None = None
) -> int:
    """Revoke every link of a user that can still be used (a lost phone, a left team member);
    with `school`, only that school's (someone who left its team, or whose place on it moved to
    another account, while their links of other schools keep working).

    A session mail's link stays usable after its first use, so it is revoked even when used.
    """
    now = now or timezone.now()
    links = MagicLink.objects.filter(user=user, revoked_at__isnull=True, expires_at__gt=now)
    if school is not None:
        links = links.filter(school=school)
    return links.filter(Q(used_at__isnull=True) | Q(purpose__in=MagicLink.REUSABLE)).update(
        revoked_at=now
    )
