"""Limits on the anonymous sign-in forms and on invitations: per address, network, in parallel."""

import http.cookiejar
import re
import threading
import time
import urllib.parse
import urllib.request

import pytest
from axes.models import AccessAttempt, AccessLog
from django.db import connection
from django.db.models import Count

from learninglines.models import MagicLink, OutgoingMail, SignInRequest
from learninglines.services.links import magic_link_url
from learninglines.services.signin import REQUESTS_PER_IP, magic_link_create
from tests.factories import MemberFactory, UserFactory

pytestmark = pytest.mark.django_db


def ask(client, path, email, **extra):
    return client.post(path, {"email": email}, **extra)


@pytest.mark.parametrize(
    ("path", "kind"),
    [("/login/link/", "sign_in_link"), ("/password/reset/", "password_reset")],
)
def test_ten_requests_for_one_address_queue_three_mails(client, teacher, path, kind):
    for number in range(10):
        email = teacher.user.email if number % 2 else teacher.user.email.upper()
        assert ask(client, path, email).status_code == 302
    assert OutgoingMail.objects.filter(user=teacher.user, kind=kind).count() == 3
    assert SignInRequest.objects.filter(handled_at__isnull=True).count() == 0


def test_password_reset_stays_limited_while_the_address_is_locked_out(client, teacher):
    teacher.user.set_password("het-goede-wachtwoord-2026")
    teacher.user.save()
    for _ in range(5):
        client.post("/login/", {"username": teacher.user.email, "password": "fout"})
    locked = client.post(
        "/login/", {"username": teacher.user.email, "password": "het-goede-wachtwoord-2026"}
    )
    assert locked.status_code == 429
    for _ in range(10):
        ask(client, "/password/reset/", teacher.user.email)
    assert OutgoingMail.objects.filter(kind="password_reset").count() == 3


def test_limits_count_per_kind_of_mail(client, teacher):
    for _ in range(4):
        ask(client, "/login/link/", teacher.user.email)
        ask(client, "/password/reset/", teacher.user.email)
    counts = dict(OutgoingMail.objects.values_list("kind").annotate(n=Count("pk")))
    assert counts == {"sign_in_link": 3, "password_reset": 3}


def test_a_network_gets_a_ceiling_a_whole_team_never_reaches(client, teacher):
    # 150 phones behind one school address ask for a link twice each: all answered.
    for number in range(REQUESTS_PER_IP):
        path = "/login/link/" if number % 2 else "/password/reset/"
        assert ask(client, path, f"collega{number}@school.example").status_code == 302
    refused = ask(client, "/login/link/", teacher.user.email)
    assert refused.status_code == 429
    assert "Te veel aanvragen" in refused.content.decode()
    assert not OutgoingMail.objects.filter(user=teacher.user).exists()
    # Another network is not affected.
    other = ask(client, "/login/link/", teacher.user.email, REMOTE_ADDR="192.0.2.7")
    assert other.status_code == 302
    assert OutgoingMail.objects.filter(user=teacher.user).count() == 1


def test_behind_a_proxy_the_ceiling_counts_each_client(client, settings, teacher):
    settings.PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.1.1.1"}
    busy = {"HTTP_X_FORWARDED_FOR": "198.51.100.1", **proxy}
    for number in range(REQUESTS_PER_IP):
        ask(client, "/login/link/", f"x{number}@school.example", **busy)
    assert ask(client, "/login/link/", "y@school.example", **busy).status_code == 429
    other = {"HTTP_X_FORWARDED_FOR": "203.0.113.9, 198.51.100.2", **proxy}
    assert ask(client, "/login/link/", teacher.user.email, **other).status_code == 302
    assert OutgoingMail.objects.filter(user=teacher.user).count() == 1


