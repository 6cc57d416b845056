"""The reflection-form builder in the browser, on the demo school.

The steering member of De Regenboog opens the reflection form of a newly planned session from
the session's page, adds a single-choice question, moves it up with the keyboard alone, opens
the form, and sends the team a reminder (read from the outbox: one mail each, with a personal
link to the form). axe-core finds nothing serious or critical on the builder, the question
form, the participation page and the print page, at a phone's 360 px and at a laptop's 1280 px;
the console (CSP) stays clean.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from learninglines.models import OutgoingMail
from sessions_app.models import Questionnaire
from tests.browser.test_plenary import (
    LAPTOP,
    steering_at_a_laptop,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}
NEW_QUESTION = "Welke werkvorm neem je mee naar je klas?"


def accessible_at_both_sizes(page: Page, serious_violations, errors: list[str]) -> None:
    """No console error, and axe-core finds nothing serious or critical at 1280 and 360 px."""
    for size in (LAPTOP, PHONE):
        page.set_viewport_size(size)
        assert serious_violations(page) == []
    assert errors == []
    page.set_viewport_size(LAPTOP)


def focus_by_tab(page: Page, selector: str, *, limit: int = 150) -> None:
    """Press Tab until the focus is on the element matching `selector`."""
    for _press in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    pytest.fail(f"{limit} presses of Tab never reached {selector}")


def question_titles(page: Page) -> list[str]:
    return [
        text.split(".", 1)[1].strip() for text in page.locator(".builder-item h3").all_inner_texts()
    ]


def test_steering_member_builds_and_opens_the_reflection_form(
    page: Page, serious_violations, live_server
):
    session, errors = steering_at_a_laptop(page, live_server)

    # From the session's page to its reflection form: the method's guiding questions.
    page.goto(live_server.url + session.get_absolute_url())
    page.get_by_role("link", name="Reflectieformulier", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reflectie: Plenaire bijeenkomst 3")
    expect(page.locator(".builder-item")).to_have_count(5)
    expect(page.locator(".builder-who").last).to_contain_text(
        "Anoniem: zonder je naam; alleen getoond in groepen van 3 of meer."
    )
    accessible_at_both_sizes(page, serious_violations, errors)

    # A single-choice question, anonymous, added at the end.
    page.get_by_role("link", name="Een vraag toevoegen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Een vraag toevoegen")
    accessible_at_both_sizes(page, serious_violations, errors)
    page.get_by_label("Soort").select_option("single")
    page.get_by_role("textbox", name=re.compile(r"^Vraag")).fill(NEW_QUESTION)
    page.get_by_label("Keuzes").fill("Duo-lezen\nCarrousel\nStille start")
    page.get_by_label("Anoniem: zonder je naam; alleen getoond in groepen van 3 of meer.").check()
    page.get_by_role("button", name="Toevoegen").click()
    expect(page.locator("#main").get_by_text("De vraag staat nu aan het eind.")).to_be_visible()
    expect(page.locator(".builder-item")).to_have_count(6)
    assert question_titles(page)[-1] == NEW_QUESTION

    # Up one place with the keyboard alone: Tab to its "up" button, Enter.
    page.goto(page.url.split("#")[0])
    focus_by_tab(page, f'button[aria-label="“{NEW_QUESTION}” omhoog"]')
    # A plain form post: wait for the new page (the old one is already "loaded").
    with page.expect_navigation(wait_until="load"):
        page.keyboard.press("Enter")
    expect(page.locator(".builder-item h3").nth(4)).to_contain_text(NEW_QUESTION)
    questionnaire = Questionnaire.objects.get(session=session)
    assert list(
        questionnaire.questions.order_by("position").values_list("text", "kind", "privacy")
    )[4] == (NEW_QUESTION, "single", "anonymous")
    assert questionnaire.questions.get(text=NEW_QUESTION).choices == [
        "Duo-lezen",
        "Carrousel",
        "Stille start",
    ]

    # Open it now.
    page.get_by_role("button", name="Nu openen").click()
    expect(page.locator("#main").get_by_text("Het formulier is open tot")).to_be_visible()
    expect(page.get_by_role("button", name="Nu sluiten")).to_be_visible()
    questionnaire.refresh_from_db()
    assert questionnaire.state() == Questionnaire.State.OPEN
    accessible_at_both_sizes(page, serious_violations, errors)

    # Who has not answered yet: everybody, with a reminder button.
    page.get_by_role("link", name="Deelname: wie nog niet heeft geantwoord").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Deelname")
    expect(page.locator("#main").get_by_text("0 % ingestuurd: 0 van 32")).to_be_visible()
    expect(page.get_by_role("button", name="Een herinnering sturen")).to_be_visible()
    accessible_at_both_sizes(page, serious_violations, errors)

    # The reminder: one mail per member asked, each with their own link to the form.
    page.get_by_role("button", name="Een herinnering sturen").click()
    expect(page.locator("#main").get_by_text("32 herinneringen klaargezet.")).to_be_visible()
    reminders = OutgoingMail.objects.filter(subject=f"Herinnering: “{questionnaire.title}”")
    assert reminders.count() == 32
    assert (
        reminders.filter(magic_link__isnull=False).count()
        == reminders.exclude(user__is_staff=True).count()
    )
    assert reminders.first().magic_link.next_path == (
        f"/s/de-regenboog/reflections/{questionnaire.pk}/answer/"
    )

    # The blank form on A4, from the builder.
    page.get_by_role("link", name=questionnaire.title).first.click()
    page.get_by_role("link", name="Het lege formulier afdrukken (A4)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reflectie: Plenaire bijeenkomst 3")
    expect(page.locator(".reflection-print-question")).to_have_count(6)
    expect(page.get_by_role("button", name="Afdrukken")).to_be_visible()
    accessible_at_both_sizes(page, serious_violations, errors)
