"""A member's personal calendar (ICS) of line meetings, built with `icalendar`.

Times go out in UTC (DESIGN: "ICS in UTC"): a meeting at 15:30 in Amsterdam is 14:30Z in winter
and 13:30Z in summer; the calendar app shows it in the reader's local time. Each meeting's UID
depends only on the meeting and the site, so renewing the secret address keeps events stable
in the calendar app instead of duplicating them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from learninglines.models import LineMeeting, Member
from learninglines.services.meetings import meeting_url

PRODUCT_ID = "-//Brengen & Halen//Line meetings//NL"
REFRESH = timedelta(hours=1)


def _utc(meeting: LineMeeting, moment) -> datetime:
    local = timezone.make_aware(
        datetime.combine(meeting.date, moment), timezone.get_default_timezone()
    )
    return local.astimezone(UTC)


def meeting_uid(meeting: LineMeeting) -> str:
    host = urlsplit(settings.SITE_URL).hostname or "brengen-en-halen"
    return f"line-meeting-{meeting.pk}@{host}"


def calendar_build(
    *, member: Member, meetings: Iterable[LineMeeting], now: datetime | None = None
) -> bytes:
    """The ICS text of `meetings` for `member`, in the school's language."""
    now = (now or timezone.now()).astimezone(UTC).replace(microsecond=0)
    school = member.school
    with translation.override(school.language):
        calendar = Calendar()
        calendar.add("prodid", PRODUCT_ID)
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("method", "PUBLISH")
        name = _("Line meetings · %(school)s") % {"school": school.name}
        calendar.add("x-wr-calname", name)
        calendar.add("name", name)
        # How often calendar apps should fetch again (RFC 7986 and the older Microsoft name).
        calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", "PT1H")
        for meeting in meetings:
            url = meeting_url(meeting=meeting, school=school)
            event = Event()
            event.add("uid", meeting_uid(meeting))
            event.add("dtstamp", now)
            event.add("dtstart", _utc(meeting, meeting.start_time))
            event.add("dtend", _utc(meeting, meeting.end_time))
            event.add(
                "summary",
                _("%(line)s: %(topic)s") % {"line": meeting.line.name, "topic": meeting.topic},
            )
            if meeting.place:
                event.add("location", meeting.place)
            description = [meeting.agenda] if meeting.agenda else []
            description.append(url)
            event.add("description", "\n\n".join(description))
            event.add("url", url)
            event.add("status", "CONFIRMED")
            calendar.add_component(event)
    return calendar.to_ical()
