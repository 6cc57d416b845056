"""Sign-in: personal links and the queue of anonymous sign-in requests."""

from datetime import datetime

from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from learninglines.models.people import School, User


def local_moment(moment: datetime) -> str:
    """A stored moment (UTC) as the admin shows times: local time, in the language's format."""
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


class MagicLink(models.Model):
    """One personal sign-in link. The row lets a failing link say why it fails.

    Links by purpose: an invitation (14 days, replaced by the next invitation to the same
    school), a link asked for on the sign-in page (short-lived), a link in a session mail
    (valid until the end of that session's day, usable on more than one device, every use
    recorded), and a link shown as a QR code at the door by a steering member or coach
    (minutes, once, who showed it recorded).
    Every link works once, except a session mail's link.
    """

    class Purpose(models.TextChoices):
        SIGN_IN = "sign_in", _("sign-in requested")
        INVITE = "invite", _("invitation")
        SESSION = "session", _("session mail")
        DOOR = "door", _("shown at the door")

    REUSABLE = frozenset({Purpose.SESSION})

    class Status(models.TextChoices):
        VALID = "valid", _("valid")
        USED = "used", _("already used")
        EXPIRED = "expired", _("expired")
        REVOKED = "revoked", _("revoked")

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="magic_links", verbose_name=_("user")
    )
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    school = models.ForeignKey(
        School,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("school"),
        help_text=_("Where the link leads after signing in."),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    next_path = models.CharField(
        _("opens"),
        max_length=200,
        blank=True,
        help_text=_("The page on this site the link opens after signing in."),
    )
    shown_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("shown by"),
    )

    class Meta:
        verbose_name = _("sign-in link")
        verbose_name_plural = _("sign-in links")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "created_at"], name="magiclink_user_created")]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} {self.user} {local_moment(self.created_at)}"

    @property
    def scope(self) -> str:
        """The token is signed for this one link, so it cannot open another."""
        return f"magic-link:{self.pk}"

    @property
    def reusable(self) -> bool:
        return self.purpose in self.REUSABLE

    def status_at(self, moment: datetime) -> str:
        if self.revoked_at:
            return self.Status.REVOKED
        if self.used_at and not self.reusable:
            return self.Status.USED
        if moment >= self.expires_at:
            return self.Status.EXPIRED
        return self.Status.VALID


class MagicLinkUse(models.Model):
    """One sign-in with a link (a session mail's link may be used on several devices)."""

    link = models.ForeignKey(
        MagicLink, on_delete=models.CASCADE, related_name="uses", verbose_name=_("sign-in link")
    )
    used_at = models.DateTimeField(_("used at"), default=timezone.now)

    class Meta:
        verbose_name = _("use of a sign-in link")
        verbose_name_plural = _("uses of sign-in links")
        ordering = ["-used_at"]

    def __str__(self) -> str:
        return gettext("%(link)s, used %(moment)s") % {
            "link": self.link,
            "moment": local_moment(self.used_at),
        }


class SignInRequest(models.Model):
    """An anonymous "mail me a link" or "reset my password" request, handled after the answer.

    The forms store the request and answer at once, for a known address and an unknown one alike,
    so neither the answer nor its timing tells whether an address has an account. The request is
    handled after the response (or by `send_queued_mail`), where the per-address limit applies.
    """

    class Purpose(models.TextChoices):
        SIGN_IN_LINK = "sign_in_link", _("sign-in link")
        PASSWORD_RESET = "password_reset", _("password reset")

    email = models.EmailField(_("e-mail address as typed"))
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    language = models.CharField(_("language"), max_length=5)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    created_at = models.DateTimeField(_("asked at"), default=timezone.now)
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("sign-in request")
        verbose_name_plural = _("sign-in requests")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["ip_address", "created_at"], name="signinrequest_ip_created"),
            models.Index(fields=["handled_at", "created_at"], name="signinrequest_pending"),
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} {local_moment(self.created_at)}"
