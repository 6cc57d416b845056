"""A member's personal calendar (ICS) of line meetings, built with `icalendar`.

Times go out in UTC: a meeting at 15:30 in Amsterdam is 14:30Z in winter and 13:30Z in summer;
the calendar app shows it in the reader's local time. Each event's UID depends only on the event
and the site, so renewing the secret address keeps events stable in the calendar app instead of
duplicating them.

Other apps add their own events (plenary sessions, small exchanges) through
`register_event_source`: this app never imports them, they register here when they load.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vText

from learninglines.models import LineMeeting, Member
from learninglines.services.meetings import meeting_url

PRODUCT_ID = "-//Brengen & Halen//Line meetings//NL"
REFRESH = timedelta(hours=1)


@dataclass(frozen=True)
class CalendarItem:
    """One event of another app, in local time; `uid_key` is unique within the site."""

    uid_key: str
    day: date
    start: time
    end: time
    summary: str
    location: str = ""
    description: str = ""
    url: str = ""
    # The item's revision (RFC 5545 SEQUENCE) and when it last changed: an app that already
    # has the UID takes a changed time or place over only when the sequence went up (Google
    # Calendar, also on importing a file again).
    sequence: int = 0
    modified: datetime | None = None


EventSource = Callable[[Member, date], Iterable[CalendarItem]]
_SOURCES: list[EventSource] = []


def register_event_source(source: EventSource) -> None:
    """Add `source(member, since) -> CalendarItem...` (the member's events on `since` or later)
    to every personal feed (once per source)."""
    if source not in _SOURCES:
        _SOURCES.append(source)


def extra_events(member: Member, *, since: date, language: str | None = None) -> list[CalendarItem]:
    """Every registered source's events for `member` on `since` or later, in `language`
    (default: the school's).

    The feed speaks the school's language and starts on `feed_since`; a page lists them in the
    reader's.
    """
    with translation.override(language or member.school.language):
        return [item for source in _SOURCES for item in source(member, since)]


def local_to_utc(day: date, moment: time) -> datetime:
    local = timezone.make_aware(datetime.combine(day, moment), timezone.get_default_timezone())
    return local.astimezone(UTC)


def local_span(day: date, start: time, end: time) -> tuple[datetime, datetime]:
    """Start and end in UTC of an event on `day` from `start` to `end`, local times.

    A time in the hour the clocks skip (02:30 on the last Sunday of March) counts, as RFC 5545
    reads it, an hour later; an end that then falls at or before the start keeps the event's
    length instead, since DTEND must lie after DTSTART.
    """
    utc_start, utc_end = local_to_utc(day, start), local_to_utc(day, end)
    if utc_end <= utc_start:
        utc_end = utc_start + (datetime.combine(day, end) - datetime.combine(day, start))
    return utc_start, utc_end


# RFC 5545 TEXT holds no control characters but a tab and (escaped) line breaks.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _text(value: str) -> str:
    return _CONTROL.sub(" ", value)


def site_host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "brengen-en-halen"


def meeting_uid(meeting: LineMeeting) -> str:
    return f"line-meeting-{meeting.pk}@{site_host()}"


def item_event(item: CalendarItem, now: datetime) -> Event:
    """An ICS event of another app's item, times in UTC."""
    event = Event()
    event.add("uid", f"{item.uid_key}@{site_host()}")
    event.add("dtstamp", now)
    start, end = local_span(item.day, item.start, item.end)
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("summary", _text(item.summary))
    if item.location:
        event.add("location", _text(item.location))
    if item.description:
        event.add("description", _text(item.description))
    if item.url:
        event.add("url", item.url)
    event.add("sequence", item.sequence)
    if item.modified is not None:
        event.add("last-modified", item.modified.astimezone(UTC).replace(microsecond=0))
    event.add("status", "CONFIRMED")
    return event


def calendar_build(
    *,
    member: Member,
    meetings: Iterable[LineMeeting],
    items: Iterable[CalendarItem] = (),
    now: datetime | None = None,
) -> bytes:
    """The ICS of `meetings` and other apps' `items` for `member`, in the school's language."""
    now = (now or timezone.now()).astimezone(UTC).replace(microsecond=0)
    school = member.school
    with translation.override(school.language):
        calendar = Calendar()
        calendar.add("prodid", PRODUCT_ID)
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("method", "PUBLISH")
        name = _("Line meetings · %(school)s") % {"school": school.name}
        # TEXT values (RFC 7986 NAME, X-WR-CALNAME): icalendar knows neither property and would
        # write a school's comma or semicolon unescaped, so say that they are text.
        calendar.add("x-wr-calname", vText(_text(name)))
        calendar.add("name", vText(_text(name)))
        # How often calendar apps should fetch again (RFC 7986 and the older Microsoft name).
        calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", "PT1H")
        for meeting in meetings:
            url = meeting_url(meeting=meeting, school=school)
            event = Event()
            event.add("uid", meeting_uid(meeting))
            event.add("dtstamp", now)
            start, end = local_span(meeting.date, meeting.start_time, meeting.end_time)
            event.add("dtstart", start)
            event.add("dtend", end)
            summary = _("%(line)s: %(topic)s") % {"line": meeting.line.name, "topic": meeting.topic}
            event.add("summary", _text(summary))
            if meeting.place:
                event.add("location", _text(meeting.place))
            description = [meeting.agenda] if meeting.agenda else []
            description.append(url)
            event.add("description", _text("\n\n".join(description)))
            event.add("url", url)
            event.add("status", "CONFIRMED")
            event.add("sequence", meeting.revision)
            calendar.add_component(event)
        for item in items:
            calendar.add_component(item_event(item, now))
    return calendar.to_ical()
