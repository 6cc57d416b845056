"""An earlier session recorded from a spreadsheet: both layouts, finding people, every problem
saving nothing, the lines and attendance it records, and its tables as the next plan's history.
"""

import io
from datetime import time, timedelta

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from learninglines.models import LineMembership
from learninglines.services.lines import membership_move
from learninglines.services.people import member_set_active
from sessions_app.models import PlanChange, PlenarySession, SessionAttendance
from sessions_app.selectors.plans import plan_history
from sessions_app.services.earlier import (
    earlier_plan_read,
    earlier_plan_sign,
    earlier_plan_unsign,
    earlier_session_record,
)
from tests.factories import MemberFactory, SchoolFactory, UserFactory

pytestmark = pytest.mark.django_db


def csv_file(rows: list[list[str]], delimiter=";") -> bytes:
    return "\r\n".join(delimiter.join(row) for row in rows).encode("utf-8-sig")


def xlsx_file(rows: list[list]) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@pytest.fixture
def team(make_team):
    """Lines A, B, C of 3 members each (A1, B1, ... as first names), from the year's start."""
    return make_team([3, 3, 3])


@pytest.fixture
def day(team):
    return max(team.year.start, timezone.localdate() - timedelta(days=14))


def names(team, *codes: str) -> list[str]:
    """ "A1" -> "A1 Lid A1", the member's name as the team page writes it."""
    return [team.members[code[0]][int(code[1]) - 1].full_name for code in codes]


def pks(team, *codes: str) -> list[int]:
    return [team.members[code[0]][int(code[1]) - 1].pk for code in codes]


def per_table_rows(team) -> list[list[str]]:
    """Two rounds of three tables, everyone once per round; round 2 repeats no pair."""
    return [
        ["Ronde", "Tafel", "Persoon 1", "Persoon 2", "Persoon 3"],
        ["1", "1", *names(team, "A1", "B1", "C1")],
        ["1", "2", *names(team, "A2", "B2", "C2")],
        ["1", "3", *names(team, "A3", "B3", "C3")],
        ["2", "1", *names(team, "A1", "B2", "C3")],
        ["2", "2", *names(team, "A2", "B3", "C1")],
        ["2", "3", *names(team, "A3", "B1", "C2")],
    ]


def test_a_plan_per_table_is_read_with_its_tables_in_order(school, team, day):
    plan = earlier_plan_read(school=school, content=csv_file(per_table_rows(team)), day=day)
    assert plan.problems == []
    assert plan.rounds == [
        [pks(team, "A1", "B1", "C1"), pks(team, "A2", "B2", "C2"), pks(team, "A3", "B3", "C3")],
        [pks(team, "A1", "B2", "C3"), pks(team, "A2", "B3", "C1"), pks(team, "A3", "B1", "C2")],
    ]
    assert plan.seated == 9
    assert plan.tables_per_round == [3, 3]
    assert plan.repeats_within == 0
    assert plan.absent == 0
    assert plan.notes == []
    assert plan.read_as.startswith("CSV")


def test_a_plan_per_person_in_excel_with_addresses_names_and_empty_rounds(school, team, day):
    a1, b1, c1, a2, b2, c2 = (
        team.members[code[0]][int(code[1]) - 1] for code in ("A1", "B1", "C1", "A2", "B2", "C2")
    )
    rows = [
        ["Overzicht tafels studiedag"],  # a title above the header row
        ["Naam", "E-mailadres", "Ronde 1", "Ronde 2", "Ronde 3"],
        ["", a1.user.email.upper(), "Tafel 1", "Tafel 2", "Tafel 1"],
        [b1.sort_name, "", 1, 1, 2],  # "Lid B1, B1": as a register writes it
        [c1.full_name.lower(), "", 1, 2, 1],
        [a2.full_name, "", 2, 1, ""],  # left before round 3
        [b2.full_name, "", "", 2, 1],  # arrived in round 2
        [c2.full_name, "", 2, 1, 2],
    ]
    plan = earlier_plan_read(school=school, content=xlsx_file(rows), day=day)
    assert plan.problems == []
    assert plan.rounds == [
        [[a1.pk, b1.pk, c1.pk], [a2.pk, c2.pk]],
        [[b1.pk, a2.pk, c2.pk], [a1.pk, c1.pk, b2.pk]],
        [[a1.pk, c1.pk, b2.pk], [b1.pk, c2.pk]],
    ]
    assert plan.absent == 3  # A3, B3 and C3 have no seat
    # a1-c1 meet three times (2 repeats); a2-c2, b1-c2, a1-b2 and c1-b2 twice (1 each)
    assert plan.repeats_within == 6
    session = earlier_session_record(
        school=school,
        title="Studiedag",
        day=day,
        start_time=time(9, 0),
        end_time=time(12, 0),
        rounds=plan.rounds,
    )
    attendance = {
        row.member_id: (row.absent, row.first_round, row.last_round)
        for row in SessionAttendance.objects.filter(session=session)
    }
    a3, b3, c3 = (team.members[letter][2].pk for letter in "ABC")
    assert attendance == {
        a2.pk: (False, None, 2),
        b2.pk: (False, 2, None),
        a3: (True, None, None),
        b3: (True, None, None),
        c3: (True, None, None),
    }


