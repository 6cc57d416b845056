"""The school-years page: a year skipped, and a year opened ahead by mistake.

De Regenboog used the app in 2024-2025, not in 2025-2026, and is back in November 2026 (the
tests' clock: 18 November 2026): opening leads to 2026-2027, never to the year that ended. And a
school in its current year that presses "open" in November gets 2027-2028 ahead of time: that
year can be removed until it begins, while nothing was recorded in it, and the places its
opening ended run on as before.
"""

import re
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from learninglines.models import LearningLine, LineMembership, LineStep, SchoolYear
from learninglines.services.lines import (
    line_create,
    membership_move,
    school_year_next,
    school_year_open_next,
    school_year_removal,
    school_year_remove_ahead,
)
from learninglines.services.meetings import meeting_create
from learninglines.services.people import member_set_active, school_year_ensure_current
from sessions_app.models import ExchangeParticipant, PeerExchange, PlenarySession
from sessions_app.selectors.coach import coach_overview
from sessions_app.selectors.overview import OverviewFilter, school_overview
from sessions_app.services.exchanges import ambition_save
from sessions_app.services.sessions import session_create
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def _url(name: str, school, **kwargs) -> str:
    return reverse(name, kwargs={"school_slug": school.slug, **kwargs})


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def _names(line: LearningLine, day: date) -> list[str]:
    return sorted(
        LineMembership.objects.on(day)
        .filter(line=line)
        .values_list("member__first_name", flat=True)
    )


def _ends(*members) -> list[list[tuple]]:
    """Each member's places (start order) as (line name, start, end)."""
    return [
        list(
            LineMembership.objects.filter(member=member)
            .order_by("start")
            .values_list("line__name", "start", "end")
        )
        for member in members
    ]


# --- a year skipped -----------------------------------------------------------------------------


@pytest.fixture
def away(school):
    """2024-2025 with A Lezen (Ada, Bram, Cas) and B Rekenen (Dirk); nothing since."""
    old = school_year_ensure_current(school=school, today=date(2025, 3, 1))
    lezen = line_create(school=school, year=old, name="Lezen", goal="Begrijpend lezen")
    rekenen = line_create(school=school, year=old, name="Rekenen")
    people = {}
    for name, line in (("Ada", lezen), ("Bram", lezen), ("Cas", lezen), ("Dirk", rekenen)):
        people[name] = MemberFactory(school=school, first_name=name)
        membership_move(member=people[name], line=line, start=old.start)
    return old, lezen, rekenen, people


def test_the_year_after_the_latest_is_the_one_holding_today_never_one_that_ended(school):
    def next_after(start_year: int) -> tuple:
        latest = SchoolYear(start=date(start_year, 8, 1), end=date(start_year + 1, 7, 31))
        following = school_year_next(latest=latest, today=date(2026, 11, 18))
        return following.name, following.start, following.end, following.skipped

    assert next_after(2026) == ("2027-2028", date(2027, 8, 1), date(2028, 7, 31), ())
    assert next_after(2025) == ("2026-2027", date(2026, 8, 1), date(2027, 7, 31), ())
    assert next_after(2024) == (
        "2026-2027",
        date(2026, 8, 1),
        date(2027, 7, 31),
        ("2025-2026",),
    )
    assert next_after(2023)[0::3] == ("2026-2027", ("2024-2025", "2025-2026"))


def test_a_school_back_after_a_year_away_opens_the_current_year_with_last_years_lines(school, away):
    old, lezen, rekenen, people = away
    member_set_active(member=people["Cas"], active=False)  # Cas left in the year away
    new = school_year_open_next(
        school=school,
        copy_line_ids={lezen.pk, rekenen.pk},
        carry_member_line_ids={lezen.pk},
        after_pk=old.pk,
    )

    assert (new.name, new.start, new.end) == ("2026-2027", date(2026, 8, 1), date(2027, 7, 31))
    assert list(SchoolYear.objects.filter(school=school).values_list("name", flat=True)) == [
        "2026-2027",
        "2024-2025",
    ]
    copies = {line.name: line for line in LearningLine.objects.filter(year=new)}
    assert copies["Lezen"].goal == "Begrijpend lezen"
    assert _names(copies["Lezen"], date(2026, 11, 18)) == ["Ada", "Bram"]
    assert _names(copies["Rekenen"], date(2026, 11, 18)) == []  # copied without Dirk
    assert _ends(people["Ada"], people["Dirk"]) == [
        [("Lezen", date(2024, 8, 1), date(2025, 7, 31)), ("Lezen", date(2026, 8, 1), None)],
        [("Rekenen", date(2024, 8, 1), date(2025, 7, 31))],
    ]
    # the year just opened holds today: the page offers the year after it, not another gap
    assert school_year_next(latest=new).name == "2027-2028"


