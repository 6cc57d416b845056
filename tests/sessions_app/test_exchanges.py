"""Small exchanges and ambitions, the services and selectors: the lifecycle, declining in a
group without telling who, notes and their readers, suggestions, and the history they add."""

from datetime import UTC, datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from learninglines.models import LogEntry, OutgoingMail
from learninglines.services.lines import line_update
from learninglines.services.people import member_set_active
from sessions_app.models import Ambition, ExchangeParticipant, PeerExchange
from sessions_app.selectors.exchanges import (
    ambition_versions,
    exchange_counts,
    group_visible_responses,
    held_exchange_groups,
    met_this_year,
    notes_readable,
    suggestions_for,
    words,
)
from sessions_app.selectors.overview import OverviewFilter, school_overview
from sessions_app.selectors.plans import plan_history
from sessions_app.services.exchanges import (
    ambition_save,
    exchange_accept,
    exchange_cancel,
    exchange_decline,
    exchange_mark_held,
    exchange_note,
    exchange_propose_moment,
    exchange_start,
    exchanges_ask_if_held,
    exchanges_tell_moments_passed,
)
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def _soon(days=2, hour=15):
    moment = timezone.localtime() + timedelta(days=days)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0)


def _part(exchange, member) -> ExchangeParticipant:
    return ExchangeParticipant.objects.get(exchange=exchange, member=member)


@pytest.fixture
def team(make_team):
    return make_team([3, 3, 3])


def _duo(team, **fields):
    a1 = team.members["A"][0]
    b1 = team.members["B"][0]
    exchange = exchange_start(
        initiator=a1,
        invitees=[b1],
        topic=fields.pop("topic", "Vraagkaarten bij het voorlezen"),
        kind="visit",
        moments=fields.pop("moments", [_soon(2), _soon(3)]),
        **fields,
    )
    return exchange, a1, b1


# --- the lifecycle ---


def test_invite_propose_accept_hold_and_note(team):
    exchange, a1, b1 = _duo(team)
    assert exchange.status == PeerExchange.Status.PROPOSED
    mail = OutgoingMail.objects.get(to=b1.user.email)
    assert mail.subject == f"{a1.full_name} nodigt je uit om uit te wisselen"
    body = " ".join(mail.body.split())
    assert (
        f"{a1.full_name} nodigt je uit om uit te wisselen over: Vraagkaarten bij het voorlezen. "
        "Wat: een bezoek in elkaars klas"
    ) in body
    assert "of stel een ander moment voor:" in body
    # arranged by themselves: no moment was proposed, so none is "another"
    _duo(team, moments=[], self_arranged=True)
    body = " ".join(
        OutgoingMail.objects.filter(to=b1.user.email).order_by("pk").last().body.split()
    )
    assert "Jullie spreken samen een moment af." in body
    assert "Accepteer, sla af (zonder reden) of stel een moment voor:" in body
    # The colleague proposes another moment; the starter is mailed and accepts it.
    later = _soon(5)
    moment = exchange_propose_moment(participant=_part(exchange, b1), starts_at=later)
    assert OutgoingMail.objects.filter(to=a1.user.email).count() == 1
    exchange.refresh_from_db()
    assert (exchange.status, exchange.starts_at) == (PeerExchange.Status.PROPOSED, None)
    exchange_accept(participant=_part(exchange, a1), moment=moment)
    exchange.refresh_from_db()
    assert (exchange.status, exchange.starts_at) == (PeerExchange.Status.AGREED, later)
    assert _part(exchange, b1).response == ExchangeParticipant.Response.ACCEPTED
    # After the moment: held, and each writes what they brought and took.
    after = later + timedelta(hours=3)
    exchange_mark_held(participant=_part(exchange, b1), held=True, now=after)
    exchange.refresh_from_db()
    assert (exchange.status, exchange.held_on) == (
        PeerExchange.Status.HELD,
        timezone.localdate(later),
    )
    line_a = team.lines[0]
    exchange_note(
        participant=_part(exchange, b1),
        brought="Hoe wij de weektaak plannen",
        took="Vraagkaarten",
        took_from=line_a,
        sharing="participants",
        copy_to_log=True,
        now=after,
    )
    noted = _part(exchange, b1)
    assert (noted.took, noted.took_from, noted.sharing) == ("Vraagkaarten", line_a, "participants")
    entry = LogEntry.objects.get(author=b1)
    assert entry.note == (
        "Vraagkaarten bij het voorlezen\nGebracht: Hoe wij de weektaak plannen\n"
        "Gehaald: Vraagkaarten"
    )


