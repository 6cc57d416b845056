"""The session's day: publish and announce, the teacher's table, the clock, print, held, calendar.

The school is the small one of `test_sessions_access` (13 members in 3 lines, a session a week
from today with the method's program and a table plan): 4 tables per round, 2 table rounds.
"""

import html
import re
from datetime import datetime, time, timedelta
from urllib.parse import urlsplit

import icalendar
import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.urls import reverse
from django.utils import timezone

from learninglines.models import (
    LineMembership,
    MagicLink,
    MagicLinkUse,
    OutgoingMail,
    SchoolYear,
)
from learninglines.services.journal import calendar_feed_get_or_create
from learninglines.services.lines import membership_move
from learninglines.services.meetings import meeting_create
from learninglines.services.outbox import mail_send_queued
from sessions_app.models import PlanTable, PlenarySession, Seat, SessionClock
from sessions_app.selectors.day import clock_state
from sessions_app.selectors.plans import plan_history
from sessions_app.services.attendance import PresenceData, attendance_save
from sessions_app.services.day import clock_act, session_announce_change, session_publish
from sessions_app.services.plans import plan_lock, plan_swap
from sessions_app.services.sessions import session_create, session_hold
from tests.dutch import long_date, long_day
from tests.factories import CoachAssignmentFactory, MemberFactory
from tests.sessions_app.plenary import Plenary, as_user

pytestmark = pytest.mark.django_db

SITE = "https://leerlijnen.test"


# --- helpers reading the plan and the pages ---


def tables_of(plenary: Plenary, member) -> list[int | None]:
    """The member's table number per round (None: no seat)."""
    rounds = plenary.plan.rounds.count()
    out: list[int | None] = [None] * rounds
    for number, table in Seat.objects.filter(round__plan=plenary.plan, member=member).values_list(
        "round__number", "table__number"
    ):
        out[number - 1] = table
    return out


def companions(plenary: Plenary, member, number: int) -> set[str]:
    """Full names of the others at the member's table in round `number`."""
    seat = Seat.objects.get(round__plan=plenary.plan, round__number=number, member=member)
    return {
        s.member.full_name
        for s in Seat.objects.filter(table=seat.table).select_related("member")
        if s.member_id != member.pk
    }


def section(page: str, number: int) -> str:
    """The teacher page's card of round `number`."""
    start = page.index(f'aria-labelledby="round-{number}-title"')
    return page[start : page.index("</section>", start)]


def colleagues_shown(card: str) -> set[str]:
    return {
        html.unescape(name)
        for name in re.findall(r'</span>\s*<span>([^<]+)</span>\s*<span class="small', card)
    }


def my_page(client, plenary: Plenary, **headers) -> str:
    response = client.get(plenary.url("my-session"), headers=headers)
    assert response.status_code == 200
    return response.content.decode()


def mails_of(session) -> dict[str, OutgoingMail]:
    mails = OutgoingMail.objects.filter(kind=OutgoingMail.Kind.SESSION, school=session.school)
    by_address = {mail.to: mail for mail in mails}
    assert len(by_address) == mails.count(), "one mail per person"
    return by_address


def table_lines(body: str) -> list[str]:
    return [line for line in body.splitlines() if line.startswith("Ronde ")]


def link_path(url: str) -> str:
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}" == SITE
    return parts.path


# --- publish: one mail per seated member, with their own link and tables ---


def test_publishing_queues_one_mail_per_seated_member_with_their_link_and_tables(
    client, people, plenary
):
    response = as_user(client, people["steering"]).post(plenary.url("session-publish"))
    assert response.status_code == 302
    assert response["Location"] == plenary.session.get_absolute_url()
    plenary.session.refresh_from_db()
    assert plenary.session.status == PlenarySession.Status.PUBLISHED

    mails = mails_of(plenary.session)
    assert sorted(mails) == sorted(m.user.email for m in plenary.members)
    my_path = plenary.url("my-session")
    for member in plenary.members:
        mail = mails[member.user.email]
        assert mail.status == OutgoingMail.Status.QUEUED
        assert mail.user == member.user
        assert mail.magic_link.user == member.user
        assert mail.magic_link.purpose == MagicLink.Purpose.SESSION
        assert mail.magic_link.next_path == my_path
        shown = table_lines(mail.body)
        assert len(shown) == 2
        for number, (line, table) in enumerate(
            zip(shown, tables_of(plenary, member), strict=True), start=1
        ):
            assert line.startswith(f"Ronde {number}: tafel {table} (met ")
            named = line.removeprefix(f"Ronde {number}: tafel {table} (met ").removesuffix(")")
            others = {name.rsplit(" (", 1)[0] for name in named.split(", ")}
            assert others == companions(plenary, member, number)
    followed = client.get(response["Location"])
    assert "Gepubliceerd. 13 mails met een persoonlijke link zijn onderweg." in (
        followed.content.decode()
    )


def test_a_second_publish_is_refused_and_queues_nothing(client, people, plenary):
    session_publish(session=plenary.session)
    response = as_user(client, people["coach"]).post(plenary.url("session-publish"), follow=True)
    assert "Deze bijeenkomst is al gepubliceerd." in response.content.decode()
    assert OutgoingMail.objects.filter(kind=OutgoingMail.Kind.SESSION).count() == 13


def test_moving_a_published_session_mails_everyone_the_new_moment_and_a_new_link(
    client, people, plenary
):
    session = plenary.session
    session_publish(session=session)
    first_links = set(MagicLink.objects.values_list("pk", flat=True))
    data = {
        "title": "Nieuwe titel",
        "date": session.date.isoformat(),
        "start_time": "15:00",
        "end_time": "16:45",
        "place": session.place,
        "group_size": "",
    }
    steering = as_user(client, people["steering"])
    # a new title alone tells nobody
    response = steering.post(plenary.url("session-update"), data, follow=True)
    assert [str(m) for m in response.context["messages"]] == ["De bijeenkomst is bewaard."]
    assert OutgoingMail.objects.filter(kind=OutgoingMail.Kind.SESSION).count() == 13

    later = min(session.date + timedelta(days=1), plenary.year.end)
    data.update(date=later.isoformat(), start_time="14:30", place="Gymzaal")
    response = steering.post(plenary.url("session-update"), data, follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "De bijeenkomst is bewaard. 13 mensen krijgen een mail met de nieuwe dag, tijd of plek."
    ]
    moved = OutgoingMail.objects.filter(kind=OutgoingMail.Kind.SESSION).exclude(
        magic_link__in=first_links
    )
    assert sorted(moved.values_list("to", flat=True)) == sorted(
        m.user.email for m in plenary.members
    )
    mail = moved.get(to=plenary.members[1].user.email)
    assert mail.subject == f"Nieuwe titel verschuift: nu op {long_day(later)}"
    body = " ".join(mail.body.split())
    assert f"Nieuwe titel is verplaatst. Die is nu op {long_day(later)} {later.year}, " in body
    assert "14:30 tot 16:45. Plaats: Gymzaal." in body
    assert len(table_lines(mail.body)) == 2
    assert mail.magic_link.expires_at.date() > session.date


