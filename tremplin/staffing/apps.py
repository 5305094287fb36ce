from django.apps import AppConfig


class StaffingConfig(AppConfig):
    name = "tremplin.staffing"
    label = "staffing"
    verbose_name = "Contrats, plannings et permanences"
