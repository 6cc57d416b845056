"""Erasure and "My data" checked against the whole database, not against a list of fields.

One member, Zwaantje ter Quakkelaar, does everything the app stores (lines, meetings, notes,
a learning log, ambitions, small exchanges, plenary sessions (one recorded from a spreadsheet
that names her), apart pairs, every kind of reflection answer, reminders, mails, sign-in
links, a calendar address, a staff list upload, failed sign-ins, a browser session, an admin
log entry) and is a member of a second school where she stays (or, in the other case, of no
other school). She is erased at the first school through the steering group's service; then
every row of every table of every installed app (`apps.get_models()`, so a model added later
is scanned too; JSON expanded, binary files and Django's sessions decoded) is searched for her
names, her addresses (the current and the one she had before), her account's id and every
text she wrote. Each hit must be on the commented allow-list below (what docs/privacy.md says
stays) or the test fails, naming table, row and column.

Before erasure the same scan, the other way round: every row that refers to her membership or
account must show up in her own export, or be on the list of what the export leaves out.
"""

import io
import json
import re
import zipfile
from datetime import datetime, time, timedelta

import pytest
from axes.models import AccessAttempt
from django.apps import apps
from django.contrib.admin.models import CHANGE
from django.contrib.admin.models import LogEntry as AdminLogEntry
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db import models
from django.urls import reverse
from django.utils import timezone

from learninglines.models import (
    Attendance,
    Erasure,
    LineMembership,
    MagicLink,
    Member,
    OutgoingMail,
    School,
    User,
)
from learninglines.services.imports import staff_import_create
from learninglines.services.journal import calendar_feed_get_or_create, log_entry_create
from learninglines.services.lines import line_create, membership_move
from learninglines.services.meetings import (
    meeting_attendance_save,
    meeting_create,
    meeting_notes_save,
    meeting_reminders_send,
)
from learninglines.services.outbox import mail_send_queued
from learninglines.services.people import (
    member_add,
    member_set_active,
    member_update,
    school_year_ensure_current,
)
from learninglines.services.privacy import member_erase, person_export
from learninglines.services.signin import (
    magic_link_send,
    magic_link_use,
    sign_in_request_submit,
)
from sessions_app.models import (
    ExchangeParticipant,
    Question,
    Seat,
    TablePlan,
)
from sessions_app.services.apart import apart_pair_add
from sessions_app.services.day import session_publish
from sessions_app.services.earlier import earlier_plan_read, earlier_session_record
from sessions_app.services.exchanges import (
    ambition_save,
    exchange_accept,
    exchange_mark_held,
    exchange_note,
    exchange_start,
)
from sessions_app.services.plans import plan_generate, plan_swap
from sessions_app.services.reflections import (
    AnswerData,
    questionnaire_create_for_meeting,
    questionnaire_open,
    reflection_remind,
    reflection_submit,
)
from sessions_app.services.sessions import session_create, session_hold
from tests.factories import CoachAssignmentFactory, MemberFactory, SchoolFactory, UserFactory

pytestmark = pytest.mark.django_db

FIRST, PREFIX, LAST = "Zwaantje", "ter", "Quakkelaar"
OLD_ADDRESS = "zq.vroeger@quakkel.example"
ADDRESS = "zwaantje.quakkelaar@quakkel.example"
# every text she writes carries this word and a number, so the scan finds each one
MARK = "Kwakveer"


def her_text(what: str) -> str:
    return f"{MARK}-{what}: wat ik deed"


# --- the world ---


class World:
    school: School
    second: School | None
    steering: Member
    her: Member
    her_second: Member | None
    user: User
    colleagues: list[Member]


def _csv(rows: list[list[str]]) -> bytes:
    return "\r\n".join(";".join(row) for row in rows).encode("utf-8-sig")


def _soon(days: int, hour: int = 15) -> datetime:
    moment = timezone.localtime() + timedelta(days=days)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0)


def _part(exchange, member) -> ExchangeParticipant:
    return ExchangeParticipant.objects.get(exchange=exchange, member=member)


