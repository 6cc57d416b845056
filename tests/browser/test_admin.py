"""The admin as staff use it: sign in with password and app code, edit a school on a phone."""

import re

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from learninglines.models import SchoolYear
from sessions_app.models import Questionnaire
from sessions_app.services.reflections import questionnaire_open, reflection_remind
from tests.factories import CoachAssignmentFactory, MemberFactory, SchoolFactory, UserFactory
from tests.sessions_app.plenary import plenary_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "beheer-wachtwoord-2026"


@pytest.fixture
def staff_device(db):
    user = UserFactory(
        email="beheer@school.example",
        name="Marieke Bakker",
        password=PASSWORD,
        is_staff=True,
        is_superuser=True,
    )
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


@pytest.fixture
def csp_errors(page: Page) -> list[str]:
    """Console errors about the content security policy, collected while the test runs."""
    errors: list[str] = []
    page.on(
        "console",
        lambda message: (
            errors.append(message.text)
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    return errors


def sign_in(page: Page, live_server, device: TOTPDevice) -> None:
    page.goto(live_server.url + "/admin/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Inloggen bij het beheer")
    page.get_by_label("E-mailadres").fill(device.user.email)
    page.get_by_role("textbox", name="Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Volgende").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Typ de code uit je app")
    page.get_by_role("textbox", name="Code").press_sequentially(f"{totp(device.bin_key):06d}")
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Beheer")


@pytest.mark.parametrize("width", [360, 1280])
def test_school_page_in_the_admin_works_under_the_csp_on_phone_and_desktop(
    page: Page, live_server, serious_violations, csp_errors, staff_device, school, width
):
    SchoolYear.objects.create(school=school, name="2026-2027", start="2026-08-01", end="2027-07-31")
    CoachAssignmentFactory(school=school)
    page.set_viewport_size({"width": width, "height": 800})

    sign_in(page, live_server, staff_device)
    expect(page.locator("#user-tools strong")).to_have_text("Marieke")
    page.get_by_role("link", name="Scholen").first.click()
    expect(page).to_have_url(live_server.url + "/admin/learninglines/school/")
    expect(page.get_by_role("link", name="Basisschool De Regenboog")).to_be_visible()
    assert csp_errors == []
    assert serious_violations(page) == []
    # axe-core's own checks may inject a <style> the policy blocks: only the page's errors count.
    csp_errors.clear()
    page.get_by_role("link", name="Basisschool De Regenboog").click()
    expect(page).to_have_url(live_server.url + f"/admin/learninglines/school/{school.pk}/change/")

    expect(page.get_by_role("heading", name="Schooljaren")).to_be_visible()
    # Every field of the school-year row has a name and is on the screen, also at 360 px.
    for label in ["Naam", "Eerste dag", "Laatste dag"]:
        field = page.locator("#years-0").get_by_label(label, exact=True)
        expect(field).to_be_visible()
        box = field.bounding_box()
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= width
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.get_by_role("button", name="Nog een Schooljaar toevoegen").click()
    expect(page.locator("#years-1").get_by_label("Naam", exact=True)).to_be_visible()
    assert csp_errors == []  # before axe, which may inject a style of its own
    assert serious_violations(page) == []


@pytest.mark.parametrize("width", [360, 1280])
def test_member_form_and_outbox_pages_work_under_the_csp_on_phone_and_desktop(
    page: Page, live_server, serious_violations, csp_errors, staff_device, school, width
):
    """The pages with autocomplete boxes (select2), a reflection form with its times, and the
    outbox with a reminder listed without its recipient. axe-core's own check injects a
    <style> the policy blocks (its CSS preload), so the console is read before axe runs."""
    members = [MemberFactory(school=school, first_name=f"Lid{n}") for n in range(3)]
    plenary = plenary_of(school, members)
    questionnaire = questionnaire_open(
        questionnaire=Questionnaire.objects.get(session=plenary.session)
    )
    reflection_remind(questionnaire=questionnaire)
    SchoolFactory(name="OBS De Vlinder", slug="de-vlinder")
    page.set_viewport_size({"width": width, "height": 800})
    sign_in(page, live_server, staff_device)

    # a member never moves to another school: the school box is on the page that adds one
    page.goto(live_server.url + "/admin/learninglines/member/add/")
    expect(page).to_have_title(re.compile("^teamlid toevoegen "))
    school_box = page.get_by_role("combobox", name=re.compile("^School"))
    expect(school_box).to_be_visible()
    school_box.click()
    page.locator(".select2-search__field").fill("Vlinder")
    page.get_by_role("option", name="OBS De Vlinder").click()
    expect(school_box).to_have_accessible_name(re.compile("OBS De Vlinder"))
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert csp_errors == []
    assert serious_violations(page) == []
    csp_errors.clear()

    page.goto(live_server.url + f"/admin/sessions_app/questionnaire/{questionnaire.pk}/change/")
    expect(page.get_by_role("textbox", name="Titel")).to_have_value(questionnaire.title)
    expect(page.locator(".field-opens_at .readonly")).not_to_be_empty()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert csp_errors == []
    assert serious_violations(page) == []
    csp_errors.clear()

    page.goto(live_server.url + "/admin/learninglines/outgoingmail/?q=Herinnering")
    expect(page.locator("#result_list")).to_have_count(0)
    page.goto(live_server.url + "/admin/learninglines/outgoingmail/")
    expect(page.locator("#result_list tbody tr")).to_have_count(3)  # the reminders
    assert not page.get_by_text("Herinnering").count()
    assert csp_errors == []
    assert serious_violations(page) == []


def test_staff_without_the_code_stays_out(page: Page, live_server, csp_errors, staff_device):
    page.goto(live_server.url + "/admin/login/")
    page.get_by_label("E-mailadres").fill(staff_device.user.email)
    page.get_by_role("textbox", name="Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Volgende").click()
    page.get_by_role("textbox", name="Code").fill("000000")
    page.get_by_role("button", name="Inloggen").click()

    expect(page.get_by_text("Deze code klopt niet.", exact=False)).to_be_visible()
    page.goto(live_server.url + "/admin/learninglines/school/")
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Scholen")
    assert csp_errors == []


def test_first_sign_in_sets_up_the_app_with_a_qr_code_on_a_phone(
    page: Page, live_server, serious_violations, csp_errors
):
    user = UserFactory(email="nieuw@school.example", password=PASSWORD, is_staff=True)
    page.goto(live_server.url + "/admin/login/")
    assert serious_violations(page) == []
    page.get_by_label("E-mailadres").fill(user.email)
    page.get_by_role("textbox", name="Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Volgende").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Stel je authenticator-app in")
    qr_code = page.get_by_role("img", name="QR-code voor je authenticator-app")
    expect(qr_code).to_be_visible()
    assert qr_code.evaluate("image => image.naturalWidth") > 0  # the data: URI is allowed
    device = TOTPDevice.objects.get(user=user)
    secret = page.locator("#secret").inner_text().replace(" ", "")
    assert device.config_url.split("secret=")[1].startswith(secret)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert csp_errors == []
    assert serious_violations(page) == []

    page.get_by_role("textbox", name="Code uit de app").press_sequentially(
        f"{totp(device.bin_key):06d}"
    )
    page.get_by_role("button", name="Bevestigen").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Je reservecodes")
    expect(page.get_by_role("list", name="Reservecodes").get_by_role("listitem")).to_have_count(10)
    assert csp_errors == []
    assert serious_violations(page) == []
    page.get_by_role("link", name="Naar het beheer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Beheer")
    assert csp_errors == []
