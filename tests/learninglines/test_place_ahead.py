"""Placing colleagues in the lines of a school year opened ahead (in June, while this year runs).

The clock stands at 18 November 2026: school year 2026-2027 runs, 2027-2028 is opened ahead.
"""

import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from playwright.sync_api import expect

from learninglines.models import LineMembership
from learninglines.services.lines import (
    line_archive,
    line_create,
    membership_move,
    school_year_open_next,
)
from learninglines.services.people import school_year_ensure_current
from tests.factories import MemberFactory
from tests.learninglines.year_ahead import open_ahead, this_years_lines

pytestmark = pytest.mark.django_db

SCHOOL = "/s/de-regenboog/"
TODAY = date(2026, 11, 18)
NEXT_START = date(2027, 8, 1)


@pytest.fixture
def year(school):
    return school_year_ensure_current(school=school)


@pytest.fixture
def lines(school, year, steering, teacher):
    return this_years_lines(school, year, steering, teacher)


@pytest.fixture
def ahead(school, lines):
    return open_ahead(school, lines)


@pytest.fixture
def hire(school):
    """A new colleague added after the opening, for next year."""
    return MemberFactory(school=school, first_name="Noa", last_name="Smit")


def squash(html: str) -> str:
    return " ".join(html.split())


def line_select(html: str) -> str:
    return re.search(r'<select name="line"[^>]*>(.*?)</select>', html, re.S).group(1)


def groups(select: str) -> list[tuple[str, list[str]]]:
    return [
        (label, re.findall(r"<option[^>]*>([^<]*)</option>", body))
        for label, body in re.findall(r'<optgroup label="([^"]*)">(.*?)</optgroup>', select, re.S)
    ]


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def move(client, member, line, start, follow=True):
    data = {"line": line.pk if line else "", "start": start.isoformat()}
    return client.post(f"{SCHOOL}team/{member.pk}/line/", data, follow=follow)


# --- the move form ------------------------------------------------------------------------------


def test_the_move_form_groups_this_years_and_next_years_lines_per_school_year(
    client, steering, hire, ahead
):
    client.force_login(steering.user)
    client.cookies["exchange_language"] = "en"  # its words are new: Dutch comes with the catalogue
    html = client.get(f"{SCHOOL}team/{hire.pk}/").content.decode()
    select = line_select(html)
    assert squash(select).startswith('<option value="" selected>No line from that date')
    assert groups(select) == [
        ("School year 2026-2027", ["A. Lezen", "B. Rekenen"]),
        ("School year 2027-2028 (from 1 August 2027)", ["A. Lezen", "B. Rekenen"]),
    ]
    assert (
        "For a line of school year 2027-2028, leave this date as it is: the place then starts "
        "on 1 August 2027."
    ) in squash(html)
    assert 'name="start" value="2026-11-18"' in html


def test_in_dutch_this_years_group_is_named_after_its_school_year(client, steering, hire, ahead):
    client.force_login(steering.user)
    select = line_select(client.get(f"{SCHOOL}team/{hire.pk}/").content.decode())
    assert groups(select)[0][0] == "Schooljaar 2026-2027"
    assert [options for _label, options in groups(select)] == [
        ["A. Lezen", "B. Rekenen"],
        ["A. Lezen", "B. Rekenen"],
    ]


def test_with_one_school_year_open_the_lines_are_a_plain_list(client, steering, hire, lines):
    client.force_login(steering.user)
    html = client.get(f"{SCHOOL}team/{hire.pk}/").content.decode()
    select = line_select(html)
    assert "<optgroup" not in select
    assert re.findall(r"<option[^>]*>([^<]*)</option>", select) == [
        "Geen leerlijn vanaf die datum",
        "A. Lezen",
        "B. Rekenen",
    ]
    assert 'name="start"' in html
    assert "2027-2028" not in html


def test_an_archived_line_of_next_year_is_not_offered(client, steering, hire, ahead):
    _next_year, next_lines = ahead
    line_archive(line=next_lines[0])
    client.force_login(steering.user)
    select = line_select(client.get(f"{SCHOOL}team/{hire.pk}/").content.decode())
    assert [options for _label, options in groups(select)] == [
        ["A. Lezen", "B. Rekenen"],
        ["B. Rekenen"],
    ]
    response = move(client, hire, next_lines[0], TODAY)
    assert messages_of(response) == ["Kies een leerlijn en een geldige datum."]
    assert not LineMembership.objects.filter(member=hire).exists()


# --- placing ahead ------------------------------------------------------------------------------


