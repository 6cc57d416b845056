"""A coach's year, as an external coach of several schools lives it.

Coach Carla coaches Basisschool De Regenboog (Dutch), Oak Tree Primary (an English-language
school) and Het Lege Veld (no school year yet); her assignment at Vroegere School ended last
month. De Regenboog: lines A, B and C of three each, a plenary session held two weeks ago (on
4 November 2026) that all nine attended, four of whom answered its reflection form, and one
line meeting per line three days ago with everyone present. Oak Tree: lines of two, the same
kind of session, four of six answered.

She reads the same figures on her home, on each school's overview and in its files; she never
reads a learning log, an ambition or a note of a small exchange, nor the person-level list of
who has not met a line yet; the English school speaks English to her, the empty school says what
comes next, and the school she no longer coaches is gone.
"""

import csv
import io
import re
from datetime import date, time, timedelta
from html import unescape

import openpyxl
import pytest
from django.utils import timezone
from django.utils.translation import gettext, pgettext

from learninglines.models import LineMeeting, School
from learninglines.services.journal import log_entry_create
from learninglines.services.lines import line_archive, membership_move
from learninglines.services.meetings import meeting_attendance_save, meeting_create
from learninglines.services.people import school_year_ensure_current
from sessions_app.models import ExchangeParticipant, PlenarySession, SessionAttendance
from sessions_app.selectors.coach import coach_overview
from sessions_app.services.exchanges import (
    ambition_save,
    exchange_accept,
    exchange_mark_held,
    exchange_note,
    exchange_start,
)
from sessions_app.services.plans import plan_generate
from sessions_app.services.reflections import AnswerData, questionnaire_open, reflection_submit
from sessions_app.services.sessions import session_hold
from tests.factories import CoachAssignmentFactory, SchoolFactory, UserFactory

pytestmark = pytest.mark.django_db

NL = "/s/de-regenboog"
EN = "/s/oak-tree"
EMPTY = "/s/lege-veld"
GONE = "/s/vroeger"
# a log entry shared with the line, an ambition shared with the team, an exchange note shared
# with the line, a private answer
SECRETS = (
    "LOGBOEK-PROBEERDE",
    "LOGBOEK-EFFECT",
    "AMBITIE-TEKST",
    "NOTITIE-GEBRACHT",
    "NOTITIE-GEHAALD",
    "Geheim plan",
)
SESSION_HEADERS = [
    "Datum",
    "Plenaire bijeenkomst",
    "Aanwezig",
    "Rondes",
    "Herhaalde ontmoetingen",
    "Gevraagd",
    "Geantwoord",
    "Respons",
]


def _held_with_answers(team, make_session, school, title, answering):
    """A session two weeks ago, held with its table plan; `answering` submit its form."""
    today = timezone.localdate()
    session = make_session(days=(today - team.year.start).days - 14, of=school, title=title)
    plan_generate(session=session, seed=0)
    session_hold(session=session)
    questionnaire = questionnaire_open(questionnaire=session.questionnaire)
    learned, brought_took, tried, _talk, useful = list(questionnaire.questions.order_by("position"))
    for member in answering:
        reflection_submit(
            questionnaire=questionnaire,
            member=member,
            answers={
                learned.pk: AnswerData(text=f"Geleerd door {member.first_name}"),
                brought_took.pk: AnswerData(
                    text="Gebracht", took="Gehaald", took_from=team.lines[1].pk
                ),
                tried.pk: AnswerData(text="Geheim plan"),
                useful.pk: AnswerData(value=4),
            },
        )
    for line in team.lines:
        meeting = meeting_create(
            line=line,
            date=today - timedelta(days=3),
            start_time=time(15),
            end_time=time(16),
            topic="Start",
        )
        meeting_attendance_save(
            meeting=meeting, statuses={m.pk: "present" for m in team.members[line.letter]}
        )
    return session


