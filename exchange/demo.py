"""Demo data for development, demos and browser tests.

Idempotent: running it again finds what it made before and changes nothing. Later features add
their own demo data here (the demo school's people, lines, sessions).
"""

from dataclasses import dataclass, field

from django.db import transaction

from learninglines.models import User

DEMO_ADMIN_EMAIL = "beheer@example.org"
DEMO_ADMIN_PASSWORD = "demo-beheer-2026"  # noqa: S105 - published demo credential, DEBUG only


@dataclass
class DemoResult:
    created: list[str] = field(default_factory=list)
    credentials: list[tuple[str, str, str]] = field(default_factory=list)


def demo_seed() -> DemoResult:
    """Create the demo data that does not exist yet; never touch what is already there."""
    result = DemoResult()
    with transaction.atomic():
        admin, created = User.objects.get_or_create(
            email=DEMO_ADMIN_EMAIL, defaults={"is_staff": True, "is_superuser": True}
        )
        if created:
            admin.set_password(DEMO_ADMIN_PASSWORD)
            admin.save(update_fields=["password"])
            result.created.append(f"user {DEMO_ADMIN_EMAIL}")
    result.credentials.append(("administration (/admin/)", DEMO_ADMIN_EMAIL, DEMO_ADMIN_PASSWORD))
    return result
