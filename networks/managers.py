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
        """Networks of the region or of an area in it, each once (no DISTINCT)."""
        of_areas = self.model.areas.through.objects.filter(area__region=region)
        ids = (
            self.model.objects.order_by()
            .filter(region=region)
            .values("pk")
            .union(of_areas.values("network_id"))
        )
        return self.filter(pk__in=ids)

    def serving_area(self, area):
        """Networks for the area (or its county, or the areas it replaced or that replaced
        it), for a partnership covering it, or for its whole region. Each once, no DISTINCT."""
        from partnerships.models import Area, Partnership

        return self.filter(
            models.Q(pk__in=self.ids_for_areas(Area.objects.around(area)))
            | models.Q(partnership__in=Partnership.objects.covering(area).values("pk"))
            | self.whole_region_of([area.region_id])
        )

    def serving_partnership(self, partnership, areas):
        """Networks feeding into the partnership, for one of its areas (`areas`, read
        already), or for the whole of a region it lies in. Each once, no DISTINCT."""
        # A UNION of three index lookups: an OR of them scanned every network.
        networks = self.model.objects.order_by()
        regions = {area.region_id for area in areas}
        ids = (
            networks.filter(partnership=partnership)
            .values("pk")
            .union(
                self.ids_for_areas(areas),
                networks.filter(self.whole_region_of(regions)).values("pk"),
            )
        )
        return self.filter(pk__in=ids)

    def ids_for_areas(self, areas):
        """The ids of the networks recorded for any of these areas."""
        return self.model.areas.through.objects.filter(area__in=areas).values("network_id")

    def whole_region_of(self, regions):
        """A network recorded with its region and no areas covers every area of the region."""
        return models.Q(region__in=regions) & self.no_areas()

    def with_whole_region(self):
        """Each network's `whole_region`: whether it covers every area of its region."""
        covers = models.Q(region__isnull=False) & self.no_areas()
        return self.annotate(
            whole_region=models.ExpressionWrapper(covers, output_field=models.BooleanField())
        )

    def no_areas(self):
        areas = self.model.areas.through.objects.filter(network=models.OuterRef("pk"))
        return ~models.Exists(areas)

    def for_public_display(self):
        return (
            self.select_related("region", "partnership").prefetch_related("areas").order_by("name")
        )
