"""Demo data for development, demos and browser tests.

Idempotent: running it again finds what it made before and changes nothing. Later features add
their own demo data here (lines, meetings, sessions). All names are invented.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cache

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone
from django.utils.text import slugify

from exchange.demo_cycle import ahead_day, demo_cycle, drop_mails, school_day, signed_in
from learninglines.models import (
    LearningLine,
    LineMeeting,
    LineMembership,
    LogEntry,
    Member,
    OutgoingMail,
    School,
    User,
)
from learninglines.selectors.lines import year_current
from learninglines.services.journal import log_entry_create
from learninglines.services.lines import StepData, line_create, line_steps_save, membership_move
from learninglines.services.meetings import meeting_notes_save, meeting_update
from learninglines.services.people import (
    coach_assign,
    member_add,
    school_create,
    school_year_ensure_current,
)
from sessions_app.models import Ambition
from sessions_app.selectors.reflections import line_on
from sessions_app.services.exchanges import (
    ambition_save,
    exchange_accept,
    exchange_cancel,
    exchange_decline,
    exchange_mark_held,
    exchange_note,
    exchange_start,
)

DEMO_PASSWORD = "demo-brengen-halen"  # noqa: S105 - published demo credential, DEBUG only
DEMO_ADMIN_EMAIL = "beheer@example.org"
DEMO_ADMIN_PASSWORD = DEMO_PASSWORD
DEMO_COACH_EMAIL = "karin.hoekstra@coach.example"
DEMO_COACH_NAME = "Karin Hoekstra"

# (first name, prefix, last name); the first three form the steering group.
REGENBOOG_TEAM = [
    ("Anouk", "de", "Vries"),
    ("Daan", "van der", "Berg"),
    ("Fatima", "el", "Amrani"),
    ("Sanne", "", "Jansen"),
    ("Lars", "van", "Dijk"),
    ("Noor", "", "Bakker"),
    ("Bram", "de", "Jong"),
    ("Eva", "", "Visser"),
    ("Thijs", "", "Smit"),
    ("Lotte", "", "Meijer"),
    ("Ruben", "de", "Boer"),
    ("Iris", "", "Mulder"),
    ("Sem", "de", "Groot"),
    ("Fleur", "", "Bos"),
    ("Jesse", "", "Vos"),
    ("Julia", "", "Peters"),
    ("Milan", "", "Hendriks"),
    ("Sara", "van", "Leeuwen"),
    ("Luuk", "", "Dekker"),
    ("Roos", "", "Brouwer"),
    ("Finn", "de", "Wit"),
    ("Emma", "", "Dijkstra"),
    ("Stijn", "", "Smits"),
    ("Mila", "de", "Graaf"),
    ("Tim", "van der", "Meer"),
    ("Yara", "van den", "Broek"),
    ("Koen", "", "Kok"),
    ("Lieke", "", "Verhoeven"),
    ("Hamza", "", "Yilmaz"),
    ("Nina", "", "Schouten"),
    ("Gijs", "van", "Wijk"),
    ("Femke", "", "Willems"),
]
VLINDER_TEAM = [
    ("Marloes", "", "Kuipers"),
    ("Jeroen", "van", "Vliet"),
    ("Ayşe", "", "Demir"),
    ("Pieter", "", "Postma"),
    ("Wendy", "ter", "Horst"),
    ("Rik", "", "Hoekman"),
    ("Esther", "van", "Dam"),
    ("Joost", "", "Koster"),
]
STEERING_COUNT = {"de-regenboog": 3, "de-vlinder": 1}

# Lines per school: (name, goal, description, [(step, status)]). Members go round-robin over the
# lines; De Regenboog's last member joins line A, giving lines of 9, 8, 8 and 7.
REGENBOOG_LINES = [
    (
        "Begrijpend lezen",
        "Leerlingen stellen zelf vragen bij een tekst, van groep 3 tot en met 8.",
        "We oefenen hardop denken bij het voorlezen en geven leerlingen vraagkaarten. Elke "
        "bijeenkomst nemen we een voorbeeld uit de eigen klas mee.",
        [
            ("Nulmeting: hoe lezen onze leerlingen nu?", "done"),
            ("Hardop denken voordoen bij het voorlezen", "done"),
            ("Vraagkaarten in alle groepen", "busy"),
            ("Lesbezoek bij een collega uit een andere bouw", "planned"),
            ("Opbrengst meten en delen met het team", "planned"),
        ],
    ),
    (
        "Eigenaarschap",
        "Leerlingen kiezen een eigen leerdoel en kijken terug op hun werk.",
        "We werken met een weekdoel op een kaartje en een kort kindgesprek op vrijdag.",
        [
            ("Weekdoelen invoeren in de middenbouw", "done"),
            ("Kindgesprekken van vijf minuten oefenen", "busy"),
            ("Portfolio met eigen keuzes", "planned"),
            ("Leerlingen vertellen zelf over hun portfolio bij het oudergesprek", "planned"),
        ],
    ),
    (
        "Rekenen met begrip",
        "Meer handelend en visueel rekenen, minder werkbladen.",
        "Materiaal en tekeningen eerst, dan pas de som. We delen lesideeën in een gedeelde map.",
        [
            ("Rekenmaterialen per groep op orde", "done"),
            ("Het drieslagmodel in elke les", "busy"),
            ("Samen een les ontwerpen en geven", "planned"),
            ("Rekengesprekken in de kleine kring", "planned"),
            ("Middentoets bespreken: wat zien we terug van de aanpak?", "planned"),
        ],
    ),
    (
        "Burgerschap en samenleven",
        "Elke groep voert elke week een klassengesprek over samenleven.",
        "We gebruiken gespreksregels die de leerlingen zelf opstellen.",
        [
            ("Gespreksregels met de klas maken", "done"),
            ("Wekelijks klassengesprek", "busy"),
            ("Een klassengesprek over het nieuws van de week", "planned"),
            ("Een leerlingenraad met een leerling uit elke groep", "planned"),
        ],
    ),
]
VLINDER_LINES = [
    (
        "Spelend leren",
        "Spel als vaste plek in de onderbouw, met doelen die we zichtbaar maken.",
        "Elke speelhoek hoort bij het thema en heeft een doel op een kaart. We kijken met een "
        "kijkwijzer naar wat kinderen in het spel laten zien.",
        [
            ("Speelhoeken herinrichten", "done"),
            ("Doelen bij spel zichtbaar maken", "busy"),
            ("Observeren tijdens het spel met een kijkwijzer", "planned"),
        ],
    ),
    (
        "Taal in alle vakken",
        "Bij elk vak letten we op woordenschat.",
        "Per les kiezen we drie kernwoorden vooraf, ook bij rekenen en wereldoriëntatie. De "
        "woordmuur groeit mee met het thema.",
        [
            ("Woordmuur per thema", "busy"),
            ("Drie kernwoorden per les bij wereldoriëntatie", "planned"),
            ("Woordenschattoets vergelijken met vorig jaar", "planned"),
        ],
    ),
]


@dataclass
class DemoResult:
    created: list[str] = field(default_factory=list)
    credentials: list[tuple[str, str, str]] = field(default_factory=list)


def demo_email(first: str, prefix: str, last: str, domain: str) -> str:
    return f"{slugify(first)}.{slugify(prefix + last).replace('-', '')}@{domain}"


@cache
def _hashed(password: str) -> str:
    """One hash for the published demo password, shared by the demo accounts: hashing is slow
    on purpose (about half a second each), and a salt per account protects nothing here."""
    return make_password(password)


def _demo_password(user: User, password: str | None) -> None:
    if password and not user.has_usable_password():
        user.password = _hashed(password)
        user.save(update_fields=["password"])


def _school(slug: str, name: str, team: list[tuple[str, str, str]], domain: str, result):
    """A demo school through the same services a real one uses; nobody gets an invitation mail."""
    (first, prefix, last), *_rest = team
    setup = school_create(
        name=name,
        slug=slug,
        steering_email=demo_email(first, prefix, last, domain),
        first_name=first,
        name_prefix=prefix,
        last_name=last,
        send_invite=False,
    )
    if setup.created:
        result.created.append(f"school {name}")
    school = setup.school
    members = []
    for index, (first, prefix, last) in enumerate(team):
        member, created = member_add(
            school=school,
            email=demo_email(first, prefix, last, domain),
            first_name=first,
            name_prefix=prefix,
            last_name=last,
            is_steering=index < STEERING_COUNT[slug],
        )
        if created or (index == 0 and setup.created):
            result.created.append(f"member {member.full_name}")
        # The first steering member and the first plain teacher get a password for the demo;
        # everyone else signs in with links, as most teachers will.
        if index in (0, STEERING_COUNT[slug]):
            _demo_password(member.user, DEMO_PASSWORD)
        members.append(member)
    return school, members


def _lines(school: School, members: list, spec: list, result: DemoResult) -> list[LearningLine]:
    """The school's demo lines in the current year, with steps and members (only when new)."""
    year = school_year_ensure_current(school=school)
    lines = []
    for name, goal, description, steps in spec:
        line = LearningLine.objects.filter(year=year, name=name).first()
        if line is None:
            line = line_create(
                school=school, year=year, name=name, goal=goal, description=description
            )
            line_steps_save(
                line=line, steps=[StepData(title=title, status=status) for title, status in steps]
            )
            result.created.append(f"line {name}")
        lines.append(line)
    placed = set(LineMembership.objects.filter(line__year=year).values_list("member_id", flat=True))
    for index, member in enumerate(members):
        if member.pk in placed:
            continue
        line = lines[index % len(lines)]
        if index == len(members) - 1 and len(members) % len(lines) == 0 and len(lines) > 2:
            line = lines[0]  # uneven lines, as real schools have them
        membership_move(member=member, line=line, start=year.start)
    return lines


