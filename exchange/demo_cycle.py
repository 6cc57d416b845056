"""Demo data of one cycle and the start of the next: line meetings, logs, plenary sessions.

Dates follow today, so the demo always looks like a school in the middle of its year: three
held meetings per line, a plenary session held after them (two table rounds planned by the
grouping engine), then three more meetings per line (so the cycle prompt says it is time for the
next plenary), one coming up, and a published session for the next cycle whose plan continues
the held session's history. Everything goes through the same
services a school uses; nothing is made twice when seed_demo runs again.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.test.utils import override_settings
from django.utils import timezone

from learninglines.models import (
    Attendance,
    LearningLine,
    LineMeeting,
    LineMembership,
    LogEntry,
    MagicLink,
    Member,
    OutgoingMail,
    School,
    SchoolYear,
)
from learninglines.selectors.lines import line_members, year_current
from learninglines.services.journal import log_entry_create
from learninglines.services.meetings import (
    meeting_attendance_save,
    meeting_create,
    meeting_notes_save,
)
from sessions_app.models import PlenarySession, Questionnaire, SessionAttendance
from sessions_app.selectors.reflections import questionnaire_asked
from sessions_app.services.day import session_publish
from sessions_app.services.exchanges import (
    ambition_save,
    exchange_accept,
    exchange_mark_held,
    exchange_note,
    exchange_start,
)
from sessions_app.services.plans import plan_generate
from sessions_app.services.reflections import AnswerData, questionnaire_open, reflection_submit
from sessions_app.services.sessions import session_create, session_hold

MEETING_TOPICS = [
    ("Waar staan we?", "We bekeken de nulmeting en kozen wat we als eerste proberen."),
    (
        "Eerste ervaringen in de klas",
        "Iedereen nam een voorbeeld mee; twee collega's lieten werk van leerlingen zien.",
    ),
    ("Elkaars les bekijken", "We bespraken twee lesbezoeken en wat de leerlingen deden."),
    (
        "Wat nemen we mee uit de plenaire?",
        "We noteerden wat we van andere leerlijnen hoorden en willen proberen.",
    ),
    (
        "Volgende stap kiezen",
        "We maakten een afspraak voor de komende weken en verdeelden de taken.",
    ),
    ("Lesbezoeken voorbereiden", "We maakten tweetallen voor lesbezoeken in een andere bouw."),
    ("Opbrengst delen", ""),
]
LOG_ENTRIES = [
    (
        "Vraagkaarten gebruikt bij het voorlezen in groep 5.",
        "Meer leerlingen stelden zelf een vraag, ook de stille kinderen.",
        "De kaartjes en hoe ik ze introduceer.",
    ),
    (
        "Een kindgesprek van vijf minuten op vrijdag.",
        "Twee leerlingen kozen zelf een doel voor volgende week.",
        "",
    ),
]


def _weekday(day: date) -> date:
    """A school day: Saturday and Sunday move to the Monday after."""
    return day + timedelta(days=(7 - day.weekday()) % 7) if day.weekday() >= 5 else day


def _timeline(start: date, end: date, today: date) -> dict:
    """Dates for the demo, spread over the part of the year that has passed."""
    span = max((today - start).days, 12)
    held = _weekday(start + timedelta(days=span * 2 // 3))
    before = [_weekday(start + timedelta(days=span * n // 12)) for n in (2, 4, 6)]
    after = [_weekday(held + timedelta(days=(span // 3) * n // 4)) for n in (1, 2, 3)]
    upcoming = _weekday(min(today + timedelta(days=7), end))
    draft = _weekday(min(today + timedelta(days=14), end))
    return {"before": before, "held": held, "after": after, "upcoming": upcoming, "draft": draft}


def _meetings(line: LearningLine, days: list[date], topics, *, held: bool) -> None:
    members = line_members(line=line, day=days[0]) if days else []
    for number, (day, (topic, notes)) in enumerate(zip(days, topics, strict=False)):
        meeting = meeting_create(
            line=line,
            date=day,
            start_time=time(15, 15),
            end_time=time(16, 30),
            topic=topic,
            place="Teamkamer",
            agenda="Terugblik\nVoorbeelden uit de klas\nAfspraken",
        )
        if not held:
            continue
        if notes:
            meeting_notes_save(meeting=meeting, notes=notes)
        statuses = {}
        for index, member in enumerate(members):
            # Someone is away now and then, with or without notice: as in any team.
            if (index + number) % 9 == 4:
                statuses[member.pk] = Attendance.Status.EXCUSED
            elif (index + number) % 13 == 7:
                statuses[member.pk] = Attendance.Status.ABSENT
            else:
                statuses[member.pk] = Attendance.Status.PRESENT
        meeting_attendance_save(meeting=meeting, statuses=statuses)


LEARNED = [
    "Bij Rekenen werken ze met korte oefenmomenten aan het begin van de les.",
    "De leerlijn Lezen gebruikt vraagkaarten; dat wil ik ook eens zien.",
    "Eigenaarschap begint bij kleine keuzes voor leerlingen.",
    "Dat een kindgesprek van vijf minuten al zoveel oplevert.",
    "Hoe Burgerschap de klassenvergadering door de kinderen laat leiden.",
]
BROUGHT = [
    "Onze vraagkaarten bij het voorlezen.",
    "Hoe wij de weektaak samen met de kinderen plannen.",
    "Een voorbeeld van een rekenspel voor de inloop.",
]
TOOK = [
    "Het idee om leerlingen zelf een doel te laten kiezen.",
    "De klassenvergadering met een voorzitter uit de groep.",
    "Vijf minuten stillezen met een timer.",
]
TRY = ["Morgen de vraagkaarten uitproberen in groep 6.", "Een kindgesprek op vrijdag."]
TALK = ["Met iemand van Rekenen over de inloop.", "Met de collega van groep 7.", ""]


def _reflections(held: PlenarySession, lines: list[LearningLine]) -> None:
    """The held session's reflection: opened at its end, answered by most of those present.

    The demo teacher (the first teacher who is not in the steering group) has not answered
    yet, and the form stays open a few more days, so the demo shows both sides.
    """
    questionnaire = Questionnaire.objects.get(session=held)
    opened = timezone.make_aware(datetime.combine(held.date, time(16, 30)))
    questionnaire = questionnaire_open(questionnaire=questionnaire, now=opened)
    questionnaire.closes_at = max(opened + timedelta(days=7), timezone.now() + timedelta(days=4))
    questionnaire.save(update_fields=["closes_at"])
    questions = list(questionnaire.questions.order_by("position"))
    first_open = next(q for q in questions if q.kind == "open")
    demo_teacher = Member.objects.filter(school=held.school, is_steering=False).order_by("pk")[0]
    asked = [item.member for item in questionnaire_asked(questionnaire=questionnaire)]
    answering = [m for m in asked if m.pk != demo_teacher.pk and m.pk % 5 != 0]
    for index, member in enumerate(answering):
        answers = {}
        for question in questions:
            if question.kind == "scale":
                answers[question.pk] = AnswerData(value=(3, 4, 4, 5, 5)[index % 5])
            elif question.kind == "brought_took":
                answers[question.pk] = AnswerData(
                    text=BROUGHT[index % len(BROUGHT)],
                    took=TOOK[index % len(TOOK)],
                    took_from=lines[(index + 1) % len(lines)].pk,
                )
            elif question.privacy == "private":
                answers[question.pk] = AnswerData(text=TRY[index % len(TRY)])
            elif question == first_open:
                answers[question.pk] = AnswerData(text=LEARNED[index % len(LEARNED)])
            else:
                answers[question.pk] = AnswerData(text=TALK[index % len(TALK)])
        reflection_submit(
            questionnaire=questionnaire,
            member=member,
            answers=answers,
            now=opened + timedelta(minutes=5 + index),
        )


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _exchanges(school: School, year: SchoolYear, dates: dict, result) -> None:
    """Small exchanges the demo teacher takes part in, and their ambition.

    A duo held after the plenary session with notes from both; one agreed for next week; one
    invitation still waiting for the demo teacher's answer. Made through the services with the
    clock set (`now=`), so the dates follow today.
    """
    demo_teacher = Member.objects.filter(school=school, is_steering=False).order_by("pk")[0]
    today = timezone.localdate()
    line_of = {
        m.member_id: m.line
        for m in LineMembership.objects.on(today)
        .filter(line__year=year, member__is_active=True)
        .select_related("line")
    }
    own = line_of.get(demo_teacher.pk)
    others = [
        m
        for m in Member.objects.filter(school=school, is_active=True, is_steering=False)
        .exclude(pk=demo_teacher.pk)
        .order_by("pk")
        if m.pk in line_of and line_of[m.pk] != own
    ]
    by_line: dict[int, list[Member]] = {}
    for member in others:
        by_line.setdefault(line_of[member.pk].pk, []).append(member)
    picks = [members[0] for members in by_line.values()]
    if len(picks) < 3:
        return
    partner, planned_with, inviter = picks[:3]
    mails_before = OutgoingMail.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    ambition_save(
        member=demo_teacher,
        year=year,
        text=(
            "Ik wil leren hoe collega's in de bovenbouw kinderen hun eigen leerdoel laten kiezen, "
            "en dat een keer in hun klas zien."
        ),
        sharing="team",
    )
    # Held: a visit some days after the plenary session; both wrote what they brought and took.
    day = min(dates["after"][0] + timedelta(days=2), today - timedelta(days=1))
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    start = _at(day, 14, 30)
    invited_at = start - timedelta(days=1)
    if invited_at.date() < year.start:
        return
    held = exchange_start(
        initiator=demo_teacher,
        invitees=[partner],
        topic="Kinderen zelf een leerdoel laten kiezen",
        kind="visit",
        moments=[start],
        now=invited_at,
    )
    exchange_accept(
        participant=held.participants.get(member=partner),
        moment=held.moments.get(),
        now=invited_at + timedelta(hours=2),
    )
    after = start + timedelta(hours=2)
    exchange_mark_held(participant=held.participants.get(member=partner), held=True, now=after)
    exchange_note(
        participant=held.participants.get(member=demo_teacher),
        brought="Hoe wij de weektaak samen met de kinderen plannen.",
        took="Een doelenkaart waarop kinderen zelf hun doel voor de week kiezen.",
        took_from=line_of[partner.pk],
        sharing="participants",
        copy_to_log=True,
        now=after,
    )
    exchange_note(
        participant=held.participants.get(member=partner),
        brought="Onze doelenkaart en hoe de kinderen hem gebruiken.",
        took="De weektaakplanning; die probeer ik volgende week.",
        took_from=own,
        sharing="private",
        now=after,
    )
    # Agreed for next week.
    moment = _at(_weekday(today + timedelta(days=7)), 15, 30)
    planned = exchange_start(
        initiator=planned_with,
        invitees=[demo_teacher],
        topic="Rekengesprekken in de kleine kring",
        kind="conversation",
        moments=[moment],
    )
    exchange_accept(
        participant=planned.participants.get(member=demo_teacher), moment=planned.moments.get()
    )
    # Waiting for the demo teacher's answer.
    exchange_start(
        initiator=inviter,
        invitees=[demo_teacher],
        topic="Samen een les burgerschap uitproberen",
        kind="lesson",
        moments=[
            _at(_weekday(today + timedelta(days=9)), 14, 0),
            _at(_weekday(today + timedelta(days=11)), 15, 15),
        ],
    )
    # As if arranged earlier: their mails (and the links in them) are not left in the outbox.
    mails = OutgoingMail.objects.filter(pk__gt=mails_before, school=school)
    links = list(mails.exclude(magic_link=None).values_list("magic_link_id", flat=True))
    mails.delete()
    MagicLink.objects.filter(pk__in=links).delete()
    result.created.append(f"3 small exchanges and an ambition at {school.name}")


def demo_cycle(school: School, steering: Member, result) -> None:
    """Meetings, a few log entries and two plenary sessions, once per school."""
    year = year_current(school=school)
    if year is None or LineMeeting.objects.filter(line__school=school).exists():
        return
    today = timezone.localdate()
    dates = _timeline(year.start, year.end, today)
    lines = list(LearningLine.objects.filter(school=school, year=year).order_by("letter"))
    for line in lines:
        _meetings(line, dates["before"], MEETING_TOPICS[:3], held=True)
        _meetings(line, dates["after"], MEETING_TOPICS[3:6], held=True)
        _meetings(line, [dates["upcoming"]], MEETING_TOPICS[6:], held=False)
    result.created.append(f"{len(lines) * 7} line meetings at {school.name}")

    for member, (tried, effect, to_bring) in zip(
        Member.objects.filter(school=school, is_steering=False).order_by("pk")[:2],
        LOG_ENTRIES,
        strict=False,
    ):
        log_entry_create(
            author=member,
            date=dates["after"][0],
            tried=tried,
            effect=effect,
            to_bring=to_bring,
            sharing=LogEntry.Sharing.LINE if to_bring else LogEntry.Sharing.PRIVATE,
        )

    if PlenarySession.objects.filter(school=school).exists():
        return
    held = session_create(
        school=school,
        title="Plenaire bijeenkomst: brengen en halen",
        date=dates["held"],
        start_time=time(15, 0),
        end_time=time(16, 45),
        place="Speellokaal",
        by=steering.user,
    )
    # Two colleagues were away that afternoon.
    for member in Member.objects.filter(school=school, is_steering=False).order_by("-pk")[:2]:
        SessionAttendance.objects.create(session=held, member=member, absent=True)
    plan_generate(session=held, by=steering.user, seed=0)
    session_hold(session=held)
    _reflections(held, lines)
    draft = session_create(
        school=school,
        title="Plenaire bijeenkomst 2",
        date=dates["draft"],
        start_time=time(15, 0),
        end_time=time(16, 45),
        place="Speellokaal",
        by=steering.user,
    )
    plan_generate(session=draft, by=steering.user, seed=0)
    # Published, so the demo teacher sees a table. The mails wait in the outbox (as with cron
    # in production) instead of filling the terminal that runs the demo.
    with override_settings(OUTBOX_SEND_IMMEDIATELY=False):
        session_publish(session=draft, by=steering.user)
        _exchanges(school, year, dates, result)
    result.created.append(f"2 plenary sessions at {school.name}")
