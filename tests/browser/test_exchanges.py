"""A small exchange on two phones (360 px), on the demo school.

A teacher writes an ambition, starts an exchange with a colleague the suggestions offer ("wie ken
je nog niet?"), and invites. The colleague opens the mailed sign-in link (from the outbox) on
their own phone and proposes another moment; the first accepts it. The clock moves on (the
agreed moment is set two hours back in the database); the teacher says it took place and both
note what they brought and took. axe-core and the console (CSP) are checked on every new page;
no page scrolls sideways.
"""

import re
from datetime import datetime, timedelta

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext
from playwright.sync_api import Browser, Page, expect

from exchange.demo import demo_seed
from learninglines.models import Member, OutgoingMail, SchoolYear
from learninglines.selectors.lines import year_current
from learninglines.services.outbox import mail_send_queued
from sessions_app.models import ExchangeParticipant, PeerExchange
from sessions_app.selectors.exchanges import suggestions_for
from tests.browser.test_plenary import accessible, console_errors, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}
LOCAL = "%Y-%m-%dT%H:%M"
TOPIC = "Vraagkaarten bij het voorlezen"


def fits(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def checked(page: Page, serious_violations, errors: list[str]) -> None:
    fits(page)
    accessible(page, serious_violations, errors)


def soon(now: datetime, days: int, hour: int) -> str:
    """`days` after `now` at `hour` o'clock, as a datetime-local field holds it."""
    return (now + timedelta(days=days)).replace(hour=hour, minute=0).strftime(LOCAL)


def test_two_teachers_exchange_on_their_phones(
    page: Page, browser: Browser, serious_violations, live_server, mailoutbox
):
    result = demo_seed()
    email = result.credentials[1][1]
    teacher = Member.objects.get(user__email=email)
    base = live_server.url + f"/s/{teacher.school.slug}"
    # The moments, fixed once: computed again later they move if the test crosses midnight.
    now = timezone.localtime()
    first, second, proposed = soon(now, 3, 15), soon(now, 4, 15), soon(now, 6, 14)
    # An exchange is held inside its school year; late in July these moments fall after its
    # last day (31 July), so here the year runs on until the last of them.
    year = year_current(school=teacher.school)
    last_day = datetime.strptime(proposed, LOCAL).date()
    SchoolYear.objects.filter(pk=year.pk, end__lt=last_day).update(end=last_day)
    errors = console_errors(page)
    sign_in(page, live_server, email)

    # The ambition, from the start page.
    page.goto(base + "/")
    page.get_by_role("link", name=re.compile(r"(Verander|Schrijf) je ambitie")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Mijn ambitie")
    checked(page, serious_violations, errors)
    page.get_by_label("Wat wil ik dit jaar leren, en van wie?").fill(
        "Hoe Lezen met vraagkaarten werkt, van iemand uit de onderbouw."
    )
    page.get_by_label("Mijn team", exact=False).check()
    page.get_by_role("button", name="Bewaar mijn ambitie").click()
    expect(page.locator("#main").get_by_text("Je ambitie is bewaard.")).to_be_visible()
    expect(page.get_by_role("heading", name="Eerdere versies")).to_be_visible()
    checked(page, serious_violations, errors)

    # My exchanges, then start one with a suggested colleague.
    page.goto(base + "/exchanges/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mijn uitwisselingen")
    checked(page, serious_violations, errors)
    page.get_by_role("link", name="Begin een uitwisseling").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Begin een uitwisseling")
    checked(page, serious_violations, errors)
    topic_box = page.get_by_label("Waarover wil je uitwisselen?")
    with page.expect_response(re.compile(r"/exchanges/suggestions/\?topic=Vraagkaarten")):
        topic_box.fill("Vraagkaarten")
    # htmx swaps the answer in after the response; until then the page shows the suggestions
    # for an empty topic, in another order.
    expect(topic_box).not_to_have_class(re.compile(r"htmx-request"))
    suggestions = page.locator("#suggestions input[name=invitees]")
    expected = suggestions_for(member=teacher, year=year, topic="Vraagkaarten")
    assert expected
    expect(suggestions).to_have_count(len(expected))
    assert [int(box.get_attribute("value")) for box in suggestions.all()] == [
        suggestion.member.pk for suggestion in expected
    ]
    assert (
        page.locator("#suggestions")
        .get_by_text("andere leerlijn, nog niet samen aan tafel gezeten")
        .first.is_visible()
    )
    colleague_pk = None
    for index in range(suggestions.count()):
        pk = int(suggestions.nth(index).get_attribute("value"))
        if not Member.objects.get(pk=pk).user.is_staff:
            colleague_pk = pk
            suggestions.nth(index).check()
            break
    colleague = Member.objects.get(pk=colleague_pk)
    # Ticked in the suggestions is ticked in the list of everyone too.
    expect(page.locator(f"#colleague-{colleague.pk}")).to_be_checked()
    # The new topic brings new suggestions: wait for their swap before axe reads the page.
    with page.expect_response(
        re.compile(r"/exchanges/suggestions/\?topic=Vraagkaarten(\+|%20)bij")
    ):
        topic_box.fill(TOPIC)
    expect(topic_box).not_to_have_class(re.compile(r"htmx-request"))
    expect(page.locator(f"#colleague-{colleague.pk}")).to_be_checked()
    page.get_by_label("Een bezoek in elkaars klas").check()
    page.get_by_label("Eerste moment").fill(first)
    page.get_by_label("Tweede moment (mag leeg)").fill(second)
    checked(page, serious_violations, errors)
    page.get_by_role("button", name="Verstuur de uitnodiging").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TOPIC)
    expect(page.locator("#main").get_by_text("Je uitnodiging is verstuurd.")).to_be_visible()
    checked(page, serious_violations, errors)
    exchange = PeerExchange.objects.get(topic=TOPIC)
    assert [p.member for p in exchange.participants.order_by("-is_initiator")] == [
        teacher,
        colleague,
    ]

    # The colleague opens the mailed link on their own phone and proposes another moment.
    invitation = f"{teacher.full_name} nodigt je uit om uit te wisselen"
    assert OutgoingMail.objects.filter(to=colleague.user.email, subject=invitation).count() == 1
    mail_send_queued()
    [mail] = [m for m in mailoutbox if m.to == [colleague.user.email] and m.subject == invitation]
    path = re.search(r"https://leerlijnen\.test(/login/link/\S+)", mail.body).group(1)
    other = browser.new_context(viewport=PHONE, locale="en-GB").new_page()
    other_errors = console_errors(other)
    other.goto(live_server.url + path)
    other.get_by_role("button", name="Inloggen", exact=True).click()
    expect(other.get_by_role("heading", level=1)).to_have_text(TOPIC)
    checked(other, serious_violations, other_errors)
    other.get_by_label("Past geen van deze? Stel een ander moment voor").fill(proposed)
    other.get_by_role("button", name="Stel voor", exact=True).click()
    expect(other.get_by_text("Je moment is voorgesteld")).to_be_visible()
    checked(other, serious_violations, other_errors)

    # The first accepts the colleague's moment: agreed.
    page.reload()
    page.get_by_role("button", name=re.compile("^Accepteer ")).last.click()
    expect(page.get_by_text(re.compile("^Afgesproken: "))).to_be_visible()
    exchange.refresh_from_db()
    assert exchange.status == PeerExchange.Status.AGREED
    assert timezone.localtime(exchange.starts_at).strftime(LOCAL) == proposed
    checked(page, serious_violations, errors)

    # The day comes and goes.
    PeerExchange.objects.filter(pk=exchange.pk).update(
        starts_at=timezone.now() - timedelta(hours=2)
    )
    page.goto(base + "/exchanges/")
    expect(page.locator("#main").get_by_text("Is het doorgegaan?")).to_be_visible()
    checked(page, serious_violations, errors)
    page.get_by_role("button", name="Het is doorgegaan", exact=True).click()
    expect(page.get_by_role("heading", name="Brengen en halen")).to_be_visible()
    checked(page, serious_violations, errors)
    page.get_by_label("Wat heb ik gebracht?").fill("Mijn vraagkaarten en hoe ik ze introduceer")
    page.get_by_label("Wat heb ik gehaald?").fill("Een doelenkaart voor de week")
    page.get_by_label("Uit welke leerlijn kwam het?").select_option(
        str(ExchangeParticipant.objects.get(exchange=exchange, member=colleague).line_id)
    )
    page.get_by_label("De collega's van deze uitwisseling").check()
    page.get_by_role("button", name="Bewaar mijn aantekeningen").click()
    expect(page.locator("#main").get_by_text("Je aantekeningen zijn bewaard.")).to_be_visible()
    checked(page, serious_violations, errors)

    other.goto(live_server.url + f"/s/{teacher.school.slug}/exchanges/{exchange.pk}/")
    expect(other.get_by_text("Mijn vraagkaarten en hoe ik ze introduceer")).to_be_visible()
    other.get_by_label("Wat heb ik gebracht?").fill("Onze doelenkaart")
    other.get_by_label("Wat heb ik gehaald?").fill("Vraagkaarten bij het voorlezen")
    other.get_by_role("button", name="Bewaar mijn aantekeningen").click()
    expect(other.get_by_text("Je aantekeningen zijn bewaard.")).to_be_visible()
    checked(other, serious_violations, other_errors)
    notes = {
        p.member_id: (p.brought, p.took, p.sharing)
        for p in ExchangeParticipant.objects.filter(exchange=exchange)
    }
    assert notes == {
        teacher.pk: (
            "Mijn vraagkaarten en hoe ik ze introduceer",
            "Een doelenkaart voor de week",
            "participants",
        ),
        colleague.pk: ("Onze doelenkaart", "Vraagkaarten bij het voorlezen", "private"),
    }


def test_a_colleague_ticked_while_the_suggestions_load_stays_ticked_in_them(
    page: Page, live_server
):
    result = demo_seed()
    teacher = Member.objects.get(user__email=result.credentials[1][1])
    year = year_current(school=teacher.school)
    colleague_pk = suggestions_for(member=teacher, year=year, topic="Vraagkaarten")[0].member.pk
    errors = console_errors(page)
    sign_in(page, live_server, teacher.user.email)
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + f"/s/{teacher.school.slug}/exchanges/start/")

    # Hold the suggestions' answer and tick the colleague in the list of everyone meanwhile:
    # the answer was asked with nobody ticked, so it comes back with nobody ticked.
    held = []
    page.route(re.compile(r"/exchanges/suggestions/"), lambda route: held.append(route))
    with page.expect_request(re.compile(r"/exchanges/suggestions/\?topic=Vraagkaarten")):
        page.get_by_label("Waarover wil je uitwisselen?").fill("Vraagkaarten")
    page.locator(f"#colleague-{colleague_pk}").check()
    # The route handler runs while Playwright waits; give it a bounded while.
    for _tick in range(100):
        if held:
            break
        page.wait_for_timeout(50)
    assert held, "the suggestions' request never reached the route"
    held[0].continue_()

    expect(page.get_by_label("Waarover wil je uitwisselen?")).not_to_have_class(
        re.compile(r"htmx-request")
    )
    expect(page.locator("#suggestions input[name=invitees]").first).to_have_value(str(colleague_pk))
    expect(page.locator(f"#suggested-{colleague_pk}")).to_be_checked()
    expect(page.locator(f"#colleague-{colleague_pk}")).to_be_checked()
    assert errors == []


