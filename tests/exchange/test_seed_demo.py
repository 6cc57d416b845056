"""seed_demo creates the demo schools and people once; running it again changes nothing."""

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from exchange.demo import DEMO_ADMIN_EMAIL, DEMO_COACH_EMAIL, DEMO_PASSWORD
from learninglines.models import (
    CoachAssignment,
    LearningLine,
    LineMembership,
    Member,
    School,
    SchoolYear,
    User,
)

pytestmark = pytest.mark.django_db


def snapshot():
    return {
        "users": list(User.objects.order_by("pk").values_list("pk", "email", "password")),
        "members": list(
            Member.objects.order_by("pk").values_list("pk", "school__slug", "is_steering")
        ),
        "coaches": list(CoachAssignment.objects.order_by("pk").values_list("pk", "school__slug")),
        "schools": list(School.objects.order_by("pk").values_list("pk", "slug")),
        "years": SchoolYear.objects.count(),
    }


def test_seed_demo_creates_the_demo_schools():
    call_command("seed_demo", allow_production=True)
    regenboog = School.objects.get(slug="de-regenboog")
    vlinder = School.objects.get(slug="de-vlinder")
    assert regenboog.name == "Basisschool De Regenboog"
    assert regenboog.members.count() == 32
    assert [m.full_name for m in regenboog.members.filter(is_steering=True)] == [
        "Fatima el Amrani",
        "Daan van der Berg",
        "Anouk de Vries",
    ]
    assert vlinder.members.count() == 8
    assert regenboog.members.exclude(name_prefix="").count() == 13
    coach = User.objects.get(email=DEMO_COACH_EMAIL)
    assert coach.memberships.count() == 0  # a coach is never a team member
    assert sorted(coach.coach_assignments.values_list("school__slug", flat=True)) == [
        "de-regenboog",
        "de-vlinder",
    ]
    assert SchoolYear.objects.filter(school=regenboog).count() == 1
    admin = User.objects.get(email=DEMO_ADMIN_EMAIL)
    assert (admin.is_staff, admin.is_superuser) == (True, True)
    for email in (
        "anouk.devries@regenboog.example",
        "sanne.jansen@regenboog.example",
        DEMO_COACH_EMAIL,
        DEMO_ADMIN_EMAIL,
    ):
        assert User.objects.get(email=email).check_password(DEMO_PASSWORD)
    assert (
        User.objects.get(email="daan.vanderberg@regenboog.example").has_usable_password() is False
    )


def test_seed_demo_prints_every_demo_account(capsys):
    call_command("seed_demo", allow_production=True)
    out = capsys.readouterr().out
    for email in (
        "anouk.devries@regenboog.example",
        "sanne.jansen@regenboog.example",
        DEMO_COACH_EMAIL,
        DEMO_ADMIN_EMAIL,
    ):
        assert f"{email} / {DEMO_PASSWORD}" in out


def test_seed_demo_twice_changes_nothing(capsys):
    call_command("seed_demo", allow_production=True)
    before = snapshot()
    call_command("seed_demo", allow_production=True)
    assert snapshot() == before
    assert "Demo data ready (nothing new)." in capsys.readouterr().out


def test_seed_demo_refuses_to_run_in_production_mode(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="refuses to run with DJANGO_DEBUG=false"):
        call_command("seed_demo")
    assert User.objects.count() == 0


def test_seed_demo_places_the_team_in_uneven_lines():
    call_command("seed_demo", allow_production=True)
    regenboog = School.objects.get(slug="de-regenboog")
    today = timezone.localdate()
    sizes = [
        (line.letter, line.name, LineMembership.objects.on(today).filter(line=line).count())
        for line in LearningLine.objects.filter(school=regenboog).order_by("letter")
    ]
    assert sizes == [
        ("A", "Begrijpend lezen", 9),
        ("B", "Eigenaarschap", 8),
        ("C", "Rekenen met begrip", 8),
        ("D", "Burgerschap en samenleven", 7),
    ]
    steering_lines = sorted(
        LineMembership.objects.on(today)
        .filter(member__school=regenboog, member__is_steering=True)
        .values_list("line__letter", flat=True)
    )
    assert steering_lines == ["A", "B", "C"]
    vlinder = School.objects.get(slug="de-vlinder")
    assert [
        LineMembership.objects.on(today).filter(line=line).count()
        for line in LearningLine.objects.filter(school=vlinder).order_by("letter")
    ] == [4, 4]
    assert LearningLine.objects.get(letter="A", school=regenboog).steps.count() == 5


