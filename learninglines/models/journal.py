"""The learning log (logboek): a teacher's own dated notes, private unless shared with the line."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from learninglines.models.people import Member


class LogEntry(models.Model):
    """One dated entry of a member's learning log.

    Readable by its author; when shared, also by the members of the author's own line at the
    entry's date (a steering member in that line reads it as a line member). Never by the
    steering group or the coach in their role, and never shown in the admin. Only counts derived
    from entries may reach overviews.
    """

    class Sharing(models.TextChoices):
        PRIVATE = "private", _("only me")
        LINE = "line", _("me and my learning line")

    author = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="log_entries", verbose_name=_("author")
    )
    date = models.DateField(_("date"), default=timezone.localdate)
    tried = models.TextField(_("what I tried"), blank=True)
    effect = models.TextField(_("what it did for my pupils"), blank=True)
    to_bring = models.TextField(_("what I want to bring to others"), blank=True)
    # Text copied in by another part of the product (a reflection's private answers), kept
    # apart from the three parts the author writes here, with a key of where it came from so a
    # second copy replaces the first instead of adding another entry.
    note = models.TextField(_("note"), blank=True)
    source = models.CharField(_("source"), max_length=80, blank=True, editable=False)
    sharing = models.CharField(
        _("who may read it"), max_length=10, choices=Sharing.choices, default=Sharing.PRIVATE
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("log entry")
        verbose_name_plural = _("log entries")
        ordering = ["-date", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "source"],
                condition=~models.Q(source=""),
                name="logentry_one_per_source",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.author} {self.date:%Y-%m-%d}"

    @property
    def opening(self) -> str:
        """The first text the entry has: with its date, it tells entries of one day apart."""
        return self.tried or self.effect or self.to_bring or self.note


class CalendarFeed(models.Model):
    """A member's personal calendar address: a secret that works without signing in.

    Renewing replaces the token, so the old address stops working at once.
    """

    member = models.OneToOneField(
        Member, on_delete=models.CASCADE, related_name="calendar_feed", verbose_name=_("member")
    )
    token = models.CharField(_("secret"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return str(self.member)
