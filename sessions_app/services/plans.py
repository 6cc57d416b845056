"""Table plans: make them with the grouping engine, change them by hand, undo, repair a round.

Rules kept here (the method's grouping rules, in order):
1. hard: every present member exactly once per round, absent members nowhere, table sizes
   within the limits and differing by at most one, pairs kept apart never together, locked
   tables kept. A change that would break one is refused with the reason.
2. every line at every table wherever the numbers allow;
3. as few repeated encounters as possible (history: the school year's held and closed rounds
   before the session, `plan_history`);
4. repeats spread over as many people as possible.
Manual changes may break only the soft rules 2 to 4: they are made, and the page warns with the
numbers.

No lost updates: every change is a conditional update of the plan's `version` (one statement,
so it holds on SQLite and PostgreSQL); a change or undo made on an older version is refused
with `StalePlan`. Every change is recorded with the plan as it was before, so undo restores it
exactly. A seat stores the member's line on the session's date: someone moved to another line
(from a date on or before the session's) after the plan was made is re-seated in it like a
leaver (`plan_release_leavers`), and holding the session records the line of that date.
A locked table keeps its number when the plan is made again.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from functools import partial
from itertools import combinations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from sessions_app.grouping import (
    GroupingError,
    plan_rounds,
    repair_round,
)
from sessions_app.models import (
    PlanChange,
    PlanRound,
    PlanTable,
    PlenarySession,
    Seat,
    TablePlan,
)
from sessions_app.selectors.plans import (
    RoundView,
    plan_as_ids,
    plan_changes,
    plan_history,
    plan_line_moves,
    plan_made_for,
    plan_rounds_view,
)
from sessions_app.selectors.sessions import session_presence
from sessions_app.services.engine_input import (
    EngineInput,
    allowed_tables,
    engine_input,
    locked_flags,
    locked_tables,
    max_size,
    plan_evaluate,
    refuse,
    report_data,
)

logger = logging.getLogger(__name__)

MIN_SIZE = 3


class StalePlan(ValidationError):
    """The plan changed since the page was loaded (someone else, or another tab)."""

    def __init__(self):
        super().__init__(
            _(
                "Someone else changed the table plan in the meantime. Here is the plan as it is "
                "now; make your change again if it is still needed."
            )
        )


# --- snapshots: the plan as plain data, to record before a change and to restore on undo ---


def _snapshot(plan: TablePlan) -> dict:
    rounds = plan_rounds_view(plan=plan)
    return {
        "rounds": [
            [
                {"locked": t.table.locked, "seats": [[s.member_id, s.line_id] for s in t.seats]}
                for t in rnd.tables
            ]
            for rnd in rounds
        ],
        "report": plan.report,
        "alternative": plan.alternative,
        "tables": plan.tables,
        "seed": plan.seed,
    }


def _store(plan: TablePlan, rounds: list[list[dict]]) -> None:
    """Replace the plan's rounds: [[{"locked": bool, "seats": [[member, line], ...]}, ...]]."""
    PlanRound.objects.filter(plan=plan).delete()
    stored_rounds = PlanRound.objects.bulk_create(
        PlanRound(plan=plan, number=number) for number in range(1, len(rounds) + 1)
    )
    tables = PlanTable.objects.bulk_create(
        PlanTable(round=stored, number=number, locked=table["locked"])
        for stored, rnd in zip(stored_rounds, rounds, strict=True)
        for number, table in enumerate(rnd, start=1)
    )
    seats = []
    index = 0
    for stored, rnd in zip(stored_rounds, rounds, strict=True):
        for table in rnd:
            for member_id, line_id in table["seats"]:
                seats.append(
                    Seat(table=tables[index], round=stored, member_id=member_id, line_id=line_id)
                )
            index += 1
    Seat.objects.bulk_create(seats)


def _restore(plan: TablePlan, snapshot: dict) -> None:
    _store(plan, snapshot["rounds"])
    plan.report = snapshot["report"]
    plan.alternative = snapshot["alternative"]
    plan.tables = snapshot["tables"]
    plan.seed = snapshot["seed"]
    plan.save(update_fields=["report", "alternative", "tables", "seed", "updated_at"])


def _as_stored(data: EngineInput, rounds_ids, flags, seat_lines=None) -> list[list[dict]]:
    """The rounds as `_store` takes them, each seat with its member's line on the session's
    date; with `seat_lines` (per round, {member pk: line pk}) the line a seat holds now is kept
    for whoever is in it: a change that moves nobody (unlocking) keeps every seat as it is,
    also of someone who moved line or left the team since the plan was made."""
    line_of = {m: line for line, members in data.lines.items() for m in members}
    return [
        [
            {
                "locked": bool(flags[r][t]) if r < len(flags) else False,
                "seats": [
                    [m, seat_lines[r][m] if seat_lines and m in seat_lines[r] else line_of[m]]
                    for m in table
                ],
            }
            for t, table in enumerate(rnd)
        ]
        for r, rnd in enumerate(rounds_ids)
    ]


