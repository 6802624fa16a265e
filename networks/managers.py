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

    def serving_area(self, area):
        """Networks for the area (or its county, or the areas it replaced or that replaced
        it), for a partnership covering it, or for its whole region: a network recorded with
        its region and no areas covers every area of the region. Each once, no DISTINCT."""
        from partnerships.models import Area, Partnership

        areas = Area.objects.around(area)
        serving = self.model.objects.filter(
            models.Q(areas__in=areas)
            | models.Q(partnership__in=Partnership.objects.covering(area).values("pk"))
            | models.Q(region=area.region_id, areas__isnull=True)
        )
        return self.filter(pk__in=serving.values("pk"))

    def for_public_display(self):
        return (
            self.select_related("region", "partnership").prefetch_related("areas").order_by("name")
        )
