"""Privacy rights: a person's data export, erasure of a member who left, retention of old texts.

Rules kept here (see `learninglines.privacy` for what each field is):
- A person's own export holds everything stored about them in every school they belong to,
  their coach assignments, their sign-in links (never a token) and the mails sent to them. The
  steering group's export for a member of their school holds only what the steering group may
  read anyway: never private or anonymous answers, the learning log, ambitions or notes.
- Erasure works per school and anonymises: the member becomes "Oud-teamlid N"; their learning
  log, calendar address, private answers, ambitions, exchange notes, reminders, apart pairs
  and this school's sign-in links and mails are deleted, their full name in colleagues' mails,
  line-meeting notes and the admin log is replaced; seats, attendance, named and anonymous
  answers and the counts stay, so plans and overviews remain true. The sign-in account is
  closed (anonymised, no password, inactive) only when no other school or coach assignment
  remains. It is one recorded action (`Erasure`: who, when).
- Retention: per school, the texts of a school year are deleted `School.retention_years` school
  years after it ended; counts stay. Members are told once, a month before.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from axes.models import AccessAttempt
from django.contrib.admin.models import LogEntry as AdminLogEntry
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q, Value
from django.db.models.functions import Replace
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from learninglines.models import (
    Attendance,
    CalendarFeed,
    CoachAssignment,
    Erasure,
    LineMeeting,
    LineMembership,
    LogEntry,
    MagicLink,
    Member,
    OutgoingMail,
    School,
    SchoolYear,
    SignInRequest,
    User,
)
from learninglines.privacy import export_value, personal_data_sources
from learninglines.services.links import site_url
from learninglines.services.outbox import mail_queue_from_template, mail_send_after_response

NOTICE_BEFORE = timedelta(days=30)


# --- export ---


def _member_sections(member: Member, *, own: bool) -> dict[str, list[dict]]:
    """This app's part of one membership: the member, lines, meetings, and (own) the log."""
    sections = {
        _("Team member"): [
            {
                _("school"): member.school.name,
                _("first name"): member.first_name,
                _("name prefix"): member.name_prefix,
                _("last name"): member.last_name,
                _("steering group"): export_value(member.is_steering),
                _("active"): export_value(member.is_active),
                _("since"): export_value(member.created_at),
                # the steering group's pages say only whether someone has signed in, not when
                **(
                    {_("first opened the school's pages"): export_value(member.first_seen_at)}
                    if own
                    else {_("has signed in"): export_value(member.first_seen_at is not None)}
                ),
            }
        ],
        _("Learning lines"): [
            {
                _("line"): m.line.name,
                _("from"): export_value(m.start),
                _("until"): export_value(m.end),
            }
            for m in LineMembership.objects.filter(member=member)
            .select_related("line")
            .order_by("start")
        ],
        _("Line meetings"): [
            {
                _("date"): export_value(a.meeting.date),
                _("line"): a.meeting.line.name,
                _("topic"): a.meeting.topic,
                _("attendance"): a.get_status_display(),
            }
            for a in Attendance.objects.filter(member=member)
            .select_related("meeting__line")
            .order_by("meeting__date")
        ],
    }
    if own:
        sections[_("Learning log")] = [
            {
                _("date"): export_value(entry.date),
                _("what I tried"): entry.tried,
                _("what it did for my pupils"): entry.effect,
                _("what I want to bring to others"): entry.to_bring,
                _("note"): entry.note,
                _("who may read it"): entry.get_sharing_display(),
            }
            for entry in LogEntry.objects.filter(author=member).order_by("date", "pk")
        ]
        # that there is one, never its secret address
        sections[_("Personal calendar address")] = [
            {_("made"): export_value(feed.created_at)}
            for feed in CalendarFeed.objects.filter(member=member)
        ]
    for source in personal_data_sources():
        sections.update(source.export(member, own=own))
    return sections


