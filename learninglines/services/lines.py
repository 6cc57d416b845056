"""Writes for learning lines: lines and their steps, who is in which line when, school years.

Rules kept here:
- A member is in at most one line at any date (the database holds it too). Moving someone ends
  the current membership the day before the new one starts, so history stays.
- A line belongs to one school year; its letter and colour are picked from a fixed palette.
- Opening the next school year may copy lines with their goal, description and steps (never
  their meetings) and, per line, carry over who is in it on the last day of the old year. It
  never opens a year that has already ended: after a year without the app, the year holding
  today is opened and the year in between has no row.
- A year opened ahead by mistake may be removed before it begins while nothing was recorded in
  it; the places the opening ended are put back.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from learninglines.models import (
    LINE_LETTERS,
    LearningLine,
    LineColour,
    LineMembership,
    LineStep,
    LogEntry,
    Member,
    School,
    SchoolYear,
)

COLOURS = list(LineColour.values)


def _next_free(used: set[str], options: list[str] | str) -> str:
    for option in options:
        if option not in used:
            return option
    raise ValidationError(_("A school year can have at most %(n)d lines.") % {"n": len(options)})


def line_create(
    *,
    school: School,
    year: SchoolYear,
    name: str,
    goal: str = "",
    description: str = "",
    colour: str = "",
    copied_from: LearningLine | None = None,
) -> LearningLine:
    """A new line in `year` with the next free letter and (unless given) the next free colour."""
    with transaction.atomic():
        taken = LearningLine.objects.filter(year=year)
        line = LearningLine(
            school=school,
            year=year,
            name=name.strip(),
            goal=goal,
            description=description,
            letter=_next_free(set(taken.values_list("letter", flat=True)), LINE_LETTERS),
            colour=colour or _next_free(set(taken.values_list("colour", flat=True)), COLOURS),
            copied_from=copied_from,
        )
        line.full_clean()
        line.save()
    return line


def line_update(*, line: LearningLine, **fields) -> LearningLine:
    """Change a line's own fields (name, goal, description, colour); validated before saving."""
    for name, value in fields.items():
        setattr(line, name, value)
    line.full_clean()
    line.save(update_fields=list(fields))
    return line


def line_archive(*, line: LearningLine, archived: bool = True) -> LearningLine:
    """Archive (or restore) a line: it keeps its history but leaves lists and plans.

    Archiving ends the open memberships: from today its members are in no line.
    """
    with transaction.atomic():
        if archived and line.archived_at is None:
            yesterday = timezone.localdate() - timedelta(days=1)
            for membership in line.memberships.filter(Q(end__isnull=True) | Q(end__gt=yesterday)):
                _end_membership(membership, yesterday)
            line.archived_at = timezone.now()
        elif not archived:
            line.archived_at = None
        line.save(update_fields=["archived_at"])
    return line


@dataclass(frozen=True)
class StepData:
    title: str
    status: str = LineStep.Status.PLANNED
    target_date: date | None = None
    pk: int | None = None


def line_steps_save(*, line: LearningLine, steps: list[StepData]) -> list[LineStep]:
    """Make the line's steps exactly `steps`, in this order; steps left out are removed."""
    with transaction.atomic():
        existing = {step.pk: step for step in line.steps.all()}
        kept = []
        for position, data in enumerate(steps, start=1):
            step = existing.pop(data.pk, None) if data.pk else None
            step = step or LineStep(line=line)
            step.position = position
            step.title = data.title.strip()
            step.status = data.status
            step.target_date = data.target_date
            step.full_clean()
            step.save()
            kept.append(step)
        LineStep.objects.filter(pk__in=list(existing)).delete()
    return kept


# --- Memberships -------------------------------------------------------------------------------


def _end_membership(membership: LineMembership, last_day: date) -> None:
    if last_day < membership.start:
        # Started after the new start date: it never happened, so it goes.
        membership.delete()
        return
    membership.end = last_day
    membership.save(update_fields=["end"])


