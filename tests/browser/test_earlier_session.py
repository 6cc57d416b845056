"""A session held before the school used the app, recorded in the browser on the demo school.

The steering member at a laptop opens the sessions list, follows "record a session held without
this app", uploads a table plan made in Excel (a row per person, a column per round) with a
typing error in one name, reads the problem, uploads the corrected file, reads the preview and
confirms; the plan page shows the tables as recorded, with no way to change them, and downloads
them as a file that reads back the same. On a phone the page fits the screen. axe-core and the
console (CSP) are checked on every page on the way.
"""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from exchange.demo import demo_seed
from learninglines.models import LineMembership, Member
from sessions_app.models import PlenarySession
from sessions_app.services.earlier import earlier_plan_read
from tests.browser.test_plenary import (
    LAPTOP,
    STEERING_EMAIL,
    accessible,
    console_errors,
    sign_in,
)
from tests.sessions_app.test_earlier_sessions import xlsx_file

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_steering_group_records_a_paper_plan_from_excel(
    page: Page, live_server, serious_violations, tmp_path
):
    demo_seed()
    steering = Member.objects.get(user__email=STEERING_EMAIL)
    school = steering.school
    held = PlenarySession.objects.filter(school=school, status="held").order_by("date").first()
    day = max(held.date - timedelta(days=7), held.year.start)  # a week before, in its year
    by_line: dict[str, list[Member]] = {}
    for membership in (
        LineMembership.objects.on(day)
        .filter(line__school=school, member__is_active=True)
        .select_related("member", "line")
        .order_by("line__letter", "member__last_name")
    ):
        by_line.setdefault(membership.line.letter, []).append(membership.member)
    quartets = list(zip(*by_line.values(), strict=False))  # one of each line per table
    rows = [["Naam", "Ronde 1", "Ronde 2"]]
    for table, quartet in enumerate(quartets, start=1):
        for index, member in enumerate(quartet):
            later = (table + index - 1) % len(quartets) + 1  # a line moves on by its index
            rows.append([member.full_name, table, later])
    seated = len(rows) - 1
    good = tmp_path / "tafels-oktober.xlsx"
    good.write_bytes(xlsx_file(rows))
    typo = tmp_path / "tafels-met-fout.xlsx"
    typo.write_bytes(xlsx_file([*rows[:2], ["Anouk de Vriess", 1, 1], *rows[2:]]))

    errors = console_errors(page)
    page.set_viewport_size(LAPTOP)
    sign_in(page, live_server, STEERING_EMAIL)
    page.goto(f"{live_server.url}/s/{school.slug}/sessions/")
    page.get_by_role("link", name="Leg een bijeenkomst zonder deze app vast").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Leg een eerdere bijeenkomst vast")
    accessible(page, serious_violations, errors)

    page.get_by_label("Titel").fill("Eerste plenaire (op papier)")
    page.get_by_label("Datum").fill(day.isoformat())
    page.get_by_label("Tafelindeling", exact=True).set_input_files(str(typo))
    page.get_by_role("button", name="Uploaden en controleren").click()
    problem = page.get_by_role("alert")
    expect(problem).to_contain_text("Het bestand heeft 1 probleem. Er is niets bewaard")
    expect(problem).to_contain_text("Rij 3: niemand in dit team heet “Anouk de Vriess”.")
    record = page.get_by_role("button", name="Leg deze bijeenkomst vast als gehouden")
    expect(record).to_have_count(0)
    accessible(page, serious_violations, errors)

    # The form keeps what was typed; only the file is chosen again.
    expect(page.get_by_label("Titel")).to_have_value("Eerste plenaire (op papier)")
    page.get_by_label("Tafelindeling", exact=True).set_input_files(str(good))
    page.get_by_role("button", name="Uploaden en controleren").click()
    preview = page.locator(".earlier-preview")
    expect(preview).to_contain_text(f"2 tafelrondes, {seated} mensen aan tafel")
    expect(preview).to_contain_text(f"Tafels per ronde: {len(quartets)}, {len(quartets)}")
    expect(preview).to_contain_text("Binnen deze bijeenkomst ontmoette niemand iemand twee keer.")
    page.get_by_text("Toon de tafels").click()
    expect(preview.get_by_role("heading", name="Ronde 2")).to_be_visible()
    accessible(page, serious_violations, errors)
    assert PlenarySession.objects.filter(school=school).count() == 2

    record.click()
    expect(page).to_have_url(re.compile(r"/sessions/\d+/plan/$"))
    expect(
        page.locator("#main").get_by_text("De bijeenkomst is vastgelegd als gehouden")
    ).to_be_visible()
    expect(page.locator("#main").get_by_text("Vastgelegd uit een bestand")).to_be_visible()
    expect(page.get_by_role("button", name="Maak de indeling opnieuw")).to_have_count(0)
    expect(page.locator("#round-2 article.plan-table")).to_have_count(len(quartets))
    accessible(page, serious_violations, errors)
    recorded = PlenarySession.objects.get(title="Eerste plenaire (op papier)")
    assert (recorded.status, recorded.date) == ("held", day)
    assert recorded.plan.rounds.get(number=1).seats.count() == seated
    # The plan downloads as the same kind of file, which reads back as the same tables.
    with page.expect_download() as download:
        page.get_by_role("link", name="Excel (.xlsx)").click()
    content = download.value.path().read_bytes()
    again = earlier_plan_read(school=school, content=content, day=day)
    assert again.problems == []
    stored = [
        sorted(sorted(s.member_id for s in t.seats.all()) for t in r.tables.all())
        for r in recorded.plan.rounds.order_by("number")
    ]
    assert [sorted(sorted(t) for t in rnd) for rnd in again.rounds] == stored

    # The list shows it among the earlier sessions; the page fits a phone.
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{live_server.url}/s/{school.slug}/sessions/earlier/")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    accessible(page, serious_violations, errors)
    page.goto(f"{live_server.url}/s/{school.slug}/sessions/")
    expect(page.locator("#past-title + ul, section[aria-labelledby=past-title]")).to_contain_text(
        "Eerste plenaire (op papier)"
    )
