"""The day itself: publish the plan, announce a change, run the clock, mark the session held.

Rules kept here:
- Publishing queues one mail to every member who has a seat in at least one round, with a
  personal link that opens their table; the link stays valid until the end of the session's
  day and works on more than one device. Nothing is sent inside the request: the mails wait in
  the outbox for `send_queued_mail` (in development they go out after the response).
- After publishing, teachers see every change at once; "announce the change" mails only the
  people whose table in some round differs from what they were last told. A published session
  that moves to another day, time or place mails everyone seated (`session_update` does it).
- The clock's state lives on the server (current assignment, running or paused, when time is
  up), so every screen shows the same; remaining time is computed from the server's clock.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from learninglines.models import Member
from learninglines.services.outbox import mail_send_after_response
from sessions_app.models import PlenarySession, Seat, SessionClock, TablePlan
from sessions_app.selectors.day import clock_remaining, plan_changed_members, seating_by_member
from sessions_app.selectors.sessions import program_rounds
from sessions_app.services.mail import session_mail_queue
from sessions_app.services.reflections import questionnaire_follow_clock

CLOCK_ACTIONS = ("start", "pause", "reset", "next", "previous")


def my_session_path(session: PlenarySession) -> str:
    return reverse(
        "sessions_app:my-session", kwargs={"school_slug": session.school.slug, "pk": session.pk}
    )


def _plan_of(session: PlenarySession) -> TablePlan:
    plan = TablePlan.objects.filter(session=session).first()
    if plan is None:
        raise ValidationError(_("Make the table plan first."))
    if plan.rounds.count() != program_rounds(session.assignments.all()):
        raise ValidationError(
            _("The program's table rounds and the plan's differ. Make the plan again first.")
        )
    return plan


def _active_members(pks) -> list[Member]:
    """The active members among `pks`, with what their mail needs, in register order."""
    return list(
        Member.objects.filter(pk__in=pks, is_active=True)
        .select_related("user", "school")
        .order_by("last_name", "name_prefix", "first_name", "pk")
    )


def _queue_mails(
    *, session: PlenarySession, seating: dict, members: list[Member], template: str
) -> list[int]:
    """One mail per member, each with their tables and their own session link."""
    path = my_session_path(session)
    names = _table_companions(session)
    rounds = max((len(tables) for tables in seating.values()), default=0)
    ids = []
    for member in members:
        # Someone no longer seated at all (marked absent after the last mail) reads, round by
        # round, that they have no seat; never "where you sit now:" followed by nothing.
        tables = seating.get(member.pk) or [None] * rounds
        rows = [
            {
                "round": number,
                "table": table,
                "with": [name for pk, name in names.get((number, table), []) if pk != member.pk],
            }
            for number, table in enumerate(tables, start=1)
        ]
        mail = session_mail_queue(
            member=member,
            school=session.school,
            path=path,
            day=session.date,
            template=template,
            context={"session": session, "rows": rows},
        )
        ids.append(mail.pk)
    return ids


def _table_companions(session: PlenarySession) -> dict[tuple[int, int], list[tuple[int, str]]]:
    """{(round, table): [(member pk, name), ...]} of the session's plan: one query."""
    out: dict[tuple[int, int], list[tuple[int, str]]] = {}
    seats = (
        Seat.objects.filter(round__plan__session=session)
        .select_related("member", "round", "table", "line")
        .order_by("line__letter", "member__last_name", "member__first_name")
    )
    for seat in seats:
        out.setdefault((seat.round.number, seat.table.number), []).append(
            (seat.member_id, f"{seat.member.full_name} ({seat.line.letter})")
        )
    return out


def session_publish(*, session: PlenarySession, by=None) -> int:
    """Make the plan visible to teachers and queue a mail to each seated member; returns count."""
    plan = _plan_of(session)
    with transaction.atomic():
        claimed = PlenarySession.objects.filter(
            pk=session.pk, status=PlenarySession.Status.DRAFT
        ).update(status=PlenarySession.Status.PUBLISHED)
        if not claimed:
            raise ValidationError(_("This session has already been published."))
        session.status = PlenarySession.Status.PUBLISHED
        seating = seating_by_member(plan=plan)
        members = _active_members(seating)
        ids = _queue_mails(
            session=session,
            seating=seating,
            members=members,
            template="sessions_app/mail/session_published",
        )
        plan.announced = {str(pk): tables for pk, tables in seating.items()}
        plan.announced_at = timezone.now()
        plan.save(update_fields=["announced", "announced_at"])
    mail_send_after_response(ids=ids)
    return len(ids)


