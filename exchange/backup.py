"""Backups of the database, taken while the app runs (see docs/operations.md).

SQLite: an online copy with SQLite's backup API, page by page over the app's own connection, so
writers may go on meanwhile and the copy is one consistent moment. PostgreSQL: `pg_dump -Fc`
(custom format, consistent by itself), restored with scripts/restore-postgres.sh.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.db import connections


class BackupError(Exception):
    """The backup could not be made; the message says why in words an operator can act on."""


def database_backup(target: Path, *, using: str = "default") -> str:
    """Write a backup of database `using` to `target`; returns the kind made ("sqlite"...).

    The file appears complete or not at all: it is written next to the target and renamed.
    """
    connection = connections[using]
    target = Path(target)
    if not target.parent.is_dir():
        raise BackupError(f"The folder {target.parent} does not exist.")
    partial = target.with_name(target.name + ".partial")
    try:
        if connection.vendor == "sqlite":
            _backup_sqlite(connection, partial)
            kind = "sqlite"
        elif connection.vendor == "postgresql":
            _backup_postgresql(connection.settings_dict, partial)
            kind = "postgresql"
        else:
            raise BackupError(f"No backup for the {connection.vendor} database engine.")
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return kind


def _backup_sqlite(connection, partial: Path) -> None:
    connection.ensure_connection()
    partial.unlink(missing_ok=True)
    destination = sqlite3.connect(partial)
    try:
        # Copies in steps of 1024 pages; a write in between restarts the copy of the changed
        # pages, so the result is the state of one moment.
        connection.connection.backup(destination, pages=1024)
    finally:
        destination.close()


def postgresql_environment(settings_dict: dict) -> dict[str, str]:
    """libpq's variables for this database: the password goes in PGPASSWORD, never in argv."""
    environment = {**os.environ}
    values = {
        "PGHOST": settings_dict.get("HOST"),
        "PGPORT": settings_dict.get("PORT"),
        "PGUSER": settings_dict.get("USER"),
        "PGPASSWORD": settings_dict.get("PASSWORD"),
        "PGDATABASE": settings_dict.get("NAME"),
    }
    options = settings_dict.get("OPTIONS") or {}
    if options.get("sslmode"):
        values["PGSSLMODE"] = options["sslmode"]
    for name, value in values.items():
        if value:
            environment[name] = str(value)
        else:
            environment.pop(name, None)
    return environment


def _backup_postgresql(settings_dict: dict, partial: Path) -> None:
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise BackupError(
            "pg_dump was not found; install the PostgreSQL client (Debian: postgresql-client)."
        )
    result = subprocess.run(  # noqa: S603 (fixed program, arguments from settings)
        [pg_dump, "--format=custom", "--no-owner", "--no-privileges", f"--file={partial}"],
        env=postgresql_environment(settings_dict),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
