"""Loose ends II: a round's re-plan without locks, an absentee at a locked table named by
round, and one rule for a session that can no longer change."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from sessions_app.engine_errors import grouping_error_message
from sessions_app.grouping import GroupingError
from sessions_app.models import PlenarySession
from sessions_app.selectors.sessions import is_editable
from sessions_app.services.plans import plan_generate
from sessions_app.services.sessions import session_update
from tests.sessions_app.test_engine_errors_words import (
    Case,
    absent,
    at_table,
    lock,
    member,
    refused,
    version_of,
)

# --- a round's own re-plan whose search found nothing ---


@pytest.mark.db_independent
def test_a_round_s_re_plan_without_locked_tables_says_nothing_of_locked_tables():
    """The repair's search failed (`no_plan_in_budget`) with no table locked: nothing to
    unlock. No small input makes the repair's search fail without locks (the exact colouring
    refuses those first as apart_infeasible; 3000 random small rounds tried), so the words are
    checked here with the params `repair_round` raises."""
    error = GroupingError("no_plan_in_budget", "", params={"apart_pairs": 2}, impossible=False)

    with translation.override("en"):
        english = grouping_error_message(error)
    with translation.override("nl"):
        dutch = grouping_error_message(error)

    assert english == (
        'No plan was found that keeps every pair of "Never at one table" apart: there may be '
        "none. Remove a pair that is kept apart."
    )
    assert dutch == (
        'Er is geen indeling gevonden die elk tweetal uit "Nooit aan één tafel" uit elkaar '
        "houdt: misschien bestaat die niet. Haal een tweetal weg dat uit elkaar blijft."
    )


@pytest.mark.db_independent
def test_a_round_s_re_plan_beside_locked_tables_still_says_unlock_a_table():
    error = GroupingError(
        "no_plan_in_budget", "", params={"apart_pairs": 2, "locked": [0]}, impossible=False
    )

    with translation.override("en"):
        assert grouping_error_message(error) == (
            "This round cannot be re-planned next to its locked tables without seating a pair "
            'from "Never at one table" together. Unlock a table, or remove that pair.'
        )


# --- making the plan: an absentee at a locked table of a later round ---


def absentee_at_a_locked_table_of_round_2(make_team, make_session):
    team = make_team([3, 3, 3])
    session = make_session()
    plan_generate(session=session, seed=0)
    lock(session, 2, 1)
    away = member(team, at_table(session, 2, 1)[0])
    absent(session, away)
    return Case(session, "generate/", {"version": version_of(session)}), away


@pytest.mark.django_db
def test_making_the_plan_again_names_the_round_of_the_locked_table_with_an_absentee(
    client, steering, make_team, make_session
):
    """plan_rounds says which round (from 0) holds the locked table: the page said only "a
    locked table", so the steering group had to look through every round for it."""
    case, away = absentee_at_a_locked_table_of_round_2(make_team, make_session)

    assert refused(client, steering.user, case, "nl") == [
        (
            "danger",
            f"{away.full_name} zit in ronde 2 aan een vastgezette tafel, maar is er in die ronde "
            "niet. Maak die tafel los en deel dan opnieuw in.",
        )
    ]
    assert refused(client, steering.user, case, "en") == [
        (
            "danger",
            f"{away.full_name} sits at a locked table in round 2 but is not there in that round. "
            "Unlock that table, then make the plan again.",
        )
    ]


# --- one rule: a session that has been held, or of a school year that has ended ---

HELD = "Deze bijeenkomst is gehouden: hij blijft zoals hij was."
ENDED = "Dit schooljaar is voorbij: de bijeenkomsten kun je alleen nog lezen."


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "year_ends", "refusal"),
    [
        (PlenarySession.Status.DRAFT, 0, None),  # the year ends today: still open
        (PlenarySession.Status.PUBLISHED, 30, None),
        (PlenarySession.Status.HELD, 30, HELD),
        (PlenarySession.Status.CLOSED, 30, HELD),
        (PlenarySession.Status.DRAFT, -1, ENDED),
        (PlenarySession.Status.PUBLISHED, -1, ENDED),
        (PlenarySession.Status.HELD, -1, HELD),  # held says more than the year's end
    ],
)
def test_a_session_changes_exactly_when_the_pages_offer_a_change(
    make_session, status, year_ends, refusal
):
    session = make_session()
    PlenarySession.objects.filter(pk=session.pk).update(status=status)
    year = session.year
    year.end = timezone.localdate() + timedelta(days=year_ends)
    year.save(update_fields=["end"])
    session = PlenarySession.objects.select_related("year").get(pk=session.pk)

    assert is_editable(session) is (refusal is None)
    if refusal is None:
        session_update(session=session, title="Andere titel")
        session.refresh_from_db()
        assert session.title == "Andere titel"
    else:
        with pytest.raises(ValidationError) as caught:
            session_update(session=session, title="Andere titel")
        assert caught.value.messages == [refusal]
        session.refresh_from_db()
        assert session.title == "Plenaire bijeenkomst"
