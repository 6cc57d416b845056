"""A small school for the session tests: 13 members in 3 lines, a session and its table plan.

Also the roles of the access tables: the steering group and the coach plan, a teacher of the
school reads, a steering member of another school and a user without a school are strangers.
"""

from dataclasses import dataclass
from datetime import time, timedelta
from urllib.parse import quote

from django.urls import reverse
from django.utils import timezone

from learninglines.models import LearningLine, Member, School, SchoolYear
from learninglines.services.lines import line_create, membership_move
from learninglines.services.people import school_year_ensure_current
from sessions_app.models import PlanTable, PlenarySession, Seat, TablePlan
from sessions_app.services.plans import plan_generate
from sessions_app.services.sessions import session_create

ROLES = ["steering", "coach", "teacher", "stranger", "no_school", "anonymous"]
GET_STATUSES = [200, 200, 403, 404, 404, 302]
POST_STATUSES = [302, 302, 403, 404, 404, 302]
PLANNERS = {"steering", "coach"}


def as_user(client, user):
    if user is not None:
        client.force_login(user)
    return client


def login_redirect(path: str) -> str:
    """Where an anonymous visitor of `path` is sent: sign-in, `next` quoted as Django does."""
    return "/login/?next=" + quote(path, safe="/")


# --- a small school: lines of 5, 4 and 4, a draft session with the method's program and a plan ---


@dataclass
class Plenary:
    school: School
    year: SchoolYear
    lines: list[LearningLine]
    members: list[Member]
    session: PlenarySession

    @property
    def plan(self) -> TablePlan:
        return TablePlan.objects.get(session=self.session)

    def url(self, name: str, **kwargs) -> str:
        return reverse(
            f"sessions_app:{name}",
            kwargs={"school_slug": self.school.slug, "pk": self.session.pk, **kwargs},
        )

    def seated(self, number: int) -> list[list[int]]:
        """Round `number` as member pks per table, in table order."""
        tables = PlanTable.objects.filter(round__plan=self.plan, round__number=number)
        return [
            sorted(Seat.objects.filter(table=table).values_list("member_id", flat=True))
            for table in tables.order_by("number")
        ]


def plenary_of(school: School, members: list[Member], *, by=None) -> Plenary:
    """`members` spread over 3 lines, a session a week from today, and its table plan."""
    year = school_year_ensure_current(school=school)
    lines = [
        line_create(school=school, year=year, name=name) for name in ("Lezen", "Rekenen", "Spel")
    ]
    for index, member in enumerate(members):
        membership_move(member=member, line=lines[index % 3], start=year.start)
    session = session_create(
        school=school,
        title="Plenaire bijeenkomst",
        date=min(timezone.localdate() + timedelta(days=7), year.end),
        start_time=time(15, 0),
        end_time=time(16, 45),
        by=by,
    )
    plan_generate(session=session, by=by, seed=0)
    return Plenary(school=school, year=year, lines=lines, members=members, session=session)
