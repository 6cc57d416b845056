"""Line meetings: who may plan them and record notes and attendance, the all-lines page, budgets."""

import re
from datetime import date, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from learninglines.models import (
    Attendance,
    LearningLine,
    LineMeeting,
    LineMembership,
    School,
    SchoolYear,
    default_school_year_bounds,
)
from learninglines.selectors.meetings import (
    meeting_list_for_line,
    meeting_list_for_school,
    meeting_next_for_member,
)
from learninglines.services.meetings import (
    meeting_attendance_save,
    meeting_create,
    meeting_delete,
    meeting_notes_save,
    meeting_update,
)
from tests.dutch import long_date
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

SLUG = "de-regenboog"


# --- Helpers shared with the log and calendar tests (plain functions, not tests) ---------------


def current_year(school: School) -> SchoolYear:
    start, end = default_school_year_bounds(timezone.localdate())
    year, _ = SchoolYear.objects.get_or_create(
        school=school, start=start, defaults={"end": end, "name": f"{start.year}-{end.year}"}
    )
    return year


def make_line(school: School, letter: str, name: str, colour: str = "blue") -> LearningLine:
    return LearningLine.objects.create(
        school=school, year=current_year(school), letter=letter, name=name, colour=colour
    )


def last_years_line(school: School) -> LearningLine:
    """Line A ("Oud") of the school year before the current one, which it makes."""
    year = current_year(school)
    old_year = SchoolYear.objects.create(
        school=school,
        start=year.start.replace(year=year.start.year - 1),
        end=year.start - timedelta(days=1),
        name="vorig jaar",
    )
    return LearningLine.objects.create(
        school=school, year=old_year, letter="A", name="Oud", colour="blue"
    )


def join(member, line: LearningLine, start: date | None = None, end: date | None = None):
    return LineMembership.objects.create(
        member=member, line=line, start=start or line.year.start, end=end
    )


def plan(line: LearningLine, day: date, start=time(15, 30), end=time(17, 0), **fields):
    return LineMeeting.objects.create(
        line=line,
        date=day,
        start_time=start,
        end_time=end,
        topic=fields.pop("topic", "Feedback geven"),
        **fields,
    )


def as_user(client, user):
    if user is not None:
        client.force_login(user)
    return client


# --- Fixtures ----------------------------------------------------------------------------------


@pytest.fixture
def line(school, teacher):
    """Line A, with the conftest teacher (Sanne) in it."""
    line = make_line(school, "A", "Lezen", "blue")
    join(teacher, line)
    return line


@pytest.fixture
def other_teacher(school):
    return MemberFactory(school=school, first_name="Bram", last_name="Bakker")


@pytest.fixture
def other_line(school, other_teacher):
    line = make_line(school, "B", "Rekenen", "green")
    join(other_teacher, line)
    return line


@pytest.fixture
def roles(people, other_teacher, line, other_line):
    """The six people of every access test: owner roles, weaker roles, stranger, anonymous."""
    return {
        "steering": people["steering"],
        "coach": people["coach"],
        "teacher_of_line": people["teacher"],
        "teacher_of_other_line": other_teacher.user,
        "stranger": people["stranger"],
        "anonymous": None,
    }


@pytest.fixture
def meeting(line):
    return plan(line, timezone.localdate() + timedelta(days=7), place="Lokaal 12")


def form_data(day: date, **extra) -> dict:
    return {
        "date": day.isoformat(),
        "start_time": "15:30",
        "end_time": "17:00",
        "topic": "Begrijpend lezen",
        "place": "Lokaal 12",
        "agenda": "1. Terugblik\n2. Nieuwe aanpak",
        **extra,
    }


# A write on a line's meetings, per person: (status, whether it took effect). The steering
# group, the coach and the line's own teachers manage its meetings; others are refused.
MANAGE_WRITES = [
    ("steering", 302, True),
    ("coach", 302, True),
    ("teacher_of_line", 302, True),
    ("teacher_of_other_line", 403, False),
    ("stranger", 404, False),
    ("anonymous", 302, False),
]


