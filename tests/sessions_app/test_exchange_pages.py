"""Small exchanges through their pages, as the teachers meet them: an ambition, an invitation to
a suggested colleague, another moment, accepted, held, and both write what they brought and
took. In a group nobody's pages say who declined; notes are read per their setting, per role;
free text is escaped; the agreed moment is in the personal calendar feed."""

import re
from datetime import UTC, datetime, timedelta

import icalendar
import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from learninglines.models import LogEntry, OutgoingMail
from learninglines.services.journal import calendar_feed_get_or_create
from learninglines.services.people import member_set_active
from sessions_app.models import Ambition, ExchangeMoment, ExchangeParticipant, PeerExchange
from sessions_app.services.exchanges import (
    exchange_accept,
    exchange_decline,
    exchange_mark_held,
    exchange_note,
    exchange_start,
)
from tests.factories import CoachAssignmentFactory, MemberFactory

pytestmark = pytest.mark.django_db

SLUG = "de-regenboog"
LOCAL = "%Y-%m-%dT%H:%M"


def url(name: str, **kwargs) -> str:
    return reverse(f"sessions_app:{name}", kwargs={"school_slug": SLUG, **kwargs})


def start_visit(client, invitees: list, moment: str):
    """POST the start form: a visit about "Iets" at `moment` (as the form sends it), 45 min."""
    data = {"topic": "Iets", "kind": "visit", "invitees": invitees, "minutes": "45"}
    return client.post(url("exchange-start"), {**data, "moment_1": moment})


def soon(days: int = 3, hour: int = 15) -> datetime:
    moment = timezone.localtime() + timedelta(days=days)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0)


def html_of(response) -> str:
    return response.content.decode()


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def part(exchange, member) -> ExchangeParticipant:
    return ExchangeParticipant.objects.get(exchange=exchange, member=member)


def passed(exchange: PeerExchange) -> None:
    """The clock moves on: the agreed moment is two hours ago (as if the day has come)."""
    moment = timezone.now() - timedelta(hours=2)
    PeerExchange.objects.filter(pk=exchange.pk).update(starts_at=moment)


@pytest.fixture
def team(make_team):
    return make_team([3, 3, 3])


# --- the lifecycle ---


def test_ambition_is_written_changed_and_its_versions_shown_to_the_author_only(client, team):
    a1 = team.members["A"][0]
    client.force_login(a1.user)
    page = html_of(client.get(url("ambition")))
    assert "Wat wil ik dit jaar leren, en van wie?" in page
    assert "Nog geen eerdere versies" in page
    response = client.post(url("ambition"), {"text": "Rekenspellen van Rekenen", "sharing": "team"})
    assert response.status_code == 302
    client.post(url("ambition"), {"text": "Vraagkaarten van Lezen", "sharing": "private"})
    page = html_of(client.get(url("ambition")))
    assert page.count("Rekenspellen van Rekenen") == 1  # the earlier version
    assert "Vraagkaarten van Lezen</textarea>" in page
    assert list(Ambition.objects.filter(member=a1).values_list("text", flat=True)) == [
        "Vraagkaarten van Lezen",
        "Rekenspellen van Rekenen",
    ]
    home = html_of(client.get(f"/s/{SLUG}/"))
    assert "Vraagkaarten van Lezen" in home
    assert "Alleen jij kunt het lezen." in home
    # Nothing changed: no new version.
    response = client.post(
        url("ambition"), {"text": "Vraagkaarten van Lezen", "sharing": "private"}, follow=True
    )
    assert messages_of(response) == ["Er is niets gewijzigd."]
    assert Ambition.objects.filter(member=a1).count() == 2
    # An empty ambition is refused with the reason, the page keeps the choice.
    response = client.post(url("ambition"), {"text": "  ", "sharing": "team"})
    assert response.status_code == 200
    assert "Dit veld is verplicht." in html_of(response)
    # A colleague never sees the page of someone else: it is always one's own.
    client.force_login(team.members["B"][0].user)
    assert "Vraagkaarten van Lezen" not in html_of(client.get(url("ambition")))
    assert "Rekenspellen van Rekenen" not in html_of(client.get(url("ambition")))


