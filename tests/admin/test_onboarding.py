"""Staff onboard a school in the admin: the school and its year, its steering group and coach,
their invitations, a second school, blocking, erasure, and what support staff may change."""

from datetime import date

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from learninglines.models import (
    CoachAssignment,
    LearningLine,
    LineMembership,
    MagicLink,
    Member,
    OutgoingMail,
    School,
    SchoolYear,
    User,
)
from learninglines.services.privacy import member_erase
from learninglines.services.signin import magic_link_create
from tests.factories import CoachAssignmentFactory, MemberFactory, SchoolFactory, UserFactory

pytestmark = pytest.mark.django_db

SCHOOL_ADD = "/admin/learninglines/school/add/"
MEMBER_ADD = "/admin/learninglines/member/add/"
COACH_ADD = "/admin/learninglines/coachassignment/add/"


def school_data(**fields) -> dict:
    return {
        "name": "Basisschool Het Anker",
        "slug": "het-anker",
        "language": "nl",
        "line_meetings_before_plenary": 3,
        "retention_years": 2,
        "years-TOTAL_FORMS": 0,
        "years-INITIAL_FORMS": 0,
        "coach_assignments-TOTAL_FORMS": 0,
        "coach_assignments-INITIAL_FORMS": 0,
        **fields,
    }


def years(*rows: tuple[str, str, str], initial: int = 0) -> dict:
    data = {"years-TOTAL_FORMS": len(rows), "years-INITIAL_FORMS": initial}
    for n, (name, start, end) in enumerate(rows):
        data |= {f"years-{n}-name": name, f"years-{n}-start": start, f"years-{n}-end": end}
    return data


def member_data(school: School, **fields) -> dict:
    return {
        "email": "Nina.Bos@HetAnker.example",
        "school": school.pk,
        "first_name": "Nina",
        "name_prefix": "",
        "last_name": "Bos",
        "is_steering": "on",
        "send_invite": "on",
        **fields,
    }


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def errors_of(response) -> list[str]:
    form = response.context["adminform"].form
    errors = [str(e) for e in form.non_field_errors()]
    errors += [f"{name}: {e}" for name, field_errors in form.errors.items() for e in field_errors]
    for formset in response.context.get("inline_admin_formsets", []):
        errors += [str(e) for e in formset.formset.non_form_errors()]
    return [e for e in errors if not e.startswith("__all__")]


# --- The school and its year ---


def test_a_school_made_in_the_admin_opens_the_current_school_year(admin_client):
    response = admin_client.post(SCHOOL_ADD, school_data())

    assert response.status_code == 302
    school = School.objects.get(slug="het-anker")
    year = school.years.get()
    assert (year.name, year.start, year.end, year.cycle_started_on) == (
        "2026-2027",
        date(2026, 8, 1),
        date(2027, 7, 31),
        date(2026, 8, 1),
    )
    shown = messages_of(response)
    assert any("2026-2027" in m and "2026-08-01" in m and "2027-07-31" in m for m in shown)
    # and the next step: the first steering member, with the school filled in
    assert any(
        f'href="/admin/learninglines/member/add/?school={school.pk}&amp;is_steering=1"' in m
        for m in shown
    )


def test_a_school_made_with_its_own_year_gets_no_second_one(admin_client):
    data = school_data() | years(("2027-2028", "2027-08-01", "2028-07-31"))
    admin_client.post(SCHOOL_ADD, data)

    school = School.objects.get(slug="het-anker")
    assert list(school.years.values_list("name", flat=True)) == ["2027-2028"]


def test_two_overlapping_years_on_a_new_schools_page_are_refused_not_an_error_page(admin_client):
    data = school_data() | years(
        ("2026-2027", "2026-08-01", "2027-07-31"), ("extra", "2026-09-01", "2027-07-31")
    )
    response = admin_client.post(SCHOOL_ADD, data)

    assert response.status_code == 200
    assert errors_of(response) == [
        "Dit schooljaar overlapt met 2026-2027 (2026-08-01 tot en met 2027-07-31)."
    ]
    assert not School.objects.filter(slug="het-anker").exists()


