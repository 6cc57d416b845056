"""Reads of school years and learning lines, each a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from learninglines.models import LearningLine, LineMembership, Member, School, SchoolYear


def year_list(*, school: School) -> list[SchoolYear]:
    return list(SchoolYear.objects.filter(school=school).order_by("-start"))


def year_current(*, school: School, today: date | None = None) -> SchoolYear | None:
    return SchoolYear.objects.current(school, today or timezone.localdate())


def years_now_and_ahead(
    *, school: School, today: date | None = None
) -> tuple[SchoolYear | None, SchoolYear | None]:
    """The school year holding `today` and the one opened ahead of it (in June, before its
    1 August), each None when there is none; one query."""
    today = today or timezone.localdate()
    now = ahead = None
    for year in SchoolYear.objects.filter(school=school, end__gte=today).order_by("start")[:2]:
        if year.start <= today:
            now = year
        elif ahead is None:
            ahead = year
    return now, ahead


def year_chosen(*, school: School, year_pk: str | None) -> SchoolYear | None:
    """The year asked for in `?year=` (this school's only; else a 404), or the current one."""
    if year_pk:
        if not (str(year_pk).isascii() and str(year_pk).isdigit()):  # "²" is a digit to Python
            raise Http404("No such school year")
        year = SchoolYear.objects.filter(school=school, pk=int(year_pk)).first()
        if year is None:
            raise Http404("No such school year")
        return year
    return year_current(school=school)


def reference_day(year: SchoolYear, today: date | None = None) -> date:
    """The day whose line memberships a page shows: today in the current year, else its end."""
    today = today or timezone.localdate()
    if year.start <= today <= year.end:
        return today
    return year.end if today > year.end else year.start


def line_list(*, school: School, year: SchoolYear, include_archived: bool = False):
    """The year's lines with their members on the reference day, step progress and meetings.

    Three queries however many lines and members: lines with counts, memberships with members.
    """
    day = reference_day(year)
    lines = (
        LearningLine.objects.filter(school=school, year=year)
        .select_related("school")
        .annotate(
            steps_total=Count("steps", distinct=True),
            steps_done=Count("steps", filter=Q(steps__status="done"), distinct=True),
            meetings_total=Count("meetings", distinct=True),
        )
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=LineMembership.objects.on(day)
                .select_related("member")
                .order_by("member__last_name", "member__name_prefix", "member__first_name"),
                to_attr="current_memberships",
            )
        )
        .order_by("letter")
    )
    if not include_archived:
        lines = lines.filter(archived_at__isnull=True)
    return list(lines)


def line_get(*, school: School, pk: int) -> LearningLine:
    """One line of this school (another school's line is a 404)."""
    line = (
        LearningLine.objects.filter(school=school, pk=pk)
        .select_related("year", "school")
        .prefetch_related("steps")
        .first()
    )
    if line is None:
        raise Http404("No such line")
    return line


def line_members(*, line: LearningLine, day: date) -> list[Member]:
    return [
        membership.member
        for membership in LineMembership.objects.on(day)
        .filter(line=line)
        .select_related("member__user")
        .order_by("member__last_name", "member__name_prefix", "member__first_name")
    ]


def moves_after(*, member: Member, day: date) -> list[LineMembership]:
    """The member's line places that start after `day`: moves planned ahead, which a move on
    `day` replaces (see `membership_move`). Start order, with their lines.
    """
    return list(
        LineMembership.objects.filter(member=member, start__gt=day)
        .select_related("line")
        .order_by("start")
    )


def member_current_lines(*, school: School, day: date | None = None) -> dict[int, LearningLine]:
    """{member pk: line} for every member of the school in a line of the school year holding
    `day` on `day` (in a summer before the next year is open: nobody); one query."""
    day = day or timezone.localdate()
    return {
        membership.member_id: membership.line
        for membership in LineMembership.objects.on(day)
        .filter(line__school=school, line__year__start__lte=day, line__year__end__gte=day)
        .select_related("line")
    }


def member_places_in_year(*, school: School, year: SchoolYear) -> dict[int, list[LineMembership]]:
    """{member pk: their places in the lines of `year`, in start order, each with its line}: who
    is placed where in a year opened ahead (archived lines included); one query."""
    places: dict[int, list[LineMembership]] = {}
    for membership in (
        LineMembership.objects.filter(line__school=school, line__year=year)
        .select_related("line")
        .order_by("start", "pk")
    ):
        places.setdefault(membership.member_id, []).append(membership)
    return places


@dataclass(frozen=True)
class LineProgress:
    line: LearningLine
    held: int


@dataclass(frozen=True)
class CycleProgress:
    """How far every line is in the current cycle (line meetings before the next plenary)."""

    started_on: date | None
    needed: int
    lines: list[LineProgress]

    @property
    def all_reached(self) -> bool:
        return bool(self.lines) and all(item.held >= self.needed for item in self.lines)


def cycle_progress(*, school: School, year: SchoolYear, today: date | None = None) -> CycleProgress:
    """Per active line: meetings held since the cycle began, up to and including today."""
    today = today or timezone.localdate()
    started = year.cycle_started_on or year.start
    held = Q(meetings__date__gte=started, meetings__date__lte=today)
    lines = (
        LearningLine.objects.filter(school=school, year=year, archived_at__isnull=True)
        .select_related("school")
        .annotate(held=Count("meetings", filter=held))
        .order_by("letter")
    )
    return CycleProgress(
        started_on=started,
        needed=school.line_meetings_before_plenary,
        lines=[LineProgress(line=line, held=line.held) for line in lines],
    )


def lines_for_choice(*, school: School, year: SchoolYear) -> QuerySet[LearningLine]:
    return LearningLine.objects.filter(school=school, year=year, archived_at__isnull=True).order_by(
        "letter"
    )


def lines_for_placing(*, school: School, today: date | None = None) -> QuerySet[LearningLine]:
    """The lines someone can be placed in: those of the school year holding `today` and of a
    later year opened ahead (in June), not archived; in year order, then by letter, each with its
    year (one query)."""
    today = today or timezone.localdate()
    return (
        LearningLine.objects.filter(school=school, year__end__gte=today, archived_at__isnull=True)
        .select_related("year")
        .order_by("year__start", "letter")
    )


@dataclass(frozen=True)
class TeamFacts:
    active: int
    not_signed_in: int
    in_no_line: int


def team_facts(*, school: School, day: date | None = None) -> TeamFacts:
    """Counts for the steering group's start page: two queries, whatever the team's size. "In
    no line" counts lines of the school year holding `day` only (last year's are history)."""
    day = day or timezone.localdate()
    counts = Member.objects.filter(school=school, is_active=True).aggregate(
        active=Count("pk"),
        not_signed_in=Count("pk", filter=Q(first_seen_at__isnull=True)),
    )
    in_a_line = (
        LineMembership.objects.on(day)
        .filter(
            line__school=school,
            line__year__start__lte=day,
            line__year__end__gte=day,
            member__is_active=True,
        )
        .values("member")
        .distinct()
        .count()
    )
    return TeamFacts(
        active=counts["active"],
        not_signed_in=counts["not_signed_in"],
        in_no_line=counts["active"] - in_a_line,
    )