# --- What makes the demo read like a school in the middle of its year ----------------------
# demo_cycle makes the meetings, sessions and the demo teacher's exchanges; what follows adds,
# once and only when the cycle was made in the same run, what a team fills in along the way:
# an agenda per meeting and its agreement, log entries (some shared with the line), ambitions,
# and small exchanges between colleagues in every state. Dates come from the line meetings,
# which follow today, so this works on any day of the school year.

# Per line, by meeting (in the order demo_cycle plans them): the agenda item of the day and
# the agreement written in the notes (the last meeting is still to come: no agreement yet).
LINE_MEETINGS = {
    "Begrijpend lezen": [
        (
            "Uitslag van de nulmeting per groep",
            "Iedereen leest deze week twee keer hardop denkend voor.",
        ),
        (
            "Filmpje van hardop denken in groep 4",
            "We proberen de vraagkaarten uit groep 5 ook in groep 3.",
        ),
        (
            "Vraagkaarten: welke vragen werken?",
            "Vier vraagkaarten per groep, de rest gaat in de la.",
        ),
        (
            "Wat we in de plenaire hoorden over weekdoelen",
            "Groep 7 en 8 koppelen een weekdoel aan de leestekst.",
        ),
        (
            "Vraagkaarten in de bovenbouw",
            "Lars maakt een set vraagkaarten voor informatieve teksten.",
        ),
        (
            "Kijkwijzer voor het lesbezoek",
            "Tweetallen plannen hun lesbezoek binnen drie weken.",
        ),
        ("Opbrengst: wat zien we terug in de klas?", ""),
    ],
    "Eigenaarschap": [
        (
            "Wat verstaan we onder eigenaarschap?",
            "Elke groep 4 tot en met 6 begint met een weekdoel.",
        ),
        ("Weekdoelkaartjes van de eerste weken", "We houden het kaartje klein: één doel per week."),
        (
            "Drie voorbeelden van weekdoelen",
            "Noor deelt haar kaartje als voorbeeld in de gedeelde map.",
        ),
        (
            "Kindgesprekken: wat hoorden we in de plenaire?",
            "Vrijdag vijf minuten per kind, drie kinderen per week.",
        ),
        (
            "Gespreksvragen voor het kindgesprek",
            "We gebruiken dezelfde drie vragen in alle groepen.",
        ),
        (
            "Kindgesprek in tweetallen oefenen",
            "Volgende keer kijken we samen naar het portfolio.",
        ),
        ("Voorbeelden van portfolio's uit groep 5 en 7", ""),
    ],
    "Rekenen met begrip": [
        (
            "Rekenmaterialen per groep: wat missen we?",
            "Fatima bestelt breukenstokken en rekenrekjes.",
        ),
        ("Eerste lessen met materiaal op tafel", "Elke les begint met materiaal, ook in groep 8."),
        ("Het drieslagmodel voorgedaan", "We tekenen bij elke instructie een model op het bord."),
        ("Wat nemen we mee over vraagkaarten?", "We proberen een vraagkaart bij redactiesommen."),
        (
            "Rekengesprekken in de kleine kring",
            "Koen en Stijn maken een opzet voor een rekengesprek.",
        ),
        ("Een les over breuken ontwerpen", "Bram geeft de les in groep 6; wie kan, kijkt mee."),
        ("De breukenles nabespreken", ""),
    ],
    "Burgerschap en samenleven": [
        ("Wat doen we al aan burgerschap?", "Elke groep maakt eigen gespreksregels met de klas."),
        ("Gespreksregels uit de groepen", "De gespreksregels hangen zichtbaar in elke klas."),
        (
            "Overeenkomsten tussen de regels",
            "We houden vijf regels aan die in alle groepen gelden.",
        ),
        (
            "Wat hoorden we over kindgesprekken?",
            "We vragen bij het klassengesprek ook naar de stille kinderen.",
        ),
        (
            "Thema's voor de klassengesprekken",
            "Eén klassengesprek per week, op maandag na de pauze.",
        ),
        (
            "Klassengesprek over ruzie op het plein",
            "Sanne neemt een verslag van een gesprek uit groep 6 mee.",
        ),
        ("Het verslag van het klassengesprek in groep 6", ""),
    ],
    "Spelend leren": [
        ("Hoe spelen onze kleuters nu?", "Ayşe maakt foto's van de speelhoeken in beide groepen."),
        (
            "De bouwhoek en de huishoek opnieuw ingericht",
            "Bij elk thema past ten minste één speelhoek.",
        ),
        (
            "Doelen bij het spel: een kaart per hoek",
            "Elke hoek krijgt een doelkaart met een plaatje.",
        ),
        (
            "Wat we in de plenaire hoorden over woordenschat",
            "We hangen de themawoorden ook bij de speelhoek.",
        ),
        ("Waar letten we op bij spel?", "Wendy maakt een eerste kijkwijzer met vier punten."),
        (
            "Observaties tijdens het spel vergelijken",
            "Iedereen observeert twee kinderen met de kijkwijzer.",
        ),
        ("Observaties naast de kijkwijzer leggen", ""),
    ],
    "Taal in alle vakken": [
        (
            "Woordenschat bij de vakken: waar staan we?",
            "Bij het nieuwe thema maken we een woordmuur.",
        ),
        (
            "Foto's van de woordmuren",
            "Woorden met een plaatje, en de kinderen mogen woorden aanvullen.",
        ),
        ("Woorden kiezen bij wereldoriëntatie", "Per les drie kernwoorden vooraf op het bord."),
        (
            "Wat we in de plenaire hoorden over spel",
            "We spelen de kernwoorden na in een kort rollenspel.",
        ),
        ("Kernwoorden bij rekenen", "Pieter zet de rekentaal van groep 5 op een rij."),
        ("Welke toets nemen we af, en wanneer?", "Joost vergelijkt de toetsen met vorig jaar."),
        ("De uitslag naast die van vorig jaar", ""),
    ],
}
OPENING = ["Welkom en verwachtingen", "Terugblik op de afspraken van vorige keer"]
CLOSING = "Afspraken: wie probeert wat tot de volgende keer?"

