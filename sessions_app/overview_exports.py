"""The school overview as XLSX (one sheet per part), CSV and the encounter matrix as CSV.

Everything is made from one `Overview` (see `sessions_app.selectors.overview`), the object the
page shows, so the files hold the same figures and keep the same privacy: quotes carry a name
only when the question was named, withheld groups are counted, never shown; the person-level
list of who has not met a line yet is only written for the steering group (`person_level`).
Cells are made inert for spreadsheets (`sessions_app.exports`).
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from sessions_app.exports import Percent, csv_bytes, workbook_bytes
from sessions_app.selectors.overview import Overview


def _percent(value: int | None) -> Percent | str:
    """A number in the workbook (it sorts), "75 %" in the CSV; empty when there is none."""
    return "" if value is None else Percent(value)


def filter_rows(overview: Overview) -> list[list]:
    filters = overview.filters
    return [
        [_("School"), overview.school.name],
        [_("School year"), filters.year.name],
        [_("Learning line"), str(filters.line) if filters.line else _("all")],
        [_("From"), filters.first_day],
        [_("To"), filters.last_day],
        [_("Pairs from different lines who have met"), overview.encounters.pairs_met],
        [_("Pairs from different lines"), overview.encounters.pairs_possible],
        [_("Cross-line coverage"), _percent(overview.encounters.coverage)],
    ]


def line_headers() -> list[str]:
    return [
        _("Letter"),
        _("Learning line"),
        _("Members"),
        _("Steps done"),
        _("Steps"),
        _("Meetings this cycle"),
        _("Meetings"),
        _("Attendance"),
        _("Last meeting's topic"),
    ]


def line_rows(overview: Overview) -> list[list]:
    return [
        [
            row.line.letter,
            row.line.name,
            row.members,
            row.steps_done,
            row.steps_total,
            row.meetings_this_cycle,
            row.meetings,
            _percent(row.attendance_rate),
            row.last_topic,
        ]
        for row in overview.lines
    ]


def session_headers() -> list[str]:
    return [
        _("Date"),
        _("Plenary session"),
        _("Present"),
        _("Rounds"),
        _("Repeated encounters"),
        _("Asked"),
        _("Answered"),
        _("Response"),
    ]


def session_rows(overview: Overview) -> list[list]:
    return [
        [
            row.session.date,
            row.session.title,
            row.present,
            row.rounds,
            row.repeats,
            row.asked,
            row.answered,
            _percent(row.response_rate),
        ]
        for row in overview.sessions
    ]


def matrix_rows(overview: Overview) -> list[list]:
    """The line-by-line encounter matrix with a header row and column."""
    lines = overview.encounters.lines
    rows = [[_("Encounters"), *(str(line) for line in lines)]]
    rows += [[str(line), *counts] for line, counts in overview.encounters.rows]
    return rows


def course_rows(overview: Overview) -> list[list]:
    return [
        [point.session.date, point.session.title, _percent(point.percent)]
        for point in overview.encounters.course
    ]


def learned_headers() -> list[str]:
    return [_("Learning line"), _("Question"), _("Date"), _("Name"), _("Answer")]


def learned_rows(overview: Overview) -> list[list]:
    rows = []
    for group in overview.learned:
        for quote in group.quotes:
            rows.append([str(group.line), quote.question, quote.day, quote.name, quote.text])
        if group.withheld:
            rows.append(
                [
                    str(group.line),
                    "",
                    "",
                    "",
                    ngettext(
                        "%(count)s anonymous answer is not shown: fewer than 3 per question.",
                        "%(count)s anonymous answers are not shown: fewer than 3 per question.",
                        group.withheld,
                    )
                    % {"count": group.withheld},
                ]
            )
    return rows


def took_rows(overview: Overview) -> list[list]:
    """ "Gehaald": how often each line was named as where something was taken from."""
    rows = [[str(group.line), group.took_from_here] for group in overview.learned]
    exchanges = overview.exchanges
    if exchanges is not None:
        for group in overview.learned:
            count = exchanges.took_from.get(group.line.pk)
            if group.line.pk in exchanges.took_from:
                rows.append(
                    [
                        _("%(line)s (small exchanges)") % {"line": group.line},
                        count if count is not None else _("fewer than 3"),
                    ]
                )
    return rows


def exchange_rows(overview: Overview) -> list[list]:
    exchanges = overview.exchanges
    if exchanges is None:
        return []
    lines = {line.pk: line for line in overview.encounters.lines}
    # the basis the overview page names: the team members in a learning line, never "team
    # members" alone (the start pages count every active team member)
    rows = [
        [_("Team members in a learning line"), exchanges.members],
        [
            _("Team members in a learning line who started or joined a small exchange"),
            exchanges.took_part,
        ],
        [
            _(
                "Share of the team members in a learning line who started or joined a small "
                "exchange"
            ),
            _percent(exchanges.share),
        ],
    ]
    rows += [
        [_("Held in %(month)s") % {"month": month.strftime("%Y-%m")}, count]
        for month, count in exchanges.held_by_month
    ]
    rows += [
        [f"{lines[first]} · {lines[second]}", count]
        for (first, second), count in sorted(exchanges.by_line_pair.items())
        if first in lines and second in lines
    ]
    return rows


def not_met_rows(overview: Overview) -> list[list]:
    return [
        [member.full_name, str(line), ", ".join(str(other) for other in missing)]
        for member, line, missing in overview.encounters.not_met
    ]


def overview_xlsx(overview: Overview, *, person_level: bool) -> bytes:
    """One sheet per part of the overview; the person-level sheet for the steering group only."""
    sheets = [
        (_("Filter"), [_("Item"), _("Value")], filter_rows(overview), (40, 40)),
        (
            _("Learning lines"),
            line_headers(),
            line_rows(overview),
            (8, 28, 10, 12, 8, 18, 10, 12, 40),
        ),
        (_("Sessions"), session_headers(), session_rows(overview), (12, 40, 10, 8, 20, 8, 10, 10)),
        (
            _("Who met whom"),
            matrix_rows(overview)[0],
            matrix_rows(overview)[1:],
            (28,) + (14,) * len(overview.encounters.lines),
        ),
        (
            _("Coverage"),
            [_("Date"), _("Plenary session"), _("Cross-line coverage")],
            course_rows(overview),
            (12, 40, 20),
        ),
        (_("Learned"), learned_headers(), learned_rows(overview), (28, 40, 12, 24, 80)),
        (_("Taken from"), [_("Learning line"), _("Count")], took_rows(overview), (40, 12)),
        (_("Small exchanges"), [_("Item"), _("Count")], exchange_rows(overview), (80, 12)),
    ]
    if person_level:
        sheets.append(
            (
                _("Not met yet"),
                [_("Name"), _("Learning line"), _("Has not met anyone of")],
                not_met_rows(overview),
                (30, 28, 60),
            )
        )
    return workbook_bytes(sheets)


def overview_csv(overview: Overview) -> bytes:
    """The lines and sessions tables, one after the other, for Dutch Excel."""
    return csv_bytes(
        [
            *([row[0], row[1]] for row in filter_rows(overview)),
            [],
            line_headers(),
            *line_rows(overview),
            [],
            session_headers(),
            *session_rows(overview),
        ]
    )


def matrix_csv(overview: Overview) -> bytes:
    return csv_bytes(matrix_rows(overview))
