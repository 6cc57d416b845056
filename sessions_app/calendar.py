"""Plenary sessions and small exchanges in calendars: in each member's personal feed, and a
session as an .ics download.

The personal feed belongs to the learning lines app; this app adds its sessions through
`learninglines.calendar.register_event_source` (registered in `SessionsAppConfig.ready`), so
that app never imports this one. Drafts never appear: the date may still change. Times go out
in UTC; the calendar app shows local time.
"""

from __future__ import annotations

from datetime import date, time, timedelta

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar

from learninglines.calendar import PRODUCT_ID, CalendarItem, item_event, local_to_utc
from learninglines.models import Member
from learninglines.services.links import site_url
from sessions_app.models import ExchangeParticipant, PeerExchange, PlenarySession
from sessions_app.services.day import my_session_path
from sessions_app.services.exchanges import exchange_path

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
        sequence=session.revision,
    )


def member_session_items(member: Member, since: date) -> list[CalendarItem]:
    """The member's school's published and held sessions of the years they were in a line, on
    `since` or later."""
    sessions = (
        PlenarySession.objects.filter(school_id=member.school_id, status__in=VISIBLE)
        .filter(year__lines__memberships__member=member)
        .filter(date__gte=since)
        .select_related("school")
        .distinct()
        .order_by("date", "start_time")
    )
    return [session_item(session) for session in sessions]


def exchange_item(exchange: PeerExchange) -> CalendarItem:
    """An agreed (or held) small exchange at its moment, in local time for `CalendarItem`."""
    start = timezone.localtime(exchange.starts_at)
    # Added in UTC: local clock arithmetic would miscount an exchange across a clock change.
    end = timezone.localtime(exchange.starts_at + timedelta(minutes=exchange.minutes))
    url = site_url(exchange_path(exchange))
    rules = _("Equal footing, genuine curiosity: it is not about better or worse.")
    return CalendarItem(
        uid_key=f"small-exchange-{exchange.pk}",
        day=start.date(),
        start=start.time().replace(second=0, microsecond=0),
        # An exchange that would run past midnight ends at midnight in the calendar.
        end=end.time() if end.date() == start.date() else time(23, 59),
        summary=_("Exchange: %(topic)s") % {"topic": exchange.topic},
        description=f"{exchange.get_kind_display()}\n{rules}\n\n{url}",
        url=url,
        # Seconds from its creation to its last change: higher after every change (a new
        # moment), within the 31 bits of an RFC 5545 INTEGER.
        sequence=min(
            max(int((exchange.updated_at - exchange.created_at).total_seconds()), 0), 2**31 - 1
        ),
        modified=exchange.updated_at,
    )


def member_exchange_items(member: Member, since: date) -> list[CalendarItem]:
    """The member's agreed and held small exchanges with a moment on `since` or later (local
    time), where they are still in."""
    participants = (
        ExchangeParticipant.objects.filter(
            member=member,
            exchange__status__in=(PeerExchange.Status.AGREED, PeerExchange.Status.HELD),
            exchange__starts_at__gte=local_to_utc(since, time(0, 0)),
        )
        .exclude(response=ExchangeParticipant.Response.DECLINED)
        .select_related("exchange__school")
        .order_by("exchange__starts_at", "exchange_id")
    )
    exchanges = [participant.exchange for participant in participants]
    return [exchange_item(exchange) for exchange in exchanges]


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
