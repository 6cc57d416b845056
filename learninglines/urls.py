from django.urls import path

from learninglines.views import imports as staff_imports  # staff import
from learninglines.views import journal, lines, meetings, privacy, signin, team

app_name = "learninglines"

urlpatterns = [
    path("login/", signin.sign_in, name="login"),
    path("logout/", signin.sign_out, name="logout"),
    path("login/link/", signin.magic_link_request, name="magic-link-request"),
    path("login/link/sent/", signin.magic_link_sent, name="magic-link-sent"),
    path("login/link/<int:pk>/<str:token>/", signin.magic_link, name="magic-link"),
    path("password/reset/", signin.password_reset, name="password-reset"),
    path("password/reset/sent/", signin.password_reset_done, name="password-reset-done"),
    path(
        "password/reset/<uidb64>/<token>/",
        signin.password_reset_confirm,
        name="password-reset-confirm",
    ),
    path("password/reset/done/", signin.password_reset_complete, name="password-reset-complete"),
    path("s/<slug:school_slug>/team/", team.member_list_view, name="member-list"),
    path(
        "s/<slug:school_slug>/team/<int:pk>/invite/",
        team.member_invite_view,
        name="member-invite",
    ),
    # --- team: members (add, edit, deactivate, move), invite everyone ---
    path("s/<slug:school_slug>/team/add/", team.member_create_view, name="member-create"),
    path(
        "s/<slug:school_slug>/team/invite-all/",
        team.member_invite_all_view,
        name="member-invite-all",
    ),
    path("s/<slug:school_slug>/team/<int:pk>/", team.member_update_view, name="member-update"),
    path("s/<slug:school_slug>/team/<int:pk>/line/", team.member_move_view, name="member-move"),
    # --- privacy rights ---
    path("me/data/", privacy.my_data_view, name="my-data"),
    path("me/data/download/", privacy.my_data_download_view, name="my-data-download"),
    path("s/<slug:school_slug>/team/<int:pk>/data/", privacy.member_data_view, name="member-data"),
    path(
        "s/<slug:school_slug>/team/<int:pk>/erase/",
        privacy.member_erase_view,
        name="member-erase",
    ),
    path(
        "s/<slug:school_slug>/team/<int:pk>/active/",
        team.member_active_view,
        name="member-active",
    ),
    # --- staff import ---
    path("s/<slug:school_slug>/team/import/", staff_imports.staff_import_view, name="staff-import"),
    path(
        "s/<slug:school_slug>/team/import/template.<str:kind>",
        staff_imports.staff_import_template_view,
        name="staff-import-template",
    ),
    path(
        "s/<slug:school_slug>/team/import/<int:pk>/",
        staff_imports.staff_import_preview_view,
        name="staff-import-preview",
    ),
    path(
        "s/<slug:school_slug>/team/import/<int:pk>/confirm/",
        staff_imports.staff_import_confirm_view,
        name="staff-import-confirm",
    ),
    # --- school years and learning lines ---
    path("s/<slug:school_slug>/years/", lines.year_list_view, name="year-list"),
    path(
        "s/<slug:school_slug>/years/<int:pk>/remove/",
        lines.year_remove_view,
        name="year-remove",
    ),
    path("s/<slug:school_slug>/lines/", lines.line_list_view, name="line-list"),
    path("s/<slug:school_slug>/lines/create/", lines.line_create_view, name="line-create"),
    path("s/<slug:school_slug>/lines/<int:pk>/", lines.line_detail_view, name="line-detail"),
    path(
        "s/<slug:school_slug>/lines/<int:pk>/update/",
        lines.line_update_view,
        name="line-update",
    ),
    path(
        "s/<slug:school_slug>/lines/<int:pk>/content/",
        lines.line_content_view,
        name="line-content",
    ),
    path(
        "s/<slug:school_slug>/lines/<int:pk>/archive/",
        lines.line_archive_view,
        name="line-archive",
    ),
    # --- line meetings and attendance ---
    path("s/<slug:school_slug>/meetings/", meetings.meeting_list_view, name="meeting-list"),
    path(
        "s/<slug:school_slug>/lines/<int:line_pk>/meetings/create/",
        meetings.meeting_create_view,
        name="meeting-create",
    ),
    path(
        "s/<slug:school_slug>/meetings/<int:pk>/",
        meetings.meeting_detail_view,
        name="meeting-detail",
    ),
    path(
        "s/<slug:school_slug>/meetings/<int:pk>/update/",
        meetings.meeting_update_view,
        name="meeting-update",
    ),
    path(
        "s/<slug:school_slug>/meetings/<int:pk>/delete/",
        meetings.meeting_delete_view,
        name="meeting-delete",
    ),
    path(
        "s/<slug:school_slug>/meetings/<int:pk>/notes/",
        meetings.meeting_notes_view,
        name="meeting-notes",
    ),
    path(
        "s/<slug:school_slug>/meetings/<int:pk>/attendance/",
        meetings.meeting_attendance_view,
        name="meeting-attendance",
    ),
    # --- learning log and calendar ---
    path("s/<slug:school_slug>/log/", journal.log_list_view, name="log-list"),
    path("s/<slug:school_slug>/log/create/", journal.log_create_view, name="log-create"),
    path("s/<slug:school_slug>/log/<int:pk>/", journal.log_detail_view, name="log-detail"),
    path("s/<slug:school_slug>/log/<int:pk>/update/", journal.log_update_view, name="log-update"),
    path("s/<slug:school_slug>/log/<int:pk>/delete/", journal.log_delete_view, name="log-delete"),
    path("s/<slug:school_slug>/calendar/", journal.calendar_view, name="calendar"),
    path(
        "s/<slug:school_slug>/calendar/renew/",
        journal.calendar_renew_view,
        name="calendar-renew",
    ),
    path("calendar/<str:token>.ics", journal.calendar_feed_view, name="calendar-feed"),
]
