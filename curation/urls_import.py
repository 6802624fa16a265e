"""Bulk imports in the curator admin (upload, preview, confirm), mounted at /admin/import/."""

from django.urls import path

from . import import_views

app_name = "curation_import"

urlpatterns = [
    path("", import_views.index, name="index"),
    path("<slug:kind>/", import_views.upload, name="upload"),
    path("<slug:kind>/<slug:token>/", import_views.preview, name="preview"),
    path("<slug:kind>/<slug:token>/confirm/", import_views.confirm, name="confirm"),
]
