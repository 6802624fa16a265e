"""Speed of the bulk imports: `python -m bench.imports [--rows 50000]`.

Generates, deterministically on the real ONS areas, a seat file and a network file of N rows
each (CSV, as a curator would upload them), then times through curation.imports.file_import,
the function behind the admin and the commands:

1. a dry run (the admin's preview) on the empty directory,
2. the first import,
3. a re-import of the same file, which must change nothing (no new records, no changed
   fields, no new history entries: the benchmark checks and fails otherwise),
4. a re-import with one row in ten changed.

    python -m bench.imports                       # 50,000 rows, a temporary SQLite database
    python -m bench.imports --rows 5000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lsp_bench python -m bench.imports

Runs with DEBUG off, as in production (no query log). The database is DATABASE_URL when
set, else a temporary SQLite file (never the project's db.sqlite3). It must be a throwaway
one: it is migrated, loaded with the areas, refused if it already holds partnerships, seats
or networks, and flushed (emptied) at the end.
"""

import argparse
import csv
import io
import os
import shutil
import sys
import tempfile
import time

SEAT_FILE = "bench-seats.csv"
NETWORK_FILE = "bench-networks.csv"


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m bench.imports", description=__doc__)
    parser.add_argument("--rows", type=int, default=50_000, help="Rows in each file.")
    args = parser.parse_args(argv)
    if args.rows < 10:
        parser.error("--rows must be at least 10")
    return args


def setup_django():
    """A temporary SQLite database unless DATABASE_URL is set; migrated, with the areas."""
    folder = None
    if not os.environ.get("DATABASE_URL"):
        folder = tempfile.mkdtemp(prefix="lsp-bench-imports-")
        os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lsp_directory.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.DEBUG = False  # as in production: no query log

    call_command("migrate", verbosity=0)
    from networks.models import Network
    from partnerships.models import Area, Partnership, Seat

    if Partnership.objects.exists() or Seat.objects.exists() or Network.objects.exists():
        sys.exit("The database already holds a directory: give an empty, throwaway one.")
    if not Area.objects.exists():
        with open(os.devnull, "w") as quiet:
            call_command("load_areas", verbosity=0, stdout=quiet)
    return folder


def areas():
    from partnerships.models import Area

    return list(Area.objects.current().lower_tier().order_by("gss_code"))


def csv_bytes(columns, rows):
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows(rows)
    return out.getvalue().encode()


