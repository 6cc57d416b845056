from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from learninglines.models import School
from learninglines.services.people import coach_assign


class Command(BaseCommand):
    help = "Make someone the coach of a school and mail them a sign-in link. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("school", help="The school's short name in links (slug).")
        parser.add_argument("email", help="The coach's e-mail address.")
        parser.add_argument("--name", default="", help="The coach's name as schools see it.")

    def handle(self, *args, school: str, email: str, name: str, **options):
        try:
            validate_email(email)
        except ValidationError:
            raise CommandError(f"{email!r} is not a valid e-mail address.") from None
        found = School.objects.filter(slug=school).first()
        if found is None:
            raise CommandError(f"No school with the short name {school!r}.")
        try:
            assignment, created = coach_assign(school=found, email=email, name=name)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        state = "assigned, invitation queued" if created else "was already assigned"
        self.stdout.write(f"Coach {assignment.user.email} for {found.name}: {state}.")