def three_schools_and_one_ended(coach, first: School) -> tuple[School, School, School]:
    """`coach` coaches `first`, Oak Tree Primary (English) and Het Lege Veld (no year yet); her
    assignment at Vroegere School ended a month ago. Returns those last three."""
    english = SchoolFactory(name="Oak Tree Primary", slug="oak-tree", language="en")
    empty = SchoolFactory(name="Het Lege Veld", slug="lege-veld")
    gone = SchoolFactory(name="Vroegere School", slug="vroeger")
    for coached in (first, english, empty):
        CoachAssignmentFactory(user=coach, school=coached)
    now = timezone.now()
    CoachAssignmentFactory(
        user=coach,
        school=gone,
        created_at=now - timedelta(days=300),
        ended_at=now - timedelta(days=30),
    )
    return english, empty, gone


@pytest.fixture
def carla(school, make_team, make_session):
    coach = UserFactory(name="Coach Carla")
    english, _empty, gone = three_schools_and_one_ended(coach, school)
    dutch = make_team([3, 3, 3])
    a1, a2, a3 = dutch.members["A"]
    session = _held_with_answers(
        dutch, make_session, school, "Eerste plenaire", [a1, a2, a3, dutch.members["B"][0]]
    )
    oak = make_team([2, 2, 2], of=english)
    _held_with_answers(
        oak, make_session, english, "First plenary", oak.members["A"] + oak.members["B"]
    )
    make_team([2, 2], of=gone)
    return coach, dutch, session


def _text(response) -> str:
    html = response.content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", main)).split())


def _status(response) -> list[dict[str, str]]:
    """The coach home's cards: {term: value} per school, in page order."""
    cards = []
    for block in re.findall(
        r'<dl class="coach-status[^"]*">(.*?)</dl>', response.content.decode(), re.S
    ):
        pairs = re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", block, re.S)
        cards.append(
            {
                unescape(term): " ".join(unescape(re.sub(r"<[^>]+>", " ", value)).split())
                for term, value in pairs
            }
        )
    return cards


def _csv(response) -> list[list[str]]:
    content = response.content
    assert content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(content[3:].decode("utf-8")), delimiter=";"))


def test_the_home_lists_the_three_schools_she_coaches_today_with_their_figures(client, carla):
    coach, _team, _session = carla
    client.force_login(coach)
    response = client.get("/coach/")

    assert response.status_code == 200
    text = _text(response)
    assert "Vroegere School" not in text
    assert re.findall(r"<h2[^>]*><a [^>]*>([^<]+)</a></h2>", response.content.decode()) == [
        "Basisschool De Regenboog",
        "Het Lege Veld",
        "Oak Tree Primary",
    ]
    assert _status(response) == [
        {
            "Leerlijnen": "3",
            "Teamleden": "9",
            "Leerlijn-bijeenkomsten deze cyclus": "3",
            "Volgende plenaire bijeenkomst": "niets gepland",
            "Open reflectieformulieren": "1",
            "Respons op de laatste bijeenkomst": "44 % (4 van 9)",
        },
        {
            "Leerlijnen": "0",
            "Teamleden": "0",
            "Leerlijn-bijeenkomsten deze cyclus": "0",
            "Volgende plenaire bijeenkomst": "niets gepland",
            "Open reflectieformulieren": "0",
            "Respons op de laatste bijeenkomst": "nog geen bijeenkomst gehouden",
        },
        {
            "Leerlijnen": "3",
            "Teamleden": "6",
            "Leerlijn-bijeenkomsten deze cyclus": "3",
            "Volgende plenaire bijeenkomst": "niets gepland",
            "Open reflectieformulieren": "1",
            "Respons op de laatste bijeenkomst": "67 % (4 van 6)",
        },
    ]
    assert "Nog geen schooljaar voor vandaag: open er een en maak dan de leerlijnen." in text


