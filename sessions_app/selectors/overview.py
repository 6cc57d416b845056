"""The school overview for the coach and the steering group: lines, sessions, who met whom.

Rules kept here:
- Everything is counted over one school year, optionally narrowed to a date range and one line;
  the whole page costs a fixed number of queries whatever the size of the team (aggregates in
  the database, encounters counted in Python from one query of seats).
- "Met" means: sat at one table in one round of a held or closed session of that year (drafts
  never count), as actually seated; each seat carries the member's line at that moment, so the
  line-by-line matrix never changes when someone later moves line.
- Cross-line coverage is the share of pairs of today's line members from different lines who
  have sat together at least once; its course is that share after each session in turn.
- An earlier school year keeps its counts: someone who leaves the team after a year has ended
  still counts in that year as they were (in a line on its last day); only who left during the
  year is left out, as while it ran (`_counted_places`).
- Never a ranking or score of teachers. The person-level list (who has not met anyone of a
  line yet) is for the steering group only; the views check `view_encounters`.
- What the team says it learned follows the privacy of each question (see
  `sessions_app.selectors.reflections`): private answers never, anonymous ones without a name
  and only for groups of at least `ANONYMOUS_THRESHOLD`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from itertools import combinations

from django.db.models import Count, Exists, Max, OuterRef, Q
from django.utils import timezone

from learninglines.models import (
    Attendance,
    LearningLine,
    LineMeeting,
    LineMembership,
    LineStep,
    Member,
    School,
    SchoolYear,
)
from sessions_app.models import (
    ANONYMOUS_THRESHOLD,
    Answer,
    ExchangeParticipant,
    PeerExchange,
    PlenarySession,
    Question,
    Questionnaire,
    Reflection,
    Seat,
    SessionAttendance,
)
from sessions_app.selectors.exchanges import ExchangeCounts, exchange_counts
from sessions_app.selectors.figures import whole_percent

RECENT_QUOTES = 5


@dataclass(frozen=True)
class OverviewFilter:
    """The span the overview counts: a school year, optionally a line and a date range."""

    year: SchoolYear
    line: LearningLine | None = None
    start: date | None = None
    end: date | None = None

    @property
    def first_day(self) -> date:
        return max(self.start, self.year.start) if self.start else self.year.start

    @property
    def last_day(self) -> date:
        return min(self.end, self.year.end) if self.end else self.year.end

    def reference_day(self, today: date | None = None) -> date:
        """The day whose line memberships count as "today's": today, within the span."""
        today = today or timezone.localdate()
        return min(max(today, self.first_day), self.last_day)


@dataclass(frozen=True)
class LineRow:
    line: LearningLine
    members: int
    steps_done: int
    steps_total: int
    meetings_this_cycle: int
    meetings: int
    attendance_rate: int | None  # present of recorded, in whole percent
    last_topic: str


@dataclass(frozen=True)
class SessionRow:
    session: PlenarySession
    present: int
    rounds: int
    repeats: int | None
    asked: int
    answered: int

    @property
    def response_rate(self) -> int | None:
        return whole_percent(self.answered, self.asked)

    @property
    def form_not_opened(self) -> bool:
        """A reflection form that never opened: nobody could answer, so no response rate (a
        0 % would read as a team that did not respond)."""
        questionnaire = getattr(self.session, "questionnaire", None)
        return questionnaire is not None and questionnaire.state() == Questionnaire.State.NOT_OPEN


@dataclass(frozen=True)
class CoveragePoint:
    session: PlenarySession
    percent: int


@dataclass
class Encounters:
    lines: list[LearningLine]
    matrix: list[list[int]]  # encounters between a member of line i and one of line j
    pairs_met: int
    pairs_possible: int
    course: list[CoveragePoint] = field(default_factory=list)
    # Steering group only: (member, their line, lines none of whose members they have met).
    not_met: list[tuple[Member, LearningLine, list[LearningLine]]] = field(default_factory=list)

    @property
    def coverage(self) -> int | None:
        return whole_percent(self.pairs_met, self.pairs_possible)

    @property
    def rows(self) -> list[tuple[LearningLine, list[int]]]:
        return list(zip(self.lines, self.matrix, strict=True))


@dataclass(frozen=True)
class LearnedQuote:
    text: str
    name: str  # empty for anonymous answers
    question: str
    day: date


@dataclass
class LearnedGroup:
    line: LearningLine
    quotes: list[LearnedQuote] = field(default_factory=list)
    took_from_here: int = 0  # "gehaald": answers that name this line as where they took it
    withheld: int = 0  # anonymous answers not shown: fewer than the threshold in this group


@dataclass
class Overview:
    school: School
    filters: OverviewFilter
    lines: list[LineRow]
    sessions: list[SessionRow]
    encounters: Encounters
    learned: list[LearnedGroup]
    exchanges: ExchangeCounts | None = None

    @property
    def took_max(self) -> int:
        return max((group.took_from_here for group in self.learned), default=0)


# --- lines ---


def _counted_places(filters: OverviewFilter, today: date) -> Q:
    """The line places (memberships) the overview counts: of people still on the team; in a
    year that has ended, also of people who left since, if they were in one of its lines on its
    last day. So an earlier year's numbers stay what they were when it ended, however many
    leave the team later (a filter on `LineMembership`, no extra query)."""
    if filters.year.end >= today:
        return Q(member__is_active=True)
    stayed = LineMembership.objects.on(filters.year.end).filter(
        member=OuterRef("member"), line__year=filters.year
    )
    return Q(member__is_active=True) | Q(Exists(stayed))


def _line_rows(filters: OverviewFilter, lines: list[LearningLine], today: date) -> list[LineRow]:
    first, last = filters.first_day, min(filters.last_day, today)
    day = filters.reference_day(today)
    started = filters.year.cycle_started_on or filters.year.start
    members = Counter(
        LineMembership.objects.on(day)
        .filter(_counted_places(filters, today), line__in=lines)
        .values_list("line_id", flat=True)
    )
    steps = {
        row["line_id"]: row
        for row in LineStep.objects.filter(line__in=lines)
        .values("line_id")
        .annotate(total=Count("pk"), done=Count("pk", filter=Q(status=LineStep.Status.DONE)))
    }
    held = LineMeeting.objects.filter(line__in=lines, date__gte=first, date__lte=last)
    meetings = {
        row["line_id"]: row
        for row in held.values("line_id").annotate(
            count=Count("pk"),
            this_cycle=Count("pk", filter=Q(date__gte=started)),
            last_date=Max("date"),
        )
    }
    attendance = {
        row["meeting__line_id"]: row
        for row in Attendance.objects.filter(meeting__in=held)
        .values("meeting__line_id")
        .annotate(
            recorded=Count("pk"), present=Count("pk", filter=Q(status=Attendance.Status.PRESENT))
        )
    }
    last_topics = {}
    for line_id, topic in held.order_by("line_id", "-date", "-start_time", "-pk").values_list(
        "line_id", "topic"
    ):
        last_topics.setdefault(line_id, topic)
    rows = []
    for line in lines:
        step = steps.get(line.pk, {"total": 0, "done": 0})
        meeting = meetings.get(line.pk, {"count": 0, "this_cycle": 0})
        seen = attendance.get(line.pk)
        rate = whole_percent(seen["present"], seen["recorded"]) if seen else None
        rows.append(
            LineRow(
                line=line,
                members=members.get(line.pk, 0),
                steps_done=step["done"],
                steps_total=step["total"],
                meetings_this_cycle=meeting["this_cycle"],
                meetings=meeting["count"],
                attendance_rate=rate,
                last_topic=last_topics.get(line.pk, ""),
            )
        )
    return rows


# --- sessions and encounters ---


def _sessions(filters: OverviewFilter, school: School) -> list[PlenarySession]:
    return list(
        PlenarySession.objects.filter(
            school=school,
            year=filters.year,
            date__gte=filters.first_day,
            date__lte=filters.last_day,
        )
        .select_related("plan", "questionnaire")
        # the plan's rounds, also when nobody sat in one (everyone absent)
        .annotate(plan_rounds=Count("plan__rounds"))
        .order_by("date", "start_time", "pk")
    )


def _asked_counts(
    sessions: list[PlenarySession], memberships: list[LineMembership], line_pk: int | None
) -> dict[int, set[int]]:
    """Per session: members in a line (or in `line_pk`) on its date, not marked absent."""
    absent = defaultdict(set)
    for session_id, member_id in SessionAttendance.objects.filter(
        session__in=sessions, absent=True
    ).values_list("session_id", "member_id"):
        absent[session_id].add(member_id)
    return {
        session.pk: {
            m.member_id
            for m in memberships
            if m.start <= session.date
            and (m.end is None or m.end >= session.date)
            and (line_pk is None or m.line_id == line_pk)
            and m.member_id not in absent[session.pk]
        }
        for session in sessions
    }


def _session_rows(
    sessions: list[PlenarySession],
    seats: list[tuple[int, int, int, int, int]],
    memberships: list[LineMembership],
    line_pk: int | None,
) -> list[SessionRow]:
    """Presence, rounds, repeats and response per session; with a line, that line's people."""
    present = defaultdict(set)
    for session_id, _round, _table, member_id, seat_line in seats:
        if line_pk is None or seat_line == line_pk:
            present[session_id].add(member_id)
    asked = _asked_counts(sessions, memberships, line_pk)
    reflections = Reflection.objects.filter(
        questionnaire__session__in=sessions, submitted_at__isnull=False
    )
    if line_pk is not None:
        reflections = reflections.filter(line_id=line_pk)
    answered = defaultdict(set)
    for session_id, member_id in reflections.values_list("questionnaire__session_id", "member_id"):
        answered[session_id].add(member_id)
    rows = []
    for session in sessions:
        plan = getattr(session, "plan", None)
        has_form = getattr(session, "questionnaire", None) is not None
        rows.append(
            SessionRow(
                session=session,
                present=len(present[session.pk]),
                rounds=session.plan_rounds,
                repeats=plan.report.get("repeats") if plan is not None else None,
                # someone who answered and has left the team since was asked all the same
                asked=len(asked[session.pk] | answered[session.pk]) if has_form else 0,
                answered=len(answered[session.pk]),
            )
        )
    return rows


