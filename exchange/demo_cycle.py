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
from sessions_app.models import (
    ExchangeParticipant,
    PlenarySession,
    Questionnaire,
    Reflection,
    SessionAttendance,
)
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
# Some meetings have a topic of their own line (by position in MEETING_TOPICS), so the lines do
# not all read alike.
LINE_TOPICS = {
    "Begrijpend lezen": {
        2: (
            "Vraagkaarten in de middenbouw",
            "We bekeken vraagkaarten uit groep 4 en 5 en kozen de vragen die het beste werkten.",
        ),
        5: (
            "Lesbezoeken bij het voorlezen voorbereiden",
            "We maakten tweetallen voor een lesbezoek in een andere bouw.",
        ),
        6: ("Opbrengst van de vraagkaarten delen", ""),
    },
    "Eigenaarschap": {
        2: (
            "Weekdoelen in de middenbouw",
            "Drie collega's lieten weekdoelkaartjes van hun leerlingen zien.",
        ),
        5: (
            "Kindgesprekken oefenen",
            "We oefenden in tweetallen een kindgesprek van vijf minuten.",
        ),
        6: ("Portfolio: wat kiezen de kinderen zelf?", ""),
    },
    "Rekenen met begrip": {
        2: (
            "Het drieslagmodel in de praktijk",
            "We deden een les voor: eerst materiaal, dan een tekening, dan de som.",
        ),
        5: (
            "Samen een rekenles ontwerpen",
            "We ontwierpen een les over breuken en spraken af wie hem geeft.",
        ),
        6: ("De rekenles nabespreken", ""),
    },
    "Burgerschap en samenleven": {
        2: (
            "Gespreksregels van de groepen vergelijken",
            "Elke groep nam de eigen gespreksregels mee; veel regels kwamen overeen.",
        ),
        5: (
            "Het klassengesprek voorbereiden",
            "We kozen thema's voor de klassengesprekken tot de volgende vakantie.",
        ),
        6: ("Een klassengesprek nabespreken", ""),
    },
}
# The first two teachers' entries; each fits the writer's line (Burgerschap, Begrijpend lezen).
LOG_ENTRIES = [
    (
        "Met groep 6 de gespreksregels voor het klassengesprek opgesteld.",
        "Meer kinderen kwamen aan het woord, ook de stille kinderen.",
        "De gespreksregels en hoe ik ze samen met de klas heb gemaakt.",
    ),
    (
        "Vraagkaarten gebruikt bij het voorlezen in groep 5.",
        "Twee leerlingen die anders niets zeggen, stelden zelf een vraag.",
        "",
    ),
]


def school_day(day: date, first: date, last: date) -> date:
    """`day` kept within first..last, on a weekday where the span has one near it: a weekend
    moves to the Monday after, or else to the Friday before (a past date never becomes a future
    one, nor a date inside the school year one after it)."""
    day = min(max(day, first), last)
    if day.weekday() < 5:
        return day
    monday = day + timedelta(days=7 - day.weekday())
    friday = day - timedelta(days=day.weekday() - 4)
    return monday if monday <= last else friday if friday >= first else day


# The exchanges ahead: (days from today, hour, minute): agreed, then two moments proposed.
AHEAD = [(7, 15, 30), (9, 14, 0), (11, 15, 15)]


