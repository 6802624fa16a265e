"""The representation report, as HTML and JSON."""

from django.urls import path

from . import report_views

app_name = "report"

urlpatterns = [
    path("representation/", report_views.representation, name="representation"),
    path("representation.json", report_views.representation_json, name="representation_json"),
]