def _account_sections(user: User) -> dict[str, list[dict]]:
    return {
        _("Account"): [
            {
                _("e-mail address"): user.email,
                _("name"): user.name,
                _("since"): export_value(user.date_joined),
                _("last sign-in"): export_value(user.last_login),
            }
        ],
        _("Coach assignments"): [
            {
                _("school"): c.school.name,
                _("since"): export_value(c.created_at),
                _("until"): export_value(c.ended_at),
            }
            for c in CoachAssignment.objects.filter(user=user).select_related("school")
        ],
        # Never the token: a link is described, not given.
        _("Sign-in links"): [
            {
                _("kind"): link.get_purpose_display(),
                _("school"): link.school.name if link.school else "",
                _("made"): export_value(link.created_at),
                _("valid until"): export_value(link.expires_at),
                _("used"): export_value(link.used_at),
                _("used at"): ", ".join(export_value(use.used_at) for use in link.uses.all()),
                _("revoked"): export_value(link.revoked_at),
            }
            for link in MagicLink.objects.filter(user=user)
            .select_related("school")
            .prefetch_related("uses")
            .order_by("created_at")
        ],
        _("Mails"): [
            {
                _("to"): mail.to,
                _("subject"): mail.subject,
                _("kind"): mail.get_kind_display(),
                _("status"): mail.get_status_display(),
                _("queued"): export_value(mail.created_at),
                _("sent"): export_value(mail.sent_at),
            }
            for mail in OutgoingMail.objects.filter(user=user).order_by("created_at")
        ],
    }


def _zip(data: dict, title: str, language: str) -> bytes:
    with translation.override(language):
        html = render_to_string(
            "learninglines/privacy/export_summary.html", {"data": data, "title": title}
        )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", json.dumps(data, ensure_ascii=False, indent=2))
        archive.writestr("index.html", html)
    return buffer.getvalue()


def person_export(*, user: User, language: str = "nl", now: datetime | None = None) -> bytes:
    """Everything stored about `user`, in every school, as a ZIP (JSON and an HTML summary)."""
    now = now or timezone.now()
    with translation.override(language):
        memberships = Member.objects.filter(user=user).select_related("school").order_by("pk")
        data = {
            "exported_at": export_value(now),
            "sections": _account_sections(user),
            "schools": [
                {"school": m.school.name, "sections": _member_sections(m, own=True)}
                for m in memberships
            ],
        }
        title = _("Your data in %(product)s") % {"product": "Brengen & Halen"}
    return _zip(data, title, language)


def member_export_for_steering(*, member: Member, now: datetime | None = None) -> bytes:
    """A member's data as the steering group of their school may read it, as a ZIP."""
    now = now or timezone.now()
    language = member.school.language
    with translation.override(language):
        data = {
            "exported_at": export_value(now),
            "sections": {},
            "schools": [
                {"school": member.school.name, "sections": _member_sections(member, own=False)}
            ],
        }
        title = _("Data of %(name)s at %(school)s") % {
            "name": member.full_name,
            "school": member.school.name,
        }
    return _zip(data, title, language)


# --- erasure ---


@dataclass(frozen=True)
class ErasureResult:
    erasure: Erasure
    account_closed: bool
    counts: dict[str, int]


def _placeholder_user(member: Member, number: int) -> User:
    return User.objects.create(
        email=f"oud-teamlid-{member.school_id}-{number}-{member.pk}@erased.invalid",
        name="",
        password=make_password(None),
        is_active=False,
    )


