"""Writes for line meetings: planning, notes, attendance, and the reminder the day before.

Rules kept here:
- A meeting belongs to one line and falls in that line's school year; an archived line, or a
  line of a year that has ended (earlier years are read-only), plans nothing new.
- Attendance is recorded only for the members of the line on the meeting's date; moving a
  meeting to another date drops attendance of people who were not in the line then.
- A meeting that will not take place (or was planned on a wrong date, also one in the past)
  is removed, as long as nothing of it was recorded: nobody's attendance, no notes, no
  reflection form. A held meeting stays (its attendance counts in the overview), and so does
  every meeting of a school year that has ended.
- Each meeting's reminder goes out once: it is claimed with a conditional update of
  `reminder_sent_at`, so two cron runs at the same time never both send it.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from learninglines.models import Attendance, LearningLine, LineMeeting, OutgoingMail, School
from learninglines.selectors.meetings import meeting_members_on_date
from learninglines.services.outbox import mail_queue_from_template, one_line

MEETING_FIELDS = ("date", "start_time", "end_time", "place", "topic", "agenda")


def _check_line_and_date(line: LearningLine, day: date) -> None:
    if line.is_archived:
        raise ValidationError(_("This line is archived: it plans no new meetings."))
    year = line.year
    if year.end < timezone.localdate():
        raise ValidationError(_("This school year has ended: its meetings can no longer move."))
    if not (year.start <= day <= year.end):
        raise ValidationError(
            {
                "date": _("Choose a date in the line's school year (%(start)s to %(end)s).")
                % {
                    "start": formats.date_format(year.start, "j F Y"),
                    "end": formats.date_format(year.end, "j F Y"),
                }
            }
        )


def meeting_create(
    *,
    line: LearningLine,
    date: date,
    start_time: time,
    end_time: time,
    topic: str,
    place: str = "",
    agenda: str = "",
) -> LineMeeting:
    """Plan a meeting of `line` on a date in the line's school year."""
    _check_line_and_date(line, date)
    meeting = LineMeeting(
        line=line,
        date=date,
        start_time=start_time,
        end_time=end_time,
        topic=one_line(topic),
        place=one_line(place),
        agenda=agenda.strip(),
    )
    meeting.full_clean()
    meeting.save()
    return meeting


def meeting_update(*, meeting: LineMeeting, **fields) -> LineMeeting:
    """Change when, where or what a meeting is about.

    A new date means a new reminder (the old one named the wrong day) and drops attendance of
    people who were not in the line on the new date.
    """
    unknown = set(fields) - set(MEETING_FIELDS)
    if unknown:
        raise TypeError(f"Unknown meeting fields: {sorted(unknown)}")
    new_date = fields.get("date", meeting.date)
    if new_date != meeting.date:
        _check_line_and_date(meeting.line, new_date)
    for name, value in fields.items():
        if name in ("topic", "place"):
            value = one_line(value)
        setattr(meeting, name, value.strip() if isinstance(value, str) else value)
    changed = list(fields)
    with transaction.atomic():
        original = LineMeeting.objects.select_for_update().get(pk=meeting.pk)
        if original.date != meeting.date:
            meeting.reminder_sent_at = None
            changed.append("reminder_sent_at")
        if any(getattr(original, name) != getattr(meeting, name) for name in fields):
            meeting.revision = original.revision + 1  # calendars take the change over
            changed.append("revision")
        meeting.full_clean()
        meeting.save(update_fields=changed)
        if original.date != meeting.date:
            meeting.attendance.exclude(member__in=meeting_members_on_date(meeting=meeting)).delete()
    return meeting


def meeting_removable(
    meeting: LineMeeting, *, today: date | None = None, attended: bool | None = None
) -> str | None:
    """None when `meeting` may be removed, else why not (for the person who asked).
    `attended`: whether attendance is recorded, when the caller knows (a page that lists it)."""
    if meeting.line.year.end < (today or timezone.localdate()):
        return _("This school year has ended: its meetings stay.")
    if attended if attended is not None else meeting.attendance.exists():
        return _("Attendance is recorded for this meeting: it stays.")
    if meeting.notes:
        return _("Notes are written for this meeting: it stays.")
    return None


