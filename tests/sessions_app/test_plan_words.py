"""The scheduler view says in Dutch which of the engine's states a plan is in, word for word.

Each plan is made by the engine on a school built for the state: 4 lines of 4 in 2 rounds (no
repeat at all), 3 lines of 3 in 4 rounds (9 repeats, and no plan has fewer), 4 lines of 6 in 6
rounds (a bound of 0 that no plan reaches: there is no resolvable design for it), 4 lines of 4,
4, 4 and 3 in 2 rounds (3 tables of 5: 6 repeats forced by the table sizes), 3 lines of 4, 4
and 3 in 4 rounds (a bound of 8 the engine does not reach), 4 lines of 7, 6, 6 and 5 in 6
rounds (repeats above a bound of 0) and a late arrival (no bound at all). The report's numbers
are asserted first, so a smarter engine shows up as such and not as a wording failure.
"""

import re

import pytest

from sessions_app.selectors.plans import plan_as_ids, plan_rounds_view
from sessions_app.services.apart import apart_pair_add
from sessions_app.services.attendance import PresenceData, attendance_save
from sessions_app.services.plans import plan_generate, plan_swap
from sessions_app.services.program import AssignmentData, assignment_create
from sessions_app.services.sessions import session_hold

pytestmark = pytest.mark.django_db

UNAVOIDABLE = re.compile(r'<p class="small mb-2 plan-unavoidable">(.*?)</p>', re.S)


def with_rounds(session, rounds: int):
    """The method's program (2 table rounds) with more rounds added up to `rounds`."""
    for number in range(3, rounds + 1):
        assignment_create(session=session, data=AssignmentData(f"Ronde {number}", "", 10, number))
    return session


def planned(make_team, make_session, sizes, rounds, *, held=0):
    """A plan by the engine for lines of `sizes` over `rounds`, after `held` held sessions."""
    team = make_team(sizes)
    for number in range(held):
        earlier = with_rounds(make_session(days=10 + 10 * number), rounds)
        plan_generate(session=earlier, seed=0)
        session_hold(session=earlier)
    session = with_rounds(make_session(days=10 + 10 * held), rounds)
    return team, session


def plan_page(client, user, session) -> str:
    """The scheduler view of `session` as `user` sees it."""
    client.force_login(user)
    return client.get(f"/s/de-regenboog/sessions/{session.pk}/plan/").content.decode()


def board_words(client, user, session) -> tuple[str, str, str | None]:
    """(state class, the state's sentence, the unavoidable-repeat sentence or None) as shown."""
    html = plan_page(client, user, session)
    state = re.search(r'<p class="mb-2 plan-state plan-state-(\w+)">(.*?)</p>', html, re.S)
    unavoidable = UNAVOIDABLE.search(html)
    return (
        state.group(1),
        " ".join(state.group(2).split()),
        " ".join(unavoidable.group(1).split()) if unavoidable else None,
    )


def numbers(plan) -> tuple:
    report = plan.report
    return (
        report["repeats"],
        report["lower_bound"],
        report["lower_bound_tight"],
        report["proven_optimal"],
    )


def test_a_plan_without_repeats_is_the_best_possible(client, steering, make_team, make_session):
    _team, session = planned(make_team, make_session, [4, 4, 4, 4], 2)
    plan = plan_generate(session=session, seed=0)
    assert numbers(plan) == (0, 0, True, True)
    assert board_words(client, steering.user, session) == ("optimal", "Beter kan niet.", None)


def test_a_proven_optimum_with_repeats_explains_they_are_unavoidable(
    client, steering, make_team, make_session
):
    _team, session = planned(make_team, make_session, [3, 3, 3], 4)
    plan = plan_generate(session=session, seed=0)
    assert numbers(plan) == (9, 9, True, True)
    assert board_words(client, steering.user, session) == (
        "optimal",
        "Beter kan niet: minstens 9 herhaalde ontmoetingen zijn onvermijdelijk.",
        "Met ongeveer 3 mensen per leerlijn is dit plenaire bijeenkomst nummer 1 van het "
        "schooljaar: dan zijn minstens 9 herhaalde ontmoetingen onvermijdelijk. Dat is geen "
        "fout van de indeling.",
    )


