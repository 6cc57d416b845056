"""Server time of the school overview at 150 members with 10 sessions and 1,500 answers.

Builds a school of 150 teachers in 8 lines with 10 held sessions of two table rounds (planned by
the grouping engine, each the next one's history), every session's reflection form answered by
every teacher (1,500 answer sets), and line meetings with attendance; then times, through
Django's test client as the steering group, the overview page, its print view and its XLSX
download. Prints the median and p95 in milliseconds and the page's query count (target: p95
under 300 ms on a 2-core machine).

Run from the repository root: ``.venv/bin/python bench/overview.py [--runs 20]``. Uses a SQLite
file in a temporary folder unless DATABASE_URL is set (then a test database next to it, created
and dropped here).
"""

from __future__ import annotations

import argparse
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


def build(sessions: int) -> tuple:
    """The school, with `sessions` held sessions answered by everyone; (steering, slug)."""
    from django.utils import timezone

    from bench.plan_generation import school_with
    from learninglines.models import LearningLine
    from learninglines.services.meetings import meeting_attendance_save, meeting_create
    from sessions_app.models import PlenarySession, Questionnaire
    from sessions_app.selectors.reflections import questionnaire_asked
    from sessions_app.services.reflections import (
        AnswerData,
        questionnaire_open,
        reflection_submit,
    )

    steering, _draft = school_with("overview", [19] * 6 + [18, 18], sessions, 2, 0)
    school = steering.school
    for index, session in enumerate(
        PlenarySession.objects.filter(school=school, status="held").order_by("date")
    ):
        opened = timezone.make_aware(datetime.combine(session.date, clock(16, 30)))
        questionnaire = questionnaire_open(
            questionnaire=Questionnaire.objects.get(session=session), now=opened
        )
        questions = list(questionnaire.questions.order_by("position"))
        lines = list(LearningLine.objects.filter(year=session.year))
        for number, item in enumerate(questionnaire_asked(questionnaire=questionnaire)):
            answers = {}
            for question in questions:
                if question.kind == "scale":
                    answers[question.pk] = AnswerData(value=1 + (number + index) % 5)
                elif question.kind == "brought_took":
                    answers[question.pk] = AnswerData(
                        text="Onze aanpak", took="Een idee", took_from=lines[number % 8].pk
                    )
                else:
                    answers[question.pk] = AnswerData(text=f"Antwoord {number}")
            reflection_submit(
                questionnaire=questionnaire,
                member=item.member,
                answers=answers,
                now=opened + timedelta(minutes=1),
            )
    for line in LearningLine.objects.filter(school=school):
        members = list(line.memberships.values_list("member_id", flat=True))
        for week in range(6):
            meeting = meeting_create(
                line=line,
                date=line.year.start + timedelta(days=10 + 14 * week),
                start_time=clock(15),
                end_time=clock(16),
                topic=f"Bijeenkomst {week + 1}",
            )
            meeting_attendance_save(meeting=meeting, statuses=dict.fromkeys(members, "present"))
    return steering, school.slug


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--sessions", type=int, default=10)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, get_runner

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.ALLOWED_HOSTS = ["testserver"]
    runner = get_runner(settings)(verbosity=0)
    runner.setup_test_environment()
    old_config = runner.setup_databases()
    try:
        from django.test import Client

        from sessions_app.models import Reflection

        started = time.perf_counter()
        steering, slug = build(args.sessions)
        print(
            f"built in {time.perf_counter() - started:.0f} s: 150 members, "
            f"{args.sessions} held sessions, {Reflection.objects.count()} answer sets"
        )
        engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
        print(f"database: {engine}; {args.runs} runs each; milliseconds (median / p95)")
        client = Client()
        client.force_login(steering.user)
        for label, url in (
            ("overview page", f"/s/{slug}/overview/"),
            ("print view", f"/s/{slug}/overview/print/"),
            ("XLSX download", f"/s/{slug}/overview.xlsx"),
        ):
            client.get(url)  # templates and URLs load once per process
            timings = []
            for _run in range(args.runs):
                with CaptureQueriesContext(connection) as queries:
                    start = time.perf_counter()
                    response = client.get(url)
                    timings.append(time.perf_counter() - start)
                assert response.status_code == 200, response.status_code
            timings.sort()
            p95 = timings[max(0, round(0.95 * len(timings)) - 1)] * 1000
            median = statistics.median(timings) * 1000
            print(f"   {label:<14} {median:7.0f} / {p95:7.0f}   {len(queries)} queries")
    finally:
        runner.teardown_databases(old_config)
        runner.teardown_test_environment()


if __name__ == "__main__":
    main()