def test_the_starter_cannot_agree_to_their_own_moment(team):
    """Nobody has said yes yet: the starter's own proposal does not make it agreed."""
    exchange, a1, b1 = _duo(team)
    with pytest.raises(ValidationError):
        exchange_accept(participant=_part(exchange, a1), moment=exchange.moments.first())
    exchange.refresh_from_db()
    assert (exchange.status, exchange.starts_at) == (PeerExchange.Status.PROPOSED, None)
    assert not OutgoingMail.objects.filter(to=b1.user.email, subject__startswith="Afgesproken")


def test_an_invitee_joins_a_group_exchange_someone_else_agreed_to(team):
    a1 = team.members["A"][0]
    b1, c1 = team.members["B"][0], team.members["C"][0]
    first, second = _soon(2), _soon(3)
    exchange = exchange_start(
        initiator=a1, invitees=[b1, c1], topic="Groep", kind="visit", moments=[first, second]
    )
    exchange_accept(participant=_part(exchange, b1), moment=exchange.moments.first())
    OutgoingMail.objects.all().delete()
    # The second invitee says yes to what is agreed, without moving it for the others.
    exchange_accept(participant=_part(exchange, c1))
    exchange.refresh_from_db()
    assert (exchange.status, exchange.starts_at) == (PeerExchange.Status.AGREED, first)
    assert _part(exchange, c1).response == ExchangeParticipant.Response.ACCEPTED
    assert sorted(OutgoingMail.objects.values_list("to", flat=True)) == sorted(
        [a1.user.email, b1.user.email]
    )


def test_a_group_invitee_cannot_join_an_agreed_moment_that_has_passed(team):
    """The others met (or meant to) without them: a late yes joins nothing and tells nobody."""
    a1 = team.members["A"][0]
    b1, c1 = team.members["B"][0], team.members["C"][0]
    first = _soon(2)
    exchange = exchange_start(
        initiator=a1, invitees=[b1, c1], topic="Groep", kind="visit", moments=[first]
    )
    exchange_accept(participant=_part(exchange, b1), moment=exchange.moments.first())
    OutgoingMail.objects.all().delete()
    after = first + timedelta(hours=2)
    for moment in (None, exchange.moments.first()):
        with pytest.raises(ValidationError) as error, translation.override("en"):
            exchange_accept(participant=_part(exchange, c1), moment=moment, now=after)
        assert error.value.messages == [
            "The agreed moment has passed: you can no longer join it."
            if moment is None
            else "That moment has passed: propose a new one."
        ]
    assert _part(exchange, c1).response == ExchangeParticipant.Response.PENDING
    assert not OutgoingMail.objects.exists()
    # before the moment the same yes joins it
    assert exchange_accept(participant=_part(exchange, c1), now=first - timedelta(hours=1)).mailed


