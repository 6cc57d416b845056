"""A changed address ends the account's sessions; a blocked account's old address is told.

An admin who corrects an address that pointed to the wrong person must also sign that person
out: whoever signed in with a link that went to the wrong address stays signed in otherwise.
The session hash covers the address (`User.get_session_auth_hash`), so every session of the
account ends at its next request, except the one of someone who changes their own address.

The notice to the old address goes even for a blocked account (also when the admin blocks it
and changes the address in one save): it warns whoever has the old address.
"""

import pytest
from django.contrib.auth import HASH_SESSION_KEY
from django.contrib.auth.base_user import AbstractBaseUser
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY

from learninglines.models import OutgoingMail, User
from learninglines.services.accounts import account_address_change
from learninglines.services.outbox import ACCOUNT_BLOCKED, mail_queue, mail_send_queued
from learninglines.services.people import member_invite
from learninglines.services.privacy import member_erase
from tests.admin.conftest import admin_client, staff_device, staff_user  # noqa: F401
from tests.factories import MemberFactory, SchoolFactory, UserFactory

pytestmark = pytest.mark.django_db

SITE = "https://leerlijnen.test"
OLD = "sanne@oud.example"
NEW = "sanne.jansen@nieuw.example"
START = "/s/isd/"
SIGNED_OUT = f"/login/?next={START}"


