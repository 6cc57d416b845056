"""A table plan as a spreadsheet: a row per person with their table in every round; and the
same list, empty, to fill in for a session held without this app.

The same layout the page "record an earlier session" reads (docs/earlier-sessions.md), so a
downloaded plan, changed by hand in Excel or kept from an earlier year, can be read back. Names
are written as in a register ("Vries, Anouk de") and sorted so, which makes the list a door
list too; the e-mail address names the person unambiguously. Cells are never formulas (see
`sessions_app.exports`).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from learninglines.models import LineMembership, School
from learninglines.selectors.lines import year_current
from sessions_app.exports import csv_bytes, workbook_bytes
from sessions_app.models import PlanRound, Seat, TablePlan


def plan_table(*, plan: TablePlan) -> tuple[list[str], list[list]]:
    """Headers and rows: name, e-mail address, learning line, then the table per round (empty
    when the person has no seat in that round). Two queries."""
    rounds = list(PlanRound.objects.filter(plan=plan).order_by("number"))
    index = {r.pk: i for i, r in enumerate(rounds)}
    people: dict[int, list] = {}
    seats = (
        Seat.objects.filter(round__plan=plan)
        .select_related("member__user", "line", "table")
        .order_by("round__number", "table__number")
    )
    for seat in seats:
        row = people.get(seat.member_id)
        if row is None:
            member = seat.member
            row = [member.sort_name, member.user.email, seat.line.name] + [""] * len(rounds)
            people[seat.member_id] = row
        row[3 + index[seat.round_id]] = seat.table.number
    headers = [_("Name"), _("E-mail address"), _("Learning line")] + [
        _("Round %(n)s") % {"n": r.number} for r in rounds
    ]
    return headers, sorted(people.values(), key=lambda row: (row[0].casefold(), row[1]))


def plan_xlsx(*, plan: TablePlan) -> bytes:
    headers, rows = plan_table(plan=plan)
    widths = (28, 34, 20) + (10,) * (len(headers) - 3)
    return workbook_bytes([(_("Table plan"), headers, rows, widths)])


def plan_csv(*, plan: TablePlan) -> bytes:
    headers, rows = plan_table(plan=plan)
    return csv_bytes([headers, *rows])


TEMPLATE_ROUNDS = 2


def earlier_template(*, school: School, kind: str) -> bytes:
    """A list to fill in for "record an earlier session": everyone in a line of the current
    school year (register order, their address and line), and an empty column per round for
    their table. The layout `sessions_app.services.earlier` reads, so names need no matching
    by hand. Two queries."""
    year = year_current(school=school)
    memberships = (
        LineMembership.objects.filter(line__school=school, line__year=year, member__is_active=True)
        .select_related("member__user", "line")
        .order_by("member_id", "-start")
        if year
        else []
    )
    latest: dict[int, LineMembership] = {}
    for membership in memberships:
        latest.setdefault(membership.member_id, membership)
    rows = sorted(
        (
            [m.member.sort_name, m.member.user.email, m.line.name] + [""] * TEMPLATE_ROUNDS
            for m in latest.values()
        ),
        key=lambda row: (row[0].casefold(), row[1]),
    )
    headers = [_("Name"), _("E-mail address"), _("Learning line")] + [
        _("Round %(n)s") % {"n": n} for n in range(1, TEMPLATE_ROUNDS + 1)
    ]
    if kind == "xlsx":
        widths = (28, 34, 20) + (10,) * TEMPLATE_ROUNDS
        return workbook_bytes([(_("Table plan"), headers, rows, widths)])
    return csv_bytes([headers, *rows])
