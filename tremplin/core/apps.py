from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "tremplin.core"
    label = "core"
    verbose_name = "Socle"

    def ready(self):
        from . import checks  # noqa: F401  (registers the deployment checks)
