"""Every URL with the trio (owner, weaker role, stranger), plus anonymous: exact statuses."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from exchange import urls as root_urls
from learninglines.services.people import member_update
from tests.factories import MemberFactory, UserFactory

pytestmark = pytest.mark.django_db

SCHOOL = "/s/de-regenboog/"


def as_user(client, user):
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("steering", 200),
        ("teacher", 200),
        ("coach", 200),
        ("stranger", 404),
        ("no_school", 404),
        ("anonymous", 302),
    ],
)
def test_school_home_access(client, people, who, status):
    response = as_user(client, people[who]).get(SCHOOL)
    assert response.status_code == status
    if who == "anonymous":
        assert response["Location"] == "/login/?next=/s/de-regenboog/"


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("steering", 200),
        ("coach", 200),
        ("teacher", 403),
        ("stranger", 404),
        ("no_school", 404),
        ("anonymous", 302),
    ],
)
def test_team_page_access(client, people, who, status):
    response = as_user(client, people[who]).get(SCHOOL + "team/")
    assert response.status_code == status


@pytest.mark.parametrize(
    ("who", "status", "mails"),
    [
        ("steering", 302, 1),
        ("coach", 302, 1),
        ("teacher", 403, 0),
        ("stranger", 404, 0),
        ("anonymous", 302, 0),
    ],
)
def test_member_invite_access(client, people, teacher, who, status, mails):
    from learninglines.models import OutgoingMail

    url = reverse("learninglines:member-invite", args=["de-regenboog", teacher.pk])
    response = as_user(client, people[who]).post(url)
    assert response.status_code == status
    assert OutgoingMail.objects.filter(to=teacher.user.email).count() == mails


def test_member_invite_get_asks_for_confirmation_and_sends_nothing(client, people, teacher):
    from learninglines.models import OutgoingMail

    url = reverse("learninglines:member-invite", args=["de-regenboog", teacher.pk])
    response = as_user(client, people["steering"]).get(url)
    assert response.status_code == 200
    assert "Verstuur de link" in response.content.decode()
    assert OutgoingMail.objects.count() == 0


def test_member_of_another_school_cannot_be_invited_through_this_school(client, people, stranger):
    other_member = stranger.memberships.get()
    url = reverse("learninglines:member-invite", args=["de-regenboog", other_member.pk])
    assert as_user(client, people["steering"]).post(url).status_code == 404


@pytest.mark.parametrize("who", ["steering", "coach"])
def test_the_address_of_an_administrator_account_cannot_be_changed_by_a_school(
    client, people, school, who
):
    # Whoever controls the address can reset the password: a school must not take over an
    # administrator's account by typing its own address on the member page.
    admin = UserFactory(email="beheer@school.example", is_staff=True)
    member = MemberFactory(school=school, user=admin, first_name="Bea", last_name="Heer")
    url = reverse("learninglines:member-update", args=["de-regenboog", member.pk])
    response = as_user(client, people[who]).post(
        url, {"first_name": "Bea", "last_name": "Heer", "email": "aanvaller@elders.example"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["email"]
    admin.refresh_from_db()
    member.refresh_from_db()
    assert (admin.email, member.user_id) == ("beheer@school.example", admin.pk)


@pytest.mark.parametrize("existing", [False, True])
def test_the_old_address_is_told_when_the_school_changes_it(client, people, school, existing):
    # Whoever has the new address can sign in as the member: the person must hear of it.
    from learninglines.models import OutgoingMail

    member = MemberFactory(school=school, first_name="Noor", last_name="Bakker")
    old = member.user.email
    if existing:  # an account of that address exists already (no member of this school)
        UserFactory(email="noor.nieuw@example.org")
    url = reverse("learninglines:member-update", args=["de-regenboog", member.pk])
    steering = people["steering"]
    data = {"first_name": "Noor", "last_name": "Bakker", "email": "Noor.Nieuw@example.org"}
    assert as_user(client, steering).post(url, data).status_code == 302
    member.refresh_from_db()
    assert member.user.email == "noor.nieuw@example.org"
    mail = OutgoingMail.objects.get(to=old)
    assert mail.subject == f"Je adres bij {school.name} is gewijzigd"
    body = " ".join(mail.body.split())
    # the new address masked: the old one may be a typing error that belongs to a stranger
    if existing:  # the team now uses the other account: this school's mail goes there
        told = (
            f"Je e-mailadres bij {school.name} in Brengen & Halen is gewijzigd in "
            f"n***@example.org door {steering.get_full_name()}."
        )
    else:
        told = (
            "Het e-mailadres van je account bij Brengen & Halen is gewijzigd in n***@example.org "
            f"door {steering.get_full_name()}."
        )
    assert told in body
    assert "noor.nieuw" not in body
    assert "wie het nieuwe adres heeft, kan als jij inloggen" in body
    # a change of name alone mails nobody
    OutgoingMail.objects.all().delete()
    data = {"first_name": "Noortje", "last_name": "Bakker", "email": "noor.nieuw@example.org"}
    as_user(client, steering).post(url, data)
    assert not OutgoingMail.objects.exists()


def test_unknown_school_is_404_for_everyone(client, people):
    assert as_user(client, people["steering"]).get("/s/bestaat-niet/").status_code == 404


def test_deactivated_member_loses_access(client, teacher):
    teacher.is_active = False
    teacher.save()
    assert as_user(client, teacher.user).get(SCHOOL).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/login/",
        "/login/link/",
        "/login/link/sent/",
        "/password/reset/",
        "/password/reset/sent/",
        "/password/reset/done/",
    ],
)
def test_public_pages_open_without_signing_in(client, url):
    assert client.get(url).status_code == 200


def test_language_switch_works_signed_out(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert response.cookies["exchange_language"].value == "en"


def test_htmx_request_without_sign_in_gets_a_client_redirect(client, school):
    response = client.get(
        SCHOOL + "team/",
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL="http://testserver/s/de-regenboog/",
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == "/login/?next=%2Fs%2Fde-regenboog%2F"


def _school_patterns(resolver: URLResolver, prefix: str = ""):
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _school_patterns(entry, route)
        elif isinstance(entry, URLPattern) and route.startswith("s/<slug:school_slug>/"):
            yield route, entry.callback


def test_every_school_url_goes_through_the_permission_check():
    routes = dict(_school_patterns(get_resolver(root_urls)))
    # The walk finds the school's pages (a broken walk would find none and prove nothing).
    assert {
        "s/<slug:school_slug>/",
        "s/<slug:school_slug>/team/",
        "s/<slug:school_slug>/team/<int:pk>/invite/",
        "s/<slug:school_slug>/lines/",
        "s/<slug:school_slug>/lines/<int:pk>/",
    } <= set(routes)
    unchecked = [route for route, view in routes.items() if not hasattr(view, "school_permission")]
    assert unchecked == []


def test_admin_keeps_its_own_sign_in(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=/admin/"
    assert client.get("/admin/login/").status_code == 200


def test_admin_is_for_staff_only(client, people):
    client.force_login(people["steering"])
    assert client.get("/admin/")["Location"] == "/admin/login/?next=/admin/"


def test_password_sign_in_is_case_insensitive_on_the_address(client, teacher):
    teacher.user.set_password("een-lang-wachtwoord-2026")
    teacher.user.save()
    response = client.post(
        "/login/",
        {"username": teacher.user.email.upper(), "password": "een-lang-wachtwoord-2026"},
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(teacher.user.pk)


def test_repeated_wrong_passwords_lock_the_account_for_an_hour(client, teacher):
    teacher.user.set_password("een-lang-wachtwoord-2026")
    teacher.user.save()
    for attempt in range(5):
        # Changing capitals does not buy extra attempts.
        address = teacher.user.email.upper() if attempt % 2 else teacher.user.email
        client.post("/login/", {"username": address, "password": "fout"})
    response = client.post(
        "/login/", {"username": teacher.user.email, "password": "een-lang-wachtwoord-2026"}
    )
    assert response.status_code == 429
    assert "Te veel pogingen" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_sign_out_is_a_post(client, teacher):
    client.force_login(teacher.user)
    page = client.get("/logout/")
    html = page.content.decode()
    # A GET signs nobody out: it shows the button, which posts with a CSRF token.
    assert page.status_code == 200
    assert f"Je bent ingelogd als {teacher.user.email}." in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert "_auth_user_id" in client.session
    assert client.post("/logout/").status_code == 302
    assert "_auth_user_id" not in client.session
    assert "Je bent uitgelogd" in client.get("/logout/").content.decode()
    assert client.put("/logout/").status_code == 405


def test_signing_out_says_so_on_the_page_it_lands_on(client, teacher):
    client.force_login(teacher.user)
    response = client.post("/logout/", follow=True)
    assert response.redirect_chain == [("/", 302)]
    assert [str(m) for m in response.context["messages"]] == ["Je bent uitgelogd"]
    assert "Je bent uitgelogd" in response.content.decode()


@pytest.mark.parametrize("who", ["steering", "coach"])
def test_the_address_of_someone_who_signed_in_is_changed_only_by_the_administration(
    client, people, school, who
):
    # Whoever controls the new address signs in as this teacher and reads their private
    # learning log: once the teacher has signed in, the school cannot move the account.
    from django.utils import timezone

    member = MemberFactory(school=school, first_name="Noor", last_name="Bakker")
    member.user.last_login = timezone.now()
    member.user.save(update_fields=["last_login"])
    old = member.user.email
    UserFactory(email="tweede@elders.example")  # an account of its own, not of this school
    url = reverse("learninglines:member-update", args=["de-regenboog", member.pk])
    page = as_user(client, people[who]).get(url).content.decode()
    assert "Noor Bakker heeft met dit adres ingelogd: alleen de beheerder wijzigt het." in page
    for address in ("aanvaller@elders.example", "tweede@elders.example"):
        data = {"first_name": "Noortje", "last_name": "Bakker", "email": address}
        assert as_user(client, people[who]).post(url, data).status_code == 302
        member.refresh_from_db()
        # the name changed, the address did not
        assert (member.first_name, member.user.email) == ("Noortje", old)
    # the service refuses it too, whatever the page sends
    with pytest.raises(ValidationError) as refused:
        member_update(
            member=member,
            first_name="Noor",
            last_name="Bakker",
            email="aanvaller@elders.example",
            by=people[who],
        )
    assert refused.value.message_dict["email"] == [
        "Noor Bakker heeft al met dit adres ingelogd. Zodat niemand anders het account kan "
        "overnemen, wijzigt alleen de beheerder het: vraag het hen."
    ]
    member.refresh_from_db()
    assert member.user.email == old


def test_a_steering_member_who_signed_in_changes_their_own_address(client, steering):
    from django.utils import timezone

    steering.user.last_login = timezone.now()
    steering.user.save(update_fields=["last_login"])
    url = reverse("learninglines:member-update", args=["de-regenboog", steering.pk])
    data = {"first_name": "Anouk", "name_prefix": "de", "last_name": "Vries"}
    data |= {"email": "anouk.nieuw@example.org", "is_steering": "on"}
    assert as_user(client, steering.user).post(url, data).status_code == 302
    steering.user.refresh_from_db()
    assert steering.user.email == "anouk.nieuw@example.org"
