"""School years and learning lines: the list, a line's page, and editing them."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from learninglines.forms.lines import LineContentForm, LineForm, StepFormSet, YearOpenForm
from learninglines.models import LearningLine, SchoolYear, default_school_year_bounds
from learninglines.permissions import has_permission, is_writable, require, school_view
from learninglines.selectors.lines import (
    line_get,
    line_list,
    line_members,
    reference_day,
    year_chosen,
    year_list,
)
from learninglines.selectors.meetings import meeting_list_for_line
from learninglines.services.lines import (
    StepData,
    line_archive,
    line_create,
    line_steps_save,
    line_update,
    school_year_next,
    school_year_open_next,
    school_year_removal,
    school_year_remove_ahead,
)
from learninglines.services.people import school_year_ensure_current


def _require_writable(year: SchoolYear) -> None:
    if not is_writable(year):
        raise PermissionDenied("An earlier school year is read-only")


def _lines_url(request: HttpRequest, year: SchoolYear | None = None) -> str:
    """The lines page of `year`: plain for the year holding today (years never overlap, so no
    query is needed to tell), with `?year=` for an earlier year or one opened ahead."""
    url = reverse("learninglines:line-list", kwargs={"school_slug": request.school.slug})
    today = timezone.localdate()
    if year is not None and not (year.start <= today <= year.end):
        url += f"?year={year.pk}"
    return url


@school_view("view_school")
def line_list_view(request: HttpRequest) -> HttpResponse:
    """Every line of the chosen year with members, step progress and meetings."""
    year = year_chosen(school=request.school, year_pk=request.GET.get("year"))
    can_plan = has_permission(request.user, "plan_school", request.school)
    lines = line_list(school=request.school, year=year) if year else []
    # archived lines are out of the way, not out of reach: the steering group restores one on
    # its page (and an archived line still holds its name in the year)
    archived = (
        LearningLine.objects.filter(
            school=request.school, year=year, archived_at__isnull=False
        ).order_by("letter")
        if year and can_plan
        else []
    )
    today = timezone.localdate()
    years = list(year_list(school=request.school))
    return render(
        request,
        "learninglines/line_list.html",
        {
            "year": year,
            "years": years,
            # a year opened ahead: the years page can only remove it, not open another
            "year_ahead": any(each.start > today for each in years),
            "lines": lines,
            "archived": archived,
            "can_plan": can_plan and year is not None and is_writable(year),
            "is_history": year is not None and not is_writable(year),
            # where an empty line of this year is filled: the team page places people in the
            # lines of the year holding today; a year opened ahead is filled once it has begun
            "place_url": (
                reverse("learninglines:member-list", kwargs={"school_slug": request.school.slug})
                + "?line=none"
                if year is not None and year.start <= today <= year.end
                else ""
            ),
            "places_from": year.start if year is not None and year.start > today else None,
        },
    )


@require_http_methods(["GET", "POST"])
@school_view("plan_school")
def line_create_view(request: HttpRequest) -> HttpResponse:
    year = year_chosen(school=request.school, year_pk=request.GET.get("year"))
    if year is None:
        messages.warning(request, _("Open a school year first."))
        return redirect("learninglines:year-list", school_slug=request.school.slug)
    _require_writable(year)
    form = LineForm(request.POST or None, year=year)
    if request.method == "POST" and form.is_valid():
        try:
            line = line_create(school=request.school, year=year, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Line %(line)s has been created.") % {"line": line})
            return redirect(line)
    return render(
        request,
        "learninglines/line_form.html",
        {"form": form, "year": year, "line": None, "lines_url": _lines_url(request, year)},
    )


@school_view("view_school")
def line_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    line = line_get(school=request.school, pk=pk)
    day = reference_day(line.year)
    writable = is_writable(line.year) and not line.is_archived
    steps = list(line.steps.all())
    meetings = meeting_list_for_line(line=line)
    today = timezone.localdate()
    return render(
        request,
        "learninglines/line_detail.html",
        {
            "line": line,
            "lines_url": _lines_url(request, line.year),
            "steps": steps,
            "steps_done": sum(step.status == "done" for step in steps),
            "members": line_members(line=line, day=day),
            "can_edit": writable and has_permission(request.user, "edit_line", line),
            # an archived line is read-only, but the steering group restores it here
            "can_archive": is_writable(line.year)
            and has_permission(request.user, "edit_line", line),
            "can_shape": writable and has_permission(request.user, "edit_line_content", line),
            "is_history": not is_writable(line.year),
            "meetings": meetings,
            # the next meeting first (on a phone it would sit at the bottom), the past below,
            # latest first
            "meetings_ahead": [m for m in meetings if m.date >= today],
            "meetings_past": [m for m in reversed(meetings) if m.date < today],
            "can_manage": writable and has_permission(request.user, "manage_line_meetings", line),
        },
    )


@require_http_methods(["GET", "POST"])
@school_view("plan_school")
def line_update_view(request: HttpRequest, pk: int) -> HttpResponse:
    line = line_get(school=request.school, pk=pk)
    require(request, "edit_line", line)
    _require_writable(line.year)
    form = LineForm(request.POST or None, instance=line, year=line.year)
    if request.method == "POST" and form.is_valid():
        line_update(line=line, **form.cleaned_data)
        messages.success(request, _("The line has been saved."))
        return redirect(line)
    return render(
        request, "learninglines/line_form.html", {"form": form, "year": line.year, "line": line}
    )


@require_http_methods(["GET", "POST"])
@school_view("view_school")
def line_content_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The line's own members (and the planners) shape its description and steps."""
    line = line_get(school=request.school, pk=pk)
    require(request, "edit_line_content", line)
    _require_writable(line.year)
    if line.is_archived:
        raise PermissionDenied("An archived line is read-only")
    initial = [
        {
            "pk": s.pk,
            "title": s.title,
            "status": s.status,
            "target_date": s.target_date,
            "ORDER": place,
        }
        for place, s in enumerate(line.steps.all(), start=1)
    ]
    form = LineContentForm(request.POST or None, instance=line)
    steps = StepFormSet(request.POST or None, initial=initial, prefix="steps")
    if request.method == "POST" and form.is_valid() and steps.is_valid():
        rows = [
            StepData(
                pk=row.get("pk"),
                title=row["title"],
                status=row["status"],
                target_date=row.get("target_date"),
            )
            for row in steps.ordered_rows()
        ]
        try:
            with transaction.atomic():  # both or neither: never a description without its steps
                line_update(line=line, description=form.cleaned_data["description"])
                line_steps_save(line=line, steps=rows)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The description and steps have been saved."))
            return redirect(line)
    return render(
        request,
        "learninglines/line_content_form.html",
        {"form": form, "steps": steps, "line": line},
    )


