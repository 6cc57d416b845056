"""Every URL of the plenary sessions with the trio (owner, weaker role, stranger), plus anonymous.

The steering group and the coach have the same planning rights; a teacher of the school gets a
403; a steering member of another school and a user without a school get a 404 (the school's
existence is not confirmed); anonymous visitors are sent to the sign-in page. Every POST also
checks its effect: made for those allowed, nothing changed for anyone else.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sessions_app import urls as session_urls
from sessions_app.models import (
    ApartPair,
    PlanTable,
    PlenarySession,
    ProgramTemplate,
    SessionAttendance,
)
from sessions_app.services.apart import apart_pair_add
from sessions_app.services.earlier import EarlierPlan, earlier_plan_sign
from sessions_app.services.plans import plan_lock
from sessions_app.services.sessions import session_hold
from tests.sessions_app.plenary import (
    GET_STATUSES,
    PLANNERS,
    POST_STATUSES,
    ROLES,
    Plenary,
    as_user,
    login_redirect,
)

pytestmark = pytest.mark.django_db


# --- pages (GET) ---


def _assignment(plenary: Plenary):
    return plenary.session.assignments.order_by("position").first()


PAGES: dict[str, Callable[[Plenary], str]] = {
    "session-list": lambda p: reverse("sessions_app:session-list", args=[p.school.slug]),
    "session-create": lambda p: reverse("sessions_app:session-create", args=[p.school.slug]),
    "session-earlier": lambda p: reverse("sessions_app:session-earlier", args=[p.school.slug]),
    "session-earlier-template": lambda p: reverse(
        "sessions_app:session-earlier-template", args=[p.school.slug, "csv"]
    ),
    "session-detail": lambda p: p.url("session-detail"),
    "session-update": lambda p: p.url("session-update"),
    "assignment-create": lambda p: p.url("assignment-create"),
    "assignment-update": lambda p: p.url("assignment-update", assignment_pk=_assignment(p).pk),
    "session-attendance": lambda p: p.url("session-attendance"),
    "plan-detail": lambda p: p.url("plan-detail"),
    "plan-export": lambda p: p.url("plan-export", kind="xlsx"),
}


@pytest.mark.parametrize(("who", "status"), list(zip(ROLES, GET_STATUSES, strict=True)))
@pytest.mark.parametrize("page", list(PAGES))
def test_pages(client, people, plenary, page, who, status):
    url = PAGES[page](plenary)
    response = as_user(client, people[who]).get(url)
    assert response.status_code == status
    if who == "anonymous":
        assert response["Location"] == login_redirect(url)


@pytest.mark.parametrize(("who", "status"), list(zip(ROLES, GET_STATUSES, strict=True)))
def test_plan_page_with_a_chosen_seat_and_as_an_htmx_fragment(client, people, plenary, who, status):
    first = plenary.seated(1)[0][0]
    url = plenary.url("plan-detail") + f"?round=1&select={first}"
    client = as_user(client, people[who])
    response = client.get(url)
    assert response.status_code == status
    fragment = client.get(url, HTTP_HX_REQUEST="true")
    if who == "anonymous":
        # htmx is told to navigate to the sign-in page instead of a 302 inside the fragment.
        assert fragment.status_code == 200
        assert fragment["HX-Redirect"].startswith("/login/?next=")
    else:
        assert fragment.status_code == status
    if who in PLANNERS:
        assert 'aria-current="true"' in response.content.decode()
        assert fragment.content.decode().lstrip().startswith('<div id="plan-board"')


# --- changes (POST): the status, and whether the change was made ---


@dataclass
class Change:
    url: str
    data: dict
    made: Callable[[], bool]


def _session_create(p: Plenary) -> Change:
    day = min(timezone.localdate() + timedelta(days=21), p.year.end)
    data = {
        "title": "Tweede bijeenkomst",
        "date": day.isoformat(),
        "start_time": "15:00",
        "end_time": "16:45",
        "place": "Aula",
        "group_size": "",
    }
    return Change(
        reverse("sessions_app:session-create", args=[p.school.slug]),
        data,
        lambda: PlenarySession.objects.filter(title="Tweede bijeenkomst").exists(),
    )


def _session_update(p: Plenary) -> Change:
    data = {
        "title": "Nieuwe titel",
        "date": p.session.date.isoformat(),
        "start_time": "14:30",
        "end_time": "16:45",
        "place": "Gymzaal",
        "group_size": "",
    }
    return Change(
        p.url("session-update"),
        data,
        lambda: PlenarySession.objects.get(pk=p.session.pk).title == "Nieuwe titel",
    )


def _session_delete(p: Plenary) -> Change:
    return Change(
        p.url("session-delete"),
        {},
        lambda: not PlenarySession.objects.filter(pk=p.session.pk).exists(),
    )


def _assignment_create(p: Plenary) -> Change:
    before = p.session.assignments.count()
    data = {"title": "Pauze", "instructions": "", "duration_minutes": "10", "table_round": ""}
    return Change(
        p.url("assignment-create"), data, lambda: p.session.assignments.count() == before + 1
    )


def _assignment_update(p: Plenary) -> Change:
    assignment = _assignment(p)
    data = {
        "title": assignment.title,
        "instructions": assignment.instructions,
        "duration_minutes": "12",
        "table_round": "1",
    }

    def made():
        assignment.refresh_from_db()
        return assignment.duration_minutes == 12

    return Change(p.url("assignment-update", assignment_pk=assignment.pk), data, made)


def _assignment_delete(p: Plenary) -> Change:
    last = p.session.assignments.order_by("-position").first()
    return Change(
        p.url("assignment-delete", assignment_pk=last.pk),
        {},
        lambda: not p.session.assignments.filter(pk=last.pk).exists(),
    )


def _assignment_move(p: Plenary) -> Change:
    first = _assignment(p)

    def made():
        first.refresh_from_db()
        return first.position == 2

    return Change(p.url("assignment-move", assignment_pk=first.pk), {"direction": "down"}, made)


def _program_template(p: Plenary) -> Change:
    return Change(
        p.url("program-template"),
        {},
        lambda: ProgramTemplate.objects.filter(school=p.school).exists(),
    )


def _attendance(p: Plenary) -> Change:
    absent = p.members[-1]
    data = {}
    for member in p.members:
        data[f"status_{member.pk}"] = "absent" if member == absent else "present"
        data[f"first_{member.pk}"] = "1"
        data[f"last_{member.pk}"] = "2"
        data[f"was_{member.pk}"] = "0::"
    return Change(
        p.url("session-attendance"),
        data,
        lambda: SessionAttendance.objects.filter(
            session=p.session, member=absent, absent=True
        ).exists(),
    )


def _plan_generate(p: Plenary) -> Change:
    version = p.plan.version
    return Change(
        p.url("plan-generate"), {"version": version}, lambda: p.plan.version == version + 1
    )


def _plan_change(p: Plenary) -> Change:
    tables = p.seated(1)
    first, second = tables[0][0], tables[1][0]
    data = {"version": p.plan.version, "round": 1, "first": first, "second": second}

    def made():
        after = p.seated(1)
        return second in after[0] and first in after[1]

    return Change(p.url("plan-change"), data, made)


def _plan_move(p: Plenary) -> Change:
    # From the table of four to a table of three: the sizes still differ by one at most.
    tables = p.seated(1)
    large = next(t for t, members in enumerate(tables) if len(members) == 4)
    small = next(t for t, members in enumerate(tables) if len(members) == 3)
    first = tables[large][0]
    data = {"version": p.plan.version, "round": 1, "first": first, "table": small + 1}
    return Change(p.url("plan-change"), data, lambda: first in p.seated(1)[small])


def _plan_lock(p: Plenary) -> Change:
    data = {"version": p.plan.version, "round": 1, "lock": 1}
    return Change(
        p.url("plan-lock"),
        data,
        lambda: PlanTable.objects.get(round__plan=p.plan, round__number=1, number=1).locked,
    )


def _plan_undo(p: Plenary) -> Change:
    plan_lock(plan=p.plan, version=p.plan.version, round_number=1, table=1, locked=True)
    return Change(
        p.url("plan-undo"),
        {"version": p.plan.version},
        lambda: not PlanTable.objects.get(round__plan=p.plan, round__number=1, number=1).locked,
    )


def _plan_repair(p: Plenary) -> Change:
    # Written straight into the table, so the plan does not follow by itself: round 1 needs
    # the repair (the attendance page would repair it at once).
    leaving = p.members[-1]
    SessionAttendance.objects.create(session=p.session, member=leaving, last_round=1)
    assert leaving.pk in {m for table in p.seated(2) for m in table}
    return Change(
        p.url("plan-repair", number=2),
        {"version": p.plan.version},
        lambda: leaving.pk not in {m for table in p.seated(2) for m in table},
    )


def _plan_release(p: Plenary) -> Change:
    leaver = p.members[-1]
    leaver.is_active = False  # written straight into the table: someone left the team
    leaver.save(update_fields=["is_active"])
    return Change(
        p.url("plan-release"),
        {"version": p.plan.version},
        lambda: not any(leaver.pk in table for table in p.seated(1)),
    )


def _apart_create(p: Plenary) -> Change:
    first, second = p.members[2], p.members[3]
    return Change(
        p.url("apart-create"),
        {"first": first.pk, "second": second.pk},
        lambda: ApartPair.objects.filter(school=p.school).count() == 1,
    )


def _apart_delete(p: Plenary) -> Change:
    pair = apart_pair_add(school=p.school, first=p.members[2], second=p.members[3])
    return Change(
        p.url("apart-delete", pair_pk=pair.pk),
        {},
        lambda: not ApartPair.objects.filter(pk=pair.pk).exists(),
    )


def _session_earlier(p: Plenary) -> Change:
    """Confirming the preview of an earlier session's tables (two tables of the first six)."""
    day = max(p.year.start, timezone.localdate() - timedelta(days=7))
    first, second = [m.pk for m in p.members[:3]], [m.pk for m in p.members[3:6]]
    plan = EarlierPlan(rounds=[[first, second]], day=day)
    data = {
        "title": "Bijeenkomst op papier",
        "date": day.isoformat(),
        "start_time": "15:00",
        "end_time": "16:45",
        "place": "",
        "token": earlier_plan_sign(school=p.school, plan=plan),
    }
    return Change(
        reverse("sessions_app:session-earlier", args=[p.school.slug]),
        data,
        lambda: PlenarySession.objects.filter(
            school=p.school, title="Bijeenkomst op papier", status="held"
        ).exists(),
    )


