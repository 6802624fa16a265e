from django.urls import path

from . import views

app_name = "partnerships"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search_view, name="search"),
    path("partnerships/", views.partnership_list, name="partnership_list"),
    path("partnerships/<slug:slug>/", views.partnership_detail, name="partnership"),
    path("representatives/", views.representative_list, name="representative_list"),
    path("regions/<slug:slug>/", views.region_detail, name="region"),
    path("areas/<slug:slug>/", views.area_detail, name="area"),
    path("organisations/<slug:slug>/", views.organisation_detail, name="organisation"),
]