@require_POST
@school_view("plan_school")
def line_archive_view(request: HttpRequest, pk: int) -> HttpResponse:
    line = line_get(school=request.school, pk=pk)
    require(request, "edit_line", line)
    _require_writable(line.year)
    archive = request.POST.get("archive") != "restore"
    line_archive(line=line, archived=archive)
    if archive:
        messages.success(
            request,
            _("%(line)s is archived; its members are now in no line.") % {"line": line},
        )
    else:
        messages.success(request, _("%(line)s is active again.") % {"line": line})
    return redirect(_lines_url(request, line.year) if archive else line.get_absolute_url())


def _first_year(request: HttpRequest) -> HttpResponse:
    """A school made without a school year (in the admin) opens the one containing today."""
    if request.method == "POST":
        try:
            year = school_year_ensure_current(school=request.school)
        except ValidationError as error:  # a year set by hand overlaps 1 August - 31 July
            messages.error(request, " ".join(error.messages))
            return redirect(request.path)
        messages.success(request, _("School year %(name)s is open.") % {"name": year.name})
        return redirect(_lines_url(request, year))
    start, end = default_school_year_bounds(timezone.localdate())
    return render(
        request,
        "learninglines/year_list.html",
        {"years": [], "first": {"name": f"{start.year}-{end.year}", "start": start, "end": end}},
    )


