"""The day of a plenary session on the demo school, as the steering member and a teacher meet it.

The steering member (laptop) has a table plan for the next session and publishes it, which
queues a mail with a personal link for each of the 32 teachers; opens the print view (a card
per table, the list for the door in register order) and the projector, and runs the timer with
the keyboard alone: space starts, the arrows move between assignments. A teacher on a 360 px
phone, in a second browser, opens the link from her mail, reads her table, the colleagues there
and the current assignment, and sees the page follow the projector without a reload (htmx polls
a fragment every 10 seconds). axe-core and the console (CSP) are checked on every page.
"""

import re

import pytest
from django.db.models import Max
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from exchange.demo import demo_seed
from learninglines.models import Member, OutgoingMail
from learninglines.services.outbox import mail_send_queued
from sessions_app.models import Seat, SessionClock
from sessions_app.services.plans import plan_generate
from tests.browser.test_plenary import (
    LAPTOP,
    STEERING_EMAIL,
    accessible,
    console_errors,
    new_session,
    sign_in,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEACHER_EMAIL = "sanne.jansen@regenboog.example"
# The teacher's page asks the server every 10 seconds; the projector every 5.
FOLLOWS = 25_000


def seats_of(session, member: Member) -> dict[int, tuple[int, list[str]]]:
    """{round: (table, ["letter name line", ...] of the others, as the teacher's page orders)}."""
    mine = dict(
        Seat.objects.filter(round__plan__session=session, member=member).values_list(
            "round__number", "table__number"
        )
    )
    out = {}
    for number, table in mine.items():
        others = (
            Seat.objects.filter(round__plan__session=session, round__number=number)
            .filter(table__number=table)
            .exclude(member=member)
            .select_related("member", "line")
            .order_by("line__letter", "member__last_name", "member__first_name")
        )
        out[number] = (
            table,
            [f"{s.line.letter} {s.member.full_name} {s.line.name}" for s in others],
        )
    return out


def mailed_path(mail: OutgoingMail, mailoutbox) -> str:
    """Send this one queued mail as cron would, and the sign-in path in the mail as sent."""
    assert mail_send_queued(ids=[mail.pk]).sent == 1
    [sent] = [m for m in mailoutbox if m.to == [mail.to]]
    return re.search(r"https://leerlijnen\.test(/login/link/\S+)", sent.body).group(1)


def settled(page: Page) -> None:
    """Wait until no htmx request is in flight, so the screen shows what the server answered."""
    page.wait_for_function("() => !document.querySelector('.htmx-request')", timeout=FOLLOWS)


def press(page: Page, key: str, *, shows: tuple[str, str]) -> None:
    """Press `key` on the projector (focus on the page, not a button) until `shows` is shown.

    `shows` is (selector, text). A poll that left before the change and answers after it may
    show the old state for a moment: the text is checked again once nothing is in flight.
    """
    selector, text = shows
    settled(page)
    page.locator("body").focus()
    page.keyboard.press(key)
    expect(page.locator(selector)).to_contain_text(text, timeout=FOLLOWS)
    settled(page)
    expect(page.locator(selector)).to_contain_text(text, timeout=FOLLOWS)


def test_steering_runs_the_day_from_the_projector_and_a_teacher_follows_on_a_phone(
    page: Page, browser: Browser, browser_context_args, serious_violations, live_server, mailoutbox
):
    demo_seed()
    session = new_session()
    # It is the session's day: only then do teachers' phones follow the projector.
    session.date = timezone.localdate()
    session.save(update_fields=["date"])
    plan_generate(session=session, seed=0)
    teacher = Member.objects.get(user__email=TEACHER_EMAIL)
    tables = seats_of(session, teacher)
    assert sorted(tables) == [1, 2]
    before = OutgoingMail.objects.aggregate(last=Max("pk"))["last"]

    # The steering member publishes the plan from the session's page.
    page.set_viewport_size(LAPTOP)
    errors = console_errors(page)
    sign_in(page, live_server, STEERING_EMAIL)
    page.goto(live_server.url + session.get_absolute_url())
    page.get_by_role("link", name="Publiceer de tafelindeling").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Publiceer de tafelindeling")
    expect(page.get_by_text(re.compile(r"^32 mensen krijgen een mail"))).to_be_visible()
    accessible(page, serious_violations, errors)
    page.get_by_role("button", name="Publiceer en verstuur de mails").click()
    expect(
        page.get_by_text("Gepubliceerd. 32 mails met een persoonlijke link zijn onderweg.")
    ).to_be_visible()
    mails = OutgoingMail.objects.filter(pk__gt=before)
    assert mails.count() == 32
    assert mails.filter(status=OutgoingMail.Status.QUEUED).count() == 32  # none sent in the request
    session_url = page.url

    # The print view: a card per table in each round, and the list for the door.
    page.get_by_role("link", name="Afdrukken: tafels en de lijst voor bij de deur").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Plenaire bijeenkomst 3")
    per_round = Seat.objects.filter(round__plan__session=session)
    for number in (1, 2):
        count = per_round.filter(round__number=number).values("table").distinct().count()
        expect(page.locator(".print-round").nth(number - 1).locator(".print-card")).to_have_count(
            count
        )
    table, _others = tables[1]
    expect(page.get_by_role("heading", name=f"Tafel {table} · ronde 1")).to_be_visible()
    register = sorted(
        Member.objects.filter(school__slug="de-regenboog"),
        key=lambda m: (m.last_name.lower(), m.name_prefix.lower(), m.first_name.lower()),
    )
    expect(page.locator(".print-door-table tbody th")).to_have_text([m.sort_name for m in register])
    letter = per_round.get(round__number=1, member=teacher).line.letter
    row = page.locator(".print-door-table tbody tr", has=page.get_by_text("Jansen, Sanne"))
    expect(row.locator("td")).to_have_text(
        [letter, f"tafel {tables[1][0]}", f"tafel {tables[2][0]}"]
    )
    accessible(page, serious_violations, errors)
    # On a phone the door list scrolls within its own region, never the page sideways.
    page.set_viewport_size({"width": 360, "height": 740})
    expect(page.get_by_role("region", name="Waar zit ik?")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    accessible(page, serious_violations, errors)
    page.set_viewport_size(LAPTOP)

    # The projector: the timer runs from the keyboard alone.
    page.goto(session_url)
    page.get_by_role("link", name="Projector met de timer").click()
    expect(page.locator(".projector-step")).to_have_text("Opdracht 1 van 6 · Ronde 1")
    expect(page.locator("#projector-now-title")).to_have_text("Kennismaken")
    expect(page.locator(".projector-clock-state")).to_have_text("nog niet gestart")
    expect(page.get_by_role("heading", name="Ronde 1: de tafels")).to_be_visible()
    # a laptop on the projector shows every table beside the assignment, without scrolling
    page.set_viewport_size({"width": 1280, "height": 800})
    boxes = page.locator(".projector-table")
    expect(boxes.last).to_be_in_viewport(ratio=1)
    assert boxes.count() == session.plan.rounds.get(number=1).tables.count() >= 7
    page.set_viewport_size(LAPTOP)
    page.wait_for_load_state("load")  # htmx and the keys are wired
    accessible(page, serious_violations, errors)
    press(page, " ", shows=(".projector-clock-state", "loopt"))
    expect(page.get_by_role("button", name="Pauze")).to_be_visible()
    press(page, "ArrowRight", shows=(".projector-step", "Opdracht 2 van 6"))
    expect(page.locator("#projector-now-title")).to_have_text("Vertel over je leerlijn")
    expect(page.locator(".projector-clock-state")).to_have_text("loopt")
    press(page, "ArrowLeft", shows=(".projector-step", "Opdracht 1 van 6"))
    expect(page.locator("#projector-now-title")).to_have_text("Kennismaken")
    clock = SessionClock.objects.get(session=session)
    assert (clock.position, clock.running) == (1, True)
    accessible(page, serious_violations, errors)

    # A teacher opens the link from her mail on her phone, in another browser.
    mail = mails.get(to=TEACHER_EMAIL)
    assert mail.kind == OutgoingMail.Kind.SESSION
    path = mailed_path(mail, mailoutbox)
    phone_context = browser.new_context(**browser_context_args)
    phone = phone_context.new_page()
    phone_errors = console_errors(phone)
    phone.goto(live_server.url + path)
    expect(
        phone.get_by_text(f"Je staat op het punt in te loggen als {TEACHER_EMAIL}")
    ).to_be_visible()
    phone.get_by_role("button", name="Inloggen", exact=True).click()
    expect(phone).to_have_url(live_server.url + f"/s/de-regenboog/sessions/{session.pk}/me/")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Plenaire bijeenkomst 3")

    # Her table, the colleagues there, and the assignment of the moment.
    now = phone.locator(".my-now")
    expect(now.locator("#now-title")).to_have_text("Nu")
    expect(now.locator("h2")).to_have_text("Kennismaken")
    expect(now.locator(".my-instructions")).to_have_text(
        "Ieder stelt zich kort voor: je naam, je groep of vak, en in welke leerlijn je zit."
    )
    expect(now.get_by_text("over", exact=True)).to_be_visible()
    first, second = phone.locator(".my-table").nth(0), phone.locator(".my-table").nth(1)
    expect(first).to_have_class(re.compile(r"\bmy-table-now\b"))
    expect(first.locator("h2")).to_have_text(f"Ronde 1 — tafel {tables[1][0]}")
    expect(first.locator(".my-colleagues li")).to_have_text(tables[1][1])
    expect(second.locator("h2")).to_have_text(f"Ronde 2 — tafel {tables[2][0]}")
    expect(second.locator(".my-colleagues li")).to_have_text(tables[2][1])
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    accessible(phone, serious_violations, phone_errors)

    # The projector moves on; her page follows without a reload.
    phone.evaluate("window.notReloaded = true")
    press(page, "ArrowRight", shows=(".projector-step", "Opdracht 2 van 6"))
    expect(now.locator("h2")).to_have_text("Vertel over je leerlijn", timeout=FOLLOWS)
    # Into round 2: her page now leads with her table of round 2.
    press(page, "ArrowRight", shows=(".projector-step", "Opdracht 3 van 6 · Ronde 2"))
    expect(phone.locator(".my-table-now h2")).to_have_text(
        f"Ronde 2 — tafel {tables[2][0]}", timeout=FOLLOWS
    )
    expect(phone.locator(".my-table")).to_have_count(1)
    expect(now.locator("h2")).to_have_text("Kennismaken")
    assert phone.evaluate("window.notReloaded") is True
    accessible(phone, serious_violations, phone_errors)
    phone_context.close()

    # Space pauses; the projector says so in words.
    press(page, " ", shows=(".projector-clock-state", "gepauzeerd"))
    clock.refresh_from_db()
    assert (clock.position, clock.running) == (3, False)
    accessible(page, serious_violations, errors)
