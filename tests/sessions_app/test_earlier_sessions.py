"""An earlier session recorded from a spreadsheet: both layouts, finding people, every problem
saving nothing, the lines and attendance it records, and its tables as the next plan's history.
"""

import io
from datetime import time, timedelta
from unittest import mock

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from learninglines.models import LineMembership
from learninglines.services.lines import membership_move
from learninglines.services.people import member_set_active
from sessions_app.models import PlanChange, PlenarySession, SessionAttendance
from sessions_app.selectors.plans import plan_history
from sessions_app.services.earlier import (
    AlreadyRecorded,
    EarlierPlan,
    earlier_plan_read,
    earlier_plan_sign,
    earlier_plan_unsign,
    earlier_session_record,
)
from sessions_app.services.plans import plan_generate
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


def record(school, day, rounds, *, title, start=time(15, 0), end=time(16, 0)):
    """Record `rounds` as a session held on `day` (the service, as the page calls it)."""
    return earlier_session_record(
        school=school, title=title, day=day, start_time=start, end_time=end, rounds=rounds
    )


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
    session = record(school, day, plan.rounds, title="Studiedag", start=time(9, 0), end=time(12, 0))
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
    record(school, day, first.rounds, title="Eerste")
    # the same first round again: 9 pairs meet again
    again = record(
        school, day, first.rounds[:1], title="Tweede", start=time(16, 0), end=time(17, 0)
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
    session = record(school, day, plan.rounds, title="Eerste")
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
            "Rij 2: “een” is geen rondenummer (1, 2, 3, …).",
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
    with translation.override("en"):
        plan = earlier_plan_read(school=school, content=csv_file(rows), day=day)
    assert len(plan.problems) == 1
    # the message names every layout that is read (tests/sessions_app/test_earlier_layouts.py)
    assert plan.problems[0].startswith("We could not tell how this file holds the tables.")
    assert "a column per table" in plan.problems[0]
    assert "a row per table" in plan.problems[0]
    junk = earlier_plan_read(school=school, content=b"\x00\x01garbage\x02", day=day)
    assert junk.problems == [
        "Dit bestand is geen spreadsheet die we kunnen lezen. Upload een Excel-bestand (.xlsx), "
        "een LibreOffice-bestand (.ods) of een CSV-bestand; kies in Excel Opslaan als en kies "
        "een van deze drie."
    ]


def test_another_schools_people_are_not_found(school, team, day, other_school):
    theirs = MemberFactory(school=other_school, first_name="Ander", last_name="School")
    rows = [["Ronde", "Tafel", "Naam"], ["1", "1", theirs.user.email]]
    plan = earlier_plan_read(school=school, content=csv_file(rows), day=day)
    assert plan.problems == [f"Rij 2: niemand in dit team heeft het adres “{theirs.user.email}”."]


def test_the_token_holds_the_rounds_for_this_school_only(school, team, day, other_school):
    plan = earlier_plan_read(school=school, content=csv_file(per_table_rows(team)), day=day)
    token = earlier_plan_sign(school=school, plan=plan)
    assert earlier_plan_unsign(school=school, token=token, day=day) == plan.rounds
    with pytest.raises(Exception, match="another school"):
        earlier_plan_unsign(school=other_school, token=token, day=day)
    with pytest.raises(Exception, match="Upload"):
        earlier_plan_unsign(school=school, token=token[:-2] + "xx", day=day)


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
    assert 'name="token"' not in html  # no confirmation, and the upload form carries none
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
        record(school, day, [[[outside.pk, *pks(team, "A1")]]], title="Eerste")
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


# --- files as schools and other tools make them ---


def test_rounds_and_tables_written_once_hold_for_the_rows_under_them(school, team, day):
    """A round merged down over its tables in Google Sheets or LibreOffice keeps its value in
    the first row only when saved as CSV; a hand-made plan writes a round once above its
    tables, and a table once above its people."""
    a1, b1, c1, a2, b2, c2 = names(team, "A1", "B1", "C1", "A2", "B2", "C2")
    rows = [
        ["Tafelindeling studiedag"],
        [],
        ["Ronde", "Tafel", "Naam"],
        ["1", "1", a1],
        ["", "", b1],
        ["", "2", c1],
        ["", "", a2],
        [],
        ["Ronde 2", "", ""],  # a round's heading row
        ["", "Tafel 1", a1],
        ["", "", b2],
        ["", "Tafel 2", c2],
    ]
    plan = earlier_plan_read(school=school, content=csv_file(rows, ","), day=day)
    assert plan.problems == []
    assert plan.rounds == [
        [pks(team, "A1", "B1"), pks(team, "C1", "A2")],
        [pks(team, "A1", "B2"), pks(team, "C2")],
    ]
    # the first row has nothing above it
    rows = [["Ronde", "Tafel", "Naam"], ["", "1", a1]]
    plan = earlier_plan_read(school=school, content=csv_file(rows), day=day)
    assert plan.problems == ["Rij 2: de ronde is leeg."]


def test_table_labels_as_people_write_them_name_one_table_in_number_order(school, team, day):
    rows = [["Ronde", "Tafel", "Naam"]]
    rows += [["1", "T10", name] for name in names(team, "A1", "B1")]
    rows += [["1", "Tafel 2", names(team, "C1")[0]], ["1", "T2", names(team, "A2")[0]]]
    rows += [["1", "02", names(team, "B2")[0]], ["1", "tafel nr. 2", names(team, "C2")[0]]]
    rows += [["1", "Tafel B", names(team, "A3")[0]], ["1", "b", names(team, "B3")[0]]]
    plan = earlier_plan_read(school=school, content=csv_file(rows), day=day)
    assert plan.problems == []
    assert plan.rounds == [
        [pks(team, "C1", "A2", "B2", "C2"), pks(team, "A1", "B1"), pks(team, "A3", "B3")]
    ]


def test_a_cell_saying_someone_was_not_there_seats_nobody(school, team, day):
    a1, b1, c1, a2 = names(team, "A1", "B1", "C1", "A2")
    rows = [
        ["Naam", "Ronde 1", "Ronde 2"],
        [a1, "1", "Afwezig"],
        [b1, "1", "2"],
        [c1, "ziek", "2"],
        [a2, "n.v.t.", "-"],
    ]
    plan = earlier_plan_read(school=school, content=csv_file(rows), day=day)
    assert plan.problems == []
    assert plan.rounds == [[pks(team, "A1", "B1")], [pks(team, "B1", "C1")]]
    # a row per table with the absent listed at a "table" of their own
    rows = [
        ["Ronde", "Tafel", "Deelnemers"],
        ["1", "1", f"{a1}, {b1}"],
        ["1", "Afwezig", f"{c1}, {a2}"],
    ]
    plan = earlier_plan_read(school=school, content=csv_file(rows), day=day)
    assert plan.problems == []
    assert plan.rounds == [[pks(team, "A1", "B1")]]


def test_names_with_initials_and_addresses_as_mail_programs_copy_them(school, team, day):
    anna = MemberFactory(school=school, first_name="Anna", name_prefix="de", last_name="Vries")
    omer = MemberFactory(school=school, first_name="Ömer", last_name="Y\u0131lmaz")
    membership_move(member=anna, line=team.lines[0], start=team.year.start)
    membership_move(member=omer, line=team.lines[1], start=team.year.start)
    a1, b1 = team.members["A"][0], team.members["B"][0]
    rows = [
        ["Ronde", "Tafel", "Naam"],
        ["1", "1", "A. de Vries"],
        ["1", "1", "Omer Yilmaz"],  # as a file without the dotless i writes it
        ["1", "2", f"{a1.full_name} <{a1.user.email.upper()}>"],
        ["1", "2", f"mailto:{b1.user.email}"],
    ]
    plan = earlier_plan_read(school=school, content=csv_file(rows), day=day)
    assert plan.problems == []
    assert plan.rounds == [[[anna.pk, omer.pk], [a1.pk, b1.pk]]]
    # Windows-1252 (an older Excel's CSV) has "Ömer" but no dotless i
    content = "\r\n".join(";".join(row) for row in rows).encode("cp1252")
    assert earlier_plan_read(school=school, content=content, day=day).rounds == plan.rounds
    # a list pasted from a mail program, and initials two colleagues share
    MemberFactory(school=school, first_name="Arie", name_prefix="de", last_name="Vries")
    rows = [
        ["Ronde", "Tafel", "Deelnemers"],
        ["1", "1", f"{a1.full_name} <{a1.user.email}>; {b1.full_name} <{b1.user.email}>"],
        ["1", "2", "A. de Vries"],
    ]
    plan = earlier_plan_read(school=school, content=csv_file(rows), day=day)
    assert plan.problems == [
        "Rij 3: 2 collega\u2019s heten “A. de Vries”: schrijf in plaats daarvan het e-mailadres."
    ]


def workbook_bytes(workbook) -> bytes:
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_a_hidden_sheet_of_a_round_is_left_out_with_a_note(school, team, day):
    workbook = openpyxl.Workbook()
    workbook.active.title = "Uitleg"
    for title, people in (("Ronde 1", ("A1", "B1")), ("Ronde 2", ("A1", "C1"))):
        sheet = workbook.create_sheet(title)
        sheet.append(["Tafel", "Persoon 1", "Persoon 2"])
        sheet.append(["1", *names(team, *people)])
    draft = workbook.create_sheet("Ronde 3")
    draft.append(["Tafel", "Persoon 1", "Persoon 2"])
    draft.append(["1", *names(team, "A1", "B1")])
    draft.sheet_state = "hidden"
    plan = earlier_plan_read(school=school, content=workbook_bytes(workbook), day=day)
    assert plan.problems == []
    assert plan.rounds == [[pks(team, "A1", "B1")], [pks(team, "A1", "C1")]]
    assert plan.notes == ["Het blad “Ronde 3” is verborgen in het bestand en wordt weggelaten."]


def test_formulas_without_a_saved_result_are_a_problem_not_empty_cells(school, team, day):
    """A plan made with formulas and saved by a program that does not calculate them (a
    script, some exports) holds no result: read as empty, the person would lose a seat."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Naam", "Ronde 1", "Ronde 2"])
    sheet.append([*names(team, "A1"), 1, "=B2+1"])
    sheet.append([*names(team, "B1"), 1, 2])
    plan = earlier_plan_read(school=school, content=workbook_bytes(workbook), day=day)
    assert plan.rounds == []
    assert plan.problems == [
        "In deze cellen staat een formule waarvan de uitkomst niet in het bestand is "
        "opgeslagen, dus we kunnen ze niet lezen: C2. Open het bestand in Excel of LibreOffice, "
        "sla het daar op en upload het opnieuw."
    ]


def test_a_large_school_is_previewed_in_a_few_queries(
    school, team, day, django_assert_max_num_queries
):
    """150 people in 12 rounds: the preview's queries do not grow with the file."""
    people = [m for line in team.lines for m in team.members[line.letter]]
    for number in range(141):
        member = MemberFactory(school=school, first_name=f"Extra{number}", last_name="Collega")
        membership_move(member=member, line=team.lines[number % 3], start=team.year.start)
        people.append(member)
    rows = [["Naam", "E-mailadres", *(f"Ronde {r}" for r in range(1, 13))]]
    for i, member in enumerate(people):
        rows.append(
            [member.sort_name, member.user.email, *(str((i * r) % 37 + 1) for r in range(1, 13))]
        )
    with django_assert_max_num_queries(8):
        plan = earlier_plan_read(school=school, content=xlsx_file(rows), day=day)
    assert plan.problems == []
    assert plan.seated == 150
    assert len(plan.rounds) == 12


# --- the page: confirming twice, another date, a token beside a file ---


def preview_token(client, school, day, rows) -> str:
    upload = SimpleUploadedFile("tafels.csv", csv_file(rows))
    response = client.post(page(school), form_data(day, file=upload))
    assert response.context["preview"].problems == []
    return response.context["token"]


def test_confirming_twice_records_the_session_once(client, school, steering, team, day):
    """A double click, or the back button and confirming again."""
    client.force_login(steering.user)
    token = preview_token(client, school, day, per_table_rows(team))
    first = client.post(page(school), form_data(day, token=token))
    again = client.post(page(school), form_data(day, token=token, title="Nog een keer"))
    session = PlenarySession.objects.get()
    assert (
        first["Location"]
        == again["Location"]
        == reverse("sessions_app:plan-detail", args=[school.slug, session.pk])
    )
    shown = client.get(again["Location"]).content.decode()
    assert "Deze tafels zijn al vastgelegd als “Studiedag oktober”" in shown
    assert session.title == "Studiedag oktober"
    # the service refuses it too, whoever calls it
    rounds = earlier_plan_unsign(school=school, token=token, day=day)
    with pytest.raises(AlreadyRecorded) as refused:
        record(school, day, rounds, title="Derde", start=time(15, 0), end=time(16, 0))
    assert refused.value.session == session
    assert PlenarySession.objects.count() == 1
    # the same tables in a morning session of that day are another session
    morning = record(school, day, rounds, title="Ochtend", start=time(9, 0), end=time(10, 0))
    assert PlenarySession.objects.count() == 2
    assert morning.start_time == time(9, 0)


def test_a_preview_confirmed_with_another_date_records_nothing(client, school, steering, team):
    """The hidden date changed under an old token: the lines, who is placed in a line from
    the date and who is absent all depend on the date, so the preview no longer holds."""
    first_day = team.year.start  # never after today
    previewed = first_day + timedelta(days=1)
    client.force_login(steering.user)
    newcomer = MemberFactory(school=school, first_name="Nina", last_name="Nieuw")
    membership_move(member=newcomer, line=team.lines[0], start=previewed + timedelta(days=2))
    rounds = [[[newcomer.pk, *pks(team, "A1")]]]
    token = earlier_plan_sign(school=school, plan=EarlierPlan(rounds=rounds, day=previewed))
    response = client.post(page(school), form_data(first_day, token=token))
    assert response.status_code == 200
    assert "Het voorbeeld is voor een andere datum gemaakt." in " ".join(
        response.context["form"].errors["date"]
    )
    assert PlenarySession.objects.count() == 0
    assert LineMembership.objects.get(member=newcomer).start == previewed + timedelta(days=2)
    with pytest.raises(ValidationError):
        earlier_plan_unsign(school=school, token=token, day=first_day)
    assert earlier_plan_unsign(school=school, token=token, day=previewed) == rounds


def test_a_new_file_is_previewed_not_the_token_of_a_failed_confirmation(
    client, school, steering, team, day
):
    """After a confirmation fails (too old, someone left), the upload form must not send the
    old token along: the file uploaded there is what is previewed, never recorded unseen."""
    client.force_login(steering.user)
    token = preview_token(client, school, day, per_table_rows(team))
    member_set_active(member=team.members["C"][0], active=False)
    failed = client.post(page(school), form_data(day, token=token))
    assert PlenarySession.objects.count() == 0
    assert 'name="token"' not in failed.content.decode()
    # a request that still sends a token beside a file: the file wins
    rows = [
        ["Ronde", "Tafel", "Naam"],
        ["1", "1", *names(team, "A1")],
        ["1", "1", *names(team, "B1")],
    ]
    upload = SimpleUploadedFile("tafels.csv", csv_file(rows))
    response = client.post(page(school), form_data(day, token=token, file=upload))
    assert response.status_code == 200
    assert PlenarySession.objects.count() == 0
    assert response.context["preview"].rounds == [[pks(team, "A1", "B1")]]


def test_a_token_older_than_two_hours_records_nothing(client, school, steering, team, day):
    client.force_login(steering.user)
    token = preview_token(client, school, day, per_table_rows(team))
    later = timezone.now() + timedelta(hours=2, minutes=1)
    with mock.patch("django.core.signing.time.time", return_value=later.timestamp()):
        response = client.post(page(school), form_data(day, token=token))
    assert response.status_code == 200
    assert "Upload het bestand opnieuw" in response.content.decode()
    assert PlenarySession.objects.count() == 0


def test_the_sessions_list_points_a_new_school_to_recording(client, school, steering, team):
    client.force_login(steering.user)
    html = client.get(reverse("sessions_app:session-list", args=[school.slug])).content.decode()
    assert "Al een bijeenkomst gehouden voordat jullie deze app gebruikten?" in html
    assert f'href="{page(school)}"' in html


def test_the_next_plan_seats_nobody_with_someone_met_at_the_recorded_session(
    school, make_team, make_session
):
    """A school's first year with the app: a plenary held on paper in October, recorded from
    its file; the plan of the next session avoids every encounter of it."""
    team = make_team([4, 4, 4, 4])
    day = max(team.year.start, timezone.localdate() - timedelta(days=21))
    a, b, c, d = (team.members[letter] for letter in "ABCD")
    rows = [["Ronde", "Tafel", "Persoon 1", "Persoon 2", "Persoon 3", "Persoon 4"]]
    # Round 1: the i-th of every line; round 2: lines shifted as in the affine plane of order 4
    # (indices added in GF(4), written as xor), so two more rounds without a repeat exist. A
    # cyclic shift would not do: a cyclic Latin square of even order has no orthogonal mate.
    for number in range(4):
        rows.append(["1", str(number + 1)] + [m[number].full_name for m in (a, b, c, d)])
        shifted = (a[number], b[number ^ 1], c[number ^ 2], d[number ^ 3])
        rows.append(["2", str(number + 1)] + [m.full_name for m in shifted])
    plan = earlier_plan_read(school=school, content=csv_file(rows), day=day)
    assert plan.problems == []
    record(
        school, day, plan.rounds, title="Oktober (op papier)", start=time(15, 0), end=time(16, 30)
    )
    met = {frozenset((x, y)) for rnd in plan.rounds for t in rnd for x in t for y in t if x != y}
    assert len(met) == 2 * 4 * 6  # 2 rounds of 4 tables of 4: 6 pairs each, none twice

    later = make_session(days=(timezone.localdate() - team.year.start).days + 7)
    made = plan_generate(session=later, seed=0)
    assert made.report["repeats"] == 0
    assert made.report["repeats_history"] == 0
    for rnd in made.rounds.all():
        for table in rnd.tables.all():
            seated = list(table.seats.values_list("member_id", flat=True))
            assert len(seated) == 4
            assert not any(frozenset((x, y)) in met for x in seated for y in seated if x != y)


def test_the_team_list_filled_in_reads_back_as_the_tables(client, school, steering, team, day):
    """The list to fill in: everyone in a line this year, in register order; with a table per
    round written in Excel it is a plan the page reads."""
    left = team.members["C"][2]
    member_set_active(member=left, active=False)
    client.force_login(steering.user)
    url = reverse("sessions_app:session-earlier-template", args=[school.slug, "xlsx"])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="tafelindeling-invullen.xlsx"'
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book.active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == ["Naam", "E-mailadres", "Leerlijn", "Ronde 1", "Ronde 2"]
    everyone = [m for m in team.everyone if m.pk != left.pk]
    assert [row[:3] for row in rows[1:]] == [
        [m.sort_name, m.user.email, line.name]
        for m, line in sorted(
            ((m, line) for line in team.lines for m in team.members[line.letter] if m != left),
            key=lambda pair: (pair[0].sort_name.casefold(), pair[0].user.email),
        )
    ]
    assert all(row[3:] == [None, None] for row in rows[1:])
    # Filled in: lines A and B at table 1 in round 1, line C at table 2; in round 2 lines B
    # and C at table 1, line A not there.
    line_of = {m.user.email: line.letter for line in team.lines for m in team.members[line.letter]}
    for number, row in enumerate(rows[1:], start=2):
        letter = line_of[row[1]]
        sheet.cell(row=number, column=4).value = 1 if letter in "AB" else 2
        sheet.cell(row=number, column=5).value = "" if letter == "A" else "Tafel 1"
    out = io.BytesIO()
    book.save(out)
    plan = earlier_plan_read(school=school, content=out.getvalue(), day=day)
    assert plan.problems == []
    by_pk = {m.pk: m for m in everyone}
    assert [[sorted(by_pk[pk].sort_name for pk in t) for t in rnd] for rnd in plan.rounds] == [
        [
            sorted(m.sort_name for m in everyone if line_of[m.user.email] in "AB"),
            sorted(m.sort_name for m in everyone if line_of[m.user.email] == "C"),
        ],
        [sorted(m.sort_name for m in everyone if line_of[m.user.email] != "A")],
    ]
    csv_url = reverse("sessions_app:session-earlier-template", args=[school.slug, "csv"])
    text = client.get(csv_url).content.decode("utf-8-sig")
    assert text.splitlines()[0] == "Naam;E-mailadres;Leerlijn;Ronde 1;Ronde 2"
    assert len(text.splitlines()) == len(everyone) + 1
    bad = reverse("sessions_app:session-earlier-template", args=[school.slug, "pdf"])
    assert client.get(bad).status_code == 404


@pytest.mark.parametrize(
    ("cell", "problem"),
    [
        ("10:00", "Rij 2: “10:00” is geen rondenummer (1, 2, 3, …)."),
        (time(10, 0), "Rij 2: “10:00:00” is geen rondenummer (1, 2, 3, …)."),  # an Excel time
        ("1.5", "Rij 2: “1.5” is geen rondenummer (1, 2, 3, …)."),
        ("1 van 3", "Rij 2: “1 van 3” is geen rondenummer (1, 2, 3, …)."),
    ],
)
def test_a_time_in_the_round_column_is_no_round(school, team, day, cell, problem):
    """ "10:00" holds digits, but read as round 10 it would record a round nobody sat in."""
    rows = [["Ronde", "Tafel", "Naam"], [cell, "1", *names(team, "A1")]]
    plan = earlier_plan_read(school=school, content=xlsx_file(rows), day=day)
    assert plan.problems == [problem]
    assert plan.rounds == []


def test_a_round_may_carry_its_time_and_skipped_numbers_are_said(school, team, day):
    rows = [
        ["Ronde", "Tafel", "Persoon 1", "Persoon 2"],
        ["Ronde 1 (9.00-9.20)", "1", *names(team, "A1", "B1")],
        ["1e ronde", "2", *names(team, "A2", "B2")],
        ["R4 - 10:15", "1", *names(team, "A1", "B2")],
        ["Round 4", "2", *names(team, "A2", "B1")],
    ]
    plan = earlier_plan_read(school=school, content=csv_file(rows), day=day)
    assert plan.problems == []
    assert plan.rounds == [
        [pks(team, "A1", "B1"), pks(team, "A2", "B2")],
        [pks(team, "A1", "B2"), pks(team, "A2", "B1")],
    ]
    assert plan.notes == [
        "De rondes 1, 4 uit het bestand worden vastgelegd als de rondes 1 tot en met 2, "
        "in die volgorde."
    ]


def test_hidden_rows_are_read_and_the_preview_says_so(school, team, day):
    """As in the staff import: a row hidden by hand or by a filter still counts, and the
    preview says which, so a school that filtered its plan is not surprised."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in per_table_rows(team):
        sheet.append(row)
    sheet.row_dimensions[3].hidden = True
    sheet.row_dimensions[6].hidden = True
    plan = earlier_plan_read(school=school, content=workbook_bytes(workbook), day=day)
    assert plan.problems == []
    assert plan.seated == 9
    assert plan.notes == [
        "De rijen 3, 6 zijn verborgen in je bestand (met de hand of door een filter), maar "
        "worden gelezen zoals de andere rijen."
    ]


def test_a_letter_the_file_lost_is_named_not_guessed(school, team, day):
    """Excel saving a CSV in Windows-1252 writes "?" for the dotless i of Ömer's last name: the
    problem says whom it may be and how to save the file, and nothing is recorded."""
    omer = MemberFactory(school=school, first_name="Ömer", last_name="Y\u0131lmaz")
    membership_move(member=omer, line=team.lines[1], start=team.year.start)
    rows = [["Ronde", "Tafel", "Naam"], ["1", "1", "Ömer Y?lmaz"], ["1", "1", "P?t Onbekend"]]
    plan = earlier_plan_read(
        school=school, content="\r\n".join(";".join(r) for r in rows).encode("cp1252"), day=day
    )
    assert plan.problems == [
        "Rij 2: “Ömer Y?lmaz” is waarschijnlijk Ömer Y\u0131lmaz, maar het bestand verloor een "
        "letter (“?”) bij het opslaan: sla het op als Excel (.xlsx) of als CSV UTF-8, of schrijf "
        "het e-mailadres.",
        "Rij 3: niemand in dit team heet “P?t Onbekend”; een “?” in een naam is een letter die "
        "het bestand verloor bij het opslaan: sla het op als Excel (.xlsx) of als CSV UTF-8.",
    ]
    assert plan.rounds == []


def test_someone_seated_twice_is_listed_with_the_other_problems(school, team, day):
    """Every problem at once: a school corrects the file once, not once per kind of problem."""
    rows = [
        ["Naam", "Ronde 1", "Ronde 2"],
        ["Piet Onbekend", "1", "2"],
        [*names(team, "A1"), "1", "1"],
        [*names(team, "A1"), "2", "2"],
    ]
    plan = earlier_plan_read(school=school, content=csv_file(rows), day=day)
    assert plan.problems == [
        "Rij 2: niemand in dit team heet “Piet Onbekend”.",
        "Rij 4: A1 Lid A1 zit twee keer in ronde 1 (ook in rij 3).",
        "Rij 4: A1 Lid A1 zit twee keer in ronde 2 (ook in rij 3).",
    ]
    assert plan.rounds == []
