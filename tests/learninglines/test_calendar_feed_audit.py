"""The personal feed as real calendar apps read it, for any data: RFC 5545 validity (CRLF,
folding at 75 octets on whole characters, escaping, no control characters), the clock changes,
updates that apps take over (same UID, higher SEQUENCE), what leaves the feed, HTTP, and cost."""

from datetime import UTC, date, datetime, time, timedelta

import icalendar
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from learninglines.models import LineMeeting
from learninglines.services.journal import calendar_feed_renew
from sessions_app.models import ExchangeParticipant, PeerExchange, PlenarySession
from tests.factories import MemberFactory
from tests.learninglines.test_calendar import feed_path, in_year
from tests.learninglines.test_meetings import current_year, join, make_line, plan

pytestmark = pytest.mark.django_db

REQUIRED = ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY")


@pytest.fixture
def line(school, teacher):
    line = make_line(school, "A", "Leesplezier: één, twee; drie \\ vier")
    join(teacher, line)
    return line


def parsed(content: bytes) -> list[icalendar.Event]:
    """The events, after checking what a strict reader checks."""
    assert content.startswith(b"BEGIN:VCALENDAR\r\n")
    assert content.endswith(b"END:VCALENDAR\r\n")
    lines = content.split(b"\r\n")[:-1]
    for raw in lines:
        assert b"\r" not in raw  # CRLF only
        assert b"\n" not in raw
        assert len(raw) <= 75, raw  # folded at 75 octets ...
        raw.decode("utf-8")  # ... between characters, never inside one
        assert not any((byte < 0x20 and byte != 0x09) or byte == 0x7F for byte in raw), raw
    calendar = icalendar.Calendar.from_ical(content)
    assert calendar.errors == []
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["PRODID"])
    events = calendar.walk("VEVENT")
    for event in events:
        assert event.errors == []
        assert all(name in event for name in REQUIRED), event
        assert event.decoded("DTEND") > event.decoded("DTSTART")  # RFC 5545 3.8.2.2
    assert len({str(e["UID"]) for e in events}) == len(events)
    return events


def feed(client, member) -> list[icalendar.Event]:
    response = client.get(feed_path(member))
    assert response.status_code == 200
    return parsed(response.content)


def exchange_for(member, colleague, starts_at: datetime, **fields) -> PeerExchange:
    exchange = PeerExchange.objects.create(
        school=member.school,
        year=current_year(member.school),
        topic=fields.pop("topic", "Vraagkaarten"),
        created_by=member,
        starts_at=starts_at,
        status=fields.pop("status", PeerExchange.Status.AGREED),
        **fields,
    )
    for who in (member, colleague):
        ExchangeParticipant.objects.create(
            exchange=exchange,
            member=who,
            is_initiator=who == member,
            response=ExchangeParticipant.Response.ACCEPTED,
        )
    return exchange


# --- validity ---------------------------------------------------------------------------------


def test_long_dutch_and_emoji_text_folds_on_whole_characters_and_escapes(
    client, school, teacher, line
):
    topic = "Één ëxtra lange \u2018bespreking\u2019 over 🎉 feest, taal; en rekenen " * 3
    plan(line, in_year(school, 1, 14), topic=topic.strip(), place="Lokaal 3, boven; links")
    [event] = feed(client, teacher)
    assert str(event["SUMMARY"]) == f"{line.name}: {topic.strip()}"
    assert str(event["LOCATION"]) == "Lokaal 3, boven; links"
    text = client.get(feed_path(teacher)).content.replace(b"\r\n ", b"").decode()
    assert "SUMMARY:Leesplezier: één\\, twee\\; drie \\\\ vier: Één" in text
    assert "LOCATION:Lokaal 3\\, boven\\; links\r\n" in text


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_a_line_break_in_free_text_starts_no_property(client, school, teacher, line, newline):
    plan(
        line,
        in_year(school, 1, 14),
        topic=f"Spelling{newline}X-INJECTED:1",
        place=f"Aula{newline}DTSTART:19700101T000000Z",
        agenda=f"1. Terugblik{newline}STATUS:CANCELLED",
    )
    [event] = feed(client, teacher)
    assert "X-INJECTED" not in event
    assert event.decoded("DTSTART") == datetime(2027, 1, 14, 14, 30, tzinfo=UTC)
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["LOCATION"]) == "Aula\nDTSTART:19700101T000000Z"


def test_control_characters_in_free_text_do_not_reach_the_feed(client, school, teacher, line):
    # A vertical tab (Word's line break) or an escape pasted into the agenda: RFC 5545 TEXT
    # allows no control character but the tab.
    plan(line, in_year(school, 1, 14), topic="Lezen\x1bmee", agenda="Punt 1\x0bPunt 2\x7f\tklaar")
    [event] = feed(client, teacher)  # checks every octet
    assert str(event["SUMMARY"]) == f"{line.name}: Lezen mee"
    assert str(event["DESCRIPTION"]).startswith("Punt 1 Punt 2 \tklaar\n\n")


