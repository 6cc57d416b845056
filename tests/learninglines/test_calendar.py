"""The personal ICS feed: parses, holds exactly the member's meetings in UTC, renews."""

from datetime import UTC, date, datetime, time, timedelta

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone, translation

import learninglines.calendar
from learninglines.calendar import CalendarItem
from learninglines.models import CalendarFeed
from learninglines.services.journal import calendar_feed_get_or_create, calendar_feed_renew
from tests.factories import MemberFactory
from tests.learninglines.test_meetings import current_year, join, last_years_line, make_line, plan

pytestmark = pytest.mark.django_db

SLUG = "de-regenboog"


def feed_path(member) -> str:
    return reverse(
        "learninglines:calendar-feed", args=[calendar_feed_get_or_create(member=member).token]
    )


def events(response) -> dict[str, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(response.content)
    return {str(e["summary"]): e for e in calendar.walk("VEVENT")}


def in_year(school, month: int, day: int) -> date:
    """A date of the current school year (August to July) in the given month."""
    year = current_year(school)
    return date(year.start.year + (0 if month >= 8 else 1), month, day)


@pytest.fixture
def lines(school, teacher):
    line_a = make_line(school, "A", "Lezen", "blue")
    line_b = make_line(school, "B", "Rekenen", "green")
    return line_a, line_b


def test_feed_parses_and_holds_exactly_the_members_meetings_across_a_move(
    client, school, teacher, lines
):
    line_a, line_b = lines
    move = in_year(school, 2, 1)
    join(teacher, line_a, end=move - timedelta(days=1))
    join(teacher, line_b, start=move)
    plan(line_a, in_year(school, 1, 14), topic="A voor de verhuizing")
    plan(line_a, in_year(school, 3, 4), topic="A na de verhuizing")
    plan(line_b, in_year(school, 1, 21), topic="B voor de verhuizing")
    plan(line_b, in_year(school, 3, 11), topic="B na de verhuizing")
    other_line = make_line(school, "C", "Spelling", "teal")
    plan(other_line, in_year(school, 3, 4), topic="C, niet van mij")

    response = client.get(feed_path(teacher))  # no sign-in
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'inline; filename="line-meetings-de-regenboog.ics"'
    assert response["Cache-Control"] == "private, max-age=300"
    assert sorted(events(response)) == [
        "Lezen: A voor de verhuizing",
        "Rekenen: B na de verhuizing",
    ]


@pytest.mark.parametrize(
    ("month", "day", "start_utc", "end_utc"),
    [
        (1, 14, time(14, 30), time(16, 0)),  # winter: Amsterdam is UTC+1
        (6, 10, time(13, 30), time(15, 0)),  # summer: Amsterdam is UTC+2
    ],
)
def test_feed_times_are_in_utc(client, school, teacher, lines, month, day, start_utc, end_utc):
    line_a, _ = lines
    join(teacher, line_a)
    meeting_day = in_year(school, month, day)
    plan(line_a, meeting_day, start=time(15, 30), end=time(17, 0), topic="Leesmotivatie")
    response = client.get(feed_path(teacher))
    [event] = events(response).values()
    assert event.decoded("dtstart") == datetime.combine(meeting_day, start_utc, tzinfo=UTC)
    assert event.decoded("dtend") == datetime.combine(meeting_day, end_utc, tzinfo=UTC)
    text = response.content.decode()
    assert f"DTSTART:{meeting_day:%Y%m%d}T{start_utc:%H%M}00Z" in text
    assert f"DTEND:{meeting_day:%Y%m%d}T{end_utc:%H%M}00Z" in text


def test_feed_event_carries_place_agenda_link_and_a_stable_uid(client, school, teacher, lines):
    line_a, _ = lines
    join(teacher, line_a)
    meeting = plan(
        line_a, in_year(school, 1, 14), place="Lokaal 12", agenda="1. Terugblik\n2. Oefenen"
    )
    url = f"https://leerlijnen.test/s/de-regenboog/meetings/{meeting.pk}/"
    old = client.get(feed_path(teacher))
    [event] = events(old).values()
    assert str(event["location"]) == "Lokaal 12"
    assert str(event["description"]) == f"1. Terugblik\n2. Oefenen\n\n{url}"
    assert str(event["url"]) == url
    assert str(event["uid"]) == f"line-meeting-{meeting.pk}@leerlijnen.test"
    calendar_feed_renew(member=teacher)
    [renewed] = events(client.get(feed_path(teacher))).values()
    assert str(renewed["uid"]) == str(event["uid"])


def test_feed_leaves_out_earlier_school_years(client, school, teacher, lines):
    line_a, _ = lines
    join(teacher, line_a)
    plan(line_a, in_year(school, 9, 3), topic="Dit jaar")
    old_line = last_years_line(school)
    old_year = old_line.year
    join(teacher, old_line, start=old_year.start, end=old_year.end)
    plan(old_line, old_year.start + timedelta(days=40), topic="Vorig jaar")
    assert sorted(events(client.get(feed_path(teacher)))) == ["Lezen: Dit jaar"]


def test_feed_is_in_the_schools_language(client, school, teacher, lines):
    join(teacher, lines[0])
    calendar = icalendar.Calendar.from_ical(client.get(feed_path(teacher)).content)
    assert str(calendar["x-wr-calname"]) == "Leerlijn-bijeenkomsten · Basisschool De Regenboog"
    school.language = "en"
    school.save()
    calendar = icalendar.Calendar.from_ical(client.get(feed_path(teacher)).content)
    assert str(calendar["x-wr-calname"]) == "Line meetings · Basisschool De Regenboog"


def test_empty_feed_still_parses(client, teacher):
    response = client.get(feed_path(teacher))
    calendar = icalendar.Calendar.from_ical(response.content)
    assert calendar.walk("VEVENT") == []


def test_unknown_token_is_404(client, teacher):
    calendar_feed_get_or_create(member=teacher)
    response = client.get(reverse("learninglines:calendar-feed", args=["bestaat-niet"]))
    assert response.status_code == 404


def test_feed_of_a_deactivated_member_is_an_empty_calendar(client, school, teacher, lines):
    """Their app drops the school's events; after a 404 it would keep showing them."""
    join(teacher, lines[0])
    plan(lines[0], timezone.localdate() + timedelta(days=7), topic="Na het vertrek")
    path = feed_path(teacher)
    assert b"Na het vertrek" in client.get(path).content
    teacher.is_active = False
    teacher.save()
    response = client.get(path)
    assert response.status_code == 200
    assert response.content.startswith(b"BEGIN:VCALENDAR")
    assert b"BEGIN:VEVENT" not in response.content


def test_feed_of_a_closed_account_is_404(client, teacher):
    path = feed_path(teacher)
    teacher.user.is_active = False
    teacher.user.save()
    assert client.get(path).status_code == 404


def test_feed_name_escapes_the_schools_commas_and_semicolons(client, school, teacher):
    """RFC 5545 TEXT: a comma or semicolon in a value is escaped, also in the calendar's name."""
    school.name = "De Regenboog, locatie Noord; groep 1-8"
    school.save()
    content = client.get(feed_path(teacher)).content
    unfolded = content.replace(b"\r\n ", b"")
    expected = "Leerlijn-bijeenkomsten · De Regenboog\\, locatie Noord\\; groep 1-8"
    assert f"\r\nX-WR-CALNAME:{expected}\r\n".encode() in unfolded
    assert f"\r\nNAME:{expected}\r\n".encode() in unfolded


def test_feed_answers_head_but_no_post(client, teacher):
    path = feed_path(teacher)
    assert client.head(path).status_code == 200
    assert client.post(path).status_code == 405


def test_renewed_address_makes_the_old_one_404(client, teacher):
    old = feed_path(teacher)
    assert client.get(old).status_code == 200
    client.force_login(teacher.user)
    renew = reverse("learninglines:calendar-renew", args=[SLUG])
    assert client.get(renew).status_code == 200  # asks to confirm; changes nothing
    assert client.get(old).status_code == 200
    response = client.post(renew)
    assert response.status_code == 302
    assert response["Location"] == reverse("learninglines:calendar", args=[SLUG])
    client.logout()
    new = feed_path(teacher)
    assert new != old
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200


def test_calendar_page_shows_the_address_and_a_webcal_link(client, school, teacher, lines):
    join(teacher, lines[0])
    plan(lines[0], timezone.localdate() + timedelta(days=3), topic="Binnenkort")
    client.force_login(teacher.user)
    response = client.get(reverse("learninglines:calendar", args=[SLUG]))
    token = CalendarFeed.objects.get(member=teacher).token
    assert response.context["feed_url"] == f"https://leerlijnen.test/calendar/{token}.ics"
    assert response.context["webcal_url"] == f"webcal://leerlijnen.test/calendar/{token}.ics"
    assert [m.summary for m in response.context["upcoming"]] == ["Binnenkort"]
    page = response.content.decode()
    assert f">https://leerlijnen.test/calendar/{token}.ics</textarea>" in page
    assert f'href="webcal://leerlijnen.test/calendar/{token}.ics"' in page
    # what the feed holds, as the page says it: meetings, sessions and exchanges
    assert "de plenaire bijeenkomsten en je kleine uitwisselingen in de agenda" in page
    # The same address on the next visit: the page does not renew by itself.
    again = client.get(reverse("learninglines:calendar", args=[SLUG]))
    assert again.context["feed_url"] == response.context["feed_url"]


def test_each_member_has_their_own_address(client, school, teacher):
    colleague = MemberFactory(school=school)
    assert feed_path(teacher) != feed_path(colleague)
    assert CalendarFeed.objects.count() == 2


FEED_QUERIES = 5  # the feed with member and school; the school year; meetings; plenary sessions;
# small exchanges


@pytest.mark.parametrize("meetings", [1, 30])
def test_feed_costs_the_same_however_many_meetings(
    client, school, teacher, lines, meetings, django_assert_num_queries
):
    join(teacher, lines[0])
    for n in range(meetings):
        plan(lines[0], in_year(school, 9, 1) + timedelta(days=n), topic=f"Bijeenkomst {n}")
    path = feed_path(teacher)
    with django_assert_num_queries(FEED_QUERIES):
        response = client.get(path)
    assert len(events(response)) == meetings


def test_the_feed_answers_only_get_and_head(client, teacher):
    # a calendar app never posts; anything but GET and HEAD is "method not allowed"
    path = feed_path(teacher)
    assert client.head(path).status_code == 200
    for method in (client.post, client.put, client.delete):
        response = method(path)
        assert response.status_code == 405
        assert response["Allow"] == "GET, HEAD"


def test_calendar_page_lists_other_apps_events_in_the_readers_language(
    client, school, teacher, monkeypatch
):
    # Another app's event (a small exchange: "Uitwisseling: ..."): the feed speaks the
    # school's language, the page lists it in the language the reader chose.
    def source(member, since):
        return [
            CalendarItem(
                uid_key="other-app-1",
                day=timezone.localdate() + timedelta(days=2),
                start=time(15, 0),
                end=time(16, 0),
                summary=translation.get_language(),
            )
        ]

    monkeypatch.setattr(learninglines.calendar, "_SOURCES", [source])
    client.force_login(teacher.user)
    client.cookies["exchange_language"] = "en"
    response = client.get(reverse("learninglines:calendar", args=[SLUG]))
    assert [item.summary for item in response.context["upcoming"]] == ["en"]
    assert sorted(events(client.get(feed_path(teacher)))) == ["nl"]