def test_recording_makes_a_held_session_whose_tables_are_the_next_plans_history(
    school, steering, team, day, make_session
):
    plan = earlier_plan_read(school=school, content=csv_file(per_table_rows(team)), day=day)
    session = earlier_session_record(
        school=school,
        title="Eerste bijeenkomst (op papier)",
        day=day,
        start_time=time(15, 0),
        end_time=time(16, 30),
        place="Aula",
        rounds=plan.rounds,
        by=steering.user,
    )
    assert session.status == PlenarySession.Status.HELD
    assert (session.title, session.date, session.place) == (
        "Eerste bijeenkomst (op papier)",
        day,
        "Aula",
    )
    assert [(a.title, a.table_round, a.duration_minutes) for a in session.assignments.all()] == [
        ("Tafelronde 1", 1, 45),
        ("Tafelronde 2", 2, 45),
    ]
    stored = session.plan
    assert stored.report["recorded"] is True
    assert stored.report["repeats"] == 0
    assert stored.report["missing_line_slots"] == 0
    assert stored.report["table_sizes"] == [[3, 3, 3], [3, 3, 3]]
    lines = {seat.member_id: seat.line_id for seat in stored.rounds.first().seats.all()}
    assert lines == {m.pk: line.pk for line in team.lines for m in team.members[line.letter]}
    assert list(stored.changes.values_list("kind", "by")) == [
        (PlanChange.Kind.RECORDED, steering.user.pk)
    ]
    assert not SessionAttendance.objects.filter(session=session).exists()
    team.year.refresh_from_db()
    assert team.year.cycle_started_on == day
    # The next session's plan knows who met whom.
    later = make_session(days=(timezone.localdate() - team.year.start).days + 7)
    assert [sorted(map(sorted, rnd)) for rnd in plan_history(session=later)] == [
        sorted(map(sorted, rnd)) for rnd in plan.rounds
    ]


def test_repeats_are_counted_against_the_years_earlier_history(school, team, day):
    first = earlier_plan_read(school=school, content=csv_file(per_table_rows(team)), day=day)
    earlier_session_record(
        school=school,
        title="Eerste",
        day=day,
        start_time=time(15, 0),
        end_time=time(16, 0),
        rounds=first.rounds,
    )
    # the same first round again: 9 pairs meet again
    again = earlier_session_record(
        school=school,
        title="Tweede",
        day=day,
        start_time=time(16, 0),
        end_time=time(17, 0),
        rounds=first.rounds[:1],
    )
    report = again.plan.report
    assert (report["repeats"], report["repeats_history"], report["repeats_within"]) == (9, 9, 0)
    assert report["people_with_repeats"] == 9