def test_an_accept_once_every_proposed_moment_passed_is_refused_and_a_new_moment_is_the_way(
    team,
):
    """Every proposed moment has passed: a yes without a moment would agree to nothing (the
    invitee "accepted", nothing agreed, nobody told), so it is refused; a new moment goes on."""
    exchange, a1, b1 = _duo(team)
    after = _soon(3) + timedelta(hours=1)
    OutgoingMail.objects.all().delete()
    with pytest.raises(ValidationError) as error, translation.override("en"):
        exchange_accept(participant=_part(exchange, b1), now=after)
    assert error.value.messages == ["The proposed moments have passed: propose a new moment."]
    exchange.refresh_from_db()
    assert (exchange.status, exchange.starts_at) == (PeerExchange.Status.PROPOSED, None)
    assert _part(exchange, b1).response == ExchangeParticipant.Response.PENDING
    assert not OutgoingMail.objects.exists()
    # The invitee proposes a new moment; the starter accepts it: agreed, and b1 is told.
    later = _soon(5)
    moment = exchange_propose_moment(participant=_part(exchange, b1), starts_at=later, now=after)
    assert list(OutgoingMail.objects.values_list("to", flat=True)) == [a1.user.email]
    OutgoingMail.objects.all().delete()
    accepted = exchange_accept(participant=_part(exchange, a1), moment=moment, now=after)
    assert (accepted.exchange.status, accepted.exchange.starts_at, accepted.mailed) == (
        PeerExchange.Status.AGREED,
        later,
        1,
    )
    assert list(OutgoingMail.objects.values_list("to", flat=True)) == [b1.user.email]


def test_everyone_still_in_hears_once_that_every_proposed_moment_passed(team):
    a1 = team.members["A"][0]
    b1, c1, b2 = team.members["B"][0], team.members["C"][0], team.members["B"][1]
    first, second = _soon(2), _soon(3)
    exchange = exchange_start(
        initiator=a1, invitees=[b1, c1, b2], topic="Groep", kind="visit", moments=[first, second]
    )
    exchange_decline(participant=_part(exchange, c1))
    member_set_active(member=b2, active=False)
    self_arranged, _a, _b = _duo(team, moments=[], self_arranged=True)
    OutgoingMail.objects.all().delete()
    # one moment left: nothing to tell yet
    assert exchanges_tell_moments_passed(now=first + timedelta(hours=1)) == 0
    after = second + timedelta(minutes=1)
    assert exchanges_tell_moments_passed(now=after) == 1
    assert exchanges_tell_moments_passed(now=after + timedelta(days=1)) == 0  # once
    # the starter and who is still invited; not who declined, not who left the school
    mails = OutgoingMail.objects.order_by("to")
    assert sorted(mail.to for mail in mails) == sorted([a1.user.email, b1.user.email])
    mail = mails.first()
    assert mail.subject == "Nog geen moment afgesproken: Groep"
    assert (
        "Alle momenten die voor de uitwisseling over “Groep” waren voorgesteld, zijn voorbij"
        in " ".join(mail.body.split())
    )
    # a new moment that passes as well is told about again
    exchange_propose_moment(participant=_part(exchange, b1), starts_at=_soon(5), now=after)
    assert exchanges_tell_moments_passed(now=_soon(5) + timedelta(hours=1)) == 1
    # an agreed exchange is asked whether it took place instead
    exchange_accept(participant=_part(self_arranged, _b))
    assert exchanges_tell_moments_passed(now=_soon(9)) == 0


def test_a_second_yes_agrees_to_nothing_and_is_refused(team):
    exchange, _a1, b1 = _duo(team, moments=[], self_arranged=True)
    assert exchange_accept(participant=_part(exchange, b1)).mailed == 1
    OutgoingMail.objects.all().delete()
    with pytest.raises(ValidationError) as error, translation.override("en"):
        exchange_accept(participant=_part(exchange, b1))
    assert error.value.messages == ["You have already accepted."]
    duo, _a1, b1 = _duo(team)
    exchange_accept(participant=_part(duo, b1), moment=duo.moments.first())
    OutgoingMail.objects.all().delete()
    with pytest.raises(ValidationError) as error, translation.override("en"):
        exchange_accept(participant=_part(duo, b1), moment=duo.moments.first())
    assert error.value.messages == ["You have already accepted."]
    assert not OutgoingMail.objects.exists()


