"""Table plans: rounds, tables and seats, their version and history, and pairs kept apart.

A stored seat records the member's line at that moment, so a later move to another line never
rewrites who met whom across lines. Every change to a plan is a conditional update on its
`version` (no lost updates on SQLite or PostgreSQL) and is recorded as a `PlanChange` holding the
plan as it was before, so undo restores it exactly.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from learninglines.models import LearningLine, Member, School
from sessions_app.models.sessions import PlenarySession


class TablePlan(models.Model):
    """Who sits where in every table round of one session, with the engine's numbers.

    `report` holds the grouping engine's report as plain data (repeats, pairs that meet again,
    missing line slots and their minimum, the lower bound and its state); `alternative` the
    numbers of the other allowed table count, when there is one; `tables` a table count the
    steering group chose over the engine's own choice.
    """

    session = models.OneToOneField(
        PlenarySession,
        on_delete=models.CASCADE,
        related_name="plan",
        verbose_name=_("plenary session"),
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    seed = models.PositiveIntegerField(_("seed"), default=0)
    tables = models.PositiveSmallIntegerField(_("chosen number of tables"), null=True, blank=True)
    report = models.JSONField(_("numbers"), default=dict)
    alternative = models.JSONField(_("other table count"), null=True, blank=True)
    # What teachers were last told (at publishing or "announce the change"): {member pk: [table
    # number per round, or null]}, so a change is mailed only to the people it concerns.
    announced = models.JSONField(_("tables last announced"), null=True, blank=True)
    announced_at = models.DateTimeField(_("last announced at"), null=True, blank=True)
    generated_at = models.DateTimeField(_("generated at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("table plan")
        verbose_name_plural = _("table plans")

    def __str__(self) -> str:
        return gettext("%(session)s, version %(version)s") % {
            "session": self.session,
            "version": self.version,
        }


class PlanRound(models.Model):
    plan = models.ForeignKey(
        TablePlan, on_delete=models.CASCADE, related_name="rounds", verbose_name=_("table plan")
    )
    number = models.PositiveSmallIntegerField(_("round"))

    class Meta:
        verbose_name = _("round")
        verbose_name_plural = _("rounds")
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="planround_unique_number"),
        ]

    def __str__(self) -> str:
        return gettext("%(plan)s, round %(number)s") % {"plan": self.plan, "number": self.number}


class PlanTable(models.Model):
    round = models.ForeignKey(
        PlanRound, on_delete=models.CASCADE, related_name="tables", verbose_name=_("round")
    )
    number = models.PositiveSmallIntegerField(_("table"))
    locked = models.BooleanField(
        _("locked"),
        default=False,
        help_text=_("Kept exactly as it is when the plan is made again."),
    )

    class Meta:
        verbose_name = pgettext_lazy("seating", "table")
        verbose_name_plural = pgettext_lazy("seating", "tables")
        ordering = ["round", "number"]
        constraints = [
            models.UniqueConstraint(fields=["round", "number"], name="plantable_unique_number"),
        ]

    def __str__(self) -> str:
        return gettext("%(round)s, table %(number)s") % {"round": self.round, "number": self.number}


class Seat(models.Model):
    """One member at one table of one round, with the line they were in at that moment."""

    table = models.ForeignKey(
        PlanTable, on_delete=models.CASCADE, related_name="seats", verbose_name=_("table")
    )
    # Repeats the table's round so the database itself holds "once per round".
    round = models.ForeignKey(
        PlanRound, on_delete=models.CASCADE, related_name="seats", verbose_name=_("round")
    )
    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="seats", verbose_name=_("team member")
    )
    line = models.ForeignKey(
        LearningLine, on_delete=models.PROTECT, related_name="seats", verbose_name=_("line")
    )

    class Meta:
        verbose_name = _("seat")
        verbose_name_plural = _("seats")
        ordering = ["table", "line__letter", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["round", "member"], name="seat_once_per_round"),
        ]

    def __str__(self) -> str:
        return gettext("%(member)s at %(table)s") % {"member": self.member, "table": self.table}


class PlanChange(models.Model):
    """One change to a plan: who, when, what, and the plan as it was before (for undo)."""

    class Kind(models.TextChoices):
        GENERATE = "generate", _("made the plan")
        SWAP = "swap", _("swapped two people")
        MOVE = "move", _("moved someone")
        LOCK = "lock", _("locked a table")
        UNLOCK = "unlock", _("unlocked a table")
        REPAIR = "repair", _("re-planned a round")
        PRESENCE = "presence", _("followed a change in attendance")
        LEFT = "left", _("took people who left off the plan, or seated who moved in their new line")
        UNDO = "undo", _("undid a change")
        RECORDED = "recorded", _("recorded the tables of a session held without this app")

    plan = models.ForeignKey(
        TablePlan, on_delete=models.CASCADE, related_name="changes", verbose_name=_("table plan")
    )
    version = models.PositiveIntegerField(_("version"))
    kind = models.CharField(_("change"), max_length=10, choices=Kind.choices)
    details = models.JSONField(_("details"), default=dict)
    before = models.JSONField(_("plan before the change"), null=True, blank=True)
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("plan change")
        verbose_name_plural = _("plan changes")
        ordering = ["plan", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "version"], name="planchange_unique_version"),
        ]

    def __str__(self) -> str:
        return f"{self.plan} v{self.version}: {self.kind}"


class ApartPair(models.Model):
    """Two members of a school who are never seated at one table (`first` has the lower pk)."""

    school = models.ForeignKey(
        School, on_delete=models.CASCADE, related_name="apart_pairs", verbose_name=_("school")
    )
    first = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="+", verbose_name=_("team member")
    )
    second = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="+", verbose_name=_("other team member")
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
        verbose_name = _("pair kept apart")
        verbose_name_plural = _("pairs kept apart")
        ordering = ["school", "first", "second"]
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="apartpair_unique"),
            models.CheckConstraint(
                condition=models.Q(first__lt=models.F("second")), name="apartpair_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first} / {self.second}"
