from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "nofu.matching"
    label = "matching"
    verbose_name = "名寄せ"
    default_auto_field = "django.db.models.BigAutoField"
