"""A coach is never a member of the team they coach: never seated, expected or counted. The same
person may be a member of one school and coach another."""

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import translation

from learninglines.models import CoachAssignment, Member
from learninglines.services.people import coach_assign, coach_assignment_end, member_add
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

SCHOOL = "/s/de-regenboog/"


def test_the_team_page_refuses_the_coach_as_a_new_member(client, steering, coach):
    client.force_login(steering.user)
    response = client.post(
        f"{SCHOOL}team/add/",
        {"first_name": "Karin", "last_name": "Hoekstra", "email": coach.email.upper()},
    )
    assert response.status_code == 200
    assert (
        "Dit adres hoort bij de coach van de school, en een coach is nooit lid van het team."
        in response.content.decode()
    )
    assert not Member.objects.filter(user=coach).exists()


def test_an_ended_coaching_or_another_school_is_no_reason_to_refuse(school, other_school, coach):
    # a coach of this school may be a teacher at another
    member, created = member_add(
        school=other_school, email=coach.email, first_name="Karin", last_name="Hoekstra"
    )
    assert (created, member.school) == (True, other_school)
    # once the coaching ended they may join the team here too
    coach_assignment_end(assignment=CoachAssignment.objects.get(user=coach, school=school))
    assert member_add(school=school, email=coach.email, first_name="K", last_name="H")[1]


def test_a_member_cannot_become_the_coach_of_their_own_school(school, capsys):
    member = MemberFactory(school=school)
    with pytest.raises(ValidationError) as refused, translation.override("en"):
        coach_assign(school=school, email=member.user.email)
    assert refused.value.messages == [
        f"{member.user.email} is a member of this school's team: a coach is never a team member."
    ]
    with pytest.raises(CommandError) as failed:
        call_command("assign_coach", "de-regenboog", member.user.email)
    assert str(failed.value) == (
        f"{member.user.email} is lid van het team van deze school: een coach is nooit lid van "
        "het team."
    )
    assert not CoachAssignment.objects.exists()
    # who left the team may coach it
    member.is_active = False
    member.save(update_fields=["is_active"])
    assert coach_assign(school=school, email=member.user.email, send_invite=False)[1]


def test_the_staff_import_refuses_the_coachs_address_and_saves_nothing(school, coach):
    from learninglines.services.imports import staff_import_preview
    from tests.learninglines.test_import_files import DUTCH_HEADERS, csv_file

    rows = [
        ["Karin", "", "Hoekstra", coach.email, "", ""],
        ["Daan", "", "Berg", "daan@school.example", "", ""],
    ]
    with translation.override("en"):
        preview = staff_import_preview(school=school, content=csv_file([DUTCH_HEADERS, *rows]))
    assert [(row.outcome, row.notes) for row in preview.rows] == [
        ("error", ["This address belongs to the school's coach, who is never a team member."]),
        ("new", []),
    ]
    assert not Member.objects.filter(school=school).exists()