CHANGES: dict[str, Callable[[Plenary], Change]] = {
    "session-create": _session_create,
    "session-earlier": _session_earlier,
    "session-update": _session_update,
    "session-delete": _session_delete,
    "assignment-create": _assignment_create,
    "assignment-update": _assignment_update,
    "assignment-delete": _assignment_delete,
    "assignment-move": _assignment_move,
    "program-template": _program_template,
    "session-attendance": _attendance,
    "plan-generate": _plan_generate,
    "plan-change (swap)": _plan_change,
    "plan-change (move)": _plan_move,
    "plan-lock": _plan_lock,
    "plan-undo": _plan_undo,
    "plan-repair": _plan_repair,
    "plan-release": _plan_release,
    "apart-create": _apart_create,
    "apart-delete": _apart_delete,
}


@pytest.mark.parametrize(("who", "status"), list(zip(ROLES, POST_STATUSES, strict=True)))
@pytest.mark.parametrize("change", list(CHANGES))
def test_changes(client, people, plenary, change, who, status):
    case = CHANGES[change](plenary)
    response = as_user(client, people[who]).post(case.url, case.data)
    assert response.status_code == status
    assert case.made() is (who in PLANNERS)
    if who == "anonymous":
        assert response["Location"] == login_redirect(case.url)


