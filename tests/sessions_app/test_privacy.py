"""Privacy rights: every field classified, a person's export, the steering group's export,
erasure that keeps the team's history, retention, the privacy page, and who may do what."""

import io
import json
import zipfile
from datetime import UTC, date, datetime, timedelta

import pytest
from axes.models import AccessAttempt
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from exchange.privacy import LINE_PERMISSIONS, PERMISSION_WORDS, permission_matrix
from learninglines.models import (
    CalendarFeed,
    Erasure,
    LogEntry,
    MagicLink,
    MagicLinkUse,
    Member,
    OutgoingMail,
    SchoolYear,
)
from learninglines.permissions import PERMISSIONS
from learninglines.privacy import PERSONAL_FIELDS
from learninglines.services.journal import calendar_feed_get_or_create, log_entry_create
from learninglines.services.privacy import (
    member_erase,
    member_export_for_steering,
    person_export,
    retention_apply,
)
from learninglines.services.signin import magic_link_create
from sessions_app.models import Answer, Reflection, ReflectionReminder, Seat, SessionAttendance
from sessions_app.selectors.overview import OverviewFilter, school_overview
from sessions_app.services.exchanges import ambition_save
from sessions_app.services.reflections import (
    AnswerData,
    questionnaire_open,
    reflection_submit,
)
from sessions_app.services.sessions import session_hold
from tests.dutch import long_date
from tests.factories import MemberFactory, SchoolFactory
from tests.sessions_app.plenary import ROLES, as_user, login_redirect, plenary_of

pytestmark = pytest.mark.django_db


def test_every_field_of_every_model_is_classified():
    missing, extra = [], []
    for app in ("learninglines", "sessions_app"):
        for model in apps.get_app_config(app).get_models():
            fields = {field.name for field in model._meta.concrete_fields}
            known = PERSONAL_FIELDS.get(model._meta.label)
            if known is None:
                missing.append(model._meta.label)
                continue
            missing += [f"{model._meta.label}.{name}" for name in sorted(fields - set(known))]
            extra += [f"{model._meta.label}.{name}" for name in sorted(set(known) - fields)]
    assert (missing, extra) == ([], [])


# --- a member with a bit of everything ---


@pytest.fixture
def story(plenary):
    """The plenary's session held; the teacher (members[1]) answered every kind of question,
    keeps a log, an ambition and a calendar address; a sign-in link and a mail exist."""
    session_hold(session=plenary.session)
    questionnaire = questionnaire_open(questionnaire=plenary.session.questionnaire)
    learned, _bt, tried, _talk, useful = list(questionnaire.questions.order_by("position"))
    member = plenary.members[1]
    reflection_submit(
        questionnaire=questionnaire,
        member=member,
        answers={
            learned.pk: AnswerData(text="Benoemd antwoord"),
            tried.pk: AnswerData(text="Geheim plan"),
            useful.pk: AnswerData(value=4),
        },
    )
    log_entry_create(author=member, date=timezone.localdate(), tried="Mijn logboek")
    ambition_save(member=member, year=plenary.year, text="Mijn ambitie", sharing="private")
    calendar_feed_get_or_create(member=member)
    magic_link_create(user=member.user, purpose=MagicLink.Purpose.SIGN_IN, school=plenary.school)
    OutgoingMail.objects.create(
        to=member.user.email, subject="Hallo", body="x", user=member.user, school=plenary.school
    )
    return plenary, member


def _read(content: bytes) -> tuple[dict, str]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert sorted(archive.namelist()) == ["data.json", "index.html"]
        return json.loads(archive.read("data.json")), archive.read("index.html").decode()


def test_a_persons_own_export_holds_everything_about_them(story):
    plenary, member = story
    data, html = _read(person_export(user=member.user))
    text = json.dumps(data, ensure_ascii=False)
    for expected in (
        member.user.email,
        "Benoemd antwoord",
        "Geheim plan",
        "Mijn logboek",
        "Mijn ambitie",
        "Hallo",
        plenary.lines[1].name,
    ):
        assert expected in text
        assert expected in html
    assert [school["school"] for school in data["schools"]] == [plenary.school.name]
    seats = data["schools"][0]["sections"]["Plenaire bijeenkomsten: plaatsen"]
    assert len(seats) == Seat.objects.filter(member=member).count() > 0
    # A sign-in link is described, never given.
    assert "/login/link/" not in text
    assert "Sign-in" not in html
    assert "Inloglinks" in html


