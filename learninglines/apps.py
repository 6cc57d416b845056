from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LearningLinesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "learninglines"
    verbose_name = _("Learning lines")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from learninglines.services.signin import door_scope_forget

        user_logged_in.connect(door_scope_forget, dispatch_uid="learninglines.door_scope_forget")