# --- Access: every URL, six people, exact statuses ----------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("steering", 200),
        ("coach", 200),
        ("teacher_of_line", 403),
        ("teacher_of_other_line", 403),
        ("stranger", 404),
        ("anonymous", 302),
    ],
)
def test_meeting_list_access(client, roles, meeting, who, status):
    url = reverse("learninglines:meeting-list", args=[SLUG])
    response = as_user(client, roles[who]).get(url)
    assert response.status_code == status
    if who == "anonymous":
        assert response["Location"] == f"/login/?next={url}"


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("steering", 200),
        ("coach", 200),
        ("teacher_of_line", 200),
        ("teacher_of_other_line", 403),
        ("stranger", 404),
        ("anonymous", 302),
    ],
)
@pytest.mark.parametrize("name", ["meeting-create", "meeting-update"])
def test_meeting_form_pages_access(client, roles, line, meeting, name, who, status):
    arg = line.pk if name == "meeting-create" else meeting.pk
    url = reverse(f"learninglines:{name}", args=[SLUG, arg])
    response = as_user(client, roles[who]).get(url)
    assert response.status_code == status
    if who == "anonymous":
        assert response["Location"] == f"/login/?next={url}"


@pytest.mark.parametrize(
    ("who", "status", "can_manage"),
    [
        ("steering", 200, True),
        ("coach", 200, True),
        ("teacher_of_line", 200, True),
        # Teachers read every line of their school; they manage only their own.
        ("teacher_of_other_line", 200, False),
        ("stranger", 404, None),
        ("anonymous", 302, None),
    ],
)
def test_meeting_detail_access(client, roles, meeting, who, status, can_manage):
    url = reverse("learninglines:meeting-detail", args=[SLUG, meeting.pk])
    response = as_user(client, roles[who]).get(url)
    assert response.status_code == status
    if status == 200:
        assert response.context["can_manage"] is can_manage
        assert ("attendance_form" in response.context) is can_manage


@pytest.mark.parametrize(("who", "status", "created"), MANAGE_WRITES)
def test_meeting_create_post(client, roles, line, who, status, created):
    # Inside the line's school year, also in its last days.
    day = min(timezone.localdate() + timedelta(days=3), line.year.end)
    url = reverse("learninglines:meeting-create", args=[SLUG, line.pk])
    response = as_user(client, roles[who]).post(url, form_data(day))
    assert response.status_code == status
    assert LineMeeting.objects.filter(line=line).count() == int(created)
    if created:
        meeting = LineMeeting.objects.get()
        assert response["Location"] == reverse(
            "learninglines:meeting-detail", args=[SLUG, meeting.pk]
        )
        assert (meeting.date, meeting.start_time, meeting.end_time) == (
            day,
            time(15, 30),
            time(17, 0),
        )
        assert (meeting.topic, meeting.place) == ("Begrijpend lezen", "Lokaal 12")
        assert meeting.agenda == "1. Terugblik\n2. Nieuwe aanpak"


@pytest.mark.parametrize(("who", "status", "changed"), MANAGE_WRITES)
def test_meeting_update_post(client, roles, meeting, who, status, changed):
    url = reverse("learninglines:meeting-update", args=[SLUG, meeting.pk])
    data = form_data(meeting.date, topic="Woordenschat", start_time="14:00", end_time="15:00")
    response = as_user(client, roles[who]).post(url, data)
    assert response.status_code == status
    meeting.refresh_from_db()
    expected = ("Woordenschat", time(14, 0)) if changed else ("Feedback geven", time(15, 30))
    assert (meeting.topic, meeting.start_time) == expected


@pytest.mark.parametrize(("who", "status", "saved"), MANAGE_WRITES)
def test_meeting_notes_post(client, roles, meeting, who, status, saved):
    url = reverse("learninglines:meeting-notes", args=[SLUG, meeting.pk])
    response = as_user(client, roles[who]).post(url, {"notes": "  We oefenden met feedback.  "})
    assert response.status_code == status
    meeting.refresh_from_db()
    assert meeting.notes == ("We oefenden met feedback." if saved else "")