# Log entries: (full name, meeting number whose date it takes, tried, effect, to bring, shared
# with the line). The demo teacher's own and her line's shared entries come first.
LOG_ENTRIES = [
    (
        "Sanne Jansen",
        0,
        "In groep 6 gevraagd wat de kinderen onder samenleven verstaan.",
        "Veel antwoorden gingen over het plein; daar begin ik het klassengesprek mee.",
        "",
        False,
    ),
    (
        "Sanne Jansen",
        1,
        "Een klassengesprek met een praatsteen gehouden.",
        "Rustiger dan ik dacht; wel praatten steeds dezelfde vijf kinderen.",
        "De praatsteen: wie hem heeft, praat, de rest luistert.",
        True,
    ),
    (
        "Sanne Jansen",
        5,
        "Een klassengesprek over ruzie op het plein, met een stille ronde vooraf.",
        "Na één minuut nadenken stak bijna de helft van de klas een vinger op.",
        "Een stille minuut voor het gesprek begint.",
        True,
    ),
    (
        "Julia Peters",
        2,
        "In groep 3 gespreksregels met pictogrammen gemaakt.",
        "De kinderen wijzen elkaar zelf op het plaatje van 'om de beurt'.",
        "Pictogrammen bij de gespreksregels voor de onderbouw.",
        True,
    ),
    (
        "Eva Visser",
        4,
        "Groep 8 koos zelf het thema voor het klassengesprek: telefoons in de klas.",
        "Fel gesprek, maar ze hielden zich aan de regels die ze zelf hadden gemaakt.",
        "Laat de groep het onderwerp kiezen uit drie voorstellen.",
        True,
    ),
    (
        "Mila de Graaf",
        3,
        "Een klassengesprek na een ruzie in de gymles.",
        "Twee kinderen boden uit zichzelf excuses aan.",
        "",
        False,
    ),
    (
        "Anouk de Vries",
        1,
        "In groep 7 hardop denkend voorgelezen uit een informatief boek.",
        "Kinderen vroegen wat ik bedoelde met 'voorspellen'; dat woord leg ik eerst uit.",
        "",
        False,
    ),
    (
        "Anouk de Vries",
        4,
        "Drie vraagkaarten gebruikt bij de leestekst over vulkanen.",
        "De kaart 'Wat wil je nog weten?' leverde de beste vragen op.",
        "De kaart 'Wat wil je nog weten?' werkt ook bij zaakvakken.",
        True,
    ),
    (
        "Femke Willems",
        2,
        "Vraagkaarten bij het voorlezen in groep 4.",
        "Na drie keer pakken de kinderen zelf een kaart voordat ik iets vraag.",
        "Vraagkaarten met een plaatje voor wie nog niet goed leest.",
        True,
    ),
    (
        "Hamza Yilmaz",
        5,
        "Voorspellen bij de titel en de plaatjes, voordat we lezen.",
        "Ook de zwakke lezers deden mee omdat ze het plaatje konden gebruiken.",
        "Voorspellen bij titel en plaatjes, in twee minuten.",
        True,
    ),
    (
        "Noor Bakker",
        2,
        "Elk kind in groep 5 koos een weekdoel voor rekenen of spelling.",
        "Op vrijdag wist bijna iedereen nog welk doel hij had gekozen.",
        "Het weekdoelkaartje, als voorbeeld in de gedeelde map.",
        True,
    ),
    (
        "Lotte Meijer",
        4,
        "Kindgesprekken van vijf minuten met drie kinderen uit groep 6.",
        "Eén meisje vertelde dat ze de instructie te snel vindt; dat wist ik niet.",
        "",
        False,
    ),
    (
        "Koen Kok",
        1,
        "De instructie over de tafels begonnen met kralenkettingen.",
        "Kinderen zagen zelf dat 4 x 6 hetzelfde is als 6 x 4.",
        "Kralenkettingen bij de tafels in groep 4.",
        True,
    ),
    (
        "Jesse Vos",
        4,
        "Breuken eerst laten vouwen met papieren stroken.",
        "Bij de som daarna kwamen minder fouten met 'de grootste noemer is de grootste breuk'.",
        "Breukenstroken vouwen voordat we gaan rekenen.",
        True,
    ),
    (
        "Ayşe Demir",
        2,
        "De huishoek ingericht als dokterspraktijk bij het thema ziek zijn.",
        "Kinderen gebruikten uit zichzelf woorden als 'recept' en 'wachtkamer'.",
        "Themawoorden ophangen bij de speelhoek.",
        True,
    ),
    (
        "Pieter Postma",
        4,
        "Drie kernwoorden vooraf bij de les over de Romeinen.",
        "Bij het navragen kenden de meeste kinderen alle drie de woorden.",
        "Kernwoorden vooraf op het bord, met een plaatje.",
        True,
    ),
]

