"""The attendance page at the door costs as many queries for 40 people as for 10: on the day
(published, sign-in codes offered, someone absent, a latecomer with round lists), read-only
after the session, and when the list is saved. bench/pages.py measured every main page at 48
and at 150 members: none grew (the pages of sessions, plans, the day, overview, reflections,
lines and meetings have such tests next to them)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sessions_app.services.attendance import PresenceData, attendance_save
from sessions_app.services.day import session_publish
from sessions_app.services.plans import plan_generate
from sessions_app.services.sessions import session_hold

pytestmark = pytest.mark.django_db


def _session(make_team, make_session, size, school, *, held=False):
    team = make_team([size // 4] * 4, of=school)
    session = make_session(days=1, of=school)
    away, late = team.members["A"][0], team.members["B"][0]
    attendance_save(
        session=session,
        changes={
            away.pk: (PresenceData(), PresenceData(absent=True)),
            late.pk: (PresenceData(), PresenceData(False, 2, None)),
        },
    )
    plan_generate(session=session, seed=0)
    session_publish(session=session)
    if held:
        session_hold(session=session)
    return team, session


def _queries(client, method, url, data=None) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(url, data) if data else getattr(client, method)(url)
    return response.status_code, len(queries)


@pytest.mark.parametrize("held", [False, True], ids=["on the day", "held"])
def test_the_attendance_page_costs_the_same_for_10_and_40(
    client, steering, stranger, school, other_school, make_team, make_session, held
):
    counts = []
    # 10 at one school, 40 at another (each signed in as its steering member)
    for size, where, user in ((10, school, steering.user), (40, other_school, stranger)):
        _team, session = _session(make_team, make_session, size, where, held=held)
        client.force_login(user)
        url = f"/s/{where.slug}/sessions/{session.pk}/attendance/"
        client.get(url)  # the first request of a signed-in client notes the visit
        counts.append(_queries(client, "get", url))
    assert counts[0] == counts[1]
    assert counts[0][0] == 200


def test_saving_one_change_costs_the_same_for_10_and_40(
    client, steering, stranger, school, other_school, make_team, make_session
):
    counts = []
    for size, where, user in ((10, school, steering.user), (40, other_school, stranger)):
        team, session = _session(make_team, make_session, size, where)
        client.force_login(user)
        url = f"/s/{where.slug}/sessions/{session.pk}/attendance/"
        client.get(url)
        # the list as the page sends it: everyone "there" but one more absentee; the state
        # shown only for the rows not "there"
        away, late, newly = team.members["A"][0], team.members["B"][0], team.members["C"][1]
        data = {f"status_{m.pk}": "present" for m in team.everyone}
        data |= {
            f"status_{away.pk}": "absent",
            f"was_{away.pk}": "1::",
            f"status_{late.pk}": "partly",
            f"first_{late.pk}": "2",
            f"last_{late.pk}": "2",
            f"was_{late.pk}": "0:2:",
            f"status_{newly.pk}": "absent",
        }
        counts.append(_queries(client, "post", url, data))
    assert counts[0] == counts[1]
    assert counts[0][0] == 302
