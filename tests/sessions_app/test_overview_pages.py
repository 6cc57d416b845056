"""The school overview and the coach's home as pages: known figures, filters, who sees what.

The hand-made school of `known` (tests/sessions_app/test_overview.py): lines A, B and C; two
held sessions ("Eerste", "Tweede") where every pair of lines met 4 times; 10 of 21 pairs from
different lines met (29 % after the first session, 48 % after the second); b3 and c3 were
absent both times, so only they have not met a line yet.
"""

from datetime import time, timedelta
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.utils import timezone

from learninglines.services.lines import line_create, membership_move
from learninglines.services.meetings import meeting_attendance_save, meeting_create
from learninglines.services.people import school_year_ensure_current
from sessions_app.services.plans import plan_generate
from sessions_app.services.reflections import (
    AnswerData,
    question_update,
    questionnaire_open,
    reflection_submit,
)
from sessions_app.services.sessions import session_create, session_hold
from tests.dutch import long_date, long_day
from tests.factories import CoachAssignmentFactory, MemberFactory, SchoolFactory
from tests.sessions_app import test_overview
from tests.sessions_app.test_overview import _as_anonymous

pytestmark = pytest.mark.django_db

known = test_overview.known  # the hand-made school, as a fixture here too

URL = "/s/de-regenboog/overview/"


