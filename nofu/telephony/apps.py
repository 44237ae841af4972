from django.apps import AppConfig


class TelephonyConfig(AppConfig):
    name = "nofu.telephony"
    label = "telephony"
    default_auto_field = "django.db.models.BigAutoField"
