"""A session as the grouping engine's plain data, and the engine's report of stored rounds.

The engine (`sessions_app.grouping`) knows no Django: this module turns a session into member
and line primary keys (who is expected, who is absent, pairs kept apart, the school year's
history) and turns the engine's `Report` into plain data to store with the plan.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from learninglines.models import Member
from sessions_app.engine_errors import grouping_error_message
from sessions_app.grouping import GroupingError, Report, evaluate, table_options
from sessions_app.models import ApartPair, PlenarySession
from sessions_app.selectors.plans import plan_history
from sessions_app.selectors.sessions import Presence, session_presence


@dataclass(frozen=True)
class EngineInput:
    """A session turned into the engine's plain data (member and line primary keys)."""

    presence: Presence
    lines: dict[int, list[int]]
    absent: list[int]
    apart: list[tuple[int, int]]
    history: list[list[list[int]]]
    group_size: int | None

    @property
    def rounds(self) -> int:
        return self.presence.rounds

    def absent_in(self, number: int) -> set[int]:
        """Expected members who are not there in table round `number` (1-based)."""
        return {i.member.pk for i in self.presence.expected if not i.present_in(number)}

    @property
    def partly_present(self) -> bool:
        return bool(self.presence.partly)

    @property
    def key(self) -> str:
        """The fingerprint of this input (`input_key`)."""
        return input_key(self.presence, self.group_size, self.apart)

    def name_of(self, member_pk) -> str:
        for item in self.presence.expected:
            if item.member.pk == member_pk:
                return item.member.full_name
        return str(member_pk)


def _lines_and_absent(presence: Presence) -> tuple[dict[int, list[int]], list[int]]:
    """{line pk: member pks} of who is expected, and who is there in no round at all."""
    lines: dict[int, list[int]] = {}
    for item in presence.expected:
        lines.setdefault(item.line.pk, []).append(item.member.pk)
    rounds = presence.rounds
    absent = [
        i.member.pk
        for i in presence.expected
        if not any(i.present_in(number) for number in range(1, rounds + 1))
    ]
    return lines, absent


def presence_tables(presence: Presence, group_size: int | None) -> list[int]:
    """The table counts the rules allow for who is there (`allowed_tables`), read from a
    presence already at hand, without a query; none when nobody can be seated."""
    lines, absent = _lines_and_absent(presence)
    data = EngineInput(presence, lines, absent, [], [], group_size)
    try:
        return allowed_tables(data) if lines else []
    except GroupingError:
        return []


def engine_input(*, session: PlenarySession) -> EngineInput:
    """Lines with their members on the session's date, absentees, apart pairs and history."""
    presence = session_presence(session=session)
    lines, absent = _lines_and_absent(presence)
    expected = {i.member.pk for i in presence.expected}
    apart = [
        (first, second)
        for first, second in ApartPair.objects.filter(school=session.school).values_list(
            "first_id", "second_id"
        )
        if first in expected and second in expected
    ]
    return EngineInput(
        presence=presence,
        lines=lines,
        absent=absent,
        apart=apart,
        history=plan_history(session=session),
        group_size=session.group_size,
    )


def input_key(presence: Presence, group_size: int | None, apart) -> str:
    """A short fingerprint of what the engine is given for a session apart from its history:
    who is expected in which line, who is there in which round, the group size and the pairs
    kept apart (`apart`: (first pk, second pk) pairs; those of people not expected are left
    out, as `engine_input` does). Numbers worked out for one fingerprint (the other table
    count's cost) say nothing about another."""
    expected = {i.member.pk for i in presence.expected}
    people = sorted(
        (
            i.member.pk,
            i.line.pk,
            tuple(n for n in range(1, presence.rounds + 1) if i.present_in(n)),
        )
        for i in presence.expected
    )
    pairs = sorted((min(a, b), max(a, b)) for a, b in apart if a in expected and b in expected)
    text = repr((people, presence.rounds, group_size, pairs))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def refuse(error: GroupingError, data: EngineInput) -> ValidationError:
    """The engine's refusal in the interface's words, with people's names: also of someone who
    is no longer expected (who left, still seated at a locked table), never their number."""

    def name_of(member_pk) -> str:
        name = data.name_of(member_pk)
        if name == str(member_pk) and isinstance(member_pk, int):
            member = Member.objects.filter(pk=member_pk).first()
            if member is not None:
                return member.full_name
        return name

    return ValidationError(grouping_error_message(error, name_of=name_of))


