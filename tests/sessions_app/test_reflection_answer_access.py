"""The answer page and its autosave with every role, plus anonymous; and their query costs.

Everyone of the school reaches the answer page (200): a member who is asked sees the form, the
coach (never a member) reads why there is none. The steering member and the teacher of the
small school are both in a line, so both are asked. Strangers get a 404, anonymous visitors the
sign-in page; an anonymous autosave gets the signed-out fragment (200), never a redirect. Every
POST also checks whether an answer set was stored.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import Client
from django.utils import timezone

from sessions_app.models import Questionnaire, Reflection
from sessions_app.services.day import session_publish
from sessions_app.services.reflections import questionnaire_open
from tests.sessions_app.plenary import ROLES, Plenary, as_user, login_redirect
from tests.sessions_app.test_session_pages import grown

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
ASKED = {"steering", "teacher"}


def _opened(plenary: Plenary) -> Questionnaire:
    return questionnaire_open(questionnaire=Questionnaire.objects.get(session=plenary.session))


def _url(questionnaire: Questionnaire, name: str) -> str:
    suffix = "autosave/" if name == "reflection-autosave" else ""
    return f"/s/{questionnaire.school.slug}/reflections/{questionnaire.pk}/answer/{suffix}"


def _answers(questionnaire: Questionnaire) -> dict:
    learned, _bt, _try, _talk, useful = questionnaire.questions.order_by("position")
    return {f"q{learned.pk}": "Tweetallen lezen", f"q{useful.pk}": "4"}


# --- the page (GET) ---

ANSWER_GET = [200, 200, 200, 404, 404, 302]


@pytest.mark.parametrize("who", ROLES)
def test_the_answer_page(client, people, plenary, who):
    questionnaire = _opened(plenary)
    url = _url(questionnaire, "reflection-answer")
    response = as_user(client, people[who]).get(url)
    assert response.status_code == ANSWER_GET[ROLES.index(who)]
    if who == "anonymous":
        assert response["Location"] == login_redirect(url)
    if response.status_code == 200:
        page = response.content.decode()
        assert ("answer-form" in page) is (who in ASKED)
        assert ("<textarea" in page) is (who in ASKED)


# --- changes (POST): the status, and whether an answer set was stored ---


@dataclass
class Change:
    name: str
    data: Callable[[Questionnaire], dict]
    statuses: list[int]
    htmx: bool = False


CHANGES = {
    "submit": Change(
        "reflection-answer",
        lambda q: {"action": "submit", **_answers(q)},
        [302, 302, 302, 404, 404, 302],
    ),
    "save draft": Change(
        "reflection-answer",
        lambda q: {"action": "save", **_answers(q)},
        [302, 302, 302, 404, 404, 302],
    ),
    "autosave": Change("reflection-autosave", _answers, [200, 200, 200, 404, 404, 200], htmx=True),
    "autosave (no htmx)": Change("reflection-autosave", _answers, [200, 200, 200, 404, 404, 200]),
}


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("change", list(CHANGES))
def test_changes(client, people, plenary, change, who):
    case = CHANGES[change]
    questionnaire = _opened(plenary)
    url = _url(questionnaire, case.name)
    headers = HTMX if case.htmx else {}
    response = as_user(client, people[who]).post(url, case.data(questionnaire), headers=headers)
    assert response.status_code == case.statuses[ROLES.index(who)]
    stored = Reflection.objects.filter(questionnaire=questionnaire)
    if who in ASKED:
        assert list(stored.values_list("member__user", flat=True)) == [people[who].pk]
        assert stored.get().is_submitted is (change == "submit")
    else:
        assert not stored.exists()
    if who == "anonymous" and case.name == "reflection-answer":
        assert response["Location"] == login_redirect(url)
    if who == "anonymous" and case.name == "reflection-autosave":
        assert "HX-Redirect" not in response
        assert "Je bent uitgelogd." in response.content.decode()


@pytest.mark.parametrize("who", ROLES)
def test_the_autosave_is_post_only(client, people, plenary, who):
    questionnaire = _opened(plenary)
    response = as_user(client, people[who]).get(_url(questionnaire, "reflection-autosave"))
    assert response.status_code == 405


@pytest.mark.parametrize("name", ["reflection-answer", "reflection-autosave"])
def test_changes_need_the_csrf_token(people, plenary, name):
    questionnaire = _opened(plenary)
    client = Client(enforce_csrf_checks=True)
    client.force_login(people["teacher"])
    data = {"action": "submit", **_answers(questionnaire)}
    response = client.post(_url(questionnaire, name), data, headers=HTMX)
    assert response.status_code == 403
    assert not Reflection.objects.exists()


def test_an_unknown_action_is_a_404_and_stores_nothing(client, people, plenary):
    questionnaire = _opened(plenary)
    response = as_user(client, people["teacher"]).post(
        _url(questionnaire, "reflection-answer"), {"action": "explode", **_answers(questionnaire)}
    )
    assert response.status_code == 404
    assert not Reflection.objects.exists()


@pytest.mark.parametrize("name", ["reflection-answer", "reflection-autosave"])
def test_another_schools_form_is_not_found_here(client, people, plenary, their_plenary, name):
    theirs = _opened(their_plenary)
    mine = _url(theirs, name).replace("/s/de-vlinder/", "/s/de-regenboog/")
    assert mine != _url(theirs, name)
    client = as_user(client, people["steering"])
    if name == "reflection-answer":
        assert client.get(mine).status_code == 404
    response = client.post(mine, {"action": "submit", **_answers(theirs)}, headers=HTMX)
    assert response.status_code == 404
    assert not Reflection.objects.exists()


# --- query costs: the same at 20 and at 150 members ---


def _grown_and_open(make_team, make_session, size):
    draft = grown(make_team, make_session, size)
    session_publish(session=draft)
    questionnaire = questionnaire_open(questionnaire=Questionnaire.objects.get(session=draft))
    member = draft.school.members.filter(is_steering=False).order_by("pk")[1]
    return draft, questionnaire, member


@pytest.mark.parametrize("size", [20, 150])
# one query of each is the member's own line, left out of "From which learning line I took it"
@pytest.mark.parametrize(("draft", "queries"), [(False, 12), (True, 13)])
def test_the_answer_page_costs_the_same_at_20_and_150_members(
    client, make_team, make_session, django_assert_num_queries, size, draft, queries
):
    _session, questionnaire, member = _grown_and_open(make_team, make_session, size)
    client.force_login(member.user)
    url = _url(questionnaire, "reflection-answer")
    if draft:
        client.post(_url(questionnaire, "reflection-autosave"), _answers(questionnaire))
    with django_assert_num_queries(queries):
        response = client.get(url)
    assert response.status_code == 200
    assert "answer-form" in response.content.decode()


@pytest.mark.parametrize("size", [20, 150])
def test_an_autosave_costs_the_same_at_20_and_150_members(
    client, make_team, make_session, django_assert_num_queries, size
):
    _session, questionnaire, member = _grown_and_open(make_team, make_session, size)
    client.force_login(member.user)
    url = _url(questionnaire, "reflection-autosave")
    first = _answers(questionnaire)
    client.post(url, first, headers=HTMX)
    changed = {
        key: value + "0" if value == "Tweetallen lezen" else value for key, value in first.items()
    }
    # 17: the form's row is locked first, so a close and a submit run one after the other
    with django_assert_num_queries(17):
        response = client.post(url, changed, headers=HTMX)
    assert response.status_code == 200


@pytest.mark.parametrize("size", [20, 150])
def test_the_teachers_session_page_with_an_open_form_costs_the_same(
    client, make_team, make_session, django_assert_num_queries, size
):
    session, _questionnaire, member = _grown_and_open(make_team, make_session, size)
    # on the session's day, when the page also follows the clock
    session.date = timezone.localdate()
    session.save(update_fields=["date"])
    client.force_login(member.user)
    with django_assert_num_queries(13):
        response = client.get(f"/s/{session.school.slug}/sessions/{session.pk}/me/", headers=HTMX)
    assert response.status_code == 200
    assert "Vul de reflectie in" in response.content.decode()