# --- the clock changes --------------------------------------------------------------------------


def test_a_meeting_in_the_hour_the_clocks_skip_still_ends_after_it_starts(
    client, school, teacher, line
):
    # 28 March 2027, last Sunday of March: 02:00 CET becomes 03:00 CEST. RFC 5545 reads 02:30
    # as 03:30 CEST (01:30Z), and 03:30 is 01:30Z as well: the event kept no length at all.
    plan(line, date(2027, 3, 28), start=time(2, 30), end=time(3, 30))
    [event] = feed(client, teacher)
    assert event.decoded("DTSTART") == datetime(2027, 3, 28, 1, 30, tzinfo=UTC)
    assert event.decoded("DTEND") == datetime(2027, 3, 28, 2, 30, tzinfo=UTC)


def test_a_meeting_in_the_hour_the_clocks_repeat_starts_at_the_first(client, school, teacher, line):
    # 25 October 2026: 03:00 CEST becomes 02:00 CET. 02:30 is the first (summer) 02:30.
    plan(line, date(2026, 10, 25), start=time(2, 30), end=time(3, 30))
    [event] = feed(client, teacher)
    assert event.decoded("DTSTART") == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    assert event.decoded("DTEND") == datetime(2026, 10, 25, 2, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("day", "start_utc"),
    [
        (date(2027, 3, 26), datetime(2027, 3, 26, 14, 30, tzinfo=UTC)),  # Friday before: CET
        (date(2027, 3, 29), datetime(2027, 3, 29, 13, 30, tzinfo=UTC)),  # Monday after: CEST
        (date(2026, 10, 23), datetime(2026, 10, 23, 13, 30, tzinfo=UTC)),  # CEST
        (date(2026, 10, 26), datetime(2026, 10, 26, 14, 30, tzinfo=UTC)),  # CET
    ],
)
def test_meetings_around_the_clock_changes(client, school, teacher, line, day, start_utc):
    plan(line, day)  # 15:30 to 17:00 local
    [event] = feed(client, teacher)
    assert event.decoded("DTSTART") == start_utc
    assert event.decoded("DTEND") == start_utc + timedelta(minutes=90)


def test_an_exchange_across_the_autumn_change_lasts_its_minutes(client, school, teacher):
    # 01:30 CEST on 25 October 2026 for two hours ends at 02:30 CET (01:30Z), not 03:30 CET.
    starts_at = datetime(2026, 10, 24, 23, 30, tzinfo=UTC)
    exchange_for(teacher, MemberFactory(school=school), starts_at, minutes=120, status="held")
    [event] = feed(client, teacher)
    assert event.decoded("DTSTART") == starts_at
    assert event.decoded("DTEND") == starts_at + timedelta(minutes=120)


# --- updates ----------------------------------------------------------------------------------


def test_a_moved_exchange_keeps_its_uid_with_a_higher_sequence(client, school, teacher):
    starts_at = datetime(2026, 12, 2, 14, 0, tzinfo=UTC)
    exchange = exchange_for(teacher, MemberFactory(school=school), starts_at)
    [before] = feed(client, teacher)
    moved = starts_at + timedelta(days=7)
    PeerExchange.objects.filter(pk=exchange.pk).update(
        starts_at=moved, updated_at=exchange.updated_at + timedelta(hours=3)
    )
    [after] = feed(client, teacher)
    assert str(after["UID"]) == str(before["UID"])
    assert after.decoded("DTSTART") == moved
    assert int(after["SEQUENCE"]) > int(before["SEQUENCE"]) >= 0
    assert after.decoded("LAST-MODIFIED") == (exchange.updated_at + timedelta(hours=3)).astimezone(
        UTC
    ).replace(microsecond=0)


def test_moved_meeting_keeps_its_uid_removed_and_cancelled_items_leave(
    client, school, teacher, line
):
    meeting = plan(line, in_year(school, 1, 14), topic="Blijft")
    gone = plan(line, in_year(school, 1, 21), topic="Vervalt")
    exchange = exchange_for(
        teacher, MemberFactory(school=school), datetime(2026, 12, 2, 14, tzinfo=UTC)
    )
    uid = {str(e["SUMMARY"]): str(e["UID"]) for e in feed(client, teacher)}[f"{line.name}: Blijft"]
    LineMeeting.objects.filter(pk=meeting.pk).update(date=in_year(school, 2, 4))
    gone.delete()
    PeerExchange.objects.filter(pk=exchange.pk).update(status=PeerExchange.Status.CANCELLED)
    [event] = feed(client, teacher)
    assert str(event["UID"]) == uid
    assert event.decoded("DTSTART").date() == in_year(school, 2, 4)


def test_a_member_who_left_their_line_loses_its_later_meetings(client, school, teacher, line):
    plan(line, in_year(school, 9, 10), topic="Eerder")
    plan(line, in_year(school, 3, 10), topic="Later")
    line.memberships.filter(member=teacher).update(end=in_year(school, 12, 31))
    assert [str(e["SUMMARY"]) for e in feed(client, teacher)] == [f"{line.name}: Eerder"]