def test_start_with_a_suggested_colleague_propose_accept_hold_and_note(client, team):
    a1 = team.members["A"][0]
    client.force_login(a1.user)
    empty = html_of(client.get(url("exchange-list")))
    assert "Je kunt er ook zelf mee beginnen." in empty
    start = client.get(url("exchange-start"), {"topic": "Vraagkaarten"})
    page = html_of(start)
    assert "Het gaat nooit om beter of slechter." in page
    suggested = [int(pk) for pk in re.findall(r'id="suggested-(\d+)"', page)]
    assert len(suggested) == 5
    assert "andere leerlijn, nog niet samen aan tafel gezeten" in page
    colleague = next(m for m in team.everyone if m.pk == suggested[0])
    assert colleague.pk not in {m.pk for m in team.members["A"]}
    first, second = soon(3), soon(4)
    response = client.post(
        url("exchange-start"),
        {
            "topic": "Vraagkaarten bij het voorlezen",
            "kind": "visit",
            "invitees": [colleague.pk],
            "moment_1": first.strftime(LOCAL),
            "moment_2": second.strftime(LOCAL),
            "minutes": "45",
        },
    )
    exchange = PeerExchange.objects.get()
    assert response["Location"] == url("exchange-detail", pk=exchange.pk)
    assert sorted(exchange.moments.values_list("starts_at", flat=True)) == [first, second]
    assert OutgoingMail.objects.get().to == colleague.user.email
    # The starter waits for the others; the invitee reads that it is their answer that waits.
    page = html_of(client.get(url("exchange-detail", pk=exchange.pk)))
    assert "2 momenten voorgesteld: wacht op antwoord." in page

    # The colleague proposes another moment.
    client.force_login(colleague.user)
    page = html_of(client.get(url("exchange-detail", pk=exchange.pk)))
    assert "2 momenten voorgesteld: wacht op jouw antwoord." in page
    assert "Accepteer dit moment" in page
    # The button's name starts with the words it shows (voice control: "klik Accepteer dit
    # moment"); the moment follows for a screen reader, as hidden text, not an aria-label.
    assert 'aria-label="Accepteer' not in page
    assert re.search(
        r'>Accepteer dit moment<span class="visually-hidden">: \w+dag \d+ \w+, 15:00</span>'
        r"</button>",
        page,
    )
    assert "Afslaan" in page
    later = soon(6, hour=14)
    response = client.post(
        url("exchange-propose", pk=exchange.pk), {"starts_at": later.strftime(LOCAL)}, follow=True
    )
    assert messages_of(response) == [
        "Je moment is voorgesteld; de anderen krijgen een mail met de vraag."
    ]
    moment = ExchangeMoment.objects.get(exchange=exchange, proposed_by=colleague)
    assert moment.starts_at == later

    # The starter accepts it: agreed, and in the calendar feed at the right UTC time.
    client.force_login(a1.user)
    page = html_of(client.get(url("exchange-detail", pk=exchange.pk)))
    assert f"voorgesteld door {colleague.full_name}" in page
    client.post(url("exchange-accept", pk=exchange.pk), {"moment": moment.pk})
    exchange.refresh_from_db()
    assert (exchange.status, exchange.starts_at) == (PeerExchange.Status.AGREED, later)
    for member in (a1, colleague):
        feed = reverse(
            "learninglines:calendar-feed", args=[calendar_feed_get_or_create(member=member).token]
        )
        calendar = icalendar.Calendar.from_ical(client.get(feed).content)
        [event] = [
            e for e in calendar.walk("VEVENT") if str(e["summary"]).startswith("Uitwisseling")
        ]
        assert str(event["summary"]) == "Uitwisseling: Vraagkaarten bij het voorlezen"
        assert event.decoded("dtstart") == later.astimezone(UTC)
        assert event.decoded("dtend") == (later + timedelta(minutes=45)).astimezone(UTC)
        assert str(event["uid"]).startswith(f"small-exchange-{exchange.pk}@")

    # The moment passes: "did it take place?" on the list, then held.
    passed(exchange)
    page = html_of(client.get(url("exchange-list")))
    assert "Is het doorgegaan?" in page
    response = client.post(
        url("exchange-held", pk=exchange.pk), {"held": "1", "next": url("exchange-list")}
    )
    assert response["Location"] == url("exchange-detail", pk=exchange.pk) + "#notes"
    exchange.refresh_from_db()
    assert exchange.status == PeerExchange.Status.HELD
    assert "Schrijf op wat je bracht en wat je haalde" in html_of(client.get(url("exchange-list")))

    # Both note what they brought and took.
    line_b = next(line for line in team.lines if colleague in team.members[line.letter])
    response = client.post(
        url("exchange-notes", pk=exchange.pk),
        {
            "brought": "Mijn vraagkaarten",
            "took": "Een rekenspel voor de inloop",
            "took_from": line_b.pk,
            "sharing": "participants",
            "copy_to_log": "on",
        },
        follow=True,
    )
    assert messages_of(response) == ["Je aantekeningen zijn bewaard, en staan in je logboek."]
    mine = part(exchange, a1)
    assert (mine.took, mine.took_from, mine.sharing) == (
        "Een rekenspel voor de inloop",
        line_b,
        "participants",
    )
    assert LogEntry.objects.get(author=a1).note.startswith("Vraagkaarten bij het voorlezen")
    client.force_login(colleague.user)
    client.post(
        url("exchange-notes", pk=exchange.pk),
        {"brought": "Het rekenspel", "took": "Vraagkaarten", "sharing": "private"},
    )
    page = html_of(client.get(url("exchange-detail", pk=exchange.pk)))
    assert "Mijn vraagkaarten" in page  # shared with the participants
    client.force_login(a1.user)
    page = html_of(client.get(url("exchange-detail", pk=exchange.pk)))
    assert "Het rekenspel" not in page  # the colleague kept theirs private
    assert "Wat de anderen noteerden" not in page


