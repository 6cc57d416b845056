"""Exchange people start themselves: a personal ambition, and small exchanges with colleagues.

"Je kunt er ook zelf mee beginnen": a teacher writes their own learning goal for the year and
invites one colleague (a duo) or a few (up to five) to a conversation, a class visit or a lesson
tried together. Afterwards each participant notes what they brought and what they took.

Privacy: an ambition and a participant's notes are private by default; they can be shared (an
ambition with the team; notes with the exchange's participants or with the author's own line).
The steering group and the coach only ever see counts ("took something from line X"), never
text or names, and never for a group below the anonymous threshold.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from learninglines.models import LearningLine, Member, School, SchoolYear

MAX_INVITEES = 5
MAX_MOMENTS = 3


class Ambition(models.Model):
    """One version of a member's own learning goal for a school year; the newest is current.

    Earlier versions are kept and shown to the author only.
    """

    class Sharing(models.TextChoices):
        PRIVATE = "private", _("only me")
        TEAM = "team", _("my team")

    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="ambitions", verbose_name=_("member")
    )
    year = models.ForeignKey(
        SchoolYear, on_delete=models.PROTECT, related_name="+", verbose_name=_("school year")
    )
    text = models.TextField(_("what I want to learn, and from whom"))
    sharing = models.CharField(
        _("who may read it"), max_length=10, choices=Sharing.choices, default=Sharing.PRIVATE
    )
    created_at = models.DateTimeField(_("written at"), default=timezone.now)

    class Meta:
        verbose_name = _("ambition")
        verbose_name_plural = _("ambitions")
        ordering = ["member", "year", "-created_at", "-pk"]
        indexes = [models.Index(fields=["member", "year", "-created_at"])]

    def __str__(self) -> str:
        # Never the person or the text: staff may see this in the admin (a delete page)
        return gettext("Ambition %(number)s") % {"number": self.pk}


class PeerExchange(models.Model):
    """A small exchange a teacher starts with one to five colleagues.

    Status: proposed (invitations out) -> agreed (a moment everyone still in accepted, or "we
    arrange it ourselves" once someone accepted) -> held or not held; cancelled at any time
    before it is held.
    """

    class Kind(models.TextChoices):
        CONVERSATION = "conversation", _("a conversation")
        VISIT = "visit", _("a visit to each other's class")
        LESSON = "lesson", _("trying a lesson together")

    class Status(models.TextChoices):
        PROPOSED = "proposed", pgettext_lazy("exchange status", "invited")
        AGREED = "agreed", pgettext_lazy("exchange status", "agreed")
        HELD = "held", pgettext_lazy("exchange status", "held")
        NOT_HELD = "not_held", pgettext_lazy("exchange status", "did not take place")
        CANCELLED = "cancelled", pgettext_lazy("exchange status", "cancelled")

    school = models.ForeignKey(
        School, on_delete=models.PROTECT, related_name="+", verbose_name=_("school")
    )
    year = models.ForeignKey(
        SchoolYear, on_delete=models.PROTECT, related_name="+", verbose_name=_("school year")
    )
    topic = models.CharField(_("topic"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=15, choices=Kind.choices, default=Kind.CONVERSATION
    )
    self_arranged = models.BooleanField(_("we arrange a moment ourselves"), default=False)
    starts_at = models.DateTimeField(_("agreed moment"), null=True, blank=True)
    minutes = models.PositiveSmallIntegerField(_("minutes"), default=45)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED
    )
    held_on = models.DateField(_("held on"), null=True, blank=True)
    cancel_note = models.CharField(_("why it was cancelled"), max_length=300, blank=True)
    asked_if_held_at = models.DateTimeField(_("asked whether it took place"), null=True, blank=True)
    told_moments_passed_at = models.DateTimeField(
        _("told that the proposed moments passed"), null=True, blank=True
    )
    created_by = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="+", verbose_name=_("started by")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("small exchange")
        verbose_name_plural = _("small exchanges")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        # Never the topic or who: staff may see this in the admin (a delete page)
        return gettext("Small exchange %(number)s") % {"number": self.pk}

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.PROPOSED, self.Status.AGREED)


class ExchangeParticipant(models.Model):
    """One person in a small exchange: the one who started it, or an invitee.

    `line` is the person's learning line when invited (kept, as seats keep theirs). After the
    exchange each participant notes what they brought and took; `took_from` is the line it
    came from, the only part of the notes that reaches overviews, and only as a count.
    """

    class Response(models.TextChoices):
        PENDING = "pending", _("not answered yet")
        ACCEPTED = "accepted", _("accepted")
        DECLINED = "declined", _("declined")

    class Sharing(models.TextChoices):
        PRIVATE = "private", _("only me")
        PARTICIPANTS = "participants", _("the participants of this exchange")
        LINE = "line", _("me and my learning line")

    exchange = models.ForeignKey(
        PeerExchange,
        on_delete=models.CASCADE,
        related_name="participants",
        verbose_name=_("small exchange"),
    )
    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="exchanges", verbose_name=_("member")
    )
    line = models.ForeignKey(
        LearningLine,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("line"),
    )
    is_initiator = models.BooleanField(_("started it"), default=False)
    response = models.CharField(
        _("answer"), max_length=10, choices=Response.choices, default=Response.PENDING
    )
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    brought = models.TextField(_("what I brought"), blank=True)
    took = models.TextField(_("what I took"), blank=True)
    took_from = models.ForeignKey(
        LearningLine,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("taken from line"),
    )
    sharing = models.CharField(
        _("who may read my notes"),
        max_length=15,
        choices=Sharing.choices,
        default=Sharing.PRIVATE,
    )
    noted_at = models.DateTimeField(_("notes written at"), null=True, blank=True)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["exchange", "-is_initiator", "member__last_name", "member__first_name"]
        constraints = [
            models.UniqueConstraint(fields=["exchange", "member"], name="exchangeparticipant_once"),
        ]

    def __str__(self) -> str:
        return gettext("Participant %(number)s") % {"number": self.pk}

    @property
    def is_in(self) -> bool:
        """Still part of the exchange: started it, accepted, or not answered yet."""
        return self.response != self.Response.DECLINED


class ExchangeMoment(models.Model):
    """A moment proposed for a small exchange, by the one who started it or by an invitee."""

    exchange = models.ForeignKey(
        PeerExchange,
        on_delete=models.CASCADE,
        related_name="moments",
        verbose_name=_("small exchange"),
    )
    starts_at = models.DateTimeField(_("moment"))
    proposed_by = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="+", verbose_name=_("proposed by")
    )
    created_at = models.DateTimeField(_("proposed at"), default=timezone.now)

    class Meta:
        verbose_name = _("proposed moment")
        verbose_name_plural = _("proposed moments")
        ordering = ["exchange", "starts_at", "pk"]

    def __str__(self) -> str:
        return gettext("Moment %(number)s") % {"number": self.pk}
