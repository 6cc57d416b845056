from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from learninglines.models import School
from learninglines.services.people import school_create


class Command(BaseCommand):
    help = (
        "Create a school with its first steering-group member and mail that person a sign-in "
        "link. Running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("name", help='The school\'s name, e.g. "Basisschool De Regenboog".')
        parser.add_argument(
            "--steering", required=True, help="E-mail of the first steering member."
        )
        parser.add_argument("--first-name", default="", help="Default: from the address.")
        parser.add_argument("--last-name", default="")
        parser.add_argument("--name-prefix", default="", help='E.g. "van der".')
        parser.add_argument("--slug", default="", help="Short name in links (default: from name).")
        parser.add_argument(
            "--language", default=School.Language.DUTCH, choices=School.Language.values
        )

    def handle(self, *args, **opts):
        try:
            validate_email(opts["steering"])
        except ValidationError:
            raise CommandError(f"{opts['steering']!r} is not a valid e-mail address.") from None
        try:
            setup = school_create(
                name=opts["name"],
                steering_email=opts["steering"],
                first_name=opts["first_name"] or opts["steering"].split("@")[0].title(),
                last_name=opts["last_name"],
                name_prefix=opts["name_prefix"],
                slug=opts["slug"],
                language=opts["language"],
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        state = "created" if setup.created else "already existed"
        invite = "invitation queued" if setup.invited else "no new invitation"
        self.stdout.write(
            f"School {setup.school.name} (/s/{setup.school.slug}/) {state}; "
            f"steering member {setup.steering.user.email}: {invite}."
        )
