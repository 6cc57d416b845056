"""Exchange people start themselves: ambitions and small exchanges, with their mails.

Rules kept here:
- An ambition is saved as a new version when its text or sharing changes; earlier versions
  stay, for the author only.
- A small exchange has its starter and one to five invitees, all active members of the same
  school; everyone but the starter is asked. It belongs to the school year it is started in:
  every moment falls on or before that year's last day. A moment is agreed when someone
  accepts one of the proposed moments (a later proposal by anyone reopens the question); with
  "we arrange it ourselves" the exchange is agreed once an invitee accepts (never by the starter
  alone). Every accept agrees to something and tells the others: once every proposed moment
  has passed nothing is left to accept, and someone proposes a new moment instead. When every
  invitee has declined, the exchange is off. Nobody gives a reason for declining, and in a
  group the starter is not told who declined (only how many answered). Who declined stays out.
  Declining answers the invitation: who accepted calls the exchange off instead, with a note.
- Two people answer at the same time: each change locks the exchange's row, so they are made
  one after the other. A page sends what it showed (`PageShown`: the agreed moment and the
  newest proposed moment), and an answer to something that changed meanwhile is refused with
  words saying what changed (nothing of it is written or mailed): an accept when another
  moment was agreed (choosing the now agreed moment joins it) or when someone else proposed a
  new moment, and a proposal when a moment was agreed. Choosing another moment than the one
  the page showed agreed is on purpose, and agrees to that one.
- Who took part is the starter and who accepted. Held or not held is said by one of them once
  the moment has passed (or at once when they arranged it themselves), on a local day. Notes
  (what I brought, what I took and from which line) are theirs too and belong to their author;
  a copy may go into the author's learning log.
- A held exchange marks those who took part as having met: it enters the overview's who-met-whom
  and the history given to the grouping engine, as a group of its own.
- The same invitation sent twice (a double click on "Send", a phone sending the form again)
  starts one exchange: an invitation to the same invitees about the same topic, of the same
  kind, with the same proposed moments (or "we arrange it ourselves") and duration as one the
  same starter started in the last two minutes that is still as it was sent (nobody answered,
  no other moment proposed, not cancelled) is refused with `AlreadyStarted`, which names that
  first exchange (nothing is written or mailed). Anything else is a new invitation. The
  starter's member row is locked first, so two sends at once are made one after the other
  and the second finds the first.
- Every mail goes through the outbox with a personal link to the exchange's page, valid until
  the end of the day after the moment (or a week when there is none yet); someone who left the
  school gets none.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from learninglines.models import LearningLine, Member, SchoolYear
from learninglines.services.journal import log_entry_put_from_source
from learninglines.services.outbox import mail_send_after_response, one_line
from sessions_app.models import (
    MAX_INVITEES,
    MAX_MOMENTS,
    Ambition,
    ExchangeMoment,
    ExchangeParticipant,
    PeerExchange,
)
from sessions_app.selectors.reflections import line_on
from sessions_app.services.mail import session_mail_queue

AMBITION_LIMIT = 2000
NOTE_LIMIT = 5000
# How long a second send of the same invitation counts as the first one sent again.
DOUBLE_START_WINDOW = timedelta(minutes=2)


# --- ambition ---


def ambition_save(*, member: Member, year, text: str, sharing: str) -> Ambition | None:
    """Save the member's ambition for `year` as a new version; None when nothing changed."""
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Write what you want to learn, and from whom.")})
    if len(text) > AMBITION_LIMIT:
        raise ValidationError(
            {"text": _("Keep it under %(limit)s characters.") % {"limit": AMBITION_LIMIT}}
        )
    if sharing not in Ambition.Sharing.values:
        raise ValidationError({"sharing": _("Choose who may read it.")})
    if year.school_id != member.school_id:
        raise ValueError("The year belongs to another school")
    current = Ambition.objects.filter(member=member, year=year).order_by("-created_at", "-pk")
    latest = current.first()
    if latest is not None and (latest.text, latest.sharing) == (text, sharing):
        return None
    return Ambition.objects.create(member=member, year=year, text=text, sharing=sharing)


