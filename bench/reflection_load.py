"""Do 150 teachers answering a reflection form at once lose nothing, and how long do they wait?

Creates a fresh PostgreSQL database on 127.0.0.1 (dropped at the end), migrates it and seeds a
school of 150 teachers in 8 lines with a session today whose reflection form is open. Starts
gunicorn (4 sync workers, production settings) on a free loopback port and warms its workers up.
Then every teacher, signed in through a session made in the database (as the test client's
force_login makes it), all starting together: GETs the answer page (its CSRF cookie and token),
POSTs three autosaves as htmx does (`HX-Request: true`) and submits. By default all of it at
once, with no pause: a burst far harsher than a room of typing teachers. `--ramp R` spreads the
teachers' first requests evenly over R seconds (phones coming out of pockets) and `--think S`
makes each teacher pause 0.5 S to 1.5 S before each autosave and before the submit (typing:
the page autosaves 1.5 s after the last keystroke).

Prints the requests, errors, submitted (submits answered with the redirect), stored (reflections
with `submitted_at` in the database), lost (submitted but not stored, plus stored answers that
differ from the last text sent), p50/p95 latency per kind of request, and the CPU the server side
(gunicorn's workers and their PostgreSQL backends) spent per request, which bounds how many
requests per second two cores can answer. Loopback only; bounded in count (at most 300 teachers)
and time (`--timeout`, 120 s for the load; setup and cleanup have their own 300 s).

Run from the repository root (PostgreSQL on 127.0.0.1:5432):
``.venv/bin/python bench/reflection_load.py [--teachers 150] [--ramp 0] [--think 0]``.
"""

from __future__ import annotations

import argparse
import html
import http.client
import http.cookies
import logging
import math
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import time as clock
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.sign_in_timing import environment, free_port, wait_until_serving  # noqa: E402

PYTHON = sys.executable
LOOPBACK = {"127.0.0.1", "localhost"}
SETUP_BUDGET = 300  # seconds for making, migrating and seeding the database, and for cleaning up
LINES = 8
KINDS = ("page", "autosave", "submit")
TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class Teacher:
    number: int
    session_key: str
    ip: str
    sent: dict[str, str] = field(default_factory=dict)  # field -> value of the answered submit


@dataclass
class Tally:
    lock: threading.Lock = field(default_factory=threading.Lock)
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    submitted: set[int] = field(default_factory=set)

    def timed(self, kind: str, seconds: float) -> None:
        with self.lock:
            self.times[kind].append(seconds)

    def error(self, message: str) -> None:
        with self.lock:
            self.errors.append(message)


# --- the database: made and dropped here ---


def admin_connection(server: str):
    import psycopg2

    parts = urllib.parse.urlsplit(server)
    connection = psycopg2.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password,
        dbname="postgres",
    )
    connection.autocommit = True
    return connection


def create_database(server: str, name: str) -> None:
    connection = admin_connection(server)
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()


def drop_database(server: str, name: str) -> None:
    connection = admin_connection(server)
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    connection.close()


def seed(teachers: int):
    """A school with `teachers` teachers in lines, a session today and its form open.

    Returns the questionnaire, the members and a signed-in session key per member.
    """
    from django.test import Client
    from django.utils import timezone

    from bench.team import bench_team, even_sizes
    from sessions_app.models import Questionnaire
    from sessions_app.services.reflections import questionnaire_open
    from sessions_app.services.sessions import session_create

    setup, _year, members = bench_team(
        "bench-reflecties", "Bench reflecties", even_sizes(teachers, LINES)
    )
    school = setup.school
    session = session_create(
        school=school,
        title="Plenair",
        date=timezone.localdate(),
        start_time=clock(14, 0),
        end_time=clock(17, 0),
    )
    questionnaire = questionnaire_open(questionnaire=Questionnaire.objects.get(session=session))
    keys = []
    for member in members:
        client = Client()
        client.force_login(member.user, backend="django.contrib.auth.backends.ModelBackend")
        keys.append(client.session.session_key)
    return questionnaire, members, keys


def form_fields(questionnaire) -> dict[str, str]:
    """The fields sent: the first two open questions (named, private) and the required scale."""
    from sessions_app.models import Question

    questions = list(questionnaire.questions.order_by("position"))
    opens = [q for q in questions if q.kind == Question.Kind.OPEN]
    scale = next(q for q in questions if q.kind == Question.Kind.SCALE)
    return {"learned": f"q{opens[0].pk}", "try": f"q{opens[1].pk}", "useful": f"q{scale.pk}"}


