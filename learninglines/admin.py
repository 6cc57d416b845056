"""The admin: a support tool for staff, in Dutch, behind a second factor (exchange.admin_site)."""

import copy
import re

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import ValidationError
from django.db.models import BooleanField, Case, CharField, Count, F, Q, Value, When
from django.db.models.constants import LOOKUP_SEP
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import capfirst, format_lazy
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from learninglines.models import (
    CoachAssignment,
    Erasure,
    MagicLink,
    Member,
    OutgoingMail,
    School,
    SchoolYear,
    User,
)
from learninglines.models.outbox import PERSONAL_LINK_PLACEHOLDER
from learninglines.services.accounts import account_address_change
from learninglines.services.people import (
    coach_assign,
    coach_assignment_end,
    coach_refusal,
    member_add,
    member_invite,
    member_refusal,
    member_set_active,
    school_year_ensure_current,
)
from learninglines.services.signin import magic_link_revoke_all


def yes_no_icon(value: bool) -> str:
    """Django's yes/no icon with its alternative text in the reader's language.

    The admin's own boolean column writes alt="True" or alt="False", in English, whatever the
    language; a screen reader read that out in an otherwise Dutch table.
    """
    return format_html(
        '<img src="{}" alt="{}">',
        static("admin/img/icon-yes.svg" if value else "admin/img/icon-no.svg"),
        _("yes") if value else _("no"),
    )


def yes_no_column(field: str, description):
    """A list column for the boolean model field `field`, sortable, with `yes_no_icon`."""

    @admin.display(description=description, ordering=field)
    def column(obj) -> str:
        return yes_no_icon(getattr(obj, field))

    column.__name__ = f"{field}_column"
    return column


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "name")


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = ("email", "name")


