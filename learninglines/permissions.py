"""Who may do what, in one place: the permission matrix as `rules` predicates.

| permission          | steering group | coach | teacher |
|---------------------|----------------|-------|---------|
| view_school         | yes            | yes   | yes     |
| plan_school         | yes            | yes   | -       |
| view_results        | yes            | yes   | -       |
| view_encounters     | yes            | -     | -       |

A person with no relation to a school gets a 404 for everything of that school (its existence is
not confirmed); a person of the school without the permission gets a 403. Views use
`school_view(permission)`, which fetches the school first and then checks the permission.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import wraps

import rules
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from learninglines.models import CoachAssignment, Member, School


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


PERMISSIONS = rules.RuleSet()
PERMISSIONS.add_rule("view_school", is_team_member | is_coach)
PERMISSIONS.add_rule("plan_school", is_steering | is_coach)
PERMISSIONS.add_rule("view_results", is_steering | is_coach)
PERMISSIONS.add_rule("view_encounters", is_steering)


def has_permission(user, permission: str, school: School) -> bool:
    return PERMISSIONS.test_rule(permission, user, school)


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
            return view(request, *args, **kwargs)

        wrapper.school_permission = permission
        return wrapper

    return decorator
