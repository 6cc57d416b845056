"""The program of a plenary session: ordered assignments, each for a table round or the whole group.

Rules kept here:
- Positions are 1..n in program order; table rounds are 1..R without gaps, numbered in the
  order they first come in the program (after an assignment is removed, moved, or given another
  round, rounds are renumbered), so the session's number of rounds is always the number of
  distinct table rounds, and round 1 is the first one that happens.
- A new session's program comes from the school's own template when it saved one, otherwise
  from the method's default program, written in the school's language (after that it is the
  school's own text, edited like any other).
- A session that is held or closed keeps its program: it is part of what happened; so does a
  session of a school year that has ended (`is_editable`, the rule the pages follow too).
- A program changed while the session runs keeps the clock on the assignment it shows (the
  clock stores a place in the program): an assignment removed or moved above it does not move
  every screen on to another assignment. When the current assignment itself is removed, the
  one taking its place starts with its full time (as "next" does); new minutes of the current
  assignment lengthen or shorten the time it has left.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from sessions_app.models import Assignment, PlenarySession, ProgramTemplate, SessionClock
from sessions_app.selectors.sessions import is_editable

ASSIGNMENT_FIELDS = ("title", "instructions", "duration_minutes", "table_round")

# The method's program (title, instructions, minutes, table round or None for the whole group).
# Marked for translation, translated when a session is made, in the school's language.
DEFAULT_PROGRAM = (
    (
        gettext_noop("Getting to know each other"),
        gettext_noop(
            "Each person introduces themselves briefly: your name, your class or subject, and "
            "which learning line you are in."
        ),
        10,
        1,
    ),
    (
        gettext_noop("Talk about your learning line"),
        gettext_noop(
            "Take turns. Each person tells the others: what does your learning line look like, "
            "what have you learned, what did it do for your pupils? The others listen with "
            "curiosity and ask follow-up questions, never judging. It is not about better or "
            "worse."
        ),
        30,
        1,
    ),
    (
        gettext_noop("Getting to know each other"),
        gettext_noop("A new table with new people: introduce yourselves briefly."),
        5,
        2,
    ),
    (
        gettext_noop("Talk about your learning line"),
        gettext_noop(
            "The same with new people. Each person tells what their learning line looks like, "
            "what they learned and what it did for their pupils; the others ask follow-up "
            "questions."
        ),
        25,
        2,
    ),
    (
        gettext_noop("What do I take with me?"),
        gettext_noop(
            "Bringing and taking: each person names one thing they take from the stories of "
            "the others, and one thing they brought."
        ),
        10,
        2,
    ),
    (
        gettext_noop("Reflection"),
        gettext_noop(
            "Everyone answers the guiding questions, on their phone or on paper: what did you "
            "learn, what will you try, who do you want to follow up with?"
        ),
        15,
        None,
    ),
)


@dataclass(frozen=True)
class AssignmentData:
    title: str
    instructions: str
    duration_minutes: int
    table_round: int | None


def default_program(language: str) -> list[AssignmentData]:
    """The method's program in `language` (the school's language, not the visitor's)."""
    with translation.override(language):
        return [
            AssignmentData(_(title), _(instructions), minutes, table_round)
            for title, instructions, minutes, table_round in DEFAULT_PROGRAM
        ]


def _template_items(session: PlenarySession) -> list[AssignmentData]:
    template = ProgramTemplate.objects.filter(school=session.school).first()
    if template is None or not template.items:
        return default_program(session.school.language)
    return [
        AssignmentData(
            title=item["title"],
            instructions=item.get("instructions", ""),
            duration_minutes=item["duration_minutes"],
            table_round=item.get("table_round"),
        )
        for item in template.items
    ]


def _check_editable(session: PlenarySession) -> None:
    """The rule the pages follow (`is_editable`): held, or of a school year that has ended."""
    if is_editable(session):
        return
    if session.status in (PlenarySession.Status.HELD, PlenarySession.Status.CLOSED):
        raise ValidationError(_("This session has been held: its program stays as it was."))
    raise ValidationError(_("This school year has ended: its sessions are read-only."))


def _renumber(session: PlenarySession) -> None:
    """Positions 1..n, and table rounds 1..R without gaps in the order they first come in the
    program: moving the second round's assignment above the first's makes it round 1, so the
    projector and the phones count rounds in the order they happen.
    """
    assignments = list(session.assignments.order_by("position", "pk"))
    rounds = list(dict.fromkeys(a.table_round for a in assignments if a.table_round is not None))
    new_round = {old: number for number, old in enumerate(rounds, start=1)}
    changed = []
    for position, assignment in enumerate(assignments, start=1):
        table_round = new_round.get(assignment.table_round)
        if (assignment.position, assignment.table_round) != (position, table_round):
            assignment.position, assignment.table_round = position, table_round
            changed.append(assignment)
    Assignment.objects.bulk_update(changed, ["position", "table_round"])


def _clock_shows(session: PlenarySession) -> tuple[SessionClock | None, int | None]:
    """The session's clock (locked until the change is saved) and the assignment it shows."""
    clock = SessionClock.objects.select_for_update().filter(session=session).first()
    order = list(session.assignments.order_by("position", "pk").values_list("pk", flat=True))
    if clock is None or not order:
        return clock, None
    return clock, order[max(1, min(clock.position, len(order))) - 1]


