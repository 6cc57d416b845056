"""Demo data of one cycle and the start of the next: line meetings, logs, plenary sessions.

Dates follow today, so the demo always looks like a school in the middle of its year: three
held meetings per line, a plenary session held after them (two table rounds planned by the
grouping engine), then three more meetings per line (so the cycle prompt says it is time for the
next plenary), one coming up, and a published session for the next cycle whose plan continues
the held session's history. Everything goes through the same
services a school uses; nothing is made twice when seed_demo runs again.
"""

from __future__ import annotations

import random
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
    Seat,
    SessionAttendance,
)
from sessions_app.selectors.reflections import line_on, questionnaire_asked
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
# The demo lines' own meetings (topic, what the notes say happened), in the order of
# MEETING_TOPICS: no two lines read alike. The fourth comes after the held plenary session.
# exchange.demo adds each meeting's agenda and the agreement at the end of its notes.
LINE_TOPICS = {
    "Begrijpend lezen": [
        (
            "Waar staan we met begrijpend lezen?",
            "De nulmeting besproken: de meeste leerlingen lezen vlot, maar stellen zelden zelf "
            "een vraag bij een tekst. We beginnen bij het voorlezen.",
        ),
        (
            "Hardop denken voordoen",
            "Femke liet een filmpje zien van hardop denken in groep 4. Daarna oefenden we het in "
            "tweetallen met een prentenboek.",
        ),
        (
            "Vraagkaarten in de middenbouw",
            "We bekeken vraagkaarten uit groep 4 en 5 en kozen de vragen die het beste werkten.",
        ),
        (
            "Na de plenaire: weekdoelen bij lezen?",
            "Ieder vertelde kort wat ze aan tafel hoorden. De weekdoelen van Eigenaarschap "
            "kwamen het vaakst terug.",
        ),
        (
            "Vraagkaarten voor informatieve teksten",
            "In de bovenbouw werken de kaarten minder goed bij zaakvakteksten. We zochten vragen "
            "die daar wel passen.",
        ),
        (
            "Lesbezoeken bij het voorlezen voorbereiden",
            "We maakten tweetallen voor een lesbezoek in een andere bouw, met een korte "
            "kijkwijzer.",
        ),
        ("Opbrengst van de vraagkaarten delen", ""),
    ],
    "Eigenaarschap": [
        (
            "Eigenaarschap in onze groepen",
            "Ieder beschreef een moment waarop een leerling zelf iets koos. Dat gebeurt vaker "
            "dan we dachten, vooral in de bovenbouw.",
        ),
        (
            "De eerste weken met weekdoelen",
            "De kaartjes werken, maar sommige doelen waren te groot ('beter rekenen'). We "
            "oefenden samen kleine doelen opschrijven.",
        ),
        (
            "Weekdoelen in de middenbouw",
            "Drie collega's lieten weekdoelkaartjes van hun leerlingen zien.",
        ),
        (
            "Na de plenaire: het kindgesprek",
            "Aan tafel hoorden we hoe Burgerschap de stille kinderen aan het woord krijgt. Dat "
            "nemen we mee naar het kindgesprek.",
        ),
        (
            "Vragen voor het kindgesprek",
            "We verzamelden vragen en hielden er drie over die in elke groep werken.",
        ),
        (
            "Kindgesprekken oefenen",
            "We oefenden in tweetallen een kindgesprek van vijf minuten.",
        ),
        ("Portfolio: wat kiezen de kinderen zelf?", ""),
    ],
    "Rekenen met begrip": [
        (
            "Rekenmateriaal in de groepen",
            "We zetten op een rij wat er per groep aan materiaal is. Vanaf groep 6 ligt het "
            "meeste ongebruikt in de kast.",
        ),
        (
            "Eerste lessen met materiaal",
            "Iedereen nam een les mee waarin materiaal op tafel lag. Het kost tijd, maar de "
            "instructie wordt korter.",
        ),
        (
            "Het drieslagmodel in de praktijk",
            "We deden een les voor: eerst materiaal, dan een tekening, dan de som.",
        ),
        (
            "Na de plenaire: vraagkaarten bij rekenen?",
            "Een paar collega's zagen aan tafel de vraagkaarten van Begrijpend lezen. Kan dat "
            "ook bij redactiesommen?",
        ),
        (
            "Het rekengesprek",
            "We keken naar een filmpje van een rekengesprek in groep 5 en schreven op welke "
            "vragen de kinderen aan het denken zetten.",
        ),
        (
            "Samen een rekenles ontwerpen",
            "We ontwierpen een les over breuken en spraken af wie hem geeft.",
        ),
        ("De rekenles nabespreken", ""),
    ],
    "Burgerschap en samenleven": [
        (
            "Burgerschap: wat doen we al?",
            "Er gebeurt al veel, maar los van elkaar: een kringgesprek hier, een project daar. "
            "We willen één vaste vorm.",
        ),
        (
            "De eerste gespreksregels",
            "Vijf groepen hebben al eigen gespreksregels: in de onderbouw met plaatjes, in groep "
            "8 als contract dat iedereen tekent.",
        ),
        (
            "Gespreksregels van de groepen vergelijken",
            "Elke groep nam de eigen gespreksregels mee; veel regels kwamen overeen.",
        ),
        (
            "Na de plenaire: stille kinderen",
            "Bij Eigenaarschap hoorden we over het kindgesprek. Wat betekent dat voor de "
            "kinderen die in de kring niets zeggen?",
        ),
        (
            "Thema's voor het klassengesprek",
            "We maakten een lijst met thema's; de kinderen mogen er zelf een aan toevoegen.",
        ),
        (
            "Het klassengesprek voorbereiden",
            "We kozen thema's voor de klassengesprekken tot de volgende vakantie.",
        ),
        ("Een klassengesprek nabespreken", ""),
    ],
    "Spelend leren": [
        (
            "Waar staan we met spel?",
            "We keken naar foto's van de speelhoeken. Er wordt genoeg gespeeld, maar wat de "
            "kinderen ervan leren, zien we nog weinig.",
        ),
        (
            "Speelhoeken bij het nieuwe thema",
            "De bouwhoek en de huishoek zijn opnieuw ingericht. De kinderen spelen langer door "
            "als de hoek bij het thema past.",
        ),
        (
            "Doelen zichtbaar bij de speelhoek",
            "We maakten samen de eerste doelkaarten: een plaatje voor de kinderen, een zin voor "
            "ons.",
        ),
        (
            "Wat nemen we mee van Taal in alle vakken?",
            "De woordmuur uit groep 5 kan ook in de kleuterklas, met plaatjes in plaats van "
            "woorden.",
        ),
        (
            "Een kijkwijzer voor spel",
            "We bespraken waar we op letten als we naar spel kijken: samen spelen, taal, plannen "
            "en volhouden.",
        ),
        (
            "Observaties uitwisselen",
            "Iedereen nam een observatie mee. Met de kijkwijzer zagen we meer dan we dachten, "
            "vooral bij de stille kinderen.",
        ),
        ("Wat laat de kijkwijzer zien?", ""),
    ],
    "Taal in alle vakken": [
        (
            "Waar staan we met woordenschat?",
            "De woordenschattoets van vorig jaar besproken. Vooral de vaktaal bij "
            "wereldoriëntatie is lastig.",
        ),
        (
            "De eerste woordmuren",
            "Drie groepen hebben een woordmuur. In groep 4 vullen de kinderen hem zelf aan.",
        ),
        (
            "Kernwoorden bij wereldoriëntatie",
            "Drie kernwoorden per les kiezen lukt, maar ze de dagen erna herhalen vergeten we "
            "vaak.",
        ),
        (
            "Wat nemen we mee van Spelend leren?",
            "Bij Spelend leren spelen de kinderen de woorden na. Dat willen we ook bij "
            "wereldoriëntatie proberen.",
        ),
        (
            "Rekentaal in groep 5",
            "Woorden als 'verschil' en 'samen' betekenen bij rekenen iets anders dan op het "
            "plein. We zetten ze op een rij.",
        ),
        (
            "Woordenschattoets voorbereiden",
            "We spraken af welke toets we afnemen en hoe we de uitslag naast die van vorig jaar "
            "leggen.",
        ),
        ("Uitslag van de woordenschattoets", ""),
    ],
}
# The first two teachers' entries, by the writer's line (any other line: the first).
LOG_ENTRIES = {
    "Burgerschap en samenleven": (
        "Met groep 6 de gespreksregels voor het klassengesprek opgesteld.",
        "Meer kinderen kwamen aan het woord, ook de stille kinderen.",
        "De gespreksregels en hoe ik ze samen met de klas heb gemaakt.",
    ),
    "Begrijpend lezen": (
        "Vraagkaarten gebruikt bij het voorlezen in groep 5.",
        "Twee leerlingen die anders niets zeggen, stelden zelf een vraag.",
        "",
    ),
    "Taal in alle vakken": (
        "Bij de les over het weer drie kernwoorden vooraf uitgelegd: neerslag, temperatuur en "
        "verwachting.",
        "Aan het eind van de week gebruikten de kinderen de woorden zelf in hun verslag.",
        "De kernwoorden ook in de weektaak laten terugkomen.",
    ),
    "Spelend leren": (
        "In de bouwhoek eerst een bouwtekening laten maken, daarna pas bouwen.",
        "Twee kleuters overlegden voor het eerst echt met elkaar over hun plan.",
        "",
    ),
}


