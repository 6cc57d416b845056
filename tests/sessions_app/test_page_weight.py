"""The attendance page at a school of 150: about 300 KB of HTML (2 KB a row) on a phone at the
door, on the school's Wi-Fi. A row now carries only what it needs; what every row had alike is
in the page once. These tests hold the weight and what the lighter rows still do."""

import re
from urllib.parse import urljoin

import pytest
from django.conf import settings
from django.urls import reverse

from sessions_app.models import SessionAttendance
from sessions_app.services.attendance import PresenceData, attendance_save
from sessions_app.services.day import session_publish
from sessions_app.services.plans import plan_generate
from sessions_app.services.sessions import session_hold

pytestmark = pytest.mark.django_db

LIST_LINES = 19  # the token, the save button, each learning line's heading: not the rows
ROW = re.compile(r'<fieldset class="attendance-row" id="member-(\d+)".*?</fieldset>', re.S)


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _url(session) -> str:
    return f"/s/de-regenboog/sessions/{session.pk}/attendance/"


def _rows(html: str) -> dict[int, str]:
    return {int(m.group(1)): m.group(0) for m in ROW.finditer(html)}


def _published(make_team, make_session, sizes):
    """A published session (its sign-in codes offered) with someone absent and a latecomer."""
    team = make_team(sizes)
    session = make_session()
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
    return team, session, away, late


def test_the_list_of_150_weighs_less_than_half_of_what_it_did(
    client, steering, make_team, make_session
):
    _team, session, _away, _late = _published(make_team, make_session, [25] * 6)
    english(client).force_login(steering.user)
    html = client.get(_url(session)).content.decode()
    rows = _rows(html)
    assert len(rows) == 150
    # 1.9 KB a row before (radios, two round lists, their hint, ids, a form per sign-in code,
    # indentation); now the three choices, the name twice (legend, the code's button) and
    # little else
    assert sum(len(row) for row in rows.values()) / 150 < 850
    assert len(html) < 140_000  # was 295,000 for these names
    assert html.count('<form id="door') == 1  # was one per person


@pytest.mark.parametrize("sizes", [[3, 3, 2, 2], [10, 10, 10, 10]])
def test_the_list_has_no_more_lines_for_more_people(
    client, steering, make_team, make_session, sizes
):
    """The indentation of the template's rows (27 lines a person) is gone: the list of 40 has
    as many lines of HTML as the list of 10 (a few per learning line)."""
    _team, session, _away, _late = _published(make_team, make_session, sizes)
    english(client).force_login(steering.user)
    html = client.get(_url(session)).content.decode()
    assert len(_rows(html)) == sum(sizes)
    start = html.index('<form method="post" class="card card-body attendance-form"')
    form = html[start : html.index("</form>", start)]
    assert form.count("\n") == LIST_LINES


def test_only_the_latecomers_row_has_round_lists_the_others_take_the_pages_one(
    client, steering, make_team, make_session
):
    _team, session, _away, late = _published(make_team, make_session, [3, 3, 3])
    english(client).force_login(steering.user)
    html = client.get(_url(session)).content.decode()
    rows = _rows(html)
    assert (
        f'<div class="attendance-rounds"><label class="small">from round '
        f'<select class="form-select form-select-sm" name="first_{late.pk}">'
        "<option>1<option selected>2</select></label>"
        f'<label class="small">until round <select class="form-select form-select-sm" '
        f'name="last_{late.pk}"><option>1<option selected>2</select></label></div>'
    ) in rows[late.pk]
    assert [pk for pk, row in rows.items() if "<select" in row] == [late.pk]
    # one copy for everyone else, which attendance.js names for the row ("part of it")
    assert html.count('<template id="attendance-rounds">') == 1
    assert (
        '<template id="attendance-rounds"><div class="attendance-rounds">'
        '<label class="small">from round <select class="form-select form-select-sm" '
        'data-name="first"><option selected>1<option>2</select></label>'
        '<label class="small">until round <select class="form-select form-select-sm" '
        'data-name="last"><option>1<option selected>2</select></label></div></template>'
    ) in html
    # the hint that went with every row's lists is said once, above the list
    assert html.count("only with “part of it”") == 1
    assert "“From round” and “until round” count only with “part of it”." in html


def test_a_row_sends_the_state_it_showed_only_when_that_is_not_there(
    client, steering, make_team, make_session
):
    _team, session, away, late = _published(make_team, make_session, [3, 3, 3])
    english(client).force_login(steering.user)
    html = client.get(_url(session)).content.decode()
    assert re.findall(r'<input type="hidden" name="(was_\d+)" value="([^"]*)">', html) == [
        (f"was_{away.pk}", "1::"),
        (f"was_{late.pk}", "0:2:"),
    ]


