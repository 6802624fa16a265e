"""Where a women's group can take part: seats open or opening soon, and Gender Equality
Schemes due for renewal, on which public bodies should consult them."""

from django.shortcuts import render
from django.urls import reverse

from .filters import OpenSeatFilter, SchemeFilter, region_words
from .managers import ENDING_SOON_MONTHS, SCHEME_DUE_MONTHS
from .models import Document, Seat
from .views import paginate, querystring_without_page


def filtered_region(filterset):
    """The region filtered on, as the site names it in a sentence ("the North East",
    "London"), or "" when the list is not filtered by region."""
    cleaned = getattr(filterset.form, "cleaned_data", None) or {}
    region = cleaned.get("region")
    return region_words(region) if region else ""


def get_involved(request):
    seats = Seat.objects.open_or_opening().vcs().for_open_list()
    filterset = OpenSeatFilter(request.GET, queryset=seats, request=request)
    return render(
        request,
        "partnerships/get_involved.html",
        {
            "filter": filterset,
            "page_obj": paginate(request, filterset.qs),
            "querystring": querystring_without_page(request),
            "in_region": filtered_region(filterset),
            "ending_soon_months": ENDING_SOON_MONTHS,
            "crumbs": [("Home", reverse("partnerships:home")), ("Get involved", None)],
        },
    )


def schemes_due(request):
    schemes = Document.objects.schemes_due().for_due_list()
    filterset = SchemeFilter(request.GET, queryset=schemes, request=request)
    return render(
        request,
        "partnerships/schemes_due.html",
        {
            "filter": filterset,
            "page_obj": paginate(request, filterset.qs),
            "querystring": querystring_without_page(request),
            "in_region": filtered_region(filterset),
            "due_months": SCHEME_DUE_MONTHS,
            "crumbs": [
                ("Home", reverse("partnerships:home")),
                ("Get involved", reverse("involved:get_involved")),
                ("Gender Equality Schemes due", None),
            ],
        },
    )
