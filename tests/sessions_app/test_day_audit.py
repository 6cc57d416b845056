"""The session's day as a steering group runs it, found in an audit with a projector, two
laptops and phones: two presses at once, and a program changed while the clock runs.

The school is the small one of `plenary` (the method's program of 6 assignments, 2 rounds).
"""

import html
from datetime import timedelta

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext

from sessions_app.models import SessionClock
from sessions_app.selectors.day import clock_state
from sessions_app.services.day import clock_act, session_publish
from sessions_app.services.program import (
    AssignmentData,
    assignment_delete,
    assignment_move,
    assignment_update,
)
from tests.sessions_app.plenary import as_user

pytestmark = pytest.mark.django_db

# Dutch once the translators have it: "Iemand anders heeft de klok intussen verzet. Zo staat hij
# nu; druk opnieuw als dat nog nodig is."
PRESSED_TOO_LATE = (
    "Someone else moved the clock in the meantime. Here is where it is now; press again if it "
    "is still needed."
)


def program(plenary):
    assignments = list(plenary.session.assignments.order_by("position", "pk"))
    for assignment in assignments:
        assignment.session = plenary.session
    return assignments


def running_at_third(plenary, *, seconds_ago: int = 60):
    """The clock runs the third assignment, started `seconds_ago`."""
    start = timezone.now() - timedelta(seconds=seconds_ago)
    clock_act(session=plenary.session, action="start", now=start)
    clock_act(session=plenary.session, action="next", now=start)
    clock_act(session=plenary.session, action="next", now=start)
    return program(plenary)[2]


# --- two laptops press "next" at the same moment ---


def test_two_laptops_pressing_next_at_once_move_one_assignment(client, people, plenary):
    """Both screens showed assignment 1; each press of "next" moved on, so the room skipped
    assignment 2 (the first round's main talk) and went to round 2. The press now says which
    assignment its screen showed, and a press from an outdated screen changes nothing."""
    steering = as_user(client, people["steering"])
    first = steering.post(plenary.url("session-clock"), {"action": "next", "at": "1"})
    assert first.status_code == 302
    second = steering.post(
        plenary.url("session-clock"), {"action": "next", "at": "1"}, headers={"HX-Request": "true"}
    )
    assert SessionClock.objects.get(session=plenary.session).position == 2
    state = second.content.decode()
    with translation.override("nl"):
        assert html.escape(gettext(PRESSED_TOO_LATE)) in state
    assert "Opdracht 2 van 6" in state
    # The projector's form carries the assignment it shows, so the next press counts.
    assert '<input type="hidden" name="at" value="2">' in state
    steering.post(plenary.url("session-clock"), {"action": "next", "at": "2"})
    assert SessionClock.objects.get(session=plenary.session).position == 3


def test_pause_and_start_from_an_outdated_screen_act_on_what_runs_now(client, people, plenary):
    """Whoever presses Pause wants the room stopped, whichever assignment their screen showed;
    Reset, like Next, asks the screen to be current first."""
    steering = as_user(client, people["steering"])
    steering.post(plenary.url("session-clock"), {"action": "start", "at": "1"})
    steering.post(plenary.url("session-clock"), {"action": "next", "at": "1"})
    steering.post(plenary.url("session-clock"), {"action": "pause", "at": "1"})
    clock = SessionClock.objects.get(session=plenary.session)
    assert (clock.position, clock.running) == (2, False)
    steering.post(plenary.url("session-clock"), {"action": "start", "at": "1"})
    clock.refresh_from_db()
    assert (clock.position, clock.running) == (2, True)
    steering.post(plenary.url("session-clock"), {"action": "reset", "at": "1"})
    clock.refresh_from_db()
    assert (clock.position, clock.running) == (2, True)  # refused: the screen showed 1


@pytest.mark.parametrize("at", ["", "x", "²", "9" * 5000, "-1"])
def test_a_press_without_a_readable_position_is_made_as_before(client, people, plenary, at):
    steering = as_user(client, people["steering"])
    response = steering.post(plenary.url("session-clock"), {"action": "next", "at": at})
    assert response.status_code == 302
    assert SessionClock.objects.get(session=plenary.session).position == 2


