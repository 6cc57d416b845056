"""The table plan as a spreadsheet: a row per person, sorted as a register, read back by the
page that records an earlier session (the same layout)."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from sessions_app.models import Seat
from sessions_app.plan_exports import plan_csv, plan_xlsx
from sessions_app.services.earlier import earlier_plan_read
from sessions_app.services.plans import plan_swap

pytestmark = pytest.mark.django_db


def test_a_row_per_person_with_the_table_of_every_round(plenary):
    plan = plenary.plan
    book = openpyxl.load_workbook(io.BytesIO(plan_xlsx(plan=plan)))
    sheet = book.active
    assert sheet.title == "Tafelindeling"
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Naam", "E-mailadres", "Leerlijn", "Ronde 1", "Ronde 2")
    expected = sorted(
        (
            [
                m.sort_name,
                m.user.email,
                Seat.objects.filter(round__plan=plan, member=m).first().line.name,
                *[
                    Seat.objects.get(round__plan=plan, round__number=n, member=m).table.number
                    for n in (1, 2)
                ],
            ]
            for m in plenary.members
        ),
        key=lambda row: (row[0].casefold(), row[1]),
    )
    assert [list(row) for row in rows[1:]] == expected
    text = plan_csv(plan=plan).decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(text), delimiter=";"))[1:] == [
        [str(cell) for cell in row] for row in expected
    ]


def test_a_downloaded_plan_reads_back_as_the_same_tables(plenary):
    """Changed by hand first: the file holds the plan as it is now."""
    plan = plenary.plan
    first, second = plenary.seated(1)[0][0], plenary.seated(1)[1][0]
    plan_swap(plan=plan, version=plan.version, round_number=1, first=first, second=second)
    day = plenary.session.date
    for content in (plan_xlsx(plan=plan), plan_csv(plan=plan)):
        read = earlier_plan_read(school=plenary.school, content=content, day=day)
        assert read.problems == []
        assert [sorted(sorted(t) for t in rnd) for rnd in read.rounds] == [
            sorted(plenary.seated(n)) for n in (1, 2)
        ]


def test_the_download_is_for_planners_of_this_school_only(client, people, plenary, their_plenary):
    url = plenary.url("plan-export", kind="csv")
    client.force_login(people["steering"])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="tafelindeling-{plenary.session.date}.csv"'
    )
    assert "no-store" in response["Cache-Control"]
    theirs = reverse(
        "sessions_app:plan-export",
        kwargs={"school_slug": "de-regenboog", "pk": their_plenary.session.pk, "kind": "csv"},
    )
    assert client.get(theirs).status_code == 404
    assert client.get(plenary.url("plan-export", kind="pdf")).status_code == 404
    client.force_login(people["teacher"])
    assert client.get(url).status_code == 403


def test_a_session_without_a_plan_has_no_download(client, people, make_session):
    session = make_session()
    client.force_login(people["steering"])
    url = reverse(
        "sessions_app:plan-export",
        kwargs={"school_slug": session.school.slug, "pk": session.pk, "kind": "xlsx"},
    )
    assert client.get(url).status_code == 404
