"""People and schools: sign-in identities, schools and their years, team members, coaches."""

from datetime import date

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager):
    """Users are found by e-mail address, whatever its capitalisation."""

    use_in_migrations = True

    def normalize_email(self, email: str) -> str:
        # The whole address is lower-cased: people type their address in many ways and one
        # person must never end up with two accounts.
        return (email or "").strip().lower()

    def get_by_natural_key(self, username: str):
        # Addresses are stored lower-case (a check constraint holds it), so a plain equality
        # lookup finds them and can use the unique index; `iexact` could not.
        return self.get(email=self.normalize_email(username))

    def create_user(self, email: str, password: str | None = None, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A sign-in identity. Names live on Member (per school); a coach is a User without one."""

    email = models.EmailField(_("e-mail address"), unique=True)
    name = models.CharField(
        _("name"),
        max_length=150,
        blank=True,
        help_text=_("Shown for coaches; team members' names are kept per school."),
    )
    is_staff = models.BooleanField(
        _("staff status"),
        default=False,
        help_text=_("Can sign in to the administration (support staff only)."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(email=Lower("email")), name="user_email_lower_case"
            ),
        ]

    def __str__(self) -> str:
        return self.email

    @property
    def display_name(self) -> str:
        return self.name or self.email

    def get_full_name(self) -> str:
        member = self.memberships.filter(is_active=True).order_by("pk").first()
        return member.full_name if member else self.display_name

    def get_short_name(self) -> str:
        """How the admin greets staff: a name, not an address."""
        return self.name.split(" ")[0] if self.name else self.get_full_name()

    def clean(self) -> None:
        super().clean()
        self.email = type(self).objects.normalize_email(self.email)

    # A session is valid while the hash it was signed in with matches (Django's `get_user`).
    # Django's hash covers the password only; ours covers the address too, so a changed
    # address signs out every other device of the account (whoever had the old address, a
    # stranger after a typing error, included). Where someone changes their own address, the
    # view keeps that one session (`update_session_auth_hash`). Passwordless accounts hash
    # their stored unusable password, which stays the same until a password is set.
    SESSION_HASH_SALT = "learninglines.models.User.get_session_auth_hash"

    def _session_hash(self, secret: str | None = None) -> str:
        return salted_hmac(
            self.SESSION_HASH_SALT,
            f"{self.password}\n{self.email}",  # neither holds a line break
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    def get_session_auth_hash(self) -> str:
        return self._session_hash()

    def get_session_auth_fallback_hash(self):
        # sessions signed with a key of SECRET_KEY_FALLBACKS stay valid while it is listed
        for fallback_secret in settings.SECRET_KEY_FALLBACKS:
            yield self._session_hash(secret=fallback_secret)


class School(models.Model):
    """The tenant: everything belongs to one school."""

    class Language(models.TextChoices):
        DUTCH = "nl", _("Dutch")
        ENGLISH = "en", _("English")

    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(
        _("short name in links"),
        max_length=60,
        unique=True,
        help_text=_("Used in every link of this school, e.g. /s/de-regenboog/."),
    )
    language = models.CharField(
        _("language of the school's own texts"),
        max_length=5,
        choices=Language.choices,
        default=Language.DUTCH,
    )
    line_meetings_before_plenary = models.PositiveSmallIntegerField(
        _("line meetings before a plenary session"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
    )
    retention_years = models.PositiveSmallIntegerField(
        _("keep texts for (school years)"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text=_(
            "The text of answers, logs and notes is deleted this many school years after the "
            "year it was written in; the counts stay."
        ),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("school")
        verbose_name_plural = _("schools")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("school-home", kwargs={"school_slug": self.slug})


def default_school_year_bounds(today: date) -> tuple[date, date]:
    """The Dutch school year runs from 1 August to 31 July."""
    start_year = today.year if today.month >= 8 else today.year - 1
    return date(start_year, 8, 1), date(start_year + 1, 7, 31)


class SchoolYearQuerySet(models.QuerySet):
    def current(self, school: School, today: date | None = None):
        today = today or timezone.localdate()
        return self.filter(school=school, start__lte=today, end__gte=today).first()


class SchoolYear(models.Model):
    """Lines, sessions and questionnaires belong to one school year."""

    school = models.ForeignKey(
        School, on_delete=models.PROTECT, related_name="years", verbose_name=_("school")
    )
    name = models.CharField(_("name"), max_length=40, help_text=_("For example 2026-2027."))
    start = models.DateField(_("first day"))
    end = models.DateField(_("last day"))
    cycle_started_on = models.DateField(
        _("current cycle started on"),
        null=True,
        blank=True,
        help_text=_(
            "Line meetings from this day count towards the next plenary session; holding a "
            "plenary session starts a new cycle."
        ),
    )
    retention_notified_at = models.DateTimeField(
        _("told about the deletion of old texts at"), null=True, blank=True
    )
    retained_at = models.DateTimeField(_("old texts deleted at"), null=True, blank=True)
    # What opening this year changed in the year before, so removing a year opened by mistake
    # puts it back (`school_year_remove_ahead`): {"ended_on": day, "places": [[membership pk,
    # its end before]]}. None for a year made otherwise, or opened before this was kept.
    opening_ended = models.JSONField(
        _("places the opening ended"), null=True, blank=True, default=None, editable=False
    )

    objects = SchoolYearQuerySet.as_manager()

    class Meta:
        verbose_name = _("school year")
        verbose_name_plural = _("school years")
        ordering = ["school", "-start"]
        constraints = [
            models.UniqueConstraint(fields=["school", "start"], name="schoolyear_unique_start"),
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="schoolyear_end_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school} {self.name}"

    def clean(self) -> None:
        super().clean()
        if self.start and self.end and self.end <= self.start:
            raise ValidationError({"end": _("The last day must come after the first day.")})
        # Years of one school never overlap, so "the current year" is never a silent pick. The
        # database holds the same rule (an exclusion constraint on PostgreSQL, triggers on
        # SQLite; see migration 0003).
        if self.start and self.end and self.school_id:
            overlapping = (
                SchoolYear.objects.filter(
                    school_id=self.school_id, start__lte=self.end, end__gte=self.start
                )
                .exclude(pk=self.pk)
                .first()
            )
            if overlapping is not None:
                raise overlapping.overlap_refusal()

    def overlaps(self, other: "SchoolYear") -> bool:
        """Whether the two years share a day (years of one school never may)."""
        return self.start <= other.end and other.start <= self.end

    def overlap_refusal(self) -> ValidationError:
        """The refusal of a year that would overlap this one."""
        return ValidationError(
            _("This school year overlaps %(name)s (%(start)s to %(end)s).")
            % {"name": self.name, "start": self.start.isoformat(), "end": self.end.isoformat()}
        )


# Unicode's direction marks, embeddings, overrides and isolates, to delete with str.translate.
DIRECTION_CONTROLS = dict.fromkeys(
    [0x200E, 0x200F, 0x061C, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
)


class MemberQuerySet(models.QuerySet):
    def for_school(self, school: School):
        return self.filter(school=school)

    def active(self):
        return self.filter(is_active=True)

    def steering(self):
        return self.filter(is_steering=True)


def join_name(*parts: str | None) -> str:
    """Name parts as one name: a space between them, none after an elided prefix ("d'", "l'"),
    so "Jan", "d'", "Hondt" reads "Jan d'Hondt". Empty parts are left out.
    """
    name = ""
    for part in ((part or "").strip() for part in parts):
        if part:
            joiner = "" if not name or name.endswith(("'", "\u2019")) else " "
            name = f"{name}{joiner}{part}"
    return name


class Member(models.Model):
    """A person of one school's team. Steering-group members are members with a flag."""

    user = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("user")
    )
    school = models.ForeignKey(
        School, on_delete=models.PROTECT, related_name="members", verbose_name=_("school")
    )
    first_name = models.CharField(_("first name"), max_length=80)
    name_prefix = models.CharField(
        _("name prefix"),
        max_length=30,
        blank=True,
        help_text=_('For example "van", "de", "van der".'),
    )
    last_name = models.CharField(_("last name"), max_length=120, blank=True)
    is_steering = models.BooleanField(_("steering group"), default=False)
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Former team members are deactivated, not deleted.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # Per school, unlike the account's last_login: someone who teaches at two schools and
    # signed in at one has not yet opened the other's pages (the team page, invitations).
    first_seen_at = models.DateTimeField(
        _("first opened the school's pages"), null=True, blank=True
    )

    objects = MemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        ordering = ["last_name", "name_prefix", "first_name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "school"], name="member_unique_user_school"),
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs):
        # Characters that turn the writing direction around can make one name show as another
        # ("Jan" + U+202E ...); no name needs them, so they never reach a page, a mail or an export.
        for name in ("first_name", "name_prefix", "last_name"):
            setattr(self, name, getattr(self, name).translate(DIRECTION_CONTROLS))
        super().save(*args, **kwargs)

    @property
    def full_name(self) -> str:
        return join_name(self.first_name, self.name_prefix, self.last_name)

    @property
    def sort_name(self) -> str:
        """As in a Dutch register: "Berg, Daan van der"; "Bo" for someone known by a first
        name only (no leading comma)."""
        given = " ".join(part for part in (self.first_name, self.name_prefix) if part)
        return f"{self.last_name}, {given}" if self.last_name else given


