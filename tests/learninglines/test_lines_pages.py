"""Lines and team pages: who may open what (exact statuses) and what each page costs."""

import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from learninglines.models import LineColour, LineMeeting, LineStep
from learninglines.services.lines import line_create, membership_move
from learninglines.services.people import member_seen, school_year_ensure_current
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def year(school):
    return school_year_ensure_current(school=school)


@pytest.fixture
def line(school, year, teacher):
    line = line_create(school=school, year=year, name="Lezen")
    membership_move(member=teacher, line=line, start=year.start)
    return line


def as_user(client, user):
    if user is not None:
        client.force_login(user)
    return client


PLANNING = {"steering": 200, "coach": 200, "teacher": 403, "stranger": 404, "no_school": 404}
READING = {"steering": 200, "coach": 200, "teacher": 200, "stranger": 404, "no_school": 404}


@pytest.mark.parametrize(
    ("name", "needs_line", "statuses"),
    [
        ("learninglines:line-list", False, READING),
        ("learninglines:line-detail", True, READING),
        ("learninglines:line-create", False, PLANNING),
        ("learninglines:line-update", True, PLANNING),
        ("learninglines:line-content", True, READING),  # the teacher is in this line
        ("learninglines:year-list", False, PLANNING),
        ("learninglines:member-create", False, PLANNING),
        ("learninglines:member-invite-all", False, PLANNING),
    ],
)
@pytest.mark.parametrize("who", ["steering", "coach", "teacher", "stranger", "no_school", None])
def test_get_access(client, people, line, name, needs_line, statuses, who):
    kwargs = {"school_slug": "de-regenboog"}
    if needs_line:
        kwargs["pk"] = line.pk
    url = reverse(name, kwargs=kwargs)
    response = as_user(client, people[who] if who else None).get(url)
    if who is None:
        assert (response.status_code, response["Location"]) == (302, f"/login/?next={url}")
    else:
        assert response.status_code == statuses[who]


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("steering", 200),
        ("coach", 200),
        ("teacher", 403),
        ("stranger", 404),
        ("no_school", 404),
    ],
)
def test_member_pages_access(client, people, teacher, who, status):
    url = reverse("learninglines:member-update", args=["de-regenboog", teacher.pk])
    assert as_user(client, people[who]).get(url).status_code == status
    for action, data in (("member-move", {"start": "2026-12-01"}), ("member-active", {})):
        url = reverse(f"learninglines:{action}", args=["de-regenboog", teacher.pk])
        assert as_user(client, people[who]).post(url, data).status_code in (
            {302} if status == 200 else {status}
        )
    teacher.refresh_from_db()
    assert teacher.is_active is (status != 200)


def test_another_schools_line_is_a_404_even_for_its_planners(client, people, line):
    client.force_login(people["stranger"])
    assert client.get(f"/s/de-vlinder/lines/{line.pk}/").status_code == 404


def test_state_changes_are_post_only(client, people, line):
    client.force_login(people["steering"])
    assert client.get(f"/s/de-regenboog/lines/{line.pk}/archive/").status_code == 405
    assert client.get(f"/s/de-regenboog/team/{line.pk}/line/").status_code == 405


# --- Query budgets ------------------------------------------------------------------------------


def grow(school, year, size):
    """A school of `size` members in four lines, with steps and meetings."""
    lines = [line_create(school=school, year=year, name=f"Lijn {n}") for n in range(4)]
    for line in lines:
        LineStep.objects.create(line=line, position=1, title="Stap", status="done")
        LineMeeting.objects.create(
            line=line, date=year.start, start_time="15:00", end_time="16:00", topic="Start"
        )
    for number, member in enumerate(MemberFactory.create_batch(size, school=school)):
        membership_move(member=member, line=lines[number % 4], start=year.start)
    return lines


@pytest.mark.parametrize(
    ("path", "queries"),
    [
        ("/s/de-regenboog/", 20),  # + invitations waiting for an answer
        ("/s/de-regenboog/lines/", 10),  # the archived lines: one query
        ("/s/de-regenboog/lines/{line}/", 9),
        ("/s/de-regenboog/team/", 12),  # who was invited when: one query
    ],
)
@pytest.mark.parametrize("size", [10, 150])
def test_pages_cost_the_same_at_10_and_150_members(
    client, steering, school, year, django_assert_num_queries, path, queries, size
):
    lines = grow(school, year, size)
    membership_move(member=steering, line=lines[0], start=year.start)
    member_seen(member=steering)  # the start page notes a first visit once, in one more query
    client.force_login(steering.user)
    url = path.format(line=lines[0].pk)
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200


