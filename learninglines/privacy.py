"""What the product stores about a person, and how it is exported and erased (AVG / GDPR).

Every field of every model is classified in `PERSONAL_FIELDS`: `ERASED` (blanked, replaced or
deleted when a member is erased), `KEPT` (stays, with the reason: it carries others' history
or is not about the person once the member is anonymised), or `NONE` (not personal data).
A test walks every model of both apps and fails when a field is missing here, so a new model
or field cannot be forgotten.

This app does not import the exchange app; that app registers its own part of a person's data
(its export sections and its erasure) through `register_personal_data` when it loads, as it
does for calendar events.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone
from django.utils.translation import gettext

ERASED = "erased"
KEPT = "kept"
NONE = "none"


@dataclass(frozen=True)
class PersonalDataSource:
    """Another app's part of a member's data.

    `export(member, own)` returns {section title: list of row dicts}; with `own` False the
    export is for the steering group and holds only what the steering group may read anyway.
    `erase(member)` deletes or blanks the member's personal data in that app (keeping what
    others' history depends on) and returns {what: count}. Both must cost a fixed number of
    queries.
    """

    name: str
    export: Callable[..., dict[str, list[dict]]]
    erase: Callable[..., dict[str, int]]
    # retain(year, dry_run=) blanks the texts of a school year past its retention; counts stay.
    retain: Callable[..., dict[str, int]] | None = None


_SOURCES: list[PersonalDataSource] = []


def register_personal_data(source: PersonalDataSource) -> None:
    if all(existing.name != source.name for existing in _SOURCES):
        _SOURCES.append(source)


def personal_data_sources() -> list[PersonalDataSource]:
    return list(_SOURCES)


def export_value(value) -> str:
    """A value as the export writes it, readable in its HTML and its JSON alike: a moment in
    local time to the minute ("2026-12-07 14:05"), a day as "2026-12-07", yes or no in the
    export's language, nothing as "".
    """
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else str(value)


def _fields(erased=(), kept=(), none=()) -> dict[str, str]:
    return {
        **dict.fromkeys(erased, ERASED),
        **dict.fromkeys(kept, KEPT),
        **dict.fromkeys(none, NONE),
    }


# Why kept fields stay: ids and foreign keys tie history together (seats, attendance, plans);
# once the member is anonymised they point to "Oud-teamlid N", not to a person. Dates and
# statuses are counts that overviews of the year show.
PERSONAL_FIELDS: dict[str, dict[str, str]] = {
    "learninglines.User": _fields(
        erased=("password", "last_login", "email", "name", "is_active"),
        kept=("id", "date_joined"),
        none=("is_superuser", "is_staff"),
    ),
    "learninglines.School": _fields(
        none=(
            "id",
            "name",
            "slug",
            "language",
            "line_meetings_before_plenary",
            "retention_years",
            "created_at",
        )
    ),
    "learninglines.SchoolYear": _fields(
        none=(
            "id",
            "school",
            "name",
            "start",
            "end",
            "cycle_started_on",
            "retention_notified_at",
            "retained_at",
            "opening_ended",
        )
    ),
    "learninglines.Member": _fields(
        erased=("user", "first_name", "name_prefix", "last_name", "is_active", "first_seen_at"),
        kept=("id", "school", "is_steering", "created_at"),
    ),
    "learninglines.CoachAssignment": _fields(
        kept=("id", "user", "school", "created_at", "ended_at")
    ),
    # Who erased whom, when: the member is anonymised by then.
    "learninglines.Erasure": _fields(kept=("id", "school", "member", "number", "by", "at")),
    # An uploaded staff list lives at most a day (staff_import_prune) and names many people;
    # erasing one member does not rewrite it.
    "learninglines.StaffImport": _fields(
        kept=("id", "school", "uploaded_by", "file_name", "content", "mapping", "created_at")
    ),
    "learninglines.LogEntry": _fields(
        erased=(
            "id",
            "author",
            "date",
            "tried",
            "effect",
            "to_bring",
            "note",
            "source",
            "sharing",
            "created_at",
            "updated_at",
        )
    ),
    "learninglines.CalendarFeed": _fields(erased=("id", "member", "token", "created_at")),
    "learninglines.LearningLine": _fields(
        none=(
            "id",
            "school",
            "year",
            "name",
            "letter",
            "colour",
            "goal",
            "description",
            "copied_from",
            "archived_at",
            "created_at",
        )
    ),
    "learninglines.LineStep": _fields(
        none=("id", "line", "position", "title", "status", "target_date")
    ),
    "learninglines.LineMembership": _fields(kept=("id", "member", "line", "start", "end")),
    # The team's agenda and notes: an erased member's full name in them is replaced.
    "learninglines.LineMeeting": _fields(
        none=(
            "id",
            "line",
            "date",
            "start_time",
            "end_time",
            "place",
            "topic",
            "reminder_sent_at",
            "created_at",
            "revision",
        ),
        kept=("agenda", "notes"),
    ),
    "learninglines.Attendance": _fields(kept=("id", "meeting", "member", "status")),
    "learninglines.MagicLink": _fields(
        erased=(
            "id",
            "user",
            "purpose",
            "school",
            "created_at",
            "expires_at",
            "used_at",
            "revoked_at",
            "next_path",
        ),
        kept=("shown_by",),
    ),
    "learninglines.MagicLinkUse": _fields(erased=("id", "link", "used_at")),
    # Handled sign-in requests are pruned after a day (prune_outbox); those with the address
    # go when the account is closed.
    "learninglines.SignInRequest": _fields(
        erased=("id", "email", "purpose", "language", "ip_address", "created_at", "handled_at")
    ),
    "learninglines.OutgoingMail": _fields(
        erased=(
            "id",
            "to",
            "subject",
            "body",
            "kind",
            "user",
            "school",
            "magic_link",
            "status",
            "attempts",
            "last_error",
            "created_at",
            "next_attempt_at",
            "sent_at",
        )
    ),
    # --- the exchange app ---
    "sessions_app.Ambition": _fields(
        erased=("id", "member", "year", "text", "sharing", "created_at")
    ),
    "sessions_app.PeerExchange": _fields(
        kept=(
            "id",
            "school",
            "year",
            "topic",
            "kind",
            "self_arranged",
            "starts_at",
            "minutes",
            "status",
            "held_on",
            "cancel_note",
            "asked_if_held_at",
            "told_moments_passed_at",
            "created_by",
            "created_at",
            "updated_at",
        )
    ),
    "sessions_app.ExchangeParticipant": _fields(
        erased=("brought", "took", "sharing", "noted_at"),
        kept=(
            "id",
            "exchange",
            "member",
            "line",
            "is_initiator",
            "response",
            "responded_at",
            "took_from",
        ),
    ),
    "sessions_app.ExchangeMoment": _fields(
        kept=("id", "exchange", "starts_at", "proposed_by", "created_at")
    ),
    "sessions_app.PlenarySession": _fields(
        none=(
            "id",
            "school",
            "year",
            "title",
            "date",
            "start_time",
            "end_time",
            "place",
            "status",
            "group_size",
            "created_at",
            "revision",
        ),
        kept=("created_by",),
    ),
    "sessions_app.Assignment": _fields(
        none=(
            "id",
            "session",
            "position",
            "title",
            "instructions",
            "duration_minutes",
            "table_round",
        )
    ),
    "sessions_app.ProgramTemplate": _fields(
        none=("id", "school", "items", "updated_at"), kept=("updated_by",)
    ),
    "sessions_app.SessionAttendance": _fields(
        kept=("id", "session", "member", "absent", "first_round", "last_round", "updated_at"),
        none=("updated_by",),
    ),
    "sessions_app.SessionClock": _fields(
        none=(
            "id",
            "session",
            "position",
            "running",
            "ends_at",
            "paused_remaining",
            "started_at",
            "updated_at",
            "updated_by",
        )
    ),
    "sessions_app.TablePlan": _fields(
        none=(
            "id",
            "session",
            "version",
            "seed",
            "tables",
            "report",
            "alternative",
            "generated_at",
            "updated_at",
        ),
        kept=("announced", "announced_at"),
    ),
    "sessions_app.PlanRound": _fields(none=("id", "plan", "number")),
    "sessions_app.PlanTable": _fields(none=("id", "round", "number", "locked")),
    "sessions_app.Seat": _fields(kept=("id", "table", "round", "member", "line")),
    # who made a change is shown by name in the plan's history: dropped at erasure
    "sessions_app.PlanChange": _fields(
        none=("id", "plan", "version", "kind", "undone_at", "at"),
        kept=("details", "before"),
        erased=("by",),
    ),
    "sessions_app.ApartPair": _fields(
        erased=("id", "school", "first", "second", "created_by", "created_at")
    ),
    "sessions_app.Questionnaire": _fields(
        none=(
            "id",
            "school",
            "year",
            "session",
            "meeting",
            "title",
            "intro",
            "opens_at",
            "closes_at",
            "open_at_reflection",
            "created_at",
        ),
        kept=("created_by",),
    ),
    "sessions_app.Question": _fields(
        none=(
            "id",
            "questionnaire",
            "position",
            "kind",
            "text",
            "help_text",
            "required",
            "privacy",
            "choices",
            "scale_low",
            "scale_high",
            "changed_after_answers_at",
        )
    ),
    "sessions_app.QuestionnaireTemplate": _fields(
        none=("id", "school", "items", "updated_at"), kept=("updated_by",)
    ),
    # Named and anonymous answers stay (the team's results), tied to the anonymised member;
    # answers to private questions are deleted, row and all. Retention blanks old texts.
    "sessions_app.Reflection": _fields(
        kept=("id", "questionnaire", "member", "line", "submitted_at", "created_at", "updated_at")
    ),
    "sessions_app.Answer": _fields(
        kept=(
            "id",
            "reflection",
            "question",
            "text",
            "took",
            "took_from",
            "value",
            "selected",
            "updated_at",
        ),
    ),
    "sessions_app.ReflectionReminder": _fields(
        erased=("id", "questionnaire", "member", "sent_at"), none=("sent_by",)
    ),
}