def said_for(suggestions) -> str:
    """The status line for a list of suggestions, in Dutch."""
    with translation.override("nl"):
        if not suggestions:
            return gettext("No suggestions")
        count = len(suggestions)
        return ngettext("%(counter)s suggestion", "%(counter)s suggestions", count) % {
            "counter": count
        }


def shown(suggestions) -> list:
    """What the list shows of each suggestion: who, and the reasons."""
    return [
        (s.member.pk, s.shared_words, s.ambition.text if s.ambition else None) for s in suggestions
    ]


# Every element from the list up to the page: none of them is a live region.
LIVE_AROUND = """(list) => {
    const live = [];
    for (let el = list; el; el = el.parentElement) {
        const role = el.getAttribute("role");
        if (el.hasAttribute("aria-live") || ["status", "alert", "log"].includes(role)) {
            live.push(el.id || el.tagName);
        }
    }
    return live;
}"""

# Records every text the status line gets, and every time the list is replaced.
RECORD = """() => {
    window.said = [];
    window.swaps = 0;
    const status = document.getElementById("suggestions-status");
    new MutationObserver(() => {
        const text = status.textContent.trim();
        if (text) { window.said.push(text); }
    }).observe(status, {childList: true, characterData: true, subtree: true});
    new MutationObserver(() => { window.swaps += 1; })
        .observe(document.getElementById("suggestions"), {childList: true});
}"""


