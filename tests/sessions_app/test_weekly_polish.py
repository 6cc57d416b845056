"""What a school sees every week, said once and in one style: the reflection forms list (a
session's default title not repeated, the forms above the meetings in print size), one word for
the response on the list, results and participation pages, long months in dates, and breadcrumbs
that start where the title of a narrowed page starts (and on the overview too)."""

import re
from datetime import time, timedelta
from html import unescape
from pathlib import Path

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from learninglines.services.meetings import meeting_create
from sessions_app.models import PlenarySession, Questionnaire
from sessions_app.selectors.sessions import session_title_says_plenary
from sessions_app.services.reflections import AnswerData, questionnaire_open, reflection_submit
from tests.dutch import long_day

pytestmark = pytest.mark.django_db

TEMPLATES = Path(settings.BASE_DIR) / "templates"
APP_CSS = Path(settings.BASE_DIR) / "static" / "css" / "app.css"


def _text(response) -> str:
    """The page's visible text, tags dropped and spaces folded."""
    body = response.content.decode()
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", body)).split())


def _list(client, plenary):
    return client.get(reverse("sessions_app:reflection-list", args=[plenary.school.slug]))


def _form(plenary) -> Questionnaire:
    return Questionnaire.objects.get(session=plenary.session)


def _retitle(plenary, title: str) -> None:
    PlenarySession.objects.filter(pk=plenary.session.pk).update(title=title)


def _weekday_date(day) -> str:
    """'woensdag 25 november 2026'."""
    return f"{long_day(day)} {day.year}"


# --- the session a form belongs to: said once when its title already says it ---


def test_the_rule_knows_the_suggested_title_in_every_language_of_the_site():
    for language in ("nl", "en"):
        with translation.override(language):
            assert session_title_says_plenary("Plenaire bijeenkomst 2") is True
            assert session_title_says_plenary("Plenary session 3") is True
            assert session_title_says_plenary("  plenaire bijeenkomst over feedback") is True
            assert session_title_says_plenary("Studiemiddag feedback") is False
            assert session_title_says_plenary("") is False


def test_a_default_title_is_said_once_on_the_list(client, steering, plenary):
    _retitle(plenary, "Plenaire bijeenkomst 2")
    client.force_login(steering.user)
    text = _text(_list(client, plenary))
    day = _weekday_date(plenary.session.date)
    assert f"Plenaire bijeenkomst 2, {day}" in text
    assert "Plenaire bijeenkomst “" not in text


def test_an_own_title_is_still_named_as_a_plenary_session(client, steering, plenary):
    _retitle(plenary, "Studiemiddag feedback")
    client.force_login(steering.user)
    text = _text(_list(client, plenary))
    day = _weekday_date(plenary.session.date)
    assert f"Plenaire bijeenkomst “Studiemiddag feedback”, {day}" in text


def test_the_results_and_the_form_page_say_the_default_title_once(client, steering, plenary):
    _retitle(plenary, "Plenaire bijeenkomst 2")
    questionnaire = _form(plenary)
    client.force_login(steering.user)
    day = _weekday_date(plenary.session.date)
    for name in ("reflection-results", "reflection-detail", "reflection-print"):
        url = reverse(f"sessions_app:{name}", args=[plenary.school.slug, questionnaire.pk])
        text = _text(client.get(url))
        assert f"Plenaire bijeenkomst 2, {day}" in text, name
        assert "Plenaire bijeenkomst “" not in text, name


def test_a_dutch_default_title_on_an_english_page_is_not_wrapped_in_english_words(plenary):
    _retitle(plenary, "Plenaire bijeenkomst 2")
    questionnaire = Questionnaire.objects.select_related("session").get(pk=_form(plenary).pk)
    with translation.override("en"):
        said = render_to_string(
            "sessions_app/reflections/_belongs_to.html", {"questionnaire": questionnaire}
        ).strip()
    assert said == "Plenaire bijeenkomst 2, Wednesday 25 November 2026"


