"""The school's home page offers one next step, the first one not done, and only steps that work.

A new school goes: a school year, its learning lines, the team, people in the lines; then the
lines meet and the cycle card leads to the plenary session. Each state, for each role, shows
exactly one "Volgende stap" (or none once the lines run), never a button that leads to a page
that refuses, and no sentence that is not true for this school or this person.
"""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from learninglines.models import LineMeeting
from learninglines.services.lines import line_create, membership_move
from learninglines.services.people import school_year_ensure_current
from sessions_app.services.sessions import session_create
from tests.dutch import long_date
from tests.factories import CoachAssignmentFactory, MemberFactory, SchoolFactory
from tests.learninglines.test_import_files import csv_file

pytestmark = pytest.mark.django_db

HOME = "/s/de-regenboog/"
PLAN_SESSION = 'href="/s/de-regenboog/sessions/create/"'
START_EXCHANGE = 'href="/s/de-regenboog/exchanges/start/"'

YEAR_STEP = "Er is geen schooljaar voor vandaag. Open er een om te gaan plannen."
LINES_STEP = "Volgende stap: maak de leerlijnen voor dit jaar en deel je collega's erin in."
TEAM_STEP = (
    "Volgende stap: voeg je collega's toe aan het team en nodig ze uit met een persoonlijke "
    "inloglink."
)
PLACE_STEP = (
    "Volgende stap: deel je collega's in de leerlijnen in; daarna plant elke leerlijn zelf haar "
    "bijeenkomsten."
)
NO_SEAT = "Je zit in geen leerlijn, dus de tafelindeling heeft nog geen plek voor jou."
MAIL_FOLLOWS = "De indeling volgt; je krijgt een mail als die klaar is."
TIME_FOR_PLENARY = "Alle leerlijnen hebben 3 bijeenkomsten gehad: tijd voor een plenaire"


def home(client, user, url=HOME) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def lines_of(school, *names):
    year = school_year_ensure_current(school=school)
    return [line_create(school=school, year=year, name=name) for name in names]


def meetings(line, count):
    today = timezone.localdate()
    for number in range(count):
        LineMeeting.objects.create(
            line=line,
            date=today - timedelta(days=number + 1),
            start_time="15:00",
            end_time="16:00",
            topic=f"Bijeenkomst {number + 1}",
        )


# --- No school year ------------------------------------------------------------------------


def test_without_a_school_year_the_steering_member_is_offered_only_to_open_one(
    client, school, steering
):
    html = home(client, steering.user)
    assert YEAR_STEP in html
    assert 'href="/s/de-regenboog/years/">Schooljaren</a>' in html
    # the session form would refuse: "Er is nog geen schooljaar voor deze datum"
    assert PLAN_SESSION not in html
    assert "Plan een plenaire bijeenkomst" not in html
    # the team card's step comes later (she is the only one in the team): not a second prompt
    assert "Volgende stap" not in html
    # true sentences for a school without a year
    assert "Nog geen leerlijnen dit jaar." not in html
    assert (
        "Er is nog geen schooljaar voor vandaag. De stuurgroep opent er een op de pagina "
        "schooljaren."
    ) in html
    # her own card: no way to place herself while there are no lines, no ambition page to
    # write on, no exchange to start
    assert "Deel jezelf in" not in html
    assert "Schrijf je ambitie" not in html
    assert (
        "Er is nog geen schooljaar voor vandaag. Zodra de stuurgroep het opent, schrijf je hier "
        "je ambitie."
    ) in html
    assert START_EXCHANGE not in html


def test_without_a_school_year_a_teacher_gets_no_button_that_leads_to_a_refusal(
    client, school, teacher
):
    html = home(client, teacher.user)
    assert START_EXCHANGE not in html
    assert "Schrijf je ambitie" not in html
    assert (
        "Er is nog geen schooljaar voor vandaag. Zodra de stuurgroep het opent, schrijf je hier "
        "je ambitie."
    ) in html
    assert 'href="/s/de-regenboog/exchanges/">Mijn uitwisselingen</a>' in html