# --- mails ---


def exchange_path(exchange: PeerExchange) -> str:
    return reverse(
        "sessions_app:exchange-detail",
        kwargs={"school_slug": exchange.school.slug, "pk": exchange.pk},
    )


def _link_day(exchange: PeerExchange, now: datetime) -> date:
    if exchange.starts_at is not None and exchange.starts_at > now:
        return timezone.localdate(exchange.starts_at) + timedelta(days=1)
    return timezone.localdate(now) + timedelta(days=7)


def _mail(
    exchange: PeerExchange, members: list[Member], template: str, now: datetime, **context
) -> list[int]:
    path = exchange_path(exchange)
    ids = []
    for member in members:
        mail = session_mail_queue(
            member=member,
            school=exchange.school,
            path=path,
            day=_link_day(exchange, now),
            template=f"sessions_app/mail/{template}",
            context={"exchange": exchange, **context},
            now=now,
        )
        ids.append(mail.pk)
    return ids


def _participants(exchange: PeerExchange) -> list[ExchangeParticipant]:
    return list(
        exchange.participants.select_related("member__user", "member__school", "line").order_by(
            "-is_initiator", "member__last_name", "member__first_name", "pk"
        )
    )


def _others_in(exchange: PeerExchange, than: Member) -> list[Member]:
    """The others still in the exchange who are still at the school: nobody who left is mailed."""
    return [
        p.member
        for p in _participants(exchange)
        if p.is_in and p.member_id != than.pk and p.member.is_active
    ]


# --- the lifecycle ---


def _after_the_year(moment: datetime, year: SchoolYear | None) -> str | None:
    """Why `moment` cannot be proposed for an exchange of `year` (None when it can).

    An exchange belongs to the school year it was started in, and is held inside it: a moment
    after the year's last day could never be marked as held.
    """
    if year is None or timezone.localdate(moment) <= year.end:
        return None
    return _("Propose a moment in this school year, until %(end)s.") % {
        "end": date_format(year.end, "j F Y")
    }


def _clean_moments(
    moments: list[datetime], now: datetime, year: SchoolYear | None = None
) -> list[datetime]:
    moments = sorted(set(moments))
    if len(moments) > MAX_MOMENTS:
        raise ValidationError(
            {"moments": _("Propose at most %(count)s moments.") % {"count": MAX_MOMENTS}}
        )
    if any(moment <= now for moment in moments):
        raise ValidationError({"moments": _("Propose moments in the future.")})
    for moment in moments:
        refusal = _after_the_year(moment, year)
        if refusal:
            raise ValidationError({"moments": refusal})
    return moments


class AlreadyStarted(ValidationError):
    """The same invitation was just sent (a double click on "Send", or a phone sending the form
    again): nothing is started or mailed a second time; `exchange` is the first one."""

    def __init__(self, exchange: PeerExchange):
        super().__init__(
            _("You had already sent this invitation, so it was not sent twice. Here it is."),
            code="already_started",
        )
        self.exchange = exchange


def _just_started(
    *,
    initiator: Member,
    invitee_ids: set[int],
    topic: str,
    kind: str,
    moments: list[datetime],
    self_arranged: bool,
    minutes: int,
    now: datetime,
) -> PeerExchange | None:
    """The exchange `initiator` started in the last two minutes with exactly this invitation
    (the same invitees, topic, kind, moments and duration) and still as it was sent (nobody
    answered, no other moment proposed, not cancelled), or None."""
    recent = (
        PeerExchange.objects.filter(
            created_by=initiator,
            topic=topic,
            kind=kind,
            self_arranged=self_arranged,
            minutes=minutes,
            status=PeerExchange.Status.PROPOSED,
            created_at__gte=now - DOUBLE_START_WINDOW,
        )
        .prefetch_related("participants", "moments")
        .order_by("-created_at", "-pk")
    )
    pending = ExchangeParticipant.Response.PENDING
    for exchange in recent:
        invitees = [p for p in exchange.participants.all() if not p.is_initiator]
        untouched = all(p.response == pending for p in invitees)
        invited = {p.member_id for p in invitees}
        proposed = sorted(m.starts_at for m in exchange.moments.all())
        if untouched and invited == invitee_ids and proposed == moments:
            return exchange
    return None