def test_two_new_overlapping_years_on_an_existing_schools_page_are_refused(admin_client, school):
    response = admin_client.post(
        f"/admin/learninglines/school/{school.pk}/change/",
        school_data(name=school.name, slug=school.slug)
        | years(("2027-2028", "2027-08-01", "2028-07-31"), ("lang", "2028-01-01", "2028-12-31")),
    )

    assert response.status_code == 200
    assert errors_of(response) == [
        "Dit schooljaar overlapt met 2027-2028 (2027-08-01 tot en met 2028-07-31)."
    ]
    assert not SchoolYear.objects.filter(school=school).exists()


def test_an_overlapping_year_on_the_school_year_page_is_refused(admin_client, school):
    SchoolYear.objects.create(
        school=school, name="2026-2027", start=date(2026, 8, 1), end=date(2027, 7, 31)
    )
    response = admin_client.post(
        "/admin/learninglines/schoolyear/add/",
        {"school": school.pk, "name": "kort", "start": "2027-01-01", "end": "2027-12-31"},
    )

    assert response.status_code == 200
    assert errors_of(response) == [
        "Dit schooljaar overlapt met 2026-2027 (2026-08-01 tot en met 2027-07-31)."
    ]


def test_the_account_page_sends_team_members_and_coaches_to_their_own_pages(admin_client, settings):
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = admin_client.get("/admin/learninglines/user/add/").content.decode()
    assert (
        "A team member or a coach is added by address on the team member or coach assignment "
        "page: their account is made there, and the invitation sent. Add an account here for "
        "staff only."
    ) in html


def test_a_year_never_moves_to_another_school(admin_client, school, other_school):
    year = SchoolYear.objects.create(
        school=school, name="2026-2027", start=date(2026, 8, 1), end=date(2027, 7, 31)
    )
    admin_client.post(
        f"/admin/learninglines/schoolyear/{year.pk}/change/",
        {
            "school": other_school.pk,
            "name": "2026-2027",
            "start": "2026-08-01",
            "end": "2027-07-31",
        },
    )
    year.refresh_from_db()
    assert year.school == school


# --- The steering group: one page, with the invitation ---


def test_the_next_step_link_opens_the_member_page_with_school_and_steering_filled_in(
    admin_client, school
):
    response = admin_client.get(f"{MEMBER_ADD}?school={school.pk}&is_steering=1")
    form = response.context["adminform"].form

    assert list(form.fields) == [
        "email",
        "school",
        "first_name",
        "name_prefix",
        "last_name",
        "is_steering",
        "send_invite",
    ]
    assert form["school"].value() == str(school.pk)
    html = response.content.decode()
    assert 'name="is_steering" value="1" id="id_is_steering" checked>' in html
    assert 'name="send_invite" id="id_send_invite" checked>' in html
    assert '<label class="required" for="id_email">E-mailadres:</label>' in html


def test_a_steering_member_is_added_by_address_and_invited_in_one_step(admin_client, school):
    response = admin_client.post(MEMBER_ADD, member_data(school))

    assert response.status_code == 302
    member = Member.objects.get(school=school)
    assert (member.full_name, member.is_steering, member.is_active) == ("Nina Bos", True, True)
    assert member.user.email == "nina.bos@hetanker.example"
    assert not member.user.has_usable_password()
    mail = OutgoingMail.objects.get()
    assert (mail.to, mail.kind, mail.school, mail.user) == (
        "nina.bos@hetanker.example",
        OutgoingMail.Kind.INVITATION,
        school,
        member.user,
    )
    assert mail.subject == "Jouw persoonlijke link naar Basisschool De Regenboog"
    assert mail.body.startswith("Hallo Nina,\n")
    assert (mail.magic_link.purpose, mail.magic_link.school) == (MagicLink.Purpose.INVITE, school)
    assert "nina.bos@hetanker.example" in " ".join(messages_of(response))