def _claim(plan: TablePlan, version: int) -> None:
    """The conditional update that serialises changes: refused unless `version` is current."""
    claimed = TablePlan.objects.filter(pk=plan.pk, version=version).update(
        version=F("version") + 1, updated_at=timezone.now()
    )
    if claimed != 1:
        raise StalePlan()
    plan.version = version + 1
    plan.updated_at = timezone.now()


@contextmanager
def _claimed(plan: TablePlan, version: int):
    """A transaction that claims `version` (`_claim`). When the change is refused inside it,
    the database rolls back and `plan` gets its stored version back, so the caller can go on
    with the same instance."""
    kept = plan.version, plan.updated_at
    try:
        with transaction.atomic():
            _claim(plan, version)
            yield
    except BaseException:
        plan.version, plan.updated_at = kept
        raise


def _record(plan, *, kind, before, by, details=None) -> PlanChange:
    return PlanChange.objects.create(
        plan=plan, version=plan.version, kind=kind, details=details or {}, before=before, by=by
    )


# --- making the plan ---


def _run_engine(data: EngineInput, *, locked, seed: int, tables: int | None):
    return plan_rounds(
        data.lines,
        data.rounds,
        history=data.history,
        absent=data.absent,
        apart=data.apart,
        locked=locked or None,
        group_size=data.group_size,
        max_size=max_size(data),
        tables=tables,
        seed=seed,
        time_limit=settings.GROUPING_TIME_LIMIT,
    )


def _given_up_by_hand(report: dict) -> int:
    """The line slots a plan's changes by hand gave up: what it misses beyond what the engine's
    own plan and repairs needed (`PLANNED_MISSING`, else the minimum)."""
    least = report.get("min_missing_line_slots", 0)
    planned = report.get(PLANNED_MISSING, least)
    return max(0, report.get("missing_line_slots", 0) - max(least, planned))


def _moved_lines(data: EngineInput, rounds: list[RoundView]) -> dict[int, int]:
    """Seated members whose seat holds another line than theirs on the session's date (they
    moved after the plan was made): {member pk: the line their seat holds}."""
    return plan_line_moves(
        rounds, {m: line for line, members in data.lines.items() for m in members}
    )


def _refuse_line_moves(data: EngineInput, moved) -> None:
    """A change by hand while someone sits in a line they have left: the plan's numbers would
    count the new line at their old seat, so they are re-seated first (`plan_release_leavers`)."""
    if moved:
        names = sorted(data.name_of(m) for m in moved)
        raise ValidationError(
            ngettext(
                "%(names)s moved to another learning line after this plan was made and still "
                "sits in the old one: seat them in their new line first.",
                "%(names)s moved to another learning line after this plan was made and still "
                "sit in their old ones: seat them in their new lines first.",
                len(names),
            )
            % {"names": ", ".join(names)}
        )


def _presence_changes(
    data: EngineInput, rnd, number: int
) -> tuple[list[int], list[int], list[int]]:
    """(arrived, leaving, gone) in table round `number`: present but unseated, seated but not
    there, and seated but no longer in the team or in a line (they left after the plan was
    made)."""
    away = data.absent_in(number)
    seated = {m for table in rnd for m in table}
    everyone = {m for members in data.lines.values() for m in members}
    return sorted(everyone - away - seated), sorted(seated & away), sorted(seated - everyone)


def _repair(
    data: EngineInput, rounds_ids, flags, r: int, seed: int, moved=(), by_hand: bool | None = None
):
    """Repair round index `r` for who is there; the session's other rounds count as history.

    Only tables someone left or joined change; locked tables stay exactly as they are, except
    that someone who left the team or their line leaves a locked table too. Someone in `moved`
    (now in another line than their seat holds) leaves their table and is seated again as
    someone arriving in their new line; at a locked table they keep their seat (the table is
    kept exactly, and the seat takes their new line when stored).
    """
    arrived, leaving, gone = _presence_changes(data, rounds_ids[r], r + 1)
    kept = {m for t, table in enumerate(rounds_ids[r]) if flags[r][t] for m in table}
    reseat = sorted(
        {m for table in rounds_ids[r] for m in table} & set(moved) - kept - set(leaving)
    )
    if not arrived and not leaving and not gone and not reseat:
        return rounds_ids, flags
    # The engine knows only the lines' members: who left is taken off their seat first.
    # (The history may name them: the engine passes over ids that are in no line there.)
    off = set(gone) | set(reseat)
    current = [[m for m in table if m not in off] for table in rounds_ids[r]]
    result = repair_round(
        data.lines,
        current,
        history=data.history + rounds_ids[:r] + rounds_ids[r + 1 :],
        absent=leaving,
        arrived=arrived + reseat,
        apart=data.apart,
        locked=[t for t, flag in enumerate(flags[r]) if flag],
        max_size=max_size(data),
        seed=seed,
        # the holes of whoever was taken off above are no change by hand
        by_hand=by_hand if off else None,
    )
    rounds_ids = [list(map(list, rnd)) for rnd in rounds_ids]
    flags = [list(row) for row in flags]
    rounds_ids[r] = result.rounds[0]
    row = flags[r] + [False] * (len(rounds_ids[r]) - len(flags[r]))
    flags[r] = row[: len(rounds_ids[r])]
    return rounds_ids, flags