def _encounters(
    *,
    sessions: list[PlenarySession],
    seats: list[tuple[int, int, int, int, int]],
    lines: list[LearningLine],
    current: dict[int, int],
    members: dict[int, Member],
    person_level: bool,
    exchanges: list[tuple[date, list[tuple[int, int]]]] = (),
) -> Encounters:
    """The matrix, coverage and its course; `exchanges` are held small exchanges as
    (day, [(member, line)]), each a group of its own that counts from its day on."""
    index = {line.pk: i for i, line in enumerate(lines)}
    matrix = [[0] * len(lines) for _ in lines]
    by_table: dict[tuple, list[tuple[int, int]]] = defaultdict(list)
    day_of_group: dict[tuple, date] = {}
    session_day = {session.pk: session.date for session in sessions}
    for session_id, round_id, table_id, member_id, line_id in seats:
        by_table[("seat", round_id, table_id)].append((member_id, line_id))
        day_of_group[("seat", round_id, table_id)] = session_day[session_id]
    for number, (day, people) in enumerate(exchanges):
        by_table[("exchange", number)] = people
        day_of_group[("exchange", number)] = day
    met_on: dict[date, set[tuple[int, int]]] = defaultdict(set)
    for key, people in by_table.items():
        for (a, line_a), (b, line_b) in combinations(people, 2):
            if line_a in index and line_b in index:
                i, j = index[line_a], index[line_b]
                matrix[i][j] += 1
                if i != j:
                    matrix[j][i] += 1
            met_on[day_of_group[key]].add((min(a, b), max(a, b)))
    # Pairs of today's line members from different lines.
    people = sorted(current)
    possible = {(a, b) for a, b in combinations(people, 2) if current[a] != current[b]}
    met: set[tuple[int, int]] = set()
    course = []
    days = sorted(met_on)
    for session in sessions:
        # Everything up to and including the session's day: its tables and earlier exchanges.
        while days and days[0] <= session.date:
            met |= met_on[days.pop(0)] & possible
        course.append(CoveragePoint(session, whole_percent(len(met), len(possible)) or 0))
    for day in days:
        met |= met_on[day] & possible
    result = Encounters(
        lines=lines, matrix=matrix, pairs_met=len(met), pairs_possible=len(possible), course=course
    )
    if person_level:
        line_by_pk = {line.pk: line for line in lines}
        met_lines: dict[int, set[int]] = defaultdict(set)
        for a, b in met:
            met_lines[a].add(current[b])
            met_lines[b].add(current[a])
        present_lines = sorted(set(current.values()), key=lambda pk: index.get(pk, 0))
        for pk in people:
            missing = [
                line_by_pk[line_pk]
                for line_pk in present_lines
                if line_pk != current[pk] and line_pk not in met_lines[pk] and line_pk in line_by_pk
            ]
            if missing and pk in members:
                result.not_met.append((members[pk], line_by_pk[current[pk]], missing))
        result.not_met.sort(
            key=lambda row: (row[0].last_name, row[0].name_prefix, row[0].first_name, row[0].pk)
        )
    return result


