"""Demo data for development, demos and browser tests.

Idempotent: running it again finds what it made before and changes nothing. Later features add
their own demo data here (lines, meetings, sessions). All names are invented.
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.text import slugify

from exchange.demo_cycle import demo_cycle
from learninglines.models import LearningLine, LineMembership, School, User
from learninglines.services.lines import StepData, line_create, line_steps_save, membership_move
from learninglines.services.people import (
    coach_assign,
    member_add,
    school_create,
    school_year_ensure_current,
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
        ],
    ),
    (
        "Burgerschap en samenleven",
        "Elke groep voert elke week een klassengesprek over samenleven.",
        "We gebruiken gespreksregels die de leerlingen zelf opstellen.",
        [
            ("Gespreksregels met de klas maken", "done"),
            ("Wekelijks klassengesprek", "busy"),
        ],
    ),
]
VLINDER_LINES = [
    (
        "Spelend leren",
        "Spel als vaste plek in de onderbouw, met doelen die we zichtbaar maken.",
        "",
        [("Speelhoeken herinrichten", "done"), ("Doelen bij spel zichtbaar maken", "busy")],
    ),
    (
        "Taal in alle vakken",
        "Bij elk vak letten we op woordenschat.",
        "",
        [("Woordmuur per thema", "busy")],
    ),
]


@dataclass
class DemoResult:
    created: list[str] = field(default_factory=list)
    credentials: list[tuple[str, str, str]] = field(default_factory=list)


def demo_email(first: str, prefix: str, last: str, domain: str) -> str:
    return f"{slugify(first)}.{slugify(prefix + last).replace('-', '')}@{domain}"


def _demo_password(user: User, password: str | None) -> None:
    if password and not user.has_usable_password():
        user.set_password(password)
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


def demo_seed() -> DemoResult:
    """Create the demo schools and people that do not exist yet; never touch what is there."""
    result = DemoResult()
    with transaction.atomic():
        if not User.objects.filter(email=DEMO_ADMIN_EMAIL).exists():
            User.objects.create_superuser(
                email=DEMO_ADMIN_EMAIL, password=DEMO_ADMIN_PASSWORD, name="Beheer"
            )
            result.created.append(f"user {DEMO_ADMIN_EMAIL}")
        regenboog, team = _school(
            "de-regenboog", "Basisschool De Regenboog", REGENBOOG_TEAM, "regenboog.example", result
        )
        vlinder, vlinder_team = _school(
            "de-vlinder", "OBS De Vlinder", VLINDER_TEAM, "vlinder.example", result
        )
        _lines(regenboog, team, REGENBOOG_LINES, result)
        _lines(vlinder, vlinder_team, VLINDER_LINES, result)
        demo_cycle(regenboog, team[0], result)
        demo_cycle(vlinder, vlinder_team[0], result)
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