def exchange_start(
    *,
    initiator: Member,
    invitees: list[Member],
    topic: str,
    kind: str,
    moments: list[datetime],
    self_arranged: bool = False,
    minutes: int = 45,
    now: datetime | None = None,
) -> PeerExchange:
    """Invite one to five colleagues to a small exchange and mail each of them.

    The same invitation sent again within two minutes raises `AlreadyStarted` (see the
    module)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    year = initiator.school.years.filter(start__lte=today, end__gte=today).first()
    topic = one_line(topic)
    errors = {}
    if not topic:
        errors["topic"] = [_("Say what you want to exchange about.")]
    if kind not in PeerExchange.Kind.values:
        errors["kind"] = [_("Choose what kind of exchange it is.")]
    people = {member.pk: member for member in invitees if member.pk != initiator.pk}
    if not 1 <= len(people) <= MAX_INVITEES:
        errors["invitees"] = [_("Invite 1 to %(count)s colleagues.") % {"count": MAX_INVITEES}]
    elif any(
        member.school_id != initiator.school_id or not member.is_active
        for member in people.values()
    ):
        errors["invitees"] = [_("Invite colleagues of your own school.")]
    try:
        moments = _clean_moments(moments, now, year)
    except ValidationError as error:
        errors.update(error.message_dict)
        moments = []
    if not moments and not self_arranged and "moments" not in errors:
        errors["moments"] = [
            _("Propose one to three moments, or say you will arrange one yourselves.")
        ]
    if not 10 <= minutes <= 240:
        errors["minutes"] = [_("Choose 10 to 240 minutes.")]
    if errors:
        raise ValidationError(errors)
    if year is None:
        raise ValidationError(_("There is no current school year: the steering group opens it."))
    with transaction.atomic():
        # One start at a time per starter, so a second send finds the first one.
        Member.objects.select_for_update().filter(pk=initiator.pk).first()
        already = _just_started(
            initiator=initiator,
            invitee_ids=set(people),
            topic=topic[:200],
            kind=kind,
            moments=moments,
            self_arranged=self_arranged and not moments,
            minutes=minutes,
            now=now,
        )
        if already is not None:
            raise AlreadyStarted(already)
        exchange = PeerExchange.objects.create(
            school=initiator.school,
            year=year,
            topic=topic[:200],
            kind=kind,
            self_arranged=self_arranged and not moments,
            minutes=minutes,
            created_by=initiator,
            created_at=now,
            updated_at=now,
        )
        ExchangeParticipant.objects.bulk_create(
            [
                ExchangeParticipant(
                    exchange=exchange,
                    member=initiator,
                    line=line_on(initiator, today),
                    is_initiator=True,
                    response=ExchangeParticipant.Response.ACCEPTED,
                    responded_at=now,
                )
            ]
            + [
                ExchangeParticipant(exchange=exchange, member=member, line=line_on(member, today))
                for member in people.values()
            ]
        )
        ExchangeMoment.objects.bulk_create(
            ExchangeMoment(exchange=exchange, starts_at=moment, proposed_by=initiator)
            for moment in moments
        )
        ids = _mail(
            exchange,
            list(people.values()),
            "exchange_invited",
            now,
            initiator=initiator,
            moments=moments,
        )
    mail_send_after_response(ids=ids)
    return exchange


def _check_open(exchange: PeerExchange) -> None:
    if not exchange.is_open:
        raise ValidationError(_("This exchange is no longer open for changes."))


def _locked(participant: ExchangeParticipant) -> tuple[PeerExchange, ExchangeParticipant]:
    exchange = PeerExchange.objects.select_for_update().get(pk=participant.exchange_id)
    return exchange, ExchangeParticipant.objects.select_related("member").get(pk=participant.pk)


@dataclass(frozen=True)
class PageShown:
    """What the page showed when someone answered: the agreed moment (None when nothing was
    agreed to a moment) and the newest proposed moment's pk (0 when none was proposed)."""

    agreed: datetime | None
    last_moment: int


