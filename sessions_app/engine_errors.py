"""The grouping engine's errors in the words of the interface, by code (Dutch and English).

The engine speaks English for logs only; its `GroupingError.params` carry data (member ids,
counts, round numbers counted from 0), which this module turns into names and numbers people
read. Every code the engine raises has a message here; a test walks them all.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from django.utils.text import get_text_list
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from sessions_app.grouping import GroupingError

TOO_MANY_ROUNDS = _("A session can have at most %(max)s table rounds.")
NOBODY_IN_LINES = _(
    "Nobody is in a learning line on the day of this session. Put people in learning lines "
    "first, then make the plan."
)
LOCKED_LEAVER = _(
    "%(member)s sits at a locked table in round %(round)s but is no longer in the team or in a "
    "learning line. Free their seats first, then make the plan again."
)
LOCKS_DO_NOT_FIT = _(
    "The locked tables of this round no longer fit with who is there. Unlock them, then "
    "re-plan the round."
)
LOCKS_DO_NOT_FIT_IN_ROUND = _(
    "The locked tables of round %(round)s no longer fit with who is there in that round. Unlock "
    "them, then make the plan again."
)
LOCKED_ABSENT_IN_ROUND = _(
    "%(member)s sits at a locked table in round %(round)s but is not there in that round. "
    "Unlock that table, then make the plan again."
)
NOBODY_IN_ROUND = _(
    "There is nobody to seat in round %(round)s: everyone is marked absent for it. Mark fewer "
    'people absent under "Who is there".'
)
ROUND_NOT_APART_BESIDE_LOCKS = _(
    "Round %(round)s cannot be planned next to its locked tables for who is there without "
    'seating a pair from "Never at one table" together. Unlock a table in round %(round)s, or '
    "remove a pair that is kept apart."
)
ROUND_NOT_APART = _(
    'No way was found to plan round %(round)s for who is there that keeps every pair of "Never '
    'at one table" apart: there may be none. Remove a pair that is kept apart.'
)
REPAIR_NOT_APART = _(
    "This round cannot be re-planned next to its locked tables without seating a pair from "
    '"Never at one table" together. Unlock a table, or remove that pair.'
)
GROUP_SIZES = (3, 12)  # the people per table a session's form accepts
GENERIC = _("The table plan could not be made. Try again, or ask the administrator for help.")

MESSAGES = {
    "invalid_lines": _("The learning lines could not be read for the table plan."),
    "member_listed_twice": _("%(member)s is listed twice in a learning line."),
    "member_in_two_lines": _("%(member)s is in two learning lines at once."),
    "invalid_absent": _("The list of absentees could not be read."),
    "invalid_history": _("The rounds of earlier sessions could not be read."),
    "invalid_arrived": _("The list of late arrivals could not be read."),
    "arrived_invalid": _("%(member)s has arrived but is in no learning line."),
    "current_invalid": _("The round to re-plan could not be read."),
    "apart_invalid": _("A pair that is kept apart is not valid."),
    "invalid_rounds": _("The program has no table round: give at least one assignment a round."),
    "invalid_effort": _("The planner was started with a wrong setting."),
    "invalid_time_limit": _("The planner was started with a wrong setting."),
    "invalid_seed": _("The planner was started with a wrong setting."),
    "invalid_sizes": _("This group size is not possible: choose at least 3 people per table."),
    "invalid_tables": _("That number of tables is not possible for this group."),
    "no_members": _(
        "There is nobody to seat: everyone is marked absent or is in no learning line. Mark "
        'fewer people absent under "Who is there".'
    ),
    "sizes_impossible": _(
        "%(members)s people cannot be seated at tables of %(min_size)s to %(max_size)s people. "
        "Choose another group size."
    ),
    "locked_invalid": _(
        "The locked tables no longer fit the plan (for example the number of people changed). "
        "Unlock them and make the plan again."
    ),
    "locked_absent": _(
        "%(member)s sits at a locked table but is marked absent. Unlock that table, then make "
        "the plan again."
    ),
    "locked_apart": _(
        "%(member)s and %(other)s may never sit at one table, but they sit together at a locked "
        "table. Unlock that table, then make the plan again."
    ),
    "apart_infeasible": _(
        "Too many people must be kept apart from each other: %(count)s people for %(tables)s "
        "tables. Remove a pair that is kept apart."
    ),
    # Never "try again": a refused plan saves nothing, so the next try searches with the same
    # seed and effort and finds the same nothing. The way out is a pair fewer.
    "no_plan_in_budget": _(
        'No plan was found that keeps every pair of "Never at one table" apart: there may be '
        "none. Remove a pair that is kept apart."
    ),
    "plan_invalid": _("The plan could not be read."),
    "plan_sizes": _(
        "Every table of a round must hold about as many people as the others (at most one more "
        "or less), and at least %(min_size)s. Swap two people instead of moving one."
    ),
    "plan_apart": _("%(member)s and %(other)s are kept apart: they cannot sit at one table."),
    "plan_locked": _("That table is locked. Unlock it first."),
    "plan_member_missing": _(
        "%(member)s has no seat in round %(round)s yet. Make the plan again to give everyone a "
        "seat."
    ),
    "plan_member_twice": _("%(member)s would sit twice in round %(round)s."),
    "plan_absent_seated": _(
        "%(member)s is marked absent in round %(round)s but still has a seat there. Re-plan that "
        "round first."
    ),
    "plan_unknown_member": _(
        "Someone who left the team or their learning line still has a seat in round %(round)s: "
        "free their seat first."
    ),
}


def grouping_error_message(
    error: GroupingError,
    *,
    name_of: Callable[[object], str] | Mapping | None = None,
    min_size: int = 3,
) -> str:
    """The error in the interface's language, with people's names instead of ids."""
    template = MESSAGES.get(error.code)
    if template is None:
        return str(GENERIC)

    def name(value) -> str:
        if name_of is None:
            return str(value)
        if callable(name_of):
            return name_of(value)
        return str(name_of.get(value, value))

    params = error.params
    # a round of a session's plan, repaired for who is there in it (the page made the plan,
    # so its refusal names the round; a round's own repair page says "this round")
    number = (params["round"] + 1) if isinstance(params.get("round"), int) else None
    values = {
        "member": name(params.get("member", "")),
        "other": name(params.get("other", "")),
        "round": (params["round"] + 1) if isinstance(params.get("round"), int) else "",
        "members": params.get("members", ""),
        "min_size": params.get("min_size", min_size),
        "max_size": params.get("max_size", ""),
        "tables": params.get("tables", ""),
        "count": len(params["members"])
        if isinstance(params.get("members"), list | tuple)
        else params.get("members", ""),
    }
    if isinstance(values["tables"], list | tuple):
        values["tables"] = " / ".join(str(t) for t in values["tables"])
    if error.code == "apart_infeasible":
        values["members"] = values["count"]
        if isinstance(params.get("members"), list | tuple) and isinstance(
            params.get("tables"), int
        ):
            names = [name(m) for m in params["members"]]
            if params.get("locked") and isinstance(params.get("round"), int):
                # a session's plan: that round's free tables beside its locked ones
                return _apart_beside_locks_in_round(names, params["round"] + 1)
            if params.get("locked"):
                return _apart_beside_locks(names)  # a round's repair: its free tables
            if params.get("linked"):
                return _apart_linked(names, params["tables"], number)
            return _apart_infeasible(names, params["tables"], number)
    if error.code == "sizes_impossible" and isinstance(params.get("members"), int):
        worded = _sizes_impossible(
            params["members"],
            values["min_size"],
            values["max_size"],
            repair="group_size" not in params,
            number=number,
        )
        if worded:
            return worded
    if error.code == "invalid_lines" and "line" not in params:
        return str(NOBODY_IN_LINES)  # no line with members: what the web can reach
    if number is not None and error.code == "no_members":
        return str(NOBODY_IN_ROUND) % values  # a round of the plan: nobody there
    if number is not None and error.code == "locked_absent":
        # a round of the plan: its locked table (plan_rounds, or its repair for who is there)
        return str(LOCKED_ABSENT_IN_ROUND) % values
    if error.code == "locked_invalid" and "member" in params and "round" in params:
        return str(LOCKED_LEAVER) % values  # someone at a locked table who left
    if error.code == "no_plan_in_budget" and "effort" not in params:
        if number is not None:  # a round of the plan, repaired for who is there
            words = ROUND_NOT_APART_BESIDE_LOCKS if params.get("locked") else ROUND_NOT_APART
            return str(words) % values
        if params.get("locked"):  # a round's repair: trying again gives the same
            return str(REPAIR_NOT_APART)
        return str(template) % values  # no table locked: nothing to unlock
    if error.code == "invalid_rounds" and "max" in params:
        return str(TOO_MANY_ROUNDS) % {"max": params["max"]}
    return str(template) % values


def _apart_infeasible(names: list[str], tables: int, number: int | None = None) -> str:
    """Who must all sit apart, and how few tables there are for them (in round `number`, from
    1, where only that round has too few: fewer people are there)."""
    people = get_text_list(names, gettext("and"))
    if number is not None:
        return ngettext(
            "%(people)s must each sit at another table, but round %(round)s has only "
            "%(tables)s table for who is there. Remove a pair that is kept apart.",
            "%(people)s must each sit at another table, but round %(round)s has only "
            "%(tables)s tables for who is there. Remove a pair that is kept apart.",
            tables,
        ) % {"people": people, "tables": tables, "round": number}
    return ngettext(
        "%(people)s must each sit at another table, but there is only %(tables)s table. Remove "
        "a pair that is kept apart.",
        "%(people)s must each sit at another table, but there are only %(tables)s tables. "
        "Remove a pair that is kept apart.",
        tables,
    ) % {"people": people, "tables": tables}


def _sizes_impossible(
    members: int, min_size, max_size, *, repair: bool = False, number: int | None = None
) -> str | None:
    """Too few people for one table (no group size helps), one table size that does not fit,
    a round's locked tables in the way (`repair`), or a group size that fits; None for the
    general wording. `number` (from 1): a round of a session's plan, repaired for who is there
    in it, whose people these are."""
    if isinstance(min_size, int) and members < min_size and number is not None:
        return ngettext(
            "Only %(members)s person is there in round %(round)s: too few for a table of at "
            'least %(min_size)s. Mark fewer people absent under "Who is there".',
            "Only %(members)s people are there in round %(round)s: too few for a table of at "
            'least %(min_size)s. Mark fewer people absent under "Who is there".',
            members,
        ) % {"members": members, "min_size": min_size, "round": number}
    if isinstance(min_size, int) and members < min_size:
        return ngettext(
            "%(members)s person is too few for a table of at least %(min_size)s. Mark fewer "
            'people absent under "Who is there".',
            "%(members)s people are too few for a table of at least %(min_size)s. Mark fewer "
            'people absent under "Who is there".',
            members,
        ) % {"members": members, "min_size": min_size}
    if min_size == max_size:
        return gettext(
            "%(members)s people cannot be seated at tables of exactly %(size)s people. Choose "
            "another group size."
        ) % {"members": members, "size": min_size}
    if isinstance(min_size, int) and isinstance(max_size, int):
        fits = any(_fits(members, tables, min_size, max_size) for tables in range(1, members + 1))
        if repair and fits:
            # the sizes alone fit: the round's locked tables are in the way (repair_round)
            if number is not None:
                return str(LOCKS_DO_NOT_FIT_IN_ROUND) % {"round": number}
            return str(LOCKS_DO_NOT_FIT)
        size = _group_size_that_fits(members, min_size, max_size - 1)
        if size is not None and number is not None:
            return gettext(
                "%(members)s people are there in round %(round)s: they cannot be seated at "
                "tables of %(min_size)s to %(max_size)s people. Choose another number of people "
                "per table for this session, for example %(size)s."
            ) % {
                "members": members,
                "min_size": min_size,
                "max_size": max_size,
                "size": size,
                "round": number,
            }
        if size is not None:
            return gettext(
                "%(members)s people cannot be seated at tables of %(min_size)s to %(max_size)s "
                "people. Choose another number of people per table for this session, for "
                "example %(size)s."
            ) % {"members": members, "min_size": min_size, "max_size": max_size, "size": size}
    return None


def _fits(members: int, tables: int, min_size: int, max_size: int) -> bool:
    """Whether `members` people fit at `tables` balanced tables of min_size..max_size."""
    if not 1 <= tables <= members:
        return False
    base, rest = divmod(members, tables)
    return base >= min_size and base + (1 if rest else 0) <= max_size


def _group_size_that_fits(members: int, min_size: int, now: int) -> int | None:
    """The group size (3 to 12, as the session's form allows) nearest `now` at which the plan's
    rule (floor or ceil of members / size tables, tables of at most size + 1) seats everyone."""
    fitting = [
        size
        for size in range(GROUP_SIZES[0], GROUP_SIZES[1] + 1)
        if any(
            _fits(members, tables, min_size, size + 1)
            for tables in {members // size, -(-members // size)}
        )
    ]
    return min(fitting, key=lambda size: (abs(size - now), size)) if fitting else None


def _apart_linked(names: list[str], tables: int, number: int | None = None) -> str:
    """A group linked by pairs kept apart (a ring of five, say) that no seating at this many
    tables can keep apart, although no more of them than the tables must all sit apart (at
    the tables of round `number`, from 1, where only that round has too few)."""
    people = get_text_list(names, gettext("and"))
    if number is not None:
        return ngettext(
            "The pairs kept apart among %(people)s cannot all be kept at the %(tables)s table "
            "of round %(round)s. Remove a pair that is kept apart.",
            "The pairs kept apart among %(people)s cannot all be kept at the %(tables)s tables "
            "of round %(round)s. Remove a pair that is kept apart.",
            tables,
        ) % {"people": people, "tables": tables, "round": number}
    return ngettext(
        "The pairs kept apart among %(people)s cannot all be kept at %(tables)s table. Remove "
        "a pair that is kept apart.",
        "The pairs kept apart among %(people)s cannot all be kept at %(tables)s tables. Remove "
        "a pair that is kept apart.",
        tables,
    ) % {"people": people, "tables": tables}


def _apart_beside_locks(names: list[str]) -> str:
    """People kept apart whom the tables left free beside a round's locked tables cannot keep
    apart (a pair and one free table, say): unlocking a table makes room."""
    people = get_text_list(names, gettext("and"))
    if len(names) == 2:
        return gettext(
            "This round cannot be re-planned next to its locked tables without seating "
            "%(people)s together, who may never sit at one table. Unlock a table, or remove "
            "that pair."
        ) % {"people": people}
    return gettext(
        "This round cannot be re-planned next to its locked tables without seating two of "
        "%(people)s together, who may never sit at one table. Unlock a table, or remove a pair "
        "that is kept apart."
    ) % {"people": people}


def _apart_beside_locks_in_round(names: list[str], number: int) -> str:
    """The same for one round of a session's plan (`number` counted from 1): the page plans
    every round, so it names the round whose locked tables leave too few free ones."""
    people = get_text_list(names, gettext("and"))
    if len(names) == 2:
        return gettext(
            "Round %(round)s cannot be planned next to its locked tables without seating "
            "%(people)s together, who may never sit at one table. Unlock a table in round "
            "%(round)s, or remove that pair."
        ) % {"people": people, "round": number}
    return gettext(
        "Round %(round)s cannot be planned next to its locked tables without seating two of "
        "%(people)s together, who may never sit at one table. Unlock a table in round "
        "%(round)s, or remove a pair that is kept apart."
    ) % {"people": people, "round": number}
