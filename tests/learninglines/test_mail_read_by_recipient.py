"""Every mail the app sends, read as the person who gets it, in both of a school's languages.

For each mail: the greeting (first name, for a coach as for a teacher), the subject, the
language of the school, free text (names, topics, notes with &, < and ') arriving literally,
no doubled blank lines, and a link that opens for that recipient (after the sign-in a personal
link asks for) in the school's language.
"""

import re
from datetime import date, time, timedelta

import pytest
from django.utils import timezone

from learninglines.models import MagicLink, OutgoingMail, SchoolYear, User
from learninglines.services.lines import line_create, membership_move
from learninglines.services.meetings import meeting_create, meeting_reminders_send
from learninglines.services.outbox import mail_send_queued
from learninglines.services.people import coach_assign, member_update, school_year_ensure_current
from learninglines.services.privacy import NOTICE_BEFORE, retention_apply
from learninglines.services.signin import _password_reset_send, magic_link_send
from sessions_app.models import ExchangeParticipant, Questionnaire
from sessions_app.services.day import session_publish
from sessions_app.services.exchanges import (
    exchange_accept,
    exchange_cancel,
    exchange_decline,
    exchange_propose_moment,
    exchange_start,
    exchanges_ask_if_held,
    exchanges_tell_moments_passed,
)
from sessions_app.services.reflections import questionnaire_open, reflection_remind
from sessions_app.services.sessions import session_update
from tests.dutch import long_date, long_day
from tests.factories import MemberFactory, SchoolFactory, UserFactory
from tests.sessions_app.plenary import plenary_of

pytestmark = pytest.mark.django_db

SITE = "https://leerlijnen.test"
SCHOOL = "Basisschool 't Anker & co"
TOPIC = "Lezen < rekenen & 'taal'"
LANGUAGES = ["nl", "en"]