# The Christmas holiday (two weeks, as in the Netherlands): no demo date falls in it.
def christmas_break(day: date) -> tuple[date, date]:
    """The first and last weekday of the Christmas holiday of `day`'s school year: two weeks
    from the Monday of the week with Christmas (of the week after, when it falls on a weekend),
    as Dutch schools have it."""
    christmas = date(day.year if day.month >= 7 else day.year - 1, 12, 25)
    if christmas.weekday() >= 5:
        christmas += timedelta(days=7 - christmas.weekday())
    monday = christmas - timedelta(days=christmas.weekday())
    return monday, monday + timedelta(days=11)


def _in_holiday(day: date) -> bool:
    first, last = christmas_break(day)
    return first - timedelta(days=2) <= day <= last + timedelta(days=2)


def _is_school_day(day: date) -> bool:
    return day.weekday() < 5 and not _in_holiday(day)


def school_day(day: date, first: date, last: date) -> date:
    """`day` kept within first..last, on a school day where the span has one near it: a weekend
    moves to the Monday after, or else to the Friday before; a day in the Christmas holiday
    to the nearer end of it (a past date never becomes a future one, nor a date inside the
    school year one after it)."""
    day = min(max(day, first), last)
    if _is_school_day(day):
        return day
    after, before = day, day
    while not _is_school_day(after):
        after += timedelta(days=1)
    while not _is_school_day(before):
        before -= timedelta(days=1)
    options = [after, before]
    if _in_holiday(day) and day - before <= after - day:
        options.reverse()
    return next((option for option in options if first <= option <= last), day)


