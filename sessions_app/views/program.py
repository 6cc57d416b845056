"""A session's program: add, change, remove and reorder assignments; keep it as a template."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from learninglines.permissions import school_view
from sessions_app.forms.sessions import AssignmentForm
from sessions_app.models import Assignment, PlenarySession
from sessions_app.selectors.sessions import program_rounds, session_get
from sessions_app.services.program import (
    assignment_create,
    assignment_delete,
    assignment_move,
    assignment_update,
    program_save_as_template,
)
from sessions_app.views.sessions import is_editable


def _program_url(session: PlenarySession) -> str:
    return session.get_absolute_url() + "#program"


def _assignment_get(session: PlenarySession, pk: int) -> Assignment:
    assignment = session.assignments.filter(pk=pk).first()
    if assignment is None:
        raise Http404("No such assignment")
    assignment.session = session
    return assignment


def _program_closed(request: HttpRequest, session: PlenarySession) -> HttpResponse | None:
    """Back to the session with the reason when its program can no longer change (held, or of
    a school year that has ended: the session page then offers no button either), rather
    than a form that can only be refused on saving."""
    if is_editable(session):
        return None
    if session.status in (PlenarySession.Status.HELD, PlenarySession.Status.CLOSED):
        messages.warning(request, _("This session has been held: its program stays as it was."))
    else:
        messages.warning(request, _("This school year has ended: its sessions are read-only."))
    return redirect(_program_url(session))


def _form_page(request, *, session, form, assignment=None) -> HttpResponse:
    return render(
        request,
        "sessions_app/assignment_form.html",
        {"session": session, "form": form, "assignment": assignment},
    )


@require_http_methods(["GET", "POST"])
@school_view("plan_school")
def assignment_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    session = session_get(school=request.school, pk=pk)
    if closed := _program_closed(request, session):
        return closed
    form = AssignmentForm(request.POST or None, rounds=program_rounds(session.assignments.all()))
    if request.method == "POST" and form.is_valid():
        try:
            assignment_create(session=session, data=form.data_object())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The assignment is added to the program."))
            return redirect(_program_url(session))
    return _form_page(request, session=session, form=form)


@require_http_methods(["GET", "POST"])
@school_view("plan_school")
def assignment_update_view(request: HttpRequest, pk: int, assignment_pk: int) -> HttpResponse:
    session = session_get(school=request.school, pk=pk)
    assignment = _assignment_get(session, assignment_pk)
    if closed := _program_closed(request, session):
        return closed
    form = AssignmentForm(
        request.POST or None,
        initial=AssignmentForm.initial_of(assignment),
        rounds=program_rounds(session.assignments.all()),
    )
    if request.method == "POST" and form.is_valid():
        try:
            assignment_update(assignment=assignment, data=form.data_object())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The assignment is saved."))
            return redirect(_program_url(session))
    return _form_page(request, session=session, form=form, assignment=assignment)


@require_POST
@school_view("plan_school")
def assignment_delete_view(request: HttpRequest, pk: int, assignment_pk: int) -> HttpResponse:
    session = session_get(school=request.school, pk=pk)
    assignment = _assignment_get(session, assignment_pk)
    try:
        assignment_delete(assignment=assignment)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("“%(title)s” is removed from the program.") % {"title": assignment.title}
        )
    return redirect(_program_url(session))


@require_POST
@school_view("plan_school")
def assignment_move_view(request: HttpRequest, pk: int, assignment_pk: int) -> HttpResponse:
    """Up or down one place: buttons, so reordering works with the keyboard alone."""
    session = session_get(school=request.school, pk=pk)
    assignment = _assignment_get(session, assignment_pk)
    try:
        assignment_move(assignment=assignment, direction=request.POST.get("direction", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    url = reverse(
        "sessions_app:session-detail", kwargs={"school_slug": request.school.slug, "pk": pk}
    )
    return redirect(f"{url}#assignment-{assignment.pk}")


@require_POST
@school_view("plan_school")
def program_template_view(request: HttpRequest, pk: int) -> HttpResponse:
    session = session_get(school=request.school, pk=pk)
    try:
        program_save_as_template(session=session, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("This program is now the starting program of the school's next sessions.")
        )
    return redirect(_program_url(session))