def test_the_home_the_overview_and_its_files_hold_the_same_figures(client, carla):
    coach, _team, _session = carla
    client.force_login(coach)

    page = _text(client.get(f"{NL}/overview/"))
    assert "Eerste plenaire 9 2 0 44 % (4 van 9)" in page
    for letter, name in (("A", "Lezen"), ("B", "Rekenen"), ("C", "Burgerschap")):
        assert f"{letter} {name} 3 — 1 1 100 % Start" in page
    assert "18 van de 27 paren uit verschillende leerlijnen hebben elkaar minstens één keer" in page

    rows = _csv(client.get(f"{NL}/overview.csv"))
    assert rows[:8] == [
        ["School", "Basisschool De Regenboog"],
        ["Schooljaar", "2026-2027"],
        ["Leerlijn", "alle"],
        ["Van", "2026-08-01"],
        ["Tot en met", "2027-07-31"],
        ["Paren uit verschillende leerlijnen die elkaar ontmoetten", "18"],
        ["Paren uit verschillende leerlijnen", "27"],
        ["Dekking tussen leerlijnen", "67 %"],
    ]
    assert rows[10:13] == [
        ["A", "Lezen", "3", "0", "0", "1", "1", "100 %", "Start"],
        ["B", "Rekenen", "3", "0", "0", "1", "1", "100 %", "Start"],
        ["C", "Burgerschap", "3", "0", "0", "1", "1", "100 %", "Start"],
    ]
    assert rows[-1] == ["2026-11-04", "Eerste plenaire", "9", "2", "0", "9", "4", "44 %"]

    workbook = openpyxl.load_workbook(io.BytesIO(client.get(f"{NL}/overview.xlsx").content))
    [session_row] = list(workbook["Bijeenkomsten"].iter_rows(min_row=2, values_only=True))
    assert session_row[1:] == ("Eerste plenaire", 9, 2, 0, 9, 4, 44)
    assert sum(row[5] for row in workbook["Leerlijnen"].iter_rows(min_row=2, values_only=True)) == 3

    matrix = _csv(client.get(f"{NL}/overview-encounters.csv"))
    assert matrix[0] == ["Ontmoetingen", "A. Lezen", "B. Rekenen", "C. Burgerschap"]
    # two rounds of three tables of one per line: each pair of lines met 6 times (the engine's
    # plan with seed 0), as the page's matrix shows
    assert matrix[1:] == [
        ["A. Lezen", "0", "6", "6"],
        ["B. Rekenen", "6", "0", "6"],
        ["C. Burgerschap", "6", "6", "0"],
    ]
    assert "A Lezen 0 6 6 B Rekenen 6 0 6 C Burgerschap 6 6 0" in page


def test_the_response_on_her_home_counts_who_answered_as_the_overview_does(client, carla):
    """A3 answered and was marked absent afterwards (the door list corrected); A2 answered and
    was then taken out of every line from the year's start. Both were asked: the overview and
    the results page say 4 of 9, and her home said 4 of 7 (57 %)."""
    coach, team, session = carla
    _a1, a2, a3 = team.members["A"]
    SessionAttendance.objects.update_or_create(
        session=session, member=a3, defaults={"absent": True}
    )
    membership_move(member=a2, line=None, start=team.year.start)
    client.force_login(coach)

    [status] = [s for s in coach_overview(user=coach) if s.school == team.year.school]
    assert (status.answered, status.asked, status.response_rate) == (4, 9, 44)
    assert _status(client.get("/coach/"))[0]["Respons op de laatste bijeenkomst"] == (
        "44 % (4 van 9)"
    )
    assert "Eerste plenaire 9 2 0 44 % (4 van 9)" in _text(client.get(f"{NL}/overview/"))
    results = client.get(f"{NL}/reflections/{session.questionnaire.pk}/results/")
    assert "44 % ingestuurd: 4 van 9" in _text(results)


