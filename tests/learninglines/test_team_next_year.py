"""The team list across the turn of the year: who is placed where in a year opened ahead.

The clock stands at 18 November 2026: school year 2026-2027 runs, 2027-2028 is opened ahead
(the steering group does so in June; opening is allowed once the latest year has begun).
"""

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from learninglines.models import LearningLine
from learninglines.services.lines import line_create, membership_move, school_year_open_next
from learninglines.services.people import school_year_ensure_current
from tests.factories import MemberFactory
from tests.learninglines.year_ahead import open_ahead, this_years_lines

pytestmark = pytest.mark.django_db

SCHOOL = "/s/de-regenboog/"
TEAM = f"{SCHOOL}team/"
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
    """A new colleague added after the opening, in no line yet."""
    return MemberFactory(school=school, first_name="Noa", last_name="Smit")


@pytest.fixture
def english(client, settings):
    """The new words are msgids until the lead compiles the catalogue: read them in English."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def squash(text: str) -> str:
    return " ".join(text.split())


def text(html: str) -> str:
    return squash(re.sub(r"<[^>]+>", " ", html))


def rows(html: str) -> dict[str, tuple[str, str | None]]:
    """{name on the list: (this year's line, place next year or None)} in page order."""
    listed = re.search(r'<ul class="list-group mb-4 member-list">(.*?)</ul>', html, re.S)
    found = {}
    for item in re.findall(r"<li (.*?)</li>", listed.group(1), re.S) if listed else []:
        name = re.search(r'<a class="fw-semibold"[^>]*>(.*?)</a>', item).group(1)
        now = re.search(r'<span class="d-block small">(.*)</span>$', item, re.M).group(1)
        later = re.search(r'<span class="d-block small place-ahead">(.*)</span>$', item, re.M)
        found[name] = (text(now), text(later.group(1)) if later else None)
    return found


def line_select(html: str) -> str:
    return re.search(r'<select class="form-select" name="line"[^>]*>(.*?)</select>', html, re.S)[1]


def top_options(select: str) -> list[tuple[str, str]]:
    outside = re.sub(r"<optgroup.*?</optgroup>", "", select, flags=re.S)
    return re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', outside)


def groups(select: str) -> list[tuple[str, list[tuple[str, str]]]]:
    return [
        (label, re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', body))
        for label, body in re.findall(r'<optgroup label="([^"]*)">(.*?)</optgroup>', select, re.S)
    ]


# --- the list -----------------------------------------------------------------------------------


def test_each_member_shows_this_years_line_and_the_place_next_year(
    english, steering, teacher, hire, ahead
):
    _next_year, next_lines = ahead
    membership_move(member=hire, line=next_lines[0], start=date(2027, 9, 1))
    english.force_login(steering.user)
    html = english.get(TEAM).content.decode()
    assert rows(html) == {
        "Jansen, Sanne": ("B. Rekenen", "from 1 aug: B. Rekenen"),  # carried over
        "Smit, Noa": ("in no line", "from 1 sep: A. Lezen"),  # placed ahead, from a later day
        "Vries, Anouk de": ("A. Lezen", "no place in 2027-2028 yet"),  # A copied without members
    }
    # the place comes with its line's colour, as this year's line does
    jansen = re.search(r'<span class="d-block small place-ahead">(.*)</span>$', html, re.M)[1]
    assert f'<span class="line-colour-{next_lines[1].colour}">' in jansen
    summary = squash(
        re.search(r'<p class="text-body-secondary places-ahead">(.*?)</p>', html, re.S)[1]
    )
    assert summary == (
        f'1 team member has no place in 2027-2028 yet. <a href="{TEAM}?line=none-next">Show who</a>'
    )


def test_a_place_moved_within_next_year_shows_both_places_in_order(
    english, steering, teacher, ahead
):
    _next_year, next_lines = ahead
    membership_move(member=teacher, line=next_lines[0], start=date(2027, 10, 1))
    english.force_login(steering.user)
    assert rows(english.get(TEAM).content.decode())["Jansen, Sanne"] == (
        "B. Rekenen",
        "from 1 aug: B. Rekenen · from 1 oct: A. Lezen",
    )


def test_once_everyone_is_placed_the_page_says_so(english, school, steering, teacher, ahead):
    _next_year, next_lines = ahead
    membership_move(member=steering, line=next_lines[0], start=NEXT_START)
    english.force_login(steering.user)
    html = english.get(TEAM).content.decode()
    assert "Everyone on the team has a place in 2027-2028." in text(html)
    assert "no place in 2027-2028 yet" not in html
    # a former colleague is not counted (nor listed as still to place)
    MemberFactory(school=school, first_name="Oud", last_name="Aalders", is_active=False)
    assert "Everyone on the team has a place in 2027-2028." in text(
        english.get(TEAM).content.decode()
    )


def test_the_count_of_people_without_a_place_is_the_whole_team_not_the_search(
    english, school, steering, teacher, hire, ahead
):
    MemberFactory(school=school, first_name="Bram", last_name="Bakker")
    english.force_login(steering.user)
    html = english.get(TEAM, {"q": "smit"}).content.decode()
    assert list(rows(html)) == ["Smit, Noa"]
    assert "3 team members have no place in 2027-2028 yet." in text(html)


# --- the filter ---------------------------------------------------------------------------------


def test_the_line_filter_offers_next_years_lines_per_school_year(english, steering, lines, ahead):
    _next_year, next_lines = ahead
    english.force_login(steering.user)
    select = line_select(english.get(TEAM).content.decode())
    assert top_options(select) == [
        ("", "All lines"),
        ("none", "In no line"),
        ("none-next", "No place in 2027-2028 yet"),
    ]
    assert groups(select) == [
        (
            "School year 2026-2027",
            [(str(lines[0].pk), "A. Lezen"), (str(lines[1].pk), "B. Rekenen")],
        ),
        (
            "School year 2027-2028 (from 1 August 2027)",
            [(str(next_lines[0].pk), "A. Lezen"), (str(next_lines[1].pk), "B. Rekenen")],
        ),
    ]
    chosen = line_select(english.get(TEAM, {"line": next_lines[1].pk}).content.decode())
    assert re.findall(r'<option value="([^"]*)" selected>', chosen) == [str(next_lines[1].pk)]
    chosen = line_select(english.get(TEAM, {"line": "none-next"}).content.decode())
    assert re.findall(r'<option value="([^"]*)" selected>', chosen) == ["none-next"]


def test_filtering_on_a_line_of_next_year_lists_who_is_placed_in_it(
    english, steering, teacher, hire, lines, ahead
):
    _next_year, next_lines = ahead
    membership_move(member=hire, line=next_lines[1], start=NEXT_START)
    english.force_login(steering.user)
    placed = rows(english.get(TEAM, {"line": next_lines[1].pk}).content.decode())
    assert list(placed) == ["Jansen, Sanne", "Smit, Noa"]
    assert rows(english.get(TEAM, {"line": next_lines[0].pk}).content.decode()) == {}
    # this year's line B: who is in it today, not who will be
    assert list(rows(english.get(TEAM, {"line": lines[1].pk}).content.decode())) == [
        "Jansen, Sanne"
    ]


def test_no_place_next_year_and_in_no_line_today_are_two_lists(
    english, steering, teacher, hire, ahead
):
    _next_year, next_lines = ahead
    membership_move(member=hire, line=next_lines[1], start=NEXT_START)
    english.force_login(steering.user)
    # placed only in next year: in no line until 1 August (see docs/school-years.md)
    assert list(rows(english.get(TEAM, {"line": "none"}).content.decode())) == ["Smit, Noa"]
    assert list(rows(english.get(TEAM, {"line": "none-next"}).content.decode())) == [
        "Vries, Anouk de"
    ]


def test_another_schools_line_of_next_year_in_the_filter_lists_nobody(
    english, steering, ahead, other_school
):
    foreign_year = school_year_ensure_current(school=other_school)
    foreign = line_create(school=other_school, year=foreign_year, name="Vreemd")
    foreign_next = school_year_open_next(school=other_school, copy_line_ids={foreign.pk})
    foreign_line = LearningLine.objects.get(year=foreign_next)
    MemberFactory(school=other_school, first_name="Ver", last_name="Weg")
    english.force_login(steering.user)
    response = english.get(TEAM, {"line": foreign_line.pk})
    assert response.status_code == 200
    html = response.content.decode()
    assert rows(html) == {}
    assert "Vreemd" not in html
    assert "Weg" not in html


def test_a_teacher_still_cannot_read_the_team_list(client, teacher, ahead):
    client.force_login(teacher.user)
    assert client.get(TEAM).status_code == 403


# --- one year open, and after 1 August ----------------------------------------------------------


def test_with_one_school_year_open_the_page_is_as_before(client, steering, teacher, lines):
    client.force_login(steering.user)
    html = client.get(TEAM).content.decode()
    select = line_select(html)
    assert "<optgroup" not in select
    assert top_options(select) == [
        ("", "Alle leerlijnen"),
        ("none", "In geen leerlijn"),
        (str(lines[0].pk), "A. Lezen"),
        (str(lines[1].pk), "B. Rekenen"),
    ]
    assert rows(html) == {
        "Jansen, Sanne": ("B. Rekenen", None),
        "Vries, Anouk de": ("A. Lezen", None),
    }
    assert "places-ahead" not in html
    assert "2027-2028" not in html
    # the filter of next year is not there to be asked for
    assert list(rows(client.get(TEAM, {"line": "none-next"}).content.decode())) == [
        "Jansen, Sanne",
        "Vries, Anouk de",
    ]


def test_once_next_year_has_begun_it_is_this_year(client, steering, teacher, ahead):
    next_year, next_lines = ahead
    with time_machine.travel(datetime(2027, 8, 2, 10, tzinfo=ZoneInfo("Europe/Amsterdam"))):
        client.force_login(steering.user)
        html = client.get(TEAM).content.decode()
    assert rows(html) == {
        "Jansen, Sanne": ("B. Rekenen", None),  # carried over: in next year's B today
        "Vries, Anouk de": ("in geen leerlijn", None),
    }
    assert top_options(line_select(html)) == [
        ("", "Alle leerlijnen"),
        ("none", "In geen leerlijn"),
        (str(next_lines[0].pk), "A. Lezen"),
        (str(next_lines[1].pk), "B. Rekenen"),
    ]
    assert "places-ahead" not in html
    assert next_year.name not in html


# --- in Dutch (needs the lead's compiled catalogue) ---------------------------------------------


def test_in_dutch_the_place_next_year_and_the_count_read_as_a_steering_group_expects(
    client, steering, teacher, hire, ahead
):
    client.force_login(steering.user)
    html = client.get(TEAM).content.decode()
    assert rows(html) == {
        "Jansen, Sanne": ("B. Rekenen", "vanaf 1 aug: B. Rekenen"),
        "Smit, Noa": ("in geen leerlijn", "nog geen plek in 2027-2028"),
        "Vries, Anouk de": ("A. Lezen", "nog geen plek in 2027-2028"),
    }
    assert "2 teamleden hebben nog geen plek in 2027-2028. Toon wie" in text(html)
    select = line_select(html)
    assert top_options(select)[2] == ("none-next", "Nog geen plek in 2027-2028")
    assert [label for label, _options in groups(select)] == [
        "Schooljaar 2026-2027",
        "Schooljaar 2027-2028 (vanaf 1 augustus 2027)",
    ]


# --- cost ---------------------------------------------------------------------------------------


def _team_page_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(TEAM).status_code == 200
    return len(queries.captured_queries)


def test_the_team_page_with_next_year_open_costs_the_same_for_20_and_150_members(
    client, school, steering, teacher, lines, ahead
):
    _next_year, next_lines = ahead
    client.force_login(steering.user)
    before = _team_page_queries(client)

    def grow(to: int) -> None:
        for number, member in enumerate(
            MemberFactory.create_batch(to - school.members.count(), school=school)
        ):
            membership_move(member=member, line=lines[number % 2], start=date(2026, 8, 1))
            if number % 3:  # two in three placed next year, the rest still to place
                membership_move(member=member, line=next_lines[number % 2], start=NEXT_START)

    grow(20)
    twenty = _team_page_queries(client)
    grow(150)
    assert school.members.count() == 150
    assert _team_page_queries(client) == twenty == before
