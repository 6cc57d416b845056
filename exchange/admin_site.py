"""The admin as a page of the product: its name, Dutch labels, and only behind a second factor.

Importing this module (the root URLconf does) gives the default admin site, where every app
registered its models, this class: the registrations of django-axes and django-otp stay where
they are, and no page of the admin opens without the second factor.
"""

from django.apps import apps
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from exchange.product import PRODUCT_NAME

# Words Django 5.2's admin shows that its own Dutch catalogue lacks (they came with 5.x). Listed
# here so that `make messages` keeps them in ours, which Django reads first (LOCALE_PATHS).
ADMIN_WORDS_DJANGO_LACKS = (
    gettext_noop("Model name"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
    # the curly apostrophes are Django's own, so the words match
    gettext_noop(
        "After you’ve created a user, you’ll be able to edit more user options."  # noqa: RUF001
    ),
    gettext_noop("Error:"),
)


class StaffAdminSite(admin.AdminSite):
    site_header = PRODUCT_NAME
    site_title = PRODUCT_NAME
    index_title = _("Administration")

    def has_permission(self, request) -> bool:
        """Active staff who gave a password and a code from a confirmed device (django-otp)."""
        user = request.user
        is_verified = getattr(user, "is_verified", None)
        return user.is_active and user.is_staff and is_verified is not None and bool(is_verified())

    @login_not_required
    def login(self, request, extra_context=None):
        from learninglines.views.staff import staff_sign_in

        return staff_sign_in(request, site=self)

    def get_urls(self):
        from learninglines.views import staff

        return [
            path("login/code/", staff.staff_code, name="staff-code"),
            path("login/setup/", staff.staff_setup, name="staff-setup"),
            path("login/backup-codes/", staff.staff_backup_codes, name="staff-backup-codes"),
            *super().get_urls(),
        ]


# Apps whose admin section would otherwise carry an English name; their models' names are
# translated through our own catalogue (learninglines.admin_labels).
APP_NAMES = {
    "axes": _("Sign-in lock-outs"),
    "otp_totp": _("Authenticator apps"),
    "otp_static": _("Backup codes"),
}


def install() -> admin.AdminSite:
    """Turn the default admin site into the staff site; safe to call more than once."""
    admin.site.__class__ = StaffAdminSite
    for label, name in APP_NAMES.items():
        apps.get_app_config(label).verbose_name = name
    return admin.site


staff_admin_site = install()
