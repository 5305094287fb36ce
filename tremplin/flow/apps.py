from django.apps import AppConfig


class FlowConfig(AppConfig):
    name = "tremplin.flow"
    label = "flow"
    verbose_name = "Accueil et file d'attente"
