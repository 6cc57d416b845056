"""A school in November with this year's two lines and the next year opened ahead: the set-up
of the tests of placing people ahead (the move form, the team page)."""

from __future__ import annotations

from learninglines.models import LearningLine, Member, School, SchoolYear
from learninglines.services.lines import line_create, membership_move, school_year_open_next


def this_years_lines(
    school: School, year: SchoolYear, steering: Member, teacher: Member
) -> list[LearningLine]:
    """A. Lezen (with the steering member) and B. Rekenen (with the teacher), this year."""
    made = [line_create(school=school, year=year, name=name) for name in ("Lezen", "Rekenen")]
    membership_move(member=steering, line=made[0], start=year.start)
    membership_move(member=teacher, line=made[1], start=year.start)
    return made


def open_ahead(school: School, lines: list[LearningLine]) -> tuple[SchoolYear, list[LearningLine]]:
    """2027-2028 opened ahead: both lines copied, the teacher's line B with its members."""
    next_year = school_year_open_next(
        school=school,
        copy_line_ids={line.pk for line in lines},
        carry_member_line_ids={lines[1].pk},
    )
    return next_year, list(LearningLine.objects.filter(year=next_year).order_by("letter"))
