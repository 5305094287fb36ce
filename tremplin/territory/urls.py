from django.urls import path

from . import views

app_name = "territory"

urlpatterns = [
    path("", views.site_list, name="site_list"),
    path("<int:pk>/", views.site_detail, name="site_detail"),
]