def test_a_self_arranged_invitation_is_accepted_without_a_moment(client, team):
    a1, b1 = team.members["A"][0], team.members["B"][0]
    client.force_login(a1.user)
    client.post(
        url("exchange-start"),
        {
            "topic": "Kindgesprekken",
            "kind": "conversation",
            "invitees": [b1.pk],
            "self_arranged": "on",
            "minutes": "30",
        },
    )
    exchange = PeerExchange.objects.get()
    assert exchange.self_arranged
    client.force_login(b1.user)
    page = html_of(client.get(url("exchange-detail", pk=exchange.pk)))
    assert "Jullie spreken zelf een moment af." in page
    client.post(url("exchange-accept", pk=exchange.pk))
    exchange.refresh_from_db()
    assert exchange.status == PeerExchange.Status.AGREED
    # No moment, so "did it take place?" may be answered at once.
    assert "Is het doorgegaan?" in html_of(client.get(url("exchange-list")))


def test_a_late_invitee_of_a_group_joins_the_agreed_moment(client, team):
    """Once one invitee agreed, the next one says yes to that moment; the starter never accepts
    a moment of their own."""
    a1, b1, c1 = team.members["A"][0], team.members["B"][0], team.members["C"][0]
    exchange = exchange_start(
        initiator=a1, invitees=[b1, c1], topic="Groep", kind="visit", moments=[soon(2), soon(3)]
    )
    client.force_login(a1.user)
    assert "Accepteer dit moment" not in html_of(client.get(url("exchange-detail", pk=exchange.pk)))
    exchange_accept(participant=part(exchange, b1), moment=exchange.moments.first())
    client.force_login(c1.user)
    page = html_of(client.get(url("exchange-detail", pk=exchange.pk)))
    assert re.search(r">\s*Accepteer\s*</button>", page)
    client.post(url("exchange-accept", pk=exchange.pk))
    exchange.refresh_from_db()
    assert (exchange.status, exchange.starts_at) == (PeerExchange.Status.AGREED, soon(2))
    assert part(exchange, c1).response == ExchangeParticipant.Response.ACCEPTED


def all_passed(exchange: PeerExchange) -> None:
    """The clock moves on: every proposed moment is behind us, none was accepted."""
    for n, moment in enumerate(exchange.moments.order_by("starts_at")):
        moment.starts_at = timezone.now() - timedelta(days=2 - n, hours=1)
        moment.save(update_fields=["starts_at"])


PLAIN_ACCEPT = re.compile(r">\s*Accept\s*</button>")


def test_a_group_invitee_reads_that_the_agreed_moment_passed_and_gets_no_accept(client, team):
    a1, b1, c1 = (team.members[line][0] for line in "ABC")
    exchange = exchange_start(
        initiator=a1, invitees=[b1, c1], topic="Iets", kind="visit", moments=[soon(2)]
    )
    client.force_login(b1.user)
    moment = exchange.moments.get()
    client.post(url("exchange-accept", pk=exchange.pk), {"moment": moment.pk})
    all_passed(exchange)  # the agreed moment too
    PeerExchange.objects.filter(pk=exchange.pk).update(starts_at=exchange.moments.get().starts_at)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(c1.user)
    page = html_of(client.get(url("exchange-detail", pk=exchange.pk)))
    assert "The agreed moment has passed: you can no longer join it." in page
    assert not PLAIN_ACCEPT.search(page)
    assert re.search(r">\s*Decline\s*</button>", page)
    response = client.post(url("exchange-accept", pk=exchange.pk), follow=True)
    assert messages_of(response) == ["The agreed moment has passed: you can no longer join it."]
    assert part(exchange, c1).response == ExchangeParticipant.Response.PENDING