@pytest.mark.parametrize(("who", "status", "rows"), MANAGE_WRITES)
def test_meeting_attendance_post(client, roles, teacher, meeting, who, status, rows):
    url = reverse("learninglines:meeting-attendance", args=[SLUG, meeting.pk])
    response = as_user(client, roles[who]).post(url, {f"member_{teacher.pk}": "excused"})
    assert response.status_code == status
    assert list(Attendance.objects.values_list("member_id", "status")) == (
        [(teacher.pk, "excused")] if rows else []
    )


@pytest.mark.parametrize("name", ["meeting-notes", "meeting-attendance", "meeting-delete"])
def test_meeting_writes_are_post_only(client, roles, meeting, name):
    url = reverse(f"learninglines:{name}", args=[SLUG, meeting.pk])
    assert as_user(client, roles["steering"]).get(url).status_code == 405


WRITES = ("meeting-notes", "meeting-attendance", "meeting-delete")


@pytest.mark.parametrize("name", ["meeting-detail", "meeting-update", *WRITES])
def test_another_schools_meeting_is_404_through_this_school(client, roles, other_school, name):
    their_line = make_line(other_school, "A", "Lezen")
    theirs = plan(their_line, timezone.localdate() + timedelta(days=3))
    url = reverse(f"learninglines:{name}", args=[SLUG, theirs.pk])
    client.force_login(roles["steering"])
    response = client.post(url) if name in WRITES else client.get(url)
    assert response.status_code == 404
    assert LineMeeting.objects.filter(pk=theirs.pk).exists()


@pytest.mark.parametrize(("who", "status", "removed"), MANAGE_WRITES)
def test_meeting_delete_post(client, roles, meeting, who, status, removed):
    url = reverse("learninglines:meeting-delete", args=[SLUG, meeting.pk])
    response = as_user(client, roles[who]).post(url)
    assert response.status_code == status
    assert LineMeeting.objects.filter(pk=meeting.pk).exists() is not removed


def test_a_removed_meeting_leaves_the_line_with_a_message_in_dutch(client, teacher, meeting):
    client.force_login(teacher.user)
    page = client.get(reverse("learninglines:meeting-detail", args=[SLUG, meeting.pk]))
    assert "Bijeenkomst schrappen" in page.content.decode()
    response = client.post(
        reverse("learninglines:meeting-delete", args=[SLUG, meeting.pk]), follow=True
    )
    day = meeting.date
    assert [str(m) for m in response.context["messages"]] == [
        f"De bijeenkomst van {long_date(day)} is geschrapt."
    ]
    assert not LineMeeting.objects.filter(pk=meeting.pk).exists()


def test_a_meeting_planned_on_a_past_day_by_mistake_is_removed(client, teacher, line):
    """Nothing was recorded for it, so it was no meeting: otherwise it would sit in everyone's
    calendar and count as held."""
    slip = plan(line, timezone.localdate() - timedelta(days=6))
    client.force_login(teacher.user)
    page = client.get(reverse("learninglines:meeting-detail", args=[SLUG, slip.pk]))
    assert "Bijeenkomst schrappen" in page.content.decode()
    response = client.post(reverse("learninglines:meeting-delete", args=[SLUG, slip.pk]))
    assert response.status_code == 302
    assert not LineMeeting.objects.filter(pk=slip.pk).exists()


