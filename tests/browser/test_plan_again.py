"""Making a published plan again asks first: teachers have seen their tables, and a new plan
can give many of them another one. A draft's plan is made again at once."""

import pytest
from playwright.sync_api import Page, expect

from exchange.demo import demo_seed
from learninglines.models import School
from sessions_app.models import PlenarySession
from tests.browser.test_plenary import LAPTOP, STEERING_EMAIL, console_errors, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

QUESTION = (
    "Leraren hebben deze indeling al gezien. Opnieuw indelen kan velen van hen een andere tafel "
    "geven, en dat moeten ze dan horen. Toch opnieuw indelen?"
)


def test_a_published_plan_is_made_again_only_after_a_yes(page: Page, live_server):
    demo_seed()
    session = PlenarySession.objects.get(
        school=School.objects.get(slug="de-regenboog"), status=PlenarySession.Status.PUBLISHED
    )
    version = session.plan.version
    page.set_viewport_size(LAPTOP)
    errors = console_errors(page)
    sign_in(page, live_server, STEERING_EMAIL)
    page.goto(live_server.url + session.get_absolute_url() + "plan/")
    again = page.get_by_role("button", name="Deel opnieuw in", exact=True)

    asked = []
    made = []
    page.on("request", lambda r: made.append(r.url) if "/plan/generate/" in r.url else None)

    def answer(dialog, accept):
        asked.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.once("dialog", lambda dialog: answer(dialog, False))
    again.click()
    session.plan.refresh_from_db()
    assert (asked, session.plan.version) == ([QUESTION], version)

    page.once("dialog", lambda dialog: answer(dialog, True))
    again.click()
    expect(page.locator("#main").get_by_text("De tafelindeling is klaar")).to_be_visible()
    session.plan.refresh_from_db()
    assert (asked, session.plan.version) == ([QUESTION, QUESTION], version + 1)
    # Requests leave in order: one in all, so the "no" sent none.
    assert len(made) == 1, made
    assert errors == []