def build(client, *, stays_elsewhere: bool) -> World:
    w = World()
    w.school = SchoolFactory(name="Basisschool De Regenboog", slug="de-regenboog")
    year = school_year_ensure_current(school=w.school)
    today = timezone.localdate()
    w.steering = MemberFactory(
        school=w.school, is_steering=True, first_name="Anouk", name_prefix="de", last_name="Vries"
    )
    CoachAssignmentFactory(school=w.school)
    lines = [line_create(school=w.school, year=year, name=n) for n in ("Lezen", "Rekenen", "Spel")]
    w.colleagues = [w.steering] + [
        MemberFactory(school=w.school, first_name=f"Collega{i}", last_name=f"Achter{i}")
        for i in range(8)
    ]
    for index, member in enumerate(w.colleagues):
        membership_move(member=member, line=lines[index % 3], start=year.start)

    # She joins with an address, which the steering group changes later (a notice to the old one).
    # She joins the steering group, so her account is also the author of the school's records.
    w.her, _created = member_add(
        school=w.school,
        email=OLD_ADDRESS,
        first_name=FIRST,
        name_prefix=PREFIX,
        last_name=LAST,
        is_steering=True,
    )
    w.her = member_update(
        member=w.her,
        first_name=FIRST,
        name_prefix=PREFIX,
        last_name=LAST,
        email=ADDRESS,
        by=w.steering.user,
    )
    w.user = w.her.user
    # in two lines over time: Lezen from the start, Rekenen from three weeks ago
    moved_on = today - timedelta(days=21)
    membership_move(member=w.her, line=lines[0], start=year.start)
    membership_move(member=w.her, line=lines[1], start=moved_on)
    reading, maths = lines[0], lines[1]

    # line meetings: attendance, notes that name her, a reminder, a meeting's reflection form
    before = meeting_create(
        line=reading,
        date=moved_on - timedelta(days=7),
        start_time=time(15, 0),
        end_time=time(16, 0),
        topic="Leesbevordering",
        agenda="Zwaantje ter Quakkelaar laat haar leeshoek zien",
    )
    meeting_attendance_save(
        meeting=before,
        statuses={m.pk: Attendance.Status.PRESENT for m in (w.her, *w.colleagues[0::3])},
    )
    meeting_notes_save(
        meeting=before,
        notes="Zwaantje ter Quakkelaar en Anouk de Vries proberen vraagkaarten uit.",
    )
    tomorrow = meeting_create(
        line=maths,
        date=today + timedelta(days=1),
        start_time=time(15, 0),
        end_time=time(16, 0),
        topic="Rekenspellen",
    )
    meeting_reminders_send()
    meeting_form = questionnaire_open(
        questionnaire=questionnaire_create_for_meeting(meeting=before, by=w.steering.user)
    )

    # her learning log, shared and private; ambitions; a calendar address
    log_entry_create(author=w.her, date=today, tried=her_text("log-gedeeld"), sharing="line")
    log_entry_create(
        author=w.her, date=today - timedelta(days=2), tried=her_text("log-prive"), sharing="private"
    )
    ambition_save(member=w.her, year=year, text=her_text("ambitie"), sharing="private")
    calendar_feed_get_or_create(member=w.her)

    # an earlier plenary session from a spreadsheet that names her
    team = [w.her, *w.colleagues]
    early_day = today - timedelta(days=14)
    rows = [["Ronde", "Tafel", "Persoon 1", "Persoon 2", "Persoon 3"]]
    for number in (1, 2):
        shift = number - 1
        ordered = team[shift:] + team[:shift]
        for table in range(3):
            rows.append([str(number), str(table + 1), *(m.full_name for m in ordered[table::3])])
    plan = earlier_plan_read(school=w.school, content=_csv(rows), day=early_day)
    assert plan.problems == []
    earlier_session_record(
        school=w.school,
        title="Eerste bijeenkomst (op papier)",
        day=early_day,
        start_time=time(15, 0),
        end_time=time(16, 30),
        rounds=plan.rounds,
        by=w.user,
    )

    # a plenary session: plan, a swap, published (mails that seat her with colleagues), held
    session = session_create(
        school=w.school,
        title="Plenaire bijeenkomst",
        date=today,
        start_time=time(8, 0),
        end_time=time(9, 45),
        by=w.steering.user,
    )
    plan_generate(session=session, by=w.steering.user, seed=0)
    table_plan = TablePlan.objects.get(session=session)
    mine = Seat.objects.filter(round__plan=table_plan, member=w.her, round__number=1).get()
    other = (
        Seat.objects.filter(round=mine.round)
        .exclude(table=mine.table)
        .exclude(table__locked=True)
        .first()
    )
    plan_swap(
        plan=table_plan,
        version=table_plan.version,
        round_number=1,
        first=w.her.pk,
        second=other.member_id,
        by=w.user,
    )
    session_publish(session=session, by=w.steering.user)
    session_hold(session=session)
    form = questionnaire_open(questionnaire=session.questionnaire)
    questions = list(form.questions.order_by("position"))
    answers = {}
    for question in questions:
        if question.kind == Question.Kind.SCALE:
            answers[question.pk] = AnswerData(value=4)
        elif question.kind == Question.Kind.BROUGHT_TOOK:
            answers[question.pk] = AnswerData(
                text=her_text(f"gebracht-{question.privacy}"),
                took=her_text(f"gehaald-{question.privacy}"),
                took_from=lines[2].pk,
            )
        elif question.has_choices:
            answers[question.pk] = AnswerData(selected=(0,))
        else:
            answers[question.pk] = AnswerData(text=her_text(f"antwoord-{question.privacy}"))
    privacies = {q.privacy for q in questions}
    assert privacies == set(Question.Privacy.values), privacies
    reflection_submit(questionnaire=form, member=w.her, answers=answers)
    # she did not fill in the meeting's form: a reminder
    assert reflection_remind(questionnaire=meeting_form, by=w.steering.user) >= 1

    # never at one table with a colleague
    apart_pair_add(school=w.school, first=w.her, second=w.colleagues[4], by=w.steering.user)
    apart_pair_add(school=w.school, first=w.colleagues[1], second=w.colleagues[4], by=w.user)

    # small exchanges: one she starts, one she is invited to; held, with notes
    colleague = w.colleagues[2]
    started = exchange_start(
        initiator=w.her,
        invitees=[colleague],
        topic=her_text("onderwerp"),
        kind="visit",
        moments=[_soon(-3 + 5), _soon(3 + 5)],
    )
    invited = exchange_start(
        initiator=w.colleagues[5],
        invitees=[w.her],
        topic="Samen rekenen",
        kind="visit",
        moments=[_soon(2)],
    )
    for exchange, accepter in ((started, colleague), (invited, w.her)):
        moment = exchange.moments.order_by("starts_at").first()
        exchange_accept(participant=_part(exchange, accepter), moment=moment)
        after = moment.starts_at + timedelta(hours=2)
        exchange_mark_held(participant=_part(exchange, w.her), held=True, now=after)
        exchange_note(
            participant=_part(exchange, w.her),
            brought=her_text(f"bracht-{exchange.pk}"),
            took=her_text(f"haalde-{exchange.pk}"),
            took_from=lines[2],
            sharing="participants",
            now=after,
        )

    # sign-in: an invitation used, a requested link, failed passwords, a browser session
    link = magic_link_send(user=w.user, purpose=MagicLink.Purpose.INVITE, school=w.school)
    magic_link_use(link=link)
    sign_in_request_submit(
        email=ADDRESS, purpose="sign_in_link", language="nl", ip_address="10.0.0.7"
    )
    for _attempt in range(2):
        client.post(reverse("learninglines:login"), {"username": ADDRESS, "password": "fout"})
    client.force_login(w.user)
    # a staff list upload that lists her, and an administrator's change in the admin
    staff_import_create(
        school=w.school,
        by=w.user,
        file_name="team.csv",
        content=_csv(
            [["Voornaam", "Tussenvoegsel", "Achternaam", "E-mail"], [FIRST, PREFIX, LAST, ADDRESS]]
        ),
    )
    admin = UserFactory(is_staff=True, is_superuser=True)
    AdminLogEntry.objects.log_actions(
        user_id=admin.pk,
        queryset=[w.her, w.user],
        action_flag=CHANGE,
        change_message=[{"changed": {"fields": ["first_name"]}}],
        single_object=False,
    )

    # a second school where she stays, with a bit of her own there
    w.second = w.her_second = None
    if stays_elsewhere:
        w.second = SchoolFactory(name="OBS De Vlinder", slug="de-vlinder")
        school_year_ensure_current(school=w.second)
        w.her_second, _created = member_add(
            school=w.second, email=ADDRESS, first_name=FIRST, name_prefix=PREFIX, last_name=LAST
        )
        log_entry_create(author=w.her_second, date=today, tried=her_text("tweede-school"))
        magic_link_send(user=w.user, purpose=MagicLink.Purpose.INVITE, school=w.second)

    mail_send_queued()  # some mail has gone out, the rest waits
    tomorrow.refresh_from_db()
    return w