def test_a_meeting_that_holds_something_stays(client, teacher, line, meeting):
    passed = plan(line, timezone.localdate() - timedelta(days=1))
    meeting_notes_save(meeting=passed, notes="We bespraken de placemat.")
    with pytest.raises(ValidationError) as error:
        meeting_delete(meeting=passed)
    assert error.value.messages == ["Voor deze bijeenkomst zijn notities geschreven: ze blijft."]
    meeting_attendance_save(meeting=meeting, statuses={teacher.pk: "excused"})
    with pytest.raises(ValidationError) as error:
        meeting_delete(meeting=meeting)
    assert error.value.messages == ["Voor deze bijeenkomst is aanwezigheid vastgelegd: ze blijft."]
    # the page offers no button, and a forged request is told why
    client.force_login(teacher.user)
    page = client.get(reverse("learninglines:meeting-detail", args=[SLUG, meeting.pk]))
    assert "Bijeenkomst schrappen" not in page.content.decode()
    response = client.post(
        reverse("learninglines:meeting-delete", args=[SLUG, meeting.pk]), follow=True
    )
    assert [str(m) for m in response.context["messages"]] == [
        "Voor deze bijeenkomst is aanwezigheid vastgelegd: ze blijft."
    ]
    assert LineMeeting.objects.filter(pk__in=[passed.pk, meeting.pk]).count() == 2


def test_another_schools_line_is_404_through_this_school(client, roles, other_school):
    their_line = make_line(other_school, "A", "Lezen")
    url = reverse("learninglines:meeting-create", args=[SLUG, their_line.pk])
    assert as_user(client, roles["steering"]).get(url).status_code == 404


# --- Behaviour ---------------------------------------------------------------------------------


def test_teacher_of_the_line_records_attendance_for_every_member(client, line, teacher, meeting):
    colleague = MemberFactory(school=line.school, first_name="Cor", last_name="Claassen")
    join(colleague, line)
    client.force_login(teacher.user)
    url = reverse("learninglines:meeting-attendance", args=[SLUG, meeting.pk])
    response = client.post(
        url, {f"member_{teacher.pk}": "present", f"member_{colleague.pk}": "absent"}
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#attendance")
    assert dict(meeting.attendance.values_list("member_id", "status")) == {
        teacher.pk: "present",
        colleague.pk: "absent",
    }
    # Changing one answer updates its row; nothing is duplicated.
    client.post(url, {f"member_{teacher.pk}": "excused", f"member_{colleague.pk}": "absent"})
    assert dict(meeting.attendance.values_list("member_id", "status")) == {
        teacher.pk: "excused",
        colleague.pk: "absent",
    }


def test_two_people_filling_in_the_attendance_keep_each_others_answers(
    client, line, teacher, steering, meeting
):
    """Both opened the page with nobody recorded; each marks one person. Each form sends every
    row, but only what its sender changed is saved: the second save does not clear the first's
    answer."""
    colleague = MemberFactory(school=line.school, first_name="Cor", last_name="Claassen")
    join(colleague, line)
    url = reverse("learninglines:meeting-attendance", args=[SLUG, meeting.pk])
    page = reverse("learninglines:meeting-detail", args=[SLUG, meeting.pk])
    client.force_login(teacher.user)
    html = client.get(page).content.decode()
    assert f'name="was_{teacher.pk}"' in html  # what the page showed goes back with the form
    seen = {f"was_{teacher.pk}": "", f"was_{colleague.pk}": ""}
    client.post(url, {**seen, f"member_{teacher.pk}": "present", f"member_{colleague.pk}": ""})
    client.force_login(steering.user)
    client.post(url, {**seen, f"member_{teacher.pk}": "", f"member_{colleague.pk}": "absent"})
    assert dict(meeting.attendance.values_list("member_id", "status")) == {
        teacher.pk: "present",
        colleague.pk: "absent",
    }
    # clearing what the page showed still clears it
    client.post(
        url,
        {
            f"was_{teacher.pk}": "present",
            f"was_{colleague.pk}": "absent",
            f"member_{teacher.pk}": "",
            f"member_{colleague.pk}": "absent",
        },
    )
    assert dict(meeting.attendance.values_list("member_id", "status")) == {colleague.pk: "absent"}


def test_attendance_form_lists_exactly_the_members_on_the_meetings_date(
    client, school, line, teacher, steering
):
    day = timezone.localdate() + timedelta(days=10)
    left = MemberFactory(school=school, first_name="Lotte", last_name="Vertrokken")
    join(left, line, end=day - timedelta(days=1))
    joins_later = MemberFactory(school=school, first_name="Nina", last_name="Nieuw")
    join(joins_later, line, start=day + timedelta(days=1))
    meeting = plan(line, day)
    client.force_login(steering.user)
    response = client.get(reverse("learninglines:meeting-detail", args=[SLUG, meeting.pk]))
    assert [row.member for row in response.context["rows"]] == [teacher]
    assert list(response.context["attendance_form"].fields) == [
        f"was_{teacher.pk}",
        f"member_{teacher.pk}",
    ]


def test_attendance_for_someone_outside_the_line_is_refused_and_saves_nothing(
    line, teacher, other_teacher, meeting
):
    with pytest.raises(ValidationError):
        meeting_attendance_save(
            meeting=meeting, statuses={teacher.pk: "present", other_teacher.pk: "present"}
        )
    assert Attendance.objects.count() == 0


def test_attendance_post_for_someone_outside_the_line_is_ignored(
    client, line, teacher, other_teacher, meeting
):
    client.force_login(teacher.user)
    url = reverse("learninglines:meeting-attendance", args=[SLUG, meeting.pk])
    client.post(url, {f"member_{teacher.pk}": "present", f"member_{other_teacher.pk}": "present"})
    assert list(Attendance.objects.values_list("member_id", flat=True)) == [teacher.pk]


def test_unknown_attendance_status_is_a_form_error(client, line, teacher, meeting):
    client.force_login(teacher.user)
    url = reverse("learninglines:meeting-attendance", args=[SLUG, meeting.pk])
    response = client.post(url, {f"member_{teacher.pk}": "maybe"})
    assert response.status_code == 200
    assert response.context["attendance_form"].errors == {
        f"member_{teacher.pk}": ["Selecteer een geldige keuze. maybe is geen beschikbare keuze."]
    }
    assert Attendance.objects.count() == 0


def test_end_before_start_is_a_form_error(client, line, teacher):
    client.force_login(teacher.user)
    url = reverse("learninglines:meeting-create", args=[SLUG, line.pk])
    data = form_data(timezone.localdate(), start_time="17:00", end_time="16:00")
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "end_time": ["De bijeenkomst moet eindigen na het begin."]
    }
    assert LineMeeting.objects.count() == 0