def test_when_every_proposed_moment_passed_everyone_is_told_and_a_new_moment_is_the_way(
    client, team
):
    """Not "0 moments proposed: waiting for answers" with an Accept that agrees to nothing:
    the page says the moments have passed, and offers a new moment, declining or calling off."""
    a1, b1 = team.members["A"][0], team.members["B"][0]
    exchange = exchange_start(
        initiator=a1, invitees=[b1], topic="Iets", kind="visit", moments=[soon(2), soon(3)]
    )
    all_passed(exchange)
    OutgoingMail.objects.all().delete()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(b1.user)
    page = html_of(client.get(url("exchange-detail", pk=exchange.pk)))
    assert "The proposed moments have passed: propose a new moment, or decline." in page
    assert "waiting for" not in page
    assert page.count("(passed)") == 2
    assert not PLAIN_ACCEPT.search(page)
    assert "Accept this moment" not in page
    assert ">Propose a new moment</label>" in page
    assert re.search(r">\s*Decline\s*</button>", page)
    listed = html_of(client.get(url("exchange-list")))
    assert "The proposed moments have passed: propose a new moment, or decline." in listed
    # A crafted yes is refused in words, and changes nothing.
    response = client.post(url("exchange-accept", pk=exchange.pk), follow=True)
    assert messages_of(response) == ["The proposed moments have passed: propose a new moment."]
    exchange.refresh_from_db()
    assert exchange.status == PeerExchange.Status.PROPOSED
    assert part(exchange, b1).response == ExchangeParticipant.Response.PENDING
    assert not OutgoingMail.objects.exists()
    # The starter reads it too, with calling it off as the other way.
    client.force_login(a1.user)
    page = html_of(client.get(url("exchange-detail", pk=exchange.pk)))
    assert "The proposed moments have passed: propose a new moment, or call it off." in page
    assert ">Propose a new moment</label>" in page
    assert re.search(r">\s*Cancel the exchange\s*</button>", page)
    # A new moment: the invitee is asked again, and can accept it.
    later = soon(6, hour=14)
    client.post(url("exchange-propose", pk=exchange.pk), {"starts_at": later.strftime(LOCAL)})
    assert list(OutgoingMail.objects.values_list("to", flat=True)) == [b1.user.email]
    client.force_login(b1.user)
    page = html_of(client.get(url("exchange-detail", pk=exchange.pk)))
    assert "1 moment proposed: waiting for your answer." in page
    assert "have passed" not in page
    assert page.count("Accept this moment<span") == 1


def test_the_message_after_accepting_says_a_mail_only_when_one_went_out(client, team):
    a1, b1, c1 = team.members["A"][0], team.members["B"][0], team.members["C"][0]
    first = soon(3)
    exchange = exchange_start(
        initiator=a1, invitees=[b1], topic="Iets", kind="visit", moments=[first]
    )
    arranged = exchange_start(
        initiator=a1, invitees=[c1], topic="Zelf", kind="visit", moments=[], self_arranged=True
    )
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        moment = date_format(first, "l j F, H:i")
    # The starter still works here: told by mail.
    client.force_login(b1.user)
    response = client.post(
        url("exchange-accept", pk=exchange.pk), {"moment": exchange.moments.get().pk}, follow=True
    )
    assert messages_of(response) == [
        f"Agreed: {moment}. It is in your calendar; the others get a mail."
    ]
    # The starter left the school meanwhile: agreed, and no mail is claimed (nobody is mailed).
    a2 = team.members["A"][1]
    second = exchange_start(initiator=a2, invitees=[b1], topic="Nog", kind="visit", moments=[first])
    member_set_active(member=a2, active=False)
    OutgoingMail.objects.all().delete()
    response = client.post(
        url("exchange-accept", pk=second.pk), {"moment": second.moments.get().pk}, follow=True
    )
    assert messages_of(response) == [f"Agreed: {moment}. It is in your calendar."]
    # Arranged by themselves, and its starter left too: "You accepted.", without the mail.
    member_set_active(member=a1, active=False)
    client.force_login(c1.user)
    response = client.post(url("exchange-accept", pk=arranged.pk), follow=True)
    assert messages_of(response) == ["You accepted."]
    arranged.refresh_from_db()
    assert arranged.status == PeerExchange.Status.AGREED
    assert not OutgoingMail.objects.exists()


