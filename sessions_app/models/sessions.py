"""Plenary sessions: when and where, the program of assignments, and who is there in which round."""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from learninglines.models import Member, School, SchoolYear


class PlenarySessionQuerySet(models.QuerySet):
    def for_school(self, school: School):
        return self.filter(school=school)

    def counted_as_history(self):
        """Sessions whose rounds really took place: held or closed, never drafts."""
        return self.filter(status__in=(PlenarySession.Status.HELD, PlenarySession.Status.CLOSED))


class PlenarySession(models.Model):
    """A whole-team exchange session: everyone sits in a quartet with one member of each line.

    Status runs draft -> published -> held -> closed. Only held and closed sessions count as
    history for the next table plan.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("session status", "draft")
        PUBLISHED = "published", pgettext_lazy("session status", "published")
        HELD = "held", pgettext_lazy("session status", "held")
        CLOSED = "closed", pgettext_lazy("session status", "closed")

    school = models.ForeignKey(
        School,
        on_delete=models.PROTECT,
        related_name="plenary_sessions",
        verbose_name=_("school"),
    )
    year = models.ForeignKey(
        SchoolYear,
        on_delete=models.PROTECT,
        related_name="plenary_sessions",
        verbose_name=_("school year"),
    )
    title = models.CharField(_("title"), max_length=150)
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("start time"))
    end_time = models.TimeField(_("end time"))
    place = models.CharField(_("place"), max_length=150, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    group_size = models.PositiveSmallIntegerField(
        _("people per table"),
        null=True,
        blank=True,
        validators=[MinValueValidator(3), MaxValueValidator(12)],
        help_text=_("Empty: one member of each learning line per table (at least 3)."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    # Raised by each change of what a calendar shows (title, day, times, place): its SEQUENCE,
    # so calendar apps take the change over instead of keeping the old event.
    revision = models.PositiveIntegerField(_("revision"), default=0, editable=False)

    objects = PlenarySessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("plenary session")
        verbose_name_plural = _("plenary sessions")
        ordering = ["date", "start_time", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_time__gt=models.F("start_time")),
                name="plenarysession_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.date:%Y-%m-%d})"

    def get_absolute_url(self) -> str:
        return reverse(
            "sessions_app:session-detail",
            kwargs={"school_slug": self.school.slug, "pk": self.pk},
        )

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def duration_minutes(self) -> int:
        start = datetime.combine(self.date, self.start_time)
        end = datetime.combine(self.date, self.end_time)
        return int((end - start) / timedelta(minutes=1))

    def clean(self) -> None:
        super().clean()
        if self.start_time and self.end_time and self.end_time <= self.start_time:
            raise ValidationError({"end_time": _("The session must end after it starts.")})
        if self.year_id and self.school_id and self.year.school_id != self.school_id:
            raise ValidationError({"year": _("The school year belongs to another school.")})
        if self.year_id and self.date and not (self.year.start <= self.date <= self.year.end):
            raise ValidationError(
                {
                    "date": _("Choose a date in the school year (%(start)s to %(end)s).")
                    % {"start": self.year.start.isoformat(), "end": self.year.end.isoformat()}
                }
            )


class Assignment(models.Model):
    """One structured step of a session's program.

    `table_round` is the table round it belongs to (1, 2, ...), or empty for the whole group
    (an opening, a break, the closing reflection): nobody is re-seated for those. The session's
    number of rounds is the number of distinct table rounds in its program.
    """

    session = models.ForeignKey(
        PlenarySession,
        on_delete=models.CASCADE,
        related_name="assignments",
        verbose_name=_("plenary session"),
    )
    position = models.PositiveSmallIntegerField(_("position"))
    title = models.CharField(_("title"), max_length=150)
    instructions = models.TextField(
        _("instructions"),
        blank=True,
        help_text=_("What each person tells, what the others ask."),
    )
    duration_minutes = models.PositiveSmallIntegerField(
        _("minutes"), validators=[MinValueValidator(1), MaxValueValidator(240)]
    )
    table_round = models.PositiveSmallIntegerField(
        _("table round"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_("Empty: the whole group together."),
    )

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["session", "position", "pk"]

    def __str__(self) -> str:
        return self.title


class SchoolTemplate(models.Model):
    """What a school saved as its own starting point: who saved it last, and when."""

    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return str(self.school)


class ProgramTemplate(SchoolTemplate):
    """A school's own program for its next sessions, saved from a session's program.

    `items` is a list of {"title", "instructions", "duration_minutes", "table_round"}.
    """

    school = models.OneToOneField(
        School,
        on_delete=models.CASCADE,
        related_name="program_template",
        verbose_name=_("school"),
    )
    items = models.JSONField(_("assignments"), default=list)

    class Meta:
        verbose_name = _("program template")
        verbose_name_plural = _("program templates")


class SessionAttendance(models.Model):
    """An exception to "everyone in a line on the session's date is there, every round".

    `absent`: not there at all. Otherwise `first_round` (arrives late: seated from that round)
    and `last_round` (leaves early: seated up to and including that round) bound the rounds the
    member sits in. A member without a row is present in every round.
    """

    session = models.ForeignKey(
        PlenarySession,
        on_delete=models.CASCADE,
        related_name="attendance",
        verbose_name=_("plenary session"),
    )
    member = models.ForeignKey(
        Member,
        on_delete=models.PROTECT,
        related_name="session_attendance",
        verbose_name=_("team member"),
    )
    absent = models.BooleanField(_("absent"), default=False)
    first_round = models.PositiveSmallIntegerField(_("from round"), null=True, blank=True)
    last_round = models.PositiveSmallIntegerField(_("until round"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )

    class Meta:
        verbose_name = _("session attendance")
        verbose_name_plural = _("session attendance")
        ordering = ["session", "member"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "member"], name="sessionattendance_unique_member"
            ),
            models.CheckConstraint(
                condition=models.Q(first_round__isnull=True)
                | models.Q(last_round__isnull=True)
                | models.Q(last_round__gte=models.F("first_round")),
                name="sessionattendance_rounds_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} @ {self.session}"

    def present_in(self, number: int) -> bool:
        """Whether the member sits in table round `number` (1-based)."""
        if self.absent:
            return False
        if self.first_round is not None and number < self.first_round:
            return False
        return self.last_round is None or number <= self.last_round


class SessionClock(models.Model):
    """Where a session is on the day: the current assignment and its countdown.

    The state lives on the server, so the projector, the teachers' phones and a remote all show
    the same assignment and time, also after a page reconnects. While running, `ends_at` is
    when the current assignment's time is up; when paused, `paused_remaining` holds the seconds
    left (empty: the assignment's full duration).
    """

    session = models.OneToOneField(
        PlenarySession,
        on_delete=models.CASCADE,
        related_name="clock",
        verbose_name=_("plenary session"),
    )
    position = models.PositiveSmallIntegerField(_("current assignment"), default=1)
    running = models.BooleanField(_("running"), default=False)
    ends_at = models.DateTimeField(_("time is up at"), null=True, blank=True)
    paused_remaining = models.PositiveIntegerField(_("seconds left"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )

    class Meta:
        verbose_name = _("session clock")
        verbose_name_plural = _("session clocks")

    def __str__(self) -> str:
        return f"{self.session} @ {self.position}"