def test_the_years_page_says_which_year_it_opens_and_which_it_skips(client, school, steering, away):
    old, lezen, _rekenen, _people = away
    client.force_login(steering.user)
    school.language = "en"
    school.save(update_fields=["language"])
    page = _text(client.get(_url("learninglines:year-list", school)))
    assert (
        "School year 2026-2027: from 1 August 2026 to 31 July 2027. You skip the year "
        "2025-2026: nothing was recorded in it." in page
    )
    assert "Open school year 2026-2027" in page
    assert "starts the day after" not in page  # the old wording, wrong after a gap

    response = client.post(
        _url("learninglines:year-list", school),
        {"after": old.pk, f"copy_{lezen.pk}": "on", f"members_{lezen.pk}": "on"},
    )
    assert (response.status_code, response.url) == (302, _url("learninglines:line-list", school))
    assert list(SchoolYear.objects.filter(school=school).values_list("name", flat=True)) == [
        "2026-2027",
        "2024-2025",
    ]


def test_the_dutch_years_page_names_the_year_skipped(client, school, steering, away):
    """Needs the Dutch catalogue with this change's msgids compiled."""
    client.force_login(steering.user)
    page = _text(client.get(_url("learninglines:year-list", school)))
    assert (
        "Schooljaar 2026-2027: van 1 augustus 2026 tot en met 31 juli 2027. Het jaar 2025-2026 "
        "sla je over: daarin is niets vastgelegd." in page
    )
    assert "Schooljaar 2026-2027 openen" in page


def test_a_gap_between_years_breaks_none_of_the_pages_that_look_for_a_year(
    client, school, steering, coach, away
):
    old, lezen, _rekenen, people = away
    # before opening, in the gap: no current year anywhere, the old one still readable
    assert SchoolYear.objects.current(school) is None
    assert [s.year for s in coach_overview(user=coach)] == [None]
    new = school_year_open_next(
        school=school, copy_line_ids={lezen.pk}, carry_member_line_ids={lezen.pk}
    )

    assert school_year_ensure_current(school=school) == new  # no second year for today
    assert SchoolYear.objects.filter(school=school).count() == 2
    [status] = coach_overview(user=coach)
    assert (status.year, status.last_held) == (new, None)
    this_year = school_overview(school=school, filters=OverviewFilter(year=new))
    assert [row.members for row in this_year.lines] == [3]
    back_then = school_overview(school=school, filters=OverviewFilter(year=old))
    assert [row.members for row in back_then.lines] == [3, 1]
    session = session_create(
        school=school,
        title="Plenair",
        date=date(2026, 12, 2),
        start_time=time(15),
        end_time=time(16, 30),
    )
    assert session.year == new
    # a move this year is this year's only: no later year is open
    moved = membership_move(
        member=people["Dirk"], line=LearningLine.objects.get(year=new), start=date(2026, 12, 1)
    )
    assert moved.end is None

    client.force_login(steering.user)
    overview = _url("sessions_app:overview", school)
    assert client.get(overview).status_code == 200
    assert client.get(f"{overview}?year={old.pk}").status_code == 200
    lines_page = client.get(_url("learninglines:line-list", school))
    assert lines_page.context["year"] == new
    earlier = client.get(_url("learninglines:line-list", school) + f"?year={old.pk}")
    assert [line.name for line in earlier.context["lines"]] == ["Lezen", "Rekenen"]
    meetings = client.get(_url("learninglines:meeting-list", school))
    assert meetings.context["year"] == new


def test_school_year_ensure_current_fills_no_gap_but_the_year_of_today(school, away):
    """A school back after a year away, made current by the admin's "ensure": only today's
    year is made, the year away stays without a row (and overlaps nothing)."""
    year = school_year_ensure_current(school=school)
    assert (year.name, year.start) == ("2026-2027", date(2026, 8, 1))
    assert list(SchoolYear.objects.filter(school=school).values_list("name", flat=True)) == [
        "2026-2027",
        "2024-2025",
    ]


# --- a year opened by mistake -------------------------------------------------------------------


