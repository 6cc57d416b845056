"""Password reset also works for people who never set a password, and goes through the outbox."""

import re

import pytest

from learninglines.models import OutgoingMail
from learninglines.services.outbox import mail_send_queued

pytestmark = pytest.mark.django_db


def test_teacher_without_password_can_choose_one(client, teacher, mailoutbox):
    assert teacher.user.has_usable_password() is False
    response = client.post("/password/reset/", {"email": teacher.user.email.upper()})
    assert response.status_code == 302
    assert response["Location"] == "/password/reset/sent/"

    assert OutgoingMail.objects.get().kind == OutgoingMail.Kind.PASSWORD_RESET
    mail_send_queued()
    [mail] = mailoutbox
    assert mail.to == [teacher.user.email]
    assert mail.subject == "Kies een wachtwoord voor Brengen & Halen"
    url = re.search(r"https://leerlijnen\.test(/password/reset/\S+)", mail.body).group(1)

    form_page = client.get(url, follow=True)
    assert "Kies een wachtwoord" in form_page.content.decode()
    # Django's rules in the app's Dutch, which says "je", not Django's "uw"
    assert "Je wachtwoord moet minstens 8 tekens lang zijn." in form_page.content.decode()
    assert "Uw " not in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(
        set_url,
        {"new_password1": "Zomer-in-Zwolle-2026", "new_password2": "Zomer-in-Zwolle-2026"},
    )
    assert done["Location"] == "/password/reset/done/"
    teacher.user.refresh_from_db()
    assert teacher.user.check_password("Zomer-in-Zwolle-2026")


def test_unknown_address_gets_the_same_answer_and_no_mail(client):
    response = client.post("/password/reset/", {"email": "niemand@nergens.example"})
    assert response["Location"] == "/password/reset/sent/"
    assert OutgoingMail.objects.count() == 0


def test_used_reset_link_says_it_no_longer_works(client, teacher, mailoutbox):
    client.post("/password/reset/", {"email": teacher.user.email})
    mail_send_queued()
    body = mailoutbox[0].body
    url = re.search(r"https://leerlijnen\.test(/password/reset/\S+)", body).group(1)
    set_url = client.get(url, follow=True).redirect_chain[-1][0]
    client.post(
        set_url, {"new_password1": "Zomer-in-Zwolle-2026", "new_password2": "Zomer-in-Zwolle-2026"}
    )
    client.logout()
    html = client.get(url, follow=True).content.decode()
    assert "Deze link werkt niet meer" in html