def test_meeting_outside_the_lines_school_year_is_refused(line):
    with pytest.raises(ValidationError) as error:
        meeting_create(
            line=line,
            date=line.year.end + timedelta(days=1),
            start_time=time(15, 30),
            end_time=time(17),
            topic="Te laat",
        )
    assert list(error.value.message_dict) == ["date"]


def test_archived_line_plans_no_new_meeting(line):
    line.archived_at = timezone.now()
    line.save()
    with pytest.raises(ValidationError):
        meeting_create(
            line=line, date=timezone.localdate(), start_time=time(9), end_time=time(10), topic="x"
        )


def test_moving_a_meeting_drops_attendance_of_people_not_in_the_line_then_and_resets_reminder(
    school, line, teacher
):
    # A fixed place in the line's year: a week later is in the year whatever today is.
    day = line.year.start + timedelta(days=100)
    leaver = MemberFactory(school=school)
    join(leaver, line, end=day + timedelta(days=2))
    meeting = plan(line, day, reminder_sent_at=timezone.now())
    meeting_attendance_save(meeting=meeting, statuses={teacher.pk: "present", leaver.pk: "excused"})
    meeting_update(meeting=meeting, date=day + timedelta(days=7))
    meeting.refresh_from_db()
    assert meeting.reminder_sent_at is None
    assert list(meeting.attendance.values_list("member_id", "status")) == [(teacher.pk, "present")]


