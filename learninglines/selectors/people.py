"""Reads of the team shared by several pages, each a fixed number of queries."""

from datetime import datetime

from django.db.models import Max, QuerySet

from learninglines.models import CoachAssignment, MagicLink, Member, School, User


def member_list(*, school: School, active: bool | None = True) -> QuerySet[Member]:
    """The school's team, sorted as in a register: last name, prefix, first name."""
    members = Member.objects.for_school(school).select_related("user")
    if active is not None:
        members = members.filter(is_active=active)
    return members.order_by("last_name", "name_prefix", "first_name", "pk")


def invited_at(*, school: School) -> dict[int, datetime]:
    """When each account was last invited to this school (the team page's invitations), by
    user pk: one query."""
    return dict(
        MagicLink.objects.filter(school=school, purpose=MagicLink.Purpose.INVITE)
        .values("user_id")
        .annotate(last=Max("created_at"))
        .values_list("user_id", "last")
    )


def coach_list(*, school: School) -> QuerySet[CoachAssignment]:
    return (
        CoachAssignment.objects.current()
        .filter(school=school)
        .select_related("user")
        .order_by("user__name", "user__email")
    )


def user_schools(*, user: User) -> list[dict]:
    """Every school a person can open, with their roles there, sorted by school name."""
    entries: dict[int, dict] = {}
    for member in Member.objects.filter(user=user, is_active=True).select_related("school"):
        entries[member.school_id] = {
            "school": member.school,
            "member": member,
            "is_steering": member.is_steering,
            "is_coach": False,
        }
    for assignment in CoachAssignment.objects.current().filter(user=user).select_related("school"):
        entry = entries.setdefault(
            assignment.school_id,
            {"school": assignment.school, "member": None, "is_steering": False, "is_coach": False},
        )
        entry["is_coach"] = True
    return sorted(entries.values(), key=lambda e: (e["school"].name, e["school"].pk))
