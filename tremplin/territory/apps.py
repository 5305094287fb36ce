from django.apps import AppConfig


class TerritoryConfig(AppConfig):
    name = "tremplin.territory"
    label = "territory"
    verbose_name = "Territoire et réseau"
