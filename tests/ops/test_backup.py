"""Backups that restore: the seeded demo, backed up while the app could run, comes back equal."""

import os
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg2
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
RESTORE = ROOT / "scripts" / "restore-postgres.sh"


def sqlite_rows(path: Path) -> dict[str, list[tuple]]:
    """Every table of the file (from sqlite_master), its rows in a fixed order."""
    database = sqlite3.connect(path)
    try:
        tables = [
            name
            for (name,) in database.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]
        return {
            table: sorted(database.execute(f'SELECT * FROM "{table}"').fetchall(), key=repr)  # noqa: S608
            for table in tables
        }
    finally:
        database.close()


@pytest.mark.db_independent
def test_sqlite_backup_of_the_seeded_demo_has_every_row(tmp_path):
    database, backup = tmp_path / "db.sqlite3", tmp_path / "backup.sqlite3"
    code = (
        "from django.core.management import call_command;"
        "call_command('migrate', verbosity=0);"
        "call_command('seed_demo', allow_production=True, verbosity=0);"
        f"call_command('backup', {str(backup)!r})"
    )
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DJANGO_") and key != "DATABASE_URL"
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=ROOT,
        env={**environment, "DATABASE_URL": f"sqlite:///{database}"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].startswith(f"Backup (sqlite) written to {backup} (")
    original, copy = sqlite_rows(database), sqlite_rows(backup)
    assert list(copy) == list(original)
    assert copy == original
    assert len(copy["learninglines_user"]) > 40
    assert len(copy["django_migrations"]) > 10
    assert not (tmp_path / "backup.sqlite3.partial").exists()


@pytest.mark.django_db
def test_backup_into_a_missing_folder_is_refused(tmp_path):
    with pytest.raises(CommandError, match="does not exist"):
        call_command("backup", str(tmp_path / "nowhere" / "backup.dump"))


def _pg_connect(name: str):
    settings = connection.settings_dict
    return psycopg2.connect(
        dbname=name,
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
        user=settings["USER"] or None,
        password=settings["PASSWORD"] or None,
    )


def _pg_fingerprint(database) -> dict[str, tuple[int, str]]:
    """Every table's row count and a checksum of its rows in a fixed order."""
    with database.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
        tables = [name for (name,) in cursor.fetchall()]
        fingerprint = {}
        for table in tables:
            cursor.execute(
                "SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), ''))"  # noqa: S608
                f' FROM "{table}" t'
            )
            fingerprint[table] = cursor.fetchone()
    return fingerprint


@pytest.mark.postgresql("pg_dump and pg_restore need a PostgreSQL server")
@pytest.mark.django_db(transaction=True)
def test_postgresql_backup_restores_into_an_empty_database(tmp_path):
    call_command("seed_demo", allow_production=True, verbosity=0)
    backup = tmp_path / "exchange.dump"
    call_command("backup", str(backup))
    settings = connection.settings_dict
    target = f"{settings['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    admin = _pg_connect("postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{target}"')
    try:
        url = (
            f"postgresql://{settings['USER'] or 'postgres'}@{settings['HOST'] or '127.0.0.1'}"
            f":{settings['PORT'] or 5432}/{target}"
        )
        environment = {**os.environ, "PGPASSWORD": settings["PASSWORD"] or ""}
        restore = [str(RESTORE), str(backup), url]
        result = subprocess.run(
            restore, env=environment, capture_output=True, text=True, check=False, timeout=300
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout == f"Restored {backup} into the target database.\n"

        restored = _pg_connect(target)
        try:
            copy = _pg_fingerprint(restored)
        finally:
            restored.close()
        original = _pg_fingerprint(connection.connection)
        assert list(copy) == list(original)
        assert copy == original
        assert copy["learninglines_user"][0] > 40

        # A second restore into the same (no longer empty) database is refused.
        again = subprocess.run(
            restore, env=environment, capture_output=True, text=True, check=False, timeout=300
        )
        assert again.returncode == 1
        assert "already has" in again.stderr
        assert "restore into an empty database" in again.stderr
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
        admin.close()
