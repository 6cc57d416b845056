"""Every URL of ambitions and small exchanges, per role, plus anonymous; POSTs check their effect.

Owner: a teacher taking part in the exchange (here invited to it). Weaker: a teacher of the
school who is not in it (the exchange's own pages are a 404 for them; the list, starting one and
the ambition are theirs too). A coach is never a team member: 403. Someone of another school,
or without a school: 404. The suggestions fragment and the "my exchanges" page cost the same
number of queries at 20 and at 150 members.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from learninglines.models import Member
from learninglines.services.people import school_year_ensure_current
from sessions_app import urls as session_urls
from sessions_app.models import Ambition, ExchangeMoment, ExchangeParticipant, PeerExchange
from sessions_app.services.exchanges import (
    exchange_accept,
    exchange_mark_held,
    exchange_start,
)
from tests.factories import CoachAssignmentFactory, MemberFactory, UserFactory
from tests.sessions_app.plenary import as_user, login_redirect
from tests.sessions_app.test_session_pages import grown

pytestmark = pytest.mark.django_db

ROLES = ["owner", "weaker", "coach", "stranger", "no_school", "anonymous"]
OWN_PAGE = [200, 404, 403, 404, 404, 302]
TEAM_PAGE = [200, 200, 403, 404, 404, 302]
OWN_POST = [302, 404, 403, 404, 404, 302]
TEAM_POST = [302, 302, 403, 404, 404, 302]
SLUG = "de-regenboog"


def soon(days: int = 3):
    return (timezone.localtime() + timedelta(days=days)).replace(
        hour=15, minute=0, second=0, microsecond=0
    )


@dataclass
class World:
    owner: Member
    partner: Member
    weaker: Member
    exchange: PeerExchange

    def url(self, name: str, **kwargs) -> str:
        if name not in TEAM_URLS:
            kwargs["pk"] = self.exchange.pk
        return reverse(f"sessions_app:{name}", kwargs={"school_slug": SLUG, **kwargs})

    def part(self, member: Member | None = None) -> ExchangeParticipant:
        return ExchangeParticipant.objects.get(exchange=self.exchange, member=member or self.owner)

    def refreshed(self) -> PeerExchange:
        return PeerExchange.objects.get(pk=self.exchange.pk)


@pytest.fixture
def world(school, teacher) -> World:
    school_year_ensure_current(school=school)
    partner = MemberFactory(school=school, first_name="Pim")
    weaker = MemberFactory(school=school, first_name="Wim")
    exchange = exchange_start(
        initiator=partner, invitees=[teacher], topic="Vraagkaarten", kind="visit", moments=[soon()]
    )
    return World(owner=teacher, partner=partner, weaker=weaker, exchange=exchange)


@pytest.fixture
def users(world, school, other_school):
    return {
        "owner": world.owner.user,
        "weaker": world.weaker.user,
        "coach": CoachAssignmentFactory(school=school).user,
        "stranger": MemberFactory(school=other_school, is_steering=True).user,
        "no_school": UserFactory(),
        "anonymous": None,
    }


TEAM_URLS = {"ambition", "exchange-list", "exchange-start", "exchange-suggestions"}

# --- pages (GET) ---

PAGES = {
    "ambition": TEAM_PAGE,
    "exchange-list": TEAM_PAGE,
    "exchange-start": TEAM_PAGE,
    "exchange-suggestions": TEAM_PAGE,
    "exchange-detail": OWN_PAGE,
}


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("page", list(PAGES))
def test_pages(client, world, users, page, who):
    url = world.url(page)
    response = as_user(client, users[who]).get(url)
    assert response.status_code == PAGES[page][ROLES.index(who)]
    if who == "anonymous":
        assert response["Location"] == login_redirect(url)


# --- changes (POST): the status, and whether the change was made ---


@dataclass
class Change:
    data: dict
    made: Callable[[], bool]


def _passed(world: World) -> None:
    exchange_accept(participant=world.part(), moment=world.exchange.moments.get())
    PeerExchange.objects.filter(pk=world.exchange.pk).update(
        starts_at=timezone.now() - timedelta(hours=2)
    )


def _ambition(world: World) -> Change:
    return Change(
        {"text": "Rekenspellen leren", "sharing": "team"},
        lambda: Ambition.objects.filter(text="Rekenspellen leren").exists(),
    )


def _start(world: World) -> Change:
    return Change(
        {
            "topic": "Nieuw onderwerp",
            "kind": "conversation",
            "invitees": [world.partner.pk],
            "moment_1": soon(5).strftime("%Y-%m-%dT%H:%M"),
            "minutes": "45",
        },
        lambda: PeerExchange.objects.filter(topic="Nieuw onderwerp").exists(),
    )


def _accept(world: World) -> Change:
    moment = world.exchange.moments.get()
    return Change(
        {"moment": moment.pk}, lambda: world.refreshed().status == PeerExchange.Status.AGREED
    )


def _decline(world: World) -> Change:
    return Change({}, lambda: world.part().response == ExchangeParticipant.Response.DECLINED)


def _propose(world: World) -> Change:
    later = soon(9)
    return Change(
        {"starts_at": later.strftime("%Y-%m-%dT%H:%M")},
        lambda: ExchangeMoment.objects.filter(starts_at=later).exists(),
    )


def _cancel(world: World) -> Change:
    # who takes part calls it off: the owner accepted (an invitee who has not answered declines)
    exchange_accept(participant=world.part(), moment=world.exchange.moments.first())
    return Change(
        {"note": "Toch niet"}, lambda: world.refreshed().status == PeerExchange.Status.CANCELLED
    )


def _held(world: World) -> Change:
    _passed(world)
    return Change({"held": "1"}, lambda: world.refreshed().status == PeerExchange.Status.HELD)


def _notes(world: World) -> Change:
    _passed(world)
    exchange_mark_held(participant=world.part(), held=True)
    return Change(
        {"brought": "Mijn vraagkaarten", "took": "", "sharing": "private"},
        lambda: world.part().brought == "Mijn vraagkaarten",
    )


CHANGES: dict[str, tuple[Callable[[World], Change], list[int]]] = {
    "ambition": (_ambition, TEAM_POST),
    "exchange-start": (_start, TEAM_POST),
    "exchange-accept": (_accept, OWN_POST),
    "exchange-decline": (_decline, OWN_POST),
    "exchange-propose": (_propose, OWN_POST),
    "exchange-cancel": (_cancel, OWN_POST),
    "exchange-held": (_held, OWN_POST),
    "exchange-notes": (_notes, OWN_POST),
}


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("change", list(CHANGES))
def test_changes(client, world, users, change, who):
    build, statuses = CHANGES[change]
    case = build(world)
    url = world.url(change)
    response = as_user(client, users[who]).post(url, case.data)
    assert response.status_code == statuses[ROLES.index(who)]
    allowed = {"owner", "weaker"} if statuses is TEAM_POST else {"owner"}
    assert case.made() is (who in allowed)
    if who == "anonymous":
        assert response["Location"] == login_redirect(url)


POST_ONLY = [
    "exchange-accept",
    "exchange-decline",
    "exchange-propose",
    "exchange-cancel",
    "exchange-held",
    "exchange-notes",
]


@pytest.mark.parametrize("name", POST_ONLY)
def test_changes_refuse_get(client, world, name):
    response = as_user(client, world.owner.user).get(world.url(name))
    assert response.status_code == 405


@pytest.mark.parametrize("name", [*POST_ONLY, "ambition", "exchange-start"])
def test_changes_need_the_csrf_token(world, name):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.owner.user)
    response = client.post(world.url(name), {"held": "1", "text": "x", "sharing": "team"})
    assert response.status_code == 403
    assert world.refreshed().status == PeerExchange.Status.PROPOSED
    assert world.part().response == ExchangeParticipant.Response.PENDING
    assert not Ambition.objects.exists()


@pytest.mark.parametrize("name", ["exchange-detail", *POST_ONLY])
def test_another_schools_exchange_is_not_found_here(client, world, other_school, name):
    school_year_ensure_current(school=other_school)
    theirs = MemberFactory(school=other_school)
    exchange = exchange_start(
        initiator=theirs,
        invitees=[MemberFactory(school=other_school)],
        topic="Van de Vlinder",
        kind="visit",
        moments=[soon()],
    )
    url = reverse(f"sessions_app:{name}", kwargs={"school_slug": SLUG, "pk": exchange.pk})
    client.force_login(world.owner.user)
    response = client.get(url) if name == "exchange-detail" else client.post(url, {"held": "1"})
    assert response.status_code == 404
    assert PeerExchange.objects.get(pk=exchange.pk).status == PeerExchange.Status.PROPOSED


EXCHANGE_URLS = {
    "ambition",
    "exchange-list",
    "exchange-start",
    "exchange-suggestions",
    "exchange-detail",
    "exchange-accept",
    "exchange-decline",
    "exchange-propose",
    "exchange-cancel",
    "exchange-held",
    "exchange-notes",
}


def test_every_exchange_url_is_in_an_access_table():
    names = {entry.name for entry in session_urls.urlpatterns}
    assert names >= EXCHANGE_URLS
    assert {name for name in names if "exchange" in name or name == "ambition"} == EXCHANGE_URLS
    assert set(PAGES) | set(CHANGES) | set(POST_ONLY) == EXCHANGE_URLS


# --- the same cost at 20 and at 150 members ---


def _busy(size, make_team, make_session) -> Member:
    """A grown school; its second teacher started two exchanges and was invited to one."""
    draft = grown(make_team, make_session, size)
    teachers = list(draft.school.members.filter(is_steering=False).order_by("pk"))
    member = teachers[1]
    others = teachers[-4:]
    exchange_start(
        initiator=member, invitees=others[:1], topic="Duo", kind="visit", moments=[soon()]
    )
    group = exchange_start(
        initiator=member, invitees=others[1:3], topic="Groep", kind="lesson", moments=[soon(4)]
    )
    exchange_accept(
        participant=ExchangeParticipant.objects.get(exchange=group, member=others[1]),
        moment=group.moments.get(),
    )
    exchange_start(
        initiator=others[3],
        invitees=[member],
        topic="Uitnodiging",
        kind="conversation",
        moments=[],
        self_arranged=True,
    )
    return member


@pytest.mark.parametrize("size", [20, 150])
@pytest.mark.parametrize(
    ("page", "params", "queries"),
    [
        # 8, and 3 for what the moments still to come fall during (`clashes_for`)
        ("exchange-list", {}, 11),
        ("exchange-suggestions", {"topic": "lezen en rekenen"}, 14),
    ],
)
def test_pages_cost_the_same_at_20_and_150_members(
    client, make_team, make_session, django_assert_num_queries, size, page, params, queries
):
    member = _busy(size, make_team, make_session)
    client.force_login(member.user)
    url = reverse(f"sessions_app:{page}", kwargs={"school_slug": member.school.slug})
    with django_assert_num_queries(queries):
        response = client.get(url, params, headers={"HX-Request": "true"})
    assert response.status_code == 200
