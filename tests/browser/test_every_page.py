"""Every page on a 360 px phone, as the role that may see it, in Dutch and some in English.

The pages come from the URL resolver: each pattern is either in PAGES (who visits it, and which
demo object fills each of its parameters) or in SKIPPED with the reason, and
`test_every_pattern_is_visited_or_skipped` fails for a pattern in neither, so a page added later
is not forgotten; ERROR_PAGES adds the 403 and 404 pages. On each page: the status expected
(200 for a page) at the address asked (no redirect), the language asked, no sideways
scrolling, no console error (a blocked script or style under the CSP shows there) and nothing
serious or critical for axe-core. A role's test visits all its pages and then reports every
problem at once, so one run shows everything.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from datetime import time as clock
from functools import cache

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from playwright.sync_api import Page

from exchange.demo import DEMO_COACH_EMAIL, demo_seed
from learninglines.models import (
    LearningLine,
    LineMeeting,
    LogEntry,
    Member,
    School,
    SchoolYear,
)
from learninglines.permissions import current_line
from learninglines.services.imports import staff_import_create
from sessions_app.models import PeerExchange, PlenarySession, Questionnaire
from sessions_app.services.sessions import session_create
from tests.browser.test_plenary import STEERING_EMAIL, sign_in
from tests.learninglines.test_import_files import DUTCH_HEADERS, csv_file

TEACHER_EMAIL = "sanne.jansen@regenboog.example"
ROLES = {
    "anonymous": None,
    "teacher": TEACHER_EMAIL,
    "steering": STEERING_EMAIL,
    "coach": DEMO_COACH_EMAIL,
}
A = "anonymous"
T = "teacher"
S = "steering"
C = "coach"


@dataclass(frozen=True)
class Visit:
    """Who visits a page (`roles`), which demo object fills each parameter (`args`: parameter
    name to an attribute of `Demo`), who visits it in English too (`english`), and the page's
    other states the same roles visit in Dutch (`also`: the parameters that differ)."""

    roles: tuple[str, ...]
    args: dict[str, str] = field(default_factory=dict)
    english: tuple[str, ...] = ()
    also: tuple[dict[str, str], ...] = ()

    def states(self, language: str) -> list[dict[str, str]]:
        if language != "nl":
            return [self.args]
        return [self.args] + [{**self.args, **other} for other in self.also]


# Resolver names (namespace:name); school_slug is always De Regenboog.
PAGES: dict[str, Visit] = {
    # --- the front door and signing in ---
    "home": Visit((A, C), english=(A,)),  # a teacher of one school is sent on to it
    "school-home": Visit((T, S, C), english=(T, C)),
    "privacy": Visit((A, T)),
    "learninglines:login": Visit((A,), english=(A,)),
    "learninglines:magic-link-request": Visit((A,)),
    "learninglines:magic-link-sent": Visit((A,)),
    "learninglines:password-reset": Visit((A,), english=(A,)),
    "learninglines:password-reset-done": Visit((A,)),
    "learninglines:password-reset-complete": Visit((A,)),
    # --- the team and privacy ---
    "learninglines:member-list": Visit((S, C), english=(S,)),
    "learninglines:member-create": Visit((S,)),
    "learninglines:member-invite": Visit((S,), {"pk": "colleague"}),
    "learninglines:member-invite-all": Visit((S,)),
    "learninglines:member-update": Visit(
        (S,), {"pk": "colleague"}, english=(S,), also=({"pk": "teacher"},)
    ),
    "learninglines:member-erase": Visit((S,), {"pk": "colleague"}),
    "learninglines:my-data": Visit((T,), english=(T,)),
    "learninglines:staff-import": Visit((S, C)),
    "learninglines:staff-import-preview": Visit((S,), {"pk": "staff_import"}, english=(S,)),
    # --- years, lines, meetings ---
    "learninglines:year-list": Visit((S,)),
    # this year, which has begun: the page says why it stays. A year opened ahead, removed
    # there: tests/browser/test_year_ahead.py (opening one here changes the other pages).
    "learninglines:year-remove": Visit((S,), {"pk": "year"}),
    "learninglines:line-list": Visit((T, S)),
    "learninglines:line-create": Visit((S,)),
    "learninglines:line-detail": Visit(
        (T, S, C), {"pk": "line"}, english=(T, S), also=({"pk": "other_line"},)
    ),
    "learninglines:line-update": Visit((S,), {"pk": "line"}),
    "learninglines:line-content": Visit((T,), {"pk": "line"}),
    "learninglines:meeting-list": Visit((S,)),
    "learninglines:meeting-create": Visit((T,), {"line_pk": "line"}),
    "learninglines:meeting-detail": Visit(
        (T, C), {"pk": "meeting"}, english=(T,), also=({"pk": "next_meeting"},)
    ),
    "learninglines:meeting-update": Visit((T,), {"pk": "meeting"}),
    # --- the learning log and calendar ---
    "learninglines:log-list": Visit((T,)),
    "learninglines:log-create": Visit((T,), english=(T,)),
    "learninglines:log-detail": Visit((T,), {"pk": "log_entry"}),
    "learninglines:log-update": Visit((T,), {"pk": "log_entry"}),
    "learninglines:log-delete": Visit((T,), {"pk": "log_entry"}),
    "learninglines:calendar": Visit((T,), english=(T,)),
    "learninglines:calendar-renew": Visit((T,)),
    # --- plenary sessions: planning, the program, the day ---
    "sessions_app:session-list": Visit((S, C), english=(C,)),
    "sessions_app:session-create": Visit((S,), english=(S,)),
    "sessions_app:session-earlier": Visit((S,)),
    "sessions_app:session-detail": Visit(
        (S, C), {"pk": "published"}, english=(S,), also=({"pk": "held"}, {"pk": "without_form"})
    ),
    "sessions_app:session-update": Visit((S,), {"pk": "published"}),
    "sessions_app:assignment-create": Visit((S,), {"pk": "published"}),
    "sessions_app:assignment-update": Visit(
        (S,), {"pk": "published", "assignment_pk": "assignment"}
    ),
    "sessions_app:session-attendance": Visit((S,), {"pk": "published"}, english=(S,)),
    "sessions_app:plan-detail": Visit(
        (S, C), {"pk": "published"}, english=(S,), also=({"pk": "held"}, {"pk": "without_form"})
    ),
    "sessions_app:my-session": Visit(
        (T, S), {"pk": "published"}, english=(T,), also=({"pk": "held"},)
    ),
    "sessions_app:session-publish": Visit(
        (S,), {"pk": "published"}, also=({"pk": "without_form"},)
    ),
    "sessions_app:session-print": Visit((S,), {"pk": "published"}, also=({"pk": "held"},)),
    "sessions_app:projector": Visit((S,), {"pk": "published"}, english=(S,)),
    "sessions_app:session-hold": Visit((S,), {"pk": "published"}, also=({"pk": "held"},)),
    "sessions_app:session-reflection": Visit((S,), {"pk": "without_form"}),
    # --- reflection forms ---
    "sessions_app:reflection-list": Visit((S,)),
    "sessions_app:reflection-detail": Visit((S,), {"pk": "questionnaire"}, english=(S,)),
    "sessions_app:reflection-update": Visit((S,), {"pk": "questionnaire"}, english=(S,)),
    "sessions_app:reflection-print": Visit((T,), {"pk": "questionnaire"}),
    "sessions_app:reflection-participation": Visit((S,), {"pk": "questionnaire"}),
    "sessions_app:question-create": Visit((S,), {"pk": "questionnaire"}),
    "sessions_app:question-update": Visit((S,), {"pk": "questionnaire", "question_pk": "question"}),
    "sessions_app:reflection-answer": Visit((T, C), {"pk": "questionnaire"}, english=(T,)),
    "sessions_app:reflection-results": Visit((S, C), {"pk": "questionnaire"}, english=(C,)),
    # --- the coach and the overview ---
    "sessions_app:coach-home": Visit((C,), english=(C,)),
    "sessions_app:overview": Visit((S, C), english=(C,)),
    "sessions_app:overview-print": Visit((C,)),
    # --- small exchanges ---
    "sessions_app:ambition": Visit((T,), english=(T,)),
    "sessions_app:exchange-list": Visit((T,)),
    "sessions_app:exchange-start": Visit((T,), english=(T,)),
    "sessions_app:exchange-detail": Visit(
        (T,),
        {"pk": "exchange"},
        english=(T,),
        also=({"pk": "exchange_agreed"}, {"pk": "invitation"}),
    ),
}

POST = "POST only: a form's action, its page is visited elsewhere"
DOWNLOAD = "a file download, not a page"
SKIPPED: dict[str, str] = {
    "set_language": "POST only: the language switch (a redirect); the English cookie stands in",
    "favicon.ico": "a redirect to the icon, not a page",
    "healthz": "the load balancer's probe: plain text",
    "learninglines:logout": "signs out (a POST from the menu, a redirect)",
    "learninglines:magic-link": "a token link from a mail (tests/browser/test_sign_in.py)",
    "learninglines:password-reset-confirm": "a token link from a mail",
    "learninglines:calendar-feed": "the ICS feed behind a secret token, not a page",
    "learninglines:my-data-download": DOWNLOAD,
    "learninglines:member-data": DOWNLOAD,
    "learninglines:staff-import-template": DOWNLOAD,
    "learninglines:staff-import-confirm": POST,
    "learninglines:member-move": POST,
    "learninglines:member-active": POST,
    "learninglines:line-archive": POST,
    "learninglines:meeting-delete": POST,
    "learninglines:meeting-notes": POST,
    "learninglines:meeting-attendance": POST,
    "sessions_app:session-earlier-template": DOWNLOAD,
    "sessions_app:session-delete": POST,
    "sessions_app:assignment-delete": POST,
    "sessions_app:assignment-move": POST,
    "sessions_app:program-template": POST,
    "sessions_app:plan-export": DOWNLOAD,
    "sessions_app:plan-generate": POST,
    "sessions_app:plan-change": POST,
    "sessions_app:plan-lock": POST,
    "sessions_app:plan-undo": POST,
    "sessions_app:plan-repair": POST,
    "sessions_app:plan-release": POST,
    "sessions_app:apart-create": POST,
    "sessions_app:apart-delete": POST,
    "sessions_app:session-announce": POST,
    "sessions_app:session-clock": POST,
    "sessions_app:session-ics": DOWNLOAD,
    "sessions_app:door-link": POST,
    "sessions_app:meeting-reflection-create": POST,
    "sessions_app:reflection-open": POST,
    "sessions_app:reflection-close": POST,
    "sessions_app:reflection-template": POST,
    "sessions_app:reflection-remind": POST,
    "sessions_app:question-delete": POST,
    "sessions_app:question-move": POST,
    "sessions_app:reflection-autosave": POST,
    "sessions_app:reflection-export-xlsx": DOWNLOAD,
    "sessions_app:reflection-export-csv": DOWNLOAD,
    "sessions_app:overview-xlsx": DOWNLOAD,
    "sessions_app:overview-csv": DOWNLOAD,
    "sessions_app:overview-matrix-csv": DOWNLOAD,
    "sessions_app:exchange-accept": POST,
    "sessions_app:exchange-decline": POST,
    "sessions_app:exchange-propose": POST,
    "sessions_app:exchange-cancel": POST,
    "sessions_app:exchange-held": POST,
    "sessions_app:exchange-notes": POST,
    "sessions_app:exchange-suggestions": "an htmx fragment of exchange-start (no <html>): the "
    "suggestions there, visited with that page",
}
# The error pages the handlers show (no pattern of their own): (role, path or name, status).
ERROR_PAGES = [
    (A, "/bestaat-niet/", 404),
    (T, "learninglines:member-list", 403),  # the team page is the steering group's
]

# Whole namespaces left out, with the reason.
SKIPPED_NAMESPACES: dict[str, str] = {
    "admin": "the staff admin (a TOTP sign-in): tests/browser/test_admin.py and "
    "test_phone_english.py",
}


def resolver_patterns(patterns=None, namespace: str = "") -> list[tuple[str, list[str]]]:
    """(key, parameter names) of every pattern: namespace:name, or the route when unnamed."""
    found = []
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(part for part in (namespace, pattern.namespace) if part)
            found += resolver_patterns(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            name = pattern.name or str(pattern.pattern)
            key = f"{namespace}:{name}" if namespace else name
            found.append((key, list(pattern.pattern.converters)))
    return found


@cache
def parameters_of() -> dict[str, list[str]]:
    return dict(resolver_patterns())


def test_every_pattern_is_visited_or_skipped():
    """A page added later is visited here, or skipped on purpose with a reason."""
    unknown, unfilled = [], []
    keys = set()
    for key, parameters in resolver_patterns():
        keys.add(key)
        if key.split(":")[0] in SKIPPED_NAMESPACES or key in SKIPPED:
            continue
        if key not in PAGES:
            unknown.append(key)
            continue
        missing = set(parameters) - {"school_slug"} - set(PAGES[key].args)
        if missing:
            unfilled.append(f"{key}: {sorted(missing)}")
    assert unknown == [], "add these to PAGES (who visits them) or to SKIPPED (why not)"
    assert unfilled == [], "parameters without a demo object"
    assert set(PAGES) & set(SKIPPED) == set()
    assert set(PAGES) | set(SKIPPED) <= keys, "entries for patterns that no longer exist"
    for key, visit in PAGES.items():
        assert set(visit.roles) <= set(ROLES), key
        assert set(visit.english) <= set(visit.roles), key


class Demo:
    """The objects of De Regenboog that fill the URL parameters (see Visit.args)."""

    def __init__(self):
        demo_seed()
        self.school = School.objects.get(slug="de-regenboog")
        self.teacher: Member = Member.objects.get(school=self.school, user__email=TEACHER_EMAIL)
        steering = Member.objects.get(school=self.school, user__email=STEERING_EMAIL)
        self.line: LearningLine = current_line(self.teacher)
        self.year: SchoolYear = self.line.year
        self.colleague = (
            Member.objects.filter(school=self.school, is_steering=False)
            .exclude(pk=self.teacher.pk)
            .order_by("pk")
            .first()
        )
        # the last held one: with notes and attendance
        self.meeting = (
            LineMeeting.objects.filter(line=self.line, date__lt=timezone.localdate())
            .order_by("-date")
            .first()
        )
        self.next_meeting = (
            LineMeeting.objects.filter(line=self.line, date__gte=timezone.localdate())
            .order_by("date")
            .first()
        )
        self.other_line = (
            LearningLine.objects.filter(year=self.line.year)
            .exclude(pk=self.line.pk)
            .order_by("letter")
            .first()
        )
        self.log_entry = LogEntry.objects.filter(author=self.teacher).first()
        self.held = PlenarySession.objects.get(school=self.school, title="Plenaire bijeenkomst 1")
        self.published = PlenarySession.objects.get(
            school=self.school, title="Plenaire bijeenkomst 2"
        )
        self.assignment = self.published.assignments.order_by("position").first()
        self.questionnaire = Questionnaire.objects.get(
            session__school=self.school, session__title="Plenaire bijeenkomst 1"
        )
        self.question = self.questionnaire.questions.order_by("position").first()
        # held, agreed for next week, an invitation waiting for the teacher's answer
        self.exchange, self.exchange_agreed, self.invitation = PeerExchange.objects.filter(
            participants__member=self.teacher
        ).order_by("pk")
        # Not in the demo: an upload waiting for its preview, and a session planned before
        # sessions had a reflection form (it offers to make one).
        self.staff_import = staff_import_create(
            school=self.school,
            by=steering.user,
            file_name="team.csv",
            content=csv_file(
                [DUTCH_HEADERS, ["Daan", "", "Berg", "daan@regenboog.example", "", ""]]
            ),
        )
        self.without_form = session_create(
            school=self.school,
            title="Plenaire bijeenkomst 3",
            date=self._school_day(self.published.date + timedelta(days=28)),
            start_time=clock(15, 0),
            end_time=clock(16, 45),
            by=steering.user,
        )
        Questionnaire.objects.filter(session=self.without_form).delete()

    def _school_day(self, day: date) -> date:
        day = min(day, self.published.year.end)
        while day.weekday() >= 5:
            day -= timedelta(days=1)
        return day

    def url(self, name: str, args: dict[str, str]) -> str:
        kwargs = {}
        for parameter, attribute in args.items():
            found = getattr(self, attribute)
            assert found is not None, f"no {attribute} in the demo for {name}"
            kwargs[parameter] = found.pk
        if "school_slug" in parameters_of()[name]:
            kwargs["school_slug"] = self.school.slug
        return reverse(name, kwargs=kwargs)


# Elements sticking out on the right, for the message when the page scrolls sideways.
WIDEST = """() => [...document.body.querySelectorAll('*')]
    .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 0.5)
    .filter((e) => !e.parentElement
        || e.parentElement.getBoundingClientRect().right <= window.innerWidth + 0.5)
    .slice(0, 3)
    .map((e) => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
        + (e.className && typeof e.className === 'string'
            ? '.' + e.className.trim().split(/\\s+/).join('.') : '')
        + ' (' + Math.round(e.getBoundingClientRect().right) + 'px)')"""


def check_page(
    page: Page, url: str, language: str, serious_violations, errors, status: int = 200
) -> list[str]:
    """The problems of one page ([] when it is fine)."""
    errors.clear()
    response = page.goto(url)
    if response is None or response.status != status:
        return [f"status {response.status if response else 'none'}"]
    if page.url != url:
        return [f"redirected to {page.url}"]
    if status != 200:  # Chromium logs the page's own status as an error
        errors[:] = [error for error in errors if f"status of {status}" not in error]
    return page_problems(page, language, serious_violations, errors)


def page_problems(page: Page, language: str, serious_violations, errors: list[str]) -> list[str]:
    """The problems of the page as it is now, however it was reached ([] when it is fine): not
    in `language`, sideways scrolling, a console error, axe-core's serious or critical."""
    problems = []
    if page.get_attribute("html", "lang") != language:
        problems.append(f"not in {language}")
    if page.evaluate("document.documentElement.scrollWidth > window.innerWidth"):
        width = page.evaluate("document.documentElement.scrollWidth")
        problems.append(f"scrolls sideways ({width}px): {', '.join(page.evaluate(WIDEST))}")
    # read before axe-core runs: it may add a style of its own that the policy blocks
    problems += [f"console: {error}" for error in errors]
    problems += [v.split(" ", 1)[1] for v in serious_violations(page)]
    return problems


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("role", list(ROLES))
def test_every_page_on_a_phone(page: Page, live_server, serious_violations, role):
    started = time.monotonic()
    demo = Demo()
    page.set_viewport_size({"width": 360, "height": 740})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    if ROLES[role]:
        sign_in(page, live_server, ROLES[role])
    mine = [name for name, visit in PAGES.items() if role in visit.roles]
    failures = []
    visits = 0
    for language, names in (
        ("nl", mine),
        ("en", [name for name in mine if role in PAGES[name].english]),
    ):
        if language == "en":
            page.context.add_cookies(
                [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url}]
            )
        pages = [
            (name, demo.url(name, args), 200)
            for name in names
            for args in PAGES[name].states(language)
        ]
        pages += [
            (where, where if where.startswith("/") else demo.url(where, {}), status)
            for who, where, status in ERROR_PAGES
            if who == role
        ]
        for name, path, status in pages:
            visits += 1
            url = live_server.url + path
            for problem in check_page(page, url, language, serious_violations, errors, status):
                failures.append(f"[{language}] {name} {path}: {problem}")
    print(f"{role}: {len(mine)} pages, {visits} visits in {time.monotonic() - started:.1f} s")
    assert failures == [], "\n".join(failures)
