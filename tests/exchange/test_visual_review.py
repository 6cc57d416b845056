"""Details a paying school sees on a phone and a laptop (visual review of the demo): a time
range or a school year never breaks over two lines, a state looks the same on every page,
a destructive action looks destructive, and a card's actions sit on their own line."""

import re

import pytest
from django.core.management import call_command

from learninglines.models import LogEntry, User
from sessions_app.models import PlenarySession, Questionnaire

pytestmark = pytest.mark.django_db

R = "/s/de-regenboog"
NOWRAP_TIME = re.compile(r'<span class="text-nowrap">\d\d:\d\d\u2013\d\d:\d\d</span>')


@pytest.fixture
def demo(client):
    call_command("seed_demo", allow_production=True, verbosity=0)

    def sign_in(email: str):
        client.force_login(User.objects.get(email=email))
        return client

    return sign_in


def second_session() -> PlenarySession:
    """De Regenboog's second plenary session of the demo (ids differ per database)."""
    return PlenarySession.objects.filter(school__slug="de-regenboog").order_by("date", "pk")[1]


def html(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_time_ranges_stay_on_one_line(demo):
    client = demo("anouk.devries@regenboog.example")
    session = f"{R}/sessions/{second_session().pk}/"
    for url in (f"{R}/meetings/", f"{R}/sessions/", f"{R}/calendar/", session):
        page = html(client, url)
        assert NOWRAP_TIME.search(page), url
        # every time range "HH:MM to HH:MM" on the page is inside such a span
        ranges = re.findall(r"\d\d:\d\d\u2013\d\d:\d\d", page)
        wrapped = NOWRAP_TIME.findall(page)
        program = re.findall(r"program-time[^>]*>\d\d:\d\d\u2013\d\d:\d\d<", page)
        assert len(ranges) == len(wrapped) + len(program), url

    teacher = demo("sanne.jansen@regenboog.example")
    assert NOWRAP_TIME.search(html(teacher, f"{session}me/"))


def test_the_school_year_beside_a_title_never_breaks_at_its_hyphen(demo):
    client = demo("anouk.devries@regenboog.example")
    for url in (f"{R}/sessions/", f"{R}/lines/", f"{R}/reflections/", f"{R}/ambition/"):
        assert re.search(
            r'<h1[^>]*>[^<]+ <span class="text-body-secondary fs-\d text-nowrap">2026-2027</span>',
            html(client, url),
        ), url


def test_results_show_the_forms_state_as_the_list_and_builder_do(demo):
    client = demo("anouk.devries@regenboog.example")
    # the demo's first reflection form, open now
    questionnaire = Questionnaire.objects.filter(school__slug="de-regenboog").order_by("pk")[0]
    state = questionnaire.state()
    assert state == "open"
    page = html(client, f"{R}/reflections/{questionnaire.pk}/results/")
    assert '<span class="badge reflection-state reflection-state-open fs-6 align-middle">' in page
    assert "text-bg-light border fs-6" not in page


def test_deleting_a_log_entry_looks_like_every_other_delete(demo):
    client = demo("anouk.devries@regenboog.example")
    entry = LogEntry.objects.filter(author__user__email="anouk.devries@regenboog.example").first()
    delete_url = f"{R}/log/{entry.pk}/delete/"
    for url in (f"{R}/log/", f"{R}/log/{entry.pk}/"):
        page = html(client, url)
        assert re.search(rf'<a class="btn (btn-sm )?btn-outline-danger" href="{delete_url}"', page)
        assert f'btn-outline-dark" href="{delete_url}"' not in page


def test_home_actions_sit_on_their_own_line_and_look_alike(demo):
    client = demo("sanne.jansen@regenboog.example")
    page = html(client, f"{R}/")
    assert (
        f'<div class="mt-2"><a class="btn btn-primary btn-sm" href="{R}/exchanges/start/">' in page
    )
    steering = demo("anouk.devries@regenboog.example")
    page = html(steering, f"{R}/")
    assert f'<a class="btn btn-outline-primary btn-sm" href="{R}/sessions/">' in page
    assert f'<a class="btn btn-link btn-sm" href="{R}/sessions/">' not in page
