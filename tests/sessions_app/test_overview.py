"""The school overview on a hand-made school whose every figure is known.

Lines A, B and C of two members each who sat at two held sessions, plus b3 and c3 who joined
their lines but were absent both times. Session 1 (one round): {a1 b1 c1} {a2 b2 c2}; session 2:
{a1 b2 c2} {a2 b1 c1}. So every pair of lines met 4 times; of the 21 pairs of today's members
from different lines, 6 had met after session 1 (29 %) and 10 after session 2 (48 %).
"""

from datetime import time, timedelta

import pytest

from learninglines.models import LineStep
from learninglines.services.meetings import meeting_attendance_save, meeting_create
from sessions_app.models import (
    Answer,
    PlanRound,
    PlanTable,
    PlenarySession,
    Seat,
    SessionAttendance,
    TablePlan,
)
from sessions_app.selectors.overview import OverviewFilter, school_overview
from sessions_app.services.plans import plan_generate
from sessions_app.services.reflections import (
    AnswerData,
    QuestionData,
    question_update,
    questionnaire_open,
    reflection_submit,
)
from sessions_app.services.sessions import session_hold

pytestmark = pytest.mark.django_db


def _held(session: PlenarySession, tables: list[list], lines_of) -> None:
    """A hand-made plan of one round with these tables, and the session marked held."""
    plan = TablePlan.objects.create(session=session, report={"repeats": 0})
    number = PlanRound.objects.create(plan=plan, number=1)
    for index, people in enumerate(tables, start=1):
        table = PlanTable.objects.create(round=number, number=index)
        for member in people:
            Seat.objects.create(table=table, round=number, member=member, line=lines_of(member))
    session.status = PlenarySession.Status.HELD
    session.save(update_fields=["status"])


@pytest.fixture
def known(make_team, make_session):
    team = make_team([3, 3, 3])
    a1, a2, a3 = team.members["A"]
    b1, b2, b3 = team.members["B"]
    c1, c2, c3 = team.members["C"]
    # a3 left the school: not counted among today's members.
    a3.is_active = False
    a3.save(update_fields=["is_active"])
    line_of = {m.pk: line for line in team.lines for m in team.members[line.letter]}
    first = make_session(days=20, title="Eerste")
    second = make_session(days=30, title="Tweede")
    for session in (first, second):
        for member in (b3, c3):
            SessionAttendance.objects.create(session=session, member=member, absent=True)
    _held(first, [[a1, b1, c1], [a2, b2, c2]], lambda m: line_of[m.pk])
    _held(second, [[a1, b2, c2], [a2, b1, c1]], lambda m: line_of[m.pk])
    line_a, line_b, _line_c = team.lines
    day = team.year.start + timedelta(days=10)
    m1 = meeting_create(
        line=line_a, date=day, start_time=time(15), end_time=time(16), topic="Start"
    )
    m2 = meeting_create(
        line=line_a,
        date=day + timedelta(days=7),
        start_time=time(15),
        end_time=time(16),
        topic="Lesbezoek",
    )
    meeting_create(line=line_b, date=day, start_time=time(15), end_time=time(16), topic="B1")
    meeting_attendance_save(meeting=m1, statuses={a1.pk: "present", a2.pk: "absent"})
    meeting_attendance_save(meeting=m2, statuses={a1.pk: "present", a2.pk: "present"})
    for position, status in enumerate(["done", "busy", "planned"], start=1):
        LineStep.objects.create(
            line=line_a, position=position, title=f"Stap {position}", status=status
        )
    return team, first, second


def test_the_line_table_has_the_known_figures(known):
    team, _first, _second = known
    overview = school_overview(school=team.year.school, filters=OverviewFilter(year=team.year))
    rows = [
        (r.line.letter, r.members, r.steps_done, r.steps_total, r.meetings, r.attendance_rate)
        for r in overview.lines
    ]
    assert rows == [("A", 2, 1, 3, 2, 75), ("B", 3, 0, 0, 1, None), ("C", 3, 0, 0, 0, None)]
    assert [r.last_topic for r in overview.lines] == ["Lesbezoek", "B1", ""]


