"""The admin opens only after a password and a code from a confirmed authenticator app."""

import re

import pytest
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from exchange.demo import DEMO_ADMIN_EMAIL, DEMO_ADMIN_PASSWORD, demo_seed
from learninglines.models import MagicLink
from learninglines.services.links import magic_link_url
from learninglines.services.signin import magic_link_create
from tests.admin.conftest import STAFF_PASSWORD, current_code

pytestmark = pytest.mark.django_db

ADMIN = "/admin/"
LOGIN = "/admin/login/"
CODE = "/admin/login/code/"
SETUP = "/admin/login/setup/"


def sign_in_with_password(client, email, password=STAFF_PASSWORD):
    return client.post(LOGIN, {"username": email, "password": password, "next": ADMIN})


def assert_no_mailed_link_offered(response):
    """Staff never sign in with a mailed link: their lock-out page must not offer one."""
    html = response.content.decode()
    assert reverse("learninglines:magic-link-request") not in html
    assert "link per mail" not in html


def errors(response) -> list[str]:
    return [str(e) for field in response.context["form"].errors.values() for e in field]


def test_admin_redirects_anonymous_visitors_to_the_admin_sign_in(client):
    response = client.get(ADMIN)
    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=/admin/"


def test_password_alone_does_not_open_the_admin(client, staff_user, staff_device):
    response = sign_in_with_password(client, staff_user.email)

    assert response.status_code == 302
    assert response["Location"] == CODE
    assert "_auth_user_id" not in client.session
    assert client.get(ADMIN)["Location"] == "/admin/login/?next=/admin/"


def test_admin_asks_for_the_code_and_a_correct_app_code_opens_it(client, staff_user, staff_device):
    sign_in_with_password(client, staff_user.email)
    page = client.get(CODE)
    assert page.status_code == 200
    assert page.context["form"].fields["code"].label == "Code"

    response = client.post(CODE, {"code": current_code(staff_device)})

    assert response.status_code == 302
    assert response["Location"] == ADMIN
    assert client.session["_auth_user_id"] == str(staff_user.pk)
    index = client.get(ADMIN)
    assert index.status_code == 200
    assert index.context["site_header"] == "Brengen & Halen"


def test_wrong_code_is_refused_with_a_message(client, staff_user, staff_device):
    sign_in_with_password(client, staff_user.email)
    wrong = f"{(int(current_code(staff_device)) + 500_000) % 1_000_000:06d}"

    response = client.post(CODE, {"code": wrong})

    assert response.status_code == 200
    assert errors(response) == [
        "Deze code klopt niet. Typ de code die je app nu laat zien (kijk of de klok van je "
        "telefoon goed staat), of een reservecode die je nog niet hebt gebruikt."
    ]
    assert "_auth_user_id" not in client.session
    assert client.get(ADMIN).status_code == 302


def test_backup_code_works_exactly_once(client, staff_user, staff_device):
    sign_in_with_password(client, staff_user.email)
    response = client.post(CODE, {"code": "ABCD 2345"})
    assert response["Location"] == ADMIN
    assert client.get(ADMIN).status_code == 200
    assert list(StaticToken.objects.values_list("token", flat=True)) == ["efgh6723"]

    client.post(reverse("admin:logout"))
    sign_in_with_password(client, staff_user.email)
    again = client.post(CODE, {"code": "abcd2345"})

    assert again.status_code == 200
    assert len(errors(again)) == 1
    assert client.get(ADMIN).status_code == 302


def test_code_page_without_the_password_step_sends_back_to_the_password(client, staff_device):
    response = client.post(CODE, {"code": current_code(staff_device)})
    assert response.status_code == 302
    assert response["Location"] == LOGIN
    assert "_auth_user_id" not in client.session


def test_teacher_signing_in_at_the_admin_gets_no_admin(client, teacher):
    teacher.user.set_password("een-lang-wachtwoord-2026")
    teacher.user.save()

    response = client.post(
        LOGIN, {"username": teacher.user.email, "password": "een-lang-wachtwoord-2026"}
    )

    assert response.status_code == 200
    assert errors(response) == [
        "Dit e-mailadres en wachtwoord horen niet bij een beheerdersaccount."
    ]
    assert "staff_sign_in" not in client.session
    assert client.post(CODE, {"code": "123456"})["Location"] == LOGIN
    assert client.get(ADMIN)["Location"] == "/admin/login/?next=/admin/"


def test_signed_in_teacher_gets_no_admin(client, teacher):
    client.force_login(teacher.user)
    response = client.get(ADMIN)
    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=/admin/"


def test_staff_signed_in_with_a_password_only_still_needs_the_code(client, staff_user):
    # A session without a verified device (e.g. from the site's own sign-in page).
    client.force_login(staff_user)
    response = client.get(ADMIN)
    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=/admin/"


def test_magic_link_for_staff_gives_no_admin_access(client, staff_user):
    link = magic_link_create(user=staff_user, purpose=MagicLink.Purpose.SIGN_IN)
    path = re.sub(r"^https://[^/]+", "", magic_link_url(link))

    page = client.get(path)
    pressed = client.post(path)

    assert page.status_code == 403
    assert pressed.status_code == 403
    assert "_auth_user_id" not in client.session
    assert client.get(ADMIN)["Location"] == "/admin/login/?next=/admin/"


