"""Reads for ambitions and small exchanges: mine, whose notes I may read, whom to invite.

Suggestions ("wie ken je nog niet?") are never a ranking: a short list of colleagues from other
lines whom the member has not met this school year (at a plenary table or in a held small
exchange), each with its reasons in words. Those whose line's goal or steps share words with
the topic come first; within that, people with fewer open invitations come first, and ties are
broken by a fixed shuffle per asking member, so the same few people are not suggested to
everyone. Every function costs a fixed number of queries.

Clashes (`clashes_for`): a gentle notice, never a refusal, that a moment falls during something
of the viewer's own, for the viewer only:
- a meeting of a line the viewer is in on the meeting's date (`meeting_list_for_member`: a line
  they left before that date, or joined after it, does not count; nobody else's line ever);
- a plenary session of their school that is published (or held, or closed) and at which they
  are expected: in a line of the session's school year on its date. A draft never: its date
  may still change, and a teacher sees no draft anywhere else (not in the calendar feed, not on
  the home page), so its date must not reach them here;
- another small exchange the viewer takes part in (started it, or accepted) that is agreed to a
  moment: its [start, start + its minutes) counts like a meeting. Nobody else's exchanges, and
  none that is only proposed, cancelled or off, declined by the viewer, or still waiting for
  the viewer's answer; an exchange never clashes with itself (`apart_from`, or the caller
  drops `Clash.exchange_id` of the exchange it shows). It names the others who take part (the
  starter and who accepted: never who declined or has not answered).
A moment is stored as its start only; it lasts the exchange's `minutes` (10 to 240, 45 when
nobody chose), so it covers [start, start + minutes). It clashes when that span and the
meeting's, session's or other exchange's [start, end) overlap: a moment that ends exactly when
a meeting starts, or starts exactly when one ends, does not clash. Times of meetings and
sessions are local wall-clock times (the site's time zone).
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Exists, OuterRef, Prefetch, Q
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from learninglines.models import LearningLine, LineMembership, LineStep, Member, SchoolYear
from learninglines.selectors.meetings import meeting_list_for_member
from sessions_app.models import (
    ANONYMOUS_THRESHOLD,
    Ambition,
    ExchangeMoment,
    ExchangeParticipant,
    PeerExchange,
    PlenarySession,
    Seat,
)
from sessions_app.selectors.figures import whole_percent

SUGGESTIONS = 5
# Words too common to say anything about a topic (Dutch and English), and anything shorter
# than four letters.
STOPWORDS = frozenset(
    [
        "aan",
        "alle",
        "alles",
        "andere",
        "bij",
        "voor",
        "door",
        "over",
        "naar",
        "niet",
        "maar",
        "want",
        "omdat",
        "zodat",
        "hoe",
        "wat",
        "wie",
        "waar",
        "wanneer",
        "onze",
        "jouw",
        "mijn",
        "zijn",
        "haar",
        "hun",
        "deze",
        "dit",
        "die",
        "dat",
        "een",
        "het",
        "van",
        "met",
        "ook",
        "nog",
        "meer",
        "veel",
        "goed",
        "beter",
        "kunnen",
        "willen",
        "moeten",
        "worden",
        "wordt",
        "werd",
        "hebben",
        "heeft",
        "leren",
        "leerlingen",
        "leerling",
        "klas",
        "groep",
        "elkaar",
        "samen",
        "eigen",
        "zelf",
        "about",
        "with",
        "from",
        "that",
        "this",
        "their",
        "your",
        "what",
        "when",
        "where",
        "which",
        "into",
        "more",
        "some",
        "will",
        "would",
        "could",
        "should",
        "have",
        "they",
        "them",
    ]
)


def words(text: str) -> set[str]:
    """The meaningful words of `text`, lower-case, for matching a topic to a line's goal."""
    return {word for word in re.findall(r"[^\W\d_]{4,}", text.casefold()) if word not in STOPWORDS}


# --- ambitions ---


def invitations_waiting(*, member: Member) -> int:
    """How many open small exchanges still wait for the member's answer to the invitation."""
    return ExchangeParticipant.objects.filter(
        member=member,
        response=ExchangeParticipant.Response.PENDING,
        exchange__status__in=(PeerExchange.Status.PROPOSED, PeerExchange.Status.AGREED),
    ).count()


def ambition_versions(*, member: Member, year: SchoolYear) -> list[Ambition]:
    """Every version of the member's ambition for `year`, newest first (the author's view)."""
    return list(Ambition.objects.filter(member=member, year=year).order_by("-created_at", "-pk"))


