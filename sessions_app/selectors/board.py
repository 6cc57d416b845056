"""The scheduler view's data: every round's tables with their seats and what the numbers mean.

A fixed number of queries however large the school: the session's presence (two), the plan's
rounds, tables and seats (three), pairs kept apart (one), the change log (one) and the count of
earlier sessions (one). With someone chosen to swap or move, the tables they may move to are
found with the service's own recount (`plan_move_uneven_tables`: the session as the engine's
input, a fixed number of queries more).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from statistics import median

from learninglines.models import LearningLine
from sessions_app.grouping.bounds import forced_between_rounds
from sessions_app.models import ApartPair, PlenarySession, TablePlan
from sessions_app.selectors.day import plan_changed_members
from sessions_app.selectors.plans import (
    RoundView,
    TableView,
    came_before,
    plan_changes,
    plan_line_moves,
    plan_made_for,
    plan_rounds_view,
)
from sessions_app.selectors.sessions import ExpectedMember, Presence, session_presence
from sessions_app.services.engine_input import input_key, presence_tables
from sessions_app.services.plans import plan_move_uneven_tables

OPTIMAL, UNREACHABLE, UNKNOWN, NO_BOUND = "optimal", "unreachable", "unknown", "no_bound"
RECORDED = "recorded"  # the tables of a session held without this app, as they sat


@dataclass
class TableCard:
    view: TableView
    missing_lines: list[LearningLine]
    repeats: int
    # With someone of this round chosen: whether "Move here" is offered (the move keeps the
    # round's tables even, and this table is neither theirs nor locked).
    move_here: bool = False

    @property
    def table(self):
        return self.view.table

    @property
    def seats(self):
        return self.view.seats

    @property
    def member_ids(self) -> set[int]:
        return {seat.member_id for seat in self.view.seats}


@dataclass(frozen=True)
class LineMove:
    """Someone seated in the line they were in when the plan was made, who is in another line
    on the session's date (moved after the plan was made)."""

    name: str
    old: LearningLine
    new: LearningLine

    def __str__(self) -> str:
        return f"{self.name} ({self.old.letter} → {self.new.letter})"


@dataclass
class RoundCard:
    view: RoundView
    tables: list[TableCard]
    arrived: list[ExpectedMember] = field(default_factory=list)
    leaving: list[ExpectedMember] = field(default_factory=list)
    # Seated, but no longer in the team or in a line on the day (left after the plan was made).
    gone: list[str] = field(default_factory=list)
    # Seated in their old line, but in another line on the day (moved after the plan was made).
    moved: list[LineMove] = field(default_factory=list)
    # Tables the chosen person may not move to, as that would make the tables uneven.
    uneven: set[int] = field(default_factory=set)

    @property
    def number(self) -> int:
        return self.view.number

    @property
    def move_targets(self) -> list[TableCard]:
        return [card for card in self.tables if card.move_here]

    @property
    def needs_repair(self) -> bool:
        return bool(self.arrived or self.leaving)


@dataclass(frozen=True)
class RepeatedPair:
    first: str
    second: str
    count: int


@dataclass(frozen=True)
class ChangeLine:
    """One entry of the plan's history with the names of the people it moved."""

    change: object
    names: list[str]


@dataclass(frozen=True)
class ApartTogether:
    """A pair kept apart that sits at one table of the plan (kept apart after it was made)."""

    first: str
    second: str
    round: int
    table: int