def _moment_words(moment: datetime) -> str:
    return date_format(timezone.localtime(moment), "l j F, H:i")


def _agreed_meanwhile(exchange: PeerExchange, shown: PageShown | None) -> datetime | None:
    """The moment agreed since the page was read (None when the page showed what is agreed)."""
    if shown is None or exchange.status != PeerExchange.Status.AGREED:
        return None
    if exchange.starts_at is None or exchange.starts_at == shown.agreed:
        return None
    return exchange.starts_at


def _changed_for_accept(
    exchange: PeerExchange,
    participant: ExchangeParticipant,
    moment: ExchangeMoment | None,
    shown: PageShown | None,
) -> str | None:
    """Why an accept answers a page that is no longer true (None when it still is)."""
    if shown is None:
        return None
    agreed = _agreed_meanwhile(exchange, shown)
    if agreed is not None and (moment is None or moment.starts_at != agreed):
        return _(
            "In the meantime, %(moment)s was agreed. Accept that moment too, or propose another."
        ) % {"moment": _moment_words(agreed)}
    if exchange.status != PeerExchange.Status.PROPOSED:
        return None
    newer = (
        exchange.moments.filter(pk__gt=shown.last_moment)
        .exclude(proposed_by_id=participant.member_id)
        .select_related("proposed_by")
        .order_by("-pk")
        .first()
    )
    if newer is None:
        return None
    return _(
        "In the meantime, %(name)s proposed another moment: %(moment)s. Look at the moments "
        "again and choose one."
    ) % {"name": newer.proposed_by.full_name, "moment": _moment_words(newer.starts_at)}


@dataclass(frozen=True)
class Accepted:
    """What an acceptance did: the exchange as it is now, and how many mails it queued."""

    exchange: PeerExchange
    mailed: int


def exchange_accept(
    *,
    participant: ExchangeParticipant,
    moment: ExchangeMoment | None = None,
    shown: PageShown | None = None,
    now: datetime | None = None,
) -> Accepted:
    """Accept (an invitee) and agree to `moment`, or accept a moment someone else proposed.

    Without `moment` an invitee who has not answered yet joins what is already agreed (in a
    group, once someone else accepted), or agrees to arranging it themselves; choosing the
    agreed moment itself joins it too. Either way the others still in it (and at the school)
    are mailed; `mailed` counts those mails.

    An accept that agrees to nothing is refused: without a moment while moments are proposed
    (choose one), or when every proposed moment has passed (propose a new one: nothing is left
    to accept), and a second yes from someone who already accepted. Joining an agreed moment
    that has passed is refused too: the others met (or meant to) without them. With `shown`
    (what the page showed), an accept to a page that changed meanwhile is refused: see the
    module.
    """
    now = now or timezone.now()
    with transaction.atomic():
        exchange, participant = _locked(participant)
        _check_open(exchange)
        if not participant.is_in:
            raise ValidationError(_("You declined this exchange."))
        if moment is None and participant.is_initiator:
            # Nobody else said yes: the starter alone never makes an exchange agreed.
            raise ValidationError(
                _("You started this exchange: the others answer your invitation.")
            )
        if moment is not None and moment.exchange_id != exchange.pk:
            raise ValidationError(_("Choose one of the moments proposed for this exchange."))
        changed = _changed_for_accept(exchange, participant, moment, shown)
        if changed:
            raise ValidationError(changed)
        if moment is not None and moment.proposed_by_id == participant.member_id:
            raise ValidationError(
                _("You proposed this moment yourself: the others choose whether it suits them.")
            )
        if moment is not None and moment.starts_at <= now:
            raise ValidationError(_("That moment has passed: propose a new one."))
        # What is agreed already: the agreed moment, or (without a moment) whatever it is.
        as_agreed = exchange.status == PeerExchange.Status.AGREED and (
            moment is None or moment.starts_at == exchange.starts_at
        )
        pending = participant.response == ExchangeParticipant.Response.PENDING
        if as_agreed and not pending:
            raise ValidationError(_("You have already accepted."))
        joins = as_agreed and pending
        if joins and exchange.starts_at is not None and exchange.starts_at <= now:
            raise ValidationError(_("The agreed moment has passed: you can no longer join it."))
        if moment is None and not joins and not exchange.self_arranged:
            if exchange.moments.filter(starts_at__gt=now).exists():
                raise ValidationError(_("Choose one of the proposed moments, or propose another."))
            raise ValidationError(_("The proposed moments have passed: propose a new moment."))
        participant.response = ExchangeParticipant.Response.ACCEPTED
        participant.responded_at = now
        participant.save(update_fields=["response", "responded_at"])
        if moment is not None and not joins:
            # a first agreement, or another moment than the one agreed (asked again by mail)
            exchange.starts_at = moment.starts_at
            exchange.self_arranged = False
            exchange.status = PeerExchange.Status.AGREED
        elif moment is None and not joins:
            # "we arrange it ourselves": the first invitee's yes makes it agreed
            exchange.status = PeerExchange.Status.AGREED
        exchange.updated_at = now
        exchange.save(update_fields=["starts_at", "self_arranged", "status", "updated_at"])
        ids = _mail(
            exchange,
            _others_in(exchange, participant.member),
            "exchange_agreed",
            now,
            by=participant.member,
        )
    mail_send_after_response(ids=ids)
    return Accepted(exchange=exchange, mailed=len(ids))


