"""The coach's home: one line of status per coached school, in a fixed number of queries.

Everything is aggregated over all the coach's schools at once (subqueries and grouped counts),
never per school in a loop: four queries for one school or for ten.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from learninglines.models import (
    CoachAssignment,
    LearningLine,
    LineMembership,
    Member,
    School,
    SchoolYear,
    User,
)
from sessions_app.models import PlenarySession, Questionnaire, Reflection, SessionAttendance
from sessions_app.selectors.figures import whole_percent

COUNTED = (PlenarySession.Status.HELD, PlenarySession.Status.CLOSED)


@dataclass(frozen=True)
class SchoolStatus:
    """One coached school: its year's lines, team, cycle, next session and reflection forms."""

    school: School
    year: SchoolYear | None
    lines: int
    members: int
    meetings_this_cycle: int
    next_session: PlenarySession | None
    open_forms: int
    last_held: PlenarySession | None
    asked: int
    answered: int

    @property
    def has_form(self) -> bool:
        return getattr(self.last_held, "questionnaire", None) is not None

    @property
    def form_not_opened(self) -> bool:
        """The last held session's form never opened: nobody could answer it."""
        if not self.has_form:
            return False
        return self.last_held.questionnaire.state() == Questionnaire.State.NOT_OPEN

    @property
    def response_rate(self) -> int | None:
        """Submitted forms of the last held session, in whole percent of those asked."""
        if not self.has_form or not self.asked or self.form_not_opened:
            return None
        return whole_percent(self.answered, self.asked)  # as the overview rounds it


class _Count(Subquery):
    """A correlated COUNT(*) of a queryset already filtered on OuterRef (0 when empty)."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) _counted)"
    output_field = IntegerField()


def _count(queryset: QuerySet) -> _Count:
    return _Count(queryset.order_by().values("pk"))


def coached_schools(*, user: User) -> list[CoachAssignment]:
    """The schools `user` coaches today (current assignments), sorted by name: one query."""
    return list(
        CoachAssignment.objects.current()
        .filter(user=user)
        .select_related("school")
        .order_by("school__name", "school__pk")
    )


def coach_overview(
    *, user: User, today: date | None = None, now: datetime | None = None
) -> list[SchoolStatus]:
    """Per school `user` coaches today, its one-line status; four queries however many schools.

    - lines and line meetings held this cycle: the current year's active lines, meetings from
      the cycle's start up to today (as `cycle_progress` counts them);
    - members: the school's active team members;
    - the next plenary session (as `session_next`), the open reflection forms, and the response
      of the form of the last session held this school year (none yet: "no session held yet",
      never last year's): submitted of those asked (in a line on that day, active and not
      marked absent, or having answered; as the school overview and the results count them).
    """
    today = today or timezone.localdate()
    now = now or timezone.now()
    school = OuterRef("school")
    sessions = PlenarySession.objects.filter(school=school)
    assignments = list(
        CoachAssignment.objects.current()
        .filter(user=user)
        .select_related("school")
        .annotate(
            members=_count(Member.objects.filter(school=school, is_active=True)),
            open_forms=_count(
                Questionnaire.objects.filter(school=school, opens_at__lte=now).filter(
                    Q(closes_at__isnull=True) | Q(closes_at__gt=now)
                )
            ),
            next_pk=Subquery(
                sessions.filter(date__gte=today)
                .exclude(status__in=COUNTED)
                .order_by("date", "start_time", "pk")
                .values("pk")[:1]
            ),
            # the last held of this school year: a session of last summer is another year's
            last_pk=Subquery(
                sessions.filter(status__in=COUNTED, year__start__lte=today, year__end__gte=today)
                .order_by("-date", "-start_time", "-pk")
                .values("pk")[:1]
            ),
        )
        .order_by("school__name", "school__pk")
    )
    if not assignments:
        return []
    school_ids = [a.school_id for a in assignments]
    years = {
        year.school_id: year
        for year in SchoolYear.objects.filter(
            school_id__in=school_ids, start__lte=today, end__gte=today
        )
    }
    started = Coalesce(F("year__cycle_started_on"), F("year__start"))
    lines = {
        row["school_id"]: row
        for row in LearningLine.objects.filter(
            year__in=list(years.values()), archived_at__isnull=True
        )
        .values("school_id")
        .annotate(
            count=Count("pk", distinct=True),
            held=Count(
                "meetings",
                filter=Q(meetings__date__gte=started, meetings__date__lte=today),
            ),
        )
    }
    wanted = [pk for a in assignments for pk in (a.next_pk, a.last_pk) if pk is not None]
    # Asked: each member of the school once, who was in a line of the session's year on its
    # day, active and not marked absent; or who answered (they were asked all the same: also
    # when marked absent, moved out of every line or gone from the team since). So never more
    # answered than asked, as the school overview and the results count them.
    session_pk, session_day = OuterRef(OuterRef("pk")), OuterRef(OuterRef("date"))
    in_a_line = LineMembership.objects.filter(
        member=OuterRef("pk"), line__year=OuterRef(OuterRef("year")), start__lte=session_day
    ).filter(Q(end__isnull=True) | Q(end__gte=session_day))
    absent = SessionAttendance.objects.filter(
        session=session_pk, member=OuterRef("pk"), absent=True
    )
    answered_it = Reflection.objects.filter(
        questionnaire__session=session_pk, member=OuterRef("pk"), submitted_at__isnull=False
    )
    sessions_found = (
        PlenarySession.objects.filter(pk__in=wanted)
        .select_related("questionnaire")
        .annotate(
            asked=_count(
                Member.objects.filter(school=OuterRef("school")).filter(
                    (Q(is_active=True) & Exists(in_a_line) & ~Exists(absent)) | Exists(answered_it)
                )
            ),
            answered=_count(
                Reflection.objects.filter(
                    questionnaire__session=OuterRef("pk"), submitted_at__isnull=False
                )
            ),
        )
    )
    found = {session.pk: session for session in sessions_found}
    rows = []
    for assignment in assignments:
        year = years.get(assignment.school_id)
        line = lines.get(assignment.school_id, {"count": 0, "held": 0})
        last = found.get(assignment.last_pk)
        rows.append(
            SchoolStatus(
                school=assignment.school,
                year=year,
                lines=line["count"],
                members=assignment.members,
                meetings_this_cycle=line["held"],
                next_session=found.get(assignment.next_pk),
                open_forms=assignment.open_forms,
                last_held=last,
                asked=last.asked if last is not None else 0,
                answered=last.answered if last is not None else 0,
            )
        )
    return rows
