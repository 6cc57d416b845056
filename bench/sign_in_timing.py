"""Does the answer time of the anonymous sign-in forms tell whether an address has an account?

Starts gunicorn with production settings on 127.0.0.1 (a SQLite file in a temporary folder, or
the database in DATABASE_URL), then posts the "mail me a link" and "reset my password" forms for
known addresses (each once, so every request does the full work of a real one) and unknown
addresses, in alternation, pausing between requests so work done after one response cannot slow
the next. Prints the median and 90th percentile answer time per case and the difference between
known and unknown. Loopback only, bounded in count and time.

Run from the repository root: ``.venv/bin/python bench/sign_in_timing.py [--requests 150]``.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
# --root measures another checkout (e.g. an earlier commit in a git worktree) with this script.


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def environment(folder: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SITE_URL="https://bench.school.example",
        DJANGO_SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto=https",
        DJANGO_OUTBOX_SEND_IMMEDIATELY="false",
    )
    env.setdefault("DATABASE_URL", f"sqlite:///{folder / 'bench.sqlite3'}")
    return env


def manage(env, *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, timeout=300)


def manage_output(env, code: str) -> str:
    return subprocess.run(
        [PYTHON, "manage.py", "shell", "-v", "0", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    ).stdout.strip()


def create_users(env, count: int) -> list[str]:
    code = (
        "from learninglines.models import User\n"
        f"for n in range({count}):\n"
        "    User.objects.get_or_create(email=f'bekend{n}@school.example')\n"
    )
    manage_output(env, code)
    return [f"bekend{n}@school.example" for n in range(count)]


class Client:
    """One anonymous visitor: GET the form for its CSRF cookie and token, then POST."""

    def __init__(self, port: int, client_ip: str):
        self.port = port
        self.headers = {
            "Host": "127.0.0.1",
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": client_ip,
        }

    def request(self, method: str, path: str, body: str | None = None, headers=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        started = time.perf_counter()
        connection.request(method, path, body=body, headers={**self.headers, **(headers or {})})
        response = connection.getresponse()
        content = response.read()
        elapsed = time.perf_counter() - started
        connection.close()
        return response, content, elapsed

    def post_form(self, path: str, email: str) -> float:
        response, content, _ = self.request("GET", path)
        cookie = response.getheader("Set-Cookie").split(";", 1)[0]
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', content).group(1)
        body = urllib.parse.urlencode({"email": email, "csrfmiddlewaretoken": token.decode()})
        response, _, elapsed = self.request(
            "POST",
            path,
            body,
            {
                "Cookie": cookie,
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": f"https://127.0.0.1{path}",
            },
        )
        if response.status != 302:
            raise SystemExit(f"POST {path} answered {response.status}, expected 302")
        return elapsed


def wait_until_serving(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("gunicorn stopped while starting")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start within 30 s")


def milliseconds(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    return statistics.median(ordered) * 1000, ordered[int(len(ordered) * 0.9)] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=150, help="per form and case (max 400)")
    parser.add_argument("--pause", type=float, default=0.05, help="seconds between requests")
    parser.add_argument("--root", type=Path, help="the checkout to measure (default: this one)")
    args = parser.parse_args()
    global ROOT
    ROOT = (args.root or ROOT).resolve()
    count = min(args.requests, 400)
    with tempfile.TemporaryDirectory() as folder:
        env = environment(Path(folder))
        manage(env, "migrate", "--no-input", "-v", "0")
        manage(env, "collectstatic", "--no-input", "-v", "0")
        known = create_users(env, 2 * count)
        port = free_port()
        server = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "exchange.wsgi", "-b", f"127.0.0.1:{port}", "-w", "1"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_until_serving(port, server)
            times: dict[tuple[str, str], list[float]] = {}
            for path in ("/login/link/", "/password/reset/"):
                for n in range(count):
                    # Each request from its own client address: the per-network ceiling is
                    # not what this measures.
                    for case in ("known", "unknown"):
                        address = known.pop() if case == "known" else f"onbekend{n}@school.example"
                        client = Client(port, f"198.51.{n // 250}.{n % 250 + (case == 'known')}")
                        times.setdefault((path, case), []).append(client.post_form(path, address))
                        time.sleep(args.pause)
        finally:
            server.terminate()
            server.wait(10)
        queued = manage_output(
            env,
            "from learninglines.models import OutgoingMail; print(OutgoingMail.objects.count())",
        )
    print(f"gunicorn, 1 sync worker, production settings; {count} requests per form and case")
    print(f"{'form':<18}{'case':<9}{'median ms':>10}{'p90 ms':>9}")
    for (path, case), values in times.items():
        median, p90 = milliseconds(values)
        print(f"{path:<18}{case:<9}{median:>10.2f}{p90:>9.2f}")
    for path in ("/login/link/", "/password/reset/"):
        known_median = milliseconds(times[(path, "known")])[0]
        unknown_median = milliseconds(times[(path, "unknown")])[0]
        print(f"{path}: known - unknown = {known_median - unknown_median:+.2f} ms (median)")
    print(f"mails queued after the responses: {queued} (expected {2 * count})")


if __name__ == "__main__":
    main()
