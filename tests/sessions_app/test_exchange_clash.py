"""A moment of a small exchange that falls during the viewer's own line meeting or plenary
session: a notice next to the moment and after proposing it, never a refusal, and only about
what is the viewer's own (see `sessions_app.selectors.exchanges`).

The clock of the tests starts on Wednesday 18 November 2026 (tests/conftest.py): the moments
here fall on Friday 20 November and later, in the school year 2026-2027.
"""

from datetime import date, datetime, time, timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from learninglines.services.lines import membership_move
from learninglines.services.meetings import meeting_create
from sessions_app.models import ExchangeMoment, PeerExchange, PlenarySession
from sessions_app.selectors.exchanges import clashes_for, moment_span
from sessions_app.services.exchanges import exchange_start
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

SLUG = "de-regenboog"
FRIDAY = date(2026, 11, 20)
MEETING_WORDS = "This falls during the meeting of your learning line (Fri 20 Nov 15:00\u201316:00)."
SESSION_WORDS = (
    "This falls during the plenary session \u201cSamen verder\u201d (Mon 23 Nov 15:00\u201316:45)."
)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def url(name: str, **kwargs) -> str:
    return reverse(f"sessions_app:{name}", kwargs={"school_slug": SLUG, **kwargs})


def texts(member, start: datetime, minutes: int = 45) -> list[str]:
    """What the notice says to `member` about a moment at `start` of `minutes`."""
    span = moment_span(start, minutes)
    with translation.override("en"):
        return [clash.text for clash in clashes_for(member=member, spans=[span]).get(span, [])]


def publish(session: PlenarySession) -> None:
    PlenarySession.objects.filter(pk=session.pk).update(status=PlenarySession.Status.PUBLISHED)


@pytest.fixture
def team(make_team):
    return make_team([2, 2, 2])


@pytest.fixture
def meeting(team):
    """Line A meets on Friday 20 November, 15:00-16:00."""
    return meeting_create(
        line=team.lines[0],
        date=FRIDAY,
        start_time=time(15, 0),
        end_time=time(16, 0),
        topic="Leesmotivatie",
    )


@pytest.fixture
def session(make_session):
    """A plenary session on Monday 23 November, 15:00-16:45, still a draft."""
    year_start = date(2026, 8, 1)
    return make_session(days=(date(2026, 11, 23) - year_start).days, title="Samen verder")


# --- the edges of a clash ---


@pytest.mark.parametrize(
    ("start", "minutes", "clashes"),
    [
        ((15, 30), 45, True),  # inside the meeting
        ((14, 15), 45, False),  # ends exactly when the meeting starts
        ((14, 16), 45, True),  # one minute into the meeting
        ((16, 0), 45, False),  # starts exactly when the meeting ends
        ((15, 59), 10, True),  # the meeting's last minute
        ((14, 0), 45, False),  # 45 minutes, the default: over at 14:45
        ((14, 0), 90, True),  # the exchange's own duration counts: until 15:30
        ((12, 0), 240, True),  # four hours, right across the meeting
    ],
)
def test_a_moment_clashes_only_when_its_minutes_overlap_the_meeting(
    team, meeting, start, minutes, clashes
):
    a1 = team.members["A"][0]
    expected = [MEETING_WORDS] if clashes else []
    assert texts(a1, at(FRIDAY, *start), minutes) == expected


def test_a_moment_running_past_midnight_clashes_with_an_early_meeting_the_next_day(team):
    a1 = team.members["A"][0]
    meeting_create(
        line=team.lines[0],
        date=FRIDAY + timedelta(days=1),
        start_time=time(0, 15),
        end_time=time(1, 0),
        topic="Nachtelijk",
    )
    assert texts(a1, at(FRIDAY, 23, 45), 45) == [
        "This falls during the meeting of your learning line (Sat 21 Nov 00:15\u201301:00)."
    ]
    assert texts(a1, at(FRIDAY, 23, 0), 45) == []


def test_only_the_viewers_own_line_meetings_count(team, meeting):
    """Privacy: nobody is told of another line's meetings, also not when invited with them."""
    assert texts(team.members["A"][1], at(FRIDAY, 15, 30)) == [MEETING_WORDS]
    assert texts(team.members["B"][0], at(FRIDAY, 15, 30)) == []
    assert texts(MemberFactory(school=team.lines[0].school), at(FRIDAY, 15, 30)) == []


