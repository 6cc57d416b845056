"""Loose ends II: the admin and an erased account's address, and the notice to a blocked
account's old address."""

import pytest
from django.contrib.messages import get_messages

from learninglines.models import OutgoingMail
from learninglines.services.privacy import member_erase
from tests.admin.conftest import admin_client, staff_device, staff_user  # noqa: F401
from tests.factories import MemberFactory, SchoolFactory, UserFactory
from tests.learninglines.test_address_change_signout import _user_change

pytestmark = pytest.mark.django_db

ENGLISH = "International School Delft"
OLD = "sanne@oud.example"
NEW = "sanne.jansen@nieuw.example"


@pytest.fixture
def english():
    return SchoolFactory(name=ENGLISH, slug="isd", language="en")


@pytest.fixture
def steering(english):
    return MemberFactory(school=english, is_steering=True, first_name="Anouk", last_name="Vries")


@pytest.fixture
def sanne(english, steering):
    return MemberFactory(
        school=english, user=UserFactory(email=OLD), first_name="Sanne", last_name="Jansen"
    )


def _change_page(admin_client, user):  # noqa: F811
    return admin_client.get(f"/admin/learninglines/user/{user.pk}/change/")


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _notice(old: str) -> OutgoingMail:
    [mail] = OutgoingMail.objects.filter(to=old, kind=OutgoingMail.Kind.OTHER)
    return mail


# --- an erased account keeps its closed address ---


def test_the_admin_cannot_give_an_erased_account_an_address_and_says_no_mail_goes(
    admin_client,  # noqa: F811
    sanne,
    steering,
):
    """Erasure deletes the address and closes the account (docs/privacy.md); an address given
    in the admin named the erased member again, and the admin said "erased-N@erased.invalid
    krijgt een mail over de wijziging" although nothing goes to a closed address."""
    member_erase(member=sanne, by=steering.user)
    sanne.user.refresh_from_db()
    closed = sanne.user.email
    assert closed == f"erased-{sanne.user.pk}@erased.invalid"

    page = _change_page(admin_client, sanne.user)
    assert page.status_code == 200
    assert 'name="email"' not in page.content.decode()  # shown, not a field to fill in
    assert 'name="name"' not in page.content.decode()  # a name would name them again too
    assert 'name="is_active"' not in page.content.decode()  # the account stays closed
    assert closed in page.content.decode()

    response = _user_change(admin_client, sanne.user, NEW, active=False)

    assert response.status_code == 302
    sanne.user.refresh_from_db()
    assert (sanne.user.email, sanne.user.is_active) == (closed, False)
    assert not [text for text in _messages(response) if "krijgt een mail" in text]
    assert not OutgoingMail.objects.filter(kind=OutgoingMail.Kind.OTHER).exists()


def test_an_erased_members_placeholder_account_keeps_its_closed_address(
    admin_client,  # noqa: F811
    sanne,
    steering,
):
    """Someone still at another school keeps their account; the erased member gets a
    placeholder account of its own, which the admin cannot give an address either."""
    MemberFactory(school=SchoolFactory(slug="elders"), user=sanne.user, first_name="Sanne")
    member_erase(member=sanne, by=steering.user)
    sanne.refresh_from_db()
    placeholder = sanne.user
    assert placeholder.email.endswith("@erased.invalid")

    response = _user_change(admin_client, placeholder, NEW, active=False)

    assert response.status_code == 302
    placeholder.refresh_from_db()
    assert placeholder.email.endswith("@erased.invalid")
    assert not OutgoingMail.objects.filter(kind=OutgoingMail.Kind.OTHER).exists()


def test_the_admin_still_changes_the_address_of_the_persons_own_account_elsewhere(
    admin_client,  # noqa: F811
    sanne,
    steering,
):
    """The person's own account (kept for their other school) is not erased: it changes."""
    MemberFactory(school=SchoolFactory(slug="elders"), user=sanne.user, first_name="Sanne")
    own = sanne.user
    member_erase(member=sanne, by=steering.user)

    assert _user_change(admin_client, own, NEW).status_code == 302

    own.refresh_from_db()
    assert own.email == NEW
    assert _notice(OLD).to == OLD


# --- the notice to a blocked account's old address ---


def test_a_blocked_accounts_old_address_is_told_the_new_one_signs_in_only_once_unblocked(
    admin_client,  # noqa: F811
    sanne,
):
    response = _user_change(admin_client, sanne.user, NEW, active=False)

    assert response.status_code == 302
    assert _notice(OLD).body == (
        "Hello Sanne,\n\n"
        "The e-mail address of your account at Brengen & Halen was changed to s***@nieuw.example "
        "by the administration. Mail and sign-in links go to the new address from now on; the "
        "links sent to this address before no longer work.\n\n"
        f"Did you not expect this? Ask the steering group of {ENGLISH} to change it back. The "
        "account is blocked now; once it is unblocked, whoever has the new address can sign in "
        "as you.\n"
    )


def test_a_blocked_accounts_notice_in_dutch(admin_client, teacher, school):  # noqa: F811
    """Depends on the lead's catalogue: the msgid is new."""
    old = teacher.user.email
    assert _user_change(admin_client, teacher.user, NEW, active=False).status_code == 302
    assert _notice(old).body.splitlines()[-1] == (
        f"Had je dit niet verwacht? Vraag de stuurgroep van {school.name} om het terug te "
        "zetten. Het account is nu geblokkeerd; zodra het weer vrijgegeven is, kan wie het "
        "nieuwe adres heeft als jij inloggen."
    )