@pytest.mark.parametrize(
    "path",
    [
        f"{GONE}/overview/",
        f"{GONE}/overview/print/",
        f"{GONE}/overview.xlsx",
        f"{GONE}/overview.csv",
        f"{GONE}/overview-encounters.csv",
        f"{GONE}/",
        f"{NL}/overview/?school=vroeger",
    ],
)
def test_the_school_she_no_longer_coaches_is_gone(client, carla, path):
    coach, _team, _session = carla
    client.force_login(coach)
    assert client.get(path).status_code == 404
    assert client.get("/coach/").status_code == 200
    assert 'value="vroeger"' not in client.get(f"{NL}/overview/").content.decode()


def test_the_english_school_speaks_english_to_her_until_she_chooses(client, carla, make_session):
    coach, _team, _session = carla
    english = School.objects.get(slug="oak-tree")
    make_session(days=120, of=english, title="Second plenary")
    client.force_login(coach)

    page = client.get(f"{EN}/overview/")
    assert '<html lang="en"' in page.content.decode()
    text = _text(page)
    assert "Overview of Oak Tree Primary" in text
    assert "First plenary 6 2 2 67 % (4 of 6)" in text
    assert "Who has met whom" in text
    assert "Overview of Oak Tree Primary School year 2026-2027" in _text(
        client.get(f"{EN}/overview/print/")
    )
    rows = _csv(client.get(f"{EN}/overview.csv"))
    assert rows[0] == ["School", "Oak Tree Primary"]
    assert rows[-2][:3] == ["Date", "Plenary session", "Present"]
    workbook = openpyxl.load_workbook(io.BytesIO(client.get(f"{EN}/overview.xlsx").content))
    assert workbook.sheetnames[:3] == ["Filter", "Learning lines", "Sessions"]

    # Her home is hers, in Dutch; the English session's title is marked as English.
    home = client.get("/coach/").content.decode()
    assert re.search(r'<a href="/s/oak-tree/sessions/\d+/" lang="en">Second plenary</a>', home)
    assert 'lang="en">Eerste plenaire' not in home

    client.cookies["exchange_language"] = "nl"
    assert "Overzicht van Oak Tree Primary" in _text(client.get(f"{EN}/overview/"))


def test_the_school_without_a_year_says_what_comes_next(client, carla):
    coach, _team, _session = carla
    client.force_login(coach)

    page = client.get(f"{EMPTY}/overview/")
    assert (
        "Deze school heeft nog geen schooljaar. Open er een, maak de leerlijnen, en het "
        "overzicht volgt." in _text(page)
    )
    assert f'href="{EMPTY}/years/"' in page.content.decode()
    printed = _text(client.get(f"{EMPTY}/overview/print/"))
    assert (
        "Deze school heeft nog geen schooljaar. Open er een, maak de leerlijnen, en het "
        "overzicht volgt." in printed
    )
    for suffix in ("overview.xlsx", "overview.csv", "overview-encounters.csv"):
        assert client.get(f"{EMPTY}/{suffix}").status_code == 404


