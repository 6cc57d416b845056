"""An English-speaking school from its first day, walked in a real browser by every role.

The school is made as a real one starts: `manage.py create_school ... --language en`, the coach
with `manage.py assign_coach`, then lines, members, meetings and a plenary session with a
published plan through the services the pages use. Each role starts in a fresh browser with no
language cookie, as someone who opens a link from a mail for the first time: a teacher with a
plain link (sign-in page, password), a teacher with the personal link of the session mail, the
steering group on a laptop, the coach (a guest, never a member). On every page: `<html
lang="en">` and no Dutch interface word in the text, the labels and the strings scripts show
(data- attributes). Everything typed here is English, so any Dutch word found is the
interface's. The language switch to Dutch is kept on later pages, and back again; the mails
queued for the school are English too.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from learninglines.models import OutgoingMail, School, SchoolYear, User
from learninglines.services.imports import staff_import_create
from learninglines.services.journal import log_entry_create
from learninglines.services.lines import line_create, membership_move
from learninglines.services.meetings import meeting_create
from learninglines.services.outbox import mail_send_queued
from learninglines.services.people import member_add
from sessions_app.models import PlenarySession, Questionnaire
from sessions_app.selectors.reflections import questionnaire_asked
from sessions_app.services.day import session_publish
from sessions_app.services.plans import plan_generate
from sessions_app.services.reflections import AnswerData, questionnaire_open, reflection_submit
from sessions_app.services.sessions import session_create, session_hold
from tests.learninglines.test_import_files import csv_file

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-password-for-sunrise"
SLUG = "sunrise"
STEERING = "emma.clark@sunrise.example"
TEACHER = "oliver.smith@sunrise.example"
SECOND_TEACHER = "grace.lee@sunrise.example"
COACH = "chris.baker@coach.example"
LAPTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}

# Frequent Dutch interface words that never occur in English interface text (whole words, any
# case). Everything typed for this school is English, so a hit is the interface's own.
DUTCH_WORDS = [
    "opslaan",
    "bewaren",
    "bijeenkomst",
    "bijeenkomsten",
    "plenaire",
    "leerlijn",
    "leerlijnen",
    "inloggen",
    "uitloggen",
    "terug",
    "annuleren",
    "wijzigen",
    "verwijderen",
    "toevoegen",
    "afdrukken",
    "ronde",
    "rondes",
    "tafel",
    "tafels",
    "tafelindeling",
    "maandag",
    "dinsdag",
    "woensdag",
    "donderdag",
    "vrijdag",
    "zaterdag",
    "zondag",
    "januari",
    "februari",
    "maart",
    "mei",
    "juni",
    "juli",
    "augustus",
    "oktober",
    "mrt",
    "okt",
    "een",
    "het",
    "niet",
    "geen",
    "nog",
    "naar",
    "voor",
    "jouw",
    "wij",
    "uur",
    "minuten",
    "vandaag",
    "morgen",
    "gisteren",
    "volgende",
    "vorige",
    "leerkracht",
    "leerkrachten",
    "stuurgroep",
    "logboek",
    "uitwisseling",
    "uitwisselingen",
    "reflectie",
    "vragenlijst",
    "aanwezig",
    "afwezig",
    "deelnemers",
    "overzicht",
    "opdracht",
    "opdrachten",
    "bekijk",
    "nieuwe",
    "alle",
    "welkom",
    "ambitie",
    "mijn",
    "gegevens",
    "downloaden",
    "sluiten",
]
DUTCH = re.compile(r"\b(" + "|".join(DUTCH_WORDS) + r")\b", re.IGNORECASE)

# The page's words: text (outside <script>/<style> and outside anything marked as another
# language, such as the switch's "Nederlands"), the title, labels and the strings scripts show.
PAGE_WORDS = """() => {
    const foreign = (el) => el.closest('[lang]:not([lang^="en"])') !== null;
    const parts = [document.title];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
        const parent = walker.currentNode.parentElement;
        if (!parent || parent.closest('script, style') || foreign(parent)) continue;
        parts.push(walker.currentNode.textContent);
    }
    for (const el of document.body.querySelectorAll('*')) {
        if (foreign(el)) continue;
        for (const attr of el.attributes) {
            const text = ['aria-label', 'title', 'placeholder', 'alt', 'aria-description']
                .includes(attr.name)
                || (attr.name === 'value' && el.matches('button, input[type=submit]'))
                || (attr.name.startsWith('data-') && /\\s/.test(attr.value.trim()));
            if (text) parts.push(attr.value);
        }
    }
    return parts.join(' ');
}"""


def dutch_words(text: str) -> list[str]:
    """The Dutch interface words in `text`; web addresses (the site's host name) left out."""
    text = re.sub(r"\S+://\S+", " ", text)
    return sorted({found.lower() for found in DUTCH.findall(text)})


def school_day(day: date, year: SchoolYear) -> date:
    """`day` moved back onto a weekday inside `year`."""
    day = max(min(day, year.end), year.start)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def held_session_with_answers(school, lines, steering) -> PlenarySession:
    """A session held a few days ago whose reflection form everyone present answered."""
    today = timezone.localdate()
    held = session_create(
        school=school,
        title="Autumn plenary",
        date=school_day(today - timedelta(days=2), steering.school.years.get()),
        start_time=time(15, 0),
        end_time=time(16, 45),
        place="Hall",
        by=steering.user,
    )
    plan_generate(session=held, by=steering.user, seed=0)
    session_hold(session=held)
    opened = timezone.make_aware(datetime.combine(held.date, time(16, 30)))
    questionnaire = questionnaire_open(
        questionnaire=Questionnaire.objects.get(session=held), now=opened
    )
    questionnaire.closes_at = timezone.now() + timedelta(days=4)
    questionnaire.save(update_fields=["closes_at"])
    for index, asked in enumerate(questionnaire_asked(questionnaire=questionnaire)):
        own = asked.member.line_memberships.get().line
        other = next(line for line in lines if line.pk != own.pk)
        answers = {}
        for question in questionnaire.questions.all():
            if question.kind == "scale":
                answers[question.pk] = AnswerData(value=3 + index % 3)
            elif question.kind == "brought_took":
                answers[question.pk] = AnswerData(
                    text="Our reading cards", took="Their sum talk", took_from=other.pk
                )
            elif question.kind == "open":
                answers[question.pk] = AnswerData(text="Asking pupils to explain their steps")
        reflection_submit(
            questionnaire=questionnaire,
            member=asked.member,
            answers=answers,
            now=opened + timedelta(minutes=5 + index),
        )
    return held


def english_school() -> SimpleNamespace:
    """Sunrise International School as it starts: the command, its coach, three lines of
    four, a meeting held and one to come per line, a published plenary session."""
    call_command(
        "create_school",
        "Sunrise International School",
        "--steering",
        STEERING,
        "--first-name",
        "Emma",
        "--last-name",
        "Clark",
        "--slug",
        SLUG,
        "--language",
        "en",
    )
    call_command("assign_coach", SLUG, COACH, "--name", "Chris Baker")
    school = School.objects.get(slug=SLUG)
    year = SchoolYear.objects.get(school=school)
    people = [
        ("Emma", "Clark"),
        ("Oliver", "Smith"),
        ("Grace", "Lee"),
        ("Henry", "Walker"),
        ("Alice", "Turner"),
        ("James", "Wright"),
        ("Sophie", "Hughes"),
        ("Lucas", "Green"),
        ("Ella", "Brooks"),
        ("Noah", "Price"),
        ("Mia", "Cooper"),
        ("Leo", "Reed"),
    ]
    members = [
        member_add(
            school=school,
            email=f"{first.lower()}.{last.lower()}@sunrise.example",
            first_name=first,
            last_name=last,
        )[0]
        for first, last in people
    ]
    lines = [
        line_create(school=school, year=year, name=name, goal=goal)
        for name, goal in (
            ("Reading comprehension", "Pupils explain what they read in their own words."),
            ("Maths talk", "Pupils say how they solved a sum."),
            ("Feedback", "Every pupil hears one concrete next step a week."),
        )
    ]
    for index, member in enumerate(members):
        membership_move(member=member, line=lines[index % 3], start=year.start)
    for user in User.objects.filter(email__in=[STEERING, TEACHER, COACH]):
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
    today = timezone.localdate()
    meetings = []
    for line in lines:
        meeting_create(
            line=line,
            date=school_day(today - timedelta(days=7), year),
            start_time=time(15, 30),
            end_time=time(16, 30),
            topic="Sharing what worked in class",
            place="Library",
        )
        meetings.append(
            meeting_create(
                line=line,
                date=school_day(today + timedelta(days=7), year),
                start_time=time(15, 30),
                end_time=time(16, 30),
                topic="Looking at pupils' work together",
                place="Library",
            )
        )
    log_entry_create(
        author=members[1],
        date=today,
        tried="Thinking aloud while reading",
        effect="More pupils asked questions",
        to_bring="",
    )
    steering = members[0]
    session = session_create(
        school=school,
        title="Spring plenary",
        date=school_day(today + timedelta(days=14), year),
        start_time=time(15, 0),
        end_time=time(16, 45),
        place="Hall",
        by=steering.user,
    )
    plan_generate(session=session, by=steering.user, seed=0)
    session_publish(session=session, by=steering.user)
    held = held_session_with_answers(school, lines, steering)
    staff_import = staff_import_create(
        school=school,
        by=steering.user,
        file_name="team.csv",
        content=csv_file(
            [
                ["First name", "Name prefix", "Last name", "E-mail address", "Line", "Steering"],
                ["Ruby", "", "Evans", "ruby.evans@sunrise.example", "A", ""],
            ]
        ),
    )
    return SimpleNamespace(
        school=school,
        lines=lines,
        teacher=members[1],
        steering=steering,
        meeting=meetings[1],
        session=session,
        questionnaire=Questionnaire.objects.get(session=session),
        held=held,
        answered=Questionnaire.objects.get(session=held),
        staff_import=staff_import,
    )


def url(live_server, name: str, **kwargs) -> str:
    return live_server.url + reverse(name, kwargs={"school_slug": SLUG, **kwargs})


class Walk:
    """Pages visited in one browser; every problem found is kept, to report all at once."""

    def __init__(self, page: Page, serious_violations):
        self.page = page
        self.serious_violations = serious_violations
        self.problems: list[str] = []

    def check(self, language: str = "en", *, axe: bool = True) -> None:
        page = self.page
        page.wait_for_load_state("load")
        where = page.url.split("//", 1)[1].split("/", 1)[1]
        lang = page.get_attribute("html", "lang")
        if lang != language:
            self.problems.append(f"/{where}: <html lang={lang!r}>, not {language!r}")
        if language == "en":
            found = dutch_words(page.evaluate(PAGE_WORDS))
            if found:
                self.problems.append(f"/{where}: Dutch words {found}")
        if axe:
            self.problems += self.serious_violations(page)

    def visit(self, address: str, language: str = "en", *, axe: bool = True) -> None:
        response = self.page.goto(address)
        if response is None or response.status != 200:
            self.problems.append(f"{address}: status {response.status if response else None}")
        self.check(language, axe=axe)

    def done(self) -> None:
        assert self.problems == [], "\n".join(self.problems)


def password_sign_in(page: Page, email: str) -> None:
    page.get_by_label("E-mail address").fill(email)
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page).not_to_have_url(re.compile(r"/login/"))


