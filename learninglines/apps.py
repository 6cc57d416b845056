from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LearningLinesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "learninglines"
    verbose_name = _("Learning lines")