def test_the_publish_page_warns_before_the_mails_go_out_that_the_program_runs_over(
    client, people, plenary
):
    steering = as_user(client, people["steering"])
    page = " ".join(steering.get(plenary.url("session-publish")).content.decode().split())
    assert "Het programma loopt" not in page
    session = plenary.session
    total = sum(a.duration_minutes for a in session.assignments.all())
    start = datetime.combine(session.date, session.start_time)
    PlenarySession.objects.filter(pk=session.pk).update(
        end_time=(start + timedelta(minutes=total - 15)).time()
    )
    page = " ".join(steering.get(plenary.url("session-publish")).content.decode().split())
    assert (
        "Het programma loopt 15 minuten uit. Maak een opdracht korter of eindig later. "
        f'<a href="{session.get_absolute_url()}#program">Naar het programma</a>'
    ) in page


def test_publishing_without_a_plan_is_refused_with_a_message(client, people, plenary):
    plenary.plan.delete()
    response = as_user(client, people["steering"]).post(plenary.url("session-publish"), follow=True)
    assert "Maak eerst de tafelindeling." in response.content.decode()
    plenary.session.refresh_from_db()
    assert plenary.session.status == PlenarySession.Status.DRAFT
    assert not OutgoingMail.objects.filter(kind=OutgoingMail.Kind.SESSION).exists()


def test_nothing_is_sent_inside_the_request_only_after_the_response(
    settings, plenary, mailoutbox, django_capture_on_commit_callbacks
):
    """With sending on (development), the 13 mails go out when the response has finished."""
    settings.OUTBOX_SEND_IMMEDIATELY = True
    # What Django does around a request, without closing the test's connection.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        request_started.send(sender=None)
        with django_capture_on_commit_callbacks(execute=True):
            assert session_publish(session=plenary.session) == 13
        assert mailoutbox == []
        assert OutgoingMail.objects.filter(status=OutgoingMail.Status.QUEUED).count() == 13
        request_finished.send(sender=None)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    assert len(mailoutbox) == 13
    assert OutgoingMail.objects.filter(status=OutgoingMail.Status.SENT).count() == 13


def test_the_mailed_link_opens_the_table_on_two_devices_until_the_days_end(
    client, plenary, teacher, mailoutbox
):
    session_publish(session=plenary.session)
    assert mail_send_queued().sent == 13
    message = next(m for m in mailoutbox if m.to == [teacher.user.email])
    url = re.search(r"https://\S+", message.body).group(0)
    path = link_path(url)
    assert "[[personal-link]]" not in message.body

    home, phone = client, client.__class__()
    for device in (home, phone):
        response = device.post(path)
        assert response.status_code == 302
        assert response["Location"] == plenary.url("my-session")
        assert device.session["_auth_user_id"] == str(teacher.user.pk)
    assert f"Ronde 1 — tafel {tables_of(plenary, teacher)[0]}" in my_page(phone, plenary)

    link = OutgoingMail.objects.get(to=teacher.user.email).magic_link
    assert MagicLinkUse.objects.filter(link=link).count() == 2
    midnight = timezone.make_aware(
        datetime.combine(plenary.session.date + timedelta(days=1), datetime.min.time())
    )
    assert link.expires_at == midnight
    MagicLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.__class__().post(path).status_code == 410


# --- announce the change: only the people whose table changed ---


def _swap_across_tables(plenary: Plenary, number: int = 1):
    tables = plenary.seated(number)
    first, second = tables[0][0], tables[1][0]
    plan_swap(
        plan=plenary.plan,
        version=plenary.plan.version,
        round_number=number,
        first=first,
        second=second,
    )
    return first, second


def test_announce_mails_exactly_the_people_whose_table_changed(client, people, plenary):
    session_publish(session=plenary.session)
    OutgoingMail.objects.all().delete()
    first, second = _swap_across_tables(plenary)

    response = as_user(client, people["steering"]).post(plenary.url("session-announce"))
    assert response["Location"] == plenary.url("plan-detail")
    mails = mails_of(plenary.session)
    moved = [m for m in plenary.members if m.pk in (first, second)]
    assert sorted(mails) == sorted(m.user.email for m in moved)
    for member in moved:
        shown = table_lines(mails[member.user.email].body)
        assert shown[0].startswith(f"Ronde 1: tafel {tables_of(plenary, member)[0]} (met ")
    followed = client.get(plenary.url("plan-detail"))
    assert "2 mensen van wie de tafel veranderde, krijgen een mail." in followed.content.decode()

    # Told once: a second announce without a new change mails nobody.
    again = client.post(plenary.url("session-announce"), follow=True)
    assert "Sinds de laatste mail is niemands tafel veranderd." in again.content.decode()
    assert OutgoingMail.objects.count() == 2


def test_a_member_marked_absent_after_publishing_reads_they_have_no_seat_in_each_round(
    plenary, teacher
):
    session_publish(session=plenary.session)
    OutgoingMail.objects.all().delete()
    attendance_save(
        session=plenary.session,
        changes={teacher.pk: (PresenceData(), PresenceData(absent=True))},
    )
    session_announce_change(session=plenary.session)
    body = OutgoingMail.objects.get(to=teacher.user.email).body
    # not "Where you sit now:" followed by nothing
    assert table_lines(body) == [
        "Ronde 1: je hebt geen plek (je bent er dan niet)",
        "Ronde 2: je hebt geen plek (je bent er dan niet)",
    ]