def test_a_teacher_opens_a_plain_link_from_a_mail_and_signs_in_with_a_password(
    page: Page, live_server, serious_violations
):
    school = english_school()
    walk = Walk(page, serious_violations)
    page.set_viewport_size(PHONE)
    meeting = url(live_server, "learninglines:meeting-detail", pk=school.meeting.pk)
    page.goto(meeting)
    expect(page).to_have_url(re.compile(r"/login/\?next="))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    walk.check()
    password_sign_in(page, TEACHER)
    expect(page).to_have_url(meeting)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Looking at pupils' work together")
    walk.check()
    line = school.lines[1]  # Oliver is the second of the team: in line B
    for address in (
        live_server.url + "/",
        url(live_server, "school-home"),
        url(live_server, "learninglines:line-detail", pk=line.pk),
        url(live_server, "learninglines:line-content", pk=line.pk),
        url(live_server, "learninglines:meeting-create", line_pk=line.pk),
        url(live_server, "learninglines:log-list"),
        url(live_server, "learninglines:log-create"),
        url(live_server, "learninglines:calendar"),
        url(live_server, "sessions_app:ambition"),
        url(live_server, "sessions_app:exchange-list"),
        url(live_server, "sessions_app:exchange-start"),
        url(live_server, "sessions_app:my-session", pk=school.session.pk),
        url(live_server, "sessions_app:reflection-print", pk=school.questionnaire.pk),
        live_server.url + reverse("learninglines:my-data"),
        live_server.url + reverse("privacy"),
    ):
        walk.visit(address)
    walk.done()


