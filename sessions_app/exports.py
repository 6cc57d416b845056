"""A reflection form's results as rows for a spreadsheet, and as XLSX and CSV files.

Everything here is made from one `Results` (see `sessions_app.selectors.reflections`), the same
object the results page shows: the files hold the same figures, never a name next to an
anonymous answer (the selector leaves the name empty), never a private answer (the selector
gives none) and never a group below the threshold (it is written as "fewer than 3"). No text
runs as a formula: in a workbook every text cell is stored as text (so "=SUM(A1)" or "- een
punt" reads as written), and in a CSV, which has no types, a cell starting with = + - @ is
prefixed with an apostrophe. A question whose wording changed after the first answers says so
in its cell, with when (as the page does).
"""

from __future__ import annotations

import codecs
import csv
import io

import openpyxl
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl.styles import Font

from learninglines.tabular import spreadsheet_safe, spreadsheet_text
from sessions_app.models import ANONYMOUS_THRESHOLD, Question
from sessions_app.selectors.reflections import QuoteGroup, Results

WITHHELD_COUNT = f"<{ANONYMOUS_THRESHOLD}"
PERCENT_FORMAT = '0" %"'


class Percent(int):
    """A whole percentage: a number in a workbook, shown there as "75 %" (so a column of them
    sorts and filters as numbers), and the text "75 %" in a CSV."""

    def __str__(self) -> str:
        return f"{int(self)} %"


def safe_cell(value):
    """A text cell a spreadsheet never runs as a formula; numbers and None pass unchanged."""
    return spreadsheet_safe(value) if isinstance(value, str) else value


def line_name(line) -> str:
    return str(line) if line is not None else _("No learning line")


def question_cell(question: Question) -> str:
    """The question's text; after a change of wording once answered, with when it changed."""
    changed = question.changed_after_answers_at
    if changed is None:
        return question.text
    return _("%(question)s [changed on %(when)s, after the first answers]") % {
        "question": question.text,
        "when": date_format(timezone.localtime(changed), "j F Y, H:i"),
    }


def withheld_text() -> str:
    return _("Fewer than 3 answers: not shown, so nobody can be recognised.")


def other_lines_text() -> str:
    return _(
        "Not shown per line: another line gave 1 or 2 of these answers, which a comparison "
        "with all lines would show."
    )


def summary_rows(results: Results) -> list[list]:
    """Label and value: the form, who was asked, who answered, the rate and the filter."""
    questionnaire = results.questionnaire
    return [
        [_("Reflection form"), questionnaire.title],
        [_("State"), str(questionnaire.State(questionnaire.state()).label)],
        [_("Asked"), results.asked],
        [_("Answered"), results.submitted],
        [_("Response rate (%)"), results.rate if results.rate is not None else ""],
        [
            _("Learning line"),
            line_name(results.line_filter) if results.line_filter else _("All learning lines"),
        ],
    ]


def answer_headers() -> list[str]:
    return [_("Question"), _("Learning line"), _("Name"), _("Answer"), _("Took"), _("Took from")]


def _group_rows(question: Question, groups: list[QuoteGroup], took: bool) -> list[list]:
    rows = []
    text = question_cell(question)
    for group in groups:
        name = line_name(group.line)
        if group.withheld:
            # Where the page says why a group is missing, the file says so too.
            why = other_lines_text() if group.for_other_lines else withheld_text()
            rows.append([text, "", "", "", why, name] if took else [text, name, "", why, "", ""])
            continue
        for quote in group.quotes:
            rows.append(
                [text, "", quote.name, "", quote.text, name]
                if took
                else [text, name, quote.name, quote.text, "", ""]
            )
    return rows


