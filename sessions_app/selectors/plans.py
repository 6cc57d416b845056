"""Reads of table plans: the rounds as stored, the history given to the engine, the change log.

History (the encounters a plan avoids repeating, and counts as "met before") is every round of
this school's held or closed sessions of the same school year that came before the session (an
earlier date, or the same date and an earlier start), as actually seated, oldest first. A session
held later never counts, so a session recorded afterwards with an earlier date (an earlier
session from a file) is not said to repeat encounters that happened only after it. Drafts and
published sessions that have not been held never count, nor another school's rounds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q

from sessions_app.models import PlanChange, PlanRound, PlanTable, PlenarySession, Seat, TablePlan
from sessions_app.selectors.exchanges import held_exchange_groups


def came_before(session: PlenarySession, *, prefix: str = "") -> Q:
    """Sessions that came before `session`: an earlier date, or the same date and an earlier
    start (`prefix` leads from the queried model to the session, e.g. "round__plan__session__")."""
    return Q(**{f"{prefix}date__lt": session.date}) | Q(
        **{f"{prefix}date": session.date, f"{prefix}start_time__lt": session.start_time}
    )


def plan_history(*, session: PlenarySession) -> list[list[list[int]]]:
    """Earlier rounds of the school year as lists of tables of member pks, oldest first.

    The rounds of held and closed sessions before this one (`came_before`) as seated, and each small
    exchange held before the session's day as a round of its own with one group, in order of
    their dates. Two queries, whatever the number of sessions and exchanges.
    """
    seats = (
        Seat.objects.filter(
            came_before(session, prefix="round__plan__session__"),
            round__plan__session__school_id=session.school_id,
            round__plan__session__year_id=session.year_id,
            round__plan__session__status__in=(
                PlenarySession.Status.HELD,
                PlenarySession.Status.CLOSED,
            ),
        )
        .exclude(round__plan__session_id=session.pk)
        .order_by(
            "round__plan__session__date",
            "round__plan__session__start_time",
            "round__plan__session_id",
            "round__number",
            "table__number",
            "member_id",
        )
        .values_list("round__plan__session__date", "round_id", "table_id", "member_id")
    )
    dated: list[tuple[date, int, list[list[int]]]] = []
    last_round = last_table = None
    for day, round_id, table_id, member_id in seats:
        if round_id != last_round:
            dated.append((day, 0, []))
            last_round, last_table = round_id, None
        if table_id != last_table:
            dated[-1][2].append([])
            last_table = table_id
        dated[-1][2][-1].append(member_id)
    exchanges = held_exchange_groups(
        school_id=session.school_id, year_id=session.year_id, until=session.date
    )
    # Sorted by day only (stable): on one day, a session's rounds come before an exchange.
    dated.extend((day, 1, [group]) for day, group in exchanges)
    dated.sort(key=lambda item: (item[0], item[1]))
    return [rnd for _day, _order, rnd in dated]


def plan_get(*, session: PlenarySession) -> TablePlan | None:
    return TablePlan.objects.filter(session=session).first()


@dataclass
class TableView:
    table: PlanTable
    seats: list[Seat] = field(default_factory=list)

    @property
    def line_ids(self) -> set[int]:
        return {seat.line_id for seat in self.seats}


@dataclass
class RoundView:
    round: PlanRound
    tables: list[TableView] = field(default_factory=list)

    @property
    def number(self) -> int:
        return self.round.number

    @property
    def seated(self) -> set[int]:
        return {seat.member_id for table in self.tables for seat in table.seats}


def plan_rounds_view(*, plan: TablePlan) -> list[RoundView]:
    """Rounds -> tables -> seats with member and line: three queries, whatever the size."""
    rounds = {r.pk: RoundView(r) for r in PlanRound.objects.filter(plan=plan).order_by("number")}
    tables: dict[int, TableView] = {}
    for table in PlanTable.objects.filter(round__plan=plan).order_by("round__number", "number"):
        view = TableView(table)
        tables[table.pk] = view
        rounds[table.round_id].tables.append(view)
    seats = (
        Seat.objects.filter(round__plan=plan)
        .select_related("member", "line")
        .order_by("line__letter", "member__last_name", "member__first_name", "pk")
    )
    for seat in seats:
        tables[seat.table_id].seats.append(seat)
    return list(rounds.values())


def plan_as_ids(rounds: list[RoundView]) -> list[list[list[int]]]:
    """The stored rounds as plain data for the engine: tables of member pks."""
    return [[[seat.member_id for seat in table.seats] for table in rnd.tables] for rnd in rounds]


def plan_line_moves(rounds: list[RoundView], line_of: dict[int, int]) -> dict[int, int]:
    """Seated members whose seat holds another line than `line_of` gives them (member pk: line
    pk on the session's date): {member pk: the line their seat holds}. A seat records the
    member's line when the plan is made, so these moved to another line after that."""
    return {
        seat.member_id: seat.line_id
        for rnd in rounds
        for table in rnd.tables
        for seat in table.seats
        if seat.member_id in line_of and seat.line_id != line_of[seat.member_id]
    }


def plan_changes(*, plan: TablePlan, limit: int = 20) -> list[PlanChange]:
    return list(
        PlanChange.objects.filter(plan=plan).select_related("by").order_by("-version")[:limit]
    )


def plan_made_for(changes: list[PlanChange]) -> str | None:
    """The fingerprint of the engine's input (`EngineInput.key`) that the plan's latest making
    not undone was for, and so its other table count (`TablePlan.alternative`); None when not
    known (made before it was recorded, or older than `changes`). `changes`: `plan_changes`,
    the newest first."""
    made = next(
        (c for c in changes if c.kind == PlanChange.Kind.GENERATE and c.undone_at is None), None
    )
    return made.details.get("input") if made else None
