"""The steering group and the coach on a phone on the day, found in an audit at 360 px: what a
busy door needs from the attendance page, the door code and the coach's home."""

import re
from datetime import time

import pytest
from django.conf import settings
from django.utils import timezone

from learninglines.services.people import school_year_ensure_current
from sessions_app.models import PlenarySession, SessionAttendance, TablePlan
from sessions_app.services.attendance import PresenceData, attendance_save
from sessions_app.services.plans import plan_generate, plan_lock
from sessions_app.services.sessions import session_create
from tests.factories import CoachAssignmentFactory

pytestmark = pytest.mark.django_db


def _url(session, page="attendance/") -> str:
    return f"/s/de-regenboog/sessions/{session.pk}/{page}"


def english(client):
    """English (the new texts are in the catalogues once translated; the words stay the same)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def _post(session, team, **statuses) -> dict:
    """The attendance form as the page sends it: everyone "there", but `statuses` by pk."""
    data = {}
    for member in team.everyone:
        status = statuses.get(str(member.pk), ("present", "1", "2"))
        data[f"status_{member.pk}"], data[f"first_{member.pk}"], data[f"last_{member.pk}"] = status
        data[f"was_{member.pk}"] = "0::"
    return data


def test_part_of_it_without_a_round_is_refused_not_saved_as_there(
    client, steering, make_team, make_session
):
    """At the door someone taps "part of it" and saves without choosing a round: the service
    stored "there" and the page said "Nothing changed", so the latecomer was seated in round 1."""
    team = make_team([3, 3, 3])
    session = make_session()
    late = team.members["A"][0]
    english(client).force_login(steering.user)
    response = client.post(
        _url(session), _post(session, team, **{str(late.pk): ("partly", "1", "2")})
    )
    assert response.status_code == 200
    html = response.content.decode()
    # the message stands in the person's row, where arrival.js puts the focus
    row = html[html.index(f'id="member-{late.pk}"') :]
    row = row[: row.index("</fieldset>")]
    assert (
        f'role="alert">{late.full_name}: for “part of it”, choose a later “from round” or an '
        "earlier “until round”.</p>" in row
    )
    assert "Nothing changed" not in html
    assert not SessionAttendance.objects.filter(session=session).exists()
    # the row keeps what was chosen, so one round more is all it takes
    assert re.search(
        rf'value="partly" checked id="id_status_{late.pk}_2"|'
        rf'name="status_{late.pk}" id="id_status_{late.pk}_2" value="partly" checked',
        response.content.decode(),
    )
    response = client.post(
        _url(session), _post(session, team, **{str(late.pk): ("partly", "2", "2")})
    )
    assert response.status_code == 302
    assert SessionAttendance.objects.get(session=session, member=late).first_round == 2


def test_a_round_the_plan_could_not_follow_is_named_on_the_attendance_page(
    client, steering, make_team, make_session
):
    """Saving repairs the plan, except a locked table holding someone now absent: whoever saved
    at the door was told nothing and believed the tables were right."""
    make_team([3, 3, 3])
    session = make_session()
    plan_generate(session=session, seed=0)
    plan = TablePlan.objects.get(session=session)
    plan_lock(plan=plan, version=plan.version, round_number=1, table=1, locked=True)
    english(client).force_login(steering.user)
    assert "could not follow" not in _text(client.get(_url(session)))
    seated = plan.rounds.get(number=1).tables.get(number=1).seats.first().member
    attendance_save(
        session=session, changes={seated.pk: (PresenceData(), PresenceData(absent=True))}
    )
    text = _text(client.get(_url(session)))
    # round 2 follows: only the round with the locked table is named
    assert re.search(
        r"The table plan could not follow in round 1: it seats someone who is not "
        r"there, or someone who is there has no seat\. Re-plan it on the table plan",
        text,
    )
    assert f'href="{_url(session, "plan/")}"' in client.get(_url(session)).content.decode()


def test_an_absence_the_plan_follows_gives_no_warning(client, steering, make_team, make_session):
    team = make_team([3, 3, 4])
    session = make_session()
    plan_generate(session=session, seed=0)
    away = team.members["C"][0]
    attendance_save(session=session, changes={away.pk: (PresenceData(), PresenceData(absent=True))})
    english(client).force_login(steering.user)
    assert "could not follow" not in _text(client.get(_url(session)))


def test_back_from_the_door_code_returns_to_the_persons_row(
    client, steering, make_team, make_session
):
    """With 150 people the list is long: "Back to who is there" went to its top."""
    team = make_team([3, 3, 3])
    session = make_session()
    PlenarySession.objects.filter(pk=session.pk).update(status=PlenarySession.Status.PUBLISHED)
    member = team.members["B"][1]
    client.force_login(steering.user)
    html = client.post(_url(session, f"attendance/{member.pk}/door-link/")).content.decode()
    assert f'href="{_url(session)}#member-{member.pk}"' in html
    assert f'id="member-{member.pk}"' in client.get(_url(session)).content.decode()


def test_the_coach_home_links_the_next_session_and_says_today(client, school, make_team):
    """Between visits, and at the door, the coach reached the session of the day only through
    the school's start page: the next session was plain text, its date a date."""
    make_team([3, 3, 3])
    coach = CoachAssignmentFactory(school=school).user
    school_year_ensure_current(school=school)
    session = session_create(
        school=school,
        title="Plenaire bijeenkomst 2",
        date=timezone.localdate(),
        start_time=time(15),
        end_time=time(16, 45),
    )
    english(client).force_login(coach)
    response = client.get("/coach/")
    html = response.content.decode()
    # the Dutch school's title on an English page says its language (for screen readers)
    link = f'<a href="/s/de-regenboog/sessions/{session.pk}/" lang="nl">Plenaire bijeenkomst 2</a>'
    assert link in html
    assert "Next plenary session today · Plenaire bijeenkomst 2" in _text(response)


def test_the_name_filter_speaks_dutch_with_its_placeholders_for_the_script(
    client, steering, make_team, make_session
):
    make_team([3, 3, 3])
    session = make_session()
    client.force_login(steering.user)
    page = client.get(_url(session)).content.decode()
    assert '<label class="form-label" for="attendance-filter">Zoek een naam</label>' in page
    assert 'data-none="Niemand op de lijst heeft die naam."' in page
    assert 'data-some="Getoond: %(count)s van %(total)s."' in page
