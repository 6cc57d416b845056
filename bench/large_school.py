"""Server time of every page of the largest school after five years, per role, on PostgreSQL.

Builds, in a database of its own (a test database next to DATABASE_URL's, created and dropped
here; PostgreSQL on 127.0.0.1 by default), ten schools of 150 teachers in 8 lines with five
school years of history each (the current one up to today), all coached by one coach. Per
school and year: 8 lines with their members, 40 line meetings per line with attendance (the
past ones), 4 plenary sessions with a 6-round table plan (the grouping engine plans one
6-round session of 150 in 8 lines once; each session seats the same line slots with the members
shuffled within their line) and a reflection form of six questions of five types answered by
everyone, ~100 small exchanges of two or three with notes, 20 learning-log entries per teacher
and an ambition each. The schools are written with bulk inserts that keep the models' rules (one
line per member per day, a seat's line the member's line, one answer set per member and form),
not through the services: the services refuse dates in a school year that has ended.

Then it times, through Django's test client with DEBUG off, each page of the steering group, the
coach and a teacher of the first school (`--runs` requests each, 5 by default, after one
warm-up): the median wall time, the time inside SQL (a cursor wrapper around each query), the
rest (Python: views, templates, exports) and the number of queries; pages over 300 ms and the
slowest query of each page over 50 ms are marked. The whole run takes about two to three
minutes on the 2-core development machine.

Run from the repository root:
``DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/large_school.py``
(``--runs 5``, ``--schools 10``, ``--only overview`` to time the pages whose label contains a
word). Prints numbers; asserts nothing but the status of each page.
"""

from __future__ import annotations

import argparse
import io
import logging
import os
import random
import statistics
import sys
import time
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from datetime import time as clock
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "exchange.settings")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
os.environ["DJANGO_DEBUG"] = "false"
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-" + "x" * 60)
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
os.environ.setdefault("DJANGO_SITE_URL", "https://testserver")

TEACHERS = 150
LINES = 8
YEARS = 5
MEETINGS_PER_LINE = 40
SESSIONS_PER_YEAR = 4
ROUNDS = 6
EXCHANGES_PER_YEAR = 100
LOG_ENTRIES_PER_YEAR = 20
BATCH = 5000


def engine_layout(sizes: list[int]) -> list[list[list[tuple[int, int]]]]:
    """Six rounds planned by the grouping engine, as (line index, index within the line) seats."""
    from sessions_app.grouping.planner import plan_rounds

    lines = {n: [(n, i) for i in range(size)] for n, size in enumerate(sizes)}
    plan = plan_rounds(lines, ROUNDS, seed=0, time_limit=8)
    return plan.rounds