# --- Palette ----------------------------------------------------------------------------------


def luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_every_line_colour_carries_white_text_at_aa_contrast():
    css = (ROOT / "static" / "css" / "app.css").read_text()
    defined = dict(re.findall(r"\.line-colour-(\w+) \{ --line-colour: (#[0-9a-f]{6}); \}", css))
    assert sorted(defined) == sorted(LineColour.values)
    for name, colour in defined.items():
        ratio = (1.05) / (luminance(colour) + 0.05)
        assert ratio >= 4.5, f"{name} {colour}: {ratio:.2f}"


def test_start_page_shows_the_teachers_line_and_steps(client, teacher, line):
    LineStep.objects.create(line=line, position=1, title="Samen lezen", status="busy")
    client.force_login(teacher.user)
    html = client.get("/s/de-regenboog/").content.decode()
    assert f'<a href="{line.get_absolute_url()}">Lezen</a>' in html
    assert 'Samen lezen <span class="text-body-secondary">(bezig)</span>' in html
    assert timezone.localdate() >= line.year.start


def test_an_archived_line_offers_its_planners_the_way_back(client, steering, teacher, line):
    """The list says to open an archived line to restore it: its page holds the button."""
    client.force_login(steering.user)
    archive = reverse("learninglines:line-archive", args=["de-regenboog", line.pk])
    client.post(archive)
    line.refresh_from_db()
    assert line.is_archived
    html = client.get(line.get_absolute_url()).content.decode()
    assert f'action="{archive}"' in html
    assert 'name="archive" value="restore"' in html
    assert "Deze leerlijn weer actief maken" in html
    assert "Naam, doel en kleur bewerken" not in html  # otherwise still read-only
    client.post(archive, {"archive": "restore"})
    line.refresh_from_db()
    assert not line.is_archived
    client.force_login(teacher.user)
    assert f'action="{archive}"' not in client.get(line.get_absolute_url()).content.decode()


def test_an_empty_line_leads_the_steering_group_to_the_team_page(client, school, year, steering):
    """The steering group, told that people are placed on the team page, gets a way there."""
    empty = line_create(school=school, year=year, name="Rekenen")
    team = f'href="{reverse("learninglines:member-list", kwargs={"school_slug": "de-regenboog"})}"'
    client.force_login(steering.user)
    html = client.get(empty.get_absolute_url()).content.decode()
    members = html[html.index('id="members-title"') :]
    assert team in members[: members.index("</section>")]


def test_the_meetings_page_without_lines_leads_the_steering_group_to_make_them(
    client, school, year, steering
):
    """A new school's meetings page says the lines come first, and offers to make the first."""
    client.force_login(steering.user)
    html = client.get(reverse("learninglines:meeting-list", kwargs={"school_slug": "de-regenboog"}))
    create = reverse("learninglines:line-create", kwargs={"school_slug": "de-regenboog"})
    assert f'href="{create}?year={year.pk}"' in html.content.decode()


def test_the_schools_own_text_is_marked_dutch_on_an_english_page(client, teacher, line):
    """A screen reader reads a line's goal, description and steps in the school's language
    when the page speaks another."""
    from django.conf import settings

    line.goal = "Kinderen lezen elke dag met plezier."
    line.description = "We werken met vraagkaarten."
    line.save()
    LineStep.objects.create(line=line, position=1, title="Vraagkaarten maken")
    client.force_login(teacher.user)
    url = reverse("learninglines:line-detail", args=[line.school.slug, line.pk])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(url).content.decode()
    assert '<html lang="en">' in english
    assert '<p lang="nl">Kinderen lezen elke dag met plezier.</p>' in english
    assert '<p lang="nl">We werken met vraagkaarten.</p>' in english
    assert '<span lang="nl">Vraagkaarten maken</span>' in english
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    dutch = client.get(url).content.decode()
    assert '<html lang="nl">' in dutch
    assert 'lang="nl">Kinderen' not in dutch
    assert "<p>Kinderen lezen elke dag met plezier.</p>" in dutch