def test_the_own_export_holds_the_calendar_address_link_uses_and_reminders(story):
    """That a calendar address exists (never its secret), when each sign-in link was used,
    and the reminders to fill in a reflection form."""
    plenary, member = story
    link = MagicLink.objects.get(user=member.user)
    MagicLinkUse.objects.create(link=link)
    questionnaire = plenary.session.questionnaire
    ReflectionReminder.objects.create(questionnaire=questionnaire, member=member)
    data, html = _read(person_export(user=member.user))
    sections = data["schools"][0]["sections"]
    assert len(sections["Persoonlijk agenda-adres"]) == 1
    assert CalendarFeed.objects.get(member=member).token not in json.dumps(data)
    assert [row["reflectieformulier"] for row in sections["Herinneringen aan reflecties"]] == [
        questionnaire.title
    ]
    [row] = data["sections"]["Inloglinks"]
    assert row["gebruikt op"].count(":") == 1  # one use, to the minute
    assert "Herinneringen aan reflecties" in html


def test_the_export_writes_moments_in_local_time_to_the_minute_and_yes_or_no(story):
    _plenary, member = story
    made = datetime(2026, 12, 7, 6, 38, 25, 76260, tzinfo=UTC)
    member.user.last_login = made
    member.user.save(update_fields=["last_login"])
    data, html = _read(person_export(user=member.user, now=made))
    assert data["exported_at"] == "2026-12-07 07:38"
    assert "Gemaakt op 2026-12-07 07:38." in html
    assert data["sections"]["Account"][0]["laatst ingelogd"] == "2026-12-07 07:38"
    row = data["schools"][0]["sections"]["Teamlid"][0]
    assert (row["stuurgroep"], row["actief"]) == ("nee", "ja")
    assert "True" not in html
    assert "False" not in html


def test_the_export_says_yes_or_no_for_an_absence_at_a_plenary_session(story):
    plenary, member = story
    SessionAttendance.objects.update_or_create(
        session=plenary.session, member=member, defaults={"absent": True}
    )
    for content in (person_export(user=member.user), member_export_for_steering(member=member)):
        data, html = _read(content)
        [row] = data["schools"][0]["sections"]["Plenaire bijeenkomsten: aanwezigheid"]
        assert row["afwezig"] == "ja"
        assert "True" not in html


def test_the_steering_groups_export_holds_only_what_it_may_read(story):
    _plenary, member = story
    data, html = _read(member_export_for_steering(member=member))
    text = json.dumps(data, ensure_ascii=False)
    assert "Benoemd antwoord" in text
    for secret in ("Geheim plan", "Mijn logboek", "Mijn ambitie", "Hallo", member.user.email):
        assert secret not in text
        assert secret not in html
    answers = data["schools"][0]["sections"]["Reflectieantwoorden"]
    # The named answer only: not the anonymous scale, not the private one.
    assert [row["antwoord"] for row in answers] == ["Benoemd antwoord"]


def test_the_steering_groups_export_says_whether_someone_signed_in_not_when(story):
    """Their pages say "has signed in"; the moment is the person's own to download."""
    _plenary, member = story
    seen = timezone.make_aware(datetime(2026, 9, 3, 7, 42))
    Member.objects.filter(pk=member.pk).update(first_seen_at=seen)
    member.refresh_from_db()
    steering_row = _read(member_export_for_steering(member=member))[0]["schools"][0]["sections"][
        "Teamlid"
    ][0]
    own_row = _read(person_export(user=member.user))[0]["schools"][0]["sections"]["Teamlid"][0]
    assert steering_row["heeft ingelogd"] == "ja"
    assert "2026-09-03" not in json.dumps(steering_row)
    assert own_row["voor het eerst op de pagina's van de school"] == "2026-09-03 07:42"


# --- erasure ---