def test_the_change_mail_says_what_its_link_opens_and_no_mail_has_a_double_blank_line(
    plenary,
):
    session_publish(session=plenary.session)
    published = OutgoingMail.objects.first()
    _swap_across_tables(plenary)
    session_announce_change(session=plenary.session)
    changed = OutgoingMail.objects.filter(subject__endswith="je tafel is veranderd").first()
    assert (
        "Op de dag zelf toont deze pagina je tafel, de collega's daar en de opdracht van dat "
        "moment:\n\n[[personal-link]]" in changed.body
    )
    for mail in (published, changed):
        assert "\n\n\n" not in mail.body.strip()
        # one blank line between the tables and what follows
        last_table = table_lines(mail.body)[-1]
        assert f"{last_table}\n\nOp de dag zelf" in mail.body


def test_a_change_after_publishing_is_on_the_teachers_page_at_once(client, plenary, teacher):
    session_publish(session=plenary.session)
    client.force_login(teacher.user)
    before = tables_of(plenary, teacher)[0]
    tables = plenary.seated(1)
    mine = next(i for i, t in enumerate(tables) if teacher.pk in t)
    other = tables[(mine + 1) % len(tables)][0]
    plan_swap(
        plan=plenary.plan,
        version=plenary.plan.version,
        round_number=1,
        first=teacher.pk,
        second=other,
    )
    after = tables_of(plenary, teacher)[0]
    assert after != before
    page = my_page(client, plenary)
    assert f"Ronde 1 — tafel {after}" in page
    assert colleagues_shown(section(page, 1)) == companions(plenary, teacher, 1)


def test_announce_before_publishing_is_refused(plenary):
    with pytest.raises(Exception, match="Alleen wijzigingen van een gepubliceerde bijeenkomst"):
        session_announce_change(session=plenary.session)


# --- the teacher's page ---


def test_before_publishing_the_teacher_reads_that_the_plan_follows_and_sees_nobody(
    client, plenary, teacher
):
    client.force_login(teacher.user)
    page = my_page(client, plenary)
    assert "De indeling volgt." in page
    for member in plenary.members:
        if member != teacher:
            assert html.escape(member.full_name) not in page


def test_after_publishing_the_teacher_sees_exactly_their_own_table_and_colleagues(
    client, plenary, teacher
):
    session_publish(session=plenary.session)
    client.force_login(teacher.user)
    page = my_page(client, plenary)
    mine = tables_of(plenary, teacher)
    for number in (1, 2):
        card = section(page, number)
        assert f"Ronde {number} — tafel {mine[number - 1]}" in card
        assert colleagues_shown(card) == companions(plenary, teacher, number)
    # Nobody else's name is on the page: only the colleagues of the teacher's two tables.
    shown = companions(plenary, teacher, 1) | companions(plenary, teacher, 2)
    for member in plenary.members:
        if member != teacher and member.full_name not in shown:
            assert html.escape(member.full_name) not in page
    first = plenary.session.assignments.order_by("position").first()
    assert html.escape(first.title) in page
    assert html.escape(first.instructions) in page


def test_the_teachers_page_leads_back_to_the_school_like_every_other_page(client, plenary, teacher):
    # On a phone the menu is folded away: the breadcrumb is the visible way back.
    client.force_login(teacher.user)
    page = my_page(client, plenary)
    school = plenary.session.school
    crumbs = page.split('<ol class="breadcrumb">')[1].split("</ol>")[0]
    assert f'<a href="{school.get_absolute_url()}">{html.escape(school.name)}</a>' in crumbs
    assert f'aria-current="page">{html.escape(plenary.session.title)}</li>' in crumbs


def test_an_absent_member_reads_that_they_are_not_seated(client, plenary, teacher):
    attendance_save(
        session=plenary.session,
        changes={teacher.pk: (PresenceData(), PresenceData(absent=True))},
    )
    session_publish(session=plenary.session)
    assert tables_of(plenary, teacher) == [None, None]
    client.force_login(teacher.user)
    page = my_page(client, plenary)
    assert "Je hebt geen plek aan een tafel." in page
    assert "— tafel" not in page
    assert OutgoingMail.objects.filter(to=teacher.user.email).count() == 0


NO_SEAT_IN_ROUND = "Je hebt in deze ronde geen plek (je bent er dan niet)."


def test_who_joined_after_the_plan_reads_they_are_not_in_it_and_where_to_go(
    client, plenary, teacher
):
    """Added to the team (and a line) after publishing: in the hall, but in no round of the
    plan. Not "you have no seat in this round (you are not there then)" in every round."""
    session_publish(session=plenary.session)
    newcomer = MemberFactory(school=plenary.school, first_name="Nieuw")
    membership_move(member=newcomer, line=plenary.lines[0], start=timezone.localdate())
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(newcomer.user)
    page = my_page(client, plenary)
    assert "You are not in the table plan (yet)." in page
    assert "Report to the steering group at the door: they find you a place at a table." in page
    assert "You have no seat in this round" not in page
    assert 'aria-labelledby="round-' not in page
    assert "— table" not in page
    # The program still shows what the whole room does.
    first = plenary.session.assignments.order_by("position").first()
    assert html.escape(first.title) in page
    # Someone seated in the plan never reads it.
    client.force_login(teacher.user)
    assert "not in the table plan" not in my_page(client, plenary)
    # Once the session is held, it is said in the past, without the door.
    session_hold(session=plenary.session)
    client.force_login(newcomer.user)
    page = my_page(client, plenary)
    assert "You were not in the table plan of this session." in page
    assert "at the door" not in page


def test_a_table_round_added_after_the_plan_says_the_table_follows(client, plenary, teacher):
    """The program got a third table round after the plan (of two rounds) was made: nobody has
    a seat there yet, which is not "you are not there then"."""
    from sessions_app.services.program import AssignmentData, assignment_create

    session_publish(session=plenary.session)
    assignment_create(
        session=plenary.session,
        data=AssignmentData("Nog een ronde", "Praat verder.", 10, 3),
    )
    client.force_login(teacher.user)
    page = my_page(client, plenary)
    assert "Ronde 1 — tafel" in page
    third = section(page, 3)
    assert (
        "De tafelindeling heeft deze ronde nog niet: de stuurgroep voegt hem toe, en dan staat "
        "je tafel hier." in third
    )
    assert NO_SEAT_IN_ROUND not in page


