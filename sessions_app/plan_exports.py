"""A table plan as a spreadsheet: a row per person with their table in every round.

The same layout the page "record an earlier session" reads (docs/earlier-sessions.md), so a
downloaded plan, changed by hand in Excel or kept from an earlier year, can be read back. Names
are written as in a register ("Vries, Anouk de") and sorted so, which makes the list a door
list too; the e-mail address names the person unambiguously. Cells are never formulas (see
`sessions_app.exports`).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

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
