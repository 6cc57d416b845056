from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SessionsAppConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "sessions_app"
    verbose_name = _("Exchange sessions")

    def ready(self) -> None:
        # Plenary sessions and agreed small exchanges appear in each member's personal calendar
        # feed, which belongs to the learning lines app; it never imports this one, so this app
        # registers its events there.
        from learninglines.calendar import register_event_source
        from learninglines.privacy import register_personal_data
        from sessions_app.calendar import member_exchange_items, member_session_items
        from sessions_app.privacy import SOURCE

        register_event_source(member_session_items)
        register_event_source(member_exchange_items)
        # A person's data export and erasure include this app's part.
        register_personal_data(SOURCE)