def test_seed_demo_answers_the_held_sessions_reflection_but_not_the_demo_teacher():
    from sessions_app.models import PlenarySession, Questionnaire, Reflection
    from sessions_app.selectors.reflections import questionnaire_asked

    call_command("seed_demo", allow_production=True)
    held = PlenarySession.objects.get(school__slug="de-regenboog", status="held")
    questionnaire = Questionnaire.objects.get(session=held)
    asked = [item.member for item in questionnaire_asked(questionnaire=questionnaire)]
    demo_teacher = Member.objects.filter(school=held.school, is_steering=False).order_by("pk")[0]
    answered = set(
        Reflection.objects.filter(
            questionnaire=questionnaire, submitted_at__isnull=False
        ).values_list("member_id", flat=True)
    )
    # Every fifth on the list (by name) has not answered yet, from the third on.
    assert answered == {
        m.pk for position, m in enumerate(asked) if m.pk != demo_teacher.pk and position % 5 != 2
    }
    assert questionnaire.is_open()
    assert demo_teacher in asked


def test_seed_demo_runs_a_cycle_with_meetings_logs_a_held_session_and_a_published_one():
    from itertools import combinations

    from django.db.models import Count

    from learninglines.models import Attendance, LineMeeting, LogEntry, OutgoingMail
    from sessions_app.models import PlenarySession, Seat, SessionAttendance

    def rounds(session) -> list[tuple[int, int]]:
        """(people seated, tables) per round of the session's plan."""
        seats = Seat.objects.filter(round__plan__session=session)
        return [
            (
                seats.filter(round__number=n).count(),
                len({*seats.filter(round__number=n).values_list("table", flat=True)}),
            )
            for n in (1, 2)
        ]

    def pairs(session) -> set[frozenset]:
        """Every two people who sat at one table in some round."""
        tables = {}
        for key, member in Seat.objects.filter(round__plan__session=session).values_list(
            "table", "member"
        ):
            tables.setdefault(key, []).append(member)
        return {frozenset(p) for members in tables.values() for p in combinations(members, 2)}

    call_command("seed_demo", allow_production=True)
    regenboog = School.objects.get(slug="de-regenboog")

    # Per line 3 meetings before the plenary session and 3 after it, held (notes, attendance),
    # and 1 still to come.
    sizes = {"A": 9, "B": 8, "C": 8, "D": 7}
    for line in LearningLine.objects.filter(school=regenboog):
        meetings = LineMeeting.objects.filter(line=line)
        recorded = meetings.filter(attendance__isnull=False).distinct()
        assert (meetings.count(), recorded.count()) == (7, 6)
        assert recorded.exclude(notes="").count() == 6
        assert meetings.exclude(pk__in=recorded).get().notes == ""
        assert Attendance.objects.filter(meeting__line=line).count() == 6 * sizes[line.letter]
    assert dict(
        Attendance.objects.filter(meeting__line__school=regenboog)
        .values_list("status")
        .annotate(count=Count("pk"))
    ) == {"present": 167, "excused": 20, "absent": 5}
    assert LineMeeting.objects.filter(line__school__slug="de-vlinder").count() == 14
    assert Attendance.objects.count() == 240

    # Log entries written in the log itself (not copied in from a reflection or exchange):
    # 2 per school from the cycle, and the team's own (test_seed_demo_fills_in_the_team...).
    assert sorted(
        LogEntry.objects.filter(source="", author__school=regenboog).values_list(
            "author__first_name", "sharing"
        )
    ) == [
        ("Anouk", "line"),
        ("Anouk", "private"),
        ("Eva", "line"),
        ("Femke", "line"),
        ("Hamza", "line"),
        ("Jesse", "line"),
        ("Julia", "line"),
        ("Koen", "line"),
        ("Lars", "private"),
        ("Lotte", "private"),
        ("Mila", "private"),
        ("Noor", "line"),
        ("Sanne", "line"),
        ("Sanne", "line"),
        ("Sanne", "line"),
        ("Sanne", "private"),
    ]
    assert LogEntry.objects.filter(source="").count() == 20

    # The held session: 2 rounds planned by the engine, 30 seated at 7 tables, 2 away.
    held = PlenarySession.objects.get(school=regenboog, status="held")
    assert held.title == "Plenaire bijeenkomst 1"
    assert rounds(held) == [(30, 7), (30, 7)]
    away = SessionAttendance.objects.filter(session=held, absent=True).values("member")
    assert len(away) == 2
    assert not Seat.objects.filter(round__plan__session=held, member__in=away).exists()

    # The next session: published (a mail waits for each of the 32), continuing the history.
    published = PlenarySession.objects.get(school=regenboog, title="Plenaire bijeenkomst 2")
    assert published.status == "published"
    assert rounds(published) == [(32, 8), (32, 8)]
    assert published.plan.report["repeats"] == 0
    assert pairs(published) & pairs(held) == set()
    assert sorted(
        OutgoingMail.objects.filter(school=regenboog, kind="session", status="queued").values_list(
            "to", flat=True
        )
    ) == sorted(regenboog.members.values_list("user__email", flat=True))


