"""Learning lines: a group's goal and steps, who is in it when, and its meetings."""

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from learninglines.models.people import Member, School, SchoolYear


class LineColour(models.TextChoices):
    """A fixed palette: each colour carries white text at WCAG AA contrast (4.5:1 or more).

    Stored as a name, shown through the CSS class `line-colour-<name>`; a line also has a letter,
    so colour is never the only cue.
    """

    BLUE = "blue", _("blue")
    GREEN = "green", _("green")
    ORANGE = "orange", _("orange")
    PURPLE = "purple", _("purple")
    TEAL = "teal", _("teal")
    RED = "red", _("red")
    BROWN = "brown", _("brown")
    SLATE = "slate", _("slate")


LINE_LETTERS = "ABCDEFGHIJKL"


class LearningLineQuerySet(models.QuerySet):
    def for_school(self, school: School):
        return self.filter(school=school)

    def active(self):
        return self.filter(archived_at__isnull=True)


class LearningLine(models.Model):
    """One group's development trajectory in one school year."""

    school = models.ForeignKey(
        School, on_delete=models.PROTECT, related_name="lines", verbose_name=_("school")
    )
    year = models.ForeignKey(
        SchoolYear, on_delete=models.PROTECT, related_name="lines", verbose_name=_("school year")
    )
    name = models.CharField(_("name"), max_length=80)
    letter = models.CharField(
        _("letter"),
        max_length=1,
        help_text=_("Shown next to the colour, so colour is never the only cue."),
    )
    colour = models.CharField(_("colour"), max_length=10, choices=LineColour.choices)
    goal = models.TextField(_("goal"), blank=True)
    description = models.TextField(_("description"), blank=True)
    copied_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("copied from"),
    )
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = LearningLineQuerySet.as_manager()

    class Meta:
        verbose_name = _("learning line")
        verbose_name_plural = _("learning lines")
        ordering = ["year", "letter"]
        constraints = [
            models.UniqueConstraint(fields=["year", "letter"], name="line_unique_letter_per_year"),
            models.UniqueConstraint(fields=["year", "name"], name="line_unique_name_per_year"),
        ]

    def __str__(self) -> str:
        return f"{self.letter}. {self.name}"

    def get_absolute_url(self) -> str:
        return reverse(
            "learninglines:line-detail", kwargs={"school_slug": self.school.slug, "pk": self.pk}
        )

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    def clean(self) -> None:
        super().clean()
        if self.year_id and self.school_id and self.year.school_id != self.school_id:
            raise ValidationError({"year": _("The school year belongs to another school.")})


class LineStep(models.Model):
    """One ordered step of a line, with where the group stands on it."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        BUSY = "busy", pgettext_lazy("step status", "in progress")
        DONE = "done", _("done")

    line = models.ForeignKey(
        LearningLine, on_delete=models.CASCADE, related_name="steps", verbose_name=_("line")
    )
    position = models.PositiveSmallIntegerField(_("position"))
    title = models.CharField(_("step"), max_length=200)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    target_date = models.DateField(_("target date"), null=True, blank=True)

    class Meta:
        verbose_name = _("step")
        verbose_name_plural = _("steps")
        ordering = ["line", "position", "pk"]

    def __str__(self) -> str:
        return self.title


class LineMembershipQuerySet(models.QuerySet):
    def on(self, day):
        """Memberships that hold on `day` (start inclusive, end inclusive)."""
        return self.filter(start__lte=day).filter(
            models.Q(end__isnull=True) | models.Q(end__gte=day)
        )


class LineMembership(models.Model):
    """A member is in one line from `start` until `end` (inclusive; open when empty).

    A member is in at most one line at any date: moving someone ends one membership and starts
    another, so the history of who was in which line when is kept. The database holds the rule
    too (an exclusion constraint on PostgreSQL, triggers on SQLite; migration 0006).
    """

    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="line_memberships", verbose_name=_("member")
    )
    line = models.ForeignKey(
        LearningLine, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("line")
    )
    start = models.DateField(_("from"))
    end = models.DateField(_("until"), null=True, blank=True)

    objects = LineMembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("line membership")
        verbose_name_plural = _("line memberships")
        ordering = ["member", "start"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__isnull=True) | models.Q(end__gte=models.F("start")),
                name="linemembership_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} in {self.line}"


class LineMeeting(models.Model):
    """One meeting of one line: when, where, what about, and afterwards its notes."""

    line = models.ForeignKey(
        LearningLine, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("line")
    )
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("start time"))
    end_time = models.TimeField(_("end time"))
    place = models.CharField(_("place"), max_length=120, blank=True)
    topic = models.CharField(_("topic"), max_length=200)
    agenda = models.TextField(_("agenda"), blank=True)
    notes = models.TextField(
        _("notes"), blank=True, help_text=_("What the group did and agreed, written afterwards.")
    )
    reminder_sent_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    # Raised by each change of what a calendar shows (time, place, topic, agenda): its SEQUENCE,
    # so calendar apps take the change over instead of keeping the old event.
    revision = models.PositiveIntegerField(_("revision"), default=0, editable=False)

    class Meta:
        verbose_name = _("line meeting")
        verbose_name_plural = _("line meetings")
        ordering = ["date", "start_time", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_time__gt=models.F("start_time")),
                name="linemeeting_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.line.name} {self.date:%Y-%m-%d}: {self.topic}"

    def clean(self) -> None:
        super().clean()
        if self.start_time and self.end_time and self.end_time <= self.start_time:
            raise ValidationError({"end_time": _("The meeting must end after it starts.")})


class Attendance(models.Model):
    """Whether one member of the line came to one meeting."""

    class Status(models.TextChoices):
        PRESENT = "present", _("present")
        EXCUSED = "excused", _("absent with notice")
        ABSENT = "absent", _("absent")

    meeting = models.ForeignKey(
        LineMeeting, on_delete=models.CASCADE, related_name="attendance", verbose_name=_("meeting")
    )
    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="attendance", verbose_name=_("member")
    )
    status = models.CharField(_("attendance"), max_length=10, choices=Status.choices)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["meeting", "member"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="attendance_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.get_status_display()}"
