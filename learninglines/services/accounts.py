"""An account's e-mail address: the one place it changes, and what a change sets off.

Whoever controls an account's address can sign in as its owner (a mailed link, a password
reset), so changing it is the classic step of an account takeover. Every change (the admin's
account page, the steering group's member page) goes through `account_address_change`:

- the old address is told, in the account's language, by whom, with the new address masked
  (`j***@example.nl`: the old address may be a typing error that belongs to a stranger);
- every sign-in link that can still be used is revoked (they went to the old address), and
  queued mail that would carry a personal link to the old address is not sent; the account's
  other queued mail follows it to the new address. A password reset link made for the old
  address stops working by itself: Django's reset token covers the address;
- every session of the account ends: the session hash covers the address
  (`User.get_session_auth_hash`). A page where someone changes their own address keeps that
  session (`update_session_auth_hash`).

The notice goes even when the account is blocked (`is_active` off), also when the admin blocks
it and changes its address in one save: it is a warning to whoever has the old address, not
the account's mail to its owner, and without it the account could be moved to another address
while blocked and unblocked later with nobody told. The outbox sends mail of a blocked account
only to an address the account no longer has: these notices (`outbox.mail_send_queued`).

Erasing an account (`services/privacy.py`) closes the address without a notice: its owner
asked for it. A closed address (under `.invalid`, a name that never receives mail) is told
nothing should the account get an address again; neither the admin's account page nor the
member page gives an account of an erased member one (erased stays erased, docs/privacy.md).
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from learninglines.models import (
    PERSONAL_LINK_PLACEHOLDER,
    CoachAssignment,
    OutgoingMail,
    School,
    User,
)
from learninglines.services.outbox import mail_queue_from_template
from learninglines.services.signin import _greeting_name, magic_link_revoke_all, user_language

# Why a queued mail with a personal link to an address that has since changed is not sent
ADDRESS_CHANGED = "Not sent: the account's address changed."
# The addresses erasure leaves (`privacy._close_account`): `.invalid` never receives mail
CLOSED_ADDRESS_DOMAIN = ".invalid"


def mask_address(email: str) -> str:
    """`jan.hart@example.nl` as `j***@example.nl`: enough to recognise, not to write to."""
    local, _at, domain = email.rpartition("@")
    if not local:
        return "***"
    return f"{local[0]}***@{domain}"


def _changed_by(by: User | None) -> str:
    """Who the notice names: a person of the school by name; staff (and a change without a
    person, a command) as "the administration", never by their own name. Never by a full
    address either: someone known by no name (a coach without one) is named masked."""
    if by is None or by.is_staff or by.is_superuser:
        return ""
    name = by.get_full_name()
    return mask_address(by.email) if name == by.email else name


def _contact_school(user: User) -> School | None:
    """The school whose steering group the notice sends the person to: their only school (as a
    team member or a coach); None for someone at several schools or none (the administration)."""
    schools = set(user.memberships.filter(is_active=True).values_list("school_id", flat=True))
    schools |= set(
        CoachAssignment.objects.current().filter(user=user).values_list("school_id", flat=True)
    )
    return School.objects.get(pk=schools.pop()) if len(schools) == 1 else None


def _links_to_old_address_stop(*, user: User, old: str, now: datetime) -> None:
    magic_link_revoke_all(user=user, now=now)
    queued = OutgoingMail.objects.filter(status=OutgoingMail.Status.QUEUED, to__iexact=old)
    queued.filter(body__contains=PERSONAL_LINK_PLACEHOLDER).update(
        status=OutgoingMail.Status.FAILED, last_error=ADDRESS_CHANGED
    )
    # the rest of the account's mail (a meeting reminder, a retention notice) was meant for its
    # owner, who has the new address now; a mail of the account to an address it no longer has
    # is then always a notice about the address (the outbox sends those even when blocked)
    queued.filter(user=user).update(to=user.email)


def address_notice_queue(
    *,
    user: User,
    old: str,
    greeting_name: str,
    by: User | None,
    language: str,
    school: School | None,
    account: bool = True,
) -> OutgoingMail:
    """The notice to the old address about `user`'s (new) address. `account`: the account's
    own address changed; otherwise `school`'s team now uses another account (`user`) for this
    person. The mail is `user`'s: their export holds it and their erasure removes it (it names
    them and their old address, and the masked new one is no longer a way to find it)."""
    return mail_queue_from_template(
        to=old,
        template="learninglines/mail/address_changed",
        context={
            "greeting_name": greeting_name,
            "who": _changed_by(by),
            "new": mask_address(user.email),
            "school": school,
            "account": account,
            # a blocked account signs nobody in: the new address can once it is unblocked
            "blocked": not user.is_active,
        },
        language=language,
        kind=OutgoingMail.Kind.OTHER,
        user=user,
        school=school,
    )


def account_address_change(
    *,
    user: User,
    email: str,
    by: User | None,
    school: School | None = None,
    greeting_name: str | None = None,
    now: datetime | None = None,
) -> bool:
    """Give `user`'s account the address `email`; False when it is the same address.

    `by` is who changes it (None or staff: the administration); `school` is where it is changed
    (the member page), else the account's only school; `greeting_name` the name the notice
    greets (a member's first name there), else the account's. Validates the address as the
    model does (a taken address is refused with a ValidationError). Tells the old address and
    stops every link that went to it (see the module's docstring).
    """
    now = now or timezone.now()
    normalised = User.objects.normalize_email(email)
    with transaction.atomic():
        old = User.objects.select_for_update().values_list("email", flat=True).get(pk=user.pk)
        if normalised == old:
            user.email = old
            return False
        user.email = normalised
        user.full_clean(exclude=["password"])
        user.save(update_fields=["email"])
        _links_to_old_address_stop(user=user, old=old, now=now)
        if old.endswith(CLOSED_ADDRESS_DOMAIN):
            return True  # an erased account's closed address: nobody reads it
        school = school or _contact_school(user)
        address_notice_queue(
            user=user,
            old=old,
            greeting_name=_greeting_name(user) if greeting_name is None else greeting_name,
            by=by,
            language=school.language if school is not None else user_language(user),
            school=school,
        )
    return True
