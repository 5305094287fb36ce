from django.apps import AppConfig


class WorkshopsConfig(AppConfig):
    name = "tremplin.workshops"
    label = "workshops"
    verbose_name = "Ateliers"