def answer_rows(results: Results) -> list[list]:
    """One row per answer shown on the page: open answers, and what was brought and taken.

    Brought rows carry the author's line; took rows the line it came from (as on the page).
    The name is only ever filled in for named questions.
    """
    rows = []
    for result in results.questions:
        question = result.question
        if result.is_private or result.has_chart:
            continue
        if result.withheld:
            rows.append([question_cell(question), "", "", withheld_text(), "", ""])
            continue
        rows.extend(_group_rows(question, result.groups, took=False))
        rows.extend(_group_rows(question, result.took_groups, took=True))
    return rows


def count_headers() -> list[str]:
    return [_("Question"), _("Option"), pgettext("how many", "Number")]


def _bar_count(bar) -> int | str:
    if bar.count is not None:
        return bar.count
    return _("not shown per line") if bar.for_other_lines else WITHHELD_COUNT


def count_rows(results: Results) -> list[list]:
    """Per chart question its bars (withheld bars as "<3") and, for a scale, the average."""
    rows = []
    for result in results.questions:
        if result.is_private or not result.has_chart:
            continue
        question = result.question
        text = question_cell(question)
        if result.withheld:
            rows.append([text, "", WITHHELD_COUNT])
            continue
        for bar in result.bars:
            rows.append([text, bar.label, _bar_count(bar)])
        if question.kind == Question.Kind.SCALE and result.average is not None:
            rows.append([text, _("Average"), result.average])
        elif question.kind == Question.Kind.SCALE and result.average_for_other_lines:
            rows.append([text, _("Average"), _("not shown per line")])
    return rows


def _inert(rows: list[list]) -> list[list]:
    return [[safe_cell(cell) for cell in row] for row in rows]


def _sheet_cell(value):
    """A value as a workbook cell: a `Percent` its number, a text without control characters."""
    if isinstance(value, Percent):
        return int(value)
    return spreadsheet_text(value) if isinstance(value, str) else value


def workbook_bytes(sheets: list[tuple[str, list, list[list], tuple[int, ...]]]) -> bytes:
    """An XLSX of (title, headers, rows, column widths) sheets: bold headers, top row frozen,
    every text cell stored as text (never a formula, shown as written), a `Percent` a number
    shown with a percent sign."""
    workbook = openpyxl.Workbook()
    for index, (title, headers, rows, widths) in enumerate(sheets):
        sheet = workbook.active if index == 0 else workbook.create_sheet()
        sheet.title = title[:31]
        sheet.append([_sheet_cell(cell) for cell in headers])
        for number, row in enumerate(rows, start=2):
            sheet.append([_sheet_cell(cell) for cell in row])
            for column, value in enumerate(row, start=1):
                if isinstance(value, Percent):
                    sheet.cell(row=number, column=column).number_format = PERCENT_FORMAT
                elif isinstance(value, str):
                    # openpyxl takes a text starting with "=" for a formula: store it as text.
                    sheet.cell(row=number, column=column).data_type = "s"
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            if isinstance(cell.value, str):
                cell.data_type = "s"
        sheet.freeze_panes = "A2"
        for column, width in enumerate(widths):
            sheet.column_dimensions[openpyxl.utils.get_column_letter(column + 1)].width = width
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def csv_bytes(rows: list[list]) -> bytes:
    """Rows for Dutch Excel: semicolons, UTF-8 with a byte order mark, every text cell inert."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerows(_inert(rows))
    return codecs.BOM_UTF8 + out.getvalue().encode("utf-8")


def results_xlsx(results: Results) -> bytes:
    """Sheets "Summary", "Answers" and "Counts": headers in bold, the top row frozen."""
    return workbook_bytes(
        [
            (_("Summary"), [_("Item"), _("Value")], summary_rows(results), (24, 50)),
            (_("Answers"), answer_headers(), answer_rows(results), (40, 22, 24, 60, 60, 22)),
            (_("Counts"), count_headers(), count_rows(results), (40, 30, 10)),
        ]
    )


def results_csv(results: Results) -> bytes:
    """The "Answers" rows for Dutch Excel: semicolons, UTF-8 with a byte order mark."""
    return csv_bytes([answer_headers(), *answer_rows(results)])
