"""Plenary sessions in calendars: in each member's personal feed, and as an .ics download.

The personal feed belongs to the learning lines app; this app adds its sessions through
`learninglines.calendar.register_event_source` (registered in `SessionsAppConfig.ready`), so
that app never imports this one. Drafts never appear: the date may still change. Times go out
in UTC; the calendar app shows local time.
"""

from __future__ import annotations

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar

from learninglines.calendar import PRODUCT_ID, CalendarItem, item_event
from learninglines.models import Member
from learninglines.services.links import site_url
from sessions_app.models import PlenarySession
from sessions_app.services.day import my_session_path

VISIBLE = (
    PlenarySession.Status.PUBLISHED,
    PlenarySession.Status.HELD,
    PlenarySession.Status.CLOSED,
)


def session_item(session: PlenarySession) -> CalendarItem:
    url = site_url(my_session_path(session))
    rules = _("Equal footing, genuine curiosity: it is not about better or worse.")
    return CalendarItem(
        uid_key=f"plenary-session-{session.pk}",
        day=session.date,
        start=session.start_time,
        end=session.end_time,
        summary=session.title,
        location=session.place,
        description=f"{rules}\n\n{url}",
        url=url,
    )


def member_session_items(member: Member) -> list[CalendarItem]:
    """The member's school's published and held sessions of the years they were in a line."""
    sessions = (
        PlenarySession.objects.filter(school_id=member.school_id, status__in=VISIBLE)
        .filter(year__lines__memberships__member=member)
        .select_related("school")
        .distinct()
        .order_by("date", "start_time")
    )
    return [session_item(session) for session in sessions]


def session_ics(*, session: PlenarySession) -> bytes:
    """One session as an .ics file, in the school's language."""
    with translation.override(session.school.language):
        calendar = Calendar()
        calendar.add("prodid", PRODUCT_ID)
        calendar.add("version", "2.0")
        calendar.add("method", "PUBLISH")
        calendar.add_component(
            item_event(session_item(session), timezone.now().replace(microsecond=0))
        )
    return calendar.to_ical()
