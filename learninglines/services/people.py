"""Writes for schools, their years, team members and coaches."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from learninglines.models import (
    CoachAssignment,
    Erasure,
    LineMembership,
    MagicLink,
    Member,
    School,
    SchoolYear,
    User,
    default_school_year_bounds,
)
from learninglines.services.accounts import account_address_change, address_notice_queue
from learninglines.services.signin import magic_link_revoke_all, magic_link_send


def school_year_ensure_current(*, school: School, today: date | None = None) -> SchoolYear:
    """The school year containing `today`, created with the default 1 Aug - 31 Jul bounds."""
    today = today or timezone.localdate()
    year = SchoolYear.objects.current(school, today)
    if year is None:
        start, end = default_school_year_bounds(today)
        year = SchoolYear(
            school=school,
            start=start,
            end=end,
            name=f"{start.year}-{end.year}",
            cycle_started_on=start,
        )
        year.full_clean()
        year.save()
    return year


def user_get_or_create(*, email: str, name: str = "") -> tuple[User, bool]:
    """The account of an address, whatever its capitals; created without a password if new."""
    user = User.objects.filter(email=User.objects.normalize_email(email)).first()
    if user is not None:
        return user, False
    return User.objects.create_user(email=email, name=name), True


def member_add(
    *,
    school: School,
    email: str,
    first_name: str,
    last_name: str,
    name_prefix: str = "",
    is_steering: bool = False,
    send_invite: bool = False,
) -> tuple[Member, bool]:
    """Add a person to a school's team (or find them there); idempotent per address and school.

    An existing member keeps their data; only the steering flag is switched on when asked. The
    school's current coach is never a member of its team (they are never seated or counted):
    adding their address is refused.
    """
    with transaction.atomic():
        user, _created = user_get_or_create(email=email)
        member = Member.objects.filter(user=user, school=school).first()
        created = member is None
        refusal = member_refusal(user=user, school=school) if created else None
        if refusal:
            raise ValidationError({"email": refusal})
        if created:
            member = Member(
                user=user,
                school=school,
                first_name=first_name,
                name_prefix=name_prefix,
                last_name=last_name,
                is_steering=is_steering,
            )
            member.full_clean()
            member.save()
            if send_invite:
                magic_link_send(user=user, purpose=MagicLink.Purpose.INVITE, school=school)
        elif is_steering and not member.is_steering:
            member.is_steering = True
            member.save(update_fields=["is_steering"])
    return member, created


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
        school = School.objects.filter(slug=slug).first()
        school_created = school is None
        if school_created:
            school = School(name=name, slug=slug, language=language)
            school.full_clean()
            school.save()
        school_year_ensure_current(school=school)
        member, member_created = member_add(
            school=school,
            email=steering_email,
            first_name=first_name,
            name_prefix=name_prefix,
            last_name=last_name,
            is_steering=True,
            send_invite=send_invite,
        )
    return SchoolSetup(
        school=school,
        steering=member,
        created=school_created,
        invited=send_invite and member_created,
    )


def member_refusal(*, user, school: School) -> str | None:
    """Why `user` cannot join `school`'s team, or None: its current coach is never a member of
    its team (a coach is never seated or counted). The twin of `coach_refusal`."""
    if CoachAssignment.objects.current().filter(user=user, school=school).exists():
        return _("This address belongs to the school's coach, who is never a team member.")
    return None


def coach_refusal(*, user, school: School) -> str | None:
    """Why `user` cannot become `school`'s coach, or None: an active member of its team is never
    its coach as well (a coach is never seated or counted)."""
    if Member.objects.filter(user=user, school=school, is_active=True).exists():
        return _("%(email)s is a member of this school's team: a coach is never a team member.") % {
            "email": user.email
        }
    return None


def coach_assign(
    *, school: School, email: str, name: str = "", send_invite: bool = True
) -> tuple[CoachAssignment, bool]:
    """Make `email` a current coach of `school` and invite them; idempotent.

    A coach whose earlier assignment ended gets a new assignment row: the old one stays as the
    record of when they could read the school's results. A member of the school's team (still
    active) cannot be its coach as well: a coach is never seated or counted.
    """
    with transaction.atomic():
        user, _created = user_get_or_create(email=email, name=name)
        refusal = coach_refusal(user=user, school=school)
        if refusal:
            raise ValidationError(refusal)
        if name and not user.name:
            user.name = name
            user.save(update_fields=["name"])
        assignment = CoachAssignment.objects.current().filter(user=user, school=school).first()
        created = assignment is None
        if created:
            assignment = CoachAssignment.objects.create(user=user, school=school)
            if send_invite:
                magic_link_send(user=user, purpose=MagicLink.Purpose.INVITE, school=school)
    return assignment, created


def coach_assignment_end(
    *, assignment: CoachAssignment, now: datetime | None = None
) -> CoachAssignment:
    """End a coach's assignment: from now on they cannot open the school; the row stays."""
    if assignment.ended_at is None:
        assignment.ended_at = now or timezone.now()
        assignment.save(update_fields=["ended_at"])
    return assignment


def member_invite(*, member: Member) -> MagicLink | None:
    """Mail a team member a personal invitation link; None when three went out in 15 minutes."""
    return magic_link_send(user=member.user, purpose=MagicLink.Purpose.INVITE, school=member.school)


