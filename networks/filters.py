from partnerships.filters import (
    ChoiceFilter,
    Described,
    FilterSet,
    RegionChoiceFilter,
    region_words,
)

from .choices import Funding, NetworkKind, NetworkStatus
from .models import Network

KIND_WORDS = {
    NetworkKind.CEN: "Community Empowerment Networks",
    NetworkKind.WOMENS_NETWORK: "women's networks",
    NetworkKind.WOMENS_FORUM: "women's forums",
}
FUNDING_WORDS = {
    Funding.FUNDED: "that are funded",
    Funding.PARTLY_LOST: "that have lost part of their funding",
    Funding.LOST: "that have lost their funding",
    Funding.UNKNOWN: "whose funding is not known",
}


class NetworkFilter(Described, FilterSet):
    kind = ChoiceFilter(choices=NetworkKind.choices, empty_label="Every kind", label="Kind")
    region = RegionChoiceFilter(method="filter_region")
    status = ChoiceFilter(choices=NetworkStatus.choices, empty_label="Any status", label="Status")
    funding = ChoiceFilter(choices=Funding.choices, empty_label="Any funding", label="Funding")

    class Meta:
        model = Network
        fields = []

    def describe(self, values):
        """'Struggling Community Empowerment Networks in the North East that have lost part
        of their funding'."""
        words = []
        if values.get("status"):
            words.append(NetworkStatus(values["status"]).label.lower())
        words.append(KIND_WORDS.get(values.get("kind"), "networks and forums"))
        if values.get("region"):
            words.append(f"in {region_words(values['region'])}")
        if values.get("funding"):
            words.append(FUNDING_WORDS[values["funding"]])
        return " ".join(words)

    def slug_parts(self, values):
        region = values.get("region")
        return [
            values.get("kind", ""),
            region.slug if region else "",
            values.get("status", ""),
            values.get("funding", ""),
        ]

    def filter_region(self, queryset, name, value):
        return queryset.in_region(value)