def session_mail_link(teacher_email: str, mailoutbox) -> tuple[OutgoingMail, str]:
    """The session mail queued for `teacher_email`, sent as cron would, and its link's path."""
    mail = OutgoingMail.objects.get(to=teacher_email, kind=OutgoingMail.Kind.SESSION)
    assert mail_send_queued(ids=[mail.pk]).sent == 1
    [sent] = [m for m in mailoutbox if m.to == [teacher_email]]
    link = re.search(r"https?://[^/\s]+(/login/link/\S+)", sent.body).group(1)
    return sent, link


def test_a_teacher_follows_the_personal_link_of_the_session_mail(
    page: Page, live_server, serious_violations, mailoutbox
):
    school = english_school()
    walk = Walk(page, serious_violations)
    page.set_viewport_size(PHONE)
    sent, link = session_mail_link(SECOND_TEACHER, mailoutbox)
    assert sent.subject.startswith("Plenary session on ")
    page.goto(live_server.url + link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome")
    walk.check()
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page).to_have_url(url(live_server, "sessions_app:my-session", pk=school.session.pk))
    walk.check()
    for address in (
        url(live_server, "school-home"),
        url(live_server, "learninglines:line-detail", pk=school.lines[2].pk),
        url(live_server, "learninglines:log-list"),
        url(live_server, "sessions_app:exchange-list"),
        url(live_server, "learninglines:calendar"),
        live_server.url + reverse("learninglines:my-data"),
    ):
        walk.visit(address)
    walk.done()


