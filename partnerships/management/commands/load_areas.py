from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.text import slugify

from partnerships.models import Area, Region
from partnerships.ons import REGIONS, english_areas


class Command(BaseCommand):
    help = "Load England's regions and local authority areas from the ONS lookup. Idempotent."

    @transaction.atomic
    def handle(self, *args, **options):
        regions = {}
        for code, name in REGIONS.items():
            regions[code], _ = Region.objects.update_or_create(
                code=code, defaults={"name": name, "slug": slugify(name)}
            )

        rows = english_areas()
        replaced = {old for row in rows for old in row["replaces"]}
        created = 0
        by_code = {}
        # Counties first, so that districts can point at them.
        for row in sorted(rows, key=lambda r: r["parent"] is not None):
            area, was_created = Area.objects.update_or_create(
                gss_code=row["code"],
                defaults={
                    "name": row["name"],
                    "slug": f"{slugify(row['name'])}-{row['code'].lower()}",
                    "kind": row["kind"],
                    "region": regions[row["region"]],
                    "parent": by_code.get(row["parent"]),
                    "is_current": row["code"] not in replaced,
                },
            )
            by_code[row["code"]] = area
            created += was_created
        for row in rows:
            if row["replaces"]:
                by_code[row["code"]].replaces.set([by_code[old] for old in row["replaces"]])

        self.stdout.write(
            f"{len(rows)} areas in {len(regions)} regions ({created} new); "
            f"{len(rows) - len(replaced)} current."
        )