def check_stored(questionnaire, members, teachers) -> tuple[int, int]:
    """(reflections stored as submitted, stored answers that differ from the last sent): the
    teachers are anything with `sent`, the field values last posted (day_load's as well)."""
    from sessions_app.models import Answer, Reflection

    stored = Reflection.objects.filter(
        questionnaire=questionnaire, submitted_at__isnull=False
    ).count()
    rows: dict[int, dict[str, Answer]] = defaultdict(dict)
    for answer in Answer.objects.filter(reflection__questionnaire=questionnaire).select_related(
        "reflection"
    ):
        rows[answer.reflection.member_id][f"q{answer.question_id}"] = answer
    differ = 0
    for teacher, member in zip(teachers, members, strict=True):
        for name, value in teacher.sent.items():
            answer = rows[member.pk].get(name)
            kept = "" if answer is None else (answer.text or str(answer.value or ""))
            differ += kept != value
    return stored, differ


# --- the server and what it spends ---


def start_gunicorn(port: int, workers: int, env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "exchange.wsgi", "-b", f"127.0.0.1:{port}", "-w", str(workers)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def cpu_seconds(pids) -> dict[int, float]:
    """User plus system CPU per process, from /proc (processes gone since are left out)."""
    spent = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        spent[pid] = (int(fields[11]) + int(fields[12])) / TICKS
    return spent


class CpuMeter:
    """CPU spent during the load by gunicorn's workers, the PostgreSQL backends of the bench
    database (sampled twice a second: backends come and go with CONN_MAX_AGE) and this process.
    """

    def __init__(self, server: subprocess.Popen, admin, name: str):
        self.server, self.admin, self.name = server, admin, name
        self.first: dict[str, dict[int, float]] = {"gunicorn": {}, "postgres": {}}
        self.last: dict[str, dict[int, float]] = {"gunicorn": {}, "postgres": {}}
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        children = Path(f"/proc/{self.server.pid}/task/{self.server.pid}/children").read_text()
        with self.admin.cursor() as cursor:
            cursor.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                [self.name],
            )
            backends = [row[0] for row in cursor.fetchall()]
        for part, pids in (("gunicorn", map(int, children.split())), ("postgres", backends)):
            for pid, value in cpu_seconds(pids).items():
                self.last[part][pid] = value

    def _run(self) -> None:
        while not self.stopped.wait(0.5):
            self._sample()

    def __enter__(self) -> CpuMeter:
        self._sample()
        self.first = {part: dict(values) for part, values in self.last.items()}
        self.client = sum(os.times()[:2])
        self.thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.stopped.set()
        self.thread.join(5)
        self._sample()
        self.client = sum(os.times()[:2]) - self.client

    def spent(self) -> dict[str, float]:
        """Seconds per part; a process born during the load counts from its start."""
        spent = {
            part: sum(value - self.first[part].get(pid, 0.0) for pid, value in values.items())
            for part, values in self.last.items()
        }
        return {**spent, "client": self.client}


# --- the teachers ---


class Visit:
    """One teacher's browser: its cookies, a new connection per request (gunicorn's sync
    workers close each one), every request within the load's deadline."""

    def __init__(self, port: int, teacher: Teacher, cookie_name: str, deadline: float):
        self.port = port
        self.teacher = teacher
        self.deadline = deadline
        self.cookies = {cookie_name: teacher.session_key}

    def request(self, method: str, path: str, body: str | None = None, headers=None):
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("the load's time is up")
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=min(30, remaining))
        cookie = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        started = time.perf_counter()
        try:
            connection.request(
                method,
                path,
                body=body,
                headers={
                    "Host": "127.0.0.1",
                    "X-Forwarded-Proto": "https",
                    "X-Forwarded-For": self.teacher.ip,
                    "Cookie": cookie,
                    **(headers or {}),
                },
            )
            response = connection.getresponse()
            content = response.read()
        finally:
            connection.close()
        elapsed = time.perf_counter() - started
        for header in response.msg.get_all("Set-Cookie") or []:
            for name, morsel in http.cookies.SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response.status, content, elapsed

    def post(self, path: str, data: dict[str, str], headers=None):
        return self.request(
            "POST",
            path,
            urllib.parse.urlencode(data),
            {
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": f"https://127.0.0.1{path}",
                **(headers or {}),
            },
        )


def pause(think: float) -> None:
    if think > 0:
        time.sleep(random.uniform(0.5 * think, 1.5 * think))