def _timeline(start: date, end: date, today: date) -> dict:
    """Dates for the demo, spread over the part of the year that has passed: the meetings and
    the held session on or before today, the coming ones on or after today, all inside the
    school year (at its very start or end they may share a day)."""
    span = (today - start).days
    held = school_day(start + timedelta(days=span * 2 // 3), start, today)
    before = [school_day(start + timedelta(days=span * n // 12), start, held) for n in (2, 4, 6)]
    after = [
        school_day(held + timedelta(days=(span // 3) * n // 4), held, today) for n in (1, 2, 3)
    ]
    upcoming = school_day(today + timedelta(days=7), today, end)
    draft = school_day(today + timedelta(days=14), today, end)
    return {"before": before, "held": held, "after": after, "upcoming": upcoming, "draft": draft}


def _meetings(line: LearningLine, days: list[date], topics, *, held: bool, first: int = 0) -> None:
    members = line_members(line=line, day=days[0]) if days else []
    for number, (day, (topic, notes)) in enumerate(zip(days, topics, strict=False), start=first):
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
            # Someone is away now and then, with or without notice, and not the same number
            # every time: as in any team.
            away = (index * 5 + number * 3 + ord(line.letter) * 2) % 19
            if away in (4, 11):
                statuses[member.pk] = Attendance.Status.EXCUSED
            elif away == 7 and number % 2 == ord(line.letter) % 2:
                statuses[member.pk] = Attendance.Status.ABSENT
            else:
                statuses[member.pk] = Attendance.Status.PRESENT
        meeting_attendance_save(meeting=meeting, statuses=statuses)


# What people write in the held session's reflection, by line: what others learned about the
# line, what its members brought, what others took from it and will try. Two of each, so
# answers vary; every answer fits the writer's own line and the line it is about.
REFLECTION_TEXTS = {
    "Begrijpend lezen": {
        "learned": [
            "Bij Begrijpend lezen doen ze hardop denken voor tijdens het voorlezen.",
            "Met vraagkaarten stellen ook de stille kinderen een vraag bij de tekst.",
        ],
        "brought": [
            "Onze vraagkaarten bij het voorlezen.",
            "Hoe ik hardop denken voordoe bij een prentenboek.",
        ],
        "took": ["Vraagkaarten bij het voorlezen.", "Eerst zelf hardop denken, dan pas vragen."],
        "try": [
            "Volgende week de vraagkaarten uitproberen bij het voorlezen.",
            "Bij het voorlezen zelf hardop denken voordat ik vragen stel.",
        ],
    },
    "Eigenaarschap": {
        "learned": [
            "Met een weekdoel op een kaartje kiezen kinderen zelf waar ze aan werken.",
            "Dat een kindgesprek van vijf minuten op vrijdag al zoveel oplevert.",
        ],
        "brought": [
            "Hoe wij de weekdoelen samen met de kinderen kiezen.",
            "Onze kindgesprekken van vijf minuten op vrijdag.",
        ],
        "took": ["Leerlingen zelf een weekdoel laten kiezen.", "Een kort kindgesprek op vrijdag."],
        "try": [
            "Met drie kinderen een weekdoel op een kaartje afspreken.",
            "Vrijdag een kindgesprek van vijf minuten houden.",
        ],
    },
    "Rekenen met begrip": {
        "learned": [
            "Bij Rekenen met begrip komt eerst het materiaal, dan pas de som.",
            "Het drieslagmodel: eerst handelen, dan tekenen, dan pas rekenen.",
        ],
        "brought": [
            "Een rekenles waarin de kinderen eerst met materiaal werken.",
            "Hoe wij het drieslagmodel in elke les gebruiken.",
        ],
        "took": ["Eerst materiaal, dan de som.", "Het drieslagmodel in de instructie."],
        "try": [
            "De volgende rekenles beginnen met materiaal op tafel.",
            "Bij de instructie eerst laten tekenen, dan pas de som.",
        ],
    },
    "Burgerschap en samenleven": {
        "learned": [
            "Bij Burgerschap stellen de kinderen zelf de gespreksregels op.",
            "Een vast klassengesprek in de week geeft de groep rust.",
        ],
        "brought": [
            "De gespreksregels die onze klas zelf heeft gemaakt.",
            "Hoe ons wekelijkse klassengesprek verloopt.",
        ],
        "took": ["Gespreksregels die de kinderen zelf opstellen.", "Een vast klassengesprek."],
        "try": [
            "Met mijn groep eigen gespreksregels opstellen.",
            "Op maandag een klassengesprek van een kwartier.",
        ],
    },
    "Spelend leren": {
        "learned": [
            "Bij Spelend leren hangen de doelen zichtbaar bij elke speelhoek.",
            "Spel kan een vaste plek in de dag krijgen met duidelijke doelen.",
        ],
        "brought": [
            "Onze nieuwe indeling van de speelhoeken.",
            "Hoe wij de doelen bij het spel zichtbaar maken.",
        ],
        "took": ["Doelen zichtbaar bij de speelhoek.", "Een speelhoek die past bij het thema."],
        "try": [
            "Bij de bouwhoek het doel van deze week ophangen.",
            "De speelhoek aanpassen aan ons nieuwe thema.",
        ],
    },
    "Taal in alle vakken": {
        "learned": [
            "Een woordmuur per thema helpt ook bij wereldoriëntatie.",
            "Bij elk vak kun je drie nieuwe woorden kiezen en die vaak herhalen.",
        ],
        "brought": [
            "Onze woordmuur bij het thema.",
            "Hoe wij bij elk vak drie nieuwe woorden kiezen.",
        ],
        "took": ["Een woordmuur per thema.", "Drie nieuwe woorden per les."],
        "try": [
            "Een woordmuur maken bij ons nieuwe thema.",
            "Bij de volgende les drie woorden vooraf kiezen.",
        ],
    },
}


def _reflections(held: PlenarySession, lines: list[LearningLine]) -> None:
    """The held session's reflection: opened at its end, answered by most of those present.

    The demo teacher (the first teacher who is not in the steering group) has not answered
    yet, and the form stays open a few more days, so the demo shows both sides. Everyone
    writes about their own line and what they took from another one.
    """
    questionnaire = Questionnaire.objects.get(session=held)
    opened = timezone.make_aware(datetime.combine(held.date, time(16, 30)))
    questionnaire = questionnaire_open(questionnaire=questionnaire, now=opened)
    # Closes at the end of a school day, as a steering group would set it (not at seed time).
    closes = max(held.date + timedelta(days=7), timezone.localdate() + timedelta(days=4))
    questionnaire.closes_at = timezone.make_aware(datetime.combine(closes, time(17, 0)))
    questionnaire.save(update_fields=["closes_at"])
    questions = list(questionnaire.questions.order_by("position"))
    first_open = next(q for q in questions if q.kind == "open")
    demo_teacher = Member.objects.filter(school=held.school, is_steering=False).order_by("pk")[0]
    asked = [item.member for item in questionnaire_asked(questionnaire=questionnaire)]
    answering = [m for m in asked if m.pk != demo_teacher.pk and m.pk % 5 != 0]
    line_of = dict(
        LineMembership.objects.on(held.date)
        .filter(line__in=lines)
        .values_list("member_id", "line_id")
    )
    position = {line.pk: number for number, line in enumerate(lines)}
    members_of: dict[int, list[Member]] = {}
    for member in asked:
        members_of.setdefault(line_of.get(member.pk), []).append(member)
    for index, member in enumerate(answering):
        own = position.get(line_of.get(member.pk), 0)
        # Colleagues of one line vary by their place in it: what they learned, brought, took.
        rank = members_of.get(line_of.get(member.pk), [member]).index(member)
        others = max(len(lines) - 1, 1)
        took_from = lines[(own + 1 + (rank + 1) % others) % len(lines)]
        learned_about = lines[(own + 1 + rank % others) % len(lines)]
        texts = REFLECTION_TEXTS.get(lines[own].name, REFLECTION_TEXTS["Begrijpend lezen"])
        took = REFLECTION_TEXTS.get(took_from.name, texts)
        learned = REFLECTION_TEXTS.get(learned_about.name, texts)
        variant = (rank // others) % 2
        colleagues = members_of.get(took_from.pk) or [member]
        colleague = colleagues[index % len(colleagues)]
        answers = {}
        for question in questions:
            if question.kind == "scale":
                answers[question.pk] = AnswerData(value=(3, 4, 4, 5, 5)[index % 5])
            elif question.kind == "brought_took":
                answers[question.pk] = AnswerData(
                    text=texts["brought"][rank % 2],
                    took=took["took"][variant],
                    took_from=took_from.pk,
                )
            elif question.privacy == "private":
                answers[question.pk] = AnswerData(text=took["try"][variant])
            elif question == first_open:
                answers[question.pk] = AnswerData(text=learned["learned"][(rank // others + 1) % 2])
            elif index % 3 == 2:
                answers[question.pk] = AnswerData(text="")
            else:
                answers[question.pk] = AnswerData(
                    text=f"Met {colleague.full_name} van {took_from.name}."
                )
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
    # Agreed for next week, and waiting for an answer: moments ahead, inside the school year
    # (none are left on its last day).
    ahead = [_at(school_day(today + timedelta(days=n), today, year.end), h, m) for n, h, m in AHEAD]
    if any(moment <= timezone.now() for moment in ahead):
        drop_mails(school, mails_before)
        result.created.append(f"1 small exchange and an ambition at {school.name}")
        return
    moment = ahead[0]
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
        moments=sorted(set(ahead[1:])),
    )
    drop_mails(school, mails_before)
    result.created.append(f"3 small exchanges and an ambition at {school.name}")


def drop_mails(school: School, mails_before: int) -> None:
    """As if arranged earlier: their mails (and the links in them) are not left in the outbox."""
    mails = OutgoingMail.objects.filter(pk__gt=mails_before, school=school)
    links = list(mails.exclude(magic_link=None).values_list("magic_link_id", flat=True))
    mails.delete()
    MagicLink.objects.filter(pk__in=links).delete()


def signed_in(school: School) -> None:
    """Whoever answered, wrote or took part has signed in, so the team page agrees with the rest.

    The others (a few who have not answered yet) still show as not signed in.
    """
    active = set(
        Reflection.objects.filter(member__school=school, submitted_at__isnull=False).values_list(
            "member_id", flat=True
        )
    )
    active |= set(
        LogEntry.objects.filter(author__school=school).values_list("author_id", flat=True)
    )
    active |= set(
        ExchangeParticipant.objects.filter(member__school=school).values_list(
            "member_id", flat=True
        )
    )
    active |= set(
        Member.objects.filter(school=school, is_steering=True).values_list("pk", flat=True)
    )
    now = timezone.now()
    for member in Member.objects.filter(pk__in=active).select_related("user"):
        member.user.last_login = now - timedelta(days=1 + member.pk % 6, hours=member.pk % 9)
        member.user.save(update_fields=["last_login"])
        member.first_seen_at = member.user.last_login
        member.save(update_fields=["first_seen_at"])


def demo_cycle(school: School, steering: Member, result) -> None:
    """Meetings, a few log entries and two plenary sessions, once per school."""
    year = year_current(school=school)
    if year is None or LineMeeting.objects.filter(line__school=school).exists():
        return
    today = timezone.localdate()
    dates = _timeline(year.start, year.end, today)
    lines = list(LearningLine.objects.filter(school=school, year=year).order_by("letter"))
    for line in lines:
        own = LINE_TOPICS.get(line.name, {})
        topics = [own.get(number, topic) for number, topic in enumerate(MEETING_TOPICS)]
        _meetings(line, dates["before"], topics[:3], held=True)
        _meetings(line, dates["after"], topics[3:6], held=True, first=3)
        _meetings(line, [dates["upcoming"]], topics[6:], held=False)
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
        title="Plenaire bijeenkomst 1",
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
    signed_in(school)
    result.created.append(f"2 plenary sessions at {school.name}")
