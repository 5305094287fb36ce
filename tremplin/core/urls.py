from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("journal/", views.journal, name="journal"),
    path("design/", views.design, name="design"),
    path("sante/", views.healthz, name="healthz"),
]