def ahead_day(days: int, today: date, last: date, avoid: tuple[date, ...] = ()) -> date:
    """The school day `days` from today (see school_day), or the next one that is not in
    `avoid` (the days of the coming meeting and session: nobody plans an exchange on top of
    them), if the school year has one."""
    day = school_day(today + timedelta(days=days), today, last)
    while day in avoid:
        later = day + timedelta(days=1)
        while not _is_school_day(later):
            later += timedelta(days=1)
        if later > last:
            break
        day = later
    return day


# The demo teacher's partners, by the line each exchange is about: a visit on pupils who choose
# their own goal, a talk on maths conversations, and an invitation to try a citizenship lesson
# together (from a colleague of a line that has none). Another school: the first of each line.
PARTNERS = ("Eigenaarschap", "Rekenen met begrip", "Begrijpend lezen")
# The exchanges ahead: (days from today, hour, minute): agreed, then two moments proposed.
AHEAD = [(6, 15, 30), (9, 14, 0), (10, 15, 15)]


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


# What people write in the held session's reflection, by the line it is about: what others
# learned about the line (`learned`), what its own members brought, what others took from it
# and will try in their class (`try`), and what they want to talk further about (`about`).
# Short and longer answers, as a team writes them; each is used once before any comes back.
REFLECTION_TEXTS = {
    "Begrijpend lezen": {
        "learned": [
            "Hardop denken bij het voorlezen.",
            "Bij Begrijpend lezen doet de leerkracht eerst hardop voor wat een goede lezer "
            "denkt. Pas daarna stellen de kinderen zelf vragen.",
            "Met vraagkaarten stellen ook de stille kinderen een vraag bij de tekst.",
            "Dat ze in groep 3 al met vraagkaarten werken, met plaatjes erop. Dat had ik niet "
            "verwacht.",
            "Voorspellen bij de titel en de plaatjes, voordat je gaat lezen.",
            "De nulmeting liet zien dat de kinderen wel vlot lezen, maar weinig vragen stellen "
            "bij een tekst. Dat herken ik uit mijn eigen groep.",
            "Ze houden het klein: vier vraagkaarten per groep, de rest gaat in de la.",
            "Dat begrijpend lezen niet alleen in de leesles hoort, maar ook bij de zaakvakken.",
        ],
        "brought": [
            "Onze vraagkaarten.",
            "Hoe ik hardop denken voordoe bij een prentenboek.",
            "De vraagkaart 'Wat wil je nog weten?'; die werkt ook bij de zaakvakken.",
            "Voorspellen bij de titel en de plaatjes, in twee minuten.",
            "Onze nulmeting en wat die ons liet zien.",
            "Een filmpje van hardop denken in groep 4.",
            "Vraagkaarten met plaatjes voor kinderen die nog niet goed lezen.",
            "Hoe ik de vraagkaarten in groep 7 gebruik bij informatieve teksten.",
            "Dat je als leerkracht eerst zelf moet laten horen wat je denkt bij een tekst.",
        ],
        "took": [
            "Vraagkaarten bij het voorlezen.",
            "Eerst zelf hardop denken, dan pas vragen stellen.",
            "De kaart 'Wat wil je nog weten?'.",
            "Voorspellen bij de plaatjes.",
            "Vraagkaarten met plaatjes.",
            "Hardop denken, ook bij een rekenverhaal.",
            "Vier vraagkaarten is genoeg; meer wordt rommelig.",
        ],
        "try": [
            "Morgen bij het voorlezen hardop denken.",
            "Volgende week twee vraagkaarten uitproberen bij de leestekst.",
            "Bij de zaakvakken de kaart 'Wat wil je nog weten?' gebruiken.",
            "Voorspellen bij de plaatjes, voordat we het prentenboek lezen. Eerst in de kring, "
            "later in tweetallen.",
            "Hardop denken bij een redactiesom: wat staat er eigenlijk?",
            "Vraagkaarten met plaatjes maken voor mijn instructiegroep.",
            "Bij de leestekst van deze week eerst laten voorspellen.",
            "Vier vraagkaarten kiezen en die een maand lang gebruiken.",
        ],
        "about": [
            "de vraagkaarten",
            "hardop denken bij het voorlezen",
            "vraagkaarten bij informatieve teksten",
        ],
    },
    "Eigenaarschap": {
        "learned": [
            "Weekdoelen op een kaartje.",
            "Met een weekdoel op een kaartje kiezen kinderen zelf waar ze aan werken. Op vrijdag "
            "kijken ze terug of het gelukt is.",
            "Dat een kindgesprek van vijf minuten al veel oplevert, als je het elke week doet.",
            "Een goed weekdoel is klein. 'Beter rekenen' werkt niet, 'de tafel van 7 zonder "
            "fouten' wel.",
            "Kinderen weten op vrijdag meestal nog welk doel ze hadden gekozen. Dat vond ik "
            "verrassend.",
            "Dat eigenaarschap ook in groep 3 kan, als je het doel tekent in plaats van "
            "opschrijft.",
            "Ze stellen in het kindgesprek steeds dezelfde drie vragen. Daardoor weten de "
            "kinderen wat er komt en durven ze meer te zeggen.",
        ],
        "brought": [
            "Ons weekdoelkaartje.",
            "Hoe wij de weekdoelen samen met de kinderen kiezen.",
            "Onze kindgesprekken van vijf minuten op vrijdag.",
            "De drie vragen die we in elk kindgesprek stellen.",
            "Dat een weekdoel klein moet zijn, anders werkt het niet.",
            "Hoe de kinderen in groep 5 op vrijdag zelf terugkijken op hun doel.",
            "Een voorbeeld van een weekdoel dat eerst mislukte en daarna wel werkte.",
            "Hoe ik drie kindgesprekken per week inplan zonder dat het de hele dag kost.",
        ],
        "took": [
            "Een weekdoel op een kaartje.",
            "Een kort kindgesprek op vrijdag.",
            "Kleine doelen: één per week.",
            "Drie vaste vragen voor een kindgesprek.",
            "Kinderen op vrijdag zelf laten terugkijken.",
            "Het weekdoelkaartje uit de gedeelde map.",
            "Een getekend weekdoel voor de kinderen die nog niet lezen.",
        ],
        "try": [
            "Met drie kinderen een weekdoel afspreken.",
            "Vrijdag een kindgesprek van vijf minuten.",
            "Elk kind kiest maandag één doel voor rekenen of spelling. Op vrijdag kijken we "
            "samen terug.",
            "De drie vragen van het kindgesprek ook na het klassengesprek gebruiken.",
            "Weekdoelen tekenen met mijn groep 3.",
            "Kleine doelen.",
            "Het weekdoelkaartje uit de gedeelde map printen en met twee kinderen beginnen.",
            "Op vrijdag de kinderen zelf laten vertellen of hun doel gelukt is.",
        ],
        "about": [
            "de weekdoelkaartjes",
            "het kindgesprek op vrijdag",
            "weekdoelen in de onderbouw",
        ],
    },
    "Rekenen met begrip": {
        "learned": [
            "Bij rekenen eerst materiaal, dan pas de som.",
            "Het drieslagmodel: eerst handelen, dan tekenen, dan pas rekenen.",
            "Dat je ook in groep 8 nog met materiaal kunt werken, bijvoorbeeld met "
            "breukenstroken. De kinderen vonden het helemaal niet kinderachtig.",
            "Bij Rekenen met begrip tekenen ze bij elke instructie een model op het bord.",
            "Minder werkbladen betekent niet minder oefenen. Ze oefenen anders: met materiaal "
            "en in tweetallen.",
            "Kralenkettingen bij de tafels. Simpel, en de kinderen zien zelf dat 4 x 6 hetzelfde "
            "is als 6 x 4.",
            "Dat een rekengesprek in de kleine kring laat horen hoe een kind denkt, en niet "
            "alleen of het antwoord klopt.",
        ],
        "brought": [
            "Een rekenles waarin de kinderen eerst met materiaal werken.",
            "Hoe wij het drieslagmodel in elke les gebruiken.",
            "Breukenstroken.",
            "Kralenkettingen bij de tafels in groep 4.",
            "Dat een model op het bord tekenen de instructie korter maakt.",
            "Een opzet voor een rekengesprek in de kleine kring.",
            "Hoe we het rekenmateriaal per groep hebben geordend, zodat je het ook echt pakt.",
            "Foto's van rekenwerk van leerlingen: eerst de tekening, dan de som.",
        ],
        "took": [
            "Eerst materiaal, dan de som.",
            "Het drieslagmodel in de instructie.",
            "Breukenstroken vouwen.",
            "Een model tekenen op het bord.",
            "Rekenen in tweetallen met materiaal op tafel.",
            "Kralenkettingen bij de tafels.",
            "Een rekengesprek in de kleine kring.",
        ],
        "try": [
            "De volgende rekenles beginnen met materiaal op tafel.",
            "Bij de instructie eerst laten tekenen, dan pas de som.",
            "Breukenstroken vouwen bij de les over breuken. Ik vraag of ik die van groep 6 mag "
            "lenen.",
            "Een rekengesprek met vier kinderen in de kleine kring.",
            "Kralenkettingen bij de tafels.",
            "Bij redactiesommen eerst een tekening laten maken.",
            "Een werkblad overslaan en de som met materiaal laten doen.",
        ],
        "about": [
            "het drieslagmodel",
            "de breukenstroken",
            "rekengesprekken in de kleine kring",
        ],
    },
    "Burgerschap en samenleven": {
        "learned": [
            "Gespreksregels die de kinderen zelf maken.",
            "Bij Burgerschap stellen de kinderen zelf de gespreksregels op. Ze houden zich er "
            "beter aan dan aan regels die de juf bedenkt.",
            "Een vast klassengesprek in de week geeft de groep rust.",
            "De praatsteen: wie hem heeft, praat. Eenvoudig, en het werkt.",
            "Een stille minuut voordat het gesprek begint. Daarna stak bijna de helft van de "
            "klas een vinger op.",
            "Dat burgerschap geen apart vak hoeft te zijn. Het zit in hoe je elke week met "
            "elkaar praat.",
            "In groep 3 maken ze gespreksregels met pictogrammen.",
        ],
        "brought": [
            "De gespreksregels die onze klas zelf heeft gemaakt.",
            "Hoe ons wekelijkse klassengesprek verloopt.",
            "De praatsteen.",
            "Een stille minuut voordat het klassengesprek begint.",
            "Gespreksregels met pictogrammen voor de onderbouw.",
            "Hoe groep 8 zelf een thema kiest uit drie voorstellen.",
            "Een verslag van het klassengesprek over ruzie op het plein.",
        ],
        "took": [
            "Gespreksregels die de kinderen zelf opstellen.",
            "Een vast klassengesprek.",
            "De praatsteen.",
            "Een stille minuut vooraf.",
            "Pictogrammen bij de gespreksregels.",
            "De klas zelf een thema laten kiezen.",
            "Ook de stille kinderen iets vragen, zonder ze op te jagen.",
        ],
        "try": [
            "Met mijn groep eigen gespreksregels opstellen.",
            "Op maandag een klassengesprek van een kwartier.",
            "De praatsteen in de kring.",
            "Een stille minuut voor het gesprek, ook bij het kindgesprek.",
            "De klas laten kiezen uit drie onderwerpen voor het klassengesprek. Ik ben benieuwd "
            "hoe groep 7 dat oppakt.",
            "Pictogrammen bij onze klassenregels.",
            "Een klassengesprek over iets uit het nieuws.",
            "De kinderen zelf gespreksregels laten bedenken voor het werken in tweetallen.",
        ],
        "about": [
            "de gespreksregels",
            "het klassengesprek op maandag",
            "de praatsteen",
        ],
    },
    "Spelend leren": {
        "learned": [
            "Bij elke speelhoek een doel, zichtbaar voor de kinderen.",
            "Bij Spelend leren hangt bij elke speelhoek een doelkaart, met een plaatje voor de "
            "kinderen.",
            "Dat spel een vaste plek in de dag kan krijgen, met duidelijke doelen erbij.",
            "Met een kijkwijzer zie je tijdens het spel veel meer van wat kleuters al kunnen.",
            "De huishoek als dokterspraktijk: de kinderen gebruikten vanzelf woorden als "
            "'recept' en 'wachtkamer'.",
        ],
        "brought": [
            "Onze nieuwe speelhoeken.",
            "Hoe wij de doelen bij het spel zichtbaar maken.",
            "Foto's van de bouwhoek, van voor en na het inrichten.",
            "De eerste versie van onze kijkwijzer.",
        ],
        "took": [
            "Doelen zichtbaar bij de speelhoek.",
            "Een speelhoek die bij het thema past.",
            "Een kijkwijzer bij het spel.",
            "Themawoorden bij de speelhoek.",
        ],
        "try": [
            "Een doelkaart bij de bouwhoek.",
            "De speelhoek aanpassen aan het nieuwe thema.",
            "Twee kinderen observeren met de kijkwijzer.",
            "Bij het nieuwe thema samen met de kinderen een speelhoek inrichten.",
        ],
        "about": ["de doelkaarten bij de speelhoek", "de kijkwijzer"],
    },
    "Taal in alle vakken": {
        "learned": [
            "Ze maken bij elk thema een woordmuur.",
            "Bij elk vak drie kernwoorden kiezen, en die de hele week herhalen.",
            "Ook bij rekenen is woordenschat belangrijk: 'verschil' betekent daar iets anders "
            "dan op het plein.",
            "De woordmuur groeit mee met het thema, en de kinderen mogen zelf woorden toevoegen.",
            "Kernwoorden vooraf met een plaatje: dan begrijpen ook de kinderen met een kleine "
            "woordenschat de les.",
        ],
        "brought": [
            "Onze woordmuur.",
            "Hoe wij bij elk vak drie kernwoorden kiezen.",
            "Een lijst met rekentaal voor groep 5.",
            "Kernwoorden vooraf op het bord, met een plaatje.",
        ],
        "took": [
            "Een woordmuur per thema.",
            "Drie kernwoorden per les.",
            "Kernwoorden met een plaatje.",
            "Woorden naspelen in een kort rollenspel.",
        ],
        "try": [
            "Een woordmuur bij ons nieuwe thema.",
            "Drie kernwoorden vooraf kiezen.",
            "Kernwoorden met een plaatje op het bord.",
            "De themawoorden naspelen in de kring.",
        ],
        "about": ["de woordmuur", "kernwoorden bij wereldoriëntatie"],
    },
}
# "Who do you want to follow up with?": someone met at a table that afternoon, from the line
# the writer took something from (`second`: another colleague met there).
FOLLOW_UP = [
    "%(name)s, over %(about)s.",
    "Met %(first)s van %(line)s: ik wil een keer in de klas komen kijken.",
    "%(first)s. Over %(about)s hadden we aan tafel te weinig tijd.",
    "Met %(name)s. Ik wil meer weten over %(about)s.",
    "%(name)s; ik stuur een uitnodiging voor een uitwisseling.",
    "%(first)s, over %(about)s, en hoe dat in een combinatiegroep gaat.",
    "%(name)s en %(second)s: we zaten samen aan tafel en willen verder praten.",
]
# How useful the session was (1 to 5): mostly a 4 or a 5, now and then lower.
USEFUL_WEIGHTS = {2: 1, 3: 4, 4: 9, 5: 7}
# How often an optional question is left empty: brought/took seldom, what one will try in
# class (private) now and then, with whom to talk further (open) about a third of the time.
SKIPPED = {"brought_took": 0.08, "private": 0.2, "open": 0.33}


