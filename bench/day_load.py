"""The plenary day under load: 150 phones sign in, follow their table, answer the reflection.

Creates a fresh PostgreSQL database on 127.0.0.1 (named per run, dropped at the end), migrates
it and seeds a school of 150 teachers in 8 lines with a session today: its table plan made and
published, the method's program (two table rounds, then the reflection) and its reflection form,
which opens when the clock reaches the reflection. Starts gunicorn (4 sync workers by default,
production settings) on a free loopback port. Then the day, from client threads:

- every teacher signs in BY LINK, as from the session mail: a session link made with the service,
  GET its landing page, POST its button with the CSRF token, follow the redirect to the page;
  the sign-ins are spread over `--ramp` seconds (phones coming out of pockets);
- every teacher polls the table fragment (`HX-Request: true`) every `--poll` seconds (5; the page
  itself polls every 10) for `--minutes` minutes (3);
- meanwhile the steering group, its own client signed in by link, starts the clock and moves it
  on five times (the fifth reaches the reflection, which opens the form), and twice reads the
  scheduler fresh for the plan's version and swaps two people;
- then every teacher opens the answer page, autosaves three times and submits, spread over about
  `--spread` seconds (30) as a room types, or all at once with `--all-at-once`.

Like the page (static/js/reflection.js), a teacher whose autosave fails (no answer, or an error
status) tries it again after 5 s until it gets through; a failed submit is pressed again after
5 s, a failed sign-in opens the link again. A failed poll is simply followed by the next one.

`--faults` runs the same day on a PostgreSQL cluster of its own (initdb in a temporary folder,
a free port, removed afterwards; nothing else on the machine is touched), SIGKILLs one gunicorn
worker halfway through the polling (the master starts another) and restarts PostgreSQL (stop,
`--down` seconds, start) a few seconds into the answering.

Prints the requests, the errors seen by clients (a status other than 2xx/3xx, a broken
connection, or an autosave not saved) per kind, retries, p50/p95/p99 per kind, and the answers:
submitted (clients that got the redirect), stored (reflections submitted in the database), lost
(submitted but not stored, plus stored answers that differ from the last text sent). Loopback
only; bounded (at most 300 teachers, 10 minutes of polling, a hard alarm over the whole run) and
cleans up (database, cluster, gunicorn) also on Ctrl-C or an error.

Run from the repository root (PostgreSQL on 127.0.0.1:5432, or as root with --faults):
``.venv/bin/python bench/day_load.py [--minutes 3] [--all-at-once] [--faults]``.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import http.cookies
import logging
import math
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import time as clock
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.reflection_load import (  # noqa: E402
    CpuMeter,
    admin_connection,
    check_stored,
    create_database,
    drop_database,
    form_fields,
    percentile,
)
from bench.sign_in_timing import environment, free_port, wait_until_serving  # noqa: E402

PYTHON = sys.executable
LOOPBACK = {"127.0.0.1", "localhost"}
SETUP_BUDGET = 420  # seconds for the cluster, migrating and seeding, and for cleaning up
LINES = 8
KINDS = (
    "sign-in",
    "page",
    "fragment",
    "clock",
    "board",
    "swap",
    "answer page",
    "autosave",
    "submit",
)
RETRY_AFTER = 5.0  # seconds, as static/js/reflection.js
MAX_TRIES = 20
PG_BIN = Path("/usr/lib/postgresql/15/bin")
TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
VERSION = re.compile(rb'name="version" value="(\d+)"')


# --- what the clients saw ---


@dataclass
class Tally:
    lock: threading.Lock = field(default_factory=threading.Lock)
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: Counter = field(default_factory=Counter)  # kind -> failed requests
    examples: list[str] = field(default_factory=list)
    retries: Counter = field(default_factory=Counter)  # kind -> requests sent again
    retried_ok: Counter = field(default_factory=Counter)  # kind -> failures later got through
    gave_up: Counter = field(default_factory=Counter)  # kind -> failures never got through
    events: list[str] = field(default_factory=list)
    fragments: list[tuple[float, float]] = field(default_factory=list)  # (when, seconds)

    def timed(self, kind: str, seconds: float) -> None:
        with self.lock:
            self.times[kind].append(seconds)
            if kind == "fragment":
                self.fragments.append((time.monotonic(), seconds))

    def error(self, kind: str, message: str) -> None:
        with self.lock:
            self.errors[kind] += 1
            if len(self.examples) < 8:
                self.examples.append(f"{kind}: {message}")

    def count(self, counter: str, kind: str) -> None:
        with self.lock:
            getattr(self, counter)[kind] += 1

    def event(self, began: float, text: str) -> None:
        with self.lock:
            self.events.append(f"{time.monotonic() - began:6.1f} s  {text}")


@dataclass
class Teacher:
    number: int
    link_path: str
    ip: str
    cookies: dict[str, str] = field(default_factory=dict)
    signed_in: bool = False
    last_poll_ok: bool | None = None
    saw_reflection: bool = False
    sent: dict[str, str] = field(default_factory=dict)  # field -> value of the answered submit


class Browser:
    """One phone: its cookies, a new connection per request (sync workers close each one)."""

    def __init__(self, port: int, teacher: Teacher, tally: Tally, deadline: float):
        self.port, self.teacher, self.tally, self.deadline = port, teacher, tally, deadline

    def request(self, kind: str, method: str, path: str, data=None, headers=None):
        """(status, body), or None when the connection failed; times and errors to the tally."""
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("the day's time is up")
        body, extra = None, dict(headers or {})
        if data is not None:
            body = urllib.parse.urlencode(data)
            extra.setdefault("Content-Type", "application/x-www-form-urlencoded")
            extra.setdefault("Referer", f"https://127.0.0.1{path}")
        cookie = "; ".join(f"{name}={value}" for name, value in self.teacher.cookies.items())
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=min(30, remaining))
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
                    **({"Cookie": cookie} if cookie else {}),
                    **extra,
                },
            )
            response = connection.getresponse()
            content = response.read()
        except (OSError, http.client.HTTPException) as error:
            self.tally.error(kind, f"teacher {self.teacher.number} {method} {path}: {error!r}")
            return None
        finally:
            connection.close()
        self.tally.timed(kind, time.perf_counter() - started)
        for header in response.msg.get_all("Set-Cookie") or []:
            for name, morsel in http.cookies.SimpleCookie(header).items():
                self.teacher.cookies[name] = morsel.value
        if not 200 <= response.status < 400:
            self.tally.error(
                kind, f"teacher {self.teacher.number} {method} {path}: {response.status}"
            )
        return response.status, content

    def htmx_post_headers(self) -> dict[str, str]:
        """As htmx sends a POST on these pages: the CSRF token from the cookie, in a header."""
        return {"HX-Request": "true", "X-CSRFToken": self.teacher.cookies.get("csrftoken", "")}

    def sign_in(self, stop: threading.Event) -> bool:
        """Open the mailed link and press its button; again after 5 s when it failed."""
        for attempt in range(MAX_TRIES):
            if stop.is_set():
                return False
            if attempt:
                self.tally.count("retries", "sign-in")
                time.sleep(RETRY_AFTER)
            got = self.request("sign-in", "GET", self.teacher.link_path)
            found = got and got[0] == 200 and TOKEN.search(got[1])
            if not found:
                continue
            got = self.request(
                "sign-in",
                "POST",
                self.teacher.link_path,
                {"csrfmiddlewaretoken": found.group(1).decode()},
            )
            if not got or got[0] != 302 or "sessionid" not in self.teacher.cookies:
                continue
            if attempt:
                self.tally.count("retried_ok", "sign-in")
            self.teacher.signed_in = True
            return True
        self.tally.count("gave_up", "sign-in")
        return False


# --- the database and the school ---


class OwnCluster:
    """A PostgreSQL cluster of this run only: initdb in a temporary folder, on a free port."""

    def __init__(self):
        self.folder = Path(tempfile.mkdtemp(prefix="day_load_pg_"))
        self.data = self.folder / "data"
        self.port = free_port()
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_postgres:
            shutil.chown(self.folder, "postgres", "postgres")

    def _run(self, *args: str, timeout: float = 120) -> None:
        subprocess.run(
            [*self.as_postgres, *args],
            check=True,
            timeout=timeout,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def create(self) -> None:
        self._run(
            str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust",
            "--no-sync", "-E", "UTF8",
        )  # fmt: skip
        self.start()

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(
            str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-o", options,
            "-l", str(self.folder / "log"), "-w", "start",
        )  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def remove(self) -> None:
        if (self.data / "postmaster.pid").exists():
            with contextlib.suppress(subprocess.SubprocessError, OSError):
                self.stop("immediate")
        shutil.rmtree(self.folder, ignore_errors=True)

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}"


def seed(teachers: int):
    """The school, the session today with its published plan, and a link per teacher.

    Returns (session, questionnaire, members, link paths, steering's link path, swaps), where
    swaps are two (round, first, second) of people at different tables.
    """
    from django.utils import timezone

    from bench.team import bench_team, even_sizes
    from learninglines.services.links import magic_link_url
    from learninglines.services.signin import magic_link_for_session
    from sessions_app.models import Questionnaire, Seat
    from sessions_app.services.day import my_session_path, session_publish
    from sessions_app.services.plans import plan_generate
    from sessions_app.services.sessions import session_create

    setup, _year, members = bench_team("bench-dag", "Bench dag", even_sizes(teachers, LINES))
    school = setup.school
    today = timezone.localdate()
    session = session_create(
        school=school,
        title="Plenair",
        date=today,
        start_time=clock(14, 0),
        end_time=clock(17, 0),
    )
    plan = plan_generate(session=session, seed=0)
    session_publish(session=session)
    questionnaire = Questionnaire.objects.get(session=session)
    path = my_session_path(session)

    def link_path(member) -> str:
        link = magic_link_for_session(user=member.user, school=school, next_path=path, day=today)
        return urllib.parse.urlsplit(magic_link_url(link)).path

    links = [link_path(member) for member in members]
    steering_link = link_path(setup.steering)
    swaps = []
    for number in (1, 2):
        seats = list(
            Seat.objects.filter(table__round__plan=plan, table__round__number=number).order_by(
                "member_id"
            )
        )
        first = seats[len(seats) // 3]
        second = next(s for s in seats[len(seats) // 2 :] if s.table_id != first.table_id)
        swaps.append((number, first.member_id, second.member_id))
    return session, questionnaire, members, links, steering_link, swaps


def start_gunicorn(port: int, args, env: dict[str, str], log: Path) -> subprocess.Popen:
    command = [PYTHON, "-m", "gunicorn", "exchange.wsgi", "-b", f"127.0.0.1:{port}"]
    command += ["-w", str(args.workers), "-k", args.worker_class]
    if args.worker_class == "gthread":
        command += ["--threads", str(args.threads)]
    with log.open("ab") as out:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=out)


def stop_gunicorn(server: subprocess.Popen) -> None:
    """The master stops its workers on SIGTERM; if it does not in time, kill it and them."""
    workers = worker_pids(server) if server.poll() is None else []
    server.terminate()
    try:
        server.wait(15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(10)
    for pid in workers:
        with contextlib.suppress(OSError):
            if b"gunicorn" in Path(f"/proc/{pid}/cmdline").read_bytes():
                os.kill(pid, signal.SIGKILL)


def worker_pids(server: subprocess.Popen) -> list[int]:
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text()
    return [int(pid) for pid in children.split()]


# --- the day ---


@dataclass
class Day:
    port: int
    paths: dict[str, str]
    fields: dict[str, str]
    swaps: list[tuple[int, int, int]]
    args: argparse.Namespace
    tally: Tally = field(default_factory=Tally)
    stop: threading.Event = field(default_factory=threading.Event)
    began: float = 0.0
    deadline: float = 0.0

    @property
    def polling_ends(self) -> float:
        return self.began + self.args.ramp + self.args.minutes * 60

    def sleep_until(self, moment: float) -> bool:
        """False when the run is being stopped."""
        return not self.stop.wait(max(0.0, moment - time.monotonic()))

    # the teachers

    def follow(self, teacher: Teacher) -> None:
        """Sign in by link, then poll the table fragment until the polling ends."""
        browser = Browser(self.port, teacher, self.tally, self.deadline)
        if not self.sleep_until(self.began + self.args.ramp * teacher.number / self.args.teachers):
            return
        if not browser.sign_in(self.stop):
            return
        browser.request("page", "GET", self.paths["my"])
        moment = time.monotonic() + random.uniform(0, self.args.poll)
        while self.sleep_until(moment) and time.monotonic() < self.polling_ends:
            got = browser.request(
                "fragment", "GET", self.paths["my"], headers={"HX-Request": "true"}
            )
            ok = bool(got) and got[0] == 200 and b'id="my-session"' in got[1]
            if got and got[0] == 200 and not ok:
                self.tally.error("fragment", f"teacher {teacher.number}: not the table fragment")
            teacher.last_poll_ok = ok
            teacher.saw_reflection = teacher.saw_reflection or (
                ok and self.paths["answer"].encode() in got[1]
            )
            moment += self.args.poll

    def answer(self, teacher: Teacher, start: threading.Barrier | None) -> None:
        """Open the answer page, autosave three times, submit; each retried as the page does."""
        browser = Browser(self.port, teacher, self.tally, self.deadline)
        spread = 0.0 if self.args.all_at_once else self.args.spread
        if start is not None:
            start.wait()
        elif not self.sleep_until(time.monotonic() + random.uniform(0, spread / 3)):
            return
        token = None
        for attempt in range(MAX_TRIES):
            if attempt:
                self.tally.count("retries", "answer page")
                if not self.sleep_until(time.monotonic() + RETRY_AFTER):
                    return
            got = browser.request("answer page", "GET", self.paths["answer"])
            found = got and got[0] == 200 and TOKEN.search(got[1])
            if found:
                token = found.group(1).decode()
                if attempt:
                    self.tally.count("retried_ok", "answer page")
                break
        if token is None:
            self.tally.count("gave_up", "answer page")
            return
        number = teacher.number
        for draft in range(1, 4):
            if not self.sleep_until(time.monotonic() + random.uniform(0.5, 1.5) * spread / 6):
                return
            data = {
                self.fields["learned"]: f"Leraar {number}: concept {draft} over een andere lijn",
                self.fields["try"]: f"Leraar {number}: concept {draft} voor de klas",
                self.fields["useful"]: str(draft),
            }
            self.until_through("autosave", browser, data, autosave=True)
        if not self.sleep_until(time.monotonic() + random.uniform(0.5, 1.5) * spread / 6):
            return
        data = {
            self.fields["learned"]: f"Leraar {number}: wat ik leerde over een andere lijn",
            self.fields["try"]: f"Leraar {number}: wat ik uitprobeer in de klas",
            self.fields["useful"]: str(number % 5 + 1),
        }
        if self.until_through("submit", browser, {**data, "csrfmiddlewaretoken": token}):
            teacher.sent = data

    def until_through(self, kind: str, browser: Browser, data, *, autosave: bool = False) -> bool:
        for attempt in range(MAX_TRIES):
            if attempt:
                self.tally.count("retries", kind)
                if not self.sleep_until(time.monotonic() + RETRY_AFTER):
                    return False
            if autosave:
                headers = browser.htmx_post_headers()
                got = browser.request(kind, "POST", self.paths["autosave"], data, headers)
                ok = bool(got) and got[0] == 200 and b"autosave-saved" in got[1]
                if got and got[0] == 200 and not ok:
                    shown = re.sub(rb"\s+", b" ", got[1][:160]).decode(errors="replace")
                    self.tally.error(kind, f"teacher {browser.teacher.number}: not saved: {shown}")
            else:
                got = browser.request(
                    kind, "POST", self.paths["answer"], {**data, "action": "submit"}
                )
                ok = bool(got) and got[0] in (302, 303)
                if got and got[0] == 200:
                    self.tally.error(kind, f"teacher {browser.teacher.number}: the form again")
            if ok:
                if attempt:
                    self.tally.count("retried_ok", kind)
                return True
        self.tally.count("gave_up", kind)
        return False

    # the steering group

    def steer(self, steering: Teacher, server: subprocess.Popen, cluster: OwnCluster | None):
        """Clock and swaps at set moments of the polling; the worker kill in --faults."""
        browser = Browser(self.port, steering, self.tally, self.deadline)
        if not self.sleep_until(self.began + 1) or not browser.sign_in(self.stop):
            return
        length = self.polling_ends - self.began
        plan = [
            (0.08, "clock", "start"),
            (0.20, "clock", "next"),
            (0.30, "swap", 0),
            (0.40, "clock", "next"),
            (0.50, "kill", None),
            (0.55, "clock", "next"),
            (0.65, "swap", 1),
            (0.75, "clock", "next"),
            (0.88, "clock", "next"),
        ]
        for share, what, detail in plan:
            if not self.sleep_until(self.began + share * length):
                return
            if what == "clock":
                headers = browser.htmx_post_headers()
                got = browser.request(
                    "clock", "POST", self.paths["clock"], {"action": detail}, headers
                )
                self.tally.event(self.began, f"clock {detail}: {got and got[0]}")
            elif what == "swap":
                self.swap(browser, *self.swaps[detail])
            elif what == "kill" and self.args.faults:
                pid = random.choice(worker_pids(server))
                os.kill(pid, signal.SIGKILL)
                self.tally.event(self.began, f"SIGKILL gunicorn worker {pid}")

    def swap(self, browser: Browser, number: int, first: int, second: int) -> None:
        got = browser.request("board", "GET", self.paths["plan"], headers={"HX-Request": "true"})
        found = got and got[0] == 200 and VERSION.search(got[1])
        if not found:
            self.tally.event(self.began, "swap: no plan version on the scheduler")
            return
        version = int(found.group(1))
        data = {"version": version, "round": number, "first": first, "second": second}
        headers = browser.htmx_post_headers()
        got = browser.request("swap", "POST", self.paths["change"], data, headers)
        after = got and got[0] == 200 and VERSION.search(got[1])
        done = bool(after) and int(after.group(1)) == version + 1
        if got and not done:
            self.tally.error("swap", f"version {version} did not move on")
        self.tally.event(
            self.began, f"swap round {number}: version {version} -> {done and version + 1}"
        )

    def restart_database(self, cluster: OwnCluster, at: float) -> None:
        if not self.sleep_until(at):
            return
        self.tally.event(self.began, "PostgreSQL stop (fast)")
        cluster.stop("fast")
        time.sleep(self.args.down)
        cluster.start()
        self.tally.event(self.began, "PostgreSQL started again")


def run_day(day: Day, teachers, steering, server, cluster, open_form) -> tuple[float, bool]:
    """The whole day; returns (seconds, finished in time)."""
    args = day.args
    day.began = time.monotonic()
    day.deadline = day.polling_ends + args.spread + 300
    threads = [threading.Thread(target=day.follow, args=(t,), daemon=True) for t in teachers]
    threads.append(
        threading.Thread(target=day.steer, args=(steering, server, cluster), daemon=True)
    )
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(max(0.0, day.deadline - time.monotonic()))
    finished = not any(thread.is_alive() for thread in threads)
    open_form(day)  # the clock opened it; if not (a failed POST), the steering group does by hand
    ready = [teacher for teacher in teachers if teacher.signed_in]
    start = threading.Barrier(len(ready), timeout=30) if args.all_at_once and ready else None
    threads = [threading.Thread(target=day.answer, args=(t, start), daemon=True) for t in ready]
    answering = time.monotonic()
    day.tally.event(day.began, "answering starts")
    if cluster is not None:
        at = answering + (args.restart_at if not args.all_at_once else 0.5)
        threads.append(
            threading.Thread(target=day.restart_database, args=(cluster, at), daemon=True)
        )
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(max(0.0, day.deadline - time.monotonic()))
    finished = finished and not any(thread.is_alive() for thread in threads)
    day.tally.event(day.began, "answering ends")
    return time.monotonic() - day.began, finished


# --- the run ---


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--teachers", type=int, default=150, help="how many (max 300)")
    parser.add_argument("--minutes", type=float, default=3, help="minutes of polling (max 10)")
    parser.add_argument("--poll", type=float, default=5, help="seconds between a phone's polls")
    parser.add_argument("--ramp", type=float, default=20, help="seconds to spread the sign-ins")
    parser.add_argument("--spread", type=float, default=30, help="seconds the answering takes")
    parser.add_argument("--all-at-once", action="store_true", help="everyone answers together")
    parser.add_argument("--faults", action="store_true", help="own cluster, kill, restart")
    parser.add_argument("--restart-at", type=float, default=6, help="seconds into answering")
    parser.add_argument("--down", type=float, default=3, help="seconds PostgreSQL is down")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--worker-class", choices=("sync", "gthread"), default="sync")
    parser.add_argument("--threads", type=int, default=4, help="threads per gthread worker")
    parser.add_argument(
        "--server", default="postgres://postgres@127.0.0.1:5432", help="PostgreSQL on loopback"
    )
    args = parser.parse_args()
    args.teachers = max(2, min(args.teachers, 300))
    args.minutes = max(0.25, min(args.minutes, 10))
    args.poll = max(1.0, min(args.poll, 60))
    args.ramp = max(0.0, min(args.ramp, 60))
    args.spread = max(1.0, min(args.spread, 120))
    args.down = max(0.5, min(args.down, 30))
    args.restart_at = max(0.0, min(args.restart_at, args.spread))
    args.workers = max(1, min(args.workers, 16))
    args.threads = max(1, min(args.threads, 16))
    if urllib.parse.urlsplit(args.server).hostname not in LOOPBACK:
        raise SystemExit("--server must be a PostgreSQL on 127.0.0.1")

    def out_of_time(_signum, _frame):
        raise TimeoutError("the bench ran out of time")

    # One hard bound over everything: setup, the day, the answering and the cleanup.
    signal.signal(signal.SIGALRM, out_of_time)

    def interrupted(signum, _frame):
        raise KeyboardInterrupt(f"signal {signum}")

    # Ctrl-C and kill clean up too (a shell's background job would ignore SIGINT otherwise).
    signal.signal(signal.SIGINT, interrupted)
    signal.signal(signal.SIGTERM, interrupted)
    signal.alarm(int(SETUP_BUDGET + args.ramp + args.minutes * 60 + args.spread + 300))

    name = f"exchange_day_load_{os.getpid()}"
    cluster = None
    server = None
    made = False
    folder = Path(tempfile.mkdtemp(prefix="day_load_"))
    log = folder / "gunicorn.log"
    try:
        if args.faults:
            cluster = OwnCluster()
            cluster.create()
            args.server = cluster.url
        create_database(args.server, name)
        made = True
        env = environment(folder)
        env["DATABASE_URL"] = f"{args.server.rstrip('/')}/{name}"
        env["DJANGO_SETTINGS_MODULE"] = "exchange.settings"
        for key in [key for key in os.environ if key.startswith("DJANGO_")]:
            del os.environ[key]
        os.environ.update(env)

        import django

        django.setup()
        logging.getLogger("axes").setLevel(logging.WARNING)
        logging.getLogger("sessions_app").setLevel(logging.WARNING)  # the plan's timing line
        from django.conf import settings
        from django.core.management import call_command
        from django.db import connections
        from django.urls import reverse

        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        session, questionnaire, members, links, steering_link, swaps = seed(args.teachers)
        slug = session.school.slug
        on_session = {"school_slug": slug, "pk": session.pk}
        on_form = {"school_slug": slug, "pk": questionnaire.pk}
        paths = {
            "my": reverse("sessions_app:my-session", kwargs=on_session),
            "clock": reverse("sessions_app:session-clock", kwargs=on_session),
            "plan": reverse("sessions_app:plan-detail", kwargs=on_session),
            "change": reverse("sessions_app:plan-change", kwargs=on_session),
            "answer": reverse("sessions_app:reflection-answer", kwargs=on_form),
            "autosave": reverse("sessions_app:reflection-autosave", kwargs=on_form),
        }
        fields = form_fields(questionnaire)
        teachers = [
            Teacher(number=n, link_path=path, ip=f"198.51.{n // 250}.{n % 250 + 1}")
            for n, path in enumerate(links)
        ]
        steering = Teacher(number=-1, link_path=steering_link, ip="203.0.113.7")
        assert settings.SESSION_COOKIE_NAME == "sessionid"
        connections.close_all()

        def open_form(day: Day) -> None:
            from sessions_app.models import Questionnaire
            from sessions_app.services.reflections import questionnaire_open

            form = Questionnaire.objects.get(pk=questionnaire.pk)
            if form.state() != Questionnaire.State.OPEN:
                questionnaire_open(questionnaire=form)
                day.tally.event(day.began, "the form was not open: opened by hand")
            connections.close_all()

        port = free_port()
        server = start_gunicorn(port, args, env, log)
        wait_until_serving(port, server)
        warm_up(port, steering_link, paths, args.workers)
        day = Day(port=port, paths=paths, fields=fields, swaps=swaps, args=args)
        admin = None if args.faults else admin_connection(args.server)
        try:
            meter = CpuMeter(server, admin, name) if admin else None
            if meter:
                meter.__enter__()
            seconds, finished = run_day(day, teachers, steering, server, cluster, open_form)
            if meter:
                meter.__exit__(None, None, None)
        except BaseException:
            day.stop.set()
            raise
        finally:
            if admin is not None:
                admin.close()
        server.terminate()
        server.wait(15)
        server = None
        connections.close_all()
        stored, differ = check_stored(questionnaire, members, teachers)
        connections.close_all()
    finally:
        if server is not None:
            stop_gunicorn(server)
        if made:
            try:
                drop_database(args.server, name)
            except Exception as error:  # the cluster goes anyway with --faults
                print(f"could not drop {name}: {error!r}", file=sys.stderr)
        if cluster is not None:
            cluster.remove()
        server_errors = sum(
            '"logger": "django.request"' in line and "Internal Server Error" in line
            for line in (log.read_text(errors="replace").splitlines() if log.exists() else [])
        )
        shutil.rmtree(folder, ignore_errors=True)
        signal.alarm(0)

    report(args, day, teachers, seconds, finished, stored, differ, meter, server_errors)


def warm_up(port: int, steering_link: str, paths: dict[str, str], workers: int) -> None:
    """Each worker loads Django's URLs and templates on its first requests: not the day's cost.

    A throwaway phone of the steering member signs in by link (a session link works on more
    than one device) and fetches the day's pages from several threads at once, uncounted.
    """
    tally = Tally()
    phone = Teacher(number=-2, link_path=steering_link, ip="203.0.113.8")
    browser = Browser(port, phone, tally, time.monotonic() + 60)
    if not browser.sign_in(threading.Event()):
        raise SystemExit("warming up: the steering member's link did not sign in")

    def fetch(_n: int) -> None:
        for path, headers in (
            (paths["my"], {}),
            (paths["my"], {"HX-Request": "true"}),
            (paths["answer"], {}),
            (paths["plan"], {"HX-Request": "true"}),
        ):
            Browser(port, phone, tally, browser.deadline).request(
                "warm", "GET", path, None, headers
            )

    threads = [threading.Thread(target=fetch, args=(n,), daemon=True) for n in range(3 * workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)


def report(args, day, teachers, seconds, finished, stored, differ, meter, server_errors) -> None:
    tally = day.tally
    requests = sum(len(values) for values in tally.times.values())
    failed = sum(tally.errors.values())
    submitted = sum(1 for teacher in teachers if teacher.sent)
    answering = "all at once" if args.all_at_once else f"over ~{args.spread:g} s"
    workers = f"{args.workers} {args.worker_class} workers"
    if args.worker_class == "gthread":
        workers += f" x {args.threads} threads"
    print(
        f"gunicorn, {workers}, production settings, PostgreSQL "
        f"({'own cluster, faults' if args.faults else '127.0.0.1:5432'}); {args.teachers} "
        f"teachers, sign-in over {args.ramp:g} s, a poll every {args.poll:g} s for "
        f"{args.minutes:g} min, answering {answering}"
    )
    if not finished:
        print("TIMED OUT: the counts below are partial")
    print(f"day        {seconds:.0f} s, {requests} requests answered ({requests / seconds:.1f}/s)")
    if meter is not None and requests:
        spent = meter.spent()
        print(
            f"CPU        server {(spent['gunicorn'] + spent['postgres']) / requests * 1000:.0f} ms "
            f"per request (gunicorn {spent['gunicorn'] / requests * 1000:.0f}, PostgreSQL "
            f"{spent['postgres'] / requests * 1000:.0f}), client "
            f"{spent['client'] / requests * 1000:.0f}; load average "
            f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
        )
    else:
        print(f"load       average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    for line in tally.events:
        print(f"  {line}")
    windows: dict[int, list[float]] = defaultdict(list)
    for moment, value in tally.fragments:
        windows[int((moment - day.began) // 20)].append(value)
    print(
        "fragment p95 ms per 20 s: "
        + " ".join(f"{percentile(windows[n], 0.95):.0f}" for n in sorted(windows))
    )
    signed_in = sum(teacher.signed_in for teacher in teachers)
    print(f"signed in  {signed_in} of {len(teachers)} by link")
    print(f"saw form   {sum(t.saw_reflection for t in teachers)} phones showed the reflection link")
    print(
        f"errors     {failed} seen by clients; django.request error lines logged: {server_errors}"
    )
    for message in tally.examples:
        print(f"  {message}")
    left = sum(teacher.last_poll_ok is False for teacher in teachers)
    print(f"phones     {left} left on a failed poll at the end")
    print(f"submitted  {submitted}")
    print(f"stored     {stored}")
    print(f"lost       {max(0, submitted - stored) + differ} ({differ} stored answers differ)")
    header = (
        f"{'kind':<12}{'count':>7}{'errors':>7}{'retried':>8}{'got thru':>9}{'gave up':>8}"
        f"{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}{'max ms':>8}"
    )
    print(header)
    for kind in KINDS:
        values = tally.times.get(kind, [])
        if not values and not tally.errors[kind]:
            continue
        print(
            f"{kind:<12}{len(values):>7}{tally.errors[kind]:>7}{tally.retries[kind]:>8}"
            f"{tally.retried_ok[kind]:>9}{tally.gave_up[kind]:>8}"
            f"{percentile(values, 0.5):>8.0f}{percentile(values, 0.95):>8.0f}"
            f"{percentile(values, 0.99):>8.0f}{max(values, default=math.nan) * 1000:>8.0f}"
        )


if __name__ == "__main__":
    main()
