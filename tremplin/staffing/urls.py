from django.urls import path

from .views import contracts, mediators, planning, shifts

app_name = "staffing"

urlpatterns = [
    # --- Contracts, mediators, rotation plan, absences, schedules (views/contracts.py, mediators.py,
    #     planning.py) ---
    path("contrats/", contracts.contract_list, name="contract_list"),
    path("contrats/nouveau/", contracts.contract_create, name="contract_create"),
    path("contrats/<int:pk>/", contracts.contract_detail, name="contract_detail"),
    path("contrats/<int:pk>/modifier/", contracts.contract_edit, name="contract_edit"),
    path("contrats/<int:pk>/planning/", planning.contract_planning, name="contract_planning"),
    path("contrats/<int:pk>/planning/verifier/", planning.rotation_check, name="rotation_check"),
    path(
        "contrats/<int:pk>/planning/<int:rotation_pk>/modifier/",
        planning.rotation_edit,
        name="rotation_edit",
    ),
    path(
        "contrats/<int:pk>/planning/<int:rotation_pk>/supprimer/",
        planning.rotation_delete,
        name="rotation_delete",
    ),
    path("contrats/<int:pk>/remplacements/", planning.contract_replacements, name="contract_replacements"),
    path(
        "contrats/<int:pk>/remplacements/<int:replacement_pk>/retirer/",
        planning.replacement_clear,
        name="replacement_clear",
    ),
    path("mediateurs/", mediators.mediator_list, name="mediator_list"),
    path("mediateurs/<int:pk>/", mediators.mediator_detail, name="mediator_detail"),
    path("mediateurs/<int:pk>/fiche/", mediators.mediator_update, name="mediator_update"),
    path("mediateurs/<int:pk>/formations/", mediators.certification_create, name="certification_create"),
    path("mediateurs/<int:pk>/absences/", mediators.absence_create, name="absence_create"),
    path(
        "mediateurs/<int:pk>/absences/<int:absence_pk>/supprimer/",
        mediators.absence_delete,
        name="absence_delete",
    ),
    path("mediateurs/<int:pk>/planning/", mediators.mediator_schedule, name="mediator_schedule"),
    path("mediateurs/<int:pk>/planning.ics", mediators.mediator_schedule_ics, name="mediator_schedule_ics"),
    path("mon-planning/", mediators.my_schedule, name="my_schedule"),
    path("sites/<int:pk>/planning/", planning.site_schedule, name="site_schedule"),
    path("sites/<int:pk>/planning.ics", planning.site_schedule_ics, name="site_schedule_ics"),
    # --- Shifts and hours (views/shifts.py) ---
    path("permanence/", shifts.shift_home, name="shift_home"),
    path("permanence/commencer/", shifts.shift_start, name="shift_start"),
    path("permanence/terminer/", shifts.shift_end, name="shift_end"),
    path("permanence/fin-oubliee/", shifts.shift_close_forgotten, name="shift_close_forgotten"),
    path("permanences/<int:pk>/corriger/", shifts.shift_correct, name="shift_correct"),
    path("contrats/<int:pk>/permanences/", shifts.contract_shifts, name="contract_shifts"),
    path("contrats/<int:pk>/heures/", shifts.contract_hours, name="contract_hours"),
]
