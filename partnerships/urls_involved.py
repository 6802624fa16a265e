"""Taking part: open seats and Gender Equality Schemes due."""

from django.urls import path

from lsp_directory.caching import PAGE
from lsp_directory.caching import cached_until_data_changes as cached

from . import involved_views
from .filters import OpenSeatFilter, SchemeFilter

app_name = "involved"

urlpatterns = [
    path(
        "get-involved/",
        cached(involved_views.get_involved, filterset=OpenSeatFilter, params=PAGE),
        name="get_involved",
    ),
    path(
        "gender-equality-schemes/",
        cached(involved_views.schemes_due, filterset=SchemeFilter, params=PAGE),
        name="schemes_due",
    ),
]