def test_a_meeting_of_a_line_the_viewer_left_before_that_date_does_not_count(team, meeting):
    a1, a2 = team.members["A"]
    # A1 moved to line B the day before the meeting; A2 moves the day after it
    membership_move(member=a1, line=team.lines[1], start=FRIDAY)
    membership_move(member=a2, line=team.lines[1], start=FRIDAY + timedelta(days=1))
    assert texts(a1, at(FRIDAY, 15, 30)) == []
    assert texts(a2, at(FRIDAY, 15, 30)) == [MEETING_WORDS]
    # the new line's meeting counts from the move on
    meeting_create(
        line=team.lines[1],
        date=FRIDAY,
        start_time=time(15, 15),
        end_time=time(16, 30),
        topic="Rekenspellen",
    )
    assert texts(a1, at(FRIDAY, 15, 30)) == [
        "This falls during the meeting of your learning line (Fri 20 Nov 15:15\u201316:30)."
    ]


def test_a_draft_session_is_never_told_a_published_one_is_to_who_is_expected(team, session):
    """A teacher sees no draft anywhere (not in the calendar, not at home): its date may still
    change, so it must not reach them through a notice either."""
    a1 = team.members["A"][0]
    monday = session.date
    assert texts(a1, at(monday, 15, 30)) == []
    publish(session)
    words = SESSION_WORDS
    assert texts(a1, at(monday, 15, 30)) == [words]
    assert texts(a1, at(monday, 14, 15)) == []  # ends as it starts
    assert texts(a1, at(monday, 16, 45)) == []  # starts as it ends
    # held and closed sessions still are what they were
    PlenarySession.objects.filter(pk=session.pk).update(status=PlenarySession.Status.HELD)
    assert texts(a1, at(monday, 15, 30)) == [words]
    # not expected: in no line on the session's date (someone new, or who left the lines)
    newcomer = MemberFactory(school=a1.school)
    assert texts(newcomer, at(monday, 15, 30)) == []
    a2 = team.members["A"][1]
    membership_move(member=a2, line=None, start=monday)
    assert texts(a2, at(monday, 15, 30)) == []


def test_another_schools_session_is_never_told(team, make_session, other_school, make_team):
    make_team([1, 1, 1], of=other_school)
    theirs = make_session(of=other_school, days=(date(2026, 11, 23) - date(2026, 8, 1)).days)
    publish(theirs)
    assert texts(team.members["A"][0], at(theirs.date, 15, 30)) == []


def test_a_meeting_and_a_session_at_one_moment_are_both_told_in_time_order(team, session, meeting):
    a1 = team.members["A"][0]
    publish(session)
    meeting_create(
        line=team.lines[0],
        date=session.date,
        start_time=time(14, 0),
        end_time=time(15, 15),
        topic="Voorbereiden",
    )
    assert texts(a1, at(session.date, 14, 30), 60) == [
        "This falls during the meeting of your learning line (Mon 23 Nov 14:00\u201315:15).",
        SESSION_WORDS,
    ]


def test_all_moments_on_a_page_cost_three_queries(
    team, meeting, session, django_assert_num_queries
):
    a1 = team.members["A"][0]
    publish(session)
    spans = [moment_span(at(FRIDAY + timedelta(days=d), 15, 30), 45) for d in range(6)]
    # meetings, sessions, and the viewer's other agreed exchanges
    with django_assert_num_queries(3):
        found = clashes_for(member=a1, spans=spans)
    assert sorted(found) == [spans[0], spans[3]]  # Friday's meeting, Monday's session
    with django_assert_num_queries(0):
        assert clashes_for(member=a1, spans=[]) == {}


# --- on the pages ---


