"""Pages of plenary sessions that need a school year say so when they open, and the team's
counts say what they count.

1. "Plan a plenary session" and "Record an earlier session", opened by their address in a
   school without a school year to put the session in, say so straight away with the way to
   the school years page, and offer no form that could only be refused on saving. The
   program of a session that can no longer change is not offered as a form either.
2. "Teamleden" means the active team members, on the coach's home as on the school's start
   page; the overview's share of small exchanges counts the team members in a learning line
   and says so ("teamleden in een leerlijn"). A team of 12 active members, 10 of them in a
   line, reads 12 where it says "teamleden" and 10 where it says "in een leerlijn".
"""

import re
from datetime import date
from html import unescape

import pytest
from django.conf import settings
from django.contrib.messages import get_messages

from learninglines.models import SchoolYear
from learninglines.services.people import member_set_active
from sessions_app.models import Assignment, PlenarySession
from tests.factories import MemberFactory
from tests.sessions_app.test_coach_year import held_exchange

pytestmark = pytest.mark.django_db

SLUG = "de-regenboog"
CREATE = f"/s/{SLUG}/sessions/create/"
EARLIER = f"/s/{SLUG}/sessions/earlier/"
YEARS = f"/s/{SLUG}/years/"
NO_YEAR_PLAN = (
    "Er is nog geen schooljaar voor vandaag. Open er eerst een; plan daarna de bijeenkomsten."
)
# a new msgid: this Dutch shows once the lead has compiled the catalogues
NO_YEAR_EARLIER = (
    "Er is nog geen schooljaar voor vandaag. Open er eerst een; leg daarna hier de eerdere "
    "bijeenkomsten vast."
)
NO_YEAR_EARLIER_EN = (
    "There is no school year for today yet. Open one first; then record its earlier sessions here."
)


def _text(response) -> str:
    html = response.content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", main)).split())


def _post_forms(response) -> list[str]:
    return re.findall(r'<form method="post"[^>]*>', response.content.decode())


def _ended_year(school) -> SchoolYear:
    return SchoolYear.objects.create(
        school=school, name="2025-2026", start=date(2025, 8, 1), end=date(2026, 7, 31)
    )


def _next_year(school) -> SchoolYear:
    return SchoolYear.objects.create(
        school=school, name="2027-2028", start=date(2027, 8, 1), end=date(2028, 7, 31)
    )


def _session_posted() -> dict:
    return {
        "title": "Plenaire bijeenkomst 1",
        "date": "2026-12-09",
        "start_time": "15:00",
        "end_time": "16:45",
        "place": "Aula",
    }


# --- 1. the new session's page without a school year ---


@pytest.mark.parametrize("years", ["none", "ended"], ids=["no year at all", "only an ended year"])
@pytest.mark.parametrize("who", ["steering", "coach"])
def test_the_new_session_page_says_at_once_there_is_no_school_year(
    client, school, steering, coach, who, years
):
    if years == "ended":
        _ended_year(school)
    client.force_login(steering.user if who == "steering" else coach)

    response = client.get(CREATE)

    assert response.status_code == 200
    text = _text(response)
    assert NO_YEAR_PLAN in text
    assert f'<a class="btn btn-primary" href="{YEARS}">Schooljaren</a>' in (
        response.content.decode()
    )
    # no form to fill in, no button to plan with, no promise about the program
    assert _post_forms(response) == []
    assert 'name="title"' not in response.content.decode()
    assert "Plan de bijeenkomst" not in text
    assert "programma" not in text


def test_sending_the_form_anyway_saves_nothing_and_says_why(client, school, steering):
    client.force_login(steering.user)

    response = client.post(CREATE, _session_posted())

    assert response.status_code == 200
    assert NO_YEAR_PLAN in _text(response)
    assert not PlenarySession.objects.exists()


