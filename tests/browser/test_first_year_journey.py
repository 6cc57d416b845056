"""A new school's first year, as its people live it, in Chromium.

Staff made the school with one steering member and a coach, nothing more: no school year, no
lines, no team. The steering member (laptop) starts from the empty home page: opens the school
year, makes the lines, imports the team from a small CSV, places people, plans meetings (one
recorded afterwards), plans a plenary session, makes and publishes its table plan. A teacher
(phone, keyboard where it matters) opens the link from her mail, reads her own line, plans a
meeting, writes in her learning log, reads her table on the day and answers the reflection.
On the day the steering member marks someone absent, swaps two people, opens the projector,
closes the reflection and reads the results; the coach reads the school from their home page,
the overview and a line's page. On every page: no console error, nothing wider than the
screen, nothing serious or critical for axe-core, Dutch and no English left over.
"""

from __future__ import annotations

import re
from datetime import time, timedelta

import pytest
from django.utils import timezone, translation
from django.utils.translation import trans_real
from playwright.sync_api import Browser, Page, expect

from learninglines.models import LearningLine, LineMeeting, Member, OutgoingMail, SchoolYear
from learninglines.services.lines import line_create, membership_move
from learninglines.services.people import school_year_ensure_current
from sessions_app.models import PlenarySession, Questionnaire
from sessions_app.services.day import session_publish
from sessions_app.services.plans import plan_generate
from sessions_app.services.sessions import session_create
from tests.browser.test_plenary import console_errors, on_the_board
from tests.browser.test_session_day import mailed_path
from tests.factories import CoachAssignmentFactory, MemberFactory, SchoolFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAPTOP = {"width": 1280, "height": 800}
PASSWORD = "een-lang-wachtwoord-2026"
SCHOOL = "/s/het-kompas"
TEAM_CSV = (
    "Voornaam;Tussenvoegsel;Achternaam;E-mailadres\n"
    "Sanne;;Jansen;sanne@kompas.example\n"
    "Daan;van der;Berg;daan@kompas.example\n"
    "Noor;;Bakker;noor@kompas.example\n"
    "Lars;;Visser;lars@kompas.example\n"
    "Emma;de;Jong;emma@kompas.example\n"
    "Milan;;Smit;milan@kompas.example\n"
    "Lotte;;Mulder;lotte@kompas.example\n"
    "Bram;;Bos;bram@kompas.example\n"
)
LINES = {
    "Begrijpend lezen": ["noor", "daan", "bram"],
    "Rekenen met begrip": ["sanne", "emma", "lotte"],
    "Burgerschap": ["fatima", "milan", "lars"],
}


def english_leftovers() -> list[str]:
    """The catalogue's English texts that read differently in Dutch: none may show on a page."""
    with translation.override("nl"):
        catalogue = trans_real.translation("nl")._catalog
        texts = []
        for key, dutch in catalogue.items():
            if not isinstance(key, str):
                continue
            english = key.split("\x04")[-1]
            if len(english) > 20 and " " in english and "%" not in english and english != dutch:
                texts.append(english)
    return texts


ENGLISH: list[str] = []


def looked_at(page: Page, serious_violations, errors: list[str]) -> str:
    """What a critical user checks on every page; returns the page's text."""
    if not ENGLISH:
        ENGLISH.extend(english_leftovers())
    page.wait_for_load_state("load")
    assert errors == [], page.url
    errors.clear()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), page.url
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    text = page.locator("body").inner_text()
    assert [english for english in ENGLISH if english in text] == [], page.url
    assert not re.search(r"\bNone\b|\bundefined\b|\bnan\b", text), page.url
    assert serious_violations(page) == []
    return text


def sign_in(page: Page, live_server, email: str) -> None:
    page.goto(live_server.url + "/login/")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_role("textbox", name="Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen", exact=True).click()
    expect(page).not_to_have_url(re.compile(r"/login/"))