def test_seed_demo_gives_the_demo_teacher_small_exchanges_and_an_ambition():
    from sessions_app.models import Ambition, ExchangeParticipant, PeerExchange

    call_command("seed_demo", allow_production=True)
    regenboog = School.objects.get(slug="de-regenboog")
    demo_teacher = Member.objects.filter(school=regenboog, is_steering=False).order_by("pk")[0]
    mine = {
        p.exchange.topic: (p.exchange.status, p.exchange.kind, p.response, bool(p.took))
        for p in ExchangeParticipant.objects.filter(member=demo_teacher).select_related("exchange")
    }
    assert mine == {
        "Kinderen zelf een leerdoel laten kiezen": ("held", "visit", "accepted", True),
        "Rekengesprekken in de kleine kring": ("agreed", "conversation", "accepted", False),
        "Samen een les burgerschap uitproberen": ("proposed", "lesson", "pending", False),
    }
    # Each with a colleague of the line it is about.
    partners = {
        p.exchange.topic: p.line.name
        for p in ExchangeParticipant.objects.filter(exchange__participants__member=demo_teacher)
        .exclude(member=demo_teacher)
        .select_related("exchange", "line")
    }
    assert partners == {
        "Kinderen zelf een leerdoel laten kiezen": "Eigenaarschap",
        "Rekengesprekken in de kleine kring": "Rekenen met begrip",
        "Samen een les burgerschap uitproberen": "Begrijpend lezen",
    }
    held = PeerExchange.objects.get(topic="Kinderen zelf een leerdoel laten kiezen")
    assert held.held_on < timezone.localdate()
    assert [p.noted_at is not None for p in held.participants.all()] == [True, True]
    assert {p.line_id for p in held.participants.all()} == {
        p.took_from_id for p in held.participants.all()
    }
    agreed = PeerExchange.objects.get(topic="Rekengesprekken in de kleine kring")
    assert 5 <= (timezone.localdate(agreed.starts_at) - timezone.localdate()).days <= 9
    [ambition] = Ambition.objects.filter(member=demo_teacher)
    assert ambition.sharing == "team"