def test_erasure_anonymises_and_keeps_the_teams_history(story, steering):
    plenary, member = story
    user = member.user
    before = school_overview(school=plenary.school, filters=OverviewFilter(year=plenary.year))
    seats = Seat.objects.filter(member=member).count()
    Member.objects.filter(pk=member.pk).update(first_seen_at=timezone.now())
    result = member_erase(member=member, by=steering.user)
    member.refresh_from_db()
    user.refresh_from_db()
    assert (member.first_name, member.name_prefix, member.last_name) == ("Oud-teamlid", "", "1")
    assert (member.is_active, member.first_seen_at) == (False, None)
    assert result.account_closed is True
    assert (user.is_active, user.has_usable_password(), user.name) == (False, False, "")
    assert user.email == f"erased-{user.pk}@erased.invalid"
    assert Seat.objects.filter(member=member).count() == seats
    assert LogEntry.objects.filter(author=member).count() == 0
    assert CalendarFeed.objects.filter(member=member).count() == 0
    assert MagicLink.objects.filter(user=user).count() == 0
    assert OutgoingMail.objects.filter(user=user).count() == 0
    kept = list(Answer.objects.filter(reflection__member=member).values_list("text", flat=True))
    assert sorted(kept) == ["", "Benoemd antwoord"]
    assert Reflection.objects.filter(member=member).count() == 1
    erasure = Erasure.objects.get()
    assert (erasure.member, erasure.number, erasure.by) == (member, 1, steering.user)
    after = school_overview(school=plenary.school, filters=OverviewFilter(year=plenary.year))
    assert after.encounters.matrix == before.encounters.matrix
    assert [r.answered for r in after.sessions] == [r.answered for r in before.sessions]


def test_erasure_keeps_the_account_of_someone_still_in_another_school(story, other_school):
    _plenary, member = story
    user = member.user
    MemberFactory(school=other_school, user=user)
    result = member_erase(member=member, by=None)
    member.refresh_from_db()
    user.refresh_from_db()
    assert result.account_closed is False
    assert user.is_active is True
    assert member.user_id != user.pk
    assert member.user.email.endswith("@erased.invalid")
    assert Member.objects.filter(user=user).count() == 1


def test_erasure_is_refused_twice(story):
    _plenary, member = story
    member_erase(member=member, by=None)
    with pytest.raises(Exception, match="al gewist"):
        member_erase(member=member, by=None)


def test_an_erased_member_cannot_be_made_active_again(client, steering, school):
    """Erasure is for good: bringing "Oud-teamlid N" back would put a closed account in the
    team, on the tables and in the invitations."""
    member = MemberFactory(school=school, is_active=False)
    member_erase(member=member, by=steering.user)
    client.force_login(steering.user)
    page = client.get(
        reverse("learninglines:member-update", kwargs={"school_slug": school.slug, "pk": member.pk})
    )
    active_url = reverse(
        "learninglines:member-active", kwargs={"school_slug": school.slug, "pk": member.pk}
    )
    assert page.status_code == 200
    assert active_url not in page.content.decode()
    assert client.post(active_url, {"active": "1"}).status_code == 404
    member.refresh_from_db()
    assert member.is_active is False
    # nor can the name or address be typed back
    html = page.content.decode()
    assert 'name="first_name"' not in html
    assert "de naam en het adres blijven gewist" in html
    erased_name = member.full_name
    response = client.post(
        page.request["PATH_INFO"],
        {"first_name": "Lars", "last_name": "Dijk", "email": "lars@school.example"},
        follow=True,
    )
    assert [str(m) for m in response.context["messages"]] == [
        f"{erased_name} is gewist: de naam en het adres blijven gewist."
    ]
    member.refresh_from_db()
    assert member.full_name == erased_name
    assert member.user.email != "lars@school.example"


def test_erasure_takes_the_name_out_of_colleagues_mails_and_the_lock_out(story):
    """A table plan is written into each colleague's mail when it is queued (and a sent mail
    stays 30 days): after erasure it names the placeholder, as every page does. The notice of
    an address change, sent to the old address and to nobody's account, goes."""
    _plenary, member = story
    name, school = member.full_name, member.school
    colleague = MemberFactory(school=school)
    plan_mail = OutgoingMail.objects.create(
        to=colleague.user.email,
        subject="De tafelindeling",
        body=f"Ronde 1: tafel 1 (met {name} (B), Lars van Dijk (A))\nTot dan!",
        user=colleague.user,
        school=school,
    )
    other_school = OutgoingMail.objects.create(
        to="iemand@elders.example", subject="Elders", body=f"Met {name}", school=SchoolFactory()
    )
    moved = OutgoingMail.objects.create(
        to=member.user.email.upper(), subject="Je adres", body=f"{name}: nieuw adres", school=school
    )
    AccessAttempt.objects.create(
        username=member.user.email, ip_address="127.0.0.1", user_agent="x", failures_since_start=1
    )
    result = member_erase(member=member, by=None)
    assert not AccessAttempt.objects.exists()  # the lock-out's record of failures names them
    plan_mail.refresh_from_db()
    placeholder = f"Oud-teamlid {result.erasure.number}"
    assert (
        plan_mail.body == f"Ronde 1: tafel 1 (met {placeholder} (B), Lars van Dijk (A))\nTot dan!"
    )
    assert not OutgoingMail.objects.filter(pk=moved.pk).exists()
    other_school.refresh_from_db()
    assert other_school.body == f"Met {name}"  # another school's mail is not this school's