# --- the scan ---


class Hit:
    def __init__(self, model, row: dict, field: str, what: str, text: str):
        self.model, self.row, self.field, self.what = model, row, field, what
        self.label = model._meta.label
        self.pk = row.get(model._meta.pk.attname)
        start = max(0, text.casefold().find(what.casefold()) - 30) if what != "user id" else 0
        self.excerpt = text[start : start + 90]

    def __repr__(self) -> str:
        return f"{self.label}#{self.pk}.{self.field} ({self.what}): {self.excerpt!r}"


def _as_text(value) -> str:
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bytes | memoryview):
        data = bytes(value)
        if data[:2] == b"PK":  # an .xlsx workbook: its XML parts
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                return " ".join(
                    archive.read(name).decode("utf-8", "replace") for name in archive.namelist()
                )
        return data.decode("utf-8", "replace")
    return "" if value is None else str(value)


def scan(user: User) -> list[Hit]:
    """Every place in every table that holds her names, addresses, texts or account id."""
    needles = [FIRST, LAST, ADDRESS, OLD_ADDRESS, MARK]
    hits = []
    for model in apps.get_models():
        fields = model._meta.concrete_fields
        for row in model._base_manager.values(*(f.attname for f in fields)):
            for field in fields:
                value = row[field.attname]
                if model is Session and field.name == "session_data":
                    value = SessionStore().decode(value)
                text = _as_text(value)
                folded = text.casefold()
                hits += [
                    Hit(model, row, field.name, needle, text)
                    for needle in needles
                    if needle.casefold() in folded
                ]
                if _points_to_user(field, row, value, user):
                    hits.append(Hit(model, row, field.name, "user id", text))
    return hits