def test_a_new_hire_is_placed_in_next_years_line_from_its_first_day_when_the_date_is_left(
    client, steering, hire, ahead
):
    _next_year, next_lines = ahead
    client.force_login(steering.user)
    response = move(client, hire, next_lines[1], TODAY)
    assert messages_of(response) == ["Noa Smit zit vanaf 1 augustus 2027 in B. Rekenen."]
    assert list(LineMembership.objects.filter(member=hire).values_list("line", "start", "end")) == [
        (next_lines[1].pk, NEXT_START, None)
    ]


def test_a_date_typed_in_next_year_is_kept(client, steering, hire, ahead):
    _next_year, next_lines = ahead
    client.force_login(steering.user)
    response = move(client, hire, next_lines[0], date(2027, 9, 1))
    assert messages_of(response) == ["Noa Smit zit vanaf 1 september 2027 in A. Lezen."]
    assert list(LineMembership.objects.filter(member=hire).values_list("line", "start")) == [
        (next_lines[0].pk, date(2027, 9, 1))
    ]


def test_a_date_typed_outside_the_lines_year_is_refused_in_so_many_words(
    client, steering, hire, ahead, lines
):
    _next_year, next_lines = ahead
    client.force_login(steering.user)
    response = move(client, hire, next_lines[0], date(2027, 3, 1))
    assert messages_of(response) == [
        "Kies een datum in het schooljaar van de leerlijn (1 augustus 2027 tot en met "
        "31 juli 2028)."
    ]
    # and this year's line with a day of next year
    response = move(client, hire, lines[0], date(2027, 9, 1))
    assert messages_of(response) == [
        "Kies een datum in het schooljaar van de leerlijn (1 augustus 2026 tot en met "
        "31 juli 2027)."
    ]
    assert not LineMembership.objects.filter(member=hire).exists()


def test_moving_between_next_years_lines_replaces_the_carried_place(
    client, steering, teacher, ahead, lines
):
    _next_year, next_lines = ahead
    client.force_login(steering.user)
    response = move(client, teacher, next_lines[0], TODAY)
    assert messages_of(response) == ["Sanne Jansen zit vanaf 1 augustus 2027 in A. Lezen."]
    assert list(
        LineMembership.objects.filter(member=teacher).order_by("start").values_list("line", "end")
    ) == [(lines[1].pk, date(2027, 7, 31)), (next_lines[0].pk, None)]


def test_a_move_this_year_keeps_the_place_in_next_year(client, steering, teacher, ahead, lines):
    _next_year, next_lines = ahead
    client.force_login(steering.user)
    response = move(client, teacher, lines[0], TODAY)
    assert messages_of(response) == ["Sanne Jansen zit vanaf 18 november 2026 in A. Lezen."]
    assert list(
        LineMembership.objects.filter(member=teacher)
        .order_by("start")
        .values_list("line", "start", "end")
    ) == [
        (lines[1].pk, date(2026, 8, 1), date(2026, 11, 17)),
        (lines[0].pk, TODAY, date(2027, 7, 31)),
        (next_lines[1].pk, NEXT_START, None),
    ]


def test_another_schools_line_is_refused(client, steering, hire, ahead, other_school):
    foreign_year = school_year_ensure_current(school=other_school)
    foreign = line_create(school=other_school, year=foreign_year, name="Vreemd")
    client.force_login(steering.user)
    response = move(client, hire, foreign, TODAY)
    assert messages_of(response) == ["Kies een leerlijn en een geldige datum."]
    assert not LineMembership.objects.filter(member=hire).exists()


# --- the member page ----------------------------------------------------------------------------


def test_the_member_page_shows_the_planned_place_and_keeps_it_on_an_unchanged_move(
    client, steering, hire, ahead
):
    _next_year, next_lines = ahead
    membership_move(member=hire, line=next_lines[1], start=NEXT_START)
    client.force_login(steering.user)
    client.cookies["exchange_language"] = "en"
    page = client.get(f"{SCHOOL}team/{hire.pk}/")
    html = squash(page.content.decode())
    assert "<p>Now in no line.</p>" in html
    assert '<p class="planned-place">From 1 August 2027 in B. Rekenen.</p>' in html
    # "move" pressed without a choice: the form starts at that place, which stays as it is
    assert page.context["move_form"]["line"].value() == next_lines[1].pk
    client.cookies["exchange_language"] = "nl"
    response = move(client, hire, next_lines[1], TODAY)
    assert messages_of(response) == ["Noa Smit zit vanaf 1 augustus 2027 in B. Rekenen."]
    assert list(LineMembership.objects.filter(member=hire).values_list("line", "start")) == [
        (next_lines[1].pk, NEXT_START)
    ]


def test_someone_in_a_line_now_sees_both_places(client, steering, teacher, ahead, lines):
    client.force_login(steering.user)
    client.cookies["exchange_language"] = "en"
    page = client.get(f"{SCHOOL}team/{teacher.pk}/")
    html = squash(page.content.decode())
    assert "<p>Now in B. Rekenen.</p>" in html
    assert '<p class="planned-place">From 1 August 2027 in B. Rekenen.</p>' in html
    assert page.context["move_form"]["line"].value() == lines[1].pk


