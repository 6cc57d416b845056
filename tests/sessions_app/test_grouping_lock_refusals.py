"""A session planned again beside locked tables: apart pairs that a locked round's free tables
cannot keep apart are refused with the round named (not after a search as no_plan_in_budget),
and where unlocking would not help, both plan_rounds and repair_round say the table count is
the trouble instead."""

import random
from itertools import combinations, product

import pytest
from django.utils import translation

from sessions_app.engine_errors import grouping_error_message
from sessions_app.grouping import GroupingError, plan_rounds, repair_round
from sessions_app.grouping.model import check_sizes, locks_fit, normalise, split_sizes
from sessions_app.grouping.planner import allowed_tables
from sessions_app.services.apart import apart_pair_add
from sessions_app.services.plans import plan_generate
from tests.sessions_app.test_engine_errors_words import (
    Case,
    at_table,
    lock,
    member,
    refused,
    version_of,
)
from tests.sessions_app.test_grouping_refusals import small_repair

EIGHT = {"A": ["A1", "A2"], "B": ["B1", "B2"], "C": ["C1", "C2"], "D": ["D1", "D2"]}
# ten people at two tables of five; a ring of five apart pairs among the second table's
TEN = {"A": ["A1", "A2", "A3"], "B": ["B1", "B2", "B3"], "C": ["C1", "C2"], "D": ["D1", "D2"]}
RING = [("A2", "B2"), ("B2", "C2"), ("C2", "D2"), ("D2", "A3"), ("A3", "A2")]


def refusal(call):
    with pytest.raises(GroupingError) as caught:
        call()
    return caught.value


# --- plan_rounds: a locked round's free tables ---


@pytest.mark.db_independent
def test_a_pair_at_the_one_free_table_of_a_locked_round_is_refused_naming_the_round():
    # round 2 (index 1) locks one of the two tables: A2, B1, C2 and D2 must sit at the other,
    # and A2 and B1 never share a table. The engine searched and said no_plan_in_budget before.
    locked = {1: [["D1", "C1", "B2", "A1"]]}

    error = refusal(lambda: plan_rounds(EIGHT, 3, apart=[("A2", "B1")], locked=locked))

    assert (error.code, error.impossible) == ("apart_infeasible", True)
    assert error.params == {
        "tables": 1,
        "members": ["A2", "B1"],
        "linked": True,
        "locked": [["D1", "C1", "B2", "A1"]],
        "round": 1,
    }


@pytest.mark.db_independent
def test_the_same_session_with_the_pair_across_the_locked_table_is_planned():
    locked = {1: [["D1", "C1", "B2", "A1"]]}

    plan = plan_rounds(EIGHT, 3, apart=[("A2", "A1")], locked=locked)

    assert plan.rounds[1] == [["D1", "C1", "B2", "A1"], ["A2", "B1", "C2", "D2"]]  # as given
    for rnd in plan.rounds:
        assert not [table for table in rnd if {"A1", "A2"} <= set(table)]


@pytest.mark.db_independent
def test_the_refusal_is_proven_after_the_time_limit_has_run_out():
    """The search stops at once; the quick colouring still decides one pair at one table."""
    locked = {1: [["D1", "C1", "B2", "A1"]]}

    error = refusal(
        lambda: plan_rounds(EIGHT, 3, apart=[("A2", "B1")], locked=locked, time_limit=1e-6)
    )

    assert error.code == "apart_infeasible"
    assert (error.params["round"], error.params["members"]) == (1, ["A2", "B1"])


@pytest.mark.db_independent
def test_the_first_round_that_cannot_keep_its_pair_is_named():
    # round 0 keeps A2 and B1 apart by its lock; round 2 leaves both at its one free table
    locked = {0: [["A1", "B1", "C1", "D1"]], 2: [["A1", "B2", "C1", "D1"]]}

    error = refusal(lambda: plan_rounds(EIGHT, 3, apart=[("A2", "B1")], locked=locked))

    assert error.code == "apart_infeasible"
    assert (error.params["round"], error.params["tables"]) == (2, 1)
    assert error.params["locked"] == [["A1", "B2", "C1", "D1"]]


