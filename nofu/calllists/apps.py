from django.apps import AppConfig


class CalllistsConfig(AppConfig):
    name = "nofu.calllists"
    label = "calllists"
    verbose_name = "架電リスト"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from nofu.calllists.planning import connect_signals

        connect_signals()
