"""seed_demo creates the demo data once; running it again changes nothing."""

import pytest
from django.core.management import CommandError, call_command

from exchange.demo import DEMO_ADMIN_EMAIL, DEMO_ADMIN_PASSWORD
from learninglines.models import User

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_admin_and_prints_how_to_sign_in(capsys):
    call_command("seed_demo", allow_production=True)
    out = capsys.readouterr().out
    admin = User.objects.get(email=DEMO_ADMIN_EMAIL)
    assert admin.is_staff is True
    assert admin.is_superuser is True
    assert admin.check_password(DEMO_ADMIN_PASSWORD)
    assert f"{DEMO_ADMIN_EMAIL} / {DEMO_ADMIN_PASSWORD}" in out


def test_seed_demo_twice_changes_nothing(capsys):
    call_command("seed_demo", allow_production=True)
    before = list(User.objects.values_list("pk", "email", "password", "is_staff"))
    call_command("seed_demo", allow_production=True)
    assert list(User.objects.values_list("pk", "email", "password", "is_staff")) == before
    assert "Demo data ready (nothing new)." in capsys.readouterr().out


def test_seed_demo_refuses_to_run_in_production_mode(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="refuses to run with DJANGO_DEBUG=false"):
        call_command("seed_demo")
    assert User.objects.count() == 0