def test_the_matrix_and_coverage_have_the_known_figures(known):
    team, _first, _second = known
    overview = school_overview(school=team.year.school, filters=OverviewFilter(year=team.year))
    encounters = overview.encounters
    assert encounters.matrix == [[0, 4, 4], [4, 0, 4], [4, 4, 0]]
    assert (encounters.pairs_met, encounters.pairs_possible, encounters.coverage) == (10, 21, 48)
    assert [(p.session.title, p.percent) for p in encounters.course] == [
        ("Eerste", 29),
        ("Tweede", 48),
    ]
    assert encounters.not_met == []


def test_the_person_level_list_names_who_has_not_met_a_line(known):
    team, _first, _second = known
    overview = school_overview(
        school=team.year.school, filters=OverviewFilter(year=team.year), person_level=True
    )
    rows = [
        (member.first_name, line.letter, [other.letter for other in missing])
        for member, line, missing in overview.encounters.not_met
    ]
    assert rows == [("B3", "B", ["A", "C"]), ("C3", "C", ["A", "B"])]


def test_the_sessions_table_counts_presence_rounds_and_response(known):
    team, first, _second = known
    questionnaire = questionnaire_open(questionnaire=first.questionnaire)
    questions = list(questionnaire.questions.order_by("position"))
    a1, a2, _a3 = team.members["A"]
    b1 = team.members["B"][0]
    for member in (a1, a2, b1):
        reflection_submit(
            questionnaire=questionnaire,
            member=member,
            answers={
                questions[0].pk: AnswerData(text="Iets"),
                questions[4].pk: AnswerData(value=4),
            },
        )
    overview = school_overview(school=team.year.school, filters=OverviewFilter(year=team.year))
    rows = [
        (r.session.title, r.present, r.rounds, r.repeats, r.asked, r.answered, r.response_rate)
        for r in overview.sessions
    ]
    # a3 is no longer active: asked are the 6 who sat there.
    assert rows == [("Eerste", 6, 1, 0, 6, 3, 50), ("Tweede", 6, 1, 0, 6, 0, 0)]
    filtered = school_overview(
        school=team.year.school, filters=OverviewFilter(year=team.year, line=team.lines[0])
    )
    assert [(r.present, r.asked, r.answered) for r in filtered.sessions] == [(2, 2, 2), (2, 2, 0)]


def test_what_the_team_learned_keeps_privacy_and_the_threshold(known):
    team, first, _second = known
    questionnaire = questionnaire_open(questionnaire=first.questionnaire)
    learned, brought_took, tried, _talk, useful = list(questionnaire.questions.order_by("position"))
    question_update(question=learned, data=_as_anonymous(learned))
    a1, a2, _a3 = team.members["A"]
    b1, b2, _b3 = team.members["B"]
    line_a, _line_b, line_c = team.lines
    for member, took_from in ((a1, line_c), (a2, line_c), (b1, line_c), (b2, line_a)):
        reflection_submit(
            questionnaire=questionnaire,
            member=member,
            answers={
                learned.pk: AnswerData(text=f"Geleerd door {member.first_name}"),
                brought_took.pk: AnswerData(
                    text="Gebracht", took="Gehaald", took_from=took_from.pk
                ),
                tried.pk: AnswerData(text="Geheim plan"),
                useful.pk: AnswerData(value=5),
            },
        )
    overview = school_overview(school=team.year.school, filters=OverviewFilter(year=team.year))
    groups = {group.line.letter: group for group in overview.learned}
    assert [g.took_from_here for g in overview.learned] == [1, 0, 3]
    # Line A: two named "took" answers with names; two anonymous answers withheld (< 3).
    assert sorted((q.name, q.text) for q in groups["A"].quotes) == [
        (a1.full_name, "Gehaald"),
        (a2.full_name, "Gehaald"),
    ]
    assert groups["A"].withheld == 2
    texts = [q.text for group in overview.learned for q in group.quotes]
    assert "Geheim plan" not in texts
    assert not any(text.startswith("Geleerd door") for text in texts)


