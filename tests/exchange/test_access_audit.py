"""An adversarial audit of access and input handling: each test proves a hole that was found
and stays closed (see the module's sections), with real requests through the test client."""

import io
from urllib.parse import urlsplit

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from learninglines.models import CoachAssignment, MagicLink, Member
from learninglines.services.links import magic_link_url
from sessions_app.models import Answer, PeerExchange, Question, Questionnaire, Reflection
from sessions_app.services.day import session_publish
from sessions_app.services.reflections import questionnaire_open
from tests.factories import MemberFactory
from tests.sessions_app.plenary import Plenary, as_user, plenary_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def plenary(school, steering, teacher) -> Plenary:
    """13 members of `school` in 3 lines and a session a week from now with its table plan."""
    members = [steering, teacher] + [MemberFactory(school=school) for _ in range(11)]
    return plenary_of(school, members, by=steering.user)


# --- a door sign-in (the QR at the door) opens its session's pages only, htmx ones too ---


def _door_phone(client, people, plenary, teacher) -> Client:
    """A phone signed in as `teacher` through the door link the steering member showed."""
    session_publish(session=plenary.session)
    as_user(client, people["steering"]).post(plenary.url("door-link", member_pk=teacher.pk))
    door = MagicLink.objects.get(purpose=MagicLink.Purpose.DOOR)
    phone = Client()
    assert phone.post(urlsplit(magic_link_url(door)).path).status_code == 302
    return phone


def test_a_door_sign_in_cannot_write_the_teachers_reflection_answers(
    client, people, plenary, teacher
):
    # The answers page refuses a door sign-in; its autosave (marked login_not_required, so that
    # an expired sign-in gets a fragment) must refuse it as well, or whoever scanned the code on
    # the steering group's screen writes answers in the teacher's name.
    questionnaire = questionnaire_open(
        questionnaire=Questionnaire.objects.get(session=plenary.session)
    )
    learned = questionnaire.questions.order_by("position").first()
    phone = _door_phone(client, people, plenary, teacher)
    base = f"/s/{plenary.school.slug}/reflections/{questionnaire.pk}/answer/"
    assert phone.get(base).status_code == 403
    response = phone.post(
        f"{base}autosave/", {f"q{learned.pk}": "Geschreven door een ander"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 403
    assert not Reflection.objects.filter(questionnaire=questionnaire).exists()
    assert not Answer.objects.exists()
    # the teacher's own full sign-in still saves a draft
    saved = as_user(Client(), teacher.user).post(
        f"{base}autosave/", {f"q{learned.pk}": "Eigen antwoord"}, HTTP_HX_REQUEST="true"
    )
    assert saved.status_code == 200
    assert list(Answer.objects.values_list("text", flat=True)) == ["Eigen antwoord"]


# --- the team page: an address change never makes the coach (or anyone) a member by the back door


def test_the_coach_cannot_become_a_team_member_by_changing_a_members_address(
    client, people, school, coach
):
    member = MemberFactory(school=school, first_name="Noor", last_name="Bakker")
    before = member.user_id
    url = reverse("learninglines:member-update", args=[school.slug, member.pk])
    response = as_user(client, coach).post(
        url, {"first_name": "Noor", "last_name": "Bakker", "email": coach.email.upper()}
    )
    assert response.status_code == 200
    assert "coach" in response.content.decode()
    member.refresh_from_db()
    assert member.user_id == before
    assert not Member.objects.filter(user=coach).exists()
    assert CoachAssignment.objects.current().filter(user=coach, school=school).exists()


# --- hostile input: text no workbook can hold, digits int() does not read, numbers no key is ---

CONTROL = "Lezen\x0b\x1b\x01 & meer"


def _workbook(response) -> openpyxl.Workbook:
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(response.content))


def _texts(workbook: openpyxl.Workbook) -> set[str]:
    return {
        cell.value
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str)
    }


def test_a_control_character_in_a_line_name_never_breaks_an_export(client, people, plenary):
    # The steering group pasted a name with control characters (the line form takes them);
    # openpyxl refuses such a cell, so every workbook with the line in it was an error page.
    line = plenary.lines[0]
    steering = as_user(client, people["steering"])
    url = reverse("learninglines:line-update", args=[plenary.school.slug, line.pk])
    assert steering.post(url, {"name": CONTROL, "colour": line.colour}).status_code == 302
    line.refresh_from_db()
    assert line.name == CONTROL
    slug = plenary.school.slug
    for path in (f"/s/{slug}/overview.xlsx", plenary.url("plan-export", kind="xlsx")):
        assert "Lezen & meer" in _texts(_workbook(steering.get(path))), path
    template = steering.get(f"/s/{slug}/team/import/template.xlsx")
    assert "Lezen & meer" in _texts(_workbook(template))
    # the CSV files keep working as they did, without the characters either
    overview = steering.get(f"/s/{slug}/overview.csv")
    assert overview.status_code == 200
    assert "\x1b" not in overview.content.decode("utf-8-sig")


