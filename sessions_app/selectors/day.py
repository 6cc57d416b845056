"""Reads for the day itself: the clock's state, a teacher's tables, the current round.

The remaining time is always computed here from the server's clock (`SessionClock`), never
taken from a browser; pages only count down from what the server said.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Count, OuterRef, Subquery
from django.utils import timezone

from learninglines.models import LineMembership, Member
from sessions_app.models import (
    Assignment,
    PlanRound,
    PlenarySession,
    Seat,
    SessionAttendance,
    SessionClock,
    TablePlan,
)
from sessions_app.selectors.plans import RoundView, plan_rounds_view


@dataclass(frozen=True)
class ClockState:
    """The current assignment, the time left (seconds) and what comes next."""

    assignments: list[Assignment]
    position: int
    running: bool
    remaining: int
    ends_at: datetime | None
    started: bool  # the session's clock has run at all
    now: datetime
    paused: bool = False  # the current assignment stopped part-way (not: waiting at full time)

    @property
    def current(self) -> Assignment | None:
        if not self.assignments:
            return None
        return self.assignments[min(self.position, len(self.assignments)) - 1]

    @property
    def following(self) -> Assignment | None:
        index = min(self.position, len(self.assignments))
        return self.assignments[index] if index < len(self.assignments) else None

    @property
    def is_first(self) -> bool:
        return self.position <= 1

    @property
    def is_last(self) -> bool:
        return self.position >= len(self.assignments)

    @property
    def time_up(self) -> bool:
        return self.current is not None and self.remaining == 0

    @property
    def minutes(self) -> int:
        return self.remaining // 60

    @property
    def seconds(self) -> int:
        return self.remaining % 60

    @property
    def table_round(self) -> int | None:
        """The table round people sit in now; for a whole-group part, the next table round."""
        current = self.current
        if current is None:
            return None
        if current.table_round:
            return current.table_round
        later = [a.table_round for a in self.assignments[self.position :] if a.table_round]
        return later[0] if later else None

    @property
    def rounds_from(self) -> int:
        """The first table round a teacher's phone still lists while the session runs.

        The current or next table round; past the last one (the closing reflection with the
        whole group) one more than the last, so no past round is listed any more.
        """
        if self.table_round is not None:
            return self.table_round
        done = [a.table_round for a in self.assignments[: self.position] if a.table_round]
        return max(done) + 1 if done else 1

    def assignments_of(self, number: int) -> list[Assignment]:
        return [a for a in self.assignments if a.table_round == number]


def clock_remaining(clock: SessionClock | None, assignment: Assignment | None, now) -> int:
    """Seconds left of the current assignment, from the server's clock alone."""
    if assignment is None:
        return 0
    full = assignment.duration_minutes * 60
    if clock is None:
        return full
    if clock.running and clock.ends_at is not None:
        return max(0, int((clock.ends_at - now).total_seconds() + 0.999))
    if clock.paused_remaining is not None:
        return min(clock.paused_remaining, full)
    return full


# A session's day runs on into the night after it: an evening session that overruns midnight
# stays live on teachers' phones until this hour of the next morning.
NIGHT_HOURS = 4


def session_today(now: datetime | None = None) -> date:
    """The day a running session counts as today: the local date, except that the first
    `NIGHT_HOURS` after midnight still belong to the day before."""
    return (timezone.localtime(now or timezone.now()) - timedelta(hours=NIGHT_HOURS)).date()


def session_on_its_day(day: date, now: datetime | None = None) -> bool:
    """Whether a session dated `day` is on its day now: on that date (from midnight), and in
    the first `NIGHT_HOURS` after it, for an evening session that overruns midnight. So
    between 00:00 and 04:00 both yesterday's session and today's are."""
    local = timezone.localtime(now or timezone.now())
    return day in (local.date(), session_today(local))


def clock_state(
    *, session: PlenarySession, now: datetime | None = None, follow: bool = True
) -> ClockState:
    """The session's clock as everyone should see it now: two queries.

    Without `follow` the stored clock is left out: the program as it will start (a teachers'
    page before the session's day, while the steering group tries out the projector).
    """
    now = now or timezone.now()
    assignments = list(session.assignments.order_by("position", "pk"))
    clock = SessionClock.objects.filter(session=session).first() if follow else None
    position = max(1, min(clock.position if clock else 1, len(assignments) or 1))
    current = assignments[position - 1] if assignments else None
    return ClockState(
        assignments=assignments,
        position=position,
        running=bool(clock and clock.running),
        remaining=clock_remaining(clock, current, now),
        ends_at=clock.ends_at if clock and clock.running else None,
        started=bool(clock and clock.started_at),
        now=now,
        paused=bool(clock and not clock.running and clock.paused_remaining is not None),
    )


