"""Reads for reflection forms: who is asked, who answered, a member's draft, and the results.

Results keep the privacy promised next to each question (see `sessions_app.models.reflections`):
named answers carry the name; anonymous answers never do, and any group of fewer than
`ANONYMOUS_THRESHOLD` anonymous answers (a line, a filter, a chart bar) is withheld; private
answers never leave their author. Only submitted reflections count. Every function here costs
a fixed number of queries, whatever the size of the team.

A line filter shows one line's part of figures the page also shows for all lines; the
difference is the other lines' part. So under a filter an anonymous bar and a group of "took"
texts (grouped by the line they came from, not by their authors) are shown only when every line
holds none or at least the threshold of the answers behind them: then every difference of the
figures shown, for any filters, holds none or at least the threshold too. An average is not
shown beside a bar withheld so (with the line's count it would tell that bar).
Groups by the author's line need no such care: the page shows them per line anyway.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from learninglines.models import Attendance, LearningLine, LineMembership, Member
from sessions_app.models import (
    ANONYMOUS_THRESHOLD,
    SCALE,
    Answer,
    Question,
    Questionnaire,
    Reflection,
    ReflectionReminder,
    SessionAttendance,
)
from sessions_app.selectors.figures import whole_percent


def line_on(member: Member, day: date) -> LearningLine | None:
    membership = LineMembership.objects.on(day).filter(member=member).select_related("line").first()
    return membership.line if membership else None


@dataclass(frozen=True)
class Asked:
    member: Member
    line: LearningLine


def _memberships(questionnaire: Questionnaire):
    day = questionnaire.day
    # a line archived since still held them on the day (archiving ends its memberships the
    # day before), so they were asked, as the overview and the coach's page count them
    memberships = LineMembership.objects.on(day).filter(member__is_active=True)
    if questionnaire.session_id:
        return memberships.filter(
            line__school_id=questionnaire.school_id, line__year_id=questionnaire.year_id
        )
    return memberships.filter(line_id=questionnaire.meeting.line_id)


def _absent_ids(questionnaire: Questionnaire) -> set[int]:
    if questionnaire.session_id:
        rows = SessionAttendance.objects.filter(session_id=questionnaire.session_id, absent=True)
    else:
        rows = Attendance.objects.filter(meeting_id=questionnaire.meeting_id).exclude(
            status=Attendance.Status.PRESENT
        )
    return set(rows.values_list("member_id", flat=True))


def questionnaire_asked(*, questionnaire: Questionnaire) -> list[Asked]:
    """Everyone asked: in a line on the day (of the school, or of the meeting's line), active,
    not marked absent. Coaches are never members, so never asked. Two queries; register order.
    """
    absent = _absent_ids(questionnaire)
    memberships = (
        _memberships(questionnaire)
        .exclude(member_id__in=absent)
        .select_related("member__user", "member__school", "line")
        .order_by("member__last_name", "member__name_prefix", "member__first_name", "member_id")
    )
    return [Asked(m.member, m.line) for m in memberships]


def asked_members(*, questionnaire: Questionnaire) -> list[Member]:
    return [item.member for item in questionnaire_asked(questionnaire=questionnaire)]


def is_asked(*, questionnaire: Questionnaire, member: Member | None) -> bool:
    """Whether `member` is asked to fill in `questionnaire` (two queries at most)."""
    if member is None or member.school_id != questionnaire.school_id:
        return False
    if member.pk in _absent_ids(questionnaire):
        return False
    return _memberships(questionnaire).filter(member=member).exists()


def _in_question_order(answers: QuerySet[Answer]) -> QuerySet[Answer]:
    """Answers to prefetch, in question order. Not the model's ordering ("reflection" first):
    that expands to the reflection's own ordering, joins the form and the member only to sort,
    and makes PostgreSQL read every school's reflections."""
    return answers.order_by("question__position", "question_id")


def reflection_of(*, questionnaire: Questionnaire, member: Member) -> Reflection | None:
    """The member's own reflection with its answers (two queries), or None."""
    return (
        Reflection.objects.filter(questionnaire=questionnaire, member=member)
        .prefetch_related(
            Prefetch(
                "answers", queryset=_in_question_order(Answer.objects.select_related("took_from"))
            )
        )
        .first()
    )


def questionnaires_to_answer(*, member: Member, now: datetime | None = None) -> list:
    """Open forms the member is asked to fill in, with whether they submitted: for start pages."""
    now = now or timezone.now()
    candidates = list(
        Questionnaire.objects.filter(school_id=member.school_id, opens_at__lte=now)
        .filter(Q(closes_at__isnull=True) | Q(closes_at__gt=now))
        .select_related("school", "session", "meeting__line")
        .order_by("closes_at", "pk")
    )
    if not candidates:
        return []
    submitted = set(
        Reflection.objects.filter(
            questionnaire__in=candidates, member=member, submitted_at__isnull=False
        ).values_list("questionnaire_id", flat=True)
    )
    asked = _asked_among(member, candidates)
    return [(q, q.pk in submitted) for q in candidates if q.pk in asked]


def _asked_among(member: Member, candidates: list[Questionnaire]) -> set[int]:
    """Which of `candidates` ask `member`: the rule of `questionnaire_asked`, for one member
    and many forms at once (two queries, three when both sessions and meetings are among them).
    """
    if not member.is_active:
        return set()
    memberships = list(
        LineMembership.objects.filter(member=member).values_list(
            "line_id", "line__year_id", "start", "end"
        )
    )
    sessions = [q.session_id for q in candidates if q.session_id]
    meetings = [q.meeting_id for q in candidates if q.meeting_id]
    absent = set()
    if sessions:
        absent |= {
            ("session", pk)
            for pk in SessionAttendance.objects.filter(
                session_id__in=sessions, member=member, absent=True
            ).values_list("session_id", flat=True)
        }
    if meetings:
        absent |= {
            ("meeting", pk)
            for pk in Attendance.objects.filter(meeting_id__in=meetings, member=member)
            .exclude(status=Attendance.Status.PRESENT)
            .values_list("meeting_id", flat=True)
        }
    asked = set()
    for q in candidates:
        if q.session_id:
            key = ("session", q.session_id)
            held = [m for m in memberships if m[1] == q.year_id]  # any line of the year
        else:
            key = ("meeting", q.meeting_id)
            held = [m for m in memberships if m[0] == q.meeting.line_id]  # the meeting's line
        day = q.day
        on_the_day = any(start <= day and (end is None or end >= day) for *_, start, end in held)
        if on_the_day and key not in absent:
            asked.add(q.pk)
    return asked


# --- participation (who has not answered: the steering group's view) ---


@dataclass(frozen=True)
class ParticipantRow:
    member: Member
    line: LearningLine
    status: str  # "submitted", "draft" or "none"
    reminded_at: datetime | None


@dataclass(frozen=True)
class Participation:
    rows: list[ParticipantRow]

    @property
    def asked(self) -> int:
        return len(self.rows)

    @property
    def submitted(self) -> int:
        return sum(1 for row in self.rows if row.status == "submitted")

    @property
    def waiting(self) -> list[ParticipantRow]:
        return [row for row in self.rows if row.status != "submitted"]

    @property
    def rate(self) -> int | None:
        """Submitted as a whole percentage of those asked, or None when nobody is asked."""
        return whole_percent(self.submitted, self.asked)


def questionnaire_participation(*, questionnaire: Questionnaire) -> Participation:
    """Who is asked and whether they submitted, saved a draft or nothing yet (four queries)."""
    asked = questionnaire_asked(questionnaire=questionnaire)
    status = {
        member_id: ("submitted" if submitted_at else "draft")
        for member_id, submitted_at in Reflection.objects.filter(
            questionnaire=questionnaire
        ).values_list("member_id", "submitted_at")
    }
    reminded: dict[int, datetime] = {}
    for member_id, sent_at in ReflectionReminder.objects.filter(
        questionnaire=questionnaire
    ).values_list("member_id", "sent_at"):
        if member_id not in reminded or sent_at > reminded[member_id]:
            reminded[member_id] = sent_at
    return Participation(
        rows=[
            ParticipantRow(
                item.member,
                item.line,
                status.get(item.member.pk, "none"),
                reminded.get(item.member.pk),
            )
            for item in asked
        ]
    )


# --- results ---


@dataclass(frozen=True)
class Bar:
    """One bar of a chart: `count` is None when withheld (fewer than the threshold)."""

    label: str
    count: int | None
    percent: int  # of the shown total, for the bar's length
    # withheld under a line filter, however many it holds: another line holds 1 or 2 of it
    for_other_lines: bool = False


@dataclass(frozen=True)
class Quote:
    text: str
    name: str = ""  # empty for anonymous answers
    extra: str = ""  # brought/took: what was taken


@dataclass
class QuoteGroup:
    """Answers of one line (the author's line, or for "took" the line it came from)."""

    line: LearningLine | None
    quotes: list[Quote] = field(default_factory=list)
    withheld: bool = False  # an anonymous group below the threshold
    # withheld under a line filter: another line holds 1 or 2 of these texts (see the module)
    for_other_lines: bool = False


@dataclass
class QuestionResult:
    question: Question
    answered: int = 0
    bars: list[Bar] = field(default_factory=list)
    groups: list[QuoteGroup] = field(default_factory=list)
    took_groups: list[QuoteGroup] = field(default_factory=list)
    withheld: bool = False  # the whole question: anonymous with fewer than the threshold
    average: float | None = None
    average_for_other_lines: bool = False  # withheld under a line filter (see the module)

    @property
    def is_private(self) -> bool:
        return self.question.privacy == Question.Privacy.PRIVATE

    @property
    def is_anonymous(self) -> bool:
        return self.question.privacy == Question.Privacy.ANONYMOUS

    @property
    def has_chart(self) -> bool:
        return self.question.kind in (
            Question.Kind.SCALE,
            Question.Kind.SINGLE,
            Question.Kind.MULTIPLE,
        )


@dataclass
class Results:
    questionnaire: Questionnaire
    asked: int
    submitted: int
    questions: list[QuestionResult]
    lines: list[LearningLine]
    line_filter: LearningLine | None = None

    @property
    def rate(self) -> int | None:
        return whole_percent(self.submitted, self.asked)


def _bars(
    labels: list[str], counts: Counter, anonymous: bool, other_lines: set = frozenset()
) -> list[Bar]:
    """The bars of `counts`; `other_lines`: the bars a line filter must withhold as well."""
    bars = []
    for index, label in enumerate(labels):
        count = counts.get(index, 0)
        few = anonymous and 0 < count < ANONYMOUS_THRESHOLD
        other = anonymous and not few and count > 0 and index in other_lines
        bars.append(Bar(label, None if few or other else count, 0, for_other_lines=other))
    top = max((bar.count or 0 for bar in bars), default=0)
    return [
        Bar(
            bar.label,
            bar.count,
            round(100 * (bar.count or 0) / top) if top else 0,
            for_other_lines=bar.for_other_lines,
        )
        for bar in bars
    ]


def _few_in_a_line(keys_by_line: dict) -> set:
    """The keys (a bar's index, the line texts came from) that some line holds 1 or 2 of:
    {line pk: Counter of keys} -> keys. Under a line filter these are withheld."""
    return {
        key
        for counts in keys_by_line.values()
        for key, count in counts.items()
        if 0 < count < ANONYMOUS_THRESHOLD
    }


def _per_line(pairs, key) -> dict[int | None, Counter]:
    """{author's line pk: Counter of key(answer) over that line's answers}; key gives a list."""
    counts: dict[int | None, Counter] = defaultdict(Counter)
    for reflection, answer in pairs:
        counts[reflection.line_id].update(key(answer))
    return counts


def _average_tells_hidden_bars(bars: list[Bar], answered: int) -> bool:
    """Whether an average would tell how the answers behind withheld bars are spread.

    Each withheld bar holds 1 or 2 answers, and together they hold what the shown bars do not.
    With one withheld bar, or with exactly one answer behind each, the bars already say as
    much; otherwise the average gives the split away (3 answers, every bar withheld, average
    4.7: two 5s and a 4), so it is withheld too.
    """
    withheld = sum(1 for bar in bars if bar.count is None)
    behind = answered - sum(bar.count or 0 for bar in bars)
    return withheld > 1 and behind > withheld


def _group(
    items: list[tuple[LearningLine | None, Quote]],
    anonymous: bool,
    order: list[LearningLine],
    other_lines: set = frozenset(),
) -> list[QuoteGroup]:
    """Quotes per line; `other_lines`: the line pks whose group a line filter must withhold."""
    by_line: dict[int | None, QuoteGroup] = {}
    for line, quote in items:
        key = line.pk if line else None
        by_line.setdefault(key, QuoteGroup(line)).quotes.append(quote)
    rank = {line.pk: index for index, line in enumerate(order)}
    groups = sorted(
        by_line.values(), key=lambda g: rank.get(g.line.pk, len(rank)) if g.line else len(rank) + 1
    )
    for group in groups:
        if anonymous:
            # No order that could point to a person: alphabetical, and no names at all.
            group.quotes.sort(key=lambda q: (q.text.casefold(), q.extra.casefold()))
            if len(group.quotes) < ANONYMOUS_THRESHOLD:
                group.withheld = True
                group.quotes = []
            elif (group.line.pk if group.line else None) in other_lines:
                group.withheld = group.for_other_lines = True
                group.quotes = []
    return groups


def questionnaire_results(
    *, questionnaire: Questionnaire, line: LearningLine | None = None
) -> Results:
    """What the steering group and the coach may read of a form's answers (five queries).

    With `line`, only the reflections of members who were in that line on the day; the
    threshold for anonymous answers then holds within that filter.
    """
    questions = list(questionnaire.questions.order_by("position", "pk"))
    lines = list(
        LearningLine.objects.filter(year_id=questionnaire.year_id).order_by("letter", "pk")
    )
    asked = questionnaire_asked(questionnaire=questionnaire)
    if line is not None:
        asked = [item for item in asked if item.line.pk == line.pk]
    # every line's reflections, also under a filter: what the filter may show depends on them
    every = list(
        Reflection.objects.filter(questionnaire=questionnaire, submitted_at__isnull=False)
        .select_related("member", "line")
        .prefetch_related(
            Prefetch("answers", queryset=_in_question_order(Answer.objects.only(*_ANSWER_FIELDS)))
        )
    )
    reflections = [r for r in every if line is None or r.line_id == line.pk]
    line_by_pk = {item.pk: item for item in lines}
    per_question: dict[int, list[tuple[Reflection, Answer]]] = defaultdict(list)
    for reflection in every:
        for answer in reflection.answers.all():
            # An answer cleared before submitting is stored empty: it is no answer, and counting
            # it would lift a group of anonymous answers over the threshold.
            if not answer.is_empty:
                per_question[answer.question_id].append((reflection, answer))
    results = []
    for question in questions:
        all_pairs = per_question.get(question.pk, [])
        pairs = [(r, a) for r, a in all_pairs if line is None or r.line_id == line.pk]
        # under a filter, the keys some line holds 1 or 2 of (see the module's docstring)
        guarded = line is not None and question.privacy == Question.Privacy.ANONYMOUS

        def few_in_a_line(key, all_pairs=all_pairs, guarded=guarded) -> set:
            return _few_in_a_line(_per_line(all_pairs, key)) if guarded else set()

        result = QuestionResult(question=question, answered=len(pairs))
        results.append(result)
        if result.is_private:
            result.answered = 0
            continue
        anonymous = result.is_anonymous
        if anonymous and 0 < len(pairs) < ANONYMOUS_THRESHOLD:
            result.withheld = True
            continue
        if question.kind == Question.Kind.SCALE:
            counts = Counter(answer.value - 1 for _r, answer in pairs if answer.value)
            labels = [str(value) for value in SCALE]
            result.bars = _bars(
                labels, counts, anonymous, few_in_a_line(lambda a: [a.value - 1] if a.value else [])
            )
            values = [answer.value for _r, answer in pairs if answer.value]
            result.average = round(sum(values) / len(values), 1) if values else None
            if anonymous and _average_tells_hidden_bars(result.bars, len(values)):
                result.average = None
            elif values and any(bar.for_other_lines for bar in result.bars):
                # with the line's count and the shown bars it would tell the withheld bar
                result.average, result.average_for_other_lines = None, True
        elif question.has_choices:
            counts = Counter(index for _r, answer in pairs for index in answer.selected)
            result.bars = _bars(
                list(question.choices), counts, anonymous, few_in_a_line(lambda a: a.selected)
            )
        elif question.kind == Question.Kind.OPEN:
            items = [
                (r.line, Quote(a.text, "" if anonymous else r.member.full_name))
                for r, a in pairs
                if a.text
            ]
            result.groups = _group(items, anonymous, lines)
        else:
            brought = [
                (r.line, Quote(a.text, "" if anonymous else r.member.full_name))
                for r, a in pairs
                if a.text
            ]
            took = [
                (
                    line_by_pk.get(a.took_from_id),
                    Quote(a.took, "" if anonymous else r.member.full_name),
                )
                for r, a in pairs
                if a.took
            ]
            result.groups = _group(brought, anonymous, lines)
            result.took_groups = _group(
                took, anonymous, lines, few_in_a_line(lambda a: [a.took_from_id] if a.took else [])
            )
    return Results(
        questionnaire=questionnaire,
        # someone who answered and has left the team since was asked all the same
        asked=len({item.member.pk for item in asked} | {r.member_id for r in reflections}),
        submitted=len(reflections),
        questions=results,
        lines=lines,
        line_filter=line,
    )


_ANSWER_FIELDS = (
    "reflection_id",
    "question_id",
    "text",
    "took",
    "took_from_id",
    "value",
    "selected",
)


def took_from_choices(
    *, questionnaire: Questionnaire, member: Member | None, chosen: set[int]
) -> list[LearningLine]:
    """The learning lines "From which learning line I took it" offers: the year's lines.

    After a plenary session people took from the other lines (everyone sat with one member of
    each), so the member's own line on the session's date is left out there, unless an answer
    already names it. After a line meeting the own line is the one they took from. Two
    queries."""
    lines = list(
        LearningLine.objects.filter(
            year_id=questionnaire.year_id, archived_at__isnull=True
        ).order_by("letter")
    )
    if questionnaire.session_id is None or member is None:
        return lines
    own = (
        LineMembership.objects.on(questionnaire.session.date)
        .filter(member=member)
        .values_list("line_id", flat=True)
        .first()
    )
    return [line for line in lines if line.pk != own or line.pk in chosen]
