"""The session pages as the steering group uses them: fixed query costs, htmx, messages."""

import re
from datetime import time, timedelta

import pytest
from django.utils import translation
from django.utils.formats import date_format

from learninglines.models import LineMembership
from sessions_app.models import ApartPair, Seat, TablePlan
from sessions_app.services.apart import apart_pair_add
from sessions_app.services.attendance import PresenceData, attendance_save
from sessions_app.services.plans import plan_generate
from sessions_app.services.sessions import session_hold

pytestmark = pytest.mark.django_db


def grown(make_team, make_session, size):
    """A school of `size` members in 4 lines with a held session and a planned draft."""
    per_line = [size // 4 + (1 if i < size % 4 else 0) for i in range(4)]
    team = make_team(per_line)
    held = make_session(days=20)
    plan_generate(session=held, seed=0)
    session_hold(session=held)
    draft = make_session(days=60)
    attendance_save(
        session=draft,
        changes={team.everyone[0].pk: (PresenceData(), PresenceData(absent=True))},
    )
    plan_generate(session=draft, seed=0)
    return draft


@pytest.mark.parametrize("size", [20, 150])
@pytest.mark.parametrize(
    ("path", "queries"),
    [
        ("/s/de-regenboog/sessions/", 10),
        ("/s/de-regenboog/sessions/{pk}/", 10),
        ("/s/de-regenboog/sessions/{pk}/plan/", 16),
        # + whom no door code is shown for, + the seats (a round the plan could not follow)
        ("/s/de-regenboog/sessions/{pk}/attendance/", 13),
    ],
)
def test_pages_cost_the_same_at_20_and_150_members(
    client, steering, make_team, make_session, django_assert_num_queries, size, path, queries
):
    draft = grown(make_team, make_session, size)
    client.force_login(steering.user)
    url = path.format(pk=draft.pk)
    with django_assert_num_queries(queries):
        response = client.get(url)
    assert response.status_code == 200


def test_the_board_is_a_fragment_for_htmx(client, steering, make_team, make_session):
    make_team([4, 4, 4, 4])
    session = make_session()
    plan_generate(session=session, seed=0)
    client.force_login(steering.user)
    url = f"/s/de-regenboog/sessions/{session.pk}/plan/"
    fragment = client.get(url, headers={"HX-Request": "true"}).content.decode()
    page = client.get(url).content.decode()
    assert fragment.lstrip().startswith('<div id="plan-board"')
    assert "<html" not in fragment
    assert '<div id="plan-board"' in page
    assert "<html" in page
    assert fragment.count('class="card plan-table') == 8  # 4 tables in each of 2 rounds


def test_a_swap_through_the_page_moves_people_and_shows_the_numbers(
    client, steering, make_team, make_session
):
    team = make_team([4, 4, 4, 4])
    session = make_session()
    plan = plan_generate(session=session, seed=0)
    a1, a2 = team.members["A"][:2]
    client.force_login(steering.user)
    response = client.post(
        f"/s/de-regenboog/sessions/{session.pk}/plan/change/",
        {"version": plan.version, "round": 1, "first": a1.pk, "second": a2.pk},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Gewisseld." in html
    assert "Door deze wijziging zijn er 2 herhaalde ontmoetingen meer." in html
    assert "<strong>2 herhaalde ontmoetingen</strong>" in html
    seats = dict(Seat.objects.filter(round__number=1).values_list("member_id", "table__number"))
    assert seats[a1.pk] != seats[a2.pk]


def test_a_stale_change_through_the_page_shows_the_message_and_the_fresh_plan(
    client, steering, coach, make_team, make_session
):
    team = make_team([4, 4, 4, 4])
    session = make_session()
    plan = plan_generate(session=session, seed=0)
    a1, a2, a3 = team.members["A"][:3]
    url = f"/s/de-regenboog/sessions/{session.pk}/plan/change/"
    client.force_login(coach)
    client.post(url, {"version": plan.version, "round": 1, "first": a1.pk, "second": a2.pk})
    client.force_login(steering.user)
    response = client.post(
        url, {"version": plan.version, "round": 1, "first": a1.pk, "second": a3.pk}, follow=True
    )
    html = response.content.decode()
    assert "Iemand anders heeft de tafelindeling intussen gewijzigd." in html
    assert f'name="version" value="{plan.version + 1}"' in html


def test_an_engine_error_is_shown_in_dutch(client, steering, make_team, make_session):
    make_team([1, 1])  # two people cannot fill a table of three
    session = make_session()
    client.force_login(steering.user)
    response = client.post(f"/s/de-regenboog/sessions/{session.pk}/plan/generate/", {}, follow=True)
    html = response.content.decode()
    # no group size can help two people: the page does not send them to another one
    assert "2 mensen zijn te weinig voor een tafel van minstens 3." in html
    assert "groepsgrootte" not in html
    assert "Plan" not in [m.message for m in response.context["messages"]]


def test_free_text_is_escaped_on_the_plan_and_the_session_page(
    client, steering, make_team, make_session
):
    team = make_team([3, 3, 3])
    member = team.members["A"][0]
    member.first_name = "<script>alert(1)</script>"
    member.save()
    session = make_session(title="<b>Plenair</b>")
    plan_generate(session=session, seed=0)
    client.force_login(steering.user)
    for url in (
        f"/s/de-regenboog/sessions/{session.pk}/plan/",
        f"/s/de-regenboog/sessions/{session.pk}/",
        f"/s/de-regenboog/sessions/{session.pk}/attendance/",
    ):
        html = client.get(url).content.decode()
        assert "<script>alert(1)</script>" not in html
        assert "<b>Plenair</b>" not in html


def test_every_attendance_choice_has_its_own_label(client, steering, make_team, make_session):
    """Each radio (there / absent / part of it) has a unique id its label points to."""
    team = make_team([2, 2])
    session = make_session()
    client.force_login(steering.user)
    html = client.get(f"/s/de-regenboog/sessions/{session.pk}/attendance/").content.decode()
    radios = re.findall(
        r'<input class="btn-check" type="radio" name="(status_\d+)" id="([^"]+)"', html
    )
    labels = re.findall(r'<label class="btn attendance-\w+" for="([^"]+)"', html)
    ids = [id_ for _name, id_ in radios]
    assert len(ids) == 3 * len(team.everyone) == 12
    assert len(set(ids)) == 12
    assert labels == ids
    first = team.everyone[0].pk
    assert ids[:3] == [f"id_status_{first}_0", f"id_status_{first}_1", f"id_status_{first}_2"]


@pytest.mark.parametrize(
    ("sizes", "message"),
    [
        ([3, 3, 4], "De tafelindeling is klaar: 3 tafels, 1 herhaalde ontmoeting."),
        ([3, 3, 3], "De tafelindeling is klaar: 3 tafels, 0 herhaalde ontmoetingen."),
    ],
)
def test_the_plan_is_ready_message_counts_in_dutch(
    client, steering, make_team, make_session, sizes, message
):
    # 3 lines of 3, 3 and 4 over the method's two rounds: one pair must meet twice
    make_team(sizes)
    session = make_session()
    client.force_login(steering.user)
    response = client.post(f"/s/de-regenboog/sessions/{session.pk}/plan/generate/", {}, follow=True)
    assert [m.message for m in response.context["messages"]] == [message]


def test_before_the_plan_the_page_counts_everyone_who_takes_part(
    client, steering, make_team, make_session
):
    team = make_team([3, 3, 3])
    session = make_session()
    late, away = team.members["A"][0], team.members["B"][0]
    attendance_save(
        session=session,
        changes={
            late.pk: (PresenceData(), PresenceData(first_round=2)),
            away.pk: (PresenceData(), PresenceData(absent=True)),
        },
    )
    client.force_login(steering.user)
    html = client.get(f"/s/de-regenboog/sessions/{session.pk}/plan/").content.decode()
    # 9 colleagues, one away all day: 8 take part, although only 7 sit in round 1
    assert "8 mensen uit 3 leerlijnen, 2 tafelrondes." in " ".join(html.split())


def test_a_kept_apart_pairs_remove_button_is_named_by_its_words_and_the_pair(
    client, make_team, make_session, steering
):
    """The accessible name starts with the visible word (voice control), then the pair."""
    team = make_team([3, 3, 3])
    session = make_session()
    first, second = team.members["A"][0], team.members["B"][0]
    apart_pair_add(school=session.school, first=first, second=second)
    client.force_login(steering.user)
    html = client.get(f"/s/de-regenboog/sessions/{session.pk}/plan/").content.decode()
    assert (
        f'type="submit">Verwijderen<span class="visually-hidden">: {first.full_name} · '
        f"{second.full_name}</span></button>" in html
    )


def test_the_plan_page_names_a_pair_kept_apart_that_sits_together(
    client, settings, steering, make_team, make_session
):
    """A pair kept apart after the plan was made sits together until the plan is made again:
    the page says who, where and what to do (every other change by hand is refused till then)."""
    make_team([4, 4, 4, 4])
    session = make_session()
    plan = plan_generate(session=session, seed=0)
    table = plan.rounds.get(number=1).tables.get(number=1)
    first, second = (seat.member for seat in table.seats.order_by("member__last_name")[:2])
    apart_pair_add(school=session.school, first=first, second=second)
    # the middleware activates English for the thread: restore the language afterwards
    with translation.override(translation.get_language()):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        client.force_login(steering.user)
        url = f"/s/de-regenboog/sessions/{session.pk}/plan/"
        html = client.get(url).content.decode()
        assert "People who are kept apart sit at one table in this plan:" in html
        low, high = sorted((first, second), key=lambda m: m.pk)  # stored lower pk first
        assert f"{low.full_name} and {high.full_name}: round 1, table 1" in html
        plan_generate(session=session, seed=1)
        assert "People who are kept apart" not in client.get(url).content.decode()


def test_keeping_a_pair_apart_twice_says_it_already_is(client, make_team, make_session, steering):
    team = make_team([3, 3, 3])
    session = make_session()
    first, second = team.members["A"][0], team.members["B"][0]
    client.force_login(steering.user)
    url = f"/s/de-regenboog/sessions/{session.pk}/plan/apart/"
    data = {"first": first.pk, "second": second.pk}
    client.post(url, data, follow=True)
    again = client.post(url, {"first": second.pk, "second": first.pk}, follow=True)
    assert [str(m) for m in again.context["messages"]] == [
        f"{second.full_name} en {first.full_name} blijven al uit elkaar."
    ]
    assert ApartPair.objects.count() == 1


def test_someone_who_left_after_the_plan_was_made_is_named_until_their_seat_is_freed(
    client, make_team, make_session, steering
):
    from learninglines.services.people import member_set_active

    team = make_team([3, 3, 3])
    session = make_session()
    plan_generate(session=session, seed=0)
    leaver = team.members["B"][1]
    member_set_active(member=leaver, active=False)
    client.force_login(steering.user)
    url = f"/s/de-regenboog/sessions/{session.pk}/plan/"
    html = " ".join(client.get(url).content.decode().split())
    warning = f"Niet meer in het team of in een leerlijn, maar wel ingedeeld: {leaver.full_name}."
    assert html.count(warning) == 2  # in both rounds
    assert (
        f"{leaver.full_name} heeft het team of de leerlijn verlaten nadat deze indeling is "
        "gemaakt, maar heeft nog een plek." in html
    )
    assert html.count('href="#plan-left">Maak de plekken vrij</a>') == 2
    version = TablePlan.objects.get(session=session).version
    response = client.post(f"{url}left/", {"version": version}, follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "De plekken zijn vrij; alleen de tafels die ze verlieten, zijn veranderd."
    ]
    html = response.content.decode()
    assert "Niet meer in het team" not in html
    assert "Maak de plekken vrij" not in html
    assert not Seat.objects.filter(member=leaver).exists()
    assert "heeft wie vertrok uit de indeling gehaald" in html  # in the list of changes


def test_a_draft_plan_leads_on_to_publishing_it(client, steering, make_team, make_session):
    """Once the plan is made, the next step (publish) is on the plan page, also after htmx."""
    from sessions_app.services.day import session_publish

    make_team([3, 3, 3])
    session = make_session()
    plan_generate(session=session, seed=0)
    client.force_login(steering.user)
    url = f"/s/de-regenboog/sessions/{session.pk}/plan/"
    publish = f'href="/s/de-regenboog/sessions/{session.pk}/publish/"'
    for headers in ({}, {"HX-Request": "true"}):
        html = " ".join(client.get(url, headers=headers).content.decode().split())
        assert publish in html
        assert "Leerkrachten zien hun tafel zodra je de indeling publiceert" in html
    session_publish(session=session)
    assert publish not in client.get(url).content.decode()


def test_the_change_page_of_a_published_session_says_who_is_mailed(
    client, steering, make_team, make_session
):
    from django.conf import settings

    from sessions_app.services.day import session_publish

    make_team([3, 3, 3])
    session = make_session()
    plan_generate(session=session, seed=0)
    client.force_login(steering.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = f"/s/de-regenboog/sessions/{session.pk}/update/"
    warning = "everyone who is seated gets a mail with the new moment"
    assert warning not in " ".join(client.get(url).content.decode().split())
    session_publish(session=session)
    assert warning in " ".join(client.get(url).content.decode().split())


def test_the_attendance_page_of_a_held_session_says_it_is_read_only(
    client, steering, make_team, make_session
):
    make_team([3, 3, 3])
    session = make_session(days=1)
    plan_generate(session=session, seed=0)
    client.force_login(steering.user)
    url = f"/s/de-regenboog/sessions/{session.pk}/attendance/"
    read_only = "je kunt hem lezen, niet wijzigen."
    assert read_only not in client.get(url).content.decode()
    detail = f"/s/de-regenboog/sessions/{session.pk}/"
    assert f'href="{url}">Geef afwezigen aan</a>' in client.get(detail).content.decode()
    session_hold(session=session)
    assert read_only in " ".join(client.get(url).content.decode().split())
    # the session's page no longer offers to mark absentees, but still leads to who was there
    html = client.get(detail).content.decode()
    assert "Geef afwezigen aan" not in html
    assert f'href="{url}">Wie er was</a>' in html


def test_a_session_before_everyone_was_placed_says_from_when_they_are_in_their_lines(
    client, make_team, make_session, steering
):
    # The team imported today, placed from today; the session planned on a day before that.
    team = make_team([3, 3, 3])
    LineMembership.objects.filter(member__in=team.everyone).update(
        start=team.year.start + timedelta(days=30)
    )
    session = make_session(days=10)
    placed = date_format(team.year.start + timedelta(days=30), "j F Y")
    on = date_format(session.date, "j F Y")
    expected = (
        f"Nog niemand zit op {on} in een leerlijn: je collega's zitten in hun leerlijn vanaf "
        f"{placed}. Verplaats de bijeenkomst naar die dag of later, of zet ze op de teampagina "
        "vanaf een eerdere datum in hun leerlijn."
    )
    client.force_login(steering.user)
    base = f"/s/de-regenboog/sessions/{session.pk}/"
    for page in ("", "plan/", "attendance/"):
        html = " ".join(client.get(base + page).content.decode().split())
        assert html.count(expected) == 1, page
    # nobody placed at all: the general advice
    LineMembership.objects.all().delete()
    html = " ".join(client.get(base + "plan/").content.decode().split())
    assert "Nog niemand zit op deze datum in een leerlijn. Zet je collega's eerst" in html


def test_a_past_session_not_marked_held_is_listed_as_earlier_and_says_what_is_missing(
    client, school, steering, make_team
):
    from django.utils import timezone

    from learninglines.models import SchoolYear
    from sessions_app.services.sessions import session_create

    today = timezone.localdate()
    # a school year that began two months ago, whatever today is
    SchoolYear.objects.create(
        school=school, name="Dit jaar", start=today - timedelta(days=60),
        end=today + timedelta(days=300), cycle_started_on=today - timedelta(days=60),
    )  # fmt: skip
    make_team([3, 3, 3])

    def create(title):
        return session_create(
            school=school, title=title, date=today - timedelta(days=10),
            start_time=time(15, 0), end_time=time(16, 45),
        )  # fmt: skip

    create("Vorige keer")
    held = create("Gehouden keer")
    plan_generate(session=held, seed=0)
    session_hold(session=held)
    client.force_login(steering.user)
    html = " ".join(client.get("/s/de-regenboog/sessions/").content.decode().split())
    earlier = html[html.index('id="past-title">Eerder</h2>') :]
    note = "Nog niet op gehouden gezet: tot dan weet de volgende tafelindeling niet wie elkaar hier"
    assert earlier.count(note) == 1
    assert earlier.index("Vorige keer") < earlier.index(note) < earlier.index("Gehouden keer")


def test_a_new_sessions_title_is_numbered_after_the_years_sessions(
    client, steering, make_team, make_session
):
    make_team([3, 3, 3])
    client.force_login(steering.user)
    new = "/s/de-regenboog/sessions/create/"
    title = re.compile(r'name="title" value="([^"]*)"')
    assert title.search(client.get(new).content.decode()).group(1) == "Plenaire bijeenkomst 1"
    make_session(title="Startbijeenkomst")
    make_session(days=80, title="Tweede")
    assert title.search(client.get(new).content.decode()).group(1) == "Plenaire bijeenkomst 3"