# Ambitions: (full name, text, shared with the team).
AMBITIONS = [
    (
        "Anouk de Vries",
        "Ik wil zien hoe collega's in de middenbouw rekengesprekken voeren, en leren hoe ik "
        "als stuurgroeplid de leerlijnen beter met elkaar verbind.",
        True,
    ),
    (
        "Lars van Dijk",
        "Ik wil leren hoe ik leerlingen in groep 7 zelf vragen laat stellen bij informatieve "
        "teksten, het liefst van iemand uit de bovenbouw.",
        True,
    ),
    (
        "Noor Bakker",
        "Ik wil een klassengesprek kunnen leiden waarin ook de stille kinderen praten; ik wil "
        "daarvoor bij Burgerschap gaan kijken.",
        True,
    ),
    (
        "Koen Kok",
        "Ik wil beter worden in het voordoen van hardop denken bij redactiesommen.",
        True,
    ),
    (
        "Lotte Meijer",
        "Ik wil leren hoe ik kindgesprekken kort houd zonder dat het een afvinklijstje wordt.",
        False,
    ),
    (
        "Julia Peters",
        "Ik wil weten hoe collega's in de onderbouw met weekdoelen werken.",
        True,
    ),
    (
        "Bram de Jong",
        "Ik wil dat mijn groep 6 breuken begrijpt in plaats van trucjes onthoudt; ik wil een "
        "les over breuken samen voorbereiden en elkaar daarbij in de klas bezoeken.",
        True,
    ),
    (
        "Ayşe Demir",
        "Ik wil leren observeren tijdens spel zonder het spel te onderbreken.",
        True,
    ),
    (
        "Pieter Postma",
        "Ik wil zien hoe de kleutercollega's woorden aanbieden in de speelhoek.",
        True,
    ),
]