def test_someone_placed_in_a_line_later_is_placed_from_the_sessions_date(school, team):
    year = team.year
    day = year.start
    newcomer = MemberFactory(school=school, first_name="Nina", last_name="Nieuw")
    line_a = team.lines[0]
    membership_move(member=newcomer, line=line_a, start=day + timedelta(days=3))
    rows = [["Ronde", "Tafel", "Naam"]]
    rows += [["1", "1", name] for name in [*names(team, "A1", "B1"), "Nina Nieuw"]]
    rows += [["1", "2", name] for name in names(team, "A2", "B2", "C2")]
    plan = earlier_plan_read(school=school, content=csv_file(rows), day=day)
    assert plan.problems == []
    assert plan.rounds == [[[*pks(team, "A1", "B1"), newcomer.pk], pks(team, "A2", "B2", "C2")]]
    assert len(plan.notes) == 1
    assert "Nina Nieuw" in plan.notes[0]
    session = earlier_session_record(
        school=school,
        title="Eerste",
        day=day,
        start_time=time(15, 0),
        end_time=time(16, 0),
        rounds=plan.rounds,
    )
    membership = LineMembership.objects.get(member=newcomer)
    assert (membership.line_id, membership.start) == (line_a.pk, day)
    seat = session.plan.rounds.get().seats.get(member=newcomer)
    assert seat.line_id == line_a.pk


def test_someone_who_left_is_left_out_with_a_note(school, team, day):
    gone = team.members["C"][0]
    member_set_active(member=gone, active=False)
    plan = earlier_plan_read(school=school, content=csv_file(per_table_rows(team)), day=day)
    assert plan.problems == []
    assert gone.pk not in {pk for rnd in plan.rounds for table in rnd for pk in table}
    assert plan.notes == [f"{gone.full_name} heeft het team verlaten en wordt weggelaten."]


@pytest.mark.parametrize(
    ("rows", "problem"),
    [
        (
            [["Ronde", "Tafel", "Naam"], ["1", "1", "Piet Onbekend"]],
            "Rij 2: niemand in dit team heet “Piet Onbekend”.",
        ),
        (
            [["Ronde", "Tafel", "Naam"], ["1", "1", "piet@example.org"]],
            "Rij 2: niemand in dit team heeft het adres “piet@example.org”.",
        ),
        (
            [["Ronde", "Tafel", "Naam"], ["een", "1", "A1 Lid A1"]],
            "Rij 2: “een” is geen rondenummer.",
        ),
        (
            [["Ronde", "Tafel", "Naam"], ["1", "", "A1 Lid A1"]],
            "Rij 2: de tafel is leeg.",
        ),
        (
            [["Ronde", "Tafel", "Naam"], ["1", "1", "A1 Lid A1"], ["1", "2", "A1 Lid A1"]],
            "Rij 3: A1 Lid A1 zit twee keer in ronde 1 (ook in rij 2).",
        ),
        (
            [["Ronde", "Tafel", "Naam"]] + [[str(r), "1", "A1 Lid A1"] for r in range(1, 14)],
            "Het bestand heeft 13 rondes; een bijeenkomst heeft er hoogstens 12.",
        ),
    ],
)
def test_a_problem_names_its_row_and_nothing_is_saved(school, team, day, rows, problem):
    plan = earlier_plan_read(school=school, content=csv_file(rows), day=day)
    assert plan.problems == [problem]
    assert plan.rounds == []


def test_a_name_two_colleagues_share_must_be_an_address(school, team, day):
    MemberFactory(school=school, first_name="A1", last_name="Lid A1")
    rows = [["Ronde", "Tafel", "Naam"], ["1", "1", "A1 Lid A1"]]
    plan = earlier_plan_read(school=school, content=csv_file(rows), day=day)
    assert plan.problems == [
        "Rij 2: 2 collega\u2019s heten “A1 Lid A1”: schrijf in plaats daarvan het e-mailadres."
    ]


def test_a_file_without_a_layout_we_know_says_what_it_needs(school, team, day):
    rows = [["Voornaam", "Achternaam", "Leerlijn"], ["A1", "Lid A1", "Lezen"]]
    plan = earlier_plan_read(school=school, content=csv_file(rows), day=day)
    assert len(plan.problems) == 1
    assert plan.problems[0].startswith("We konden niet zien hoe dit bestand de tafels bevat.")
    junk = earlier_plan_read(school=school, content=b"\x00\x01garbage\x02", day=day)
    assert junk.problems == [
        "Dit bestand is geen spreadsheet die we kunnen lezen. Upload een Excel-bestand (.xlsx) "
        "of een CSV-bestand; kies in Excel Opslaan als en kies een van die twee."
    ]


