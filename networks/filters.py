import django_filters

from partnerships.filters import RegionChoiceFilter

from .choices import Funding, NetworkKind, NetworkStatus
from .models import Network


class NetworkFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(
        choices=NetworkKind.choices, empty_label="Every kind", label="Kind"
    )
    region = RegionChoiceFilter(method="filter_region")
    status = django_filters.ChoiceFilter(
        choices=NetworkStatus.choices, empty_label="Any status", label="Status"
    )
    funding = django_filters.ChoiceFilter(
        choices=Funding.choices, empty_label="Any funding", label="Funding"
    )

    class Meta:
        model = Network
        fields = []

    def filter_region(self, queryset, name, value):
        return queryset.in_region(value)
