"""An external coach of three schools on a phone and at a laptop.

Coach Carla coaches a Dutch school with a long compound name, an English-language school and a
school without a school year; her assignment at a fourth ended last month. On a 360 px phone and
at a laptop her home and each overview never scroll sideways and axe-core finds nothing serious;
the English school's overview speaks English to her, the empty school says what comes next (also
once it has opened only last year's), and the school she no longer coaches is a 404.
"""

from datetime import time, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from exchange.demo import DEMO_PASSWORD
from learninglines.models import LineMembership
from learninglines.services.lines import line_archive, line_create, membership_move
from learninglines.services.people import school_year_ensure_current
from sessions_app.services.plans import plan_generate
from sessions_app.services.reflections import AnswerData, questionnaire_open, reflection_submit
from sessions_app.services.sessions import session_create, session_hold
from tests.browser.test_plenary import LAPTOP, accessible, console_errors, sign_in
from tests.conftest import PHONE
from tests.factories import MemberFactory, SchoolFactory, UserFactory
from tests.sessions_app.test_coach_year import noted_exchange, three_schools_and_one_ended

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COACH_EMAIL = "carla@coaching.example"
LONG_NAME = "Kindcentrum Zonnebloemschoolgemeenschap Noordoostpolder"


def a_school_with_a_held_session(school, names: list[str], title: str) -> None:
    """Lines of three, a session held a week ago (or on the year's first day) with answers."""
    year = school_year_ensure_current(school=school)
    for name in names:
        line = line_create(school=school, year=year, name=name)
        for _ in range(3):
            membership_move(member=MemberFactory(school=school), line=line, start=year.start)
    day = max(timezone.localdate() - timedelta(days=7), year.start)
    session = session_create(
        school=school, title=title, date=day, start_time=time(15), end_time=time(16, 45)
    )
    plan_generate(session=session, seed=0)
    session_hold(session=session)
    questionnaire = questionnaire_open(questionnaire=session.questionnaire)
    learned = questionnaire.questions.order_by("position")[0]
    useful = questionnaire.questions.order_by("position")[4]
    for member in school.members.all()[:4]:
        reflection_submit(
            questionnaire=questionnaire,
            member=member,
            answers={learned.pk: AnswerData(text="Vraagkaarten"), useful.pk: AnswerData(value=4)},
        )


def no_sideways_scroll(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def test_a_coach_of_three_schools_on_a_phone_and_at_a_laptop(
    page: Page, serious_violations, live_server
):
    coach = UserFactory(email=COACH_EMAIL, password=DEMO_PASSWORD, name="Coach Carla")
    dutch = SchoolFactory(name=LONG_NAME, slug="zonnebloem")
    english, empty, _gone = three_schools_and_one_ended(coach, dutch)
    a_school_with_a_held_session(dutch, ["Lezen", "Rekenen", "Burgerschap"], "Eerste plenaire")
    a_school_with_a_held_session(english, ["Reading", "Maths", "Citizenship"], "First plenary")
    # a small exchange noted as taken from line A, and a line archived since
    line_a, line_b = dutch.lines.order_by("letter")[:2]
    noted_exchange(
        LineMembership.objects.filter(line=line_a).first().member,
        LineMembership.objects.filter(line=line_b).first().member,
        took_from=line_a,
    )
    year = school_year_ensure_current(school=dutch)
    line_archive(line=line_create(school=dutch, year=year, name="Eigenaarschap"))

    errors = console_errors(page)
    sign_in(page, live_server, COACH_EMAIL)
    for viewport in (PHONE, LAPTOP):
        page.set_viewport_size(viewport)
        page.goto(live_server.url + "/coach/")
        expect(page.locator(".coach-school")).to_have_count(3)
        expect(page.get_by_role("heading", level=2, name=LONG_NAME)).to_be_visible()
        expect(page.get_by_text("Vroegere School")).to_have_count(0)
        no_sideways_scroll(page)
        accessible(page, serious_violations, errors)

        page.goto(live_server.url + "/s/zonnebloem/overview/")
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Overzicht van {LONG_NAME}")
        expect(page.locator("#ov-ex-took-caption")).to_be_visible()
        expect(page.locator(".ov-archived")).to_have_count(1)
        no_sideways_scroll(page)
        accessible(page, serious_violations, errors)

        page.goto(live_server.url + "/s/oak-tree/overview/")
        expect(page.locator("html")).to_have_attribute("lang", "en")
        expect(page.get_by_role("heading", level=1)).to_have_text("Overview of Oak Tree Primary")
        expect(page.get_by_role("heading", name="Who has met whom")).to_be_visible()
        no_sideways_scroll(page)
        accessible(page, serious_violations, errors)

        page.goto(live_server.url + "/s/lege-veld/overview/")
        expect(page.get_by_text("Deze school heeft nog geen schooljaar.")).to_be_visible()
        expect(page.get_by_role("link", name="Schooljaren")).to_be_visible()
        no_sideways_scroll(page)
        accessible(page, serious_violations, errors)

    # Het Lege Veld opens only last school year: its overview says that is what it shows.
    school_year_ensure_current(school=empty, today=timezone.localdate() - timedelta(days=366))
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/s/lege-veld/overview/")
    expect(page.locator(".alert-info")).to_be_visible()
    expect(page.locator(".alert-info").get_by_role("link", name="Schooljaren")).to_be_visible()
    no_sideways_scroll(page)
    accessible(page, serious_violations, errors)

    response = page.goto(live_server.url + "/s/vroeger/overview/")
    assert response.status == 404