def test_a_line_is_kept_with_what_was_taken_and_its_count_outlives_retention(known):
    """A "took from" line without what was taken is not stored (it says nothing); with it, the
    line is the count the overview keeps when retention blanks the text (docs/privacy.md)."""
    team, first, _second = known
    questionnaire = questionnaire_open(questionnaire=first.questionnaire)
    learned, brought_took, _tried, _talk, useful = list(
        questionnaire.questions.order_by("position")
    )
    a1, a2, _a3 = team.members["A"]
    line_c = team.lines[2]
    for member, took in ((a1, "Gehaald"), (a2, "")):
        reflection_submit(
            questionnaire=questionnaire,
            member=member,
            answers={
                learned.pk: AnswerData(text="Iets"),
                brought_took.pk: AnswerData(text="Gebracht", took=took, took_from=line_c.pk),
                useful.pk: AnswerData(value=4),
            },
        )
    answers = Answer.objects.filter(question=brought_took)
    assert sorted((a.took, a.took_from_id) for a in answers) == [("", None), ("Gehaald", line_c.pk)]

    def took_from_c() -> int:
        overview = school_overview(school=team.year.school, filters=OverviewFilter(year=team.year))
        return next(g.took_from_here for g in overview.learned if g.line == line_c)

    assert took_from_c() == 1
    answers.update(text="", took="")  # what retention does to the texts
    assert took_from_c() == 1


def _as_anonymous(question):
    return QuestionData(
        kind=question.kind,
        text=question.text,
        required=question.required,
        privacy="anonymous",
    )


@pytest.mark.parametrize("size", [7, 50])
def test_the_overview_costs_a_fixed_number_of_queries(
    size, make_team, make_session, django_assert_num_queries
):
    """At 21 and at 150 members, with a held session, its answers and line meetings."""
    team = make_team([size, size, size])
    session = make_session(days=20)
    plan_generate(session=session, seed=0)
    session_hold(session=session)
    questionnaire = questionnaire_open(questionnaire=session.questionnaire)
    learned = questionnaire.questions.order_by("position")[0]
    useful = questionnaire.questions.order_by("position")[4]
    for member in team.everyone:
        reflection_submit(
            questionnaire=questionnaire,
            member=member,
            answers={learned.pk: AnswerData(text="Iets"), useful.pk: AnswerData(value=3)},
        )
    for line in team.lines:
        meeting = meeting_create(
            line=line,
            date=team.year.start + timedelta(days=5),
            start_time=time(15),
            end_time=time(16),
            topic="Start",
        )
        meeting_attendance_save(
            meeting=meeting, statuses={m.pk: "present" for m in team.members[line.letter]}
        )
    with django_assert_num_queries(16):
        overview = school_overview(
            school=team.year.school, filters=OverviewFilter(year=team.year), person_level=True
        )
    assert overview.sessions[0].answered == 3 * size


# The results page withholds an anonymous question's answers for a line that gave 1 or 2 of
# them. The overview quotes answers of many questions and forms together, so it must withhold
# per question and line too: summing a line's small groups would show what the results keep back.
def test_small_anonymous_groups_stay_withheld_when_a_line_has_more_in_total(client, known, coach):
    team, first, _second = known
    questionnaire = questionnaire_open(questionnaire=first.questionnaire)
    learned, _brought_took, _tried, talk, useful = list(
        questionnaire.questions.order_by("position")
    )
    question_update(question=learned, data=_as_anonymous(learned))
    question_update(question=talk, data=_as_anonymous(talk))
    a1, a2, _a3 = team.members["A"]
    # Line A: 2 anonymous answers to "learned", 1 to "talk": 3 in all, but each group < 3.
    reflection_submit(
        questionnaire=questionnaire,
        member=a1,
        answers={
            learned.pk: AnswerData(text="Geleerd door A1"),
            talk.pk: AnswerData(text="Praten met A1"),
            useful.pk: AnswerData(value=4),
        },
    )
    reflection_submit(
        questionnaire=questionnaire,
        member=a2,
        answers={learned.pk: AnswerData(text="Geleerd door A2"), useful.pk: AnswerData(value=4)},
    )

    overview = school_overview(school=team.year.school, filters=OverviewFilter(year=team.year))
    line_a = next(group for group in overview.learned if group.line.letter == "A")
    assert line_a.quotes == []
    assert line_a.withheld == 3

    # The results page keeps them back too: the overview shows nothing it does not.
    client.force_login(coach)
    results = client.get(f"/s/de-regenboog/reflections/{questionnaire.pk}/results/")
    page = client.get("/s/de-regenboog/overview/")
    for text in ("Geleerd door A1", "Geleerd door A2", "Praten met A1"):
        assert text not in results.content.decode()
        assert text not in page.content.decode()
    assert "3 anonieme antwoorden worden niet getoond: minder dan 3 per vraag." in " ".join(
        page.content.decode().split()
    )
