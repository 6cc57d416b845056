"""The admin as a page of the product: its name, a greeting by name, Dutch labels throughout."""

from datetime import UTC, datetime, timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib import admin
from django.forms import SplitDateTimeWidget
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from learninglines.models import MagicLink, OutgoingMail
from tests.admin.conftest import STAFF_PASSWORD
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def test_admin_carries_the_product_name_and_greets_by_name(admin_client):
    response = admin_client.get("/admin/")
    html = response.content.decode()

    assert response.status_code == 200
    assert response.context["site_header"] == "Brengen & Halen"
    assert response.context["title"] == "Beheer"
    assert "<title>Beheer | Brengen &amp; Halen</title>" in html
    assert "Welkom,\n                <strong>Marieke</strong>." in html
    assert "Django" not in html
    assert 'href="/static/css/admin.css"' in html


def test_lockout_tables_are_in_dutch(admin_client):
    AccessAttempt.objects.create(
        user_agent="Firefox",
        ip_address="192.0.2.7",
        username="iemand@school.example",
        http_accept="text/html",
        path_info="/login/",
        get_data="",
        post_data="",
        failures_since_start=2,
    )
    index = admin_client.get("/admin/").content.decode()
    attempts = admin_client.get("/admin/axes/accessattempt/")

    assert "Inlogblokkades" in index
    assert ">Inlogpogingen</a>" in index
    assert ">Mislukte inlogpogingen</a>" in index
    assert attempts.status_code == 200
    assert attempts.context["cl"].opts.verbose_name_plural == "inlogpogingen"
    html = attempts.content.decode()
    assert ">IP-adres</a>" in html
    assert ">Tijdstip van de poging</a>" in html


def test_second_factor_tables_are_in_dutch_and_hide_the_secret(admin_client, staff_device):
    listing = admin_client.get("/admin/otp_totp/totpdevice/")
    change = admin_client.get(f"/admin/otp_totp/totpdevice/{staff_device.pk}/change/")

    assert listing.context["cl"].opts.verbose_name_plural == "authenticator-apps"
    assert listing.context["cl"].result_count == 1
    assert staff_device.key not in change.content.decode()
    assert admin_client.get("/admin/otp_totp/totpdevice/add/").status_code == 403


def test_deleting_the_app_in_the_admin_leads_to_a_new_setup(admin_client, client, staff_user):
    """How another administrator resets a lost phone (docs/admin.md)."""
    device = TOTPDevice.objects.get(user=staff_user)
    admin_client.post(f"/admin/otp_totp/totpdevice/{device.pk}/delete/", {"post": "yes"})
    assert TOTPDevice.objects.filter(user=staff_user).count() == 0

    admin_client.post("/admin/logout/")
    response = client.post(
        "/admin/login/", {"username": staff_user.email, "password": STAFF_PASSWORD}
    )
    assert response["Location"] == "/admin/login/setup/"


def test_backup_codes_table_counts_unused_codes(admin_client, staff_user):
    device = StaticDevice.objects.get(user=staff_user)
    listing = admin_client.get("/admin/otp_static/staticdevice/")

    assert [row.codes for row in listing.context["cl"].result_list] == [2]
    assert listing.context["cl"].result_list[0].pk == device.pk


def test_outgoing_mail_shows_kind_user_school_and_explains_the_placeholder(
    admin_client, teacher, school
):
    mail = OutgoingMail.objects.create(
        to=teacher.user.email,
        subject="Je inloglink",
        body="Open [[personal-link]] om in te loggen.",
        kind=OutgoingMail.Kind.SIGN_IN_LINK,
        user=teacher.user,
        school=school,
    )

    listing = admin_client.get("/admin/learninglines/outgoingmail/")
    change = admin_client.get(f"/admin/learninglines/outgoingmail/{mail.pk}/change/")
    html = change.content.decode()

    assert list(listing.context["cl"].list_display) == [
        "action_checkbox",
        "recipient",
        "subject_shown",
        "kind",
        "user_shown",
        "school",
        "status",
        "created_at",
        "sent_at",
    ]
    assert "inloglink" in listing.content.decode()
    assert (
        "De persoonlijke link wordt pas bij het versturen gemaakt en nooit bewaard: in de tekst "
        "staat [[personal-link]] op de plek van de link."
    ) in html
    assert change.context["adminform"].form.fields == {}  # everything read-only


def test_school_page_labels_every_inline_field(admin_client, school):
    school.years.create(name="2026-2027", start="2026-08-01", end="2027-07-31")

    html = admin_client.get(f"/admin/learninglines/school/{school.pk}/change/").content.decode()

    for field in ["name", "start", "end", "DELETE"]:
        assert f'for="id_years-0-{field}"' in html