def test_who_accepted_a_duo_is_offered_only_calling_it_off(client, team):
    """Not both "Decline" and "Cancel the exchange": who accepted calls it off, with a note,
    and the starter gets that note (a crafted decline is refused)."""
    a1, b1 = team.members["A"][0], team.members["B"][0]
    exchange = exchange_start(
        initiator=a1, invitees=[b1], topic="Duo", kind="visit", moments=[soon()]
    )
    client.force_login(b1.user)
    page = html_of(client.get(url("exchange-detail", pk=exchange.pk)))
    assert re.search(r">\s*Afslaan\s*</button>", page)
    assert "Zeg de uitwisseling af</button>" not in page
    client.post(url("exchange-accept", pk=exchange.pk), {"moment": exchange.moments.get().pk})
    OutgoingMail.objects.all().delete()
    page = html_of(client.get(url("exchange-detail", pk=exchange.pk)))
    assert not re.search(r">\s*Afslaan\s*</button>", page)
    assert "Deze keer niet?" not in page
    assert page.count("Zeg de uitwisseling af</button>") == 1
    assert ">Afzeggen</h2>" in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(url("exchange-decline", pk=exchange.pk), follow=True)
    assert messages_of(response) == [
        "You accepted this exchange: call it off instead, with a note to the others."
    ]
    exchange.refresh_from_db()
    assert exchange.status == PeerExchange.Status.AGREED
    assert not OutgoingMail.objects.exists()
    client.post(url("exchange-cancel", pk=exchange.pk), {"note": "Ik ben ziek"})
    exchange.refresh_from_db()
    assert (exchange.status, exchange.cancel_note) == ("cancelled", "Ik ben ziek")
    mail = OutgoingMail.objects.get()
    assert mail.to == a1.user.email
    assert mail.subject == "Afgezegd: Duo"  # the cancellation, not "Gaat niet door" (nobody can)
    assert "Ik ben ziek" in mail.body


def test_errors_of_the_invitation_are_shown_with_the_input_kept(client, team):
    a1 = team.members["A"][0]
    client.force_login(a1.user)
    others = [m.pk for m in team.everyone if m.pk != a1.pk]
    response = client.post(
        url("exchange-start"),
        {"topic": "Te veel mensen", "kind": "visit", "invitees": others, "minutes": "45"},
    )
    page = html_of(response)
    assert response.status_code == 200
    assert "Nodig 1 tot 5 collega&#x27;s uit." in page
    assert "Stel één tot drie momenten voor, of zeg dat jullie zelf iets afspreken." in page
    assert 'value="Te veel mensen"' in page
    assert page.count("checked") >= len(others)
    assert PeerExchange.objects.count() == 0
    past = (timezone.localtime() - timedelta(days=1)).strftime(LOCAL)
    response = client.post(
        url("exchange-start"),
        {
            "topic": "Gisteren",
            "kind": "visit",
            "invitees": [others[3]],
            "moment_1": past,
            "minutes": "45",
        },
    )
    assert "Stel momenten in de toekomst voor." in html_of(response)
    assert PeerExchange.objects.count() == 0


def opening_tag(page: str, element_id: str) -> str:
    """The opening tag of the element with `element_id` on the page."""
    return re.search(rf'<[a-z]+\b[^>]*\bid="{element_id}"[^>]*>', page).group(0)


def test_the_invitation_sent_empty_lists_its_errors_on_top_and_ties_each_to_its_field(client, team):
    """Three messages: named together in a summary that arrival.js focuses, each linked to its
    field; the colleagues' message is the description of their fieldset, which is invalid, so
    tabbing into the list reads it out. The moment's message is tied to its field by Django."""
    a1 = team.members["A"][0]
    client.force_login(a1.user)
    page = html_of(client.get(url("exchange-start")))
    assert 'id="error-summary"' not in page
    assert opening_tag(page, "invitee-choices") == (
        '<fieldset class="mb-3" id="invitee-choices" aria-describedby="invitees-help">'
    )
    response = client.post(url("exchange-start"), {"topic": "", "kind": "visit", "minutes": "45"})
    page = html_of(response)
    assert response.status_code == 200
    summary = page.split('id="error-summary"')[1].split("</div>")[0]
    assert 'tabindex="-1" data-error-summary>' in summary
    assert re.findall(r'<li><a href="#([\w-]+)">([^<]+)</a></li>', summary) == [
        ("id_topic", "Zeg waarover je wilt uitwisselen."),
        ("invitee-choices", "Nodig 1 tot 5 collega&#x27;s uit."),
        ("id_moment_1", "Stel één tot drie momenten voor, of zeg dat jullie zelf iets afspreken."),
    ]
    assert opening_tag(page, "invitee-choices") == (
        '<fieldset class="mb-3" id="invitee-choices" '
        'aria-describedby="invitees-help invitees-error" aria-invalid="true">'
    )
    assert re.search(
        r'<div class="alert alert-danger py-2" id="invitees-error">'
        r'<p class="mb-0">Nodig 1 tot 5 collega&#x27;s uit.</p></div>',
        page,
    )
    assert page.count("Nodig 1 tot 5 collega&#x27;s uit.") == 2  # in the summary, at the list
    moment = opening_tag(page, "id_moment_1")
    assert 'aria-invalid="true"' in moment
    assert 'aria-describedby="id_moment_1_error"' in moment
    assert re.search(
        r'<div id="id_moment_1_error"[^>]*>\s*<p[^>]*><strong>Stel één tot drie momenten voor', page
    )