def test_another_schools_people_are_not_found(school, team, day, other_school):
    theirs = MemberFactory(school=other_school, first_name="Ander", last_name="School")
    rows = [["Ronde", "Tafel", "Naam"], ["1", "1", theirs.user.email]]
    plan = earlier_plan_read(school=school, content=csv_file(rows), day=day)
    assert plan.problems == [f"Rij 2: niemand in dit team heeft het adres “{theirs.user.email}”."]


def test_the_token_holds_the_rounds_for_this_school_only(school, team, day, other_school):
    plan = earlier_plan_read(school=school, content=csv_file(per_table_rows(team)), day=day)
    token = earlier_plan_sign(school=school, plan=plan)
    assert earlier_plan_unsign(school=school, token=token) == plan.rounds
    with pytest.raises(Exception, match="another school"):
        earlier_plan_unsign(school=other_school, token=token)
    with pytest.raises(Exception, match="Upload"):
        earlier_plan_unsign(school=school, token=token[:-2] + "xx")


# --- the page ---


def page(school) -> str:
    return reverse("sessions_app:session-earlier", args=[school.slug])


def form_data(day, **extra) -> dict:
    return {
        "title": "Studiedag oktober",
        "date": day.isoformat(),
        "start_time": "15:00",
        "end_time": "16:30",
        "place": "",
        **extra,
    }


def test_the_steering_group_uploads_previews_and_records(client, school, steering, team, day):
    client.force_login(steering.user)
    upload = SimpleUploadedFile("tafels.csv", csv_file(per_table_rows(team)))
    response = client.post(page(school), form_data(day, file=upload))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Wat het bestand bevat" in html
    assert "2 tafelrondes, 9 mensen aan tafel" in html
    assert PlenarySession.objects.count() == 0
    token = response.context["token"]
    response = client.post(page(school), form_data(day, token=token))
    session = PlenarySession.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "sessions_app:plan-detail", args=[school.slug, session.pk]
    )
    board = client.get(response["Location"]).content.decode()
    assert "Vastgelegd uit een bestand" in board
    assert "Maak de indeling opnieuw" not in board


def test_a_file_with_problems_shows_them_all_and_offers_no_confirmation(
    client, school, steering, team, day
):
    client.force_login(steering.user)
    rows = [["Ronde", "Tafel", "Naam"], ["1", "1", "Piet <b>Onbekend</b>"], ["1", "1", "Kees"]]
    upload = SimpleUploadedFile("tafels.csv", csv_file(rows))
    response = client.post(page(school), form_data(day, file=upload))
    html = response.content.decode()
    assert "Het bestand heeft 2 problemen. Er is niets bewaard" in html
    assert "Piet &lt;b&gt;Onbekend&lt;/b&gt;" in html
    assert 'name="token"' in html  # the upload form's empty field, not a confirmation
    assert response.context["token"] is None
    assert PlenarySession.objects.count() == 0


def test_a_date_ahead_or_outside_the_year_is_refused_on_the_date(client, school, steering, team):
    client.force_login(steering.user)
    for day, message in [
        (timezone.localdate() + timedelta(days=1), "Een eerdere bijeenkomst ligt in het verleden"),
        (team.year.start - timedelta(days=400), "Er is geen schooljaar voor deze datum."),
    ]:
        upload = SimpleUploadedFile("tafels.csv", csv_file(per_table_rows(team)))
        response = client.post(page(school), form_data(day, file=upload))
        assert response.status_code == 200
        assert message in " ".join(response.context["form"].errors["date"])
    assert PlenarySession.objects.count() == 0


def test_a_tampered_or_foreign_token_records_nothing(client, school, steering, team, day):
    client.force_login(steering.user)
    other = SchoolFactory(slug="elders")
    stranger = MemberFactory(school=other, user=UserFactory())
    plan = earlier_plan_read(school=school, content=csv_file(per_table_rows(team)), day=day)
    token = earlier_plan_sign(school=school, plan=plan)
    response = client.post(page(school), form_data(day, token=token[:-3] + "abc"))
    assert "Upload het bestand opnieuw" in response.content.decode()
    # a token of this school naming someone of another school
    plan.rounds[0][0].append(stranger.pk)
    response = client.post(
        page(school), form_data(day, token=earlier_plan_sign(school=school, plan=plan))
    )
    assert response.status_code == 200
    assert PlenarySession.objects.count() == 0


