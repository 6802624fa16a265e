from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from partnerships.report import SOURCES
from partnerships.views import paginate, querystring_without_page

from .filters import NetworkFilter
from .models import Network


def network_list(request):
    filterset = NetworkFilter(
        request.GET, queryset=Network.objects.for_public_display(), request=request
    )
    return render(
        request,
        "networks/network_list.html",
        {
            "filter": filterset,
            "page_obj": paginate(request, filterset.qs),
            "querystring": querystring_without_page(request),
            "source": SOURCES["cen_survey"],  # of the lead's claim, listed on the report
            "crumbs": [("Home", reverse("partnerships:home")), ("Networks", None)],
        },
    )


def network_detail(request, slug):
    network = get_object_or_404(
        Network.objects.for_public_display().prefetch_related("members"), slug=slug
    )
    return render(
        request,
        "networks/network_detail.html",
        {
            "network": network,
            "crumbs": [
                ("Home", reverse("partnerships:home")),
                ("Networks", reverse("networks:network_list")),
                (network.name, None),
            ],
        },
    )