def _follow_presence(data: EngineInput, rounds_ids, flags, seed: int):
    """Repair each round in which someone arrives late or has left. A refusal names its round
    (`params["round"]`, from 0): the steering group made the whole plan, not that round's."""
    for r in range(len(rounds_ids)):
        try:
            rounds_ids, flags = _repair(data, rounds_ids, flags, r, seed)
        except GroupingError as error:
            error.params.setdefault("round", r)
            raise
    return rounds_ids, flags


def _table_order(tables: list[list[int]], numbers: dict[frozenset, int]) -> list[int]:
    """The order to store a round's `tables` in, as indexes into `tables`: a table found in
    `numbers` (locked: its members -> its index in the plan before) takes that index again,
    the other tables fill the free places in their own order. A locked table whose number the
    round no longer has (fewer tables now) takes a free place as well."""
    places: list[int | None] = [None] * len(tables)
    rest = []
    for t, table in sorted(
        enumerate(tables), key=lambda item: numbers.get(frozenset(item[1]), len(tables))
    ):
        wanted = numbers.get(frozenset(table))
        if wanted is not None and wanted < len(places) and places[wanted] is None:
            places[wanted] = t
        else:
            rest.append(t)
    rest.sort()
    return [rest.pop(0) if place is None else place for place in places]


def _planned(
    data: EngineInput,
    *,
    locked,
    seed: int,
    tables: int | None,
    numbers: dict[int, dict[frozenset, int]] | None = None,
):
    """The engine's plan as the session will hold it: (rounds, locked flags, report, engine
    result). Locked tables are kept, at their number in `numbers` ({round index: {members:
    table index}}: the steering group locks a physical table); with people arriving late or
    leaving early each round is repaired for who is there, and the report is of that plan."""
    result = _run_engine(data, locked=locked, seed=seed, tables=tables)
    orders = [_table_order(rnd, (numbers or {}).get(r, {})) for r, rnd in enumerate(result.rounds)]
    rounds_ids = [[rnd[t] for t in order] for rnd, order in zip(result.rounds, orders, strict=True)]
    # Locked tables come back verbatim; find them again to keep their flag.
    flags = []
    for r, rnd in enumerate(rounds_ids):
        keep = {frozenset(t) for t in locked.get(r, [])}
        flags.append([frozenset(t) in keep for t in rnd])
    if data.partly_present:
        rounds_ids, flags = _follow_presence(data, rounds_ids, flags, seed)
        report = plan_evaluate(data, rounds_ids, flags)
        report["elapsed"] = round(result.report.elapsed, 3)
    else:
        report = report_data(result.report)
        report["table_sizes"] = [
            [sizes[t] for t in order]
            for sizes, order in zip(report["table_sizes"], orders, strict=True)
        ]
    return rounds_ids, flags, report, result


def _alternative(data: EngineInput, chosen: int, locked, seed: int) -> dict | None:
    """What the other allowed table count would cost, for the steering group to compare: made
    as "plan with that many tables" would make it (the same locked tables and presence)."""
    others = [t for t in allowed_tables(data) if t != chosen]
    if not others:
        return None
    tables = others[0]
    try:
        rounds_ids, _flags, report, _result = _planned(
            data, locked=locked, seed=seed, tables=tables
        )
    except GroupingError:
        return None
    if len(rounds_ids[0]) != tables:
        return None
    return {
        "tables": tables,
        "missing_line_slots": report["missing_line_slots"],
        "min_missing_line_slots": report["min_missing_line_slots"],
        "repeats": report["repeats"],
        "table_sizes": sorted(set(report["table_sizes"][0])),
    }