@pytest.fixture
def ahead(school, steering, teacher):
    """2026-2027 with A Lezen (Anouk, Sanne, Mila) and B Rekenen (Ruben), and 2027-2028 opened
    on 18 November by mistake with both lines and their members. Before the opening Mila moved
    from B to A on 1 October: her place in B ended then."""
    year = school_year_ensure_current(school=school)
    lezen = line_create(school=school, year=year, name="Lezen")
    rekenen = line_create(school=school, year=year, name="Rekenen")
    mila = MemberFactory(school=school, first_name="Mila")
    ruben = MemberFactory(school=school, first_name="Ruben")
    membership_move(member=steering, line=lezen, start=year.start)
    membership_move(member=teacher, line=lezen, start=year.start)
    membership_move(member=mila, line=rekenen, start=year.start)
    membership_move(member=mila, line=lezen, start=date(2026, 10, 1))
    membership_move(member=ruben, line=rekenen, start=year.start)
    every = {lezen.pk, rekenen.pk}
    new = school_year_open_next(
        school=school, copy_line_ids=every, carry_member_line_ids=every, after_pk=year.pk
    )
    return year, new, lezen, rekenen, {"Mila": mila, "Ruben": ruben}


def test_a_year_opened_by_mistake_is_removed_and_this_years_places_run_on(
    school, steering, teacher, ahead
):
    year, new, lezen, _rekenen, people = ahead
    mila, ruben = people["Mila"], people["Ruben"]
    assert new.name == "2027-2028"
    assert LineMembership.objects.filter(line__year=new).count() == 4
    assert LineStep.objects.filter(line__year=new).count() == 0
    # after the opening Ruben moves to A on 1 December: his place in B ended then, not on 31 July
    membership_move(member=ruben, line=lezen, start=date(2026, 12, 1))

    removal = school_year_remove_ahead(year=new)

    assert (removal.year.name, removal.lines, removal.places, removal.reopened) == (
        "2027-2028",
        2,
        4,
        3,
    )
    assert list(SchoolYear.objects.filter(school=school).values_list("name", flat=True)) == [
        "2026-2027"
    ]
    assert not LearningLine.objects.filter(school=school).exclude(year=year).exists()
    assert _ends(steering, teacher, mila, ruben) == [
        [("Lezen", date(2026, 8, 1), None)],
        [("Lezen", date(2026, 8, 1), None)],
        [("Rekenen", date(2026, 8, 1), date(2026, 9, 30)), ("Lezen", date(2026, 10, 1), None)],
        # changed since the opening: as the move left it (the move made while 2027-2028 was
        # open ends with this year, as any place made then: the next opening ends it there)
        [
            ("Rekenen", date(2026, 8, 1), date(2026, 11, 30)),
            ("Lezen", date(2026, 12, 1), date(2027, 7, 31)),
        ],
    ]
    # a second press changes nothing
    assert school_year_remove_ahead(year=new) is None
    assert SchoolYear.objects.filter(school=school).count() == 1


def test_a_place_that_ran_past_the_year_before_the_opening_gets_its_own_end_back(school, teacher):
    year = school_year_ensure_current(school=school)
    lezen = line_create(school=school, year=year, name="Lezen")
    membership_move(member=teacher, line=lezen, start=year.start)
    LineMembership.objects.filter(member=teacher).update(end=date(2027, 9, 30))  # by hand
    new = school_year_open_next(school=school, copy_line_ids=set())
    assert _ends(teacher) == [[("Lezen", date(2026, 8, 1), date(2027, 7, 31))]]

    school_year_remove_ahead(year=new)

    assert _ends(teacher) == [[("Lezen", date(2026, 8, 1), date(2027, 9, 30))]]


def test_opening_again_after_the_removal_carries_the_same_people_over_once(
    school, steering, teacher, ahead
):
    year, new, lezen, _rekenen, _people = ahead
    school_year_remove_ahead(year=new)
    again = school_year_open_next(
        school=school, copy_line_ids={lezen.pk}, carry_member_line_ids={lezen.pk}
    )
    [copy] = LearningLine.objects.filter(year=again)
    assert _names(copy, again.start) == ["Anouk", "Mila", "Sanne"]
    assert LineMembership.objects.filter(line__year=again).count() == 3
    assert set(LineMembership.objects.filter(line__year=year).values_list("end", flat=True)) == {
        date(2026, 9, 30),
        date(2027, 7, 31),
    }


