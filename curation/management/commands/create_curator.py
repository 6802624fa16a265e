from django.core.management.base import BaseCommand, CommandError

from curation.services import CURATORS_GROUP, curator_setup


class Command(BaseCommand):
    help = (
        "Make a user a curator of some areas and regions: a staff account in the "
        f'"{CURATORS_GROUP}" group with a Curator row. Creates the user (without a password) '
        "if need be; adds to an existing curator's areas. Example: "
        "create_curator hartlepool-cvs --area E06000001 --organisation hartlepool-cvs"
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--area",
            action="append",
            default=[],
            dest="areas",
            metavar="GSS_CODE",
            help="An area the curator keeps (a county brings its districts). Repeatable.",
        )
        parser.add_argument(
            "--region",
            action="append",
            default=[],
            dest="regions",
            metavar="SLUG",
            help="A region whose every area the curator keeps, e.g. london. Repeatable.",
        )
        parser.add_argument(
            "--organisation",
            metavar="SLUG",
            help="The infrastructure body the curator works for.",
        )

    def handle(self, *args, username, areas, regions, organisation, **options):
        if not areas and not regions:
            raise CommandError("Give at least one --area or --region.")
        try:
            curator, created = curator_setup(
                username=username,
                area_codes=areas,
                region_slugs=regions,
                organisation_slug=organisation,
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        patch = [*curator.areas.values_list("name", flat=True)]
        patch += [f"{name} (region)" for name in curator.regions.values_list("name", flat=True)]
        self.stdout.write(f"{username} curates: {', '.join(patch)}.")
        if created:
            self.stdout.write(
                f"Created {username} without a password: set one with "
                f"`python manage.py changepassword {username}`."
            )
