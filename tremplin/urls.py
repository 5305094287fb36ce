from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from tremplin.api.api import api

handler403 = "tremplin.core.views.error_403"
handler404 = "tremplin.core.views.error_404"
handler500 = "tremplin.core.views.error_500"

admin.site.site_header = "Tremplin — administration"
admin.site.site_title = "Tremplin"

urlpatterns = [
    path("admin/login/", RedirectView.as_view(pattern_name="accounts:login", query_string=True)),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("", include("tremplin.accounts.urls")),
    path("sites/", include("tremplin.territory.urls")),
    path("", include("tremplin.staffing.urls")),
    path("", include("tremplin.mediation.urls")),
    path("", include("tremplin.flow.urls")),
    path("", include("tremplin.workshops.urls")),
    path("", include("tremplin.reporting.urls")),
    path("", include("tremplin.core.urls")),
]
