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
    assert answered == {m.pk for m in asked if m.pk != demo_teacher.pk and m.pk % 5 != 0}
    assert questionnaire.is_open()
    assert demo_teacher in asked
