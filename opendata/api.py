"""The read-only API at /api/v1/: every public record, no key needed.

Lists are pages of {"count", "next", "previous", "results"} in a fixed order, filtered by the
same FilterSets as the HTML lists. Each answer carries an ETag and Last-Modified from the
data (a client asking again with If-None-Match or If-Modified-Since gets 304 until a curator
changes something), Cache-Control, and CORS headers for any origin (settings: CORS_*). Each
client (its address as lsp_directory.client trusts it) is throttled to API_RATE requests.
"""

import datetime
import hashlib

from django.conf import settings
from django.db import connection
from django.db.models import Exists, OuterRef
from django.http import JsonResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.dateparse import parse_datetime
from django.utils.http import http_date, parse_etags, parse_http_date_safe
from django.views import defaults
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import pagination, throttling, viewsets
from rest_framework.response import Response

from lsp_directory.caching import CACHE_ERRORS, data_stamp, stamped_models
from lsp_directory.client import client_address
from networks.filters import NetworkFilter
from networks.models import Network
from partnerships.filters import PartnershipFilter, SeatFilter
from partnerships.models import (
    Area,
    Body,
    Document,
    Organisation,
    Partnership,
    Person,
    Region,
    Seat,
)

from . import serializers


class Pages(pagination.PageNumberPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000


class ClientRate(throttling.SimpleRateThrottle):
    """API_RATE requests per client address; a cache that is away lets requests through
    (it costs the limit, not the answer), as it does for the page cache."""

    scope = "api"

    def get_rate(self):
        return settings.API_RATE

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": client_address(request)}

    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except CACHE_ERRORS:
            return True


def last_changed():
    """When a curated record was last saved, imported or deleted: the newest history row."""
    parts = " UNION ALL ".join(
        f"SELECT MAX(history_date) AS changed FROM "
        f"{connection.ops.quote_name(model.history.model._meta.db_table)}"
        for model in stamped_models()
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MAX(changed) FROM ({parts}) AS latest")  # noqa: S608 (our names)
        value = cursor.fetchone()[0]
    if isinstance(value, str):  # SQLite answers a MAX over a union as text, in UTC
        value = parse_datetime(value)
        if value is not None and timezone.is_naive(value):
            value = timezone.make_aware(value, datetime.UTC)
    return value


class OpenData(viewsets.ReadOnlyModelViewSet):
    """A read-only list and detail, answering conditional requests from the data's stamp."""

    pagination_class = Pages
    throttle_classes = [ClientRate]
    # Any id up to the next slash reaches the view, so an odd one is a JSON 404, not a page.
    lookup_value_regex = "[^/]+"
    filter_backends = [DjangoFilterBackend]

    def validators(self, request):
        stamp = data_stamp()
        seen = f"{request.get_full_path()}|{request.accepted_media_type}|{stamp}"
        etag = '"' + hashlib.sha256(seen.encode()).hexdigest()[:32] + '"'
        changed = last_changed()
        return etag, int(changed.timestamp()) if changed else None  # HTTP dates: whole seconds

    def list(self, request, *args, **kwargs):
        # The filters and the page are checked first (400, 404): only an answer the request
        # would really get can be "not modified".
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        if self.not_modified(request):
            return Response(status=304)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        record = self.get_object()  # 404 first, as for the list
        if self.not_modified(request):
            return Response(status=304)
        return Response(self.get_serializer(record).data)

    def not_modified(self, request):
        """Whether the client's copy (If-None-Match, else If-Modified-Since) is current.
        Reading changes nothing, so If-Match and If-Unmodified-Since are not asked."""
        self.etag, self.modified = self.validators(request)
        if_none_match = request.headers.get("If-None-Match")
        if if_none_match is not None:
            tags = parse_etags(if_none_match)
            return "*" in tags or self.etag.removeprefix("W/") in [
                tag.removeprefix("W/") for tag in tags
            ]
        since = parse_http_date_safe(request.headers.get("If-Modified-Since"))
        return since is not None and self.modified is not None and self.modified <= since

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if getattr(self, "etag", None) and response.status_code in (200, 304):
            response["ETag"] = self.etag
            if self.modified is not None:
                response["Last-Modified"] = http_date(self.modified)
            patch_cache_control(response, public=True, max_age=settings.API_MAX_AGE)
        return response


class RegionViewSet(OpenData):
    """The nine English regions."""

    queryset = Region.objects.order_by("name")
    serializer_class = serializers.RegionSerializer
    lookup_field = "slug"


class AreaViewSet(OpenData):
    """Local authority areas (ONS), current and former."""

    queryset = (
        Area.objects.select_related("region", "parent")
        .prefetch_related("replaces")
        .order_by("gss_code")
    )
    serializer_class = serializers.AreaSerializer
    lookup_field = "gss_code"


class PartnershipViewSet(OpenData):
    """Local Strategic Partnerships; the filters of the partnerships list."""

    queryset = Partnership.objects.prefetch_related("areas").order_by("name", "pk")
    serializer_class = serializers.PartnershipSerializer
    filterset_class = PartnershipFilter
    lookup_field = "slug"


class BodyViewSet(OpenData):
    """Partnership boards and themed groups."""

    queryset = Body.objects.select_related("partnership").order_by("pk")
    serializer_class = serializers.BodySerializer


class SeatViewSet(OpenData):
    """Seats on boards and themed groups, with who holds them; the filters of the
    representatives list: current seats unless `status` says otherwise (`all`: every held
    seat, current and past); `term=vacant` gives the open vacancies, `term=ending` the held
    seats whose term ends within six months."""

    queryset = Seat.objects.for_public()
    serializer_class = serializers.SeatSerializer
    filterset_class = SeatFilter


class PersonViewSet(OpenData):
    """People who hold or held a seat; contact details only with their consent."""

    queryset = Person.objects.filter(Exists(Seat.objects.filter(person=OuterRef("pk")))).order_by(
        "name", "pk"
    )
    serializer_class = serializers.PersonSerializer


class OrganisationViewSet(OpenData):
    """Organisations: public bodies, businesses and the voluntary and community sector."""

    queryset = Organisation.objects.prefetch_related("areas").order_by("name", "pk")
    serializer_class = serializers.OrganisationSerializer
    lookup_field = "slug"


class NetworkViewSet(OpenData):
    """Community Empowerment Networks, women's networks and women's forums; the filters of
    the networks list."""

    queryset = (
        Network.objects.select_related("region", "partnership")
        .prefetch_related("areas")
        .order_by("name", "pk")
    )
    serializer_class = serializers.NetworkSerializer
    filterset_class = NetworkFilter
    lookup_field = "slug"


class DocumentViewSet(OpenData):
    """Sustainable Community Strategies, Local Area Agreements and Gender Equality Schemes."""

    queryset = Document.objects.select_related("partnership", "organisation").order_by("pk")
    serializer_class = serializers.DocumentSerializer


def not_found(request, *args, **kwargs):
    """Any other address under /api/v1/: a 404 in JSON, as the API's own are."""
    return JsonResponse({"detail": "Not found."}, status=404)


def bad_request(request, exception):
    """The site's 400 (a NUL in a query string, a malformed request): JSON under /api/, the
    400 page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": str(exception) or "Bad request."}, status=400)
    return defaults.bad_request(request, exception)