def test_typing_a_topic_says_how_many_suggestions_only_when_they_change(
    page: Page, serious_violations, live_server
):
    """The teacher pauses after every word of the topic; each pause fetches the suggestions.
    The list is no live region; the status line says "5 suggesties" only when the list
    arrives changed, and an unchanged list is not even swapped in."""
    result = demo_seed()
    teacher = Member.objects.get(user__email=result.credentials[1][1])
    year = year_current(school=teacher.school)
    errors = console_errors(page)
    sign_in(page, live_server, teacher.user.email)
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + f"/s/{teacher.school.slug}/exchanges/start/")
    suggestions = page.locator("#suggestions")
    assert suggestions.evaluate(LIVE_AROUND) == []
    status = page.locator("#suggestions-status")
    expect(status).to_have_attribute("role", "status")
    expect(status).to_have_text("")
    page.evaluate(RECORD)

    words = ["Vraagkaarten", " bij", " het", " voorlezen", " in", " de", " kring"]
    topic_box = page.get_by_label("Waarover wil je uitwisselen?")
    topic, before, expected, asked = "", shown(suggestions_for(member=teacher, year=year)), [], 0
    for word in words:
        topic += word
        with page.expect_response(re.compile(r"/exchanges/suggestions/\?topic=")) as answer:
            topic_box.press_sequentially(word, delay=20)
        assert answer.value.ok
        asked += 1
        expect(topic_box).not_to_have_class(re.compile(r"htmx-request"))
        now = suggestions_for(member=teacher, year=year, topic=topic)
        if shown(now) != before:
            expected.append(said_for(now))
            before = shown(now)
            page.wait_for_function("(count) => window.said.length === count", arg=len(expected))
    page.wait_for_timeout(300)  # an announcement that should not come would have come by now

    assert page.evaluate("window.said") == expected
    assert page.evaluate("window.swaps") == len(expected)
    assert 1 <= len(expected) < asked, "the sentence should bring changed and unchanged lists"
    expect(status).to_have_text(expected[-1])
    assert suggestions.evaluate(LIVE_AROUND) == []
    assert [int(box.get_attribute("value")) for box in suggestions.locator("input").all()] == [
        pk for pk, _words, _ambition in before
    ]
    accessible(page, serious_violations, errors)