def member_update(
    *,
    member: Member,
    first_name: str,
    last_name: str,
    name_prefix: str = "",
    email: str | None = None,
    is_steering: bool | None = None,
    by: User | None = None,
) -> Member:
    """Change a member's name, address or steering flag (`by`: who changes it, for the mail).

    A new address moves the member to the account of that address. Refused when that account
    already belongs to another member of this school, when the old account has administrator
    rights, when someone else (`by`) changes the address of a person who has signed in with it
    (the administration does that in the admin, which calls this without `by`), or (to keep
    one person's other schools out of it) when the old account is used elsewhere and the new
    address has no account yet.
    An erased member's details stay erased. The old address gets a mail saying so (and by whom,
    the new address masked): whoever controls the new address can sign in as this member, so a
    change the person did not expect must not go unnoticed. The links that went to the old
    address stop working (`account_address_change`; a move to another account: this school's).
    """
    if Erasure.objects.filter(member=member).exists():
        raise ValidationError(
            _("%(name)s is erased: the name and address stay erased.") % {"name": member},
            code="erased",
        )
    with transaction.atomic():
        member.first_name = first_name.strip()
        member.name_prefix = name_prefix.strip()
        member.last_name = last_name.strip()
        if is_steering is not None:
            member.is_steering = is_steering
        old_user, old_address = member.user, member.user.email
        new_address = ""
        if email is not None and User.objects.normalize_email(email) != member.user.email:
            if member.user.is_staff or member.user.is_superuser:
                # Whoever controls the address can reset the password of an administrator.
                raise ValidationError(
                    {
                        "email": _(
                            "This account has administrator rights: ask the administration to "
                            "change the address."
                        )
                    }
                )
            if member.user.last_login is not None and by is not None and by != member.user:
                # Whoever controls the new address signs in as this person and reads what only
                # they may read (a private learning log, private answers): once someone has
                # signed in, the school does not move their account to another address.
                raise ValidationError(
                    {
                        "email": _(
                            "%(name)s has signed in with this address already. So that nobody "
                            "else can take over the account, only the administration changes "
                            "it: ask them."
                        )
                        % {"name": member.full_name}
                    }
                )
            normalised = User.objects.normalize_email(email)
            existing = User.objects.filter(email=normalised).first()
            if existing is not None:
                if Member.objects.filter(user=existing, school=member.school).exists():
                    raise ValidationError(
                        {"email": _("Another team member already uses this address.")}
                    )
                if (
                    CoachAssignment.objects.current()
                    .filter(user=existing, school=member.school)
                    .exists()
                ):
                    # as in member_add: the coach is never a member (never seated or counted,
                    # never a reader of the line's shared log)
                    refusal = _(
                        "This address belongs to the school's coach, who is never a team member."
                    )
                    raise ValidationError({"email": refusal})
                member.user = existing
            elif member.user.memberships.count() > 1 or member.user.coach_assignments.exists():
                raise ValidationError(
                    {
                        "email": _(
                            "This person also uses the app at another school or as a coach: "
                            "ask the administration to change the address."
                        )
                    }
                )
            else:
                new_address = normalised
        member.full_clean()
        member.save()
        if new_address:
            # the one place an account's address changes: it tells the old address and stops
            # the links that went there (services/accounts.py)
            account_address_change(
                user=member.user,
                email=new_address,
                by=by,
                school=member.school,
                greeting_name=member.first_name,
            )
        if member.user_id != old_user.pk:
            magic_link_revoke_all(user=old_user, school=member.school)
            address_notice_queue(
                user=member.user,
                old=old_address,
                greeting_name=member.first_name,
                by=by,
                language=member.school.language,
                school=member.school,
                account=False,
            )
    return member


def member_set_active(*, member: Member, active: bool) -> Member:
    """Deactivate a member (never delete: history stays) or bring them back.

    Deactivating ends their line membership (yesterday was its last day, so from today they are
    in no line), drops the ones that start today or later (a move to come, a place in next
    year's line) and revokes their usable sign-in links (of this school only, for someone still
    on another school's team).
    """
    with transaction.atomic():
        if not active and member.is_active:
            today = timezone.localdate()
            LineMembership.objects.filter(member=member, start__gt=today).delete()
            for membership in LineMembership.objects.on(today).filter(member=member):
                if membership.start >= today:
                    membership.delete()
                else:
                    membership.end = today - timedelta(days=1)
                    membership.save(update_fields=["end"])
            if not member.user.memberships.exclude(pk=member.pk).filter(is_active=True).exists():
                magic_link_revoke_all(user=member.user)
            else:  # still on another school's team: only this school's links stop
                magic_link_revoke_all(user=member.user, school=member.school)
        member.is_active = active
        member.save(update_fields=["is_active"])
    return member


def member_seen(*, member: Member, now: datetime | None = None) -> None:
    """Note that `member` signed in at their school (by its link) or opened its start page, for
    the team page's "has signed in": unlike the account's last_login, per school. Costs a query
    only the first time."""
    if member.first_seen_at is None:
        member.first_seen_at = now or timezone.now()
        Member.objects.filter(pk=member.pk, first_seen_at__isnull=True).update(
            first_seen_at=member.first_seen_at
        )


def members_invite_not_signed_in(*, school: School) -> tuple[int, int]:
    """Invite every active member who never signed in; returns (invited, skipped by the limit)."""
    invited = skipped = 0
    waiting = (
        Member.objects.filter(school=school, is_active=True, first_seen_at__isnull=True)
        .select_related("user", "school")
        .order_by("pk")
    )
    for member in waiting:
        if member_invite(member=member) is None:
            skipped += 1
        else:
            invited += 1
    return invited, skipped