def test_the_third_session_of_the_year_says_its_repeats_are_no_failure(
    client, coach, make_team, make_session
):
    """As the issue puts it: by the third plenary session a repeat cannot be avoided."""
    _team, session = planned(make_team, make_session, [3, 3, 3], 2, held=2)
    plan = plan_generate(session=session, seed=0)
    assert numbers(plan) == (18, 18, True, True)
    assert board_words(client, coach, session) == (
        "optimal",
        "Beter kan niet: minstens 18 herhaalde ontmoetingen zijn onvermijdelijk.",
        "Met ongeveer 3 mensen per leerlijn is dit plenaire bijeenkomst nummer 3 van het "
        "schooljaar: dan zijn minstens 18 herhaalde ontmoetingen onvermijdelijk. Dat is geen "
        "fout van de indeling.",
    )


def test_a_bound_known_to_be_unreachable_says_the_plan_may_be_the_best(
    client, steering, make_team, make_session
):
    # 4 lines of 6 over 6 rounds without repeats needs 3 orthogonal Latin squares of order 6.
    _team, session = planned(make_team, make_session, [6, 6, 6, 6], 6)
    plan = plan_generate(session=session, seed=0)
    assert numbers(plan) == (12, 0, False, False)
    assert board_words(client, steering.user, session) == (
        "unreachable",
        "Met deze leerlijnen en dit aantal rondes kan geen enkele indeling alle herhaalde "
        "ontmoetingen vermijden (dat is bekend); deze indeling is dus mogelijk de best haalbare.",
        None,
    )


def test_tables_larger_than_their_number_say_why_repeats_cannot_be_avoided(
    client, steering, make_team, make_session
):
    # 15 people at 3 tables of 5: five tablemates cannot sit at five tables in the next round
    _team, session = planned(make_team, make_session, [4, 4, 4, 3], 2)
    plan = plan_generate(session=session, seed=0)
    assert numbers(plan) == (6, 6, True, True)
    assert board_words(client, steering.user, session) == (
        "optimal",
        "Beter kan niet: minstens 6 herhaalde ontmoetingen zijn onvermijdelijk.",
        "Aan 3 tafels van hooguit 5 mensen kunnen tafelgenoten in de volgende ronde niet allemaal "
        "apart zitten: minstens 6 herhaalde ontmoetingen zijn onvermijdelijk. Dat is geen fout "
        "van de indeling.",
    )


def test_one_table_says_everyone_sits_together_not_1_tables(
    client, steering, make_team, make_session
):
    # 4 people of 2 lines at one table for 2 rounds: all 6 pairs meet again in round 2
    _team, session = planned(make_team, make_session, [2, 2], 2)
    plan = plan_generate(session=session, seed=0)
    assert numbers(plan) == (6, 6, True, True)
    assert board_words(client, steering.user, session) == (
        "optimal",
        "Beter kan niet: minstens 6 herhaalde ontmoetingen zijn onvermijdelijk.",
        "Aan één tafel zit iedereen elke ronde samen: minstens 6 herhaalde ontmoetingen zijn "
        "onvermijdelijk. Dat is geen fout van de indeling.",
    )


def test_who_meets_whom_again_says_how_many_meetings_more(
    client, steering, make_team, make_session
):
    # 4 people at one table for 2 rounds: every pair meets once more in round 2
    team, session = planned(make_team, make_session, [2, 2], 2)
    plan_generate(session=session, seed=0)
    html = plan_page(client, steering.user, session)
    items = re.findall(r"<li>([^<]*keer extra)</li>", html)
    a1, a2 = (m.full_name for m in team.members["A"])
    assert len(items) == 6
    assert f"{a1} en {a2}: 1 keer extra" in items