def test_the_suggestions_are_no_live_region_a_short_status_line_says_what_changed(
    client, make_team, other_school
):
    """The list is replaced at every pause while the topic is typed: read out each time, its
    names and reasons would drown the typing. exchanges.js puts the list's short
    data-status-text into the empty status line when a different list arrives."""
    team = make_team([3, 3, 3])
    a1 = team.members["A"][0]
    client.force_login(a1.user)
    page = html_of(client.get(url("exchange-start")))
    choices = page.split('id="invitee-choices"')[1].split('id="colleagues-title"')[0]
    assert "aria-live" not in choices
    assert re.search(r'<div id="suggestions">\s*<ul class="[^"]*suggestion-list', choices)
    assert '<p id="suggestions-status" class="visually-hidden" role="status"></p>' in choices
    five = ngettext("%(counter)s suggestion", "%(counter)s suggestions", 5) % {"counter": 5}
    assert f'data-status-text="{five}"' in choices
    fragment = html_of(client.get(url("exchange-suggestions"), {"topic": "Rekenen"}))
    assert fragment.count("data-status-text") == 1
    assert f'<ul class="list-unstyled suggestion-list mb-0" data-status-text="{five}">' in fragment
    # Nobody to suggest: one line only.
    loner = make_team([2], of=other_school).members["A"][0]
    client.force_login(loner.user)
    fragment = html_of(
        client.get(
            reverse("sessions_app:exchange-suggestions", kwargs={"school_slug": loner.school.slug})
        )
    )
    none = _("No suggestions")
    assert f'<p class="empty-state small mb-0" data-status-text="{none}">' in fragment


def test_inviting_someone_of_another_school_is_not_found(client, team, other_school):
    """An id the page never offered, of another school (or of nobody), is never confirmed."""
    a1, b1 = team.members["A"][0], team.members["B"][0]
    outsider = MemberFactory(school=other_school)
    client.force_login(a1.user)
    for invitees in ([outsider.pk], [b1.pk, outsider.pk], [outsider.pk + 1000]):
        response = start_visit(client, invitees, soon().strftime(LOCAL))
        assert response.status_code == 404
    assert PeerExchange.objects.count() == 0


@pytest.mark.parametrize("moment", ["2027-03-28T02:30", "2026-10-25T02:30"])
def test_a_moment_the_clocks_skip_or_pass_twice_is_refused_in_plain_words(client, team, moment):
    a1, b1 = team.members["A"][0], team.members["B"][0]
    client.force_login(a1.user)
    response = start_visit(client, [b1.pk], moment)
    assert response.status_code == 200
    assert response.context["form"].errors["moment_1"] == [
        "Die nacht gaat de klok om, dus deze tijd bestaat niet of komt twee keer voor. Kies een "
        "andere tijd."
    ]
    assert PeerExchange.objects.count() == 0


def test_a_colleague_who_left_meanwhile_is_a_form_error(client, team):
    a1, b1 = team.members["A"][0], team.members["B"][0]
    client.force_login(a1.user)
    member_set_active(member=b1, active=False)  # after the page was opened
    response = start_visit(client, [b1.pk], soon().strftime(LOCAL))
    assert response.status_code == 200
    assert response.context["form"].errors["invitees"] == [
        "Iemand die je hebt aangevinkt, kun je niet meer uitnodigen: die werkt niet meer op "
        "school. Vink je collega's opnieuw aan."
    ]
    assert PeerExchange.objects.count() == 0


def test_a_refused_change_is_a_message_never_a_500(client, team):
    a1, b1 = team.members["A"][0], team.members["B"][0]
    exchange = exchange_start(
        initiator=a1, invitees=[b1], topic="Iets", kind="visit", moments=[soon()]
    )
    client.force_login(a1.user)
    response = client.post(url("exchange-held", pk=exchange.pk), {"held": "1"}, follow=True)
    assert response.status_code == 200
    assert messages_of(response) == [
        "Alleen bij een afgesproken uitwisseling kun je zeggen of ze is doorgegaan."
    ]
    response = client.post(url("exchange-decline", pk=exchange.pk), follow=True)
    assert messages_of(response) == ["Jij bent met deze uitwisseling begonnen: zeg hem dan af."]
    response = client.post(url("exchange-accept", pk=exchange.pk), {"moment": "99999"}, follow=True)
    assert messages_of(response) == [
        "Kies een van de momenten die voor deze uitwisseling zijn voorgesteld."
    ]
    response = client.post(
        url("exchange-notes", pk=exchange.pk), {"sharing": "private"}, follow=True
    )
    assert messages_of(response) == ["Aantekeningen schrijf je als de uitwisseling is geweest."]
    response = client.post(url("exchange-propose", pk=exchange.pk), {"starts_at": "gisteren"})
    assert response.status_code == 302
    exchange.refresh_from_db()
    assert exchange.status == PeerExchange.Status.PROPOSED


