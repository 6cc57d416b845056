"""A school year opened ahead, on a phone (360 px), on the real clock.

- In June a steering group opens next year and places people in its lines one by one: the team
  page says per person where they are from 1 August ("vanaf 1 aug: ...") or that they have no
  place yet, how many have none, and its "Toon wie" link shows just them; the line filter has a
  group per school year. Opened by mistake, the year is removed with the keyboard alone from
  the years page, and the team page is back to one year. Here the year is opened on the demo
  school (De Regenboog) the way the years page does it: the year after the current one, which
  begins after today whatever day this runs.
- A school without a school year gets no form on "Plan een plenaire bijeenkomst": it is told
  so, with the way to the school years page.

Every page on the way: Dutch, no sideways scrolling, no console error and nothing serious or
critical for axe-core (`page_problems`, as on every page in test_every_page.py).
"""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from exchange.demo import demo_seed
from learninglines.models import LearningLine, LineMembership, Member, School, SchoolYear
from learninglines.models.people import default_school_year_bounds
from learninglines.selectors.lines import year_current
from learninglines.services.lines import school_year_open_next
from tests.browser.test_every_page import page_problems
from tests.browser.test_import import sign_in as sign_in_as
from tests.browser.test_keyboard_journeys import follow, sign_in_by_keyboard, tab_to
from tests.browser.test_plenary import STEERING_EMAIL, console_errors

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}


def fine(page: Page, serious_violations, errors: list[str]) -> None:
    """The page as it is now is in Dutch, fits the phone, has no console error and passes
    axe-core; the console is then read afresh for the next page."""
    assert page_problems(page, "nl", serious_violations, errors) == []
    errors.clear()


def places_ahead(page: Page) -> dict[str, str]:
    """{name as listed: the row's line about the year ahead} on the team page."""
    return dict(
        page.evaluate(
            """() => [...document.querySelectorAll('.member-list > li')].map((row) => [
                row.querySelector('a.fw-semibold').textContent.trim(),
                row.querySelector('.place-ahead')
                    ? row.querySelector('.place-ahead').textContent.trim().replace(/\\s+/g, ' ')
                    : null,
            ])"""
        )
    )


def line_filter_groups(page: Page) -> list[tuple[str, list[str]]]:
    """The line filter's options: (group label, options), "" for those outside a group."""
    return [
        (group, options)
        for group, options in page.evaluate(
            """() => {
                const select = document.querySelector('select[name="line"]');
                const loose = [...select.children].filter((e) => e.tagName === 'OPTION');
                return [['', loose.map((o) => o.textContent.trim())]].concat(
                    [...select.querySelectorAll('optgroup')].map((g) => [
                        g.label, [...g.querySelectorAll('option')].map((o) => o.textContent.trim()),
                    ]));
            }"""
        )
    ]


