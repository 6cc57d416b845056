"""The scheduler view: make the table plan, swap and move people, lock tables, undo, repair.

One URL serves the whole page and, for htmx, the board fragment (`_plan_board.html`), which
holds the numbers and every round, so a change updates the numbers at once. Every change is a
POST carrying the plan's version; without JavaScript the same forms post and redirect back.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from django.views.decorators.http import require_GET, require_POST

from learninglines.http import SPREADSHEET_TYPES, spreadsheet_download
from learninglines.permissions import school_view
from learninglines.selectors.people import member_list
from sessions_app.forms.sessions import (
    ApartPairForm,
    PlanChangeForm,
    PlanGenerateForm,
    PlanLockForm,
    PlanVersionForm,
)
from sessions_app.models import ApartPair, PlanChange, PlenarySession, TablePlan
from sessions_app.plan_exports import plan_csv, plan_xlsx
from sessions_app.selectors.board import plan_board
from sessions_app.selectors.plans import plan_changes, plan_get
from sessions_app.selectors.sessions import session_get
from sessions_app.services.apart import apart_pair_add, apart_pair_remove
from sessions_app.services.plans import (
    StalePlan,
    plan_generate,
    plan_lock,
    plan_move,
    plan_release_leavers,
    plan_repair_round,
    plan_swap,
    plan_undo,
)
from sessions_app.views.sessions import is_editable


def _plan_url(session: PlenarySession, anchor: str = "") -> str:
    url = reverse(
        "sessions_app:plan-detail",
        kwargs={"school_slug": session.school.slug, "pk": session.pk},
    )
    return url + (f"#{anchor}" if anchor else "")


def _selection(request: HttpRequest) -> tuple[int | None, int | None]:
    """(round, member) picked as the first of a swap or move: `?round=2&select=17`."""
    try:
        number = int(request.GET.get("round", ""))
        member = int(request.GET.get("select", ""))
    except ValueError:
        return None, None
    return number, member


# A swap or move says so at the table where the keyboard was, with "Undo this swap" beside the
# message (one Tab on from it), instead of at the top of the board. Where, is carried in the
# messages' tags, so it survives the redirect without JavaScript: "at-2-m17" is the table of
# round 2 where member 17 sits now, "at-2-t3" table 3 of round 2; "undo-swap-35" is the change
# that made version 35 of the plan, which the Undo beside it takes back (posting that version:
# if anything changed since, undo is refused as for any older page).
_AT = re.compile(r"(?:^|\s)at-(\d+)-([mt])(\d+)(?:\s|$)")
_UNDO = re.compile(r"(?:^|\s)undo-(swap|move)-(\d+)(?:\s|$)")


@dataclass
class Notice:
    """The messages of a change, shown in its table's card (round, table number)."""

    round: int
    table: int
    messages: list = field(default_factory=list)
    undo: str = ""  # "swap" or "move": the change the Undo beside the message takes back
    version: int = 0  # the plan's version that change made


def _placed(request: HttpRequest, board) -> tuple[list, Notice | None]:
    """The request's messages: those for the top of the board, and those of a change shown at
    its table (when that table is on the board; else they go to the top too)."""
    top, notice = [], None
    for message in messages.get_messages(request):
        at = _AT.search(message.extra_tags or "")
        card = None
        if at:
            number, kind, value = int(at[1]), at[2], int(at[3])
            cards = next((r.tables for r in board.rounds if r.number == number), [])
            card = next(
                (
                    c
                    for c in cards
                    if (value in c.member_ids if kind == "m" else c.table.number == value)
                ),
                None,
            )
        if card is None or (notice and (notice.round, notice.table) != (number, card.table.number)):
            top.append(message)
            continue
        notice = notice or Notice(round=number, table=card.table.number)
        notice.messages.append(message)
        undo = _UNDO.search(message.extra_tags or "")
        if undo:
            notice.undo, notice.version = undo[1], int(undo[2])
    return top, notice