def test_declining_in_a_group_does_not_say_who_on_the_starters_pages(client, team):
    a1 = team.members["A"][0]
    b1, c1, c2 = team.members["B"][0], team.members["C"][0], team.members["C"][1]
    exchange = exchange_start(
        initiator=a1, invitees=[b1, c1, c2], topic="Groep", kind="conversation", moments=[soon()]
    )
    client.force_login(c1.user)
    response = client.post(url("exchange-decline", pk=exchange.pk), follow=True)
    assert messages_of(response) == ["Je hebt afgeslagen. Je hoeft geen reden te geven."]
    exchange_accept(participant=part(exchange, b1), moment=exchange.moments.get())
    for who in (a1, b1, c2):
        client.force_login(who.user)
        for page in (url("exchange-list"), url("exchange-detail", pk=exchange.pk)):
            html = html_of(client.get(page))
            assert c1.full_name not in html
            assert "(afgeslagen)" not in html
            assert "2 van de 3 uitgenodigde collega's hebben geantwoord." in html
    client.force_login(a1.user)
    html = html_of(client.get(url("exchange-detail", pk=exchange.pk)))
    assert b1.full_name in html  # who accepted is told
    assert c2.full_name not in html  # who has not answered is not: the rest would tell


def test_in_a_duo_the_starter_sees_that_it_was_declined(client, team):
    a1, b1 = team.members["A"][0], team.members["B"][0]
    exchange = exchange_start(
        initiator=a1, invitees=[b1], topic="Duo", kind="conversation", moments=[soon()]
    )
    exchange_decline(participant=part(exchange, b1))
    client.force_login(a1.user)
    html = html_of(client.get(url("exchange-detail", pk=exchange.pk)))
    assert f"{b1.full_name}" in html
    assert "(afgeslagen)" in html


def test_cancel_with_a_note(client, team):
    a1, b1 = team.members["A"][0], team.members["B"][0]
    exchange = exchange_start(
        initiator=a1, invitees=[b1], topic="Duo", kind="conversation", moments=[soon()]
    )
    client.force_login(a1.user)
    client.post(url("exchange-cancel", pk=exchange.pk), {"note": "Ik ben die week op kamp"})
    exchange.refresh_from_db()
    assert (exchange.status, exchange.cancel_note) == ("cancelled", "Ik ben die week op kamp")
    client.force_login(b1.user)
    html = html_of(client.get(url("exchange-detail", pk=exchange.pk)))
    assert "Ik ben die week op kamp" in html
    assert "Accepteer dit moment" not in html


# --- notes: who reads them, per setting and per role ---

# viewer -> (status of the exchange page, reads the notes?) per sharing setting.
NOTE_READERS = {
    "author": {"private": True, "participants": True, "line": True},
    "partner (other line)": {"private": False, "participants": True, "line": False},
    "partner (same line)": {"private": False, "participants": True, "line": True},
}
NOT_THERE = {  # not a participant: the exchange is not theirs to open
    "same-line teacher": 404,
    "other-line teacher": 404,
    "steering member": 404,
    "coach": 403,
}


@pytest.fixture
def held_group(team, school, steering):
    a1, a2, a3 = team.members["A"]
    b1, c1 = team.members["B"][0], team.members["C"][0]
    exchange = exchange_start(
        initiator=a1, invitees=[b1, a2], topic="Vraagkaarten", kind="visit", moments=[soon()]
    )
    exchange_accept(participant=part(exchange, b1), moment=exchange.moments.get())
    exchange_accept(participant=part(exchange, a2), moment=exchange.moments.get())
    passed(exchange)
    exchange_mark_held(participant=part(exchange, a1), held=True)
    coach = CoachAssignmentFactory(school=school).user
    viewers = {
        "author": a1.user,
        "partner (other line)": b1.user,
        "partner (same line)": a2.user,
        "same-line teacher": a3.user,
        "other-line teacher": c1.user,
        "steering member": steering.user,
        "coach": coach,
    }
    return exchange, a1, viewers