@require_http_methods(["GET", "POST"])
@school_view("plan_school")
def year_list_view(request: HttpRequest) -> HttpResponse:
    """The school's years; open the next one, copying lines and (per line) their members."""
    years = year_list(school=request.school)
    latest = years[0] if years else None
    if latest is None or (request.method == "POST" and "first" in request.POST):
        # a second press of "open school year" (a double click, the back button) opens that
        # same year again, never the one after it
        return _first_year(request)
    lines = LearningLine.objects.filter(year=latest).active().order_by("letter") if latest else []
    form = YearOpenForm(request.POST or None, lines=lines, after=latest)
    today = timezone.localdate()
    # the year a press opens: after a year without the app, the one holding today
    following = school_year_next(latest=latest, today=today) if latest.start <= today else None
    if request.method == "POST" and form.is_valid():
        copy, carry = form.choices()
        try:
            year = school_year_open_next(
                school=request.school,
                copy_line_ids=copy,
                carry_member_line_ids=carry,
                after_pk=form.cleaned_data["after"],
            )
        except ValidationError as error:
            if error.code == "already_open":
                # a second press (or a colleague just before): the year is there, go to it
                messages.info(request, " ".join(error.messages))
                return redirect(_lines_url(request, latest))
            form.add_error(None, error)
        else:
            messages.success(
                request,
                ngettext(
                    "School year %(name)s is open with %(count)d line.",
                    "School year %(name)s is open with %(count)d lines.",
                    len(copy),
                )
                % {"name": year.name, "count": len(copy)},
            )
            return redirect(_lines_url(request, year))
    return render(
        request,
        "learninglines/year_list.html",
        {
            "years": years,
            "latest": latest,
            "form": form,
            "today": today,
            "next": following,
            "skipped": ", ".join(following.skipped) if following else "",
            # more than four months ahead (before 1 April for 1 August): out of the way
            "open_early": following is not None and (following.start - today).days > 122,
        },
    )


# the school years this session removed (their numbers), for a second press
_YEARS_REMOVED = "learninglines.years_removed"


@require_http_methods(["GET", "POST"])
@school_view("plan_school")
def year_remove_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A year opened ahead by mistake: GET says what removing it takes along and puts back (or
    what keeps it), POST removes it (`school_year_remove_ahead`)."""
    years_url = reverse("learninglines:year-list", kwargs={"school_slug": request.school.slug})
    year = SchoolYear.objects.filter(school=request.school, pk=pk).first()
    removed = request.session.get(_YEARS_REMOVED, [])
    if year is None:
        if request.method == "POST" and pk in removed:
            # a second press: it is gone, nothing more happens. Only a year this session
            # removed: any other number is a 404, whether or not it is another school's year
            messages.info(request, _("This school year has been removed already."))
            return redirect(years_url)
        raise Http404("No such school year")
    previous = (
        SchoolYear.objects.filter(school=request.school, start__lt=year.start)
        .order_by("-start")
        .first()
    )
    if request.method == "POST":
        try:
            removal = school_year_remove_ahead(year=year)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(request.path)
        request.session[_YEARS_REMOVED] = [*removed, pk][-20:]
        if removal is None:
            messages.info(request, _("This school year has been removed already."))
            return redirect(years_url)
        text = _("School year %(name)s is removed, with %(lines)s and %(places)s.") % {
            "name": removal.year.name,
            "lines": _count_lines(removal.lines),
            "places": _count_places(removal.places),
        }
        if removal.reopened and previous is not None:
            text += " " + _reopened_text(removal.reopened, previous)
        messages.success(request, text)
        return redirect(years_url)
    removal = school_year_removal(year=year)
    return render(
        request,
        "learninglines/year_confirm_remove.html",
        {
            "removal": removal,
            "year": year,
            "previous": previous,
            "lines_text": _count_lines(removal.lines),
            "places_text": _count_places(removal.places),
            "reopened_text": _reopened_text(removal.reopened, previous)
            if removal.reopened and previous is not None
            else "",
        },
    )


def _count_lines(count: int) -> str:
    return ngettext("%(count)d learning line", "%(count)d learning lines", count) % {"count": count}


def _count_places(count: int) -> str:
    return ngettext("%(count)d place in them", "%(count)d places in them", count) % {"count": count}


def _reopened_text(count: int, previous: SchoolYear) -> str:
    return ngettext(
        "%(count)d place in the lines of %(name)s no longer ends on %(day)s: it is as it was "
        "before the opening.",
        "%(count)d places in the lines of %(name)s no longer end on %(day)s: they are as they "
        "were before the opening.",
        count,
    ) % {
        "count": count,
        "name": previous.name,
        "day": formats.date_format(previous.end, "j F Y"),
    }