class CoachAssignmentQuerySet(models.QuerySet):
    def current(self):
        """Assignments that have not ended: these coaches may open the school today."""
        return self.filter(ended_at__isnull=True)


class CoachAssignment(models.Model):
    """A coach is a user who may plan with and review a school, never a team member.

    An assignment ends (`ended_at`) instead of being deleted, so it stays known who could read a
    school's results when.
    """

    user = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="coach_assignments", verbose_name=_("coach")
    )
    school = models.ForeignKey(
        School, on_delete=models.PROTECT, related_name="coach_assignments", verbose_name=_("school")
    )
    created_at = models.DateTimeField(_("assigned at"), default=timezone.now)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    objects = CoachAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("coach assignment")
        verbose_name_plural = _("coach assignments")
        ordering = ["school", "user__email"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "school"],
                condition=models.Q(ended_at__isnull=True),
                name="coach_one_current_per_school",
            ),
            models.CheckConstraint(
                condition=models.Q(ended_at__isnull=True)
                | models.Q(ended_at__gte=models.F("created_at")),
                name="coach_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user.display_name} ({self.school})"


class Erasure(models.Model):
    """A member erased at the request of a person who left: who did it, when.

    The member row stays, anonymised as "Oud-teamlid <number>", so seats, attendance and the
    team's counts remain true; `number` counts the erasures of one school.
    """

    school = models.ForeignKey(
        School, on_delete=models.PROTECT, related_name="+", verbose_name=_("school")
    )
    member = models.OneToOneField(
        Member, on_delete=models.PROTECT, related_name="erasure", verbose_name=_("member")
    )
    number = models.PositiveIntegerField(_("number"))
    by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("erased by"),
    )
    at = models.DateTimeField(_("erased at"), default=timezone.now)

    class Meta:
        verbose_name = _("erasure")
        verbose_name_plural = _("erasures")
        ordering = ["school", "number"]
        constraints = [
            models.UniqueConstraint(fields=["school", "number"], name="erasure_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.school} #{self.number}"