# Exchanges between colleagues (the demo teacher's own three come from demo_cycle). When: the
# date of the initiator's line meeting with this number plus `days`, at the hour given (held
# ones lie before today), or `ahead` school days from today for those still to come. State:
# held (notes by both), not_held, cancelled, declined, agreed or proposed.
# (initiator, invitee, topic, kind, state, meeting number, days, hour, notes)
EXCHANGES = [
    (
        "Femke Willems",
        "Noor Bakker",
        "Vraagkaarten en weekdoelen in groep 4 en 5",
        "conversation",
        "held",
        1,
        2,
        (14, 45),
        (
            ("Hoe ik vraagkaarten bij het voorlezen gebruik.", "Een weekdoelkaartje voor lezen."),
            ("Ons weekdoelkaartje.", "Vraagkaarten met plaatjes voor de onderbouw."),
        ),
    ),
    (
        "Jesse Vos",
        "Eva Visser",
        "Breuken en eerlijk delen in groep 8",
        "visit",
        "held",
        2,
        1,
        (13, 0),
        (
            ("Breukenstroken en hoe we ze vouwen.", "Een klassengesprek over eerlijk delen."),
            ("Het klassengesprek als start van de rekenles.", "Breukenstroken vouwen."),
        ),
    ),
    (
        "Lotte Meijer",
        "Anouk de Vries",
        "Kindgesprekken over lezen",
        "conversation",
        "held",
        3,
        2,
        (15, 0),
        (
            (
                "Drie vragen voor een kindgesprek van vijf minuten.",
                "Hardop denken bij het voorlezen.",
            ),
            ("Hoe ik hardop denk bij een prentenboek.", "De drie vragen uit het kindgesprek."),
        ),
    ),
    (
        "Koen Kok",
        "Iris Mulder",
        "Gespreksregels bij samenwerkend rekenen",
        "lesson",
        "held",
        4,
        1,
        (13, 15),
        (
            ("Een rekenopdracht voor tweetallen met materiaal.", "Gespreksregels bij samenwerken."),
            ("Onze gespreksregels.", "Rekenen in tweetallen met materiaal op tafel."),
        ),
    ),
    (
        "Yara van den Broek",
        "Hamza Yilmaz",
        "Samen lezen in groep 3",
        "visit",
        "not_held",
        2,
        3,
        (14, 30),
        None,
    ),
    (
        "Ruben de Boer",
        "Roos Brouwer",
        "Rekenhoek in de kleuterklas",
        "visit",
        "cancelled",
        4,
        2,
        (14, 0),
        None,
    ),
    (
        "Julia Peters",
        "Anouk de Vries",
        "Weekdoelen in de onderbouw",
        "conversation",
        "agreed",
        None,
        9,
        (15, 30),
        None,
    ),
    (
        "Tim van der Meer",
        "Stijn Smits",
        "Hardop denken bij redactiesommen",
        "lesson",
        "proposed",
        None,
        10,
        (14, 15),
        None,
    ),
    (
        "Sara van Leeuwen",
        ("Gijs van Wijk", "Finn de Wit"),
        "Zelf plannen met een weektaak in groep 7",
        "conversation",
        "declined",
        None,
        3,
        (15, 45),
        None,
    ),
    (
        "Ayşe Demir",
        "Pieter Postma",
        "Themawoorden in de speelhoek",
        "visit",
        "held",
        2,
        2,
        (10, 30),
        (
            ("Hoe de speelhoek bij het thema past.", "Kernwoorden vooraf, met een plaatje."),
            ("Onze kernwoorden bij wereldoriëntatie.", "Themawoorden bij de speelhoek hangen."),
        ),
    ),
    (
        "Rik Hoekman",
        "Wendy ter Horst",
        "Observeren tijdens spel",
        "conversation",
        "agreed",
        None,
        2,
        (14, 30),
        None,
    ),
]
CANCEL_NOTE = "Roos moet die middag invallen in groep 5; we zoeken samen een nieuwe datum."


