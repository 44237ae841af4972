from django.apps import AppConfig


class CalllistsConfig(AppConfig):
    name = "nofu.calllists"
    label = "calllists"
    verbose_name = "架電リスト"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from nofu.calllists.planning import connect_signals
        from nofu.calllists.rules import forget_cached_policy

        connect_signals()
        post_save.connect(
            forget_cached_policy, sender="calls.CallSettings", dispatch_uid="calllists-policy"
        )