def test_a_new_colleague_placed_ahead_goes_with_the_year_and_is_in_no_line(school, ahead):
    _year, new, _lezen, _rekenen, _people = ahead
    newcomer = MemberFactory(school=school, first_name="Noor")
    membership_move(
        member=newcomer, line=LearningLine.objects.get(year=new, name="Rekenen"), start=new.start
    )
    assert school_year_removal(year=new).places == 5
    school_year_remove_ahead(year=new)
    assert not LineMembership.objects.filter(member=newcomer).exists()


def _hand_made_line(school, new):
    line_create(school=school, year=new, name="Burgerschap")


def _meeting(school, new):
    meeting_create(
        line=LearningLine.objects.get(year=new, name="Lezen"),
        date=date(2027, 9, 8),
        start_time=time(15),
        end_time=time(16),
        topic="Start",
    )


def _session(school, new):
    session_create(
        school=school,
        title="Eerste plenaire",
        date=date(2027, 10, 6),
        start_time=time(15),
        end_time=time(16, 30),
    )


def _ambition(school, new):
    member = MemberFactory(school=school, first_name="Eva")
    ambition_save(member=member, year=new, text="Leren van Sanne", sharing="private")


def _exchange(school, new):
    """A small exchange of the year: two participants, one taking from the other's line; each
    row points at the year's lines twice (its line, the line it took from) and counts once."""
    lezen, rekenen = LearningLine.objects.filter(year=new).order_by("letter")
    eva, noor = (MemberFactory(school=school, first_name=name) for name in ("Eva", "Noor"))
    exchange = PeerExchange.objects.create(school=school, year=new, topic="Lezen", created_by=eva)
    ExchangeParticipant.objects.create(
        exchange=exchange, member=eva, line=lezen, took_from=rekenen, is_initiator=True
    )
    ExchangeParticipant.objects.create(exchange=exchange, member=noor, line=rekenen)


@pytest.mark.parametrize(
    ("record", "what"),
    [
        (_hand_made_line, "1 learning line made by hand"),
        (_exchange, "1 small exchange, 2 participants"),
        (_meeting, "1 line meeting"),
        (_session, "1 plenary session, 1 reflection form"),  # made with the session
        (_ambition, "1 ambition"),
    ],
)
def test_anything_recorded_in_the_year_keeps_it_and_the_refusal_says_what(
    school, ahead, record, what
):
    _year, new, _lezen, _rekenen, _people = ahead
    record(school, new)
    before = sorted(LineMembership.objects.values_list("pk", "end"))
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        school_year_remove_ahead(year=new)
    assert refused.value.messages == [
        f"Something was recorded in school year 2027-2028: {what}. It stays."
    ]
    assert SchoolYear.objects.filter(school=school).count() == 2
    assert sorted(LineMembership.objects.values_list("pk", "end")) == before


def test_a_year_that_has_begun_cannot_be_removed(school, ahead):
    year, new, _lezen, _rekenen, _people = ahead
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        school_year_remove_ahead(year=year)
    assert refused.value.messages == [
        "School year 2026-2027 has begun (on 1 August 2026): it can no longer be removed.",
        "School year 2027-2028 comes after it: remove that one first.",
    ]  # what was recorded in a year that has begun is no reason more (its lines made by hand)
    with (
        time_machine.travel(datetime(2027, 8, 2, 9, tzinfo=AMSTERDAM), tick=False),
        translation.override("en"),
        pytest.raises(ValidationError) as refused,
    ):
        school_year_remove_ahead(year=new)
    assert refused.value.messages == [
        "School year 2027-2028 has begun (on 1 August 2027): it can no longer be removed."
    ]
    assert SchoolYear.objects.filter(school=school).count() == 2


# --- the pages ----------------------------------------------------------------------------------


