"""What a moment of a small exchange falls during, on the list "My exchanges" too, and the
viewer's own other agreed exchanges as one of those things (see
`sessions_app.selectors.exchanges`).

The clock of the tests starts on Wednesday 18 November 2026 (tests/conftest.py): the moments
here fall on Thursday 19 November and later, in the school year 2026-2027. Line A meets on
Friday 20 November, 15:00-16:00.
"""

import re
from datetime import date, datetime, time, timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from learninglines.services.meetings import meeting_create
from sessions_app.models import ExchangeParticipant, PeerExchange
from sessions_app.selectors.exchanges import clashes_for, moment_span
from sessions_app.services.exchanges import (
    exchange_accept,
    exchange_cancel,
    exchange_decline,
    exchange_start,
)

pytestmark = pytest.mark.django_db

SLUG = "de-regenboog"
THURSDAY = date(2026, 11, 19)
FRIDAY = date(2026, 11, 20)
MEETING_WORDS = "This falls during the meeting of your learning line (Fri 20 Nov 15:00\u201316:00)."


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def url(name: str, **kwargs) -> str:
    return reverse(f"sessions_app:{name}", kwargs={"school_slug": SLUG, **kwargs})


def texts(member, start: datetime, minutes: int = 45, apart_from=None) -> list[str]:
    span = moment_span(start, minutes)
    with translation.override("en"):
        found = clashes_for(member=member, spans=[span], apart_from=apart_from)
        return [clash.text for clash in found.get(span, [])]


def part(exchange, member) -> ExchangeParticipant:
    return ExchangeParticipant.objects.get(exchange=exchange, member=member)


def invite(starter, invitees, topic, moments, minutes=45) -> PeerExchange:
    return exchange_start(
        initiator=starter,
        invitees=invitees,
        topic=topic,
        kind="conversation",
        moments=moments,
        minutes=minutes,
    )


def agreed(starter, invitees, topic, moment, minutes=45, by=None) -> PeerExchange:
    """An exchange of `starter` with `invitees`, agreed at `moment` (accepted by `by`, or the
    first invitee)."""
    exchange = invite(starter, invitees, topic, [moment], minutes)
    exchange_accept(participant=part(exchange, by or invitees[0]), moment=exchange.moments.get())
    exchange.refresh_from_db()
    return exchange