def plan_generate(
    *,
    session: PlenarySession,
    by=None,
    version: int | None = None,
    seed: int | None = None,
    tables: int | str | None = "keep",
) -> TablePlan:
    """Make (or make again) the session's table plan with the grouping engine.

    Locked tables are kept exactly. `tables` is a table count the steering group chose ("keep":
    the plan's earlier choice; None: the engine's own choice). A plan made again on an older
    `version` is refused (`StalePlan`); version None makes whatever plan exists again, and 0
    (a page that showed no plan yet) refuses once a plan exists.
    """
    if session.status in (PlenarySession.Status.HELD, PlenarySession.Status.CLOSED):
        raise ValidationError(_("This session has been held: its table plan stays as it was."))
    data = engine_input(session=session)
    if data.rounds == 0:
        raise ValidationError(
            _("The program has no table round yet: give at least one assignment a round.")
        )
    with transaction.atomic():
        plan, created = TablePlan.objects.get_or_create(session=session)
        if not created:
            if version is None:
                version = plan.version
            _claim(plan, version)
        before = None if created else _snapshot(plan)
        old_rounds = [] if created else plan_rounds_view(plan=plan)
        chosen = plan.tables if tables == "keep" else tables
        details: dict = {}
        try:
            if chosen is not None and chosen not in allowed_tables(data):
                # the number of tables chosen does not fit who is there now: the planner
                # chooses, and the page says so (`not_possible`)
                details["not_possible"] = chosen
                chosen = None
        except GroupingError as error:  # nobody in a line any more, say
            raise refuse(error, data) from error
        locked = {r: t for r, t in locked_tables(old_rounds).items() if r < data.rounds}
        numbers = {
            r: {
                frozenset(s.member_id for s in table.seats): t
                for t, table in enumerate(rnd.tables)
                if table.table.locked
            }
            for r, rnd in enumerate(old_rounds)
            if r in locked
        }
        # the other table count the page showed, if it was counted for who is there now
        counted_for = None if created else plan_made_for(plan_changes(plan=plan))
        previewed = (
            (plan.alternative or {}).get("tables") if counted_for in (None, data.key) else None
        )
        if seed is None and not created and chosen is not None and chosen == previewed:
            # The other table count the page showed: the same seed makes the plan it counted.
            seed = plan.seed
        seed = plan.seed + 1 if seed is None and not created else (seed or 0)
        try:
            rounds_ids, flags, report, result = _planned(
                data, locked=locked, seed=seed, tables=chosen, numbers=numbers
            )
        except GroupingError as error:
            raise refuse(error, data) from error
        report[PLANNED_MISSING] = report["missing_line_slots"]
        _store(plan, _as_stored(data, rounds_ids, flags))
        plan.seed = seed
        plan.tables = chosen
        plan.report = report
        plan.alternative = _alternative(data, len(rounds_ids[0]), locked, seed)
        plan.generated_at = timezone.now()
        plan.save()
        # who was there (and the group size, the pairs kept apart) when the other table count
        # was counted: once that changes, its numbers are no longer what it would cost
        details["input"] = data.key
        if before is not None:
            # made again: who sits at another table now (in some round), and the locked tables
            # that stayed as they were
            details["changed"] = _people_moved(before["rounds"], rounds_ids)
            details["kept"] = sum(len(t) for t in locked.values())
        _record(
            plan,
            kind=PlanChange.Kind.GENERATE,
            before=before,
            by=by,
            details={"tables": len(rounds_ids[0]), "repeats": report["repeats"], **details},
        )
    logger.info(
        "Plan for session %s: %s members, %s rounds, %s repeats in %.2f s",
        session.pk,
        sum(len(m) for m in data.lines.values()) - len(data.absent),
        data.rounds,
        report["repeats"],
        result.report.elapsed,
    )
    return plan


def _people_moved(before: list[list[dict]], rounds_ids: list[list[list[int]]]) -> int:
    """How many people sit at another table (by number) in at least one round of `rounds_ids`
    than in the snapshot's rounds `before`; someone seated in a round only before or only now
    counts too."""

    def places(rounds):
        return {
            (r, member): t
            for r, rnd in enumerate(rounds)
            for t, table in enumerate(rnd)
            for member in table
        }

    old = places([[[m for m, _line in table["seats"]] for table in rnd] for rnd in before])
    new = places(rounds_ids)
    return len(
        {
            member
            for r, member in old.keys() | new.keys()
            if old.get((r, member)) != new.get((r, member))
        }
    )


def pair_counts(rounds: list[list[list[int]]]) -> Counter[tuple[int, int]]:
    """How often each two people (member pks, the smaller first) sit at one table in `rounds`."""
    counts: Counter[tuple[int, int]] = Counter()
    for rnd in rounds:
        for table in rnd:
            counts.update(combinations(sorted(table), 2))
    return counts


def plan_record(*, session: PlenarySession, rounds: list[list[list[list[int]]]], by=None):
    """Store the tables of a session held without this app (services/earlier.py) as given:
    `rounds` holds each table's seats as [member pk, line pk]. No rule is checked and no engine
    runs: it is what happened. The report counts what the tables hold (repeats against the
    school year's history and within the session, missing line slots) and claims no bound."""
    met = pair_counts(plan_history(session=session))
    new = pair_counts([[[member for member, _line in table] for table in rnd] for rnd in rounds])
    missing = 0
    for rnd in rounds:
        lines_here = {line for table in rnd for _member, line in table}
        for table in rnd:
            missing += len(lines_here - {line for _member, line in table})
    pairs = []
    from_history = within = 0
    for pair, count in sorted(new.items()):
        again = count if met.get(pair) else count - 1
        if met.get(pair):
            from_history += count
        else:
            within += count - 1
        if again:
            pairs.append([*pair, again])
    report = {
        "recorded": True,
        "repeats": from_history + within,
        "repeats_history": from_history,
        "repeats_within": within,
        "repeated_pairs": pairs,
        "people_with_repeats": len({m for a, b, _count in pairs for m in (a, b)}),
        "missing_line_slots": missing,
        "min_missing_line_slots": missing,
        PLANNED_MISSING: missing,
        "table_sizes": [[len(table) for table in rnd] for rnd in rounds],
        "lower_bound": None,
        "lower_bound_tight": True,
        "proven_optimal": False,
        "elapsed": 0,
    }
    with transaction.atomic():
        plan = TablePlan.objects.create(session=session, report=report)
        _store(plan, [[{"locked": False, "seats": table} for table in rnd] for rnd in rounds])
        _record(
            plan,
            kind=PlanChange.Kind.RECORDED,
            before=None,
            by=by,
            details={"tables": max(len(rnd) for rnd in rounds), "repeats": report["repeats"]},
        )
    return plan


