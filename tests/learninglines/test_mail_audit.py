"""Every mail as sent, with names and texts people really type: one-line subjects, no broken
sentences, no trailing blank line, a greeting by name and the headers of automatic mail."""

from datetime import time, timedelta

import pytest
from django.utils import formats, timezone, translation

from learninglines.models import MagicLink, OutgoingMail
from learninglines.services.lines import line_create, membership_move
from learninglines.services.meetings import meeting_create, meeting_reminders_send, meeting_update
from learninglines.services.outbox import mail_queue, mail_send_queued
from learninglines.services.people import member_update, school_year_ensure_current
from learninglines.services.signin import _password_reset_send, magic_link_send
from sessions_app.models import ExchangeParticipant
from sessions_app.services.day import session_publish
from sessions_app.services.exchanges import exchange_accept, exchange_cancel, exchange_start
from sessions_app.services.sessions import session_update
from tests.factories import MemberFactory, SchoolFactory, UserFactory
from tests.sessions_app.plenary import plenary_of

pytestmark = pytest.mark.django_db

HOSTILE = 'Lezen <b>&amp;"quotes"</b>\r\nen\nrekenen'
ONE_LINE = 'Lezen <b>&amp;"quotes"</b> en rekenen'
SCHOOL = "Basisschool 't Anker, Zuid; groep 1-8"


