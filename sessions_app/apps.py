from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SessionsAppConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "sessions_app"
    verbose_name = _("Exchange sessions")

    def ready(self) -> None:
        # Plenary sessions appear in each member's personal calendar feed, which belongs to the
        # learning lines app; it never imports this one, so this app registers its events there.
        from learninglines.calendar import register_event_source
        from sessions_app.calendar import member_session_items

        register_event_source(member_session_items)