def test_without_a_school_year_the_coach_is_not_offered_a_plenary_session(client, school, coach):
    html = home(client, coach)
    assert YEAR_STEP in html
    assert PLAN_SESSION not in html
    assert "Volgende stap" not in html


# --- A year, step by step ----------------------------------------------------------------------


def test_a_year_without_lines_shows_one_next_step_make_the_lines(client, school, steering):
    school_year_ensure_current(school=school)
    html = home(client, steering.user)
    assert html.count("Volgende stap") == 1
    assert LINES_STEP in html
    assert 'href="/s/de-regenboog/lines/create/">Maak de eerste leerlijn</a>' in html
    assert TEAM_STEP not in html
    # a plenary session seats people by their lines: not yet
    assert PLAN_SESSION not in html
    assert "Deel jezelf in" not in html
    # with a year, the ambition and an exchange work
    assert "Schrijf je ambitie" in html
    assert START_EXCHANGE in html


def test_lines_but_nobody_else_in_the_team_the_next_step_is_the_team(client, school, steering):
    lines_of(school, "Lezen", "Rekenen")
    html = home(client, steering.user)
    assert html.count("Volgende stap") == 1
    assert TEAM_STEP in html
    assert '<a class="btn btn-primary" href="/s/de-regenboog/team/">Bekijk het team</a>' in html
    # now she can place herself: there are lines to choose from
    assert "Deel jezelf in" in html


def test_lines_and_a_team_nobody_placed_the_next_step_is_placing_them(
    client, school, steering, teacher
):
    lezen, rekenen = lines_of(school, "Lezen", "Rekenen")
    # even when the lines already met: nobody can be seated at a plenary yet
    meetings(lezen, 3)
    meetings(rekenen, 3)
    html = home(client, steering.user)
    assert html.count("Volgende stap") == 1
    assert PLACE_STEP in html
    assert (
        '<a class="btn btn-primary" href="/s/de-regenboog/team/?line=none">'
        "Deel je collega's in</a>"
    ) in html
    assert TEAM_STEP not in html
    assert TIME_FOR_PLENARY not in html
    assert (
        '<a class="btn btn-outline-primary" href="/s/de-regenboog/team/">Bekijk het team</a>'
        in html
    )


def test_people_in_lines_without_meetings_no_next_step_but_the_cycle(
    client, school, steering, teacher
):
    lezen, rekenen = lines_of(school, "Lezen", "Rekenen")
    today = timezone.localdate()
    membership_move(member=steering, line=lezen, start=today)
    membership_move(member=teacher, line=rekenen, start=today)
    html = home(client, steering.user)
    assert "Volgende stap" not in html
    assert "Deel je collega's in" not in html
    assert "Na 3 leerlijn-bijeenkomsten per leerlijn komt het team samen" in html
    assert PLAN_SESSION in html  # the plenary session card works from here on

    meetings(lezen, 3)
    meetings(rekenen, 3)
    html = home(client, steering.user)
    assert "Volgende stap" not in html
    assert TIME_FOR_PLENARY in html
    assert ">Plan de plenaire bijeenkomst</a>" in html


# --- A plenary session planned -----------------------------------------------------------------


def test_a_draft_session_promises_a_mail_only_to_teachers_in_a_line(
    client, school, steering, teacher
):
    _lezen, rekenen = lines_of(school, "Lezen", "Rekenen")
    today = timezone.localdate()
    membership_move(member=teacher, line=rekenen, start=today)
    session_create(
        school=school,
        title="Plenair 1",
        date=today + timedelta(days=7),
        start_time="15:00",
        end_time="16:45",
    )
    in_a_line = home(client, teacher.user)
    assert MAIL_FOLLOWS in in_a_line
    assert NO_SEAT not in in_a_line

    # the steering member is in no line: she is not seated, so she gets no mail
    not_in_a_line = home(client, steering.user)
    assert MAIL_FOLLOWS not in not_in_a_line
    assert NO_SEAT in not_in_a_line