def test_meeting_update_keeps_the_reminder_when_only_the_room_changes(line, meeting):
    sent = timezone.now()
    LineMeeting.objects.filter(pk=meeting.pk).update(reminder_sent_at=sent)
    meeting.refresh_from_db()
    meeting_update(meeting=meeting, place="Aula")
    meeting.refresh_from_db()
    assert (meeting.place, meeting.reminder_sent_at) == ("Aula", sent)


def test_next_meeting_follows_the_member_across_a_move(school, line, other_line, teacher):
    today = timezone.localdate()
    LineMembership.objects.filter(member=teacher).update(end=today + timedelta(days=9))
    join(teacher, other_line, start=today + timedelta(days=10))
    plan(line, today - timedelta(days=1), topic="Gisteren")
    plan(line, today + timedelta(days=12), topic="Na de verhuizing, oude lijn")
    soon = plan(other_line, today + timedelta(days=11), topic="Eerste in de nieuwe lijn")
    plan(other_line, today + timedelta(days=2), topic="Voor de verhuizing, nieuwe lijn")
    first = plan(line, today, topic="Vandaag")
    assert meeting_next_for_member(member=teacher, today=today) == first
    assert meeting_next_for_member(member=teacher, today=today + timedelta(days=1)) == soon


def test_line_list_counts_attendance(school, line, teacher):
    colleague = MemberFactory(school=school)
    join(colleague, line)
    meeting = plan(line, timezone.localdate())
    meeting_attendance_save(
        meeting=meeting, statuses={teacher.pk: "present", colleague.pk: "absent"}
    )
    [listed] = meeting_list_for_line(line=line)
    assert (
        listed.present_count,
        listed.excused_count,
        listed.absent_count,
        listed.members_count,
    ) == (1, 0, 1, 2)


def test_school_list_groups_by_line_and_by_date(school, line, other_line):
    today = timezone.localdate()
    b1 = plan(other_line, today + timedelta(days=1))
    a1 = plan(line, today + timedelta(days=2))
    a2 = plan(line, today + timedelta(days=3))
    overview = meeting_list_for_school(school=school, year=line.year)
    assert [(e.line, e.meetings) for e in overview.lines] == [(line, [a1, a2]), (other_line, [b1])]
    assert overview.by_date == [b1, a1, a2]


def test_meeting_list_page_shows_lines_and_dates(client, steering, line, other_line):
    plan(line, timezone.localdate() + timedelta(days=1), topic="Leesmotivatie")
    client.force_login(steering.user)
    url = reverse("learninglines:meeting-list", args=[SLUG])
    page = client.get(url).content.decode()
    assert "Leesmotivatie" in page
    assert "Nog geen bijeenkomsten gepland." in page  # line B
    by_date = client.get(url + "?group=date").content.decode()
    assert "Leesmotivatie" in by_date


def test_meeting_list_without_a_school_year_says_what_to_do(client, steering):
    client.force_login(steering.user)
    response = client.get(reverse("learninglines:meeting-list", args=[SLUG]))
    assert response.status_code == 200
    assert "Deze school heeft nog geen schooljaar." in response.content.decode()


# --- Query budget ------------------------------------------------------------------------------


def _school_of(size: int, school, steering) -> None:
    """Four lines with `size` members spread over them, three held meetings each."""
    lines = [make_line(school, letter, f"Lijn {letter}") for letter in "ABCD"]
    members = MemberFactory.create_batch(size, school=school)
    LineMembership.objects.bulk_create(
        LineMembership(member=m, line=lines[i % 4], start=lines[0].year.start)
        for i, m in enumerate(members)
    )
    today = timezone.localdate()
    for line in lines:
        for days in (1, 8, 15):
            meeting = plan(line, today - timedelta(days=days))
            Attendance.objects.bulk_create(
                Attendance(meeting=meeting, member=m.member, status="present")
                for m in line.memberships.all()
            )


# Session, user, school, member, coach assignment; years, lines, meetings.
ALL_LINES_PAGE_QUERIES = 8