def _board_page(request: HttpRequest, session: PlenarySession, *, status: int = 200):
    plan = plan_get(session=session)
    editable = is_editable(session)
    # someone chosen to swap or move (only where the plan can change): the board then says
    # which tables they may move to, and forgets a choice of someone not seated in that round
    board = plan_board(
        session=session, plan=plan, selected=_selection(request) if editable else None
    )
    selected_round, selected = board.selected or (None, None)
    top, notice = _placed(request, board)
    context = {
        "session": session,
        "board": board,
        "editable": editable,
        "selected": selected,
        "selected_round": selected_round,
        "messages": top,
        "notice": notice,
        "apart_form": ApartPairForm(
            members=member_list(school=session.school).filter(
                pk__in=[i.member.pk for i in board.presence.expected]
            )
        ),
    }
    template = "sessions_app/_plan_board.html" if request.htmx else "sessions_app/plan_detail.html"
    return render(request, template, context, status=status)


def _after_change(request: HttpRequest, session: PlenarySession, anchor: str = ""):
    """htmx: the fresh board (messages included); otherwise back to the page (POST-redirect-GET)."""
    if request.htmx:
        return _board_page(request, session)
    return redirect(_plan_url(session, anchor))


def _refused(request: HttpRequest, error: ValidationError) -> None:
    level = messages.WARNING if isinstance(error, StalePlan) else messages.ERROR
    messages.add_message(request, level, " ".join(error.messages))


@require_GET
@school_view("plan_school")
def plan_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    session = session_get(school=request.school, pk=pk)
    return _board_page(request, session)


def _editable_session(request: HttpRequest, pk: int) -> PlenarySession:
    session = session_get(school=request.school, pk=pk)
    if not is_editable(session):
        raise Http404("This session's plan is history")
    return session


@require_POST
@school_view("plan_school")
def plan_generate_view(request: HttpRequest, pk: int) -> HttpResponse:
    session = _editable_session(request, pk)
    form = PlanGenerateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The plan could not be made from this form. Reload the page."))
        return _after_change(request, session)
    data = form.cleaned_data
    tables = None if data.get("auto") else (data.get("tables") or "keep")
    # A form without a version was on a page without a plan: if a plan exists by now (a double
    # click, or someone else), version 0 (never a plan's) refuses making it again (StalePlan).
    try:
        plan = plan_generate(
            session=session, by=request.user, version=data.get("version") or 0, tables=tables
        )
    except ValidationError as error:
        _refused(request, error)
    else:
        tables, repeats = len(plan.report["table_sizes"][0]), plan.report["repeats"]
        messages.success(
            request,
            _("The table plan is ready: %(tables)s, %(repeats)s.")
            % {
                "tables": ngettext("%(counter)s table", "%(counter)s tables", tables)
                % {"counter": tables},
                "repeats": ngettext(
                    "%(counter)s repeated encounter", "%(counter)s repeated encounters", repeats
                )
                % {"counter": repeats},
            },
        )
        for said in _made_again(plan):
            messages.info(request, said)
    return _after_change(request, session)


def _made_again(plan: TablePlan) -> list[str]:
    """What making the plan (again) changed, from the change just recorded: a table count asked
    for that no longer fits who is there, who sits elsewhere now, the locked tables kept."""
    changes = plan_changes(plan=plan, limit=1)
    details = changes[0].details if changes and changes[0].kind == PlanChange.Kind.GENERATE else {}
    said = []
    if details.get("not_possible"):
        said.append(
            ngettext(
                "%(asked)s table is not possible with who is there now, so the planner chose "
                "the number of tables.",
                "%(asked)s tables are not possible with who is there now, so the planner chose "
                "the number of tables.",
                details["not_possible"],
            )
            % {"asked": details["not_possible"]}
        )
    if "changed" in details:
        moved = details["changed"]
        said.append(
            ngettext(
                "%(count)s person sits at another table than before in at least one round.",
                "%(count)s people sit at another table than before in at least one round.",
                moved,
            )
            % {"count": moved}
            if moved
            else _("Everyone sits at the same table as before.")
        )
    if details.get("kept"):
        said.append(
            ngettext(
                "%(count)s locked table stayed as it was.",
                "%(count)s locked tables stayed as they were.",
                details["kept"],
            )
            % {"count": details["kept"]}
        )
    return said


