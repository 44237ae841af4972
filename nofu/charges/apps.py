from django.apps import AppConfig


class ChargesConfig(AppConfig):
    name = "nofu.charges"
    label = "charges"
    default_auto_field = "django.db.models.BigAutoField"