@pytest.mark.parametrize("extra", [0, 40])
def test_export_and_erasure_cost_a_fixed_number_of_queries(story, extra, django_assert_num_queries):
    _plenary, member = story
    for _ in range(extra):
        log_entry_create(author=member, date=timezone.localdate(), tried="Nog een")
    with django_assert_num_queries(16):
        person_export(user=member.user)
    with django_assert_num_queries(30):
        member_erase(member=member, by=None)


@pytest.mark.parametrize("size", [13, 150])
def test_export_and_erasure_cost_the_same_at_a_school_of_13_and_150(
    school, size, django_assert_num_queries
):
    """A year of data: a held session, everyone's answers and a log entry each."""
    members = [MemberFactory(school=school) for _ in range(size)]
    world = plenary_of(school, members)
    session_hold(session=world.session)
    questionnaire = questionnaire_open(questionnaire=world.session.questionnaire)
    learned, _bt, tried, _talk, useful = list(questionnaire.questions.order_by("position"))
    for member in members:
        reflection_submit(
            questionnaire=questionnaire,
            member=member,
            answers={
                learned.pk: AnswerData(text="Iets"),
                tried.pk: AnswerData(text="Privé"),
                useful.pk: AnswerData(value=3),
            },
        )
        log_entry_create(author=member, date=timezone.localdate(), tried="Log")
    member = members[1]
    with django_assert_num_queries(15):  # no sign-in link: no uses to fetch
        person_export(user=member.user)
    with django_assert_num_queries(5):
        member_export_for_steering(member=member)
    # Fewer than the story's 30: this member has no calendar address, link or mail to delete.
    with django_assert_num_queries(27):
        member_erase(member=member, by=None)


# --- retention ---


def _old_year(school, years_ago: int) -> SchoolYear:
    today = timezone.localdate()
    start = date(today.year - years_ago - 1, 8, 1)
    return SchoolYear.objects.create(
        school=school,
        name=f"{start.year}-{start.year + 1}",
        start=start,
        end=date(start.year + 1, 7, 31),
    )


def test_retention_deletes_old_texts_a_month_after_telling_members(school, teacher):
    """A year long past its term and never announced (the first run over old data, a missed
    daily run, a shortened term): the texts go a month after the notice, never without it."""
    old = _old_year(school, 3)
    entry = log_entry_create(author=teacher, date=old.start + timedelta(days=3), tried="Oud")
    # written before dates were checked: before the school's first year, in no year at all
    stray = LogEntry.objects.create(author=teacher, date=old.start - timedelta(days=9), note="Los")
    first = retention_apply()
    assert (first.notified, first.counts, first.years) == (1, {}, [])
    announced = timezone.localdate() + timedelta(days=30)
    assert long_date(announced) in OutgoingMail.objects.get(to=teacher.user.email).body
    almost = timezone.now() + timedelta(days=29)
    assert retention_apply(now=almost).years == []
    later = timezone.now() + timedelta(days=30)
    dry = retention_apply(now=later, dry_run=True)
    assert (dry.counts["log entries"], [y.pk for y in dry.years]) == (2, [old.pk])
    entry.refresh_from_db()
    assert entry.tried == "Oud"
    done = retention_apply(now=later)
    entry.refresh_from_db()
    stray.refresh_from_db()
    assert (entry.tried, stray.note, done.counts["log entries"]) == ("", "", 2)
    assert LogEntry.objects.filter(pk=entry.pk).exists()
    assert retention_apply(now=later).counts == {}


def test_retention_notice_goes_once_a_month_ahead(school, teacher):
    year = _old_year(school, 2)
    due = date(year.end.year + 2, 8, 1)
    now = timezone.make_aware(
        timezone.datetime.combine(due - timedelta(days=20), timezone.datetime.min.time())
    )
    first = retention_apply(now=now)
    second = retention_apply(now=now + timedelta(days=1))
    assert (first.notified, second.notified) == (1, 0)
    assert OutgoingMail.objects.filter(to=teacher.user.email).count() == 1
    body = OutgoingMail.objects.get(to=teacher.user.email).body
    assert "via de pagina 'Mijn gegevens' in de app:\n\nhttps://leerlijnen.test/me/data/" in body