def test_an_empty_invitation_names_its_errors_first_and_the_colleagues_say_theirs(
    page: Page, serious_violations, live_server
):
    result = demo_seed()
    teacher = Member.objects.get(user__email=result.credentials[1][1])
    errors = console_errors(page)
    sign_in(page, live_server, teacher.user.email)
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + f"/s/{teacher.school.slug}/exchanges/start/")
    page.get_by_role("button", name="Verstuur de uitnodiging").click()

    # The summary has the focus (arrival.js) and links every message to its field.
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_text(
        [
            "Zeg waarover je wilt uitwisselen.",
            "Nodig 1 tot 5 collega's uit.",
            "Stel één tot drie momenten voor, of zeg dat jullie zelf iets afspreken.",
        ]
    )
    checked(page, serious_violations, errors)
    # The colleagues' link leads into the list, whose group reads out the message.
    summary.get_by_role("link", name="Nodig 1 tot 5 collega's uit.").click()
    first = page.locator('#invitee-choices input[name="invitees"]').first
    expect(first).to_be_focused()
    group = page.get_by_role("group", name="Wie nodig je uit?")
    expect(group).to_have_attribute("aria-invalid", "true")
    expect(group).to_have_accessible_description(re.compile(r"Nodig 1 tot 5 collega's uit\.$"))
    # The moment, tied by Django: invalid, its message as its description.
    summary.get_by_role("link", name=re.compile("^Stel één tot drie momenten")).click()
    moment = page.get_by_label("Eerste moment")
    expect(moment).to_be_focused()
    expect(moment).to_have_attribute("aria-invalid", "true")
    expect(moment).to_have_accessible_description(
        "Stel één tot drie momenten voor, of zeg dat jullie zelf iets afspreken."
    )
    assert errors == []