def test_someone_in_no_line_this_year_must_be_placed_first(school, team, day):
    outside = MemberFactory(school=school, first_name="Olga", last_name="Buiten")
    rows = [["Ronde", "Tafel", "Naam"], ["1", "1", "Olga Buiten"], ["1", "1", *names(team, "A1")]]
    plan = earlier_plan_read(school=school, content=csv_file(rows), day=day)
    assert plan.problems == [
        "Olga Buiten zit in geen leerlijn van dit schooljaar. Zet deze persoon eerst in de "
        "leerlijn op de teampagina: een plek aan tafel legt de leerlijn vast."
    ]
    assert plan.rounds == []
    with pytest.raises(ValidationError):
        earlier_session_record(
            school=school,
            title="Eerste",
            day=day,
            start_time=time(15, 0),
            end_time=time(16, 0),
            rounds=[[[outside.pk, *pks(team, "A1")]]],
        )
    assert PlenarySession.objects.count() == 0


@pytest.mark.parametrize(
    "headers",
    [
        ["Naam", "Ronde 1", "Ronde 2"],
        ["Name", "Round 1", "Round 2"],
        ["Deelnemer", "R1", "R2"],
        ["E-mail", "1e ronde", "2e ronde"],
        ["Collega", "Tafel ronde 1", "Tafel ronde 2"],
        ["Teacher", "Round 1 table", "Round 2 table"],
    ],
)
def test_round_columns_as_people_write_them(school, team, day, headers):
    a1, b1 = team.members["A"][0], team.members["B"][0]
    person = (lambda m: m.user.email) if headers[0] == "E-mail" else (lambda m: m.full_name)
    rows = [headers, [person(a1), "1", "2"], [person(b1), "1", "1"]]
    plan = earlier_plan_read(school=school, content=csv_file(rows), day=day)
    assert plan.problems == []
    assert plan.rounds == [[[a1.pk, b1.pk]], [[b1.pk], [a1.pk]]]


def test_a_workbook_with_a_sheet_per_round(school, team, day):
    workbook = openpyxl.Workbook()
    notes = workbook.active
    notes.title = "Uitleg"
    notes.append(["Tafelindeling studiedag, gemaakt in Excel"])
    for title, rows in (
        ("Ronde 1", [["1", *names(team, "A1", "B1", "C1")], ["2", *names(team, "A2", "B2")]]),
        ("Ronde 2", [["1", *names(team, "A1", "B2")], ["2", *names(team, "A2", "B1", "C1")]]),
    ):
        sheet = workbook.create_sheet(title)
        sheet.append(["Tafel", "Persoon 1", "Persoon 2", "Persoon 3"])
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    plan = earlier_plan_read(school=school, content=out.getvalue(), day=day)
    assert plan.problems == []
    assert plan.read_as == "Excel, een blad per ronde"
    assert plan.rounds == [
        [pks(team, "A1", "B1", "C1"), pks(team, "A2", "B2")],
        [pks(team, "A1", "B2"), pks(team, "A2", "B1", "C1")],
    ]
    # a problem names the sheet
    workbook["Ronde 2"].append(["3", "Piet Onbekend"])
    out = io.BytesIO()
    workbook.save(out)
    plan = earlier_plan_read(school=school, content=out.getvalue(), day=day)
    assert plan.problems == ["Blad “Ronde 2”, rij 4: niemand in dit team heet “Piet Onbekend”."]


def test_a_cell_may_list_a_whole_table(school, team, day):
    a1, b1, c1 = names(team, "A1", "B1", "C1")
    a2, b2, c2 = names(team, "A2", "B2", "C2")
    vries = team.members["C"][2]
    rows = [
        ["Ronde", "Tafel", "Deelnemers"],
        ["1", "1", f"{a1}, {b1} en {c1}"],
        ["1", "2", f"{a2} / {b2} + {c2} & {vries.full_name}"],
    ]
    plan = earlier_plan_read(school=school, content=csv_file(rows), day=day)
    assert plan.problems == []
    assert plan.rounds == [[pks(team, "A1", "B1", "C1"), [*pks(team, "A2", "B2", "C2"), vries.pk]]]
    rows[2][2] = f"{a2}, Daan van der Brg"
    plan = earlier_plan_read(school=school, content=csv_file(rows), day=day)
    assert plan.problems == ["Rij 3: niemand in dit team heet “Daan van der Brg”."]
