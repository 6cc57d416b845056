"""The personal calendar feed holds this school year's sessions and small exchanges, as it holds
this year's line meetings: last year's do not pile up in a teacher's calendar app."""

from datetime import time, timedelta

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from learninglines.services.journal import calendar_feed_get_or_create
from learninglines.services.lines import membership_move
from sessions_app.models import PeerExchange, PlenarySession
from sessions_app.services.exchanges import exchange_start
from tests.learninglines.test_meetings import last_years_line

pytestmark = pytest.mark.django_db


def titles(client, member) -> list[str]:
    token = calendar_feed_get_or_create(member=member).token
    feed = client.get(reverse("learninglines:calendar-feed", args=[token]))
    return sorted(
        str(e["summary"]) for e in icalendar.Calendar.from_ical(feed.content).walk("VEVENT")
    )


def test_the_feed_leaves_out_last_years_sessions_and_exchanges(client, make_team, make_session):
    team = make_team([2, 2])
    a1, b1 = team.members["A"][0], team.members["B"][0]
    year = team.year
    old_line = last_years_line(year.school)
    old_year = old_line.year
    membership_move(member=a1, line=old_line, start=old_year.start)
    # membership_move ends the old year's place where the current one starts
    membership_move(member=a1, line=team.lines[0], start=year.start)

    this_one = make_session(title="Dit jaar")
    PlenarySession.objects.filter(pk=this_one.pk).update(status=PlenarySession.Status.PUBLISHED)
    PlenarySession.objects.create(
        school=year.school,
        year=old_year,
        title="Vorig jaar",
        date=old_year.start + timedelta(days=60),
        start_time=time(15, 0),
        end_time=time(16, 30),
        status=PlenarySession.Status.HELD,
    )
    last_day = timezone.make_aware(
        timezone.datetime.combine(year.start - timedelta(days=1), time(23, 30))
    )
    first_day = timezone.make_aware(timezone.datetime.combine(year.start, time(0, 0)))
    for topic, moment in (("Oud gesprek", last_day), ("Nieuw gesprek", first_day)):
        exchange = exchange_start(
            initiator=a1, invitees=[b1], topic=topic, kind="visit", moments=[], self_arranged=True
        )
        PeerExchange.objects.filter(pk=exchange.pk).update(
            status=PeerExchange.Status.HELD, starts_at=moment
        )

    assert titles(client, a1) == ["Dit jaar", "Uitwisseling: Nieuw gesprek"]