@pytest.mark.db_independent
def test_a_locked_round_the_other_table_count_can_plan_is_not_refused():
    """5 people in groups of 2: at 2 tables round 1 leaves B2, C1 and C2 at the free table of
    3 and C1 and B2 are kept apart (now refused there, with the round); the rule's other count,
    3 tables, keeps them, so plan_rounds without `tables` plans at 3 (as before)."""
    lines = {"A": ["A1"], "B": ["B1", "B2"], "C": ["C1", "C2"]}
    given = {
        "apart": [("A1", "C1"), ("C1", "B2"), ("B2", "B1")],
        "locked": {1: [["A1", "B1"]]},
        "group_size": 2,
        "min_size": 1,
    }

    error = refusal(lambda: plan_rounds(lines, 3, tables=2, **given))
    plan = plan_rounds(lines, 3, **given)

    assert error.params == {
        "tables": 1,
        "members": ["B2", "C1"],
        "linked": True,
        "locked": [["A1", "B1"]],
        "round": 1,
    }
    assert [len(rnd) for rnd in plan.rounds] == [3, 3, 3]


@pytest.mark.db_independent
def test_a_ring_of_five_beside_a_locked_round_is_refused_for_the_table_count():
    """Two tables cannot split a ring of five in any round, locked or not: unlocking does not
    help, so the refusal is the one without locks (no round; it said no_plan_in_budget)."""
    locked = {0: [["A1", "B1", "C1", "D1", "B3"]]}

    error = refusal(
        lambda: plan_rounds(TEN, 2, apart=RING, locked=locked, group_size=5, max_size=5)
    )

    assert (error.code, error.impossible) == ("apart_infeasible", True)
    assert error.params == {
        "tables": 2,
        "members": ["A2", "A3", "B2", "C2", "D2"],
        "linked": True,
    }


# --- repair_round: whether unlocking would help ---


@pytest.mark.db_independent
def test_a_repair_whose_ring_no_table_count_splits_is_refused_without_locks():
    """The ring sits at the one free table beside locked table 0; with both tables free it
    could still not be split: the page then says the pairs cannot be kept at 2 tables, not
    'unlock a table'."""
    current = [["A1", "B1", "C1", "D1", "B3"], ["A2", "A3", "B2", "C2", "D2"]]

    error = refusal(
        lambda: repair_round(TEN, current, apart=RING, locked=[0], min_size=3, max_size=5)
    )

    assert (error.code, error.impossible) == ("apart_infeasible", True)
    assert error.params == {"tables": 2, "members": ["A2", "A3", "B2", "C2", "D2"], "linked": True}


@pytest.mark.db_independent
def test_a_repair_whose_pair_unlocking_would_split_keeps_the_locked_wording():
    current = [["A1", "B1", "C1", "D1", "B3"], ["A2", "A3", "B2", "C2", "D2"]]

    error = refusal(
        lambda: repair_round(TEN, current, apart=[("A2", "B2")], locked=[0], min_size=3, max_size=5)
    )

    assert error.params == {"tables": 1, "members": ["A2", "B2"], "linked": True, "locked": [0]}


@pytest.mark.db_independent
def test_the_two_repair_refusals_in_the_page_s_words():
    ring = GroupingError(
        "apart_infeasible",
        "engine text",
        params={"tables": 2, "members": ["A2", "A3", "B2", "C2", "D2"], "linked": True},
    )
    pair = GroupingError(
        "apart_infeasible",
        "engine text",
        params={"tables": 1, "members": ["A2", "B2"], "linked": True, "locked": [0]},
    )

    with translation.override("en"):
        words = [grouping_error_message(error) for error in (ring, pair)]

    assert words == [
        "The pairs kept apart among A2, A3, B2, C2 and D2 cannot all be kept at 2 tables. "
        "Remove a pair that is kept apart.",
        "This round cannot be re-planned next to its locked tables without seating A2 and B2 "
        "together, who may never sit at one table. Unlock a table, or remove that pair.",
    ]


# --- the page's words for a session's round ---


@pytest.mark.db_independent
def test_the_page_names_the_round_and_the_pair():
    error = GroupingError(
        "apart_infeasible",
        "engine text",
        params={
            "tables": 1,
            "members": [7, 8],
            "linked": True,
            "locked": [[1, 2, 3]],
            "round": 2,
        },
    )
    names = {7: "Anouk de Vries", 8: "Daan van der Berg"}

    with translation.override("en"):
        english = grouping_error_message(error, name_of=names)

    assert english == (
        "Round 3 cannot be planned next to its locked tables without seating Anouk de Vries and "
        "Daan van der Berg together, who may never sit at one table. Unlock a table in round 3, "
        "or remove that pair."
    )


@pytest.mark.db_independent
def test_the_page_names_the_round_and_a_group_linked_by_pairs():
    error = GroupingError(
        "apart_infeasible",
        "engine text",
        params={
            "tables": 2,
            "members": [7, 8, 9],
            "linked": True,
            "locked": [[1, 2, 3]],
            "round": 0,
        },
    )
    names = {7: "Anouk", 8: "Daan", 9: "Sem"}

    with translation.override("en"):
        english = grouping_error_message(error, name_of=names)

    assert english == (
        "Round 1 cannot be planned next to its locked tables without seating two of Anouk, "
        "Daan and Sem together, who may never sit at one table. Unlock a table in round 1, or "
        "remove a pair that is kept apart."
    )


