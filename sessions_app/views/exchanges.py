"""Exchange people start themselves: my ambition, my small exchanges, starting one, answering.

Team members only (`take_part`: a coach gets 403). An exchange someone does not take part in is
a 404, as is another school's. What a person sees of the others' answers follows
`group_visible_responses`: in a group nobody is told who declined. Notes of others show only
where `notes_readable` allows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from learninglines.models import LearningLine, LineMembership, Member, School, SchoolYear
from learninglines.permissions import school_view
from learninglines.redirects import safe_next_url
from learninglines.selectors.lines import year_current
from learninglines.selectors.people import member_list
from sessions_app.forms.exchanges import (
    AmbitionForm,
    CancelForm,
    ExchangeStartForm,
    HeldForm,
    NotesForm,
    ProposeForm,
    add_service_errors,
)
from sessions_app.models import ExchangeMoment, ExchangeParticipant, PeerExchange
from sessions_app.selectors.exchanges import (
    Clash,
    ambition_versions,
    clashes_for,
    exchange_for,
    group_visible_responses,
    moment_span,
    my_exchanges,
    notes_readable,
    participant_of,
    suggestions_for,
)
from sessions_app.services.exchanges import (
    Accepted,
    AlreadyStarted,
    PageShown,
    ambition_save,
    exchange_accept,
    exchange_cancel,
    exchange_decline,
    exchange_mark_held,
    exchange_note,
    exchange_path,
    exchange_propose_moment,
    exchange_start,
)

Response = ExchangeParticipant.Response
Status = PeerExchange.Status


# --- what one participant sees of an exchange ---


@dataclass
class Shown:
    """A participant as the viewer may see them, with the word for their answer."""

    participant: ExchangeParticipant
    answer: str


@dataclass
class Seen:
    """An exchange through one participant's eyes: who they may see, and what they may do."""

    exchange: PeerExchange
    me: ExchangeParticipant
    is_group: bool
    people: list[Shown]
    answered: int
    invited: int
    future_moments: list[ExchangeMoment] = field(default_factory=list)
    now: datetime | None = None
    # On the list: what of the viewer's own a moment still to come falls during, as (the
    # proposed moment, or None for the agreed one shown above it, clash).
    clashes: list[tuple[datetime | None, Clash]] = field(default_factory=list)

    @property
    def is_open(self) -> bool:
        return self.exchange.is_open and self.me.is_in

    @property
    def agreed_shown(self) -> str:
        """The agreed moment as the page's answer forms send it back ("" when none)."""
        exchange = self.exchange
        if exchange.status == Status.AGREED and exchange.starts_at is not None:
            return exchange.starts_at.isoformat()
        return ""

    @property
    def last_moment(self) -> int:
        """The newest proposed moment, as the page's answer forms send it back (0 when none)."""
        return max((moment.pk for moment in self.exchange.moments.all()), default=0)

    @property
    def moments_passed(self) -> bool:
        """Still waiting for a moment, and every proposed one has passed: nothing is left to
        accept, so a new moment is proposed (or the invitation declined, or called off)."""
        return (
            self.exchange.status == Status.PROPOSED
            and not self.exchange.self_arranged
            and not self.future_moments
        )

    @property
    def missed_agreed(self) -> bool:
        """Still invited to a moment the others agreed to, and it has passed."""
        exchange = self.exchange
        return (
            self.is_open
            and self.me.response == Response.PENDING
            and exchange.status == Status.AGREED
            and exchange.starts_at is not None
            and exchange.starts_at <= self.now
        )

    @property
    def can_accept_plain(self) -> bool:
        """Accept without a moment: "we arrange it ourselves", or join what someone else
        already agreed to (never when that would agree to nothing, as `exchange_accept`)."""
        exchange = self.exchange
        return (
            self.is_open
            and self.me.response == Response.PENDING
            and (exchange.status == Status.AGREED or exchange.self_arranged)
            and not self.missed_agreed
        )

    @property
    def can_decline(self) -> bool:
        """Declining answers the invitation: who accepted calls it off instead."""
        return (
            self.exchange.is_open
            and not self.me.is_initiator
            and self.me.response == Response.PENDING
        )

    @property
    def can_cancel(self) -> bool:
        return self.is_open and (self.me.is_initiator or self.me.response == Response.ACCEPTED)

    @property
    def can_mark_held(self) -> bool:
        exchange = self.exchange
        return (
            exchange.status == Status.AGREED
            and self.me.response == Response.ACCEPTED
            and (exchange.starts_at is None or exchange.starts_at <= self.now)
        )

    @property
    def can_note(self) -> bool:
        """Who took part writes notes: the starter and who accepted (not who never answered)."""
        return self.exchange.status == Status.HELD and self.me.response == Response.ACCEPTED

    @property
    def needs_notes(self) -> bool:
        return self.can_note and self.me.noted_at is None


