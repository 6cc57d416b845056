"""Results of a reflection form for the steering group and the coach, and their exports.

The page and both files are made from one `questionnaire_results` (the privacy rules live
there): named answers with the name, anonymous answers without and only for groups of 3 or
more, private answers never. `?line=<pk>` narrows all three to the members of one line.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_cache_control
from django.utils.http import urlencode
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET

from learninglines.http import SPREADSHEET_TYPES, download
from learninglines.models import LearningLine
from learninglines.permissions import school_view
from sessions_app.exports import results_csv, results_xlsx
from sessions_app.models import Questionnaire
from sessions_app.selectors.reflections import Bar, QuestionResult, Results, questionnaire_results

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# The chart's drawing, in the SVG's own units (it scales to its box with the viewBox).
CHART_WIDTH = 320
BAR_MAX = 250  # the longest bar; the count is written after it
ROW = 44  # per bar: its label above, the bar below
LABEL_LENGTH = 44  # longer labels are cut in the chart (the table beside it has them whole)


@dataclass(frozen=True)
class DrawnBar:
    bar: Bar
    label: str
    label_y: int
    bar_y: int
    width: int
    count_x: int
    count_y: int


@dataclass(frozen=True)
class Chart:
    bars: list[DrawnBar]
    height: int
    width: int = CHART_WIDTH
    bar_height: int = 18


def chart_of(result: QuestionResult) -> Chart | None:
    """Where each bar goes: its length follows `Bar.percent` (of the longest shown bar)."""
    if not result.has_chart or result.withheld or result.is_private or not result.bars:
        return None
    drawn = []
    for index, bar in enumerate(result.bars):
        top = index * ROW
        width = round(BAR_MAX * bar.percent / 100) if bar.count else 0
        label = bar.label if len(bar.label) <= LABEL_LENGTH else bar.label[: LABEL_LENGTH - 1] + "…"
        drawn.append(
            DrawnBar(
                bar=bar,
                label=label,
                label_y=top + 14,
                bar_y=top + 20,
                width=width,
                count_x=width + 6,
                count_y=top + 34,
            )
        )
    return Chart(bars=drawn, height=ROW * len(drawn))


def _questionnaire(request: HttpRequest, pk: int) -> Questionnaire:
    return get_object_or_404(
        Questionnaire.objects.select_related("year", "session", "meeting__line"),
        school=request.school,
        pk=pk,
    )


def _line_filter(request: HttpRequest, questionnaire: Questionnaire) -> LearningLine | None:
    """The line of `?line=<pk>`: one of the form's school year, else 404; empty means all."""
    value = request.GET.get("line", "")
    if not value:
        return None
    if not (value.isascii() and value.isdigit()):  # "²" is a digit to Python, not to int()
        raise Http404("No such learning line")
    return get_object_or_404(LearningLine, year_id=questionnaire.year_id, pk=int(value))


def _results(request: HttpRequest, pk: int) -> Results:
    questionnaire = _questionnaire(request, pk)
    return questionnaire_results(
        questionnaire=questionnaire, line=_line_filter(request, questionnaire)
    )


def _private(response: HttpResponse) -> HttpResponse:
    patch_cache_control(response, private=True, no_store=True)
    return response


@require_GET
@school_view("view_results")
def results_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The response rate, a chart and table per scale or choice question, answers by line."""
    results = _results(request, pk)
    query = f"?{urlencode({'line': results.line_filter.pk})}" if results.line_filter else ""
    context = {
        "questionnaire": results.questionnaire,
        "results": results,
        "state": results.questionnaire.state(),
        "items": [(result, chart_of(result)) for result in results.questions],
        "query": query,
    }
    return _private(render(request, "sessions_app/reflections/results.html", context))


def _filename(results: Results, extension: str) -> str:
    line = results.line_filter
    suffix = ""
    if line is not None:
        suffix = (
            "-"
            + pgettext("file name", "line")
            + "-"
            + (line.letter if line.letter.isascii() and line.letter.isalnum() else str(line.pk))
        )
    word = pgettext("file name", "reflection")
    return f"{word}-{results.questionnaire.pk}{suffix}.{extension}"


@require_GET
@school_view("view_results")
def export_xlsx_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The results as a workbook: summary, answers, counts per option."""
    results = _results(request, pk)
    return download(results_xlsx(results), content_type=XLSX, filename=_filename(results, "xlsx"))


@require_GET
@school_view("view_results")
def export_csv_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The shown answers for Dutch Excel: semicolons, UTF-8 with a byte order mark."""
    results = _results(request, pk)
    return download(
        results_csv(results),
        content_type=SPREADSHEET_TYPES["csv"],
        filename=_filename(results, "csv"),
    )