def test_the_invitation_speaks_the_schools_language(admin_client):
    english = SchoolFactory(name="International School Delft", slug="isd", language="en")
    admin_client.post(MEMBER_ADD, member_data(english))

    assert OutgoingMail.objects.get().subject == "Your personal link to International School Delft"


def test_a_member_added_without_an_invitation_gets_no_mail(admin_client, school):
    data = member_data(school)
    del data["send_invite"]
    admin_client.post(MEMBER_ADD, data)

    assert Member.objects.filter(school=school).count() == 1
    assert not OutgoingMail.objects.exists()


def test_a_second_school_for_an_existing_account_keeps_the_one_account(
    admin_client, school, other_school
):
    first = MemberFactory(school=other_school, user__email="nina.bos@hetanker.example")

    admin_client.post(MEMBER_ADD, member_data(school, is_steering=""))

    assert User.objects.filter(email="nina.bos@hetanker.example").count() == 1
    assert set(first.user.memberships.values_list("school__slug", "is_steering")) == {
        ("de-vlinder", False),
        ("de-regenboog", False),
    }
    assert OutgoingMail.objects.get().subject == (
        "Jouw persoonlijke link naar Basisschool De Regenboog"
    )


def test_the_same_person_twice_on_one_team_is_refused(admin_client, settings, school):
    MemberFactory(
        school=school,
        user__email="nina.bos@hetanker.example",
        first_name="Nina",
        last_name="Bos",
        is_active=False,
    )
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = admin_client.post(MEMBER_ADD, member_data(school))

    assert errors_of(response) == [
        "email: Nina Bos is on this school's team with this address already."
    ]
    assert Member.objects.filter(school=school).count() == 1


def test_the_schools_coach_is_refused_as_a_team_member(admin_client, school, coach):
    response = admin_client.post(MEMBER_ADD, member_data(school, email=coach.email))

    assert response.status_code == 200
    assert errors_of(response) == [
        "email: Dit adres hoort bij de coach van de school, en een coach is nooit lid van het team."
    ]
    assert not Member.objects.filter(user=coach).exists()


def test_the_user_page_lists_memberships_but_adds_none(admin_client, school, coach):
    """Its inline added a member without the checks: the school's coach on its own team."""
    response = admin_client.post(
        f"/admin/learninglines/user/{coach.pk}/change/",
        {
            "email": coach.email,
            "name": coach.name,
            "is_active": "on",
            "memberships-TOTAL_FORMS": 1,
            "memberships-INITIAL_FORMS": 0,
            "memberships-0-school": school.pk,
            "memberships-0-first_name": "Carla",
            "memberships-0-last_name": "Coach",
            "memberships-0-is_steering": "on",
            "memberships-0-is_active": "on",
            "coach_assignments-TOTAL_FORMS": 0,
            "coach_assignments-INITIAL_FORMS": 0,
        },
    )

    assert response.status_code == 302
    assert not Member.objects.filter(user=coach).exists()


# --- Changing a member ---


def test_a_member_stays_with_their_school_and_account(admin_client, school, other_school, teacher):
    other = UserFactory()
    admin_client.post(
        f"/admin/learninglines/member/{teacher.pk}/change/",
        {
            "user": other.pk,
            "school": other_school.pk,
            "first_name": "Sanne",
            "last_name": "Jansen-de Wit",
            "is_active": "on",
        },
    )

    teacher.refresh_from_db()
    assert (teacher.school, teacher.user != other, teacher.last_name) == (
        school,
        True,
        "Jansen-de Wit",
    )


def test_deactivating_in_the_admin_ends_the_line_and_the_links_as_the_team_page_does(
    admin_client, school, teacher
):
    year = SchoolYear.objects.create(
        school=school, name="2026-2027", start=date(2026, 8, 1), end=date(2027, 7, 31)
    )
    line = LearningLine.objects.create(
        school=school, year=year, letter="A", name="Rekenen", colour="blue"
    )
    membership = LineMembership.objects.create(member=teacher, line=line, start=year.start)
    link = magic_link_create(user=teacher.user, purpose=MagicLink.Purpose.INVITE, school=school)

    admin_client.post(
        f"/admin/learninglines/member/{teacher.pk}/change/",
        {"first_name": "Sanne", "last_name": "Jansen"},  # "active" unticked
    )

    teacher.refresh_from_db()
    membership.refresh_from_db()
    link.refresh_from_db()
    assert teacher.is_active is False
    assert membership.end == date(2026, 11, 17)
    assert link.revoked_at is not None


