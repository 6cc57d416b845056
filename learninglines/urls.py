from django.urls import path

from learninglines import views

app_name = "learninglines"

urlpatterns = [
    path("login/", views.sign_in, name="login"),
    path("logout/", views.sign_out, name="logout"),
    path("login/link/", views.magic_link_request, name="magic-link-request"),
    path("login/link/sent/", views.magic_link_sent, name="magic-link-sent"),
    path("login/link/<int:pk>/<str:token>/", views.magic_link, name="magic-link"),
    path("password/reset/", views.password_reset, name="password-reset"),
    path("password/reset/sent/", views.password_reset_done, name="password-reset-done"),
    path(
        "password/reset/<uidb64>/<token>/",
        views.password_reset_confirm,
        name="password-reset-confirm",
    ),
    path("password/reset/done/", views.password_reset_complete, name="password-reset-complete"),
    path("s/<slug:school_slug>/team/", views.member_list_view, name="member-list"),
    path(
        "s/<slug:school_slug>/team/<int:pk>/invite/",
        views.member_invite_view,
        name="member-invite",
    ),
]