def membership_move(
    *, member: Member, line: LearningLine | None, start: date
) -> LineMembership | None:
    """Put `member` in `line` from `start` (None: in no line from then on); keeps the history.

    The membership that holds on `start` ends the day before; one that would start later in the
    line's school year is replaced (with `line` None: every later one). Once a later school year
    is open, the new membership ends on the line's year's last day. Refused when `start` is
    outside the line's school year or the member is inactive.
    """
    if line is not None:
        if line.school_id != member.school_id:
            raise ValidationError(_("This line belongs to another school."))
        if not (line.year.start <= start <= line.year.end):
            raise ValidationError(
                _("Choose a date in the line's school year (%(start)s to %(end)s).")
                % {
                    "start": formats.date_format(line.year.start, "j F Y"),
                    "end": formats.date_format(line.year.end, "j F Y"),
                }
            )
        if line.is_archived:
            raise ValidationError(_("This line is archived."))
    if not member.is_active:
        raise ValidationError(_("%(name)s is no longer active.") % {"name": member.full_name})
    with transaction.atomic():
        current = LineMembership.objects.on(start).filter(member=member).first()
        if current is not None and line is not None and current.line_id == line.pk:
            return current
        if current is not None:
            _end_membership(current, start - timedelta(days=1))
        later = LineMembership.objects.filter(member=member, start__gt=start)
        if line is not None:
            # a place in a later school year's line (carried over) is that year's, and stays
            later = later.filter(start__lte=line.year.end)
        later.delete()
        if line is None:
            return None
        membership = LineMembership(member=member, line=line, start=start)
        if SchoolYear.objects.filter(school_id=line.school_id, start__gt=line.year.end).exists():
            membership.end = line.year.end  # the next year is open: this line ends with its own
        membership.full_clean()
        try:
            with transaction.atomic():
                membership.save()
        except IntegrityError:
            raise ValidationError(
                _("%(name)s is already in a line on that date.") % {"name": member.full_name}
            ) from None
    return membership


# --- School years and the cycle ----------------------------------------------------------------


def _year_end(start: date) -> date:
    """The last day of a school year starting on `start`: the day before the same date a year on."""
    try:
        return date(start.year + 1, start.month, start.day) - timedelta(days=1)
    except ValueError:  # 29 February
        return date(start.year + 1, 2, 28)


@dataclass(frozen=True)
class NextYear:
    """The school year that opening the next one makes, and the years it skips."""

    start: date
    end: date
    name: str
    # whole years between the latest year and this one that ended without the app: no row
    skipped: tuple[str, ...] = ()


def school_year_next(*, latest: SchoolYear, today: date | None = None) -> NextYear:
    """The year after `latest`: from the day after it ends, a year long. When that year has
    already ended too (the school did not use the app for a whole year), the first year after it
    that has not ended: the year holding today. A year that has ended is never opened; the
    years skipped get no row (nothing was recorded in them) and are named in `skipped`."""
    today = today or timezone.localdate()
    start = latest.end + timedelta(days=1)
    skipped = []
    while _year_end(start) < today:
        skipped.append(f"{start.year}-{start.year + 1}")
        start = _year_end(start) + timedelta(days=1)
    return NextYear(start, _year_end(start), f"{start.year}-{start.year + 1}", tuple(skipped))