@pytest.fixture(autouse=True)
def _locmem(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def english():
    return SchoolFactory(name="International School Delft", slug="isd", language="en")


@pytest.fixture
def steering(english):
    return MemberFactory(school=english, is_steering=True, first_name="Anouk", last_name="Vries")


@pytest.fixture
def sanne(english, steering):
    """A teacher without a password, who signs in with mailed links."""
    return MemberFactory(
        school=english, user=UserFactory(email=OLD), first_name="Sanne", last_name="Jansen"
    )


def _sent(mailoutbox) -> list:
    mail_send_queued(limit=100)
    mails = list(mailoutbox)
    mailoutbox.clear()
    return mails


def _signed_in_with_a_link(member, mailoutbox) -> Client:
    """A device of `member` (its own cookies), signed in as a person does: the invitation's
    link, then the button."""
    member_invite(member=member)
    [mail] = _sent(mailoutbox)
    [line] = [line for line in mail.body.splitlines() if line.startswith(SITE)]
    device = Client()
    assert device.post(line.removeprefix(SITE))["Location"] == START
    assert device.get(START).status_code == 200
    return device


def _user_change(admin_client, user, email, *, active=True):  # noqa: F811
    data = {
        "email": email,
        "name": user.name,
        "memberships-TOTAL_FORMS": 0,
        "memberships-INITIAL_FORMS": 0,
        "coach_assignments-TOTAL_FORMS": 0,
        "coach_assignments-INITIAL_FORMS": 0,
    }
    if active:
        data["is_active"] = "on"
    if user.is_superuser:
        data.update(is_staff="on", is_superuser="on")
    return admin_client.post(f"/admin/learninglines/user/{user.pk}/change/", data)


def _member_page(client, member, email):
    data = {"first_name": member.first_name, "last_name": member.last_name, "email": email}
    if member.is_steering:
        data["is_steering"] = "on"
    return client.post(f"/s/{member.school.slug}/team/{member.pk}/", data)


# --- Sessions end ------------------------------------------------------------------------------


def test_the_admin_changes_an_address_and_its_owner_is_signed_out(
    admin_client,  # noqa: F811
    mailoutbox,
    sanne,
):
    device = _signed_in_with_a_link(sanne, mailoutbox)

    assert _user_change(admin_client, sanne.user, NEW).status_code == 302

    response = device.get(START)
    assert (response.status_code, response["Location"]) == (302, SIGNED_OUT)
    # the admin who made the change is still signed in
    assert admin_client.get("/admin/").status_code == 200


def test_a_sign_in_after_the_change_works_and_stays(admin_client, mailoutbox, sanne):  # noqa: F811
    old_device = _signed_in_with_a_link(sanne, mailoutbox)
    assert _user_change(admin_client, sanne.user, NEW).status_code == 302
    [notice] = _sent(mailoutbox)
    assert notice.to == [OLD]

    sanne.user.refresh_from_db()
    new_device = _signed_in_with_a_link(sanne, mailoutbox)  # the invitation went to NEW

    assert new_device.get(START).status_code == 200
    assert new_device.get(START).status_code == 200  # and on the next request too
    assert old_device.get(START)["Location"] == SIGNED_OUT


def test_the_same_address_again_signs_nobody_out(admin_client, mailoutbox, sanne):  # noqa: F811
    device = _signed_in_with_a_link(sanne, mailoutbox)
    assert _user_change(admin_client, sanne.user, OLD.upper()).status_code == 302
    assert device.get(START).status_code == 200


def test_a_steering_member_changes_their_own_address_and_only_that_device_stays(
    client, mailoutbox, english, steering
):
    phone = _signed_in_with_a_link(steering, mailoutbox)
    laptop = _signed_in_with_a_link(steering, mailoutbox)
    other_teacher = _signed_in_with_a_link(
        MemberFactory(school=english, first_name="Piet", last_name="Smit"), mailoutbox
    )

    assert _member_page(laptop, steering, "anouk@nieuw.example").status_code == 302

    steering.user.refresh_from_db()
    assert steering.user.email == "anouk@nieuw.example"
    assert laptop.get(START).status_code == 200  # where the change was made
    assert laptop.get(f"/s/isd/team/{steering.pk}/").status_code == 200
    assert phone.get(START)["Location"] == SIGNED_OUT
    assert other_teacher.get(START).status_code == 200


def test_the_steering_group_changes_a_colleagues_address_and_stays_signed_in(
    mailoutbox, sanne, steering
):
    # the school corrects an address before its owner signed in with it (a typing error)
    steering_device = _signed_in_with_a_link(steering, mailoutbox)
    assert _member_page(steering_device, sanne, NEW).status_code == 302
    sanne.user.refresh_from_db()
    assert sanne.user.email == NEW
    assert steering_device.get(START).status_code == 200


def test_an_administrator_changes_their_own_address_in_the_admin(
    admin_client,  # noqa: F811
    staff_user,  # noqa: F811
    staff_device,  # noqa: F811
):
    # another device of the same administrator, signed in with password and second factor
    other = Client()
    other.force_login(staff_user)
    session = other.session
    session[DEVICE_ID_SESSION_KEY] = staff_device.persistent_id
    session.save()
    assert other.get("/admin/").status_code == 200

    assert _user_change(admin_client, staff_user, "m.bakker@beheer.example").status_code == 302

    staff_user.refresh_from_db()
    assert staff_user.email == "m.bakker@beheer.example"
    assert admin_client.get("/admin/").status_code == 200  # where the change was made
    assert other.get("/admin/").status_code == 302


def test_a_change_by_a_command_ends_the_sessions_too(mailoutbox, sanne):
    device = _signed_in_with_a_link(sanne, mailoutbox)
    account_address_change(user=sanne.user, email=NEW, by=None)
    assert device.get(START)["Location"] == SIGNED_OUT


# --- The hash ----------------------------------------------------------------------------------


def test_a_passwordless_accounts_hash_stays_the_same_until_the_address_changes(sanne):
    user = User.objects.get(pk=sanne.user.pk)
    assert not user.has_usable_password()
    first = user.get_session_auth_hash()
    assert User.objects.get(pk=user.pk).get_session_auth_hash() == first
    user.email = NEW
    assert user.get_session_auth_hash() != first
    user.email = OLD
    user.set_unusable_password()  # a new unusable password is a new password: signs out
    assert user.get_session_auth_hash() != first


def test_a_session_signed_with_a_fallback_key_stays_signed_in(settings, mailoutbox, sanne):
    old_key, new_key = "k" * 50 + "-old", "k" * 50 + "-new"
    settings.SECRET_KEY = old_key
    device = _signed_in_with_a_link(sanne, mailoutbox)

    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = new_key, [old_key]
    assert device.get(START).status_code == 200
    # the session now carries the current key's hash: dropping the fallback keeps it
    settings.SECRET_KEY_FALLBACKS = []
    assert device.get(START).status_code == 200


def test_a_session_of_a_key_no_longer_listed_is_signed_out(settings, mailoutbox, sanne):
    settings.SECRET_KEY = "k" * 50 + "-old"
    device = _signed_in_with_a_link(sanne, mailoutbox)
    settings.SECRET_KEY = "k" * 50 + "-new"
    assert device.get(START)["Location"] == SIGNED_OUT


def test_a_session_from_before_this_rule_signs_in_again_once(mailoutbox, sanne):
    # Django's own hash covers the password only; sessions made before the release hold it
    device = _signed_in_with_a_link(sanne, mailoutbox)
    session = device.session
    session[HASH_SESSION_KEY] = AbstractBaseUser.get_session_auth_hash(sanne.user)
    session.save()
    assert device.get(START)["Location"] == SIGNED_OUT


# --- A blocked account -------------------------------------------------------------------------


def test_blocked_and_given_another_address_in_one_save_the_old_address_is_told(
    admin_client,  # noqa: F811
    mailoutbox,
    sanne,
):
    device = _signed_in_with_a_link(sanne, mailoutbox)
    # mail for Sanne that waits in the outbox (a meeting reminder, no personal link)
    reminder = mail_queue(to=OLD, subject="Line meeting tomorrow", body="Text", user=sanne.user)

    assert _user_change(admin_client, sanne.user, NEW, active=False).status_code == 302

    sanne.user.refresh_from_db()
    assert (sanne.user.email, sanne.user.is_active) == (NEW, False)
    # the notice reaches the old address; the blocked account's own mail reaches nobody
    assert [(mail.to, mail.subject) for mail in _sent(mailoutbox)] == [
        ([OLD], "Your address at International School Delft was changed")
    ]
    reminder.refresh_from_db()
    assert (reminder.to, reminder.status, reminder.last_error) == (
        NEW,
        OutgoingMail.Status.FAILED,
        ACCOUNT_BLOCKED,
    )
    assert device.get(START)["Location"] == SIGNED_OUT


def test_an_account_blocked_before_its_address_changes_the_old_address_is_told(
    admin_client,  # noqa: F811
    mailoutbox,
    sanne,
):
    sanne.user.is_active = False
    sanne.user.save(update_fields=["is_active"])
    assert _user_change(admin_client, sanne.user, NEW, active=False).status_code == 302
    assert [mail.to for mail in _sent(mailoutbox)] == [[OLD]]


def test_an_active_accounts_waiting_mail_follows_the_new_address(
    admin_client,  # noqa: F811
    mailoutbox,
    sanne,
):
    reminder = mail_queue(to=OLD, subject="Line meeting tomorrow", body="Text", user=sanne.user)
    someone_else = mail_queue(to=OLD, subject="Not the account's", body="Text")

    assert _user_change(admin_client, sanne.user, NEW).status_code == 302

    assert sorted((mail.to[0], mail.subject) for mail in _sent(mailoutbox)) == [
        (NEW, "Line meeting tomorrow"),
        (OLD, "Not the account's"),
        (OLD, "Your address at International School Delft was changed"),
    ]
    reminder.refresh_from_db()
    someone_else.refresh_from_db()
    assert (reminder.to, someone_else.to) == (NEW, OLD)


def test_an_erased_accounts_closed_address_is_told_nothing(
    admin_client,  # noqa: F811
    mailoutbox,
    sanne,
    steering,
):
    member_erase(member=sanne, by=steering.user)
    sanne.user.refresh_from_db()
    closed = sanne.user.email
    assert (closed, sanne.user.is_active) == (f"erased-{sanne.user.pk}@erased.invalid", False)

    assert _user_change(admin_client, sanne.user, NEW, active=False).status_code == 302

    sanne.user.refresh_from_db()
    assert sanne.user.email == closed  # erased stays erased: the admin gives it no address
    assert not OutgoingMail.objects.filter(to=closed).exists()
    assert _sent(mailoutbox) == []
