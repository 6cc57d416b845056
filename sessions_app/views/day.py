"""The day itself: publish, the teacher's table on a phone, print, the projector and its clock.

The teacher's page and the projector poll a small fragment (htmx); the same URL serves the
whole page. The clock is changed only by POSTs of the steering group and the coach.
"""

from __future__ import annotations

import segno
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from learninglines.http import download
from learninglines.models import Member
from learninglines.permissions import school_view
from learninglines.redirects import safe_next_url
from learninglines.services.links import magic_link_url, site_url
from learninglines.services.signin import magic_link_for_door, may_use_magic_links
from sessions_app.calendar import session_ics
from sessions_app.models import PlenarySession, Questionnaire, Reflection
from sessions_app.selectors.day import (
    clock_state,
    my_day,
    round_view,
    session_on_its_day,
    session_today,
)
from sessions_app.selectors.plans import plan_get, plan_rounds_view
from sessions_app.selectors.reflections import is_asked
from sessions_app.selectors.sessions import (
    program_rounds,
    session_get,
    session_presence,
    session_program,
)
from sessions_app.services.day import (
    CLOCK_ACTIONS,
    clock_act,
    my_session_path,
    session_announce_change,
    session_publish,
)
from sessions_app.services.sessions import session_hold, session_hold_check


def _qr_svg(url: str) -> str:
    """An inline SVG QR code (markup only: no script, no style attribute).

    With a viewBox instead of a fixed width and height, so the page's size for `.qr-code svg`
    scales the whole code: a fixed 222 px drawn into a 12rem box cut off its right and bottom
    edge (finder patterns and quiet zone), and phones could not read it.
    """
    return segno.make(url, error="m").svg_inline(
        scale=6, dark="#000", light="#fff", border=2, omitsize=True
    )


@require_GET
@school_view("view_school")
def my_session_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A teacher's page: their table, the colleagues there, the assignment and time left."""
    session = session_get(school=request.school, pk=pk)
    today = session_today()
    # Phones follow the projector's clock on the session's day only (into the night after it,
    # for an evening session that overruns midnight): trying out the projector ahead of time
    # must not show a running assignment or hide a round on teachers' phones.
    on_the_day = session_on_its_day(session.date)
    state = clock_state(session=session, follow=on_the_day)
    member = request.access.member
    day = (
        my_day(session=session, member=member, rounds=program_rounds(state.assignments))
        if member
        else None
    )
    context = {
        "session": session,
        "state": state,
        "day": day,
        "now_table": day.table_in(state.table_round) if day else None,
        "fragment_url": request.path,
        "reflection": _my_reflection(session, member),
        # Held, closed or past: the day is over, so no clock, no "first"/"now" and no polling.
        "live": session.date >= today
        and session.status in (PlenarySession.Status.DRAFT, PlenarySession.Status.PUBLISHED),
        "polling": on_the_day
        and session.status in (PlenarySession.Status.DRAFT, PlenarySession.Status.PUBLISHED),
    }
    template = "sessions_app/_my_session.html" if request.htmx else "sessions_app/my_session.html"
    response = render(request, template, context)
    patch_cache_control(response, private=True, no_store=True)
    return response


def _my_reflection(session: PlenarySession, member: Member | None) -> Questionnaire | None:
    """The session's reflection form when it is open and `member` is asked (else None).

    One query (with whether the member submitted), two more while the form is open.
    """
    if member is None:
        return None
    questionnaire = (
        Questionnaire.objects.filter(session=session)
        .annotate(
            mine_submitted=Exists(
                Reflection.objects.filter(
                    questionnaire=OuterRef("pk"), member=member, submitted_at__isnull=False
                )
            )
        )
        .first()
    )
    if questionnaire is None or not questionnaire.is_open():
        return None
    questionnaire.session = session
    return questionnaire if is_asked(questionnaire=questionnaire, member=member) else None