def _by_name(school: School) -> dict[str, Member]:
    return {m.full_name: m for m in Member.objects.filter(school=school).select_related("user")}


def _meeting_days(school: School) -> dict[int, list[date]]:
    """Per line, the dates of its meetings in the order they were planned (by pk)."""
    days: dict[int, list[date]] = {}
    for line_id, day in (
        LineMeeting.objects.filter(line__school=school).order_by("pk").values_list("line", "date")
    ):
        days.setdefault(line_id, []).append(day)
    return days


def _meeting_content(school: School) -> None:
    """An agenda of its own for every meeting, and the agreement in the notes of the held
    ones (their topics and notes come from demo_cycle)."""
    for line in LearningLine.objects.filter(school=school):
        content = LINE_MEETINGS.get(line.name)
        if content is None:
            continue
        meetings = list(line.meetings.order_by("pk"))
        for number, (meeting, (item, agreement)) in enumerate(zip(meetings, content, strict=False)):
            opening = OPENING[min(number, 1)]
            meeting_update(meeting=meeting, agenda=f"{opening}\n{item}\n{CLOSING}")
            if meeting.notes and agreement:
                meeting_notes_save(meeting=meeting, notes=f"{meeting.notes}\nAfspraak: {agreement}")


def _log_entries(school: School, people: dict[str, Member], days: dict[int, list[date]]) -> int:
    today = timezone.localdate()
    made = 0
    for name, number, tried, effect, to_bring, shared in LOG_ENTRIES:
        member = people.get(name)
        line = member and line_on(member, today)
        if line is None or not days.get(line.pk):
            continue
        held = [day for day in days[line.pk] if day <= today]
        day = held[min(number, len(held) - 1)] if held else today
        log_entry_create(
            author=member,
            date=day,
            tried=tried,
            effect=effect,
            to_bring=to_bring,
            sharing=LogEntry.Sharing.LINE if shared else LogEntry.Sharing.PRIVATE,
        )
        made += 1
    return made


