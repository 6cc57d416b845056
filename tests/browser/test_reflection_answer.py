"""A teacher answers the reflection form on a phone (360 px), as at the end of the session.

On the demo school a session held today has its form open. The teacher signs in, opens the
form from the session page, fills in half, waits for the page to say it saved ("Opgeslagen"),
reloads and finds the draft, completes and submits, reads the thank-you, changes one answer
and saves the change. The page never scrolls sideways; axe-core and the console (CSP) are
checked on the way.
"""

import re
from datetime import time
from urllib.parse import parse_qs

import pytest
from django.utils import timezone
from playwright.sync_api import BrowserContext, Page, expect

from exchange.demo import DEMO_PASSWORD, demo_seed
from learninglines.models import LearningLine, Member, School
from sessions_app.models import Answer, Questionnaire, Reflection
from sessions_app.services.reflections import questionnaire_open
from sessions_app.services.sessions import session_create
from tests.browser.test_plenary import accessible, console_errors, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def no_sideways_scroll(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def autosave_of(check):
    """A matcher for the autosave response whose form data passes `check` (a dict of lists).

    The autosave waits for a pause in typing; on a busy machine a pause can fall between two
    steps, so an earlier save may already say "Opgeslagen" before the last one is sent.
    """

    def matches(response) -> bool:
        request = response.request
        if request.method != "POST" or not request.url.endswith("/answer/autosave/"):
            return False
        return check(parse_qs(request.post_data or ""))

    return matches


def an_open_form() -> tuple[str, Member, Questionnaire]:
    """Demo school, a session today with its form open: (teacher's e-mail, teacher, form)."""
    result = demo_seed()
    email = result.credentials[1][1]
    school = School.objects.get(slug="de-regenboog")
    session = session_create(
        school=school,
        title="Plenaire reflectie",
        date=timezone.localdate(),
        start_time=time(0, 0),
        end_time=time(23, 59),
    )
    questionnaire = questionnaire_open(questionnaire=Questionnaire.objects.get(session=session))
    return email, Member.objects.get(user__email=email), questionnaire


def test_a_teacher_fills_in_half_reloads_submits_and_changes_an_answer(
    page: Page, serious_violations, live_server
):
    email, teacher, questionnaire = an_open_form()
    school, session = questionnaire.school, questionnaire.session
    learned, brought_took, try_out, talk, useful = questionnaire.questions.order_by("position")
    rekenen = LearningLine.objects.get(year=questionnaire.year, name="Rekenen met begrip")
    errors = console_errors(page)

    sign_in(page, live_server, email)
    page.goto(live_server.url + f"/s/{school.slug}/sessions/{session.pk}/me/")
    page.get_by_role("link", name="Vul de reflectie in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(questionnaire.title)
    status = page.locator("#autosave-status")
    expect(status).to_have_text(
        "Je antwoorden worden bewaard terwijl je typt. Stuur in als je klaar bent."
    )
    expect(page.get_by_text("Opslaan…")).to_be_hidden()
    no_sideways_scroll(page)
    accessible(page, serious_violations, errors)

    # Half of it: the first question and the scale; then the page says it saved.
    page.wait_for_load_state("load")
    with page.expect_response(autosave_of(lambda data: data.get(f"q{useful.pk}") == ["4"])):
        page.get_by_label("Wat heb je geleerd over een andere leerlijn? (verplicht)").fill(
            "Bij Rekenen werken ze met rekenmuurtjes"
        )
        page.locator(f"label[for='q{useful.pk}-4']").click()
    expect(status).to_have_text(re.compile(r"^\s*Opgeslagen \d\d:\d\d\s*$"), timeout=10_000)
    reflection = Reflection.objects.get(questionnaire=questionnaire, member=teacher)
    assert reflection.submitted_at is None
    assert dict(
        Answer.objects.filter(reflection=reflection).values_list("question_id", "value")
    ) == {learned.pk: None, useful.pk: 4}

    # Closing the browser halfway loses nothing: a new load shows the draft.
    page.reload()
    expect(page.locator(f"#q{learned.pk}")).to_have_value("Bij Rekenen werken ze met rekenmuurtjes")
    expect(page.locator(f"#q{useful.pk}-4")).to_be_checked()
    expect(status).to_contain_text("Concept opgeslagen")

    # Complete and submit.
    # (by id: the labels "what I brought / took" are the method's words, still being settled)
    page.locator(f"#q{brought_took.pk}").fill("Onze leeskist")
    page.locator(f"#q{brought_took.pk}_took").fill("Het rekenspel met dobbelstenen")
    page.locator(f"#q{brought_took.pk}_from").select_option(
        label=f"{rekenen.letter} · {rekenen.name}"
    )
    page.get_by_label("Wat ga je uitproberen in je klas?").fill("Stillezen met een timer")
    page.get_by_label("Met wie wil je verder praten?").fill("Met de collega's van Rekenen")
    page.get_by_role("button", name="Insturen").click()
    expect(page.locator("#main").get_by_text("Dank je: je antwoorden zijn binnen.")).to_be_visible()
    expect(page.get_by_text(re.compile("^Ingestuurd op .*; je kunt je antwoorden"))).to_be_visible()
    no_sideways_scroll(page)
    accessible(page, serious_violations, errors)
    reflection.refresh_from_db()
    assert reflection.submitted_at is not None
    assert Reflection.objects.filter(questionnaire=questionnaire).count() == 1

    # Change one answer until the form closes: the button now says so.
    page.get_by_label("Met wie wil je verder praten?").fill("Met Jan en Fatima")
    # A change after submitting is not autosaved: leaving the page asks first, and staying
    # keeps the change on the page.
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.type), dialog.dismiss()))
    page.get_by_role("link", name="Privacy").click()
    expect(page.get_by_label("Met wie wil je verder praten?")).to_have_value("Met Jan en Fatima")
    assert asked == ["beforeunload"]
    # The thank-you and the new value are on this page already: wait for the next one.
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="Wijzigingen opslaan").click()
    expect(page.locator("#main").get_by_text("Dank je: je antwoorden zijn binnen.")).to_be_visible()
    expect(page.get_by_label("Met wie wil je verder praten?")).to_have_value("Met Jan en Fatima")
    assert Answer.objects.get(reflection=reflection, question=talk).text == "Met Jan en Fatima"
    assert Answer.objects.get(reflection=reflection, question=try_out).text == (
        "Stillezen met een timer"
    )
    answer = Answer.objects.get(reflection=reflection, question=brought_took)
    assert (answer.text, answer.took, answer.took_from.name) == (
        "Onze leeskist",
        "Het rekenspel met dobbelstenen",
        "Rekenen met begrip",
    )
    assert errors == []