def test_joining_by_the_agreed_moment_itself_tells_the_others(team):
    """In a group, a late invitee who presses the agreed moment joins it, as a plain yes does:
    the others hear it (before, they were told nothing)."""
    a1, b1, c1 = team.members["A"][0], team.members["B"][0], team.members["C"][0]
    exchange = exchange_start(
        initiator=a1, invitees=[b1, c1], topic="Groep", kind="visit", moments=[_soon(2)]
    )
    exchange_accept(participant=_part(exchange, b1), moment=exchange.moments.get())
    OutgoingMail.objects.all().delete()
    accepted = exchange_accept(participant=_part(exchange, c1), moment=exchange.moments.get())
    assert (accepted.exchange.status, accepted.exchange.starts_at, accepted.mailed) == (
        PeerExchange.Status.AGREED,
        _soon(2),
        2,
    )
    assert _part(exchange, c1).response == ExchangeParticipant.Response.ACCEPTED
    assert sorted(OutgoingMail.objects.values_list("to", flat=True)) == sorted(
        [a1.user.email, b1.user.email]
    )


def test_an_accept_counts_only_the_mails_that_went_out(team):
    """The starter left the school: the agreement stands, and no mail is said to be sent."""
    exchange, a1, b1 = _duo(team)
    member_set_active(member=a1, active=False)
    OutgoingMail.objects.all().delete()
    accepted = exchange_accept(participant=_part(exchange, b1), moment=exchange.moments.first())
    assert (accepted.exchange.status, accepted.mailed) == (PeerExchange.Status.AGREED, 0)
    assert not OutgoingMail.objects.exists()


def test_who_accepted_calls_it_off_and_cannot_decline(team):
    """Declining answers an invitation; who accepted takes part and calls it off (with a note),
    so the starter gets the cancellation, never the "nobody can come" mail of a decline."""
    exchange, _a1, b1 = _duo(team)
    exchange_accept(participant=_part(exchange, b1), moment=exchange.moments.first())
    OutgoingMail.objects.all().delete()
    with pytest.raises(ValidationError) as error, translation.override("en"):
        exchange_decline(participant=_part(exchange, b1))
    assert error.value.messages == [
        "You accepted this exchange: call it off instead, with a note to the others."
    ]
    exchange.refresh_from_db()
    assert exchange.status == PeerExchange.Status.AGREED
    assert _part(exchange, b1).response == ExchangeParticipant.Response.ACCEPTED
    assert not OutgoingMail.objects.exists()
    # Proposing a moment accepts the invitation too.
    duo, _a1, b1 = _duo(team)
    exchange_propose_moment(participant=_part(duo, b1), starts_at=_soon(6))
    with pytest.raises(ValidationError):
        exchange_decline(participant=_part(duo, b1))
    duo.refresh_from_db()
    assert duo.status == PeerExchange.Status.PROPOSED


def test_a_second_decline_in_a_group_is_refused(team):
    a1, b1, c1 = team.members["A"][0], team.members["B"][0], team.members["C"][0]
    exchange = exchange_start(
        initiator=a1, invitees=[b1, c1], topic="Groep", kind="visit", moments=[_soon(2)]
    )
    exchange_decline(participant=_part(exchange, b1))
    with pytest.raises(ValidationError) as error, translation.override("en"):
        exchange_decline(participant=_part(exchange, b1))
    assert error.value.messages == ["You declined this exchange."]


def test_holding_before_the_moment_is_refused(team):
    exchange, a1, _b1 = _duo(team)
    exchange_accept(participant=_part(exchange, _b1), moment=exchange.moments.first())
    with pytest.raises(ValidationError):
        exchange_mark_held(participant=_part(exchange, a1), held=True)


def test_the_starter_alone_never_agrees_to_arranging_it_themselves(team):
    """With "we arrange it ourselves" an invitee's yes makes it agreed, never the starter's."""
    exchange, a1, _b1 = _duo(team, moments=[], self_arranged=True)
    OutgoingMail.objects.all().delete()
    with pytest.raises(ValidationError) as error, translation.override("en"):
        exchange_accept(participant=_part(exchange, a1))
    assert error.value.messages == ["You started this exchange: the others answer your invitation."]
    exchange.refresh_from_db()
    assert exchange.status == PeerExchange.Status.PROPOSED
    assert not OutgoingMail.objects.exists()


