"""The coach's home and the school overview (coach and steering group), on screen and on A4.

The overview's filters live in the URL (GET): a view can be bookmarked and shared. The coach
switches school keeping the date range (a year and a line belong to one school). The
person-level list of who has not met a line yet is for the steering group only
(`view_encounters`). Charts are SVG drawn by templates from the numbers computed here; each
has a table beside it, which a phone shows instead of the chart. The encounters' heat map is
that table itself, shaded. Never a ranking or score of teachers, and never of lines.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import ceil
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET

from learninglines.http import spreadsheet_download
from learninglines.models import LearningLine
from learninglines.permissions import has_permission, school_view
from learninglines.selectors.lines import year_list
from sessions_app.forms.overview import (
    KEPT_ACROSS_SCHOOLS,
    OverviewFilterForm,
    year_from_query,
)
from sessions_app.overview_exports import matrix_csv, overview_csv, overview_xlsx
from sessions_app.selectors.coach import coach_overview, coached_schools
from sessions_app.selectors.overview import Encounters, Overview, school_overview

FILTER_KEYS = ("year", "line", "from", "to")
HEAT_LEVELS = 4


@require_GET
def coach_home_view(request: HttpRequest) -> HttpResponse:
    """The schools the signed-in person coaches, one line of status each (a 404 for nobody)."""
    schools = coach_overview(user=request.user)
    if not schools:
        raise Http404("You coach no school")
    request.coaches_schools = True  # the navigation knows without asking again
    return render(
        request,
        "sessions_app/overview/coach_home.html",
        # the day of a session: "today", and its page one tap away (the projector, the door)
        {"schools": schools, "today": timezone.localdate()},
    )


@require_GET
@school_view("view_results")
def overview_view(request: HttpRequest) -> HttpResponse:
    """One page at a glance for a school year: lines, sessions, who met whom, what was learned."""
    target = request.GET.get("school")
    if target and target != request.school.slug:
        return _switch_school(request, target)
    context = _overview_context(request)
    if context["access"].is_coach:
        context["coached"] = coached_schools(user=request.user)
    return render(request, "sessions_app/overview/overview.html", context)


@require_GET
@school_view("view_results")
def overview_print_view(request: HttpRequest) -> HttpResponse:
    """The same overview for A4: print CSS, a card or a table row never split over pages."""
    return render(request, "sessions_app/overview/print.html", _overview_context(request))


def _download(request: HttpRequest, content: bytes, kind: str, suffix: str = "") -> HttpResponse:
    # not inside an f-string: xgettext would not find the text to translate there
    name = pgettext("file name", "overview") + f"-{request.school.slug}{suffix}"
    return spreadsheet_download(content, kind=kind, name=name)


def _export_context(request: HttpRequest) -> dict:
    context = _overview_context(request)
    if "overview" not in context:
        raise Http404("No school year to export")
    return context


@require_GET
@school_view("view_results")
def overview_xlsx_view(request: HttpRequest) -> HttpResponse:
    """The overview as XLSX, one sheet per part, with the page's filters."""
    context = _export_context(request)
    content = overview_xlsx(context["overview"], person_level=context["person_level"])
    return _download(request, content, "xlsx")


@require_GET
@school_view("view_results")
def overview_csv_view(request: HttpRequest) -> HttpResponse:
    """The overview's lines and sessions as CSV for Dutch Excel."""
    return _download(request, overview_csv(_export_context(request)["overview"]), "csv")


@require_GET
@school_view("view_results")
def overview_matrix_csv_view(request: HttpRequest) -> HttpResponse:
    """Who met whom, line by line, as CSV."""
    content = matrix_csv(_export_context(request)["overview"])
    return _download(request, content, "csv", "-" + pgettext("file name", "encounters"))


def _switch_school(request: HttpRequest, slug: str) -> HttpResponse:
    """To another coached school's overview, keeping the date range (not year and line)."""
    if slug not in {a.school.slug for a in coached_schools(user=request.user)}:
        raise Http404("Not a school you coach")
    url = reverse("sessions_app:overview", kwargs={"school_slug": slug})
    kept = {key: request.GET[key] for key in KEPT_ACROSS_SCHOOLS if request.GET.get(key)}
    return redirect(f"{url}?{urlencode(kept)}" if kept else url)


