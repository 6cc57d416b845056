"""The team page: members, their lines, and sign-in invitations."""

from datetime import date

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from learninglines.forms.team import MemberForm, MoveForm, TeamFilterForm
from learninglines.models import LineMembership, Member, SchoolYear
from learninglines.permissions import current_line, school_view
from learninglines.redirects import redirect_to_next
from learninglines.selectors.lines import (
    lines_for_choice,
    lines_for_placing,
    member_current_lines,
    member_places_in_year,
    moves_after,
    year_current,
    years_now_and_ahead,
)
from learninglines.selectors.people import coach_list, invited_at, member_list
from learninglines.services.lines import membership_move
from learninglines.services.people import (
    member_add,
    member_invite,
    member_set_active,
    member_update,
    members_invite_not_signed_in,
)


def _team_url(request: HttpRequest) -> str:
    return reverse("learninglines:member-list", kwargs={"school_slug": request.school.slug})


def _line_start(year: SchoolYear, today: date | None = None) -> date:
    """A new placement starts today, or on the first day of a year that has not begun."""
    today = today or timezone.localdate()
    return max(today, year.start)


def _add_errors(form, error: ValidationError) -> None:
    """Show a service's refusal on the form: on its field where the form has one."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _member_of_school(request: HttpRequest, pk: int, *, active: bool | None = True) -> Member:
    members = request.school.members.select_related("user", "school")
    if active is not None:
        members = members.filter(is_active=active)
    return get_object_or_404(members, pk=pk)


@school_view("plan_school")
def member_list_view(request: HttpRequest) -> HttpResponse:
    """The team in register order, searchable by name or address and filterable by line.

    While a school year opened ahead (in June) has not begun, each member shows their place in
    it too, and the filter offers its lines and "no place in that year yet"."""
    today = timezone.localdate()
    year, ahead = years_now_and_ahead(school=request.school, today=today)
    if ahead is not None:
        lines = list(lines_for_placing(school=request.school, today=today))
    else:
        lines = list(lines_for_choice(school=request.school, year=year)) if year else []
    filters = TeamFilterForm(request.GET or None, lines=lines, ahead=ahead)
    members = member_list(school=request.school)
    current = member_current_lines(school=request.school, day=today)
    # {member pk: places in the year ahead}; someone without a key has no place there yet
    places = member_places_in_year(school=request.school, year=ahead) if ahead else {}
    everyone = list(members)
    shown = everyone
    inactive = member_list(school=request.school, active=False)
    if filters.is_valid():
        query = filters.cleaned_data["q"].strip()
        if query:
            condition = Q()
            for word in query.split():
                condition &= (
                    Q(first_name__icontains=word)
                    | Q(name_prefix__icontains=word)
                    | Q(last_name__icontains=word)
                    | Q(user__email__icontains=word)
                )
            matching = set(members.filter(condition).values_list("pk", flat=True))
            shown = [member for member in shown if member.pk in matching]
            inactive = inactive.filter(condition)
        line = filters.cleaned_data["line"]
        if line:  # former members are in no line
            inactive = inactive.none()
        if line == "none":
            shown = [member for member in shown if member.pk not in current]
        elif line == TeamFilterForm.NO_PLACE_AHEAD and ahead is not None:
            shown = [member for member in shown if member.pk not in places]
        elif line.isascii() and line.isdigit():  # "²" is a digit to Python, not to int()
            # a line of this year: who is in it today; of the year ahead: who is placed in it
            shown = [
                m
                for m in shown
                if (m.pk in current and current[m.pk].pk == int(line))
                or any(place.line_id == int(line) for place in places.get(m.pk, ()))
            ]
    invited = invited_at(school=request.school)
    for member in everyone:
        member.current_line = current.get(member.pk)
        member.invited_at = invited.get(member.user_id)
        member.places_ahead = places.get(member.pk, [])
    return render(
        request,
        "learninglines/member_list.html",
        {
            "members": shown,
            "members_total": len(everyone),
            "not_signed_in": sum(1 for m in everyone if m.first_seen_at is None),
            "filters": filters,
            "is_filtered": shown is not everyone,
            "coaches": coach_list(school=request.school),
            "inactive": inactive,
            "ahead": ahead,
            "no_place_ahead": sum(1 for m in everyone if m.pk not in places) if ahead else 0,
            "no_place_ahead_filter": TeamFilterForm.NO_PLACE_AHEAD,
        },
    )


@require_http_methods(["GET", "POST"])
@school_view("plan_school")
def member_create_view(request: HttpRequest) -> HttpResponse:
    year = year_current(school=request.school)
    # a colleague added in June for next year is placed in that year's line straight away
    lines = lines_for_placing(school=request.school) if year else None
    form = MemberForm(request.POST or None, lines=lines)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if request.school.members.filter(user__email=data["email"].strip().lower()).exists():
            form.add_error("email", _("This address already belongs to a member of this team."))
        else:
            try:
                member, _created = member_add(
                    school=request.school,
                    email=data["email"],
                    first_name=data["first_name"],
                    name_prefix=data["name_prefix"],
                    last_name=data["last_name"],
                    is_steering=data["is_steering"],
                )
            except ValidationError as error:
                form.add_error(None, error)
                return render(
                    request, "learninglines/member_form.html", {"form": form, "member": None}
                )
            if data.get("line"):
                line = data["line"]
                membership_move(member=member, line=line, start=_line_start(line.year))
            messages.success(
                request,
                _("%(name)s is now in the team. Send a sign-in link when you are ready.")
                % {"name": member.full_name},
            )
            return redirect(_team_url(request))
    return render(request, "learninglines/member_form.html", {"form": form, "member": None})


@require_http_methods(["GET", "POST"])
@school_view("plan_school")
def member_update_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A member's details, their line (and its history), and deactivation."""
    member = _member_of_school(request, pk, active=None)
    initial = {
        "first_name": member.first_name,
        "name_prefix": member.name_prefix,
        "last_name": member.last_name,
        "email": member.user.email,
        "is_steering": member.is_steering,
    }
    form = MemberForm(request.POST or None, initial=initial)
    if member.user.last_login is not None and member.user != request.user:
        # member_update refuses it; the form says so before anyone types (a disabled field
        # keeps its initial value, whatever is posted)
        form.fields["email"].disabled = True
        form.fields["email"].help_text = _(
            "%(name)s has signed in with this address: only the administration changes it."
        ) % {"name": member.full_name}
    if request.method == "POST" and form.is_valid():
        own_address = request.user.email
        try:
            member_update(member=member, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            if getattr(error, "code", None) == "erased":  # the page shows no form to hold it
                messages.error(request, " ".join(error.messages))
                return redirect(request.path)
            _add_errors(form, error)
        else:
            if member.user_id == request.user.pk and member.user.email != own_address:
                # a new address ends the account's sessions (User.get_session_auth_hash):
                # their other devices sign in again, this one stays signed in
                update_session_auth_hash(request, member.user)
            messages.success(request, _("The details of %(name)s are saved.") % {"name": member})
            return redirect(_team_url(request))
    year = year_current(school=request.school)
    today = timezone.localdate()
    # this year's lines and, once the next year is open (in June), that year's lines too
    lines = lines_for_placing(school=request.school, today=today) if year else None
    offered = list(lines) if lines is not None else []
    ahead = next((line.year for line in offered if line.year.start > today), None)
    line_now = current_line(member)
    history = list(
        LineMembership.objects.filter(member=member)
        .select_related("line", "line__year")
        .order_by("-start")
    )
    planned = [membership for membership in reversed(history) if membership.start > today]
    # the move form starts at the line they are in (or, in no line today, their place in the
    # year ahead): pressing "move" without a choice must not take them out of it
    stay = line_now.pk if line_now and year and line_now.year_id == year.pk else None
    if stay is None and line_now is None:
        stay = next(
            (m.line_id for m in planned if m.line.year.start > today and m.line in offered), None
        )
    # placing a whole team one by one: the next colleague still in no line, one tap away
    unplaced = []
    if year and offered:
        placed = member_current_lines(school=request.school)
        unplaced = [
            other
            for other in member_list(school=request.school)
            if other.pk not in placed and other.pk != member.pk
        ]
    return render(
        request,
        "learninglines/member_form.html",
        {
            "form": form,
            "member": member,
            "move_form": MoveForm(
                lines=lines, ahead=ahead, initial={"start": _line_start(year), "line": stay}
            )
            if year
            else None,
            "history": history,
            "planned": planned,
            "current_line": line_now,
            "today": today,
            "unplaced": unplaced,
        },
    )


@require_POST
@school_view("plan_school")
def member_move_view(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member_of_school(request, pk)
    year = year_current(school=request.school)
    if year is None:
        messages.error(request, _("Open a school year first."))
        return redirect("learninglines:member-update", school_slug=request.school.slug, pk=pk)
    form = MoveForm(request.POST, lines=lines_for_placing(school=request.school))
    if form.is_valid():
        start = form.cleaned_data["start"]
        chosen = form.cleaned_data["line"]
        if chosen is not None and start == _line_start(year) < chosen.year.start:
            # a line of the year opened ahead, the date left as the form gave it: the place
            # starts on that year's first day (a date typed in another year is refused below)
            start = chosen.year.start
        planned = moves_after(member=member, day=start)
        try:
            membership_move(member=member, line=form.cleaned_data["line"], start=start)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            line = form.cleaned_data["line"]
            messages.success(
                request,
                (
                    _("%(name)s is in %(line)s from %(date)s.")
                    if line
                    else _("%(name)s is in no line from %(date)s.")
                )
                % {
                    "name": member.full_name,
                    "line": line,
                    "date": formats.date_format(start, "j F Y"),
                },
            )
            kept = {m.pk for m in moves_after(member=member, day=start)} if planned else set()
            for replaced in (m for m in planned if m.pk not in kept):
                messages.info(
                    request,
                    _("The move to %(line)s planned from %(date)s no longer holds.")
                    % {"line": replaced.line, "date": formats.date_format(replaced.start, "j F Y")},
                )
    else:
        messages.error(request, _("Choose a line and a valid date."))
    return redirect("learninglines:member-update", school_slug=request.school.slug, pk=pk)


@require_POST
@school_view("plan_school")
def member_active_view(request: HttpRequest, pk: int) -> HttpResponse:
    # An erased member ("Oud-teamlid N") is never brought back: erasure is for good.
    member = get_object_or_404(
        request.school.members.select_related("user", "school").filter(erasure__isnull=True),
        pk=pk,
    )
    active = request.POST.get("active") == "1"
    if not active and member.pk == getattr(request.access.member, "pk", None):
        messages.error(request, _("You cannot deactivate yourself."))
        return redirect("learninglines:member-update", school_slug=request.school.slug, pk=pk)
    member_set_active(member=member, active=active)
    messages.success(
        request,
        (
            _("%(name)s is active again.")
            if active
            else _("%(name)s is deactivated. Their history stays; they can no longer sign in here.")
        )
        % {"name": member.full_name},
    )
    return redirect(_team_url(request))


@require_http_methods(["GET", "POST"])
@school_view("plan_school")
def member_invite_view(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks for confirmation; POST mails the person a personal invitation link."""
    member = _member_of_school(request, pk)
    if request.method == "GET":
        return render(request, "learninglines/member_invite_confirm.html", {"member": member})
    # The answer is decided before anything is queued: a request that fails queues nothing.
    response = redirect_to_next(request, _team_url(request))
    if member_invite(member=member) is None:
        messages.warning(
            request,
            _(
                "%(name)s already received three links in the last 15 minutes. Ask them to check "
                "their spam folder, or try again later."
            )
            % {"name": member.full_name},
        )
    else:
        messages.success(
            request,
            _("A personal sign-in link is on its way to %(name)s.") % {"name": member.full_name},
        )
    return response


@require_http_methods(["GET", "POST"])
@school_view("plan_school")
def member_invite_all_view(request: HttpRequest) -> HttpResponse:
    """GET shows who would get a link; POST invites everyone who never signed in."""
    waiting = list(member_list(school=request.school).filter(first_seen_at__isnull=True))
    if request.method == "GET":
        return render(request, "learninglines/member_invite_all_confirm.html", {"waiting": waiting})
    invited, skipped = members_invite_not_signed_in(school=request.school)
    messages.success(
        request,
        ngettext(
            "%(count)d invitation is on its way.",
            "%(count)d invitations are on their way.",
            invited,
        )
        % {"count": invited},
    )
    if skipped:
        messages.warning(
            request,
            ngettext(
                "%(count)d person already received three links in the last 15 minutes.",
                "%(count)d people already received three links in the last 15 minutes.",
                skipped,
            )
            % {"count": skipped},
        )
    return redirect(_team_url(request))
