from django.urls import path

from lsp_directory.caching import cached_until_data_changes as cached

from . import views

app_name = "networks"

urlpatterns = [
    path("networks/", cached(views.network_list), name="network_list"),
    path("networks/<slug:slug>/", cached(views.network_detail), name="network"),
]