class _Decks:
    """Draws texts from the lists above in a seeded order: every text once before any comes
    back, so colleagues rarely write the same sentence and two runs write the same ones."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.decks: dict[tuple, list] = {}
        self.picked: dict[tuple, int] = {}
        self.written: set[str] = set()

    def pick(self, kind: str, lines: list[LearningLine]) -> LearningLine:
        """One of `lines`, among those picked least so far for `kind`: every line is written
        about about as often (no line stands out as better or worse)."""
        fewest = min(self.picked.get((kind, line.pk), 0) for line in lines)
        line = self.rng.choice(
            sorted(
                {line for line in lines if self.picked.get((kind, line.pk), 0) == fewest},
                key=lambda line: line.letter,
            )
        )
        self.picked[kind, line.pk] = fewest + 1
        return line

    def draw(self, key: tuple, texts: list):
        deck = self.decks.get(key)
        if not deck:
            deck = self.decks[key] = self.rng.sample(texts, len(texts))
        return deck.pop()


def _texts(line: LearningLine) -> dict:
    return REFLECTION_TEXTS.get(line.name, REFLECTION_TEXTS["Begrijpend lezen"])


def _table_mates(held: PlenarySession) -> tuple[dict[int, list], dict[int, LearningLine]]:
    """Per member seated at the held session: the colleagues they sat with, round by round, as
    (member, the line they were in then); and each one's line."""
    tables: dict[int, list] = {}
    line_of: dict[int, LearningLine] = {}
    for seat in (
        Seat.objects.filter(round__plan__session=held)
        .select_related("member", "line")
        .order_by("round__number", "table__number", "member__last_name", "member__first_name")
    ):
        tables.setdefault(seat.table_id, []).append((seat.member, seat.line))
        line_of[seat.member_id] = seat.line
    mates: dict[int, list] = {}
    for seated in tables.values():
        for member, _line in seated:
            mine = mates.setdefault(member.pk, [])
            mine += [(m, line) for m, line in seated if m.pk != member.pk and (m, line) not in mine]
    return mates, line_of