@pytest.mark.parametrize(
    ("change", "location"),
    [
        ("session-update", "session-detail"),
        ("session-delete", "session-list"),
        ("assignment-create", "session-detail#program"),
        ("session-attendance", "session-attendance"),
        ("plan-generate", "plan-detail"),
        ("plan-change (swap)", "plan-detail#round-1"),
        ("plan-lock", "plan-detail#round-1"),
        ("plan-undo", "plan-detail"),
        ("plan-repair", "plan-detail#round-2"),
        ("plan-release", "plan-detail"),
        ("apart-create", "plan-detail#apart"),
    ],
)
def test_a_planner_is_sent_back_to_the_right_page(client, people, plenary, change, location):
    case = CHANGES[change](plenary)
    name, _hash, anchor = location.partition("#")
    if name == "session-list":
        expected = reverse("sessions_app:session-list", args=[plenary.school.slug])
    else:
        expected = plenary.url(name)
    expected += f"#{anchor}" if anchor else ""
    response = as_user(client, people["coach"]).post(case.url, case.data)
    assert response["Location"] == expected


def test_a_new_session_opens_on_its_own_page(client, people, plenary):
    case = _session_create(plenary)
    response = as_user(client, people["steering"]).post(case.url, case.data)
    created = PlenarySession.objects.get(title="Tweede bijeenkomst")
    assert response["Location"] == created.get_absolute_url()
    assert created.created_by == people["steering"]


