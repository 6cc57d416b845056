"""The privacy page: what is stored, why, who sees what and how long, made from the code.

Who may do what is read from the permission matrix itself (each school permission is tested
for the three roles), and the reading rules from the privacy levels the models define, so the
page cannot drift from what the app does. Every permission needs a line in `PERMISSION_WORDS`;
a test fails when one is missing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from learninglines.models import LogEntry, Member, School
from learninglines.permissions import PERMISSIONS, SchoolAccess, has_permission
from sessions_app.models import Ambition, ExchangeParticipant, Question

# What each school permission lets someone do, in the words of the privacy page.
PERMISSION_WORDS = {
    "view_school": _("open the school's pages and read its learning lines"),
    "plan_school": _("plan lines, members, meetings, sessions, table plans and reflection forms"),
    "view_results": _("read the results of reflection forms and the school overview"),
    "view_encounters": _("see, by name, who has not yet met anyone of a learning line"),
    "view_participation": _("see, by name, who has not yet filled in a reflection form"),
    "manage_privacy": _("download a member's data for them, and erase someone who left"),
    "keep_log": _("keep a learning log"),
    "take_part": _("write an ambition and start small exchanges"),
}

# Permissions on a learning line rather than the school; the page words them separately.
LINE_PERMISSIONS = ("edit_line", "edit_line_content", "manage_line_meetings")

ROLE_NAMES = {
    "steering": _("steering group"),
    "coach": _("coach"),
    "teacher": _("teacher"),
}

# Per privacy level: who reads it, in plain words.
READERS = {
    Question.Privacy.NAMED: _("you, and the steering group and the coach with your name"),
    Question.Privacy.ANONYMOUS: _(
        "you; the steering group and the coach without your name, and only in groups of 3 or more"
    ),
    Question.Privacy.PRIVATE: _("only you (a copy goes into your learning log)"),
}
SHARING = {
    LogEntry.Sharing.PRIVATE: _("only you"),
    LogEntry.Sharing.LINE: _("you and the members of your learning line"),
}
AMBITION_SHARING = {
    Ambition.Sharing.PRIVATE: _("only you"),
    Ambition.Sharing.TEAM: _("your team"),
}
NOTE_SHARING = {
    ExchangeParticipant.Sharing.PRIVATE: _("only you"),
    ExchangeParticipant.Sharing.PARTICIPANTS: _("the participants of the exchange"),
    ExchangeParticipant.Sharing.LINE: _("you and the members of your learning line"),
}


class _RoleUser:
    """A stand-in user whose relation to a school is given, to ask the matrix what it allows."""

    is_authenticated = True
    is_active = True

    def __init__(self, school: School, access: SchoolAccess):
        self._school_access_cache = {school.pk: access}
        self._current_line_cache = {}


def _roles() -> tuple[dict[str, _RoleUser], School]:
    school = School(pk=0, name="-", slug="-")
    return {
        "steering": _RoleUser(
            school, SchoolAccess(school, Member(school=school, is_steering=True), False)
        ),
        "coach": _RoleUser(school, SchoolAccess(school, None, True)),
        "teacher": _RoleUser(
            school, SchoolAccess(school, Member(school=school, is_steering=False), False)
        ),
    }, school


@dataclass(frozen=True)
class MatrixRow:
    words: str
    allowed: list[bool]


def permission_matrix() -> list[MatrixRow]:
    """Each school permission with, per role (steering, coach, teacher), whether it is allowed."""
    roles, school = _roles()
    rows = []
    for name, words in PERMISSION_WORDS.items():
        if not PERMISSIONS.rule_exists(name):
            raise ValueError(f"Unknown permission {name!r}")
        rows.append(
            MatrixRow(words, [has_permission(user, name, school) for user in roles.values()])
        )
    return rows


@login_not_required
@require_GET
def privacy_view(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "exchange/privacy.html",
        {
            "roles": list(ROLE_NAMES.values()),
            "matrix": permission_matrix(),
            "readers": [(Question.Privacy(level).label, text) for level, text in READERS.items()],
            "log_sharing": list(SHARING.values()),
            "ambition_sharing": list(AMBITION_SHARING.values()),
            "note_sharing": list(NOTE_SHARING.values()),
            "retention_years": School._meta.get_field("retention_years").default,
        },
    )