def test_who_declined_cannot_accept_afterwards(team):
    a1, b1, c1 = team.members["A"][0], team.members["B"][0], team.members["C"][0]
    exchange = exchange_start(
        initiator=a1, invitees=[b1, c1], topic="Groep", kind="visit", moments=[_soon(2)]
    )
    exchange_decline(participant=_part(exchange, b1))
    with pytest.raises(ValidationError) as error, translation.override("en"):
        exchange_accept(participant=_part(exchange, b1), moment=exchange.moments.first())
    assert error.value.messages == ["You declined this exchange."]
    exchange.refresh_from_db()
    assert (exchange.status, exchange.starts_at) == (PeerExchange.Status.PROPOSED, None)
    assert _part(exchange, b1).response == ExchangeParticipant.Response.DECLINED


def test_who_never_answered_neither_says_it_took_place_nor_counts_as_met(team):
    a1, b1, c1 = team.members["A"][0], team.members["B"][0], team.members["C"][0]
    exchange = exchange_start(
        initiator=a1, invitees=[b1, c1], topic="Groep", kind="visit", moments=[_soon(2)]
    )
    exchange_accept(participant=_part(exchange, b1), moment=exchange.moments.first())
    after = _soon(2) + timedelta(hours=3)
    with pytest.raises(ValidationError) as error, translation.override("en"):
        exchange_mark_held(participant=_part(exchange, c1), held=True, now=after)
    assert error.value.messages == [
        "Accept the invitation first: then you can say whether it took place."
    ]
    exchange_mark_held(participant=_part(exchange, b1), held=True, now=after)
    with pytest.raises(ValidationError) as error, translation.override("en"):
        exchange_note(
            participant=_part(exchange, c1), brought="x", took="", took_from=None, sharing="line"
        )
    assert error.value.messages == ["Only those who accepted the invitation write notes."]
    # c1 never answered: not at the table of this exchange in anyone's history
    assert held_exchange_groups(school_id=a1.school_id, year_id=team.year.pk) == [
        (timezone.localdate(_soon(2)), sorted([a1.pk, b1.pk]))
    ]
    assert met_this_year(member=c1, year=team.year) == set()
    assert met_this_year(member=a1, year=team.year) == {b1.pk}
    overview = school_overview(school=team.year.school, filters=OverviewFilter(year=team.year))
    assert overview.encounters.pairs_met == 1


def test_held_without_a_moment_is_the_local_day_not_the_utc_one(team):
    exchange, _a1, b1 = _duo(team, moments=[], self_arranged=True)
    exchange_accept(participant=_part(exchange, b1))
    # half past midnight in Amsterdam is still the day before in UTC (as the clock gives it)
    after_midnight = timezone.make_aware(
        datetime.combine(timezone.localdate(), time(0, 30))
    ).astimezone(UTC)
    exchange_mark_held(participant=_part(exchange, b1), held=True, now=after_midnight)
    exchange.refresh_from_db()
    assert exchange.held_on == timezone.localdate()


def test_moments_after_the_school_year_are_refused(team):
    """The exchange belongs to this school year: a later moment could never be marked held."""
    a1, b1 = team.members["A"][0], team.members["B"][0]
    after_the_year = timezone.make_aware(
        datetime.combine(team.year.end + timedelta(days=1), time(10))
    )
    with pytest.raises(ValidationError) as error, translation.override("en"):
        exchange_start(
            initiator=a1, invitees=[b1], topic="Iets", kind="visit", moments=[after_the_year]
        )
    end = f"{team.year.end.day} July {team.year.end.year}"
    assert error.value.message_dict == {
        "moments": [f"Propose a moment in this school year, until {end}."]
    }
    assert PeerExchange.objects.count() == 0
    exchange, a1, b1 = _duo(team)
    with pytest.raises(ValidationError) as error, translation.override("en"):
        exchange_propose_moment(participant=_part(exchange, b1), starts_at=after_the_year)
    assert error.value.message_dict == {
        "starts_at": [f"Propose a moment in this school year, until {end}."]
    }
    assert exchange.moments.count() == 2
    # the year's last day still is in it
    last = timezone.make_aware(datetime.combine(team.year.end, time(10)))
    exchange_propose_moment(participant=_part(exchange, b1), starts_at=last)
    assert exchange.moments.count() == 3