@dataclass
class MyTable:
    number: int
    table: int
    colleagues: list[Seat] = field(default_factory=list)


@dataclass
class MyDay:
    """What one teacher sees of a session: their table in each round, and their presence."""

    session: PlenarySession
    member: Member
    published: bool
    tables: dict[int, MyTable]
    attendance: SessionAttendance | None
    rounds: int
    planned_rounds: int = 0  # rounds the table plan holds (the program may hold more)
    # in an active line of the session's year on its date, so expected at the tables; read only
    # for who is seated nowhere (a steering member in no line is not "not in the plan yet")
    in_line: bool = True

    @property
    def absent(self) -> bool:
        return self.attendance is not None and self.attendance.absent

    @property
    def unplanned(self) -> bool:
        """Published with rounds to sit in, not absent, and seated in none of them: not in the
        table plan (yet), as who joined the team or a line after it was made. Not "not there"
        (that is who is seated in other rounds only)."""
        return self.published and self.rounds > 0 and not self.absent and not self.tables

    def table_in(self, number: int | None) -> MyTable | None:
        return self.tables.get(number) if number else None

    @property
    def rounds_list(self) -> list[tuple[int, MyTable | None, bool]]:
        """(round, my table or None, whether the plan holds the round): a table round added to
        the program after the plan was made has no seats yet, which is not "not there"."""
        return [
            (n, self.tables.get(n), n <= self.planned_rounds or not self.tables)
            for n in range(1, self.rounds + 1)
        ]


def my_day(*, session: PlenarySession, member: Member, rounds: int) -> MyDay:
    """A member's own tables at a published session (none before publishing): three queries,
    a fourth for who is seated nowhere (whether they are in a line on the session's date)."""
    published = session.status != PlenarySession.Status.DRAFT
    tables: dict[int, MyTable] = {}
    planned_rounds = 0
    attendance = SessionAttendance.objects.filter(session=session, member=member).first()
    if published:
        seats = (
            Seat.objects.filter(round__plan__session=session, table__seats__member=member)
            .annotate(
                plan_rounds=Subquery(
                    PlanRound.objects.filter(plan=OuterRef("round__plan"))
                    .values("plan")
                    .annotate(count=Count("pk"))
                    .values("count")
                )
            )
            .select_related("member", "line", "table", "round")
            .order_by("round__number", "line__letter", "member__last_name", "member__first_name")
        )
        for seat in seats:
            planned_rounds = seat.plan_rounds
            mine = tables.setdefault(
                seat.round.number, MyTable(seat.round.number, seat.table.number)
            )
            if seat.member_id != member.pk:
                mine.colleagues.append(seat)
    seated_nowhere = published and rounds > 0 and not tables
    absent = attendance is not None and attendance.absent
    in_line = (
        not seated_nowhere
        or absent
        or (
            LineMembership.objects.on(session.date)
            .filter(
                member=member,
                line__school=session.school,
                line__year=session.year,
                line__archived_at__isnull=True,
            )
            .exists()
        )
    )
    return MyDay(
        session=session,
        member=member,
        published=published,
        tables=tables,
        attendance=attendance,
        rounds=rounds,
        planned_rounds=planned_rounds,
        in_line=in_line,
    )


def round_view(*, plan: TablePlan | None, number: int | None) -> RoundView | None:
    """One round of the plan with its tables and seats (three queries), or None."""
    if plan is None or not number:
        return None
    return next((r for r in plan_rounds_view(plan=plan) if r.number == number), None)


def seating_by_member(*, plan: TablePlan) -> dict[int, list[int | None]]:
    """{member pk: [table number in round 1, round 2, ...] (None: not seated)}; one query."""
    rounds = plan.rounds.count()
    out: dict[int, list[int | None]] = {}
    for member_id, number, table in Seat.objects.filter(round__plan=plan).values_list(
        "member_id", "round__number", "table__number"
    ):
        out.setdefault(member_id, [None] * rounds)[number - 1] = table
    return out


def plan_changed_members(*, plan: TablePlan) -> list[int]:
    """Members whose table in some round differs from what they were last told."""
    if plan.announced is None:
        return []
    now = {str(pk): tables for pk, tables in seating_by_member(plan=plan).items()}
    told = plan.announced
    return sorted(int(pk) for pk in set(now) | set(told) if now.get(pk) != told.get(pk))
