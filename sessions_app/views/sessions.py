"""Plenary sessions: the list per school year, plan one, its page, change it, remove a draft,
record one held without this app."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from learninglines.http import SPREADSHEET_TYPES, spreadsheet_download
from learninglines.permissions import has_permission, school_view
from learninglines.selectors.lines import year_chosen, year_current, year_list
from sessions_app.forms.sessions import EarlierSessionForm, SessionForm
from sessions_app.models import PlenarySession
from sessions_app.plan_exports import earlier_template
from sessions_app.selectors.plans import plan_get
from sessions_app.selectors.sessions import (
    has_own_program,
    is_editable,
    session_get,
    session_list,
    session_presence,
    session_program,
    session_title_suggested,
    session_year_open,
)
from sessions_app.services.earlier import (
    OTHER_SCHOOL,
    AlreadyRecorded,
    earlier_plan_read,
    earlier_plan_sign,
    earlier_plan_unsign,
    earlier_session_check,
    earlier_session_record,
)
from sessions_app.services.sessions import (
    SESSION_FIELDS,
    session_create,
    session_delete,
    session_update,
)


@school_view("plan_school")
def session_list_view(request: HttpRequest) -> HttpResponse:
    """The chosen school year's sessions: upcoming and held, with status and plan numbers."""
    year = year_chosen(school=request.school, year_pk=request.GET.get("year"))
    sessions = session_list(school=request.school, year=year) if year else []
    today = timezone.localdate()
    held = (PlenarySession.Status.HELD, PlenarySession.Status.CLOSED)
    rows = [
        (s, session_program(session=s, assignments=list(s.assignments.all()))) for s in sessions
    ]
    return render(
        request,
        "sessions_app/session_list.html",
        {
            "year": year,
            "years": year_list(school=request.school),
            "upcoming": [r for r in rows if r[0].status not in held and r[0].date >= today],
            "past": [r for r in rows if r[0].status in held or r[0].date < today],
            "can_create": year is not None and year.end >= today,
        },
    )


def _no_year_page(request: HttpRequest, template: str, context: dict) -> HttpResponse:
    """The page of a new session without a school year to put it in: said at once, with the
    way out (the school years page for who may open one), and no form that can only be refused."""
    return render(
        request,
        template,
        {
            **context,
            "form": None,
            "no_year": True,
            "may_open_year": has_permission(request.user, "plan_school", request.school),
        },
    )


@require_http_methods(["GET", "POST"])
@school_view("plan_school")
def session_create_view(request: HttpRequest) -> HttpResponse:
    if not session_year_open(school=request.school):
        return _no_year_page(request, "sessions_app/session_form.html", {"session": None})
    initial = {
        "title": session_title_suggested(school=request.school),
        "start_time": "15:00",
        "end_time": "16:45",
    }
    form = SessionForm(request.POST or None, initial=initial)
    own_program = has_own_program(school=request.school)
    if request.method == "POST" and form.is_valid():
        try:
            session = session_create(school=request.school, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("The session is planned with your school's own program. Adjust it where needed.")
                if own_program
                else _(
                    "The session is planned with the method's program. Adjust it to your school."
                ),
            )
            return redirect(session)
    return render(
        request,
        "sessions_app/session_form.html",
        {"form": form, "session": None, "own_program": own_program},
    )


@school_view("plan_school")
def session_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The session: when and where, the exchange rules, the program, attendance and the plan."""
    session = session_get(school=request.school, pk=pk)
    program = session_program(session=session)
    plan = plan_get(session=session)
    return render(
        request,
        "sessions_app/session_detail.html",
        {
            "session": session,
            "program": program,
            "plan": plan,
            "presence": session_presence(session=session, rounds=program.rounds),
            "editable": is_editable(session),
            "today": timezone.localdate(),
        },
    )


@require_http_methods(["GET", "POST"])
@school_view("plan_school")
def session_update_view(request: HttpRequest, pk: int) -> HttpResponse:
    session = session_get(school=request.school, pk=pk)
    if not is_editable(session):
        messages.warning(request, _("This session has been held: it stays as it was."))
        return redirect(session)
    initial = {name: getattr(session, name) for name in SESSION_FIELDS}
    form = SessionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            mailed = session_update(session=session, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                ngettext(
                    "The session is saved. %(count)s person gets a mail with the new day, time "
                    "or place.",
                    "The session is saved. %(count)s people get a mail with the new day, time "
                    "or place.",
                    mailed,
                )
                % {"count": mailed}
                if mailed
                else _("The session is saved."),
            )
            return redirect(session)
    return render(request, "sessions_app/session_form.html", {"form": form, "session": session})


@require_POST
@school_view("plan_school")
def session_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    session = session_get(school=request.school, pk=pk)
    try:
        session_delete(session=session)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(session)
    messages.success(request, _("The draft session is removed."))
    return redirect("sessions_app:session-list", school_slug=request.school.slug)


@require_http_methods(["GET", "POST"])
@school_view("plan_school")
def earlier_session_view(request: HttpRequest) -> HttpResponse:
    """Record a session held without this app from its table plan: upload, preview, confirm."""
    if year_current(school=request.school) is None:
        # only the year holding today takes an earlier session (`earlier_session_check`)
        return _no_year_page(request, "sessions_app/earlier_session.html", {"preview": None})
    posted = request.POST or None
    if posted is not None and request.FILES.get("file"):
        # a file uploaded is previewed (and checked for size), never a token of an earlier
        # preview sent beside it
        posted = posted.copy()
        posted["token"] = ""
    form = EarlierSessionForm(
        posted,
        request.FILES or None,
        initial={
            "title": session_title_suggested(school=request.school),
            "start_time": "15:00",
            "end_time": "16:45",
        },
    )
    preview = token = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            earlier_session_check(school=request.school, day=data["date"])
            if data["token"]:
                return _record_confirmed(request, data)
            preview = earlier_plan_read(
                school=request.school, content=data["file"].read(), day=data["date"]
            )
            if not preview.problems:
                token = earlier_plan_sign(school=request.school, plan=preview)
        except ValidationError as error:
            if getattr(error, "code", None) == OTHER_SCHOOL:
                raise Http404("A preview of another school") from None
            form.add_error(None, error)
    return render(
        request,
        "sessions_app/earlier_session.html",
        {"form": form, "preview": preview, "token": token},
    )


def _record_confirmed(request: HttpRequest, data: dict) -> HttpResponse:
    """The confirmed preview recorded; a second confirmation opens what the first recorded."""
    day = data["date"]
    try:
        session = earlier_session_record(
            school=request.school,
            day=day,
            rounds=earlier_plan_unsign(school=request.school, token=data["token"], day=day),
            by=request.user,
            **{k: data[k] for k in ("title", "start_time", "end_time", "place")},
        )
    except AlreadyRecorded as already:
        # a second click, or back and confirm again: the session recorded the first time, once
        messages.info(request, already.messages[0])
        return redirect("sessions_app:plan-detail", request.school.slug, already.session.pk)
    messages.success(
        request,
        _("The session is recorded as held: its tables count as history for the next table plan."),
    )
    return redirect("sessions_app:plan-detail", request.school.slug, session.pk)


@require_GET
@school_view("plan_school")
def earlier_template_view(request: HttpRequest, kind: str) -> HttpResponse:
    """The team as a list to fill in with each person's table per round (xlsx or csv)."""
    if kind not in SPREADSHEET_TYPES:
        raise Http404("No such file type")
    return spreadsheet_download(
        earlier_template(school=request.school, kind=kind),
        kind=kind,
        name=pgettext("file name", "table-plan-to-fill-in"),
    )