def school_year_open_next(
    *,
    school: School,
    copy_line_ids: set[int] = frozenset(),
    carry_member_line_ids: set[int] = frozenset(),
    after_pk: int | None = None,
) -> SchoolYear:
    """Open the school year after the latest one; copy chosen lines and, per line, its members.

    The year opened is `school_year_next`: the one after the latest, or, when that one has
    already ended, the year holding today (the years in between are skipped, without a row).
    Copies keep name, letter, colour, goal, description and steps (as planned, without dates);
    never meetings. Members carried over are those in the old line on its year's last day and
    still active; their place in the copy starts on the new year's first day. Every membership
    of the old year's lines ends on that year's last day; the new year keeps which ones it
    ended and their end before (`opening_ended`), so `school_year_remove_ahead` can put them
    back.

    `after_pk` is the year the steering group saw as the latest (the page's form says which): when
    a later one is open by now (a second press, the back button, a colleague at the same time)
    nothing happens and the refusal has the code "already_open", so a year is never opened
    twice over.
    """
    with transaction.atomic():
        # one opening at a time per school: the second waits here, then finds the year open
        School.objects.select_for_update().filter(pk=school.pk).first()
        latest = SchoolYear.objects.filter(school=school).order_by("-start").first()
        if latest is None:
            raise ValidationError(_("This school has no school year yet."))
        if after_pk is not None and latest.pk != after_pk:
            raise ValidationError(
                _("School year %(name)s is already open.") % {"name": latest.name},
                code="already_open",
            )
        if latest.start > timezone.localdate():
            raise ValidationError(
                _("School year %(name)s is already open; it starts on %(start)s.")
                % {"name": latest.name, "start": formats.date_format(latest.start, "j F Y")}
            )
        following = school_year_next(latest=latest)
        start = following.start
        year = SchoolYear(
            school=school,
            start=start,
            end=following.end,
            name=following.name,
            cycle_started_on=start,
        )
        year.full_clean()
        year.save()
        # A line belongs to its school year: nobody stays in one of the old year's lines past
        # its last day (those not carried over are in no line of the new year).
        ended = []
        for membership in LineMembership.objects.filter(line__year=latest).filter(
            Q(end__isnull=True) | Q(end__gt=latest.end)
        ):
            before = membership.end
            _end_membership(membership, latest.end)
            if membership.pk is not None:  # ended, not deleted (one starting after the end)
                ended.append([membership.pk, before.isoformat() if before else None])
        year.opening_ended = {"ended_on": latest.end.isoformat(), "places": ended}
        year.save(update_fields=["opening_ended"])
        old_lines = LearningLine.objects.filter(year=latest, pk__in=copy_line_ids).active()
        for old in old_lines.prefetch_related("steps").order_by("letter"):
            new = LearningLine.objects.create(
                school=school,
                year=year,
                name=old.name,
                letter=old.letter,
                colour=old.colour,
                goal=old.goal,
                description=old.description,
                copied_from=old,
            )
            LineStep.objects.bulk_create(
                LineStep(line=new, position=step.position, title=step.title)
                for step in old.steps.all()
            )
            if old.pk in carry_member_line_ids:
                stayed = (
                    LineMembership.objects.on(latest.end)
                    .filter(line=old, member__is_active=True)
                    .select_related("member")
                )
                for membership in stayed:
                    membership_move(member=membership.member, line=new, start=start)
    return year


# What opening a year makes in it, and what a removal takes along: its lines' steps, its lines'
# places, and the copies' link to the line they came from. Anything else pointing at the year or
# its lines was recorded by someone and keeps the year.
_MADE_BY_OPENING = {
    (LineStep, "line"),
    (LineMembership, "line"),
    (LearningLine, "copied_from"),
    (LearningLine, "year"),
}


def _recorded(*targets) -> list[tuple[int, object]]:
    """(count, model) of each kind of row pointing at any of `targets` ((model, rows) pairs),
    except what opening a year makes; a row pointing at several (a year and one of its lines)
    counts once. Found through the models' relations, so this app names what the sessions app
    keeps (sessions, forms, exchanges, ambitions) without importing it."""
    pointing: dict[object, Q] = {}
    for model, rows in targets:
        for relation in model._meta.get_fields(include_hidden=True):
            if not (relation.auto_created and not relation.concrete and relation.related_model):
                continue
            related, field = relation.related_model, relation.field.name
            if (related, field) in _MADE_BY_OPENING:
                continue
            where = Q(**{f"{field}__in": rows})
            pointing[related] = pointing[related] | where if related in pointing else where
    found = []
    for related, where in pointing.items():
        count = related._base_manager.filter(where).distinct().count()
        if count:
            found.append((count, related))
    return found


@dataclass(frozen=True)
class YearRemoval:
    """What removing a year opened ahead takes along and puts back, or what keeps it."""

    year: SchoolYear
    lines: int  # the lines copied by the opening, with their steps
    places: int  # places in those lines (carried over or placed since)
    reopened: int  # places in the year before that the opening ended, still as it left them
    kept_ended: bool  # opened before the app kept what the opening ended: those stay ended
    refusals: tuple[str, ...]  # why it cannot be removed (empty: it can)

    @property
    def allowed(self) -> bool:
        return not self.refusals


def _to_reopen(year: SchoolYear) -> list[tuple[LineMembership, date | None]]:
    """The places the opening of `year` ended that nobody changed since, with their end before:
    a place that ended on another day by then (moved, taken out of the lines) stays as it is."""
    record = year.opening_ended or {}
    if not record.get("places"):
        return []
    ended_on = date.fromisoformat(record["ended_on"])
    before = {pk: (date.fromisoformat(end) if end else None) for pk, end in record["places"]}
    return [
        (membership, before[membership.pk])
        for membership in LineMembership.objects.filter(
            pk__in=list(before), end=ended_on, line__school_id=year.school_id
        ).order_by("pk")
    ]


