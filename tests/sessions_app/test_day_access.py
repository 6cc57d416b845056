"""Every URL of the session's day with the trio (owner, weaker role, stranger), plus anonymous.

The teacher's page and the .ics download are for everyone of the school; publish, announce,
print, the projector and its clock, held and the door link are for the steering group and the
coach. Every POST also checks its effect. The pages the teachers and the hall poll cost a fixed
number of queries at 20 and at 150 members.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.utils import timezone

from learninglines.models import MagicLink, OutgoingMail
from sessions_app import urls as session_urls
from sessions_app.models import PlenarySession, SessionClock
from sessions_app.services.day import session_publish
from sessions_app.services.plans import plan_swap
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
from tests.sessions_app.test_sessions_access import PLENARY_URLS

pytestmark = pytest.mark.django_db

READ_STATUSES = [200, 200, 200, 404, 404, 302]


def published(plenary: Plenary) -> Plenary:
    session_publish(session=plenary.session)
    plenary.session.refresh_from_db()
    return plenary


# --- pages (GET) ---

# name: (url, statuses by role, publish first?)
PAGES: dict[str, tuple[Callable[[Plenary], str], list[int], bool]] = {
    "my-session": (lambda p: p.url("my-session"), READ_STATUSES, True),
    "my-session (draft)": (lambda p: p.url("my-session"), READ_STATUSES, False),
    "session-ics": (lambda p: p.url("session-ics"), READ_STATUSES, True),
    "session-publish": (lambda p: p.url("session-publish"), GET_STATUSES, False),
    "session-print": (lambda p: p.url("session-print"), GET_STATUSES, True),
    "projector": (lambda p: p.url("projector"), GET_STATUSES, True),
    "projector (remote)": (lambda p: p.url("projector") + "?remote=1", GET_STATUSES, True),
    "session-hold": (lambda p: p.url("session-hold"), GET_STATUSES, True),
}


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("page", list(PAGES))
def test_pages(client, people, plenary, page, who):
    url_of, statuses, publish = PAGES[page]
    if publish:
        published(plenary)
    url = url_of(plenary)
    response = as_user(client, people[who]).get(url)
    assert response.status_code == statuses[ROLES.index(who)]
    if who == "anonymous":
        assert response["Location"] == login_redirect(url)


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("page", ["my-session", "projector"])
def test_the_polled_fragments(client, people, plenary, page, who):
    url_of, statuses, _publish = PAGES[page]
    url = url_of(published(plenary))
    response = as_user(client, people[who]).get(url, headers={"HX-Request": "true"})
    if who == "anonymous":
        assert response.status_code == 200
        assert response["HX-Redirect"].startswith("/login/?next=")
        return
    assert response.status_code == statuses[ROLES.index(who)]
    if response.status_code == 200:
        assert "<html" not in response.content.decode()


# --- changes (POST): the status, and whether the change was made ---


@dataclass
class Change:
    url: str
    data: dict
    made: Callable[[], bool]


def _publish(p: Plenary) -> Change:
    return Change(
        p.url("session-publish"),
        {},
        lambda: (
            PlenarySession.objects.get(pk=p.session.pk).status == PlenarySession.Status.PUBLISHED
        ),
    )


def _announce(p: Plenary) -> Change:
    published(p)
    OutgoingMail.objects.all().delete()
    tables = p.seated(1)
    plan_swap(
        plan=p.plan,
        version=p.plan.version,
        round_number=1,
        first=tables[0][0],
        second=tables[1][0],
    )
    return Change(p.url("session-announce"), {}, lambda: OutgoingMail.objects.count() == 2)


def _clock(action: str, position: int, running: bool):
    def build(p: Plenary) -> Change:
        published(p)

        def made():
            clock = SessionClock.objects.filter(session=p.session).first()
            return clock is not None and (clock.position, clock.running) == (position, running)

        return Change(p.url("session-clock"), {"action": action}, made)

    return build


def _hold(p: Plenary) -> Change:
    published(p)
    # held from its day on: the session takes place today
    PlenarySession.objects.filter(pk=p.session.pk).update(date=timezone.localdate())
    return Change(
        p.url("session-hold"),
        {},
        lambda: PlenarySession.objects.get(pk=p.session.pk).status == PlenarySession.Status.HELD,
    )


def _door_link(p: Plenary) -> Change:
    published(p)
    member = p.members[1]
    return Change(
        p.url("door-link", member_pk=member.pk),
        {},
        lambda: MagicLink.objects.filter(purpose=MagicLink.Purpose.DOOR, user=member.user).exists(),
    )


CHANGES: dict[str, Callable[[Plenary], Change]] = {
    "session-publish": _publish,
    "session-announce": _announce,
    "session-clock (start)": _clock("start", 1, True),
    "session-clock (next)": _clock("next", 2, False),
    "session-hold": _hold,
    "door-link": _door_link,
}

# The door link answers with the QR page itself (200), not with a redirect.
DOOR_STATUSES = [200, 200, 403, 404, 404, 302]


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("change", list(CHANGES))
def test_changes(client, people, plenary, change, who):
    case = CHANGES[change](plenary)
    response = as_user(client, people[who]).post(case.url, case.data)
    statuses = DOOR_STATUSES if change == "door-link" else POST_STATUSES
    assert response.status_code == statuses[ROLES.index(who)]
    assert case.made() is (who in PLANNERS)
    if who == "anonymous":
        assert response["Location"] == login_redirect(case.url)


@pytest.mark.parametrize("change", list(CHANGES))
def test_another_schools_session_cannot_be_changed_from_here(
    client, people, plenary, their_plenary, change
):
    case = CHANGES[change](their_plenary)
    mine = case.url.replace("/s/de-vlinder/", "/s/de-regenboog/")
    assert mine != case.url
    response = as_user(client, people["steering"]).post(mine, case.data)
    assert response.status_code == 404
    assert not case.made()


@pytest.mark.parametrize("page", list(PAGES))
def test_another_schools_session_is_not_found_here(client, people, plenary, their_plenary, page):
    url_of, _statuses, publish = PAGES[page]
    if publish:
        published(their_plenary)
    mine = url_of(their_plenary).replace("/s/de-vlinder/", "/s/de-regenboog/")
    assert as_user(client, people["steering"]).get(mine).status_code == 404


POST_ONLY = ["session-announce", "session-clock", "door-link"]


@pytest.mark.parametrize("name", POST_ONLY)
def test_changes_refuse_get(client, people, plenary, name):
    published(plenary)
    kwargs = {"member_pk": plenary.members[1].pk} if name == "door-link" else {}
    response = as_user(client, people["steering"]).get(plenary.url(name, **kwargs))
    assert response.status_code == 405
    assert not MagicLink.objects.filter(purpose=MagicLink.Purpose.DOOR).exists()


@pytest.mark.parametrize("name", ["session-publish", "session-clock", "session-hold", "door-link"])
def test_changes_need_the_csrf_token(people, plenary, name):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(people["steering"])
    kwargs = {"member_pk": plenary.members[1].pk} if name == "door-link" else {}
    response = client.post(plenary.url(name, **kwargs), {"action": "start"})
    assert response.status_code == 403
    plenary.session.refresh_from_db()
    assert plenary.session.status == PlenarySession.Status.DRAFT
    assert not SessionClock.objects.exists()


def test_an_unknown_clock_action_is_a_404_and_changes_nothing(client, people, plenary):
    response = as_user(client, people["coach"]).post(
        plenary.url("session-clock"), {"action": "explode"}
    )
    assert response.status_code == 404
    assert not SessionClock.objects.exists()


DAY_URLS = {
    "my-session",
    "session-publish",
    "session-announce",
    "session-print",
    "projector",
    "session-clock",
    "session-hold",
    "session-ics",
    "door-link",
}


def test_every_url_of_the_sessions_app_is_in_an_access_table():
    """Each URL name is in the access table of one test module (this one for the day)."""
    from tests.sessions_app import (
        test_exchange_access,
        test_overview_access,
        test_reflection_builder_access,
        test_reflection_results_access,
    )

    names = {entry.name for entry in session_urls.urlpatterns}
    covered = {name.split(" ")[0] for name in [*PAGES, *CHANGES, *POST_ONLY]}
    assert covered == DAY_URLS
    assert names == (
        PLENARY_URLS
        | DAY_URLS
        | test_reflection_builder_access.BUILDER_URLS
        | {"reflection-answer", "reflection-autosave"}  # test_reflection_answer_access
        | set(test_reflection_results_access.NAMES)
        | set(test_overview_access.PAGES)
        | {"coach-home"}
        | test_exchange_access.EXCHANGE_URLS
    )


# --- the pages that are polled or printed cost the same at 20 and at 150 members ---


@pytest.mark.parametrize("size", [20, 150])
@pytest.mark.parametrize(
    ("path", "who", "htmx", "queries"),
    [
        ("me/", "teacher", False, 11),
        ("me/", "teacher", True, 11),
        ("projector/", "steering", False, 12),
        ("projector/", "steering", True, 12),
        ("print/", "steering", False, 11),
    ],
)
def test_day_pages_cost_the_same_at_20_and_150_members(
    client,
    steering,
    make_team,
    make_session,
    django_assert_num_queries,
    size,
    path,
    who,
    htmx,
    queries,
):
    draft = grown(make_team, make_session, size)
    # on the session's day: the teacher's page then follows the clock and is polled
    draft.date = timezone.localdate()
    draft.save(update_fields=["date"])
    session_publish(session=draft)
    member = draft.school.members.filter(is_steering=False).order_by("pk")[1]
    client.force_login(steering.user if who == "steering" else member.user)
    url = f"/s/{draft.school.slug}/sessions/{draft.pk}/{path}"
    headers = {"HX-Request": "true"} if htmx else {}
    with django_assert_num_queries(queries):
        response = client.get(url, headers=headers)
    assert response.status_code == 200