@pytest.fixture(autouse=True)
def _locmem(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def anker(db):
    return SchoolFactory(name=SCHOOL, slug="anker")


def _member(school, first, last="", prefix="", email=None):
    user = UserFactory(email=email) if email else UserFactory()
    return MemberFactory(
        school=school, user=user, first_name=first, name_prefix=prefix, last_name=last
    )


def _sent(mailoutbox):
    assert mail_send_queued(limit=1000).failed == 0
    assert not OutgoingMail.objects.exclude(status=OutgoingMail.Status.SENT).exists()
    return list(mailoutbox)


def _day(value, fmt, language):
    with translation.override(language):
        return formats.date_format(value, fmt)


def test_a_meeting_topic_and_place_with_line_breaks_read_as_one_line(anker, mailoutbox):
    year = school_year_ensure_current(school=anker)
    line = line_create(school=anker, year=year, name="Lezen")
    obrien = _member(anker, "Siobhán 🙂", "O'Brien", email="siobhan@anker.example")
    membership_move(member=obrien, line=line, start=year.start)
    tomorrow = timezone.localdate() + timedelta(days=1)
    meeting = meeting_create(
        line=line, date=tomorrow, start_time=time(15), end_time=time(16), topic="Iets", place=""
    )
    meeting_update(meeting=meeting, topic=HOSTILE, place="Lokaal\r\n12")
    meeting_reminders_send()
    [mail] = _sent(mailoutbox)
    assert mail.to == ["siobhan@anker.example"]
    assert mail.subject == f"Morgen: {ONE_LINE} ({_day(tomorrow, 'l j F', 'nl')})"
    assert mail.body == (
        "Hallo Siobhán 🙂,\n\n"
        "Morgen komt je leerlijn Lezen bij elkaar.\n\n"
        f"Onderwerp: {ONE_LINE}\n"
        f"Datum: {_day(tomorrow, 'l j F Y', 'nl')}\n"
        "Tijd: 15:00\u201316:00\n"
        "Plaats: Lokaal 12\n\n"
        "De pagina van de bijeenkomst, met de agenda en ruimte voor aantekeningen achteraf:\n"
        f"https://leerlijnen.test/s/anker/meetings/{meeting.pk}/\n\n"
        f"Je krijgt deze mail omdat je in deze leerlijn zit bij {SCHOOL}.\n"
    )


def test_a_long_subject_is_cut_between_words_and_says_so(anker, mailoutbox):
    year = school_year_ensure_current(school=anker)
    line = line_create(school=anker, year=year, name="Lezen")
    membership_move(member=_member(anker, "Jan", "Hart", "'t"), line=line, start=year.start)
    topic = ("Begrijpend lezen " * 12).strip()  # 203 characters: cut by the model's 200
    meeting_create(
        line=line,
        date=timezone.localdate() + timedelta(days=1),
        start_time=time(15),
        end_time=time(16),
        topic=topic[:200],
    )
    meeting_reminders_send()
    [mail] = _sent(mailoutbox)
    # not "... Begrijpend lezen Begri" (the date after it cannot fit either)
    assert mail.subject == "Morgen: " + ("Begrijpend lezen " * 11).strip() + "…"
    assert len(mail.subject) <= 200


def test_a_subject_with_a_line_break_is_sent_on_one_line(mailoutbox):
    mail_queue(to="a@school.example", subject="Eerste regel\r\nBcc: x@evil.example", body="Tekst")
    [sent] = _sent(mailoutbox)
    assert sent.subject == "Eerste regel Bcc: x@evil.example"
    assert sent.bcc == []


def test_session_mails_read_title_and_place_as_one_line_in_english(anker, mailoutbox):
    anker.language = "en"
    anker.save()
    members = [_member(anker, "Ëlla", "W" * 120, email="ella@anker.example")] + [
        _member(anker, f"P{number}") for number in range(11)
    ]
    plenary = plenary_of(anker, members)
    session_update(session=plenary.session, title=HOSTILE, place="The\nhall")
    session_publish(session=plenary.session)
    mail = next(m for m in _sent(mailoutbox) if m.to == ["ella@anker.example"])
    day = _day(plenary.session.date, "l j F Y", "en")
    assert mail.body.startswith(
        "Hello Ëlla,\n\n"
        f"The table plan for {ONE_LINE} on {day}, 15:00 to 16:45, is ready. Place: The hall.\n\n"
        "Round 1: table "
    )
    assert "\r" not in mail.body
    assert mail.body.endswith(
        "The link works on your phone too, until the end of the day of the session.\n\n"
        "Ground rules: equal footing, genuine curiosity; it is not about better or worse.\n"
    )
    assert "/login/link/" in mail.body
    assert "[[personal-link]]" not in mail.body


def test_a_reflection_form_title_with_a_line_break_is_stored_on_one_line(anker):
    """It goes into the reminder's sentence and subject."""
    from sessions_app.models import Questionnaire
    from sessions_app.services.reflections import questionnaire_update

    plenary = plenary_of(anker, [_member(anker, f"P{number}") for number in range(9)])
    form = Questionnaire.objects.get(session=plenary.session)
    questionnaire_update(
        questionnaire=form,
        title="Terugblik\r\nop  de middag",
        intro="",
        opens_at=None,
        closes_at=None,
        open_at_reflection=True,
    )
    form.refresh_from_db()
    assert form.title == "Terugblik op de middag"


def test_exchange_topic_and_cancel_note_with_line_breaks_read_as_one_line(anker, mailoutbox):
    school_year_ensure_current(school=anker)
    obrien = _member(anker, "Siobhán", "O'Brien", email="siobhan@anker.example")
    hart = _member(anker, "Jan", "Hart", "'t", email="jan@anker.example")
    soon = (timezone.localtime() + timedelta(days=2)).replace(
        hour=15, minute=0, second=0, microsecond=0
    )
    exchange = exchange_start(
        initiator=obrien, invitees=[hart], topic=HOSTILE, kind="visit", moments=[soon]
    )
    [invited] = _sent(mailoutbox)
    assert invited.body.startswith(
        f"Hallo Jan,\n\nSiobhán O'Brien nodigt je uit om uit te wisselen over: {ONE_LINE}.\n"
    )
    mailoutbox.clear()
    hart_part = ExchangeParticipant.objects.get(exchange=exchange, member=hart)
    exchange_accept(participant=hart_part, moment=exchange.moments.get())
    _sent(mailoutbox)
    mailoutbox.clear()
    exchange_cancel(participant=hart_part, note="Ziek\r\nthuis")
    [cancelled] = _sent(mailoutbox)
    assert cancelled.to == ["siobhan@anker.example"]
    assert cancelled.subject == f"Afgezegd: {ONE_LINE}"
    assert cancelled.body.startswith(
        "Hallo Siobhán,\n\n"
        f"Jan 't Hart heeft de uitwisseling over “{ONE_LINE}” afgezegd.\n\n"
        "Ziek thuis\n\n"
        "https://leerlijnen.test/login/link/"
    )
    assert cancelled.body.endswith("/\n")


def test_every_mail_is_marked_automatic_so_out_of_office_replies_stay_away(anker, mailoutbox):
    member = _member(anker, "Siobhán", "O'Brien")
    magic_link_send(user=member.user, purpose=MagicLink.Purpose.INVITE, school=anker)
    [mail] = _sent(mailoutbox)
    message = mail.message()
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["X-Auto-Response-Suppress"] == "OOF, AutoReply"
    assert message["To"] == member.user.email
    assert message["Reply-To"] is None


def test_the_invitation_in_english_ends_without_a_blank_line(anker, mailoutbox):
    anker.language = "en"
    anker.save()
    member = _member(anker, "Siobhán 🙂", "O'Brien", email="siobhan@anker.example")
    magic_link_send(user=member.user, purpose=MagicLink.Purpose.INVITE, school=anker)
    [mail] = _sent(mailoutbox)
    assert mail.subject == f"Your personal link to {SCHOOL}"
    link = mail.body.split("\n\n")[2]
    assert link.startswith("https://leerlijnen.test/login/link/")
    assert mail.body == (
        "Hello Siobhán 🙂,\n\n"
        f"You have been invited to {SCHOOL} in Brengen & Halen, where your team plans its "
        "learning lines and plenary sessions. Open this personal link to sign in; no password "
        "is needed:\n\n"
        f"{link}\n\n"
        "The link works once and stays valid for 14 days.\n"
        "Not expecting this mail? You can ignore it: nobody can sign in without this link.\n\n"
        "Ground rules: equal footing, genuine curiosity; it is not about better or worse.\n"
    )


def test_the_password_mail_greets_by_first_name(anker, mailoutbox):
    member = _member(anker, "Siobhán", "O'Brien", email="siobhan@anker.example")
    _password_reset_send(user=member.user, language="nl", now=timezone.now())
    [mail] = _sent(mailoutbox)
    assert mail.subject == "Kies een wachtwoord voor Brengen & Halen"
    link = mail.body.split("\n\n")[2]
    assert link.startswith("https://leerlijnen.test/password/reset/")
    assert mail.body == (
        "Hallo Siobhán,\n\n"
        "Iemand (hopelijk jij) wil een wachtwoord kiezen voor dit adres. Open deze link om dat "
        "te doen:\n\n"
        f"{link}\n\n"
        "Heb je hier niet om gevraagd? Negeer deze mail dan; je account blijft zoals het is.\n"
    )


def test_the_address_mail_names_who_changed_it_not_their_address(anker, mailoutbox):
    steering = _member(anker, "Anouk", "Vries", "de", email="anouk@anker.example")
    member = _member(anker, "Jan", "Hart", "'t", email="jan@anker.example")
    member_update(
        member=member,
        first_name="Jan",
        name_prefix="'t",
        last_name="Hart",
        email="jan.hart@anker.example",
        by=steering.user,
    )
    [mail] = _sent(mailoutbox)
    assert mail.to == ["jan@anker.example"]
    assert mail.subject == f"Je adres bij {SCHOOL} is gewijzigd"
    assert mail.body == (
        "Hallo Jan,\n\n"
        "Het e-mailadres van je account bij Brengen & Halen is gewijzigd in j***@anker.example "
        "door Anouk de Vries. Mails en inloglinks gaan vanaf nu naar het nieuwe adres; de links "
        "die eerder naar dit adres zijn gestuurd, werken niet meer.\n\n"
        f"Had je dit niet verwacht? Vraag de stuurgroep van {SCHOOL} om het terug te zetten: wie "
        "het nieuwe adres heeft, kan als jij inloggen.\n"
    )