def _english(client, member):
    client.force_login(member.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _invite(team, moments, minutes=45) -> PeerExchange:
    """A2 of line A invites B1 and C1 to a visit at `moments`."""
    return exchange_start(
        initiator=team.members["A"][1],
        invitees=[team.members["B"][0], team.members["C"][0]],
        topic="Vraagkaarten",
        kind="visit",
        moments=moments,
        minutes=minutes,
    )


def test_the_page_tells_each_viewer_only_of_their_own_meetings_next_to_the_moment(
    client, team, meeting, session
):
    publish(session)
    free = at(FRIDAY + timedelta(days=1), 10)
    exchange = _invite(team, [at(FRIDAY, 15, 30), at(session.date, 16), free])
    during_meeting, _free, during_session = exchange.moments.order_by("starts_at")
    session_words = SESSION_WORDS
    # B1 (line B) is invited: the session clashes, line A's meeting is none of their business
    b1 = team.members["B"][0]
    _english(client, b1)
    page = client.get(url("exchange-detail", pk=exchange.pk)).content.decode()
    assert "meeting of your learning line" not in page
    assert page.count(session_words) == 1
    assert f'id="clash-{during_session.pk}"' in page
    assert f'aria-describedby="clash-{during_session.pk}"' in page
    assert f'id="clash-{during_meeting.pk}"' not in page
    # the notice stands in the session's moment's row, with its accept button still there
    row = page[page.index(f'name="moment" value="{during_session.pk}"') :]
    row = row[: row.index("</li>")]
    assert session_words in row
    assert "Accept this moment" in row
    # A2, who started it and is in line A, reads both: next to the moments they proposed
    _english(client, team.members["A"][1])
    page = client.get(url("exchange-detail", pk=exchange.pk)).content.decode()
    assert page.count(MEETING_WORDS) == 1
    assert page.count(session_words) == 1
    assert f'id="clash-{during_meeting.pk}"' in page


def test_a_draft_session_gives_no_notice_on_the_page(client, team, session):
    exchange = _invite(team, [at(session.date, 15, 30)])
    _english(client, team.members["B"][0])
    page = client.get(url("exchange-detail", pk=exchange.pk)).content.decode()
    assert "plenary session" not in page
    assert "Samen verder" not in page
    assert "exchange-clash" not in page


def test_a_passed_moment_gets_no_notice(client, team, meeting):
    exchange = _invite(team, [at(FRIDAY, 15, 30), at(FRIDAY + timedelta(days=2), 10)])
    ExchangeMoment.objects.filter(exchange=exchange, starts_at=at(FRIDAY, 15, 30)).update(
        starts_at=timezone.now() - timedelta(hours=1)
    )
    _english(client, team.members["A"][1])
    page = client.get(url("exchange-detail", pk=exchange.pk)).content.decode()
    assert "exchange-clash" not in page


def test_proposing_a_moment_during_my_meeting_saves_it_and_notes_the_clash(client, team, meeting):
    a1 = team.members["A"][0]
    exchange = exchange_start(
        initiator=team.members["B"][0],
        invitees=[a1],
        topic="Rekenspellen",
        kind="conversation",
        moments=[at(FRIDAY + timedelta(days=2), 10)],
        minutes=60,
    )
    _english(client, a1)
    response = client.post(
        url("exchange-propose", pk=exchange.pk),
        {"starts_at": "2026-11-20T14:30", "agreed": "", "last_moment": "0"},
        follow=True,
    )
    assert [str(m) for m in response.context["messages"]] == [
        "Your moment is proposed; the others are asked by mail.",
        "Note: Friday 20 November, 14:30 falls during the meeting of your learning line "
        "(Fri 20 Nov 15:00\u201316:00).",
    ]
    # saved all the same: a notice, not a refusal
    assert exchange.moments.filter(starts_at=at(FRIDAY, 14, 30)).exists()
    page = response.content.decode()
    assert 'class="alert alert-warning"' in page
    # a moment that ends as the meeting starts is proposed without a note
    response = client.post(
        url("exchange-propose", pk=exchange.pk), {"starts_at": "2026-11-20T14:00"}, follow=True
    )
    assert [str(m) for m in response.context["messages"]] == [
        "Your moment is proposed; the others are asked by mail."
    ]


def test_starting_an_exchange_during_my_session_sends_it_and_notes_the_clash(client, team, session):
    publish(session)
    a1, b1 = team.members["A"][0], team.members["B"][0]
    _english(client, a1)
    response = client.post(
        url("exchange-start"),
        {
            "topic": "Vraagkaarten",
            "kind": "visit",
            "invitees": [b1.pk],
            "moment_1": "2026-11-23T16:30",
            "moment_2": "2026-11-24T16:30",
            "minutes": "45",
        },
        follow=True,
    )
    assert [str(m) for m in response.context["messages"]] == [
        "Your invitation is sent. You get a mail when someone answers.",
        "Note: Monday 23 November, 16:30 falls during the plenary session \u201cSamen verder\u201d "
        "(Mon 23 Nov 15:00\u201316:45).",
    ]
    assert PeerExchange.objects.get().moments.count() == 2


def test_the_page_costs_the_same_queries_with_one_moment_or_three(client, team, meeting, session):
    publish(session)
    one = _invite(team, [at(FRIDAY, 15, 30)])
    three = _invite(
        team, [at(FRIDAY, 15, 30), at(session.date, 15), at(FRIDAY + timedelta(days=1), 10)]
    )
    _english(client, team.members["A"][1])
    counts = []
    for exchange in (one, three):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url("exchange-detail", pk=exchange.pk)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
