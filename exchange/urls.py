"""Root URLs. School-scoped pages live under /s/<school-slug>/."""

from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from exchange import health, privacy, views
from exchange.admin_site import staff_admin_site

urlpatterns = [
    path("", views.home, name="home"),
    path("s/<slug:school_slug>/", views.school_home, name="school-home"),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("favicon.ico", views.favicon),
    path("healthz", health.healthz, name="healthz"),
    path("privacy/", privacy.privacy_view, name="privacy"),
    path("admin/", staff_admin_site.urls),
    path("", include("learninglines.urls")),
    path("", include("sessions_app.urls")),
]

handler403 = "exchange.views.permission_denied"
handler404 = "exchange.views.page_not_found"
handler500 = "exchange.views.server_error"