def seat_rows(count, places, change_every=0):
    """count seats: each area's partnership has a board and four themed groups; a person per
    seat, except that every tenth seat goes to the previous row's person, on the board; an
    organisation per ten people.
    change_every=n changes the role of every nth row."""
    from partnerships.choices import Sector, Selection, Theme

    themes = [t for t in Theme.values if t != Theme.OTHER]
    sectors, selections = Sector.values, Selection.values
    per_area = -(-count // len(places))
    rows, person = [], 0
    for i in range(count):
        place = places[i // per_area]
        k = i % per_area
        body = k % 5
        if k % 10 == 9:  # the person of the previous row, on another body
            body = 0
        else:
            person += 1
        theme = "" if body == 0 else themes[(i // per_area + body) % len(themes)]
        sector = sectors[person % len(sectors)]
        start = f"{2004 + person % 6}-{1 + person % 12:02d}-01"
        ended = person % 4 == 0
        rows.append(
            [
                place.gss_code,
                f"{place.name} Partnership",
                f"{Theme(theme).label} group" if theme else "Board",
                "themed_group" if theme else "board",
                theme,
                f"Person {person}",
                ("Chair" if k == 0 else "Member")
                + (" (changed)" if change_every and i % change_every == 0 else ""),
                sector,
                f"Organisation {person // 10} ({sector})",
                "yes" if (person // 10) % 14 == 0 else "no",
                f"person{person}@example.org" if person % 2 else "",
                f"01{person * 7919 % 10**9:09d}" if person % 3 == 0 else "",
                "yes" if person % 2 else "no",
                selections[person % len(selections)],
                start,
                f"{2010 + person % 3}-03-31" if ended else "",
            ]
        )
    return rows


def network_rows(count, places, change_every=0):
    from networks.choices import Funding, NetworkKind, NetworkStatus

    kinds, statuses, fundings = NetworkKind.values, NetworkStatus.values, Funding.values
    rows = []
    for i in range(count):
        place = places[i % len(places)]
        n = i // len(places)
        rows.append(
            [
                f"{place.name} network {n}",
                kinds[i % len(kinds)],
                place.gss_code,
                statuses[(i // 3) % len(statuses)],
                fundings[(i // 7) % len(fundings)]
                if not (change_every and i % change_every == 0)
                else "unknown",
                f"2008-{1 + i % 12:02d}-{1 + i % 28:02d}",
                f"https://network{i}.example.org/",
                f"network{i}@example.org" if i % 2 else "",
            ]
        )
    return rows


def counts():
    from networks.models import Network
    from partnerships.models import Body, Organisation, Partnership, Person, Seat

    models = [Partnership, Body, Organisation, Person, Seat, Network]
    return {m.__name__: (m.objects.count(), m.history.count()) for m in models}


def timed(kind, data, filename, *, dry_run):
    from curation.imports import file_import

    start, cpu = time.perf_counter(), time.process_time()
    result = file_import(kind=kind, data=data, filename=filename, dry_run=dry_run)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    if result.problems:
        sys.exit(f"Unexpected problems: {[str(p) for p in result.problems[:5]]}")
    return result, (seconds, cpu)


def report(label, rows, times, result):
    """Wall-clock time and rows a second, and the CPU time of this Python process (the
    database server's own work, on PostgreSQL, is not in it)."""
    seconds, cpu = times
    created = sum(c["created"] for c in result.counts.values())
    changed = sum(c["changed"] for c in result.counts.values())
    print(
        f"  {label:<34} {seconds:6.2f} s {rows / seconds:>8,.0f} rows/s  "
        f"(Python CPU {cpu:5.2f} s)  {created:,} created, {changed:,} changed"
    )


def bench(kind, columns, make_rows, count, places):
    rows = make_rows(count, places)
    data = csv_bytes(columns, rows)
    changed = csv_bytes(columns, make_rows(count, places, change_every=10))
    filename = SEAT_FILE if kind == "seats" else NETWORK_FILE
    print(f"{kind}: {count:,} rows, {len(data) / 1e6:.1f} MB of CSV")

    result, seconds = timed(kind, data, filename, dry_run=True)
    report("dry run (preview), empty directory", count, seconds, result)
    result, seconds = timed(kind, data, filename, dry_run=False)
    report("first import", count, seconds, result)
    before = counts()
    result, seconds = timed(kind, data, filename, dry_run=False)
    report("re-import, same file", count, seconds, result)
    if result.has_changes or counts() != before:
        sys.exit("The re-import changed something: it must not.")
    statuses = {row.status for row in result.rows}
    assert statuses == {"unchanged"}, statuses
    result, seconds = timed(kind, changed, filename, dry_run=True)
    report("dry run, 1 row in 10 changed", count, seconds, result)
    result, seconds = timed(kind, changed, filename, dry_run=False)
    report("import, 1 row in 10 changed", count, seconds, result)


def main(argv=None):
    args = parse_args(argv)
    folder = setup_django()
    from django.db import connection

    from curation.imports import NETWORK_COLUMNS, SEAT_COLUMNS

    vendor = connection.vendor
    if vendor == "sqlite":
        version = ".".join(map(str, connection.Database.sqlite_version_info))
    else:
        version = connection.cursor().connection.info.server_version
    print(f"Database: {vendor} {version}")
    places = areas()
    try:
        bench("seats", SEAT_COLUMNS, seat_rows, args.rows, places)
        bench("networks", NETWORK_COLUMNS, network_rows, args.rows, places)
        print("Records and history entries:", counts())
    finally:
        from django.core.management import call_command

        if folder:
            connection.close()
            shutil.rmtree(folder, ignore_errors=True)
        else:
            call_command("flush", interactive=False, verbosity=0)


if __name__ == "__main__":
    main()
