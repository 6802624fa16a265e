"""The national bodies the briefing names for help, shown on every area page: the Women's
Resource Centre for women's organisations, NAVCA to find a CVS and ACRE to find a Rural
Community Council. Curated records like any other: curators can correct them in the admin."""

from django.db import migrations

NATIONAL_BODIES = [
    {
        "name": "Women's Resource Centre",
        "slug": "womens-resource-centre",
        # The women's sector's national umbrella body: infrastructure, not one of the local
        # VCS organisations whose share the representation report measures.
        "kind": "infrastructure",
        "infrastructure_type": "equalities",
        "is_womens_organisation": True,
        "website": "https://www.wrc.org.uk/",
        "national_help": "Support for women's organisations, and help to find one near you",
    },
    {
        "name": "NAVCA",
        "slug": "navca",
        "kind": "infrastructure",
        "infrastructure_type": "cvs",
        "is_womens_organisation": False,
        "website": "https://www.navca.org.uk/",
        "national_help": "Find your local Council for Voluntary Service (CVS)",
    },
    {
        "name": "ACRE (Action with Communities in Rural England)",
        "slug": "acre",
        "kind": "infrastructure",
        "infrastructure_type": "rcc",
        "is_womens_organisation": False,
        "website": "https://acre.org.uk/",
        "national_help": "Find your Rural Community Council (RCC)",
    },
]


def add_national_bodies(apps, schema_editor):
    Organisation = apps.get_model("partnerships", "Organisation")
    for body in NATIONAL_BODIES:
        fields = {key: value for key, value in body.items() if key != "slug"}
        if not Organisation.objects.filter(slug=body["slug"]).exists():
            Organisation.objects.create(slug=body["slug"], **fields)
        else:
            Organisation.objects.filter(slug=body["slug"]).update(
                national_help=body["national_help"]
            )
    # A first version in their history, so that a curator's first edit can be undone.
    from curation.history import history_first_versions_ensure

    history_first_versions_ensure(models=[Organisation], apps=apps)


def remove_national_bodies(apps, schema_editor):
    Organisation = apps.get_model("partnerships", "Organisation")
    Organisation.objects.filter(slug__in=[body["slug"] for body in NATIONAL_BODIES]).update(
        national_help=""
    )


class Migration(migrations.Migration):
    dependencies = [("partnerships", "0006_organisation_national_help")]

    operations = [migrations.RunPython(add_national_bodies, remove_national_bodies)]