def seen_by(exchange: PeerExchange, member: Member, now: datetime | None = None) -> Seen:
    """What `member` sees: in a duo both people and their answers; in a group the starter and
    those who accepted (never who declined, nor who is still thinking: the rest would tell)."""
    now = now or timezone.now()
    me = participant_of(exchange, member)
    responses = group_visible_responses(exchange, member)
    is_group = responses["invited"] > 1
    accepted = {m.pk for m in responses["accepted"]}
    people = []
    for participant in exchange.participants.all():
        if participant.is_initiator:
            people.append(Shown(participant, _("started it")))
        elif not is_group or participant.member_id in accepted or participant.pk == me.pk:
            people.append(Shown(participant, participant.get_response_display()))
    return Seen(
        exchange=exchange,
        me=me,
        is_group=is_group,
        people=people,
        answered=responses["answered"],
        invited=responses["invited"],
        future_moments=[m for m in exchange.moments.all() if m.starts_at > now],
        now=now,
    )


def _mine(request: HttpRequest, pk: int) -> tuple[PeerExchange, ExchangeParticipant]:
    member = request.access.member
    exchange = exchange_for(member=member, pk=pk)
    if exchange is None:
        raise Http404("No such exchange for this member")
    return exchange, participant_of(exchange, member)


def _back(request: HttpRequest, exchange: PeerExchange, anchor: str = "") -> HttpResponse:
    fallback = exchange_path(exchange) + (f"#{anchor}" if anchor else "")
    return redirect(safe_next_url(request, request.POST.get("next"), fallback))


