"""The results of a reflection form read in the browser by a steering member of the demo school.

Most of the team answered a session's form (through the services, as the answer page does); the
steering member reads the results at a laptop and on a phone, filters on one learning line (a
plain GET form: no script needed) and finds the chart with its accessible name. axe-core and
the console (CSP) are checked on every page on the way.
"""

import re
from datetime import time

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from exchange.demo import demo_seed
from learninglines.models import LearningLine, School
from sessions_app.selectors.reflections import questionnaire_asked
from sessions_app.services.reflections import AnswerData, questionnaire_open, reflection_submit
from sessions_app.services.sessions import session_create
from tests.browser.test_plenary import LAPTOP, STEERING_EMAIL, accessible, console_errors, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}


def answered_form():
    """A session today whose form all but three of the team answered."""
    school = School.objects.get(slug="de-regenboog")
    session = session_create(
        school=school,
        title="Plenaire bijeenkomst Resultaten",
        date=timezone.localdate(),
        start_time=time(15, 0),
        end_time=time(16, 45),
    )
    questionnaire = questionnaire_open(questionnaire=session.questionnaire)
    learned, brought_took, tried, _talk, useful = questionnaire.questions.order_by("position")
    asked = questionnaire_asked(questionnaire=questionnaire)
    for number, item in enumerate(asked[:-3]):
        reflection_submit(
            questionnaire=questionnaire,
            member=item.member,
            answers={
                learned.pk: AnswerData(text=f"Samen lezen werkt ({number})"),
                brought_took.pk: AnswerData(
                    text="Een leeskaart", took="Een rekenspel", took_from=asked[0].line.pk
                ),
                tried.pk: AnswerData(text="Geheim voornemen"),
                useful.pk: AnswerData(value=number % 3 + 3),
            },
        )
    return questionnaire


def test_a_steering_member_reads_the_results_and_filters_on_a_line(
    page: Page, serious_violations, live_server
):
    demo_seed()
    questionnaire = answered_form()
    line = LearningLine.objects.filter(year_id=questionnaire.year_id).order_by("letter").first()
    url = f"{live_server.url}/s/de-regenboog/reflections/{questionnaire.pk}/results/"
    page.set_viewport_size(LAPTOP)
    errors = console_errors(page)
    sign_in(page, live_server, STEERING_EMAIL)

    page.goto(url)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Resultaten")
    expect(page.locator("#results-rate")).to_contain_text("% ingestuurd:")
    chart = page.get_by_role("img", name=re.compile(r"Grafiek: Hoe bruikbaar"))
    expect(chart).to_be_visible()
    assert chart.evaluate("(svg) => svg.tagName") == "svg"
    expect(page.get_by_role("table", name=re.compile("Hoe bruikbaar"))).to_be_visible()
    expect(
        page.locator("#main").get_by_text("Alleen de schrijvers lezen deze antwoorden.")
    ).to_be_visible()
    expect(page.get_by_text("Geheim voornemen")).to_have_count(0)
    accessible(page, serious_violations, errors)

    # The filter: a plain form, kept in the address; the downloads follow it.
    page.get_by_label("Leerlijn", exact=True).select_option(str(line.pk))
    page.get_by_role("button", name="Tonen").click()
    expect(page).to_have_url(re.compile(rf"\?line={line.pk}$"))
    expect(page.locator("#results-rate")).to_contain_text(f"alleen leerlijn {line}")
    expect(page.get_by_role("link", name="Download als Excel (.xlsx)")).to_have_attribute(
        "href", re.compile(rf"results\.xlsx\?line={line.pk}$")
    )
    accessible(page, serious_violations, errors)

    # On a phone the same page, nothing wider than the screen.
    page.set_viewport_size(PHONE)
    page.goto(url)
    expect(page.get_by_role("img", name=re.compile(r"Grafiek: Hoe bruikbaar"))).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    accessible(page, serious_violations, errors)