def test_who_left_the_school_gets_no_more_mail_of_the_exchange(team):
    a1, b1, b2 = team.members["A"][0], team.members["B"][0], team.members["B"][1]
    c1, c2 = team.members["C"][0], team.members["C"][1]
    exchange = exchange_start(
        initiator=a1, invitees=[b1, c1, c2], topic="Groep", kind="visit", moments=[_soon(2)]
    )
    exchange_accept(participant=_part(exchange, b1), moment=exchange.moments.first())
    member_set_active(member=c2, active=False)
    OutgoingMail.objects.all().delete()
    exchange_cancel(participant=_part(exchange, a1), note="Toch niet")
    assert sorted(OutgoingMail.objects.values_list("to", flat=True)) == sorted(
        [b1.user.email, c1.user.email]
    )
    # the follow-up goes to who took part and is still at the school
    duo = exchange_start(initiator=a1, invitees=[b2], topic="Duo", kind="visit", moments=[_soon(2)])
    exchange_accept(participant=_part(duo, b2), moment=duo.moments.first())
    member_set_active(member=b2, active=False)
    OutgoingMail.objects.all().delete()
    assert exchanges_ask_if_held(now=_soon(2) + timedelta(hours=3)) == 1
    assert list(OutgoingMail.objects.values_list("to", flat=True)) == [a1.user.email]


def test_an_invitation_needs_one_to_five_colleagues_and_a_moment(team):
    a1 = team.members["A"][0]
    others = [m for m in team.everyone if m.pk != a1.pk]
    with pytest.raises(ValidationError) as error:
        exchange_start(initiator=a1, invitees=others, topic="", kind="visit", moments=[])
    assert set(error.value.message_dict) == {"topic", "invitees", "moments"}
    assert PeerExchange.objects.count() == 0


def test_a_colleague_of_another_school_cannot_be_invited(team, other_school):
    a1 = team.members["A"][0]
    outsider = MemberFactory(school=other_school)
    with pytest.raises(ValidationError):
        exchange_start(
            initiator=a1, invitees=[outsider], topic="Iets", kind="visit", moments=[_soon()]
        )


def test_declining_in_a_group_does_not_say_who(team):
    a1 = team.members["A"][0]
    b1, c1, c2 = team.members["B"][0], team.members["C"][0], team.members["C"][1]
    exchange = exchange_start(
        initiator=a1, invitees=[b1, c1, c2], topic="Groep", kind="conversation", moments=[_soon()]
    )
    exchange_decline(participant=_part(exchange, c1))
    exchange_accept(participant=_part(exchange, b1), moment=exchange.moments.first())
    exchange = PeerExchange.objects.get(pk=exchange.pk)
    seen = group_visible_responses(exchange, a1)
    assert seen["accepted"] == [b1]
    assert (seen["answered"], seen["invited"], seen["declined_count"]) == (2, 3, 1)
    assert seen["declined_names"] == []


def test_when_everyone_declines_the_exchange_is_off_and_the_starter_hears_it(team):
    exchange, a1, b1 = _duo(team)
    OutgoingMail.objects.all().delete()
    exchange_decline(participant=_part(exchange, b1))
    exchange.refresh_from_db()
    assert exchange.status == PeerExchange.Status.CANCELLED
    mail = OutgoingMail.objects.get()
    assert (mail.to, mail.subject) == (
        a1.user.email,
        "Gaat niet door: Vraagkaarten bij het voorlezen",
    )
    body = " ".join(mail.body.split())
    assert (
        "De uitwisseling over “Vraagkaarten bij het voorlezen” gaat niet door: niemand die je "
        "uitnodigde, kan deze keer." in body
    )
    assert b1.full_name not in body  # never who declined


