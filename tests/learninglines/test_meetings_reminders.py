"""The reminder the day before a line meeting: once per member, in the school's language."""

import threading
from datetime import datetime, time, timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import formats, timezone, translation

from learninglines.models import LineMeeting, OutgoingMail
from learninglines.services.meetings import meeting_reminders_send
from tests.factories import MemberFactory
from tests.learninglines.test_meetings import join, make_line, plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def line(school, teacher):
    line = make_line(school, "A", "Lezen")
    join(teacher, line)
    return line


@pytest.fixture
def colleague(school, line):
    member = MemberFactory(school=school, first_name="Cor", last_name="Claassen")
    join(member, line)
    return member


def tomorrow():
    return timezone.localdate() + timedelta(days=1)


def test_meeting_tomorrow_reminds_each_member_of_the_line_once(
    line, teacher, colleague, other_school
):
    outsider = MemberFactory(school=line.school)  # in no line
    meeting = plan(line, tomorrow(), place="Lokaal 12", agenda="1. Terugblik")
    assert meeting_reminders_send() == 2
    assert meeting_reminders_send() == 0
    mails = OutgoingMail.objects.order_by("to")
    assert sorted(m.to for m in mails) == sorted([teacher.user.email, colleague.user.email])
    assert outsider.user.email not in [m.to for m in mails]
    assert {(m.kind, m.school_id) for m in mails} == {(OutgoingMail.Kind.OTHER, line.school_id)}
    assert {m.user_id for m in mails} == {teacher.user_id, colleague.user_id}
    meeting.refresh_from_db()
    assert meeting.reminder_sent_at is not None


def test_the_command_reminds_once_when_run_twice(line, teacher, colleague):
    plan(line, tomorrow())
    call_command("send_meeting_reminders")
    call_command("send_meeting_reminders")
    assert OutgoingMail.objects.count() == 2


@pytest.mark.parametrize("days", [-1, 0, 2, 7])
def test_meetings_not_tomorrow_get_no_reminder(line, teacher, days):
    plan(line, timezone.localdate() + timedelta(days=days))
    assert meeting_reminders_send() == 0
    assert OutgoingMail.objects.count() == 0


def test_tomorrow_is_the_local_date_after_now(line, teacher):
    """At 23:30 in Amsterdam (22:30 UTC in winter) "tomorrow" is the next local day."""
    day = tomorrow()
    plan(line, day + timedelta(days=1))
    late = timezone.make_aware(datetime.combine(day, time(23, 30)))
    assert meeting_reminders_send(now=late) == 1


def test_members_who_left_or_were_deactivated_get_no_reminder(school, line, teacher):
    left = MemberFactory(school=school)
    join(left, line, end=timezone.localdate())
    inactive = MemberFactory(school=school, is_active=False)
    join(inactive, line)
    plan(line, tomorrow())
    assert meeting_reminders_send() == 1
    assert OutgoingMail.objects.get().to == teacher.user.email


def test_archived_line_sends_no_reminder(line, teacher):
    plan(line, tomorrow())
    line.archived_at = timezone.now()
    line.save()
    assert meeting_reminders_send() == 0


def test_a_claimed_meeting_is_skipped(line, teacher):
    """Another run claimed it first: this run sends nothing for it."""
    meeting = plan(line, tomorrow())
    LineMeeting.objects.filter(pk=meeting.pk).update(reminder_sent_at=timezone.now())
    assert meeting_reminders_send() == 0


def test_reminder_is_dutch_for_a_dutch_school(line, teacher, settings):
    day = tomorrow()
    meeting = plan(
        line, day, start=time(15, 30), end=time(17), place="Lokaal 12", agenda="1. Terugblik"
    )
    meeting_reminders_send()
    mail = OutgoingMail.objects.get()
    with translation.override("nl"):
        long_date = formats.date_format(day, "l j F Y")
        short_date = formats.date_format(day, "l j F")
    assert mail.subject == f"Morgen: Feedback geven ({short_date})"
    assert mail.body == (
        "Hallo Sanne,\n\n"
        "Morgen komt je leerlijn Lezen bij elkaar.\n\n"
        "Onderwerp: Feedback geven\n"
        f"Datum: {long_date}\n"
        "Tijd: 15:30\u201317:00\n"
        "Plaats: Lokaal 12\n\n"
        "Agenda:\n1. Terugblik\n\n"
        "De pagina van de bijeenkomst, met de agenda en ruimte voor aantekeningen achteraf:\n"
        f"https://leerlijnen.test/s/de-regenboog/meetings/{meeting.pk}/\n\n"
        "Je krijgt deze mail omdat je in deze leerlijn zit bij Basisschool De Regenboog.\n"
    )


def test_reminder_is_english_for_an_english_school(school, line, teacher):
    school.language = "en"
    school.save()
    day = tomorrow()
    meeting = plan(line, day)
    meeting_reminders_send()
    mail = OutgoingMail.objects.get()
    with translation.override("en"):
        short_date = formats.date_format(day, "l j F")
    assert mail.subject == f"Tomorrow: Feedback geven ({short_date})"
    assert mail.body.startswith("Hello Sanne,\n\nYour learning line Lezen meets tomorrow.\n")
    assert "Place:" not in mail.body  # no place given
    assert f"https://leerlijnen.test/s/de-regenboog/meetings/{meeting.pk}/" in mail.body
    assert "/login/" not in mail.body  # a plain link, not a sign-in link


@pytest.mark.postgresql("two cron runs at once need real row locks and parallel connections")
@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_remind_once(line, teacher, colleague):
    plan(line, tomorrow())
    barrier = threading.Barrier(2)
    results = []

    def run():
        try:
            barrier.wait()
            results.append(meeting_reminders_send())
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [0, 2]
    assert OutgoingMail.objects.count() == 2