class MembershipInline(admin.TabularInline):
    """Read-only list; adding goes through the team member page (its checks and invitation),
    changing through the member's own page (deactivating there also ends their lines)."""

    model = Member
    extra = 0
    fields = ("school", "first_name", "name_prefix", "last_name", "is_steering", "is_active")
    readonly_fields = fields
    show_change_link = True
    # Never deleted (see MemberAdmin); a refused delete would list what is in the way.
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class CoachInline(admin.TabularInline):
    """Read-only list; assigning goes through the coach assignment page (and its invitation)."""

    model = CoachAssignment
    extra = 0
    fields = ("user", "school", "created_at", "ended_at")
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    add_form = UserCreationForm
    form = UserEditForm
    ordering = ("email",)
    list_display = (
        "email",
        "name",
        yes_no_column("is_staff", _("staff status")),
        yes_no_column("is_active", _("active")),
        "last_login",
        "date_joined",
    )
    list_filter = ("is_staff", "is_superuser", "is_active")
    search_fields = ("email", "name")
    readonly_fields = ("last_login", "date_joined")
    inlines = [MembershipInline, CoachInline]
    fieldsets = (
        (None, {"fields": ("email", "name", "password")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "name", "usable_password", "password1", "password2"),
                "description": _(
                    "A team member or a coach is added by address on the team member or coach "
                    "assignment page: their account is made there, and the invitation sent. "
                    "Add an account here for staff only."
                ),
            },
        ),
    )

    # Who may give administrator rights: a superuser only. Staff with the right to change
    # accounts (support) would otherwise tick "superuser" on their own account, or change a
    # superuser's address or password and so take the account over.
    RIGHTS = ("is_staff", "is_superuser", "groups", "user_permissions")

    def get_readonly_fields(self, request, obj=None):
        fields = tuple(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += self.RIGHTS
        if obj is not None and obj.pk and Erasure.objects.filter(member__user=obj).exists():
            # an erased member's account (closed, or its placeholder): an address or a name given
            # here would name the erased member again (docs/privacy.md), as the member page
            # refuses; it stays closed
            fields += tuple(f for f in ("email", "name", "is_active") if f not in fields)
        return fields

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        """A new address goes through `account_address_change`: the old address is told, the
        links that went to it stop working and the account's sessions end (the session hash
        covers the address); an administrator changing their own keeps this session."""
        if not (change and "email" in form.changed_data):
            return super().save_model(request, obj, form, change)
        new_address, old_address = obj.email, User.objects.get(pk=obj.pk).email
        obj.email = old_address
        super().save_model(request, obj, form, change)
        if account_address_change(user=obj, email=new_address, by=request.user):
            if obj.pk == request.user.pk:
                update_session_auth_hash(request, obj)
            self.message_user(
                request,
                gettext(
                    "%(email)s gets a mail about the change; the sign-in links sent there no "
                    "longer work."
                )
                % {"email": old_address},
            )
        return None


class SchoolYearFormSet(forms.BaseInlineFormSet):
    """A school's years on one page: two rows that overlap are refused here. The model checks
    each row against the stored years only, so the database refused the second new one, with
    an error page."""

    def clean(self):
        super().clean()
        years = [
            form.instance
            for form in self.forms
            if getattr(form, "cleaned_data", None)
            and not self._should_delete_form(form)
            and form.instance.start
            and form.instance.end
        ]
        for index, year in enumerate(years):
            for other in years[:index]:
                if year.overlaps(other):
                    raise other.overlap_refusal()  # the model's own refusal (SchoolYear.clean)


class SchoolYearInline(admin.TabularInline):
    model = SchoolYear
    formset = SchoolYearFormSet
    extra = 0
    # The retention dates are set by apply_retention, never by hand.
    fields = ("name", "start", "end", "cycle_started_on")


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "language", "line_meetings_before_plenary", "created_at")
    list_filter = ("language",)
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [SchoolYearInline, CoachInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if change:
            return
        school = form.instance
        if not school.years.exists():
            # As `create_school` does: without a year the school's pages have nothing to plan in.
            year = school_year_ensure_current(school=school)
            self.message_user(
                request,
                gettext(
                    "School year %(name)s (%(start)s to %(end)s) was opened for it. Add a next "
                    "school year here when the school starts later."
                )
                % {"name": year.name, "start": year.start.isoformat(), "end": year.end.isoformat()},
                messages.INFO,
            )
        url = reverse("admin:learninglines_member_add") + f"?school={school.pk}&is_steering=1"
        self.message_user(
            request,
            format_html(
                gettext(
                    'Next step: <a href="{url}">add the first member of its steering group</a>, '
                    "who gets an invitation by mail."
                ),
                url=url,
            ),
            messages.INFO,
        )


class MemberAddForm(forms.ModelForm):
    """A new team member by address: their account is found or made (the same path as the
    team page of the app), a school's coach is refused, and the invitation goes out at once."""

    email = forms.EmailField(
        label=capfirst(_("e-mail address")),
        help_text=_(
            "Someone who already has an account (at another school, say) keeps it and gets "
            "this school too."
        ),
    )
    send_invite = forms.BooleanField(
        label=_("Mail a personal invitation link now"), required=False, initial=True
    )

    class Meta:
        model = Member
        fields = ("email", "school", "first_name", "name_prefix", "last_name", "is_steering")

    def clean(self):
        data = super().clean()
        school, email = data.get("school"), data.get("email")
        user = User.objects.filter(email=User.objects.normalize_email(email or "")).first()
        if school and user:
            member = Member.objects.filter(user=user, school=school).first()
            if member is not None:
                # the same person, perhaps a former member: brought back on their own page
                self.add_error(
                    "email",
                    _("%(name)s is on this school's team with this address already.")
                    % {"name": member.full_name},
                )
            elif refusal := member_refusal(user=user, school=school):
                self.add_error("email", refusal)
        return data


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = (
        "sort_name",
        "school",
        "user",
        yes_no_column("is_steering", _("steering group")),
        yes_no_column("is_active", _("active")),
        "created_at",
    )
    list_filter = ("school", "is_steering", "is_active")
    search_fields = ("first_name", "last_name", "user__email", "school__name")
    list_select_related = ("school", "user")
    autocomplete_fields = ("school",)
    actions = ["send_sign_in_link"]

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = MemberAddForm
        return super().get_form(request, obj, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        # A member stays with their school and account: their lines, seats and answers are the
        # school's (another school would see them). A new address is set on the account.
        return ("user", "school", "first_seen_at") if obj else ()

    def has_change_permission(self, request, obj=None):
        # An erased member's name stays erased (docs/privacy.md).
        if obj is not None and obj.pk and Erasure.objects.filter(member=obj).exists():
            return False
        return super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if not change:
            member, _created = member_add(
                school=obj.school,
                email=form.cleaned_data["email"],
                first_name=obj.first_name,
                name_prefix=obj.name_prefix,
                last_name=obj.last_name,
                is_steering=obj.is_steering,
            )
            obj.pk, obj.user, obj.created_at = member.pk, member.user, member.created_at
            obj.is_active = member.is_active
            if form.cleaned_data["send_invite"]:
                self._invite(request, member)
            return
        active = obj.is_active
        if "is_active" in form.changed_data:
            obj.is_active = not active
        super().save_model(request, obj, form, change)
        if "is_active" in form.changed_data:
            # As the team page does: deactivating ends their line memberships and sign-in links.
            member_set_active(member=obj, active=active)

    def _invite(self, request, member: Member) -> None:
        if not member.user.is_active:
            self.message_user(
                request,
                gettext("No invitation was sent: the account of %(email)s is blocked.")
                % {"email": member.user.email},
                messages.WARNING,
            )
        elif member_invite(member=member) is None:
            self.message_user(
                request,
                gettext(
                    "No invitation was sent: %(email)s got three links in the last 15 minutes. "
                    "Send one later with the action on the list."
                )
                % {"email": member.user.email},
                messages.WARNING,
            )
        else:
            self.message_user(
                request,
                gettext("An invitation to %(email)s is in the outbox.")
                % {"email": member.user.email},
            )

    def has_delete_permission(self, request, obj=None):
        # A member is deactivated, never deleted (history stays); someone who left and asks is
        # erased by the steering group (docs/privacy.md). The delete page also listed what is in
        # the way, by the member's name: their reflections, the reminders they got (so who had
        # not answered), their exchanges and log entries.
        return False

    @admin.display(description=_("name"), ordering="last_name")
    def sort_name(self, obj: Member) -> str:
        return obj.sort_name

    @admin.action(description=_("Mail a personal sign-in link"))
    def send_sign_in_link(self, request, queryset):
        count = limited = 0
        members = list(queryset.select_related("user", "school"))
        for member in members:
            # A blocked account's link would not open (and a former member has no team to open).
            if member.is_active and member.user.is_active:
                if member_invite(member=member) is None:
                    limited += 1
                else:
                    count += 1
        self.message_user(
            request,
            ngettext("%d sign-in link queued.", "%d sign-in links queued.", count) % count,
            messages.SUCCESS,
        )
        inactive = len(members) - count - limited
        if inactive:
            self.message_user(
                request,
                ngettext(
                    "%d not sent: this team member or their account is inactive.",
                    "%d not sent: these team members or their accounts are inactive.",
                    inactive,
                )
                % inactive,
                messages.WARNING,
            )
        if limited:
            self.message_user(
                request,
                ngettext(
                    "%d not sent: that address got three links in the last 15 minutes.",
                    "%d not sent: those addresses got three links in the last 15 minutes.",
                    limited,
                )
                % limited,
                messages.WARNING,
            )


class CoachAssignmentForm(forms.ModelForm):
    """A coach by address: an external coach usually has no account yet; one is made (the same
    path as the assign_coach command) and the invitation goes out."""

    email = forms.EmailField(label=capfirst(_("e-mail address")))
    name = forms.CharField(
        label=capfirst(_("name")),
        max_length=150,
        required=False,
        help_text=_("Shown for coaches; team members' names are kept per school."),
    )

    class Meta:
        model = CoachAssignment
        fields = ("email", "name", "school")

    def clean(self):
        data = super().clean()
        email, school = data.get("email"), data.get("school")
        user = User.objects.filter(email=User.objects.normalize_email(email or "")).first()
        if user and school:
            refusal = coach_refusal(user=user, school=school)
            if refusal:
                raise ValidationError(refusal)
            if CoachAssignment.objects.current().filter(user=user, school=school).exists():
                raise ValidationError(
                    _("%(email)s is a coach of this school already.") % {"email": user.email}
                )
        return data


@admin.register(CoachAssignment)
class CoachAssignmentAdmin(admin.ModelAdmin):
    list_display = ("user", "school", "created_at", "ended_at")
    list_filter = ("school", ("ended_at", admin.EmptyFieldListFilter))
    search_fields = ("user__email", "user__name", "school__name")
    list_select_related = ("user", "school")
    autocomplete_fields = ("school",)
    actions = ["end_assignments"]

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = CoachAssignmentForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        return ("user", "school", "created_at", "ended_at") if obj else ("email", "name", "school")

    def get_readonly_fields(self, request, obj=None):
        # An assignment is a record of who could read a school's results when: it is ended,
        # never edited or deleted.
        return ("user", "school", "created_at", "ended_at") if obj else ()

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if not change:
            # The same path as the assign_coach command: the coach gets an invitation.
            assignment = coach_assign(
                school=obj.school, email=form.cleaned_data["email"], name=form.cleaned_data["name"]
            )[0]
            obj.pk, obj.user, obj.created_at = assignment.pk, assignment.user, assignment.created_at

    @admin.action(description=_("End the selected coach assignments"))
    def end_assignments(self, request, queryset):
        count = 0
        for assignment in queryset.filter(ended_at__isnull=True):
            coach_assignment_end(assignment=assignment)
            count += 1
        self.message_user(
            request,
            ngettext("%d coach assignment ended.", "%d coach assignments ended.", count) % count,
        )


@admin.register(SchoolYear)
class SchoolYearAdmin(admin.ModelAdmin):
    list_display = ("school", "name", "start", "end")
    list_filter = ("school",)
    search_fields = ("school__name", "name")
    list_select_related = ("school",)
    # The retention dates are set by apply_retention, never by hand (and the split date-time
    # widget of an editable one has no label per box).
    readonly_fields = ("retention_notified_at", "retained_at")

    def get_readonly_fields(self, request, obj=None):
        # A year's lines, sessions and forms are its school's: it never moves to another school.
        return ("school", *self.readonly_fields) if obj else self.readonly_fields


# --- Sign-in links and the outbox: their delivery, never who got a personal session mail ---

# Session mails (OutgoingMail.Kind.SESSION) come from the exchange app. A mail about a plenary
# session's table plan links to the session's own page and is shown in full: on the day the
# question is "did my table plan arrive?". Every other session mail is *sealed*: a reflection
# reminder tells who has not answered a form, a mail about a small exchange who exchanges with
# whom and about what, and neither is for the administration to know (docs/privacy.md). A sealed
# mail is listed for its delivery (school, status, error, times) without recipient, user, subject
# or text; its sign-in link is not listed at all, since the link's person and moment would name
# the mail's recipient. A session mail of a kind added later is sealed until its page is here.
SESSION_PAGES_SHOWN = ("sessions_app:my-session",)

_SAMPLE_SLUG, _SAMPLE_PK = "sample-school-slug", 987654321


def session_pages_shown_pattern() -> str:
    """A regular expression for the paths of SESSION_PAGES_SHOWN, of any school and object."""
    paths = (
        re.escape(reverse(name, kwargs={"school_slug": _SAMPLE_SLUG, "pk": _SAMPLE_PK}))
        .replace(re.escape(_SAMPLE_SLUG), "[-a-zA-Z0-9_]+")
        .replace(str(_SAMPLE_PK), "[0-9]+")
        for name in SESSION_PAGES_SHOWN
    )
    return "(" + "|".join(paths) + ")"


def sealed_links() -> Q:
    """Sign-in links of sealed session mails: every session link to a page not shown."""
    return Q(purpose=MagicLink.Purpose.SESSION) & ~Q(
        next_path__regex=f"^{session_pages_shown_pattern()}$"
    )


def sealed_mails() -> Q:
    """Session mails that do not lead to a page of SESSION_PAGES_SHOWN.

    The page is the one the mail's sign-in link opens; a mail without a link (to a staff
    account, or an inactive one) carries the page's plain address on a line of its own.
    """
    pattern = session_pages_shown_pattern()
    shown = OutgoingMail.objects.filter(kind=OutgoingMail.Kind.SESSION).filter(
        Q(magic_link__next_path__regex=f"^{pattern}$")
        | Q(magic_link__isnull=True, body__regex=rf"(^|\n)https?://\S*{pattern}\r?(\n|$)")
    )
    return Q(kind=OutgoingMail.Kind.SESSION) & ~Q(pk__in=shown.values("pk"))


# An address in an SMTP error ("{'anna@school.example': (550, ...)}", "<anna@school.example>").
ADDRESS = re.compile(r"[^\s'\"<>()\[\],;:{}]+@[^\s'\"<>()\[\],;:{}]+")


def without_addresses(text: str) -> str:
    return ADDRESS.sub("…", text)


@admin.register(MagicLink)
class MagicLinkAdmin(admin.ModelAdmin):
    """Sign-in links, read-only: revoking goes through the action (and its service)."""

    list_display = (
        "user",
        "purpose",
        "school",
        "created_at",
        "expires_at",
        "used_at",
        "revoked_at",
    )
    list_filter = ("purpose", "school")
    search_fields = ("user__email",)
    list_select_related = ("user", "school")
    # Every field read-only: a record of a link (an editable time was also a pair of boxes
    # without a label each).
    readonly_fields = (
        "user",
        "purpose",
        "school",
        "created_at",
        "expires_at",
        "used_at",
        "revoked_at",
        "next_path",
        "shown_by",
    )
    actions = ["revoke"]

    def get_queryset(self, request):
        return super().get_queryset(request).exclude(sealed_links())

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Revoke every usable link of the selected links' people"))
    def revoke(self, request, queryset):
        count = 0
        for user in User.objects.filter(magic_links__in=queryset).distinct():
            count += magic_link_revoke_all(user=user)
        self.message_user(request, ngettext("%d link revoked.", "%d links revoked.", count) % count)


def _field_name(name: str):
    return OutgoingMail._meta.get_field(name).verbose_name


# How a mail was sent: shown for every mail, sealed ones included.
SENDING_FIELDSET = (
    _("Sending"),
    {"fields": ("status", "attempts", "last_error", "created_at", "next_attempt_at", "sent_at")},
)


@admin.register(OutgoingMail)
class OutgoingMailAdmin(admin.ModelAdmin):
    list_display = (
        "recipient",
        "subject_shown",
        "kind",
        "user_shown",
        "school",
        "status",
        "created_at",
        "sent_at",
    )
    list_filter = ("status", "kind", "school")
    search_fields = ("to", "subject", "user__email")
    list_select_related = ("user", "school")
    fieldsets = (
        (None, {"fields": ("to", "subject", "kind", "user", "school", "magic_link")}),
        (
            _("Text"),
            {
                "fields": ("body",),
                "description": format_lazy(
                    _(
                        "The personal link is made when the mail is sent and is never stored: "
                        "the text shows {placeholder} where it goes."
                    ),
                    placeholder=PERSONAL_LINK_PLACEHOLDER,
                ),
            },
        ),
        SENDING_FIELDSET,
    )
    sealed_fieldsets = (
        (
            None,
            {
                "fields": ("kind", "school"),
                "description": _(
                    "Who this mail is for and what it says are not shown: it is a personal mail "
                    "of the exchange app, such as a reminder of a reflection form or a mail about "
                    "a small exchange, and who gets one is not for the administration to know. "
                    "Its delivery is shown below. A failing address also shows in that person's "
                    "other mails."
                ),
            },
        ),
        SENDING_FIELDSET,
    )
    readonly_fields = (
        "to",
        "subject",
        "kind",
        "user",
        "school",
        "magic_link",
        "body",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "next_attempt_at",
        "sent_at",
    )
    # Only the list's own filters: a lookup in the address (?to=...), on the user or in the text
    # would find sealed mails by what the list does not show.
    filter_fields = frozenset({"status", "kind", "school"})
    actions = ["retry"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                sealed=Case(
                    When(sealed_mails(), then=Value(True)),
                    default=Value(False),
                    output_field=BooleanField(),
                )
            )
            .annotate(
                # What the columns sort on: nothing of a sealed mail, so its place in a sorted
                # list says nothing either.
                shown_to=Case(
                    When(sealed=True, then=Value("")), default=F("to"), output_field=CharField()
                ),
                shown_subject=Case(
                    When(sealed=True, then=Value("")),
                    default=F("subject"),
                    output_field=CharField(),
                ),
                shown_user=Case(
                    When(sealed=True, then=Value("")),
                    default=F("user__email"),
                    output_field=CharField(),
                ),
            )
        )

    def get_search_results(self, request, queryset, search_term):
        # The search looks in the address, the subject and the user: none shown of a sealed mail.
        if search_term.strip():
            queryset = queryset.filter(sealed=False)
        return super().get_search_results(request, queryset, search_term)

    def lookup_allowed(self, lookup, value, request=None):
        return lookup.split(LOOKUP_SEP)[0] in self.filter_fields and super().lookup_allowed(
            lookup, value, request
        )

    def get_object(self, request, object_id, from_field=None):
        mail = super().get_object(request, object_id, from_field)
        return self.shown(mail) if mail is not None else None

    @staticmethod
    def shown(mail: OutgoingMail) -> OutgoingMail:
        """The mail as the admin shows it: a sealed one without recipient, user, text or link.

        A copy, never saved (a sealed mail cannot be changed here); its name on the page, in the
        history and on a delete page is "not shown: personal mail".
        """
        if not getattr(mail, "sealed", True):
            return mail
        sealed = copy.copy(mail)
        sealed.sealed = True
        sealed.to = gettext("not shown")
        sealed.subject = gettext("personal mail")
        sealed.body = ""
        sealed.user = None
        sealed.magic_link = None
        sealed.last_error = without_addresses(mail.last_error)
        return sealed

    def action_checkbox(self, obj):
        # Its label for a screen reader names the mail ("Select this object ... - to: subject").
        return super().action_checkbox(self.shown(obj))

    def get_fieldsets(self, request, obj=None):
        if obj is not None and getattr(obj, "sealed", True):
            return self.sealed_fieldsets
        return self.fieldsets

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        if obj is not None and getattr(obj, "sealed", True):
            return False
        return super().has_change_permission(request, obj)

    def get_deleted_objects(self, objs, request):
        return super().get_deleted_objects([self.shown(mail) for mail in objs], request)

    def log_deletions(self, request, queryset):
        return super().log_deletions(request, [self.shown(mail) for mail in queryset])

    @admin.display(description=_field_name("to"), ordering="shown_to")
    def recipient(self, mail: OutgoingMail) -> str:
        return gettext("not shown") if mail.sealed else mail.to

    @admin.display(description=_field_name("subject"), ordering="shown_subject")
    def subject_shown(self, mail: OutgoingMail) -> str:
        return gettext("personal mail") if mail.sealed else mail.subject

    @admin.display(description=_field_name("user"), ordering="shown_user")
    def user_shown(self, mail: OutgoingMail):
        return gettext("not shown") if mail.sealed else mail.user

    @admin.action(description=_("Queue the selected failed mails again"))
    def retry(self, request, queryset):
        count = queryset.filter(status=OutgoingMail.Status.FAILED).update(
            status=OutgoingMail.Status.QUEUED, attempts=0, next_attempt_at=timezone.now()
        )
        self.message_user(
            request, ngettext("%d mail queued again.", "%d mails queued again.", count) % count
        )


# --- Sign-in security: django-axes' lock-outs and django-otp's devices, in Dutch ---

# django-axes ships no Dutch. Its models and admin mark these texts with gettext_lazy; listing
# the same texts here puts them in our catalogue, which then translates axes' admin pages.
AXES_TEXTS = (
    _("access attempt"),
    _("access attempts"),
    _("access failure"),
    _("access failures"),
    _("access log"),
    _("access logs"),
    _("access attempt expiration"),
    _("access attempt expirations"),
    _("Access Attempt"),
    _("User Agent"),
    _("IP Address"),
    _("Username"),
    _("HTTP Accept"),
    _("Path"),
    _("Attempt Time"),
    _("Access lock out"),
    _("GET Data"),
    _("POST Data"),
    _("Failed Logins"),
    _("Logout Time"),
    _("Session key hash (sha256)"),
    _("Expires At"),
    _("The time when access attempt expires and is no longer valid."),
    _("Locked Out"),
    _("Form Data"),
    _("Meta Data"),
    _("Clean up expired attempts"),
    _("Not set"),
    _("Attempt Remaining"),
)

# django-otp names its devices in plain English. Lazy texts equal to the English names keep the
# migrations unchanged (they run untranslated) and let the admin show them in Dutch.
TOTPDevice._meta.verbose_name = _("TOTP device")
TOTPDevice._meta.verbose_name_plural = _("TOTP devices")
StaticDevice._meta.verbose_name = _("static device")
StaticDevice._meta.verbose_name_plural = _("static devices")


class DeviceAdmin(admin.ModelAdmin):
    """A person's second factor, read-only. Deleting it is how a lost phone is reset: at the
    next admin sign-in the person sets up a new app (see docs/admin.md). Secrets never show."""

    list_display = ("person", "confirmed_display", "created_display", "last_used_display")
    list_select_related = ("user",)
    search_fields = ("user__email", "user__name")
    fields = ("person", "confirmed_display", "created_display", "last_used_display")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("user"), ordering="user__email")
    def person(self, obj) -> User:
        return obj.user

    @admin.display(description=_("set up"))
    def confirmed_display(self, obj) -> str:
        return yes_no_icon(obj.confirmed)

    @admin.display(description=_("created at"), ordering="created_at")
    def created_display(self, obj):
        return obj.created_at

    @admin.display(description=_("last used at"), ordering="last_used_at")
    def last_used_display(self, obj):
        return obj.last_used_at


class StaticDeviceAdmin(DeviceAdmin):
    list_display = ("person", "codes_left", "created_display", "last_used_display")
    fields = ("person", "codes_left", "created_display", "last_used_display")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(codes=Count("token_set"))

    @admin.display(description=_("unused codes"), ordering="codes")
    def codes_left(self, obj) -> int:
        return obj.codes


for model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
admin.site.register(TOTPDevice, DeviceAdmin)
admin.site.register(StaticDevice, StaticDeviceAdmin)
