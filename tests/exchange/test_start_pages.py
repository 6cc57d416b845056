"""Each role lands on its own start page; people with several schools choose."""

import re

import pytest
from django.conf import settings

from tests.factories import CoachAssignmentFactory, MemberFactory, SchoolFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_teacher_lands_on_the_school_with_teacher_empty_states(client, teacher):
    client.force_login(teacher.user)
    response = client.get("/", follow=True)
    html = response.content.decode()
    assert response.redirect_chain == [("/s/de-regenboog/", 302)]
    assert "Jouw leerlijn" in html
    assert "Je zit nog niet in een leerlijn." in html
    assert "Er is nog geen plenaire bijeenkomst gepland." in html
    assert "Het team" not in html
    assert "/s/de-regenboog/team/" not in html


def test_the_calendar_link_names_all_it_holds_not_only_line_meetings(client, teacher):
    # The personal calendar holds line meetings, plenary sessions and small exchanges.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(teacher.user)
    html = client.get("/s/de-regenboog/").content.decode()
    assert (
        '<a href="/s/de-regenboog/calendar/">Your meetings and exchanges in your own calendar'
        in html
    )
    assert "Your line meetings in your own calendar" not in html


def test_a_teacher_sees_on_the_home_page_that_an_invitation_waits(client, school, teacher):
    from datetime import timedelta

    from django.utils import timezone

    from learninglines.services.people import school_year_ensure_current
    from sessions_app.services.exchanges import exchange_decline, exchange_start

    school_year_ensure_current(school=school)
    client.force_login(teacher.user)
    assert "wacht op je antwoord" not in client.get("/s/de-regenboog/").content.decode()
    moment = (timezone.localtime() + timedelta(days=3)).replace(hour=15, minute=0)
    for number in range(2):
        starter = MemberFactory(school=school, first_name=f"Collega{number}")
        exchange = exchange_start(
            initiator=starter, invitees=[teacher], topic="Vraagkaarten", kind="visit",
            moments=[moment],
        )  # fmt: skip
    html = client.get("/s/de-regenboog/").content.decode()
    assert ">2 uitnodigingen wachten op je antwoord</span>" in html
    exchange_decline(participant=exchange.participants.get(member=teacher))
    html = client.get("/s/de-regenboog/").content.decode()
    assert ">1 uitnodiging wacht op je antwoord</span>" in html


def test_steering_member_sees_teacher_part_and_the_team(client, steering, teacher, coach):
    client.force_login(steering.user)
    html = client.get("/s/de-regenboog/").content.decode()
    assert "Jouw leerlijn" in html
    assert "Het team" in html
    assert re.search(r'<dt class="col-7">Actieve teamleden</dt>\s*<dd class="col-5">2</dd>', html)
    assert "Anouk de Vries" in html
    assert "Coach Carla" in html
    assert 'href="/s/de-regenboog/team/"' in html


def test_coach_of_one_school_sees_planning_but_no_teacher_part(client, coach):
    client.force_login(coach)
    response = client.get("/", follow=True)
    html = response.content.decode()
    assert response.redirect_chain == [("/s/de-regenboog/", 302)]
    assert "Het team" in html
    assert "Jouw leerlijn" not in html


def test_coach_of_two_schools_chooses_from_a_list(client, school, other_school):
    coach = UserFactory(name="Karin Hoekstra")
    CoachAssignmentFactory(user=coach, school=school)
    CoachAssignmentFactory(user=coach, school=other_school)
    client.force_login(coach)
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("Basisschool De Regenboog") < html.index("OBS De Vlinder")
    assert 'href="/s/de-regenboog/"' in html
    assert 'href="/s/de-vlinder/"' in html
    # the list to choose from leads on to the coach's own page ("Mijn scholen" in the menu)
    assert '<p class="mt-3"><a href="/coach/">' in html
    assert client.get("/s/de-regenboog/").status_code == 200
    assert client.get("/s/de-vlinder/").status_code == 200


def test_member_of_a_who_coaches_b_sees_exactly_that(client, school, other_school):
    """Teacher pages of A, coach pages of B, nothing else (no team page of A, no third school)."""
    third = SchoolFactory(name="Het Kompas", slug="het-kompas")
    person = MemberFactory(school=school, first_name="Lars").user
    CoachAssignmentFactory(user=person, school=other_school)
    MemberFactory(school=third)  # someone else's school
    client.force_login(person)

    listing = client.get("/").content.decode()
    assert "Basisschool De Regenboog" in listing
    assert "OBS De Vlinder" in listing
    assert "Het Kompas" not in listing

    school_a = client.get("/s/de-regenboog/").content.decode()
    assert "Jouw leerlijn" in school_a
    assert "Het team" not in school_a
    assert client.get("/s/de-regenboog/team/").status_code == 403

    school_b = client.get("/s/de-vlinder/").content.decode()
    assert "Het team" in school_b
    assert "Jouw leerlijn" not in school_b
    assert client.get("/s/de-vlinder/team/").status_code == 200

    assert client.get("/s/het-kompas/").status_code == 404


def test_account_without_school_gets_an_explanation(client):
    client.force_login(UserFactory())
    html = client.get("/").content.decode()
    assert "Je account is nog niet aan een school gekoppeld" in html


def test_team_page_lists_members_in_register_order(client, school, steering):
    MemberFactory(school=school, first_name="Daan", name_prefix="van der", last_name="Berg")
    MemberFactory(school=school, first_name="Bram", name_prefix="de", last_name="Jong")
    MemberFactory(school=school, first_name="Oud", last_name="Aalders", is_active=False)
    client.force_login(steering.user)
    html = client.get("/s/de-regenboog/team/").content.decode()
    order = [
        html.index(name) for name in ("Berg, Daan van der", "Jong, Bram de", "Vries, Anouk de")
    ]
    assert order == sorted(order)
    active, former = html.split("Oud-teamleden")
    assert "Aalders" not in active
    assert "Aalders, Oud" in former
    assert "3 actieve teamleden." in html


def test_a_search_of_the_team_narrows_the_former_members_too(client, school, steering):
    MemberFactory(school=school, first_name="Daan", last_name="Berg")
    MemberFactory(school=school, first_name="Oud", last_name="Aalders", is_active=False)
    MemberFactory(school=school, first_name="Els", last_name="Bergman", is_active=False)
    client.force_login(steering.user)

    html = client.get("/s/de-regenboog/team/", {"q": "berg"}).content.decode()
    active, former = html.split("Oud-teamleden")
    assert "Berg, Daan" in active
    assert "Bergman, Els" in former
    assert "Aalders" not in html

    html = client.get("/s/de-regenboog/team/", {"q": "daan"}).content.decode()
    assert "Oud-teamleden" not in html

    html = client.get("/s/de-regenboog/team/", {"line": "none"}).content.decode()
    assert "Oud-teamleden" not in html


def test_team_page_costs_the_same_queries_for_a_bigger_team(
    client, school, steering, django_assert_max_num_queries
):
    client.force_login(steering.user)
    MemberFactory.create_batch(5, school=school)
    with django_assert_max_num_queries(12) as small:
        client.get("/s/de-regenboog/team/")
    MemberFactory.create_batch(60, school=school)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get("/s/de-regenboog/team/")


def test_free_text_is_escaped(client, school, steering):
    MemberFactory(school=school, first_name="<script>alert(1)</script>", last_name="Test")
    client.force_login(steering.user)
    html = client.get("/s/de-regenboog/team/").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
