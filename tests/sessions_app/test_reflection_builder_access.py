"""Every URL of the reflection-form builder with the roles of the access tables, plus anonymous.

The builder, its settings and questions, opening, closing and the template are for the steering
group and the coach; the blank print is for everyone of the school; who has not answered yet
(participation, reminders) is for the steering group only. Every POST also checks its effect.
The builder and participation pages cost a fixed number of queries at 20 and at 150 members.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import time, timedelta

import pytest
from django.urls import reverse

from learninglines.models import LineMeeting, OutgoingMail
from learninglines.services.meetings import meeting_create
from sessions_app import urls as session_urls
from sessions_app.models import Question, Questionnaire, QuestionnaireTemplate
from sessions_app.selectors.reflections import asked_members
from sessions_app.services.reflections import (
    AnswerData,
    questionnaire_create_for_meeting,
    questionnaire_open,
    reflection_autosave,
    reflection_submit,
)
from tests.sessions_app.plenary import (
    GET_STATUSES,
    PLANNERS,
    POST_STATUSES,
    ROLES,
    Plenary,
    as_user,
    login_redirect,
)
from tests.sessions_app.test_session_pages import grown

pytestmark = pytest.mark.django_db

READ_STATUSES = [200, 200, 200, 404, 404, 302]
STEERING_GET = [200, 403, 403, 404, 404, 302]
STEERING_POST = [302, 403, 403, 404, 404, 302]


def _form(p: Plenary) -> Questionnaire:
    return Questionnaire.objects.get(session=p.session)


def _url(q: Questionnaire, name: str, **kwargs) -> str:
    return reverse(
        f"sessions_app:{name}", kwargs={"school_slug": q.school.slug, "pk": q.pk, **kwargs}
    )


def _first(q: Questionnaire) -> Question:
    return q.questions.get(position=1)


def _without_form(p: Plenary) -> Plenary:
    _form(p).delete()
    return p


def _meeting(p: Plenary) -> LineMeeting:
    return meeting_create(
        line=p.lines[0],
        date=p.session.date - timedelta(days=2),
        start_time=time(15, 0),
        end_time=time(16, 0),
        topic="Tweetallen",
    )


# --- pages (GET) ---

PAGES: dict[str, tuple[Callable[[Plenary], str], list[int]]] = {
    "session-reflection": (lambda p: _without_form(p).url("session-reflection"), GET_STATUSES),
    "reflection-list": (
        lambda p: reverse("sessions_app:reflection-list", args=[p.school.slug]),
        GET_STATUSES,
    ),
    "reflection-detail": (lambda p: _url(_form(p), "reflection-detail"), GET_STATUSES),
    "reflection-update": (lambda p: _url(_form(p), "reflection-update"), GET_STATUSES),
    "question-create": (lambda p: _url(_form(p), "question-create"), GET_STATUSES),
    "question-update": (
        lambda p: _url(_form(p), "question-update", question_pk=_first(_form(p)).pk),
        GET_STATUSES,
    ),
    "reflection-print": (lambda p: _url(_form(p), "reflection-print"), READ_STATUSES),
    "reflection-participation": (
        lambda p: _url(_form(p), "reflection-participation"),
        STEERING_GET,
    ),
}


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("page", list(PAGES))
def test_pages(client, people, plenary, page, who):
    url_of, statuses = PAGES[page]
    url = url_of(plenary)
    response = as_user(client, people[who]).get(url)
    assert response.status_code == statuses[ROLES.index(who)]
    if who == "anonymous":
        assert response["Location"] == login_redirect(url)


@pytest.mark.parametrize("who", ROLES)
def test_a_session_with_a_form_sends_planners_to_its_builder(client, people, plenary, who):
    url = plenary.url("session-reflection")
    response = as_user(client, people[who]).get(url)
    assert response.status_code == POST_STATUSES[ROLES.index(who)]
    if who in PLANNERS:
        assert response["Location"] == _url(_form(plenary), "reflection-detail")


# --- changes (POST): the status, and whether the change was made ---


@dataclass
class Change:
    url: str
    data: dict
    made: Callable[[], bool]


def _create_for_session(p: Plenary) -> Change:
    _without_form(p)
    return Change(
        p.url("session-reflection"),
        {},
        lambda: Questionnaire.objects.filter(session=p.session).exists(),
    )


def _create_for_meeting(p: Plenary) -> Change:
    meeting = _meeting(p)
    return Change(
        reverse("sessions_app:meeting-reflection-create", args=[p.school.slug, meeting.pk]),
        {},
        lambda: Questionnaire.objects.filter(meeting=meeting).exists(),
    )


def _update(p: Plenary) -> Change:
    q = _form(p)
    return Change(
        _url(q, "reflection-update"),
        {"title": "Terugblik", "intro": ""},
        lambda: Questionnaire.objects.get(pk=q.pk).title == "Terugblik",
    )


def _open(p: Plenary) -> Change:
    q = _form(p)
    return Change(
        _url(q, "reflection-open"), {}, lambda: Questionnaire.objects.get(pk=q.pk).is_open()
    )


def _close(p: Plenary) -> Change:
    q = questionnaire_open(questionnaire=_form(p))
    return Change(
        _url(q, "reflection-close"),
        {},
        lambda: Questionnaire.objects.get(pk=q.pk).state() == Questionnaire.State.CLOSED,
    )


def _template(p: Plenary) -> Change:
    q = _form(p)
    return Change(
        _url(q, "reflection-template"),
        {},
        lambda: QuestionnaireTemplate.objects.filter(school=p.school).exists(),
    )


def _question_create(p: Plenary) -> Change:
    q = _form(p)
    return Change(
        _url(q, "question-create"),
        {"kind": "open", "text": "Wat viel op?", "privacy": "named"},
        lambda: q.questions.filter(text="Wat viel op?", position=6).exists(),
    )


def _question_update(p: Plenary) -> Change:
    q = _form(p)
    first = _first(q)
    return Change(
        _url(q, "question-update", question_pk=first.pk),
        {"kind": "open", "text": "Wat leerde je?", "privacy": "named"},
        lambda: Question.objects.get(pk=first.pk).text == "Wat leerde je?",
    )


def _question_delete(p: Plenary) -> Change:
    q = _form(p)
    first = _first(q)
    return Change(
        _url(q, "question-delete", question_pk=first.pk),
        {},
        lambda: not Question.objects.filter(pk=first.pk).exists(),
    )


def _question_move(p: Plenary) -> Change:
    q = _form(p)
    first = _first(q)
    return Change(
        _url(q, "question-move", question_pk=first.pk),
        {"direction": "down"},
        lambda: Question.objects.get(pk=first.pk).position == 2,
    )


def _remind(p: Plenary) -> Change:
    q = questionnaire_open(questionnaire=_form(p))
    OutgoingMail.objects.all().delete()
    return Change(_url(q, "reflection-remind"), {}, lambda: OutgoingMail.objects.count() == 13)


CHANGES: dict[str, tuple[Callable[[Plenary], Change], list[int], set[str]]] = {
    "session-reflection": (_create_for_session, POST_STATUSES, PLANNERS),
    "meeting-reflection-create": (_create_for_meeting, POST_STATUSES, PLANNERS),
    "reflection-update": (_update, POST_STATUSES, PLANNERS),
    "reflection-open": (_open, POST_STATUSES, PLANNERS),
    "reflection-close": (_close, POST_STATUSES, PLANNERS),
    "reflection-template": (_template, POST_STATUSES, PLANNERS),
    "question-create": (_question_create, POST_STATUSES, PLANNERS),
    "question-update": (_question_update, POST_STATUSES, PLANNERS),
    "question-delete": (_question_delete, POST_STATUSES, PLANNERS),
    "question-move": (_question_move, POST_STATUSES, PLANNERS),
    "reflection-remind": (_remind, STEERING_POST, {"steering"}),
}


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("change", list(CHANGES))
def test_changes(client, people, plenary, change, who):
    build, statuses, allowed = CHANGES[change]
    case = build(plenary)
    response = as_user(client, people[who]).post(case.url, case.data)
    assert response.status_code == statuses[ROLES.index(who)]
    assert case.made() is (who in allowed)
    if who == "anonymous":
        assert response["Location"] == login_redirect(case.url)


@pytest.mark.parametrize("change", list(CHANGES))
def test_another_schools_form_cannot_be_changed_from_here(
    client, people, plenary, their_plenary, change
):
    build, _statuses, _allowed = CHANGES[change]
    case = build(their_plenary)
    mine = case.url.replace("/s/de-vlinder/", "/s/de-regenboog/")
    assert mine != case.url
    response = as_user(client, people["steering"]).post(mine, case.data)
    assert response.status_code == 404
    assert not case.made()


@pytest.mark.parametrize("page", [name for name in PAGES if name != "reflection-list"])
def test_another_schools_form_is_not_found_here(client, people, plenary, their_plenary, page):
    url_of, _statuses = PAGES[page]
    url = url_of(their_plenary)
    mine = url.replace("/s/de-vlinder/", "/s/de-regenboog/")
    assert mine != url
    assert as_user(client, people["steering"]).get(mine).status_code == 404


def test_a_question_of_another_form_is_not_found_through_this_one(client, people, plenary):
    mine = _form(plenary)
    other = _first(questionnaire_create_for_meeting(meeting=_meeting(plenary)))
    url = _url(mine, "question-delete", question_pk=other.pk)
    assert as_user(client, people["steering"]).post(url).status_code == 404
    assert Question.objects.filter(pk=other.pk).exists()


POST_ONLY = [
    "meeting-reflection-create",
    "reflection-open",
    "reflection-close",
    "reflection-template",
    "reflection-remind",
    "question-delete",
    "question-move",
]


@pytest.mark.parametrize("name", POST_ONLY)
def test_changes_refuse_get(client, people, plenary, name):
    build, _statuses, _allowed = CHANGES[name]
    case = build(plenary)
    response = as_user(client, people["steering"]).get(case.url)
    assert response.status_code == 405
    assert not case.made()


@pytest.mark.parametrize("name", ["reflection-open", "question-move", "reflection-remind"])
def test_changes_need_the_csrf_token(people, plenary, name):
    from django.test import Client

    build, _statuses, _allowed = CHANGES[name]
    case = build(plenary)
    client = Client(enforce_csrf_checks=True)
    client.force_login(people["steering"])
    assert client.post(case.url, case.data).status_code == 403
    assert not case.made()


BUILDER_URLS = {
    "session-reflection",
    "reflection-list",
    "meeting-reflection-create",
    "reflection-detail",
    "reflection-update",
    "reflection-open",
    "reflection-close",
    "reflection-template",
    "reflection-print",
    "reflection-participation",
    "reflection-remind",
    "question-create",
    "question-update",
    "question-delete",
    "question-move",
}


def test_every_builder_url_is_in_an_access_table():
    names = {entry.name for entry in session_urls.urlpatterns}
    assert names >= BUILDER_URLS
    assert {*PAGES, *CHANGES, *POST_ONLY} == BUILDER_URLS


# --- the builder and participation cost the same at 20 and at 150 members ---


def _answered(draft, size: int) -> Questionnaire:
    """The draft session's form, open, with a quarter submitted and a few drafts."""
    questionnaire = questionnaire_open(questionnaire=Questionnaire.objects.get(session=draft))
    first = questionnaire.questions.get(position=1)
    useful = questionnaire.questions.get(position=5)
    members = asked_members(questionnaire=questionnaire)
    for index, member in enumerate(members[: size // 4]):
        answers = {first.pk: AnswerData(text=f"Antwoord {index}"), useful.pk: AnswerData(value=4)}
        if index % 3:
            reflection_submit(questionnaire=questionnaire, member=member, answers=answers)
        else:
            reflection_autosave(questionnaire=questionnaire, member=member, answers=answers)
    return questionnaire


@pytest.mark.parametrize("size", [20, 150])
@pytest.mark.parametrize(
    ("name", "queries"),
    [
        ("reflection-detail", 9),
        ("reflection-participation", 10),
        ("reflection-print", 8),
        ("reflection-list", 11),
    ],
)
def test_pages_cost_the_same_at_20_and_150_members(
    client, steering, make_team, make_session, django_assert_num_queries, size, name, queries
):
    draft = grown(make_team, make_session, size)
    questionnaire = _answered(draft, size)
    client.force_login(steering.user)
    if name == "reflection-list":
        url = reverse("sessions_app:reflection-list", args=[draft.school.slug])
    else:
        url = _url(questionnaire, name)
    with django_assert_num_queries(queries):
        response = client.get(url)
    assert response.status_code == 200
