"""Learning lines, their steps and memberships, school years, and who may change what."""

import re
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from learninglines.models import LearningLine, LineMembership, LineStep, SchoolYear
from learninglines.services.lines import (
    StepData,
    line_archive,
    line_create,
    line_steps_save,
    membership_move,
    school_year_open_next,
)
from learninglines.services.people import school_year_ensure_current
from tests.dutch import long_date
from tests.factories import CoachAssignmentFactory, MemberFactory

pytestmark = pytest.mark.django_db

SCHOOL = "/s/de-regenboog/"


@pytest.fixture
def year(school):
    return school_year_ensure_current(school=school)


@pytest.fixture
def lines(school, year):
    return [
        line_create(school=school, year=year, name=name, goal=f"Doel {name}")
        for name in ("Lezen", "Rekenen", "Spel", "Burgerschap")
    ]


@pytest.fixture
def placed(lines, steering, teacher, year):
    """The steering member in line A, the teacher in line B, from the year's first day."""
    membership_move(member=steering, line=lines[0], start=year.start)
    membership_move(member=teacher, line=lines[1], start=year.start)
    return lines


def test_new_lines_get_the_next_letter_and_colour(lines):
    assert [(line.letter, line.colour) for line in lines] == [
        ("A", "blue"),
        ("B", "green"),
        ("C", "orange"),
        ("D", "purple"),
    ]


def test_moving_a_teacher_keeps_the_old_line_in_history(teacher, lines, year):
    membership_move(member=teacher, line=lines[0], start=year.start)
    move_day = year.start + timedelta(days=40)
    membership_move(member=teacher, line=lines[2], start=move_day)
    history = list(
        LineMembership.objects.filter(member=teacher)
        .order_by("start")
        .values_list("line__name", "start", "end")
    )
    assert history == [
        ("Lezen", year.start, move_day - timedelta(days=1)),
        ("Spel", move_day, None),
    ]
    assert (
        LineMembership.objects.on(move_day - timedelta(days=1)).get(member=teacher).line
        == (lines[0])
    )


def test_moving_to_no_line_ends_the_membership(teacher, lines, year):
    membership_move(member=teacher, line=lines[0], start=year.start)
    membership_move(member=teacher, line=None, start=year.start + timedelta(days=10))
    assert list(LineMembership.objects.filter(member=teacher).values_list("end", flat=True)) == [
        year.start + timedelta(days=9)
    ]


def test_overlapping_memberships_are_refused_by_the_database(teacher, lines, year):
    LineMembership.objects.create(member=teacher, line=lines[0], start=year.start)
    with pytest.raises(IntegrityError), transaction.atomic():
        LineMembership.objects.create(
            member=teacher, line=lines[1], start=year.start + timedelta(days=5)
        )
    closed = LineMembership.objects.get(member=teacher)
    closed.end = year.start + timedelta(days=3)
    closed.save()
    LineMembership.objects.create(member=teacher, line=lines[1], start=year.start + timedelta(4))
    with pytest.raises(IntegrityError), transaction.atomic():
        LineMembership.objects.filter(pk=closed.pk).update(end=year.start + timedelta(days=4))


def test_a_move_outside_the_lines_year_is_refused(teacher, lines, year):
    with pytest.raises(ValidationError) as error:
        membership_move(member=teacher, line=lines[0], start=year.end + timedelta(days=1))

    assert error.value.messages == [
        f"Kies een datum in het schooljaar van de leerlijn ({long_date(year.start)} tot en met "
        f"{long_date(year.end)})."
    ]


def test_steps_are_saved_in_order_and_removed_when_left_out(lines):
    line = lines[0]
    first = line_steps_save(
        line=line,
        steps=[StepData(title="Lezen observeren"), StepData(title="Aanpak kiezen", status="busy")],
    )
    line_steps_save(
        line=line,
        steps=[
            StepData(pk=first[1].pk, title="Aanpak kiezen", status="done"),
            StepData(title="Evalueren", target_date=date(2027, 3, 1)),
        ],
    )
    assert list(line.steps.values_list("position", "title", "status", "target_date")) == [
        (1, "Aanpak kiezen", "done", None),
        (2, "Evalueren", "planned", date(2027, 3, 1)),
    ]
    assert LineStep.objects.filter(pk=first[0].pk).exists() is False


