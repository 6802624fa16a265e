from django.db import models

from partnerships.managers import CuratedQuerySet

from .choices import NetworkKind, NetworkStatus


class NetworkQuerySet(CuratedQuerySet):
    def cens(self):
        return self.filter(kind=NetworkKind.CEN)

    def womens(self):
        return self.filter(kind__in=[NetworkKind.WOMENS_NETWORK, NetworkKind.WOMENS_FORUM])

    def active(self):
        return self.exclude(status=NetworkStatus.CEASED)

    def in_region(self, region):
        """Networks of the region or of an area in it, each once (a subquery, no DISTINCT)."""
        in_region = self.model.objects.filter(
            models.Q(areas__region=region) | models.Q(region=region)
        )
        return self.filter(pk__in=in_region.values("pk"))

    def for_public_display(self):
        return (
            self.select_related("region", "partnership").prefetch_related("areas").order_by("name")
        )