def test_first_sign_in_sets_up_the_app_and_shows_backup_codes_once(client, staff_user):
    response = sign_in_with_password(client, staff_user.email)
    assert response["Location"] == SETUP

    page = client.get(SETUP)
    device = TOTPDevice.objects.get(user=staff_user)
    assert device.confirmed is False
    assert page.context["qr_code"].startswith("data:image/svg+xml")
    assert page.context["secret"].replace(" ", "") == device.config_url.split("secret=")[1][:32]
    assert client.get(SETUP).context["secret"] == page.context["secret"]  # stable on reload
    assert client.get(ADMIN).status_code == 302

    confirmed = client.post(SETUP, {"code": current_code(device)})
    assert confirmed["Location"] == "/admin/login/backup-codes/"
    codes_page = client.get(confirmed["Location"])
    codes = codes_page.context["codes"]

    assert len(codes) == 10
    assert sorted(codes) == sorted(StaticToken.objects.values_list("token", flat=True))
    assert TOTPDevice.objects.get(user=staff_user).confirmed is True
    assert client.get(ADMIN).status_code == 200
    # Shown once: a second visit leads on to the admin.
    assert client.get("/admin/login/backup-codes/")["Location"] == ADMIN

    client.post(reverse("admin:logout"))
    sign_in_with_password(client, staff_user.email)
    assert client.post(CODE, {"code": codes[3]})["Location"] == ADMIN


def test_setup_refuses_a_wrong_code(client, staff_user):
    sign_in_with_password(client, staff_user.email)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=staff_user)
    wrong = f"{(int(current_code(device)) + 500_000) % 1_000_000:06d}"

    response = client.post(SETUP, {"code": wrong})

    assert response.status_code == 200
    assert len(errors(response)) == 1
    assert TOTPDevice.objects.get(user=staff_user).confirmed is False
    assert StaticToken.objects.count() == 0
    assert client.get(ADMIN).status_code == 302


def test_staff_with_an_app_cannot_set_up_another(client, staff_user, staff_device):
    sign_in_with_password(client, staff_user.email)
    assert client.get(SETUP)["Location"] == CODE
    assert TOTPDevice.objects.filter(user=staff_user).count() == 1


def test_wrong_passwords_at_the_admin_lock_the_address_out(client, staff_user, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in_with_password(client, staff_user.email, "verkeerd")

    response = sign_in_with_password(client, staff_user.email)

    assert response.status_code == 429
    assert "staff_sign_in" not in client.session
    assert_no_mailed_link_offered(response)


def test_sign_in_page_ignores_a_next_on_another_site(client, staff_user, staff_device):
    client.post(
        LOGIN,
        {"username": staff_user.email, "password": STAFF_PASSWORD, "next": "https://evil.example/"},
    )
    response = client.post(CODE, {"code": current_code(staff_device)})
    assert response["Location"] == ADMIN


def test_signed_in_teacher_is_told_the_account_has_no_admin(client, teacher):
    client.force_login(teacher.user)
    html = client.get(LOGIN).content.decode()
    assert (
        f"Je bent ingelogd als {teacher.user.email}. Dit account heeft geen toegang tot het beheer."
    ) in html


def test_sign_in_pages_speak_english_on_request(client, staff_user, staff_device):
    client.cookies["exchange_language"] = "en"
    page = client.get(LOGIN)
    sign_in_with_password(client, staff_user.email)
    code_page = client.get(CODE)

    assert '<h1 class="h3 mb-3">Sign in to the administration</h1>' in page.content.decode()
    assert '<h1 class="h3 mb-3">Type the code from your app</h1>' in code_page.content.decode()


def test_demo_administrator_sets_up_the_app_on_first_sign_in(client):
    demo_seed()
    response = client.post(
        LOGIN, {"username": DEMO_ADMIN_EMAIL, "password": DEMO_ADMIN_PASSWORD, "next": ADMIN}
    )

    assert response["Location"] == SETUP
    assert client.get(SETUP).status_code == 200
    assert TOTPDevice.objects.get(user__email=DEMO_ADMIN_EMAIL).confirmed is False


def test_a_code_typed_during_the_wait_after_a_wrong_one_is_not_tried(
    client, staff_user, staff_device
):
    sign_in_with_password(client, staff_user.email)
    wrong = f"{(int(current_code(staff_device)) + 500_000) % 1_000_000:06d}"
    client.post(CODE, {"code": wrong})

    response = client.post(CODE, {"code": current_code(staff_device)})

    assert errors(response) == [
        "Te veel verkeerde codes achter elkaar. Wacht een minuut en probeer het dan opnieuw."
    ]
    assert "_auth_user_id" not in client.session


def test_guessing_codes_locks_the_address_out_like_guessing_passwords(
    client, staff_user, staff_device, settings
):
    sign_in_with_password(client, staff_user.email)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(CODE, {"code": "000000"})

    response = client.post(CODE, {"code": current_code(staff_device)})

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert_no_mailed_link_offered(response)