# --- changes by hand ---


@dataclass(frozen=True)
class ChangeResult:
    plan: TablePlan
    warnings: list[str]
    details: dict = field(default_factory=dict)  # as recorded with the change


def _warnings(before: dict, after: dict) -> list[str]:
    """Soft rules a change broke, in numbers: a manual change may break them, with a warning."""
    out = []
    more = after["repeats"] - before.get("repeats", 0)
    if more > 0:
        out.append(
            ngettext(
                "This change adds %(count)s repeated encounter.",
                "This change adds %(count)s repeated encounters.",
                more,
            )
            % {"count": more}
        )
    missing = after["missing_line_slots"] - before.get("missing_line_slots", 0)
    if missing > 0:
        out.append(
            ngettext(
                "A learning line is now missing from a table %(count)s time more.",
                "A learning line is now missing from a table %(count)s times more.",
                missing,
            )
            % {"count": missing}
        )
    return out


# The missing line slots of the plan as the engine left it: made, repaired for a round, or
# following attendance. Changes by hand keep it, so the page can tell the slots the engine
# needed (pairs kept apart, a repaired round) from those a swap or move added.
PLANNED_MISSING = "planned_missing_line_slots"
# The rounds (numbers) a report counts as seated, not for who is there: rounds attendance could
# not be followed in (`plan_follow_presence`). Absent from a plan counted for who is there.
AS_SEATED = "rounds_counted_as_seated"
ENGINE_CHANGES = {PlanChange.Kind.REPAIR, PlanChange.Kind.PRESENCE, PlanChange.Kind.LEFT}


def _change(
    *,
    plan: TablePlan,
    version: int,
    by,
    kind: str,
    details: dict,
    edit: Callable[[list, list, dict], tuple[list, list]],
    data: EngineInput | None = None,
    count: Callable[[list, list], dict] | None = None,
) -> ChangeResult:
    """Apply `edit` to the stored rounds, recount, and store; refuse a hard-rule break.

    `edit(rounds, flags, moved)` gets the rounds as member pks, the locked flags and who moved
    to another line since the plan was made (`_moved_lines`); a change by hand is refused while
    anyone has (the engine's changes re-seat them). `details` is recorded with the change after
    `edit` ran, so `edit` may fill it in; `data` is the session's engine input when the caller
    has read it already; `count(rounds, flags)` counts the edited plan instead of `plan_evaluate`
    (following attendance with a round left as it was: `_count_as_seated`). Unlocking a table
    is never refused: it moves nobody, and it is the way out of a locked table that breaks a
    rule now (an absentee or a pair there, someone who left or moved line); the plan keeps its
    last count until it is re-planned."""
    session = plan.session
    if session.status in (PlenarySession.Status.HELD, PlenarySession.Status.CLOSED):
        raise ValidationError(_("This session has been held: its table plan stays as it was."))
    data = data or engine_input(session=session)
    with _claimed(plan, version):
        rounds = plan_rounds_view(plan=plan)
        moved = _moved_lines(data, rounds)
        unlock = kind == PlanChange.Kind.UNLOCK
        if kind not in ENGINE_CHANGES and not unlock:
            _refuse_line_moves(data, moved)
        before = _snapshot(plan)
        rounds_ids, flags = edit(plan_as_ids(rounds), locked_flags(rounds), moved)
        try:
            report = (
                None
                if unlock and moved
                else (count or partial(plan_evaluate, data))(rounds_ids, flags)
            )
        except GroupingError as error:
            if not unlock:
                raise refuse(error, data) from error
            report = None
        if report is None:  # an unlock the plan cannot be counted for as it is: as it was
            report = dict(plan.report)
        if kind in ENGINE_CHANGES:
            # a repair keeps the slots given up by hand at tables nobody leaves (repair_round):
            # they stay counted as made by hand, the rest is what the repair needed
            report[PLANNED_MISSING] = max(
                report["min_missing_line_slots"],
                report["missing_line_slots"] - _given_up_by_hand(plan.report),
            )
        else:
            # a plan stored before this key existed counts every extra slot as made by hand
            report[PLANNED_MISSING] = plan.report.get(
                PLANNED_MISSING, report["min_missing_line_slots"]
            )
        seat_lines = (
            [{s.member_id: s.line_id for t in rnd.tables for s in t.seats} for rnd in rounds]
            if unlock
            else None
        )
        _store(plan, _as_stored(data, rounds_ids, flags, seat_lines))
        warnings = _warnings(plan.report, report)
        plan.report = report
        plan.save(update_fields=["report", "updated_at"])
        _record(plan, kind=kind, before=before, by=by, details=details)
    return ChangeResult(plan=plan, warnings=warnings, details=details)