def build_school(number: int, layout, coach_email: str, today: date, rng: random.Random):
    """One school of 150 with five years of history; returns (steering member, a teacher)."""
    from django.contrib.auth.hashers import make_password

    from learninglines.models import (
        Attendance,
        LearningLine,
        LineColour,
        LineMeeting,
        LineMembership,
        LogEntry,
        Member,
        SchoolYear,
        User,
    )
    from learninglines.services.people import coach_assign, school_create
    from sessions_app.models import (
        Ambition,
        Answer,
        Assignment,
        ExchangeParticipant,
        PeerExchange,
        PlanChange,
        PlanRound,
        PlanTable,
        PlenarySession,
        Question,
        Questionnaire,
        Reflection,
        Seat,
        TablePlan,
    )

    slug = f"school-{number}"
    setup = school_create(
        name=f"School {number}",
        slug=slug,
        steering_email=f"stuurgroep@{slug}.example",
        first_name="Anouk",
        last_name="Vries",
        send_invite=False,
    )
    school = setup.school
    school.retention_years = 10  # keep every text: the heaviest case
    school.save(update_fields=["retention_years"])
    coach_assign(school=school, email=coach_email, name="Coach", send_invite=False)
    unusable = make_password(None)
    users = User.objects.bulk_create(
        User(email=f"leerkracht{n}@{slug}.example", password=unusable) for n in range(TEACHERS - 1)
    )
    members = [
        setup.steering,
        *Member.objects.bulk_create(
            Member(
                user=user,
                school=school,
                first_name=f"Voornaam{n}",
                name_prefix="van" if n % 7 == 0 else "",
                last_name=f"Achternaam{n:03d}",
                is_steering=n < 3,
                first_seen_at=datetime(2022, 9, 1, 12, tzinfo=today_tz()),
            )
            for n, user in enumerate(users)
        ),
    ]
    sizes = [TEACHERS // LINES + (n < TEACHERS % LINES) for n in range(LINES)]
    current_start = date(today.year if today.month >= 8 else today.year - 1, 8, 1)
    colours = list(LineColour.values)
    previous_lines: list = []
    first_teacher = members[5]
    for back in range(YEARS - 1, -1, -1):
        start = date(current_start.year - back, 8, 1)
        end = date(start.year + 1, 7, 31)
        current = back == 0
        year = SchoolYear.objects.filter(school=school, start=start).first()
        if year is None:
            year = SchoolYear(school=school, start=start, end=end, name=f"{start.year}-{end.year}")
            year.full_clean()
        year.cycle_started_on = start
        year.save()
        lines = LearningLine.objects.bulk_create(
            LearningLine(
                school=school,
                year=year,
                name=f"Leerlijn {letter}",
                letter=letter,
                colour=colours[n],
                goal="Samen beter lesgeven",
                copied_from=previous_lines[n] if previous_lines else None,
            )
            for n, letter in enumerate("ABCDEFGH")
        )
        previous_lines = lines
        # a new division every year: the same people, shuffled over the lines
        order = members[:]
        rng.shuffle(order)
        by_line: list[list] = []
        index = 0
        for size in sizes:
            by_line.append(order[index : index + size])
            index += size
        line_of = {m.pk: lines[n] for n, group in enumerate(by_line) for m in group}
        LineMembership.objects.bulk_create(
            LineMembership(member=m, line=lines[n], start=start, end=None if current else end)
            for n, group in enumerate(by_line)
            for m in group
        )
        # line meetings, every week or so on school days; attendance of the past ones
        meetings = []
        for n, line in enumerate(lines):
            for week in range(MEETINGS_PER_LINE):
                day = start + timedelta(days=31 + 7 * week + n % 5)
                meetings.append(
                    LineMeeting(
                        line=line,
                        date=day,
                        start_time=clock(15, 15),
                        end_time=clock(16, 30),
                        place="Lokaal 4",
                        topic=f"Bijeenkomst {week + 1}",
                        agenda="1. Opening\n2. Uitwisselen\n3. Afspraken",
                        notes="We spraken af om het volgende keer te proberen."
                        if day < today
                        else "",
                    )
                )
        meetings = LineMeeting.objects.bulk_create(meetings, batch_size=BATCH)
        statuses = ["present"] * 8 + ["excused", "absent"]
        Attendance.objects.bulk_create(
            (
                Attendance(meeting=meeting, member=m, status=rng.choice(statuses))
                for meeting in meetings
                if meeting.date < today
                for m in by_line[lines.index(meeting.line)]
            ),
            batch_size=BATCH,
        )
        # plenary sessions with a 6-round plan each and a reflection form answered by all
        for s in range(SESSIONS_PER_YEAR):
            day = start + timedelta(days=60 + 70 * s)
            held = day < today
            session = PlenarySession.objects.create(
                school=school,
                year=year,
                title=f"Plenair {s + 1}",
                date=day,
                start_time=clock(14),
                end_time=clock(17),
                place="Aula",
                status="closed" if held and not current else ("held" if held else "draft"),
            )
            Assignment.objects.bulk_create(
                [Assignment(session=session, position=1, title="Opening", duration_minutes=10)]
                + [
                    Assignment(
                        session=session,
                        position=1 + r,
                        title=f"Ronde {r}",
                        duration_minutes=20,
                        table_round=r,
                    )
                    for r in range(1, ROUNDS + 1)
                ]
                + [
                    Assignment(
                        session=session,
                        position=ROUNDS + 2,
                        title="Reflectie",
                        duration_minutes=15,
                    )
                ]
            )
            shuffled = [group[:] for group in by_line]
            for group in shuffled:
                rng.shuffle(group)
            plan = TablePlan.objects.create(
                session=session,
                report={
                    "repeats": 0,
                    "repeated_pairs": [],
                    "missing_line_slots": 0,
                    "min_missing_line_slots": 0,
                    "table_sizes": [[len(t) for t in rnd] for rnd in layout],
                    "lower_bound": 0,
                    "lower_bound_tight": True,
                    "proven_optimal": False,
                    "elapsed": 1.0,
                },
            )
            PlanChange.objects.create(plan=plan, version=1, kind="generate", details={})
            rounds = PlanRound.objects.bulk_create(
                PlanRound(plan=plan, number=r + 1) for r in range(ROUNDS)
            )
            tables = PlanTable.objects.bulk_create(
                PlanTable(round=rounds[r], number=t + 1)
                for r, rnd in enumerate(layout)
                for t in range(len(rnd))
            )
            seats, position = [], 0
            for r, rnd in enumerate(layout):
                for table in rnd:
                    for line_n, i in table:
                        m = shuffled[line_n][i]
                        seats.append(
                            Seat(
                                table=tables[position],
                                round=rounds[r],
                                member=m,
                                line=lines[line_n],
                            )
                        )
                    position += 1
            Seat.objects.bulk_create(seats, batch_size=BATCH)
            opens = datetime.combine(day, clock(16, 30), tzinfo=today_tz())
            form = Questionnaire.objects.create(
                school=school,
                year=year,
                session=session,
                title=f"Reflectie {session.title}",
                opens_at=opens if held else None,
                closes_at=opens + timedelta(days=7) if held else None,
            )
            questions = Question.objects.bulk_create(
                [
                    Question(questionnaire=form, position=1, kind="open", text="Wat nam je mee?"),
                    Question(
                        questionnaire=form,
                        position=2,
                        kind="scale",
                        text="Hoe nuttig was het?",
                        privacy="anonymous",
                        scale_low="weinig",
                        scale_high="veel",
                    ),
                    Question(
                        questionnaire=form,
                        position=3,
                        kind="single",
                        text="Welke ronde was het best?",
                        choices=["eerste", "middelste", "laatste"],
                    ),
                    Question(
                        questionnaire=form,
                        position=4,
                        kind="multiple",
                        text="Wat ga je doen?",
                        choices=["proberen", "delen", "vragen", "lezen"],
                    ),
                    Question(
                        questionnaire=form,
                        position=5,
                        kind="brought_took",
                        text="Wat bracht en haalde je?",
                    ),
                    Question(
                        questionnaire=form,
                        position=6,
                        kind="open",
                        text="Voor mezelf",
                        privacy="private",
                    ),
                ]
            )
            if not held:
                continue
            reflections = Reflection.objects.bulk_create(
                Reflection(
                    questionnaire=form,
                    member=m,
                    line=line_of[m.pk],
                    submitted_at=opens + timedelta(minutes=5),
                )
                for m in members
            )
            answers = []
            for k, reflection in enumerate(reflections):
                q = questions
                answers += [
                    Answer(reflection=reflection, question=q[0], text=f"Een idee van tafel {k}"),
                    Answer(reflection=reflection, question=q[1], value=1 + k % 5),
                    Answer(reflection=reflection, question=q[2], selected=[k % 3]),
                    Answer(reflection=reflection, question=q[3], selected=[k % 4, (k + 1) % 4]),
                    Answer(
                        reflection=reflection,
                        question=q[4],
                        text="Onze aanpak",
                        took="Een werkvorm",
                        took_from=lines[k % LINES],
                    ),
                    Answer(reflection=reflection, question=q[5], text="Alleen voor mij"),
                ]
            Answer.objects.bulk_create(answers, batch_size=BATCH)
        # small exchanges of two or three, most held with notes
        participants = []
        span = (min(today, end) - start).days
        for e in range(EXCHANGES_PER_YEAR if not current else EXCHANGES_PER_YEAR * span // 365):
            who = rng.sample(members, 2 + e % 2)
            moment = datetime.combine(
                start + timedelta(days=rng.randrange(span)), clock(15, 30), tzinfo=today_tz()
            )
            held = moment.date() < today - timedelta(days=7)
            exchange = PeerExchange.objects.create(
                school=school,
                year=year,
                topic=f"Uitwisseling {e}",
                kind=["conversation", "visit", "lesson"][e % 3],
                starts_at=moment,
                status="held" if held else "agreed",
                held_on=moment.date() if held else None,
                created_by=who[0],
            )
            for k, m in enumerate(who):
                participants.append(
                    ExchangeParticipant(
                        exchange=exchange,
                        member=m,
                        line=line_of[m.pk],
                        is_initiator=k == 0,
                        response="accepted",
                        responded_at=moment - timedelta(days=3),
                        brought="Mijn aanpak" if held else "",
                        took="Een tip" if held else "",
                        took_from=line_of[who[(k + 1) % len(who)].pk] if held else None,
                        noted_at=moment + timedelta(days=1) if held else None,
                    )
                )
        ExchangeParticipant.objects.bulk_create(participants, batch_size=BATCH)
        # the learning log and an ambition per teacher
        entries = []
        for m in members:
            for k in range(LOG_ENTRIES_PER_YEAR * (span if current else 365) // 365):
                day = start + timedelta(days=rng.randrange(span))
                entries.append(
                    LogEntry(
                        author=m,
                        date=day,
                        tried="Ik probeerde een nieuwe werkvorm uit in mijn groep.",
                        effect="De leerlingen werkten geconcentreerd samen.",
                        to_bring="Dit wil ik laten zien." if k % 3 == 0 else "",
                        sharing="line" if k % 4 == 0 else "private",
                    )
                )
        LogEntry.objects.bulk_create(entries, batch_size=BATCH)
        Ambition.objects.bulk_create(
            Ambition(member=m, year=year, text="Ik wil leren differentiëren.", sharing="team")
            for m in members
        )
    return setup.steering, first_teacher


def today_tz():
    from django.utils import timezone

    return timezone.get_current_timezone()


def staff_file(school_slug: str) -> bytes:
    """The school's own 150 people as a staff list (XLSX), half of them in another line."""
    import openpyxl

    from learninglines.models import LearningLine, LineMembership, Member, SchoolYear

    school_members = Member.objects.filter(school__slug=school_slug).order_by("pk")
    year = SchoolYear.objects.filter(school__slug=school_slug).order_by("-start").first()
    names = list(LearningLine.objects.filter(year=year).values_list("name", flat=True))
    current = dict(
        LineMembership.objects.filter(line__year=year).values_list("member_id", "line__name")
    )
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(
        ["Voornaam", "Tussenvoegsel", "Achternaam", "E-mailadres", "Leerlijn", "Stuurgroep"]
    )
    for n, m in enumerate(school_members.select_related("user")):
        line = current.get(m.pk, names[0])
        if n % 2:
            line = names[(names.index(line) + 1) % len(names)]
        sheet.append(
            [
                m.first_name,
                m.name_prefix,
                m.last_name,
                m.user.email,
                line,
                "ja" if m.is_steering else "",
            ]
        )
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


class SqlTimer:
    """A connection.execute_wrapper that adds up the time spent inside SQL, per query."""

    def __init__(self):
        self.total = 0.0
        self.queries: list[tuple[float, str]] = []

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent = time.perf_counter() - start
            self.total += spent
            self.queries.append((spent, sql))


@contextmanager
def sql_timer():
    from django.db import connection

    timer = SqlTimer()
    with connection.execute_wrapper(timer):
        yield timer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--schools", type=int, default=10)
    parser.add_argument("--only", default="", help="time only the pages whose label has this")
    parser.add_argument("--slow-queries", action="store_true", help="print each slow query")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.test.utils import get_runner

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.ALLOWED_HOSTS = ["testserver"]
    settings.SECURE_SSL_REDIRECT = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # No setup_test_environment: it makes every template render send a signal the test client
    # copies the context for, which is not what production pays.
    logging.disable(logging.CRITICAL)  # one JSON line per request would drown the numbers
    runner = get_runner(settings)(verbosity=0)
    old_config = runner.setup_databases()
    try:
        run(args)
    finally:
        runner.teardown_databases(old_config)


def run(args) -> None:
    started = time.perf_counter()
    build_all(args)
    time_pages(args, started)


def build_all(args) -> None:
    from django.db import connection
    from django.utils import timezone

    started = time.perf_counter()
    today = timezone.localdate()
    rng = random.Random(0)
    layout = engine_layout([TEACHERS // LINES + (n < TEACHERS % LINES) for n in range(LINES)])
    print(f"engine: 6 rounds for 150 in 8 lines in {time.perf_counter() - started:.0f} s")
    schools = []
    for number in range(1, args.schools + 1):
        schools.append(build_school(number, layout, "coach@bench.example", today, rng))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"built {args.schools} schools in {time.perf_counter() - started:.0f} s; rows:")
    from django.apps import apps

    counts = []
    for model in apps.get_models():
        if model._meta.app_label in ("learninglines", "sessions_app"):
            rows = model.objects.count()
            if rows:
                counts.append(f"{model.__name__} {rows}")
    print("   " + ", ".join(counts))


def time_pages(args, started: float) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from learninglines.models import Member, SchoolYear
    from learninglines.services.journal import calendar_feed_get_or_create
    from sessions_app.models import PlenarySession, Questionnaire

    today = timezone.localdate()
    steering = Member.objects.get(user__email="stuurgroep@school-1.example")
    teacher = Member.objects.filter(school=steering.school).order_by("pk")[5]
    slug = steering.school.slug
    s = f"/s/{slug}"
    years = list(SchoolYear.objects.filter(school__slug=slug).order_by("-start"))
    current, oldest = years[0], years[-1]
    line = current.lines.order_by("letter").first()
    held = PlenarySession.objects.filter(school__slug=slug, year=current, status="held").last()
    old_session = PlenarySession.objects.filter(school__slug=slug, year=oldest).first()
    form = Questionnaire.objects.get(session=held)
    old_form = Questionnaire.objects.get(session=old_session)
    meeting = line.meetings.filter(date__lt=today).last()
    feed = calendar_feed_get_or_create(member=teacher)
    from_to = f"from={current.start + timedelta(days=30)}&to={today}"
    coach = Client()
    coach.force_login(steering.school.coach_assignments.first().user)
    staff = Client()
    staff.force_login(steering.user)
    me = Client()
    me.force_login(teacher.user)
    anyone = Client()

    def import_preview(client):
        upload = SimpleUploadedFile("team.xlsx", staff_file(slug))
        response = client.post(f"{s}/team/import/", {"file": upload})
        assert response.status_code == 302, response.status_code
        return response["Location"]

    pages = [
        ("steering", "start page", staff, f"{s}/"),
        ("steering", "overview", staff, f"{s}/overview/"),
        ("steering", "overview, a line", staff, f"{s}/overview/?line={line.pk}"),
        ("steering", "overview, date range", staff, f"{s}/overview/?{from_to}"),
        ("steering", "overview, line + range", staff, f"{s}/overview/?line={line.pk}&{from_to}"),
        ("steering", "overview, oldest year", staff, f"{s}/overview/?year={oldest.pk}"),
        ("steering", "overview, last year", staff, f"{s}/overview/?year={years[1].pk}"),
        ("steering", "overview print", staff, f"{s}/overview/print/"),
        ("steering", "overview XLSX", staff, f"{s}/overview.xlsx"),
        ("steering", "overview CSV", staff, f"{s}/overview.csv"),
        ("steering", "encounters CSV", staff, f"{s}/overview-encounters.csv"),
        ("steering", "team page", staff, f"{s}/team/"),
        ("steering", "years", staff, f"{s}/years/"),
        ("steering", "lines", staff, f"{s}/lines/"),
        ("steering", "line detail", staff, f"{s}/lines/{line.pk}/"),
        ("steering", "meetings", staff, f"{s}/meetings/"),
        ("steering", "meeting detail", staff, f"{s}/meetings/{meeting.pk}/"),
        ("steering", "sessions", staff, f"{s}/sessions/"),
        ("steering", "session detail", staff, f"{s}/sessions/{held.pk}/"),
        ("steering", "plan page", staff, f"{s}/sessions/{held.pk}/plan/"),
        ("steering", "plan XLSX", staff, f"{s}/sessions/{held.pk}/plan.xlsx"),
        ("steering", "session print", staff, f"{s}/sessions/{held.pk}/print/"),
        ("steering", "reflection forms", staff, f"{s}/reflections/"),
        ("steering", "participation", staff, f"{s}/reflections/{form.pk}/participation/"),
        ("steering", "results", staff, f"{s}/reflections/{form.pk}/results/"),
        ("steering", "results, oldest year", staff, f"{s}/reflections/{old_form.pk}/results/"),
        ("steering", "results XLSX", staff, f"{s}/reflections/{form.pk}/results.xlsx"),
        ("steering", "results CSV", staff, f"{s}/reflections/{form.pk}/results.csv"),
        ("steering", "exchanges", staff, f"{s}/exchanges/"),
        ("steering", "member data ZIP", staff, f"{s}/team/{teacher.pk}/data/"),
        ("steering", "staff import preview", staff, import_preview),
        ("coach", "coach's schools", coach, "/coach/"),
        ("coach", "overview", coach, f"{s}/overview/"),
        ("coach", "overview, oldest year", coach, f"{s}/overview/?year={oldest.pk}"),
        ("coach", "results", coach, f"{s}/reflections/{form.pk}/results/"),
        ("teacher", "start page", me, f"{s}/"),
        ("teacher", "session page", me, f"{s}/sessions/{held.pk}/me/"),
        ("teacher", "lines", me, f"{s}/lines/"),
        ("teacher", "learning log", me, f"{s}/log/"),
        ("teacher", "exchanges", me, f"{s}/exchanges/"),
        ("teacher", "ambition", me, f"{s}/ambition/"),
        ("teacher", "suggestions", me, f"{s}/exchanges/suggestions/"),
        ("teacher", "calendar page", me, f"{s}/calendar/"),
        ("teacher", "calendar feed", anyone, f"/calendar/{feed.token}.ics"),
        ("teacher", "my data", me, "/me/data/"),
        ("teacher", "my data ZIP", me, "/me/data/download/"),
        ("teacher", "answer page", me, f"{s}/reflections/{form.pk}/answer/"),
    ]
    print(
        f"{args.runs} runs each, DEBUG off, {connection.vendor}; ms: median wall / median SQL / "
        "Python (wall - SQL), queries, slowest query; * = over 300 ms or a query over 50 ms"
    )
    for role, label, client, target in pages:
        if args.only and args.only not in f"{role} {label}":
            continue
        url = target(client) if callable(target) else target
        response = client.get(url)  # warm-up: URLs, templates
        assert response.status_code == 200, (label, url, response.status_code)
        walls, sqls, slowest = [], [], (0.0, "")
        for _run in range(args.runs):
            with sql_timer() as timer:
                start = time.perf_counter()
                response = client.get(url)
                if response.streaming:
                    b"".join(response.streaming_content)
                walls.append(time.perf_counter() - start)
            assert response.status_code == 200, (label, response.status_code)
            sqls.append(timer.total)
            slowest = max(slowest, max(timer.queries, default=(0.0, "")))
            queries = len(timer.queries)
        wall, sql = statistics.median(walls) * 1000, statistics.median(sqls) * 1000
        flag = "*" if wall > 300 or slowest[0] > 0.05 else " "
        print(
            f"{flag} {role:<8} {label:<24} {wall:7.0f} {sql:7.0f} {wall - sql:7.0f}  "
            f"{queries:4d} q  slowest {slowest[0] * 1000:5.0f} ms"
        )
        if args.slow_queries and slowest[0] > 0.05:
            print(f"      {slowest[1][:600]}")
    print(f"total {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