def _close_account(user: User) -> None:
    # the lock-out's record of failed sign-ins names the address (successful ones are not
    # kept: AXES_DISABLE_ACCESS_LOG), and so does a sign-in request not yet pruned
    AccessAttempt.objects.filter(username__iexact=user.email).delete()
    SignInRequest.objects.filter(email__iexact=user.email).delete()
    closed = f"erased-{user.pk}@erased.invalid"
    # the administration's log names the account (and its coach assignments) by address
    AdminLogEntry.objects.filter(object_repr__contains=user.email).update(
        object_repr=Replace("object_repr", Value(user.email), Value(closed))
    )
    user.email = closed
    user.name = ""
    user.password = make_password(None)
    user.last_login = None
    user.is_active = False
    user.save(update_fields=["email", "name", "password", "last_login", "is_active"])


def member_erase(*, member: Member, by: User | None, now: datetime | None = None) -> ErasureResult:
    """Erase a member who left this school (see the module's rules); one recorded action."""
    now = now or timezone.now()
    with transaction.atomic():
        member = (
            Member.objects.select_for_update().select_related("school", "user").get(pk=member.pk)
        )
        if Erasure.objects.filter(member=member).exists():
            raise ValidationError(_("This person has already been erased."))
        if by is not None and member.user_id == by.pk:
            raise ValidationError(
                _("You cannot erase yourself here: ask another member of the steering group.")
            )
        school = member.school
        user = member.user
        counts: dict[str, int] = {}
        counts["log entries"] = LogEntry.objects.filter(author=member).delete()[0]
        counts["calendar addresses"] = CalendarFeed.objects.filter(member=member).delete()[0]
        for source in personal_data_sources():
            counts.update(source.erase(member))
        others = (
            Member.objects.filter(user=user, is_active=True).exclude(pk=member.pk).exists()
            or CoachAssignment.objects.current().filter(user=user).exists()
        )
        links = MagicLink.objects.filter(user=user)
        mails = OutgoingMail.objects.filter(user=user)
        if others:
            links = links.filter(school=school)
            mails = mails.filter(school=school)
        counts["mails"] = mails.delete()[0]
        counts["sign-in links"] = links.delete()[0]
        # mails to nobody's account that name them: the address-change notice, sent to the
        # old address and giving the current one
        counts["mails"] += (
            OutgoingMail.objects.filter(school=school, user__isnull=True)
            .filter(Q(to__iexact=user.email) | Q(body__icontains=user.email))
            .delete()[0]
        )
        number = (Erasure.objects.filter(school=school).aggregate(n=Max("number"))["n"] or 0) + 1
        counts["names in colleagues' mails"] = _mails_renamed(
            school, member.full_name, f"{_erased_name(school)} {number}"
        )
        counts["names in line meetings"] = _meetings_renamed(
            school, member.full_name, f"{_erased_name(school)} {number}"
        )
        member.first_name = _erased_name(school)
        member.name_prefix = ""
        member.last_name = str(number)
        member.is_active = False
        member.first_seen_at = None
        if others:
            member.user = _placeholder_user(member, number)
        member.save(
            update_fields=[
                "first_name",
                "name_prefix",
                "last_name",
                "is_active",
                "first_seen_at",
                "user",
            ]
        )
        # the administration's log of changes to this member names them as they were
        AdminLogEntry.objects.filter(
            content_type__app_label=Member._meta.app_label,
            content_type__model=Member._meta.model_name,
            object_id=str(member.pk),
        ).update(object_repr=str(member)[:200])
        if not others:
            _close_account(user)
        erasure = Erasure.objects.create(school=school, member=member, number=number, by=by, at=now)
    return ErasureResult(erasure=erasure, account_closed=not others, counts=counts)


def _mails_renamed(school: School, name: str, placeholder: str) -> int:
    """Colleagues' mails of the school that name `name` (a table plan written into a mail when
    it was queued; sent ones stay 30 days) name `placeholder` instead, as every page does."""
    found = OutgoingMail.objects.filter(school=school).filter(
        Q(body__contains=name) | Q(subject__contains=name)
    )
    return found.update(
        body=Replace("body", Value(name), Value(placeholder)),
        subject=Replace("subject", Value(name), Value(placeholder)),
    )