@pytest.mark.parametrize(
    "change",
    [
        "plan-generate",
        "plan-change (swap)",
        "plan-lock",
        "plan-undo",
        "plan-repair",
        "plan-release",
    ],
)
def test_an_htmx_change_answers_with_the_fresh_board(client, people, plenary, change):
    case = CHANGES[change](plenary)
    response = as_user(client, people["steering"]).post(case.url, case.data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response.content.decode().lstrip().startswith('<div id="plan-board"')
    assert case.made()


def test_anonymous_htmx_change_is_sent_to_the_sign_in_page(client, plenary):
    case = _plan_change(plenary)
    response = client.post(
        case.url,
        case.data,
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL="http://testserver" + plenary.url("plan-detail"),
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == "/login/?next=" + quote(plenary.url("plan-detail"), safe="")
    assert not case.made()


PLENARY_URLS = {
    "session-list",
    "session-create",
    "session-earlier",
    "session-earlier-template",
    "session-detail",
    "session-update",
    "session-delete",
    "assignment-create",
    "assignment-update",
    "assignment-delete",
    "assignment-move",
    "program-template",
    "session-attendance",
    "plan-detail",
    "plan-export",
    "plan-generate",
    "plan-change",
    "plan-lock",
    "plan-undo",
    "plan-repair",
    "plan-release",
    "apart-create",
    "apart-delete",
}


def test_every_url_of_the_plenary_sessions_is_in_these_tables():
    """The URLs of issue 11 (the session's day has its own tests) all exist and are covered."""
    assert {entry.name for entry in session_urls.urlpatterns} >= PLENARY_URLS
    covered = set(PAGES) | set(POST_ONLY) | {name.split(" ")[0] for name in CHANGES}
    assert covered == PLENARY_URLS


def test_a_change_on_an_old_version_is_refused_with_the_fresh_plan(client, people, plenary):
    case = _plan_change(plenary)
    plan_lock(plan=plenary.plan, version=plenary.plan.version, round_number=1, table=4, locked=True)
    version = plenary.plan.version
    response = as_user(client, people["coach"]).post(case.url, case.data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    board = response.content.decode()
    assert "Iemand anders heeft de tafelindeling intussen gewijzigd" in board
    assert f'name="version" value="{version}"' in board
    assert not case.made()
    assert plenary.plan.version == version


# --- another school's objects through this school's address ---


THEIR_PAGES = [
    "session-detail",
    "session-update",
    "assignment-create",
    "session-attendance",
    "plan-detail",
]


@pytest.mark.parametrize("page", THEIR_PAGES)
def test_another_schools_session_is_not_found_here(client, people, plenary, their_plenary, page):
    url = reverse(
        f"sessions_app:{page}",
        kwargs={"school_slug": "de-regenboog", "pk": their_plenary.session.pk},
    )
    assert as_user(client, people["steering"]).get(url).status_code == 404


@pytest.mark.parametrize(
    "change",
    [name for name in CHANGES if name not in ("session-create", "apart-create", "apart-delete")],
)
def test_another_schools_session_cannot_be_changed_from_here(
    client, people, plenary, their_plenary, change
):
    case = CHANGES[change](their_plenary)
    mine = case.url.replace("/s/de-vlinder/", "/s/de-regenboog/")
    assert mine != case.url
    response = as_user(client, people["steering"]).post(mine, case.data)
    assert response.status_code == 404
    assert not case.made()


def test_another_schools_year_is_not_found_in_the_sessions_list(
    client, people, plenary, their_plenary
):
    url = reverse("sessions_app:session-list", args=["de-regenboog"])
    client = as_user(client, people["steering"])
    assert client.get(url, {"year": their_plenary.year.pk}).status_code == 404
    assert client.get(url, {"year": plenary.year.pk}).status_code == 200


def test_another_schools_assignment_is_not_found_in_this_session(
    client, people, plenary, their_plenary
):
    theirs = _assignment(their_plenary)
    client = as_user(client, people["steering"])
    update = plenary.url("assignment-update", assignment_pk=theirs.pk)
    assert client.get(update).status_code == 404
    for name in ("assignment-delete", "assignment-move"):
        response = client.post(plenary.url(name, assignment_pk=theirs.pk), {"direction": "down"})
        assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.position == 1


def test_another_schools_pair_cannot_be_removed_from_here(client, people, plenary, their_plenary):
    pair = apart_pair_add(
        school=their_plenary.school, first=their_plenary.members[1], second=their_plenary.members[2]
    )
    url = plenary.url("apart-delete", pair_pk=pair.pk)
    assert as_user(client, people["steering"]).post(url).status_code == 404
    assert ApartPair.objects.filter(pk=pair.pk).exists()


def test_another_schools_members_cannot_be_kept_apart_here(client, people, plenary, their_plenary):
    data = {"first": plenary.members[2].pk, "second": their_plenary.members[1].pk}
    response = as_user(client, people["steering"]).post(plenary.url("apart-create"), data)
    assert response.status_code == 302
    assert not ApartPair.objects.exists()


def test_another_schools_members_cannot_be_seated_here(client, people, plenary, their_plenary):
    stranger_member = their_plenary.members[1].pk
    version = plenary.plan.version
    before = plenary.seated(1)
    data = {
        "version": version,
        "round": 1,
        "first": plenary.seated(1)[0][0],
        "second": stranger_member,
    }
    response = as_user(client, people["steering"]).post(plenary.url("plan-change"), data)
    assert response.status_code == 302
    assert plenary.seated(1) == before
    assert plenary.plan.version == version


# --- methods and CSRF ---


POST_ONLY = {
    "session-delete": lambda p: p.url("session-delete"),
    "assignment-delete": lambda p: p.url("assignment-delete", assignment_pk=_assignment(p).pk),
    "assignment-move": lambda p: p.url("assignment-move", assignment_pk=_assignment(p).pk),
    "program-template": lambda p: p.url("program-template"),
    "plan-generate": lambda p: p.url("plan-generate"),
    "plan-change": lambda p: p.url("plan-change"),
    "plan-lock": lambda p: p.url("plan-lock"),
    "plan-undo": lambda p: p.url("plan-undo"),
    "plan-repair": lambda p: p.url("plan-repair", number=1),
    "plan-release": lambda p: p.url("plan-release"),
    "apart-create": lambda p: p.url("apart-create"),
    "apart-delete": lambda p: p.url(
        "apart-delete",
        pair_pk=apart_pair_add(school=p.school, first=p.members[2], second=p.members[3]).pk,
    ),
}


@pytest.mark.parametrize("name", list(POST_ONLY))
def test_state_changes_are_post_only(client, people, plenary, name):
    url = POST_ONLY[name](plenary)
    version = plenary.plan.version
    response = as_user(client, people["steering"]).get(url)
    assert response.status_code == 405
    assert PlenarySession.objects.filter(pk=plenary.session.pk).exists()
    assert plenary.plan.version == version


@pytest.mark.parametrize(
    "name", ["session-create", "session-update", "assignment-create", "session-attendance"]
)
def test_form_pages_answer_get_and_post_only(client, people, plenary, name):
    url = PAGES[name](plenary)
    client = as_user(client, people["steering"])
    assert client.put(url).status_code == 405
    assert client.delete(url).status_code == 405


def test_the_plan_page_is_get_only(client, people, plenary):
    version = plenary.plan.version
    response = as_user(client, people["steering"]).post(plenary.url("plan-detail"))
    assert response.status_code == 405
    assert plenary.plan.version == version


@pytest.mark.parametrize("change", list(CHANGES))
def test_a_post_without_csrf_token_is_refused(people, plenary, change):
    case = CHANGES[change](plenary)
    client = Client(enforce_csrf_checks=True)
    client.force_login(people["steering"])
    response = client.post(case.url, case.data)
    assert response.status_code == 403
    assert not case.made()


def test_anonymous_post_without_csrf_token_is_refused_before_the_sign_in_redirect(plenary):
    case = _plan_generate(plenary)
    response = Client(enforce_csrf_checks=True).post(case.url, case.data)
    assert response.status_code == 403
    assert not case.made()


# --- a held session is history: readable, not changeable ---


@pytest.fixture
def held(plenary) -> Plenary:
    session_hold(session=plenary.session)
    plenary.session.refresh_from_db()
    return plenary


@pytest.mark.parametrize("page", ["session-detail", "session-attendance", "plan-detail"])
def test_a_held_session_can_still_be_read(client, people, held, page):
    assert as_user(client, people["coach"]).get(PAGES[page](held)).status_code == 200


@pytest.mark.parametrize(
    ("change", "status"),
    [
        ("plan-generate", 404),
        ("plan-change (swap)", 404),
        ("plan-lock", 404),
        ("plan-undo", 404),
        ("plan-release", 404),
        ("session-update", 302),
        ("session-delete", 302),
        ("assignment-update", 302),
        ("assignment-delete", 302),
        ("assignment-move", 302),
        ("session-attendance", 200),
    ],
)
def test_a_held_session_cannot_be_changed(client, people, held, change, status):
    if change == "plan-undo":
        case = Change(held.url("plan-undo"), {"version": held.plan.version}, lambda: False)
        before = held.plan.version
        case.made = lambda: held.plan.version != before
    else:
        case = CHANGES[change](held)
    response = as_user(client, people["steering"]).post(case.url, case.data)
    assert response.status_code == status
    assert not case.made()