def english(client, member):
    client.force_login(member.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def clash_items(page: str) -> list[str]:
    """The notices of the page, each as its text."""
    found = []
    rest = page
    while 'exchange-clash"' in rest:
        rest = rest[rest.index('exchange-clash"') :]
        block, rest = rest[: rest.index("</ul>")], rest[rest.index("</ul>") :]
        found += [" ".join(item.split("</li>")[0].split()) for item in block.split("<li>")[1:]]
    return found


@pytest.fixture
def team(make_team):
    return make_team([2, 2, 2])


@pytest.fixture
def meeting(team):
    return meeting_create(
        line=team.lines[0],
        date=FRIDAY,
        start_time=time(15, 0),
        end_time=time(16, 0),
        topic="Leesmotivatie",
    )


@pytest.fixture
def rekenen(team) -> PeerExchange:
    """A1 and B1 agreed to talk about "Rekengesprekken" on Thursday 15:00-15:45."""
    a1, b1 = team.members["A"][0], team.members["B"][0]
    return agreed(a1, [b1], "Rekengesprekken", at(THURSDAY, 15))


REKENEN_FOR_A1 = (
    "This falls during your exchange with B1 Lid B1 about \u201cRekengesprekken\u201d "
    "(Thu 19 Nov 15:00\u201315:45)."
)
REKENEN_FOR_B1 = (
    "This falls during your exchange with A1 Lid A1 about \u201cRekengesprekken\u201d "
    "(Thu 19 Nov 15:00\u201315:45)."
)


# --- another agreed exchange of the viewer's own ---


@pytest.mark.parametrize(
    ("start", "minutes", "clashes"),
    [
        ((15, 15), 45, True),  # inside it
        ((14, 15), 45, False),  # ends exactly when it starts
        ((14, 16), 45, True),  # one minute into it
        ((15, 45), 45, False),  # starts exactly when it ends
        ((15, 44), 10, True),  # its last minute
        ((11, 0), 240, False),  # four hours, until 15:00: as it starts
        ((11, 1), 240, True),  # one minute later, and it overlaps
        ((12, 0), 200, True),  # right across it
    ],
)
def test_a_moment_clashes_with_my_agreed_exchange_only_when_their_minutes_overlap(
    team, rekenen, start, minutes, clashes
):
    a1, b1 = team.members["A"][0], team.members["B"][0]
    assert texts(a1, at(THURSDAY, *start), minutes) == ([REKENEN_FOR_A1] if clashes else [])
    assert texts(b1, at(THURSDAY, *start), minutes) == ([REKENEN_FOR_B1] if clashes else [])


def test_a_long_agreed_exchange_clashes_with_a_moment_near_its_end(team):
    """The exchange's own minutes count: four hours from 11:00 run until 15:00."""
    a1, b1 = team.members["A"][0], team.members["B"][0]
    agreed(a1, [b1], "Lange les", at(THURSDAY, 11), minutes=240)
    words = (
        "This falls during your exchange with B1 Lid B1 about \u201cLange les\u201d "
        "(Thu 19 Nov 11:00\u201315:00)."
    )
    assert texts(a1, at(THURSDAY, 14, 50), 10) == [words]
    assert texts(a1, at(THURSDAY, 15), 45) == []
    assert texts(a1, at(THURSDAY, 10, 15), 45) == []
    assert texts(a1, at(THURSDAY, 10, 16), 45) == [words]


def test_only_exchanges_the_viewer_takes_part_in_count(team, rekenen):
    """Privacy: nobody hears of other people's exchanges; taking part is having started it or
    accepted, so an invitation not answered yet, or declined, is none."""
    a2, c1, c2 = team.members["A"][1], team.members["C"][0], team.members["C"][1]
    moment = at(THURSDAY, 15, 15)
    assert texts(a2, moment) == []  # in A1's line, not in the exchange
    # C1 is invited to a group exchange that B2 and A2 agreed on, and has not answered
    group = agreed(team.members["B"][1], [a2, c1, c2], "Groep", at(THURSDAY, 15), by=a2)
    assert texts(c1, moment) == []
    # C2 declined it
    exchange_decline(participant=part(group, c2))
    assert texts(c2, moment) == []
    # A2 accepted: they are told, with the names of the others who take part (the starter
    # and who accepted), never who declined or has not answered yet
    assert texts(a2, moment) == [
        "This falls during your exchange with B2 Lid B2 about \u201cGroep\u201d "
        "(Thu 19 Nov 15:00\u201315:45)."
    ]
    exchange_accept(participant=part(group, c1))
    assert texts(a2, moment) == [
        "This falls during your exchange with B2 Lid B2 and C1 Lid C1 about \u201cGroep\u201d "
        "(Thu 19 Nov 15:00\u201315:45)."
    ]


def test_a_proposed_cancelled_or_off_exchange_does_not_count(team):
    a1, b1, b2, c1 = (team.members[k][n] for k, n in (("A", 0), ("B", 0), ("B", 1), ("C", 0)))
    moment = at(THURSDAY, 15, 15)
    # only proposed: nothing is agreed yet
    proposed = invite(a1, [b1], "Voorstel", [at(THURSDAY, 15)])
    assert texts(a1, moment) == []
    # cancelled once agreed
    cancelled = agreed(a1, [b2], "Afgezegd", at(THURSDAY, 15))
    assert len(texts(a1, moment)) == 1
    exchange_cancel(participant=part(cancelled, a1), note="Ziek")
    assert texts(a1, moment) == []
    # off: every invitee declined
    exchange_decline(participant=part(proposed, b1))
    assert PeerExchange.objects.get(pk=proposed.pk).status == PeerExchange.Status.CANCELLED
    assert texts(a1, moment) == []
    # "we arrange it ourselves", agreed without a moment: no time, so no clash
    self_arranged = exchange_start(
        initiator=a1, invitees=[c1], topic="Zelf", kind="visit", moments=[], self_arranged=True
    )
    exchange_accept(participant=part(self_arranged, c1))
    assert PeerExchange.objects.get(pk=self_arranged.pk).status == PeerExchange.Status.AGREED
    assert texts(a1, moment) == []


def test_an_exchange_never_clashes_with_itself(team, rekenen):
    a1 = team.members["A"][0]
    assert texts(a1, rekenen.starts_at, apart_from=rekenen.pk) == []
    assert texts(a1, rekenen.starts_at) == [REKENEN_FOR_A1]


def test_another_schools_exchange_is_never_told(team, other_school, make_team):
    theirs = make_team([2], of=other_school)
    one, two = theirs.members["A"]
    agreed(one, [two], "Elders", at(THURSDAY, 15))
    assert texts(team.members["A"][0], at(THURSDAY, 15, 15)) == []


def test_a_meeting_and_an_exchange_at_one_moment_are_told_in_time_order(team, meeting):
    a1, b1 = team.members["A"][0], team.members["B"][0]
    agreed(a1, [b1], "Vroeg", at(FRIDAY, 14, 30))
    assert texts(a1, at(FRIDAY, 14, 45), 60) == [
        "This falls during your exchange with B1 Lid B1 about \u201cVroeg\u201d "
        "(Fri 20 Nov 14:30\u201315:15).",
        MEETING_WORDS,
    ]


# --- on the exchange's page and after proposing ---


def test_the_page_tells_of_my_other_agreed_exchange_but_not_of_itself(client, team, rekenen):
    a1, c1 = team.members["A"][0], team.members["C"][0]
    other = invite(c1, [a1], "Leesplezier", [at(THURSDAY, 15, 30), at(THURSDAY, 17)])
    during = other.moments.get(starts_at=at(THURSDAY, 15, 30))
    english(client, a1)
    page = client.get(url("exchange-detail", pk=other.pk)).content.decode()
    assert clash_items(page) == [REKENEN_FOR_A1]
    assert f'id="clash-{during.pk}"' in page
    # the agreed exchange's own page: its agreed moment is no clash with itself
    page = client.get(url("exchange-detail", pk=rekenen.pk)).content.decode()
    assert "exchange-clash" not in page


def test_proposing_a_moment_during_my_agreed_exchange_saves_it_with_a_note(client, team, rekenen):
    a1, c1 = team.members["A"][0], team.members["C"][0]
    other = invite(c1, [a1], "Leesplezier", [at(THURSDAY, 17)])
    english(client, a1)
    response = client.post(
        url("exchange-propose", pk=other.pk),
        {"starts_at": "2026-11-19T15:30", "agreed": "", "last_moment": "0"},
        follow=True,
    )
    assert [str(m) for m in response.context["messages"]] == [
        "Your moment is proposed; the others are asked by mail.",
        "Note: Thursday 19 November, 15:30 falls during your exchange with B1 Lid B1 about "
        "\u201cRekengesprekken\u201d (Thu 19 Nov 15:00\u201315:45).",
    ]
    assert other.moments.filter(starts_at=at(THURSDAY, 15, 30)).exists()


# --- on the list "My exchanges" ---


def test_the_list_tells_next_to_an_agreed_and_a_proposed_moment_what_it_falls_during(
    client, team, meeting, rekenen
):
    a1, b2, c1 = team.members["A"][0], team.members["B"][1], team.members["C"][0]
    # agreed during A1's line meeting
    agreed(c1, [a1], "Voorlezen", at(FRIDAY, 15, 30))
    # invited to two moments: one during "Rekengesprekken", one free
    invite(b2, [a1], "Leesplezier", [at(THURSDAY, 15, 30), at(THURSDAY, 17)])
    english(client, a1)
    page = client.get(url("exchange-list")).content.decode()
    # each notice in its own exchange's card; "Rekengesprekken" (Thursday 15:00, the first on
    # the list) does not clash with itself, nor with a moment that is only proposed
    cards = page.split('<li class="card mb-3 exchange-item">')[1:]
    assert [re.search(r"<h3[^>]*><a [^>]*>([^<]*)</a>", card)[1] for card in cards] == [
        "Rekengesprekken",
        "Voorlezen",
        "Leesplezier",
    ]
    assert [clash_items(card) for card in cards] == [
        [],
        [MEETING_WORDS],
        [
            "Note: Thursday 19 November, 15:30 falls during your exchange with B1 Lid B1 about "
            "\u201cRekengesprekken\u201d (Thu 19 Nov 15:00\u201315:45)."
        ],
    ]
    # B1, in the other line, sees no meeting of line A, and the same exchange with no clash
    english(client, team.members["B"][0])
    assert "exchange-clash" not in client.get(url("exchange-list")).content.decode()


def test_the_list_gives_no_notice_for_passed_closed_or_declined_exchanges(client, team, meeting):
    a1, b1, b2, c1 = (team.members[k][n] for k, n in (("A", 0), ("B", 0), ("B", 1), ("C", 0)))
    declined = invite(b1, [a1], "Afgeslagen", [at(FRIDAY, 15, 30)])
    exchange_decline(participant=part(declined, a1))
    cancelled = agreed(a1, [b2], "Afgezegd", at(FRIDAY, 15, 30))
    exchange_cancel(participant=part(cancelled, a1))
    gone = agreed(a1, [c1], "Voorbij", at(FRIDAY, 15, 30))
    PeerExchange.objects.filter(pk=gone.pk).update(starts_at=timezone.now() - timedelta(hours=1))
    english(client, a1)
    page = client.get(url("exchange-list")).content.decode()
    for topic in ("Afgeslagen", "Afgezegd", "Voorbij"):
        assert topic in page
    assert "exchange-clash" not in page


def test_a_topic_in_a_notice_on_the_list_is_escaped(client, team):
    a1, b1, c1 = team.members["A"][0], team.members["B"][0], team.members["C"][0]
    agreed(a1, [b1], "<b>Rekenen</b> & 'taal'", at(THURSDAY, 15))
    invite(c1, [a1], "Leesplezier", [at(THURSDAY, 15, 30)])
    english(client, a1)
    page = client.get(url("exchange-list")).content.decode()
    assert "<b>Rekenen</b>" not in page
    assert clash_items(page) == [
        "Note: Thursday 19 November, 15:30 falls during your exchange with B1 Lid B1 about "
        "\u201c&lt;b&gt;Rekenen&lt;/b&gt; &amp; &#x27;taal&#x27;\u201d "
        "(Thu 19 Nov 15:00\u201315:45)."
    ]


def test_the_list_costs_the_same_queries_with_one_exchange_or_five(client, team, meeting):
    a1 = team.members["A"][0]
    others = [m for m in team.everyone if m.pk != a1.pk]
    english(client, a1)
    counts = []
    for count in (1, 5):
        PeerExchange.objects.all().delete()
        for number in range(count):
            # every other one agreed; each with ten minutes during the meeting (one after the
            # other: they only touch) and a moment the next day
            during = at(FRIDAY, 15, 10 * number)
            moments = [during, at(FRIDAY + timedelta(days=1), 10 + number)]
            exchange = invite(a1, [others[number]], f"Onderwerp {number}", moments, minutes=10)
            if number % 2:
                exchange_accept(
                    participant=part(exchange, others[number]),
                    moment=exchange.moments.get(starts_at=during),
                )
        with CaptureQueriesContext(connection) as queries:
            page = client.get(url("exchange-list")).content.decode()
        counts.append(len(queries))
        assert clash_items(page).count(MEETING_WORDS) == count // 2
        assert len(clash_items(page)) == count
    assert counts[0] == counts[1]


def test_two_agreed_exchanges_at_one_moment_each_tell_of_the_other_on_the_list(client, team):
    a1, b1, c1 = team.members["A"][0], team.members["B"][0], team.members["C"][0]
    agreed(a1, [b1], "Rekenen", at(THURSDAY, 15))
    agreed(c1, [a1], "Taal", at(THURSDAY, 15, 30), by=a1)
    english(client, a1)
    page = client.get(url("exchange-list")).content.decode()
    cards = page.split('<li class="card mb-3 exchange-item">')[1:]
    assert [clash_items(card) for card in cards] == [
        [
            "This falls during your exchange with C1 Lid C1 about \u201cTaal\u201d "
            "(Thu 19 Nov 15:30\u201316:15)."
        ],
        [
            "This falls during your exchange with B1 Lid B1 about \u201cRekenen\u201d "
            "(Thu 19 Nov 15:00\u201315:45)."
        ],
    ]
