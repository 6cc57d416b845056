"""Pairs of a school's team who are never seated at one table (a hard rule for every plan)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from learninglines.models import Member, School
from sessions_app.models import ApartPair


def apart_pair_add(*, school: School, first: Member, second: Member, by=None) -> ApartPair:
    """Keep two members of `school` apart; the pair is stored with the lower pk first."""
    if first.pk == second.pk:
        raise ValidationError(_("Choose two different people."))
    if first.school_id != school.pk or second.school_id != school.pk:
        raise ValidationError(_("Both people must be in this school's team."))
    low, high = sorted((first, second), key=lambda m: m.pk)
    pair, created = ApartPair.objects.get_or_create(
        school=school, first=low, second=high, defaults={"created_by": by}
    )
    if not created:
        raise ValidationError(
            _("%(first)s and %(second)s are already kept apart.")
            % {"first": first.full_name, "second": second.full_name},
            code="exists",
        )
    return pair


def apart_pair_remove(*, pair: ApartPair) -> None:
    pair.delete()
