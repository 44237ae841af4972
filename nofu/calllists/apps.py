from django.apps import AppConfig


class CalllistsConfig(AppConfig):
    name = "nofu.calllists"
    label = "calllists"
    default_auto_field = "django.db.models.BigAutoField"