# --- what the team says it learned ---


def _learned(
    filters: OverviewFilter, lines: list[LearningLine], sessions: list[PlenarySession]
) -> list[LearnedGroup]:
    """Recent open and "took" answers by line, and how often each line was named as a source.

    Three queries: the "took from" counts and the anonymous counts per line are aggregated in
    the database; the quotes are read newest first, as plain values, only until every line has
    its few recent ones (a year of 1,500 answer sets is never loaded as objects).
    """
    groups = {line.pk: LearnedGroup(line) for line in lines}
    base = Answer.objects.filter(
        reflection__questionnaire__year=filters.year,
        reflection__submitted_at__isnull=False,
        question__privacy__in=(Question.Privacy.NAMED, Question.Privacy.ANONYMOUS),
        question__kind__in=(Question.Kind.OPEN, Question.Kind.BROUGHT_TOOK),
    ).filter(
        Q(reflection__questionnaire__session__in=sessions)
        | Q(
            reflection__questionnaire__meeting__date__gte=filters.first_day,
            reflection__questionnaire__meeting__date__lte=filters.last_day,
        )
    )
    for line_id, count in (
        # a line is stored only with what was taken from it; retention blanks the text and
        # keeps the line, so the count stays
        base.filter(took_from_id__in=groups)
        .values("took_from_id")
        .annotate(count=Count("pk"))
        .values_list("took_from_id", "count")
    ):
        groups[line_id].took_from_here = count
    # The text a quote shows: the answer of an open question, "what I took" of brought/took.
    with_text = (Q(question__kind=Question.Kind.OPEN) & ~Q(text="")) | (
        Q(question__kind=Question.Kind.BROUGHT_TOOK) & ~Q(took="")
    )
    quotable = base.filter(with_text, reflection__line_id__in=groups)
    # Anonymous answers are grouped as on the results page: per question and line. A group of
    # 1 or 2 stays withheld however many anonymous answers the line gave to other questions.
    anonymous_count = {
        (line_id, question_id): count
        for line_id, question_id, count in quotable.filter(
            question__privacy=Question.Privacy.ANONYMOUS
        )
        .values("reflection__line_id", "question_id")
        .annotate(count=Count("pk"))
        .values_list("reflection__line_id", "question_id", "count")
    }
    anonymous: dict[int, list[LearnedQuote]] = defaultdict(list)
    rows = quotable.order_by("-reflection__submitted_at", "pk").values_list(
        "reflection__line_id",
        "question_id",
        "question__privacy",
        "question__kind",
        "question__text",
        "text",
        "took",
        "reflection__member__first_name",
        "reflection__member__name_prefix",
        "reflection__member__last_name",
        "reflection__questionnaire__session__date",
        "reflection__questionnaire__meeting__date",
    )
    waiting = set(groups)
    for (
        line_id,
        question_id,
        privacy,
        kind,
        question,
        text,
        took,
        first,
        prefix,
        last,
        session_day,
        meeting_day,
    ) in rows.iterator(chunk_size=200):
        quote_text = took if kind == Question.Kind.BROUGHT_TOOK else text
        day = session_day or meeting_day
        group = groups[line_id]
        if privacy == Question.Privacy.ANONYMOUS:
            shown = anonymous_count[(line_id, question_id)] >= ANONYMOUS_THRESHOLD
            if shown and len(anonymous[line_id]) < RECENT_QUOTES:
                anonymous[line_id].append(LearnedQuote(quote_text, "", question, day))
        elif len(group.quotes) < RECENT_QUOTES:
            name = Member(first_name=first, name_prefix=prefix, last_name=last).full_name
            group.quotes.append(LearnedQuote(quote_text, name, question, day))
        if len(group.quotes) >= RECENT_QUOTES:
            waiting.discard(line_id)
            if not waiting:
                break
    for (line_id, _question_id), count in anonymous_count.items():
        if count < ANONYMOUS_THRESHOLD:
            groups[line_id].withheld += count
    for line_id, group in groups.items():
        room = max(RECENT_QUOTES - len(group.quotes), 0)
        # The most recent ones, listed alphabetically so their order points to nobody.
        group.quotes.extend(sorted(anonymous[line_id][:room], key=lambda q: q.text.casefold()))
    # "Took" counts below the threshold are not withheld: they carry no text and no name.
    return [groups[line.pk] for line in lines]


