"""Project-wide views: the home page and the error pages in the site's own layout."""

import logging

from django.contrib.auth.decorators import login_not_required
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
    HttpResponseServerError,
)
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token

from learninglines.permissions import current_line, school_view
from learninglines.selectors.lines import cycle_progress, line_list, team_facts, year_current
from learninglines.selectors.meetings import meeting_next_for_member
from learninglines.selectors.people import coach_list, member_list, user_schools
from learninglines.services.people import member_seen
from sessions_app.selectors.exchanges import ambition_versions, invitations_waiting
from sessions_app.selectors.reflections import questionnaires_to_answer
from sessions_app.selectors.sessions import session_next

logger = logging.getLogger(__name__)

RETRY_SECONDS = 10


@login_not_required
def home(request: HttpRequest) -> HttpResponse:
    """The front door: a welcome for visitors; everyone else goes to their school or picks one."""
    if not request.user.is_authenticated:
        return render(request, "exchange/home.html")
    schools = user_schools(user=request.user)
    if len(schools) == 1:
        return redirect(schools[0]["school"])
    return render(request, "exchange/school_list.html", {"schools": schools})


@login_not_required
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the page says; point them at the real icon."""
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))


@school_view("view_school")
def school_home(request: HttpRequest) -> HttpResponse:
    """One school's start page, with a part for each role the person has there.

    Teachers see the reflection forms open for them, their line (goal, steps) beside their own
    ambition, their next meeting, their exchanges, their log and calendar; the steering group and
    coach see the lines, the cycle prompt and the team. A fixed number of queries however large
    the school.
    """
    access = request.access
    school = request.school
    if access.member is not None:
        member_seen(member=access.member)  # "has signed in" here, on the team page
    year = year_current(school=school)
    context = {
        "access": access,
        "school": school,
        "year": year,
        "next_session": session_next(school=school),
    }
    if access.is_teacher:
        line = current_line(access.member)
        next_meeting = meeting_next_for_member(member=access.member)
        context.update(
            my_line=line,
            my_steps=list(line.steps.all()) if line else [],
            next_meeting=next_meeting,
            to_answer=questionnaires_to_answer(member=access.member),
            invitations=invitations_waiting(member=access.member),
            my_ambition=next(iter(ambition_versions(member=access.member, year=year)), None)
            if year
            else None,
        )
    if access.is_steering or access.is_coach:
        cycle = cycle_progress(school=school, year=year) if year else None
        team = team_facts(school=school)
        context.update(
            lines=line_list(school=school, year=year) if year else [],
            cycle=cycle,
            team=team,
            steering=list(member_list(school=school).filter(is_steering=True)),
            coaches=list(coach_list(school=school)),
            next_step=planning_next_step(year=year, cycle=cycle, team=team),
        )
    return render(request, "exchange/school_home.html", context)


def planning_next_step(*, year, cycle, team) -> str | None:
    """The first step of a school's year that is not done yet, for the steering group and
    coach: a school year, its lines, a team, people in the lines. None once they are there: the
    cycle card then follows the line meetings towards the plenary session.

    One step at a time: the home page offers only this one as "next", so it never offers a
    step that cannot work yet (a plenary session without a school year) nor two at once.
    """
    if year is None:
        return "year"
    if not cycle.lines:
        return "lines"
    if team.active < 2:
        return "team"
    if team.in_no_line >= team.active:
        return "place"
    return None


@requires_csrf_token
def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


@requires_csrf_token
def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    # The error may come from the template system or a context processor itself: if the page in
    # the site layout cannot be drawn, a plain page still tells the person what happened.
    # A GET tries again by itself after a while (a database restart is over in seconds), so no
    # error page is left on a phone; a POST never does, so nothing is sent twice.
    retry = RETRY_SECONDS if request.method == "GET" else None
    try:
        return render(request, "500.html", {"retry_seconds": retry}, status=500)
    except Exception:
        logger.exception("Rendering the 500 page failed")
        page = "<!doctype html><title>500</title><p>" + _("Something went wrong on our side.")
        if retry:
            try:
                script = f'<script src="{static("js/retry.js")}" defer></script>'
            except Exception:  # the static files' manifest itself may be what failed
                script = ""
            page += (
                f'</p><p data-retry-seconds="{retry}">'
                + _("This page tries again by itself in a few seconds.")
                + script
            )
        return HttpResponseServerError(page + "</p>")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "403_csrf.html", status=403)