# --- the list reads top down: the forms first and larger, the meetings to make one for after ---


def _meeting(plenary):
    return meeting_create(
        line=plenary.lines[0],
        date=plenary.session.date - timedelta(days=3),
        start_time=time(15, 0),
        end_time=time(16, 0),
        topic="Tweetallen lezen",
    )


def test_the_forms_are_in_body_text_and_the_meetings_in_small_print(client, steering, plenary):
    meeting = _meeting(plenary)
    client.force_login(steering.user)
    html = _list(client, plenary).content.decode()
    forms = html[html.index('id="forms-title"') : html.index('id="meetings-title"')]
    meetings = html[html.index('id="meetings-title"') :]
    assert '<h3 class="h5 mb-1">' in forms
    assert 'class="small' not in forms
    assert '<ul class="list-unstyled small reflection-meetings">' in meetings
    # the meeting's day as the rest of the page writes a day: weekday and the whole month
    row = f"{_weekday_date(meeting.date)} · {meeting.line.name}: {meeting.topic}"
    assert row == "zondag 22 november 2026 · Lezen: Tweetallen lezen"
    assert row in " ".join(unescape(re.sub(r"<[^>]+>", " ", meetings)).split())


# --- one word for the response: "ingestuurd", as on the participation page ---


def _submit(questionnaire, member) -> None:
    first, useful = (
        questionnaire.questions.get(position=1),
        questionnaire.questions.get(position=5),
    )
    reflection_submit(
        questionnaire=questionnaire,
        member=member,
        answers={first.pk: AnswerData(text="Tweetallen werken"), useful.pk: AnswerData(value=4)},
    )


def test_list_results_and_participation_say_the_response_in_the_same_words(
    client, steering, plenary
):
    questionnaire = questionnaire_open(questionnaire=_form(plenary))
    _submit(questionnaire, plenary.members[1])
    _submit(questionnaire, plenary.members[2])
    client.force_login(steering.user)
    pages = {
        "list": _list(client, plenary),
        **{
            name: client.get(
                reverse(f"sessions_app:{name}", args=[plenary.school.slug, questionnaire.pk])
            )
            for name in ("reflection-results", "reflection-participation")
        },
    }
    for name, response in pages.items():
        text = _text(response)
        assert "15 % ingestuurd: 2 van 13" in text, name
        assert "geantwoord (" not in text, name
        assert "hebben geantwoord" not in text, name


def test_the_results_of_one_line_keep_the_line_after_the_response(client, steering, plenary):
    questionnaire = questionnaire_open(questionnaire=_form(plenary))
    _submit(questionnaire, plenary.members[0])
    client.force_login(steering.user)
    line = plenary.lines[0]
    url = reverse("sessions_app:reflection-results", args=[plenary.school.slug, questionnaire.pk])
    html = client.get(url, {"line": line.pk}).content.decode()
    rate = re.search(r'<p class="mb-0 results-rate" id="results-rate">(.*?)</p>', html, re.S)
    assert " ".join(unescape(rate.group(1)).split()) == (
        f"20 % ingestuurd: 1 van 5 · alleen leerlijn {line}"
    )


# --- dates: long months, as the rest of the app writes them ---


def test_the_line_history_writes_the_whole_month(client, steering, teacher, plenary):
    client.force_login(steering.user)
    url = reverse("learninglines:member-update", args=[plenary.school.slug, teacher.pk])
    page = " ".join(client.get(url).content.decode().split())
    line = plenary.lines[1]
    assert plenary.year.start.isoformat() == "2026-08-01"
    assert f"<li>{line} ({plenary.year.name}): 1 augustus 2026 \u2013 nu</li>" in page


def test_the_coach_home_writes_the_next_session_with_its_weekday(client, coach, plenary):
    client.force_login(coach)
    text = _text(client.get("/coach/"))
    assert f"Volgende plenaire bijeenkomst woensdag 25 november 2026 · {plenary.session.title}" in (
        text
    )