# --- Several schools ---------------------------------------------------------------------------


def test_someone_with_two_schools_sees_each_schools_own_next_step(client, school, steering):
    """Steering member of De Regenboog (no year yet) and coach of De Vlinder (lines running)."""
    vlinder = SchoolFactory(name="OBS De Vlinder", slug="de-vlinder")
    CoachAssignmentFactory(user=steering.user, school=vlinder)
    [line] = lines_of(vlinder, "Lezen")
    for number in range(2):
        membership_move(
            member=MemberFactory(school=vlinder, first_name=f"Juf{number}"),
            line=line,
            start=timezone.localdate(),
        )

    regenboog = home(client, steering.user)
    assert YEAR_STEP in regenboog
    assert PLAN_SESSION not in regenboog

    vlinder_home = home(client, steering.user, "/s/de-vlinder/")
    assert YEAR_STEP not in vlinder_home
    assert "Volgende stap" not in vlinder_home
    assert 'href="/s/de-vlinder/sessions/create/"' in vlinder_home


# --- The staff import's preview ----------------------------------------------------------------

PLACED_FROM = "Wie in het bestand een leerlijn heeft, komt vanaf"


def preview_page(client, user, rows) -> str:
    client.force_login(user)
    response = client.post(
        "/s/de-regenboog/team/import/",
        {"file": SimpleUploadedFile("team.csv", csv_file(rows))},
    )
    assert response.status_code == 302
    return client.get(response["Location"]).content.decode()


def test_the_preview_says_people_are_placed_only_when_the_file_places_someone(
    client, school, steering
):
    lines_of(school, "Lezen", "Rekenen")
    without_line_column = preview_page(
        client,
        steering.user,
        [["Voornaam", "Achternaam", "E-mailadres"], ["Daan", "Berg", "daan@school.example"]],
    )
    assert "1 persoon in het bestand" in without_line_column
    assert PLACED_FROM not in without_line_column

    empty_line_cells = preview_page(
        client,
        steering.user,
        [
            ["Voornaam", "Achternaam", "E-mailadres", "Leerlijn"],
            ["Daan", "Berg", "daan@school.example", ""],
        ],
    )
    assert "1 persoon in het bestand" in empty_line_cells
    assert PLACED_FROM not in empty_line_cells

    with_a_line = preview_page(
        client,
        steering.user,
        [
            ["Voornaam", "Achternaam", "E-mailadres", "Leerlijn"],
            ["Daan", "Berg", "daan@school.example", "Lezen"],
        ],
    )
    assert (
        f"{PLACED_FROM} {long_date(timezone.localdate())} in die leerlijn van schooljaar 2026-2027."
    ) in with_a_line


def test_the_preview_in_a_school_without_lines_does_not_promise_a_line(client, school, steering):
    school_year_ensure_current(school=school)
    html = preview_page(
        client,
        steering.user,
        [
            ["Voornaam", "Achternaam", "E-mailadres", "Leerlijn"],
            ["Daan", "Berg", "daan@school.example", "Lezen"],
        ],
    )
    assert "schooljaar 2026-2027 heeft nog geen leerlijnen" in html
    assert PLACED_FROM not in html


# --- The page's cost ---------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["coach", "steering", "teacher"])
def test_the_next_step_costs_no_query_more_for_a_bigger_team(
    client, school, steering, teacher, coach, who, django_assert_max_num_queries
):
    """The step comes from the counts the page reads anyway: 6 or 60 colleagues, same cost."""
    lines_of(school, "Lezen", "Rekenen")
    user = {"coach": coach, "steering": steering.user, "teacher": teacher.user}[who]
    MemberFactory.create_batch(4, school=school)
    home(client, user)  # the first visit notes "has signed in" once
    planner = who != "teacher"
    with django_assert_max_num_queries(30) as small:
        assert (PLACE_STEP in home(client, user)) is planner
    MemberFactory.create_batch(54, school=school)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert (PLACE_STEP in home(client, user)) is planner
