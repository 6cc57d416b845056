"""A teacher on a 360 px phone reads on "Mijn uitwisselingen" what her moments fall during.

On the demo school, Sanne (a teacher) agreed to an exchange at a moment during a meeting of her
own line, and is invited to another at a moment during both that meeting and the agreed
exchange. The list says so in each exchange's card, and nowhere else. axe-core and the console
(CSP) are checked; nothing scrolls sideways.
"""

import re
from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone, translation
from django.utils.formats import date_format
from playwright.sync_api import Page, expect

from exchange.demo import DEMO_PASSWORD, demo_seed
from learninglines.models import LineMembership, Member, SchoolYear
from learninglines.selectors.lines import year_current
from learninglines.services.meetings import meeting_create
from sessions_app.models import ExchangeParticipant
from sessions_app.selectors.exchanges import clashes_for, moment_span
from sessions_app.services.exchanges import exchange_accept, exchange_start

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}
TEACHER_EMAIL = "sanne.jansen@regenboog.example"


def sign_in(page: Page, live_server, email: str) -> None:
    page.goto(live_server.url + "/login/")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_role("textbox", name="Wachtwoord").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Inloggen", exact=True).click()
    expect(page).not_to_have_url(re.compile(r"/login/"))


def test_a_teacher_on_a_phone_reads_on_her_list_what_her_moments_fall_during(
    page: Page, serious_violations, live_server
):
    demo_seed()
    sanne = Member.objects.get(user__email=TEACHER_EMAIL)
    # Early in the morning three days from now: no demo meeting, session or exchange then.
    day = (timezone.localtime() + timedelta(days=3)).date()
    year = year_current(school=sanne.school)
    SchoolYear.objects.filter(pk=year.pk, end__lt=day).update(end=day)
    line = LineMembership.objects.on(timezone.localdate()).get(member=sanne).line
    meeting_create(
        line=line, date=day, start_time=time(7, 0), end_time=time(8, 0), topic="Vroeg overleg"
    )
    in_line = LineMembership.objects.filter(line=line).values("member_id")
    first, second = (
        Member.objects.filter(school=sanne.school, is_active=True, user__is_staff=False)
        .exclude(pk__in=in_line)
        .order_by("pk")[:2]
    )

    def at(hour, minute=0):
        return timezone.make_aware(datetime.combine(day, time(hour, minute)))

    agreed = exchange_start(
        initiator=first,
        invitees=[sanne],
        topic="Vraagkaarten",
        kind="conversation",
        moments=[at(7, 30)],
    )
    exchange_accept(
        participant=ExchangeParticipant.objects.get(exchange=agreed, member=sanne),
        moment=agreed.moments.get(),
    )
    invited = exchange_start(
        initiator=second,
        invitees=[sanne],
        topic="Rekengesprekken",
        kind="visit",
        moments=[at(7, 45), at(10)],
    )
    with translation.override("nl"):
        span = moment_span(at(7, 30), 45)
        [meeting] = clashes_for(member=sanne, spans=[span], apart_from=agreed.pk)[span]
        span = moment_span(at(7, 45), 45)
        during = clashes_for(member=sanne, spans=[span], apart_from=invited.pk)[span]
        moment = date_format(timezone.localtime(at(7, 45)), "l j F, H:i")
    assert [clash.kind for clash in during] == ["meeting", "exchange"]

    page.set_viewport_size(PHONE)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    sign_in(page, live_server, TEACHER_EMAIL)
    page.goto(live_server.url + f"/s/{sanne.school.slug}/exchanges/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mijn uitwisselingen")
    cards = page.locator("li.exchange-item")
    agreed_card = cards.filter(has=page.get_by_role("link", name="Vraagkaarten", exact=True))
    invited_card = cards.filter(has=page.get_by_role("link", name="Rekengesprekken", exact=True))
    expect(agreed_card.locator(".exchange-clash li")).to_have_text([meeting.text])
    expect(invited_card.locator(".exchange-clash li")).to_have_text(
        [f"Let op: {moment} valt tijdens {clash.what}." for clash in during]
    )
    expect(invited_card.locator(".exchange-clash")).to_be_visible()
    expect(page.locator(".exchange-clash")).to_have_count(2)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert serious_violations(page) == []
    assert errors == []