def ambitions_shared(*, year: SchoolYear, member_ids) -> dict[int, Ambition]:
    """The current ambition of each of `member_ids`, only where it is shared with the team."""
    latest: dict[int, Ambition] = {}
    for ambition in Ambition.objects.filter(year=year, member_id__in=member_ids).order_by(
        "member_id", "-created_at", "-pk"
    ):
        latest.setdefault(ambition.member_id, ambition)
    return {pk: a for pk, a in latest.items() if a.sharing == Ambition.Sharing.TEAM}


# --- exchanges ---


def _exchanges():
    return PeerExchange.objects.select_related("school", "year", "created_by").prefetch_related(
        Prefetch(
            "participants",
            queryset=ExchangeParticipant.objects.select_related(
                "member", "line", "took_from"
            ).order_by("-is_initiator", "member__last_name", "member__first_name", "pk"),
        ),
        Prefetch("moments", queryset=ExchangeMoment.objects.select_related("proposed_by")),
    )


def exchange_for(*, member: Member | None, pk: int) -> PeerExchange | None:
    """The exchange `pk` if `member` takes part in it (declined or not), else None."""
    if member is None:
        return None
    return (
        _exchanges().filter(pk=pk, school_id=member.school_id, participants__member=member).first()
    )


def my_exchanges(*, member: Member) -> list[PeerExchange]:
    """The member's exchanges: open ones first (soonest first), then the rest, newest first."""
    exchanges = list(_exchanges().filter(participants__member=member).distinct())
    far = timezone.now().replace(year=9999)
    upcoming = sorted((e for e in exchanges if e.is_open), key=lambda e: (e.starts_at or far, e.pk))
    rest = sorted((e for e in exchanges if not e.is_open), key=lambda e: (e.created_at, e.pk))
    return upcoming + rest[::-1]


def participant_of(exchange: PeerExchange, member: Member) -> ExchangeParticipant | None:
    return next((p for p in exchange.participants.all() if p.member_id == member.pk), None)


def notes_readable(*, viewer: Member | None, participant: ExchangeParticipant) -> bool:
    """The author; with "participants", everyone who took part (started it or accepted; not
    who never answered); with "line", the members
    of the author's line on the day it was held. Roles give no access (the steering group and
    the coach only ever see counts)."""
    if viewer is None:
        return False
    if viewer.pk == participant.member_id:
        return True
    sharing = participant.sharing
    exchange = participant.exchange
    if sharing == ExchangeParticipant.Sharing.PARTICIPANTS:
        return any(
            p.member_id == viewer.pk and p.response == ExchangeParticipant.Response.ACCEPTED
            for p in exchange.participants.all()
        )
    if sharing == ExchangeParticipant.Sharing.LINE and participant.line_id:
        day = exchange.held_on or timezone.localdate()
        return (
            LineMembership.objects.on(day)
            .filter(member=viewer, line_id=participant.line_id)
            .exists()
        )
    return False


def group_visible_responses(exchange: PeerExchange, viewer: Member) -> dict:
    """What the viewer sees of the answers: in a group, never who declined.

    Returns {"accepted": [members], "answered": n, "invited": n, "declined_names": [...]}; the
    names of those who declined are only given in a duo (where it is plain anyway) and to
    nobody else.
    """
    invitees = [p for p in exchange.participants.all() if not p.is_initiator]
    accepted = [p.member for p in invitees if p.response == ExchangeParticipant.Response.ACCEPTED]
    answered = sum(1 for p in invitees if p.response != ExchangeParticipant.Response.PENDING)
    declined = [p.member for p in invitees if p.response == ExchangeParticipant.Response.DECLINED]
    return {
        "accepted": accepted,
        "answered": answered,
        "invited": len(invitees),
        "declined_names": declined if len(invitees) == 1 else [],
        "declined_count": len(declined),
    }


# --- what else the viewer has on at a moment (see the module) ---

Span = tuple[datetime, datetime]


def moment_span(starts_at: datetime, minutes: int) -> Span:
    """The time a moment of an exchange of `minutes` takes: [start, start + minutes)."""
    return starts_at, starts_at + timedelta(minutes=minutes)


# The longest an exchange lasts (`exchange_start` allows 10 to 240 minutes): how far before a
# span an agreed exchange may start and still overlap it.
LONGEST_EXCHANGE = timedelta(minutes=240)