@pytest.mark.db_independent
def test_the_page_names_the_round_in_dutch_by_default():
    """Depends on the Dutch catalogue (the msgid above, translated)."""
    error = GroupingError(
        "apart_infeasible",
        "engine text",
        params={"tables": 1, "members": [7, 8], "linked": True, "locked": [[1]], "round": 2},
    )
    names = {7: "Anouk de Vries", 8: "Daan van der Berg"}

    with translation.override("nl"):
        dutch = grouping_error_message(error, name_of=names)

    assert dutch == (
        "Ronde 3 kan naast de vastgezette tafels niet worden ingedeeld zonder Anouk de Vries en "
        "Daan van der Berg samen te zetten, die nooit aan één tafel mogen zitten. Maak een tafel "
        "in ronde 3 los, of haal dat tweetal weg."
    )


# --- exact: against every seating of small sessions ---


def seating_exists(people, sizes, apart) -> bool:
    """Whether `people` fill tables of these sizes exactly, no apart pair at one table: every
    assignment of person to table."""
    for choice in product(range(len(sizes)), repeat=len(people)):
        if any(choice.count(t) != size for t, size in enumerate(sizes)):
            continue
        table = dict(zip(people, choice, strict=True))
        if all(table[a] != table[b] for a, b in apart if a in table and b in table):
            return True
    return False


