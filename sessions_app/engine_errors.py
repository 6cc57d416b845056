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
    "no_members": _("There is nobody to seat: everyone is absent or in no learning line."),
    "sizes_impossible": _(
        "%(members)s people cannot be seated at tables of %(min_size)s to %(max_size)s people. "
        "Choose another group size."
    ),
    "locked_invalid": _(
        "The locked tables no longer fit the plan (for example the number of people changed). "
        "Unlock them and make the plan again."
    ),
    "locked_absent": _("%(member)s sits at a locked table but is not there. Unlock it first."),
    "locked_apart": _("%(member)s and %(other)s are kept apart but sit at one locked table."),
    "apart_infeasible": _(
        "Too many people must be kept apart from each other: %(count)s people for %(tables)s "
        "tables. Remove a pair that is kept apart."
    ),
    "no_plan_in_budget": _(
        "No plan that keeps every pair apart was found in the time available. Try again, or "
        "remove a pair that is kept apart."
    ),
    "plan_invalid": _("The plan could not be read."),
    "plan_sizes": _(
        "Every table of a round must hold about as many people as the others (at most one more "
        "or less), and at least %(min_size)s."
    ),
    "plan_apart": _("%(member)s and %(other)s are kept apart: they cannot sit at one table."),
    "plan_locked": _("That table is locked. Unlock it first."),
    "plan_member_missing": _("%(member)s would have no seat in round %(round)s."),
    "plan_member_twice": _("%(member)s would sit twice in round %(round)s."),
    "plan_absent_seated": _("%(member)s is not there in round %(round)s but has a seat."),
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
            return _apart_infeasible([name(m) for m in params["members"]], params["tables"])
    if error.code == "sizes_impossible" and isinstance(params.get("members"), int):
        worded = _sizes_impossible(params["members"], values["min_size"], values["max_size"])
        if worded:
            return worded
    if error.code == "invalid_rounds" and "max" in params:
        return str(TOO_MANY_ROUNDS) % {"max": params["max"]}
    return str(template) % values


def _apart_infeasible(names: list[str], tables: int) -> str:
    """Who must all sit apart, and how few tables there are for them."""
    return ngettext(
        "%(people)s must each sit at another table, but there is only %(tables)s table. Remove "
        "a pair that is kept apart.",
        "%(people)s must each sit at another table, but there are only %(tables)s tables. "
        "Remove a pair that is kept apart.",
        tables,
    ) % {"people": get_text_list(names, gettext("and")), "tables": tables}


def _sizes_impossible(members: int, min_size, max_size) -> str | None:
    """Too few people for one table (no group size helps), or one table size that does not fit;
    None for the general wording."""
    if isinstance(min_size, int) and members < min_size:
        return ngettext(
            "%(members)s person is too few for a table of at least %(min_size)s.",
            "%(members)s people are too few for a table of at least %(min_size)s.",
            members,
        ) % {"members": members, "min_size": min_size}
    if min_size == max_size:
        return gettext(
            "%(members)s people cannot be seated at tables of exactly %(size)s people. Choose "
            "another group size."
        ) % {"members": members, "size": min_size}
    return None
