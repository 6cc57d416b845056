"""Every engine refusal a steering group can meet on the plan page, through the real view.

Each case builds a school whose data make the grouping engine refuse, then posts the page's own
form as the steering group, with the language cookie for Dutch or English. It checks the words
shown (exactly), the status, and that nothing was saved: the plan's version, seats, locks,
report and its changes log are as they were (or there is still no plan at all).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

import pytest

from learninglines.services.people import member_set_active
from sessions_app.models import PlanChange, PlenarySession, Seat, TablePlan
from sessions_app.selectors.plans import plan_as_ids, plan_rounds_view
from sessions_app.services.apart import apart_pair_add
from sessions_app.services.attendance import PresenceData, attendance_save
from sessions_app.services.plans import plan_generate, plan_lock
from sessions_app.services.sessions import session_update
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

MESSAGE = re.compile(r'<div class="alert alert-(\w+)">(.*?)</div>', re.S)


@dataclass
class Case:
    session: PlenarySession
    action: str  # the URL after /plan/
    data: dict


def rounds_of(session) -> list[list[list[int]]]:
    return plan_as_ids(plan_rounds_view(plan=session.plan))


def version_of(session) -> int:
    return TablePlan.objects.get(session=session).version


def absent(session, *members, first=None, last=None) -> None:
    now = PresenceData(absent=first is None, first_round=first, last_round=last)
    attendance_save(session=session, changes={m.pk: (PresenceData(), now) for m in members})


def lock(session, number: int, table: int) -> None:
    plan = TablePlan.objects.get(session=session)
    plan_lock(plan=plan, version=plan.version, round_number=number, table=table, locked=True)


def at_table(session, number: int, table: int) -> list[int]:
    return sorted(rounds_of(session)[number - 1][table - 1])


def state(session):
    """Everything a refusal must leave as it was."""
    plan = TablePlan.objects.filter(session=session).first()
    if plan is None:
        return None
    seats = sorted(
        Seat.objects.filter(round__plan=plan).values_list(
            "round__number", "table__number", "table__locked", "member_id", "line_id"
        )
    )
    changes = list(
        PlanChange.objects.filter(plan=plan)
        .order_by("pk")
        .values_list("pk", "kind", "version", "undone_at")
    )
    return plan.version, plan.report, plan.tables, plan.seed, plan.alternative, seats, changes


def refused(client, user, case: Case, language: str) -> list[tuple[str, str]]:
    """Post `case` as the page's htmx form does; the messages shown, as (level, text)."""
    client.force_login(user)
    client.cookies["exchange_language"] = language
    url = f"/s/{case.session.school.slug}/sessions/{case.session.pk}/plan/{case.action}"
    before = state(case.session)
    response = client.post(url, case.data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert state(case.session) == before
    return [
        (level, " ".join(html.unescape(text).split()))
        for level, text in MESSAGE.findall(response.content.decode())
    ]


# --- the cases: (setup) -> Case ---


def everyone_absent(make_team, make_session):
    team = make_team([3, 3, 3])
    session = make_session()
    absent(session, *team.everyone)
    return Case(session, "generate/", {})


def nobody_in_a_line(make_team, make_session):
    return Case(make_session(), "generate/", {})


def too_few_people(make_team, make_session):
    team = make_team([2, 2, 2])
    session = make_session()
    absent(session, *team.everyone[:4])
    return Case(session, "generate/", {})


def no_table_size_fits(make_team, make_session):
    # 5 people, one per line at tables of 3 or 4: one table of 5 is too big, two of 3 and 2
    # too small
    make_team([2, 2, 1])
    return Case(make_session(), "generate/", {})


def locked_plan(make_team, make_session):
    """Lines of 3, 3 and 3, a plan, and its first table of round 1 locked."""
    team = make_team([3, 3, 3])
    session = make_session()
    plan_generate(session=session, seed=0)
    lock(session, 1, 1)
    return team, session


def locked_table_no_longer_fits(make_team, make_session):
    make_team([4, 4, 4, 4])
    session = make_session()
    plan_generate(session=session, seed=0)
    lock(session, 1, 1)
    session_update(session=session, group_size=6)  # 3 tables of 6, 5 and 5 now
    return Case(session, "generate/", {"version": version_of(session)})


def locked_table_seats_a_leaver(make_team, make_session):
    team, session = locked_plan(make_team, make_session)
    leaver = next(m for m in team.everyone if m.pk == at_table(session, 1, 1)[0])
    member_set_active(member=leaver, active=False)
    return Case(session, "generate/", {"version": version_of(session)})


def locked_table_seats_an_absentee(make_team, make_session):
    team, session = locked_plan(make_team, make_session)
    away = next(m for m in team.everyone if m.pk == at_table(session, 1, 1)[0])
    absent(session, away)
    return Case(session, "generate/", {"version": version_of(session)})


def locked_table_seats_a_pair_kept_apart(make_team, make_session):
    team, session = locked_plan(make_team, make_session)
    first, second = (m for m in team.everyone if m.pk in at_table(session, 1, 1)[:2])
    apart_pair_add(school=session.school, first=first, second=second)
    return Case(session, "generate/", {"version": version_of(session)})


def three_kept_apart_at_two_tables(make_team, make_session):
    team = make_team([2, 2, 2])
    a, b, c = (team.members[letter][0] for letter in "ABC")
    session = make_session()
    for first, second in ((a, b), (a, c), (b, c)):
        apart_pair_add(school=session.school, first=first, second=second)
    return Case(session, "generate/", {})


def member(team, pk):
    return next(m for m in team.everyone if m.pk == pk)


def swap_form(session, number, first, second):
    return {"version": version_of(session), "round": number, "first": first, "second": second}


def a_leaver_then_a_swap(make_team, make_session):
    team = make_team([3, 3, 3])
    session = make_session()
    plan_generate(session=session, seed=0)
    member_set_active(member=member(team, at_table(session, 1, 1)[0]), active=False)
    first, second = at_table(session, 2, 1)[0], at_table(session, 2, 2)[0]
    return Case(session, "change/", swap_form(session, 2, first, second))


def unlock_an_absentee(make_team, make_session):
    team, session = locked_plan(make_team, make_session)
    absent(session, member(team, at_table(session, 1, 1)[0]))
    return Case(session, "lock/", {"version": version_of(session), "round": 1, "table": 1})


def replan_an_absentee(make_team, make_session):
    team, session = locked_plan(make_team, make_session)
    absent(session, member(team, at_table(session, 1, 1)[0]))
    return Case(session, "rounds/1/repair/", {"version": version_of(session)})


def a_newcomer_then_a_swap(make_team, make_session):
    from learninglines.services.lines import membership_move

    team = make_team([3, 3, 3])
    session = make_session()
    plan_generate(session=session, seed=0)
    newcomer = MemberFactory(school=session.school, first_name="Nieuw", last_name="Lid")
    membership_move(member=newcomer, line=team.lines[0], start=team.year.start)
    first, second = at_table(session, 2, 1)[0], at_table(session, 2, 2)[0]
    return Case(session, "change/", swap_form(session, 2, first, second))


def a_move_that_unbalances(make_team, make_session):
    make_team([4, 4, 4, 4])
    session = make_session()
    plan_generate(session=session, seed=0)
    data = {"version": version_of(session), "round": 1, "first": at_table(session, 1, 1)[0]}
    return Case(session, "change/", {**data, "table": 2})


def a_swap_that_joins_a_pair(make_team, make_session):
    team = make_team([3, 3, 3])
    session = make_session()
    plan_generate(session=session, seed=0)
    one, two = at_table(session, 1, 1), at_table(session, 1, 2)
    apart_pair_add(school=session.school, first=member(team, one[0]), second=member(team, two[0]))
    # one[1] goes to table 2, two[0] to table 1: two[0] then sits with one[0]
    return Case(session, "change/", swap_form(session, 1, one[1], two[0]))


def swap_beside_a_locked_pair(make_team, make_session):
    team, session = locked_plan(make_team, make_session)
    first, second = (member(team, pk) for pk in at_table(session, 1, 1)[:2])
    apart_pair_add(school=session.school, first=first, second=second)
    a, b = at_table(session, 2, 1)[0], at_table(session, 2, 2)[0]
    return Case(session, "change/", swap_form(session, 2, a, b))


def unlock_a_locked_pair(make_team, make_session):
    team, session = locked_plan(make_team, make_session)
    first, second = (member(team, pk) for pk in at_table(session, 1, 1)[:2])
    apart_pair_add(school=session.school, first=first, second=second)
    return Case(session, "lock/", {"version": version_of(session), "round": 1, "table": 1})


def replan_a_round_too_few(make_team, make_session):
    team = make_team([3, 3, 3])
    session = make_session()
    plan_generate(session=session, seed=0)
    absent(session, *team.everyone[:7], first=1, last=1)  # only 2 in round 2
    return Case(session, "rounds/2/repair/", {"version": version_of(session)})


def replan_a_round_nobody(make_team, make_session):
    team = make_team([3, 3, 3])
    session = make_session()
    plan_generate(session=session, seed=0)
    absent(session, *team.everyone, first=1, last=1)
    return Case(session, "rounds/2/repair/", {"version": version_of(session)})


def replan_beside_a_lock_and_a_pair(make_team, make_session):
    team = make_team([2, 2, 2, 2])
    session = make_session()
    plan_generate(session=session, seed=0)
    lock(session, 1, 1)
    free = at_table(session, 1, 2)
    apart_pair_add(school=session.school, first=member(team, free[0]), second=member(team, free[1]))
    absent(session, member(team, free[2]), first=2, last=2)  # not there in round 1
    return Case(session, "rounds/1/repair/", {"version": version_of(session)})


def everyone_left_with_a_chosen_count(make_team, make_session):
    team = make_team([4, 4, 4, 3])
    session = make_session()
    plan_generate(session=session, seed=0, tables=4)
    for person in team.everyone:
        member_set_active(member=person, active=False)
    return Case(session, "generate/", {"version": version_of(session)})


# (case, the engine's code, Dutch, English): every refusal the page can meet
WHO = '"Wie is er"'
CASES = [
    (
        everyone_absent,
        "no_members",
        "Er is niemand om in te delen: iedereen is afwezig gemeld of zit in geen leerlijn. "
        f"Meld minder mensen afwezig bij {WHO}.",
        "There is nobody to seat: everyone is marked absent or is in no learning line. Mark "
        'fewer people absent under "Who is there".',
    ),
    (
        replan_a_round_nobody,
        "no_members",
        "Er is niemand om in te delen: iedereen is afwezig gemeld of zit in geen leerlijn. "
        f"Meld minder mensen afwezig bij {WHO}.",
        "There is nobody to seat: everyone is marked absent or is in no learning line. Mark "
        'fewer people absent under "Who is there".',
    ),
    (
        nobody_in_a_line,
        "invalid_lines",
        "Op de dag van deze bijeenkomst zit niemand in een leerlijn. Zet eerst mensen in "
        "leerlijnen en deel dan in.",
        "Nobody is in a learning line on the day of this session. Put people in learning lines "
        "first, then make the plan.",
    ),
    (
        everyone_left_with_a_chosen_count,  # was a 500: the chosen count was checked unguarded
        "invalid_lines",
        "Op de dag van deze bijeenkomst zit niemand in een leerlijn. Zet eerst mensen in "
        "leerlijnen en deel dan in.",
        "Nobody is in a learning line on the day of this session. Put people in learning lines "
        "first, then make the plan.",
    ),
    (
        too_few_people,
        "sizes_impossible",
        "2 mensen zijn te weinig voor een tafel van minstens 3. Meld minder mensen afwezig bij "
        f"{WHO}.",
        '2 people are too few for a table of at least 3. Mark fewer people absent under "Who is '
        'there".',
    ),
    (
        replan_a_round_too_few,
        "sizes_impossible",
        "2 mensen zijn te weinig voor een tafel van minstens 3. Meld minder mensen afwezig bij "
        f"{WHO}.",
        '2 people are too few for a table of at least 3. Mark fewer people absent under "Who is '
        'there".',
    ),
    (
        no_table_size_fits,
        "sizes_impossible",
        "5 mensen passen niet aan tafels van 3 tot 4 mensen. Kies voor deze bijeenkomst een ander "
        "aantal mensen per tafel, bijvoorbeeld 4.",
        "5 people cannot be seated at tables of 3 to 4 people. Choose another number of people "
        "per table for this session, for example 4.",
    ),
    (
        locked_table_no_longer_fits,
        "locked_invalid",
        "De vastgezette tafels passen niet meer in de indeling (er zijn bijvoorbeeld meer of "
        "minder mensen). Maak ze los en deel opnieuw in.",
        "The locked tables no longer fit the plan (for example the number of people changed). "
        "Unlock them and make the plan again.",
    ),
    (
        locked_table_seats_a_leaver,
        "locked_invalid",
        "A1 Lid A1 zit in ronde 1 aan een vastgezette tafel, maar zit niet meer in het team of in "
        "een leerlijn. Maak eerst de plekken vrij en deel dan opnieuw in.",
        "A1 Lid A1 sits at a locked table in round 1 but is no longer in the team or in a "
        "learning line. Free their seats first, then make the plan again.",
    ),
    (
        locked_table_seats_an_absentee,  # the whole plan: the round of the locked table
        "locked_absent",
        "A1 Lid A1 zit in ronde 1 aan een vastgezette tafel, maar is er in die ronde niet. Maak "
        "die tafel los en deel dan opnieuw in.",
        "A1 Lid A1 sits at a locked table in round 1 but is not there in that round. Unlock that "
        "table, then make the plan again.",
    ),
    (
        replan_an_absentee,
        "locked_absent",
        "A1 Lid A1 zit aan een vastgezette tafel, maar is afwezig gemeld. Maak die tafel los en "
        "deel dan opnieuw in.",
        "A1 Lid A1 sits at a locked table but is marked absent. Unlock that table, then make the "
        "plan again.",
    ),
    (
        locked_table_seats_a_pair_kept_apart,
        "locked_apart",
        "A1 Lid A1 en B1 Lid B1 mogen nooit aan één tafel zitten, maar zitten samen aan een "
        "vastgezette tafel. Maak die tafel los en deel dan opnieuw in.",
        "A1 Lid A1 and B1 Lid B1 may never sit at one table, but they sit together at a locked "
        "table. Unlock that table, then make the plan again.",
    ),
    (
        swap_beside_a_locked_pair,
        "locked_apart",
        "A1 Lid A1 en B1 Lid B1 mogen nooit aan één tafel zitten, maar zitten samen aan een "
        "vastgezette tafel. Maak die tafel los en deel dan opnieuw in.",
        "A1 Lid A1 and B1 Lid B1 may never sit at one table, but they sit together at a locked "
        "table. Unlock that table, then make the plan again.",
    ),
    (
        three_kept_apart_at_two_tables,
        "apart_infeasible",
        "A1 Lid A1, B1 Lid B1 en C1 Lid C1 moeten elk aan een andere tafel zitten, maar er zijn "
        "maar 2 tafels. Haal een tweetal weg dat uit elkaar blijft.",
        "A1 Lid A1, B1 Lid B1 and C1 Lid C1 must each sit at another table, but there are only 2 "
        "tables. Remove a pair that is kept apart.",
    ),
    (
        replan_beside_a_lock_and_a_pair,
        "apart_infeasible",
        "Deze ronde kan naast de vastgezette tafels niet opnieuw worden ingedeeld zonder A2 Lid A2 "
        "en B1 Lid B1 samen te zetten, die nooit aan één tafel mogen zitten. Maak een tafel los, "
        "of haal dat tweetal weg.",
        "This round cannot be re-planned next to its locked tables without seating A2 Lid A2 and "
        "B1 Lid B1 together, who may never sit at one table. Unlock a table, or remove that pair.",
    ),
    (
        a_leaver_then_a_swap,
        "plan_unknown_member",
        "Iemand die het team of zijn of haar leerlijn heeft verlaten, heeft nog een plek in ronde "
        "1: maak die plek eerst vrij.",
        "Someone who left the team or their learning line still has a seat in round 1: free "
        "their seat first.",
    ),
    (
        a_newcomer_then_a_swap,
        "plan_member_missing",
        "Nieuw Lid heeft in ronde 1 nog geen plek. Deel opnieuw in, dan krijgt iedereen een plek.",
        "Nieuw Lid has no seat in round 1 yet. Make the plan again to give everyone a seat.",
    ),
    (
        a_move_that_unbalances,
        "plan_sizes",
        "Elke tafel in een ronde heeft ongeveer evenveel mensen als de andere (hooguit één meer "
        "of minder), en minstens 3. Wissel twee mensen om in plaats van er één te verplaatsen.",
        "Every table of a round must hold about as many people as the others (at most one more "
        "or less), and at least 3. Swap two people instead of moving one.",
    ),
    (
        a_swap_that_joins_a_pair,
        "plan_apart",
        "A1 Lid A1 en A2 Lid A2 blijven uit elkaar: ze kunnen niet aan één tafel zitten.",
        "A1 Lid A1 and A2 Lid A2 are kept apart: they cannot sit at one table.",
    ),
]


@pytest.mark.parametrize(
    ("setup", "code", "dutch", "english"),
    CASES,
    ids=[case[0].__name__ for case in CASES],
)
def test_the_refusal_is_said_in_words_and_saves_nothing(
    client, steering, make_team, make_session, monkeypatch, setup, code, dutch, english
):
    import sessions_app.services.engine_input as engine_input

    case = setup(make_team, make_session)
    codes = []
    words = engine_input.grouping_error_message

    def spy(error, **kwargs):
        codes.append(error.code)
        return words(error, **kwargs)

    monkeypatch.setattr(engine_input, "grouping_error_message", spy)
    assert refused(client, steering.user, case, "nl") == [("danger", dutch)]
    assert refused(client, steering.user, case, "en") == [("danger", english)]
    assert codes == [code, code]


def test_the_way_out_of_an_absentee_or_a_pair_at_a_locked_table_works(make_team, make_session):
    """What locked_absent and locked_apart tell the steering group to do: unlock the table
    (never refused: it moves nobody), then make the plan again."""
    team, session = locked_plan(make_team, make_session)
    away = member(team, at_table(session, 1, 1)[0])
    first, second = (member(team, pk) for pk in at_table(session, 1, 1)[1:3])
    absent(session, away)
    apart_pair_add(school=session.school, first=first, second=second)
    assert away.pk in at_table(session, 1, 1)  # the locked round could not follow
    plan = TablePlan.objects.get(session=session)
    plan_lock(plan=plan, version=plan.version, round_number=1, table=1, locked=False)
    plan.refresh_from_db()
    plan_generate(session=session, version=plan.version, seed=1)
    assert not Seat.objects.filter(round__plan__session=session, member=away).exists()
    for table in {s.table_id for s in Seat.objects.filter(round__plan__session=session)}:
        seated = set(Seat.objects.filter(table_id=table).values_list("member_id", flat=True))
        assert not {first.pk, second.pk} <= seated


def test_a_group_size_the_words_suggest_makes_the_plan(make_team, make_session):
    make_team([2, 2, 1])
    session = make_session()
    session_update(session=session, group_size=4)
    plan = plan_generate(session=session, seed=0)
    assert plan.report["table_sizes"][0] == [5]