def test_the_feed_holds_only_the_owners_items(client, school, teacher, line):
    colleague, other = MemberFactory(school=school), MemberFactory(school=school)
    other_line = make_line(school, "B", "Rekenen")
    join(other, other_line)
    plan(other_line, in_year(school, 1, 14), topic="Niet van mij")
    exchange_for(other, colleague, datetime(2026, 12, 2, 14, tzinfo=UTC), topic="Niet van mij")
    assert feed(client, teacher) == []


# --- HTTP -------------------------------------------------------------------------------------


def test_headers_head_and_an_old_address(client, school, teacher, line):
    plan(line, in_year(school, 1, 14))
    path = feed_path(teacher)
    response = client.get(path)
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Cache-Control"] == "private, max-age=300"
    assert not response.cookies  # a calendar app keeps no cookies
    head = client.head(path)
    assert head.status_code == 200
    assert head["Content-Type"] == "text/calendar; charset=utf-8"
    assert head.content == b""
    calendar_feed_renew(member=teacher)
    assert client.get(path).status_code == 404
    assert client.head(path).status_code == 404
    for token in ("x" * 300, "%C3%A9t%C3%A9", "a%0Db"):
        assert client.get(f"/calendar/{token}.ics").status_code == 404


def test_the_session_download_is_valid_too(client, school, teacher):
    session = PlenarySession.objects.create(
        school=school,
        year=current_year(school),
        title="Plenair: \u2018samen\u2019, leren; 🎉",
        date=in_year(school, 3, 29),
        start_time=time(15),
        end_time=time(17),
        place="Aula\nachter",
        status=PlenarySession.Status.PUBLISHED,
    )
    client.force_login(teacher.user)
    response = client.get(
        reverse("sessions_app:session-ics", kwargs={"school_slug": school.slug, "pk": session.pk})
    )
    [event] = parsed(response.content)
    assert str(event["SUMMARY"]) == session.title
    assert event.decoded("DTSTART") == datetime(2027, 3, 29, 13, tzinfo=UTC)


def test_a_moved_meeting_or_session_raises_its_sequence_and_a_note_does_not(
    client, school, teacher, line
):
    """Apps that already hold the event take a new time over only with a higher SEQUENCE."""
    from learninglines.services.meetings import meeting_notes_save, meeting_update
    from sessions_app.services.sessions import session_update

    meeting = plan(line, in_year(school, 1, 14), topic="Blijft")

    def sequence() -> int:
        [event] = [e for e in feed(client, teacher) if "Blijft" in str(e["SUMMARY"])]
        return int(event["SEQUENCE"])

    assert sequence() == 0
    meeting_update(meeting=meeting, date=in_year(school, 1, 21))
    assert sequence() == 1
    meeting_update(meeting=meeting, place="Lokaal 12", topic="Blijft")  # the topic as it was
    assert sequence() == 2
    meeting_notes_save(meeting=meeting, notes="Afspraken")  # not in the calendar
    meeting_update(meeting=meeting, place="Lokaal 12")  # nothing changed
    assert sequence() == 2

    session = PlenarySession.objects.create(
        school=school,
        year=current_year(school),
        title="Plenair",
        date=in_year(school, 3, 29),
        start_time=time(15),
        end_time=time(17),
        status=PlenarySession.Status.PUBLISHED,
    )
    session_update(session=session, start_time=time(14))
    session_update(session=session, group_size=5)  # not in the calendar
    client.force_login(teacher.user)
    download = client.get(
        reverse("sessions_app:session-ics", kwargs={"school_slug": school.slug, "pk": session.pk})
    )
    [event] = parsed(download.content)
    assert int(event["SEQUENCE"]) == 1


# --- scale ------------------------------------------------------------------------------------


@pytest.mark.parametrize("weeks", [4, 40])
def test_a_full_school_year_costs_the_same_queries(client, school, teacher, line, weeks):
    year = current_year(school)
    colleague = MemberFactory(school=school)
    for week in range(weeks):
        plan(line, year.start + timedelta(days=30 + 7 * week), topic=f"Bijeenkomst {week} één")
    for n in range(weeks // 4):
        PlenarySession.objects.create(
            school=school,
            year=year,
            title=f"Plenair {n}",
            date=year.start + timedelta(days=40 + 20 * n),
            start_time=time(15),
            end_time=time(17),
            status=PlenarySession.Status.PUBLISHED,
        )
        exchange_for(teacher, colleague, datetime(2026, 12, 1, 14, tzinfo=UTC) + timedelta(days=n))
    path = feed_path(teacher)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert len(queries) == 5  # feed, school year, meetings, sessions, exchanges
    events = parsed(response.content)
    assert len(events) == weeks + 2 * (weeks // 4)
    assert len(response.content) < 1000 + 400 * len(events)  # 40 weeks: 60 events, 21 kB
