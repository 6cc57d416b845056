"""Root URLs. School-scoped pages live under /s/<school-slug>/ (added by the apps)."""

from django.contrib import admin
from django.urls import include, path

from exchange import views

urlpatterns = [
    path("", views.home, name="home"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

handler403 = "exchange.views.permission_denied"
handler404 = "exchange.views.page_not_found"
handler500 = "exchange.views.server_error"
