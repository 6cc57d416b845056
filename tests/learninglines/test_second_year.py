"""A school's second year, as its people live it.

De Linde used the app all of 2025-2026: lines A, B and C of four teachers each and a plenary
session in March. The steering group opens 2026-2027 (in June, or late, after 1 August), some
colleagues leave, and the coach and the steering group look back at the first year and ahead at
the second. Everything goes through the services and the pages, the clock moved with
time-machine.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from learninglines.models import LearningLine, LineMembership, Member, School, SchoolYear
from learninglines.services.lines import line_create, membership_move, school_year_open_next
from learninglines.services.people import (
    coach_assign,
    member_add,
    member_set_active,
    school_create,
)
from sessions_app.selectors.coach import coach_overview
from sessions_app.selectors.overview import OverviewFilter, school_overview
from sessions_app.selectors.plans import plan_history
from sessions_app.services.plans import plan_generate
from sessions_app.services.sessions import session_create, session_hold

pytestmark = pytest.mark.django_db

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def _at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=AMSTERDAM)


@dataclass
class World:
    school: School
    old: SchoolYear
    lines: list[LearningLine]  # A Lezen, B Rekenen, C Spel
    members: list[Member]  # members[i] is in line i % 3: T0 T3 T6 T9 in A
    steering: Member
    coach: object

    def url(self, name: str, **kwargs) -> str:
        return reverse(name, kwargs={"school_slug": self.school.slug, **kwargs})


def _held_plenary(school: School, day: date):
    session = session_create(
        school=school, title="Plenair", date=day, start_time=time(15), end_time=time(16, 45)
    )
    plan_generate(session=session, seed=0)
    return session_hold(session=session)


def _first_year(traveller) -> World:
    """2025-2026: made on 20 August 2025, twelve teachers in three lines, a plenary on 4 March."""
    traveller.move_to(_at(date(2025, 8, 20)))
    setup = school_create(
        name="De Linde",
        steering_email="stuur@linde.example",
        first_name="Stien",
        last_name="Stuur",
        send_invite=False,
    )
    school = setup.school
    old = SchoolYear.objects.get(school=school)
    lines = [line_create(school=school, year=old, name=n) for n in ("Lezen", "Rekenen", "Spel")]
    members = []
    for i in range(12):
        member, _created = member_add(
            school=school, email=f"t{i}@linde.example", first_name=f"T{i}", last_name=f"L{i}"
        )
        membership_move(member=member, line=lines[i % 3], start=old.start)
        members.append(member)
    coach, _created = coach_assign(school=school, email="coach@linde.example", send_invite=False)
    traveller.move_to(_at(date(2026, 3, 4), 17))
    _held_plenary(school, date(2026, 3, 4))
    return World(school, old, lines, members, setup.steering, coach.user)


def _open_next(world: World, *, carry: set[int] | None = None) -> SchoolYear:
    every = {line.pk for line in world.lines}
    return school_year_open_next(
        school=world.school,
        copy_line_ids=every,
        carry_member_line_ids=every if carry is None else carry,
    )


def _names(line: LearningLine, day: date) -> list[str]:
    return sorted(
        LineMembership.objects.on(day)
        .filter(line=line)
        .values_list("member__first_name", flat=True)
    )


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


@pytest.fixture
def traveller():
    with time_machine.travel(_at(date(2025, 8, 20)), tick=False) as traveller:
        yield traveller


# --- opening the year ---------------------------------------------------------------------------


def test_the_copy_takes_everyone_in_a_line_on_31_july_once_and_nobody_who_left(traveller):
    world = _first_year(traveller)
    lezen, rekenen, _spel = world.lines
    traveller.move_to(_at(date(2026, 3, 10)))
    membership_move(member=world.members[1], line=lezen, start=date(2026, 3, 10))  # B to A
    traveller.move_to(_at(date(2026, 5, 1)))
    member_set_active(member=world.members[2], active=False)  # T2 of C leaves in May
    traveller.move_to(_at(date(2026, 6, 15)))
    new = _open_next(world, carry={lezen.pk, rekenen.pk})

    copies = {line.name: line for line in LearningLine.objects.filter(year=new)}
    assert sorted(copies) == ["Lezen", "Rekenen", "Spel"]
    assert _names(copies["Lezen"], new.start) == ["T0", "T1", "T3", "T6", "T9"]
    assert _names(copies["Rekenen"], new.start) == ["T10", "T4", "T7"]
    assert _names(copies["Spel"], new.start) == []  # copied without its members
    # one place per person in the new year, and the old year's places end on 31 July
    placed = LineMembership.objects.filter(line__year=new).values_list("member_id", flat=True)
    assert len(placed) == len(set(placed)) == 8
    assert set(
        LineMembership.objects.filter(line__year=world.old).values_list("end", flat=True)
    ) == {date(2026, 3, 9), date(2026, 4, 30), date(2026, 7, 31)}


def test_a_second_press_on_open_the_next_year_opens_no_year_after_it(traveller, client):
    """Opened late (in September), the new year has begun: the page offers the year after it
    again, so a double click or the back button used to open 2027-2028 as well."""
    world = _first_year(traveller)
    traveller.move_to(_at(date(2026, 9, 1)))
    client.force_login(world.steering.user)
    page = client.get(world.url("learninglines:year-list")).content.decode()
    after = re.search(r'name="after" value="(\d+)"', page)
    assert after is not None
    assert after.group(1) == str(world.old.pk)
    data = {"after": after.group(1)}
    for line in world.lines:
        data |= {f"copy_{line.pk}": "on", f"members_{line.pk}": "on"}

    first = client.post(world.url("learninglines:year-list"), data)
    second = client.post(world.url("learninglines:year-list"), data)

    names = list(SchoolYear.objects.filter(school=world.school).values_list("name", flat=True))
    assert names == ["2026-2027", "2025-2026"]
    lines_page = world.url("learninglines:line-list")  # 2026-2027 holds today: no ?year=
    assert (first.status_code, first.url) == (302, lines_page)
    assert (second.status_code, second.url) == (302, lines_page)
    assert LearningLine.objects.filter(school=world.school).count() == 6
    new = SchoolYear.objects.get(school=world.school, name="2026-2027")
    assert LineMembership.objects.filter(line__year=new).count() == 12


def test_opening_refuses_when_a_later_year_than_the_one_shown_is_open(traveller):
    world = _first_year(traveller)
    traveller.move_to(_at(date(2026, 9, 1)))
    new = _open_next(world)
    with pytest.raises(ValidationError) as refused:
        school_year_open_next(school=world.school, after_pk=world.old.pk)
    assert refused.value.code == "already_open"
    assert SchoolYear.objects.filter(school=world.school).count() == 2
    # the page made after the opening names the new year, and opens the one after it
    assert school_year_open_next(school=world.school, after_pk=new.pk).name == "2027-2028"


# --- the coach and the steering group look back -------------------------------------------------


def test_last_years_overview_keeps_its_counts_when_colleagues_leave_after_it(traveller):
    world = _first_year(traveller)
    traveller.move_to(_at(date(2026, 5, 1)))
    member_set_active(member=world.members[11], active=False)  # T11 of C leaves in May
    traveller.move_to(_at(date(2026, 6, 15)))
    new = _open_next(world)
    traveller.move_to(_at(date(2026, 7, 20)))
    as_it_ended = school_overview(school=world.school, filters=OverviewFilter(year=world.old))
    assert [row.members for row in as_it_ended.lines] == [4, 4, 3]
    assert as_it_ended.encounters.pairs_possible == 40
    assert [row.asked for row in as_it_ended.sessions] == [11]

    traveller.move_to(_at(date(2026, 9, 1)))
    member_set_active(member=world.members[0], active=False)  # T0 of A leaves in September
    member_set_active(member=world.members[1], active=False)  # and T1 of B
    traveller.move_to(_at(date(2026, 11, 18)))
    later = school_overview(school=world.school, filters=OverviewFilter(year=world.old))

    assert [row.members for row in later.lines] == [4, 4, 3]
    assert later.encounters.pairs_possible == 40
    assert later.encounters.pairs_met == as_it_ended.encounters.pairs_met > 0
    assert later.encounters.matrix == as_it_ended.encounters.matrix
    assert [row.asked for row in later.sessions] == [11]
    # this year counts today's team: the two who left are out of it
    this_year = school_overview(school=world.school, filters=OverviewFilter(year=new))
    assert [row.members for row in this_year.lines] == [3, 3, 3]
    assert this_year.encounters.pairs_met == 0
    assert this_year.sessions == []


def test_the_coach_home_in_the_new_year_shows_this_years_last_session_only(traveller, client):
    world = _first_year(traveller)
    traveller.move_to(_at(date(2026, 6, 15)))
    [status] = coach_overview(user=world.coach)
    assert status.last_held.date == date(2026, 3, 4)  # still 2025-2026: its session counts
    _open_next(world)

    traveller.move_to(_at(date(2026, 10, 1)))
    [status] = coach_overview(user=world.coach)
    assert status.year.name == "2026-2027"
    assert (status.last_held, status.asked, status.response_rate) == (None, 0, None)
    client.force_login(world.coach)
    page = _text(client.get(reverse("sessions_app:coach-home")))
    assert "Respons op de laatste bijeenkomst nog geen bijeenkomst gehouden" in page

    traveller.move_to(_at(date(2026, 10, 7), 17))
    _held_plenary(world.school, date(2026, 10, 7))
    [status] = coach_overview(user=world.coach)
    assert (status.last_held.date, status.asked, status.answered) == (date(2026, 10, 7), 12, 0)


def test_the_first_plenary_of_the_new_year_plans_without_last_years_tables(traveller, client):
    world = _first_year(traveller)
    traveller.move_to(_at(date(2026, 6, 15)))
    new = _open_next(world)  # the same twelve, in the same lines: they met in March
    traveller.move_to(_at(date(2026, 9, 30)))
    session = session_create(
        school=world.school,
        title="Eerste plenaire",
        date=date(2026, 10, 7),
        start_time=time(15),
        end_time=time(16, 45),
    )
    assert session.year == new
    plan = plan_generate(session=session, seed=0)
    assert plan_history(session=session) == []
    assert plan.report["repeats_history"] == 0
    assert plan.report["repeats"] == plan.report["repeats_within"]
    client.force_login(world.steering.user)
    board = _text(
        client.get(reverse("sessions_app:plan-detail", args=[world.school.slug, session.pk]))
    )
    assert "Geen herhaalde ontmoetingen : niemand ontmoet iemand die hij of zij al eerder" in board
    assert "spraken elkaar al eerder" not in board
    assert "sprak elkaar al eerder" not in board


# --- the lines pages ----------------------------------------------------------------------------


def test_an_empty_line_of_the_new_year_tells_the_steering_group_where_to_fill_it(traveller, client):
    world = _first_year(traveller)
    lezen = world.lines[0]
    traveller.move_to(_at(date(2026, 6, 15)))
    new = _open_next(world, carry={lezen.pk})
    team_url = world.url("learninglines:member-list") + "?line=none"

    # in June the new year is ahead: the team page places people in this year's lines only
    client.force_login(world.steering.user)
    ahead = client.get(world.url("learninglines:line-list") + f"?year={new.pk}")
    assert team_url not in ahead.content.decode()
    empty = "Er zit nog niemand in deze leerlijn. Vanaf 1 augustus 2026, als dit jaar begint"
    assert _text(ahead).count(empty) == 2

    traveller.move_to(_at(date(2026, 11, 18)))
    client.force_login(world.steering.user)  # a sign-in of June has expired by November
    page = client.get(world.url("learninglines:line-list")).content.decode()
    assert page.count(f'<a href="{team_url}">') == 2  # B and C, copied without their members
    client.force_login(world.members[1].user)  # a teacher reads the lines, places nobody
    assert team_url not in client.get(world.url("learninglines:line-list")).content.decode()
    client.force_login(world.steering.user)  # last year's lines are history: nothing to fill
    old_page = client.get(world.url("learninglines:line-list") + f"?year={world.old.pk}")
    assert team_url not in old_page.content.decode()


def test_the_pages_of_a_year_opened_ahead_lead_back_to_that_year(traveller, client):
    world = _first_year(traveller)
    traveller.move_to(_at(date(2026, 6, 15)))
    new = _open_next(world)
    copy = LearningLine.objects.get(year=new, name="Rekenen")
    client.force_login(world.steering.user)
    new_lines = world.url("learninglines:line-list") + f"?year={new.pk}"

    detail = client.get(copy.get_absolute_url()).content.decode()
    assert f'<a href="{new_lines}">Leerlijnen</a>' in detail
    form = client.get(world.url("learninglines:line-create") + f"?year={new.pk}")
    assert f'href="{new_lines}">Annuleren</a>' in form.content.decode()
    # last year's line leads to last year, this year's to the plain lines page
    old_detail = client.get(world.lines[0].get_absolute_url()).content.decode()
    assert f'<a href="{world.url("learninglines:line-list")}">Leerlijnen</a>' in old_detail
    traveller.move_to(_at(date(2026, 11, 18)))
    client.force_login(world.steering.user)
    old_detail = client.get(world.lines[0].get_absolute_url()).content.decode()
    old_lines = world.url("learninglines:line-list") + f"?year={world.old.pk}"
    assert f'<a href="{old_lines}">Leerlijnen</a>' in old_detail


def test_on_1_august_without_the_new_year_the_lines_page_offers_to_open_it(traveller, client):
    world = _first_year(traveller)
    traveller.move_to(_at(date(2026, 8, 1)))
    client.force_login(world.steering.user)
    page = _text(client.get(world.url("learninglines:line-list")))
    assert (
        "Er is nog geen schooljaar voor vandaag. De stuurgroep opent er een op de pagina "
        "schooljaren. Het volgende schooljaar openen"
    ) in page
    button = f'href="{world.url("learninglines:year-list")}">Het volgende schooljaar openen</a>'
    assert button in client.get(world.url("learninglines:line-list")).content.decode()
    client.force_login(world.members[1].user)  # a teacher opens no year
    assert "Het volgende schooljaar openen" not in _text(
        client.get(world.url("learninglines:line-list"))
    )