def test_an_erased_member_cannot_be_renamed_in_the_admin(admin_client, school, teacher, steering):
    member_erase(member=teacher, by=steering.user)
    teacher.refresh_from_db()
    name = teacher.full_name

    page = admin_client.get(f"/admin/learninglines/member/{teacher.pk}/change/")
    admin_client.post(
        f"/admin/learninglines/member/{teacher.pk}/change/",
        {"first_name": "Sanne", "last_name": "Jansen", "is_active": "on"},
    )

    teacher.refresh_from_db()
    assert (teacher.full_name, teacher.is_active) == (name, False)
    assert name.startswith("Oud-teamlid ")
    assert page.status_code == 200
    assert page.context["adminform"].form.fields == {}


# --- The coach ---


def test_a_new_coach_is_assigned_by_address_and_invited(admin_client, school):
    response = admin_client.post(
        COACH_ADD,
        {"email": "Carla@Coaching.example", "name": "Carla Coach", "school": school.pk},
    )

    assert response.status_code == 302
    assignment = CoachAssignment.objects.get()
    assert (assignment.user.email, assignment.user.name, assignment.school) == (
        "carla@coaching.example",
        "Carla Coach",
        school,
    )
    assert not assignment.user.memberships.exists()
    mail = OutgoingMail.objects.get()
    assert (mail.to, mail.kind, mail.subject) == (
        "carla@coaching.example",
        OutgoingMail.Kind.INVITATION,
        "Jouw persoonlijke link naar Basisschool De Regenboog",
    )
    assert mail.body.startswith("Hallo Carla,\n")


def test_a_coach_of_another_school_coaches_a_second_one_with_the_same_account(
    admin_client, school, other_school
):
    first = CoachAssignmentFactory(school=other_school, user__email="carla@coaching.example")
    admin_client.post(COACH_ADD, {"email": "carla@coaching.example", "school": school.pk})

    assert set(CoachAssignment.objects.values_list("user", "school")) == {
        (first.user.pk, other_school.pk),
        (first.user.pk, school.pk),
    }


def test_a_current_coach_assigned_again_is_told_so(admin_client, settings, school, coach):
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = admin_client.post(COACH_ADD, {"email": coach.email, "school": school.pk})

    assert response.status_code == 200
    assert errors_of(response) == [f"{coach.email} is a coach of this school already."]
    assert CoachAssignment.objects.count() == 1
    assert not OutgoingMail.objects.exists()


# --- Blocking an account ---


def test_a_blocked_account_is_signed_out_and_gets_no_more_links(admin_client, school, teacher):
    client = Client()
    client.force_login(teacher.user)
    assert client.get(f"/s/{school.slug}/").status_code == 200

    admin_client.post(
        f"/admin/learninglines/user/{teacher.user.pk}/change/",
        {
            "email": teacher.user.email,
            "name": "",
            "memberships-TOTAL_FORMS": 1,
            "memberships-INITIAL_FORMS": 1,
            "memberships-0-id": teacher.pk,
            "memberships-0-user": teacher.user.pk,
            "coach_assignments-TOTAL_FORMS": 0,
            "coach_assignments-INITIAL_FORMS": 0,
        },  # "active" unticked
    )

    teacher.user.refresh_from_db()
    assert teacher.user.is_active is False
    assert client.get(f"/s/{school.slug}/").status_code == 302
    response = admin_client.post(
        "/admin/learninglines/member/",
        {"action": "send_sign_in_link", "_selected_action": [teacher.pk]},
    )
    assert not OutgoingMail.objects.exists()
    assert "0 inloglinks klaargezet." in messages_of(response)