def _points_to_user(field, row, value, user) -> bool:
    if isinstance(field, models.ForeignKey) and field.related_model is User:
        return value == user.pk
    if field.name == "object_id" and "content_type_id" in row:  # a generic relation (admin log)
        is_user = row["content_type_id"] == _content_type_id(User)
        return is_user and value == str(user.pk)
    if isinstance(value, dict):  # a Django session
        return value.get("_auth_user_id") == str(user.pk)
    return False


def _content_type_id(model) -> int:
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(model).pk


# --- what may stay after erasure ---


def _row(hit: Hit):
    return hit.model._base_manager.get(pk=hit.pk)


def _of_second_school(obj, second: School, depth: int = 3) -> bool:
    """The row is the second school's: it points (through its foreign keys) to that school,
    or to her membership there, or to a row of that school."""
    if isinstance(obj, School):
        return obj.pk == second.pk
    if depth == 0:
        return False
    for field in obj._meta.concrete_fields:
        if isinstance(field, models.ForeignKey) and field.related_model is not User:
            target = getattr(obj, field.name)
            if target is not None and _of_second_school(target, second, depth - 1):
                return True
    return False


def _kept_answer(hit: Hit, w: World) -> bool:
    return _row(hit).question.privacy != Question.Privacy.PRIVATE


def _quotes_the_kept_topic(hit: Hit, w: World) -> bool:
    mail = _row(hit)
    text = f"{mail.subject}\n{mail.body}"
    return hit.what == MARK and text.count(MARK) == text.count(her_text("onderwerp"))


def _account_still_hers(hit: Hit, w: World) -> bool:
    return w.second is not None


def _closed_account(hit: Hit, w: World) -> bool:
    return w.second is None and hit.what == "user id"


