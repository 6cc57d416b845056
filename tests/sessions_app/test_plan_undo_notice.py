"""A swap or move on the plan page is said at its table, with an Undo for exactly that change
beside the message; that Undo says what it undid, at the same table. Without JavaScript the
same forms post and redirect back; with htmx the board comes back in place. And the
projector's Reset asks first (data-confirm) only while there is time to lose."""

from html.parser import HTMLParser

import pytest
from django.conf import settings

from sessions_app.models import PlanChange, Seat, TablePlan
from sessions_app.services.day import clock_act
from sessions_app.services.plans import plan_generate, plan_lock, plan_swap

pytestmark = pytest.mark.django_db


class _Notice(HTMLParser):
    """The change's notice on the plan page: the table it stands at ("table-2-3"), its
    messages, its Undo form's fields and button; and how many message blocks the page has."""

    def __init__(self):
        super().__init__()
        self.article = None
        self.at = None
        self.messages: list[str] = []
        self.fields: dict[str, str] = {}
        self.button: str | None = None
        self.blocks = 0
        self._depth = 0  # <div>s open inside the notice
        self._text: list[str] | None = None
        self._in_button = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if tag == "article":
            self.article = attrs.get("aria-labelledby")
        if tag == "div" and "messages" in classes:
            self.blocks += 1
        if tag == "div" and "plan-notice" in classes:
            self.at = self.article
            self._depth = 1
            return
        if not self._depth:
            return
        if tag == "div":
            self._depth += 1
            if "alert" in classes:
                self._text = []
        elif tag == "input":
            self.fields[attrs["name"]] = attrs.get("value", "")
        elif tag == "button":
            self._in_button = True
            self.button = ""

    def handle_endtag(self, tag):
        if not self._depth:
            return
        if tag == "div":
            self._depth -= 1
            if self._text is not None:
                self.messages.append(" ".join("".join(self._text).split()))
                self._text = None
        elif tag == "button":
            self._in_button = False

    def handle_data(self, data):
        if self._text is not None:
            self._text.append(data)
        if self._in_button:
            self.button = " ".join(f"{self.button} {data}".split())


def notice_of(html: str) -> _Notice:
    parser = _Notice()
    parser.feed(html)
    return parser


def stored(plan: TablePlan) -> dict[int, dict[int, set[int]]]:
    """Round -> table number -> member pks, as the database holds them."""
    rounds: dict[int, dict[int, set[int]]] = {}
    for seat in Seat.objects.filter(round__plan=plan).select_related("table", "round"):
        rounds.setdefault(seat.round.number, {}).setdefault(seat.table.number, set()).add(
            seat.member_id
        )
    return rounds


def table_of(plan: TablePlan, number: int, member: int) -> int:
    return Seat.objects.get(round__plan=plan, round__number=number, member_id=member).table.number