def exchange_decline(
    *, participant: ExchangeParticipant, now: datetime | None = None
) -> PeerExchange:
    """Decline an invitation; no reason needed. With no invitee left the exchange is off, and
    its starter gets a mail saying so.

    Declining answers the invitation, so only who has not answered yet declines. Who accepted
    (proposing a moment accepts too) takes part and calls it off instead, with a note to the
    others (`exchange_cancel`); their decline is refused, as is a second one."""
    now = now or timezone.now()
    with transaction.atomic():
        exchange, participant = _locked(participant)
        _check_open(exchange)
        if participant.is_initiator:
            raise ValidationError(_("You started this exchange: cancel it instead."))
        if participant.response == ExchangeParticipant.Response.ACCEPTED:
            raise ValidationError(
                _("You accepted this exchange: call it off instead, with a note to the others.")
            )
        if not participant.is_in:
            raise ValidationError(_("You declined this exchange."))
        participant.response = ExchangeParticipant.Response.DECLINED
        participant.responded_at = now
        participant.save(update_fields=["response", "responded_at"])
        still_in = exchange.participants.filter(is_initiator=False).exclude(
            response=ExchangeParticipant.Response.DECLINED
        )
        ids = []
        if not still_in.exists():
            exchange.status = PeerExchange.Status.CANCELLED
            # The starter hears that it is off (never who declined last, nor why).
            starter = (
                exchange.participants.select_related("member__user", "member__school")
                .get(is_initiator=True)
                .member
            )
            if starter.is_active:
                ids = _mail(exchange, [starter], "exchange_off", now)
        exchange.updated_at = now
        exchange.save(update_fields=["status", "updated_at"])
    mail_send_after_response(ids=ids)
    return exchange


