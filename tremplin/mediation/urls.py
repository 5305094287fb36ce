from django.urls import path

from .views import beneficiaries, lists, record

app_name = "mediation"

urlpatterns = [
    # --- The quick-record screen, edit, duplicate, delete, undo (views/record.py) ---
    path("interactions/nouvelle/", record.record, name="record"),
    path("interactions/<int:pk>/annuler/", record.undo, name="undo"),
    path("interactions/<int:pk>/modifier/", record.interaction_edit, name="interaction_edit"),
    path("interactions/<int:pk>/dupliquer/", record.interaction_duplicate, name="interaction_duplicate"),
    path("interactions/<int:pk>/supprimer/", record.interaction_delete, name="interaction_delete"),
    # --- Lists and exports (views/lists.py) ---
    path("interactions/", lists.interaction_list, name="interaction_list"),
    path("interactions/export.csv", lists.interaction_export_csv, name="interaction_export_csv"),
    path("interactions/export.xlsx", lists.interaction_export_xlsx, name="interaction_export_xlsx"),
    # --- Followed beneficiaries (views/beneficiaries.py) ---
    path("beneficiaires/", beneficiaries.beneficiary_list, name="beneficiary_list"),
    path("beneficiaires/recherche/", beneficiaries.beneficiary_search, name="beneficiary_search"),
    path("beneficiaires/nouveau/", beneficiaries.beneficiary_create, name="beneficiary_create"),
    path("beneficiaires/<int:pk>/", beneficiaries.beneficiary_detail, name="beneficiary_detail"),
    path("beneficiaires/<int:pk>/modifier/", beneficiaries.beneficiary_edit, name="beneficiary_edit"),
    path("beneficiaires/<int:pk>/fusionner/", beneficiaries.beneficiary_merge, name="beneficiary_merge"),
    path(
        "beneficiaires/<int:pk>/anonymiser/",
        beneficiaries.beneficiary_anonymise,
        name="beneficiary_anonymise",
    ),
]
