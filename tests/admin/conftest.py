"""Staff with and without a second factor, for the admin's tests."""

import pytest
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import UserFactory

STAFF_PASSWORD = "beheer-wachtwoord-2026"


def current_code(device: TOTPDevice) -> str:
    """The code an authenticator app shows now for the device's secret."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


@pytest.fixture
def staff_user(db):
    """A superuser who has not set up an authenticator app yet (the demo's `beheer`)."""
    return UserFactory(
        email="beheer@school.example",
        name="Marieke Bakker",
        password=STAFF_PASSWORD,
        is_staff=True,
        is_superuser=True,
    )


@pytest.fixture
def staff_device(staff_user):
    """A confirmed authenticator app and two backup codes for `staff_user`."""
    device = TOTPDevice.objects.create(user=staff_user, name="Authenticator app", confirmed=True)
    backup = StaticDevice.objects.create(user=staff_user, name="Backup codes", confirmed=True)
    StaticToken.objects.create(device=backup, token="abcd2345")
    StaticToken.objects.create(device=backup, token="efgh6723")
    return device


@pytest.fixture
def admin_client(client, staff_user, staff_device):
    """A client signed in as staff with a verified second factor."""
    client.force_login(staff_user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = staff_device.persistent_id
    session.save()
    return client