def _error(request: HttpRequest, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


def _act(request: HttpRequest, change, success: str) -> bool:
    """Make `change()` (a service call); say `success`, or the service's refusal. True if made."""
    try:
        change()
    except ValidationError as error:
        _error(request, error)
        return False
    messages.success(request, success)
    return True


def _page_shown(request: HttpRequest) -> PageShown | None:
    """What the page showed when its form was sent (its hidden fields); None when the form did
    not say (then the answer is taken as it comes)."""
    last = request.POST.get("last_moment", "")
    if not (last.isascii() and last.isdigit() and int(last) < 2**63):
        return None
    agreed = None
    if raw := request.POST.get("agreed", ""):
        try:
            agreed = datetime.fromisoformat(raw)
        except ValueError:
            return None
        if timezone.is_naive(agreed):
            return None
    return PageShown(agreed=agreed, last_moment=int(last))


def _note_clashes(request: HttpRequest, exchange: PeerExchange, moments: list[datetime]) -> None:
    """After a moment is proposed: a note (never a refusal) for each one that falls during the
    proposer's own line meeting, plenary session or other agreed exchange."""
    spans = [moment_span(moment, exchange.minutes) for moment in moments]
    clashes = clashes_for(member=request.access.member, spans=spans, apart_from=exchange.pk)
    for span in spans:
        for clash in clashes.get(span, []):
            moment = date_format(timezone.localtime(span[0]), "l j F, H:i")
            messages.warning(
                request,
                _("Note: %(moment)s falls during %(what)s.")
                % {"moment": moment, "what": clash.what},
            )


def _year(school: School) -> SchoolYear | None:
    return year_current(school=school)


# --- my ambition ---


@require_http_methods(["GET", "POST"])
@school_view("take_part")
def ambition_view(request: HttpRequest) -> HttpResponse:
    """The member's own learning goal for this school year, and its earlier versions (theirs)."""
    member = request.access.member
    year = _year(request.school)
    versions = ambition_versions(member=member, year=year) if year else []
    current = versions[0] if versions else None
    initial = {"text": current.text, "sharing": current.sharing} if current else None
    form = AmbitionForm(request.POST or None, initial=initial)
    if request.method == "POST" and year is not None and form.is_valid():
        try:
            saved = ambition_save(member=member, year=year, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if saved is None:
                messages.info(request, _("Nothing changed."))
            else:
                messages.success(request, _("Your ambition is saved."))
            return redirect("sessions_app:ambition", school_slug=request.school.slug)
    response = render(
        request,
        "sessions_app/exchanges/ambition.html",
        {"form": form, "year": year, "current": current, "earlier": versions[1:]},
    )
    patch_cache_control(response, private=True, no_store=True)
    return response


# --- my exchanges ---


@require_GET
@school_view("take_part")
def exchange_list_view(request: HttpRequest) -> HttpResponse:
    member = request.access.member
    now = timezone.now()
    seen = [seen_by(exchange, member, now) for exchange in my_exchanges(member=member)]
    _list_clashes(member, seen, now)
    response = render(
        request,
        "sessions_app/exchanges/exchange_list.html",
        {
            "open": [item for item in seen if item.exchange.is_open],
            "earlier": [item for item in seen if not item.exchange.is_open],
            "list_url": request.path,
        },
    )
    patch_cache_control(response, private=True, no_store=True)
    return response


def _list_clashes(member: Member, seen: list[Seen], now: datetime) -> None:
    """Fill in `clashes` of each open exchange on the list: its agreed moment still to come,
    or else each proposed moment still to come, with what of the viewer's own it falls during
    (as on the exchange's page; one `clashes_for` for the whole list). An exchange never
    clashes with itself."""
    wanted: list[tuple[Seen, datetime | None, tuple[datetime, datetime]]] = []
    for item in seen:
        exchange = item.exchange
        if not item.is_open:
            continue
        if exchange.status == Status.AGREED:
            if exchange.starts_at is not None and exchange.starts_at > now:
                wanted.append((item, None, moment_span(exchange.starts_at, exchange.minutes)))
        else:
            for moment in item.future_moments:
                span = moment_span(moment.starts_at, exchange.minutes)
                wanted.append((item, moment.starts_at, span))
    found = clashes_for(member=member, spans=[span for _item, _moment, span in wanted])
    for item, moment, span in wanted:
        item.clashes += [
            (moment, clash)
            for clash in found.get(span, [])
            if clash.exchange_id != item.exchange.pk
        ]


# --- starting one ---


def _colleagues(school: School, member: Member, year: SchoolYear | None):
    """Active colleagues in register order, grouped by their line today (then those without)."""
    colleagues = [m for m in member_list(school=school) if m.pk != member.pk]
    line_of: dict[int, LearningLine] = {}
    if year is not None:
        day = min(max(timezone.localdate(), year.start), year.end)
        for membership in (
            LineMembership.objects.on(day)
            .filter(line__year=year, member__school=school)
            .select_related("line")
        ):
            line_of[membership.member_id] = membership.line
    groups: dict[int | None, tuple[LearningLine | None, list[Member]]] = {}
    for colleague in colleagues:
        line = line_of.get(colleague.pk)
        groups.setdefault(line.pk if line else None, (line, []))[1].append(colleague)
    ordered = sorted(groups.values(), key=lambda g: (g[0] is None, g[0].letter if g[0] else ""))
    return colleagues, ordered


def _checked(values) -> set[int]:
    """The ticked pks; anything that cannot be a primary key is left to the form to refuse."""
    return {
        int(value)
        for value in values
        if str(value).isascii() and str(value).isdigit() and int(value) < 2**63
    }


@require_http_methods(["GET", "POST"])
@school_view("take_part")
def exchange_start_view(request: HttpRequest) -> HttpResponse:
    """The invitation: topic, kind, colleagues (suggestions first), moments, duration."""
    member = request.access.member
    year = _year(request.school)
    colleagues, groups = _colleagues(request.school, member, year)
    by_pk = {colleague.pk: colleague for colleague in colleagues}
    if request.method == "POST":
        checked = _checked(request.POST.getlist("invitees"))
        # Someone of another school (or nobody) is never confirmed to exist: a 404, as for any
        # object not fetched through the school. A colleague who left meanwhile is a form error.
        of_the_school = member_list(school=request.school, active=None).filter(pk__in=checked)
        if len(checked) != of_the_school.count():
            raise Http404("No such member")
        form = ExchangeStartForm(request.POST, colleagues=colleagues)
    else:
        initial = {"topic": request.GET.get("topic", "")[:200]}
        form = ExchangeStartForm(initial=initial, colleagues=colleagues)
        checked = _checked(request.GET.getlist("invitees"))
    form.fields["topic"].widget.attrs.update(
        {
            "hx-get": reverse(
                "sessions_app:exchange-suggestions", kwargs={"school_slug": request.school.slug}
            ),
            "hx-trigger": "input changed delay:400ms, search",
            "hx-target": "#suggestions",
            "hx-include": "#invitee-choices",
            "autocomplete": "off",
        }
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            exchange = exchange_start(
                initiator=member,
                invitees=[by_pk[pk] for pk in data["invitees"]],
                topic=data["topic"],
                kind=data["kind"],
                moments=form.moments(),
                self_arranged=data["self_arranged"],
                minutes=data["minutes"],
            )
        except AlreadyStarted as already:
            # a double click on "Send", or the phone sending it again: the first one, once
            messages.info(request, already.messages[0])
            return redirect(exchange_path(already.exchange))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Your invitation is sent. You get a mail when someone answers."),
            )
            moments = [moment.starts_at for moment in exchange.moments.all()]
            _note_clashes(request, exchange, moments)
            return redirect(exchange_path(exchange))
    topic = form["topic"].value() or ""
    suggestions = suggestions_for(member=member, year=year, topic=topic) if year else []
    return render(
        request,
        "sessions_app/exchanges/exchange_start.html",
        {
            "form": form,
            "year": year,
            "groups": groups,
            "suggestions": suggestions,
            "checked": checked,
            "topic": topic,
        },
    )


@require_GET
@school_view("take_part")
def suggestions_view(request: HttpRequest) -> HttpResponse:
    """ "Wie ken je nog niet?" for a topic: the fragment the start page refreshes while typing."""
    member = request.access.member
    year = _year(request.school)
    topic = request.GET.get("topic", "")[:200]
    suggestions = suggestions_for(member=member, year=year, topic=topic) if year else []
    return render(
        request,
        "sessions_app/exchanges/_suggestions.html",
        {
            "suggestions": suggestions,
            "checked": _checked(request.GET.getlist("invitees")),
            "topic": topic,
            "year": year,
        },
    )


# --- one exchange ---


def _lines_of(exchange: PeerExchange) -> list[LearningLine]:
    return list(
        LearningLine.objects.filter(year_id=exchange.year_id, archived_at__isnull=True).order_by(
            "letter"
        )
    )


def _notes_initial(me: ExchangeParticipant) -> dict:
    return {
        "brought": me.brought,
        "took": me.took,
        "took_from": me.took_from_id,
        "sharing": me.sharing,
    }


def _detail(
    request: HttpRequest,
    exchange: PeerExchange,
    notes_form: NotesForm | None = None,
    status: int = 200,
) -> HttpResponse:
    member = request.access.member
    seen = seen_by(exchange, member)
    if seen.can_note and notes_form is None:
        notes_form = NotesForm(initial=_notes_initial(seen.me), lines=_lines_of(exchange))
    others_notes = [
        participant
        for participant in exchange.participants.all()
        if participant.pk != seen.me.pk
        and participant.is_in
        and participant.noted_at is not None
        and notes_readable(viewer=member, participant=participant)
    ]
    # Each moment still to come with what of the viewer's own it falls during (only theirs).
    spans = {m.pk: moment_span(m.starts_at, exchange.minutes) for m in seen.future_moments}
    clashes = (
        clashes_for(member=member, spans=spans.values(), apart_from=exchange.pk)
        if seen.is_open
        else {}
    )
    moment_rows: list[tuple[ExchangeMoment, list[Clash]]] = [
        (moment, clashes.get(spans[moment.pk], []) if moment.pk in spans else [])
        for moment in exchange.moments.all()
    ]
    response = render(
        request,
        "sessions_app/exchanges/exchange_detail.html",
        {
            "seen": seen,
            "exchange": exchange,
            "me": seen.me,
            "moment_rows": moment_rows,
            "propose_form": ProposeForm(),
            "cancel_form": CancelForm(),
            "held_form": HeldForm(),
            "notes_form": notes_form,
            "others_notes": others_notes,
        },
        status=status,
    )
    patch_cache_control(response, private=True, no_store=True)
    return response


@require_GET
@school_view("take_part")
def exchange_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    exchange, _me = _mine(request, pk)
    return _detail(request, exchange)


@require_POST
@school_view("take_part")
def exchange_accept_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Accept: with `moment` (one of the proposed), or without when you arrange it yourselves."""
    exchange, me = _mine(request, pk)
    moment = None
    raw = request.POST.get("moment", "")
    if raw:
        moment = next((m for m in exchange.moments.all() if str(m.pk) == raw), None)
        if moment is None:
            messages.error(request, _("Choose one of the moments proposed for this exchange."))
            return _back(request, exchange)
    try:
        accepted = exchange_accept(participant=me, moment=moment, shown=_page_shown(request))
    except ValidationError as error:
        _error(request, error)
        return _back(request, exchange)
    messages.success(request, _accepted_message(accepted))
    return _back(request, accepted.exchange)


def _accepted_message(accepted: Accepted) -> str:
    """What the acceptance did: the moment agreed (if any), and a mail only when one went out."""
    exchange = accepted.exchange
    if exchange.status == Status.AGREED and exchange.starts_at:
        moment = {"moment": date_format(timezone.localtime(exchange.starts_at), "l j F, H:i")}
        if accepted.mailed:
            return _("Agreed: %(moment)s. It is in your calendar; the others get a mail.") % moment
        return _("Agreed: %(moment)s. It is in your calendar.") % moment
    if accepted.mailed:
        return _("You accepted. The others get a mail.")
    return _("You accepted.")


@require_POST
@school_view("take_part")
def exchange_decline_view(request: HttpRequest, pk: int) -> HttpResponse:
    exchange, me = _mine(request, pk)
    _act(request, lambda: exchange_decline(participant=me), _("You declined. No reason needed."))
    return _back(request, exchange)


@require_POST
@school_view("take_part")
def exchange_propose_view(request: HttpRequest, pk: int) -> HttpResponse:
    exchange, me = _mine(request, pk)
    form = ProposeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a day and a time for the moment you propose."))
        return _back(request, exchange, "propose")
    try:
        moment = exchange_propose_moment(
            participant=me, starts_at=form.cleaned_data["starts_at"], shown=_page_shown(request)
        )
    except ValidationError as error:
        _error(request, error)
        return _back(request, exchange)
    messages.success(request, _("Your moment is proposed; the others are asked by mail."))
    _note_clashes(request, exchange, [moment.starts_at])
    return _back(request, exchange)


@require_POST
@school_view("take_part")
def exchange_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    exchange, me = _mine(request, pk)
    form = CancelForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    _act(
        request,
        lambda: exchange_cancel(participant=me, note=note),
        _("The exchange is cancelled; the others get your note by mail."),
    )
    return _back(request, exchange)


@require_POST
@school_view("take_part")
def exchange_held_view(request: HttpRequest, pk: int) -> HttpResponse:
    """It took place (held=1, optionally on a day) or it did not (held=0)."""
    exchange, me = _mine(request, pk)
    form = HeldForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say whether it took place."))
        return _back(request, exchange)
    held = form.cleaned_data["held"]
    try:
        exchange_mark_held(participant=me, held=held, on=form.cleaned_data["on"])
    except ValidationError as error:
        _error(request, error)
        return _back(request, exchange)
    if held:
        messages.success(request, _("Good to hear. Now write what you brought and what you took."))
        return redirect(exchange_path(exchange) + "#notes")
    messages.success(request, _("Noted: it did not take place."))
    return _back(request, exchange)


@require_POST
@school_view("take_part")
def exchange_notes_view(request: HttpRequest, pk: int) -> HttpResponse:
    """What I brought and took, from which line, who may read it; maybe into my log."""
    exchange, me = _mine(request, pk)
    form = NotesForm(request.POST, lines=_lines_of(exchange))
    if form.is_valid():
        data = form.cleaned_data
        try:
            exchange_note(
                participant=me,
                brought=data["brought"],
                took=data["took"],
                took_from=form.took_from_line(),
                sharing=data["sharing"],
                copy_to_log=data["copy_to_log"],
            )
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                _error(request, error)
                return _back(request, exchange)
            add_service_errors(form, error)
        else:
            if data["copy_to_log"]:
                messages.success(request, _("Your notes are saved, and in your learning log."))
            else:
                messages.success(request, _("Your notes are saved."))
            return redirect(exchange_path(exchange) + "#notes")
    return _detail(request, exchange, notes_form=form)
