"""Downloads of filtered lists (CSV, Excel, JSON)."""

from django.urls import path

from . import export_views

app_name = "exports"

urlpatterns = [
    path("representatives/export.csv", export_views.seats_csv, name="seats_csv"),
    path("representatives/export.xlsx", export_views.seats_xlsx, name="seats_xlsx"),
    path("representatives/export.json", export_views.seats_json, name="seats_json"),
]