@require_GET
@school_view("plan_school")
def projector_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Full screen for the hall: the current round's tables, the assignment, the countdown."""
    return _projector(request, session_get(school=request.school, pk=pk))


def _projector(request: HttpRequest, session: PlenarySession) -> HttpResponse:
    state = clock_state(session=session)
    remote = (request.GET.get("remote") or request.POST.get("remote")) == "1"
    url = reverse(
        "sessions_app:projector", kwargs={"school_slug": session.school.slug, "pk": session.pk}
    )
    plan = plan_get(session=session)
    context = {
        "session": session,
        "state": state,
        "round": round_view(plan=plan, number=state.table_round),
        # After the last table round (the reflection) there is no round to show, but a plan.
        "has_plan": plan is not None,
        "remote": remote,
        "projector_url": url + ("?remote=1" if remote else ""),
    }
    if request.htmx:
        return render(request, "sessions_app/_projector_state.html", context)
    context["qr"] = _qr_svg(site_url(reverse("learninglines:magic-link-request")))
    context["sign_in_url"] = site_url(reverse("learninglines:magic-link-request"))
    return render(request, "sessions_app/projector.html", context)


def _shown_position(request: HttpRequest) -> int | None:
    """The assignment the pressing screen showed (None: not said, as an older page's form)."""
    value = request.POST.get("at", "")
    return int(value) if value.isascii() and value.isdigit() and len(value) < 6 else None


@require_POST
@school_view("plan_school")
def clock_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Start, pause, reset, next, previous: the server keeps the state for every screen."""
    session = session_get(school=request.school, pk=pk)
    action = request.POST.get("action", "")
    if action not in CLOCK_ACTIONS:
        raise Http404("No such action")
    try:
        clock_act(session=session, action=action, by=request.user, at=_shown_position(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    fallback = reverse(
        "sessions_app:projector", kwargs={"school_slug": request.school.slug, "pk": pk}
    )
    if request.htmx:
        return _projector(request, session)
    return redirect(safe_next_url(request, request.POST.get("next"), fallback))


@require_GET
@school_view("plan_school")
def print_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A4 from the browser: the plan per round, a card per table, the list for the door."""
    session = session_get(school=request.school, pk=pk)
    plan = plan_get(session=session)
    rounds = plan_rounds_view(plan=plan) if plan else []
    assignments = list(session.assignments.order_by("position", "pk"))
    by_name: dict[int, dict] = {}
    for rnd in rounds:
        for table in rnd.tables:
            for seat in table.seats:
                entry = by_name.setdefault(
                    seat.member_id, {"member": seat.member, "line": seat.line, "tables": {}}
                )
                entry["tables"][rnd.number] = table.table.number
    numbers = [rnd.number for rnd in rounds]
    door = sorted(
        ({**entry, "row": [entry["tables"].get(n) for n in numbers]} for entry in by_name.values()),
        key=lambda e: (
            e["member"].last_name.lower(),
            e["member"].name_prefix.lower(),
            e["member"].first_name.lower(),
        ),
    )
    return render(
        request,
        "sessions_app/print.html",
        {
            "session": session,
            "rounds": rounds,
            "round_rows": [
                (rnd, [a for a in assignments if a.table_round == rnd.number]) for rnd in rounds
            ],
            "numbers": numbers,
            "door": door,
        },
    )


@require_http_methods(["GET", "POST"])
@school_view("plan_school")
def publish_view(request: HttpRequest, pk: int) -> HttpResponse:
    session = session_get(school=request.school, pk=pk)
    plan = plan_get(session=session)
    if request.method == "POST":
        try:
            count = session_publish(session=session, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                ngettext(
                    "Published. %(count)s mail with a personal link is on its way.",
                    "Published. %(count)s mails with a personal link are on their way.",
                    count,
                )
                % {"count": count},
            )
        return redirect(session)
    seated = (
        len({s.member_id for r in plan_rounds_view(plan=plan) for t in r.tables for s in t.seats})
        if plan
        else 0
    )
    return render(
        request,
        "sessions_app/publish_confirm.html",
        {
            "session": session,
            "plan": plan,
            "seated": seated,
            # the mail tells everyone the program; say before it goes out that it runs over
            "over_minutes": session_program(session=session).over_minutes,
        },
    )