# Every hit after erasure must match one of these (docs/privacy.md, "Erasure"): (model, fields,
# when, why). Anything else is a leak.
ALLOWED = [
    (
        "sessions_app.Answer",
        {"text", "took"},
        _kept_answer,
        "named and anonymous answers stay as the team's results, tied to Oud-teamlid N",
    ),
    (
        "sessions_app.PeerExchange",
        {"topic"},
        lambda hit, w: hit.what == MARK,
        "the small exchanges themselves stay (held ones are encounters), with their topic",
    ),
    (
        "learninglines.OutgoingMail",
        {"subject", "body"},
        _quotes_the_kept_topic,
        "a colleague's mail about such an exchange quotes its topic (her name in it is replaced)",
    ),
    (
        "learninglines.StaffImport",
        {"content"},
        lambda hit, w: True,
        "an uploaded staff list names many people and lives at most a day (staff_import_prune)",
    ),
    (
        "admin.LogEntry",
        {"object_id"},
        lambda hit, w: hit.what == "user id",
        "the administration's log refers to the account by number (anonymised when closed)",
    ),
    *(
        (
            label,
            {field},
            lambda hit, w: hit.what == "user id",
            "who made a record of the school: an account number that no page shows (the plan "
            "history does show it: PlanChange.by is dropped)",
        )
        for label, field in (
            ("learninglines.StaffImport", "uploaded_by"),
            ("sessions_app.PlenarySession", "created_by"),
            ("sessions_app.SessionAttendance", "updated_by"),
            ("sessions_app.ApartPair", "created_by"),
        )
    ),
    (
        "learninglines.Member",
        {"user"},
        _closed_account,
        "the erased member keeps the closed account, anonymised in place",
    ),
    (
        "sessions.Session",
        {"session_data"},
        _closed_account,
        "a browser session of the closed account holds its number only and signs nobody in",
    ),
    # She stays at the second school: her account and what is hers there stay.
    (
        "learninglines.User",
        {"email", "name"},
        _account_still_hers,
        "her account, still used at the second school",
    ),
    (
        "axes.AccessAttempt",
        {"username"},
        _account_still_hers,
        "failed sign-ins to her account, which she still uses (gone when the account closes)",
    ),
    (
        "learninglines.SignInRequest",
        {"email"},
        _account_still_hers,
        "a sign-in request for her account, which she still uses (pruned after a day)",
    ),
    (
        "admin.LogEntry",
        {"object_repr"},
        lambda hit, w: _account_still_hers(hit, w) and _row(hit).object_id == str(w.user.pk),
        "the administration's log of changes to her account, named by its address",
    ),
    (
        "sessions.Session",
        {"session_data"},
        _account_still_hers,
        "she is still signed in with her account",
    ),
]


def leaks(hits: list[Hit], w: World) -> list[str]:
    found = []
    for hit in hits:
        if w.second is not None and _of_second_school(_row(hit), w.second):
            continue  # hers at the second school, where she stays
        if (
            w.second is not None
            and hit.label == "learninglines.Member"
            and hit.pk == w.her_second.pk
        ):
            continue
        if not any(
            hit.label == label and hit.field in fields and when(hit, w)
            for label, fields, when, _why in ALLOWED
        ):
            found.append(repr(hit))
    return found


# --- her own export, checked against the scan ---

# Rows that refer to her membership or account, by model, and the export's section (in Dutch,
# the default language of the export) that must list each of them.
SECTIONS = {
    "learninglines.Member": "Teamlid",
    "learninglines.LineMembership": "Leerlijnen",
    "learninglines.Attendance": "Leerlijn-bijeenkomsten",
    "learninglines.LogEntry": "Logboek",
    "learninglines.CalendarFeed": "Persoonlijk agenda-adres",
    "learninglines.CoachAssignment": "Coachopdrachten",
    "learninglines.MagicLink": "Inloglinks",
    "learninglines.OutgoingMail": "Mails",
    "sessions_app.Seat": "Plenaire bijeenkomsten: plaatsen",
    "sessions_app.SessionAttendance": "Plenaire bijeenkomsten: aanwezigheid",
    "sessions_app.Ambition": "Ambities",
    "sessions_app.ExchangeParticipant": "Uitwisselingen",
    "sessions_app.ReflectionReminder": "Herinneringen aan reflecties",
    # one row per answer, not per form
    "sessions_app.Reflection": "Reflectieantwoorden",
}
LEFT_OUT = {
    "sessions_app.ApartPair": "concerns another person too (docs/privacy.md)",
    "sessions_app.ExchangeMoment.proposed_by": "a moment she proposed: the exchange is exported",
    "sessions_app.PeerExchange.created_by": "an exchange she started: exported as her part in it",
    # who made a record of the school (her, in the steering group): the school's, not hers
    "learninglines.StaffImport.uploaded_by": "a staff list she uploaded (it lives a day)",
    "sessions_app.PlenarySession.created_by": "a session she recorded",
    "sessions_app.PlanChange.by": "a change she made to a table plan",
    "sessions_app.SessionAttendance.updated_by": "colleagues' attendance she recorded",
    "sessions_app.ApartPair.created_by": "colleagues she kept apart",
}