def _find(rounds_ids, member_pk: int, number: int) -> tuple[int, int]:
    r = number - 1
    if not 0 <= r < len(rounds_ids):
        raise ValidationError(_("That round is not in the plan."))
    for t, table in enumerate(rounds_ids[r]):
        if member_pk in table:
            return r, t
    raise ValidationError(_("That person has no seat in this round."))


def plan_swap(
    *, plan: TablePlan, version: int, round_number: int, first: int, second: int, by=None
) -> ChangeResult:
    """Swap two people of one round between their tables."""

    def edit(rounds_ids, flags, _moved):
        r, a = _find(rounds_ids, first, round_number)
        _round, b = _find(rounds_ids, second, round_number)
        if a == b:
            raise ValidationError(_("These two already sit at the same table."))
        if flags[r][a] or flags[r][b]:
            raise ValidationError(_("That table is locked. Unlock it first."))
        table_a, table_b = rounds_ids[r][a], rounds_ids[r][b]
        table_a[table_a.index(first)] = second
        table_b[table_b.index(second)] = first
        return rounds_ids, flags

    return _change(
        plan=plan,
        version=version,
        by=by,
        kind=PlanChange.Kind.SWAP,
        details={"round": round_number, "members": [first, second]},
        edit=edit,
    )


def plan_move(
    *, plan: TablePlan, version: int, round_number: int, member: int, table: int, by=None
) -> ChangeResult:
    """Move one person to another table (number, 1-based) of the same round."""

    def edit(rounds_ids, flags, _moved):
        r, a = _find(rounds_ids, member, round_number)
        b = table - 1
        if not 0 <= b < len(rounds_ids[r]):
            raise ValidationError(_("That table is not in this round."))
        if a == b:
            raise ValidationError(_("This person already sits at that table."))
        if flags[r][a] or flags[r][b]:
            raise ValidationError(_("That table is locked. Unlock it first."))
        rounds_ids[r][a].remove(member)
        rounds_ids[r][b].append(member)
        return rounds_ids, flags

    return _change(
        plan=plan,
        version=version,
        by=by,
        kind=PlanChange.Kind.MOVE,
        details={"round": round_number, "members": [member], "table": table},
        edit=edit,
    )


def plan_move_uneven_tables(
    *, plan: TablePlan, rounds: list[RoundView], round_number: int, member: int
) -> set[int]:
    """Read-only, for the plan page: the numbers of the tables of round `round_number` that
    `plan_move` would refuse to move `member` to because the round's tables would be uneven
    (the engine's `plan_sizes`: sizes within one of each other and within the limits).

    It is the same recount `plan_move` runs (`plan_evaluate` on the stored rounds with the move
    made), not a copy of the rule. Other refusals (a pair kept apart, someone who left still
    seated) are left to `plan_move`, which words them; so are the member's own table and locked
    tables, where no move is offered. `rounds` is the plan as read (`plan_rounds_view`)."""
    data = engine_input(session=plan.session)
    stored, flags = plan_as_ids(rounds), locked_flags(rounds)
    r, here = _find(stored, member, round_number)
    uneven = set()
    for there in range(len(stored[r])):
        if there == here or flags[r][there]:
            continue
        moved = [[list(table) for table in rnd] for rnd in stored]
        moved[r][here].remove(member)
        moved[r][there].append(member)
        try:
            plan_evaluate(data, moved, flags)
        except GroupingError as error:
            if error.code == "plan_sizes":
                uneven.add(there + 1)
    return uneven


def plan_lock(
    *, plan: TablePlan, version: int, round_number: int, table: int, locked: bool, by=None
) -> ChangeResult:
    """Lock a table (kept exactly when the plan is made again) or unlock it."""

    def edit(rounds_ids, flags, _moved):
        r = round_number - 1
        if not 0 <= r < len(flags) or not 0 <= table - 1 < len(flags[r]):
            raise ValidationError(_("That table is not in the plan."))
        flags[r][table - 1] = locked
        return rounds_ids, flags

    return _change(
        plan=plan,
        version=version,
        by=by,
        kind=PlanChange.Kind.LOCK if locked else PlanChange.Kind.UNLOCK,
        details={"round": round_number, "table": table},
        edit=edit,
    )


