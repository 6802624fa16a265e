from django.urls import path

from lsp_directory.caching import PAGE
from lsp_directory.caching import cached_until_data_changes as cached

from . import views
from .filters import NetworkFilter

app_name = "networks"

urlpatterns = [
    path(
        "networks/",
        cached(views.network_list, filterset=NetworkFilter, params=PAGE),
        name="network_list",
    ),
    path("networks/<slug:slug>/", cached(views.network_detail), name="network"),
]