def answer(visit: Visit, paths, fields, tally: Tally, think: float) -> None:
    """GET the page, autosave three times, submit; timings and failures go to `tally`."""
    teacher = visit.teacher
    status, content, elapsed = visit.request("GET", paths["answer"])
    tally.timed("page", elapsed)
    found = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', content)
    if status != 200 or found is None:
        tally.error(f"teacher {teacher.number}: page answered {status} without a form")
        return
    token = found.group(1).decode()
    # the version of the questions the page shows, sent back with every save as the page does
    in_page = re.search(rb'name="form_version" value="([^"]*)"', content)
    version = html.unescape(in_page.group(1).decode()) if in_page else None
    versioned = {"form_version": version} if version is not None else {}
    for draft in range(1, 4):
        pause(think)
        data = {
            fields["learned"]: f"Leraar {teacher.number}: concept {draft} over een andere lijn",
            fields["try"]: f"Leraar {teacher.number}: concept {draft} voor de klas",
            fields["useful"]: str(draft),
            "csrfmiddlewaretoken": token,
            **versioned,
        }
        status, content, elapsed = visit.post(paths["autosave"], data, {"HX-Request": "true"})
        tally.timed("autosave", elapsed)
        # The autosave always answers 200 with its status fragment; "saved" carries this class.
        if status != 200 or b"autosave-saved" not in content:
            shown = re.sub(rb"\s+", b" ", content[:160]).decode(errors="replace")
            tally.error(f"teacher {teacher.number}: autosave {draft} answered {status}: {shown}")
    pause(think)
    data = {
        fields["learned"]: f"Leraar {teacher.number}: wat ik leerde over een andere lijn",
        fields["try"]: f"Leraar {teacher.number}: wat ik uitprobeer in de klas",
        fields["useful"]: str(teacher.number % 5 + 1),
        "csrfmiddlewaretoken": token,
        "action": "submit",
        **versioned,
    }
    status, _content, elapsed = visit.post(paths["answer"], data)
    tally.timed("submit", elapsed)
    if status in (302, 303):
        teacher.sent = {name: value for name, value in data.items() if name in fields.values()}
        with tally.lock:
            tally.submitted.add(teacher.number)
    else:
        tally.error(f"teacher {teacher.number}: submit answered {status}, expected a redirect")


def warm_up(port, teachers, paths, cookie_name, workers: int) -> None:
    """GET the answer page a few times over, uncounted.

    gunicorn listens before its workers have booted, and each worker loads Django's URLs and
    templates on its first request: costs a long-running server paid long before the session.
    """
    deadline = time.monotonic() + 60
    for _round in range(3):
        with ThreadPoolExecutor(max_workers=2 * workers) as pool:
            list(
                pool.map(
                    lambda teacher: Visit(port, teacher, cookie_name, deadline).request(
                        "GET", paths["answer"]
                    ),
                    teachers[: 2 * workers],
                )
            )


def run_load(port, teachers, paths, fields, cookie_name, args) -> tuple[Tally, float, bool]:
    """Every teacher's visit from `args.clients` threads that start together."""
    tally = Tally()
    deadline = time.monotonic() + args.timeout
    began = [time.monotonic()]  # when the barrier lets the client threads go
    start = threading.Barrier(
        min(args.clients, len(teachers)),
        action=lambda: began.__setitem__(0, time.monotonic()),
        timeout=30,
    )
    started = threading.local()

    def visit(teacher: Teacher) -> None:
        if not getattr(started, "done", False):
            started.done = True  # each client thread waits once, so they all begin together
            start.wait()
        # With --ramp the teachers open the page spread evenly over that many seconds.
        offset = args.ramp * teacher.number / len(teachers)
        time.sleep(max(0.0, began[0] + offset - time.monotonic()))
        try:
            answer(Visit(port, teacher, cookie_name, deadline), paths, fields, tally, args.think)
        except (OSError, TimeoutError, http.client.HTTPException) as error:
            tally.error(f"teacher {teacher.number}: {error!r}")

    with ThreadPoolExecutor(max_workers=args.clients) as pool:
        futures = [pool.submit(visit, teacher) for teacher in teachers]
        _done, pending = wait(futures, timeout=args.timeout + 5)
    return tally, time.monotonic() - began[0], not pending