def test_she_never_reads_logs_ambitions_notes_or_who_has_not_met_whom(client, carla):
    coach, team, session = carla
    a1, a2, _a3 = team.members["A"]
    b1 = team.members["B"][0]
    today = timezone.localdate()
    log_entry_create(author=a1, date=today, tried=SECRETS[0], effect=SECRETS[1], sharing="line")
    ambition_save(member=a2, year=team.year, text=SECRETS[2], sharing="team")
    exchange = held_exchange(a1, b1)
    exchange_note(
        participant=ExchangeParticipant.objects.get(exchange=exchange, member=b1),
        brought=SECRETS[3],
        took=SECRETS[4],
        took_from=team.lines[0],
        sharing="line",
    )
    client.force_login(coach)

    pages = {
        path: client.get(path)
        for path in (
            "/coach/",
            f"{NL}/",
            f"{NL}/overview/",
            f"{NL}/overview/print/",
            f"{NL}/overview.csv",
            f"{NL}/overview-encounters.csv",
            f"{NL}/lines/{team.lines[0].pk}/",
            f"{NL}/reflections/{session.questionnaire.pk}/results/",
        )
    }
    for path, response in pages.items():
        assert response.status_code == 200, path
        content = response.content.decode("utf-8-sig")
        for secret in SECRETS:
            assert secret not in content, (path, secret)
    overview = _text(pages[f"{NL}/overview/"])
    assert "Nog niet iemand van een leerlijn ontmoet" not in overview
    assert "2 van de 9 teamleden in een leerlijn (22 %)" in overview
    workbook = openpyxl.load_workbook(io.BytesIO(client.get(f"{NL}/overview.xlsx").content))
    assert "Nog niet ontmoet" not in workbook.sheetnames
    cells = [
        str(cell)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for cell in row
    ]
    assert not [cell for cell in cells if any(s in cell for s in SECRETS)]
    # no ranking words anywhere on her pages
    for path in ("/coach/", f"{NL}/overview/", f"{EN}/overview/"):
        words = _text(client.get(path)).lower()
        for ranking in ("ranglijst", "ranking", "beste", "score", "winnaar", "top 3"):
            assert ranking not in words, (path, ranking)


def test_a_cell_that_looks_like_a_formula_stays_text_in_every_file(client, carla):
    coach, team, session = carla
    PlenarySession.objects.filter(pk=session.pk).update(title='=HYPERLINK("http://x")')
    LineMeeting.objects.filter(line=team.lines[0]).update(topic="+31 612345678")
    client.force_login(coach)

    rows = _csv(client.get(f"{NL}/overview.csv"))
    assert rows[10][-1] == "'+31 612345678"
    assert rows[-1][1] == '\'=HYPERLINK("http://x")'
    workbook = openpyxl.load_workbook(io.BytesIO(client.get(f"{NL}/overview.xlsx").content))
    cell = workbook["Bijeenkomsten"]["B2"]
    assert (cell.value, cell.data_type) == ('=HYPERLINK("http://x")', "s")


def held_exchange(initiator, partner, *, topic="Vraagkaarten"):
    """A class visit `initiator` started with `partner`, who accepted; it was held."""
    exchange = exchange_start(
        initiator=initiator,
        invitees=[partner],
        topic=topic,
        kind="visit",
        moments=[],
        self_arranged=True,
    )
    exchange_accept(participant=ExchangeParticipant.objects.get(exchange=exchange, member=partner))
    exchange_mark_held(
        participant=ExchangeParticipant.objects.get(exchange=exchange, member=initiator),
        held=True,
    )
    return exchange


def noted_exchange(initiator, partner, *, took_from):
    """A held exchange in which `partner` notes what they took from line `took_from`."""
    exchange = held_exchange(initiator, partner, topic="Lesbezoek")
    exchange_note(
        participant=ExchangeParticipant.objects.get(exchange=exchange, member=partner),
        brought="",
        took="Hun vraagkaarten",
        took_from=took_from,
        sharing="private",
    )


def test_what_was_taken_in_small_exchanges_shows_on_the_page_as_in_the_workbook(client, carla):
    """Three colleagues of B noted they took something from line A, one of C from line B. The
    workbook said so ("A. Lezen (uitwisselingen)": 3, B: "minder dan 3"); the page,
    which the coach reads, did not show it at all."""
    coach, team, _session = carla
    a1 = team.members["A"][0]
    line_a, line_b, _line_c = team.lines
    for partner in team.members["B"]:
        noted_exchange(a1, partner, took_from=line_a)
    noted_exchange(team.members["B"][0], team.members["C"][0], took_from=line_b)
    client.force_login(coach)

    response = client.get(f"{NL}/overview/")
    caption = gettext("Named in the notes of small exchanges as where something was taken from")
    assert f'<caption id="ov-ex-took-caption">{caption}</caption>' in response.content.decode()
    assert "Leerlijn Gehaald A · Lezen 3 B · Rekenen minder dan 3" in _text(response)
    workbook = openpyxl.load_workbook(io.BytesIO(client.get(f"{NL}/overview.xlsx").content))
    rows = list(workbook["Gehaald bij"].iter_rows(min_row=2, values_only=True))
    assert rows[3:] == [
        ("A. Lezen (uitwisselingen)", 3),
        ("B. Rekenen (uitwisselingen)", "minder dan 3"),
    ]