def test_seated_in_one_round_only_reads_no_seat_in_the_other(client, plenary, teacher):
    session_publish(session=plenary.session)
    attendance_save(
        session=plenary.session,
        changes={teacher.pk: (PresenceData(), PresenceData(first_round=1, last_round=1))},
    )
    mine = tables_of(plenary, teacher)
    assert mine[0] is not None
    assert mine[1] is None
    client.force_login(teacher.user)
    page = my_page(client, plenary)
    assert f"Ronde 1 — tafel {mine[0]}" in section(page, 1)
    assert NO_SEAT_IN_ROUND in section(page, 2)
    assert page.count(NO_SEAT_IN_ROUND) == 1


def test_after_a_held_session_an_absent_member_is_not_sent_to_the_door(client, plenary, teacher):
    attendance_save(
        session=plenary.session,
        changes={teacher.pk: (PresenceData(), PresenceData(absent=True))},
    )
    session_publish(session=plenary.session)
    client.force_login(teacher.user)
    ahead = my_page(client, plenary)
    assert "Ben je er toch? Zeg het tegen de stuurgroep bij de deur." in ahead
    session_hold(session=plenary.session)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = my_page(client, plenary)
    assert "You were recorded as absent for this session." in page
    assert "at the door" not in page
    assert "Are you there after all?" not in page
    assert "— table" not in page


def on_its_day(plenary) -> None:
    """The session takes place today: teachers' phones follow the clock only on its day."""
    plenary.session.date = timezone.localdate()
    plenary.session.save(update_fields=["date"])


def test_the_fragment_is_only_the_live_part(client, plenary, teacher):
    on_its_day(plenary)
    session_publish(session=plenary.session)
    client.force_login(teacher.user)
    fragment = my_page(client, plenary, HX_Request="true")
    assert fragment.lstrip().startswith('<div id="my-session"')
    assert "<html" not in fragment
    assert 'hx-trigger="every 10s"' in fragment
    assert f"Ronde 1 — tafel {tables_of(plenary, teacher)[0]}" in fragment


@pytest.mark.parametrize(("night", "follows"), [("00:40", True), ("03:59", True), ("04:00", False)])
def test_an_evening_session_that_overruns_midnight_stays_live_until_the_night_ends(
    client, plenary, steering, teacher, night, follows
):
    """Phones follow the clock on the session's day; its first hours after midnight still
    count, so a session running late does not freeze every phone at 00:00."""
    import time_machine

    session = plenary.session
    evening = timezone.make_aware(datetime.combine(session.date, time(22, 0)))
    session.start_time, session.end_time = time(20, 0), time(23, 30)
    session.save(update_fields=["start_time", "end_time"])
    session_publish(session=session)
    client.force_login(teacher.user)
    hours, minutes = map(int, night.split(":"))
    after = timezone.make_aware(
        datetime.combine(session.date + timedelta(days=1), time(hours, minutes))
    )
    with time_machine.travel(evening, tick=False):
        clock_act(session=session, action="start", by=steering.user, now=evening)
        clock_act(session=session, action="next", by=steering.user, now=evening)
    second = session.assignments.order_by("position")[1]
    with time_machine.travel(after, tick=False):
        page = my_page(client, plenary)
    assert ('hx-trigger="every 10s"' in page) is follows
    assert (html.escape(second.title) in section_now(page)) is follows


@pytest.mark.parametrize("night", ["00:00", "00:40", "03:59"])
def test_a_session_dated_today_is_on_its_day_from_midnight(
    client, plenary, steering, teacher, night
):
    """The night hours that keep yesterday's evening session live must not take today's away:
    a session dated today follows the clock from 00:00 as well (phones froze until 04:00)."""
    import time_machine

    session = plenary.session
    hours, minutes = map(int, night.split(":"))
    at = timezone.make_aware(datetime.combine(session.date, time(hours, minutes)))
    session_publish(session=session)
    client.force_login(teacher.user)
    with time_machine.travel(at, tick=False):
        clock_act(session=session, action="start", by=steering.user, now=at)
        clock_act(session=session, action="next", by=steering.user, now=at)
        page = my_page(client, plenary)
    second = session.assignments.order_by("position")[1]
    assert 'hx-trigger="every 10s"' in page
    assert html.escape(second.title) in section_now(page)


def section_now(page: str) -> str:
    """The "now" part of the teacher's page (empty when the page shows no running clock)."""
    match = re.search(r'id="now-title".*?</section>', page, re.S)
    return match.group(0) if match else ""


def test_after_the_session_is_held_the_page_shows_no_clock_and_stops_polling(
    client, plenary, teacher
):
    """A reminder for the reflection leads here after the day: "Eerst: ..." would be wrong."""
    session_publish(session=plenary.session)
    session_hold(session=plenary.session)
    client.force_login(teacher.user)
    page = my_page(client, plenary)
    first = plenary.session.assignments.order_by("position").first()
    assert 'id="now-title"' not in page
    assert html.escape(first.instructions) not in page
    assert "hx-trigger" not in page
    mine = tables_of(plenary, teacher)
    for number in (1, 2):  # where the teacher sat stays readable
        assert f"Ronde {number} — tafel {mine[number - 1]}" in section(page, number)


def test_the_teachers_page_is_never_cached(client, plenary, teacher):
    client.force_login(teacher.user)
    response = client.get(plenary.url("my-session"))
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_a_member_of_another_school_gets_a_404(client, plenary, their_plenary):
    outsider = their_plenary.members[1]
    client.force_login(outsider.user)
    assert client.get(plenary.url("my-session")).status_code == 404
    # Nor can this school's address show the other school's session.
    theirs = reverse(
        "sessions_app:my-session",
        kwargs={"school_slug": plenary.school.slug, "pk": their_plenary.session.pk},
    )
    client.force_login(plenary.members[1].user)
    assert client.get(theirs).status_code == 404


# --- the clock: state on the server, every screen follows ---


def _first_two(plenary: Plenary):
    return list(plenary.session.assignments.order_by("position")[:2])


