"""The table cards of the scheduler view say "met before" only of pairs who really met before:
in an earlier session or in an earlier round of this plan, never at their first meeting."""

import pytest

from sessions_app.selectors.board import plan_board
from sessions_app.services.plans import plan_generate
from sessions_app.services.sessions import session_hold

pytestmark = pytest.mark.django_db


def card_repeats(session, plan) -> list[list[int]]:
    """Per round, each table card's count of pairs that met before."""
    board = plan_board(session=session, plan=plan)
    return [[card.repeats for card in rnd.tables] for rnd in board.rounds]


def test_a_first_plan_marks_nobody_in_the_first_round_as_met_before(make_team, make_session):
    """4 lines of 3 over 2 rounds: 3 tables of 4 force 3 repeats, all of them in round 2."""
    make_team([3, 3, 3, 3])
    session = make_session()
    plan = plan_generate(session=session, seed=0)
    assert plan.report["repeats"] == 3
    first, second = card_repeats(session, plan)
    assert first == [0, 0, 0]
    assert sum(second) == plan.report["repeats"]


def test_pairs_who_met_in_an_earlier_session_are_marked_from_the_first_round(
    make_team, make_session
):
    """After a held session every table of the next plan's first round can hold someone met."""
    make_team([3, 3, 3, 3])
    earlier = make_session(days=10)
    plan_generate(session=earlier, seed=0)
    session_hold(session=earlier)
    session = make_session(days=20)
    plan = plan_generate(session=session, seed=0)
    rounds = card_repeats(session, plan)
    assert sum(map(sum, rounds)) == plan.report["repeats"]
    assert sum(rounds[0]) > 0
