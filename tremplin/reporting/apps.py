from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ReportingConfig(AppConfig):
    name = "tremplin.reporting"
    label = "reporting"
    verbose_name = "Statistiques et pilotage"

    def ready(self):
        post_migrate.connect(_install_triggers, sender=self, dispatch_uid="reporting_triggers")


def _install_triggers(sender, using="default", **kwargs):
    from .triggers import install

    install(using)
