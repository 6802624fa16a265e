"""The filters of the pages for taking part: open seats and Gender Equality Schemes due."""

import django_filters
from django import forms

from .filters import RegionChoiceFilter
from .models import Document, Organisation, Partnership, Seat


class OpenSeatFilter(django_filters.FilterSet):
    """/get-involved/: open VCS seats by region or partnership, by GET, so a link shares them."""

    region = RegionChoiceFilter(method="filter_region")
    partnership = django_filters.ModelChoiceFilter(
        queryset=Partnership.objects.all(),
        to_field_name="slug",
        field_name="body__partnership",
        widget=forms.HiddenInput,
        label="Partnership",
    )

    class Meta:
        model = Seat
        fields = []

    def filter_region(self, queryset, name, value):
        return queryset.in_region(value)


class SchemeFilter(django_filters.FilterSet):
    """Gender Equality Schemes due, by the region of the public body that owns them."""

    region = RegionChoiceFilter(method="filter_region")

    class Meta:
        model = Document
        fields = []

    def filter_region(self, queryset, name, value):
        owners = Organisation.objects.filter(areas__region=value).values("pk")
        return queryset.filter(organisation__in=owners)