def _follow_up(decks: _Decks, mates: list, took_from: LearningLine) -> str:
    """Someone of the line the writer took something from, met at a table that afternoon;
    never the very sentence a colleague wrote already."""
    mate = next(member for member, line in mates if line.pk == took_from.pk)
    others = [member for member, line in mates if member.pk != mate.pk]
    text = ""
    for _attempt in FOLLOW_UP:
        template = decks.draw(("follow_up",), FOLLOW_UP)
        if "%(second)s" in template and not others:
            continue
        text = template % {
            "name": mate.full_name,
            "first": mate.first_name,
            "second": others[0].full_name if others else "",
            "line": took_from.name,
            "about": decks.draw(("about", took_from.pk), _texts(took_from)["about"]),
        }
        if text not in decks.written:
            break
    decks.written.add(text)
    return text


def _answers(questions, decks: _Decks, rng: random.Random, own, mates: list) -> dict:
    """One colleague's answers (the first question: what they learned): about the lines of
    colleagues they met, what they brought from their own line and took from another, what
    they will try, and with whom they want to talk further. Optional questions are left empty
    now and then; required ones never."""
    met = [line for _member, line in mates if line.pk != own.pk]
    took_from, learned_about = decks.pick("took", met), decks.pick("learned", met)
    answers = {}
    for question in questions:
        if question.kind == "scale":
            weights = USEFUL_WEIGHTS
            answers[question.pk] = AnswerData(value=rng.choices([*weights], [*weights.values()])[0])
        elif question == questions[0]:
            answers[question.pk] = AnswerData(
                text=decks.draw(("learned", learned_about.pk), _texts(learned_about)["learned"])
            )
        elif not question.required and rng.random() < SKIPPED.get(
            "private" if question.privacy == "private" else question.kind, 0.2
        ):
            answers[question.pk] = AnswerData(text="")
            if question.kind == "brought_took":  # nothing taken: the line is not named
                decks.picked["took", took_from.pk] -= 1
        elif question.kind == "brought_took":
            # Some only note what they took: they mostly listened.
            brought = (
                ""
                if rng.random() < 0.1
                else decks.draw(("brought", own.pk), _texts(own)["brought"])
            )
            answers[question.pk] = AnswerData(
                text=brought,
                took=decks.draw(("took", took_from.pk), _texts(took_from)["took"]),
                took_from=took_from.pk,
            )
        elif question.privacy == "private":
            answers[question.pk] = AnswerData(
                text=decks.draw(("try", took_from.pk), _texts(took_from)["try"])
            )
        elif question.kind == "open":
            answers[question.pk] = AnswerData(text=_follow_up(decks, mates, took_from))
    return answers