def test_an_unknown_state_with_a_bound_names_the_bound(client, steering, make_team, make_session):
    _team, session = planned(make_team, make_session, [4, 4, 3], 4)
    plan = plan_generate(session=session, seed=0)
    assert numbers(plan) == (12, 8, True, False)
    assert board_words(client, steering.user, session) == (
        "unknown",
        "Minstens 8 herhaalde ontmoetingen zijn onvermijdelijk. Of er een indeling met minder "
        "dan 12 herhaalde ontmoetingen bestaat, is niet bekend: opnieuw indelen vindt die "
        "misschien.",
        "Met ongeveer 4 mensen per leerlijn is dit plenaire bijeenkomst nummer 1 van het "
        "schooljaar: dan zijn minstens 8 herhaalde ontmoetingen onvermijdelijk. Dat is geen "
        "fout van de indeling.",
    )


def test_an_unknown_state_without_a_bound_suggests_making_the_plan_again(
    client, steering, make_team, make_session
):
    _team, session = planned(make_team, make_session, [7, 6, 6, 5], 6)
    plan = plan_generate(session=session, seed=0)
    assert numbers(plan) == (12, 0, True, False)
    assert board_words(client, steering.user, session) == (
        "unknown",
        "Misschien bestaat er een indeling met minder herhaalde ontmoetingen: opnieuw indelen "
        "vindt die misschien.",
        None,
    )


def test_a_late_arrival_means_no_bound_is_claimed(client, steering, make_team, make_session):
    team, session = planned(make_team, make_session, [4, 4, 4, 4], 2)
    late = team.members["A"][0]
    attendance_save(
        session=session, changes={late.pk: (PresenceData(), PresenceData(first_round=2))}
    )
    plan = plan_generate(session=session, seed=0)
    assert plan.report["lower_bound"] is None
    assert board_words(client, steering.user, session) == (
        "no_bound",
        "Er komen mensen later of gaan mensen eerder weg, daarom rekent de indeler voor deze "
        "indeling niet uit hoeveel herhaalde ontmoetingen onvermijdelijk zijn.",
        None,
    )


EXTRA = re.compile(r'<p class="alert alert-(info|warning) mb-2">(.*?)</p>', re.S)


def extra_words(client, user, session) -> list[tuple[str, str]]:
    """The notes on missing line slots above the least, as (kind, sentence)."""
    html = plan_page(client, user, session)
    return [(kind, " ".join(text.split())) for kind, text in EXTRA.findall(html)]


def test_slots_the_pairs_kept_apart_need_are_not_blamed_on_changes_by_hand(
    client, steering, school, make_team, make_session
):
    # A1 may sit with neither B: in each round one table lacks B and the other lacks A
    team, session = planned(make_team, make_session, [2, 2, 2], 2)
    a1 = team.members["A"][0]
    for b in team.members["B"]:
        apart_pair_add(school=school, first=a1, second=b)
    plan = plan_generate(session=session, seed=0)
    report = plan.report
    assert (
        report["missing_line_slots"],
        report["min_missing_line_slots"],
        report["planned_missing_line_slots"],
    ) == (4, 0, 4)
    # the bound holds only at the least missing slots (there it would count A1's apart pairs as
    # repeats): none is claimed for this plan, and no repeat is called unavoidable
    assert numbers(plan) == (2, 0, True, False)
    assert board_words(client, steering.user, session) == (
        "unknown",
        "Misschien bestaat er een indeling met minder herhaalde ontmoetingen: opnieuw indelen "
        "vindt die misschien.",
        None,
    )
    assert extra_words(client, steering.user, session) == [
        (
            "info",
            "Een leerlijn ontbreekt 4 keer vaker aan een tafel dan de aantallen alleen vragen: "
            "mensen die nooit aan één tafel zitten, of een ronde die opnieuw is ingedeeld voor wie "
            "later komt of eerder weggaat, vragen erom.",
        )
    ]