@require_POST
@school_view("plan_school")
def announce_view(request: HttpRequest, pk: int) -> HttpResponse:
    session = session_get(school=request.school, pk=pk)
    try:
        count = session_announce_change(session=session, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            ngettext(
                "%(count)s person whose table changed gets a mail.",
                "%(count)s people whose table changed get a mail.",
                count,
            )
            % {"count": count},
        )
    return redirect(
        reverse("sessions_app:plan-detail", kwargs={"school_slug": request.school.slug, "pk": pk})
    )


@require_http_methods(["GET", "POST"])
@school_view("plan_school")
def hold_view(request: HttpRequest, pk: int) -> HttpResponse:
    """After the session: confirm who sat where, make the rounds history, start a new cycle."""
    session = session_get(school=request.school, pk=pk)
    if request.method == "POST":
        try:
            session_hold(session=session, today=timezone.localdate())
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            started = session.year.cycle_started_on
            if started == session.date:
                text = _(
                    "The session is marked held. Its rounds count for the next table plan, and "
                    "a new cycle of line meetings starts on %(day)s."
                )
            else:  # a later session was held first: its cycle goes on
                text = _(
                    "The session is marked held. Its rounds count for the next table plan; the "
                    "cycle of line meetings that started on %(day)s goes on."
                )
            messages.success(request, text % {"day": formats.date_format(started, "j F Y")})
        return redirect(session)
    try:
        session_hold_check(session=session, today=timezone.localdate())
    except ValidationError as error:
        refusal = " ".join(error.messages)
    else:
        refusal = ""
    presence = session_presence(session=session)
    plan = plan_get(session=session)
    rounds = plan_rounds_view(plan=plan) if plan else []
    return render(
        request,
        "sessions_app/hold_confirm.html",
        {
            "session": session,
            "presence": presence,
            "seated": [(r.number, len(r.seated)) for r in rounds],
            "refusal": refusal,
        },
    )


@require_GET
@school_view("view_school")
def session_ics_view(request: HttpRequest, pk: int) -> HttpResponse:
    session = session_get(school=request.school, pk=pk)
    if session.is_draft and not (request.access.is_steering or request.access.is_coach):
        raise Http404("Not published yet")
    word = pgettext("file name", "plenary-session")
    return download(
        session_ics(session=session),
        content_type="text/calendar",
        filename=f"{word}-{session.date}.ics",
        private=False,  # when and where a session is, as everyone of the school may see it
    )


@require_POST
@school_view("plan_school")
def door_link_view(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    """A one-time sign-in QR for someone at the door, shown on the steering member's screen."""
    session = session_get(school=request.school, pk=pk)
    member = (
        Member.objects.filter(school=request.school, pk=member_pk, is_active=True)
        .select_related("user")
        .first()
    )
    if member is None:
        raise Http404("No such member")
    try:
        link = magic_link_for_door(
            user=member.user,
            school=request.school,
            next_path=my_session_path(session),
            shown_by=request.user,
        )
    except ValueError:
        if may_use_magic_links(member.user):
            messages.error(
                request,
                _(
                    "%(name)s also has other rights in the app (steering group, coach or another "
                    "school), so a sign-in code would open more than this session. Ask them to "
                    "sign in with their own link."
                )
                % {"name": member.full_name},
            )
        else:
            messages.error(request, _("This account signs in with a password and a code."))
        return redirect(
            reverse(
                "sessions_app:session-attendance",
                kwargs={"school_slug": request.school.slug, "pk": pk},
            )
        )
    response = render(
        request,
        "sessions_app/door_qr.html",
        {"session": session, "member": member, "qr": _qr_svg(magic_link_url(link))},
    )
    patch_cache_control(response, private=True, no_store=True)
    return response
