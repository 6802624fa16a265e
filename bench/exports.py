"""Memory and speed of the representatives export: `python -m bench.exports [--rows N]`.

Builds a directory of N seats with bulk_create in a throwaway SQLite database in a temporary
folder (never the project's db.sqlite3, whatever DATABASE_URL says), first N/10 seats, then
all N, and at each size streams the CSV download through the real view, as a client would:
once for speed (rows a second), once under tracemalloc for the peak memory Python allocated
while the body was consumed. A streamed export should show the same peak at both sizes.

    python -m bench.exports                    # 100,000 seats, CSV and JSON
    python -m bench.exports --rows 20000 --formats csv,json,xlsx
    python -m bench.exports --database-url postgres://postgres@127.0.0.1:5432/lsp_bench

--database-url must name an empty, throwaway database (it is migrated and filled; the
command refuses one that already holds seats, and deletes what it made at the end).
"""

import argparse
import os
import shutil
import sys
import tempfile
import time
import tracemalloc

FORMATS = ["csv", "json", "xlsx"]


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m bench.exports", description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000, help="Seats at the larger size.")
    parser.add_argument(
        "--formats", default="csv,json", help="Comma-separated, from csv, json, xlsx."
    )
    parser.add_argument(
        "--database-url", help="An empty throwaway database (default: a temporary SQLite)."
    )
    args = parser.parse_args(argv)
    args.formats = [name.strip() for name in args.formats.split(",") if name.strip()]
    if unknown := set(args.formats) - set(FORMATS):
        parser.error(f"unknown format(s): {', '.join(sorted(unknown))}")
    if args.rows < 10:
        parser.error("--rows must be at least 10")
    return args


def setup_django(database_url):
    # Before Django reads the settings: the developer's database is never opened.
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lsp_directory.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    with open(os.devnull, "w") as quiet:
        call_command("load_areas", verbosity=0, stdout=quiet)


class Directory:
    """Partnerships of a board and four themed groups with 50 seats each (one in ten covers
    two areas), an organisation for every 20 seats, half the people publishing contacts."""

    SEATS_PER_BODY = 50
    BODIES = 5

    def __init__(self):
        from partnerships.models import Area

        self.areas = list(Area.objects.current().lower_tier().order_by("gss_code"))
        self.seats = 0
        self.bodies = []
        self.organisations = []

    def grow_to(self, total):
        from partnerships.choices import BodyKind, OrganisationKind, Sector, Selection, Theme
        from partnerships.models import Body, Organisation, Partnership, Person, Seat

        start = self.seats
        per_partnership = self.SEATS_PER_BODY * self.BODIES
        made = len(self.bodies) // self.BODIES
        wanted = -(-total // per_partnership)
        partnerships = Partnership.objects.bulk_create(
            Partnership(name=f"Bench Partnership {n}", slug=f"bench-{n}", search_name=f"bench {n}")
            for n in range(made, wanted)
        )
        Through = Partnership.areas.through
        Through.objects.bulk_create(
            Through(partnership=p, area=self.areas[(n * 2 + extra) % len(self.areas)])
            for n, p in enumerate(partnerships, start=made)
            for extra in ((0, 1) if n % 10 == 0 else (0,))
        )
        themes = [Theme.CRIME_AND_DISORDER, Theme.HEALTH_AND_WELLBEING, Theme.HOUSING, Theme.OTHER]
        for p in partnerships:
            self.bodies += Body.objects.bulk_create(
                [Body(partnership=p, kind=BodyKind.BOARD, name=f"{p.name} Board")]
                + [
                    Body(partnership=p, kind=BodyKind.THEMED_GROUP, theme=t, name=f"{p.name} {t}")
                    for t in themes
                ]
            )
        self.organisations += Organisation.objects.bulk_create(
            (
                Organisation(
                    name=f"Bench Organisation {n}",
                    slug=f"bench-organisation-{n}",
                    kind=OrganisationKind.VCS,
                    is_womens_organisation=n % 25 == 0,
                )
                for n in range(len(self.organisations), -(-total // 20))
            ),
            batch_size=2000,
        )
        people = Person.objects.bulk_create(
            (
                Person(
                    name=f"Bench Person {n:07d}",
                    email=f"person{n}@example.org",
                    phone="01632 960000",
                    publish_contact=n % 2 == 0,
                )
                for n in range(start, total)
            ),
            batch_size=2000,
        )
        sectors = list(Sector.values)
        Seat.objects.bulk_create(
            (
                Seat(
                    person=person,
                    body=self.bodies[n // self.SEATS_PER_BODY],
                    sector=sectors[n % len(sectors)],
                    organisation=self.organisations[n // 20],
                    role="VCS representative",
                    selection=Selection.ELECTED,
                    start_date="2008-04-01",
                )
                for n, person in enumerate(people, start=start)
            ),
            batch_size=2000,
        )
        self.seats = total


def consume(fmt):
    """Request the download from the real view and read its whole body; its size in bytes."""
    from django.db import reset_queries
    from django.test import RequestFactory

    from partnerships import export_views

    reset_queries()
    view = {"csv": export_views.seats_csv, "json": export_views.seats_json}.get(fmt)
    view = view or export_views.seats_xlsx
    response = view(RequestFactory().get(f"/representatives/export.{fmt}"))
    size = 0
    try:
        for chunk in response:
            size += len(chunk)
    finally:
        response.close()
    return size


def measure(fmt):
    started = time.perf_counter()
    size = consume(fmt)
    seconds = time.perf_counter() - started
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        consume(fmt)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return size, seconds, peak


def main(argv=None):
    args = parse_args(argv)
    folder = tempfile.mkdtemp(prefix="lsp-bench-exports-")
    url = args.database_url or f"sqlite:///{folder}/bench.sqlite3"
    filling = False
    try:
        setup_django(url)
        from partnerships.models import Seat

        if args.database_url and Seat.objects.exists():
            sys.exit(f"{args.database_url} already holds seats: give an empty database.")
        filling = True
        print(f"Database: {url if args.database_url else 'temporary SQLite in ' + folder}")
        directory = Directory()
        print(
            f"{'format':<7}{'rows':>10}{'seconds':>10}{'rows/s':>11}{'MB out':>9}{'peak KiB':>10}"
        )
        for rows in [args.rows // 10, args.rows]:
            started = time.perf_counter()
            directory.grow_to(rows)
            built = time.perf_counter() - started
            print(f"  (built {rows:,} seats in {built:.1f}s)")
            for fmt in args.formats:
                size, seconds, peak = measure(fmt)
                print(
                    f"{fmt:<7}{rows:>10,}{seconds:>10.2f}{rows / seconds:>11,.0f}"
                    f"{size / 1e6:>9.1f}{peak / 1024:>10,.0f}"
                )
    finally:
        if args.database_url and filling:
            clean_up()
        shutil.rmtree(folder, ignore_errors=True)


def clean_up():
    """Delete what the bench made in a database it was given."""
    from partnerships.models import Organisation, Partnership, Person, Seat

    Seat.objects.filter(person__name__startswith="Bench Person").delete()
    Person.objects.filter(name__startswith="Bench Person").delete()
    Partnership.objects.filter(slug__startswith="bench-").delete()
    Organisation.objects.filter(slug__startswith="bench-organisation-").delete()


if __name__ == "__main__":
    main()