# --- breadcrumbs: where the narrowed column's title starts, and on the overview ---

NARROW = re.compile(
    r'</nav>\s*<div class="row justify-content-center">\s*'
    r'<div class="col-12 (col-md-\d+) (col-lg-\d+)[^"]*">\s*<h1\b'
)


def _css_widths() -> dict[str, str]:
    """`col-md-9` → the width the stylesheet gives a breadcrumb over such a column, with the
    breakpoint it holds from."""
    css = APP_CSS.read_text()
    found = {}
    for media in re.finditer(r"@media \(min-width: (\d+)px\) \{(.*?)\n\}", css, re.S):
        for rule in re.finditer(
            r"#main \.container > nav:has\(\+ \.row\.justify-content-center > \.(col-\w+-\d+)\),"
            r"\s*#main \.container > \.messages:has\(\+ nav \+ \.row\.justify-content-center > "
            r"\.(col-\w+-\d+)\) \{ width: (calc\([^;]+\));",
            media.group(2),
        ):
            # the messages above the breadcrumb (a saved form's "Opgeslagen") line up with it
            assert rule.group(1) == rule.group(2)
            found[rule.group(1)] = f"{media.group(1)}px {rule.group(3)}"
    return found


def _expected(column: str) -> str:
    breakpoint, n = {"md": 768, "lg": 992}[column.split("-")[1]], column.split("-")[2]
    return f"{breakpoint}px calc((100% + var(--bs-gutter-x)) * {n} / 12 - var(--bs-gutter-x))"


def test_every_narrowed_page_has_its_breadcrumb_aligned_by_the_stylesheet():
    widths = _css_widths()
    pages = 0
    for template in TEMPLATES.rglob("*.html"):
        # an included breadcrumb ends where the page's own markup goes on
        source = re.sub(r"\{% include [^%]*_breadcrumb[^%]*%\}", "</nav>", template.read_text())
        for match in NARROW.finditer(source):
            pages += 1
            for column in match.groups():
                assert widths.get(column) == _expected(column), (template.name, column)
    assert pages >= 13


@pytest.mark.parametrize(
    ("name", "title"),
    [("reflection-update", "Titel, inleiding en tijden"), ("exchange-list", None)],
)
def test_the_breadcrumb_is_followed_by_the_column_that_holds_the_title(
    client, steering, plenary, name, title
):
    client.force_login(steering.user)
    if name == "exchange-list":
        url = reverse("sessions_app:exchange-list", args=[plenary.school.slug])
    else:
        url = reverse(f"sessions_app:{name}", args=[plenary.school.slug, _form(plenary).pk])
    html = client.get(url).content.decode()
    crumbs = html.index('<ol class="breadcrumb">')
    match = NARROW.search(html, crumbs)
    assert match is not None
    assert html.index("</nav>", crumbs) == match.start()
    widths = _css_widths()
    assert [widths[column] for column in match.groups()] == [_expected(c) for c in match.groups()]
    if title:
        assert html[match.end() :].startswith(f' class="h3">{title}</h1>')


def test_the_overview_has_a_breadcrumb_like_the_other_school_pages(client, steering, plenary):
    client.force_login(steering.user)
    html = client.get(reverse("sessions_app:overview", args=[plenary.school.slug])).content.decode()
    crumbs = re.search(
        r'<nav aria-label="Kruimelpad">\s*<ol class="breadcrumb">(.*?)</ol>', html, re.S
    )
    assert crumbs is not None
    items = re.findall(r"<li [^>]*>(.*?)</li>", crumbs.group(1), re.S)
    assert items == [
        '<a href="/s/de-regenboog/">Basisschool De Regenboog</a>',
        "Overzicht",
    ]
    assert 'aria-current="page">Overzicht</li>' in crumbs.group(1)
    assert html.index("</nav>", crumbs.start()) < html.index("<h1")
