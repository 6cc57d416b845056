from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from exchange.demo import demo_seed


class Command(BaseCommand):
    help = "Create the demo data (idempotent) and print how to sign in."

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Run even with DJANGO_DEBUG=false (the demo credentials are public).",
        )

    def handle(self, *args, allow_production: bool = False, **options):
        if not settings.DEBUG and not allow_production:
            raise CommandError(
                "seed_demo creates accounts with published passwords and refuses to run with "
                "DJANGO_DEBUG=false; pass --allow-production for a demo server."
            )
        result = demo_seed()
        summary = f"{len(result.created)} records created" if result.created else "nothing new"
        self.stdout.write(f"Demo data ready ({summary}). Sign in at /login/ as:")
        for role, email, password in result.credentials:
            self.stdout.write(f"  {role:<26} {email} / {password}")
        self.stdout.write(
            "  Other team members sign in with a link: ask for one at /login/link/ and it is"
            " printed here in the console."
        )
