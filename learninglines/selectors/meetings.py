"""Reads of line meetings and their attendance, each a fixed number of queries.

"Members of a line on a date" always means the memberships that hold on that date
(`LineMembership.objects.on(day)`), so a teacher who moved keeps the old line's meetings in their
history and sees the new line's from the move on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import pgettext

from learninglines.models import (
    Attendance,
    LearningLine,
    LineMeeting,
    LineMembership,
    Member,
    School,
    SchoolYear,
    default_school_year_bounds,
)


def _memberships_on_meeting_date():
    """Memberships of the outer meeting's line that hold on the outer meeting's date."""
    return LineMembership.objects.filter(line=OuterRef("line"), start__lte=OuterRef("date")).filter(
        Q(end__isnull=True) | Q(end__gte=OuterRef("date"))
    )


def _with_counts(meetings: QuerySet[LineMeeting]) -> QuerySet[LineMeeting]:
    """Annotate attendance counts and the line's size on the meeting's date (no extra query)."""
    members_on_date = (
        _memberships_on_meeting_date().order_by().values("line").annotate(n=Count("pk")).values("n")
    )
    return meetings.annotate(
        present_count=Count("attendance", filter=Q(attendance__status=Attendance.Status.PRESENT)),
        excused_count=Count("attendance", filter=Q(attendance__status=Attendance.Status.EXCUSED)),
        absent_count=Count("attendance", filter=Q(attendance__status=Attendance.Status.ABSENT)),
        members_count=Coalesce(Subquery(members_on_date, output_field=IntegerField()), Value(0)),
    )


def meeting_list_for_line(*, line: LearningLine) -> list[LineMeeting]:
    """A line's meetings, oldest first, with attendance counts: one query."""
    meetings = LineMeeting.objects.filter(line=line).select_related("line")
    return list(_with_counts(meetings).order_by("date", "start_time", "pk"))


@dataclass(frozen=True)
class LineMeetings:
    line: LearningLine
    meetings: list[LineMeeting]


@dataclass(frozen=True)
class SchoolMeetings:
    """Every line of a school year with its meetings, and the same meetings by date."""

    lines: list[LineMeetings]
    by_date: list[LineMeeting]


def meeting_list_for_school(*, school: School, year: SchoolYear) -> SchoolMeetings:
    """All lines' meetings of one school year (archived lines only when they met): two queries."""
    meetings = list(
        _with_counts(
            LineMeeting.objects.filter(line__school=school, line__year=year).select_related("line")
        ).order_by("date", "start_time", "line__letter", "pk")
    )
    by_line: dict[int, list[LineMeeting]] = {}
    for meeting in meetings:
        by_line.setdefault(meeting.line_id, []).append(meeting)
    lines = LearningLine.objects.filter(school=school, year=year).order_by("letter", "pk")
    return SchoolMeetings(
        lines=[
            LineMeetings(line=line, meetings=by_line.get(line.pk, []))
            for line in lines
            if not line.is_archived or line.pk in by_line
        ],
        by_date=meetings,
    )


def meeting_list_for_member(*, member: Member) -> QuerySet[LineMeeting]:
    """Meetings of every line `member` was in on each meeting's own date (history kept)."""
    in_line = _memberships_on_meeting_date().filter(member=member)
    # The lines the member was ever in first (the Exists then only checks the dates), so the
    # database reads those lines' meetings by index instead of every school's meetings.
    their_lines = LineMembership.objects.filter(member=member).values("line_id")
    return (
        LineMeeting.objects.filter(line_id__in=their_lines)
        .filter(Exists(in_line))
        .select_related("line")
        .order_by("date", "start_time", "pk")
    )


def meeting_next_for_member(*, member: Member, today: date | None = None) -> LineMeeting | None:
    """The member's next line meeting from `today` (local date) on, or None: one query."""
    today = today or timezone.localdate()
    return meeting_list_for_member(member=member).filter(date__gte=today).first()


def feed_since(*, school: School, today: date | None = None) -> date:
    """The first day a calendar feed holds: the start of the current school year (as the
    school set it, else as the calendar has it). So a feed does not grow year after year; the
    other apps' events (sessions, small exchanges) use the same day."""
    today = today or timezone.localdate()
    year = SchoolYear.objects.current(school, today)
    return year.start if year is not None else default_school_year_bounds(today)[0]


def meeting_list_for_feed(*, member: Member, since: date | None = None) -> list[LineMeeting]:
    """The member's meetings on `since` or later (default `feed_since`: this school year's and
    later), for the calendar feed."""
    since = since or feed_since(school=member.school)
    return list(meeting_list_for_member(member=member).filter(date__gte=since))


def meeting_get(*, school: School, pk: int) -> LineMeeting:
    """A meeting of `school`, or a 404 (another school's meeting is never confirmed to exist)."""
    return get_object_or_404(
        LineMeeting.objects.filter(line__school=school).select_related(
            "line__year", "line__school"
        ),
        pk=pk,
    )


@dataclass(frozen=True)
class AttendanceRow:
    member: Member
    status: str  # "" when not recorded yet

    @property
    def status_label(self) -> str:
        if not self.status:
            return pgettext("attendance", "not known")
        return Attendance.Status(self.status).label


def line_joined_after(*, meeting: LineMeeting) -> date | None:
    """The first day anyone was placed in the meeting's line after the meeting's date (None if
    nobody was): a meeting recorded afterwards, in a line filled later, has no one to mark."""
    return (
        LineMembership.objects.filter(line_id=meeting.line_id, start__gt=meeting.date)
        .order_by("start")
        .values_list("start", flat=True)
        .first()
    )


def meeting_attendance_rows(*, meeting: LineMeeting) -> list[AttendanceRow]:
    """One row per member of the line on the meeting's date, in register order: two queries."""
    recorded = dict(meeting.attendance.values_list("member_id", "status"))
    members = meeting_members_on_date(meeting=meeting).order_by(
        "last_name", "name_prefix", "first_name", "pk"
    )
    return [AttendanceRow(member=m, status=recorded.get(m.pk, "")) for m in members]


def meeting_members_on_date(*, meeting: LineMeeting) -> QuerySet[Member]:
    """The members of the meeting's line on its date: who takes part, who gets the reminder."""
    return Member.objects.filter(
        Exists(
            LineMembership.objects.on(meeting.date).filter(
                line_id=meeting.line_id, member=OuterRef("pk")
            )
        )
    )
