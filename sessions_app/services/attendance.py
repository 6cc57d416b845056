"""Who is at a plenary session, per round: absentees beforehand, late arrivals and leavers.

Everyone in a line on the session's date is expected in every round; a `SessionAttendance` row
records an exception. When a table plan exists, the rounds whose seats no longer match who is
there are repaired at once (only the tables someone left or joins change).

Two people at the door may save the list at the same time: only the rows each of them changed
are written (`was` holds the state their page showed), so neither undoes the other's work. The
session's row is locked while the list is read and written (PostgreSQL; SQLite serialises all
writers), so the second save compares with what the first wrote, and the plan follows each
save in turn.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sessions_app.models import PlenarySession, SessionAttendance
from sessions_app.selectors.sessions import session_presence
from sessions_app.services.plans import plan_follow_presence


@dataclass(frozen=True)
class PresenceData:
    """One member's presence: absent, or seated from `first_round` until `last_round`."""

    absent: bool = False
    first_round: int | None = None
    last_round: int | None = None

    @property
    def is_default(self) -> bool:
        return not self.absent and self.first_round is None and self.last_round is None

    def normalised(self, rounds: int) -> PresenceData:
        """Round 1 as the first and the last round as the last mean "the whole session"."""
        if self.absent:
            return PresenceData(absent=True)
        first = self.first_round if self.first_round and self.first_round > 1 else None
        last = self.last_round if self.last_round and self.last_round < rounds else None
        return PresenceData(False, first, last)


class Saved(int):
    """How many members' presence `attendance_save` stored. `overtaken` names the members whose
    presence someone else changed since the saving person's page showed it: their change is
    kept, this one is not written."""

    overtaken: tuple[str, ...] = ()


def presence_of(row: SessionAttendance | None) -> PresenceData:
    if row is None:
        return PresenceData()
    return PresenceData(row.absent, row.first_round, row.last_round)


def attendance_save(
    *,
    session: PlenarySession,
    changes: dict[int, tuple[PresenceData, PresenceData]],
    by=None,
) -> Saved:
    """Store presence for the members in `changes` ({member pk: (was, now)}); returns the count.

    A member whose row changed since `was` was read keeps the newer value (someone else saved
    it first; the result's `overtaken` names them). Raises ValidationError for a member who is
    not expected or impossible rounds.
    """
    if session.status in (PlenarySession.Status.HELD, PlenarySession.Status.CLOSED):
        raise ValidationError(_("This session has been held: its attendance stays as it was."))
    saved = 0
    overtaken = []
    with transaction.atomic():
        # Two saves at once: the second waits here and then reads what the first wrote.
        PlenarySession.objects.select_for_update().filter(pk=session.pk).first()
        presence = session_presence(session=session)
        rounds = presence.rounds
        expected = {item.member.pk: item for item in presence.expected}
        for member_pk, (was, now) in sorted(changes.items()):
            item = expected.get(member_pk)
            if item is None:
                raise ValidationError(_("Someone in the list is not expected at this session."))
            now = now.normalised(rounds)
            if now.first_round and now.last_round and now.last_round < now.first_round:
                raise ValidationError(
                    _("%(name)s: the last round comes before the first.")
                    % {"name": item.member.full_name}
                )
            for value in (now.first_round, now.last_round):
                if value is not None and not 1 <= value <= max(rounds, 1):
                    raise ValidationError(
                        _("%(name)s: choose a round from 1 to %(rounds)s.")
                        % {"name": item.member.full_name, "rounds": rounds}
                    )
            current = presence_of(item.attendance).normalised(rounds)
            if now == current:
                continue
            if current != was.normalised(rounds):
                overtaken.append(item.member.full_name)
                continue
            if now.is_default:
                SessionAttendance.objects.filter(session=session, member_id=member_pk).delete()
            else:
                SessionAttendance.objects.update_or_create(
                    session=session,
                    member_id=member_pk,
                    defaults={
                        "absent": now.absent,
                        "first_round": now.first_round,
                        "last_round": now.last_round,
                        "updated_at": timezone.now(),
                        "updated_by": by,
                    },
                )
            saved += 1
        if saved:
            plan_follow_presence(session=session, by=by)
    result = Saved(saved)
    result.overtaken = tuple(overtaken)
    return result