@dataclass(frozen=True)
class Clash:
    """A meeting of the viewer's line, a plenary session, or another small exchange of the
    viewer's, during a moment (local times)."""

    kind: str  # "meeting", "session" or "exchange"
    title: str  # the session's title; for a meeting, its line's name; an exchange's topic
    starts: datetime
    ends: datetime
    exchange_id: int | None = None  # the other exchange
    with_whom: tuple[str, ...] = ()  # the others who take part in that exchange

    @property
    def when(self) -> str:
        # A format per language: Dutch "di 12 jan" (month in lower case), English "Tue 12 Jan".
        day = date_format(self.starts, pgettext("short day of a meeting or session", "D j M"))
        return f"{day} {time_format(self.starts, 'H:i')}\u2013{time_format(self.ends, 'H:i')}"

    @property
    def what(self) -> str:
        """What the moment falls during, as words ending a sentence."""
        if self.kind == "meeting":
            return _("the meeting of your learning line (%(when)s)") % {"when": self.when}
        if self.kind == "exchange":
            if not self.with_whom:
                return _("your exchange about “%(topic)s” (%(when)s)") % {
                    "topic": self.title,
                    "when": self.when,
                }
            return _("your exchange with %(people)s about “%(topic)s” (%(when)s)") % {
                "people": _names(self.with_whom),
                "topic": self.title,
                "when": self.when,
            }
        return _("the plenary session “%(title)s” (%(when)s)") % {
            "title": self.title,
            "when": self.when,
        }

    @property
    def text(self) -> str:
        return _("This falls during %(what)s.") % {"what": self.what}


def _names(names: tuple[str, ...]) -> str:
    """Names in words: "Bram Jansen and Eva Smit", "Bram Jansen, Eva Smit and Ali Kaya"."""
    if len(names) == 1:
        return names[0]
    return _("%(names)s and %(last)s") % {"names": ", ".join(names[:-1]), "last": names[-1]}


def _local(day: date, clock) -> datetime:
    return timezone.make_aware(datetime.combine(day, clock))


def clashes_for(
    *, member: Member, spans: Iterable[Span], apart_from: int | None = None
) -> dict[Span, list[Clash]]:
    """For each span (start, end) that clashes with one of `member`'s own line meetings,
    plenary sessions or other agreed small exchanges, those in time order (see the module for
    which count). `apart_from`: the exchange whose moments these are, which never clashes with
    itself. Spans without a clash are left out. Three queries for any number of spans (none
    without spans)."""
    spans = list(dict.fromkeys(spans))
    days: set[date] = set()
    for start, end in spans:
        day, last = timezone.localdate(start), timezone.localdate(end - timedelta(microseconds=1))
        while day <= last:
            days.add(day)
            day += timedelta(days=1)
    if not days:
        return {}
    found = [
        Clash("meeting", meeting.line.name, *_between(meeting))
        for meeting in meeting_list_for_member(member=member).filter(date__in=days)
    ]
    expected = LineMembership.objects.filter(
        member=member, line__year=OuterRef("year"), start__lte=OuterRef("date")
    ).filter(Q(end__isnull=True) | Q(end__gte=OuterRef("date")))
    sessions = (
        PlenarySession.objects.filter(school_id=member.school_id, date__in=days)
        .exclude(status=PlenarySession.Status.DRAFT)
        .filter(Exists(expected))
        .order_by("date", "start_time", "pk")
    )
    found += [Clash("session", session.title, *_between(session)) for session in sessions]
    found += _exchanges_agreed(
        member=member,
        after=min(start for start, _end in spans) - LONGEST_EXCHANGE,
        before=max(end for _start, end in spans),
        apart_from=apart_from,
    )
    found.sort(key=lambda clash: (clash.starts, clash.kind))
    clashes: dict[Span, list[Clash]] = {}
    for span in spans:
        start, end = span
        during = [clash for clash in found if clash.starts < end and start < clash.ends]
        if during:
            clashes[span] = during
    return clashes