def test_a_dry_run_counts_the_notices_it_would_send_and_sends_none(school, teacher):
    year = _old_year(school, 2)
    due = date(year.end.year + 2, 8, 1)
    now = timezone.make_aware(
        timezone.datetime.combine(due - timedelta(days=20), timezone.datetime.min.time())
    )
    assert retention_apply(now=now, dry_run=True).notified == 1
    year.refresh_from_db()
    assert year.retention_notified_at is None
    assert not OutgoingMail.objects.exists()
    assert retention_apply(now=now).notified == 1


def test_apply_retention_command_says_what_it_would_do(school, teacher, capsys):
    old = _old_year(school, 3)
    log_entry_create(author=teacher, date=old.start, tried="Oud")
    call_command("apply_retention", "--dry-run")
    assert capsys.readouterr().out == (
        "Would delete texts of school years: none (nothing); 1 school years would be announced "
        "a month ahead.\n"
    )
    SchoolYear.objects.filter(pk=old.pk).update(
        retention_notified_at=timezone.now() - timedelta(days=31)
    )
    call_command("apply_retention", "--dry-run")
    assert capsys.readouterr().out == (
        f"Would delete texts of school years: {school.name} {old.name} (0 ambitions, 0 answers, "
        "0 exchange notes, 1 log entries); "
        "0 school years would be announced a month ahead.\n"
    )


# --- pages ---


def test_the_privacy_page_is_made_from_the_permission_matrix(client):
    school_rules = set(PERMISSIONS) - set(LINE_PERMISSIONS)
    assert set(PERMISSION_WORDS) == school_rules
    rows = {row.words: row.allowed for row in permission_matrix()}
    assert rows[PERMISSION_WORDS["view_encounters"]] == [True, False, False]
    assert rows[PERMISSION_WORDS["plan_school"]] == [True, True, False]
    assert rows[PERMISSION_WORDS["take_part"]] == [True, False, True]
    response = client.get(reverse("privacy"))
    assert response.status_code == 200
    assert "Wie mag wat" in response.content.decode()


@pytest.mark.parametrize("who", ROLES)
def test_my_data_is_for_anyone_signed_in(client, people, who):
    url = reverse("learninglines:my-data-download")
    response = as_user(client, people[who]).get(url)
    if who == "anonymous":
        assert response["Location"] == login_redirect(url)
    else:
        assert response.status_code == 200
        assert response["Content-Type"] == "application/zip"


MEMBER_STATUSES = {
    "steering": 200,
    "coach": 403,
    "teacher": 403,
    "stranger": 404,
    "no_school": 404,
    "anonymous": 302,
}


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("name", ["member-data", "member-erase"])
def test_member_privacy_pages_are_for_the_steering_group(client, people, school, who, name):
    target = MemberFactory(school=school)
    url = reverse(f"learninglines:{name}", kwargs={"school_slug": school.slug, "pk": target.pk})
    response = as_user(client, people[who]).get(url)
    assert response.status_code == MEMBER_STATUSES[who]


def test_someone_still_in_the_team_is_not_erased_through_the_page(client, steering, school):
    target = MemberFactory(school=school)
    url = reverse(
        "learninglines:member-erase", kwargs={"school_slug": school.slug, "pk": target.pk}
    )
    client.force_login(steering.user)
    page = " ".join(client.get(url).content.decode().split())
    assert f"{target.full_name} zit nog in het team." in page
    assert 'name="confirm"' not in page
    response = client.post(url, {"confirm": target.full_name}, follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        f"Deactiveer {target.full_name} eerst: alleen wie het team verliet, wordt gewist."
    ]
    assert not Erasure.objects.exists()


@pytest.mark.parametrize("who", ROLES)
def test_erasing_through_the_page_needs_the_steering_group_and_the_name(
    client, people, school, who
):
    target = MemberFactory(school=school, is_active=False)
    url = reverse(
        "learninglines:member-erase", kwargs={"school_slug": school.slug, "pk": target.pk}
    )
    client = as_user(client, people[who])
    client.post(url, {"confirm": "wrong"})
    assert not Erasure.objects.exists()
    response = client.post(url, {"confirm": target.full_name})
    assert response.status_code == {**MEMBER_STATUSES, "steering": 302}[who]
    assert Erasure.objects.filter(member=target).exists() == (who == "steering")
