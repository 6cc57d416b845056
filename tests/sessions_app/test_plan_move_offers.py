"""After choosing someone to move, the plan page offers "Move here" only on the tables where
`plan_move` accepts the move: the round's tables stay even (within one of each other, at least
3). The offer comes from the service's own recount, so it is checked here against what
`plan_move` really does, table by table."""

import re

import pytest
from django.core.exceptions import ValidationError

from sessions_app.selectors.board import plan_board
from sessions_app.selectors.plans import plan_as_ids, plan_rounds_view
from sessions_app.services.plans import plan_generate, plan_lock, plan_move, plan_undo

pytestmark = pytest.mark.django_db

MOVE_HERE = re.compile(r'<button[^>]* name="table" value="(\d+)"')


def round_one(plan) -> list[list[int]]:
    return plan_as_ids(plan_rounds_view(plan=plan))[0]


def offered(session, plan, member) -> set[int]:
    """The table numbers of round 1 the board offers `member` to move to."""
    board = plan_board(session=session, plan=plan, selected=(1, member.pk))
    assert board.selected == (1, member.pk)
    return {card.table.number for card in board.rounds[0].tables if card.move_here}


def accepted(plan, member) -> set[int]:
    """The table numbers of round 1 that plan_move accepts for `member` (each move undone)."""
    out = set()
    for number in range(1, len(round_one(plan)) + 1):
        plan.refresh_from_db()
        try:
            plan_move(
                plan=plan, version=plan.version, round_number=1, member=member.pk, table=number
            )
        except ValidationError:
            continue
        out.add(number)
        plan.refresh_from_db()
        plan_undo(plan=plan, version=plan.version)
    plan.refresh_from_db()
    return out


def test_only_tables_the_move_keeps_even_are_offered(make_team, make_session):
    team = make_team([5, 4, 4, 4])  # 17 people: tables of 5, 4, 4 and 4
    session = make_session()
    plan = plan_generate(session=session, seed=0)
    tables = round_one(plan)
    big = next(i for i, t in enumerate(tables) if len(t) == 5)
    from_big = next(m for m in team.everyone if m.pk in tables[big])
    from_small = next(m for m in team.everyone if m.pk in tables[(big + 1) % 4])
    # from the table of 5 to any table of 4; from a table of 4 nowhere (5 and 3 would differ
    # by two)
    assert offered(session, plan, from_big) == {n for n in range(1, 5) if n != big + 1}
    assert offered(session, plan, from_small) == set()
    for member in (from_big, from_small):
        assert offered(session, plan, member) == accepted(plan, member)


def test_the_offer_agrees_with_plan_move_for_everyone_of_a_round(make_team, make_session):
    """7 tables of 3 and 4 (25 people): every person, every table, the same answer."""
    team = make_team([7, 6, 6, 6])
    session = make_session(group_size=3)
    plan = plan_generate(session=session, seed=0)
    sizes = sorted(len(t) for t in round_one(plan))
    assert len(set(sizes)) == 2  # uneven tables, so some moves are accepted
    tables = round_one(plan)
    for table in tables[:3]:
        member = next(m for m in team.everyone if m.pk == table[0])
        assert offered(session, plan, member) == accepted(plan, member)


def test_a_locked_table_is_not_offered(make_team, make_session):
    team = make_team([5, 4, 4, 4])
    session = make_session()
    plan = plan_generate(session=session, seed=0)
    tables = round_one(plan)
    big = next(i for i, t in enumerate(tables) if len(t) == 5)
    small = (big + 1) % 4
    plan_lock(plan=plan, version=plan.version, round_number=1, table=small + 1, locked=True)
    plan.refresh_from_db()
    mover = next(m for m in team.everyone if m.pk in tables[big])
    assert small + 1 not in offered(session, plan, mover)
    assert len(offered(session, plan, mover)) == 2


def test_choosing_someone_not_seated_in_that_round_is_no_choice(make_team, make_session):
    make_team([4, 4, 4])
    session = make_session()
    plan = plan_generate(session=session, seed=0)
    assert plan_board(session=session, plan=plan, selected=(1, 999999)).selected is None
    assert plan_board(session=session, plan=plan, selected=(None, None)).selected is None


def page(client, user, session, member) -> str:
    client.force_login(user)
    return client.get(
        f"/s/de-regenboog/sessions/{session.pk}/plan/?round=1&select={member.pk}",
        headers={"HX-Request": "true"},
    ).content.decode()


def hint(html: str) -> str:
    found = re.search(r'<p class="small plan-hint" role="status">(.*?) <a ', html, re.S)
    return " ".join(found.group(1).split())


def test_the_page_offers_move_here_only_where_the_move_is_accepted(
    client, steering, make_team, make_session
):
    team = make_team([5, 5, 4, 4])  # 18 people: tables of 5, 5, 4 and 4
    session = make_session()
    plan = plan_generate(session=session, seed=0)
    tables = round_one(plan)
    big = [i for i, t in enumerate(tables) if len(t) == 5]
    from_big = next(m for m in team.everyone if m.pk in tables[big[0]])
    html = page(client, steering.user, session, from_big)
    # to a table of 4, not to the other table of 5 (it would hold 6 next to a 4)
    assert {int(n) for n in MOVE_HERE.findall(html)} == {
        i + 1 for i, t in enumerate(tables) if len(t) == 4
    }
    assert hint(html) == (
        "Kies nu iemand om mee te wisselen, of een tafel met “Hierheen”: naar de andere tafels "
        "verplaatsen maakt de tafels ongelijk (elke tafel houdt evenveel mensen als de andere, "
        "hooguit één meer of minder)."
    )
    # swapping is still offered with everyone at the other tables
    assert html.count('name="second"') == 13


def test_the_page_offers_only_a_swap_when_no_table_can_take_one_more(
    client, steering, make_team, make_session
):
    team = make_team([4, 4, 4, 4])  # 4 tables of 4: any move leaves a 3 next to a 5
    session = make_session()
    plan_generate(session=session, seed=0)
    html = page(client, steering.user, session, team.members["A"][0])
    assert MOVE_HERE.findall(html) == []
    assert hint(html) == (
        "Kies nu iemand om mee te wisselen: naar een andere tafel verplaatsen maakt de tafels "
        "ongelijk (elke tafel houdt evenveel mensen als de andere, hooguit één meer of minder)."
    )
    assert html.count('name="second"') == 12
