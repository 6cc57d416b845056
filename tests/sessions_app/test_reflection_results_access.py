"""The results page and its two exports with every role: the steering group and the coach read
them, a teacher of the school is refused (403), strangers find nothing (404), anonymous visitors
are sent to sign in. A line filter of another school, or no line at all, finds nothing either.
"""

import pytest
from django.urls import reverse

from sessions_app.models import Questionnaire
from sessions_app.services.reflections import AnswerData, questionnaire_open, reflection_submit
from tests.sessions_app.plenary import GET_STATUSES, ROLES, as_user, login_redirect

pytestmark = pytest.mark.django_db

NAMES = ["reflection-results", "reflection-export-xlsx", "reflection-export-csv"]
CONTENT_TYPES = {
    "reflection-results": "text/html; charset=utf-8",
    "reflection-export-xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "reflection-export-csv": "text/csv; charset=utf-8",
}


def _url(questionnaire, name, query=""):
    kwargs = {"school_slug": questionnaire.school.slug, "pk": questionnaire.pk}
    return reverse(f"sessions_app:{name}", kwargs=kwargs) + query


@pytest.fixture
def answered(plenary):
    questionnaire = questionnaire_open(
        questionnaire=Questionnaire.objects.get(session=plenary.session)
    )
    learned, _bt, _try, _talk, useful = questionnaire.questions.order_by("position")
    for member in plenary.members[:4]:
        reflection_submit(
            questionnaire=questionnaire,
            member=member,
            answers={learned.pk: AnswerData(text="Iets"), useful.pk: AnswerData(value=4)},
        )
    return questionnaire


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("name", NAMES)
def test_results_and_exports_by_role(client, people, answered, name, who):
    url = _url(answered, name)
    response = as_user(client, people[who]).get(url)
    assert response.status_code == GET_STATUSES[ROLES.index(who)]
    if who == "anonymous":
        assert response["Location"] == login_redirect(url)
    if response.status_code == 200:
        assert response["Content-Type"] == CONTENT_TYPES[name]
        assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("name", NAMES)
def test_another_schools_form_is_not_found(client, people, their_plenary, name, who):
    theirs = Questionnaire.objects.get(session=their_plenary.session)
    response = as_user(client, people[who]).get(_url(theirs, name))
    # Their steering member ("stranger") reads their own results; nobody of ours finds them.
    expected = {"stranger": 200, "anonymous": 302}.get(who, 404)
    assert response.status_code == expected


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_only_get_is_allowed(client, steering, answered, name, method):
    response = getattr(as_user(client, steering.user), method)(_url(answered, name))
    assert response.status_code == 405


@pytest.mark.parametrize("name", NAMES)
def test_a_line_of_another_school_or_no_line_at_all_is_not_found(
    client, steering, answered, their_plenary, name
):
    as_user(client, steering.user)
    theirs = their_plenary.lines[0].pk
    for query in (f"?line={theirs}", "?line=999999", "?line=abc", "?line=-1"):
        assert client.get(_url(answered, name, query)).status_code == 404
    ours = _url(answered, name, "?line=")
    assert client.get(ours).status_code == 200


@pytest.mark.parametrize("name", NAMES)
def test_a_line_of_our_school_filters(client, coach, answered, plenary, name):
    response = as_user(client, coach).get(_url(answered, name, f"?line={plenary.lines[1].pk}"))
    assert response.status_code == 200