def _reflections(held: PlenarySession, lines: list[LearningLine]) -> None:
    """The held session's reflection: opened at its end, answered by most of those present.

    The demo teacher (the first teacher who is not in the steering group) has not answered
    yet, and neither has every fifth colleague on the list; the form stays open a few more
    days, so the demo shows both sides. Everyone writes about the lines of the colleagues
    they sat with; the texts are drawn in a seeded order, so every run writes the same.
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
    questions = [first_open, *(q for q in questions if q != first_open)]  # the first: learned
    demo_teacher = Member.objects.filter(school=held.school, is_steering=False).order_by("pk")[0]
    asked = [item.member for item in questionnaire_asked(questionnaire=questionnaire)]
    answering = [
        member
        for position, member in enumerate(asked)
        if member.pk != demo_teacher.pk and position % 5 != 2
    ]
    mates, line_of = _table_mates(held)
    rng = random.Random(f"reflections {held.school.slug}")  # noqa: S311 - demo texts, not secrets
    decks = _Decks(rng)
    now = timezone.now()
    for index, member in enumerate(answering):
        own = line_of.get(member.pk)
        if own is None or not any(line.pk != own.pk for _m, line in mates.get(member.pk, [])):
            continue
        answers = _answers(questions, decks, rng, own, mates[member.pk])
        # Most answer at the end of the session; some that evening or a day or two later.
        later = rng.choice([0, 0, 0, 0, 1, 2]) if index else 0
        moment = opened + timedelta(days=later, minutes=3 + index + (150 if later else 0))
        latest = now - timedelta(minutes=len(answering) - index)  # never ahead of the clock
        reflection_submit(
            questionnaire=questionnaire,
            member=member,
            answers=answers,
            now=min(moment, latest) if latest > opened else moment,
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
    firsts = [members[0] for members in by_line.values()]
    picks = [next((m for m in firsts if line_of[m.pk].name == name), None) for name in PARTNERS]
    spare = iter(m for m in firsts if m not in picks)
    picks = [pick or next(spare, None) for pick in picks]
    if None in picks:
        return
    partner, planned_with, inviter = picks
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
        brought="Hoe wij in groep 6 de gespreksregels samen met de kinderen maken.",
        took="Een doelenkaart waarop kinderen zelf hun doel voor de week kiezen.",
        took_from=line_of[partner.pk],
        sharing="participants",
        copy_to_log=True,
        now=after,
    )
    exchange_note(
        participant=held.participants.get(member=partner),
        brought="Onze doelenkaart en hoe de kinderen hem gebruiken.",
        took="Gespreksregels die de kinderen zelf maken; die probeer ik volgende week.",
        took_from=own,
        sharing="private",
        now=after,
    )
    # Agreed for next week, and waiting for an answer: moments ahead, inside the school year
    # (none are left on its last day).
    avoid = (dates["upcoming"], dates["draft"])
    ahead = [_at(ahead_day(n, today, year.end, avoid), h, m) for n, h, m in AHEAD]
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
        topics = LINE_TOPICS.get(line.name, MEETING_TOPICS)
        _meetings(line, dates["before"], topics[:3], held=True)
        _meetings(line, dates["after"], topics[3:6], held=True, first=3)
        _meetings(line, [dates["upcoming"]], topics[6:], held=False)
    result.created.append(f"{len(lines) * 7} line meetings at {school.name}")

    for member in Member.objects.filter(school=school, is_steering=False).order_by("pk")[:2]:
        line = line_on(member, dates["after"][0])
        entry = LOG_ENTRIES.get(line.name if line else "") or next(iter(LOG_ENTRIES.values()))
        tried, effect, to_bring = entry
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