def test_archiving_a_line_ends_its_memberships_today(teacher, lines, year):
    start = min(year.start, timezone.localdate() - timedelta(days=1))
    membership_move(member=teacher, line=lines[0], start=max(start, year.start))
    line_archive(line=lines[0])
    assert LineMembership.objects.on(timezone.localdate()).filter(member=teacher).count() == 0


def test_an_archived_line_is_listed_apart_and_holds_its_name(
    client, steering, teacher, lines, year
):
    line_archive(line=lines[0])
    client.force_login(steering.user)
    page = client.get(f"{SCHOOL}lines/?year={year.pk}").content.decode()
    archived = re.search(
        r'<section class="mt-4" aria-labelledby="archived-title">(.*?)</section>', page, re.S
    )
    assert (
        f'<a href="{lines[0].get_absolute_url()}">{lines[0].letter}. {lines[0].name}</a>'
        in archived.group(1)
    )
    again = client.post(f"{SCHOOL}lines/create/?year={year.pk}", {"name": lines[0].name.upper()})
    assert (
        "Een gearchiveerde leerlijn van dit schooljaar heeft deze naam. Zet die terug via de "
        "lijst met gearchiveerde leerlijnen, of kies een andere naam."
    ) in " ".join(again.content.decode().split())
    # a teacher reads the lines, and does not get the list of archived ones
    client.force_login(teacher.user)
    assert (
        'id="archived-title"' not in client.get(f"{SCHOOL}lines/?year={year.pk}").content.decode()
    )


def test_opening_the_next_year_copies_lines_and_chosen_members(school, placed, year, teacher):
    LineStep.objects.create(line=placed[0], position=1, title="Observeren", status="done")
    new = school_year_open_next(
        school=school,
        copy_line_ids={placed[0].pk, placed[1].pk},
        carry_member_line_ids={placed[1].pk},
    )
    assert (new.start, new.end, new.name) == (
        year.end + timedelta(days=1),
        date(year.end.year + 1, 7, 31),
        f"{year.end.year}-{year.end.year + 1}",
    )
    copies = list(LearningLine.objects.filter(year=new).order_by("letter"))
    assert [(line.name, line.letter, line.goal, line.copied_from) for line in copies] == [
        ("Lezen", "A", "Doel Lezen", placed[0]),
        ("Rekenen", "B", "Doel Rekenen", placed[1]),
    ]
    assert list(copies[0].steps.values_list("title", "status")) == [("Observeren", "planned")]
    assert copies[0].meetings.count() == 0
    assert list(LineMembership.objects.filter(line__year=new).values_list("member", "start")) == [
        (teacher.pk, new.start)
    ]
    with pytest.raises(ValidationError) as refused:
        school_year_open_next(school=school)
    assert refused.value.messages == [
        f"Schooljaar {new.name} is al geopend; het begint op {long_date(new.start)}."
    ]


def test_the_years_page_offers_no_year_after_one_that_has_not_started(client, school, steering):
    year = school_year_ensure_current(school=school)
    client.force_login(steering.user)
    html = client.get(f"{SCHOOL}years/").content.decode()
    assert "Het volgende schooljaar openen" in html
    new = school_year_open_next(school=school)
    html = " ".join(client.get(f"{SCHOOL}years/").content.decode().split())
    assert "Het volgende schooljaar openen" not in html
    assert (
        f"Schooljaar {new.name} is geopend en begint op {long_date(new.start)}. Het jaar daarna "
        "kan open zodra het begonnen is." in html
    )
    assert new.start == year.end + timedelta(days=1)


# --- Pages ---------------------------------------------------------------------------------------


def test_teacher_shapes_their_own_line_but_not_another(client, teacher, placed):
    client.force_login(teacher.user)
    own, other = placed[1], placed[0]
    data = {
        "description": "We lezen samen.",
        "steps-TOTAL_FORMS": "2",
        "steps-INITIAL_FORMS": "0",
        "steps-MIN_NUM_FORMS": "0",
        "steps-MAX_NUM_FORMS": "30",
        "steps-0-title": "Observeren",
        "steps-0-status": "busy",
        "steps-1-title": "",
        "steps-1-status": "planned",
    }
    response = client.post(f"{SCHOOL}lines/{own.pk}/content/", data)
    assert (response.status_code, response["Location"]) == (302, f"{SCHOOL}lines/{own.pk}/")
    own.refresh_from_db()
    assert own.description == "We lezen samen."
    assert list(own.steps.values_list("title", "status")) == [("Observeren", "busy")]
    assert client.post(f"{SCHOOL}lines/{other.pk}/content/", data).status_code == 403
    assert client.get(f"{SCHOOL}lines/{own.pk}/update/").status_code == 403