def _held_exchanges(
    school: School, filters: OverviewFilter
) -> list[tuple[date, list[tuple[int, int]]]]:
    """Held small exchanges in the span as (day, [(member, line when invited)]); one query."""
    groups: dict[int, tuple[date, list[tuple[int, int]]]] = {}
    rows = (
        ExchangeParticipant.objects.filter(
            exchange__school=school,
            exchange__year=filters.year,
            exchange__status=PeerExchange.Status.HELD,
            exchange__held_on__gte=filters.first_day,
            exchange__held_on__lte=filters.last_day,
            # who took part: the starter and who accepted, never who declined or never answered
            response=ExchangeParticipant.Response.ACCEPTED,
        )
        .order_by("exchange__held_on", "exchange_id", "member_id")
        .values_list("exchange_id", "exchange__held_on", "member_id", "line_id")
    )
    for exchange_id, day, member_id, line_id in rows:
        groups.setdefault(exchange_id, (day, []))[1].append((member_id, line_id))
    return list(groups.values())


def school_overview(
    *,
    school: School,
    filters: OverviewFilter,
    person_level: bool = False,
    today: date | None = None,
) -> Overview:
    """One page at a glance for `school` over `filters`; a fixed number of queries.

    With a line filter, the line table, the sessions' presence and the quotes keep to that
    line; the matrix and coverage always show every line (an encounter has two sides).
    """
    today = today or timezone.localdate()
    all_lines = list(
        LearningLine.objects.filter(school=school, year=filters.year)
        .select_related("school")
        .order_by("letter", "pk")
    )
    shown = [line for line in all_lines if filters.line is None or line.pk == filters.line.pk]
    memberships = list(
        LineMembership.objects.filter(
            _counted_places(filters, today), line__in=all_lines
        ).select_related("member")
    )
    day = filters.reference_day(today)
    current = {
        m.member_id: m.line_id
        for m in memberships
        if m.start <= day and (m.end is None or m.end >= day)
    }
    members = {m.member_id: m.member for m in memberships}
    sessions = _sessions(filters, school)
    counted = [s for s in sessions if s.status in (s.Status.HELD, s.Status.CLOSED)]
    seats = list(
        Seat.objects.filter(round__plan__session__in=counted).values_list(
            "round__plan__session_id", "round_id", "table_id", "member_id", "line_id"
        )
    )
    exchange_groups = _held_exchanges(school, filters)
    line_pk = filters.line.pk if filters.line is not None else None
    session_rows = _session_rows(counted, seats, memberships, line_pk)
    return Overview(
        school=school,
        filters=filters,
        lines=_line_rows(filters, shown, today),
        sessions=session_rows,
        encounters=_encounters(
            sessions=counted,
            seats=seats,
            exchanges=exchange_groups,
            lines=all_lines,
            current=current,
            members=members,
            person_level=person_level,
        ),
        learned=_learned(filters, shown, sessions),
        exchanges=exchange_counts(
            school_id=school.pk,
            year=filters.year,
            start=filters.first_day,
            end=filters.last_day,
            members=len(current),
            member_ids=current.keys(),
        ),
    )
