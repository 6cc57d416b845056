"""Who may import staff: steering group and coach; a teacher gets 403, a stranger 404."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from learninglines.models import Member, StaffImport
from learninglines.services.imports import staff_import_create
from tests.learninglines.test_import_files import DUTCH_HEADERS, csv_file

pytestmark = pytest.mark.django_db

URL = "/s/de-regenboog/team/import/"
ROLES = ["steering", "coach", "teacher", "stranger", "no_school", "anonymous"]
ONE_PERSON = csv_file([DUTCH_HEADERS, ["Daan", "", "Berg", "daan@school.example", "", ""]])


def as_user(client, user):
    if user is not None:
        client.force_login(user)
    return client


def stored_upload(school, people, who):
    """An upload of `who` where they may upload, else of the steering member."""
    by = people[who] if who in ("steering", "coach") else people["steering"]
    return staff_import_create(school=school, by=by, file_name="team.csv", content=ONE_PERSON)


def login_redirect(path):
    return "/login/?next=" + path


@pytest.mark.parametrize(
    ("who", "status"),
    list(zip(ROLES, [200, 200, 403, 404, 404, 302], strict=True)),
)
@pytest.mark.parametrize("path", ["", "template.xlsx", "template.csv"])
def test_upload_page_and_templates(client, people, who, status, path):
    response = as_user(client, people[who]).get(URL + path)
    assert response.status_code == status
    if who == "anonymous":
        assert response["Location"] == login_redirect(URL + path)


@pytest.mark.parametrize(
    ("who", "status", "stored"),
    list(zip(ROLES, [302, 302, 403, 404, 404, 302], [1, 1, 0, 0, 0, 0], strict=True)),
)
def test_upload_post(client, people, who, status, stored):
    upload = SimpleUploadedFile("team.csv", ONE_PERSON)
    response = as_user(client, people[who]).post(URL, {"file": upload})
    assert response.status_code == status
    assert StaffImport.objects.count() == stored
    if stored:
        assert response["Location"] == f"{URL}{StaffImport.objects.get().pk}/"


@pytest.mark.parametrize(
    ("who", "status"),
    list(zip(ROLES, [200, 200, 403, 404, 404, 302], strict=True)),
)
def test_preview_page(client, school, people, who, status):
    staff_import = stored_upload(school, people, who)
    response = as_user(client, people[who]).get(f"{URL}{staff_import.pk}/")
    assert response.status_code == status


@pytest.mark.parametrize(
    ("who", "status"),
    list(zip(ROLES, [302, 302, 403, 404, 404, 302], strict=True)),
)
def test_column_choice_post(client, school, people, who, status):
    staff_import = stored_upload(school, people, who)
    url = f"{URL}{staff_import.pk}/"
    # Leave out the name prefix; keep the other columns as recognised.
    choices = ["first_name", "", "last_name", "email", "line", "steering"]
    data = {f"column_{index}": field for index, field in enumerate(choices)}
    response = as_user(client, people[who]).post(url, data)
    assert response.status_code == status
    assert StaffImport.objects.get().mapping == ({"1": ""} if who in ("steering", "coach") else {})


@pytest.mark.parametrize(
    ("who", "status", "added"),
    list(zip(ROLES, [302, 302, 403, 404, 404, 302], [1, 1, 0, 0, 0, 0], strict=True)),
)
def test_confirm(client, school, people, who, status, added):
    staff_import = stored_upload(school, people, who)
    before = Member.objects.count()
    client = as_user(client, people[who])
    fingerprint = ""
    if added:
        fingerprint = client.get(f"{URL}{staff_import.pk}/").context["preview"].fingerprint
    response = client.post(f"{URL}{staff_import.pk}/confirm/", {"fingerprint": fingerprint})
    assert response.status_code == status
    assert Member.objects.count() == before + added
    if added:
        assert response["Location"] == "/s/de-regenboog/team/"


def test_state_changes_are_post_only(client, school, people):
    staff_import = stored_upload(school, people, "steering")
    client.force_login(people["steering"])
    assert client.get(f"{URL}{staff_import.pk}/confirm/").status_code == 405
    assert client.put(URL).status_code == 405
    assert client.delete(f"{URL}{staff_import.pk}/").status_code == 405


def test_an_upload_of_another_school_is_not_found_here(client, people, other_school, stranger):
    theirs = staff_import_create(
        school=other_school, by=stranger, file_name="team.csv", content=ONE_PERSON
    )
    client.force_login(people["steering"])
    assert client.get(f"{URL}{theirs.pk}/")["Location"] == URL
    client.post(f"{URL}{theirs.pk}/confirm/", {"fingerprint": ""})
    assert StaffImport.objects.filter(pk=theirs.pk).exists()
