from django.urls import path

from .views import dashboard, exports, map, objectives, report, share

app_name = "reporting"

urlpatterns = [
    # --- Dashboards per scope (views/dashboard.py) ---
    path("statistiques/", dashboard.dashboard, name="dashboard"),
    # --- The contract report (views/report.py) ---
    path("statistiques/contrats/<int:pk>/compte-rendu/", report.contract_report_page, name="contract_report"),
    path(
        "statistiques/contrats/<int:pk>/compte-rendu.pdf",
        report.contract_report_pdf,
        name="contract_report_pdf",
    ),
    path(
        "statistiques/contrats/<int:pk>/compte-rendu.xlsx",
        report.contract_report_xlsx,
        name="contract_report_xlsx",
    ),
    path(
        "statistiques/contrats/<int:pk>/commentaire/",
        report.contract_report_comment,
        name="contract_report_comment",
    ),
    # --- Objectives (views/objectives.py) ---
    path("statistiques/objectifs/", objectives.objective_list, name="objectives"),
    path("statistiques/objectifs/<int:pk>/supprimer/", objectives.objective_delete, name="objective_delete"),
    # --- The map (views/map.py) ---
    path("statistiques/carte/", map.map_page, name="map"),
    # --- Exports (views/exports.py) ---
    path("statistiques/exports/", exports.export_list, name="export_list"),
    path("statistiques/exports/<int:pk>/", exports.export_download, name="export_download"),
    # --- Share links and their public page (views/share.py) ---
    path("statistiques/partages/", share.share_list, name="share_list"),
    path("statistiques/partages/<int:pk>/revoquer/", share.share_revoke, name="share_revoke"),
    path("partage/<str:secret>/", share.share_page, name="share_page"),
    # Last: any other "statistiques/<word>/<number>/" is a scope's dashboard.
    path("statistiques/<str:kind>/<int:pk>/", dashboard.scope_dashboard, name="scope"),
]
