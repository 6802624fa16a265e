"""/api/v1/: the records, the OpenAPI document and its documentation page."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import SimpleRouter

from . import api, docs

app_name = "api"

router = SimpleRouter()
router.register("regions", api.RegionViewSet, basename="region")
router.register("areas", api.AreaViewSet, basename="area")
router.register("partnerships", api.PartnershipViewSet, basename="partnership")
router.register("bodies", api.BodyViewSet, basename="body")
router.register("seats", api.SeatViewSet, basename="seat")
router.register("people", api.PersonViewSet, basename="person")
router.register("organisations", api.OrganisationViewSet, basename="organisation")
router.register("networks", api.NetworkViewSet, basename="network")
router.register("documents", api.DocumentViewSet, basename="document")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(throttle_classes=[api.ClientRate]), name="schema"),
    path("", docs.api_docs, name="docs"),
    path("", include(router.urls)),
    re_path(r"", api.not_found),
]
