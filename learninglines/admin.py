from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from learninglines.models import (
    CoachAssignment,
    MagicLink,
    Member,
    OutgoingMail,
    School,
    SchoolYear,
    User,
)
from learninglines.services.people import coach_assign, coach_assignment_end, member_invite
from learninglines.services.signin import magic_link_revoke_all


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "name")


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = ("email", "name")


class MembershipInline(admin.TabularInline):
    model = Member
    extra = 0
    fields = ("school", "first_name", "name_prefix", "last_name", "is_steering", "is_active")
    show_change_link = True


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
    list_display = ("email", "name", "is_staff", "is_active", "last_login", "date_joined")
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
            },
        ),
    )


class SchoolYearInline(admin.TabularInline):
    model = SchoolYear
    extra = 0


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "language", "line_meetings_before_plenary", "created_at")
    list_filter = ("language",)
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [SchoolYearInline, CoachInline]


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = ("sort_name", "school", "user", "is_steering", "is_active", "created_at")
    list_filter = ("school", "is_steering", "is_active")
    search_fields = ("first_name", "last_name", "user__email", "school__name")
    list_select_related = ("school", "user")
    autocomplete_fields = ("user", "school")
    actions = ["send_sign_in_link"]

    @admin.display(description=_("name"), ordering="last_name")
    def sort_name(self, obj: Member) -> str:
        return obj.sort_name

    @admin.action(description=_("Mail a personal sign-in link"))
    def send_sign_in_link(self, request, queryset):
        count = 0
        for member in queryset.filter(is_active=True).select_related("user", "school"):
            count += member_invite(member=member) is not None
        self.message_user(
            request,
            ngettext("%d sign-in link queued.", "%d sign-in links queued.", count) % count,
            messages.SUCCESS,
        )


@admin.register(CoachAssignment)
class CoachAssignmentAdmin(admin.ModelAdmin):
    list_display = ("user", "school", "created_at", "ended_at")
    list_filter = ("school", ("ended_at", admin.EmptyFieldListFilter))
    search_fields = ("user__email", "user__name", "school__name")
    list_select_related = ("user", "school")
    autocomplete_fields = ("user", "school")
    actions = ["end_assignments"]

    def get_readonly_fields(self, request, obj=None):
        # An assignment is a record of who could read a school's results when: it is ended,
        # never edited or deleted.
        return ("user", "school", "created_at", "ended_at") if obj else ("created_at", "ended_at")

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if not change:
            # The same path as the assign_coach command: the coach gets an invitation.
            obj.pk = coach_assign(school=obj.school, email=obj.user.email)[0].pk

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


@admin.register(MagicLink)
class MagicLinkAdmin(admin.ModelAdmin):
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
    readonly_fields = ("user", "purpose", "school", "created_at", "expires_at", "used_at")
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Revoke every usable link of the selected links' people"))
    def revoke(self, request, queryset):
        count = 0
        for user in User.objects.filter(magic_links__in=queryset).distinct():
            count += magic_link_revoke_all(user=user)
        self.message_user(request, ngettext("%d link revoked.", "%d links revoked.", count) % count)


@admin.register(OutgoingMail)
class OutgoingMailAdmin(admin.ModelAdmin):
    list_display = ("to", "subject", "status", "attempts", "created_at", "sent_at")
    list_filter = ("status",)
    search_fields = ("to", "subject")
    readonly_fields = (
        "to",
        "subject",
        "body",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "next_attempt_at",
        "sent_at",
    )
    actions = ["retry"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Queue the selected failed mails again"))
    def retry(self, request, queryset):
        count = queryset.filter(status=OutgoingMail.Status.FAILED).update(
            status=OutgoingMail.Status.QUEUED, attempts=0, next_attempt_at=timezone.now()
        )
        self.message_user(
            request, ngettext("%d mail queued again.", "%d mails queued again.", count) % count
        )
