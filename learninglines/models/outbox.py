"""The mail outbox."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from learninglines.models.people import School, User
from learninglines.models.signin import MagicLink

# Stands in the stored body where the personal link goes; the link itself is made when the mail
# is sent, so no live sign-in or password link is ever stored in the outbox.
PERSONAL_LINK_PLACEHOLDER = "[[personal-link]]"


class OutgoingMail(models.Model):
    """The outbox: every mail the app sends is queued here and sent by send_queued_mail."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    class Kind(models.TextChoices):
        SIGN_IN_LINK = "sign_in_link", _("sign-in link")
        INVITATION = "invitation", _("invitation")
        PASSWORD_RESET = "password_reset", _("password reset")
        SESSION = "session", _("session mail")
        OTHER = "other", _("other")

    to = models.EmailField(_("to"))
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    user = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    school = models.ForeignKey(
        School,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("school"),
    )
    magic_link = models.ForeignKey(
        MagicLink,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sign-in link"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("queued at"), default=timezone.now)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing mail")
        verbose_name_plural = _("outgoing mail")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outgoingmail_due"),
            models.Index(fields=["user", "kind", "created_at"], name="outgoingmail_user_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.to}: {self.subject}"