def test_either_side_cancels_with_a_note_and_the_other_is_mailed(team):
    exchange, a1, b1 = _duo(team)
    exchange_accept(participant=_part(exchange, b1), moment=exchange.moments.first())
    OutgoingMail.objects.all().delete()
    exchange_cancel(participant=_part(exchange, b1), note="Ik ben ziek")
    exchange.refresh_from_db()
    assert (exchange.status, exchange.cancel_note) == ("cancelled", "Ik ben ziek")
    assert list(OutgoingMail.objects.values_list("to", flat=True)) == [a1.user.email]


def test_an_invitee_who_has_not_answered_declines_and_cannot_call_the_group_off(team):
    a1, b1, c1 = team.members["A"][0], team.members["B"][0], team.members["C"][0]
    exchange = exchange_start(
        initiator=a1, invitees=[b1, c1], topic="Samen", kind="visit", moments=[_soon(2)]
    )
    exchange_accept(participant=_part(exchange, c1), moment=exchange.moments.first())
    with pytest.raises(ValidationError) as error:
        exchange_cancel(participant=_part(exchange, b1), note="Nee")
    assert error.value.messages == [
        "Je hebt de uitnodiging nog niet beantwoord: wijs hem af als je niet kunt."
    ]
    exchange.refresh_from_db()
    assert exchange.status == PeerExchange.Status.AGREED
    exchange_cancel(participant=_part(exchange, a1), note="Toch niet")  # the starter can
    exchange.refresh_from_db()
    assert exchange.status == PeerExchange.Status.CANCELLED


def test_a_passed_moment_without_notes_asks_once_whether_it_took_place(team):
    exchange, a1, b1 = _duo(team)
    exchange_accept(participant=_part(exchange, b1), moment=exchange.moments.first())
    OutgoingMail.objects.all().delete()
    later = timezone.now() + timedelta(days=4)
    assert exchanges_ask_if_held(now=later) == 1
    assert sorted(OutgoingMail.objects.values_list("to", flat=True)) == sorted(
        [a1.user.email, b1.user.email]
    )
    assert exchanges_ask_if_held(now=later + timedelta(days=1)) == 0


def test_the_follow_up_skips_an_invitee_who_never_answered(team):
    a1, b1, c1 = team.members["A"][0], team.members["B"][0], team.members["C"][0]
    exchange = exchange_start(
        initiator=a1, invitees=[b1, c1], topic="Samen", kind="visit", moments=[_soon(2)]
    )
    exchange_accept(participant=_part(exchange, b1), moment=exchange.moments.first())
    OutgoingMail.objects.all().delete()
    assert exchanges_ask_if_held(now=timezone.now() + timedelta(days=4)) == 1
    assert sorted(OutgoingMail.objects.values_list("to", flat=True)) == sorted(
        [a1.user.email, b1.user.email]
    )


# --- who reads the notes ---


@pytest.mark.parametrize(
    ("sharing", "readers"),
    [
        ("private", {"author"}),
        ("participants", {"author", "partner"}),
        ("line", {"author", "same_line"}),
    ],
)
def test_notes_are_read_as_their_sharing_says(team, sharing, readers, coach):
    exchange, a1, b1 = _duo(team, moments=[], self_arranged=True)
    exchange_accept(participant=_part(exchange, b1))
    exchange_mark_held(participant=_part(exchange, b1), held=True)
    exchange_note(
        participant=_part(exchange, b1),
        brought="x",
        took="y",
        took_from=team.lines[0],
        sharing=sharing,
    )
    exchange = PeerExchange.objects.get(pk=exchange.pk)
    note = _part(exchange, b1)
    note.exchange = exchange
    people = {
        "author": b1,
        "partner": a1,
        "same_line": team.members["B"][1],
        "other_line": team.members["C"][0],
    }
    can_read = {
        name for name, person in people.items() if notes_readable(viewer=person, participant=note)
    }
    assert can_read == readers
    assert notes_readable(viewer=None, participant=note) is False


