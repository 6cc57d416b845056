"""Who may do what, in one place: the permission matrix as `rules` predicates.

School permissions (the object is a School):

| permission          | steering group | coach | teacher |
|---------------------|----------------|-------|---------|
| view_school         | yes            | yes   | yes     |
| plan_school         | yes            | yes   | -       |
| view_results        | yes            | yes   | -       |
| view_encounters     | yes            | -     | -       |
| view_participation  | yes            | -     | -       |
| manage_privacy      | yes            | -     | -       |
| keep_log            | yes (as a teacher) | - | yes     |
| take_part           | yes (as a teacher) | - | yes     |

Line permissions (the object is a LearningLine; "member" means in that line today):

| permission          | steering group | coach | member of the line | other teacher |
|---------------------|----------------|-------|--------------------|---------------|
| edit_line           | yes            | yes   | -                  | -             |
| edit_line_content   | yes            | yes   | yes                | -             |
| manage_line_meetings| yes            | yes   | yes                | -             |

Teachers shape their own line: its description, steps, meetings, notes and attendance; the
steering group and coach also create, rename, recolour and archive lines and place people.
Learning-log entries are read only by their author and, when shared, by the members of the
author's line at the entry's date (`log_entry_readable`); never by anyone in the role of steering
group, coach or staff.

A person with no relation to a school gets a 404 for everything of that school (its existence is
not confirmed); a person of the school without the permission gets a 403. Views use
`school_view(permission)`, which fetches the school first and then checks the permission, and
fetch every object through `request.school` before checking an object permission with
`require(request, permission, obj)`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import wraps

import rules
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from learninglines.languages import chosen_language, speak
from learninglines.models import (
    CoachAssignment,
    LearningLine,
    LineMembership,
    LogEntry,
    Member,
    School,
    SchoolYear,
)


@dataclass(frozen=True)
class SchoolAccess:
    """A person's relation to one school: an active team member, a coach, or both."""

    school: School
    member: Member | None
    is_coach: bool

    @property
    def is_steering(self) -> bool:
        return self.member is not None and self.member.is_steering

    @property
    def is_teacher(self) -> bool:
        return self.member is not None


def school_access(user, school: School) -> SchoolAccess | None:
    """The relation of `user` to `school`, or None; cached on the user for one request."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    cache = user.__dict__.setdefault("_school_access_cache", {})
    if school.pk not in cache:
        member = (
            Member.objects.filter(user=user, school=school, is_active=True)
            .select_related("school")
            .first()
        )
        is_coach = CoachAssignment.objects.current().filter(user=user, school=school).exists()
        cache[school.pk] = (
            SchoolAccess(school=school, member=member, is_coach=is_coach)
            if member or is_coach
            else None
        )
    return cache[school.pk]


@rules.predicate
def is_team_member(user, school) -> bool:
    access = school_access(user, school)
    return access is not None and access.is_teacher


@rules.predicate
def is_steering(user, school) -> bool:
    access = school_access(user, school)
    return access is not None and access.is_steering


@rules.predicate
def is_coach(user, school) -> bool:
    access = school_access(user, school)
    return access is not None and access.is_coach


def current_line(member: Member | None, day=None) -> LearningLine | None:
    """The line a member is in on `day` (today by default), or None. A line of a school year
    that does not hold `day` is none (a summer before the next year is open)."""
    if member is None:
        return None
    day = day or timezone.localdate()
    membership = (
        LineMembership.objects.on(day)
        .filter(member=member, line__year__start__lte=day, line__year__end__gte=day)
        .select_related("line__school", "line__year")
        .first()
    )
    return membership.line if membership else None


@rules.predicate
def plans_the_lines_school(user, line: LearningLine) -> bool:
    access = school_access(user, line.school)
    return access is not None and (access.is_steering or access.is_coach)


@rules.predicate
def is_in_the_line(user, line: LearningLine) -> bool:
    access = school_access(user, line.school)
    if access is None or access.member is None:
        return False
    # a line of an ended school year: who was in it at its end (they kept its attendance)
    day = min(timezone.localdate(), line.year.end)
    cache = user.__dict__.setdefault("_current_line_cache", {})
    if (access.member.pk, day) not in cache:
        cache[access.member.pk, day] = current_line(access.member, day)
    mine = cache[access.member.pk, day]
    return mine is not None and mine.pk == line.pk


PERMISSIONS = rules.RuleSet()
PERMISSIONS.add_rule("view_school", is_team_member | is_coach)
PERMISSIONS.add_rule("plan_school", is_steering | is_coach)
PERMISSIONS.add_rule("view_results", is_steering | is_coach)
PERMISSIONS.add_rule("view_encounters", is_steering)
# Who has (not) answered a reflection form, by name: participation, not content. The coach sees
# the response rate only.
PERMISSIONS.add_rule("view_participation", is_steering)
# A member's data export for the steering group, and erasure of someone who left.
PERMISSIONS.add_rule("manage_privacy", is_steering)
PERMISSIONS.add_rule("keep_log", is_team_member)
# Own ambitions and small exchanges: team members only (a coach is never a team member).
PERMISSIONS.add_rule("take_part", is_team_member)
PERMISSIONS.add_rule("edit_line", plans_the_lines_school)
PERMISSIONS.add_rule("edit_line_content", plans_the_lines_school | is_in_the_line)
PERMISSIONS.add_rule("manage_line_meetings", plans_the_lines_school | is_in_the_line)


def is_writable(year: SchoolYear) -> bool:
    """Earlier school years are read-only: their lines are history."""
    return year.end >= timezone.localdate()


def has_permission(user, permission: str, obj) -> bool:
    return PERMISSIONS.test_rule(permission, user, obj)


def require(request, permission: str, obj) -> None:
    """403 unless the signed-in person has `permission` on `obj`, fetched via the school first."""
    if not has_permission(request.user, permission, obj):
        raise PermissionDenied


def log_entry_readable(member: Member | None, entry: LogEntry) -> bool:
    """The author, or (shared entries) a member of the author's line at the entry's date.

    Roles give no access: a steering member reads a shared entry only as a member of that line,
    a coach (never a member) never does.
    """
    if member is None:
        return False
    if entry.author_id == member.pk:
        return True
    if entry.sharing != LogEntry.Sharing.LINE or member.school_id != entry.author.school_id:
        return False
    author_line = current_line(entry.author, entry.date)
    if author_line is None:
        return False
    return LineMembership.objects.on(entry.date).filter(member=member, line=author_line).exists()


def _speak_school_language(request, school: School) -> None:
    """A school's pages speak its language to someone who has not chosen one (no language
    cookie): an English school's plain links do not open in Dutch. A choice always wins."""
    if chosen_language(request) is None:
        speak(request, school.language)


def school_view(permission: str):
    """Decorate a view of /s/<school_slug>/...: 404 for strangers, 403 without the permission.

    The view is called without `school_slug`; it finds `request.school` and `request.access`.
    """
    if not PERMISSIONS.rule_exists(permission):
        raise ValueError(f"Unknown permission {permission!r}")

    def decorator(view):
        @wraps(view)
        def wrapper(request, school_slug: str, *args, **kwargs):
            school = get_object_or_404(School, slug=school_slug)
            access = school_access(request.user, school)
            if access is None:
                raise Http404("No such school for this user")
            if not has_permission(request.user, permission, school):
                raise PermissionDenied
            request.school = school
            request.access = access
            _speak_school_language(request, school)
            return view(request, *args, **kwargs)

        wrapper.school_permission = permission
        return wrapper

    return decorator