def test_staff_without_a_school_are_sent_to_the_admin_not_to_the_steering_group(client, staff_user):
    client.force_login(staff_user)
    response = client.get("/")
    html = response.content.decode()

    assert response.status_code == 200
    assert "stuurgroep" not in html
    assert "Je beheert Brengen &amp; Halen" in html
    assert 'href="/admin/">Naar het beheer</a>' in html


def test_the_school_year_page_leaves_the_retention_dates_to_the_app(admin_client):
    # apply_retention sets them; an editable one was a pair of boxes without labels
    response = admin_client.get("/admin/learninglines/schoolyear/add/")
    fields = set(response.context["adminform"].form.fields)
    assert fields == {"school", "name", "start", "end", "cycle_started_on"}
    html = response.content.decode()
    assert 'id="id_retention_notified_at_0"' not in html


def test_the_admin_index_and_the_user_form_have_no_english_left(admin_client):
    # Django 5.2's admin shows words its own Dutch catalogue lacks; ours has them
    index = admin_client.get("/admin/").content.decode()
    assert '<th scope="col">Modelnaam</th>' in index
    assert '<th scope="col">Link om toe te voegen</th>' in index
    assert "Add link" not in index
    add_user = admin_client.get("/admin/learninglines/user/add/").content.decode()
    assert "Nadat je een gebruiker hebt aangemaakt, kun je meer gebruikersopties bewerken." in (
        add_user
    )


def test_yes_and_no_columns_are_read_out_in_dutch_and_still_sort(admin_client, staff_user):
    MemberFactory(first_name="Sanne", last_name="Visser", is_steering=True)
    MemberFactory(first_name="Daan", last_name="Smit", is_steering=False)
    members = admin_client.get("/admin/learninglines/member/?o=-4").content.decode()
    assert 'alt="ja"' in members
    assert 'alt="nee"' in members
    assert 'alt="True"' not in members
    assert 'alt="False"' not in members
    # sorted on the steering group column, descending: Sanne first
    assert members.index("Visser, Sanne") < members.index("Smit, Daan")
    assert 'class="sortable column-is_steering_column sorted descending"' in members
    users = admin_client.get("/admin/learninglines/user/").content.decode()
    assert 'alt="True"' not in users
    assert 'alt="ja"' in users  # staff_user is staff and active


def test_a_mails_sign_in_link_reads_the_same_local_time_as_the_mail(admin_client, teacher):
    """Both at 14:42 UTC: the link read "2026-12-07 14:42" beside "queued at ... 15:42"."""
    moment = datetime(2026, 12, 7, 14, 42, tzinfo=UTC)
    link = MagicLink.objects.create(
        user=teacher.user,
        purpose=MagicLink.Purpose.INVITE,
        school=teacher.school,
        created_at=moment,
        expires_at=moment + timedelta(days=14),
    )
    mail = OutgoingMail.objects.create(
        to=teacher.user.email,
        subject="Je persoonlijke link",
        body="Open [[personal-link]].",
        kind=OutgoingMail.Kind.INVITATION,
        user=teacher.user,
        school=teacher.school,
        magic_link=link,
        created_at=moment,
    )

    html = admin_client.get(f"/admin/learninglines/outgoingmail/{mail.pk}/change/").content.decode()

    assert f"uitnodiging {teacher.user.email} 7 december 2026 15:42</a>" in html
    assert '<div class="readonly">7 december 2026 15:42</div>' in html
    assert "14:42" not in html


def test_no_admin_form_has_a_split_date_time_widget(rf, staff_user):
    """Django's date-and-time widget is two boxes without a label each (axe: "Form elements
    must have labels"): every time in the admin is read-only, set by the app."""
    request = rf.get("/admin/")
    request.user = staff_user
    checked = 0
    for model, model_admin in admin.site._registry.items():
        for obj in (None, model()):
            forms_ = [model_admin.get_form(request, obj, change=obj is not None)]
            forms_ += [
                inline.get_formset(request, obj).form
                for inline in model_admin.get_inline_instances(request, obj)
            ]
            for form in forms_:
                for name, field in form.base_fields.items():
                    checked += 1
                    assert not isinstance(field.widget, SplitDateTimeWidget), (model, name)
    assert checked > 50


def test_the_admin_refuses_a_member_as_coach_of_their_own_school(admin_client, school):
    from learninglines.models import CoachAssignment
    from tests.factories import MemberFactory

    member = MemberFactory(school=school)
    response = admin_client.post(
        "/admin/learninglines/coachassignment/add/",
        {"email": member.user.email, "school": school.pk},
    )
    assert response.status_code == 200
    assert (
        f"{member.user.email} is lid van het team van deze school: een coach is nooit lid van "
        "het team." in response.content.decode()
    )
    assert not CoachAssignment.objects.exists()