def test_a_teachers_answer_with_control_characters_and_a_formula_exports_inert(
    client, people, plenary, teacher
):
    questionnaire = questionnaire_open(
        questionnaire=Questionnaire.objects.get(session=plenary.session)
    )
    learned, _brought, _try, _talk, useful = questionnaire.questions.order_by("position")
    assert learned.privacy == Question.Privacy.NAMED
    text = '\x1b=HYPERLINK("https://evil.example";"klik")\x01'
    answer_url = f"/s/{plenary.school.slug}/reflections/{questionnaire.pk}/answer/"
    submitted = as_user(Client(), teacher.user).post(
        answer_url, {"action": "submit", f"q{learned.pk}": text, f"q{useful.pk}": "4"}
    )
    assert submitted.status_code == 302
    assert Reflection.objects.get().is_submitted
    assert Answer.objects.get(question=learned).text == text.strip()
    steering = as_user(client, people["steering"])
    base = f"/s/{plenary.school.slug}/reflections/{questionnaire.pk}/"
    workbook = _workbook(steering.get(f"{base}results.xlsx"))
    [cell] = [
        cell
        for row in workbook["Antwoorden"].iter_rows()
        for cell in row
        if isinstance(cell.value, str) and "HYPERLINK" in cell.value
    ]
    assert (cell.value, cell.data_type) == ('=HYPERLINK("https://evil.example";"klik")', "s")
    csv_text = steering.get(f"{base}results.csv").content.decode("utf-8-sig")
    assert '\'=HYPERLINK(""https://evil.example"";""klik"")' in csv_text
    assert "\x1b" not in csv_text
    assert "\x01" not in csv_text


SUPERSCRIPT_TWO = "\u00b2"  # str.isdigit() says yes, int() says no


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("team/?line=" + SUPERSCRIPT_TWO, 200),
        ("lines/?year=" + SUPERSCRIPT_TWO, 404),
        ("sessions/?year=" + SUPERSCRIPT_TWO, 404),
        ("reflections/?year=" + SUPERSCRIPT_TWO, 404),
        ("meetings/?year=" + SUPERSCRIPT_TWO, 200),
        ("reflections/{questionnaire}/results/?line=" + SUPERSCRIPT_TWO, 404),
    ],
)
def test_a_digit_int_cannot_read_is_no_error_page(client, people, plenary, path, status):
    questionnaire = Questionnaire.objects.get(session=plenary.session)
    url = f"/s/{plenary.school.slug}/" + path.format(questionnaire=questionnaire.pk)
    assert as_user(client, people["steering"]).get(url).status_code == status


def test_an_invitee_int_cannot_read_is_refused_like_any_stranger(client, plenary, teacher):
    url = reverse("sessions_app:exchange-start", args=[plenary.school.slug])
    response = as_user(client, teacher.user).post(
        url, {"topic": "Tweetallen lezen", "kind": "visit", "invitees": [SUPERSCRIPT_TWO]}
    )
    assert response.status_code == 200
    assert not PeerExchange.objects.exists()


def test_answers_with_a_line_number_or_form_version_no_key_can_be_store_nothing(
    client, plenary, teacher
):
    questionnaire = questionnaire_open(
        questionnaire=Questionnaire.objects.get(session=plenary.session)
    )
    brought = questionnaire.questions.get(kind=Question.Kind.BROUGHT_TOOK)
    teacher_client = as_user(client, teacher.user)
    url = f"/s/{plenary.school.slug}/reflections/{questionnaire.pk}/answer/"
    too_large = teacher_client.post(
        url,
        {
            "action": "save",
            f"q{brought.pk}": "Een leesspel",
            f"q{brought.pk}_took": "Een rekenspel",
            f"q{brought.pk}_from": "9" * 30,
        },
    )
    assert too_large.status_code == 200
    assert "Kies een van de leerlijnen." in too_large.content.decode()
    version = teacher_client.post(
        url, {"action": "save", "form_version": f"{SUPERSCRIPT_TWO}:open:x", f"q{brought.pk}": "x"}
    )
    assert version.status_code == 200  # the page again, "the form changed": nothing stored
    assert not Answer.objects.exists()