def test_without_a_proxy_a_forged_forwarded_header_buys_nothing(client, settings):
    settings.PROXY_COUNT = 0
    for number in range(REQUESTS_PER_IP):
        ask(
            client,
            "/login/link/",
            f"x{number}@school.example",
            HTTP_X_FORWARDED_FOR=f"10.0.0.{number % 250}",
        )
    assert (
        ask(client, "/login/link/", "y@school.example", HTTP_X_FORWARDED_FOR="10.9.9.9").status_code
        == 429
    )


def wrong_passwords(client, email, **meta):
    for _ in range(5):
        client.post("/login/", {"username": email, "password": "fout"}, **meta)


def test_lockout_behind_a_proxy_locks_the_attacker_not_the_whole_school(client, settings, teacher):
    settings.PROXY_COUNT = 1
    teacher.user.set_password("het-goede-wachtwoord-2026")
    teacher.user.save()
    proxy = {"REMOTE_ADDR": "10.1.1.1"}
    wrong_passwords(client, teacher.user.email, HTTP_X_FORWARDED_FOR="203.0.113.66", **proxy)
    good = {"username": teacher.user.email, "password": "het-goede-wachtwoord-2026"}
    attacker = client.post("/login/", good, HTTP_X_FORWARDED_FOR="203.0.113.66", **proxy)
    assert attacker.status_code == 429
    teacher_at_school = client.post("/login/", good, HTTP_X_FORWARDED_FOR="198.51.100.20", **proxy)
    assert teacher_at_school.status_code == 302


def test_lockout_without_a_proxy_uses_the_connection_address(client, settings, teacher):
    settings.PROXY_COUNT = 0
    teacher.user.set_password("het-goede-wachtwoord-2026")
    teacher.user.save()
    # A client cannot escape its lock-out by sending a made-up forwarded header.
    wrong_passwords(client, teacher.user.email, REMOTE_ADDR="203.0.113.66")
    good = {"username": teacher.user.email, "password": "het-goede-wachtwoord-2026"}
    again = client.post(
        "/login/", good, REMOTE_ADDR="203.0.113.66", HTTP_X_FORWARDED_FOR="198.51.100.20"
    )
    assert again.status_code == 429
    elsewhere = client.post("/login/", good, REMOTE_ADDR="198.51.100.20")
    assert elsewhere.status_code == 302


def test_staff_address_gets_no_sign_in_link(client):
    staff = UserFactory(is_staff=True)
    ask(client, "/login/link/", staff.email)
    assert MagicLink.objects.count() == 0
    assert OutgoingMail.objects.count() == 0
    assert SignInRequest.objects.get().handled_at is not None


def test_a_staff_users_link_signs_nobody_in(client):
    staff = UserFactory(is_staff=True, is_superuser=True)
    link = magic_link_create(user=staff, purpose=MagicLink.Purpose.SIGN_IN)
    path = magic_link_url(link).removeprefix("https://leerlijnen.test")
    response = client.post(path)
    assert response.status_code == 403
    assert "Dit account logt in met een wachtwoord en een code" in response.content.decode()
    assert client.session.get("_auth_user_id") is None
    link.refresh_from_db()
    assert link.used_at is None
    assert client.get("/admin/").status_code == 302


# --- Invitations -------------------------------------------------------------------------------


def invite(client, teacher, **data):
    return client.post(f"/s/de-regenboog/team/{teacher.pk}/invite/", data)


def test_a_new_invitation_revokes_earlier_unused_invitations_only(client, steering, teacher):
    client.force_login(steering.user)
    sign_in = magic_link_create(user=teacher.user, purpose=MagicLink.Purpose.SIGN_IN)
    invite(client, teacher)
    invite(client, teacher)
    links = list(MagicLink.objects.filter(user=teacher.user, purpose="invite").order_by("pk"))
    assert [link.revoked_at is None for link in links] == [False, True]
    sign_in.refresh_from_db()
    assert sign_in.revoked_at is None


