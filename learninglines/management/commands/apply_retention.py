"""Delete the texts of school years past their retention, and tell members a month before.

For cron, daily: `python manage.py apply_retention` (`--dry-run` says what it would delete).
"""

from django.core.management.base import BaseCommand

from learninglines.services.privacy import retention_apply


class Command(BaseCommand):
    help = "Delete old texts (answers, logs, ambitions, notes) per school's retention; keep counts."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Only say what would be deleted."
        )

    def handle(self, *args, dry_run: bool = False, **options):
        result = retention_apply(dry_run=dry_run)
        counts = ", ".join(f"{count} {what}" for what, count in sorted(result.counts.items()))
        years = ", ".join(f"{y.school.name} {y.name}" for y in result.years) or "none"
        verb = "Would delete" if dry_run else "Deleted"
        announced = "would be announced" if dry_run else "announced"
        self.stdout.write(
            f"{verb} texts of school years: {years} ({counts or 'nothing'}); "
            f"{result.notified} school years {announced} a month ahead."
        )