@dataclass
class Board:
    session: PlenarySession
    plan: TablePlan | None
    presence: Presence
    rounds: list[RoundCard]
    repeated: list[RepeatedPair]
    state: str
    session_number: int
    line_size: int
    apart: list[ApartPair]
    changes: list
    can_undo: bool
    changed_since_mail: int = 0
    # (round number, member pk) chosen as the first of a swap or move, when seated there
    selected: tuple[int, int] | None = None
    # What the other allowed table count would cost, while it was counted for who is there now
    # (None once attendance, the group size or the pairs kept apart changed since).
    alternative: dict | None = None
    # There was such a count, and there still is another allowed table count, but who is there
    # changed since: the plan made again counts it anew.
    recount_alternative: bool = False

    @property
    def report(self) -> dict:
        return self.plan.report if self.plan else {}

    @property
    def stale_rounds(self) -> bool:
        """The program's number of table rounds differs from the plan's."""
        return self.plan is not None and len(self.rounds) != self.presence.rounds

    @property
    def apart_together(self) -> list[ApartTogether]:
        """Pairs kept apart who sit at one table of this plan.

        A pair added after the plan was made is kept only once the plan is made again; until
        then the plan breaks a hard rule, so every change by hand that leaves them together is
        refused. The page names them, so that refusal is not a riddle.
        """
        found = []
        for rnd in self.rounds:
            for card in rnd.tables:
                ids = card.member_ids
                found.extend(
                    ApartTogether(
                        pair.first.full_name,
                        pair.second.full_name,
                        rnd.number,
                        card.table.number,
                    )
                    for pair in self.apart
                    if pair.first_id in ids and pair.second_id in ids
                )
        return found

    @property
    def gone(self) -> list[str]:
        """Names of people seated in some round who left the team or their line since."""
        return sorted({name for rnd in self.rounds for name in rnd.gone})

    @property
    def moved(self) -> list[LineMove]:
        """People seated in some round in the line they have left for another since."""
        return sorted({move for rnd in self.rounds for move in rnd.moved}, key=str)

    @property
    def table_count(self) -> int:
        return len(self.rounds[0].tables) if self.rounds else 0

    @property
    def largest_table(self) -> int:
        return max((len(t.seats) for t in self.rounds[0].tables), default=0) if self.rounds else 0

    @property
    def crowded(self) -> bool:
        """The lower bound is what the table sizes alone force: with more people at a table than
        there are tables, people who share a table cannot all sit apart in the next round (the
        engine's round-to-round count, ``chain_bound``, for the first round's sizes)."""
        if len(self.rounds) < 2 or not self.report.get("lower_bound"):
            return False
        sizes = [len(t.seats) for t in self.rounds[0].tables]
        forced = forced_between_rounds(sizes, self.table_count)
        return forced * (len(self.rounds) - 1) >= self.report["lower_bound"]

    @property
    def present_count(self) -> int:
        """People at the tables of round 1."""
        return len(self.presence.present(1)) if self.presence.rounds else 0

    @property
    def taking_part_count(self) -> int:
        """People at the tables of at least one round (late arrivals and early leavers too)."""
        rounds = range(1, self.presence.rounds + 1)
        return sum(1 for item in self.presence.expected if any(item.present_in(n) for n in rounds))

    @property
    def planned_missing(self) -> int:
        """Missing line slots as the engine last left the plan (never below the least)."""
        least = self.report.get("min_missing_line_slots", 0)
        return max(least, self.report.get("planned_missing_line_slots", least))

    @property
    def extra_missing(self) -> int:
        """Missing line slots above what the engine left: added by changes by hand."""
        return self.report.get("missing_line_slots", 0) - self.planned_missing

    @property
    def planned_extra_missing(self) -> int:
        """Missing line slots the engine needed above the least the numbers allow: for pairs
        kept apart, or in a round repaired for people arriving late or leaving early."""
        return self.planned_missing - self.report.get("min_missing_line_slots", 0)


def _state(report: dict) -> str:
    if report.get("recorded"):
        return RECORDED
    if report.get("lower_bound") is None:
        return NO_BOUND
    if report.get("proven_optimal"):
        return OPTIMAL
    if not report.get("lower_bound_tight", True):
        return UNREACHABLE
    return UNKNOWN


def _table_pairs(member_ids: list[int]) -> list[tuple[int, int]]:
    """Every pair at one table, smaller pk first (`member_ids` sorted)."""
    return [(a, b) for x, a in enumerate(member_ids) for b in member_ids[x + 1 :]]


def _pairs_met_in_history(report: dict, rounds: list[RoundView]) -> set[tuple[int, int]]:
    """The pairs of the plan that met in an earlier session, read from the report.

    The report counts a pair meeting m times in the plan as m repeats when they met before the
    session and as m - 1 when they did not, so a count equal to m means history.
    """
    in_plan: dict[tuple[int, int], int] = {}
    for rnd in rounds:
        for table in rnd.tables:
            for pair in _table_pairs(sorted(seat.member_id for seat in table.seats)):
                in_plan[pair] = in_plan.get(pair, 0) + 1
    return {
        (min(a, b), max(a, b))
        for a, b, count in report.get("repeated_pairs", [])
        if count >= in_plan.get((min(a, b), max(a, b)), 0) > 0
    }


def _offer_moves(plan: TablePlan, rounds: list[RoundView], card: RoundCard, member: int) -> None:
    """Mark the tables of `card` the chosen `member` may move to: not their own, not locked, and
    kept even by the move (the same recount `plan_move` refuses with)."""
    source = next(t for t in card.tables if member in t.member_ids)
    if source.table.locked:
        return  # a locked table's people stay where they are
    card.uneven = plan_move_uneven_tables(
        plan=plan, rounds=rounds, round_number=card.number, member=member
    )
    for table in card.tables:
        table.move_here = not (
            table is source or table.table.locked or table.table.number in card.uneven
        )