def test_a_year_opened_ahead_shows_on_the_team_page_and_is_removed_by_keyboard(
    page: Page, serious_violations, live_server
):
    demo_seed()
    school = School.objects.get(slug="de-regenboog")
    now = year_current(school=school)
    lines = list(LearningLine.objects.filter(year=now).active().order_by("letter"))
    a, b, c, _d = lines
    places_now = set(LineMembership.objects.filter(line__year=now).values_list("pk", "end"))
    # every line copied; only lines A and B bring their people along (placed "in June")
    ahead = school_year_open_next(
        school=school,
        copy_line_ids={line.pk for line in lines},
        carry_member_line_ids={a.pk, b.pk},
        after_pk=now.pk,
    )
    assert ahead.start > timezone.localdate()
    assert (ahead.start.month, ahead.start.day) == (8, 1)
    active = Member.objects.filter(school=school, is_active=True)
    placed = set(
        LineMembership.objects.filter(line__year=ahead).values_list("member_id", flat=True)
    )
    without = active.exclude(pk__in=placed)
    assert without.count() == 15  # the demo's 7 + 8 in lines C and D
    somebody_in_a = active.filter(pk__in=placed, line_memberships__line=a).order_by("pk").first()
    somebody_in_c = without.filter(line_memberships__line=c).order_by("pk").first()

    page.set_viewport_size(PHONE)
    errors = console_errors(page)
    sign_in_by_keyboard(page, live_server, STEERING_EMAIL)
    team_url = f"{live_server.url}/s/de-regenboog/team/"
    page.goto(team_url)
    main = page.locator("#main")
    expect(main.locator(".places-ahead")).to_have_text(
        re.compile(rf"^\s*15 teamleden hebben nog geen plek in {ahead.name}\.\s+Toon wie\s*$")
    )
    rows = places_ahead(page)
    assert len(rows) == active.count()
    a_ahead = f"A. {a.name}"
    assert rows[somebody_in_a.sort_name] == f"vanaf 1 aug: {a_ahead}"
    assert rows[somebody_in_c.sort_name] == f"nog geen plek in {ahead.name}"
    assert sorted(set(rows.values())) == sorted(
        {f"vanaf 1 aug: {a_ahead}", f"vanaf 1 aug: B. {b.name}", f"nog geen plek in {ahead.name}"}
    )
    assert line_filter_groups(page) == [
        ("", ["Alle leerlijnen", "In geen leerlijn", f"Nog geen plek in {ahead.name}"]),
        (f"Schooljaar {now.name}", [str(line) for line in lines]),
        (
            f"Schooljaar {ahead.name} (vanaf 1 augustus {ahead.start.year})",
            [f"{line.letter}. {line.name}" for line in lines],
        ),
    ]
    fine(page, serious_violations, errors)

    # "Toon wie": just the 15 without a place next year
    main.get_by_role("link", name="Toon wie").click()
    expect(page).to_have_url(re.compile(r"\?line=none-next$"))
    rows = places_ahead(page)
    assert sorted(rows) == sorted(member.sort_name for member in without)
    assert set(rows.values()) == {f"nog geen plek in {ahead.name}"}
    expect(page.get_by_label("Leerlijn")).to_have_value("none-next")
    fine(page, serious_violations, errors)

    # Opened by mistake: from here on the keyboard alone, by the menu to the lines, on to the
    # school years, the link there, and the confirmation.
    menu = page.get_by_role("button", name="Menu")
    tab_to(page, menu, limit=4)
    page.keyboard.press("Enter")
    expect(menu).to_have_attribute("aria-expanded", "true")
    tab_to(
        page,
        page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Leerlijnen"),
        limit=3,
    )
    follow(page, re.compile(rf"^Leerlijnen\s+{now.name}$"))
    # with a year open ahead the link offers no second opening: the years page can only remove it
    tab_to(page, main.get_by_role("link", name="Schooljaren", exact=True), limit=40)
    follow(page, "Schooljaren")
    remove = main.get_by_role(
        "link", name=f"Per ongeluk geopend? Schooljaar {ahead.name} verwijderen"
    )
    tab_to(page, remove, limit=12)
    fine(page, serious_violations, errors)
    follow(page, f"Schooljaar {ahead.name} verwijderen?")
    expect(main.locator("#removed > li")).to_have_text(
        [
            "4 leerlijnen, gekopieerd bij het openen van het jaar, met hun stappen",
            "17 plaatsen daarin",
        ]
    )
    fine(page, serious_violations, errors)
    tab_to(page, main.get_by_role("button", name=f"Schooljaar {ahead.name} verwijderen"), limit=8)
    follow(page, "Schooljaren")
    expect(main.locator(".messages .alert-success")).to_have_text(
        f"Schooljaar {ahead.name} is verwijderd, met 4 leerlijnen en 17 plaatsen daarin. "
        f"32 plaatsen in de leerlijnen van {now.name} eindigen niet meer op 31 juli "
        f"{now.end.year}: ze zijn weer zoals vóór het openen."
    )
    assert not SchoolYear.objects.filter(pk=ahead.pk).exists()
    # this year's places are as they were before the opening
    assert set(LineMembership.objects.filter(line__year=now).values_list("pk", "end")) == (
        places_now
    )
    fine(page, serious_violations, errors)

    # The team page has one year again: no rows about next year, one plain list of lines.
    page.goto(team_url)
    expect(main.locator(".places-ahead")).to_have_count(0)
    expect(main.locator(".place-ahead")).to_have_count(0)
    assert line_filter_groups(page) == [
        ("", ["Alle leerlijnen", "In geen leerlijn", *(str(line) for line in lines)])
    ]
    fine(page, serious_violations, errors)


def test_without_a_school_year_the_new_session_page_says_where_to_open_one(
    page: Page, serious_violations, live_server, school, steering
):
    assert not SchoolYear.objects.filter(school=school).exists()
    page.set_viewport_size(PHONE)
    errors = console_errors(page)
    sign_in_as(page, live_server, steering.user)
    page.goto(f"{live_server.url}/s/de-regenboog/sessions/create/")
    main = page.locator("#main")
    expect(page.get_by_role("heading", level=1)).to_have_text("Plan een plenaire bijeenkomst")
    expect(main.locator(".no-year p")).to_have_text(
        "Er is nog geen schooljaar voor vandaag. Open er eerst een; plan daarna de bijeenkomsten."
    )
    expect(main.locator("form")).to_have_count(0)
    expect(main.get_by_role("textbox")).to_have_count(0)
    fine(page, serious_violations, errors)

    main.get_by_role("link", name="Schooljaren", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Schooljaren")
    start, end = default_school_year_bounds(timezone.localdate())
    expect(
        main.get_by_role("button", name=f"Schooljaar {start.year}-{end.year} openen")
    ).to_be_visible()
    fine(page, serious_violations, errors)