def _post(team, **rows) -> dict:
    """The list as the lighter page sends it: a status per person, the rounds and the state
    shown only where the row has them."""
    data = {f"status_{m.pk}": "present" for m in team.everyone}
    for pk, values in rows.items():
        data.update({f"{name}_{pk}": value for name, value in values.items()})
    return data


def test_without_the_state_of_a_there_row_a_colleagues_change_is_still_kept(
    client, steering, make_team, make_session
):
    """Two phones at the door: the first marks someone absent; the second, whose page showed
    them as there (no `was` sent), saves "there". The first one's change stays."""
    team = make_team([3, 3, 3])
    session = make_session()
    person = team.members["C"][1]
    english(client).force_login(steering.user)
    # the page both phones opened: everyone there
    assert f'name="was_{person.pk}"' not in client.get(_url(session)).content.decode()
    attendance_save(session=session, changes={person.pk: (PresenceData(), PresenceData(True))})
    other = team.members["A"][2]
    response = client.post(_url(session), _post(team, **{str(other.pk): {"status": "absent"}}))
    assert response.status_code == 302
    assert SessionAttendance.objects.get(session=session, member=person).absent
    assert SessionAttendance.objects.get(session=session, member=other).absent
    # and the second phone's "there" for the person was not a change of theirs to store
    response = client.post(_url(session), _post(team), follow=True)
    text = " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())
    assert f"Someone else changed the attendance of {person.full_name}" in text
    assert SessionAttendance.objects.get(session=session, member=person).absent


def test_part_of_it_without_javascript_asks_for_the_rounds_in_the_row_then_saves(
    client, steering, make_team, make_session
):
    """Without JavaScript the row has no round lists when "part of it" is chosen: saving asks
    for the rounds in the row, which then has its lists (round 1 until the last, as the
    script's copy starts), and the second save stores them."""
    team = make_team([3, 3, 3])
    session = make_session()
    late = team.members["B"][2]
    english(client).force_login(steering.user)
    response = client.post(_url(session), _post(team, **{str(late.pk): {"status": "partly"}}))
    assert response.status_code == 200
    row = _rows(response.content.decode())[late.pk]
    assert "choose a later “from round” or an earlier “until round”." in row
    assert f'name="first_{late.pk}"><option selected>1<option>2</select>' in row
    assert f'name="last_{late.pk}"><option>1<option selected>2</select>' in row
    assert not SessionAttendance.objects.filter(session=session).exists()
    response = client.post(
        _url(session),
        _post(team, **{str(late.pk): {"status": "partly", "first": "2", "last": "2"}}),
    )
    assert response.status_code == 302
    stored = SessionAttendance.objects.get(session=session, member=late)
    assert (stored.absent, stored.first_round, stored.last_round) == (False, 2, None)


def test_every_sign_in_code_button_sends_the_one_form_to_its_persons_address(
    client, steering, make_team, make_session
):
    team, session, _away, _late = _published(make_team, make_session, [3, 3, 3])
    steering_in_a_line = team.members["C"][2]
    steering_in_a_line.is_steering = True
    steering_in_a_line.save()
    english(client).force_login(steering.user)
    url = _url(session)
    html = client.get(url).content.decode()
    assert html.count('<form id="door" method="post" hidden><input type="hidden" name="csrf') == 1
    buttons = dict(
        re.findall(
            r'<button class="btn btn-link attendance-door" form="door" formaction="([^"]+)">'
            r"Show a sign-in code<span class=\"visually-hidden\"> for ([^<]+)</span></button>",
            html,
        )
    )
    # everyone but the steering member in a line (a code would sign in more than a teacher)
    assert sorted(buttons.values()) == sorted(
        m.full_name for m in team.everyone if m != steering_in_a_line
    )
    for action, name in buttons.items():
        member = next(m for m in team.everyone if m.full_name == name)
        assert urljoin(url, action) == reverse(
            "sessions_app:door-link",
            kwargs={"school_slug": "de-regenboog", "pk": session.pk, "member_pk": member.pk},
        )
    response = client.post(urljoin(url, next(iter(buttons))))
    assert response.status_code == 200
    assert "<svg" in response.content.decode()


def test_no_sign_in_codes_before_publishing_nor_after_the_session(
    client, steering, make_team, make_session
):
    make_team([3, 3, 3])
    session = make_session(days=1)
    plan_generate(session=session, seed=0)
    english(client).force_login(steering.user)
    html = client.get(_url(session)).content.decode()  # a draft
    assert 'id="door"' not in html
    assert "attendance-door" not in html
    assert '<template id="attendance-rounds">' in html
    session_hold(session=session)
    html = client.get(_url(session)).content.decode()
    assert 'id="door"' not in html
    assert "attendance-door" not in html
    # read only: nothing to choose rounds for
    assert '<template id="attendance-rounds">' not in html
    assert len(re.findall(r'<fieldset class="attendance-row" id="member-\d+" disabled>', html)) == 9