def test_slots_a_swap_by_hand_adds_are_named_as_such(client, steering, make_team, make_session):
    team, session = planned(make_team, make_session, [2, 2, 2], 2)
    plan = plan_generate(session=session, seed=0)
    assert plan.report["missing_line_slots"] == 0
    assert extra_words(client, steering.user, session) == []
    # an A and a B of different tables change places: each table now lacks a line
    rounds = plan_as_ids(plan_rounds_view(plan=plan))
    first = next(m for m in team.members["A"] if m.pk in rounds[0][0])
    second = next(m for m in team.members["B"] if m.pk in rounds[0][1])
    result = plan_swap(
        plan=plan, version=plan.version, round_number=1, first=first.pk, second=second.pk
    )
    assert (
        result.plan.report["missing_line_slots"],
        result.plan.report["planned_missing_line_slots"],
    ) == (2, 0)
    assert extra_words(client, steering.user, session) == [
        (
            "warning",
            "Een leerlijn ontbreekt 2 keer vaker aan een tafel dan nodig, na wijzigingen met de "
            "hand.",
        )
    ]


def test_the_other_table_count_is_said_with_its_own_numbers(
    client, steering, make_team, make_session
):
    # 26 people in 4 lines: 6 tables of 4 or 5 seat every line at every table; 7 tables of 3
    # or 4 cannot (4 missing line slots), and the page says so for the steering group
    make_team([7, 7, 6, 6])
    session = make_session()
    plan = plan_generate(session=session, seed=0)
    assert len(plan.report["table_sizes"][0]) == 6
    assert plan.alternative == {
        "tables": 7,
        "missing_line_slots": 4,
        "min_missing_line_slots": 4,
        "repeats": 0,
        "table_sizes": [3, 4],
    }
    html = plan_page(client, steering.user, session)
    sentence = re.search(r'<div class="plan-alternative[^"]*">\s*<p[^>]*>(.*?)</p>', html, re.S)
    assert " ".join(sentence.group(1).split()) == (
        "Het andere mogelijke aantal tafels: 7 tafels geven 0 herhaalde ontmoetingen, met 4 keer "
        "een tafel waar een leerlijn ontbreekt."
    )


ENGINE_WORDS = {
    "nl": ("ondergrens", "leerlijnplek", "optimaal", "begrenzing"),
    "en": ("lower bound", "line slot", "optimal", "bound"),
}


CASES = {
    "unreachable": ([6, 6, 6, 6], 6),
    "unknown": ([4, 4, 3], 4),
    "by hand and no bound": ([7, 7, 6, 6], 2),
}


@pytest.mark.parametrize("case", CASES)
def test_the_page_speaks_no_engine_words_in_any_state(
    client, steering, make_team, make_session, settings, case
):
    """The states whose sentences used the engine's words (a bound known to be unreachable,
    an unknown state with a bound, no bound, the other table count, line slots given up by hand
    and by the engine) in plain words, in Dutch and in English."""
    team, session = planned(make_team, make_session, *CASES[case])
    plan = plan_generate(session=session, seed=0)
    state = case.split()[0]
    if case == "by hand and no bound":
        # an A and a B, each the only one of their line at their table, change places
        tables = plan_as_ids(plan_rounds_view(plan=plan))[0]

        def alone(letter):
            return [
                (t, pks[0])
                for t, table in enumerate(tables)
                if len(pks := [m.pk for m in team.members[letter] if m.pk in table]) == 1
            ]

        (_ta, a), (_tb, b) = next((x, y) for x in alone("A") for y in alone("B") if x[0] != y[0])
        plan_swap(plan=plan, version=plan.version, round_number=1, first=a, second=b)
        state = "optimal"
    pages = []

    def read(state):
        for language in ("nl", "en"):
            client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
            pages.append((language, state, plan_page(client, steering.user, session)))

    read(state)
    if case == "by hand and no bound":
        for _language, _state, html in pages:
            assert "plan-alternative" in html
            assert "alert alert-warning mb-2" in html
        late = team.members["C"][0]
        attendance_save(
            session=session, changes={late.pk: (PresenceData(), PresenceData(first_round=2))}
        )
        read("no_bound")
    for language, state, html in pages:
        assert re.search(r"plan-state-(\w+)", html).group(1) == state
        board = html[html.index('<div id="plan-board"') : html.index('id="apart"')]
        text = " ".join(re.sub(r"<[^>]+>", " ", board).split()).lower()
        for word in ENGINE_WORDS[language]:
            assert word not in text, (word, text)
