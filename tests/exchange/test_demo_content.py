"""What the demo's texts and dates read like: varied reflection answers that fit the writer's
tables and lines, meetings of each line's own, dates outside the Christmas holiday, and the
same demo on every run."""

import re
from collections import Counter
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from exchange.demo import DEMO_COACH_EMAIL
from exchange.demo_cycle import christmas_break, school_day
from learninglines.models import LearningLine, LineMeeting, LogEntry, Member, School, User
from sessions_app.models import Answer, PeerExchange, PlenarySession, Seat

pytestmark = pytest.mark.django_db

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def seed():
    call_command("seed_demo", allow_production=True, verbosity=0)


def answers(slug: str) -> dict[int, list[Answer]]:
    """The held session's submitted answers at a school, by question position."""
    held = PlenarySession.objects.get(school__slug=slug, status="held")
    by_position: dict[int, list[Answer]] = {}
    for answer in (
        Answer.objects.filter(
            reflection__questionnaire__session=held, reflection__submitted_at__isnull=False
        )
        .select_related("question", "reflection__member", "took_from")
        .order_by("question__position", "reflection__member__last_name")
    ):
        by_position.setdefault(answer.question.position, []).append(answer)
    return by_position


def test_the_held_sessions_answers_differ_per_colleague_and_leave_optional_ones_empty():
    seed()
    by_position = answers("de-regenboog")
    learned, brought_took, tried, follow_up, useful = (by_position[n] for n in sorted(by_position))
    assert [a.question.kind for a in (learned[0], brought_took[0], tried[0], useful[0])] == [
        "open",
        "brought_took",
        "open",
        "scale",
    ]
    assert len(learned) == 23  # 23 of the 30 present answered

    # Required: always answered. No two colleagues wrote the same sentence.
    texts = [a.text for a in learned]
    assert "" not in texts
    assert len(set(texts)) == len(texts)
    # Short answers and thoughtful ones.
    assert min(len(t) for t in texts) < 35
    assert max(len(t) for t in texts) > 110
    assert sorted({a.value for a in useful}) == [2, 3, 4, 5]

    # Optional: a few left empty (an empty answer is not stored), the rest all different.
    for question in (brought_took, tried, follow_up):
        written = [a.text or a.took for a in question if a.text or a.took]
        assert 0 < len(learned) - len(written) < len(learned) // 2
        assert len(set(written)) == len(written)
    assert [len(learned) - len(q) for q in (brought_took, tried, follow_up)] == [3, 3, 7]
    assert len([a for a in brought_took if not a.text]) == 1  # took something, brought nothing
    took = [a.took for a in brought_took if a.took]
    assert len(set(took)) == len(took)

    # What someone took comes from a line they sat with; whom they want to talk to sat there too.
    held = PlenarySession.objects.get(school__slug="de-regenboog", status="held")
    tables: dict[int, set[int]] = {}
    for table, member in Seat.objects.filter(round__plan__session=held).values_list(
        "table", "member"
    ):
        tables.setdefault(table, set()).add(member)
    met = {}
    for seated in tables.values():
        for member in seated:
            met.setdefault(member, set()).update(seated - {member})
    for answer in brought_took:
        if answer.took:
            lines_met = set(
                Seat.objects.filter(
                    round__plan__session=held, member__in=met[answer.reflection.member_id]
                ).values_list("line", flat=True)
            )
            assert answer.took_from_id in lines_met
    # First names are unique in the demo team: every colleague named sat at the writer's table.
    first_names = {m.first_name: m.pk for m in Member.objects.filter(school=held.school)}
    for answer in follow_up:
        if answer.text:
            named = {
                pk for name, pk in first_names.items() if re.search(rf"\b{name}\b", answer.text)
            }
            assert named, answer.text
            assert named <= met[answer.reflection.member_id], answer.text

    # Every line is named about equally often as where something was taken.
    per_line = Counter(a.took_from.letter for a in brought_took if a.took)
    assert sorted(per_line) == ["A", "B", "C", "D"]
    assert max(per_line.values()) - min(per_line.values()) <= 1


def test_the_coach_reads_what_each_line_learned_at_both_schools(client):
    seed()
    client.force_login(User.objects.get(email=DEMO_COACH_EMAIL))
    for school in School.objects.filter(slug__in=["de-regenboog", "de-vlinder"]):
        html = client.get(f"/s/{school.slug}/overview/").content.decode()
        section = html[html.index("Wat het team zegt") : html.index("Gehaald bij elke leerlijn")]
        for line in LearningLine.objects.filter(school=school):
            after = section[section.index(line.name) :]
            assert "Wat heb je geleerd over een andere leerlijn?" in after, line.name
    # At De Vlinder both lines were named as a place something was taken from, as often.
    vlinder = Counter(a.took_from.name for a in answers("de-vlinder")[2] if a.took)
    assert vlinder == {"Spelend leren": 2, "Taal in alle vakken": 2}