def new_school():
    """What staff made: the school, its first steering member and its coach; nothing else."""
    school = SchoolFactory(name="Basisschool Het Kompas", slug="het-kompas")
    steering = MemberFactory(
        school=school,
        is_steering=True,
        first_name="Fatima",
        last_name="El Amrani",
        user=UserFactory(email="fatima@kompas.example", password=PASSWORD),
    )
    CoachAssignmentFactory(
        school=school,
        user=UserFactory(
            email="carla@begeleiding.example", name="Carla Hoekstra", password=PASSWORD
        ),
    )
    return school, steering


def team_in_lines(school, steering) -> dict[str, LearningLine]:
    """The state the steering member reaches in the first test: a year, three lines, nine people
    placed today."""
    year = school_year_ensure_current(school=school)
    names = {
        "sanne": ("Sanne", "", "Jansen"),
        "daan": ("Daan", "van der", "Berg"),
        "noor": ("Noor", "", "Bakker"),
        "lars": ("Lars", "", "Visser"),
        "emma": ("Emma", "de", "Jong"),
        "milan": ("Milan", "", "Smit"),
        "lotte": ("Lotte", "", "Mulder"),
        "bram": ("Bram", "", "Bos"),
    }
    people = {"fatima": steering}
    for key, (first, prefix, last) in names.items():
        people[key] = MemberFactory(
            school=school,
            first_name=first,
            name_prefix=prefix,
            last_name=last,
            user=UserFactory(email=f"{key}@kompas.example"),
        )
    lines = {}
    for name, keys in LINES.items():
        lines[name] = line_create(school=school, year=year, name=name)
        for key in keys:
            membership_move(member=people[key], line=lines[name], start=timezone.localdate())
    return lines


