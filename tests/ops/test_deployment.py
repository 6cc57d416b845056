"""The deployment files agree with the settings, and the container's own commands run here.

docker is not on these machines: nothing is built. Instead the build context (.dockerignore
applied) is copied to a temporary folder and the Dockerfile's collectstatic, compose's migrate,
the image's command (gunicorn), its health check and the worker run there as they would in the
containers, with production settings.
"""

import fnmatch
import http.client
import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import dj_database_url
import psycopg2
import pytest
import yaml
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parents[2]
APP_SERVICES = ("migrate", "web", "worker")
# Read by the container's scripts (start-web.sh, worker.sh, healthcheck.py), not by the settings;
# the README's Deployment section names them.
CONTAINER_VARIABLES = {"PORT", "WEB_CONCURRENCY"}


def settings_variables() -> set[str]:
    """Every variable exchange/settings.py reads (through exchange/env.py's readers)."""
    source = (ROOT / "exchange" / "settings.py").read_text()
    names = set(re.findall(r"\b(?:env_\w+|database_config)\(\s*\"([A-Z][A-Z0-9_]*)\"", source))
    assert "DJANGO_SECRET_KEY" in names  # the pattern still finds what it should
    return names


def readme_configuration_variables() -> set[str]:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("\n## Configuration\n", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `([A-Z][A-Z0-9_]*)` \|", section, flags=re.MULTILINE))


def compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    text = (ROOT / "Dockerfile").read_text()
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    joined = re.sub(r"\\\n\s*", " ", "\n".join(lines))
    return [
        (line.split(None, 1)[0].upper(), line.split(None, 1)[1])
        for line in joined.splitlines()
        if line.strip()
    ]


def test_every_settings_variable_is_documented_and_every_documented_one_is_read():
    assert readme_configuration_variables() == settings_variables()


def test_only_settings_reads_the_environment():
    """Another module reading a variable would escape the checks of this file.

    (Handing the whole environment to a child process, as exchange/backup.py does, reads none.)
    """
    offenders = []
    for package in ("exchange", "learninglines", "sessions_app"):
        for path in (ROOT / package).rglob("*.py"):
            if path.name in {"env.py", "wsgi.py", "asgi.py"} and path.parent.name == "exchange":
                continue
            text = path.read_text()
            if re.search(r"os\.environ(\.get\(|\[)|getenv\(", text):
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_compose_sets_only_variables_the_settings_read():
    services = compose()["services"]
    read = settings_variables() | CONTAINER_VARIABLES
    for name in APP_SERVICES:
        assert set(services[name]["environment"]) - read == set(), name


def test_compose_runs_production_on_postgresql():
    services = compose()["services"]
    for name in APP_SERVICES:
        environment = services[name]["environment"]
        assert environment["DJANGO_DEBUG"] == "false"
        assert environment["DATABASE_URL"].startswith("postgres://")
        assert environment["DATABASE_URL"].endswith("@db:5432/exchange")
    assert services["db"]["image"] == "postgres:15"
    assert services["db"]["volumes"] == ["db-data:/var/lib/postgresql/data"]


def _manage_commands_in(text: str) -> set[str]:
    return set(re.findall(r"manage\.py\"?,?\s+\"?([a-z_]+)", text)) | set(
        re.findall(r"^\s*run(?:_daily|_hourly)?\s+([a-z_]+)", text, flags=re.MULTILINE)
    )


def test_every_command_the_containers_run_exists():
    named = set()
    for service in compose()["services"].values():
        command = service.get("command")
        if command:
            named |= _manage_commands_in(shlex.join(command))
    named |= _manage_commands_in((ROOT / "Dockerfile").read_text())
    named |= _manage_commands_in((ROOT / "scripts" / "worker.sh").read_text())
    assert named >= {
        "migrate",
        "collectstatic",
        "send_queued_mail",
        "prune_outbox",
        "send_meeting_reminders",
        "send_reflection_reminders",
        "send_exchange_followups",
        "apply_retention",
    }
    assert named - set(get_commands()) == set()


def test_compose_commands_and_dockerfile_scripts_exist():
    for service in APP_SERVICES:
        command = compose()["services"][service]["command"]
        if command[0] != "python":
            assert os.access(ROOT / command[0], os.X_OK), command
    [cmd] = [args for instruction, args in dockerfile_instructions() if instruction == "CMD"]
    assert os.access(ROOT / json.loads(cmd)[0], os.X_OK)


def test_dockerfile_installs_the_lock_file_with_hashes_as_a_non_root_user():
    instructions = dockerfile_instructions()
    assert instructions[0] == ("FROM", "python:3.11-slim")
    runs = [args for instruction, args in instructions if instruction == "RUN"]
    assert "pip install --require-hashes --no-deps -r requirements/base.txt" in runs
    [user] = [args for instruction, args in instructions if instruction == "USER"]
    assert user == "app"
    [healthcheck] = [args for instruction, args in instructions if instruction == "HEALTHCHECK"]
    assert healthcheck.endswith('CMD ["python", "scripts/healthcheck.py"]')


# --- The container's commands, run on this machine ---


def _dockerignored(patterns: list[str]):
    def ignore(folder: str, names: list[str]) -> set[str]:
        relative = Path(folder).relative_to(ROOT)
        ignored = set()
        for name in names:
            path = str(relative / name) if str(relative) != "." else name
            for pattern in patterns:
                if pattern.startswith("**/"):
                    if fnmatch.fnmatch(name, pattern[3:]):
                        ignored.add(name)
                elif fnmatch.fnmatch(path, pattern):
                    ignored.add(name)
        return ignored

    return ignore


def build_context(target: Path) -> Path:
    """What `COPY . .` puts in /app: the repository less .dockerignore's patterns."""
    patterns = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    shutil.copytree(ROOT, target, ignore=_dockerignored(patterns), symlinks=True)
    return target


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(port: int, path: str, **headers: str) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", path, headers={"Host": "127.0.0.1", **headers})
    response = connection.getresponse()
    response.body = response.read()
    connection.close()
    return response


@pytest.fixture
def deployment_database():
    """A PostgreSQL database of this run when the tests run on PostgreSQL, else a SQLite file."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        yield None
        return
    config = dj_database_url.parse(url)
    name = f"exchange_deploy_{uuid.uuid4().hex[:10]}"
    admin = psycopg2.connect(
        dbname="postgres",
        host=config["HOST"] or None,
        port=config["PORT"] or None,
        user=config["USER"] or None,
        password=config["PASSWORD"] or None,
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def _stop(process: subprocess.Popen) -> str:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
    try:
        output, _ = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        output, _ = process.communicate()
    return output


@pytest.mark.db_independent
def test_the_containers_commands_run_with_production_settings(tmp_path, deployment_database):
    app = build_context(tmp_path / "app")
    port = free_port()
    bin_folder = Path(sys.executable).parent
    base = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DJANGO_") and key not in {"DATABASE_URL", "PORT"}
    }
    environment = {
        **base,
        "PATH": f"{bin_folder}{os.pathsep}{base.get('PATH', '')}",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "deploy-test-" + "Zq8wX2cV5bN7mL1kJ4hG6fD9sA3pO0iU" * 2,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SITE_URL": "https://leerlijnen.test",
        "DJANGO_SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto=https",
        "DATABASE_URL": deployment_database or f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "PORT": str(port),
        "WEB_CONCURRENCY": "2",
        "WORKER_STATE_DIR": str(tmp_path / "worker-state"),
    }

    def run(command: list[str], extra: dict[str, str] | None = None) -> str:
        if command[0] == "python":
            command = [sys.executable, *command[1:]]
        result = subprocess.run(
            command,
            cwd=app,
            env={**environment, **(extra or {})},
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert result.returncode == 0, (command, result.stdout, result.stderr)
        return result.stdout

    # The Dockerfile's build step, with its own build-time variables.
    [build] = [args for kind, args in dockerfile_instructions() if "collectstatic" in args]
    words = shlex.split(build)
    build_environment = dict(word.split("=", 1) for word in words if "=" in word[:40])
    build_command = [word for word in words if "=" not in word[:40]]
    run(build_command, build_environment)
    manifest = json.loads((app / "staticfiles" / "staticfiles.json").read_text())
    hashed_css = manifest["paths"]["css/app.css"]
    assert re.fullmatch(r"css/app\.[0-9a-f]{12}\.css", hashed_css)

    # compose's one-off migrate service.
    run(compose()["services"]["migrate"]["command"])

    # The image's command: gunicorn on $PORT.
    [cmd] = [args for kind, args in dockerfile_instructions() if kind == "CMD"]
    web = subprocess.Popen(
        json.loads(cmd),
        cwd=app,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        [healthcheck] = [args for kind, args in dockerfile_instructions() if kind == "HEALTHCHECK"]
        check = [sys.executable, *json.loads(healthcheck.split(" CMD ", 1)[1])[1:]]
        deadline = time.monotonic() + 60
        while True:
            healthy = subprocess.run(check, cwd=app, env=environment, check=False, timeout=30)
            if healthy.returncode == 0:
                break
            assert web.poll() is None, "gunicorn stopped"
            assert time.monotonic() < deadline, "gunicorn did not answer /healthz within 60 s"
            time.sleep(0.5)

        # Over plain HTTP, as a load balancer inside the network asks: no redirect.
        health = get(port, "/healthz", **{"X-Request-ID": "deploy-check-1"})
        assert (health.status, json.loads(health.body)) == (200, {"status": "ok"})
        assert health.getheader("X-Request-ID") == "deploy-check-1"
        assert "no-store" in health.getheader("Cache-Control")
        # Anything else over plain HTTP goes to HTTPS: production settings are on.
        assert get(port, "/login/").status == 301
        # Static files by WhiteNoise under their hashed names, cached for good.
        css = get(port, f"/static/{hashed_css}", **{"X-Forwarded-Proto": "https"})
        assert css.status == 200
        assert "immutable" in css.getheader("Cache-Control")
        login = get(port, "/login/?sesame=secret-in-query", **{"X-Forwarded-Proto": "https"})
        assert login.status == 200
    finally:
        output = _stop(web)

    lines = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    requests = [line for line in lines if line["logger"] == "exchange.request"]
    assert [
        (line["request_id"], line["method"], line["path"], line["status"])
        for line in requests
        if line["request_id"] == "deploy-check-1"
    ] == [("deploy-check-1", "GET", "/healthz", 200)]
    assert "/login/" in [line["path"] for line in requests]
    assert "secret-in-query" not in output

    # The worker: its first turn sends the outbox, then it sleeps until it is stopped.
    worker = subprocess.Popen(
        compose()["services"]["worker"]["command"],
        cwd=app,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        first = worker.stdout.readline()
    finally:
        rest = _stop(worker)
    assert first == "Outbox: 0 sent, 0 to retry, 0 failed (0 sign-in requests handled).\n", rest
    assert "failed" not in rest.replace("0 failed", "")
