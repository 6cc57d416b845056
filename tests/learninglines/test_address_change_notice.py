"""A changed address: the old one is told (the new one masked), its links stop working.

Whoever controls an account's address can sign in as its owner, so every route that changes an
address (the admin's account page, the member page of the app, a steering member's own address)
goes through `account_address_change`: a notice to the old address in the account's language,
and every sign-in link that went to the old address unusable.
"""

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.utils import timezone

from learninglines.models import MagicLink, OutgoingMail, SignInRequest, User
from learninglines.services.accounts import ADDRESS_CHANGED, account_address_change, mask_address
from learninglines.services.outbox import mail_send_queued
from learninglines.services.people import coach_assign, member_invite
from learninglines.services.signin import (
    magic_link_for_session,
    magic_link_send,
    magic_link_use,
    sign_in_request_handle,
    sign_in_request_submit,
)
from tests.admin.conftest import admin_client, staff_device, staff_user  # noqa: F401
from tests.factories import CoachAssignmentFactory, MemberFactory, SchoolFactory, UserFactory

pytestmark = pytest.mark.django_db

SITE = "https://leerlijnen.test"
ENGLISH = "International School Delft"
OLD = "sanne@oud.example"
NEW = "sanne.jansen@nieuw.example"


@pytest.fixture(autouse=True)
def _locmem(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def english():
    return SchoolFactory(name=ENGLISH, slug="isd", language="en")


@pytest.fixture
def sanne(english):
    """A teacher of an English school who has not signed in yet."""
    user = UserFactory(email=OLD)
    MemberFactory(school=english, is_steering=True, first_name="Anouk", last_name="Vries")
    return MemberFactory(school=english, user=user, first_name="Sanne", last_name="Jansen")


def _sent(mailoutbox) -> list:
    mail_send_queued(limit=100)
    mails = list(mailoutbox)
    mailoutbox.clear()
    return mails


def _path(body: str) -> str:
    [line] = [line for line in body.splitlines() if line.startswith(SITE)]
    return line.removeprefix(SITE)


def _user_change(admin_client, user, email):  # noqa: F811
    return admin_client.post(
        f"/admin/learninglines/user/{user.pk}/change/",
        {
            "email": email,
            "name": user.name,
            "is_active": "on",
            "memberships-TOTAL_FORMS": 0,
            "memberships-INITIAL_FORMS": 0,
            "coach_assignments-TOTAL_FORMS": 0,
            "coach_assignments-INITIAL_FORMS": 0,
        },
    )


def _notice(old: str) -> OutgoingMail:
    [mail] = OutgoingMail.objects.filter(to=old, kind=OutgoingMail.Kind.OTHER)
    return mail


@pytest.mark.parametrize(
    ("address", "masked"),
    [
        ("jan.hart@example.nl", "j***@example.nl"),
        ("j@example.nl", "j***@example.nl"),
        ("x@sub.school.example", "x***@sub.school.example"),
    ],
)
def test_the_new_address_is_masked(address, masked):
    assert mask_address(address) == masked


# --- The admin's account page ------------------------------------------------------------------


def test_the_admin_changes_an_address_the_old_one_is_told_and_its_links_stop(
    admin_client,  # noqa: F811
    client,
    mailoutbox,
    sanne,
):
    # before: an invitation and a password-reset mail went to the old address; a sign-in link
    # mail still waits in the outbox
    member_invite(member=sanne)
    request = sign_in_request_submit(
        email=OLD, purpose=SignInRequest.Purpose.PASSWORD_RESET, language="en", ip_address=None
    )
    assert sign_in_request_handle(request=request)
    mails = {mail.subject: mail for mail in _sent(mailoutbox)}
    invitation = _path(mails[f"Your personal link to {ENGLISH}"].body)
    reset = _path(mails["Choose a password for Brengen & Halen"].body)
    waiting = magic_link_send(user=sanne.user, purpose=MagicLink.Purpose.SIGN_IN)

    response = _user_change(admin_client, sanne.user, "Sanne.Jansen@Nieuw.example")

    assert response.status_code == 302
    sanne.user.refresh_from_db()
    assert sanne.user.email == NEW
    # the notice, in the account's language (the school's English, not the admin's Dutch), by
    # "the administration" (never a staff member's name), the new address masked
    notice = _notice(OLD)
    assert notice.subject == f"Your address at {ENGLISH} was changed"
    assert notice.body == (
        "Hello Sanne,\n\n"
        "The e-mail address of your account at Brengen & Halen was changed to s***@nieuw.example "
        "by the administration. Mail and sign-in links go to the new address from now on; the "
        "links sent to this address before no longer work.\n\n"
        f"Did you not expect this? Ask the steering group of {ENGLISH} to change it back: whoever "
        "has the new address can sign in as you.\n"
    )
    # the mail that waited with a link for the old address never goes out
    queued = OutgoingMail.objects.get(magic_link=waiting)
    assert (queued.status, queued.last_error) == (OutgoingMail.Status.FAILED, ADDRESS_CHANGED)
    assert [(mail.to, mail.subject) for mail in _sent(mailoutbox)] == [
        ([OLD], f"Your address at {ENGLISH} was changed")
    ]
    # the invitation that went to the old address is revoked, the reset link dead
    opened = client.get(invitation)
    assert opened.status_code == 410
    assert "This sign-in link was revoked" in opened.content.decode()  # the school's English
    assert client.get(reset, follow=True).context["validlink"] is False
    # a link to the new address works
    member_invite(member=sanne)
    [mail] = _sent(mailoutbox)
    assert mail.to == [NEW]
    assert client.post(_path(mail.body))["Location"] == "/s/isd/"


def test_the_admin_changes_a_coachs_address_of_three_schools(
    admin_client,  # noqa: F811
    mailoutbox,
):
    # someone at several schools is sent to the administration, not one school's steering group
    for slug in ("noord", "oost", "zuid"):
        school = SchoolFactory(name=f"School {slug}", slug=slug, language="en")
        coach_assign(school=school, email="karin@coach.example", name="Karin Hoekstra")
    coach = User.objects.get(email="karin@coach.example")
    links = list(MagicLink.objects.filter(user=coach))
    assert len(links) == 3

    assert _user_change(admin_client, coach, "karin@elders.example").status_code == 302

    notice = _notice("karin@coach.example")
    assert notice.subject == "Your address at Brengen & Halen was changed"
    assert notice.body == (
        "Hello Karin,\n\n"
        "The e-mail address of your account at Brengen & Halen was changed to k***@elders.example "
        "by the administration. Mail and sign-in links go to the new address from now on; the "
        "links sent to this address before no longer work.\n\n"
        "Did you not expect this? Ask the administration of Brengen & Halen to change it back: "
        "whoever has the new address can sign in as you.\n"
    )
    assert not MagicLink.objects.filter(user=coach, revoked_at__isnull=True).exists()


def test_the_admin_saving_the_same_address_tells_nobody(
    admin_client,  # noqa: F811
    sanne,
):
    member_invite(member=sanne)
    assert _user_change(admin_client, sanne.user, OLD.upper()).status_code == 302
    sanne.user.refresh_from_db()
    assert sanne.user.email == OLD
    assert not OutgoingMail.objects.filter(kind=OutgoingMail.Kind.OTHER).exists()
    assert MagicLink.objects.get(user=sanne.user).revoked_at is None


def test_the_admin_says_so_and_the_notice_speaks_dutch_for_a_dutch_school(
    admin_client,  # noqa: F811
    teacher,
    school,
):
    old = teacher.user.email
    response = _user_change(admin_client, teacher.user, "sanne@nieuw.example")
    assert response.status_code == 302
    assert (
        f"{old} krijgt een mail over de wijziging; de inloglinks die daarheen zijn gestuurd, "
        "werken niet meer."
    ) in [str(m) for m in get_messages(response.wsgi_request)]
    notice = _notice(old)
    assert notice.subject == f"Je adres bij {school.name} is gewijzigd"
    assert notice.body == (
        "Hallo Sanne,\n\n"
        "Het e-mailadres van je account bij Brengen & Halen is gewijzigd in s***@nieuw.example "
        "door de beheerder. Mails en inloglinks gaan vanaf nu naar het nieuwe adres; de links "
        "die eerder naar dit adres zijn gestuurd, werken niet meer.\n\n"
        f"Had je dit niet verwacht? Vraag de stuurgroep van {school.name} om het terug te "
        "zetten: wie het nieuwe adres heeft, kan als jij inloggen.\n"
    )


# --- The member page of the app ----------------------------------------------------------------


def _member_page(client, by, member, email):
    client.force_login(by)
    data = {"first_name": member.first_name, "last_name": member.last_name, "email": email}
    if member.is_steering:
        data["is_steering"] = "on"
    return client.post(f"/s/{member.school.slug}/team/{member.pk}/", data)


def test_the_steering_group_changes_an_address_the_old_one_is_told_and_its_links_stop(
    client, mailoutbox, sanne, english
):
    steering = english.members.get(is_steering=True)
    member_invite(member=sanne)
    [invitation] = _sent(mailoutbox)
    session = magic_link_for_session(
        user=sanne.user, school=english, next_path="/s/isd/", day=timezone.localdate()
    )
    assert magic_link_use(link=session)  # a session mail's link works more than once

    assert _member_page(client, steering.user, sanne, NEW).status_code == 302

    sanne.user.refresh_from_db()
    assert sanne.user.email == NEW
    notice = _notice(OLD)
    assert notice.body.splitlines()[2] == (
        "The e-mail address of your account at Brengen & Halen was changed to s***@nieuw.example "
        "by Anouk Vries. Mail and sign-in links go to the new address from now on; the links "
        "sent to this address before no longer work."
    )
    assert NEW not in notice.body
    session.refresh_from_db()
    assert session.status_at(timezone.now()) == MagicLink.Status.REVOKED
    client.logout()
    assert client.get(_path(invitation.body)).status_code == 410


def test_a_steering_member_changes_their_own_address_and_stays_signed_in(
    client, mailoutbox, english
):
    me = MemberFactory(
        school=english,
        is_steering=True,
        first_name="Anouk",
        last_name="Vries",
        user=UserFactory(email="anouk@oud.example", last_login=timezone.now()),
    )
    waiting = magic_link_send(user=me.user, purpose=MagicLink.Purpose.SIGN_IN)

    assert _member_page(client, me.user, me, "anouk@nieuw.example").status_code == 302

    me.user.refresh_from_db()
    assert me.user.email == "anouk@nieuw.example"
    notice = _notice("anouk@oud.example")
    assert "was changed to a***@nieuw.example by Anouk Vries." in notice.body
    waiting.refresh_from_db()
    assert waiting.revoked_at is not None
    assert client.get("/s/isd/").status_code == 200  # revoking links signs nobody out


def test_a_member_moved_to_an_existing_account_the_old_one_keeps_its_other_schools_links(
    client, mailoutbox, sanne, english, other_school
):
    # The school types the address of an account that exists already (at another school): the
    # team now uses that account. The old account keeps its address (it has another school),
    # so only this school's links of it stop; the old address is told.
    steering = english.members.get(is_steering=True)
    MemberFactory(school=other_school, user=sanne.user, first_name="Sanne", last_name="Jansen")
    here = magic_link_send(user=sanne.user, purpose=MagicLink.Purpose.INVITE, school=english)
    there = magic_link_send(user=sanne.user, purpose=MagicLink.Purpose.INVITE, school=other_school)
    UserFactory(email=NEW)

    assert _member_page(client, steering.user, sanne, NEW).status_code == 302

    sanne.refresh_from_db()
    assert sanne.user.email == NEW
    here.refresh_from_db()
    there.refresh_from_db()
    assert (here.revoked_at is not None, there.revoked_at is None) == (True, True)
    notice = _notice(OLD)
    assert notice.subject == f"Your address at {ENGLISH} was changed"
    assert notice.body.splitlines()[2] == (
        f"Your e-mail address at {ENGLISH} in Brengen & Halen was changed to s***@nieuw.example "
        f"by Anouk Vries. Mail and sign-in links of {ENGLISH} go to the new address from now on."
    )


def test_a_taken_address_is_refused_and_nobody_is_told(sanne):
    taken = UserFactory(email=NEW)
    member_invite(member=sanne)
    with pytest.raises(ValidationError):
        account_address_change(user=sanne.user, email=NEW, by=None)
    sanne.user.refresh_from_db()
    assert (sanne.user.email, taken.email) == (OLD, NEW)
    assert not OutgoingMail.objects.filter(kind=OutgoingMail.Kind.OTHER).exists()
    assert MagicLink.objects.get(user=sanne.user).revoked_at is None


def test_a_coach_without_a_name_is_named_by_a_masked_address(client, sanne, english):
    coach = CoachAssignmentFactory(school=english, user=UserFactory(email="c.de.wit@coach.example"))
    coach.user.name = ""
    coach.user.save(update_fields=["name"])
    assert _member_page(client, coach.user, sanne, NEW).status_code == 302
    notice = _notice(OLD)
    assert "was changed to s***@nieuw.example by c***@coach.example." in notice.body
    assert "c.de.wit" not in notice.body