@pytest.fixture(autouse=True)
def _locmem(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def _school(language):
    return SchoolFactory(name=SCHOOL, slug="anker", language=language)


def _member(school, first, last="", *, email=None, steering=False):
    user = UserFactory(email=email) if email else UserFactory()
    return MemberFactory(
        school=school, user=user, first_name=first, last_name=last, is_steering=steering
    )


def _words(body):
    """The words a reader sees, leaving out links (a random token may spell any name)."""
    return set(re.findall(r"\w+", re.sub(r"\S+://\S+", " ", body)))


def _sent(mailoutbox, *, now=None):
    """Send what waits in the outbox (as cron does) and hand over the mails as they went out."""
    assert mail_send_queued(now=now, limit=1000).failed == 0
    assert not OutgoingMail.objects.exclude(status=OutgoingMail.Status.SENT).exists()
    mails = list(mailoutbox)
    mailoutbox.clear()
    for mail in mails:
        assert "\r" not in mail.body
        assert "\n\n\n" not in mail.body
        assert "&amp;" not in mail.body + mail.subject
        assert "&#x27;" not in mail.body + mail.subject
        assert "&lt;" not in mail.body + mail.subject
        assert mail.subject == mail.subject.strip()
    return mails


def _to(mails, user):
    [mail] = [mail for mail in mails if mail.to == [user.email]]
    return mail


def _link(body: str) -> str:
    [link] = [line for line in body.splitlines() if line.startswith(SITE)]
    return link


def _opens(client, user, url, language=None):
    """Open `url` as `user` does: a personal link by its button, a plain link signed in. The
    page must open (200); a personal link's page speaks the school's language."""
    path = url.removeprefix(SITE)
    if path.startswith("/login/link/"):
        assert client.get(path).status_code == 200
        pressed = client.post(path)
        assert pressed.status_code == 302, pressed
        path = pressed.url
    else:
        client.force_login(user)
    page = client.get(path, follow=True)
    assert page.status_code == 200, path
    assert page.wsgi_request.user == user
    if language is not None:
        assert page.headers["Content-Language"] == language
    return page


def _day(value, language):
    """'donderdag 19 november' / 'Thursday 19 November'."""
    return long_day(value) if language == "nl" else f"{value:%A} {value.day} {value:%B}"


def _date(value, language):
    """'donderdag 19 november 2026' / 'Thursday 19 November 2026'."""
    return f"{_day(value, language)} {value.year}"


# --- the coach: greeted by first name, as the team is ---


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_coachs_invitation_greets_her_by_first_name(client, mailoutbox, language):
    school = _school(language)
    school_year_ensure_current(school=school)
    assignment, _created = coach_assign(
        school=school, email="karin.hoekstra@coach.example", name="Karin Hoekstra"
    )
    [mail] = _sent(mailoutbox)
    assert mail.to == ["karin.hoekstra@coach.example"]
    if language == "nl":
        assert mail.subject == f"Jouw persoonlijke link naar {SCHOOL}"
        assert mail.body.startswith(
            f"Hallo Karin,\n\nJe bent uitgenodigd als coach van {SCHOOL} in Brengen & Halen, "
        )
    else:
        assert mail.subject == f"Your personal link to {SCHOOL}"
        assert mail.body.startswith(
            f"Hello Karin,\n\nYou have been invited as the coach of {SCHOOL} in Brengen & Halen, "
        )
    assert "Hoekstra" not in _words(mail.body)
    page = _opens(client, assignment.user, _link(mail.body), language)
    assert page.wsgi_request.path == f"/s/{school.slug}/"


@pytest.mark.parametrize(
    ("name", "greeting"),
    [("Karin Hoekstra", "Hallo Karin,"), ("K. Hoekstra", "Hallo K. Hoekstra,"), ("", "Hallo,")],
)
def test_the_coachs_password_mail_greets_her_as_her_invitation_does(
    client, mailoutbox, name, greeting
):
    school = _school("nl")
    coach = coach_assign(school=school, email="coach@coach.example", name=name, send_invite=False)
    user = coach[0].user
    _password_reset_send(user=user, language="nl", now=timezone.now())
    [mail] = _sent(mailoutbox)
    assert mail.subject == "Kies een wachtwoord voor Brengen & Halen"
    assert mail.body.splitlines()[0] == greeting
    assert client.get(_link(mail.body).removeprefix(SITE), follow=True).status_code == 200


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_teachers_sign_in_link_greets_her_and_signs_her_in(client, mailoutbox, language):
    school = _school(language)
    fleur = _member(school, "Fleur", "O'Neill & co", email="fleur@anker.example")
    magic_link_send(user=fleur.user, purpose=MagicLink.Purpose.SIGN_IN, language=language)
    [mail] = _sent(mailoutbox)
    assert mail.subject == {"nl": "Je inloglink", "en": "Your sign-in link"}[language]
    assert mail.body.splitlines()[0] == {"nl": "Hallo Fleur,", "en": "Hello Fleur,"}[language]
    _opens(client, fleur.user, _link(mail.body), language)


# --- line meetings ---


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_meeting_reminder_reads_the_agenda_as_typed_in_a_textarea(client, mailoutbox, language):
    school = _school(language)
    year = school_year_ensure_current(school=school)
    line = line_create(school=school, year=year, name="Lezen & taal")
    fleur = _member(school, "Fleur", "O'Neill & co", email="fleur@anker.example")
    membership_move(member=fleur, line=line, start=year.start)
    tomorrow = timezone.localdate() + timedelta(days=1)
    meeting = meeting_create(
        line=line,
        date=tomorrow,
        start_time=time(15),
        end_time=time(16, 30),
        topic=TOPIC,
        place="Lokaal 12 & 13",
        # as a browser posts a textarea: CR LF, a line ending in spaces, gaps of blank lines
        agenda="1. Welkom <iedereen>  \r\n\r\n\r\n\r\n2. Fleur O'Neill & co vertelt\r\n",
    )
    meeting_reminders_send()
    [mail] = _sent(mailoutbox)
    url = f"{SITE}/s/anker/meetings/{meeting.pk}/"
    agenda = "1. Welkom <iedereen>\n\n2. Fleur O'Neill & co vertelt\n"
    if language == "nl":
        assert mail.subject == f"Morgen: {TOPIC} ({_day(tomorrow, 'nl')})"
        assert mail.body == (
            "Hallo Fleur,\n\n"
            "Morgen komt je leerlijn Lezen & taal bij elkaar.\n\n"
            f"Onderwerp: {TOPIC}\n"
            f"Datum: {long_day(tomorrow)} {tomorrow.year}\n"
            "Tijd: 15:00\u201316:30\n"
            "Plaats: Lokaal 12 & 13\n\n"
            f"Agenda:\n{agenda}\n"
            "De pagina van de bijeenkomst, met de agenda en ruimte voor aantekeningen achteraf:\n"
            f"{url}\n\n"
            f"Je krijgt deze mail omdat je in deze leerlijn zit bij {SCHOOL}.\n"
        )
    else:
        assert mail.subject == f"Tomorrow: {TOPIC} ({_day(tomorrow, 'en')})"
        assert mail.body == (
            "Hello Fleur,\n\n"
            "Your learning line Lezen & taal meets tomorrow.\n\n"
            f"Topic: {TOPIC}\n"
            f"Date: {_date(tomorrow, 'en')}\n"
            "Time: 15:00\u201316:30\n"
            "Place: Lokaal 12 & 13\n\n"
            f"Agenda:\n{agenda}\n"
            "The meeting page, with the agenda and room for notes afterwards:\n"
            f"{url}\n\n"
            f"You receive this mail because you are in this learning line at {SCHOOL}.\n"
        )
    _opens(client, fleur.user, _link(mail.body))


# --- plenary sessions ---


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_table_mail_names_colleagues_literally_and_opens_my_table(client, mailoutbox, language):
    school = _school(language)
    fleur = _member(school, "Fleur", "O'Neill & co", email="fleur@anker.example")
    members = [fleur] + [_member(school, f"P{number}", "Jansen") for number in range(11)]
    plenary = plenary_of(school, members)
    session_update(session=plenary.session, title=TOPIC, place="Aula & hal")
    session_publish(session=plenary.session)
    mails = _sent(mailoutbox)
    assert len(mails) == 12
    day = plenary.session.date
    mail = _to(mails, fleur.user)
    if language == "nl":
        assert mail.subject == f"Plenaire bijeenkomst op {_day(day, 'nl')}: jouw tafel"
        assert mail.body.startswith(
            "Hallo Fleur,\n\n"
            f"De tafelindeling voor {TOPIC} op {long_day(day)} {day.year}, 15:00 tot 16:45, is "
            "klaar. Plaats: Aula & hal.\n\nRonde 1: tafel "
        )
    else:
        assert mail.subject == f"Plenary session on {_day(day, 'en')}: your table"
        assert mail.body.startswith(
            "Hello Fleur,\n\n"
            f"The table plan for {TOPIC} on {_date(day, 'en')}, 15:00 to 16:45, is ready. "
            "Place: Aula & hal.\n\nRound 1: table "
        )
    # who sits with her reads her name as she typed it
    assert sum("Fleur O'Neill & co (A)" in other.body for other in mails) >= 2
    page = _opens(client, fleur.user, _link(mail.body), language)
    assert page.wsgi_request.path == f"/s/anker/sessions/{plenary.session.pk}/me/"


# --- reflection forms ---


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_reflection_reminder_quotes_the_forms_title_in_its_subject(
    client, mailoutbox, language
):
    school = _school(language)
    fleur = _member(school, "Fleur", "O'Neill & co", email="fleur@anker.example")
    plenary = plenary_of(school, [fleur] + [_member(school, f"P{n}") for n in range(8)])
    form = questionnaire_open(questionnaire=Questionnaire.objects.get(session=plenary.session))
    reflection_remind(questionnaire=form)
    mail = _to(_sent(mailoutbox), fleur.user)
    closes = timezone.localtime(form.closes_at)
    if language == "nl":
        assert form.title == "Reflectie: Plenaire bijeenkomst"
        # not "Herinnering: Reflectie: Plenaire bijeenkomst", two colons in a row
        assert mail.subject == "Herinnering: \u201cReflectie: Plenaire bijeenkomst\u201d"
        assert mail.body.startswith(
            "Hallo Fleur,\n\nJe hebt het reflectieformulier \u201cReflectie: Plenaire "
            "bijeenkomst\u201d nog niet ingevuld. Het kost ongeveer twee minuten:\n\n"
        )
        assert (
            f"\n\nHet formulier sluit op {long_day(closes)}, {closes:%H:%M}. Tot dan kun je je "
            "antwoorden nog aanpassen.\n\n"
        ) in mail.body
    else:
        assert form.title == "Reflection: Plenaire bijeenkomst"
        assert mail.subject == "Reminder: \u201cReflection: Plenaire bijeenkomst\u201d"
        assert mail.body.startswith(
            "Hello Fleur,\n\nYou have not yet filled in the reflection form \u201cReflection: "
            "Plenaire bijeenkomst\u201d. It takes about two minutes:\n\n"
        )
        assert (
            f"\n\nThe form closes on {_day(closes, 'en')}, {closes:%H:%M}. Until then you can "
            "change your answers.\n\n"
        ) in mail.body
    page = _opens(client, fleur.user, _link(mail.body), language)
    assert page.wsgi_request.path == f"/s/anker/reflections/{form.pk}/answer/"


def test_a_reminder_of_a_form_without_a_closing_time_has_no_gap_of_two_lines(mailoutbox):
    school = _school("nl")
    fleur = _member(school, "Fleur", "O'Neill & co", email="fleur@anker.example")
    plenary = plenary_of(school, [fleur] + [_member(school, f"P{n}") for n in range(8)])
    form = questionnaire_open(questionnaire=Questionnaire.objects.get(session=plenary.session))
    Questionnaire.objects.filter(pk=form.pk).update(closes_at=None)
    form.refresh_from_db()
    reflection_remind(questionnaire=form)
    mail = _to(_sent(mailoutbox), fleur.user)
    link = _link(mail.body)
    assert mail.body.endswith(
        f"minuten:\n\n{link}\n\n"
        "De link werkt tot het einde van vandaag, ook op je telefoon. Bij elke vraag staat wie "
        "je antwoord leest.\n"
    )


# --- small exchanges: every mail of one exchange's life, each read by who gets it ---


def _soon(days, hour=15):
    moment = timezone.localtime() + timedelta(days=days)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0)


