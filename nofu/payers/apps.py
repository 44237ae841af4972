from django.apps import AppConfig


class PayersConfig(AppConfig):
    name = "nofu.payers"
    label = "payers"
    default_auto_field = "django.db.models.BigAutoField"