def test_every_line_has_meetings_of_its_own():
    seed()
    for slug in ("de-regenboog", "de-vlinder"):
        meetings = LineMeeting.objects.filter(line__school__slug=slug)
        topics = list(meetings.values_list("topic", flat=True))
        assert len(set(topics)) == len(topics)
        done = [m.notes.split("\nAfspraak: ")[0] for m in meetings if m.notes]
        assert len(set(done)) == len(done)
        for meeting in meetings:  # the agenda item is not the topic said again
            assert meeting.topic not in meeting.agenda.splitlines()
    assert list(
        LineMeeting.objects.filter(line__school__slug="de-vlinder", line__letter="A")
        .order_by("date")
        .values_list("topic", flat=True)[:2]
    ) == ["Waar staan we met spel?", "Speelhoeken bij het nieuwe thema"]


def test_de_vlinders_log_entries_fit_its_own_lines():
    seed()
    entries = LogEntry.objects.filter(author__school__slug="de-vlinder", source="")
    assert sorted(entries.values_list("author__first_name", "tried")) == [
        ("Ayşe", "De huishoek ingericht als dokterspraktijk bij het thema ziek zijn."),
        ("Ayşe", "In de bouwhoek eerst een bouwtekening laten maken, daarna pas bouwen."),
        (
            "Jeroen",
            "Bij de les over het weer drie kernwoorden vooraf uitgelegd: neerslag, temperatuur "
            "en verwachting.",
        ),
        ("Pieter", "Drie kernwoorden vooraf bij de les over de Romeinen."),
    ]
    for entry in entries:
        for word in ("gespreksregels", "vraagkaarten", "klassengesprek"):
            assert word not in f"{entry.tried} {entry.effect} {entry.to_bring}".lower()


def test_the_christmas_holiday_runs_two_weeks_from_the_week_of_christmas():
    assert christmas_break(date(2026, 12, 7)) == (date(2026, 12, 21), date(2027, 1, 1))
    assert christmas_break(date(2027, 3, 1)) == (date(2026, 12, 21), date(2027, 1, 1))
    # Christmas on a Saturday: the two weeks after it.
    assert christmas_break(date(2027, 10, 1)) == (date(2027, 12, 27), date(2028, 1, 7))
    year = (date(2026, 8, 1), date(2027, 7, 31))
    assert school_day(date(2026, 12, 21), *year) == date(2026, 12, 18)  # nearer: before
    assert school_day(date(2026, 12, 31), *year) == date(2027, 1, 4)  # nearer: after
    assert school_day(date(2026, 12, 21), date(2026, 12, 20), year[1]) == date(2027, 1, 4)
    assert school_day(date(2026, 12, 12), *year) == date(2026, 12, 14)  # a weekend


@pytest.mark.parametrize(
    "moment",
    [datetime(2026, 12, 7, 10, tzinfo=AMSTERDAM), datetime(2027, 1, 14, 10, tzinfo=AMSTERDAM)],
)
def test_no_demo_date_falls_in_the_christmas_holiday_nor_an_exchange_on_a_meeting_day(moment):
    with time_machine.travel(moment, tick=False):
        seed()
        first, last = date(2026, 12, 19), date(2027, 1, 3)
        days = [
            *LineMeeting.objects.values_list("date", flat=True),
            *PlenarySession.objects.values_list("date", flat=True),
            *(
                timezone.localdate(e.starts_at)
                for e in PeerExchange.objects.exclude(starts_at=None)
            ),
        ]
        assert [day for day in days if first <= day <= last] == []
        meeting_days = set(LineMeeting.objects.values_list("date", flat=True))
        session_days = set(PlenarySession.objects.values_list("date", flat=True))
        for exchange in PeerExchange.objects.filter(status__in=["agreed", "proposed"]):
            for start in exchange.moments.values_list("starts_at", flat=True):
                assert timezone.localdate(start) not in meeting_days | session_days
        if moment.month == 12:
            published = PlenarySession.objects.get(school__slug="de-regenboog", status="published")
            assert published.date == date(2026, 12, 18)


def snapshot() -> list:
    """The demo's content without database ids: two runs on the same day give the same."""
    return [
        sorted(LineMeeting.objects.values_list("line__name", "date", "topic", "agenda", "notes")),
        sorted(
            Answer.objects.values_list(
                "reflection__member__last_name",
                "question__position",
                "text",
                "took",
                "took_from__name",
                "value",
            )
        ),
        sorted(LogEntry.objects.values_list("author__last_name", "date", "tried", "sharing")),
        sorted(PeerExchange.objects.values_list("topic", "status", "starts_at")),
    ]


def test_seed_demo_writes_the_same_demo_every_time():
    class Undo(Exception):
        pass

    with time_machine.travel(datetime(2026, 12, 7, 10, tzinfo=AMSTERDAM), tick=False):
        try:
            with transaction.atomic():
                seed()
                first = snapshot()
                raise Undo
        except Undo:
            pass
        assert not LineMeeting.objects.exists()
        seed()
        assert snapshot() == first
        assert len(first[1]) > 100