def test_the_steering_group_removes_a_year_opened_ahead_after_a_confirmation(
    client, school, steering, ahead
):
    school.language = "en"
    school.save(update_fields=["language"])
    year, new, _lezen, _rekenen, _people = ahead
    client.force_login(steering.user)
    remove = _url("learninglines:year-remove", school, pk=new.pk)
    years_page = client.get(_url("learninglines:year-list", school))
    assert f'href="{remove}">Opened by mistake? Remove school year 2027-2028</a>' in (
        years_page.content.decode()
    )

    confirm = _text(client.get(remove))
    assert (
        "Removing it takes along: 2 learning lines, copied when the year was opened, with "
        "their steps 4 places in them" in confirm
    )
    assert (
        "4 places in the lines of 2026-2027 no longer end on 31 July 2027: they are as they "
        "were before the opening." in confirm
    )
    assert SchoolYear.objects.filter(school=school).count() == 2  # a GET removes nothing

    first = client.post(remove)
    assert (first.status_code, first.url) == (302, _url("learninglines:year-list", school))
    after = _text(client.get(first.url))
    assert (
        "School year 2027-2028 is removed, with 2 learning lines and 4 places in them. 4 places "
        "in the lines of 2026-2027 no longer end on 31 July 2027" in after
    )
    assert "Open the next school year" in after  # the page offers 2027-2028 again
    assert list(SchoolYear.objects.filter(school=school)) == [year]

    second = client.post(remove)
    assert (second.status_code, second.url) == (302, _url("learninglines:year-list", school))
    assert "This school year has been removed already." in _text(client.get(second.url))
    assert list(SchoolYear.objects.filter(school=school)) == [year]


def test_the_lines_page_offers_to_open_the_next_year_only_while_none_is_open_ahead(
    client, school, steering, ahead
):
    school.language = "en"
    school.save(update_fields=["language"])
    _year, new, _lezen, _rekenen, _people = ahead
    client.force_login(steering.user)
    years = _url("learninglines:year-list", school)
    lines = _url("learninglines:line-list", school)
    assert f'<a href="{years}">School years</a>' in client.get(lines).content.decode()
    school_year_remove_ahead(year=new)
    page = client.get(lines).content.decode()
    assert f'<a href="{years}">School years: open the next year</a>' in page


def test_the_confirmation_says_what_keeps_the_year_and_offers_no_button(
    client, school, steering, ahead
):
    school.language = "en"
    school.save(update_fields=["language"])
    _year, new, _lezen, _rekenen, _people = ahead
    _session(school, new)
    client.force_login(steering.user)
    remove = _url("learninglines:year-remove", school, pk=new.pk)
    page = client.get(remove)
    assert (
        "Something was recorded in school year 2027-2028: 1 plenary session, 1 reflection form. "
        "It stays." in _text(page)
    )
    assert "Remove school year 2027-2028</button>" not in page.content.decode()
    refused = client.post(remove)
    assert (refused.status_code, refused.url) == (302, remove)
    assert SchoolYear.objects.filter(pk=new.pk).exists()
    assert PlenarySession.objects.filter(year=new).count() == 1


def test_the_coach_may_remove_a_year_ahead_and_a_teacher_may_not(
    client, school, coach, teacher, ahead
):
    _year, new, _lezen, _rekenen, _people = ahead
    remove = _url("learninglines:year-remove", school, pk=new.pk)
    client.force_login(teacher.user)
    assert client.get(remove).status_code == 403
    assert client.post(remove).status_code == 403
    assert SchoolYear.objects.filter(pk=new.pk).exists()
    client.force_login(coach)
    assert client.post(remove).status_code == 302
    assert not SchoolYear.objects.filter(pk=new.pk).exists()


def test_another_schools_year_is_a_404_and_stays(client, school, steering, other_school):
    school_year_ensure_current(school=school)
    theirs = school_year_ensure_current(school=other_school)
    line_create(school=other_school, year=theirs, name="Lezen")
    ahead_there = school_year_open_next(school=other_school, copy_line_ids=set())
    client.force_login(steering.user)
    for year in (theirs, ahead_there):
        remove = _url("learninglines:year-remove", school, pk=year.pk)
        assert client.get(remove).status_code == 404
        assert client.post(remove).status_code == 404
    assert SchoolYear.objects.filter(school=other_school).count() == 2


def test_the_open_form_is_folded_away_until_april_and_open_from_then(client, school, steering):
    year = school_year_ensure_current(school=school)
    client.force_login(steering.user)
    november = client.get(_url("learninglines:year-list", school)).content.decode()
    assert november.count("<details") == 1
    assert f'name="after" value="{year.pk}"' in november  # inside the folded part, still there
    with time_machine.travel(datetime(2027, 4, 2, 9, tzinfo=AMSTERDAM), tick=False):
        client.force_login(steering.user)
        april = client.get(_url("learninglines:year-list", school)).content.decode()
    assert "<details" not in april
    assert f'name="after" value="{year.pk}"' in april
