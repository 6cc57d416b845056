"""The admin for plenary sessions' reflection forms: a support tool for staff.

Reflection forms and their questions are listed so staff can answer "which form, which
questions, open when?". Reflections and answers are never registered: staff never read what a
teacher answered (see the privacy levels in sessions_app.models.reflections). The questions
are read-only here, since changing one in the admin would bypass the lock that keeps the
meaning of the answers given; the builder changes them.
"""

from django.contrib import admin

from sessions_app.models import Question, Questionnaire


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0
    fields = ("position", "kind", "text", "required", "privacy", "choices")
    readonly_fields = fields
    can_delete = False
    ordering = ("position", "pk")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Questionnaire)
class QuestionnaireAdmin(admin.ModelAdmin):
    list_display = ("title", "school", "year", "session", "meeting", "opens_at", "closes_at")
    list_filter = ("school", "year")
    search_fields = ("title", "school__name")
    list_select_related = ("school", "year", "session", "meeting__line")
    # Opening and closing go through the app (`questionnaire_open`, `questionnaire_close`), which
    # keep its rules: a closing time a week after opening, answers fixed once closed. (And the
    # admin's split date-time widget has no label per box.)
    readonly_fields = (
        "opens_at",
        "closes_at",
        "school",
        "year",
        "session",
        "meeting",
        "created_by",
        "created_at",
    )
    fields = (
        "title",
        "intro",
        "opens_at",
        "closes_at",
        "open_at_reflection",
        "school",
        "year",
        "session",
        "meeting",
        "created_by",
        "created_at",
    )
    inlines = [QuestionInline]

    def has_add_permission(self, request):
        # A form belongs to a session or a meeting: it is made there, with the method's questions.
        return False
