"""One FilterSet per list page, submitted by GET. The same FilterSet feeds the HTML list
and every export, so they can never disagree."""

import django_filters
from django import forms
from django.utils import timezone

from .choices import BodyKind, OrganisationKind, Sector, Theme
from .models import Area, Partnership, Region, Seat
from .text import query_words
from .widgets import LongSelect

YES_NO = [("yes", "Yes"), ("no", "No")]
CURRENT_PAST = [("current", "Current seats"), ("past", "Past seats"), ("all", "Current and past")]


def regions(request):
    return Region.objects.all()


def areas(request):
    # Only the code and name are shown; the region was joined for nothing (339 rows a page).
    return Area.objects.order_by("name")


class RegionChoiceFilter(django_filters.ModelChoiceFilter):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", "Region")
        kwargs.setdefault("widget", LongSelect)
        super().__init__(
            queryset=regions, to_field_name="slug", empty_label="All regions", **kwargs
        )


class StableOrderingFilter(django_filters.OrderingFilter):
    """Sorting that breaks ties by id, so pages never repeat or skip a row and every
    export lists tied rows in the same order as the page."""

    def filter(self, queryset, value):
        ordered = super().filter(queryset, value)
        return ordered.order_by(*ordered.query.order_by, "pk") if value else ordered


class SeatFilter(django_filters.FilterSet):
    region = RegionChoiceFilter(method="filter_region")
    area = django_filters.ModelChoiceFilter(
        queryset=areas,
        to_field_name="gss_code",
        method="filter_area",
        empty_label="All areas",
        label="Area",
        widget=LongSelect,  # 339 options: one template render each was 40 % of the page
    )
    partnership = django_filters.ModelChoiceFilter(
        queryset=Partnership.objects.all(),
        to_field_name="slug",
        field_name="body__partnership",
        widget=forms.HiddenInput,
        label="Partnership",
    )
    body_kind = django_filters.ChoiceFilter(
        field_name="body__kind", choices=BodyKind.choices, empty_label="Boards and groups",
        label="Body",
    )  # fmt: skip
    theme = django_filters.ChoiceFilter(
        field_name="body__theme", choices=Theme.choices, empty_label="Any theme", label="Theme"
    )
    sector = django_filters.ChoiceFilter(
        choices=Sector.choices, empty_label="Every sector", label="Sector"
    )
    organisation_kind = django_filters.ChoiceFilter(
        field_name="organisation__kind",
        choices=OrganisationKind.choices,
        empty_label="Any kind",
        label="Organisation kind",
    )
    womens = django_filters.ChoiceFilter(
        choices=YES_NO,
        method="filter_womens",
        empty_label="Any organisation",
        label="Women's organisation",
    )
    status = django_filters.ChoiceFilter(
        choices=CURRENT_PAST, method="filter_status", empty_label=None, label="Current or past"
    )
    order = StableOrderingFilter(
        fields=(
            ("person__name", "name"),
            ("body__partnership__name", "partnership"),
            ("organisation__name", "organisation"),
            ("sector", "sector"),
            ("start_date", "start"),
        ),
        field_labels={
            "person__name": "Name",
            "body__partnership__name": "Partnership",
            "organisation__name": "Organisation",
            "sector": "Sector",
            "start_date": "Start date",
        },
        empty_label="Partnership",
        label="Sort by",
    )

    class Meta:
        model = Seat
        fields = []

    def __init__(self, data=None, *args, **kwargs):
        # Current seats unless the user asks otherwise.
        data = data.copy() if data is not None else None
        if data is not None and not data.get("status"):
            data["status"] = "current"
        super().__init__(data, *args, **kwargs)

    def filter_region(self, queryset, name, value):
        return queryset.in_region(value)

    def filter_area(self, queryset, name, value):
        return queryset.in_area(value)

    def filter_womens(self, queryset, name, value):
        return queryset.filter(organisation__is_womens_organisation=value == "yes")

    def filter_status(self, queryset, name, value):
        today = timezone.localdate()
        if value == "current":
            return queryset.current(today)
        if value == "past":
            return queryset.past(today)
        return queryset


class PartnershipFilter(django_filters.FilterSet):
    region = RegionChoiceFilter(method="filter_region")
    q = django_filters.CharFilter(method="filter_name", label="Name contains")

    class Meta:
        model = Partnership
        fields = []

    def filter_region(self, queryset, name, value):
        return queryset.in_region(value)

    def filter_name(self, queryset, name, value):
        for word in query_words(value):
            queryset = queryset.filter(search_name__contains=word)
        return queryset