def allowed_tables(data: EngineInput) -> list[int]:
    """The table counts the rules allow: floor(N/g) and ceil(N/g) with sizes in min..max."""
    return table_options(
        data.lines, absent=data.absent, group_size=data.group_size, max_size=max_size(data)
    )


def report_data(report: Report, *, bound_known: bool = True) -> dict:
    return {
        "repeats": report.repeats,
        "repeats_history": report.repeats_history,
        "repeats_within": report.repeats_within,
        "repeated_pairs": [[a, b, count] for (a, b), count in report.repeated_pairs],
        "people_with_repeats": report.people_with_repeats,
        "missing_line_slots": report.missing_line_slots,
        "min_missing_line_slots": report.min_missing_line_slots,
        "table_sizes": [list(sizes) for sizes in report.table_sizes],
        "lower_bound": report.lower_bound if bound_known else None,
        "lower_bound_tight": report.lower_bound_tight if bound_known else True,
        "proven_optimal": report.proven_optimal if bound_known else False,
        "elapsed": round(report.elapsed, 3),
    }


def locked_tables(rounds) -> dict[int, list[list[int]]]:
    locked: dict[int, list[list[int]]] = {}
    for index, rnd in enumerate(rounds):
        tables = [[s.member_id for s in t.seats] for t in rnd.tables if t.table.locked]
        if tables:
            locked[index] = tables
    return locked


def locked_flags(rounds) -> list[list[bool]]:
    return [[t.table.locked for t in rnd.tables] for rnd in rounds]


def plan_evaluate(data: EngineInput, rounds: list[list[list[int]]], flags) -> dict:
    """The report of stored or edited rounds; raises GroupingError when a hard rule breaks.

    With everyone present in every round and one table count, the engine recounts the whole
    session at once (its lower bound holds then). When presence differs per round (late
    arrivals, leavers) or a repaired round has another table count, each round is recounted
    with the rounds before it as history: the sum is the same plain count of repeats, but no
    lower bound is claimed.
    """
    locked = {
        r: [t for t, flag in zip(rnd, flags[r], strict=True) if flag]
        for r, rnd in enumerate(rounds)
        if r < len(flags) and any(flags[r])
    }
    same_count = len({len(rnd) for rnd in rounds}) == 1
    if not data.partly_present and same_count:
        report = evaluate(
            data.lines,
            rounds,
            history=data.history,
            absent=data.absent,
            apart=data.apart,
            locked=locked,
            group_size=data.group_size,
            max_size=max_size(data),
        )
        return report_data(report)
    total: dict = {
        "repeats": 0,
        "repeats_history": 0,
        "repeats_within": 0,
        "missing_line_slots": 0,
        "min_missing_line_slots": 0,
    }
    pairs: dict[tuple[int, int], int] = {}
    sizes = []
    history = list(data.history)
    for r, rnd in enumerate(rounds):
        try:
            report = evaluate(
                data.lines,
                [rnd],
                history=history,
                absent=sorted(data.absent_in(r + 1)),
                apart=data.apart,
                locked={0: locked[r]} if r in locked else None,
                group_size=data.group_size,
                max_size=max_size(data),
            )
        except GroupingError as error:
            if "round" in error.params:
                error.params["round"] = r
            raise
        for name in total:
            total[name] += getattr(report, name)
        for (a, b), count in report.repeated_pairs:
            pairs[(a, b)] = pairs.get((a, b), 0) + count
        sizes.append(list(report.table_sizes[0]))
        history.append(rnd)
    people = {m for pair in pairs for m in pair}
    return {
        **total,
        "repeated_pairs": [[a, b, c] for (a, b), c in sorted(pairs.items())],
        "people_with_repeats": len(people),
        "table_sizes": sizes,
        "lower_bound": None,
        "lower_bound_tight": True,
        "proven_optimal": False,
        "elapsed": 0.0,
    }


def max_size(data: EngineInput) -> int:
    """The largest table the rules allow: the group size plus one."""
    lines = sum(1 for m in data.lines.values() if set(m) - set(data.absent))
    return (data.group_size or max(3, lines)) + 1
