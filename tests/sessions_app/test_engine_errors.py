"""The grouping engine's errors reach people in Dutch and English, with names, never ids."""

import pytest
from django.utils import translation

from sessions_app.engine_errors import MESSAGES, grouping_error_message
from sessions_app.grouping import ERROR_CODES, GroupingError, evaluate, plan_rounds

SAMPLE_PARAMS = {
    "member": 7,
    "other": 8,
    "round": 1,
    "members": 9,
    "min_size": 3,
    "max_size": 5,
    "tables": [2, 3],
}


def test_every_engine_code_has_its_own_message():
    assert set(MESSAGES) == set(ERROR_CODES)


@pytest.mark.parametrize("code", sorted(ERROR_CODES))
def test_every_code_has_a_dutch_and_an_english_message(code):
    error = GroupingError(code, "engine text", params=dict(SAMPLE_PARAMS))
    names = {7: "Anouk de Vries", 8: "Daan van der Berg"}
    with translation.override("nl"):
        dutch = grouping_error_message(error, name_of=names)
    with translation.override("en"):
        english = grouping_error_message(error, name_of=names)
    assert dutch != english
    for text in (dutch, english):
        assert "engine text" not in text
        assert "%(" not in text
        assert "7" not in text.replace("Anouk de Vries", "")  # ids become names


def test_a_code_without_a_message_gets_a_general_one(monkeypatch):
    monkeypatch.delitem(MESSAGES, "plan_sizes")
    with translation.override("nl"):
        assert grouping_error_message(GroupingError("plan_sizes", "x")) == (
            "De tafelindeling kon niet worden gemaakt. Probeer het opnieuw, of vraag de "
            "beheerder om hulp."
        )


def test_a_real_engine_error_is_worded_with_names_and_rounds_counted_from_one():
    lines = {"A": [1, 2, 3], "B": [4, 5, 6], "C": [7, 8, 9]}
    plan = plan_rounds(lines, 2, seed=0)
    rounds = [[list(t) for t in rnd] for rnd in plan.rounds]
    rounds[1][0].pop(0)  # someone loses their seat in the second round
    with pytest.raises(GroupingError) as raised:
        evaluate(lines, rounds)
    names = {m: f"Lid {m}" for m in range(1, 10)}
    with translation.override("nl"):
        text = grouping_error_message(raised.value, name_of=names)
    missing = plan.rounds[1][0][0]
    assert (raised.value.code, raised.value.params) == (
        "plan_member_missing",
        {"member": missing, "round": 1},
    )
    assert text == (
        f"Lid {missing} heeft in ronde 2 nog geen plek. Deel opnieuw in, dan krijgt iedereen een "
        "plek."
    )


def test_too_few_people_for_the_tables_is_said_in_numbers():
    with pytest.raises(GroupingError) as raised:
        plan_rounds({"A": [1, 2], "B": [3, 4]}, 1, min_size=3, max_size=3, group_size=3)
    with translation.override("nl"):
        text = grouping_error_message(raised.value)
    assert raised.value.code == "sizes_impossible"
    assert text == (
        "4 mensen passen niet aan tafels van precies 3 mensen. Kies een andere groepsgrootte."
    )


def test_too_few_people_for_any_table_is_not_sent_to_another_group_size():
    with pytest.raises(GroupingError) as raised:
        plan_rounds({"A": [1], "B": [2]}, 1)
    assert raised.value.code == "sizes_impossible"
    with translation.override("nl"):
        assert grouping_error_message(raised.value) == (
            "2 mensen zijn te weinig voor een tafel van minstens 3. Meld minder mensen afwezig "
            'bij "Wie is er".'
        )
    with translation.override("en"):
        assert grouping_error_message(raised.value) == (
            '2 people are too few for a table of at least 3. Mark fewer people absent under "Who '
            'is there".'
        )


@pytest.mark.parametrize(
    ("tables", "dutch"),
    [(1, "er is maar 1 tafel."), (2, "er zijn maar 2 tafels.")],
)
def test_people_who_cannot_all_sit_apart_are_named(tables, dutch):
    error = GroupingError("apart_infeasible", "x", params={"tables": tables, "members": [1, 2, 3]})
    with translation.override("nl"):
        text = grouping_error_message(error, name_of={m: f"Lid {m}" for m in (1, 2, 3)})
    assert text == (
        f"Lid 1, Lid 2 en Lid 3 moeten elk aan een andere tafel zitten, maar {dutch} Haal een "
        "tweetal weg dat uit elkaar blijft."
    )


def test_too_many_rounds_is_refused_and_said_with_the_limit():
    """The engine refuses a session of more than 100 rounds (10**30 rounds never returned)."""
    with pytest.raises(GroupingError) as raised:
        plan_rounds({"A": [1, 2], "B": [3, 4], "C": [5, 6]}, 10**30)
    assert (raised.value.code, raised.value.params) == (
        "invalid_rounds",
        {"field": "rounds", "value": 10**30, "max": 100},
    )
    with translation.override("nl"):
        assert grouping_error_message(raised.value) == (
            "Een bijeenkomst kan hoogstens 100 tafelrondes hebben."
        )
    with translation.override("en"):
        assert grouping_error_message(raised.value) == (
            "A session can have at most 100 table rounds."
        )


def test_evaluating_a_plan_when_nobody_is_there_says_so():
    with pytest.raises(GroupingError) as raised:
        evaluate({"A": ["a1"], "B": ["b1"]}, [[]], absent=["a1", "b1"])
    assert (raised.value.code, raised.value.params) == ("no_members", {"members": 0})