def school_year_removal(*, year: SchoolYear, today: date | None = None) -> YearRemoval:
    """What `school_year_remove_ahead` would do with `year` now; see there for the rule."""
    today = today or timezone.localdate()
    refusals = []
    if year.start <= today:
        refusals.append(
            _("School year %(name)s has begun (on %(start)s): it can no longer be removed.")
            % {"name": year.name, "start": formats.date_format(year.start, "j F Y")}
        )
    later = SchoolYear.objects.filter(school_id=year.school_id, start__gt=year.start).first()
    if later is not None:
        refusals.append(
            _("School year %(name)s comes after it: remove that one first.") % {"name": later.name}
        )
    lines = LearningLine.objects.filter(year=year)
    by_hand = lines.filter(copied_from__isnull=True).count()
    held = []
    if by_hand:
        held.append(
            ngettext(
                "%(count)d learning line made by hand",
                "%(count)d learning lines made by hand",
                by_hand,
            )
            % {"count": by_hand}
        )
    found = _recorded((SchoolYear, [year.pk]), (LearningLine, lines))
    # a log entry belongs to the year its date falls in (none can be dated ahead today)
    entries = LogEntry.objects.filter(
        author__school_id=year.school_id, date__gte=year.start, date__lte=year.end
    ).count()
    if entries:
        found.append((entries, LogEntry))
    for count, model in found:
        name = model._meta.verbose_name if count == 1 else model._meta.verbose_name_plural
        held.append(f"{count} {name}")
    # once the year has begun that is the reason; what was recorded in it since says no more
    if held and year.start > today:
        refusals.append(
            _("Something was recorded in school year %(name)s: %(what)s. It stays.")
            % {"name": year.name, "what": ", ".join(held)}
        )
    return YearRemoval(
        year=year,
        lines=lines.count(),
        places=LineMembership.objects.filter(line__year=year).count(),
        reopened=len(_to_reopen(year)),
        kept_ended=year.opening_ended is None,
        refusals=tuple(refusals),
    )


def school_year_remove_ahead(*, year: SchoolYear, today: date | None = None) -> YearRemoval | None:
    """Remove a school year opened ahead by mistake; put back what its opening changed.

    Allowed while the year has not begun (its first day is after today), no later year is open,
    and nothing was recorded in it: its lines are all copies the opening made (a line made by
    hand keeps it), and nothing points at the year or its lines but their steps and places (no
    meetings, plenary sessions, reflection forms, exchanges or ambitions) and no log entry is
    dated in it. Otherwise a ValidationError says what keeps it.

    The copied lines go with their steps (also as changed since the opening) and every place in
    them (carried over or placed since). The places of the year before that the opening ended on
    that year's last day are reopened as they were (an open end is open again), but only those
    still ending on that day: one moved or ended otherwise since stays as it is. A year opened
    before the app kept this (`opening_ended` None) leaves those places ended on the last day.

    Returns None when the year is gone already (a second press): nothing happens.
    """
    with transaction.atomic():
        # one change of a school's years at a time, as `school_year_open_next`
        School.objects.select_for_update().filter(pk=year.school_id).first()
        year = SchoolYear.objects.filter(pk=year.pk, school_id=year.school_id).first()
        if year is None:
            return None
        removal = school_year_removal(year=year, today=today)
        if not removal.allowed:
            raise ValidationError(list(removal.refusals), code="kept")
        reopen = _to_reopen(year)
        LineMembership.objects.filter(line__year=year).delete()
        LearningLine.objects.filter(year=year).delete()  # their steps go with them
        year.delete()
        reopened = 0
        for membership, end in reopen:
            # never two lines at once: nobody has a later place once this year's are gone
            if not LineMembership.objects.filter(
                member_id=membership.member_id, start__gt=membership.end
            ).exists():
                membership.end = end
                membership.save(update_fields=["end"])
                reopened += 1
    return replace(removal, reopened=reopened)


def cycle_start_new(*, year: SchoolYear, on: date) -> bool:
    """Start a new cycle on `on`: line meetings from then count towards the next plenary.
    Returns whether it started: a cycle only moves forward, so a session held (or recorded)
    on an earlier date than the current cycle's start changes nothing.

    Called when a plenary session is held (the sessions app calls it; this app never imports
    that one).
    """
    if not (year.start <= on <= year.end):
        raise ValidationError(_("The date is outside the school year."))
    moved = (
        SchoolYear.objects.filter(pk=year.pk)
        .filter(Q(cycle_started_on__isnull=True) | Q(cycle_started_on__lt=on))
        .update(cycle_started_on=on)
    )
    if moved:
        year.cycle_started_on = on
    return bool(moved)