def test_a_step_moves_by_its_place_number(client, teacher, placed):
    own = placed[1]
    line_steps_save(
        line=own,
        steps=[StepData(title) for title in ("Eén", "Twee", "Drie")],
    )
    client.force_login(teacher.user)
    url = f"{SCHOOL}lines/{own.pk}/content/"
    form = client.get(url).content.decode()
    assert 'name="steps-2-ORDER" value="3"' in form
    steps = list(own.steps.order_by("position"))
    data = {
        "description": "",
        "steps-TOTAL_FORMS": "4",
        "steps-INITIAL_FORMS": "3",
        "steps-MIN_NUM_FORMS": "0",
        "steps-MAX_NUM_FORMS": "30",
        "steps-3-title": "Vier",
        "steps-3-status": "planned",
    }
    for index, (step, place) in enumerate(zip(steps, (2, 3, 1), strict=True)):
        data |= {
            f"steps-{index}-pk": str(step.pk),
            f"steps-{index}-title": step.title,
            f"steps-{index}-status": step.status,
            f"steps-{index}-ORDER": str(place),
        }
    assert client.post(url, data).status_code == 302
    # "Drie" moved to the top; the new row without a place comes last
    assert list(own.steps.order_by("position").values_list("title", "position")) == [
        ("Drie", 1),
        ("Eén", 2),
        ("Twee", 3),
        ("Vier", 4),
    ]
    assert [s.pk for s in own.steps.order_by("position")][:3] == [
        steps[2].pk,
        steps[0].pk,
        steps[1].pk,
    ]


def step_rows(steps, **changes) -> dict:
    """The step editor's POST for `steps` as they are, with `changes` ({"steps-0-title": ""})."""
    data = {
        "description": "",
        "steps-TOTAL_FORMS": str(len(steps) + 1),
        "steps-INITIAL_FORMS": str(len(steps)),
        "steps-MIN_NUM_FORMS": "0",
        "steps-MAX_NUM_FORMS": "30",
        f"steps-{len(steps)}-title": "",
        f"steps-{len(steps)}-status": "planned",
    }
    for index, step in enumerate(steps):
        data |= {
            f"steps-{index}-pk": str(step.pk),
            f"steps-{index}-title": step.title,
            f"steps-{index}-status": step.status,
            f"steps-{index}-ORDER": str(index + 1),
        }
    return data | changes


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        (
            {"steps-0-title": ""},
            "Geef deze stap een naam, of vink Verwijderen aan om hem te wissen.",
        ),
        ({"steps-2-status": "busy"}, "Geef deze stap een naam, of zet de status op gepland."),
        ({"steps-2-target_date": "2027-03-01"}, "Geef deze stap een naam, of haal de datum weg."),
    ],
)
def test_a_step_without_a_name_is_an_error_not_a_deletion(client, teacher, placed, changes, error):
    """Saving removes the steps it is not given: an existing step whose name was cleared (or
    a new row with only a status or date) must not vanish unasked."""
    own = placed[1]
    line_steps_save(line=own, steps=[StepData("Eén", "done"), StepData("Twee")])
    client.force_login(teacher.user)
    url = f"{SCHOOL}lines/{own.pk}/content/"
    steps = list(own.steps.order_by("position"))
    response = client.post(url, step_rows(steps, **changes))
    assert response.status_code == 200
    assert error in response.content.decode()
    assert list(own.steps.order_by("position").values_list("title", "status")) == [
        ("Eén", "done"),
        ("Twee", "planned"),
    ]
    # ticking Delete removes it, as the help text says
    response = client.post(url, step_rows(steps, **{"steps-0-title": "", "steps-0-DELETE": "on"}))
    assert response.status_code == 302
    assert list(own.steps.values_list("title", flat=True)) == ["Twee"]