def test_clock_actions_change_the_server_state_exactly(plenary, steering):
    session = plenary.session
    first, second = _first_two(plenary)
    t0 = timezone.now().replace(microsecond=0)

    clock = clock_act(session=session, action="start", by=steering.user, now=t0)
    assert (clock.position, clock.running) == (1, True)
    assert clock.ends_at == t0 + timedelta(minutes=first.duration_minutes)
    assert clock.started_at == t0
    assert clock.updated_by == steering.user

    clock = clock_act(session=session, action="pause", now=t0 + timedelta(seconds=90))
    assert (clock.running, clock.ends_at) == (False, None)
    assert clock.paused_remaining == first.duration_minutes * 60 - 90
    assert clock_state(session=session, now=t0 + timedelta(hours=1)).remaining == (
        first.duration_minutes * 60 - 90
    )

    clock = clock_act(session=session, action="start", now=t0 + timedelta(seconds=200))
    assert clock.running
    assert clock.ends_at == t0 + timedelta(seconds=200 + first.duration_minutes * 60 - 90)

    clock = clock_act(session=session, action="next", now=t0 + timedelta(seconds=300))
    assert (clock.position, clock.running) == (2, True)
    assert clock.ends_at == t0 + timedelta(seconds=300, minutes=second.duration_minutes)

    clock = clock_act(session=session, action="previous", now=t0 + timedelta(seconds=310))
    assert clock.position == 1
    assert clock.ends_at == t0 + timedelta(seconds=310, minutes=first.duration_minutes)

    clock = clock_act(session=session, action="reset", now=t0 + timedelta(seconds=320))
    assert (clock.position, clock.running, clock.ends_at, clock.paused_remaining) == (
        1,
        False,
        None,
        None,
    )
    assert clock_state(session=session).remaining == first.duration_minutes * 60
    assert clock.started_at == t0


def test_the_clock_stays_inside_the_program(plenary):
    session = plenary.session
    count = session.assignments.count()
    clock_act(session=session, action="previous")
    assert SessionClock.objects.get(session=session).position == 1
    for _step in range(count + 2):
        clock_act(session=session, action="next")
    assert SessionClock.objects.get(session=session).position == count


def test_remaining_time_comes_from_the_server_not_the_browser(client, people, plenary, teacher):
    on_its_day(plenary)
    session_publish(session=plenary.session)
    first, _second = _first_two(plenary)
    clock_act(session=plenary.session, action="start", now=timezone.now() - timedelta(seconds=90))
    left = first.duration_minutes * 60 - 90
    # A browser that sends its own idea of the time changes nothing.
    steering = as_user(client, people["steering"])
    steering.post(
        plenary.url("session-clock"),
        {"action": "start", "remaining": "1", "ends_at": "2000-01-01T00:00:00Z"},
    )
    projector = steering.get(plenary.url("projector"), headers={"HX-Request": "true"})
    assert f'data-remaining="{left}" data-running="1"' in projector.content.decode()

    teacher_client = client.__class__()
    teacher_client.force_login(teacher.user)
    fragment = my_page(teacher_client, plenary, HX_Request="true")
    assert f'data-remaining="{left}" data-running="1"' in fragment


def test_before_its_day_the_teachers_page_ignores_a_projector_tried_out(
    client, people, plenary, teacher
):
    """The steering group tries the projector a week ahead: phones keep the program's start."""
    session_publish(session=plenary.session)
    first, _second = _first_two(plenary)
    for _step in range(3):
        clock_act(session=plenary.session, action="next")
    clock_act(session=plenary.session, action="start")
    client.force_login(teacher.user)
    page = " ".join(my_page(client, plenary).split())
    assert (
        'id="now-title">Eerst</p> <h2 class="my-big mb-1">' + html.escape(first.title) + "</h2>"
    ) in page
    # no countdown: a "10:00" before the start reads as a time of day
    assert "data-countdown" not in page
    assert f'<p class="mb-2">{first.duration_minutes} minuten</p>' in page
    assert 'hx-trigger="every 10s"' not in page
    for number, table in enumerate(tables_of(plenary, teacher), start=1):
        assert f"Ronde {number} — tafel {table}" in page


def test_on_its_day_a_step_moved_to_without_start_is_now_not_first(client, plenary, teacher):
    on_its_day(plenary)
    session_publish(session=plenary.session)
    _first, second = _first_two(plenary)
    clock_act(session=plenary.session, action="next")
    client.force_login(teacher.user)
    page = " ".join(my_page(client, plenary).split())
    assert 'id="now-title">Nu</p> <h2 class="my-big mb-1">' + html.escape(second.title) in page


def test_at_the_closing_whole_group_step_the_phone_lists_no_past_round(client, plenary, teacher):
    on_its_day(plenary)
    session_publish(session=plenary.session)
    assignments = list(plenary.session.assignments.order_by("position"))
    rounds = [a.table_round for a in assignments]
    assert rounds[-1] is None
    assert max(r for r in rounds if r) == 2
    client.force_login(teacher.user)
    for _ in assignments[1:-1]:
        clock_act(session=plenary.session, action="next")
    page = my_page(client, plenary)
    assert 'aria-labelledby="round-1-title"' not in page  # round 2 is the last table round
    assert f"Ronde 2 — tafel {tables_of(plenary, teacher)[1]}" in section(page, 2)
    clock_act(session=plenary.session, action="next")
    page = " ".join(my_page(client, plenary).split())
    assert (
        'id="now-title">Nu</p> <h2 class="my-big mb-1">' + html.escape(assignments[-1].title)
        in page
    )
    assert 'aria-labelledby="round-' not in page