def test_the_invite_button_is_limited_like_the_sign_in_forms(client, steering, teacher):
    client.force_login(steering.user)
    for _ in range(3):
        invite(client, teacher)
    fourth = invite(client, teacher)
    assert fourth.status_code == 302
    page = client.get(fourth["Location"]).content.decode()
    assert "heeft het afgelopen kwartier al drie links gekregen" in page
    assert OutgoingMail.objects.filter(user=teacher.user, kind="invitation").count() == 3


@pytest.mark.parametrize(
    ("next_value", "location"),
    [
        ("foo", "/s/de-regenboog/team/"),
        ("home", "/s/de-regenboog/team/"),
        ("https://evil.example/", "/s/de-regenboog/team/"),
        ("//evil.example/", "/s/de-regenboog/team/"),
        ("/\\evil.example/", "/s/de-regenboog/team/"),
        ("/s/de-regenboog/", "/s/de-regenboog/"),
    ],
)
def test_invite_goes_only_to_a_same_site_next(client, steering, teacher, next_value, location):
    client.force_login(steering.user)
    response = invite(client, teacher, next=next_value)
    assert (response.status_code, response["Location"]) == (302, location)
    assert OutgoingMail.objects.filter(kind="invitation").count() == 1


# --- Parallel requests (PostgreSQL) ------------------------------------------------------------


def post_with_csrf(base_url: str, path: str, data: dict) -> int:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    html = opener.open(base_url + path, timeout=30).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token}).encode()
    request = urllib.request.Request(  # noqa: S310 - the live server's own http URL
        base_url + path, data=body, headers={"Referer": base_url}
    )
    return opener.open(request, timeout=30).status


def wait_until_the_live_server_is_idle(since: set[threading.Thread], seconds: float = 30) -> None:
    """Wait for the server's request threads, which go on with deferred work after answering.

    A thread still writing when the test ends would deadlock with the flush that follows it.
    Only threads not in `since` (those alive before the requests) count: a browser test earlier
    in the same process may leave a keep-alive request thread of its own server waiting.
    """
    deadline = time.monotonic() + seconds

    def busy() -> bool:
        return any(
            t.name.endswith("(process_request_thread)") and t not in since
            for t in threading.enumerate()
        )

    while busy():
        assert time.monotonic() < deadline, "requests were not handled after the response"
        time.sleep(0.05)


@pytest.mark.postgresql("SQLite serialises all writers, so only PostgreSQL can show the race")
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("path", "kind"), [("/login/link/", "sign_in_link"), ("/password/reset/", "password_reset")]
)
def test_twenty_parallel_requests_for_one_address_queue_three_mails(live_server, path, kind):
    member = MemberFactory()
    before = set(threading.enumerate())
    start = threading.Barrier(20)
    statuses = []

    def worker():
        start.wait()
        try:
            statuses.append(post_with_csrf(live_server.url, path, {"email": member.user.email}))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    wait_until_the_live_server_is_idle(before)
    assert not SignInRequest.objects.filter(handled_at__isnull=True).exists()
    assert statuses == [200] * 20
    assert OutgoingMail.objects.filter(user=member.user, kind=kind).count() == 3


def test_a_sign_in_leaves_no_record_only_failures_count_for_the_lock_out(client, teacher):
    """A record of every sign-in (address, IP address, browser) would be kept for good, outside
    "My data" and erasure: only failed attempts are kept, for the lock-out, and a success
    clears them."""
    teacher.user.set_password("het-goede-wachtwoord-2026")
    teacher.user.save()
    client.post("/login/", {"username": teacher.user.email, "password": "fout"})
    assert AccessAttempt.objects.filter(username=teacher.user.email).count() == 1
    signed_in = client.post(
        "/login/", {"username": teacher.user.email, "password": "het-goede-wachtwoord-2026"}
    )
    assert signed_in.status_code == 302
    assert AccessLog.objects.count() == 0
    assert AccessAttempt.objects.count() == 0
