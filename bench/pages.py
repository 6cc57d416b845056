"""Weight and cost of the main pages at a school of 150, per role: bytes, gzip, queries, time.

Builds, in a test database of its own, a school of 150 teachers in 6 lines of 25 with this
school year's history up to today, made through the services a school uses: line meetings
every two weeks with attendance, four held sessions (the default program: two table rounds,
each planned by the grouping engine with the earlier ones as history) whose reflection forms
everyone answered, and an upcoming session two days ahead, planned and published, with three
people absent and one coming later. A coach is assigned.

Then, signed in with Django's test client as the steering group, a teacher and the coach, it
fetches the main pages (home, team, lines, a line, meetings, the upcoming session, its
attendance list, table plan and projector, the overview, the last held session's reflection
results, and the teacher's own session page; then less used ones: the session's print view
and publishing, the reflection forms, years, log, calendar, exchanges, ambition) and prints
per page: the status, the HTML bytes, the bytes after gzip (level 6, as a web server sends
them), the number of SQL queries and the median wall and CPU time of `--runs` requests (after
one warm-up) in milliseconds (this process's CPU time varies less than the wall clock on a
shared machine). A page a role may not open shows its status only.

Run from the repository root: ``.venv/bin/python bench/pages.py [--runs 5] [--only attendance]``
(a minute or two on the 2-core development machine); ``--per-line 8`` builds a school of 48
to compare the query counts with: a page whose count differs grows with the team. Uses an
in-memory SQLite test database unless DATABASE_URL is set (then a test database next to it,
created and dropped here). Prints numbers; asserts nothing.
"""

from __future__ import annotations

import argparse
import gzip
import logging
import os
import statistics
import sys
import time
from datetime import datetime, timedelta
from datetime import time as clock
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "exchange.settings")

LINES = 6
PER_LINE = 25
HELD = 4