def test_the_steering_member_starts_a_school_from_nothing(
    page: Page, serious_violations, live_server
):
    school, _steering = new_school()
    today = timezone.localdate()
    page.set_viewport_size(LAPTOP)
    errors = console_errors(page)
    sign_in(page, live_server, "fatima@kompas.example")

    # The empty home page names the next step and links to it: a school year first.
    expect(page).to_have_url(live_server.url + SCHOOL + "/")
    cycle = page.get_by_role("region", name="De cyclus")
    expect(cycle).to_contain_text(
        "Er is geen schooljaar voor vandaag. Open er een om te gaan plannen."
    )
    looked_at(page, serious_violations, errors)
    cycle.get_by_role("link", name="Schooljaren").click()
    # A school made without a year had no way to open one here: the page said "no school years
    # yet" and nothing else.
    year_name = f"{today.year if today.month >= 8 else today.year - 1}-"
    open_year = page.get_by_role(
        "button", name=re.compile(rf"^Schooljaar {year_name}\d{{4}} openen$")
    )
    expect(open_year).to_be_visible()
    looked_at(page, serious_violations, errors)
    years_url = page.url
    token = page.locator("main form input[name=csrfmiddlewaretoken]").input_value()
    open_year.click()
    year = SchoolYear.objects.get(school=school)
    assert year.start <= today <= year.end
    expect(page.get_by_text(f"Schooljaar {year.name} is geopend.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Leerlijnen {year.name}")
    looked_at(page, serious_violations, errors)
    # The same press again (a double click, the back button) opens no second, later year.
    again = page.request.post(years_url, form={"csrfmiddlewaretoken": token, "first": "1"})
    assert again.ok
    assert again.url.endswith(SCHOOL + "/lines/")
    assert list(SchoolYear.objects.filter(school=school)) == [year]

    # Three lines, from the lines page's own next step.
    page.get_by_role("link", name="Maak de eerste leerlijn").click()
    for number, (name, colour) in enumerate(
        [("Begrijpend lezen", "blauw"), ("Rekenen met begrip", "groen"), ("Burgerschap", "oranje")]
    ):
        if number:
            page.goto(live_server.url + SCHOOL + "/lines/create/")
        page.get_by_label("Naam").fill(name)
        page.get_by_label(colour, exact=True).check()
        page.get_by_role("button", name="Opslaan").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text(name)
    looked_at(page, serious_violations, errors)

    # The team from a small CSV, as the home page's team card suggests.
    page.goto(live_server.url + SCHOOL + "/")
    team = page.get_by_role("region", name="Het team")
    expect(team).to_contain_text(
        "Volgende stap: voeg je collega's toe aan het team en nodig ze uit met een persoonlijke"
        " inloglink."
    )
    team.get_by_role("link", name="Bekijk het team").click()
    page.get_by_role("link", name="Importeren uit een spreadsheet").click()
    looked_at(page, serious_violations, errors)
    page.locator("#id_file").set_input_files(
        files=[{"name": "team.csv", "mimeType": "text/csv", "buffer": TEAM_CSV.encode()}]
    )
    page.get_by_role("button", name="Uploaden en controleren").click()
    expect(page.get_by_role("button", name="8 wijzigingen importeren")).to_be_visible()
    looked_at(page, serious_violations, errors)
    page.get_by_role("button", name="8 wijzigingen importeren").click()
    expect(page.get_by_text("Import klaar: 8 nieuw, 0 gewijzigd, 0 ongewijzigd.")).to_be_visible()
    assert Member.objects.filter(school=school, is_active=True).count() == 9
    looked_at(page, serious_violations, errors)

    # Placing people. The steering member sits in a line too: her own card on the home page said
    # "the steering group places everyone", with no way to do it.
    page.goto(live_server.url + SCHOOL + "/")
    mine = page.get_by_role("region", name="Jouw leerlijn")
    expect(mine).to_contain_text(
        "Je zit nog niet in een leerlijn. De stuurgroep deelt iedereen in een leerlijn in, jezelf"
        " ook"
    )
    mine.get_by_role("link", name="Deel jezelf in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Fatima El Amrani")
    page.get_by_label("Nieuwe leerlijn").select_option(label="C. Burgerschap")
    page.get_by_role("button", name="Verplaatsen").click()
    expect(page.get_by_text("Zit nu in C. Burgerschap.")).to_be_visible()
    looked_at(page, serious_violations, errors)
    page.goto(live_server.url + SCHOOL + "/")
    expect(page.get_by_role("region", name="Jouw leerlijn")).to_contain_text("Burgerschap")
    facts = page.locator(".team-facts")
    expect(facts).to_contain_text("In geen leerlijn\n8 · indelen")
    facts.get_by_role("link", name="indelen").click()
    page.get_by_role("link", name="Bakker, Noor").click()
    page.get_by_label("Nieuwe leerlijn").select_option(label="A. Begrijpend lezen")
    looked_at(page, serious_violations, errors)
    page.get_by_role("button", name="Verplaatsen").click()
    expect(page.get_by_text("Zit nu in A. Begrijpend lezen.")).to_be_visible()
    # and on to the next one still in no line, without going back to the list each time
    onward = page.locator(".next-unplaced")
    expect(onward).to_have_text(
        "Nog 7 andere collega's zitten in geen leerlijn. Volgende: Daan van der Berg"
    )
    looked_at(page, serious_violations, errors)
    onward.get_by_role("link", name="Volgende: Daan van der Berg").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Daan van der Berg")
    page.get_by_label("Nieuwe leerlijn").select_option(label="A. Begrijpend lezen")
    page.get_by_role("button", name="Verplaatsen").click()
    expect(page.get_by_text("Zit nu in A. Begrijpend lezen.")).to_be_visible()
    expect(onward).to_have_text(
        "Nog 6 andere collega's zitten in geen leerlijn. Volgende: Bram Bos"
    )
    lines = {line.name: line for line in LearningLine.objects.filter(school=school)}
    people = {m.user.email.split("@")[0]: m for m in Member.objects.select_related("user")}
    for name, keys in LINES.items():
        for key in keys:
            if key not in ("noor", "daan", "fatima"):
                membership_move(member=people[key], line=lines[name], start=today)

    # A meeting the line held before anyone was placed: the page says why nobody can be marked
    # and where to fix it (it said "place members in the line first", while they were in it).
    page.goto(live_server.url + lines["Begrijpend lezen"].get_absolute_url())
    page.get_by_role("link", name="Plan een bijeenkomst").click()
    earlier = max(year.start, today - timedelta(days=7))
    page.get_by_label("Datum").fill(earlier.isoformat())
    page.get_by_label("Begintijd").fill("15:30")
    page.get_by_label("Eindtijd").fill("16:30")
    page.get_by_label("Onderwerp").fill("Vragen stellen bij een tekst")
    page.get_by_role("button", name="Plan de bijeenkomst").click()
    expect(page.get_by_text("De bijeenkomst is gepland.")).to_be_visible()
    attendance = page.locator("#attendance")
    if earlier < today:  # not on the school year's first day
        expect(attendance).to_contain_text(
            f"zat nog niemand in deze leerlijn: de leden zitten erin vanaf {today.day} "
        )
        looked_at(page, serious_violations, errors)
        attendance.get_by_role(
            "link", name="De leden van Begrijpend lezen op de teampagina"
        ).click()
        expect(page.get_by_role("link", name="Bakker, Noor")).to_be_visible()
        expect(page.get_by_role("link", name="Jansen, Sanne")).to_have_count(0)

    # The plenary session, from the home page.
    page.goto(live_server.url + SCHOOL + "/")
    page.get_by_role("link", name="Plan een plenaire bijeenkomst").click()
    page.get_by_label("Datum").fill(today.isoformat())
    page.get_by_label("Plaats").fill("De aula")
    looked_at(page, serious_violations, errors)
    page.get_by_role("button", name="Plan de bijeenkomst").click()
    expect(
        page.get_by_text("De bijeenkomst is gepland met het programma van de methode.")
    ).to_be_visible()
    expect(page.locator("#main").get_by_text("2 tafelrondes · 95 van 105 minuten")).to_be_visible()
    looked_at(page, serious_violations, errors)

    page.get_by_role("link", name="Naar de tafelindeling").click()
    expect(page.get_by_text("9 mensen uit 3 leerlijnen, 2 tafelrondes.")).to_be_visible()
    looked_at(page, serious_violations, errors)
    on_the_board(page, page.get_by_role("button", name="Maak de tafelindeling").click)
    expect(
        page.get_by_text("De tafelindeling is klaar: 3 tafels, 0 herhaalde ontmoetingen.")
    ).to_be_visible()
    looked_at(page, serious_violations, errors)
    page.get_by_role("link", name="Publiceer de tafelindeling").click()
    expect(page.get_by_text(re.compile(r"^9 mensen krijgen een mail"))).to_be_visible()
    looked_at(page, serious_violations, errors)
    page.get_by_role("button", name="Publiceer en verstuur de mails").click()
    expect(
        page.get_by_text("Gepubliceerd. 9 mails met een persoonlijke link zijn onderweg.")
    ).to_be_visible()
    assert OutgoingMail.objects.filter(kind=OutgoingMail.Kind.SESSION).count() == 9
    looked_at(page, serious_violations, errors)


def published_today(school, steering) -> PlenarySession:
    team_in_lines(school, steering)
    session = session_create(
        school=school,
        title="Plenaire bijeenkomst 1",
        date=timezone.localdate(),
        start_time=time(15, 0),
        end_time=time(16, 45),
        place="De aula",
    )
    plan_generate(session=session, seed=0)
    session_publish(session=session)
    return session


def test_a_teacher_on_her_phone_and_the_steering_member_on_the_day(
    page: Page, browser: Browser, browser_context_args, serious_violations, live_server, mailoutbox
):
    school, steering = new_school()
    session = published_today(school, steering)
    line = LearningLine.objects.get(name="Rekenen met begrip")
    today = timezone.localdate()

    # The teacher opens the link in her mail on her phone (the default screen of these tests).
    errors = console_errors(page)
    mail = OutgoingMail.objects.get(to="sanne@kompas.example", kind=OutgoingMail.Kind.SESSION)
    page.goto(live_server.url + mailed_path(mail, mailoutbox))
    expect(
        page.get_by_text("Je staat op het punt in te loggen als sanne@kompas.example.")
    ).to_be_visible()
    looked_at(page, serious_violations, errors)
    page.get_by_role("button", name="Inloggen", exact=True).click()
    expect(page).to_have_url(live_server.url + session.get_absolute_url() + "me/")
    my_table = looked_at(page, serious_violations, errors)
    assert "Ronde 1 — tafel" in my_table
    assert "Ronde 2 — tafel" in my_table

    # Her home page: her line, the session, her log.
    page.get_by_role("link", name="Basisschool Het Kompas").first.click()
    expect(page.get_by_role("heading", name="Jouw leerlijn")).to_be_visible()
    looked_at(page, serious_violations, errors)
    page.get_by_role("region", name="Jouw leerlijn").get_by_role(
        "link", name="Rekenen met begrip"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Rekenen met begrip")
    expect(page.locator("#main")).to_contain_text("Leden (3)")
    looked_at(page, serious_violations, errors)

    # She plans her line's next meeting.
    page.get_by_role("link", name="Plan een bijeenkomst").click()
    looked_at(page, serious_violations, errors)
    next_week = min(today + timedelta(days=7), line.year.end)
    page.get_by_label("Datum").fill(next_week.isoformat())
    page.get_by_label("Begintijd").fill("15:30")
    page.get_by_label("Eindtijd").fill("16:30")
    page.get_by_label("Onderwerp").fill("Rekenmuurtjes")
    page.get_by_role("button", name="Plan de bijeenkomst").click()
    expect(page.get_by_text("De bijeenkomst is gepland.")).to_be_visible()
    expect(page.locator("#attendance")).to_contain_text(
        "3 leden in de leerlijn op deze datum: 0 aanwezig, 0 afgemeld, 0 afwezig."
    )
    looked_at(page, serious_violations, errors)
    assert LineMeeting.objects.get(line=line).topic == "Rekenmuurtjes"

    # A learning log entry, shared with her line.
    page.goto(live_server.url + SCHOOL + "/log/")
    looked_at(page, serious_violations, errors)
    page.get_by_role("link", name="Nieuwe notitie").click()
    page.get_by_label("Wat ik heb geprobeerd").fill("Rekenmuurtjes met groep 5")
    page.get_by_label("Wat het deed voor mijn leerlingen").fill(
        "Ze legden elkaar uit hoe ze splitsten."
    )
    page.get_by_label("Ik en mijn leerlijn").check()
    looked_at(page, serious_violations, errors)
    page.get_by_role("button", name="Bewaar de notitie").click()
    expect(page.get_by_text("Je notitie is bewaard.")).to_be_visible()
    expect(page.locator("#main")).to_contain_text("gedeeld met de leerlijn")
    looked_at(page, serious_violations, errors)

    # The steering member, at a laptop in a second browser, opens the reflection at the end.
    steering_context = browser.new_context(**{**browser_context_args, "viewport": LAPTOP})
    desk = steering_context.new_page()
    desk_errors = console_errors(desk)
    sign_in(desk, live_server, "fatima@kompas.example")
    desk.goto(live_server.url + session.get_absolute_url())
    desk.get_by_role("link", name="Geef afwezigen aan").click()
    looked_at(desk, serious_violations, desk_errors)
    desk.get_by_role("group", name="Lars Visser").get_by_text("afwezig").click()
    desk.get_by_role("button", name="Bewaar de aanwezigheid").click()
    expect(desk.get_by_text("De aanwezigheid is bewaard (1 wijziging).")).to_be_visible()
    looked_at(desk, serious_violations, desk_errors)

    desk.get_by_role("link", name="Naar de tafelindeling").click()
    expect(desk.locator(".plan-numbers")).to_contain_text("8 mensen in ronde 1")
    looked_at(desk, serious_violations, desk_errors)
    first = desk.locator("#round-1 a.plan-seat-name").first
    chosen = first.inner_text().strip()
    on_the_board(desk, first.click)
    expect(desk.locator("#round-1 .plan-seat-selected")).to_contain_text(chosen)
    looked_at(desk, serious_violations, desk_errors)
    on_the_board(desk, desk.locator("#round-1 button.plan-seat-name").last.click)
    expect(desk.locator("#main").get_by_text("Gewisseld.")).to_be_visible()
    looked_at(desk, serious_violations, desk_errors)

    desk.goto(live_server.url + session.get_absolute_url() + "projector/")
    expect(desk.get_by_text("Ronde 1: de tafels")).to_be_visible()
    looked_at(desk, serious_violations, desk_errors)

    questionnaire = Questionnaire.objects.get(session=session)
    desk.goto(live_server.url + session.get_absolute_url())
    desk.get_by_role("link", name="Reflectieformulier").click()
    desk.get_by_role("button", name="Nu openen").click()
    expect(desk.get_by_text(re.compile(r"^Het formulier is open tot "))).to_be_visible()
    looked_at(desk, serious_violations, desk_errors)

    # The teacher answers on her phone, with the keyboard.
    page.goto(live_server.url + SCHOOL + "/")
    to_answer = page.get_by_role("region", name="Reflectieformulieren om in te vullen")
    expect(to_answer).to_contain_text("Nog niet ingestuurd")
    to_answer.get_by_role("link", name="Reflectie: Plenaire bijeenkomst 1").click()
    looked_at(page, serious_violations, errors)
    page.get_by_label("Wat heb je geleerd over een andere leerlijn?").focus()
    page.keyboard.type("Hoe Burgerschap met kringgesprekken werkt.")
    page.get_by_label("Wat ga je uitproberen in je klas?").focus()
    page.keyboard.type("Een kringgesprek bij rekenen.")
    page.locator("#q" + str(questionnaire.questions.get(kind="scale").pk) + "-4").focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Insturen").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    looked_at(page, serious_violations, errors)
    page.goto(live_server.url + SCHOOL + "/")
    expect(page.get_by_role("region", name="Reflectieformulieren om in te vullen")).to_contain_text(
        "Ingestuurd: je kunt het nog aanpassen"
    )

    # The steering member closes the form and reads the results.
    desk.goto(live_server.url + f"{SCHOOL}/reflections/{questionnaire.pk}/")
    desk.once("dialog", lambda dialog: dialog.accept())
    desk.get_by_role("button", name="Nu sluiten").click()
    expect(desk.get_by_text(re.compile(r"^gesloten"))).to_be_visible()
    looked_at(desk, serious_violations, desk_errors)
    desk.get_by_role("link", name="Resultaten").click()
    # the same words as the forms list and the participation page
    expect(desk.locator("#results-rate")).to_have_text("13 % ingestuurd: 1 van 8")
    expect(desk.locator("#main")).to_contain_text(
        "Hoe Burgerschap met kringgesprekken werkt. — Sanne Jansen"
    )
    expect(desk.locator("#main")).not_to_contain_text("Een kringgesprek bij rekenen.")  # private
    looked_at(desk, serious_violations, desk_errors)
    steering_context.close()


def test_the_coach_reads_the_school_after_its_first_session(
    page: Page, serious_violations, live_server
):
    school, steering = new_school()
    session = published_today(school, steering)
    page.set_viewport_size(LAPTOP)
    errors = console_errors(page)
    sign_in(page, live_server, "carla@begeleiding.example")

    # One school: the coach lands on its home page, with the cycle, the session and the team.
    expect(page).to_have_url(live_server.url + SCHOOL + "/")
    looked_at(page, serious_violations, errors)
    expect(page.get_by_role("region", name="Plenaire bijeenkomsten")).to_contain_text(
        "Volgende: Plenaire bijeenkomst 1"
    )
    facts = page.locator(".team-facts")
    expect(facts).to_contain_text("Actieve teamleden\n9")
    expect(facts).to_contain_text("Coach\nCarla Hoekstra")

    page.get_by_role("link", name="Overzicht van de school").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Overzicht van Basisschool Het Kompas"
    )
    overview = looked_at(page, serious_violations, errors)
    assert "In deze periode is nog geen plenaire bijeenkomst gehouden." in overview

    page.goto(live_server.url + LearningLine.objects.get(name="Burgerschap").get_absolute_url())
    expect(page.locator("#main")).to_contain_text("Leden (3)")
    looked_at(page, serious_violations, errors)
    page.goto(live_server.url + session.get_absolute_url() + "plan/")
    expect(page.get_by_role("heading", name="De cijfers")).to_be_visible()
    looked_at(page, serious_violations, errors)