@pytest.mark.parametrize("sharing", ["private", "participants", "line"])
@pytest.mark.parametrize("who", [*NOTE_READERS, *NOT_THERE])
def test_notes_are_read_per_setting_per_role(client, held_group, sharing, who):
    exchange, author, viewers = held_group
    exchange_note(
        participant=part(exchange, author),
        brought="Geheime vraagkaarten",
        took="Een rekenspel",
        took_from=None,
        sharing=sharing,
    )
    client.force_login(viewers[who])
    response = client.get(url("exchange-detail", pk=exchange.pk))
    if who in NOT_THERE:
        assert response.status_code == NOT_THERE[who]
        for page in ("exchange-list", "ambition", "exchange-start"):
            other = client.get(url(page))
            assert other.status_code == (403 if who == "coach" else 200)
            assert "Geheime vraagkaarten" not in html_of(other)
        return
    assert response.status_code == 200
    assert ("Geheime vraagkaarten" in html_of(response)) is NOTE_READERS[who][sharing]


# --- escaping ---


def test_topic_notes_and_ambition_are_escaped(client, team):
    a1, b1 = team.members["A"][0], team.members["B"][0]
    evil = "<script>alert(1)</script>"
    client.force_login(a1.user)
    client.post(url("ambition"), {"text": evil, "sharing": "team"})
    exchange = exchange_start(
        initiator=a1, invitees=[b1], topic=evil, kind="visit", moments=[soon()]
    )
    exchange_accept(participant=part(exchange, b1), moment=exchange.moments.get())
    passed(exchange)
    exchange_mark_held(participant=part(exchange, a1), held=True)
    exchange_note(
        participant=part(exchange, b1),
        brought=evil,
        took=evil,
        took_from=None,
        sharing="participants",
    )
    pages = [
        url("exchange-list"),
        url("exchange-detail", pk=exchange.pk),
        url("ambition"),
        f"/s/{SLUG}/",
    ]
    for page in pages:
        html = html_of(client.get(page))
        assert evil not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    # The shared ambition in someone else's suggestions.
    client.force_login(team.members["C"][0].user)
    html = html_of(client.get(url("exchange-suggestions"), {"topic": "x"}))
    assert evil not in html


# --- the follow-up command ---


def test_send_exchange_followups_asks_once(capsys, team):
    a1, b1 = team.members["A"][0], team.members["B"][0]
    exchange = exchange_start(
        initiator=a1, invitees=[b1], topic="Iets", kind="visit", moments=[soon()]
    )
    exchange_accept(participant=part(exchange, b1), moment=exchange.moments.get())
    PeerExchange.objects.filter(pk=exchange.pk).update(
        starts_at=timezone.now() - timedelta(hours=3)
    )
    OutgoingMail.objects.all().delete()
    call_command("send_exchange_followups")
    call_command("send_exchange_followups")
    assert capsys.readouterr().out == (
        "Asked about 1 small exchange(s).\n"
        "Told about 0 small exchange(s) without an agreed moment.\n"
        "Asked about 0 small exchange(s).\n"
        "Told about 0 small exchange(s) without an agreed moment.\n"
    )
    assert sorted(OutgoingMail.objects.values_list("to", flat=True)) == sorted(
        [a1.user.email, b1.user.email]
    )


def test_the_invitation_marks_its_topic_and_colleagues_required_and_still_lists_every_error(
    client, team
):
    """ "Fields marked with * are required": the topic and the colleagues are, so both carry the
    asterisk; an empty topic is still refused by the service, with the other errors at once."""
    a1 = team.members["A"][0]
    client.force_login(a1.user)
    page = html_of(client.get(url("exchange-start")))
    assert re.search(
        r'for="id_topic" class="form-label requiredField">\s*'
        r'Waarover wil je uitwisselen\?<span class="asteriskField">\*</span>',
        page,
    )
    assert re.search(r'<input type="text" name="topic"[^>]* required', page)
    assert (
        '<legend class="form-label fs-6 fw-semibold requiredField">Wie nodig je uit?'
        '<span class="asteriskField">*</span></legend>'
    ) in page
    response = client.post(url("exchange-start"), {"topic": "  ", "kind": "visit", "minutes": "45"})
    summary = html_of(response).split('id="error-summary"')[1].split("</div>")[0]
    assert [
        target for target, _ in re.findall(r'<li><a href="#([\w-]+)">([^<]+)</a>', summary)
    ] == [
        "id_topic",
        "invitee-choices",
        "id_moment_1",
    ]
    assert "Dit veld is verplicht." not in html_of(response)
