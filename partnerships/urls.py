from django.urls import path

from . import views

app_name = "partnerships"

urlpatterns = [
    path("", views.home, name="home"),
    path("partnerships/<slug:slug>/", views.partnership_detail, name="partnership"),
    path("regions/<slug:slug>/", views.region_detail, name="region"),
    path("areas/<slug:slug>/", views.area_detail, name="area"),
    path("organisations/<slug:slug>/", views.organisation_detail, name="organisation"),
]
