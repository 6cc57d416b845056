"""Server time of the session day's polled fragments: the teacher's page and the projector.

On the day every teacher's phone asks for its fragment every 10 seconds (htmx), and the
projector for its own every 5, so at 150 members the server answers about 15 requests a second
for as long as the session runs. For the demo school (32 teachers in 4 lines of 9, 8, 8 and 7,
one held session of two rounds as history, 3 absent) and for a school of 150 teachers in 8
lines (the same history), the draft is planned, published and its clock started; then it times,
each as one request through Django's test client: GET the teacher's fragment (me/ with
HX-Request, a seated teacher), GET the projector's fragment (projector/ with HX-Request, the
steering member) and, for comparison, the teacher's whole page. Prints the median and the 95th
percentile in milliseconds, the median of the process's CPU time (less sensitive to a busy
machine than the wall clock) and the number of queries of one request.

Run from the repository root: ``.venv/bin/python bench/session_day.py [--runs 50]``. Uses a
SQLite file in a temporary folder unless DATABASE_URL is set (then a test database next to it,
created and dropped here).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "exchange.settings")


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.test.utils import get_runner

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.ALLOWED_HOSTS = ["testserver"]
    runner = get_runner(settings)(verbosity=0)
    runner.setup_test_environment()
    old_config = runner.setup_databases()
    try:
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext
        from django.utils import timezone

        from bench.plan_generation import school_with
        from sessions_app.models import SessionAttendance
        from sessions_app.services.day import clock_act, session_publish
        from sessions_app.services.plans import plan_generate

        engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
        print(
            f"database: {engine}; {args.runs} runs each; "
            "milliseconds (median / 95th percentile, median CPU), queries per request"
        )
        cases = [
            ("demo school: 32 in 9/8/8/7, 3 absent", "demo", [9, 8, 8, 7], 3),
            ("150 in 8 lines, 4 absent", "big", [19] * 6 + [18, 18], 4),
        ]
        for label, slug, sizes, absent in cases:
            steering, draft = school_with(slug, sizes, 1, 2, absent)
            # the session's day: only then does the teacher's page follow the clock and poll
            draft.date = timezone.localdate()
            draft.save(update_fields=["date"])
            plan_generate(session=draft, seed=0)
            session_publish(session=draft)
            clock_act(session=draft, action="start")
            away = SessionAttendance.objects.filter(session=draft, absent=True).values("member")
            teacher = (
                draft.school.members.filter(is_steering=False).exclude(pk__in=away).order_by("pk")
            )[5]
            base = f"/s/{slug}/sessions/{draft.pk}/"
            fragment = {"HX-Request": "true"}
            requests = [
                ("teacher's fragment", teacher.user, base + "me/", fragment),
                ("projector fragment", steering.user, base + "projector/", fragment),
                ("teacher's page", teacher.user, base + "me/", {}),
            ]
            print(f"-- {label}")
            for name, user, url, headers in requests:
                client = Client()
                client.force_login(user)
                response = client.get(url, headers=headers)  # URLs and templates load once
                assert response.status_code == 200, response.status_code
                timings, cpu = [], []
                for _run in range(args.runs):
                    start, started = time.perf_counter(), time.process_time()
                    client.get(url, headers=headers)
                    timings.append(time.perf_counter() - start)
                    cpu.append(time.process_time() - started)
                with CaptureQueriesContext(connection) as queries:
                    client.get(url, headers=headers)
                print(
                    f"   {name:<19} {statistics.median(timings) * 1000:6.1f} / "
                    f"{p95(timings) * 1000:6.1f}   cpu {statistics.median(cpu) * 1000:5.1f}   "
                    f"{len(queries):3d} queries"
                )
    finally:
        runner.teardown_databases(old_config)
        runner.teardown_test_environment()


if __name__ == "__main__":
    main()