# --- the run ---


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)] * 1000 if ordered else math.nan


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--teachers", type=int, default=150, help="how many answer (max 300)")
    parser.add_argument("--clients", type=int, default=150, help="threads sending at once")
    parser.add_argument("--think", type=float, default=0.0, help="seconds before each POST")
    parser.add_argument("--ramp", type=float, default=0.0, help="seconds to spread the starts")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--timeout", type=float, default=120, help="seconds for the load")
    parser.add_argument(
        "--server", default="postgres://postgres@127.0.0.1:5432", help="PostgreSQL on loopback"
    )
    args = parser.parse_args()
    args.teachers = max(1, min(args.teachers, 300))
    args.clients = max(1, min(args.clients, args.teachers))
    args.timeout = max(1.0, min(args.timeout, 600))
    args.workers = max(1, min(args.workers, 16))
    args.ramp = max(0.0, min(args.ramp, args.timeout / 2))
    args.think = max(0.0, min(args.think, args.timeout / 8))
    if urllib.parse.urlsplit(args.server).hostname not in LOOPBACK:
        raise SystemExit("--server must be a PostgreSQL on 127.0.0.1")

    def out_of_time(_signum, _frame):
        raise TimeoutError("the bench ran out of time")

    # The whole run is bounded: setup and cleanup get their own budget next to the load's.
    signal.signal(signal.SIGALRM, out_of_time)
    signal.alarm(int(args.timeout) + SETUP_BUDGET)

    name = f"exchange_reflection_load_{os.getpid()}"
    create_database(args.server, name)
    admin = admin_connection(args.server)
    server = None
    try:
        with tempfile.TemporaryDirectory() as folder:
            env = environment(Path(folder))
            env["DATABASE_URL"] = f"{args.server.rstrip('/')}/{name}"
            env["DJANGO_SETTINGS_MODULE"] = "exchange.settings"
            for key in [key for key in os.environ if key.startswith("DJANGO_")]:
                del os.environ[key]
            os.environ.update(env)

            import django

            django.setup()
            logging.getLogger("axes").setLevel(logging.WARNING)  # a line per force_login
            from django.conf import settings
            from django.core.management import call_command
            from django.db import connections
            from django.urls import reverse

            call_command("migrate", interactive=False, verbosity=0)
            call_command("collectstatic", interactive=False, verbosity=0)
            questionnaire, members, keys = seed(args.teachers)
            kwargs = {"school_slug": questionnaire.school.slug, "pk": questionnaire.pk}
            paths = {
                "answer": reverse("sessions_app:reflection-answer", kwargs=kwargs),
                "autosave": reverse("sessions_app:reflection-autosave", kwargs=kwargs),
            }
            fields = form_fields(questionnaire)
            teachers = [
                Teacher(number=n, session_key=key, ip=f"198.51.100.{n % 250 + 1}")
                for n, key in enumerate(keys)
            ]
            cookie_name = settings.SESSION_COOKIE_NAME
            connections.close_all()

            port = free_port()
            server = start_gunicorn(port, args.workers, env)
            wait_until_serving(port, server)
            warm_up(port, teachers, paths, cookie_name, args.workers)
            with CpuMeter(server, admin, name) as meter:
                tally, seconds, finished = run_load(
                    port, teachers, paths, fields, cookie_name, args
                )
            spent = meter.spent()
            server.terminate()
            server.wait(10)
            server = None
            stored, differ = check_stored(questionnaire, members, teachers)
            connections.close_all()
    finally:
        if server is not None:
            server.kill()
            server.wait(10)
        admin.close()
        drop_database(args.server, name)
        signal.alarm(0)

    report(args, tally, seconds, finished, stored, differ, spent)


def report(args, tally: Tally, seconds, finished, stored, differ, spent) -> None:
    requests = sum(len(values) for values in tally.times.values())
    submitted = len(tally.submitted)
    print(
        f"gunicorn, {args.workers} sync workers, production settings, PostgreSQL; "
        f"{args.teachers} teachers from {args.clients} client threads, "
        f"ramp {args.ramp:g} s, think {args.think:g} s"
    )
    if not finished:
        print(f"TIMED OUT after {args.timeout:g} s: the counts below are partial")
    print(f"load       {seconds:.1f} s, {requests / seconds:.0f} requests/s")
    if requests:
        server = spent["gunicorn"] + spent["postgres"]
        print(
            f"CPU        server {server / requests * 1000:.0f} ms per request "
            f"(gunicorn {spent['gunicorn'] / requests * 1000:.0f}, "
            f"PostgreSQL {spent['postgres'] / requests * 1000:.0f}), "
            f"client {spent['client'] / requests * 1000:.0f}; "
            f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
        )
    print(f"requests   {requests}")
    print(f"errors     {len(tally.errors)}")
    for message in tally.errors[:5]:
        print(f"  {message}")
    print(f"submitted  {submitted}")
    print(f"stored     {stored}")
    print(f"lost       {max(0, submitted - stored) + differ} ({differ} stored answers differ)")
    print(f"{'kind':<10}{'count':>6}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}")
    for kind in KINDS:
        values = tally.times.get(kind, [])
        print(
            f"{kind:<10}{len(values):>6}{percentile(values, 0.5):>9.0f}"
            f"{percentile(values, 0.95):>9.0f}{max(values, default=math.nan) * 1000:>9.0f}"
        )


if __name__ == "__main__":
    main()