def _part(exchange, member):
    return ExchangeParticipant.objects.get(exchange=exchange, member=member)


EXCHANGE_TEXT = {
    "nl": {
        "hello": "Hallo {name},",
        "invited": "{who} nodigt je uit om uit te wisselen",
        "invited_line": "{who} nodigt je uit om uit te wisselen over: {topic}.",
        "proposed": "Een ander moment voor: {topic}",
        "proposed_line": "{who} stelt een ander moment voor voor de uitwisseling over “{topic}”: "
        "{when}. Past dat jou?",
        "agreed": "Afgesproken: {topic}",
        "agreed_line": "{who} heeft geaccepteerd: de uitwisseling over “{topic}” is op {when}. "
        "Ze staat ook in je persoonlijke agenda.",
        "followup": "Is het doorgegaan? {topic}",
        "cancelled": "Afgezegd: {topic}",
        "cancelled_line": "{who} heeft de uitwisseling over “{topic}” afgezegd.",
        "off": "Gaat niet door: {topic}",
        "passed": "Nog geen moment afgesproken: {topic}",
    },
    "en": {
        "hello": "Hello {name},",
        "invited": "{who} invites you to exchange",
        "invited_line": "{who} invites you to exchange about: {topic}.",
        "proposed": "Another moment for: {topic}",
        "proposed_line": "{who} proposes another moment for the exchange about “{topic}”: "
        "{when}. Does it suit you?",
        "agreed": "Agreed: {topic}",
        "agreed_line": "{who} accepted: the exchange about “{topic}” is on {when}. It is in "
        "your personal calendar too.",
        "followup": "Did it take place? {topic}",
        "cancelled": "Cancelled: {topic}",
        "cancelled_line": "{who} cancelled the exchange about “{topic}”.",
        "off": "Does not go ahead: {topic}",
        "passed": "No moment agreed yet: {topic}",
    },
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_exchange_mail_reads_well_and_opens_the_exchange(client, mailoutbox, language):
    text = EXCHANGE_TEXT[language]
    school = _school(language)
    school_year_ensure_current(school=school)
    fleur = _member(school, "Fleur", "O'Neill & co", email="fleur@anker.example")
    jan = _member(school, "Jan", "'t Hart", email="jan@anker.example")
    bo = _member(school, "Bo", email="bo@anker.example")
    fleur_says, jan_says = text["hello"].format(name="Fleur"), text["hello"].format(name="Jan")

    def check(mail, recipient, greeting, subject, *lines):
        assert mail.to == [recipient.user.email]
        assert mail.subject == subject
        assert mail.body.splitlines()[0] == greeting
        for line in lines:
            assert f"\n{line}\n" in mail.body
        client.logout()
        client.cookies.clear()
        page = _opens(client, recipient.user, _link(mail.body), language)
        assert page.wsgi_request.path == f"/s/anker/exchanges/{exchange.pk}/"

    # Fleur invites Jan
    exchange = exchange_start(
        initiator=fleur, invitees=[jan], topic=TOPIC, kind="visit", moments=[_soon(2)]
    )
    [invited] = _sent(mailoutbox)
    who = "Fleur O'Neill & co"
    check(
        invited,
        jan,
        jan_says,
        text["invited"].format(who=who),
        text["invited_line"].format(who=who, topic=TOPIC),
        f"- {_day(_soon(2), language)}, 15:00",
    )
    # Jan proposes another moment; Fleur hears it
    later = _soon(3, hour=14)
    exchange_propose_moment(participant=_part(exchange, jan), starts_at=later)
    [proposed] = _sent(mailoutbox)
    when = f"{_day(later, language)}, 14:00"
    check(
        proposed,
        fleur,
        fleur_says,
        text["proposed"].format(topic=TOPIC),
        text["proposed_line"].format(who="Jan 't Hart", topic=TOPIC, when=when),
    )
    # Fleur agrees; Jan hears it
    moment = exchange.moments.get(starts_at=later)
    exchange_accept(participant=_part(exchange, fleur), moment=moment)
    [agreed] = _sent(mailoutbox)
    check(
        agreed,
        jan,
        jan_says,
        text["agreed"].format(topic=TOPIC),
        text["agreed_line"].format(who=who, topic=TOPIC, when=when),
    )
    # the moment passed: both are asked whether it took place
    after = later + timedelta(hours=3)
    assert exchanges_ask_if_held(now=after) == 1
    followups = _sent(mailoutbox, now=after)
    check(_to(followups, fleur.user), fleur, fleur_says, text["followup"].format(topic=TOPIC))
    check(_to(followups, jan.user), jan, jan_says, text["followup"].format(topic=TOPIC))

    # Jan invites Fleur and calls it off with a note
    exchange = exchange_start(
        initiator=jan, invitees=[fleur], topic=TOPIC, kind="visit", moments=[], self_arranged=True
    )
    _sent(mailoutbox)
    exchange_accept(participant=_part(exchange, fleur))
    _sent(mailoutbox)
    exchange_cancel(participant=_part(exchange, jan), note="Ziek <thuis> & O'Neill belt")
    [cancelled] = _sent(mailoutbox)
    check(
        cancelled,
        fleur,
        fleur_says,
        text["cancelled"].format(topic=TOPIC),
        text["cancelled_line"].format(who="Jan 't Hart", topic=TOPIC),
        "Ziek <thuis> & O'Neill belt",
    )

    # Fleur invites Bo, who declines: Fleur hears it is off
    exchange = exchange_start(
        initiator=fleur, invitees=[bo], topic=TOPIC, kind="visit", moments=[_soon(2)]
    )
    _sent(mailoutbox)
    exchange_decline(participant=_part(exchange, bo))
    [off] = _sent(mailoutbox)
    check(off, fleur, fleur_says, text["off"].format(topic=TOPIC))
    assert "Bo" not in _words(off.body)

    # Fleur invites Jan; the moment passes unanswered: both hear nothing was agreed
    exchange = exchange_start(
        initiator=fleur, invitees=[jan], topic=TOPIC, kind="visit", moments=[_soon(2)]
    )
    _sent(mailoutbox)
    after = _soon(2) + timedelta(hours=1)
    assert exchanges_tell_moments_passed(now=after) == 1
    passed = _sent(mailoutbox, now=after)
    check(_to(passed, fleur.user), fleur, fleur_says, text["passed"].format(topic=TOPIC))
    check(_to(passed, jan.user), jan, jan_says, text["passed"].format(topic=TOPIC))


@pytest.mark.parametrize(
    "topic", ["Hoe geef je feedback?", "Samen lezen.", "Wat werkt bij <groep 3> & 'taal'!"]
)
def test_a_topic_that_ends_a_sentence_gets_no_second_full_stop(mailoutbox, topic):
    school = _school("en")
    school_year_ensure_current(school=school)
    fleur = _member(school, "Fleur", "O'Neill & co")
    jan = _member(school, "Jan", "'t Hart")
    exchange_start(initiator=fleur, invitees=[jan], topic=topic, kind="visit", moments=[_soon(2)])
    [invited] = _sent(mailoutbox)
    assert f"\nFleur O'Neill & co invites you to exchange about: {topic}\n" in invited.body


# --- privacy and the account ---


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_retention_notice_names_the_year_and_opens_my_data(client, mailoutbox, language):
    school = _school(language)
    fleur = _member(school, "Fleur", "O'Neill & co", email="fleur@anker.example")
    SchoolYear.objects.create(
        school=school, name="2023-2024", start=date(2023, 8, 1), end=date(2024, 7, 31)
    )
    assert retention_apply().notified == 1
    [mail] = _sent(mailoutbox)
    due = timezone.localdate() + NOTICE_BEFORE
    if language == "nl":
        assert mail.subject == "Teksten van schooljaar 2023-2024 worden verwijderd"
        assert mail.body.startswith(
            f"Hallo Fleur,\n\nOp {long_date(due)} verwijdert {SCHOOL} de teksten van schooljaar "
            "2023-2024:"
        )
    else:
        assert mail.subject == "Texts of school year 2023-2024 will be deleted"
        assert mail.body.startswith(
            f"Hello Fleur,\n\nOn {due.day} {due:%B} {due.year} {SCHOOL} deletes the texts of "
            "school year 2023-2024:"
        )
    assert _link(mail.body) == f"{SITE}/me/data/"
    _opens(client, fleur.user, _link(mail.body))


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_address_mail_goes_to_the_old_address_by_first_name(mailoutbox, language):
    school = _school(language)
    anouk = _member(school, "Anouk", "de Vries", steering=True)
    fleur = _member(school, "Fleur", "O'Neill & co", email="fleur@anker.example")
    member_update(
        member=fleur,
        first_name="Fleur",
        name_prefix="",
        last_name="O'Neill & co",
        email="fleur.oneill@anker.example",
        by=anouk.user,
    )
    [mail] = _sent(mailoutbox)
    assert mail.to == ["fleur@anker.example"]
    first = {"nl": "Hallo Fleur,", "en": "Hello Fleur,"}[language]
    subject = {
        "nl": f"Je adres bij {SCHOOL} is gewijzigd",
        "en": f"Your address at {SCHOOL} was changed",
    }[language]
    assert (mail.body.splitlines()[0], mail.subject) == (first, subject)
    assert User.objects.filter(email="fleur.oneill@anker.example").exists()