@pytest.fixture
def english(client, steering):
    client.force_login(steering.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def a_plan(make_team, make_session, sizes=(3, 3, 3)):
    team = make_team(list(sizes))
    session = make_session()
    plan = plan_generate(session=session, seed=0)
    return team, session, plan, f"/s/de-regenboog/sessions/{session.pk}/plan/"


def two_of_round(plan: TablePlan, number: int) -> tuple[int, int, int, int]:
    """The first person of the first two tables of a round: (first, their table, second,
    their table)."""
    tables = stored(plan)[number]
    one, two = sorted(tables)[:2]
    return min(tables[one]), one, min(tables[two]), two


def name(team, pk: int) -> str:
    return next(m.full_name for m in team.everyone if m.pk == pk)


def test_a_swap_without_javascript_is_said_at_its_table_and_undone_from_there(
    english, make_team, make_session
):
    team, _session, plan, url = a_plan(make_team, make_session)
    before = stored(plan)
    first, first_table, second, second_table = two_of_round(plan, 2)
    data = {"version": plan.version, "round": 2, "first": first, "second": second}
    response = english.post(f"{url}change/", data)
    assert response.status_code == 302
    assert response["Location"] == f"{url}#round-2"

    plan.refresh_from_db()
    notice = notice_of(english.get(url).content.decode())
    # At the table where "Swap with" was pressed (the second's), which the first sits at now.
    assert notice.at == f"table-2-{second_table}"
    assert notice.messages == ["Swapped.", "This change adds 2 repeated encounters."]
    assert notice.button == "Undo this swap"
    assert notice.fields["version"] == str(plan.version)
    assert (notice.fields["round"], notice.fields["table"]) == ("2", str(second_table))
    assert notice.blocks == 1  # nothing said at the top of the board as well

    # Its Undo takes back exactly that swap and says so at the same table.
    response = english.post(f"{url}undo/", notice.fields)
    assert response["Location"] == f"{url}#round-2"
    assert stored(plan) == before
    notice = notice_of(english.get(url).content.decode())
    assert notice.at == f"table-2-{second_table}"
    assert notice.messages == [
        f"The swap of {name(team, first)} and {name(team, second)} in round 2 is undone."
    ]
    assert notice.button is None  # nothing to undo here any more
    assert notice.blocks == 1
    # Reloaded, the page says nothing again.
    assert notice_of(english.get(url).content.decode()).blocks == 0
    assert first_table != second_table


def test_with_htmx_the_board_comes_back_with_the_notice_and_its_warnings(
    english, make_team, make_session
):
    team, _session, plan, url = a_plan(make_team, make_session)
    tables = stored(plan)[1]
    one, two = sorted(tables)[:2]
    # two people of different lines: the swap costs a missing line at both tables
    first = min(tables[one])
    line_of = {m.pk: line.letter for line in team.lines for m in team.members[line.letter]}
    second = next(m for m in sorted(tables[two]) if line_of[m] != line_of[first])
    data = {"version": plan.version, "round": 1, "first": first, "second": second}
    response = english.post(f"{url}change/", data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="plan-board"')
    notice = notice_of(html)
    assert notice.at == f"table-1-{two}"
    assert notice.messages == [
        "Swapped.",
        "A learning line is now missing from a table 2 times more.",
    ]
    assert notice.button == "Undo this swap"

    response = english.post(f"{url}undo/", notice.fields, HTTP_HX_REQUEST="true")
    notice = notice_of(response.content.decode())
    assert notice.at == f"table-1-{two}"
    assert notice.messages == [
        f"The swap of {name(team, first)} and {name(team, second)} in round 1 is undone."
    ]


def test_a_move_is_said_where_they_moved_to_and_its_undo_names_the_table(
    english, make_team, make_session
):
    # 10 people of 3 lines: tables of 4, 3 and 3; one of the four may move to a table of 3
    team, _session, plan, url = a_plan(make_team, make_session, sizes=(4, 3, 3))
    tables = stored(plan)[1]
    big = next(n for n, people in tables.items() if len(people) == 4)
    small = next(n for n, people in tables.items() if len(people) == 3)
    member = min(tables[big])
    data = {"version": plan.version, "round": 1, "first": member, "table": small}
    response = english.post(f"{url}change/", data, follow=True)
    notice = notice_of(response.content.decode())
    assert table_of(plan, 1, member) == small
    assert notice.at == f"table-1-{small}"
    assert notice.messages[0] == "Moved."
    assert notice.button == "Undo this move"

    response = english.post(f"{url}undo/", notice.fields, follow=True)
    assert table_of(plan, 1, member) == big
    notice = notice_of(response.content.decode())
    assert notice.at == f"table-1-{small}"
    assert notice.messages == [
        f"The move of {name(team, member)} to table {small} in round 1 is undone."
    ]


def test_the_undo_beside_a_swap_never_undoes_a_later_change(english, make_team, make_session):
    _team, _session, plan, url = a_plan(make_team, make_session)
    first, _one, second, _two = two_of_round(plan, 2)
    data = {"version": plan.version, "round": 2, "first": first, "second": second}
    english.post(f"{url}change/", data)
    # Someone else locks a table before this page comes back (the redirect without
    # JavaScript): the notice still says "Swapped.", but offers no Undo of the lock.
    plan.refresh_from_db()
    plan_swapped = plan.version
    plan_lock(plan=plan, version=plan.version, round_number=1, table=3, locked=True)
    notice = notice_of(english.get(url).content.decode())
    assert notice.messages == ["Swapped.", "This change adds 2 repeated encounters."]
    assert notice.button is None

    # A page still showing that Undo (an older tab) is refused: the lock stays, the swap too.
    after_lock = stored(plan)
    fields = {"version": plan_swapped, "round": 2, "table": 1}
    response = english.post(f"{url}undo/", fields, follow=True)
    assert stored(plan) == after_lock
    assert PlanChange.objects.filter(plan=plan, undone_at__isnull=False).count() == 0
    assert [str(m) for m in response.context["messages"]] == [
        "Someone else changed the table plan in the meantime. Here is the plan as it is now; "
        "make your change again if it is still needed."
    ]


def test_undo_at_the_top_names_the_swap_it_undid_and_a_lock_as_the_last_change(
    english, make_team, make_session
):
    team, _session, plan, url = a_plan(make_team, make_session)
    first, _one, second, _two = two_of_round(plan, 1)
    plan_swap(plan=plan, version=plan.version, round_number=1, first=first, second=second)
    plan_lock(plan=plan, version=plan.version, round_number=1, table=1, locked=True)

    response = english.post(f"{url}undo/", {"version": plan.version}, follow=True)
    assert response.redirect_chain == [(url, 302)]
    assert [str(m) for m in response.context["messages"]] == ["The last change is undone."]
    assert notice_of(response.content.decode()).at is None

    plan.refresh_from_db()
    response = english.post(f"{url}undo/", {"version": plan.version}, follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        f"The swap of {name(team, first)} and {name(team, second)} in round 1 is undone."
    ]
    assert notice_of(response.content.decode()).at is None


def test_the_undo_beside_a_swap_speaks_dutch_by_default(client, steering, make_team, make_session):
    team, _session, plan, url = a_plan(make_team, make_session)
    first, _one, second, _two = two_of_round(plan, 2)
    client.force_login(steering.user)
    data = {"version": plan.version, "round": 2, "first": first, "second": second}
    notice = notice_of(client.post(f"{url}change/", data, follow=True).content.decode())
    assert (notice.messages, notice.button) == (
        ["Gewisseld.", "Door deze wijziging zijn er 2 herhaalde ontmoetingen meer."],
        "Maak deze wissel ongedaan",
    )
    notice = notice_of(client.post(f"{url}undo/", notice.fields, follow=True).content.decode())
    assert notice.messages == [
        f"De wissel van {name(team, first)} en {name(team, second)} in ronde 2 is ongedaan gemaakt."
    ]


RESET_QUESTION = (
    'data-confirm="Set the clock back to the full time of this assignment? The time that has '
    'run is lost."'
)


def reset_button(client, session) -> str:
    html = client.get(f"/s/de-regenboog/sessions/{session.pk}/projector/").content.decode()
    start = html.index('<button id="clock-reset"')
    return html[start : html.index(">", start) + 1]


def test_reset_asks_first_only_while_there_is_time_to_lose(english, make_team, make_session):
    _team, session, _plan, _url = a_plan(make_team, make_session)
    assert session.assignments.exists()
    assert RESET_QUESTION not in reset_button(english, session)  # not started
    clock_act(session=session, action="start")
    assert RESET_QUESTION in reset_button(english, session)  # running
    clock_act(session=session, action="pause")
    assert RESET_QUESTION in reset_button(english, session)  # paused part-way
    clock_act(session=session, action="reset")
    assert RESET_QUESTION not in reset_button(english, session)  # back at its full time
    clock_act(session=session, action="start")
    clock_act(session=session, action="next")
    clock_act(session=session, action="pause")
    clock_act(session=session, action="next")
    assert RESET_QUESTION not in reset_button(english, session)  # a new assignment, not begun