def test_the_steering_group_on_a_laptop(page: Page, live_server, serious_violations):
    school = english_school()
    walk = Walk(page, serious_violations)
    page.set_viewport_size(LAPTOP)
    team = url(live_server, "learninglines:member-list")
    page.goto(team)
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    walk.check()
    password_sign_in(page, STEERING)
    expect(page).to_have_url(team)
    walk.check()
    session = school.session.pk
    questionnaire = school.questionnaire.pk
    for address in (
        url(live_server, "school-home"),
        url(live_server, "learninglines:member-create"),
        url(live_server, "learninglines:member-update", pk=school.teacher.pk),
        url(live_server, "learninglines:member-invite-all"),
        url(live_server, "learninglines:staff-import"),
        url(live_server, "learninglines:staff-import-preview", pk=school.staff_import.pk),
        url(live_server, "learninglines:year-list"),
        url(live_server, "learninglines:line-list"),
        url(live_server, "learninglines:line-update", pk=school.lines[0].pk),
        url(live_server, "learninglines:meeting-list"),
        url(live_server, "sessions_app:session-list"),
        url(live_server, "sessions_app:session-create"),
        url(live_server, "sessions_app:session-earlier"),
        url(live_server, "sessions_app:session-detail", pk=session),
        url(live_server, "sessions_app:session-update", pk=session),
        url(live_server, "sessions_app:plan-detail", pk=session),
        url(live_server, "sessions_app:session-attendance", pk=session),
        url(live_server, "sessions_app:session-print", pk=session),
        url(live_server, "sessions_app:session-hold", pk=session),
        url(live_server, "sessions_app:projector", pk=session),
        url(live_server, "sessions_app:reflection-list"),
        url(live_server, "sessions_app:reflection-detail", pk=questionnaire),
        url(live_server, "sessions_app:reflection-update", pk=questionnaire),
        url(live_server, "sessions_app:question-create", pk=questionnaire),
        url(live_server, "sessions_app:reflection-participation", pk=questionnaire),
        url(live_server, "sessions_app:reflection-results", pk=questionnaire),
        url(live_server, "sessions_app:overview"),
        url(live_server, "sessions_app:session-detail", pk=school.held.pk),
        url(live_server, "sessions_app:plan-detail", pk=school.held.pk),
        url(live_server, "sessions_app:reflection-detail", pk=school.answered.pk),
        url(live_server, "sessions_app:reflection-participation", pk=school.answered.pk),
        url(live_server, "sessions_app:reflection-results", pk=school.answered.pk),
    ):
        walk.visit(address)
    # The projector's next step, and someone marked absent at the door: what scripts show.
    walk.visit(url(live_server, "sessions_app:projector", pk=session))
    page.get_by_role("button", name="Next →").click()
    page.wait_for_load_state("networkidle")
    walk.check()
    walk.visit(url(live_server, "sessions_app:session-attendance", pk=session))
    page.locator("#attendance-filter").fill("Grace")
    expect(page.locator("#attendance-filter-count")).to_have_text("Shown: 1 of 12.")
    walk.check()
    page.locator(".attendance-row:visible label[for$='_1']").first.click()  # absent
    page.get_by_role("button", name="Save attendance").click()
    walk.check()
    walk.done()