@pytest.mark.parametrize("size", [10, 150])
def test_all_lines_page_costs_the_same_at_10_and_150_members(
    client, school, steering, size, django_assert_num_queries
):
    _school_of(size, school, steering)
    client.force_login(steering.user)
    url = reverse("learninglines:meeting-list", args=[SLUG])
    with django_assert_num_queries(ALL_LINES_PAGE_QUERIES):
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.context["overview"].by_date) == 12
    with django_assert_num_queries(ALL_LINES_PAGE_QUERIES):
        client.get(url + "?group=date")


@pytest.mark.parametrize("size", [10, 150])
def test_meeting_page_costs_the_same_at_10_and_150_members(client, school, steering, size):
    _school_of(size, school, steering)
    meeting = LineMeeting.objects.first()
    client.force_login(steering.user)
    url = reverse("learninglines:meeting-detail", args=[SLUG, meeting.pk])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.context["rows"]) == size // 4 + (1 if size % 4 else 0)
    assert len(queries) == MEETING_PAGE_QUERIES


# Session, user, school, member, coach; meeting; the permission (steering: none); attendance,
# members.
MEETING_PAGE_QUERIES = 8


def test_line_fragment_selector_is_one_query(line, teacher, django_assert_num_queries):
    for days in (1, 2, 3):
        plan(line, timezone.localdate() + timedelta(days=days))
    with django_assert_num_queries(1):
        meetings = meeting_list_for_line(line=line)
        assert [m.line.name for m in meetings] == ["Lezen", "Lezen", "Lezen"]


def test_meeting_pages_speak_english_on_request(client, steering, line, meeting):
    client.force_login(steering.user)
    client.cookies["exchange_language"] = "en"
    page = client.get(reverse("learninglines:meeting-list", args=[SLUG])).content.decode()
    assert '<h1 class="h3">Line meetings</h1>' in page
    detail = client.get(reverse("learninglines:meeting-detail", args=[SLUG, meeting.pk]))
    assert "Save attendance" in detail.content.decode()


@pytest.mark.parametrize("can_manage", [True, False])
def test_line_page_fragment_lists_meetings_and_offers_planning_to_managers(
    rf, school, line, steering, can_manage
):
    with translation.override("nl"):  # no middleware here: the page's language is Dutch
        request = rf.get("/")
        request.user = steering.user
        request.school = school
        meeting = plan(line, timezone.localdate() + timedelta(days=2), topic="Leesmotivatie")
        meetings = meeting_list_for_line(line=line)
        context = {
            "line": line,
            "meetings": meetings,
            "meetings_ahead": meetings,
            "can_manage": can_manage,
        }
        html = render_to_string(
            "learninglines/meetings/_line_meetings.html", context, request=request
        )
        assert f'href="/s/de-regenboog/meetings/{meeting.pk}/"' in html
        assert "Leesmotivatie" in html
        create = f'href="/s/de-regenboog/lines/{line.pk}/meetings/create/"'
        assert (create in html) is can_manage
        empty = render_to_string(
            "learninglines/meetings/_line_meetings.html",
            {"line": line, "meetings": [], "can_manage": can_manage},
            request=request,
        )
        expected = (
            "Nog geen bijeenkomsten gepland. Plan de eerste"
            if can_manage
            else "Deze leerlijn heeft nog geen bijeenkomst gepland."
        )
        assert expected in empty


def test_a_line_of_an_ended_year_plans_nothing_new(client, school, steering):
    year = current_year(school)
    old_year = SchoolYear.objects.create(
        school=school,
        start=year.start.replace(year=year.start.year - 1),
        end=year.start - timedelta(days=1),
        name="vorig jaar",
    )
    old_line = LearningLine.objects.create(
        school=school, year=old_year, letter="A", name="Oud", colour="blue"
    )
    with pytest.raises(ValidationError):
        meeting_create(
            line=old_line, date=old_year.end, start_time=time(9), end_time=time(10), topic="x"
        )
    client.force_login(steering.user)
    url = reverse("learninglines:meeting-list", args=[SLUG])
    response = client.get(url + f"?year={old_year.pk}")
    assert response.context["year"] == old_year
    assert response.context["year_ended"] is True
    assert "Plan een bijeenkomst" not in response.content.decode()


