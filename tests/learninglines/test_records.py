"""Records that must outlive a change: lower-case addresses, ended coach assignments, years."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from learninglines.models import CoachAssignment, SchoolYear, User
from learninglines.services.people import (
    coach_assign,
    coach_assignment_end,
    user_get_or_create,
)

pytestmark = pytest.mark.django_db


def test_addresses_are_stored_lower_case_and_found_whatever_the_capitals():
    user = User.objects.create_user(email="  Anouk.DeVries@Regenboog.Example ")
    assert user.email == "anouk.devries@regenboog.example"
    assert user_get_or_create(email="ANOUK.devries@regenboog.example") == (user, False)
    assert User.objects.get_by_natural_key("Anouk.DeVries@regenboog.example") == user


def test_the_database_refuses_an_address_with_capitals():
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.bulk_create([User(email="Hoofdletters@school.example", password="!")])


def test_an_address_lookup_can_use_the_unique_index():
    user_get_or_create(email="iemand@school.example")
    sql = str(User.objects.filter(email="iemand@school.example").query)
    assert "UPPER" not in sql.upper().replace('"EMAIL"', "")
    assert "LIKE" not in sql.upper()


def test_an_ended_coach_no_longer_opens_the_school_but_the_record_stays(client, school, coach):
    client.force_login(coach)
    assert client.get("/s/de-regenboog/").status_code == 200
    assignment = CoachAssignment.objects.get(user=coach)
    coach_assignment_end(assignment=assignment)
    assert client.get("/s/de-regenboog/").status_code == 404
    assert CoachAssignment.objects.filter(user=coach).count() == 1

    again, created = coach_assign(school=school, email=coach.email, send_invite=False)
    assert created is True
    assert again.pk != assignment.pk
    assert client.get("/s/de-regenboog/").status_code == 200
    rows = CoachAssignment.objects.filter(user=coach).order_by("pk")
    assert [row.ended_at is None for row in rows] == [False, True]


def test_a_coach_has_one_current_assignment_per_school(school, coach):
    with pytest.raises(IntegrityError), transaction.atomic():
        CoachAssignment.objects.create(user=coach, school=school)


def test_coach_assignments_cannot_be_deleted_with_the_school(school, coach):
    with pytest.raises(ProtectedError):
        school.delete()


def test_overlapping_school_years_are_a_form_error(school):
    SchoolYear.objects.create(
        school=school, name="2026-2027", start=date(2026, 8, 1), end=date(2027, 7, 31)
    )
    overlapping = SchoolYear(
        school=school, name="2027", start=date(2027, 1, 1), end=date(2027, 12, 31)
    )
    with pytest.raises(ValidationError) as error:
        overlapping.full_clean()
    assert error.value.messages == [
        "Dit schooljaar overlapt met 2026-2027 (2026-08-01 tot en met 2027-07-31)."
    ]


@pytest.mark.parametrize(
    ("start", "end", "allowed"),
    [
        (date(2027, 8, 1), date(2028, 7, 31), True),  # the next year, touching nothing
        (date(2027, 7, 31), date(2028, 7, 31), False),  # shares one day
        (date(2025, 8, 1), date(2026, 8, 1), False),
        (date(2026, 9, 1), date(2026, 12, 31), False),  # inside
    ],
)
def test_the_database_refuses_overlapping_years(school, other_school, start, end, allowed):
    SchoolYear.objects.create(
        school=school, name="2026-2027", start=date(2026, 8, 1), end=date(2027, 7, 31)
    )
    # Another school's years never clash with this school's.
    SchoolYear.objects.create(school=other_school, name="x", start=start, end=end)
    if allowed:
        SchoolYear.objects.create(school=school, name="y", start=start, end=end)
        assert SchoolYear.objects.filter(school=school).count() == 2
    else:
        with pytest.raises(IntegrityError), transaction.atomic():
            SchoolYear.objects.create(school=school, name="y", start=start, end=end)


def test_moving_a_year_onto_another_is_refused_by_the_database(school):
    SchoolYear.objects.create(
        school=school, name="2026-2027", start=date(2026, 8, 1), end=date(2027, 7, 31)
    )
    later = SchoolYear.objects.create(
        school=school, name="2027-2028", start=date(2027, 8, 1), end=date(2028, 7, 31)
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        SchoolYear.objects.filter(pk=later.pk).update(start=date(2027, 6, 1))