def test_a_line_archived_this_cycle_says_so_where_the_home_leaves_it_out(client, carla):
    """Line C met three days ago and was archived today. Her home counts today's lines (2) and
    their meetings this cycle (2); the overview still shows what C did (1 meeting), and now
    says it is archived, so its 0 members and the home's 2 lines read right."""
    coach, team, _session = carla
    line_archive(line=team.lines[2])
    client.force_login(coach)

    home = _status(client.get("/coach/"))[0]
    assert (home["Leerlijnen"], home["Leerlijn-bijeenkomsten deze cyclus"]) == ("2", "2")
    page = _text(client.get(f"{NL}/overview/"))
    archived = pgettext("learning line", "archived")
    assert "A Lezen 3 — 1 1 100 % Start B Rekenen 3 — 1 1 100 % Start" in page
    assert f"C Burgerschap ({archived}) 0 — 1 1 100 % Start" in page
    assert f"Lezen ({archived})" not in page


def test_the_filters_narrow_the_page_and_the_files_alike(client, carla):
    """Line A: its three sat there and all three answered. From ten days ago on: no session
    held in that period, the line meetings of three days ago still count."""
    coach, team, _session = carla
    line_a = team.lines[0]
    client.force_login(coach)

    query = f"?line={line_a.pk}"
    page = _text(client.get(f"{NL}/overview/{query}"))
    assert "Gehouden bijeenkomsten: aanwezigheid en respons van leerlijn A" in page
    assert "Eerste plenaire 3 2 0 100 % (3 van 3)" in page
    assert "B Rekenen 3" not in page
    rows = _csv(client.get(f"{NL}/overview.csv{query}"))
    assert rows[2] == ["Leerlijn", "A. Lezen"]
    assert rows[10:] == [
        ["A", "Lezen", "3", "0", "0", "1", "1", "100 %", "Start"],
        [],
        SESSION_HEADERS,
        ["2026-11-04", "Eerste plenaire", "3", "2", "0", "3", "3", "100 %"],
    ]

    since = (timezone.localdate() - timedelta(days=10)).isoformat()
    page = _text(client.get(f"{NL}/overview/?from={since}"))
    assert "In deze periode is nog geen plenaire bijeenkomst gehouden. Zodra er een is" in page
    assert "A Lezen 3 — 1 1 100 % Start" in page
    rows = _csv(client.get(f"{NL}/overview.csv?from={since}"))
    assert rows[3] == ["Van", since]
    assert rows[-1] == SESSION_HEADERS


def test_a_school_that_has_not_opened_this_year_says_its_overview_shows_last_year(client, carla):
    """Het Lege Veld opened only school year 2025-2026 (last spring). Her home says there is no
    school year for today; the overview showed last year as if it ran now ("once a session is
    held...") without a word. It now says which year it shows and where years are opened."""
    coach, _team, _session = carla
    empty = School.objects.get(slug="lege-veld")
    school_year_ensure_current(school=empty, today=date(2026, 3, 1))
    client.force_login(coach)

    response = client.get(f"{EMPTY}/overview/")
    notice = gettext("There is no school year for today, so this shows school year %(name)s.")
    assert notice % {"name": "2025-2026"} + " " + gettext("School years") in _text(response)
    assert f'<a class="alert-link" href="{EMPTY}/years/">' in response.content.decode()
    # a school with today's year open gets no such notice
    assert notice.split("%")[0] not in _text(client.get(f"{NL}/overview/"))