def test_attendance_chosen_by_mistake_is_cleared_with_not_known(client, teacher, meeting):
    url = reverse("learninglines:meeting-attendance", args=[SLUG, meeting.pk])
    client.force_login(teacher.user)
    client.post(url, {f"member_{teacher.pk}": "absent"})
    assert list(Attendance.objects.values_list("status", flat=True)) == ["absent"]
    page = client.get(reverse("learninglines:meeting-detail", args=[SLUG, meeting.pk]))
    labels = re.findall(
        r'<label class="btn btn-sm attendance-(\w+)"[^>]*>([^<]+)</label>', page.content.decode()
    )
    assert labels == [
        ("unknown", "onbekend"),
        ("present", "aanwezig"),
        ("excused", "afgemeld"),
        ("absent", "afwezig"),
    ]
    client.post(url, {f"member_{teacher.pk}": ""})
    assert not Attendance.objects.exists()


@pytest.mark.parametrize("why", ["archived", "ended"])
def test_meetings_of_an_archived_line_or_an_ended_year_are_read_only(
    client, steering, teacher, why
):
    """The line page says it can be read, not changed: its meetings' pages say and do the same."""
    if why == "archived":
        line = make_line(steering.school, "A", "Lezen")
        day = timezone.localdate() + timedelta(days=7)
    else:
        line = last_years_line(steering.school)
        day = line.year.end - timedelta(days=3)
    join(teacher, line)
    meeting = plan(line, day, topic="Voor later", notes="Zo was het")
    if why == "archived":
        line.archived_at = timezone.now()
        line.save()
    for user in (steering.user, teacher.user):
        client.force_login(user)
        url = reverse("learninglines:meeting-detail", args=[SLUG, meeting.pk])
        html = client.get(url).content.decode()
        notice = {
            "archived": "Deze leerlijn is gearchiveerd: je kunt haar lezen, niet wijzigen.",
            "ended": "Dit is een eerder schooljaar: je kunt het lezen, niet wijzigen.",
        }[why]
        assert notice in html
        for action in ("/update/", "/notes/", "/attendance/", "/delete/"):
            assert action not in html
        assert "Zo was het" in html
        # who came stays readable for those who kept the attendance
        assert f"<li>{teacher.full_name}: onbekend</li>" in html
        for action, data in [
            ("meeting-update", form_data(meeting.date, topic="Anders")),
            ("meeting-notes", {"notes": "Later nog gewijzigd"}),
            ("meeting-attendance", {f"member_{teacher.pk}": "present"}),
            ("meeting-delete", {}),
        ]:
            response = client.post(
                reverse(f"learninglines:{action}", args=[SLUG, meeting.pk]), data
            )
            assert response.status_code == 403, action
    meeting.refresh_from_db()
    assert (meeting.topic, meeting.notes) == ("Voor later", "Zo was het")
    assert not Attendance.objects.exists()


def test_the_line_page_lists_the_coming_meetings_first_and_the_past_latest_first(
    client, teacher, line
):
    """On a phone the next meeting would sit at the bottom of a year's list."""
    today = timezone.localdate()
    for days, topic in ((-30, "Lang geleden"), (-2, "Net geweest"), (7, "Volgende"), (21, "Later")):
        plan(line, today + timedelta(days=days), topic=topic)
    client.force_login(teacher.user)
    page = client.get(reverse("learninglines:line-detail", args=[SLUG, line.pk])).content.decode()
    ahead, past = page.split(">Gepland</h3>")[1].split(">Eerder</h3>")
    topics = re.compile(r"Volgende|Later|Net geweest|Lang geleden")
    assert topics.findall(ahead) == ["Volgende", "Later"]
    assert topics.findall(past) == ["Net geweest", "Lang geleden"]
