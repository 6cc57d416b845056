from django.urls import path

from learninglines.views import lines, signin, team

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
    path(
        "s/<slug:school_slug>/team/<int:pk>/active/",
        team.member_active_view,
        name="member-active",
    ),
    # --- staff import ---
    # --- school years and learning lines ---
    path("s/<slug:school_slug>/years/", lines.year_list_view, name="year-list"),
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
    # --- learning log and calendar ---
]
