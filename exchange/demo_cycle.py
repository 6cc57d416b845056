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

from learninglines.models import Attendance, LearningLine, LineMeeting, LogEntry, Member, School
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
    result.created.append(f"2 plenary sessions at {school.name}")
