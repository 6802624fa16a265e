from django.urls import path

from lsp_directory.caching import PAGE
from lsp_directory.caching import cached_until_data_changes as cached

from . import views
from .filters import PartnershipFilter, SeatFilter
from .search import known_postcode

app_name = "partnerships"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search_view, name="search"),
    path(
        "partnerships/",
        cached(views.partnership_list, filterset=PartnershipFilter, params=PAGE),
        name="partnership_list",
    ),
    path(
        "partnerships/<slug:slug>/",
        # ?postcode= after a postcode search: any but a known postcode is no postcode.
        cached(views.partnership_detail, params={"postcode": known_postcode}),
        name="partnership",
    ),
    path(
        "representatives/",
        cached(views.representative_list, filterset=SeatFilter, params=PAGE),
        name="representative_list",
    ),
    path("regions/<slug:slug>/", cached(views.region_detail), name="region"),
    path("areas/<slug:slug>/", cached(views.area_detail), name="area"),
    path("organisations/<slug:slug>/", cached(views.organisation_detail), name="organisation"),
]
