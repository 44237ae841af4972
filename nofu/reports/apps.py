from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "nofu.reports"
    label = "reports"
    default_auto_field = "django.db.models.BigAutoField"
