from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from exchange.backup import BackupError, database_backup


class Command(BaseCommand):
    help = (
        "Back up the database to a file while the app runs: SQLite with its online backup API, "
        "PostgreSQL with pg_dump -Fc (restore with scripts/restore-postgres.sh)."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="The backup file to write (replaced if there).")
        parser.add_argument("--database", default="default", help="Database alias (default).")

    def handle(self, *args, path: Path, database: str, **options):
        try:
            kind = database_backup(path, using=database)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        size = path.stat().st_size
        self.stdout.write(f"Backup ({kind}) written to {path} ({size} bytes).")