def _rounds_with_leavers(data: EngineInput, rounds_ids, moved=()) -> list[int]:
    """Indexes of the rounds that seat someone who has left the team or their line since (or,
    in `moved`, moved to another line since)."""
    return [
        r
        for r, rnd in enumerate(rounds_ids)
        if _presence_changes(data, rnd, r + 1)[2] or any(m in moved for t in rnd for m in t)
    ]


def _release(data: EngineInput, rounds_ids, flags, plan: TablePlan, rounds: list[int], moved=()):
    """Repair the rounds (indexes) `rounds`; an engine refusal becomes a ValidationError."""
    by_hand = _given_up_by_hand(plan.report) > 0
    for r in rounds:
        try:
            rounds_ids, flags = _repair(data, rounds_ids, flags, r, plan.seed, moved, by_hand)
        except GroupingError as error:
            raise refuse(error, data) from error
    return rounds_ids, flags


def plan_repair_round(*, plan: TablePlan, version: int, round_number: int, by=None):
    """Re-plan one round for late arrivals and leavers: only the tables they affect change.

    The other rounds follow wherever the plan could not be counted otherwise: someone who left
    the team or their line since the plan was made is taken off them (a plan that seats someone
    in no line refuses every later change), someone who moved to another line is seated in it,
    someone present without a seat there gets one (a newcomer added to a line after the plan
    was made lacks a seat in every round), and someone absent leaves their seat. (An absentee at
    a locked table keeps a round from following the attendance; once that table is unlocked,
    re-planning either round must repair both, or each refusal would name the other.) Those
    rounds are in `details["also"]` (numbers).
    """
    data = engine_input(session=plan.session)
    details: dict = {"round": round_number}

    def edit(rounds_ids, flags, moved):
        r = round_number - 1
        if not 0 <= r < len(rounds_ids):
            raise ValidationError(_("That round is not in the plan."))
        if _presence_changes(data, rounds_ids[r], round_number) == ([], [], []) and (
            r not in _rounds_with_leavers(data, rounds_ids, moved)
        ):
            raise ValidationError(_("Everyone in this round already sits as they are present."))
        leavers = set(_rounds_with_leavers(data, rounds_ids, moved))
        others = [
            i
            for i in range(len(rounds_ids))
            if i != r
            and (i in leavers or _presence_changes(data, rounds_ids[i], i + 1) != ([], [], []))
        ]
        if others:
            details["also"] = [i + 1 for i in others]
        return _release(data, rounds_ids, flags, plan, [r, *others], moved)

    return _change(
        plan=plan,
        version=version,
        by=by,
        kind=PlanChange.Kind.REPAIR,
        details=details,
        edit=edit,
        data=data,
    )


def plan_release_leavers(*, plan: TablePlan, version: int, by=None) -> ChangeResult:
    """Take everyone who left the team or their line since the plan was made off every round.

    Only the tables they leave change (a round may need one table fewer); the rest of the plan,
    changes by hand and locked tables included, stays. Someone who left a locked table leaves
    it too. Someone who moved to another line (on or before the session's date) is seated
    again in their new line: they leave their table and join one as someone arriving would,
    so only the tables they leave or join change; at a locked table they keep their seat in
    their new line. The details name them as "moved".
    """
    data = engine_input(session=plan.session)
    details: dict = {}

    def edit(rounds_ids, flags, moved):
        current = _rounds_with_leavers(data, rounds_ids, moved)
        if not current:
            raise ValidationError(_("Nobody who left the team or their line has a seat any more."))
        details["rounds"] = [r + 1 for r in current]
        if moved:
            details["moved"] = sorted(moved)
        return _release(data, rounds_ids, flags, plan, current, moved)

    return _change(
        plan=plan,
        version=version,
        by=by,
        kind=PlanChange.Kind.LEFT,
        details=details,
        edit=edit,
        data=data,
    )


@dataclass(frozen=True)
class _AsSeated(EngineInput):
    """The session's engine input with the rounds (numbers) in `seated` taken as present for
    exactly whom they seat: `plan_evaluate` then counts those rounds as they sit, one by one."""

    seated: dict[int, frozenset[int]] = field(default_factory=dict)

    def absent_in(self, number: int) -> set[int]:
        if number not in self.seated:
            return super().absent_in(number)
        return {m for members in self.lines.values() for m in members} - self.seated[number]

    @property
    def partly_present(self) -> bool:
        return True


def _count_as_seated(data: EngineInput, rounds_ids, flags, off: list[int]) -> dict:
    """The report of a plan whose rounds (indexes) `off` do not follow attendance: each round
    counted one by one (no lower bound), the rounds in `off` for whom they seat (someone absent
    but still seated counts at their table, someone there without a seat nowhere). The report
    names those rounds (`AS_SEATED`, numbers). Raises GroupingError when even so a hard rule
    breaks (a round in `off` seats someone who left the team or their line, say)."""
    seated = {r + 1: frozenset(m for table in rounds_ids[r] for m in table) for r in off}
    as_seated = _AsSeated(**{f.name: getattr(data, f.name) for f in fields(data)}, seated=seated)
    report = plan_evaluate(as_seated, rounds_ids, flags)
    report[AS_SEATED] = sorted(seated)
    return report