def exchange_propose_moment(
    *,
    participant: ExchangeParticipant,
    starts_at: datetime,
    shown: PageShown | None = None,
    now: datetime | None = None,
) -> ExchangeMoment:
    """Propose another moment; the others are asked again, by mail. With `shown` (what the
    page showed), a proposal is refused when a moment was agreed meanwhile: the proposer
    hears which, and may propose again."""
    now = now or timezone.now()
    if starts_at <= now:
        raise ValidationError({"starts_at": _("Propose a moment in the future.")})
    with transaction.atomic():
        exchange, participant = _locked(participant)
        _check_open(exchange)
        if not participant.is_in:
            raise ValidationError(_("You declined this exchange."))
        agreed = _agreed_meanwhile(exchange, shown)
        if agreed is not None:
            raise ValidationError(
                _(
                    "In the meantime, %(moment)s was agreed. Does it not suit you? Propose your "
                    "moment again."
                )
                % {"moment": _moment_words(agreed)}
            )
        refusal = _after_the_year(starts_at, exchange.year)
        if refusal:
            raise ValidationError({"starts_at": refusal})
        if exchange.moments.filter(starts_at__gt=now).count() >= MAX_MOMENTS * 3:
            raise ValidationError(_("Enough moments have been proposed: choose one of them."))
        moment = ExchangeMoment.objects.create(
            exchange=exchange, starts_at=starts_at, proposed_by=participant.member, created_at=now
        )
        # The proposer agrees to their own moment; the others are asked again.
        exchange.starts_at = None
        exchange.self_arranged = False
        exchange.status = PeerExchange.Status.PROPOSED
        exchange.told_moments_passed_at = None  # should this one pass too, they hear again
        exchange.updated_at = now
        exchange.save(
            update_fields=[
                "starts_at",
                "self_arranged",
                "status",
                "told_moments_passed_at",
                "updated_at",
            ]
        )
        if participant.response == ExchangeParticipant.Response.PENDING:
            participant.response = ExchangeParticipant.Response.ACCEPTED
            participant.responded_at = now
            participant.save(update_fields=["response", "responded_at"])
        ids = _mail(
            exchange,
            _others_in(exchange, participant.member),
            "exchange_moment_proposed",
            now,
            by=participant.member,
            moment=moment,
        )
    mail_send_after_response(ids=ids)
    return moment


def exchange_cancel(
    *, participant: ExchangeParticipant, note: str = "", now: datetime | None = None
) -> PeerExchange:
    """Call the exchange off, with a short note to the others.

    Who takes part calls it off: the starter or who accepted. An invitee who has not answered
    declines instead (in a group, the others go on without them)."""
    now = now or timezone.now()
    with transaction.atomic():
        exchange, participant = _locked(participant)
        _check_open(exchange)
        if not participant.is_in:
            raise ValidationError(_("You declined this exchange."))
        if participant.response != ExchangeParticipant.Response.ACCEPTED:
            raise ValidationError(
                _("You have not answered the invitation yet: decline it if you cannot come.")
            )
        exchange.status = PeerExchange.Status.CANCELLED
        exchange.cancel_note = one_line(note)[:300]
        exchange.updated_at = now
        exchange.save(update_fields=["status", "cancel_note", "updated_at"])
        ids = _mail(
            exchange,
            _others_in(exchange, participant.member),
            "exchange_cancelled",
            now,
            by=participant.member,
        )
    mail_send_after_response(ids=ids)
    return exchange


def exchange_mark_held(
    *,
    participant: ExchangeParticipant,
    held: bool,
    on: date | None = None,
    now: datetime | None = None,
) -> PeerExchange:
    """Say whether the exchange took place (once its moment has passed)."""
    now = now or timezone.now()
    with transaction.atomic():
        exchange, participant = _locked(participant)
        if not participant.is_in:
            raise ValidationError(_("You declined this exchange."))
        if participant.response != ExchangeParticipant.Response.ACCEPTED:
            raise ValidationError(
                _("Accept the invitation first: then you can say whether it took place.")
            )
        if exchange.status != PeerExchange.Status.AGREED:
            raise ValidationError(_("Only an agreed exchange can be marked as held or not."))
        if exchange.starts_at is not None and exchange.starts_at > now:
            raise ValidationError(_("The agreed moment has not come yet."))
        if held:
            day = on or timezone.localdate(exchange.starts_at or now)
            if day > timezone.localdate(now):
                raise ValidationError({"on": _("Choose a day that has passed.")})
            if not exchange.year.start <= day <= exchange.year.end:
                raise ValidationError({"on": _("Choose a day in this school year.")})
            exchange.status = PeerExchange.Status.HELD
            exchange.held_on = day
        else:
            exchange.status = PeerExchange.Status.NOT_HELD
        exchange.updated_at = now
        exchange.save(update_fields=["status", "held_on", "updated_at"])
    return exchange