def _ambitions(school: School, people: dict[str, Member], year) -> int:
    made = 0
    for name, text, shared in AMBITIONS:
        member = people.get(name)
        if member is None or Ambition.objects.filter(member=member, year=year).exists():
            continue
        ambition_save(member=member, year=year, text=text, sharing="team" if shared else "private")
        made += 1
    return made


def _at(day: date, hour: int, minute: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _exchange(spec, people, days, year, busy: tuple[date, ...] = ()) -> bool:
    """One exchange of EXCHANGES, brought to its state with the clock set; False if its
    dates do not fit (early or late in the school year). One still to come is not planned on
    a `busy` day (a line meeting or plenary session ahead). With two invitees, "declined"
    means the first says no and the other accepts: the exchange goes ahead without the first."""
    initiator_name, invitee_names, topic, kind, state, number, plus, (hour, minute), notes = spec
    names = (invitee_names,) if isinstance(invitee_names, str) else invitee_names
    initiator, invitees = people.get(initiator_name), [people.get(name) for name in names]
    if initiator is None or None in invitees:
        return False
    invitee = invitees[0]
    now = timezone.now()
    today = timezone.localdate()
    line = line_on(initiator, today)
    if number is None:  # still to come
        day = ahead_day(plus, today, year.end, busy)
        moment = _at(day, hour, minute)
        if moment <= now:
            return False
        invited_at = max(now - timedelta(days=2), _at(year.start, 8, 0))
        invited_at = min(invited_at, now)
    else:
        meeting_days = days.get(line.pk) if line else None
        if not meeting_days:
            return False
        day = school_day(meeting_days[number] + timedelta(days=plus), year.start, today)
        moment = _at(day, hour, minute)
        invited_at = moment - timedelta(days=4)
        if invited_at.date() < year.start or moment + timedelta(hours=2) > now:
            return False
    exchange = exchange_start(
        initiator=initiator,
        invitees=invitees,
        topic=topic,
        kind=kind,
        moments=[moment],
        now=invited_at,
    )
    theirs = exchange.participants.get(member=invitee)
    latest = min(now, moment)

    def reply(hours: int) -> datetime:
        """An answer some hours after the invitation, before the moment and not ahead."""
        return min(invited_at + timedelta(hours=hours), invited_at + (latest - invited_at) / 2)

    if state == "proposed":
        return True
    if state == "declined":
        exchange_decline(participant=theirs, now=reply(20))
        for other in invitees[1:]:
            exchange_accept(
                participant=exchange.participants.get(member=other),
                moment=exchange.moments.get(),
                now=reply(22),
            )
        return True
    exchange_accept(participant=theirs, moment=exchange.moments.get(), now=reply(3))
    mine = exchange.participants.get(member=initiator)
    if state == "cancelled":
        exchange_cancel(participant=theirs, note=CANCEL_NOTE, now=moment - timedelta(days=1))
    elif state in ("held", "not_held"):
        after = moment + timedelta(hours=1, minutes=30)
        exchange_mark_held(participant=mine, held=state == "held", now=after)
        for participant, (brought, took), took_from in zip(
            (mine, theirs), notes or (), (line_on(invitee, today), line), strict=False
        ):
            exchange_note(
                participant=participant,
                brought=brought,
                took=took,
                took_from=took_from,
                sharing="participants",
                copy_to_log=participant is mine,
                now=after,
            )
    return True


def demo_extras(school: School, year, result: DemoResult) -> None:
    """Agendas, agreements, log entries, ambitions and exchanges of the school's team: once,
    right after demo_cycle made its meetings."""
    people = _by_name(school)
    days = _meeting_days(school)
    mails_before = OutgoingMail.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    _meeting_content(school)
    logs = _log_entries(school, people, days)
    ambitions = _ambitions(school, people, year)
    today = timezone.localdate()
    busy = tuple(
        sorted(
            {day for line_days in days.values() for day in line_days if day >= today}
            | set(school.plenary_sessions.filter(date__gte=today).values_list("date", flat=True))
        )
    )
    with override_settings(OUTBOX_SEND_IMMEDIATELY=False):
        exchanges = sum(
            _exchange(spec, people, days, year, busy) for spec in EXCHANGES if spec[0] in people
        )
    drop_mails(school, mails_before)
    signed_in(school)
    result.created.append(
        f"{logs} log entries, {ambitions} ambitions and {exchanges} exchanges at {school.name}"
    )


def demo_seed() -> DemoResult:
    """Create the demo schools and people that do not exist yet; never touch what is there."""
    result = DemoResult()
    with transaction.atomic():
        if not User.objects.filter(email=DEMO_ADMIN_EMAIL).exists():
            admin = User.objects.create_superuser(
                email=DEMO_ADMIN_EMAIL, password=None, name="Beheer"
            )
            _demo_password(admin, DEMO_ADMIN_PASSWORD)
            result.created.append(f"user {DEMO_ADMIN_EMAIL}")
        regenboog, team = _school(
            "de-regenboog", "Basisschool De Regenboog", REGENBOOG_TEAM, "regenboog.example", result
        )
        vlinder, vlinder_team = _school(
            "de-vlinder", "OBS De Vlinder", VLINDER_TEAM, "vlinder.example", result
        )
        _lines(regenboog, team, REGENBOOG_LINES, result)
        _lines(vlinder, vlinder_team, VLINDER_LINES, result)
        for school, members in ((regenboog, team), (vlinder, vlinder_team)):
            fresh = not LineMeeting.objects.filter(line__school=school).exists()
            demo_cycle(school, members[0], result)
            if fresh and LineMeeting.objects.filter(line__school=school).exists():
                demo_extras(school, year_current(school=school), result)
        for school in School.objects.filter(slug__in=["de-regenboog", "de-vlinder"]):
            assignment, created = coach_assign(
                school=school, email=DEMO_COACH_EMAIL, name=DEMO_COACH_NAME, send_invite=False
            )
            _demo_password(assignment.user, DEMO_PASSWORD)
            if created:
                result.created.append(f"coach of {school.name}")
    steering = team[0]
    teacher = team[STEERING_COUNT["de-regenboog"]]
    result.credentials = [
        ("steering group", steering.user.email, DEMO_PASSWORD),
        ("teacher", teacher.user.email, DEMO_PASSWORD),
        ("coach (2 schools)", DEMO_COACH_EMAIL, DEMO_PASSWORD),
        ("administration (/admin/)", DEMO_ADMIN_EMAIL, DEMO_ADMIN_PASSWORD),
    ]
    return result