def session_announce_moved(*, session: PlenarySession) -> int:
    """Mail everyone seated in a published session its new day, times or place, with their
    tables and a fresh personal link valid until the end of the new day; returns the count.
    """
    if session.status != PlenarySession.Status.PUBLISHED:
        return 0
    plan = TablePlan.objects.filter(session=session).first()
    if plan is None:
        return 0
    seating = seating_by_member(plan=plan)
    members = _active_members(seating)
    ids = _queue_mails(
        session=session,
        seating=seating,
        members=members,
        template="sessions_app/mail/session_moved",
    )
    mail_send_after_response(ids=ids)
    return len(ids)


def session_announce_change(*, session: PlenarySession, by=None) -> int:
    """Mail only the people whose table changed since the last mail; returns the count."""
    if session.status != PlenarySession.Status.PUBLISHED:
        raise ValidationError(_("Only a published session's changes are announced."))
    plan = _plan_of(session)
    with transaction.atomic():
        plan = TablePlan.objects.select_for_update().get(pk=plan.pk)
        changed = plan_changed_members(plan=plan)
        if not changed:
            raise ValidationError(_("Nobody's table changed since the last mail."))
        seating = seating_by_member(plan=plan)
        members = _active_members(changed)
        ids = _queue_mails(
            session=session,
            seating=seating,
            members=members,
            template="sessions_app/mail/session_changed",
        )
        plan.announced = {str(pk): tables for pk, tables in seating.items()}
        plan.announced_at = timezone.now()
        plan.save(update_fields=["announced", "announced_at"])
    mail_send_after_response(ids=ids)
    return len(ids)


def clock_act(
    *, session: PlenarySession, action: str, by=None, now=None, at: int | None = None
) -> SessionClock:
    """Start, pause, reset or move the session's clock; every screen follows the server's state.

    "next" and "previous" go to the neighbouring assignment with its full time, still running
    when the clock was running. `at` is the assignment the pressing screen showed: when the
    clock is elsewhere by now (a second laptop pressed "next" at the same moment) nothing
    changes, so two presses never skip an assignment; the same for "reset". "start" and "pause"
    act on whatever assignment runs: whoever presses wants the room going or stopped.
    """
    if action not in CLOCK_ACTIONS:
        raise ValidationError(_("Unknown action for the clock."))
    if session.status == PlenarySession.Status.CLOSED:
        raise ValidationError(_("This session is closed."))
    now = now or timezone.now()
    assignments = list(session.assignments.order_by("position", "pk"))
    if not assignments:
        raise ValidationError(_("The program is empty: there is nothing to time."))
    with transaction.atomic():
        clock, _created = SessionClock.objects.select_for_update().get_or_create(session=session)
        clock.position = max(1, min(clock.position, len(assignments)))
        if at is not None and at != clock.position and action not in ("start", "pause"):
            raise ValidationError(
                _(
                    "Someone else moved the clock in the meantime. Here is where it is now; "
                    "press again if it is still needed."
                )
            )
        current = assignments[clock.position - 1]
        remaining = clock_remaining(clock, current, now)
        if action == "start":
            clock.running = True
            clock.ends_at = now + timedelta(seconds=remaining)
            clock.paused_remaining = None
            clock.started_at = clock.started_at or now
        elif action == "pause":
            clock.running = False
            clock.ends_at = None
            clock.paused_remaining = remaining
        elif action == "reset":
            clock.running = False
            clock.ends_at = None
            clock.paused_remaining = None
        else:
            step = 1 if action == "next" else -1
            clock.position = max(1, min(clock.position + step, len(assignments)))
            full = assignments[clock.position - 1].duration_minutes * 60
            clock.paused_remaining = None
            clock.ends_at = now + timedelta(seconds=full) if clock.running else None
        clock.updated_at = now
        clock.updated_by = by
        clock.save()
        if action == "next":
            # The reflection form opens when the program reaches its reflection.
            questionnaire_follow_clock(
                session=session, assignments=assignments, position=clock.position, now=now
            )
    return clock