def _meetings_renamed(school: School, name: str, placeholder: str) -> int:
    """The school's line-meeting agendas and notes that name `name` name `placeholder`."""
    found = LineMeeting.objects.filter(line__school=school).filter(
        Q(agenda__contains=name) | Q(notes__contains=name)
    )
    return found.update(
        agenda=Replace("agenda", Value(name), Value(placeholder)),
        notes=Replace("notes", Value(name), Value(placeholder)),
    )


def _erased_name(school: School) -> str:
    with translation.override(school.language):
        return _("Former team member")


# --- retention ---


def retention_due(year: SchoolYear, school: School) -> date:
    """The first day a school year's texts are gone: `retention_years` years after its end."""
    end = year.end
    try:
        later = end.replace(year=end.year + school.retention_years)
    except ValueError:  # 29 February
        later = end.replace(year=end.year + school.retention_years, day=28)
    return later + timedelta(days=1)


@dataclass
class RetentionResult:
    years: list[SchoolYear]
    counts: dict[str, int]
    notified: int


def retention_apply(*, now: datetime | None = None, dry_run: bool = False) -> RetentionResult:
    """Delete the texts of school years past their retention; tell members a month before.

    With `dry_run`, nothing changes and the counts say what would be deleted.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    result = RetentionResult(years=[], counts={}, notified=0)
    years = SchoolYear.objects.filter(retained_at__isnull=True, end__lt=today).select_related(
        "school"
    )
    mail_ids: list[int] = []
    for year in years:
        due = retention_due(year, year.school)
        if year.retention_notified_at is None:
            # Never without the notice a month before: when the daily run missed the window,
            # the retention term was shortened, or a year's end moved, the texts go a month
            # after the notice instead.
            if due - NOTICE_BEFORE <= today:
                if dry_run:  # counted, so the dry run says which years would be announced
                    result.notified += 1
                    continue
                with transaction.atomic():
                    mail_ids += _notify(year, max(due, today + NOTICE_BEFORE))
                    year.retention_notified_at = now
                    year.save(update_fields=["retention_notified_at"])
                result.notified += 1
            continue
        if max(due, timezone.localdate(year.retention_notified_at) + NOTICE_BEFORE) <= today:
            result.years.append(year)
            with transaction.atomic():
                counts = _retain_year(year, dry_run=dry_run)
                if not dry_run:
                    year.retained_at = now
                    year.save(update_fields=["retained_at"])
            for key, value in counts.items():
                result.counts[key] = result.counts.get(key, 0) + value
    mail_send_after_response(ids=mail_ids)
    return result


def _retain_year(year: SchoolYear, *, dry_run: bool) -> dict[str, int]:
    # every entry up to the year's end: also one dated in a gap between school years, or
    # before the first (a later year is never due before this one, so nothing newer goes)
    entries = LogEntry.objects.filter(author__school=year.school, date__lte=year.end).exclude(
        tried="", effect="", to_bring="", note=""
    )
    counts = {"log entries": entries.count()}
    if not dry_run:
        entries.update(tried="", effect="", to_bring="", note="")
    for source in personal_data_sources():
        if source.retain is not None:
            counts.update(source.retain(year, dry_run=dry_run))
    return counts


def _notify(year: SchoolYear, due: date) -> list[int]:
    """Tell every active member of the school, once, which texts go and when."""
    ids = []
    members = Member.objects.filter(school=year.school, is_active=True).select_related(
        "user", "school"
    )
    for member in members:
        mail = mail_queue_from_template(
            to=member.user.email,
            template="learninglines/mail/retention_notice",
            context={
                "member": member,
                "year": year,
                "due": due,
                "url": site_url(reverse("learninglines:my-data")),
            },
            language=year.school.language,
            kind=OutgoingMail.Kind.OTHER,
            user=member.user,
            school=year.school,
            send_now=False,
        )
        ids.append(mail.pk)
    return ids
