"""Line meetings: plan and change them, write notes, record who came; all lines on one page."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.models import model_to_dict
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from learninglines.forms.meetings import AttendanceForm, MeetingForm, MeetingNotesForm
from learninglines.models import LearningLine, LineMeeting, SchoolYear
from learninglines.permissions import has_permission, is_writable, require, school_view
from learninglines.selectors.meetings import (
    line_joined_after,
    meeting_attendance_rows,
    meeting_get,
    meeting_list_for_school,
)
from learninglines.services.meetings import (
    MEETING_FIELDS,
    meeting_attendance_save,
    meeting_create,
    meeting_delete,
    meeting_notes_save,
    meeting_removable,
    meeting_update,
)


def _line_url(line: LearningLine) -> str | None:
    # The line page lives with the lines pages; until its URL exists, pages leave the link out.
    try:
        return line.get_absolute_url()
    except NoReverseMatch:
        return None


def _writable(line: LearningLine) -> bool:
    """An archived line and a line of an ended school year are read-only, meetings included."""
    return not line.is_archived and is_writable(line.year)


def _require_manage(request: HttpRequest, line: LearningLine) -> None:
    require(request, "manage_line_meetings", line)
    if not _writable(line):
        raise PermissionDenied("An archived line or an earlier school year is read-only")


def _detail_url(request: HttpRequest, meeting: LineMeeting) -> str:
    return reverse(
        "learninglines:meeting-detail",
        kwargs={"school_slug": request.school.slug, "pk": meeting.pk},
    )


@school_view("plan_school")
def meeting_list_view(request: HttpRequest) -> HttpResponse:
    """Every line's meetings of one school year, by line or by date, with attendance counts."""
    years = list(SchoolYear.objects.filter(school=request.school).order_by("-start"))
    today = timezone.localdate()
    year = next((y for y in years if y.start <= today <= y.end), None)
    chosen = request.GET.get("year", "")
    if chosen.isascii() and chosen.isdigit():  # "²" is a digit to Python, not to int()
        year = next((y for y in years if y.pk == int(chosen)), year)
    if year is None and years:
        year = years[0]
    group = "date" if request.GET.get("group") == "date" else "line"
    overview = meeting_list_for_school(school=request.school, year=year) if year else None
    return render(
        request,
        "learninglines/meetings/meeting_list.html",
        {
            "years": years,
            "year": year,
            "year_ended": year is not None and year.end < today,
            "group": group,
            "overview": overview,
        },
    )


def _meeting_form_page(request, *, line, form, meeting=None, status=200) -> HttpResponse:
    return render(
        request,
        "learninglines/meetings/meeting_form.html",
        {"line": line, "meeting": meeting, "form": form, "line_url": _line_url(line)},
        status=status,
    )


@require_http_methods(["GET", "POST"])
@school_view("view_school")
def meeting_create_view(request: HttpRequest, line_pk: int) -> HttpResponse:
    line = get_object_or_404(
        LearningLine.objects.filter(school=request.school).select_related("year", "school"),
        pk=line_pk,
    )
    require(request, "manage_line_meetings", line)
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = meeting_create(line=line, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The meeting is planned."))
            return redirect(_detail_url(request, meeting))
    return _meeting_form_page(request, line=line, form=form)


@require_http_methods(["GET", "POST"])
@school_view("view_school")
def meeting_update_view(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_get(school=request.school, pk=pk)
    _require_manage(request, meeting.line)
    form = MeetingForm(
        request.POST or None, initial=model_to_dict(meeting, fields=list(MEETING_FIELDS))
    )
    if request.method == "POST" and form.is_valid():
        try:
            meeting_update(meeting=meeting, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The meeting is saved."))
            return redirect(_detail_url(request, meeting))
    return _meeting_form_page(request, line=meeting.line, form=form, meeting=meeting)


@require_POST
@school_view("view_school")
def meeting_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove a meeting that will not take place; one that already holds something stays."""
    meeting = meeting_get(school=request.school, pk=pk)
    _require_manage(request, meeting.line)
    try:
        meeting_delete(meeting=meeting)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(_detail_url(request, meeting))
    messages.success(
        request,
        _("The meeting of %(day)s is removed.") % {"day": formats.date_format(meeting.date)},
    )
    return redirect(
        _line_url(meeting.line)
        or reverse("learninglines:meeting-list", kwargs={"school_slug": request.school.slug})
    )


def _detail_page(
    request: HttpRequest,
    meeting: LineMeeting,
    *,
    notes_form: MeetingNotesForm | None = None,
    attendance_form: AttendanceForm | None = None,
) -> HttpResponse:
    may_manage = has_permission(request.user, "manage_line_meetings", meeting.line)
    can_manage = may_manage and _writable(meeting.line)
    rows = meeting_attendance_rows(meeting=meeting)
    counts = dict.fromkeys(("present", "excused", "absent", ""), 0)
    for row in rows:
        counts[row.status] += 1
    context = {
        "meeting": meeting,
        "line": meeting.line,
        "line_url": _line_url(meeting.line),
        "can_manage": can_manage,
        # a read-only line's meeting still shows who came to those who kept the attendance
        "shows_names": may_manage,
        "removable": can_manage
        and meeting_removable(meeting, attended=any(row.status for row in rows)) is None,
        "today": timezone.localdate(),
        "rows": rows,
        "counts": counts,
    }
    if can_manage and not rows:
        # nobody to mark because the line's members were placed in it after this date
        context["joined_on"] = line_joined_after(meeting=meeting)
        context["can_place"] = has_permission(request.user, "plan_school", request.school)
    if can_manage:
        context["notes_form"] = notes_form or MeetingNotesForm(initial={"notes": meeting.notes})
        context["attendance_form"] = attendance_form or AttendanceForm(rows=rows)
    return render(request, "learninglines/meetings/meeting_detail.html", context)


@school_view("view_school")
def meeting_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Every teacher of the school reads a meeting; who came is shown to those who manage it."""
    return _detail_page(request, meeting_get(school=request.school, pk=pk))


@require_POST
@school_view("view_school")
def meeting_notes_view(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_get(school=request.school, pk=pk)
    _require_manage(request, meeting.line)
    form = MeetingNotesForm(request.POST)
    if form.is_valid():
        try:
            meeting_notes_save(meeting=meeting, notes=form.cleaned_data["notes"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The notes are saved."))
            return redirect(_detail_url(request, meeting) + "#notes")
    return _detail_page(request, meeting, notes_form=form)


@require_POST
@school_view("view_school")
def meeting_attendance_view(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_get(school=request.school, pk=pk)
    _require_manage(request, meeting.line)
    form = AttendanceForm(request.POST, rows=meeting_attendance_rows(meeting=meeting))
    if form.is_valid():
        try:
            meeting_attendance_save(meeting=meeting, statuses=form.statuses())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Attendance is saved."))
            return redirect(_detail_url(request, meeting) + "#attendance")
    return _detail_page(request, meeting, attendance_form=form)