def test_line_page_escapes_free_text(client, teacher, placed):
    placed[1].description = "<script>alert(1)</script>"
    placed[1].save()
    client.force_login(teacher.user)
    html = client.get(f"{SCHOOL}lines/{placed[1].pk}/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)</script>" not in html


def test_an_earlier_year_is_read_only(client, steering, school):
    old = SchoolYear.objects.create(
        school=school, name="2019-2020", start=date(2019, 8, 1), end=date(2020, 7, 31)
    )
    line = line_create(school=school, year=old, name="Oud")
    client.force_login(steering.user)
    html = client.get(f"{SCHOOL}lines/?year={old.pk}").content.decode()
    assert "Dit is een eerder schooljaar: je kunt het lezen, niet wijzigen." in html
    assert "Nieuwe leerlijn" not in html
    assert client.post(f"{SCHOOL}lines/{line.pk}/update/", {"name": "x"}).status_code == 403
    assert client.post(f"{SCHOOL}lines/{line.pk}/archive/").status_code == 403


def test_year_switch_only_shows_this_schools_years(client, steering, other_school, year):
    foreign = SchoolYear.objects.create(
        school=other_school, name="2026-2027", start=year.start, end=year.end
    )
    client.force_login(steering.user)
    assert client.get(f"{SCHOOL}lines/?year={foreign.pk}").status_code == 404
    assert client.get(f"{SCHOOL}lines/?year=abc").status_code == 404


def test_steering_creates_a_line_through_the_form(client, steering, year):
    client.force_login(steering.user)
    response = client.post(
        f"{SCHOOL}lines/create/?year={year.pk}",
        {"name": "Eigenaarschap", "goal": "Leerlingen sturen zelf", "description": ""},
    )
    line = LearningLine.objects.get()
    assert (response.status_code, response["Location"]) == (302, line.get_absolute_url())
    assert (line.name, line.letter, line.colour, line.year) == ("Eigenaarschap", "A", "blue", year)
    again = client.post(f"{SCHOOL}lines/create/?year={year.pk}", {"name": "eigenaarschap"})
    assert "Dit schooljaar heeft al een leerlijn met deze naam." in again.content.decode()


def test_steering_moves_a_teacher_from_a_date_on_the_team_page(client, steering, teacher, placed):
    client.force_login(steering.user)
    today = timezone.localdate()
    response = client.post(
        f"{SCHOOL}team/{teacher.pk}/line/",
        {"line": placed[2].pk, "start": today.isoformat()},
    )
    assert response.status_code == 302
    assert LineMembership.objects.on(today).get(member=teacher).line == placed[2]
    assert LineMembership.objects.filter(member=teacher).count() == (
        2 if placed[1].year.start < today else 1
    )


def test_the_move_form_starts_at_the_current_line_and_the_message_says_the_day(
    client, steering, teacher, placed
):
    client.force_login(steering.user)
    page = client.get(f"{SCHOOL}team/{teacher.pk}/")
    # pressing "move" without a choice keeps Sanne in her line (it used to say "no line")
    assert page.context["move_form"]["line"].value() == placed[1].pk
    day = placed[1].year.start + timedelta(days=45)
    response = client.post(
        f"{SCHOOL}team/{teacher.pk}/line/",
        {"line": placed[2].pk, "start": day.isoformat()},
        follow=True,
    )
    when = long_date(day)
    assert [str(m) for m in response.context["messages"]] == [
        f"Sanne Jansen zit vanaf {when} in {placed[2]}."
    ]


def test_a_move_before_a_planned_move_says_that_the_planned_one_no_longer_holds(
    client, steering, teacher, placed
):
    client.force_login(steering.user)
    later = placed[1].year.start + timedelta(days=60)
    earlier = placed[1].year.start + timedelta(days=30)
    url = f"{SCHOOL}team/{teacher.pk}/line/"
    first = client.post(url, {"line": placed[2].pk, "start": later.isoformat()}, follow=True)
    assert [str(m) for m in first.context["messages"]] == [
        f"Sanne Jansen zit vanaf {long_date(later)} in {placed[2]}."
    ]
    second = client.post(url, {"line": placed[0].pk, "start": earlier.isoformat()}, follow=True)
    assert [str(m) for m in second.context["messages"]] == [
        f"Sanne Jansen zit vanaf {long_date(earlier)} in {placed[0]}.",
        f"De verplaatsing naar {placed[2]} vanaf {long_date(later)} gaat niet meer door.",
    ]
    assert list(
        LineMembership.objects.filter(member=teacher, start__gte=earlier).values_list("line")
    ) == [(placed[0].pk,)]


def test_a_move_still_to_come_reads_from_its_date_in_the_line_history(
    client, steering, teacher, placed
):
    ahead = timezone.localdate() + timedelta(days=10)
    membership_move(member=teacher, line=placed[0], start=ahead)
    client.force_login(steering.user)
    page = " ".join(client.get(f"{SCHOOL}team/{teacher.pk}/").content.decode().split())
    assert f"{placed[0]} ({placed[0].year.name}): vanaf {long_date(ahead)}</li>" in page
    assert f"{placed[0]} ({placed[0].year.name}): {long_date(ahead)} \u2013 nu" not in page


def test_team_page_filters_by_line_and_searches(client, steering, teacher, placed):
    MemberFactory(school=steering.school, first_name="Bram", name_prefix="de", last_name="Jong")
    client.force_login(steering.user)
    by_line = client.get(f"{SCHOOL}team/", {"line": placed[1].pk}).content.decode()
    assert "Jansen, Sanne" in by_line
    assert "Vries, Anouk de" not in by_line
    nobody = client.get(f"{SCHOOL}team/", {"line": "none"}).content.decode()
    assert "Jong, Bram de" in nobody
    assert "Jansen, Sanne" not in nobody
    search = client.get(f"{SCHOOL}team/", {"q": "de jong"}).content.decode()
    assert "Jong, Bram de" in search
    assert "Jansen, Sanne" not in search
    # someone known by a first name only is "Bo", not ", Bo"
    MemberFactory(school=steering.school, first_name="Bo", name_prefix="", last_name="")
    nobody = client.get(f"{SCHOOL}team/", {"line": "none"}).content.decode()
    assert re.search(r">\s*Bo\s*<", nobody)
    assert ", Bo" not in nobody


def test_deactivating_keeps_the_member_and_ends_the_line(client, steering, teacher, placed):
    client.force_login(steering.user)
    response = client.post(f"{SCHOOL}team/{teacher.pk}/active/", {"active": "0"})
    assert response.status_code == 302
    teacher.refresh_from_db()
    assert teacher.is_active is False
    assert LineMembership.objects.filter(member=teacher).exists()
    assert LineMembership.objects.on(timezone.localdate()).filter(member=teacher).count() == 0
    client.force_login(teacher.user)
    assert client.get(SCHOOL).status_code == 404


def test_deactivating_drops_the_lines_planned_after_today(client, steering, teacher, placed):
    """A planned move and a place in next year's line would otherwise keep someone who left in
    a line: listed among its members (even once erased) when the day comes."""
    school_year_open_next(
        school=teacher.school, copy_line_ids={placed[1].pk}, carry_member_line_ids={placed[1].pk}
    )
    today = timezone.localdate()
    assert LineMembership.objects.filter(member=teacher, start__gt=today).exists()
    client.force_login(steering.user)
    client.post(f"{SCHOOL}team/{teacher.pk}/active/", {"active": "0"})
    assert not LineMembership.objects.filter(member=teacher, start__gt=today).exists()
    assert LineMembership.objects.filter(member=teacher, line=placed[1]).exists()


def test_steering_adds_a_member_into_a_line(client, steering, placed):
    client.force_login(steering.user)
    response = client.post(
        f"{SCHOOL}team/add/",
        {
            "first_name": "Daan",
            "name_prefix": "van der",
            "last_name": "Berg",
            "email": "Daan.vanderBerg@school.example",
            "line": placed[3].pk,
        },
    )
    assert response.status_code == 302
    member = steering.school.members.get(first_name="Daan")
    assert member.user.email == "daan.vanderberg@school.example"
    assert LineMembership.objects.get(member=member).line == placed[3]
    duplicate = client.post(
        f"{SCHOOL}team/add/",
        {"first_name": "Daan", "last_name": "Berg", "email": "daan.vanderberg@school.example"},
    )
    assert "Dit adres hoort al bij iemand in dit team." in duplicate.content.decode()


def test_invite_everyone_who_has_not_signed_in(client, steering, teacher):
    from learninglines.models import OutgoingMail

    signed_in = MemberFactory(school=steering.school)
    client.force_login(signed_in.user)
    client.get(SCHOOL)  # opened the school's pages
    # signed in, but at another school only: still invited here
    elsewhere = MemberFactory(school=steering.school, last_name="Elders")
    other = MemberFactory(user=elsewhere.user)
    client.force_login(elsewhere.user)
    client.get(f"/s/{other.school.slug}/")
    elsewhere.user.refresh_from_db()
    assert elsewhere.user.last_login is not None
    client.force_login(steering.user)
    client.get(SCHOOL)
    confirm = client.get(f"{SCHOOL}team/invite-all/").content.decode()
    assert "Jansen" in confirm
    assert OutgoingMail.objects.count() == 0
    assert "Elders" in confirm
    client.post(f"{SCHOOL}team/invite-all/")
    assert sorted(OutgoingMail.objects.values_list("to", flat=True)) == sorted(
        [teacher.user.email, elsewhere.user.email]
    )


def test_steering_start_page_says_when_it_is_time_for_a_plenary(client, steering, placed, year):
    from learninglines.models import LineMeeting

    client.force_login(steering.user)
    today = timezone.localdate()
    for line in placed:
        for days in (1, 2, 3):
            LineMeeting.objects.create(
                line=line,
                date=max(year.start, today - timedelta(days=days)),
                start_time="15:30",
                end_time="17:00",
                topic="Bijeenkomst",
            )
    html = client.get(SCHOOL).content.decode()
    assert "Alle leerlijnen hebben 3 bijeenkomsten gehad: tijd voor een plenaire bijeenkomst." in (
        html
    )
    placed[3].meetings.first().delete()
    html = client.get(SCHOOL).content.decode()
    assert "tijd voor een plenaire bijeenkomst" not in html
    assert "2 van 3" in html


def test_the_lines_page_leads_planners_to_all_meetings(client, steering, teacher, placed, year):
    link = f'href="{SCHOOL}meetings/?year={year.pk}"'
    client.force_login(steering.user)
    html = client.get(f"{SCHOOL}lines/").content.decode()
    assert f"{link}>Alle bijeenkomsten van de leerlijnen, met aanwezigheid</a>" in html
    assert client.get(f"{SCHOOL}meetings/?year={year.pk}").status_code == 200
    client.force_login(teacher.user)
    assert link not in client.get(f"{SCHOOL}lines/").content.decode()


@pytest.mark.parametrize(("copied", "words"), [(1, "with 1 line."), (2, "with 2 lines.")])
def test_opening_the_next_year_counts_its_lines_in_words(
    client, settings, steering, lines, copied, words
):
    """One copied line is "1 line", not "1 lines" (checked in English: its words are the msgids)."""
    client.force_login(steering.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    data = {f"copy_{line.pk}": "on" for line in lines[:copied]}
    response = client.post(f"{SCHOOL}years/", data, follow=True)
    html = " ".join(response.content.decode().split())
    assert words in html


def test_the_team_page_says_who_links_a_coach_until_one_is_linked(client, steering, school):
    client.force_login(steering.user)
    nobody = " ".join(client.get(f"{SCHOOL}team/").content.decode().split())
    assert (
        "Er is nog geen coach aan deze school gekoppeld. Dat doen de beheerders van Brengen & "
        "Halen voor je school; de coach krijgt dan een mail om in te loggen." in nobody
    )
    coach = CoachAssignmentFactory(school=school).user
    linked = client.get(f"{SCHOOL}team/").content.decode()
    assert "nog geen coach" not in linked
    assert coach.display_name in linked


def test_the_team_page_says_who_was_invited_and_when(client, steering, teacher):
    from django.utils.formats import date_format

    from learninglines.services.people import member_invite

    client.force_login(steering.user)
    assert "uitgenodigd op" not in client.get(f"{SCHOOL}team/").content.decode()
    member_invite(member=teacher)
    html = " ".join(client.get(f"{SCHOOL}team/").content.decode().split())
    today = date_format(timezone.localdate(), "j F")
    row = html[html.index(teacher.user.email) :]
    assert row.startswith(f"{teacher.user.email} · uitgenodigd op {today}, heeft nog niet ingelogd")


def test_the_team_page_says_signed_in_only_for_who_opened_this_schools_pages(client, steering):
    """The account's last sign-in is for every school: someone who teaches at two schools and
    signed in at the other has not been here yet."""
    here = MemberFactory(school=steering.school, first_name="Fenna", last_name="Elders")
    elsewhere = MemberFactory(user=here.user)
    client.force_login(here.user)
    client.get(f"/s/{elsewhere.school.slug}/")

    def state() -> str:
        client.force_login(steering.user)
        page = " ".join(client.get(f"{SCHOOL}team/").content.decode().split())
        return re.search(r"Elders.*?· (heeft ingelogd|heeft nog niet ingelogd)", page).group(1)

    assert state() == "heeft nog niet ingelogd"
    client.force_login(here.user)
    client.get(SCHOOL)
    assert state() == "heeft ingelogd"