def test_a_school_with_next_year_open_plans_in_it(client, school, steering):
    """No year holds today, but next year is open: a session goes in that year, so the form is
    there (the service takes a date in a year that has not ended)."""
    year = _next_year(school)
    client.force_login(steering.user)

    response = client.get(CREATE)

    assert NO_YEAR_PLAN not in _text(response)
    assert len(_post_forms(response)) == 1
    posted = {**_session_posted(), "date": "2027-09-15"}
    assert client.post(CREATE, posted).status_code == 302
    assert list(PlenarySession.objects.values_list("year", "date")) == [
        (year.pk, date(2027, 9, 15))
    ]


def test_with_this_years_school_year_the_form_is_there(client, make_team, steering):
    make_team([2, 2])
    client.force_login(steering.user)

    response = client.get(CREATE)

    assert NO_YEAR_PLAN not in _text(response)
    assert len(_post_forms(response)) == 1
    assert client.post(CREATE, _session_posted()).status_code == 302
    assert PlenarySession.objects.get().date == date(2026, 12, 9)


# --- 1. recording an earlier session without a school year ---


@pytest.mark.parametrize(
    "years", ["none", "ended", "next"], ids=["no year", "ended year", "only next year"]
)
def test_the_earlier_session_page_says_at_once_there_is_no_school_year(
    client, school, steering, years, settings
):
    """Only the year holding today takes an earlier session: without it, no upload."""
    if years == "ended":
        _ended_year(school)
    if years == "next":
        _next_year(school)
    client.force_login(steering.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = client.get(EARLIER)

    assert response.status_code == 200
    html = response.content.decode()
    assert NO_YEAR_EARLIER_EN in _text(response)
    assert f'<a class="btn btn-primary" href="{YEARS}">School years</a>' in html
    assert _post_forms(response) == []
    assert 'type="file"' not in html
    # the team list to fill in stays at hand: it needs no school year
    assert f"/s/{SLUG}/sessions/earlier/team.xlsx" in html


def test_the_earlier_session_page_speaks_dutch_without_a_year(client, school, steering):
    """Depends on the Dutch of the new msgid (NO_YEAR_EARLIER): compiled by the lead."""
    client.force_login(steering.user)

    response = client.get(EARLIER)

    assert NO_YEAR_EARLIER in _text(response)
    assert _post_forms(response) == []


def test_the_earlier_session_page_offers_the_upload_in_this_years_school_year(
    client, make_team, steering
):
    make_team([2, 2])
    client.force_login(steering.user)

    response = client.get(EARLIER)

    assert NO_YEAR_PLAN not in _text(response)
    assert 'type="file"' in response.content.decode()
    assert len(_post_forms(response)) == 1


# --- 1. the program of a session that can no longer change ---


def _refused(client, page: str) -> tuple[str, list[str]]:
    """Where the page sends you, and the messages the session's page then shows."""
    response = client.get(page)
    assert response.status_code == 302, page
    shown = client.get(response["Location"])
    return response["Location"], [str(m) for m in get_messages(shown.wsgi_request)]


def _program_pages(session) -> tuple[str, str]:
    base = f"/s/{SLUG}/sessions/{session.pk}/assignments/"
    return f"{base}create/", f"{base}{session.assignments.first().pk}/update/"


def test_a_held_sessions_program_is_not_offered_as_a_form(client, make_session, steering):
    session = make_session()
    PlenarySession.objects.filter(pk=session.pk).update(status=PlenarySession.Status.HELD)
    client.force_login(steering.user)
    before = list(Assignment.objects.filter(session=session).values_list("title", flat=True))

    for page in _program_pages(session):
        assert _refused(client, page) == (
            f"/s/{SLUG}/sessions/{session.pk}/#program",
            ["Deze bijeenkomst is gehouden: het programma blijft zoals het was."],
        )
    posted = {"title": "Nog een opdracht", "duration_minutes": "10", "table_round": ""}
    create, update = _program_pages(session)
    assert client.post(create, posted).status_code == 302
    assert client.post(update, posted).status_code == 302
    assert (
        list(Assignment.objects.filter(session=session).values_list("title", flat=True)) == before
    )


def test_a_session_of_an_ended_year_keeps_its_program(client, make_session, school, steering):
    """A draft left in last year's school year: its page offers no change, nor does the
    address of the program's form."""
    session = make_session()
    old = _ended_year(school)
    PlenarySession.objects.filter(pk=session.pk).update(year=old, date=date(2026, 6, 10))
    client.force_login(steering.user)

    for page in _program_pages(session):
        assert _refused(client, page) == (
            f"/s/{SLUG}/sessions/{session.pk}/#program",
            ["Dit schooljaar is voorbij: de bijeenkomsten kun je alleen nog lezen."],
        )


def test_a_draft_sessions_program_form_is_there(client, make_session, steering):
    session = make_session()
    client.force_login(steering.user)
    for page in _program_pages(session):
        response = client.get(page)
        assert response.status_code == 200, page
        assert len(_post_forms(response)) == 1


# --- 2. "teamleden" on the start pages, "in een leerlijn" on the overview ---


@pytest.fixture
def twelve(make_team, school, coach):
    """12 active members, 10 of them in a line (A and B of five); two more without a line and
    one who left. A1 started a small exchange with B1, who accepted, and it was held."""
    team = make_team([5, 5])
    MemberFactory(school=school, first_name="Zonder", last_name="Leerlijn")
    MemberFactory(school=school, first_name="Ook", last_name="Zonder")
    member_set_active(
        member=MemberFactory(school=school, first_name="Oud", last_name="Lid"), active=False
    )
    held_exchange(team.members["A"][0], team.members["B"][0])
    return team


def _coach_status(response) -> dict[str, str]:
    block = re.search(
        r'<dl class="coach-status[^"]*">(.*?)</dl>', response.content.decode(), re.S
    ).group(1)
    return {
        unescape(term): " ".join(unescape(re.sub(r"<[^>]+>", " ", value)).split())
        for term, value in re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", block, re.S)
    }


def test_the_coachs_home_counts_every_active_team_member(client, twelve, coach):
    client.force_login(coach)

    status = _coach_status(client.get("/coach/"))

    assert status["Teamleden"] == "12"


def test_the_start_page_counts_the_same_active_team_members(client, twelve, coach):
    client.force_login(coach)

    html = client.get(f"/s/{SLUG}/").content.decode()

    assert re.search(r'<dt class="col-7">Actieve teamleden</dt>\s*<dd class="col-5">12</dd>', html)
    assert re.search(r'<dt class="col-7">In geen leerlijn</dt>\s*<dd class="col-5">2 ', html)


def _exchange_share(response) -> str:
    html = response.content.decode()
    found = re.search(r'<p class="exchange-share">(.*?)</p>', html, re.S)
    return " ".join(unescape(found.group(1)).split())


def test_the_overview_says_its_share_is_of_the_team_members_in_a_line(client, twelve, coach):
    """English: passes before the catalogues are compiled."""
    client.force_login(coach)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    for page in (f"/s/{SLUG}/overview/", f"/s/{SLUG}/overview/print/"):
        assert _exchange_share(client.get(page)) == (
            "2 of the 10 team members in a learning line (20 %) started or joined a small exchange."
        ), page


def test_the_overview_says_in_dutch_its_share_is_of_the_team_members_in_a_line(
    client, twelve, coach
):
    """Depends on the Dutch of the new msgid: passes once the lead compiled the catalogues."""
    client.force_login(coach)

    share = _exchange_share(client.get(f"/s/{SLUG}/overview/"))

    assert share == (
        "2 van de 10 teamleden in een leerlijn (20 %) begonnen of deden mee aan een uitwisseling."
    )
    assert not re.search(r"\b12\b", share)