def build(per_line: int):
    """The school; returns (steering member, teacher, coach user, upcoming, last held)."""
    from django.utils import timezone

    from bench.team import bench_team
    from learninglines.models import LearningLine
    from learninglines.services.meetings import meeting_attendance_save, meeting_create
    from learninglines.services.people import coach_assign
    from sessions_app.models import Questionnaire
    from sessions_app.selectors.reflections import questionnaire_asked
    from sessions_app.services.attendance import PresenceData, attendance_save
    from sessions_app.services.day import session_publish
    from sessions_app.services.plans import plan_generate
    from sessions_app.services.reflections import (
        AnswerData,
        questionnaire_open,
        reflection_submit,
    )
    from sessions_app.services.sessions import session_create, session_hold

    today = timezone.localdate()
    setup, year, members = bench_team("pages", "Bench pages", [per_line] * LINES)
    school = setup.school
    coach, _created = coach_assign(school=school, email="coach@pages.example", send_invite=False)
    lines = list(LearningLine.objects.filter(year=year).order_by("letter"))

    # Line meetings every two weeks from the year's second week up to today.
    last_day = min(today, year.end)
    for line in lines:
        people = list(line.memberships.values_list("member_id", flat=True))
        day = year.start + timedelta(days=10)
        week = 0
        while day < last_day:
            meeting = meeting_create(
                line=line,
                date=day,
                start_time=clock(15),
                end_time=clock(16),
                topic=f"Bijeenkomst {week + 1}",
            )
            meeting_attendance_save(
                meeting=meeting,
                statuses={
                    pk: "absent" if (n + week) % 11 == 0 else "present"
                    for n, pk in enumerate(people)
                },
            )
            day += timedelta(days=14)
            week += 1

    def new_session(day, title):
        return session_create(
            school=school, title=title, date=day, start_time=clock(14), end_time=clock(16, 30)
        )

    # Held sessions spread over the year so far, each answered by everyone asked.
    span = max((last_day - year.start).days - 30, HELD)
    held = None
    for number in range(HELD):
        day = year.start + timedelta(days=20 + span * number // HELD)
        held = new_session(day, f"Plenaire bijeenkomst {number + 1}")
        plan_generate(session=held, seed=number)
        session_hold(session=held)
        opened = timezone.make_aware(datetime.combine(held.date, clock(16)))
        form = questionnaire_open(questionnaire=Questionnaire.objects.get(session=held), now=opened)
        questions = list(form.questions.order_by("position"))
        for index, item in enumerate(questionnaire_asked(questionnaire=form)):
            answers = {}
            for question in questions:
                if question.kind == "scale":
                    answers[question.pk] = AnswerData(value=1 + (index + number) % 5)
                elif question.kind == "brought_took":
                    answers[question.pk] = AnswerData(
                        text="Onze aanpak bij begrijpend lezen",
                        took="Een idee voor de instructie",
                        took_from=lines[index % LINES].pk,
                    )
                else:
                    answers[question.pk] = AnswerData(text=f"Een antwoord van {index}")
            reflection_submit(
                questionnaire=form,
                member=item.member,
                answers=answers,
                now=opened + timedelta(minutes=5),
            )

    # The upcoming session: three absent, one coming later; planned and published.
    upcoming = new_session(min(today + timedelta(days=2), year.end), "Plenaire bijeenkomst 5")
    changes = {m.pk: (PresenceData(), PresenceData(absent=True)) for m in members[10:13]}
    changes[members[20].pk] = (PresenceData(), PresenceData(False, 2, None))
    attendance_save(session=upcoming, changes=changes)
    plan_generate(session=upcoming, seed=0)
    session_publish(session=upcoming)
    teacher = members[len(members) // 5]  # a teacher in line A, seated
    return setup.steering, teacher, coach.user, upcoming, held


def measure(client, url: str, runs: int):
    """(status, bytes, gzip bytes, queries, median ms, median CPU ms) of GET `url`."""
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    response = client.get(url)  # warm-up: URLs, templates
    if response.status_code != 200:
        return response.status_code, None, None, None, None, None
    # The query log keeps the last 9,000 queries: once full (the build fills it), its length
    # stops growing and a capture would count none.
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    body = response.content
    timings, cpu = [], []
    for _run in range(runs):
        start, started = time.perf_counter(), time.process_time()
        client.get(url)
        timings.append(time.perf_counter() - start)
        cpu.append(time.process_time() - started)
    zipped = len(gzip.compress(body, compresslevel=6))
    median = statistics.median
    return 200, len(body), zipped, len(queries), median(timings) * 1000, median(cpu) * 1000


def run(args) -> None:
    from django.conf import settings
    from django.test import Client

    from sessions_app.models import Questionnaire

    started = time.perf_counter()
    steering, teacher, coach, upcoming, held = build(args.per_line)
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    print(
        f"built in {time.perf_counter() - started:.0f} s: {LINES * args.per_line} members in "
        f"{LINES} lines, {HELD} held sessions; database: {engine}; median of {args.runs} runs"
    )
    school = steering.school
    s = f"/s/{school.slug}"
    line = school.years.order_by("-start").first().lines.order_by("letter").first()
    form = Questionnaire.objects.get(session=held)
    u = f"{s}/sessions/{upcoming.pk}"
    pages = [
        ("home", f"{s}/"),
        ("team", f"{s}/team/"),
        ("lines", f"{s}/lines/"),
        ("a line", f"{s}/lines/{line.pk}/"),
        ("meetings", f"{s}/meetings/"),
        ("sessions", f"{s}/sessions/"),
        ("session detail", f"{u}/"),
        ("attendance", f"{u}/attendance/"),
        ("plan", f"{u}/plan/"),
        ("projector", f"{u}/projector/"),
        ("overview", f"{s}/overview/"),
        ("reflection results", f"{s}/reflections/{form.pk}/results/"),
        ("my session", f"{u}/me/"),
        # less used, for query counts that grow with the team
        ("session print", f"{u}/print/"),
        ("publish", f"{u}/publish/"),
        ("reflection forms", f"{s}/reflections/"),
        ("reflection form", f"{s}/reflections/{form.pk}/"),
        ("years", f"{s}/years/"),
        ("log", f"{s}/log/"),
        ("calendar", f"{s}/calendar/"),
        ("exchanges", f"{s}/exchanges/"),
        ("ambition", f"{s}/ambition/"),
    ]
    roles = [("steering", steering.user), ("teacher", teacher.user), ("coach", coach)]
    columns = ("status", 6), ("bytes", 8), ("gzip", 7), ("queries", 7), ("ms", 7), ("cpu ms", 7)
    print(f"{'role':<9} {'page':<19} " + " ".join(f"{name:>{width}}" for name, width in columns))
    for role, user in roles:
        client = Client()
        client.force_login(user)
        for label, url in pages:
            if args.only and args.only not in label:
                continue
            status, size, zipped, queries, ms, cpu = measure(client, url, args.runs)
            if status != 200:
                print(f"{role:<9} {label:<19} {status:>6}")
                continue
            print(
                f"{role:<9} {label:<19} {status:>6} {size:>8,} {zipped:>7,} {queries:>7} "
                f"{ms:>7.1f} {cpu:>7.1f}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--only", default="", help="only the pages whose label has this")
    parser.add_argument(
        "--per-line", type=int, default=PER_LINE, help="members per line (6 lines; 25 by default)"
    )
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.test.utils import get_runner

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.ALLOWED_HOSTS = ["testserver"]
    settings.OUTBOX_SEND_IMMEDIATELY = False  # publishing queues 150 mails: none is sent
    # No setup_test_environment: it makes every template render send a signal the test client
    # copies the context for, which is not what production pays.
    logging.disable(logging.CRITICAL)
    runner = get_runner(settings)(verbosity=0)
    old_config = runner.setup_databases()
    try:
        run(args)
    finally:
        runner.teardown_databases(old_config)


if __name__ == "__main__":
    main()