def test_a_failed_or_signed_out_autosave_keeps_the_page_and_the_text(
    page: Page, context: BrowserContext, live_server
):
    """The network drops one save: the page says so and tries again. The sign-in expires: the
    page stays, with the text, and offers a sign-in in a new tab; after it, saving goes on (the
    renewed CSRF token is read from the cookie)."""
    email, teacher, questionnaire = an_open_form()
    learned = questionnaire.questions.order_by("position").first()
    errors = console_errors(page)
    sign_in(page, live_server, email)
    url = live_server.url + f"/s/{questionnaire.school.slug}/reflections/{questionnaire.pk}/answer/"
    page.goto(url)
    page.wait_for_load_state("load")
    status = page.locator("#autosave-status")
    field = page.locator(f"#q{learned.pk}")

    dropped = []

    def drop_the_first(route):
        if not dropped:
            dropped.append(route.request.url)
            route.abort()
        else:
            route.continue_()

    page.route("**/answer/autosave/", drop_the_first)
    field.fill("Eerste zin")
    expect(status).to_have_text(re.compile(r"^\s*Nog niet opgeslagen, ik probeer het opnieuw"))
    expect(status).to_have_text(re.compile(r"^\s*Opgeslagen \d\d:\d\d\s*$"), timeout=15_000)
    assert len(dropped) == 1
    page.unroute("**/answer/autosave/")
    assert Answer.objects.get(question=learned).text == "Eerste zin"

    # The sign-in expires (the session cookie is gone) while the teacher types on.
    kept = [cookie for cookie in context.cookies() if cookie["name"] != "sessionid"]
    context.clear_cookies()
    context.add_cookies(kept)
    field.fill("Eerste zin. Tweede zin")
    expect(status).to_contain_text("Je bent uitgelogd. Je tekst staat er nog", timeout=10_000)
    assert page.url == url
    expect(field).to_have_value("Eerste zin. Tweede zin")
    assert Answer.objects.get(question=learned).text == "Eerste zin"

    with context.expect_page() as opened:
        status.get_by_role("link", name="log opnieuw in in een nieuw tabblad").click()
    tab = opened.value
    tab.get_by_label("E-mailadres").fill(email)
    tab.get_by_role("textbox", name="Wachtwoord").fill(DEMO_PASSWORD)
    tab.get_by_role("button", name="Inloggen", exact=True).click()
    expect(tab).to_have_url(url)
    tab.close()

    field.press("End")
    whole = "Eerste zin. Tweede zin Derde."
    with page.expect_response(
        autosave_of(lambda data: data.get(f"q{learned.pk}") == [whole]), timeout=10_000
    ):
        field.press_sequentially(" Derde.")
    expect(status).to_have_text(re.compile(r"^\s*Opgeslagen \d\d:\d\d\s*$"), timeout=10_000)
    assert Answer.objects.get(question=learned).text == whole
    assert Reflection.objects.get(questionnaire=questionnaire).member == teacher
    # Only the dropped save shows in the console (htmx logs it); nothing blocked by the CSP.
    assert errors == [
        "htmx:afterRequest, [object HTMLSpanElement]",
        "htmx:sendError, [object HTMLSpanElement]",
        "Failed to load resource: net::ERR_FAILED",
    ]
