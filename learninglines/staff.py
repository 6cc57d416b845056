"""Staff second factor: an authenticator app (TOTP) and single-use backup codes (django-otp).

Staff never sign in with a mailed link; the admin opens only for a session that gave a password
and then a code from a confirmed device. A staff member without a confirmed authenticator app
sets one up on their first admin sign-in; confirming it replaces their backup codes.
"""

from base64 import b32encode

import segno
from django.db import transaction
from django_otp import devices_for_user
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from learninglines.models import User

BACKUP_CODE_COUNT = 10
# Stored on the device rows; the admin lists them under these names.
TOTP_DEVICE_NAME = "Authenticator app"
BACKUP_DEVICE_NAME = "Backup codes"


def may_open_admin(user: User) -> bool:
    """Who may get past the admin's password step: active staff only."""
    return user.is_active and user.is_staff


def staff_has_authenticator(*, user: User) -> bool:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()


def totp_device_for_setup(*, user: User) -> TOTPDevice:
    """The unconfirmed device being set up: the same secret on every reload until confirmed."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


def totp_secret_text(device: TOTPDevice) -> str:
    """The secret as people type it into an app without a camera: base32 in groups of four."""
    secret = b32encode(device.bin_key).decode("ascii")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def totp_qr_data_uri(device: TOTPDevice) -> str:
    """The otpauth:// address as an SVG QR code in a data: URI (the CSP allows data: images)."""
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2)


def normalise_token(token: str) -> str:
    """Codes are typed from a phone or a printout: ignore spaces and dashes, any letter case."""
    return "".join(token.split()).replace("-", "").lower()


def backup_codes_replace(*, user: User) -> list[str]:
    """Give the person a fresh set of backup codes; earlier codes stop working."""
    with transaction.atomic():
        StaticDevice.objects.filter(user=user).delete()
        device = StaticDevice.objects.create(user=user, name=BACKUP_DEVICE_NAME, confirmed=True)
        codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def totp_setup_confirm(*, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm the device with one code from the app; returns new backup codes, or None.

    Other unconfirmed devices of the person (older set-up attempts) are removed.
    """
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        if device.confirmed or not device.verify_token(normalise_token(token)):
            return None
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=device.user, confirmed=False).delete()
    return backup_codes_replace(user=device.user)


def _device_kind(token: str) -> type[Device]:
    # Six digits go to the app, anything else to the backup codes (eight letters and digits), so
    # a backup code does not count as a wrong app code and slow down the next sign-in.
    return TOTPDevice if token.isdigit() and len(token) == 6 else StaticDevice


def staff_token_verify(*, user: User, token: str) -> Device | None:
    """The confirmed device that accepts the code (an app code or a backup code), or None.

    A backup code is deleted when it is used, so it works once. django-otp throttles each
    device after a wrong code, so guessing takes ever longer.
    """
    token = normalise_token(token)
    if not token:
        return None
    kind = _device_kind(token)
    with transaction.atomic():
        for device in devices_for_user(user, confirmed=True, for_verify=True):
            if isinstance(device, kind) and device.verify_token(token):
                return device
    return None


def staff_throttled(*, user: User, token: str) -> bool:
    """True while the devices that would check this code refuse codes after recent wrong ones."""
    kind = _device_kind(normalise_token(token))
    devices = [d for d in devices_for_user(user, confirmed=True) if isinstance(d, kind)]
    return bool(devices) and not any(device.verify_is_allowed()[0] for device in devices)