def _exchanges_agreed(
    *, member: Member, after: datetime, before: datetime, apart_from: int | None
) -> list[Clash]:
    """The member's agreed small exchanges starting in (after, before), each as a Clash naming
    the others who take part (one query)."""
    accepted = ExchangeParticipant.Response.ACCEPTED
    mine = PeerExchange.objects.filter(
        school_id=member.school_id,
        status=PeerExchange.Status.AGREED,
        starts_at__gt=after,
        starts_at__lt=before,
        participants__member=member,
        participants__response=accepted,
    )
    if apart_from is not None:
        mine = mine.exclude(pk=apart_from)
    rows = (
        ExchangeParticipant.objects.filter(exchange__in=mine.values("pk"), response=accepted)
        .select_related("exchange", "member")
        .order_by("exchange_id", "-is_initiator", "member__last_name", "member__first_name", "pk")
    )
    by_exchange: dict[int, tuple[PeerExchange, list[str]]] = {}
    for row in rows:
        exchange, names = by_exchange.setdefault(row.exchange_id, (row.exchange, []))
        if row.member_id != member.pk:
            names.append(row.member.full_name)
    clashes = []
    for exchange, names in by_exchange.values():
        start, end = moment_span(exchange.starts_at, exchange.minutes)
        start, end = timezone.localtime(start), timezone.localtime(end)
        clashes.append(Clash("exchange", exchange.topic, start, end, exchange.pk, tuple(names)))
    return clashes


def _between(event) -> tuple[datetime, datetime]:
    """A meeting's or session's start and end, as aware local times."""
    return _local(event.date, event.start_time), _local(event.date, event.end_time)


# --- who met whom (plenary tables and held small exchanges) ---


def held_exchange_groups(
    *, school_id: int, year_id: int, until: date | None = None
) -> list[tuple[date, list[int]]]:
    """Held small exchanges of a year as (day, member pks who took part), oldest first (one
    query). Who took part: the starter and who accepted; never who declined or never answered."""
    rows = (
        ExchangeParticipant.objects.filter(
            exchange__school_id=school_id,
            exchange__year_id=year_id,
            exchange__status=PeerExchange.Status.HELD,
            response=ExchangeParticipant.Response.ACCEPTED,
        )
        .order_by("exchange__held_on", "exchange_id", "member_id")
        .values_list("exchange_id", "exchange__held_on", "member_id")
    )
    if until is not None:
        rows = rows.filter(exchange__held_on__lt=until)
    groups: dict[int, tuple[date, list[int]]] = {}
    for exchange_id, day, member_id in rows:
        groups.setdefault(exchange_id, (day, []))[1].append(member_id)
    return [group for group in groups.values() if len(group[1]) > 1]


def met_this_year(*, member: Member, year: SchoolYear) -> set[int]:
    """Everyone the member sat with (held sessions) or exchanged with (held, both of them having
    taken part: started it or accepted) this year."""
    tables = Seat.objects.filter(
        member=member,
        round__plan__session__year=year,
        round__plan__session__status__in=(
            PlenarySession.Status.HELD,
            PlenarySession.Status.CLOSED,
        ),
    ).values("table_id")
    met = set(Seat.objects.filter(table_id__in=tables).values_list("member_id", flat=True))
    took_part = ExchangeParticipant.Response.ACCEPTED
    exchanges = ExchangeParticipant.objects.filter(
        member=member,
        exchange__year=year,
        exchange__status=PeerExchange.Status.HELD,
        response=took_part,
    )
    met |= set(
        ExchangeParticipant.objects.filter(
            exchange__in=exchanges.values("exchange_id"), response=took_part
        ).values_list("member_id", flat=True)
    )
    met.discard(member.pk)
    return met


# --- suggestions ---


@dataclass(frozen=True)
class Suggestion:
    member: Member
    line: LearningLine
    shared_words: tuple[str, ...] = ()
    ambition: Ambition | None = None
    open_invitations: int = 0
    reasons: tuple[str, ...] = field(default_factory=tuple)


def _spread_key(asker: Member, other_pk: int) -> str:
    return hashlib.sha256(f"{asker.pk}:{other_pk}".encode()).hexdigest()


