"""The personal URLs mails carry. Made when a mail is sent, never stored in the outbox."""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from sesame.tokens import create_token

from learninglines.models import MagicLink, User


def site_url(path: str) -> str:
    """An absolute address on the configured public site (cron jobs have no request to ask)."""
    return settings.SITE_URL.rstrip("/") + path


def magic_link_url(link: MagicLink) -> str:
    token = create_token(link.user, scope=link.scope)
    return site_url(reverse("learninglines:magic-link", kwargs={"pk": link.pk, "token": token}))


def password_reset_url(user: User) -> str:
    """Django's reset link: valid until used, the password changes or PASSWORD_RESET_TIMEOUT."""
    return site_url(
        reverse(
            "learninglines:password-reset-confirm",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": default_token_generator.make_token(user),
            },
        )
    )
