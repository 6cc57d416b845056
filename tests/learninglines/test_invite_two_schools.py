"""Invitations per person AND school: someone invited by two schools can open both mails.

A teacher at two schools, or a coach of three, gets one invitation from each. Whichever they
open first works, and so do the others (each once, until it expires); a second invitation to
the same school replaces that school's earlier one only (the newest mail is the one to use).
"""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from learninglines.models import MagicLink, OutgoingMail
from learninglines.services.outbox import mail_send_queued
from learninglines.services.people import coach_assign, member_invite, member_set_active
from learninglines.services.signin import magic_link_send
from tests.factories import MemberFactory, SchoolFactory, UserFactory

pytestmark = pytest.mark.django_db

SITE = "https://leerlijnen.test"


@pytest.fixture(autouse=True)
def _locmem(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def _sent_links(mailoutbox) -> dict[str, str]:
    """Send the outbox as cron does; the personal link of each mail, by its subject."""
    assert mail_send_queued(limit=100).failed == 0
    links = {}
    for mail in mailoutbox:
        [line] = [line for line in mail.body.splitlines() if line.startswith(SITE)]
        links[mail.subject] = line.removeprefix(SITE)
    mailoutbox.clear()
    return links


def _press(client, path):
    """Open a mailed link and press its button, as a person does."""
    page = client.get(path)
    if page.status_code != 200:
        return page
    return client.post(path)


@pytest.fixture
def both(school, other_school):
    """One person on the teams of two schools, each with its own steering member."""
    user = UserFactory(email="sanne@twee.example")
    here = MemberFactory(school=school, user=user, first_name="Sanne", last_name="Jansen")
    there = MemberFactory(school=other_school, user=user, first_name="Sanne", last_name="Jansen")
    MemberFactory(school=school, is_steering=True, first_name="Anouk", last_name="Vries")
    MemberFactory(school=other_school, is_steering=True, first_name="Bram", last_name="Smit")
    return here, there


def _invite_on_the_team_page(client, member):
    steering = member.school.members.get(is_steering=True)
    client.force_login(steering.user)
    url = f"/s/{member.school.slug}/team/{member.pk}/invite/"
    assert client.post(url).status_code == 302
    client.logout()


@pytest.mark.parametrize("first", ["de-regenboog", "de-vlinder"])
def test_both_schools_invitations_work_in_either_order(client, mailoutbox, both, first):
    here, there = both
    _invite_on_the_team_page(client, here)
    _invite_on_the_team_page(client, there)
    links = _sent_links(mailoutbox)
    by_school = {
        "de-regenboog": links["Jouw persoonlijke link naar Basisschool De Regenboog"],
        "de-vlinder": links["Jouw persoonlijke link naar OBS De Vlinder"],
    }
    assert len(links) == 2
    second = next(slug for slug in by_school if slug != first)

    opened = _press(client, by_school[first])
    assert (opened.status_code, opened["Location"]) == (302, f"/s/{first}/")
    # signed in now, the other school's mail still leads to the other school
    opened = _press(client, by_school[second])
    assert (opened.status_code, opened["Location"]) == (302, f"/s/{second}/")
    # and, signed out, so does it for someone who opens it on another device
    assert client.get(f"/s/{second}/").status_code == 200
    here.refresh_from_db()
    there.refresh_from_db()
    assert here.first_seen_at is not None  # "has signed in" at both schools
    assert there.first_seen_at is not None

    # each works once: pressed again signed out, both say they were used
    client.logout()
    for path in by_school.values():
        again = client.post(path)
        assert again.status_code == 410
        assert "Deze inloglink is al gebruikt" in again.content.decode()


def test_a_coach_of_three_schools_can_open_each_schools_invitation(client, mailoutbox):
    schools = [
        SchoolFactory(name=f"School {name}", slug=slug)
        for name, slug in (("Noord", "noord"), ("Oost", "oost"), ("Zuid", "zuid"))
    ]
    for school in schools:
        coach_assign(school=school, email="karin@coach.example", name="Karin Hoekstra")
    links = _sent_links(mailoutbox)
    assert len(links) == 3
    # opened in reverse order: every one leads to its school
    for school in reversed(schools):
        [path] = [path for subject, path in links.items() if subject.endswith(school.name)]
        opened = _press(client, path)
        assert (opened.status_code, opened["Location"]) == (302, f"/s/{school.slug}/")


def test_a_second_invitation_to_one_school_replaces_that_schools_link_only(
    client, mailoutbox, both
):
    here, there = both
    member_invite(member=here)
    member_invite(member=there)
    older = _sent_links(mailoutbox)["Jouw persoonlijke link naar Basisschool De Regenboog"]
    member_invite(member=here)  # the newest mail of De Regenboog is the one to use
    newer = _sent_links(mailoutbox)["Jouw persoonlijke link naar Basisschool De Regenboog"]

    links = MagicLink.objects.filter(user=here.user, purpose=MagicLink.Purpose.INVITE)
    states = sorted((link.school.slug, link.revoked_at is None) for link in links)
    assert states == [("de-regenboog", False), ("de-regenboog", True), ("de-vlinder", True)]

    replaced = client.get(older)
    assert replaced.status_code == 410
    assert "Deze inloglink is ingetrokken" in replaced.content.decode()
    assert _press(client, newer)["Location"] == "/s/de-regenboog/"
    vlinder = links.get(school=there.school)
    assert vlinder.status_at(timezone.now()) == MagicLink.Status.VALID


def test_an_invitation_still_expires_after_fourteen_days(client, mailoutbox, both):
    here, there = both
    member_invite(member=here)
    member_invite(member=there)
    links = _sent_links(mailoutbox)
    assert _press(client, links["Jouw persoonlijke link naar OBS De Vlinder"])["Location"] == (
        "/s/de-vlinder/"
    )
    client.logout()
    with time_machine.travel(timezone.now() + timedelta(days=14, minutes=1)):
        late = client.post(links["Jouw persoonlijke link naar Basisschool De Regenboog"])
    assert late.status_code == 410
    assert "Deze inloglink is verlopen" in late.content.decode()


def test_the_limit_of_three_invitations_is_per_address_over_all_schools(both, other_school):
    # A mailbox gets at most three invitations per 15 minutes, whichever schools send them.
    here, there = both
    assert member_invite(member=here) is not None
    assert member_invite(member=there) is not None
    assert member_invite(member=here) is not None
    assert member_invite(member=there) is None
    assert OutgoingMail.objects.filter(user=here.user, kind="invitation").count() == 3


def test_a_sign_in_link_is_not_touched_by_an_invitation(both):
    here, _there = both
    sign_in = magic_link_send(user=here.user, purpose=MagicLink.Purpose.SIGN_IN)
    member_invite(member=here)
    member_invite(member=here)
    sign_in.refresh_from_db()
    assert sign_in.revoked_at is None


def test_leaving_one_schools_team_stops_that_schools_invitation_only(client, mailoutbox, both):
    """Before, someone who left De Regenboog but stayed at De Vlinder kept De Regenboog's
    unused invitation: it signed them in and led to a page they may no longer see."""
    here, there = both
    member_invite(member=here)
    member_invite(member=there)
    links = _sent_links(mailoutbox)
    member_set_active(member=here, active=False)

    left = client.get(links["Jouw persoonlijke link naar Basisschool De Regenboog"])
    assert left.status_code == 410
    stayed = _press(client, links["Jouw persoonlijke link naar OBS De Vlinder"])
    assert (stayed.status_code, stayed["Location"]) == (302, "/s/de-vlinder/")