# --- Support staff without superuser rights ---


@pytest.fixture
def support(db):
    """Staff with every right on schools, people and mail, but not a superuser."""
    client = Client()
    user = UserFactory(email="support@brengenhalen.example", name="Sam Support", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="learninglines"))
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    client.user = user
    return client


def test_support_staff_cannot_give_themselves_administrator_rights(support):
    me = support.user
    page = support.get(f"/admin/learninglines/user/{me.pk}/change/")
    support.post(
        f"/admin/learninglines/user/{me.pk}/change/",
        {
            "email": me.email,
            "name": me.name,
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
            "user_permissions": list(Permission.objects.values_list("pk", flat=True)),
            "memberships-TOTAL_FORMS": 0,
            "memberships-INITIAL_FORMS": 0,
            "coach_assignments-TOTAL_FORMS": 0,
            "coach_assignments-INITIAL_FORMS": 0,
        },
    )

    me.refresh_from_db()
    assert list(page.context["adminform"].form.fields) == ["email", "name", "password", "is_active"]
    assert me.is_superuser is False
    assert (
        me.user_permissions.count()
        == Permission.objects.filter(content_type__app_label="learninglines").count()
    )


def test_support_staff_cannot_change_a_superusers_address_or_password(support, staff_user):
    page = support.get(f"/admin/learninglines/user/{staff_user.pk}/change/")
    support.post(
        f"/admin/learninglines/user/{staff_user.pk}/change/",
        {"email": "support@brengenhalen.example.invalid", "is_active": "on"},
    )
    password = support.get(f"/admin/learninglines/user/{staff_user.pk}/password/")

    staff_user.refresh_from_db()
    assert staff_user.email == "beheer@school.example"
    assert page.status_code == 200  # read only
    assert "email" not in page.context["adminform"].form.fields
    assert password.status_code == 403


def test_support_staff_see_the_schools_people_and_mail_but_not_the_sign_in_security(support):
    index = support.get("/admin/")
    names = {model["object_name"] for app in index.context["app_list"] for model in app["models"]}

    assert names == {
        "School",
        "SchoolYear",
        "Member",
        "CoachAssignment",
        "User",
        "MagicLink",
        "OutgoingMail",
    }
    assert support.get("/admin/otp_totp/totpdevice/").status_code == 403
    assert support.get("/admin/auth/group/").status_code == 403


def test_every_page_of_the_admin_opens_for_staff(
    admin_client, support, rf, staff_user, school, teacher, coach
):
    """Every list, add and change page, for a superuser and for support staff."""
    SchoolYear.objects.create(
        school=school, name="2026-2027", start=date(2026, 8, 1), end=date(2027, 7, 31)
    )
    link = magic_link_create(user=teacher.user, purpose=MagicLink.Purpose.INVITE, school=school)
    OutgoingMail.objects.create(
        to=teacher.user.email, subject="Je link", body="[[personal-link]]", magic_link=link
    )
    opened = 0
    for model, model_admin in admin.site._registry.items():
        base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        request = rf.get("/admin/")
        request.user = staff_user
        obj = model_admin.get_queryset(request).first()
        urls = [base, f"{base}add/"] + ([f"{base}{obj.pk}/change/"] if obj else [])
        for url in urls:
            status = admin_client.get(url).status_code
            assert status in (200, 403), (url, status)
            opened += status == 200
            if model._meta.app_label == "learninglines":
                assert support.get(url).status_code in (200, 403), url
    assert opened >= 25


# --- Language ---


def test_the_new_pages_follow_the_language_switch(admin_client, settings, school):
    dutch = admin_client.get(MEMBER_ADD).content.decode()
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = admin_client.get(MEMBER_ADD).content.decode()

    assert 'for="id_email">E-mailadres:</label>' in dutch
    assert 'for="id_email">E-mail address:</label>' in english
    assert 'for="id_send_invite">Mail a personal invitation link now</label>' in english
