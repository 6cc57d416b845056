"""Who is there: absentees beforehand and, on a phone at the door, late arrivals and leavers."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from learninglines.permissions import school_view
from learninglines.services.signin import door_link_refused
from sessions_app.forms.sessions import AttendanceForm
from sessions_app.models import PlenarySession
from sessions_app.selectors.sessions import (
    rounds_off_presence,
    session_get,
    session_presence,
)
from sessions_app.services.attendance import attendance_save
from sessions_app.views.sessions import is_editable


@require_http_methods(["GET", "POST"])
@school_view("plan_school")
def attendance_view(request: HttpRequest, pk: int) -> HttpResponse:
    session = session_get(school=request.school, pk=pk)
    presence = session_presence(session=session)
    editable = is_editable(session)
    form = AttendanceForm(
        request.POST if request.method == "POST" and editable else None,
        expected=presence.expected,
        rounds=presence.rounds,
    )
    if request.method == "POST" and editable and form.is_valid():
        try:
            saved = attendance_save(session=session, changes=form.changes(), by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if saved:
                messages.success(
                    request,
                    ngettext(
                        "Attendance is saved (%(count)s change).",
                        "Attendance is saved (%(count)s changes).",
                        saved,
                    )
                    % {"count": saved},
                )
            elif not saved.overtaken:
                messages.info(request, _("Nothing changed."))
            if saved.overtaken:
                messages.warning(
                    request,
                    _(
                        "Someone else changed the attendance of %(names)s in the meantime: "
                        "their change is kept and yours was not saved. Check it below."
                    )
                    % {"names": ", ".join(saved.overtaken)},
                )
            return redirect(
                reverse(
                    "sessions_app:session-attendance",
                    kwargs={"school_slug": request.school.slug, "pk": session.pk},
                )
            )
    present_counts = [len(presence.present(n)) for n in range(1, presence.rounds + 1)]
    return render(
        request,
        "sessions_app/attendance.html",
        {
            "session": session,
            "presence": presence,
            "form": form,
            "editable": editable,
            "present_counts": present_counts,
            "unfollowed": rounds_off_presence(session=session, presence=presence)
            if editable
            else [],
            # the round lists' one copy, which a row takes when "part of it" is chosen
            "round_numbers": range(1, presence.rounds + 1),
            # "Show a sign-in code" in the rows, sent by one form: on the way to the day
            "door": editable and session.status != PlenarySession.Status.DRAFT,
            # whom a sign-in code at the door may not be shown for (more rights than a teacher)
            "no_door": door_link_refused(
                school=request.school, user_ids=[i.member.user_id for i in presence.expected]
            ),
        },
    )
