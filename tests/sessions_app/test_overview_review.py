"""The overview reviewed on a phone, a projector and paper: figures that agree with the counts
beside them, empty states that say what comes next, and the heat map as a table.

Percentages: "1 of 676 pairs (0 %)" and "199 of 200 (100 %)" contradicted the counts next to
them, and Python's round() rounds half to even (12.5 -> 12, 37.5 -> 38), so two halves on one
page went different ways. The heat map was an SVG that shrank with its labels on a phone; the
matrix table now carries the shades and keeps the page's text size.
"""

from datetime import time, timedelta

import pytest
from django.conf import settings

from learninglines.services.meetings import meeting_attendance_save, meeting_create
from sessions_app.selectors.figures import whole_percent
from sessions_app.selectors.overview import OverviewFilter, SessionRow, school_overview
from sessions_app.services.plans import plan_generate
from sessions_app.services.reflections import questionnaire_open, reflection_submit
from sessions_app.services.sessions import session_hold
from tests.sessions_app.test_overview import _held, known  # noqa: F401 (a fixture)
from tests.sessions_app.test_overview_pages import _answers, parsed

pytestmark = pytest.mark.django_db

URL = "/s/de-regenboog/overview/"


def _english(client, user):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


# --- whole percentages ---


@pytest.mark.parametrize(
    ("part", "whole", "percent"),
    [
        (0, 5, 0),
        (5, 5, 100),
        (1, 676, 1),  # round() gave 0: "1 of 676 pairs have met (0 %)"
        (199, 200, 99),  # round() gave 100 while one had not answered
        (1, 8, 13),  # 12.5: half up (round() gave 12)
        (3, 8, 38),  # 37.5: half up, as round() happened to do
        (6, 21, 29),
        (10, 21, 48),
        (23, 30, 77),
        (3, 0, None),
    ],
)
def test_a_percent_never_contradicts_the_counts_beside_it(part, whole, percent):
    assert whole_percent(part, whole) == percent


def test_a_response_of_199_of_200_is_not_100_percent():
    row = SessionRow(session=None, present=200, rounds=3, repeats=0, asked=200, answered=199)
    assert row.response_rate == 99


def test_one_pair_met_of_676_reads_1_percent_on_the_page(client, make_team, make_session, steering):
    team = make_team([26, 26])
    session = make_session(days=20, title="Eerste")
    a1, b1 = team.members["A"][0], team.members["B"][0]
    line_of = {a1.pk: team.lines[0], b1.pk: team.lines[1]}
    _held(session, [[a1, b1]], lambda m: line_of[m.pk])
    overview = school_overview(school=team.year.school, filters=OverviewFilter(year=team.year))
    encounters = overview.encounters
    assert (encounters.pairs_met, encounters.pairs_possible, encounters.coverage) == (1, 676, 1)
    assert [point.percent for point in encounters.course] == [1]
    _english(client, steering.user)
    html = client.get(URL).content.decode()
    assert "1 of 676 pairs from different lines have met at least once (1 %)." in html
    assert [row[2] for row in parsed(client.get(URL)).tables["ov-course-caption"]] == ["1 %"]


def test_attendance_of_one_in_eight_rounds_half_up(make_team):
    team = make_team([8])
    line = team.lines[0]
    meeting = meeting_create(
        line=line,
        date=team.year.start + timedelta(days=5),
        start_time=time(15),
        end_time=time(16),
        topic="Start",
    )
    people = team.members["A"]
    statuses = {m.pk: "present" if m == people[0] else "absent" for m in people}
    meeting_attendance_save(meeting=meeting, statuses=statuses)
    overview = school_overview(school=team.year.school, filters=OverviewFilter(year=team.year))
    assert [row.attendance_rate for row in overview.lines] == [13]


def test_the_coach_home_and_the_overview_give_one_response_rate(
    client, make_team, make_session, coach
):
    """1 of 8 answered: both pages read 13 % (the coach's home rounded to 12 %, half to even)."""
    team = make_team([4, 4])
    session = make_session(days=20, title="Eerste")
    plan_generate(session=session, seed=0)
    session_hold(session=session)
    questionnaire = questionnaire_open(questionnaire=session.questionnaire)
    reflection_submit(
        questionnaire=questionnaire,
        member=team.members["A"][0],
        answers=_answers(questionnaire),
    )
    _english(client, coach)
    home = parsed(client.get("/coach/")).lists
    assert [status["Response to the last session"] for status in home] == ["13 % (1 of 8)"]
    sessions = parsed(client.get(URL)).tables["ov-sessions-caption"]
    assert [row[5] for row in sessions] == ["13 % (1 of 8)"]


# --- empty states ---


def test_a_school_without_a_held_session_says_what_comes_next(client, make_team, steering):
    make_team([2, 2])
    _english(client, steering.user)
    response = client.get(URL)
    html = response.content.decode()
    assert (
        "Nobody has met anyone in this period yet. Once a plenary session with a table plan "
        "or a small exchange has been held, this shows who met whom, line by line." in html
    )
    # no matrix of zeros, no trend, and not everyone listed as "not yet met"
    tables = parsed(response).tables
    assert "ov-matrix-caption" not in tables
    assert "ov-not-met-caption" not in tables
    assert "Not yet met anyone of a line" not in html
    assert "0 of 4 pairs" not in html
    # one sentence for the whole section, not "No answers to show yet." per line
    assert html.count("No answers to show in this period yet.") == 1
    assert "No answers to show yet." not in html
    assert (
        "Nobody has named a line yet. Colleagues name one when they write in a reflection form "
        "what they took from another line." in html
    )
    assert "ov-took-caption" not in tables
    assert "<svg" not in html
    # the sessions part still points to where the next step is taken
    assert 'href="/s/de-regenboog/sessions/"' in html


# --- the heat map is the table ---


def test_the_matrix_table_carries_the_shades(client, known, steering):  # noqa: F811
    _english(client, steering.user)
    response = client.get(URL)
    html = response.content.decode()
    assert parsed(response).tables["ov-matrix-caption"] == [
        ["Lezen", "0", "4", "4"],
        ["Rekenen", "4", "0", "4"],
        ["Burgerschap", "4", "4", "0"],
    ]
    assert html.count('<td class="text-center ov-cell ov-cell-4">4</td>') == 6
    assert html.count('<td class="text-center ov-cell ov-cell-0">0</td>') == 3
    assert "A darker cell: more encounters." in html
    assert "ov-heat-map" not in html
    # the two other charts keep a title and a description for a screen reader
    assert '<title id="ov-course-svg-title">' in html
    assert '<desc id="ov-course-desc">' in html
    # on a phone the charts give way to their tables (print keeps them)
    assert html.count('class="col-12 col-lg-7 ov-chart-col"') == 1  # nothing taken yet: no bars
    assert '<script src="/static/js/overview.js" defer></script>' in html


def test_a_line_without_steps_shows_a_dash_not_0_of_0(client, known, steering):  # noqa: F811
    _english(client, steering.user)
    rows = parsed(client.get(URL)).tables["ov-lines-caption"]
    assert [row[2] for row in rows] == ["1 of 3", "—", "—"]