def _overview_context(request: HttpRequest) -> dict:
    school = request.school
    years = year_list(school=school)
    year = year_from_query(years, request.GET.get("year"))
    today = timezone.localdate()
    context = {
        "school": school,
        "access": request.access,
        "years": years,
        "year": year,
        # the latest year is shown when none holds today: said so, with where to open one
        "no_year_today": not any(y.start <= today <= y.end for y in years),
        "query": _query(request),
    }
    if year is None:
        return context
    lines = list(LearningLine.objects.filter(school=school, year=year).order_by("letter", "pk"))
    form = OverviewFilterForm(request.GET, years=years, year=year, lines=lines)
    filters = form.filters()
    person_level = has_permission(request.user, "view_encounters", school)
    overview = school_overview(school=school, filters=filters, person_level=person_level)
    context.update(
        form=form,
        filters=filters,
        overview=overview,
        person_level=person_level,
        heat=_heat_map(overview.encounters),
        course=_course_chart(overview.encounters),
        # nothing in the matrix: no table plan held and no small exchange in the span
        encountered=any(count for row in overview.encounters.matrix for count in row),
        took=_took_chart(overview),
        # one "nothing yet" for the section rather than one per line
        any_learned=any(group.quotes or group.withheld for group in overview.learned),
        exchange_pairs=_exchange_pairs(overview),
        exchange_took=_exchange_took(overview),
        any_held=bool(overview.sessions),
    )
    return context


def _exchange_pairs(overview: Overview) -> list[tuple]:
    """Held small exchanges per pair of lines, as (line, line, count), by letter."""
    if overview.exchanges is None:
        return []
    lines = {line.pk: line for line in overview.encounters.lines}
    return [
        (lines[first], lines[second], count)
        for (first, second), count in sorted(
            overview.exchanges.by_line_pair.items(),
            key=lambda item: (lines[item[0][0]].letter, lines[item[0][1]].letter),
        )
        if first in lines and second in lines
    ]


def _exchange_took(overview: Overview) -> list[tuple]:
    """Lines named in notes of small exchanges as where something was taken from, as (line,
    count), the count None below the threshold: the rows the XLSX writes, in the same order."""
    if overview.exchanges is None:
        return []
    took = overview.exchanges.took_from
    return [
        (group.line, took[group.line.pk]) for group in overview.learned if group.line.pk in took
    ]


def _query(request: HttpRequest) -> str:
    """The filters as a query string, for the print link and the school switch."""
    kept = {key: request.GET[key] for key in FILTER_KEYS if request.GET.get(key)}
    return urlencode(kept)


# --- charts: geometry for the templates' SVG ---


@dataclass(frozen=True)
class HeatCell:
    count: int
    level: int  # 0 (never) to HEAT_LEVELS (most)


def _heat_map(encounters: Encounters) -> list[tuple[LearningLine, list[HeatCell]]]:
    """The matrix table's rows with a shade per cell: the table is the heat map.

    An SVG drawn to a fixed size shrank with its labels on a phone (and with 12 lines on a
    projector); a table's numbers keep the page's text size and it scrolls in its own region.
    """
    highest = max((count for row in encounters.matrix for count in row), default=0)
    return [
        (
            row_line,
            [
                HeatCell(
                    count=count,
                    level=ceil(HEAT_LEVELS * count / highest) if highest and count else 0,
                )
                for count in row
            ],
        )
        for row_line, row in encounters.rows
    ]


@dataclass(frozen=True)
class CoursePoint:
    x: int
    y: int
    percent: int
    number: int


@dataclass(frozen=True)
class CourseChart:
    width: int
    height: int
    left: int
    top: int
    bottom: int
    points: list[CoursePoint]
    polyline: str
    ticks: list[tuple[int, int]]  # (percent, y)


def _course_chart(encounters: Encounters) -> CourseChart:
    # Labels are 16 units high (CSS): the chart is drawn only where it is at least 450 px wide
    # (a phone gets the table instead), so they never render below 12 px.
    width, height, left, top, bottom = 600, 224, 60, 12, 190
    points = []
    count = len(encounters.course)
    step = (width - left - 20) / max(count - 1, 1)
    for index, point in enumerate(encounters.course):
        x = left + 10 + round(index * step) if count > 1 else left + (width - left) // 2
        y = bottom - round((bottom - top) * point.percent / 100)
        points.append(CoursePoint(x, y, point.percent, index + 1))
    ticks = [(p, bottom - round((bottom - top) * p / 100)) for p in (0, 25, 50, 75, 100)]
    polyline = " ".join(f"{p.x},{p.y}" for p in points)
    return CourseChart(width, height, left, top, bottom, points, polyline, ticks)


@dataclass(frozen=True)
class TookBar:
    line: LearningLine
    count: int
    y: int
    width: int


@dataclass(frozen=True)
class TookChart:
    width: int
    height: int
    left: int
    bars: list[TookBar]


def _took_chart(overview: Overview) -> TookChart:
    # Labels 16 units high, drawn only where the chart is at least 450 px wide (as the course).
    width, left, row = 600, 44, 34
    room = width - left - 60
    highest = overview.took_max
    bars = [
        TookBar(
            group.line,
            group.took_from_here,
            row * index + 6,
            round(room * group.took_from_here / highest) if highest else 0,
        )
        for index, group in enumerate(overview.learned)
    ]
    return TookChart(width, row * len(bars) + 6, left, bars)
