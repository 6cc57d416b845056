"""A school for the bench scripts, made through the services a school uses.

`bench_team` makes the school, its first steering member and `sum(sizes) - 1` teachers, and
puts them, in order, in lines of `sizes` from the school year's first day.
"""

from __future__ import annotations


def even_sizes(teachers: int, lines: int) -> list[int]:
    """As even as can be: 150 teachers in 8 lines are six of 19 and two of 18."""
    return [teachers // lines + (number < teachers % lines) for number in range(lines)]


def bench_team(slug: str, name: str, sizes: list[int]):
    """(school setup, school year, members in line order) of a new school."""
    from learninglines.services.lines import line_create, membership_move
    from learninglines.services.people import member_add, school_create, school_year_ensure_current

    setup = school_create(
        name=name,
        slug=slug,
        steering_email=f"stuurgroep@{slug}.example",
        first_name="Anouk",
        last_name="Vries",
        send_invite=False,
    )
    year = school_year_ensure_current(school=setup.school)
    members = [setup.steering]
    for n in range(sum(sizes) - 1):
        member, _created = member_add(
            school=setup.school,
            email=f"leerkracht{n}@{slug}.example",
            first_name=f"Voornaam{n}",
            last_name=f"Achternaam{n}",
        )
        members.append(member)
    index = 0
    for number, size in enumerate(sizes):
        line = line_create(school=setup.school, year=year, name=f"Leerlijn {number + 1}")
        for member in members[index : index + size]:
            membership_move(member=member, line=line, start=year.start)
        index += size
    return setup, year, members
