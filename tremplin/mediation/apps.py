from django.apps import AppConfig


class MediationConfig(AppConfig):
    name = "tremplin.mediation"
    label = "mediation"
    verbose_name = "Interactions et bénéficiaires"