def plan_board(
    *,
    session: PlenarySession,
    plan: TablePlan | None,
    selected: tuple[int | None, int | None] | None = None,
) -> Board:
    """Everything the scheduler view shows about `session` and its plan.

    `selected` is (round number, member pk) of someone chosen to swap or move: when they are
    seated in that round, the board says which tables of it they may move to."""
    presence = session_presence(session=session)
    names = {item.member.pk: item.member.full_name for item in presence.expected}
    rounds = plan_rounds_view(plan=plan) if plan else []
    for rnd in rounds:
        for table in rnd.tables:
            for seat in table.seats:
                names.setdefault(seat.member_id, seat.member.full_name)
    report = plan.report if plan else {}
    met_earlier = _pairs_met_in_history(report, rounds)
    by_pk = {item.member.pk: item for item in presence.expected}
    # A held session's seats are the record of that day: a later change of line is no change.
    follows_lines = session.status not in (
        PlenarySession.Status.HELD,
        PlenarySession.Status.CLOSED,
    )
    line_of = {pk: item.line.pk for pk, item in by_pk.items()} if follows_lines else {}
    cards = []
    # a pair "met before" at a table when they met in an earlier session or an earlier round:
    # their first meeting in this plan's first round is no repeat
    met_before = set(met_earlier)
    for rnd in rounds:
        present = [i for i in presence.expected if i.present_in(rnd.number)]
        lines_here = {i.line.pk: i.line for i in present}
        tables = []
        for table in rnd.tables:
            at_table = sorted(seat.member_id for seat in table.seats)
            repeats = sum(1 for pair in _table_pairs(at_table) if pair in met_before)
            missing = [line for pk, line in lines_here.items() if pk not in table.line_ids]
            tables.append(TableCard(table, sorted(missing, key=lambda x: x.letter), repeats))
        for table in rnd.tables:
            met_before.update(_table_pairs(sorted(seat.member_id for seat in table.seats)))
        seated = rnd.seated
        old_line = {seat.member_id: seat.line for table in rnd.tables for seat in table.seats}
        moved = plan_line_moves([rnd], line_of)
        cards.append(
            RoundCard(
                rnd,
                tables,
                # a held session's seats are who sat there that day: whoever left the team
                # since, or was placed in a line from an earlier date since, changes nothing
                arrived=[i for i in present if i.member.pk not in seated] if follows_lines else [],
                leaving=[
                    by_pk[m]
                    for m in sorted(seated)
                    if m in by_pk and not by_pk[m].present_in(rnd.number)
                ]
                if follows_lines
                else [],
                gone=sorted(names[m] for m in seated if m not in by_pk) if follows_lines else [],
                moved=sorted(
                    (LineMove(names[m], old_line[m], by_pk[m].line) for m in moved), key=str
                ),
            )
        )
    chosen = None
    if plan and selected:
        number, member = selected
        card = next((c for c in cards if c.number == number and member in c.view.seated), None)
        if card is not None:
            chosen = (number, member)
            _offer_moves(plan, rounds, card, member)
    repeated = sorted(
        (
            RepeatedPair(names.get(a, str(a)), names.get(b, str(b)), count)
            for a, b, count in report.get("repeated_pairs", [])
        ),
        key=lambda p: (-p.count, p.first, p.second),
    )
    sizes = [len([i for i in presence.expected if i.line.pk == line.pk]) for line in presence.lines]
    earlier = (
        PlenarySession.objects.counted_as_history()
        .filter(school=session.school, year=session.year)
        .exclude(pk=session.pk)
        .filter(came_before(session))
        .count()
    )
    apart = list(
        ApartPair.objects.filter(school=session.school)
        .select_related("first", "second")
        .order_by("first__last_name", "first__first_name", "pk")
    )
    changes = plan_changes(plan=plan) if plan else []
    alternative = (plan.alternative or None) if plan else None
    recount = False
    counted_for = plan_made_for(changes)
    if alternative and counted_for:
        now = input_key(presence, session.group_size, [(p.first_id, p.second_id) for p in apart])
        if counted_for != now:
            # counted for other people: making the plan again counts it anew, if there still
            # is another count
            alternative = None
            recount = len(presence_tables(presence, session.group_size)) > 1
    lines = [
        ChangeLine(c, [names.get(m, str(m)) for m in c.details.get("members", [])]) for c in changes
    ]
    return Board(
        session=session,
        plan=plan,
        presence=presence,
        rounds=cards,
        repeated=repeated,
        state=_state(report),
        session_number=earlier + 1,
        line_size=round(median(sizes)) if sizes else 0,
        apart=apart,
        alternative=alternative,
        recount_alternative=recount,
        changes=lines,
        changed_since_mail=len(plan_changed_members(plan=plan)) if plan else 0,
        selected=chosen,
        can_undo=any(
            c.before is not None and c.undone_at is None and c.kind != "undo" for c in changes
        ),
    )
