"""Schools with lines and members, and sessions on them, made through the services."""

from dataclasses import dataclass, field
from datetime import time, timedelta

import pytest
from django.utils import timezone

from exchange.demo import REGENBOOG_TEAM
from learninglines.models import LearningLine, Member, SchoolYear
from learninglines.services.lines import line_create, membership_move
from learninglines.services.people import school_year_ensure_current
from sessions_app.services.sessions import session_create
from tests.factories import MemberFactory
from tests.sessions_app.plenary import Plenary, plenary_of

# the demo's first twelve names: the team of the earlier-session file tests
EARLIER_TEAM = REGENBOOG_TEAM[:12]
LINE_NAMES = ["Lezen", "Rekenen", "Burgerschap", "Eigenaarschap", "Spel", "Taal", "Natuur", "Kunst"]


@dataclass
class Team:
    year: SchoolYear
    lines: list[LearningLine]
    members: dict[str, list[Member]] = field(default_factory=dict)

    @property
    def everyone(self) -> list[Member]:
        return [m for line in self.lines for m in self.members[line.letter]]


@pytest.fixture
def make_team(school):
    """make_team([4, 4, 3]): lines A, B, C with that many members each, from the year's start."""

    def make(sizes, *, of=None, extra=None) -> Team:
        target = of or school
        year = school_year_ensure_current(school=target)
        team = Team(year=year, lines=[])
        for index, size in enumerate(sizes):
            line = line_create(school=target, year=year, name=LINE_NAMES[index])
            team.lines.append(line)
            team.members[line.letter] = []
            for number in range(size):
                member = MemberFactory(
                    school=target,
                    first_name=f"{line.letter}{number + 1}",
                    last_name=f"Lid {line.letter}{number + 1}",
                )
                membership_move(member=member, line=line, start=year.start)
                team.members[line.letter].append(member)
        return team

    return make


@pytest.fixture
def make_session(school):
    """A draft session in the current school year, `days` after its first day."""

    def make(*, days=40, of=None, title="Plenaire bijeenkomst", **fields):
        target = of or school
        year = school_year_ensure_current(school=target)
        return session_create(
            school=target,
            title=title,
            date=min(year.start + timedelta(days=days), year.end),
            start_time=fields.pop("start_time", time(15, 0)),
            end_time=fields.pop("end_time", time(16, 45)),
            **fields,
        )

    return make


@pytest.fixture
def plenary(school, steering, teacher) -> Plenary:
    members = [steering, teacher] + [MemberFactory(school=school) for _ in range(11)]
    return plenary_of(school, members, by=steering.user)


@pytest.fixture
def their_plenary(other_school, stranger) -> Plenary:
    """The other school's own session and plan (its steering member is `stranger`)."""
    members = [stranger.memberships.get()] + [MemberFactory(school=other_school) for _ in range(12)]
    return plenary_of(other_school, members, by=stranger)


# --- the team of the earlier-session file tests (test_earlier_layouts, test_earlier_real_sheets)


@pytest.fixture
def members(school):
    """The demo's first twelve names (EARLIER_TEAM) in four lines of three, from the year's
    start: {full name: member}. Modules with a team of their own define their own fixture."""
    year = school_year_ensure_current(school=school)
    lines = [line_create(school=school, year=year, name=n) for n in ("Lezen", "Rekenen", "Taal")]
    lines.append(line_create(school=school, year=year, name="Spel"))
    found = {}
    for index, (first, prefix, last) in enumerate(EARLIER_TEAM):
        member = MemberFactory(school=school, first_name=first, name_prefix=prefix, last_name=last)
        membership_move(member=member, line=lines[index // 3], start=year.start)
        found[member.full_name] = member
    return found


@pytest.fixture
def day(members, school):
    """Two weeks ago, or the year's first day: when the earlier session was held."""
    year = school_year_ensure_current(school=school)
    return max(year.start, timezone.localdate() - timedelta(days=14))
