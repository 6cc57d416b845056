"""Server time of the scheduler view: making the table plan, a swap, and the page itself.

For the demo school (32 teachers in 4 lines of 9, 8, 8 and 7, one held session of two rounds
as history, 3 absent) and for a school of 150 teachers in 8 lines (two held sessions of three
rounds as history, 4 absent), it times, each as one request through Django's test client:
POST "make the plan" (the grouping engine plus storing rounds, tables and seats, and the other
table count's numbers), GET the scheduler page, and POST a swap (recount, store, record).
Prints the median and the slowest of several runs, in milliseconds.

Run from the repository root: ``.venv/bin/python bench/plan_generation.py [--runs 5]``. Uses a
SQLite file in a temporary folder unless DATABASE_URL is set (then a test database next to it,
created and dropped here).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import time as clock
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "exchange.settings")


def school_with(slug: str, sizes: list[int], held_sessions: int, rounds: int, absent: int):
    """A school with lines of `sizes`, `held_sessions` held sessions and a draft to plan."""
    from bench.team import bench_team
    from sessions_app.models import SessionAttendance
    from sessions_app.services.plans import plan_generate
    from sessions_app.services.program import AssignmentData, assignment_create
    from sessions_app.services.sessions import session_create, session_hold

    setup, year, members = bench_team(slug, f"Bench {slug}", sizes)
    school = setup.school

    def new_session(days: int):
        session = session_create(
            school=school,
            title=f"Plenair {days}",
            date=year.start + timedelta(days=days),
            start_time=clock(14, 0),
            end_time=clock(17, 0),
        )
        # The default program has two table rounds; add more when asked.
        for extra in range(3, rounds + 1):
            assignment_create(session=session, data=AssignmentData(f"Ronde {extra}", "", 20, extra))
        return session

    for number in range(held_sessions):
        session = new_session(20 + 30 * number)
        plan_generate(session=session, seed=number)
        session_hold(session=session)
    draft = new_session(20 + 30 * held_sessions)
    for member in members[1 : 1 + absent]:
        SessionAttendance.objects.create(session=draft, member=member, absent=True)
    return setup.steering, draft


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
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
        from django.test import Client

        from sessions_app.models import TablePlan

        engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
        print(f"database: {engine}; {args.runs} runs each; milliseconds (median / slowest)")
        cases = [
            (
                "demo school: 32 in 9/8/8/7, 1 held x 2 rounds, 3 absent",
                "demo",
                [9, 8, 8, 7],
                1,
                2,
                3,
            ),
            ("150 in 8 lines, 2 held x 3 rounds, 4 absent", "big", [19] * 6 + [18, 18], 2, 3, 4),
        ]
        for label, slug, sizes, held, rounds, absent in cases:
            steering, draft = school_with(slug, sizes, held, rounds, absent)
            client = Client()
            client.force_login(steering.user)
            base = f"/s/{slug}/sessions/{draft.pk}/plan/"
            client.get(base)  # URLs and templates load once per process
            timings: dict[str, list[float]] = {
                "make the plan": [],
                "scheduler page": [],
                "swap": [],
            }
            for _run in range(args.runs):
                plan = TablePlan.objects.filter(session=draft).first()
                start = time.perf_counter()
                client.post(base + "generate/", {"version": plan.version if plan else ""})
                timings["make the plan"].append(time.perf_counter() - start)
                start = time.perf_counter()
                client.get(base)
                timings["scheduler page"].append(time.perf_counter() - start)
                plan = TablePlan.objects.get(session=draft)
                seats = list(
                    plan.rounds.get(number=1).seats.select_related("table").order_by("member_id")
                )
                first = seats[0]
                second = next(s for s in seats if s.table_id != first.table_id)
                start = time.perf_counter()
                response = client.post(
                    base + "change/",
                    {
                        "version": plan.version,
                        "round": 1,
                        "first": first.member_id,
                        "second": second.member_id,
                    },
                )
                timings["swap"].append(time.perf_counter() - start)
                assert response.status_code == 302, response.status_code
            plan = TablePlan.objects.get(session=draft)
            report = plan.report
            print(f"-- {label}")
            for name, values in timings.items():
                median = statistics.median(values) * 1000
                print(f"   {name:<16} {median:7.0f} / {max(values) * 1000:7.0f}")
            print(
                f"   last plan: {len(report['table_sizes'][0])} tables, "
                f"{report['repeats']} repeats (bound {report['lower_bound']}), "
                f"{report['missing_line_slots']} missing line slots "
                f"(least {report['min_missing_line_slots']})"
            )
    finally:
        runner.teardown_databases(old_config)
        runner.teardown_test_environment()


if __name__ == "__main__":
    main()