def test_seed_demo_fills_in_the_team_agendas_logs_ambitions_and_exchanges():
    """What a team writes along the way: an agenda per meeting with the agreement in the
    notes, log entries shared with the line, ambitions, and exchanges in every state."""
    from django.db.models import Count

    from learninglines.models import LineMeeting, LineStep, LogEntry
    from sessions_app.models import Ambition, ExchangeParticipant, PeerExchange

    call_command("seed_demo", allow_production=True)
    regenboog = School.objects.get(slug="de-regenboog")
    steps = dict(
        LineStep.objects.filter(line__school__slug__in=["de-regenboog", "de-vlinder"])
        .values_list("line__name")
        .annotate(count=Count("pk"))
    )
    assert steps == {
        "Begrijpend lezen": 5,
        "Eigenaarschap": 4,
        "Rekenen met begrip": 5,
        "Burgerschap en samenleven": 4,
        "Spelend leren": 3,
        "Taal in alle vakken": 3,
    }
    assert not LearningLine.objects.filter(description="").exists()

    # Every meeting has an agenda of its own; the held ones end their notes with an agreement.
    meetings = LineMeeting.objects.filter(line__school__slug__in=["de-regenboog", "de-vlinder"])
    assert meetings.count() == 42
    assert meetings.values("agenda").distinct().count() == 42
    assert meetings.filter(notes__contains="\nAfspraak: ").count() == 36
    reading = LineMeeting.objects.filter(line__school=regenboog, line__letter="A").order_by("pk")
    assert reading[2].agenda == (
        "Terugblik op de afspraken van vorige keer\nVraagkaarten: welke vragen werken?\n"
        "Afspraken: wie probeert wat tot de volgende keer?"
    )
    assert reading[2].notes.endswith(
        "Afspraak: Vier vraagkaarten per groep, de rest gaat in de la."
    )
    vlinder_topics = LineMeeting.objects.filter(line__school__slug="de-vlinder")
    assert vlinder_topics.values("topic").distinct().count() == 14

    # The demo teacher's line shares entries with her; she has four of her own.
    sanne = Member.objects.get(user__email="sanne.jansen@regenboog.example")
    line_d = LineMembership.objects.filter(line__school=regenboog, line__letter="D")
    shared = LogEntry.objects.filter(sharing="line", author__in=line_d.values("member"), source="")
    assert sorted(shared.exclude(author=sanne).values_list("author__first_name", flat=True)) == [
        "Eva",
        "Julia",
    ]
    assert LogEntry.objects.filter(author=sanne, source="").count() == 4
    assert LogEntry.objects.filter(
        author=sanne, tried="Een klassengesprek met een praatsteen gehouden."
    ).exists()
    for entry in LogEntry.objects.all():
        assert entry.date <= timezone.localdate()

    assert sorted(Ambition.objects.values_list("member__first_name", "sharing")) == [
        ("Anouk", "team"),
        ("Ayşe", "team"),
        ("Bram", "team"),
        ("Julia", "team"),
        ("Koen", "team"),
        ("Lars", "team"),
        ("Lotte", "private"),
        ("Noor", "team"),
        ("Pieter", "team"),
        ("Sanne", "team"),
    ]

    # Exchanges in every state, the demo teacher's three among them.
    def states(slug):
        return dict(
            PeerExchange.objects.filter(school__slug=slug)
            .values_list("status")
            .annotate(count=Count("pk"))
        )

    assert states("de-regenboog") == {
        "held": 5,
        "not_held": 1,
        "cancelled": 1,
        "agreed": 3,
        "proposed": 2,
    }
    assert states("de-vlinder") == {"held": 1, "agreed": 1}
    for exchange in PeerExchange.objects.filter(status="held"):
        assert exchange.held_on < timezone.localdate()
        assert all(p.noted_at for p in exchange.participants.all())
    declined = PeerExchange.objects.get(topic="Zelf plannen met een weektaak in groep 7")
    assert sorted(declined.participants.values_list("member__first_name", "response")) == [
        ("Finn", "accepted"),
        ("Gijs", "declined"),
        ("Sara", "accepted"),
    ]
    assert ExchangeParticipant.objects.filter(member=sanne).count() == 3
    # Arranged earlier: none of their mails (or sign-in links) wait in the outbox.
    from learninglines.models import OutgoingMail

    assert not OutgoingMail.objects.exclude(kind="session").exists()


# The school year's edges, and a weekend in it, at 10:00 and at 18:00 in Amsterdam: the first
# day (a Saturday in 2026), the third, a Sunday mid-year, the last Friday and the last day (a
# Saturday in 2027, when no school day is left after it).
EDGE_DAYS = [
    (2026, 8, 1, 10),
    (2026, 8, 3, 18),
    (2027, 1, 17, 10),
    (2027, 7, 30, 18),
    (2027, 7, 31, 10),
    (2027, 7, 31, 18),
]


@pytest.mark.parametrize(("year", "month", "day", "hour"), EDGE_DAYS)
def test_seed_demo_runs_on_any_day_of_the_school_year(year, month, day, hour):
    """The demo follows today: what it says was held lies on or before today, what is to
    come on or after it, all inside the school year."""
    from datetime import date, datetime
    from zoneinfo import ZoneInfo

    import time_machine

    from learninglines.models import LineMeeting
    from sessions_app.models import PeerExchange, PlenarySession

    moment = datetime(year, month, day, hour, tzinfo=ZoneInfo("Europe/Amsterdam"))
    with time_machine.travel(moment, tick=False):
        call_command("seed_demo", allow_production=True)
        today = timezone.localdate()
        assert today == date(year, month, day)
        regenboog = School.objects.get(slug="de-regenboog")
        school_year = SchoolYear.objects.get(school=regenboog)
        assert school_year.start <= today <= school_year.end
        meetings = LineMeeting.objects.filter(line__school=regenboog)
        assert meetings.count() == 28
        for meeting in meetings:
            assert school_year.start <= meeting.date <= school_year.end
            if meeting.attendance.exists():  # held: notes and attendance written
                assert meeting.date <= today
        held = PlenarySession.objects.get(school=regenboog, status="held")
        published = PlenarySession.objects.get(school=regenboog, status="published")
        assert school_year.start <= held.date <= today <= published.date <= school_year.end
        for exchange in PeerExchange.objects.filter(school=regenboog, status="agreed"):
            assert timezone.localtime(exchange.starts_at) > timezone.localtime()
            assert timezone.localdate(exchange.starts_at) <= school_year.end
