"""create_school and assign_coach: thin commands over idempotent services."""

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from learninglines.models import (
    CoachAssignment,
    MagicLink,
    Member,
    OutgoingMail,
    School,
    SchoolYear,
    User,
)
from learninglines.services.outbox import mail_send_queued

pytestmark = pytest.mark.django_db


def snapshot():
    return {
        "schools": list(School.objects.values_list("slug", "name", "language")),
        "years": list(SchoolYear.objects.values_list("school__slug", "start", "end")),
        "users": list(User.objects.values_list("email", "password")),
        "members": list(Member.objects.values_list("user__email", "school__slug", "is_steering")),
        "coaches": list(CoachAssignment.objects.values_list("user__email", "school__slug")),
        "links": MagicLink.objects.count(),
        "mails": OutgoingMail.objects.count(),
    }


def test_create_school_makes_school_steering_member_and_invitation(capsys, mailoutbox):
    call_command(
        "create_school",
        "Basisschool De Regenboog",
        steering="Anouk.deVries@Regenboog.example",
        first_name="Anouk",
        name_prefix="de",
        last_name="Vries",
    )
    school = School.objects.get()
    member = Member.objects.select_related("user").get()
    assert (school.name, school.slug, school.language) == (
        "Basisschool De Regenboog",
        "basisschool-de-regenboog",
        "nl",
    )
    assert member.user.email == "anouk.devries@regenboog.example"
    assert (member.full_name, member.is_steering) == ("Anouk de Vries", True)
    assert member.user.has_usable_password() is False
    today = timezone.localdate()
    first = today.year if today.month >= 8 else today.year - 1
    assert SchoolYear.objects.get().name == f"{first}-{first + 1}"
    invite = OutgoingMail.objects.get()
    assert invite.to == "anouk.devries@regenboog.example"
    assert invite.subject == "Jouw persoonlijke link naar Basisschool De Regenboog"
    assert "Hallo Anouk," in invite.body
    # The stored body never holds the live link; it is made when the mail is sent.
    assert (invite.kind, invite.user, invite.school) == ("invitation", member.user, school)
    assert "https://leerlijnen.test/login/link/" not in invite.body
    mail_send_queued()
    assert "https://leerlijnen.test/login/link/" in mailoutbox[0].body
    assert "14 dagen geldig" in invite.body
    assert capsys.readouterr().out == (
        "School Basisschool De Regenboog (/s/basisschool-de-regenboog/) created; steering member "
        "anouk.devries@regenboog.example: invitation queued.\n"
    )


def test_create_school_twice_changes_nothing(capsys):
    args = ("Basisschool De Regenboog",)
    options = {"steering": "anouk@regenboog.example", "last_name": "Vries"}
    call_command("create_school", *args, **options)
    before = snapshot()
    call_command("create_school", *args, **options)
    assert snapshot() == before
    assert capsys.readouterr().out.splitlines()[-1] == (
        "School Basisschool De Regenboog (/s/basisschool-de-regenboog/) already existed; "
        "steering member anouk@regenboog.example: no new invitation."
    )


def test_create_school_refuses_a_bad_address():
    with pytest.raises(CommandError, match=r"'geen-adres' is not a valid e-mail address\."):
        call_command("create_school", "School", steering="geen-adres")
    assert School.objects.count() == 0


def test_create_school_in_english_mails_in_english():
    call_command(
        "create_school", "Riverside School", steering="head@riverside.example", language="en"
    )
    assert OutgoingMail.objects.get().subject == "Your personal link to Riverside School"


def test_assign_coach_invites_once(school, capsys):
    call_command("assign_coach", "de-regenboog", "Coach@Bureau.example", name="Karin Hoekstra")
    before = snapshot()
    call_command("assign_coach", "de-regenboog", "coach@bureau.example")
    assert snapshot() == before
    coach = CoachAssignment.objects.select_related("user").get()
    assert (coach.user.email, coach.user.name, coach.school) == (
        "coach@bureau.example",
        "Karin Hoekstra",
        school,
    )
    assert (
        OutgoingMail.objects.get().subject == "Jouw persoonlijke link naar Basisschool De Regenboog"
    )
    assert capsys.readouterr().out.splitlines() == [
        "Coach coach@bureau.example for Basisschool De Regenboog: assigned, invitation queued.",
        "Coach coach@bureau.example for Basisschool De Regenboog: was already assigned.",
    ]


def test_the_coachs_invitation_invites_them_as_coach_not_to_their_own_team(school):
    """A coach is never on the school's team: their invitation does not speak of "your team"."""
    school.language = "en"
    school.save()
    call_command("assign_coach", "de-regenboog", "coach@bureau.example", name="Karin Hoekstra")
    body = " ".join(OutgoingMail.objects.get().body.split())
    assert "invited as the coach of Basisschool De Regenboog" in body
    assert "your team" not in body


def test_assign_coach_to_unknown_school_fails_clearly():
    with pytest.raises(CommandError, match=r"No school with the short name 'nergens'\."):
        call_command("assign_coach", "nergens", "coach@bureau.example")
    assert User.objects.count() == 0


def test_user_email_is_unique_whatever_the_capitals():
    User.objects.create_user("Iemand@School.example")
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(email="IEMAND@school.example")
    assert User.objects.get_by_natural_key("iemand@SCHOOL.example").email == "iemand@school.example"
