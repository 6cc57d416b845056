"""Reflection forms: a questionnaire of guiding questions, and each member's answers to it.

Privacy is set per question (see `Question.Privacy`):
- named: the steering group and the coach see the answer with the person's name;
- anonymous: stored with the person (so they can edit it), never shown or exported with a name,
  and never shown for a group of fewer than `ANONYMOUS_THRESHOLD` answers (per line, per
  filter, per chart bar);
- private: only the author reads it; a copy goes into their learning log.
Who has not answered yet is participation, not content: the steering group sees it.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from learninglines.models import LearningLine, LineMeeting, Member, School, SchoolYear
from sessions_app.models.sessions import PlenarySession, SchoolTemplate

# Anonymous answers are never shown for a group smaller than this.
ANONYMOUS_THRESHOLD = 3
SCALE = (1, 2, 3, 4, 5)


class Questionnaire(models.Model):
    """The guiding questions of one reflection moment: of a plenary session or a line meeting.

    It is open from `opens_at` until `closes_at`. Without `opens_at` it is not open yet: it
    opens by hand, at a set time, or (`open_at_reflection`) when the session's projector
    reaches the program's reflection. Opening sets `closes_at` a week later unless a time is
    set. After closing nobody changes an answer.
    """

    class State(models.TextChoices):
        NOT_OPEN = "not_open", pgettext_lazy("questionnaire state", "not open yet")
        OPEN = "open", pgettext_lazy("questionnaire state", "open")
        CLOSED = "closed", pgettext_lazy("questionnaire state", "closed")

    school = models.ForeignKey(
        School, on_delete=models.PROTECT, related_name="+", verbose_name=_("school")
    )
    year = models.ForeignKey(
        SchoolYear, on_delete=models.PROTECT, related_name="+", verbose_name=_("school year")
    )
    session = models.OneToOneField(
        PlenarySession,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="questionnaire",
        verbose_name=_("plenary session"),
    )
    meeting = models.OneToOneField(
        LineMeeting,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("line meeting"),
    )
    title = models.CharField(_("title"), max_length=150)
    intro = models.TextField(_("introduction"), blank=True)
    opens_at = models.DateTimeField(_("opens at"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)
    open_at_reflection = models.BooleanField(
        _("open when the program reaches the reflection"),
        default=True,
        help_text=_("The projector's clock opens the form at the program's last whole-group part."),
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

    class Meta:
        verbose_name = _("reflection form")
        verbose_name_plural = _("reflection forms")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(session__isnull=False, meeting__isnull=True)
                | models.Q(session__isnull=True, meeting__isnull=False),
                name="questionnaire_session_or_meeting",
            ),
            models.CheckConstraint(
                condition=models.Q(opens_at__isnull=True)
                | models.Q(closes_at__isnull=True)
                | models.Q(closes_at__gt=models.F("opens_at")),
                name="questionnaire_closes_after_opening",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def state(self, now=None) -> str:
        now = now or timezone.now()
        if self.closes_at is not None and now >= self.closes_at:
            return self.State.CLOSED
        if self.opens_at is not None and now >= self.opens_at:
            return self.State.OPEN
        return self.State.NOT_OPEN

    def is_open(self, now=None) -> bool:
        return self.state(now) == self.State.OPEN

    @property
    def day(self):
        """The date of the session or meeting it belongs to."""
        return self.session.date if self.session_id else self.meeting.date


class Question(models.Model):
    """One guiding question (richtvraag) of a questionnaire."""

    class Kind(models.TextChoices):
        OPEN = "open", _("open text")
        SCALE = "scale", _("scale 1 to 5")
        SINGLE = "single", _("single choice")
        MULTIPLE = "multiple", _("multiple choice")
        BROUGHT_TOOK = "brought_took", _("what I brought / what I took")

    class Privacy(models.TextChoices):
        NAMED = "named", _("named")
        ANONYMOUS = "anonymous", _("anonymous")
        PRIVATE = "private", _("private")

    questionnaire = models.ForeignKey(
        Questionnaire,
        on_delete=models.CASCADE,
        related_name="questions",
        verbose_name=_("reflection form"),
    )
    position = models.PositiveSmallIntegerField(_("position"))
    kind = models.CharField(_("type"), max_length=15, choices=Kind.choices, default=Kind.OPEN)
    text = models.CharField(_("question"), max_length=300)
    help_text = models.CharField(_("explanation"), max_length=300, blank=True)
    required = models.BooleanField(_("required"), default=False)
    privacy = models.CharField(
        _("who reads the answer"),
        max_length=10,
        choices=Privacy.choices,
        default=Privacy.NAMED,
    )
    choices = models.JSONField(_("choices"), default=list, blank=True)
    scale_low = models.CharField(_("label at 1"), max_length=60, blank=True)
    scale_high = models.CharField(_("label at 5"), max_length=60, blank=True)
    # When its wording (question, explanation, scale labels) last changed while answers existed
    # (drafts count): the results say so, as earlier answers may answer the earlier wording.
    changed_after_answers_at = models.DateTimeField(
        _("wording changed after the first answers at"), null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("guiding question")
        verbose_name_plural = _("guiding questions")
        ordering = ["questionnaire", "position", "pk"]

    def __str__(self) -> str:
        return self.text

    @property
    def has_choices(self) -> bool:
        return self.kind in (self.Kind.SINGLE, self.Kind.MULTIPLE)

    def clean(self) -> None:
        super().clean()
        if self.has_choices:
            if not isinstance(self.choices, list) or len(self.choices) < 2:
                raise ValidationError({"choices": _("Give at least two choices.")})
            if len(set(self.choices)) != len(self.choices):
                raise ValidationError({"choices": _("Each choice may appear only once.")})
        elif self.choices:
            raise ValidationError({"choices": _("Only choice questions have choices.")})


class QuestionnaireTemplate(SchoolTemplate):
    """A school's own guiding questions for its next reflection forms.

    `items` is a list of {"kind", "text", "help_text", "required", "privacy", "choices",
    "scale_low", "scale_high"}.
    """

    school = models.OneToOneField(
        School,
        on_delete=models.CASCADE,
        related_name="questionnaire_template",
        verbose_name=_("school"),
    )
    items = models.JSONField(_("questions"), default=list)

    class Meta:
        verbose_name = _("reflection form template")
        verbose_name_plural = _("reflection form templates")


class Reflection(models.Model):
    """One member's answer set to one questionnaire: a draft until submitted.

    `line` is the member's learning line on the questionnaire's day, kept so answers are
    grouped by the line the person was in then, whatever happens later.
    """

    questionnaire = models.ForeignKey(
        Questionnaire,
        on_delete=models.PROTECT,
        related_name="reflections",
        verbose_name=_("reflection form"),
    )
    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="reflections", verbose_name=_("member")
    )
    line = models.ForeignKey(
        LearningLine,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("learning line"),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    created_at = models.DateTimeField(_("started at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("reflection")
        verbose_name_plural = _("reflections")
        ordering = ["questionnaire", "member"]
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "member"], name="reflection_one_per_member"
            ),
        ]

    def __str__(self) -> str:
        # Never the person: staff may see this in the admin, and must not learn who answered.
        return gettext("Reflection %(number)s") % {"number": self.pk}

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


class Answer(models.Model):
    """One answer of a reflection to one question.

    By the question's type: `text` (open text; for "brought / took" what I brought),
    `took` and `took_from` (what I took, and from which line), `value` (scale 1 to 5),
    `selected` (indexes into the question's choices).
    """

    reflection = models.ForeignKey(
        Reflection, on_delete=models.CASCADE, related_name="answers", verbose_name=_("reflection")
    )
    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, related_name="answers", verbose_name=_("question")
    )
    text = models.TextField(_("answer"), blank=True)
    took = models.TextField(_("what I took"), blank=True)
    took_from = models.ForeignKey(
        LearningLine,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("taken from line"),
    )
    value = models.PositiveSmallIntegerField(
        _("value"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    selected = models.JSONField(_("chosen"), default=list, blank=True)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["reflection", "question__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["reflection", "question"], name="answer_one_per_question"
            ),
        ]

    def __str__(self) -> str:
        return gettext("Answer %(number)s") % {"number": self.pk}

    @property
    def is_empty(self) -> bool:
        return not (self.text or self.took or self.value or self.selected)


class ReflectionReminder(models.Model):
    """A reminder mailed to one member for one questionnaire: never twice within a day."""

    questionnaire = models.ForeignKey(
        Questionnaire,
        on_delete=models.CASCADE,
        related_name="reminders",
        verbose_name=_("reflection form"),
    )
    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="+", verbose_name=_("member")
    )
    sent_at = models.DateTimeField(_("queued at"), default=timezone.now)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("queued by"),
    )

    class Meta:
        verbose_name = _("reflection reminder")
        verbose_name_plural = _("reflection reminders")
        ordering = ["-sent_at"]
        indexes = [models.Index(fields=["questionnaire", "member", "sent_at"])]

    def __str__(self) -> str:
        return gettext("Reminder %(number)s") % {"number": self.pk}