def test_the_coach_a_guest_of_the_school(page: Page, live_server, serious_violations):
    school = english_school()
    walk = Walk(page, serious_violations)
    page.set_viewport_size(LAPTOP)
    overview = url(live_server, "sessions_app:overview")
    page.goto(overview)
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    walk.check()
    password_sign_in(page, COACH)
    expect(page).to_have_url(overview)
    walk.check()
    for address in (
        live_server.url + "/",
        live_server.url + reverse("sessions_app:coach-home"),
        url(live_server, "school-home"),
        url(live_server, "learninglines:member-list"),
        url(live_server, "learninglines:line-detail", pk=school.lines[0].pk),
        url(live_server, "learninglines:meeting-detail", pk=school.meeting.pk),
        url(live_server, "sessions_app:session-list"),
        url(live_server, "sessions_app:session-detail", pk=school.session.pk),
        url(live_server, "sessions_app:plan-detail", pk=school.session.pk),
        url(live_server, "sessions_app:reflection-results", pk=school.questionnaire.pk),
        url(live_server, "sessions_app:reflection-results", pk=school.answered.pk),
        url(live_server, "sessions_app:overview-print"),
    ):
        walk.visit(address)
    walk.done()


def switch_language(page: Page, to: str) -> None:
    """Press the language switch; on a phone it is in the menu."""
    menu = page.get_by_role("button", name="Menu")
    if menu.is_visible():
        menu.click()
    page.get_by_role("button", name=to).click()


def test_the_language_switch_is_kept_on_later_pages_and_switches_back(
    page: Page, live_server, serious_violations
):
    english_school()
    walk = Walk(page, serious_violations)
    page.set_viewport_size(PHONE)
    home = url(live_server, "school-home")
    page.goto(home)
    password_sign_in(page, TEACHER)
    walk.check()
    switch_language(page, "Nederlands")
    expect(page).to_have_url(home)
    walk.check("nl", axe=False)
    for name in ("learninglines:log-list", "sessions_app:exchange-list", "learninglines:calendar"):
        walk.visit(url(live_server, name), "nl", axe=False)
    walk.visit(live_server.url + reverse("learninglines:my-data"), "nl", axe=False)
    switch_language(page, "English")
    walk.check()
    for name in ("school-home", "learninglines:log-list", "sessions_app:exchange-list"):
        walk.visit(url(live_server, name), axe=False)
    walk.done()


def test_the_mails_queued_for_the_school_are_english(live_server, mailoutbox):
    school = english_school()
    queued = OutgoingMail.objects.filter(school=school.school)
    kinds = sorted({mail.kind for mail in queued})
    assert kinds == sorted({OutgoingMail.Kind.INVITATION, OutgoingMail.Kind.SESSION}), kinds
    assert mail_send_queued().sent == queued.count()
    leaks = [
        f"{mail.to} {mail.subject!r}: {dutch_words(mail.subject + ' ' + mail.body)}"
        for mail in mailoutbox
        if dutch_words(mail.subject + " " + mail.body)
    ]
    assert leaks == []
    assert school.school.language == "en"