class _Tables(HTMLParser):
    """Every table's rows (cell texts) by its caption's id, and every <dl>'s pairs in order."""

    def __init__(self):
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.lists: list[dict[str, str]] = []
        self._stack: list[list[list[str]]] = []
        self._caption: list[str | None] = []
        self._cell: list[str] | None = None
        self._hidden = 0
        self._dl: dict[str, str] | None = None
        self._term = ""
        self._text: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self._hidden or (attrs.get("aria-hidden") == "true" and tag == "span"):
            self._hidden += 1
        if tag == "table":
            self._stack.append([])
            self._caption.append(None)
        elif tag == "caption" and self._stack:
            self._caption[-1] = attrs.get("id")
        elif tag == "tr" and self._stack:
            self._stack[-1].append([])
        elif tag in ("td", "th") and self._stack:
            self._cell = []
        elif tag == "dl":
            self._dl = {}
        elif tag in ("dt", "dd") and self._dl is not None:
            self._text = []

    def handle_endtag(self, tag):
        if self._hidden:
            self._hidden -= 1
        if tag in ("td", "th") and self._cell is not None and self._stack:
            self._stack[-1][-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "table" and self._stack:
            rows = self._stack.pop()
            caption = self._caption.pop()
            if caption:
                self.tables[caption] = rows[1:]  # without the header row
        elif tag == "dt" and self._text is not None:
            self._term = " ".join("".join(self._text).split())
            self._text = None
        elif tag == "dd" and self._text is not None and self._dl is not None:
            self._dl[self._term] = " ".join("".join(self._text).split())
            self._text = None
        elif tag == "dl" and self._dl is not None:
            self.lists.append(self._dl)
            self._dl = None

    def handle_data(self, data):
        if self._hidden:
            return
        if self._cell is not None:
            self._cell.append(data)
        if self._text is not None:
            self._text.append(data)


def _answers(questionnaire, text="Iets") -> dict:
    """The method's form filled in: what I learned and the required "how useful" scale."""
    questions = list(questionnaire.questions.order_by("position"))
    return {questions[0].pk: AnswerData(text=text), questions[4].pk: AnswerData(value=4)}


def parsed(response) -> _Tables:
    assert response.status_code == 200
    tables = _Tables()
    tables.feed(response.content.decode())
    return tables


# --- the known figures ---


def test_the_page_shows_the_known_figures(client, known, steering):
    client.force_login(steering.user)
    page = parsed(client.get(URL))
    assert page.tables["ov-lines-caption"] == [
        ["Lezen", "2", "1 van 3", "2", "2", "75 %", "Lesbezoek"],
        # a line without steps: nothing to count ("0 van 0" read as a line doing nothing)
        ["Rekenen", "3", "—", "1", "1", "niet bijgehouden", "B1"],
        ["Burgerschap", "3", "—", "0", "0", "niet bijgehouden", "—"],
    ]
    sessions = [row[1:5] for row in page.tables["ov-sessions-caption"]]
    assert sessions == [["Eerste", "6", "1", "0"], ["Tweede", "6", "1", "0"]]
    assert page.tables["ov-matrix-caption"] == [
        ["Lezen", "0", "4", "4"],
        ["Rekenen", "4", "0", "4"],
        ["Burgerschap", "4", "4", "0"],
    ]
    assert [(row[0], row[2]) for row in page.tables["ov-course-caption"]] == [
        ("1", "29 %"),
        ("2", "48 %"),
    ]
    html = client.get(URL).content.decode()
    assert (
        "10 van de 21 paren uit verschillende leerlijnen hebben elkaar minstens één keer "
        "ontmoet (48 %)." in html
    )
    # one name for one thing: the column says what the table plan and the export say
    assert '<th scope="col" class="text-end">Herhaalde ontmoetingen</th>' in html


def test_the_response_links_to_the_reflection_results(client, known, steering):
    team, first, _second = known
    questionnaire = questionnaire_open(questionnaire=first.questionnaire)
    for member in team.members["A"][:2] + team.members["B"][:1]:
        reflection_submit(
            questionnaire=questionnaire, member=member, answers=_answers(questionnaire)
        )
    client.force_login(steering.user)
    page = parsed(client.get(URL))
    # the second session's form never opened: no rate, which would read as nobody responding
    assert [row[5] for row in page.tables["ov-sessions-caption"]] == [
        "50 % (3 van 6)",
        "formulier nooit geopend",
    ]
    html = client.get(URL).content.decode()
    results = f"/s/de-regenboog/reflections/{questionnaire.pk}/results/"
    assert f'<a href="{results}">50 % (3 van 6)</a>' in html


def test_filters_in_the_url_change_the_figures(client, known, steering):
    team, first, _second = known
    line_a = team.lines[0]
    client.force_login(steering.user)

    on_a = parsed(client.get(f"{URL}?line={line_a.pk}"))
    assert [row[0] for row in on_a.tables["ov-lines-caption"]] == ["Lezen"]
    assert [row[2] for row in on_a.tables["ov-sessions-caption"]] == ["2", "2"]
    # The matrix always shows every line: an encounter has two sides.
    assert len(on_a.tables["ov-matrix-caption"]) == 3

    day = first.date + timedelta(days=1)
    until_first = parsed(client.get(f"{URL}?to={day.isoformat()}"))
    assert [row[1] for row in until_first.tables["ov-sessions-caption"]] == ["Eerste"]
    assert [row[2] for row in until_first.tables["ov-course-caption"]] == ["29 %"]
    html = client.get(f"{URL}?to={day.isoformat()}").content.decode()
    assert "6 van de 21 paren" in html

    after_meetings = team.year.start + timedelta(days=20)
    later = parsed(client.get(f"{URL}?from={after_meetings.isoformat()}"))
    assert [row[4] for row in later.tables["ov-lines-caption"]] == ["0", "0", "0"]
    assert [row[1] for row in later.tables["ov-sessions-caption"]] == ["Eerste", "Tweede"]


def test_the_form_shows_the_filters_and_the_print_view_keeps_them(client, known, steering):
    team, _first, _second = known
    line_b = team.lines[1]
    client.force_login(steering.user)
    query = f"year={team.year.pk}&line={line_b.pk}&from=2020-01-01"
    html = client.get(f"{URL}?{query}").content.decode()
    assert f'<option value="{line_b.pk}" selected>B · Rekenen</option>' in html
    assert 'name="from" value="2020-01-01"' in html
    assert f'href="/s/de-regenboog/overview/print/?{query.replace("&", "&amp;")}"' in html
    printed = parsed(client.get(f"/s/de-regenboog/overview/print/?{query}"))
    assert [row[0] for row in printed.tables["ov-lines-caption"]] == ["Rekenen"]
    printed_html = client.get(f"/s/de-regenboog/overview/print/?{query}").content.decode()
    assert '<button class="btn btn-primary" type="button" data-print hidden>Afdrukken</button>' in (
        printed_html
    )
    assert 'src="/static/js/print.js"' in printed_html
    assert "print-page ov-print" in printed_html


def test_a_bad_filter_says_so_and_counts_everything(client, known, steering, other_school):
    client.force_login(steering.user)
    html = client.get(f"{URL}?line=999999&from=2026-13-01").content.decode()
    assert "Die leerlijn hoort niet bij dit schooljaar." in html
    assert 'aria-invalid="true"' in html
    page = parsed(client.get(f"{URL}?line=999999"))
    assert len(page.tables["ov-lines-caption"]) == 3
    year = known[0].year
    after = year.end + timedelta(days=1)
    html = client.get(f"{URL}?from={after.isoformat()}").content.decode()
    assert (
        f"Kies een datum in schooljaar {year.name}: {long_date(year.start)} tot en met "
        f"{long_date(year.end)}." in html
    )
    assert parsed(client.get(f"{URL}?from={after.isoformat()}")).tables == page.tables
    their_year = school_year_ensure_current(school=other_school)
    assert client.get(f"{URL}?year={their_year.pk}").status_code == 404
    assert client.get(f"{URL}?year=x").status_code == 404


# --- who sees the person-level list ---


def test_only_the_steering_group_sees_who_has_not_met_a_line(client, known, steering, coach):
    client.force_login(steering.user)
    page = parsed(client.get(URL))
    assert page.tables["ov-not-met-caption"] == [
        ["B3 Lid B3", "B · Rekenen", "A · Lezen, C · Burgerschap"],
        ["C3 Lid C3", "C · Burgerschap", "A · Lezen, B · Rekenen"],
    ]
    client.force_login(coach)
    response = client.get(URL)
    html = response.content.decode()
    assert "ov-not-met-caption" not in parsed(response).tables
    assert "Nog niemand van een leerlijn ontmoet" not in html
    assert "B3 Lid B3" not in html
    printed = client.get("/s/de-regenboog/overview/print/").content.decode()
    assert "B3 Lid B3" not in printed


# --- what the team learned: names and the threshold ---


def test_quotes_carry_names_only_when_named_and_withheld_ones_are_counted(client, known, steering):
    team, first, _second = known
    questionnaire = questionnaire_open(questionnaire=first.questionnaire)
    learned, brought_took, _tried, _talk, useful = list(
        questionnaire.questions.order_by("position")
    )
    question_update(question=learned, data=_as_anonymous(learned))
    a1, a2, _a3 = team.members["A"]
    line_c = team.lines[2]
    for member in (a1, a2):
        reflection_submit(
            questionnaire=questionnaire,
            member=member,
            answers={
                learned.pk: AnswerData(text=f"Anoniem van {member.first_name}"),
                brought_took.pk: AnswerData(text="Bracht", took="Haalde", took_from=line_c.pk),
                useful.pk: AnswerData(value=5),
            },
        )
    client.force_login(steering.user)
    html = client.get(URL).content.decode()
    assert f"{a1.full_name} · " in html
    assert "Anoniem van" not in html
    assert "2 anonieme antwoorden worden niet getoond: minder dan 3 per vraag." in html
    page = parsed(client.get(URL))
    assert page.tables["ov-took-caption"] == [
        ["A · Lezen", "0"],
        ["B · Rekenen", "0"],
        ["C · Burgerschap", "2"],
    ]
    # a quote is the school's own Dutch: on an English page it says so, for a screen reader
    assert '<blockquote class="mb-1">' in html
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(URL).content.decode()
    assert '<blockquote class="mb-1">' not in english
    assert '<blockquote class="mb-1" lang="nl">' in english


# --- empty states ---


def test_empty_states_say_what_to_do_next(client, school, steering, make_team):
    client.force_login(steering.user)
    school_year_ensure_current(school=school)
    html = client.get(URL).content.decode()
    assert "Nog geen leerlijnen" in html
    assert 'href="/s/de-regenboog/lines/create/"' in html
    make_team([2, 2])
    html = client.get(URL).content.decode()
    assert "In deze periode is nog geen plenaire bijeenkomst gehouden." in html
    assert 'href="/s/de-regenboog/sessions/"' in html


# --- the coach switches school ---


def test_the_switch_keeps_the_date_range_and_drops_year_and_line(client, school, other_school):
    coach = CoachAssignmentFactory(school=school).user
    CoachAssignmentFactory(user=coach, school=other_school)
    school_year_ensure_current(school=school)
    client.force_login(coach)
    html = client.get(f"{URL}?from=2026-09-01").content.decode()
    assert '<select class="form-select form-select-sm" id="ov-school" name="school">' in html
    assert '<input type="hidden" name="from" value="2026-09-01">' in html
    response = client.get(f"{URL}?school=de-vlinder&year=3&line=7&from=2026-09-01&to=2026-12-01")
    assert response.status_code == 302
    assert response["Location"] == "/s/de-vlinder/overview/?from=2026-09-01&to=2026-12-01"
    assert client.get(f"{URL}?school=de-vlinder").headers["Location"] == ("/s/de-vlinder/overview/")
    SchoolFactory(name="Het Kompas", slug="het-kompas")
    assert client.get(f"{URL}?school=het-kompas").status_code == 404


def test_a_coach_of_one_school_and_the_steering_group_get_no_switch(
    client, school, coach, steering
):
    school_year_ensure_current(school=school)
    for user in (coach, steering.user):
        client.force_login(user)
        assert 'id="ov-school"' not in client.get(URL).content.decode()


# --- the coach's home ---


def _upcoming(school, title="Volgende"):
    year = school_year_ensure_current(school=school)
    return session_create(
        school=school,
        title=title,
        date=min(timezone.localdate() + timedelta(days=7), year.end),
        start_time=time(15),
        end_time=time(16, 45),
    )


def test_the_coach_home_lists_exactly_the_coached_schools_with_their_status(
    client, known, school, other_school
):
    team, _first, second = known
    coach = CoachAssignmentFactory(school=school).user
    CoachAssignmentFactory(user=coach, school=other_school)
    ended = SchoolFactory(name="Aan de Rand", slug="aan-de-rand")
    CoachAssignmentFactory(
        user=coach,
        school=ended,
        created_at=timezone.now() - timedelta(days=30),
        ended_at=timezone.now() - timedelta(days=1),
    )
    SchoolFactory(name="Het Kompas", slug="het-kompas")
    # (its date: a week ahead, or the year's last day late in July)
    upcoming = _upcoming(school).date
    questionnaire = questionnaire_open(questionnaire=second.questionnaire)
    for member in team.members["C"][:2] + team.members["A"][:1]:
        reflection_submit(
            questionnaire=questionnaire, member=member, answers=_answers(questionnaire)
        )
    client.force_login(coach)
    response = client.get("/coach/")
    html = response.content.decode()
    assert "Aan de Rand" not in html
    assert "Het Kompas" not in html
    assert html.index("Basisschool De Regenboog") < html.index("OBS De Vlinder")
    assert 'href="/s/de-regenboog/overview/"' in html
    assert 'href="/s/de-vlinder/overview/"' in html
    assert parsed(response).lists == [
        {
            "Leerlijnen": "3",
            "Teamleden": "8",
            "Leerlijn-bijeenkomsten deze cyclus": "3",
            "Volgende plenaire bijeenkomst": f"{long_day(upcoming)} {upcoming.year} · Volgende",
            "Open reflectieformulieren": "1",
            "Respons op de laatste bijeenkomst": "50 % (3 van 6)",
        },
        {
            "Leerlijnen": "0",
            "Teamleden": "0",
            "Leerlijn-bijeenkomsten deze cyclus": "0",
            "Volgende plenaire bijeenkomst": "niets gepland",
            "Open reflectieformulieren": "0",
            "Respons op de laatste bijeenkomst": "nog geen bijeenkomst gehouden",
        },
    ]
    assert "Nog geen schooljaar voor vandaag" in html


def test_the_menu_links_my_schools_to_the_coach_home_for_coaches_only(
    client, known, coach, steering
):
    client.force_login(coach)
    for path in ("/coach/", URL, "/s/de-regenboog/"):
        assert 'href="/coach/">Mijn scholen</a>' in client.get(path).content.decode()
    client.force_login(steering.user)
    html = client.get(URL).content.decode()
    assert 'href="/coach/"' not in html


def test_sign_in_still_lands_on_the_school(client, coach):
    client.force_login(coach)
    response = client.get("/", follow=True)
    assert response.redirect_chain == [("/s/de-regenboog/", 302)]


def test_the_start_page_links_the_overview_for_steering_and_coach(client, school, steering, coach):
    school_year_ensure_current(school=school)
    for user in (steering.user, coach):
        client.force_login(user)
        assert 'href="/s/de-regenboog/overview/"' in client.get("/s/de-regenboog/").content.decode()


# --- query budgets ---


def _grown(make_team, make_session, size):
    """21 or 150 members in 3 lines, a held session all answered, a meeting per line."""
    team = make_team([size, size, size])
    session = make_session(days=20)
    plan_generate(session=session, seed=0)
    session_hold(session=session)
    questionnaire = questionnaire_open(questionnaire=session.questionnaire)
    for member in team.everyone:
        reflection_submit(
            questionnaire=questionnaire, member=member, answers=_answers(questionnaire)
        )
    for line in team.lines:
        meeting = meeting_create(
            line=line,
            date=team.year.start + timedelta(days=5),
            start_time=time(15),
            end_time=time(16),
            topic="Start",
        )
        meeting_attendance_save(
            meeting=meeting, statuses={m.pk: "present" for m in team.members[line.letter]}
        )
    return team


OVERVIEW_QUERIES = {"steering": 23, "coach": 24}
PRINT_QUERIES = 23


@pytest.mark.parametrize("size", [7, 50])
@pytest.mark.parametrize("who", ["steering", "coach"])
def test_the_overview_page_costs_the_same_at_21_and_150_members(
    client, steering, coach, make_team, make_session, django_assert_num_queries, size, who
):
    team = _grown(make_team, make_session, size)
    client.force_login(steering.user if who == "steering" else coach)
    with django_assert_num_queries(OVERVIEW_QUERIES[who]):
        response = client.get(f"{URL}?line={team.lines[0].pk}&from=2020-01-01")
    assert response.status_code == 200
    with django_assert_num_queries(PRINT_QUERIES):
        response = client.get("/s/de-regenboog/overview/print/")
    assert response.status_code == 200


COACH_HOME_QUERIES = 6


@pytest.mark.parametrize("schools", [1, 10])
def test_the_coach_home_costs_the_same_for_one_school_and_ten(
    client, make_team, make_session, django_assert_num_queries, schools
):
    coach = None
    for number in range(schools):
        target = SchoolFactory(name=f"School {number:02}", slug=f"school-{number:02}")
        coach = CoachAssignmentFactory(school=target, **({"user": coach} if coach else {})).user
        team = make_team([2, 2], of=target)
        held = make_session(days=10, of=target)
        plan_generate(session=held, seed=0)
        session_hold(session=held)
        questionnaire_open(questionnaire=held.questionnaire)
        _upcoming(target)
        MemberFactory(school=target)
        assert len(team.everyone) == 4
    client.force_login(coach)
    with django_assert_num_queries(COACH_HOME_QUERIES):
        response = client.get("/coach/")
    assert response.status_code == 200
    assert response.content.decode().count('class="card mb-3 coach-school"') == schools


def test_lines_of_other_schools_do_not_count(client, school, other_school, coach):
    """Two schools' figures never mix (aggregated at once, grouped per school)."""
    CoachAssignmentFactory(user=coach, school=other_school)
    for target, count in ((school, 1), (other_school, 2)):
        year = school_year_ensure_current(school=target)
        for index in range(count):
            line = line_create(school=target, year=year, name=f"Lijn {index}")
            membership_move(member=MemberFactory(school=target), line=line, start=year.start)
    client.force_login(coach)
    lists = parsed(client.get("/coach/")).lists
    assert [(d["Leerlijnen"], d["Teamleden"]) for d in lists] == [("1", "1"), ("2", "2")]