# --- what "in no line" means today --------------------------------------------------------------


def test_someone_placed_only_in_next_year_is_in_no_line_today_and_in_next_years_line(
    client, steering, teacher, hire, ahead, lines
):
    next_year, next_lines = ahead
    client.force_login(steering.user)
    move(client, hire, next_lines[1], TODAY)
    nobody = client.get(f"{SCHOOL}team/", {"line": "none"}).content.decode()
    assert "Smit, Noa" in nobody
    assert "Jansen, Sanne" not in nobody
    assert client.get(SCHOOL).context["team"].in_no_line == 1
    # the "Next" link on a colleague's page still leads to whoever is in no line today
    page = squash(client.get(f"{SCHOOL}team/{teacher.pk}/").content.decode())
    assert f'<a href="{SCHOOL}team/{hire.pk}/">Volgende: Noa Smit</a>' in page
    this_year = squash(client.get(f"{SCHOOL}lines/").content.decode())
    assert "Noa Smit" not in this_year
    next_page = client.get(f"{SCHOOL}lines/", {"year": next_year.pk})
    assert next_page.status_code == 200
    members = {
        str(line): [m.member.full_name for m in line.current_memberships]
        for line in next_page.context["lines"]
    }
    assert members == {"A. Lezen": [], "B. Rekenen": ["Sanne Jansen", "Noa Smit"]}


# --- adding a colleague -------------------------------------------------------------------------


def test_a_colleague_added_for_next_year_is_placed_from_its_first_day(client, steering, ahead):
    _next_year, next_lines = ahead
    client.force_login(steering.user)
    form = client.get(f"{SCHOOL}team/add/").content.decode()
    assert [options for _label, options in groups(line_select(form))] == [
        ["A. Lezen", "B. Rekenen"],
        ["A. Lezen", "B. Rekenen"],
    ]
    response = client.post(
        f"{SCHOOL}team/add/",
        {
            "first_name": "Daan",
            "last_name": "Visser",
            "email": "daan@school.example",
            "line": next_lines[0].pk,
        },
    )
    assert response.status_code == 302
    assert list(
        LineMembership.objects.filter(member__last_name="Visser").values_list("line", "start")
    ) == [(next_lines[0].pk, NEXT_START)]


# --- cost ---------------------------------------------------------------------------------------


def _member_page_queries(client, member) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"{SCHOOL}team/{member.pk}/").status_code == 200
    return len(queries.captured_queries)


def test_the_member_page_costs_the_same_for_a_bigger_team_with_next_year_open(
    client, school, steering, hire, ahead
):
    _next_year, next_lines = ahead
    client.force_login(steering.user)
    for member in MemberFactory.create_batch(5, school=school):
        membership_move(member=member, line=next_lines[0], start=NEXT_START)
    small = _member_page_queries(client, hire)
    for member in MemberFactory.create_batch(60, school=school):
        membership_move(member=member, line=next_lines[1], start=NEXT_START)
    assert small == 14  # as before next year's lines were offered: the lines are one query
    assert _member_page_queries(client, hire) == small


# --- in the browser: a phone, the keyboard alone, no script needed ------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_new_hire_is_placed_ahead_by_keyboard_on_a_phone(page, live_server, school, steering):
    year = school_year_ensure_current(school=school)
    line = line_create(school=school, year=year, name="Lezen")
    next_year = school_year_open_next(school=school, copy_line_ids={line.pk})
    hire = MemberFactory(school=school, first_name="Noa", last_name="Smit")
    steering.user.set_password("een-lang-wachtwoord-2026")
    steering.user.save()
    page.goto(live_server.url + "/login/")
    page.get_by_label("E-mailadres").fill(steering.user.email)
    page.get_by_role("textbox", name="Wachtwoord").fill("een-lang-wachtwoord-2026")
    page.get_by_role("button", name="Inloggen", exact=True).click()
    page.goto(f"{live_server.url}{SCHOOL}team/{hire.pk}/")
    choice = page.get_by_label("Nieuwe leerlijn")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    box = choice.bounding_box()
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= 360
    choice.focus()
    page.keyboard.press("End")  # the last choice: next year's A. Lezen
    page.keyboard.press("Tab")  # into the date, left as it is
    page.keyboard.press("Enter")  # a plain form post
    first_day = f"1 augustus {next_year.start.year}"
    done = page.locator("#main").get_by_text(f"Noa Smit zit vanaf {first_day} in A. Lezen.")
    expect(done).to_be_visible()
    assert list(LineMembership.objects.filter(member=hire).values_list("line__year", "start")) == [
        (next_year.pk, next_year.start)
    ]