def suggestions_for(
    *, member: Member, year: SchoolYear, topic: str = "", limit: int = SUGGESTIONS, today=None
) -> list[Suggestion]:
    """Colleagues from other lines whom `member` has not met this year (see the module)."""
    today = today or timezone.localdate()
    day = min(max(today, year.start), year.end)
    memberships = list(
        LineMembership.objects.on(day)
        .filter(line__year=year, line__archived_at__isnull=True, member__is_active=True)
        .select_related("member", "line")
    )
    own_line = next((m.line_id for m in memberships if m.member_id == member.pk), None)
    met = met_this_year(member=member, year=year)
    in_open_with_me = set(
        ExchangeParticipant.objects.filter(
            exchange__participants__member=member,
            exchange__status__in=(PeerExchange.Status.PROPOSED, PeerExchange.Status.AGREED),
        ).values_list("member_id", flat=True)
    )
    candidates = [
        m
        for m in memberships
        if m.member_id != member.pk
        and m.line_id != own_line
        and m.member_id not in met
        and m.member_id not in in_open_with_me
    ]
    if not candidates:
        return []
    load = Counter(
        ExchangeParticipant.objects.filter(
            member_id__in=[m.member_id for m in candidates],
            exchange__status__in=(PeerExchange.Status.PROPOSED, PeerExchange.Status.AGREED),
        )
        .exclude(response=ExchangeParticipant.Response.DECLINED)
        .values_list("member_id", flat=True)
    )
    line_ids = {m.line_id for m in candidates}
    line_words: dict[int, set[str]] = defaultdict(set)
    for line in LearningLine.objects.filter(pk__in=line_ids).only("pk", "goal", "description"):
        line_words[line.pk] |= words(f"{line.goal} {line.description}")
    for line_id, title in LineStep.objects.filter(line_id__in=line_ids).values_list(
        "line_id", "title"
    ):
        line_words[line_id] |= words(title)
    ambitions = ambitions_shared(year=year, member_ids=[m.member_id for m in candidates])
    topic_words = words(topic)
    rows = []
    for m in candidates:
        ambition = ambitions.get(m.member_id)
        found = topic_words & (
            line_words[m.line_id] | (words(ambition.text) if ambition else set())
        )
        rows.append(
            (
                0 if found else 1,
                load[m.member_id],
                _spread_key(member, m.member_id),
                Suggestion(
                    member=m.member,
                    line=m.line,
                    shared_words=tuple(sorted(found)),
                    ambition=ambition,
                    open_invitations=load[m.member_id],
                ),
            )
        )
    rows.sort(key=lambda row: row[:3])
    return [row[3] for row in rows[:limit]]


# --- counts for the steering group and the coach (never per person) ---


@dataclass
class ExchangeCounts:
    held_by_month: list[tuple[date, int]]
    by_line_pair: dict[tuple[int, int], int]
    took_from: dict[int, int | None]  # line pk -> count, None when below the threshold
    members: int
    took_part: int

    @property
    def share(self) -> int | None:
        return whole_percent(self.took_part, self.members)


def exchange_counts(
    *,
    school_id: int,
    year: SchoolYear,
    start: date,
    end: date,
    members: int,
    member_ids: Collection[int] | None = None,
) -> ExchangeCounts:
    """Held small exchanges in [start, end]: per month, per pair of lines, "took from" per line,
    and how many of `members` started or joined (accepted) one in the span, of any status but
    cancelled. With `member_ids` (the `members` counted), only they count as having taken part,
    so the share never counts someone outside the team it is a share of. "Took from" counts
    the line named, also once the text has gone (erasure, retention): a line is only stored
    with a text."""
    participants = list(
        ExchangeParticipant.objects.filter(
            exchange__school_id=school_id,
            exchange__year=year,
        )
        .exclude(response=ExchangeParticipant.Response.DECLINED)
        .filter(
            Q(exchange__held_on__gte=start, exchange__held_on__lte=end)
            | Q(
                exchange__held_on__isnull=True,
                exchange__created_at__date__gte=start,
                exchange__created_at__date__lte=end,
            )
        )
        .values_list(
            "exchange_id",
            "exchange__status",
            "exchange__held_on",
            "member_id",
            "line_id",
            "took_from_id",
            "response",
        )
    )
    by_exchange: dict[int, list] = defaultdict(list)
    took_part = set()
    took_from: Counter = Counter()
    accepted = ExchangeParticipant.Response.ACCEPTED
    for row in participants:
        exchange_id, status, held_on, member_id, line_id, took_from_id, response = row
        # who started it or accepted, not who never answered
        in_team = member_ids is None or member_id in member_ids
        if status != PeerExchange.Status.CANCELLED and response == accepted and in_team:
            took_part.add(member_id)
        # a held exchange joins the lines of those who took part, not of who never answered
        if status == PeerExchange.Status.HELD and response == accepted:
            by_exchange[exchange_id].append((held_on, line_id))
            if took_from_id:
                took_from[took_from_id] += 1
    months: Counter = Counter()
    pairs: Counter = Counter()
    for rows in by_exchange.values():
        months[rows[0][0].replace(day=1)] += 1
        lines = sorted({line for _day, line in rows if line})
        for i, first in enumerate(lines):
            for second in lines[i + 1 :]:
                pairs[(first, second)] += 1
    return ExchangeCounts(
        held_by_month=sorted(months.items()),
        by_line_pair=dict(pairs),
        took_from={
            line: (count if count >= ANONYMOUS_THRESHOLD else None)
            for line, count in took_from.items()
        },
        members=members,
        took_part=len(took_part),
    )
