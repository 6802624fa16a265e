"""The representation report, as HTML and JSON."""

from django.urls import path

from lsp_directory.caching import PAGE
from lsp_directory.caching import cached_until_data_changes as cached

from . import report_views

app_name = "report"

urlpatterns = [
    path(
        "representation/",
        cached(report_views.representation, filterset=report_views.ReportFilter, params=PAGE),
        name="representation",
    ),
    path(
        "representation.json",
        cached(report_views.representation_json, filterset=report_views.ReportFilter),
        name="representation_json",
    ),
]