def small_session(seed):
    """6 to 10 people at 2 or 3 tables, 2 rounds, tables locked in a round or both, pairs."""
    rng = random.Random(seed)
    sizes = [rng.randint(2, 3) for _ in range(rng.randint(3, 4))]
    lines = {
        chr(65 + i): [f"{chr(65 + i)}{j}" for j in range(size)] for i, size in enumerate(sizes)
    }
    people = [m for members in lines.values() for m in members]
    tables = rng.choice([t for t in (2, 3) if len(people) // t >= 2 and -(-len(people) // t) <= 5])
    made = plan_rounds(lines, 2, tables=tables, min_size=2, max_size=5, seed=seed).rounds
    locked = {}
    for r in rng.sample([0, 1], rng.randint(1, 2)):
        locked[r] = [made[r][t] for t in rng.sample(range(tables), rng.randint(1, tables - 1))]
    together = {
        frozenset(pair)
        for tables_of in locked.values()
        for table in tables_of
        for pair in combinations(table, 2)
    }
    pairs = [p for p in combinations(people, 2) if frozenset(p) not in together]
    apart = rng.sample(pairs, min(len(pairs), rng.randint(1, 5)))
    asked = tables if rng.random() < 0.5 else None
    group_size = rng.choice([2, 3, 4])
    return lines, locked, apart, asked, group_size


def possible_at(inst_people, count, locked, apart) -> bool:
    n = len(inst_people)
    base, big = split_sizes(n, count)
    sizes = [base + 1] * big + [base] * (count - big)
    for r in (0, 1):
        tables = locked.get(r, [])
        # the locked tables take seats of their size; the rest fill the free tables
        rest = sorted(sizes, reverse=True)
        for table in tables:
            rest.remove(len(table))
        at_locked = {m for table in tables for m in table}
        free = [m for m in inst_people if m not in at_locked]
        if not seating_exists(free, rest, apart):
            return False
    return True


@pytest.mark.db_independent
@pytest.mark.parametrize("seed", range(80))
def test_a_locked_session_is_refused_as_apart_infeasible_exactly_when_no_plan_exists(seed):
    """Against every seating of every round at every count the rule weighs: refused as
    apart_infeasible only when no count has a plan, and always then (these groups are small
    enough for the colouring to decide)."""
    lines, locked, apart, asked, group_size = small_session(seed)
    given = {
        "apart": apart,
        "locked": locked,
        "group_size": group_size,
        "min_size": 2,
        "max_size": 5,
        "tables": asked,
        "effort": 0.2,
    }
    try:
        plan = plan_rounds(lines, 2, **given)
    except GroupingError as error:
        refused = error
    else:
        refused = None
    inst = normalise(lines, apart=apart)
    g, low, high = check_sizes(group_size, 2, 5, inst.k)
    counts = [asked] if asked is not None else allowed_tables(inst, g, low, high)
    people = [m for members in lines.values() for m in members]
    fitting = [
        c
        for c in counts
        if all(locks_fit(c, inst.n, [[0] * len(t) for t in ts]) for ts in locked.values())
    ]
    if not fitting:
        assert refused is not None
        assert refused.code in ("locked_invalid", "sizes_impossible")
        return

    possible = any(possible_at(people, c, locked, apart) for c in fitting)

    if possible:
        assert refused is None or refused.code == "no_plan_in_budget"
    else:
        assert refused is not None
        assert refused.code == "apart_infeasible"
    if refused is not None and refused.code == "apart_infeasible":
        count = refused.params["tables"]
        if "round" in refused.params:
            r = refused.params["round"]
            assert refused.params["locked"] == locked[r]
            # the round's free tables cannot seat the people not at its locked tables apart
            whole = count + len(locked[r])
            assert whole in fitting
            at_locked = {m for table in locked[r] for m in table}
            free = [m for m in people if m not in at_locked]
            assert set(refused.params["members"]) <= set(free)
            base, big = split_sizes(inst.n, whole)
            sizes = sorted([base + 1] * big + [base] * (whole - big), reverse=True)
            for table in locked[r]:
                sizes.remove(len(table))
            assert len(sizes) == count
            assert not seating_exists(free, sizes, apart)
        else:
            assert count in fitting
            base, big = split_sizes(inst.n, count)
            sizes = [base + 1] * big + [base] * (count - big)
            assert not seating_exists(people, sizes, apart)
    if refused is None:
        for r, tables in locked.items():
            for table in tables:
                assert table in plan.rounds[r]
        for rnd in plan.rounds:
            for a, b in apart:
                assert not [table for table in rnd if a in table and b in table]


def group_splits(group, sizes, apart) -> bool:
    """Whether `group` fits tables of at most these sizes with no apart pair at one table."""
    for choice in product(range(len(sizes)), repeat=len(group)):
        if any(choice.count(t) > size for t, size in enumerate(sizes)):
            continue
        table = dict(zip(group, choice, strict=True))
        if all(table[a] != table[b] for a, b in apart if a in table and b in table):
            return True
    return False


@pytest.mark.db_independent
def test_a_repair_says_unlock_a_table_exactly_when_the_whole_round_could_split_the_group():
    """600 small repairs beside locked tables (test_grouping_refusals.small_repair): each
    refusal naming a group linked by pairs keeps `locked` (the page: "Unlock a table") when
    all the round's tables could seat that group apart, and drops it (the page: not at this
    many tables) when they could not; checked against every seating of the group."""

    worded = {"locked": 0, "at all": 0}
    wrong = []
    for seed in range(600):
        lines, current, locked, absent, apart = small_repair(seed)
        try:
            repair_round(
                lines, current, absent=absent, apart=apart, locked=locked, min_size=2, max_size=6
            )
        except GroupingError as error:
            params = error.params if error.code == "apart_infeasible" else {}
        else:
            params = {}
        if "linked" not in params:
            continue
        present = [m for ms in lines.values() for m in ms if m not in absent]
        count = params["tables"] + len(params.get("locked", []))
        base, big = split_sizes(len(present), count)
        sizes = [base + 1] * big + [base] * (count - big)
        splits = group_splits(params["members"], sizes, apart)
        if ("locked" in params) != splits:
            wrong.append(seed)
        worded["locked" if splits else "at all"] += 1

    assert wrong == []
    assert worded == {"locked": 234, "at all": 1}


# --- through the plan page ---


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "words"),
    [
        (
            "en",
            "Round 1 cannot be planned next to its locked tables without seating A2 Lid A2 and "
            "B1 Lid B1 together, who may never sit at one table. Unlock a table in round 1, or "
            "remove that pair.",
        ),
        (
            # depends on the Dutch catalogue
            "nl",
            "Ronde 1 kan naast de vastgezette tafels niet worden ingedeeld zonder A2 Lid A2 en "
            "B1 Lid B1 samen te zetten, die nooit aan één tafel mogen zitten. Maak een tafel in "
            "ronde 1 los, of haal dat tweetal weg.",
        ),
    ],
)
def test_the_plan_page_names_the_round_whose_locked_tables_leave_a_pair_together(
    client, steering, make_team, make_session, language, words
):
    """Eight people at two tables of four; round 1's first table is locked and a pair at its
    other table is kept apart: making the plan again is refused with the round named, and
    nothing is saved (it said the search found nothing before)."""
    team = make_team([2, 2, 2, 2])
    session = make_session()
    plan_generate(session=session, seed=0)
    lock(session, 1, 1)
    free = at_table(session, 1, 2)
    first, second = member(team, free[0]), member(team, free[1])
    apart_pair_add(school=session.school, first=first, second=second)
    case = Case(session, "generate/", {"version": version_of(session)})

    assert refused(client, steering.user, case, language) == [("danger", words)]