def _clock_keep(session: PlenarySession, clock: SessionClock | None, shown: int | None) -> None:
    """After the program changed: the clock shows the same assignment at its new place, or,
    when that one was removed, the one in its place with its full time."""
    if clock is None or shown is None:
        return
    order = list(
        session.assignments.order_by("position", "pk").values_list("pk", "duration_minutes")
    )
    if not order:
        return
    places = {pk: place for place, (pk, _minutes) in enumerate(order, start=1)}
    if shown in places:
        clock.position = places[shown]
    else:
        now = timezone.now()
        clock.position = max(1, min(clock.position, len(order)))
        minutes = order[clock.position - 1][1]
        clock.paused_remaining = None
        clock.ends_at = now + timedelta(minutes=minutes) if clock.running else None
        clock.updated_at = now
    clock.save(update_fields=["position", "paused_remaining", "ends_at", "updated_at"])


def _clock_new_minutes(assignment: Assignment, old_minutes: int) -> None:
    """The current assignment's minutes changed: its time left changes by as much."""
    clock = SessionClock.objects.select_for_update().filter(session=assignment.session).first()
    change = (assignment.duration_minutes - old_minutes) * 60
    if clock is None or not change:
        return
    order = list(
        assignment.session.assignments.order_by("position", "pk").values_list("pk", flat=True)
    )
    if order[max(1, min(clock.position, len(order))) - 1] != assignment.pk:
        return
    if clock.running and clock.ends_at is not None:
        clock.ends_at += timedelta(seconds=change)
    elif clock.paused_remaining is not None:
        clock.paused_remaining = max(0, clock.paused_remaining + change)
    else:
        return  # not started: the new minutes are its full time
    clock.save(update_fields=["ends_at", "paused_remaining"])


def program_fill(*, session: PlenarySession) -> list[Assignment]:
    """Give a new session its starting program: the school's template, else the method's."""
    items = _template_items(session)
    return Assignment.objects.bulk_create(
        Assignment(session=session, position=position, **vars(item))
        for position, item in enumerate(items, start=1)
    )


def _clean(data: AssignmentData) -> AssignmentData:
    title = data.title.strip()
    if not title:
        raise ValidationError({"title": _("Give the assignment a title.")})
    if not 1 <= data.duration_minutes <= 240:
        raise ValidationError({"duration_minutes": _("Choose 1 to 240 minutes.")})
    if data.table_round is not None and not 1 <= data.table_round <= 12:
        raise ValidationError({"table_round": _("Choose round 1 to 12, or the whole group.")})
    return AssignmentData(title, data.instructions.strip(), data.duration_minutes, data.table_round)


def assignment_create(*, session: PlenarySession, data: AssignmentData) -> Assignment:
    """Add an assignment at the end of the program."""
    _check_editable(session)
    data = _clean(data)
    with transaction.atomic():
        last = session.assignments.aggregate(last=Max("position"))["last"] or 0
        assignment = Assignment(session=session, position=last + 1, **vars(data))
        assignment.full_clean()
        assignment.save()
        _renumber(session)
    assignment.refresh_from_db()
    return assignment


def assignment_update(*, assignment: Assignment, data: AssignmentData) -> Assignment:
    _check_editable(assignment.session)
    data = _clean(data)
    old_minutes = assignment.duration_minutes
    with transaction.atomic():
        for name, value in vars(data).items():
            setattr(assignment, name, value)
        assignment.full_clean()
        assignment.save()
        _renumber(assignment.session)
        _clock_new_minutes(assignment, old_minutes)
    assignment.refresh_from_db()
    return assignment


def assignment_delete(*, assignment: Assignment) -> None:
    session = assignment.session
    _check_editable(session)
    with transaction.atomic():
        clock, shown = _clock_shows(session)
        assignment.delete()
        _renumber(session)
        _clock_keep(session, clock, shown)


def assignment_move(*, assignment: Assignment, direction: str) -> None:
    """Move an assignment one place "up" or "down" in the program (the keyboard's reorder)."""
    session = assignment.session
    _check_editable(session)
    if direction not in ("up", "down"):
        raise ValidationError(_("Move an assignment up or down."))
    with transaction.atomic():
        clock, shown = _clock_shows(session)
        order = list(session.assignments.order_by("position", "pk"))
        index = next(i for i, item in enumerate(order) if item.pk == assignment.pk)
        other = index - 1 if direction == "up" else index + 1
        if not 0 <= other < len(order):
            return
        order[index], order[other] = order[other], order[index]
        for position, item in enumerate(order, start=1):
            item.position = position
        Assignment.objects.bulk_update(order, ["position"])
        _renumber(session)
        _clock_keep(session, clock, shown)


def program_save_as_template(*, session: PlenarySession, by) -> ProgramTemplate:
    """Keep this session's program as the school's starting program for its next sessions."""
    items = [
        {name: getattr(assignment, name) for name in ASSIGNMENT_FIELDS}
        for assignment in session.assignments.order_by("position", "pk")
    ]
    if not items:
        raise ValidationError(_("The program is empty: add an assignment first."))
    template, _created = ProgramTemplate.objects.update_or_create(
        school=session.school,
        defaults={"items": items, "updated_at": timezone.now(), "updated_by": by},
    )
    return template