def meeting_delete(*, meeting: LineMeeting, today: date | None = None) -> None:
    """Remove a meeting that will not take place (see the module's rules). A reflection form of
    the meeting (another app's, which protects the meeting) also keeps it."""
    with transaction.atomic():
        meeting = LineMeeting.objects.select_for_update().get(pk=meeting.pk)
        reason = meeting_removable(meeting, today=today)
        if reason:
            raise ValidationError(reason)
        try:
            with transaction.atomic():
                meeting.delete()
        except ProtectedError:
            raise ValidationError(
                _("A reflection form belongs to this meeting: it stays.")
            ) from None


def meeting_notes_save(*, meeting: LineMeeting, notes: str) -> LineMeeting:
    """Keep what the group did and agreed, written afterwards."""
    meeting.notes = notes.strip()
    meeting.full_clean()
    meeting.save(update_fields=["notes"])
    return meeting


def meeting_attendance_save(*, meeting: LineMeeting, statuses: dict[int, str]) -> int:
    """Record attendance: member pk -> status ("" clears it). All or nothing; returns rows kept.

    Refused when a member was not in the line on the meeting's date. Two saves at once run
    one after the other (the meeting's row is locked first): without that, one clearing rows
    the other writes, and the other the reverse, deadlock on PostgreSQL.
    """
    valid = set(Attendance.Status.values)
    bad_status = sorted(v for v in statuses.values() if v and v not in valid)
    if bad_status:
        raise ValidationError(_("Unknown attendance: %(value)s.") % {"value": bad_status[0]})
    with transaction.atomic():
        LineMeeting.objects.select_for_update().filter(pk=meeting.pk).first()
        allowed = set(meeting_members_on_date(meeting=meeting).values_list("pk", flat=True))
        outsiders = set(statuses) - allowed
        if outsiders:
            raise ValidationError(
                _("Only members of the line on the meeting's date can be marked present or absent.")
            )
        cleared = [pk for pk, status in statuses.items() if not status]
        meeting.attendance.filter(member_id__in=cleared).delete()
        rows = [
            Attendance(meeting=meeting, member_id=pk, status=status)
            for pk, status in sorted(statuses.items())
            if status
        ]
        for row in rows:
            row.full_clean(exclude=["meeting", "member"], validate_unique=False)
        Attendance.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["meeting", "member"],
            update_fields=["status"],
        )
    return len(rows)


# --- Reminders ---------------------------------------------------------------------------------


def meeting_url(*, meeting: LineMeeting, school: School) -> str:
    """The meeting page's full address, as it goes into a mail (a plain link, no sign-in)."""
    path = reverse(
        "learninglines:meeting-detail", kwargs={"school_slug": school.slug, "pk": meeting.pk}
    )
    return settings.SITE_URL.rstrip("/") + path


def meeting_reminders_send(*, now: datetime | None = None) -> int:
    """Queue a reminder to each member of the line for every meeting tomorrow; returns mails.

    "Tomorrow" is the local date after `now`. A meeting is claimed before its mails are queued,
    in the same transaction, so a failure leaves it unclaimed and a parallel run skips it.
    """
    now = now or timezone.now()
    tomorrow = timezone.localdate(now) + timedelta(days=1)
    due = list(
        LineMeeting.objects.filter(
            date=tomorrow, reminder_sent_at__isnull=True, line__archived_at__isnull=True
        )
        .select_related("line__school")
        .order_by("start_time", "pk")
    )
    queued = 0
    for meeting in due:
        with transaction.atomic():
            claimed = LineMeeting.objects.filter(
                pk=meeting.pk, reminder_sent_at__isnull=True, date=tomorrow
            ).update(reminder_sent_at=now)
            if not claimed:
                continue
            school = meeting.line.school
            members = (
                meeting_members_on_date(meeting=meeting)
                .filter(is_active=True, user__is_active=True)
                .select_related("user")
                .order_by("pk")
            )
            url = meeting_url(meeting=meeting, school=school)
            for member in members:
                mail_queue_from_template(
                    to=member.user.email,
                    template="learninglines/mail/meeting_reminder",
                    context={
                        "member": member,
                        "meeting": meeting,
                        "line": meeting.line,
                        "school": school,
                        "url": url,
                    },
                    language=school.language,
                    kind=OutgoingMail.Kind.OTHER,
                    user=member.user,
                    school=school,
                )
                queued += 1
    return queued