# --- ambitions ---


def test_an_ambition_keeps_its_earlier_versions(team):
    member = team.members["A"][0]
    ambition_save(member=member, year=team.year, text="Leren van Rekenen", sharing="private")
    assert (
        ambition_save(member=member, year=team.year, text="Leren van Rekenen", sharing="private")
        is None
    )
    ambition_save(member=member, year=team.year, text="Leren van Spel", sharing="team")
    versions = ambition_versions(member=member, year=team.year)
    assert [(a.text, a.sharing) for a in versions] == [
        ("Leren van Spel", "team"),
        ("Leren van Rekenen", "private"),
    ]
    assert Ambition.objects.count() == 2


# --- suggestions ---


def test_suggestions_are_other_lines_not_met_and_not_already_invited(team, other_school):
    a1 = team.members["A"][0]
    b1, b2, b3 = team.members["B"]
    c1, c2, c3 = team.members["C"]
    # a1 met b1 in a held exchange, and has an open invitation with c1.
    held, _a1, _b1 = _duo(team, moments=[], self_arranged=True)
    exchange_accept(participant=_part(held, b1))
    exchange_mark_held(participant=_part(held, b1), held=True)
    exchange_start(initiator=a1, invitees=[c1], topic="x", kind="visit", moments=[_soon()])
    c3.is_active = False
    c3.save(update_fields=["is_active"])
    MemberFactory(school=other_school)
    found = suggestions_for(member=a1, year=team.year)
    assert {s.member.pk for s in found} == {b2.pk, b3.pk, c2.pk}
    assert found == suggestions_for(member=a1, year=team.year)


def test_suggestions_put_lines_whose_goal_shares_the_topic_first(team):
    a1 = team.members["A"][0]
    line_c = team.lines[2]
    line_update(
        line=line_c, name=line_c.name, goal="Voorlezen met vraagkaarten", colour=line_c.colour
    )
    found = suggestions_for(member=a1, year=team.year, topic="Vraagkaarten bij het voorlezen")
    assert [s.line.letter for s in found[:3]] == ["C", "C", "C"]
    assert found[0].shared_words == ("voorlezen", "vraagkaarten")


def test_topic_words_ignore_short_and_common_words():
    assert words("Hoe leren leerlingen lezen met vraagkaarten?") == {"lezen", "vraagkaarten"}


# --- history ---


def test_a_held_duo_enters_the_engines_history_and_the_overview(team, make_session):
    exchange, a1, b1 = _duo(team, moments=[], self_arranged=True)
    exchange_accept(participant=_part(exchange, b1))
    exchange_mark_held(participant=_part(exchange, b1), held=True)
    session = make_session(days=(timezone.localdate() - team.year.start).days + 10)
    assert plan_history(session=session) == [[[a1.pk, b1.pk]]]
    overview = school_overview(school=team.year.school, filters=OverviewFilter(year=team.year))
    assert overview.encounters.matrix[0][1] == 1
    assert overview.encounters.pairs_met == 1
    assert overview.exchanges.took_part == 2


def test_took_from_counts_are_withheld_below_three(team):
    line_a = team.lines[0]
    for partner in team.members["B"][:2]:
        exchange = exchange_start(
            initiator=team.members["A"][0],
            invitees=[partner],
            topic="x",
            kind="visit",
            moments=[],
            self_arranged=True,
        )
        exchange_accept(participant=_part(exchange, partner))
        exchange_mark_held(participant=_part(exchange, partner), held=True)
        exchange_note(
            participant=_part(exchange, partner),
            brought="",
            took="iets",
            took_from=line_a,
            sharing="private",
        )
    counts = exchange_counts(
        school_id=team.year.school_id,
        year=team.year,
        start=team.year.start,
        end=team.year.end,
        members=9,
    )
    assert counts.took_from == {line_a.pk: None}
    assert (counts.took_part, counts.share) == (3, 33)
    assert sum(n for _month, n in counts.held_by_month) == 2