def _refers_to(obj, people: set[tuple[type, int]]) -> list[str]:
    """The row's fields that point to her: "about" for a row about her, the field's name for
    one she made ("by", "created_by", ...)."""
    return [
        field.name if field.name == "by" or field.name.endswith("_by") else "about"
        for field in obj._meta.concrete_fields
        if isinstance(field, models.ForeignKey)
        and (field.related_model, getattr(obj, field.attname)) in people
    ]


def _section_rows(data: dict, title: str) -> int:
    rows = len(data["sections"].get(title, []))
    return rows + sum(len(school["sections"].get(title, [])) for school in data["schools"])


def check_export(w: World, hits: list[Hit]) -> None:
    with zipfile.ZipFile(io.BytesIO(person_export(user=w.user))) as archive:
        data = json.loads(archive.read("data.json"))
    text = json.dumps(data, ensure_ascii=False)
    # every text she wrote
    written = set()
    for hit in hits:
        if hit.what == MARK:
            value = _as_text(getattr(_row(hit), hit.field))
            written |= set(re.findall(rf"{MARK}-[\w-]+: wat ik deed", value))
    assert written
    assert sorted(t for t in written if t not in text) == []
    # every row that refers to her membership or account
    members = Member.objects.filter(user=w.user)
    people = {(User, w.user.pk)} | {(Member, m.pk) for m in members}
    counts: dict[str, int] = {"learninglines.Member": members.count()}
    for model in apps.get_models():
        label = model._meta.label
        if label == "learninglines.Member":
            continue
        for obj in model._base_manager.all():
            for how in set(_refers_to(obj, people)):
                key = label if how == "about" else f"{label}.{how}"
                counts[key] = counts.get(key, 0) + (
                    obj.answers.count() if key == "sessions_app.Reflection" else 1
                )
    unlisted = sorted(set(counts) - set(SECTIONS) - set(LEFT_OUT))
    assert unlisted == [], f"rows about her the export neither lists nor leaves out: {unlisted}"
    exported = {
        label: _section_rows(data, SECTIONS[label]) for label in counts if label in SECTIONS
    }
    assert exported == {label: n for label, n in counts.items() if label in SECTIONS}
    assert data["sections"]["Account"][0]["e-mailadres"] == ADDRESS


# --- the test ---


@pytest.mark.parametrize("stays_elsewhere", [True, False], ids=["stays-elsewhere", "leaves"])
def test_erasure_leaves_her_nowhere_and_her_export_holds_everything(client, stays_elsewhere):
    w = build(client, stays_elsewhere=stays_elsewhere)
    before = scan(w.user)
    # the scan sees her everywhere she is (or it proves nothing)
    assert {hit.what for hit in before} == {FIRST, LAST, ADDRESS, OLD_ADDRESS, MARK, "user id"}
    assert len({hit.label for hit in before}) >= 15
    check_export(w, before)

    member_set_active(member=w.her, active=False)
    result = member_erase(member=w.her, by=w.steering.user)
    assert result.account_closed is not stays_elsewhere
    found = leaks(scan(w.user), w)
    assert not found, "\n".join(["erasure left her here:", *found])

    # what stays, stays: her membership at the second school, the team's history at the first
    w.her.refresh_from_db()
    assert w.her.full_name == f"Oud-teamlid {result.erasure.number}"
    assert Seat.objects.filter(member=w.her).count() > 0
    assert Attendance.objects.filter(member=w.her).count() == 1
    assert LineMembership.objects.filter(member=w.her).count() == 2
    assert Erasure.objects.filter(member=w.her).count() == 1
    if stays_elsewhere:
        w.her_second.refresh_from_db()
        assert (w.her_second.full_name, w.her_second.user.email) == (
            f"{FIRST} {PREFIX} {LAST}",
            ADDRESS,
        )
        assert w.her_second.is_active
        assert w.her_second.user.is_active
        assert w.her_second.log_entries.count() == 1
        assert MagicLink.objects.filter(user=w.user, school=w.second).count() == 1
        assert OutgoingMail.objects.filter(user=w.user, school=w.second).count() == 1
        assert AccessAttempt.objects.filter(username=ADDRESS).exists()