def test_the_teacher_and_the_projector_follow_the_clock(client, people, plenary, teacher):
    on_its_day(plenary)
    session_publish(session=plenary.session)
    first, second = _first_two(plenary)
    steering = as_user(client, people["steering"])
    teacher_client = client.__class__()
    teacher_client.force_login(teacher.user)

    response = steering.post(
        plenary.url("session-clock"), {"action": "next"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    state = response.content.decode()
    assert state.lstrip().startswith('<div id="projector-state"')
    assert "Opdracht 2 van 6" in state
    assert html.escape(second.title) in state
    assert html.escape(second.instructions) in my_page(teacher_client, plenary, HX_Request="true")

    steering.post(plenary.url("session-clock"), {"action": "start"})
    fragment = my_page(teacher_client, plenary, HX_Request="true")
    assert f'data-remaining="{second.duration_minutes * 60}" data-running="1"' in fragment

    steering.post(plenary.url("session-clock"), {"action": "pause"})
    projector = steering.get(plenary.url("projector"), headers={"HX-Request": "true"})
    assert 'data-running="0"' in projector.content.decode()
    assert "gepauzeerd" in projector.content.decode()
    assert 'data-running="0"' in my_page(teacher_client, plenary, HX_Request="true")

    steering.post(plenary.url("session-clock"), {"action": "previous"})
    assert html.escape(first.title) in my_page(teacher_client, plenary, HX_Request="true")


def test_an_assignment_moved_to_while_paused_reads_not_started(client, people, plenary):
    session_publish(session=plenary.session)
    steering = as_user(client, people["steering"])

    def clock_words() -> tuple[str, str]:
        html = steering.get(plenary.url("projector"), headers={"HX-Request": "true"})
        text = html.content.decode()
        state = re.search(r'<span class="projector-clock-state">(.*?)</span>', text).group(1)
        start = re.search(r'value="start" data-key="toggle">(.*?)</button>', text).group(1)
        return state, start

    assert clock_words() == ("nog niet gestart", "Start")
    clock_act(session=plenary.session, action="start")
    clock_act(session=plenary.session, action="pause")
    assert clock_words() == ("gepauzeerd", "Verder")
    # on to the next assignment while paused: it waits at its full time, it was never paused
    clock_act(session=plenary.session, action="next")
    assert clock_words() == ("nog niet gestart", "Start")


def test_time_up_is_shown_in_words_not_only_by_colour(client, people, plenary, teacher):
    session_publish(session=plenary.session)
    first, _second = _first_two(plenary)
    clock_act(
        session=plenary.session,
        action="start",
        now=timezone.now() - timedelta(minutes=first.duration_minutes + 1),
    )
    projector = as_user(client, people["steering"]).get(plenary.url("projector"))
    page = projector.content.decode()
    assert "data-time-up" in page
    assert 'data-remaining="0"' in page
    assert "De tijd is om" in page


def test_a_remote_gets_the_controls_without_the_tables(client, people, plenary):
    session_publish(session=plenary.session)
    page = as_user(client, people["coach"]).get(plenary.url("projector") + "?remote=1")
    body = page.content.decode()
    assert 'name="remote" value="1"' in body
    assert "projector-grid" not in body
    assert 'value="next"' in body
    # a phone in the hand has no keyboard and no full screen to offer
    assert "projector-keys" not in body
    assert "data-fullscreen" not in body
    projector = as_user(client, people["coach"]).get(plenary.url("projector")).content.decode()
    assert "projector-keys" in projector
    assert "data-fullscreen" in projector


def test_the_projector_shows_the_current_rounds_tables_and_the_sign_in_qr(client, people, plenary):
    session_publish(session=plenary.session)
    page = as_user(client, people["steering"]).get(plenary.url("projector")).content.decode()
    assert page.count('class="projector-table"') == len(plenary.seated(1))
    assert "<svg" in page
    for member in plenary.members:
        assert html.escape(member.full_name) in page


def test_the_projector_at_the_closing_reflection_does_not_say_there_is_no_plan(
    client, people, plenary
):
    # After the last table round only the whole group is left: no round to show, but the
    # plan exists, so "no table plan yet" would send the steering group looking for one.
    session_publish(session=plenary.session)
    assignments = list(plenary.session.assignments.order_by("position"))
    assert not assignments[-1].table_round
    for _ in assignments[1:]:
        clock_act(session=plenary.session, action="next")
    assert clock_state(session=plenary.session).current == assignments[-1]
    page = as_user(client, people["steering"]).get(plenary.url("projector")).content.decode()
    assert "Nog geen tafelindeling." not in page
    assert 'class="projector-table"' not in page
    plenary.plan.delete()
    page = as_user(client, people["steering"]).get(plenary.url("projector")).content.decode()
    assert "Nog geen tafelindeling." in page


def test_the_clock_of_a_closed_session_does_not_move(plenary):
    PlenarySession.objects.filter(pk=plenary.session.pk).update(status=PlenarySession.Status.CLOSED)
    plenary.session.refresh_from_db()
    with pytest.raises(ValidationError, match=r"Deze bijeenkomst is afgesloten\."):
        clock_act(session=plenary.session, action="start")
    assert not SessionClock.objects.filter(session=plenary.session).exists()


# --- print ---


def test_print_has_a_card_per_table_and_the_door_list_in_register_order(client, people, plenary):
    plenary.members[3].name_prefix = "van"
    plenary.members[3].last_name = "Aalst"
    plenary.members[3].save()
    plenary.members[4].last_name = "Aalst"
    plenary.members[4].name_prefix = ""
    plenary.members[4].save()
    page = as_user(client, people["steering"]).get(plenary.url("session-print")).content.decode()
    cards = sum(len(plenary.seated(n)) for n in (1, 2))
    assert page.count('<article class="print-card"') == cards
    door = page[page.index('id="door-title"') :]
    names = [html.unescape(n) for n in re.findall(r'<th scope="row">([^<]+)</th>', door)]
    ordered = sorted(
        plenary.members,
        key=lambda m: (m.last_name.lower(), m.name_prefix.lower(), m.first_name.lower()),
    )
    assert names == [m.sort_name for m in ordered]
    # "Aalst" before "van Aalst": the last name first, then the prefix.
    assert names.index(plenary.members[4].sort_name) < names.index(plenary.members[3].sort_name)
    rows = re.findall(r"<tr><th scope=\"row\">([^<]+)</th><td>[A-Z]</td>(.*?)</tr>", door)
    for member, (_name, cells) in zip(ordered, rows, strict=True):
        tables = re.findall(r"<td>tafel (\d+)</td>", cells)
        assert [int(t) for t in tables] == tables_of(plenary, member)


# --- held: per-round presence becomes the history, a new cycle starts ---


def test_held_with_a_leaver_gives_the_next_plan_only_who_sat_in_each_round(people, plenary):
    session = plenary.session
    session_publish(session=session)
    leaver = plenary.members[5]
    # The leaver's round-2 table is locked, so the plan cannot free the seat by itself.
    table = Seat.objects.get(round__plan=plenary.plan, round__number=2, member=leaver).table
    plan_lock(
        plan=plenary.plan,
        version=plenary.plan.version,
        round_number=2,
        table=table.number,
        locked=True,
    )
    attendance_save(
        session=session, changes={leaver.pk: (PresenceData(), PresenceData(None, None, 1))}
    )
    assert leaver.pk in {m for t in plenary.seated(2) for m in t}
    expected = [plenary.seated(1), [[m for m in t if m != leaver.pk] for t in plenary.seated(2)]]

    session_hold(session=session)

    next_session = session_create(
        school=plenary.school,
        title="Volgende",
        date=min(session.date + timedelta(days=30), plenary.year.end),
        start_time=session.start_time,
        end_time=session.end_time,
    )
    assert plan_history(session=next_session) == expected
    session.refresh_from_db()
    assert session.status == PlenarySession.Status.HELD
    assert SchoolYear.objects.get(pk=plenary.year.pk).cycle_started_on == session.date


def test_holding_twice_is_refused(client, people, plenary):
    session_hold(session=plenary.session)
    response = as_user(client, people["steering"]).post(plenary.url("session-hold"), follow=True)
    assert "Deze bijeenkomst is al gehouden." in response.content.decode()


def test_a_session_ahead_cannot_be_marked_held_and_on_its_day_the_message_names_it(
    client, people, plenary
):
    session = plenary.session
    steering = as_user(client, people["steering"])
    detail = steering.get(plenary.url("session-detail")).content.decode()
    assert "Na afloop: zet op gehouden" not in detail
    assert "Na afloop, op de dag zelf, zet je de bijeenkomst hier als gehouden." in detail
    response = steering.post(plenary.url("session-hold"), follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        f"Deze bijeenkomst is op {long_date(session.date)}: vanaf die dag kun je haar als "
        "gehouden zetten."
    ]
    session.refresh_from_db()
    assert session.status != PlenarySession.Status.HELD

    PlenarySession.objects.filter(pk=session.pk).update(date=timezone.localdate())
    assert (
        "Na afloop: zet op gehouden" in steering.get(plenary.url("session-detail")).content.decode()
    )
    response = steering.post(plenary.url("session-hold"), follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "De bijeenkomst staat als gehouden. De rondes tellen mee voor de volgende "
        f"tafelindeling, en op {long_date(timezone.localdate())} begint een nieuwe cyclus van "
        "leerlijn-bijeenkomsten."
    ]


def test_holding_an_earlier_session_after_a_later_one_keeps_the_cycle(client, people, plenary):
    """A steering group that marks last month's session held after this week's: the line
    meetings since this week's session keep counting towards the next plenary."""
    session, today = plenary.session, timezone.localdate()
    PlenarySession.objects.filter(pk=session.pk).update(date=today - timedelta(days=7))
    SchoolYear.objects.filter(pk=plenary.year.pk).update(cycle_started_on=today)
    response = as_user(client, people["steering"]).post(plenary.url("session-hold"), follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "De bijeenkomst staat als gehouden. De rondes tellen mee voor de volgende "
        f"tafelindeling; de cyclus van leerlijn-bijeenkomsten die op {long_date(today)} begon, "
        "loopt door."
    ]
    assert SchoolYear.objects.get(pk=plenary.year.pk).cycle_started_on == today
    session.refresh_from_db()
    assert session.status == PlenarySession.Status.HELD


def test_the_hold_page_says_how_many_sat_per_round_and_who_was_absent(client, people, plenary):
    PlenarySession.objects.filter(pk=plenary.session.pk).update(date=timezone.localdate())
    attendance_save(
        session=plenary.session,
        changes={plenary.members[-1].pk: (PresenceData(), PresenceData(absent=True))},
    )
    page = as_user(client, people["steering"]).get(plenary.url("session-hold")).content.decode()
    assert "Ronde 1: 12 mensen ingedeeld" in page
    assert "Ronde 2: 12 mensen ingedeeld" in page
    assert "1 persoon was afwezig." in page


CONFIRM_HELD = "Bevestig: de bijeenkomst is gehouden"


def test_the_hold_page_offers_no_button_that_can_only_be_refused(client, people, plenary):
    """Ahead of its day, or once held, the page says why instead of a button the POST refuses."""
    session = plenary.session
    steering = as_user(client, people["steering"])
    page = steering.get(plenary.url("session-hold")).content.decode()
    assert CONFIRM_HELD not in page
    assert (
        f"Deze bijeenkomst is op {long_date(session.date)}: vanaf die dag kun je haar als "
        "gehouden zetten." in page
    )
    assert f'href="{session.get_absolute_url()}">Terug naar de bijeenkomst</a>' in page

    PlenarySession.objects.filter(pk=session.pk).update(date=timezone.localdate())
    assert CONFIRM_HELD in steering.get(plenary.url("session-hold")).content.decode()

    session_hold(session=session)
    page = steering.get(plenary.url("session-hold")).content.decode()
    assert CONFIRM_HELD not in page
    assert "Deze bijeenkomst is al gehouden." in page


@pytest.mark.parametrize("name", ["session-hold", "session-publish"])
def test_the_confirmation_pages_lead_back_to_the_school_like_every_session_page(
    client, people, plenary, name
):
    page = as_user(client, people["steering"]).get(plenary.url(name)).content.decode()
    crumbs = page.split('<ol class="breadcrumb">')[1].split("</ol>")[0]
    school = plenary.school
    assert f'<a href="{school.get_absolute_url()}">{html.escape(school.name)}</a>' in crumbs


def test_the_table_plan_page_links_to_the_print_view(client, people, plenary):
    page = as_user(client, people["steering"]).get(plenary.url("plan-detail")).content.decode()
    assert f'href="{plenary.url("session-print")}">Afdrukken</a>' in page


# --- calendar ---


def test_the_ics_download_holds_the_session_in_utc(client, plenary, teacher):
    session_publish(session=plenary.session)
    client.force_login(teacher.user)
    response = client.get(plenary.url("session-ics"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar"
    assert response["Content-Disposition"] == (
        f'attachment; filename="plenaire-bijeenkomst-{plenary.session.date}.ics"'
    )
    (event,) = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    assert str(event["summary"]) == plenary.session.title
    start = timezone.make_aware(datetime.combine(plenary.session.date, plenary.session.start_time))
    assert event.decoded("dtstart") == start
    assert event.decoded("dtstart").utcoffset() == timedelta(0)
    assert SITE + plenary.url("my-session") in str(event["description"])


def test_a_draft_is_in_no_teachers_calendar(client, people, plenary, teacher):
    client.force_login(teacher.user)
    assert client.get(plenary.url("session-ics")).status_code == 404
    assert (
        as_user(client.__class__(), people["steering"]).get(plenary.url("session-ics")).status_code
        == 200
    )
    token = calendar_feed_get_or_create(member=teacher).token
    feed = client.get(reverse("learninglines:calendar-feed", args=[token]))
    titles = [str(e["summary"]) for e in icalendar.Calendar.from_ical(feed.content).walk("VEVENT")]
    assert plenary.session.title not in titles

    session_publish(session=plenary.session)
    feed = client.get(reverse("learninglines:calendar-feed", args=[token]))
    titles = [str(e["summary"]) for e in icalendar.Calendar.from_ical(feed.content).walk("VEVENT")]
    assert titles.count(plenary.session.title) == 1


def test_the_calendar_page_lists_a_published_session_with_the_line_meetings(
    client, plenary, teacher
):
    calendar = reverse("learninglines:calendar", args=[plenary.school.slug])
    client.force_login(teacher.user)
    assert [i.summary for i in client.get(calendar).context["upcoming"]] == []
    session_publish(session=plenary.session)
    line = LineMembership.objects.get(member=teacher).line
    meeting = meeting_create(
        line=line,
        date=plenary.session.date - timedelta(days=1),
        start_time=time(15, 30),
        end_time=time(16, 30),
        topic="Voorbereiden",
    )
    response = client.get(calendar)
    session = plenary.session
    assert [(i.summary, i.day, i.start, i.detail) for i in response.context["upcoming"]] == [
        ("Voorbereiden", meeting.date, time(15, 30), line.name),
        (session.title, session.date, session.start_time, session.place),
    ]
    assert html.escape(session.title) in response.content.decode()


# --- the door: a one-time QR shown by a steering member or the coach ---


def test_the_door_link_works_once_and_records_who_showed_it(client, people, plenary, teacher):
    session_publish(session=plenary.session)
    response = as_user(client, people["coach"]).post(plenary.url("door-link", member_pk=teacher.pk))
    assert response.status_code == 200
    assert "<svg" in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    link = MagicLink.objects.get(purpose=MagicLink.Purpose.DOOR)
    assert (link.user, link.shown_by) == (teacher.user, people["coach"])
    assert link.next_path == plenary.url("my-session")

    from learninglines.services.links import magic_link_url

    path = link_path(magic_link_url(link))
    phone = client.__class__()
    assert phone.post(path)["Location"] == plenary.url("my-session")
    assert phone.session["_auth_user_id"] == str(teacher.user.pk)
    assert client.__class__().post(path).status_code == 410


def test_a_door_sign_in_opens_only_the_sessions_pages_until_a_sign_in_of_ones_own(
    client, people, plenary, teacher
):
    """The code is on the steering group's or coach's screen: whoever scans it must not read the
    teacher's learning log, answers or data."""
    from learninglines.services.links import magic_link_url
    from learninglines.services.signin import magic_link_send

    session_publish(session=plenary.session)
    as_user(client, people["steering"]).post(plenary.url("door-link", member_pk=teacher.pk))
    door = MagicLink.objects.get(purpose=MagicLink.Purpose.DOOR)
    phone = client.__class__()
    phone.post(link_path(magic_link_url(door)))
    assert phone.get(plenary.url("my-session")).status_code == 200
    assert phone.get(plenary.url("session-ics")).status_code == 200
    school = f"/s/{plenary.school.slug}/"
    closed = (school, f"{school}log/", f"{school}log/create/", "/me/data/", f"{school}calendar/")
    for path in closed:
        refused = phone.get(path)
        assert refused.status_code == 403, path
        page = " ".join(refused.content.decode().split())
        assert "Alleen ingelogd voor deze bijeenkomst" in page
        assert f'href="{plenary.url("my-session")}">Naar je tafel</a>' in page
    assert phone.post(f"{school}log/create/", {"tried": "x"}).status_code == 403
    assert phone.get("/privacy/").status_code == 200  # open without a sign-in anyway

    # the teacher's own link opens everything again, on the same phone
    own = magic_link_send(user=teacher.user, purpose=MagicLink.Purpose.SIGN_IN, school=None)
    phone.post(link_path(magic_link_url(own)))
    assert phone.get(f"{school}log/").status_code == 200


def test_no_door_link_for_an_account_with_a_password_and_a_code(client, people, plenary, steering):
    steering.user.is_staff = True
    steering.user.save()
    response = as_user(client, people["coach"]).post(
        plenary.url("door-link", member_pk=steering.pk), follow=True
    )
    assert "Dit account logt in met een wachtwoord en een code." in response.content.decode()
    assert not MagicLink.objects.filter(purpose=MagicLink.Purpose.DOOR).exists()


def test_no_door_link_for_another_schools_member(client, people, plenary, their_plenary):
    outsider = their_plenary.members[1]
    response = as_user(client, people["steering"]).post(
        plenary.url("door-link", member_pk=outsider.pk)
    )
    assert response.status_code == 404
    assert not MagicLink.objects.filter(purpose=MagicLink.Purpose.DOOR).exists()


@pytest.mark.parametrize("role", ["steering here", "steering elsewhere", "coach elsewhere"])
def test_no_door_link_for_an_account_with_more_rights_than_a_teacher_here(
    client, people, plenary, teacher, other_school, role
):
    # The link signs in the whole account: the coach showing it must not become a steering
    # member, nor anyone here get the person's rights at another school.
    session_publish(session=plenary.session)
    if role == "steering here":
        teacher.is_steering = True
        teacher.save()
    elif role == "steering elsewhere":
        MemberFactory(school=other_school, user=teacher.user, is_steering=True)
    else:
        CoachAssignmentFactory(school=other_school, user=teacher.user)
    response = as_user(client, people["coach"]).post(
        plenary.url("door-link", member_pk=teacher.pk), follow=True
    )
    assert response.redirect_chain == [(plenary.url("session-attendance"), 302)]
    [message] = [str(m) for m in response.context["messages"]]
    assert message.startswith(teacher.full_name)
    assert "<svg" not in response.content.decode()
    assert not MagicLink.objects.filter(purpose=MagicLink.Purpose.DOOR).exists()
    # the attendance page offers no code for them, and still does for the others
    page = response.content.decode()
    assert f'formaction="{teacher.pk}/door-link/"' not in page
    assert f'id="door-{teacher.pk}"' not in page
    assert f'formaction="{plenary.members[5].pk}/door-link/"' in page


def test_a_locked_table_stays_locked_after_publishing(plenary):
    plan_lock(plan=plenary.plan, version=plenary.plan.version, round_number=1, table=1, locked=True)
    session_publish(session=plenary.session)
    assert PlanTable.objects.get(round__plan=plenary.plan, round__number=1, number=1).locked
