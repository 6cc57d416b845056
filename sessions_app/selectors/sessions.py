"""Reads of plenary sessions: the list, one session, its program and who is expected.

"Expected" means: an active member in an active line of the session's school year on the
session's date (`LineMembership.objects.on(date)`). Coaches are never members, so never expected;
staff without a line are not seated.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from learninglines.models import LearningLine, LineMembership, Member, School, SchoolYear
from sessions_app.models import (
    Assignment,
    PlenarySession,
    ProgramTemplate,
    Seat,
    SessionAttendance,
    TablePlan,
)


def session_queryset(*, school: School) -> QuerySet[PlenarySession]:
    return PlenarySession.objects.filter(school=school).select_related("school", "year")


def session_get(*, school: School, pk: int) -> PlenarySession:
    """One session of this school (another school's session is a 404)."""
    session = session_queryset(school=school).filter(pk=pk).first()
    if session is None:
        raise Http404("No such session")
    return session


def is_editable(session: PlenarySession) -> bool:
    """Sessions that have been held, and those of an ended school year, are history: the
    pages offer no change and the services refuse one (`sessions_app.services.program`)."""
    return (
        session.status
        not in (
            PlenarySession.Status.HELD,
            PlenarySession.Status.CLOSED,
        )
        and session.year.end >= timezone.localdate()
    )


def has_own_program(*, school: School) -> bool:
    """Whether the school saved its own program, which a new session starts with."""
    return ProgramTemplate.objects.filter(school=school).exclude(items=[]).exists()


def session_year_open(*, school: School, today: date | None = None) -> bool:
    """Whether a new session has a school year to go in: one that has not ended, as
    `session_create` requires. Without one, the new session's page says so instead of
    offering a form that can only be refused."""
    today = today or timezone.localdate()
    return SchoolYear.objects.filter(school=school, end__gte=today).exists()


def session_list(*, school: School, year: SchoolYear) -> list[PlenarySession]:
    """The year's sessions, by date, with their plan and program: three queries."""
    return list(
        session_queryset(school=school)
        .filter(year=year)
        .prefetch_related(
            Prefetch("assignments", queryset=Assignment.objects.order_by("position", "pk")),
            Prefetch("plan", queryset=TablePlan.objects.all()),
        )
        .order_by("date", "start_time", "pk")
    )


def session_title_suggested(*, school: School, today: date | None = None) -> str:
    """The title a new session's form starts with: numbered after this school year's sessions
    ("Plenary session 3" when two exist), so the list tells them apart."""
    year = SchoolYear.objects.current(school, today or timezone.localdate())
    count = PlenarySession.objects.filter(school=school, year=year).count() if year else 0
    return _("Plenary session %(number)s") % {"number": count + 1}


def session_title_says_plenary(title: str) -> bool:
    """Whether a session's title already says it is a plenary session, as the suggested title
    does ("Plenary session 2", in any language of the site, whatever the page's language).
    A line that introduces the session then says so once ("Plenary session 2, Friday …"),
    not twice ("Plenary session “Plenary session 2”, Friday …")."""
    said = title.strip().casefold()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            # the suggested title's words before its number
            label = _("Plenary session %(number)s").split("%(number)s")[0].strip().casefold()
        if label and said.startswith(label):
            return True
    return False


def session_next(*, school: School, today=None) -> PlenarySession | None:
    """The first session from today on that has not been held yet."""
    today = today or timezone.localdate()
    return (
        session_queryset(school=school)
        .filter(date__gte=today)
        .exclude(status__in=(PlenarySession.Status.HELD, PlenarySession.Status.CLOSED))
        .order_by("date", "start_time", "pk")
        .first()
    )


@dataclass(frozen=True)
class ProgramItem:
    assignment: Assignment
    starts: time
    ends: time


@dataclass(frozen=True)
class Program:
    """The program with clock times, its number of table rounds and how far it runs over."""

    items: list[ProgramItem]
    rounds: int
    total_minutes: int
    available_minutes: int

    @property
    def over_minutes(self) -> int:
        return max(0, self.total_minutes - self.available_minutes)


def program_rounds(assignments) -> int:
    """The session's number of rounds: the distinct table rounds of its program."""
    return len({a.table_round for a in assignments if a.table_round is not None})


def session_program(*, session: PlenarySession, assignments=None) -> Program:
    """The program in order with each assignment's start and end on the clock."""
    if assignments is None:
        assignments = list(session.assignments.order_by("position", "pk"))
    clock = datetime.combine(session.date, session.start_time)
    items = []
    for assignment in assignments:
        end = clock + timedelta(minutes=assignment.duration_minutes)
        items.append(ProgramItem(assignment, clock.time(), end.time()))
        clock = end
    return Program(
        items=items,
        rounds=program_rounds(assignments),
        total_minutes=sum(a.duration_minutes for a in assignments),
        available_minutes=session.duration_minutes,
    )


@dataclass(frozen=True)
class ExpectedMember:
    member: Member
    line: LearningLine
    attendance: SessionAttendance | None

    def present_in(self, number: int) -> bool:
        return self.attendance is None or self.attendance.present_in(number)

    @property
    def absent(self) -> bool:
        return self.attendance is not None and self.attendance.absent


@dataclass(frozen=True)
class Presence:
    """Who is expected at a session, by line, and who sits in which round."""

    rounds: int
    expected: list[ExpectedMember]
    lines: list[LearningLine] = field(default_factory=list)
    # With nobody expected: the first day after the session's date on which someone is in a
    # line of its year (people placed after the session was planned), else None.
    placed_from: date | None = None

    def present(self, number: int) -> list[ExpectedMember]:
        return [item for item in self.expected if item.present_in(number)]

    @property
    def absent(self) -> list[ExpectedMember]:
        return [item for item in self.expected if item.absent]

    @property
    def partly(self) -> list[ExpectedMember]:
        return [
            item
            for item in self.expected
            if item.attendance is not None
            and not item.absent
            and (item.attendance.first_round or item.attendance.last_round)
        ]

    @property
    def line_of(self) -> dict[int, LearningLine]:
        return {item.member.pk: item.line for item in self.expected}


def session_presence(*, session: PlenarySession, rounds: int | None = None) -> Presence:
    """Everyone expected at `session` with their attendance: two queries (three with rounds).

    Sorted by line letter, then as in a register (last name, prefix, first name).
    """
    if rounds is None:
        rounds = program_rounds(session.assignments.all())
    memberships = (
        LineMembership.objects.on(session.date)
        .filter(
            line__school=session.school,
            line__year=session.year,
            line__archived_at__isnull=True,
            member__is_active=True,
        )
        .select_related("member", "line", "line__school")
        .order_by("line__letter", "member__last_name", "member__name_prefix", "member__first_name")
    )
    attendance = {row.member_id: row for row in SessionAttendance.objects.filter(session=session)}
    expected = [ExpectedMember(m.member, m.line, attendance.get(m.member_id)) for m in memberships]
    lines: dict[int, LearningLine] = {}
    for item in expected:
        lines.setdefault(item.line.pk, item.line)
    placed_from = None
    if not expected:
        placed_from = (
            LineMembership.objects.filter(
                line__school=session.school,
                line__year=session.year,
                line__archived_at__isnull=True,
                member__is_active=True,
                start__gt=session.date,
            )
            .order_by("start")
            .values_list("start", flat=True)
            .first()
        )
    return Presence(
        rounds=rounds, expected=expected, lines=list(lines.values()), placed_from=placed_from
    )


def rounds_off_presence(*, session: PlenarySession, presence: Presence) -> list[int]:
    """The rounds whose seats differ from who is there (one query).

    Saving repairs the plan at once, except where it cannot (a locked table holding someone who
    left): then the plan page offers "re-plan this round", and the attendance page names these
    rounds, so whoever saved at the door is told, not only when they open the plan.
    """
    seated: dict[int, set[int]] = {}
    for number, member_id in Seat.objects.filter(round__plan__session=session).values_list(
        "round__number", "member_id"
    ):
        seated.setdefault(number, set()).add(member_id)
    return [
        number
        for number in range(1, presence.rounds + 1)
        if number in seated
        and seated[number] != {item.member.pk for item in presence.present(number)}
    ]