def plan_follow_presence(*, session: PlenarySession, by=None) -> bool:
    """After attendance changed: repair every round whose seats no longer match who is there.

    Returns True when the plan changed. Each round is repaired on its own (`_repair`). A round
    that cannot be repaired (for example a locked table holding someone who is now absent) is
    left exactly as it is; the plan page shows it and offers "re-plan this round" with the
    reason, and the attendance page names it (`rounds_off_presence`). The rounds that could be
    repaired are saved all the same, as one PRESENCE change (undo restores them all).

    The report of such a plan cannot count it for who is there (a round left as it was breaks
    the hard rule "everyone present exactly once, nobody absent seated"). It counts the plan as
    it is seated, round by round (`_count_as_seated`): the repaired rounds for who is there,
    the rounds left as they were for whom they seat, the same plain numbers the page shows at
    each table. It claims no lower bound and names the rounds counted as seated in
    `rounds_counted_as_seated` (numbers). `planned_missing_line_slots` is set as for every
    repair. The next change that can count the plan for who is there (re-planning that round
    once its table is unlocked, attendance that lets it follow, the plan made again) recounts
    it whole and drops the key; unlocking keeps the count, as it does whenever the plan cannot
    be counted; a change by hand is refused until the round follows attendance.

    Nothing is saved (False, as when no round needed a change) when a round left as it was
    cannot be counted even as seated: it seats someone who left the team or their line, or
    moved to another line (their seat holds the old line, the numbers would count the new),
    or breaks another hard rule; the plan page then offers "free their seats" or "re-plan this
    round" for every round concerned.
    """
    plan = TablePlan.objects.filter(session=session).first()
    if plan is None or session.status in (
        PlenarySession.Status.HELD,
        PlenarySession.Status.CLOSED,
    ):
        return False
    data = engine_input(session=session)
    rounds = plan_rounds_view(plan=plan)
    if len(rounds) != data.rounds:
        return False
    before = plan_as_ids(rounds)
    rounds_ids, flags = before, locked_flags(rounds)
    moved = _moved_lines(data, rounds)
    by_hand = _given_up_by_hand(plan.report) > 0
    off = []
    for r in range(len(rounds_ids)):
        try:
            rounds_ids, flags = _repair(data, rounds_ids, flags, r, plan.seed, moved, by_hand)
        except GroupingError:
            off.append(r)
    if rounds_ids == before:
        return False
    if any(m in moved for r in off for table in rounds_ids[r] for m in table):
        logger.info(
            "Attendance of session %s changed; a round left seats someone moved", session.pk
        )
        return False

    def edit(_rounds, _flags, _moved):
        return rounds_ids, flags

    try:
        _change(
            plan=plan,
            version=plan.version,
            by=by,
            kind=PlanChange.Kind.PRESENCE,
            details={},
            edit=edit,
            data=data,
            count=partial(_count_as_seated, data, off=off) if off else None,
        )
    except ValidationError:
        logger.info("Attendance of session %s changed; the plan still needs a repair", session.pk)
        return False
    return True


def plan_hold_lines(*, session: PlenarySession) -> int:
    """When the session is held: every seat takes the line its member is in on the session's
    date, so the history records the line they were in that day, also for someone who moved to
    another line after the plan was made and was not re-seated. Returns the seats changed.
    The report is not recounted (as for seats dropped when the session is held)."""
    line_of = {i.member.pk: i.line.pk for i in session_presence(session=session).expected}
    changed: dict[int, list[int]] = {}
    for pk, member_id, line_id in Seat.objects.filter(round__plan__session=session).values_list(
        "pk", "member_id", "line_id"
    ):
        if member_id in line_of and line_of[member_id] != line_id:
            changed.setdefault(line_of[member_id], []).append(pk)
    for line_id, seats in changed.items():
        Seat.objects.filter(pk__in=seats).update(line_id=line_id)
    return sum(len(seats) for seats in changed.values())


def plan_undo(*, plan: TablePlan, version: int, by=None) -> TablePlan:
    """Go back to the plan as it was before the latest change not yet undone."""
    with _claimed(plan, version):
        last = (
            PlanChange.objects.filter(plan=plan, undone_at__isnull=True, before__isnull=False)
            .exclude(kind=PlanChange.Kind.UNDO)
            .order_by("-version")
            .first()
        )
        if last is None:
            raise ValidationError(_("There is no change left to undo."))
        _restore(plan, last.before)
        last.undone_at = timezone.now()
        last.save(update_fields=["undone_at"])
        _record(
            plan,
            kind=PlanChange.Kind.UNDO,
            before=None,
            by=by,
            details={"undid": last.version, "kind": last.kind},
        )
    return plan
