"""Writes of plenary sessions: plan one, change when and where, remove a draft.

Rules kept here:
- A session belongs to one school year of its school and falls inside it; a year that has
  ended is read-only.
- A new session starts with a program (the school's template or the method's default).
- Only a draft with no plan history may be removed; a session that was published or held is
  part of the school's history.
"""

from __future__ import annotations

from datetime import date, time

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from learninglines.models import School, SchoolYear
from learninglines.services.lines import cycle_start_new
from learninglines.services.outbox import one_line
from sessions_app.models import PlenarySession, Questionnaire, Seat, TablePlan
from sessions_app.selectors.sessions import is_editable, session_presence
from sessions_app.services.day import session_announce_moved
from sessions_app.services.plans import plan_hold_lines
from sessions_app.services.program import program_fill
from sessions_app.services.reflections import questionnaire_create_for_session

SESSION_FIELDS = ("title", "date", "start_time", "end_time", "place", "group_size")


def _year_for(school: School, day: date) -> SchoolYear:
    year = SchoolYear.objects.filter(school=school, start__lte=day, end__gte=day).first()
    if year is None:
        raise ValidationError(
            {"date": _("There is no school year for this date yet. Open the school year first.")}
        )
    if year.end < timezone.localdate():
        raise ValidationError({"date": _("This school year has ended: plan in the current one.")})
    return year


def session_create(
    *,
    school: School,
    title: str,
    date: date,
    start_time: time,
    end_time: time,
    place: str = "",
    group_size: int | None = None,
    by=None,
) -> PlenarySession:
    """Plan a plenary session (a draft) with its starting program."""
    with transaction.atomic():
        session = PlenarySession(
            school=school,
            year=_year_for(school, date),
            title=one_line(title),
            date=date,
            start_time=start_time,
            end_time=end_time,
            place=one_line(place),
            group_size=group_size,
            created_by=by,
        )
        session.full_clean()
        session.save()
        program_fill(session=session)
        questionnaire_create_for_session(session=session, by=by)
    return session


def _check_changeable(session: PlenarySession) -> None:
    """The rule the pages follow (`is_editable`): held, or of a school year that has ended."""
    if is_editable(session):
        return
    if session.status in (PlenarySession.Status.HELD, PlenarySession.Status.CLOSED):
        raise ValidationError(_("This session has been held: it stays as it was."))
    raise ValidationError(_("This school year has ended: its sessions are read-only."))


# What teachers were told in the published plan's mail: a change to one of these tells them again.
MOMENT_FIELDS = ("date", "start_time", "end_time", "place")
CALENDAR_FIELDS = ("title", *MOMENT_FIELDS)  # what a calendar event of the session shows


def session_update(*, session: PlenarySession, **fields) -> int:
    """Change title, date, times, place or group size of a session that has not been held.

    A published session that moves to another day, time or place mails everyone seated the new
    moment (the first mail's links end with the old day); returns how many mails were queued.
    """
    unknown = set(fields) - set(SESSION_FIELDS)
    if unknown:
        raise TypeError(f"Unknown session fields: {sorted(unknown)}")
    _check_changeable(session)
    fields = {name: one_line(v) if isinstance(v, str) else v for name, v in fields.items()}
    moved = session.status == PlenarySession.Status.PUBLISHED and any(
        name in fields and fields[name] != getattr(session, name) for name in MOMENT_FIELDS
    )
    with transaction.atomic():
        if "date" in fields and fields["date"] != session.date:
            session.year = _year_for(session.school, fields["date"])
        if any(
            name in CALENDAR_FIELDS and getattr(session, name) != value
            for name, value in fields.items()
        ):
            session.revision += 1  # calendars take the change over
        for name, value in fields.items():
            setattr(session, name, value)
        session.full_clean()
        session.save()
        return session_announce_moved(session=session) if moved else 0


def session_delete(*, session: PlenarySession) -> None:
    """Remove a draft session (with its program, attendance and plan)."""
    if not session.is_draft:
        raise ValidationError(
            _("Only a draft can be removed; this session is part of the history.")
        )
    with transaction.atomic():
        questionnaire = Questionnaire.objects.filter(session=session).first()
        if questionnaire is not None:
            if questionnaire.reflections.exists():
                raise ValidationError(
                    _("People have already answered its reflection form: it stays as it is.")
                )
            questionnaire.delete()
        session.delete()


def session_hold_check(*, session: PlenarySession, today: date | None = None) -> None:
    """Raise the reason a session cannot be marked held (now), or return when it can.

    The confirmation page asks first, so it does not offer a button that can only be refused.
    """
    if session.status not in (PlenarySession.Status.DRAFT, PlenarySession.Status.PUBLISHED):
        raise ValidationError(_("This session has already been held."), code="held")
    if not TablePlan.objects.filter(session=session).exists():
        raise ValidationError(
            _("Make the table plan first: the rounds as seated are the history."), code="no_plan"
        )
    if today is not None and session.date > today:
        raise ValidationError(
            _("This session is on %(day)s: it can be marked held from that day on.")
            % {"day": formats.date_format(session.date, "j F Y")},
            code="ahead",
        )


def session_hold(*, session: PlenarySession, today: date | None = None) -> PlenarySession:
    """Mark a session held: its rounds become history for the next plan, and a new cycle starts.

    With `today` (the page passes it), a session that lies ahead is refused: it cannot have been
    held yet, and the new cycle starts on the session's date (unless a later session was held
    first: a cycle only moves forward).

    Holding confirms the presence recorded at the door: a seat of someone who was not there in
    that round (absent, arrived later, left earlier, or no longer in a line on the day) is
    dropped, also at a locked table the plan could not repair, so the history holds only the
    people who really sat together. The cycle restarts through the learning lines' own service,
    so line meetings count towards the next plenary session from this day on.
    """
    session_hold_check(session=session, today=today)
    with transaction.atomic():
        _drop_seats_of_people_not_there(session)
        plan_hold_lines(session=session)
        session.status = PlenarySession.Status.HELD
        session.save(update_fields=["status"])
        cycle_start_new(year=session.year, on=session.date)
    return session


def _drop_seats_of_people_not_there(session: PlenarySession) -> int:
    """Remove the seats the attendance contradicts; returns how many were removed."""
    expected = {item.member.pk: item for item in session_presence(session=session).expected}
    gone = [
        pk
        for pk, member_id, number in Seat.objects.filter(round__plan__session=session).values_list(
            "pk", "member_id", "round__number"
        )
        if member_id not in expected or not expected[member_id].present_in(number)
    ]
    Seat.objects.filter(pk__in=gone).delete()
    return len(gone)