@require_POST
@school_view("plan_school")
def plan_change_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Swap two people, or move one to another table, in one round."""
    session = _editable_session(request, pk)
    plan = plan_get(session=session)
    form = PlanChangeForm(request.POST)
    if plan is None:
        raise Http404("No plan yet")
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return _after_change(request, session)
    data = form.cleaned_data
    try:
        if data.get("second"):
            result = plan_swap(
                plan=plan,
                version=data["version"],
                round_number=data["round"],
                first=data["first"],
                second=data["second"],
                by=request.user,
            )
        else:
            result = plan_move(
                plan=plan,
                version=data["version"],
                round_number=data["round"],
                member=data["first"],
                table=data["table"],
                by=request.user,
            )
    except ValidationError as error:
        _refused(request, error)
    else:
        # said at the table the chosen person sits at now: where "Swap with" or "Move here"
        # was pressed, and where the focus goes on
        at = f"at-{data['round']}-m{data['first']}"
        kind = "swap" if data.get("second") else "move"
        messages.success(
            request,
            _("Swapped.") if data.get("second") else _("Moved."),
            extra_tags=f"{at} undo-{kind}-{result.plan.version}",
        )
        for warning in result.warnings:
            messages.warning(request, warning, extra_tags=at)
    return _after_change(request, session, f"round-{data['round']}")


@require_POST
@school_view("plan_school")
def plan_lock_view(request: HttpRequest, pk: int) -> HttpResponse:
    session = _editable_session(request, pk)
    plan = plan_get(session=session)
    form = PlanLockForm(request.POST)
    if plan is None or not form.is_valid():
        raise Http404("No such table")
    data = form.cleaned_data
    try:
        plan_lock(
            plan=plan,
            version=data["version"],
            round_number=data["round"],
            table=data["table"],
            locked=data["locked"],
            by=request.user,
        )
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(
            request,
            (
                _("Table %(table)s is locked.")
                if data["locked"]
                else _("Table %(table)s is unlocked.")
            )
            % {"table": data["table"]},
        )
    return _after_change(request, session, f"round-{data['round']}")


def _versioned_change(
    request: HttpRequest,
    pk: int,
    change: Callable,
    success: str | Callable,
    anchor: str = "",
    tags: str = "",
) -> HttpResponse:
    """A change of the whole plan that names only the version it was made on (undo, a round's
    repair, freeing seats): `change(plan, version)`, its refusal or `success` as the message
    (or `success(result)`, the message for what `change` returned), with `tags`."""
    session = _editable_session(request, pk)
    plan = plan_get(session=session)
    form = PlanVersionForm(request.POST)
    if plan is None or not form.is_valid():
        raise Http404("No plan yet")
    try:
        result = change(plan, form.cleaned_data["version"])
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(
            request, success(result) if callable(success) else success, extra_tags=tags
        )
    return _after_change(request, session, anchor)


def _undone(request: HttpRequest, plan: TablePlan) -> str:
    """The message after undo: which swap or move was taken back (other changes: "the last
    change"), read from the undo just recorded and the change it names."""
    changes = plan_changes(plan=plan)
    undid = changes[0].details.get("undid") if changes else None
    change = next((c for c in changes if c.version == undid), None)
    if change is None or change.kind not in (PlanChange.Kind.SWAP, PlanChange.Kind.MOVE):
        return _("The last change is undone.")
    members = change.details.get("members", [])
    names = {
        m.pk: m.full_name
        for m in member_list(school=request.school, active=None).filter(pk__in=members)
    }
    if not members or any(m not in names for m in members):
        return _("The last change is undone.")
    if change.kind == PlanChange.Kind.SWAP:
        return _("The swap of %(first)s and %(second)s in round %(round)s is undone.") % {
            "first": names[members[0]],
            "second": names[members[-1]],
            "round": change.details.get("round"),
        }
    return _("The move of %(name)s to table %(table)s in round %(round)s is undone.") % {
        "name": names[members[0]],
        "table": change.details.get("table"),
        "round": change.details.get("round"),
    }


@require_POST
@school_view("plan_school")
def plan_undo_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Undo the latest change. The Undo beside a swap's or move's message also sends its round
    and table: the message saying what was undone is shown there, where the keyboard is."""
    try:
        number, table = int(request.POST["round"]), int(request.POST["table"])
    except (KeyError, ValueError):
        anchor = tags = ""
    else:
        anchor, tags = f"round-{number}", f"at-{number}-t{table}"
    return _versioned_change(
        request,
        pk,
        lambda plan, version: plan_undo(plan=plan, version=version, by=request.user),
        lambda plan: _undone(request, plan),
        anchor,
        tags,
    )


@require_POST
@school_view("plan_school")
def plan_repair_view(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """Re-plan one round for late arrivals and leavers; only the tables they affect change."""
    return _versioned_change(
        request,
        pk,
        lambda plan, version: plan_repair_round(
            plan=plan, version=version, round_number=number, by=request.user
        ),
        lambda result: _repaired(number, result.details.get("also", [])),
        f"round-{number}",
    )


def _repaired(number: int, also: list[int]) -> str:
    """The message after "re-plan this round", naming the other rounds that changed with it."""
    said = _("Round %(number)s is re-planned.") % {"number": number}
    if not also:
        return said
    others = ngettext(
        "Round %(rounds)s changed too, to match who is there.",
        "Rounds %(rounds)s changed too, to match who is there.",
        len(also),
    ) % {"rounds": ", ".join(str(n) for n in also)}
    return f"{said} {others}"


@require_POST
@school_view("plan_school")
def plan_release_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Take people who left the team or their line off the plan, and seat who moved to another
    line in it; only their tables change."""

    def said(result) -> str:
        if result.details.get("moved"):
            return _(
                "Whoever moved to another learning line now sits in it; only the tables they "
                "left or joined changed."
            )
        return _("Their seats are free; only the tables they left changed.")

    return _versioned_change(
        request,
        pk,
        lambda plan, version: plan_release_leavers(plan=plan, version=version, by=request.user),
        said,
    )


@require_POST
@school_view("plan_school")
def apart_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    session = session_get(school=request.school, pk=pk)
    form = ApartPairForm(request.POST, members=member_list(school=request.school))
    if form.is_valid():
        try:
            apart_pair_add(school=request.school, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _refused(request, error)
        else:
            messages.success(
                request,
                _(
                    "%(first)s and %(second)s are never seated together from now on. Make the plan "
                    "again to apply it."
                )
                % {
                    "first": form.cleaned_data["first"].full_name,
                    "second": form.cleaned_data["second"].full_name,
                },
            )
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return _after_change(request, session, "apart")


@require_POST
@school_view("plan_school")
def apart_delete_view(request: HttpRequest, pk: int, pair_pk: int) -> HttpResponse:
    session = session_get(school=request.school, pk=pk)
    pair = ApartPair.objects.filter(school=request.school, pk=pair_pk).first()
    if pair is None:
        raise Http404("No such pair")
    apart_pair_remove(pair=pair)
    messages.success(request, _("They may sit together again."))
    return _after_change(request, session, "apart")


@require_GET
@school_view("plan_school")
def plan_export_view(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """The plan as a spreadsheet, a row per person (sessions_app.plan_exports)."""
    session = session_get(school=request.school, pk=pk)
    plan = plan_get(session=session)
    if plan is None or kind not in SPREADSHEET_TYPES:
        raise Http404("No plan, or no such file type")
    content = plan_xlsx(plan=plan) if kind == "xlsx" else plan_csv(plan=plan)
    # not inside an f-string: xgettext would not find the text to translate there
    name = pgettext("file name", "table-plan") + f"-{session.date}"
    return spreadsheet_download(content, kind=kind, name=name)
