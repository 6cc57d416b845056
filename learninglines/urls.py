from django.urls import path

from learninglines.views import signin, team

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
    # --- staff import ---
    # --- school years and learning lines ---
    # --- line meetings and attendance ---
    # --- learning log and calendar ---
]
