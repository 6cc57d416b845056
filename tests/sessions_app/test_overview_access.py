"""Who may open the school overview, its print view and the coach's home.

The overview is for the steering group and the coach (`view_results`): a teacher of the school
gets a 403, anyone else a 404, an anonymous visitor the sign-in page. The coach's home is for
whoever coaches a school today; everyone else signed in gets a 404.
"""

import pytest
from django.utils import timezone

from learninglines.services.people import school_year_ensure_current
from sessions_app import urls as session_urls
from tests.factories import CoachAssignmentFactory, UserFactory
from tests.sessions_app.plenary import GET_STATUSES, ROLES, as_user, login_redirect

pytestmark = pytest.mark.django_db

PAGES = {
    "overview": "/s/de-regenboog/overview/",
    "overview-print": "/s/de-regenboog/overview/print/",
    "overview-xlsx": "/s/de-regenboog/overview.xlsx",
    "overview-csv": "/s/de-regenboog/overview.csv",
    "overview-matrix-csv": "/s/de-regenboog/overview-encounters.csv",
}


@pytest.fixture
def with_year(school):
    return school_year_ensure_current(school=school)


@pytest.mark.parametrize(("who", "status"), list(zip(ROLES, GET_STATUSES, strict=True)))
@pytest.mark.parametrize("page", list(PAGES))
def test_the_overview_pages(client, people, with_year, page, who, status):
    url = PAGES[page]
    response = as_user(client, people[who]).get(url)
    assert response.status_code == status
    if who == "anonymous":
        assert response["Location"] == login_redirect(url)


@pytest.mark.parametrize("page", list(PAGES))
def test_a_post_is_refused(client, people, with_year, page):
    client.force_login(people["steering"])
    assert client.post(PAGES[page]).status_code == 405


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("coach", 200),
        ("steering", 404),
        ("teacher", 404),
        ("stranger", 404),
        ("no_school", 404),
        ("anonymous", 302),
    ],
)
def test_the_coach_home(client, people, who, status):
    response = as_user(client, people[who]).get("/coach/")
    assert response.status_code == status
    if who == "anonymous":
        assert response["Location"] == login_redirect("/coach/")


def test_an_ended_assignment_no_longer_opens_the_coach_home(client, school):
    coach = UserFactory()
    now = timezone.now()
    CoachAssignmentFactory(
        user=coach,
        school=school,
        created_at=now - timezone.timedelta(days=30),
        ended_at=now - timezone.timedelta(days=1),
    )
    client.force_login(coach)
    assert client.get("/coach/").status_code == 404
    assert client.get(PAGES["overview"]).status_code == 404


def test_a_coach_of_school_a_gets_404_on_school_b(client, coach, other_school):
    school_year_ensure_current(school=other_school)
    client.force_login(coach)
    assert client.get("/s/de-vlinder/overview/").status_code == 404
    assert client.get("/s/de-vlinder/overview/print/").status_code == 404
    # Nor through the school switch of its own school's overview.
    assert client.get(PAGES["overview"] + "?school=de-vlinder").status_code == 404


def test_the_steering_group_cannot_switch_to_a_school_it_does_not_coach(
    client, steering, other_school
):
    client.force_login(steering.user)
    assert client.get(PAGES["overview"] + "?school=de-vlinder").status_code == 404


def test_every_new_url_is_covered_here():
    names = {entry.name for entry in session_urls.urlpatterns}
    assert {"overview", "overview-print", "coach-home"} <= names
    assert {
        entry.name for entry in session_urls.urlpatterns if "overview" in str(entry.pattern)
    } == set(PAGES)