def exchange_note(
    *,
    participant: ExchangeParticipant,
    brought: str,
    took: str,
    took_from: LearningLine | None,
    sharing: str,
    copy_to_log: bool = False,
    now: datetime | None = None,
) -> ExchangeParticipant:
    """Write what I brought and what I took (and from which line); optionally into my log."""
    now = now or timezone.now()
    brought, took = brought.strip(), took.strip()
    if len(brought) > NOTE_LIMIT or len(took) > NOTE_LIMIT:
        raise ValidationError(_("Keep it under %(limit)s characters.") % {"limit": NOTE_LIMIT})
    if sharing not in ExchangeParticipant.Sharing.values:
        raise ValidationError({"sharing": _("Choose who may read it.")})
    with transaction.atomic():
        exchange, participant = _locked(participant)
        if exchange.status != PeerExchange.Status.HELD:
            raise ValidationError(_("Notes are written once the exchange has taken place."))
        if not participant.is_in:
            raise ValidationError(_("You declined this exchange."))
        if participant.response != ExchangeParticipant.Response.ACCEPTED:
            raise ValidationError(_("Only those who accepted the invitation write notes."))
        if took_from is not None and took_from.year_id != exchange.year_id:
            raise ValidationError({"took_from": _("Choose one of this year's learning lines.")})
        participant.brought = brought
        participant.took = took
        participant.took_from = took_from if took else None
        participant.sharing = sharing
        participant.noted_at = now
        participant.save(update_fields=["brought", "took", "took_from", "sharing", "noted_at"])
        if copy_to_log:
            parts = [exchange.topic]
            if brought:
                parts.append(_("Brought: %(text)s") % {"text": brought})
            if took:
                parts.append(_("Took: %(text)s") % {"text": took})
            log_entry_put_from_source(
                author=participant.member,
                source=f"exchange:{participant.pk}",
                date=exchange.held_on,
                note="\n".join(parts) if (brought or took) else "",
            )
    return participant


def exchanges_ask_if_held(*, now: datetime | None = None) -> int:
    """For cron: once per exchange whose moment passed without an answer, ask whether it took
    place; returns the number of exchanges asked about."""
    now = now or timezone.now()
    due = []
    candidates = PeerExchange.objects.filter(
        status=PeerExchange.Status.AGREED,
        starts_at__isnull=False,
        starts_at__lt=now - timedelta(hours=2),
        asked_if_held_at__isnull=True,
    ).select_related("school")
    ids = []
    with transaction.atomic():
        for exchange in candidates.select_for_update(of=("self",)):
            # those who took part: the starter and who accepted, not who never answered
            # (and only those still at the school)
            members = [
                p.member
                for p in _participants(exchange)
                if p.response == ExchangeParticipant.Response.ACCEPTED and p.member.is_active
            ]
            ids += _mail(exchange, members, "exchange_followup", now)
            due.append(exchange.pk)
        PeerExchange.objects.filter(pk__in=due).update(asked_if_held_at=now)
    mail_send_after_response(ids=ids)
    return len(due)


def exchanges_tell_moments_passed(*, now: datetime | None = None) -> int:
    """For cron: once per exchange still waiting for a moment, when every proposed moment has
    passed without an agreement, mail everyone still in it (and at the school) that nothing is
    agreed: propose a new moment, or decline or call it off. A new moment proposed later starts
    the count again. Returns the number of exchanges told about."""
    now = now or timezone.now()
    waiting = PeerExchange.objects.filter(
        status=PeerExchange.Status.PROPOSED,
        self_arranged=False,
        told_moments_passed_at__isnull=True,
        moments__isnull=False,
    ).exclude(moments__starts_at__gt=now)
    due, ids = [], []
    with transaction.atomic():
        candidates = PeerExchange.objects.filter(pk__in=waiting.values("pk"))
        for exchange in candidates.select_related("school").select_for_update(of=("self",)):
            members = [p.member for p in _participants(exchange) if p.is_in and p.member.is_active]
            ids += _mail(exchange, members, "exchange_moments_passed", now)
            due.append(exchange.pk)
        PeerExchange.objects.filter(pk__in=due).update(told_moments_passed_at=now)
    mail_send_after_response(ids=ids)
    return len(due)