# --- the program changed while the session runs ---


def test_removing_an_earlier_assignment_keeps_the_clock_on_the_current_one(plenary):
    """The clock keeps a place in the program: removing assignment 1 while the room was at
    assignment 3 put every screen on assignment 4, with assignment 3's time left."""
    current = running_at_third(plenary)
    before = clock_state(session=plenary.session)
    assignment_delete(assignment=program(plenary)[0])
    after = clock_state(session=plenary.session)
    assert after.current == current
    assert after.running
    assert abs(after.remaining - before.remaining) <= 1


def test_moving_assignments_keeps_the_clock_on_the_current_one(plenary):
    current = running_at_third(plenary)
    assignment_move(assignment=program(plenary)[1], direction="down")  # swaps with the current
    state = clock_state(session=plenary.session)
    assert (state.current, state.position) == (current, 2)
    assignment_move(assignment=current, direction="down")  # the current one itself
    assignment_move(assignment=current, direction="down")
    state = clock_state(session=plenary.session)
    assert (state.current, state.position) == (current, 4)


def test_removing_the_current_assignment_starts_the_next_with_its_full_time(plenary):
    current = running_at_third(plenary, seconds_ago=120)
    following = program(plenary)[3]
    assignment_delete(assignment=current)
    state = clock_state(session=plenary.session)
    assert state.current == following
    assert state.running
    assert abs(state.remaining - following.duration_minutes * 60) <= 1


def change_minutes(assignment, minutes: int):
    return assignment_update(
        assignment=assignment,
        data=AssignmentData(
            assignment.title, assignment.instructions, minutes, assignment.table_round
        ),
    )


def test_new_minutes_for_the_running_assignment_change_its_time_left(plenary):
    """Five minutes more for the current talk left the projector counting down the old time."""
    current = running_at_third(plenary, seconds_ago=60)
    left = current.duration_minutes * 60 - 60
    change_minutes(current, current.duration_minutes + 5)
    assert abs(clock_state(session=plenary.session).remaining - (left + 300)) <= 1
    # Another assignment's minutes do not touch the running clock.
    change_minutes(program(plenary)[4], 20)
    assert abs(clock_state(session=plenary.session).remaining - (left + 300)) <= 1


def test_new_minutes_for_a_paused_assignment_change_its_time_left(plenary):
    current = running_at_third(plenary, seconds_ago=60)
    clock_act(session=plenary.session, action="pause")
    left = clock_state(session=plenary.session).remaining
    change_minutes(current, current.duration_minutes + 10)
    assert clock_state(session=plenary.session).remaining == left + 600
    change_minutes(program(plenary)[2], 1)  # shorter than what has run: time is up
    assert clock_state(session=plenary.session).time_up


# --- a phone without JavaScript ---

RELOAD_HINT = (
    "This page follows the projector only with JavaScript on: reload it to see where the "
    "session is now."
)


def test_a_phone_without_javascript_is_told_the_page_does_not_follow_by_itself(
    client, plenary, teacher
):
    """Without JavaScript the teacher's page never polls: it showed the first assignment all
    afternoon while the projector moved on, and nothing said so."""
    session = plenary.session
    session.date = timezone.localdate()
    session.save(update_fields=["date"])
    session_publish(session=session)
    client.force_login(teacher.user)
    page = client.get(plenary.url("my-session")).content.decode()
    with translation.override("nl"):
        hint = html.escape(gettext(RELOAD_HINT))
    assert "<noscript><p" in page
    assert hint in page
    # The polled fragment does not repeat it, and a day that is over needs no reload.
    fragment = client.get(plenary.url("my-session"), headers={"HX-Request": "true"})
    assert hint not in fragment.content.decode()
    session.date = timezone.localdate() - timedelta(days=1)
    session.save(update_fields=["date"])
    assert hint not in client.get(plenary.url("my-session")).content.decode()
