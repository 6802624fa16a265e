"""The directory at national scale x10, and how fast its pages and export are there.

    python -m bench.scale prepare --database-url URL [--scale 1] [--seed 2008] [--rebuild]
    python -m bench.scale measure --database-url URL --what pages,queries,export,copy \\
        [--requests 50] [--json bench-data/results/x.json]

`prepare` fills a throwaway database (a SQLite file under bench-data/, or a PostgreSQL
database whose name starts with lsp_bench) with a deterministic directory on the real ONS
areas: at scale 1, 3,500 partnerships, 35,000 bodies (a board and nine themed groups each),
500,000 seats, 400,000 people, 50,000 organisations and 5,000 networks, from one
random.Random(seed). Rows go in by raw bulk inserts with explicit primary keys (executemany
on SQLite, COPY on PostgreSQL), with search names and slugs filled here because bulk inserts
skip save(); then each record gets its first version in history, as load_demo's do
(curation.history). A marker table (bench_dataset) records the seed, scale and generator
version; a database whose marker matches is reused unless --rebuild.

`measure` serves the pages in-process through django.test.Client with the production
settings (DEBUG off), and prints and saves (as JSON) median and p95 server times, queries
per page, and the CSV export's rows a second and peak Python memory; on PostgreSQL next to
the database's own COPY of the same rows, on SQLite next to a raw sqlite3 SELECT written by
csv.writer. It also writes EXPLAIN output of each page's slowest query to bench-data/.

`python -m bench` runs both steps for SQLite and PostgreSQL and prints the targets.
"""

import argparse
import csv
import datetime
import importlib
import json
import os
import random
import sqlite3
import statistics
import sys
import time
import tracemalloc
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench-data"
GENERATOR_VERSION = 2  # 2: vacant seats
# A vacancy's closing date, far enough ahead that a dataset built today keeps them open.
VACANCY_CLOSES = datetime.date(2035, 12, 31)
DEFAULT_SEED = 2008
MARKER_TABLE = "bench_dataset"
SECRET_KEY = "bench-only-not-a-secret-0123456789-abcdefghijklmnopqrstuvwxyz"

# National scale x10 (scale 1).
FULL = {
    "partnerships": 3_500,
    "seats": 500_000,
    "organisations": 50_000,
    "networks": 5_000,
    "people": 400_000,
}
BODIES_PER_PARTNERSHIP = 10  # a board and one themed group per theme

# Towns searched by name and by postcode: each gets three partnerships first, at any scale,
# so that both searches list several partnerships (never a single redirect) at every size.
# (search text, GSS code of its area, an outward code mostly in that area)
TOWNS = [
    ("Leeds", "E08000035", "LS1"),
    ("Bristol", "E06000023", "BS1"),
    ("Norwich", "E07000148", "NR2"),
    ("Camden", "E09000007", "NW1"),
    ("Cornwall", "E06000052", "TR1"),
]
PER_TOWN = 3
FILTER_REGION = "yorkshire-and-the-humber"


def production_env(database_url):
    """The environment of the production server, on the bench database."""
    return {
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DEBUG": "false",
        "SECRET_KEY": SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "SECURE_SSL_REDIRECT": "false",
        "CONN_MAX_AGE": "60",
        # The benchmark is one client asking as fast as it can: not what the API limits.
        "API_RATE": "1000000/minute",
    }


def sizes(scale):
    return {name: max(1, round(count * scale)) for name, count in FULL.items()}


def marker_for(scale, seed):
    return {"version": GENERATOR_VERSION, "seed": seed, "scale": scale, **sizes(scale)}


# -- The databases, before Django is set up ------------------------------------------------


def is_sqlite(url):
    return url.startswith("sqlite:")


def sqlite_path(url):
    """dj-database-url's reading: sqlite:////absolute/path or sqlite:///relative/path."""
    return Path(url[len("sqlite:///") :])


def with_database(url, name):
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def pg_name(url):
    return urlsplit(url).path.lstrip("/")


def check_throwaway(url):
    """Only bench-data/ files and lsp_bench* databases are ever emptied."""
    if is_sqlite(url):
        path = sqlite_path(url).resolve()
        if DATA.resolve() not in path.parents:
            sys.exit(f"Refusing {url}: a bench SQLite file must live under {DATA}.")
    elif not pg_name(url).startswith("lsp_bench"):
        sys.exit(f"Refusing {url}: a bench PostgreSQL database's name starts with lsp_bench.")


def read_marker(url):
    """The dataset marker of the database, or None when it has none (or does not exist)."""
    query = f"SELECT value FROM {MARKER_TABLE} WHERE key = 'dataset'"
    try:
        if is_sqlite(url):
            path = sqlite_path(url)
            if not path.exists():
                return None
            with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
                row = connection.execute(query).fetchone()
        else:
            import psycopg

            with psycopg.connect(url, connect_timeout=5) as connection:
                row = connection.execute(query).fetchone()
    except Exception:  # no file, no database, no marker table: build it
        return None
    return json.loads(row[0]) if row else None


def wipe(url):
    """Start from an empty database: delete the SQLite file, or drop and create."""
    check_throwaway(url)
    if is_sqlite(url):
        path = sqlite_path(url)
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-journal", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    import psycopg

    name = pg_name(url)
    with psycopg.connect(with_database(url, "postgres"), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def setup_django(url, log_requests=False):
    os.environ.update(production_env(url))
    if not log_requests:
        os.environ["REQUEST_LOG_LEVEL"] = "WARNING"
    sys.path.insert(0, str(ROOT))
    import lsp_directory.wsgi  # noqa: F401 (sets Django up as the production server does)


# -- The dataset ---------------------------------------------------------------------------

SUFFIXES = [
    "Partnership",
    "Strategic Partnership",
    "Local Strategic Partnership",
    "Together",
    "First",
    "Forum",
    "Initiative",
    "Alliance",
    "Community Partnership",
    "Partnership Board",
    "Compact",
    "Vision",
    "Assembly",
    "Action Partnership",
    "Works",
    "2020 Partnership",
]
BOARD_NAMES = ["Board", "Executive Board", "Partnership Board", "Executive"]
THEME_GROUPS = {
    "crime_and_disorder": "Community Safety Partnership",
    "children_and_young_people": "Children's Trust Board",
    "health_and_wellbeing": "Health and Wellbeing Partnership",
    "economy_and_enterprise": "Economic Development Partnership",
    "environment": "Environment Partnership",
    "housing": "Housing Partnership",
    "older_people": "Older People's Partnership",
    "stronger_communities": "Stronger Communities Group",
    "other": "Culture and Leisure Partnership",
}
ORGANISATION_KINDS = [
    ("vcs", 60),
    ("business", 14),
    ("other", 12),
    ("infrastructure", 5),
    ("council", 3),
    ("health", 3),
    ("police", 3),
]
ORGANISATION_NAMES = {
    "vcs": [
        "Age Concern {place}",
        "{place} Citizens Advice Bureau",
        "{place} Mind",
        "Groundwork {place}",
        "{place} Racial Equality Council",
        "{place} Tenants' Federation",
        "{place} Carers' Centre",
        "{place} Disability Forum",
        "{place} Youth Project",
        "{place} Credit Union",
        "{place} Community Transport",
        "{place} Faith Forum",
        "Home-Start {place}",
        "{place} Refugee Support Group",
        "{place} LGBT Forum",
        "{place} Mencap",
        "{place} Parents' Forum",
        "{place} Community Association",
    ],
    "womens": [
        "{place} Women's Aid",
        "{place} Women's Centre",
        "{place} Rape Crisis",
        "{place} Asian Women's Project",
        "{place} Black Women's Forum",
    ],
    "business": ["{place} Business Forum", "{place} Chamber of Commerce", "{place} Traders"],
    "other": ["{place} College", "Jobcentre Plus {place}", "{place} Community Housing"],
    "infrastructure": [
        "{place} Council for Voluntary Service",
        "Voluntary Action {place}",
        "{place} Rural Community Council",
        "{place} Equalities Network",
    ],
    "council": ["{place} Council"],
    "health": ["{place} Primary Care Trust"],
    "police": ["{place} Police"],
}
INFRASTRUCTURE_TYPES = ["cvs", "cvs", "rcc", "equalities", "other"]
SECTORS = [
    ("local_authority", 22),
    ("health", 12),
    ("police", 8),
    ("business", 12),
    ("vcs", 30),
    ("other", 16),
]
KIND_FOR_SECTOR = {
    "local_authority": "council",
    "health": "health",
    "police": "police",
    "business": "business",
    "vcs": "vcs",
    "other": "other",
}
ROLES = [
    ("", 30),
    ("Member", 30),
    ("Board member", 20),
    ("Chair", 4),
    ("Vice-chair", 4),
    ("Observer", 6),
    ("Adviser", 6),
]
SELECTIONS = [("elected", 40), ("appointed", 30), ("nominated", 20), ("other", 5), ("", 5)]
FIRST_NAMES = (
    "Aisha Alan Alice Amir Amy Andrew Angela Anna Anne Barbara Ben Bernadette Carol Catherine "
    "Chloe Christine Claire Colin Daniel David Deborah Dev Diane Elaine Eleanor Emma Fatima "
    "Fiona Frances Gail Gareth Grace Hannah Harpreet Helen Ian Imran Jane Janet Jean Jennifer "
    "Joan John Joy Julie Karen Kate Kevin Lakshmi Laura Linda Lorraine Lucy Margaret Maria "
    "Marie Mark Mary Michael Michelle Nadia Naomi Nasreen Nicola Patricia Paul Pauline Peter "
    "Priya Rachel Rebecca Richard Rita Robert Ruth Sally Samina Sandra Sarah Sharon Shirley "
    "Simon Sophie Stephen Susan Tariq Teresa Thomas Tracey Valerie Wendy Yasmin Yvonne Zara"
).split()
LAST_NAMES = (
    "Adams Ahmed Ali Allen Anderson Bailey Baker Begum Bell Bennett Brown Campbell Carter "
    "Chapman Clark Clarke Collins Cook Cooper Davies Davis Edwards Evans Fisher Green Griffiths "
    "Hall Harris Harrison Hill Holmes Hughes Hussain Jackson James Johnson Jones Kaur Kelly "
    "Khan King Lee Lewis Martin Mason Mills Mitchell Moore Morgan Morris Murphy Nelson "
    "Oduya O'Brien Okafor Owen Parker Patel Phillips Price Roberts Robinson Rogers Russell "
    "Scott Shah Shaw Singh Smith Stevens Taylor Thomas Thompson Turner Walker Ward Watson "
    "White Williams Wilson Wood Wright Young"
).split()
NETWORK_KINDS = [("cen", 40), ("womens_network", 35), ("womens_forum", 25)]
NETWORK_NAMES = {
    "cen": "{place} Community Empowerment Network",
    "womens_network": "{place} Women's Network",
    "womens_forum": "{place} Women's Forum",
}
NETWORK_STATUSES = [("active", 60), ("struggling", 25), ("ceased", 15)]
FUNDINGS = [("funded", 45), ("partly_lost", 22), ("lost", 18), ("unknown", 15)]

COLUMNS = {
    "partnerships_partnership": (
        "id last_verified_on is_demo name slug website contact_email contact_phone "
        "description has_womens_forum verified_by_id search_name"
    ),
    "partnerships_partnership_areas": "id partnership_id area_id",
    "partnerships_body": (
        "id last_verified_on is_demo kind theme name verified_by_id partnership_id feeds_into_id"
    ),
    "partnerships_organisation": (
        "id last_verified_on is_demo name slug kind infrastructure_type is_womens_organisation "
        "website email phone charity_number verified_by_id national_help"
    ),
    "partnerships_organisation_areas": "id organisation_id area_id",
    "partnerships_person": (
        "id last_verified_on is_demo name email phone publish_contact consent_given_on "
        "consent_method verified_by_id"
    ),
    "partnerships_seat": (
        "id last_verified_on is_demo sector role selection start_date end_date body_id "
        "organisation_id verified_by_id person_id vacant selection_closes how_to_apply"
    ),
    "partnerships_document": (
        "id last_verified_on is_demo kind title start_year end_year url priorities "
        "verified_by_id organisation_id partnership_id"
    ),
    "networks_network": (
        "id last_verified_on is_demo name slug kind status funding status_checked_on website "
        "email phone description partnership_id region_id verified_by_id"
    ),
    "networks_network_areas": "id network_id area_id",
    "networks_network_members": "id network_id organisation_id",
}


@dataclass(frozen=True)
class AreaRow:
    id: int
    gss_code: str
    name: str
    kind: str
    region_id: int
    parent_id: int | None
    is_current: bool

    @property
    def place(self):
        """The name people use: 'Bristol' for 'Bristol, City of'."""
        return self.name.split(",")[0].strip()


def weighted(rng, pairs):
    values = [value for value, _ in pairs]
    cum, total = [], 0
    for _, weight in pairs:
        total += weight
        cum.append(total)
    return lambda: rng.choices(values, cum_weights=cum)[0]


def day(rng, first_year, last_year):
    start = datetime.date(first_year, 1, 1).toordinal()
    end = datetime.date(last_year, 12, 28).toordinal()
    return datetime.date.fromordinal(rng.randint(start, end)).isoformat()


class Generator:
    """Every table's rows, in foreign-key order, from one random.Random(seed). Dates are
    fixed years (not relative to today), so a seed gives the same directory on any day."""

    def __init__(self, *, scale, seed, areas, regions):
        from django.utils.text import slugify

        from partnerships.text import fold

        self.slugify, self.fold = slugify, fold
        self.rng = random.Random(seed)
        self.size = sizes(scale)
        self.areas = areas
        self.regions = regions  # id -> (name, slug)
        self.slugs = {}  # table -> set of slugs
        self.names = {}  # table -> {name: count}

    def unique(self, table, name):
        seen = self.names.setdefault(table, {})
        n = seen.get(name, 0) + 1
        seen[name] = n
        return name if n == 1 else f"{name} ({n})"

    def slug(self, table, name):
        taken = self.slugs.setdefault(table, set())
        base = self.slugify(name)[:80].strip("-") or "record"
        slug, n = base, 2
        while slug in taken:
            suffix = f"-{n}"
            slug, n = base[: 80 - len(suffix)] + suffix, n + 1
        taken.add(slug)
        return slug

    def verified(self):
        return None if self.rng.random() < 0.1 else day(self.rng, 2019, 2025)

    # Partnerships, their areas and bodies -----------------------------------------------

    def place_partnerships(self):
        rng = self.rng
        by_code = {a.gss_code: a for a in self.areas}
        lower = [a for a in self.areas if a.is_current and a.kind != "county"]
        counties = [a for a in self.areas if a.is_current and a.kind == "county"]
        old = [a for a in self.areas if not a.is_current]
        by_region = {}
        for area in lower:
            by_region.setdefault(area.region_id, []).append(area)
        homes = [by_code[code] for _, code, _ in TOWNS for _ in range(PER_TOWN)]
        homes += lower  # every current area has one before any has a second
        while len(homes) < self.size["partnerships"]:
            r = rng.random()
            homes.append(rng.choice(lower if r < 0.85 else counties if r < 0.95 else old))
        self.partnership_areas = []  # per partnership: its area rows, first is home
        for home in homes[: self.size["partnerships"]]:
            covered = [home]
            if rng.random() < 0.1:
                other = rng.choice(by_region[home.region_id])
                if other.id != home.id:
                    covered.append(other)
            self.partnership_areas.append(covered)

    def partnerships(self):
        rng, count = self.rng, {}
        self.partnership_names = []
        for pk, covered in enumerate(self.partnership_areas, start=1):
            place = covered[0].place
            k = count.get(place, 0)
            count[place] = k + 1
            suffix = SUFFIXES[k % len(SUFFIXES)]
            name = f"{place} {suffix}" + (
                f" {k // len(SUFFIXES) + 1}" if k >= len(SUFFIXES) else ""
            )
            slug = self.slug("partnership", name)
            self.partnership_names.append((name, slug))
            web = f"https://www.{slug[:40]}.example.org/"
            yield (
                pk,
                self.verified(),
                False,
                name,
                slug,
                web,
                f"lsp@{slug[:40]}.example.org",
                "01632 960" + f"{rng.randint(0, 999):03d}",
                f"The local strategic partnership for {place}.",
                rng.random() < 0.2,
                None,
                self.fold(name),
            )

    def bodies(self):
        rng = self.rng
        self.body_partnership = []  # body pk - 1 -> partnership pk
        pk = 0
        for partnership in range(1, len(self.partnership_areas) + 1):
            pk += 1
            board = pk
            self.body_partnership.append(partnership)
            yield (
                pk,
                self.verified(),
                False,
                "board",
                "",
                rng.choice(BOARD_NAMES),
                None,
                partnership,
                None,
            )
            for theme, name in THEME_GROUPS.items():
                pk += 1
                self.body_partnership.append(partnership)
                yield (
                    pk,
                    self.verified(),
                    False,
                    "themed_group",
                    theme,
                    name,
                    None,
                    partnership,
                    board,
                )

    # Organisations ------------------------------------------------------------------------

    def organisations(self):
        rng = self.rng
        kind_of = weighted(rng, ORGANISATION_KINDS)
        self.organisation_homes = []  # organisation pk - 1 -> list of area ids
        self.pools = {}  # (area id, kind or "womens") -> [organisation pk]
        self.kind_pools = {}  # kind or "womens" -> [organisation pk]
        self.gender_schemes = []  # council, health and police organisations
        same_region = {}
        for area in self.areas:
            if area.is_current and area.kind != "county":
                same_region.setdefault(area.region_id, []).append(area)
        for pk in range(1, self.size["organisations"] + 1):
            home = rng.choice(self.partnership_areas)[0]
            kind = kind_of()
            pool = kind
            if kind == "vcs" and rng.random() < 0.07:
                pool = "womens"
            name = self.unique(
                "organisation", rng.choice(ORGANISATION_NAMES[pool]).format(place=home.place)
            )
            slug = self.slug("organisation", name)
            covered = [home.id]
            if rng.random() < 0.1:
                other = rng.choice(same_region[home.region_id])
                if other.id != home.id:
                    covered.append(other.id)
            self.organisation_homes.append(covered)
            for area_id in covered:
                self.pools.setdefault((area_id, pool), []).append(pk)
            self.kind_pools.setdefault(pool, []).append(pk)
            if kind in ("council", "health", "police"):
                self.gender_schemes.append((pk, name))
            infrastructure = rng.choice(INFRASTRUCTURE_TYPES) if kind == "infrastructure" else ""
            charity = f"{rng.randint(200000, 1199999)}" if kind == "vcs" else ""
            yield (
                pk,
                self.verified(),
                False,
                name,
                slug,
                kind,
                infrastructure,
                pool == "womens",
                f"https://{slug[:50]}.example.org/",
                f"info@{slug[:50]}.example.org",
                f"01632 960{rng.randint(0, 999):03d}",
                charity,
                None,
                "",  # national help: the real national bodies are added after the load
            )

    # People and seats ---------------------------------------------------------------------

    def people(self):
        rng = self.rng
        for pk in range(1, self.size["people"] + 1):
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            publish = rng.random() < 0.45
            email = f"{first}.{last}{pk}@example.org".lower().replace("'", "")
            yield (
                pk,
                self.verified(),
                False,
                f"{first} {last}",
                email,
                f"01632 960{rng.randint(0, 999):03d}",
                publish,
                day(rng, 2008, 2024) if publish else None,
                "email" if publish else "",
                None,
            )

    def seat_counts(self):
        rng = self.rng
        counts = [
            rng.randint(18, 34) if n % BODIES_PER_PARTNERSHIP == 0 else rng.randint(9, 18)
            for n in range(len(self.body_partnership))
        ]
        difference = self.size["seats"] - sum(counts)
        step = 1 if difference > 0 else -1
        while difference:
            n = rng.randrange(len(counts))
            if counts[n] + step >= 1:
                counts[n] += step
                difference -= step
        return counts

    def seats(self):
        rng = self.rng
        sector_of = weighted(rng, SECTORS)
        role_of, selection_of = weighted(rng, ROLES), weighted(rng, SELECTIONS)
        people, seats = self.size["people"], self.size["seats"]
        new_person = min(1.0, people / (seats * 0.98))
        persons = 0
        pk = 0
        for body, count in enumerate(self.seat_counts(), start=1):
            home = self.partnership_areas[self.body_partnership[body - 1] - 1][0].id
            for _ in range(count):
                pk += 1
                sector = sector_of()
                pool = KIND_FOR_SECTOR[sector]
                if pool == "vcs" and rng.random() < 0.018:
                    pool = "womens"
                organisation = None
                if rng.random() >= 0.03:
                    candidates = self.pools.get((home, pool)) or self.kind_pools.get(pool)
                    organisation = rng.choice(candidates) if candidates else None
                if rng.random() < 0.02:
                    person = None  # erased at their request; the seat stays
                elif persons < people and (persons == 0 or rng.random() < new_person):
                    persons += 1
                    person = persons
                else:
                    person = rng.randint(1, persons)
                if rng.random() < 0.3:  # past
                    start = rng.randint(2000, 2016)
                    start_date = day(rng, start, start)
                    end_date = day(rng, min(start + rng.randint(1, 5), 2021), 2021)
                    if end_date < start_date:
                        end_date = start_date
                else:
                    start_date = day(rng, 2003, 2023)
                    end_date = None if rng.random() < 0.95 else day(rng, 2031, 2035)
                role = role_of()
                if sector == "vcs" and role == "":
                    role = "VCS representative"
                # One VCS seat in 200 is vacant (by id, so the random draws stay the same).
                vacant = sector == "vcs" and pk % 200 == 0
                yield (
                    pk,
                    self.verified(),
                    False,
                    sector,
                    role,
                    selection_of(),
                    None if vacant else start_date,
                    None if vacant else end_date,
                    body,
                    None if vacant else organisation,
                    None,
                    None if vacant else person,
                    vacant,
                    VACANCY_CLOSES if vacant and pk % 400 else None,
                    "Ask the local CVS for a nomination form." if vacant else "",
                )

    # Documents and networks -----------------------------------------------------------------

    def documents(self):
        rng, pk = self.rng, 0
        for partnership, (name, slug) in enumerate(self.partnership_names, start=1):
            start = rng.randint(2006, 2010)
            for kind, title, years in (
                ("scs", f"{name} Sustainable Community Strategy", 12),
                ("laa", f"{name} Local Area Agreement", 3),
            ):
                pk += 1
                yield (
                    pk,
                    self.verified(),
                    False,
                    kind,
                    title,
                    start,
                    start + years,
                    f"https://www.{slug[:40]}.example.org/{kind}.pdf",
                    "Safer, stronger communities\nHealthier lives\nA thriving economy",
                    None,
                    None,
                    partnership,
                )
        for organisation, name in self.gender_schemes:
            if rng.random() < 0.6:
                pk += 1
                year = rng.randint(2007, 2010)
                yield (
                    pk,
                    self.verified(),
                    False,
                    "ges",
                    f"{name} Gender Equality Scheme",
                    year,
                    year + 1,
                    "",
                    "",
                    None,
                    organisation,
                    None,
                )

    def networks(self):
        rng = self.rng
        kind_of, status_of = weighted(rng, NETWORK_KINDS), weighted(rng, NETWORK_STATUSES)
        funding_of = weighted(rng, FUNDINGS)
        self.network_areas, self.network_members = [], []
        for pk in range(1, self.size["networks"] + 1):
            partnership = rng.randrange(len(self.partnership_areas))
            covered = self.partnership_areas[partnership]
            kind = kind_of()
            region, feeds = None, None
            if rng.random() < 0.08:  # a regional network
                region = covered[0].region_id
                place = f"{self.regions[region][0]} Regional"
                areas = []
            else:
                place = covered[0].place
                areas = [area.id for area in covered]
                feeds = partnership + 1 if rng.random() < 0.7 else None
            name = self.unique("network", NETWORK_NAMES[kind].format(place=place))
            slug = self.slug("network", name)
            pool = self.pools.get((covered[0].id, "vcs"), []) + self.pools.get(
                (covered[0].id, "womens"), []
            )
            members = sorted(set(rng.sample(pool, min(len(pool), rng.randint(5, 15)))))
            self.network_areas.append(areas)
            self.network_members.append(members)
            yield (
                pk,
                self.verified(),
                False,
                name,
                slug,
                kind,
                status_of(),
                funding_of(),
                day(rng, 2008, 2025) if rng.random() < 0.85 else None,
                f"https://{slug[:50]}.example.org/",
                f"hello@{slug[:50]}.example.org",
                f"01632 960{rng.randint(0, 999):03d}",
                "",
                feeds,
                region,
                None,
            )

    def tables(self):
        """(table, rows) in an order where every row's references come first. Each table's
        rows must be consumed before the next table is asked for (they share the rng)."""
        self.place_partnerships()
        yield "partnerships_partnership", self.partnerships()
        yield (
            "partnerships_partnership_areas",
            link_rows([a.id for a in covered] for covered in self.partnership_areas),
        )
        yield "partnerships_body", self.bodies()
        yield "partnerships_organisation", self.organisations()
        yield "partnerships_organisation_areas", link_rows(self.organisation_homes)
        yield "partnerships_person", self.people()
        yield "partnerships_seat", self.seats()
        yield "partnerships_document", self.documents()
        yield "networks_network", self.networks()
        yield "networks_network_areas", link_rows(self.network_areas)
        yield "networks_network_members", link_rows(self.network_members)


def insert(raw, vendor, table, rows):
    """Bulk insert: COPY on PostgreSQL, executemany on SQLite. The number of rows."""
    columns = COLUMNS[table].split()
    count = 0
    if vendor == "postgresql":
        with raw.cursor() as cursor:
            with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
        return count

    def counted():
        nonlocal count
        for row in rows:
            count += 1
            yield row

    marks = ", ".join("?" * len(columns))
    raw.cursor().executemany(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", counted()
    )
    return count


def build(*, scale, seed):
    """Fill the (migrated, areas loaded, otherwise empty) database. Returns the counts."""
    from django.apps import apps as django_apps
    from django.core.management.color import no_style
    from django.db import connection, transaction

    from curation.history import history_first_versions_ensure
    from networks.models import Network

    national_bodies_add = importlib.import_module(
        "partnerships.migrations.0007_national_help_bodies"
    ).add_national_bodies
    from partnerships.models import (
        Area,
        Body,
        Document,
        Organisation,
        Partnership,
        Person,
        Region,
        Seat,
    )

    areas = [
        AreaRow(*row)
        for row in Area.objects.order_by("gss_code").values_list(
            "id", "gss_code", "name", "kind", "region_id", "parent_id", "is_current"
        )
    ]
    regions = {
        pk: (name, slug) for pk, name, slug in Region.objects.values_list("pk", "name", "slug")
    }
    generator = Generator(scale=scale, seed=seed, areas=areas, regions=regions)
    vendor = connection.vendor
    connection.ensure_connection()
    raw = connection.connection
    counts = {}
    if vendor == "sqlite":
        raw.execute("PRAGMA foreign_keys = OFF")  # the generator keeps every reference
        raw.execute("PRAGMA synchronous = OFF")
    with transaction.atomic():
        # The migrations recorded the national help bodies; the generated organisations
        # take ids from 1, so they go first and come back after the load, as in production.
        Organisation.history.all().delete()
        Organisation.objects.all().delete()
        if vendor == "postgresql":
            # Skip the row-by-row foreign key triggers while loading (superuser only).
            with raw.cursor() as cursor:
                cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
                if cursor.fetchone()[0]:
                    cursor.execute("SET LOCAL session_replication_role = replica")
        for table, rows in generator.tables():
            started = time.perf_counter()
            counts[table] = insert(raw, vendor, table, rows)
            print(
                f"    {table:<34}{counts[table]:>9,} rows {time.perf_counter() - started:6.1f}s",
                flush=True,
            )
        models = [Partnership, Body, Organisation, Person, Seat, Document, Network]
        models += [Partnership.areas.through, Organisation.areas.through]
        models += [Network.areas.through, Network.members.through]
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(statement)
            cursor.execute(
                f"CREATE TABLE IF NOT EXISTS {MARKER_TABLE} (key text PRIMARY KEY, value text)"
            )
            marker = {**marker_for(scale, seed), "counts": counts}
            cursor.execute(
                f"INSERT INTO {MARKER_TABLE} (key, value) VALUES ('dataset', %s)",
                [json.dumps(marker)],
            )
        national_bodies_add(django_apps, None)
        started = time.perf_counter()
        versions = sum(history_first_versions_ensure(reason="Bench data").values())
        seconds = time.perf_counter() - started
        print(f"    {'first versions':<34}{versions:>9,} rows {seconds:6.1f}s", flush=True)
    if vendor == "sqlite":
        raw.execute("PRAGMA foreign_keys = ON")
        started = time.perf_counter()
        raw.execute("ANALYZE")  # SQLite keeps no statistics until asked: its planner needs them
        print(f"    ANALYZE {time.perf_counter() - started:.1f}s", flush=True)
    else:
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")  # what autovacuum would do after a bulk load
        print(f"    VACUUM ANALYZE {time.perf_counter() - started:.1f}s", flush=True)
    return counts


def prepare(args):
    url = args.database_url
    check_throwaway(url)
    wanted = marker_for(args.scale, args.seed)
    found = read_marker(url)
    if found and not args.rebuild and {k: found.get(k) for k in wanted} == wanted:
        print(f"  reusing {redact(url)} (seed {args.seed}, scale {args.scale})", flush=True)
        setup_django(url)
        from django.core.management import call_command

        # Migrations added since the dataset was built (new tables, columns with defaults).
        call_command("migrate", verbosity=0)
        summary_made()
        return
    started = time.perf_counter()
    print(f"  building {redact(url)} (seed {args.seed}, scale {args.scale})", flush=True)
    wipe(url)
    setup_django(url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    with open(os.devnull, "w") as quiet:
        call_command("load_areas", stdout=quiet)
    print(f"    migrate and load_areas {time.perf_counter() - started:.1f}s", flush=True)
    build(scale=args.scale, seed=args.seed)
    summary_made()
    seconds = time.perf_counter() - started
    print(f"  built in {seconds:.1f}s", flush=True)
    if args.json:
        save(args.json, {"build_seconds": seconds})


def summary_made():
    """The report's stored summary, made for today if it is not up to date. The bulk load
    queued every row it inserted on SQLite (PostgreSQL's load runs with triggers off): the
    summary is made whole, so the queue is emptied first."""
    from partnerships import summary
    from partnerships.models import TallyQueue

    started = time.perf_counter()
    TallyQueue.objects.all().delete()
    summary.up_to_date()
    print(f"    report summary {time.perf_counter() - started:.1f}s", flush=True)


def measure_summary():
    """How long the report's summary takes to make whole (once a day) and to bring up to
    date after a curator's save (paid by the saving request): five seats saved, one at a
    time, as the admin saves them (with their history)."""
    from django.utils import timezone

    from partnerships import summary
    from partnerships.models import Seat

    started = time.perf_counter()
    summary.refresh(rebuild_all=True)
    rebuild = time.perf_counter() - started
    times = []
    for seat in Seat.objects.held().order_by("pk")[:5]:
        seat.last_verified_on = timezone.localdate()
        seat.save()
        started = time.perf_counter()
        summary.up_to_date()
        times.append((time.perf_counter() - started) * 1000)
    return {
        "rebuild_s": rebuild,
        "after_save_median_ms": statistics.median(times),
        "after_save_max_ms": max(times),
    }


def redact(url):
    password = urlsplit(url).password
    return url.replace(f":{password}@", ":***@") if password else url


# -- Measuring ------------------------------------------------------------------------------


def postcode_in(gss_code, outward):
    """A real postcode of the outward code that lies in the area, from the ONS data."""
    from partnerships import postcodes

    letter = postcodes._letter(outward[0])
    rows = letter.districts.get(outward) if letter else None
    for row in rows or ():
        if letter.codes[letter.which[row]] == gss_code:
            return f"{outward} {letter.inward[3 * row : 3 * row + 3].decode()}"
    return None


@dataclass
class Page:
    key: str
    label: str
    urls: list  # rotated while timing; the first one is used for the query count


def pages():
    """The pages measured, with URLs that exist at every scale."""
    from partnerships.models import Partnership

    towns = [town for town, _, _ in TOWNS]
    # A letter dropped from each: no real place is called any of these ("Lees", Leeds less
    # its second "d"'s neighbour, is a place in Oldham, which a search goes straight to).
    typos = ["Leds", "Bristl", "Norwih", "Camdn", "Cornwal"]
    codes = [postcode_in(code, outward) for _, code, outward in TOWNS]
    codes = [code for code in codes if code]
    first = [f"{slug}" for slug in ["leeds-partnership"]]
    rng = random.Random(7)
    slugs = list(Partnership.objects.order_by("pk").values_list("slug", flat=True))
    sample = first + rng.sample(slugs, min(19, len(slugs)))
    filters = urlencode({"region": FILTER_REGION, "sector": "vcs", "womens": "no"})
    return [
        Page("home", "home page /", ["/"]),
        Page(
            "search_place",
            f"search place ({', '.join(towns)})",
            [f"/search/?{urlencode({'q': t})}" for t in towns],
        ),
        Page(
            "search_typo",  # one letter dropped: matches nothing, then trigram similarity
            f"search typo ({', '.join(typos)})",
            [f"/search/?{urlencode({'q': t})}" for t in typos],
        ),
        Page(
            "search_postcode",
            f"search postcode ({', '.join(codes)})",
            [f"/search/?{urlencode({'q': c})}" for c in codes],
        ),
        Page(
            "partnership",
            "partnership page (20 of them)",
            [f"/partnerships/{slug}/" for slug in sample],
        ),
        Page(
            "representatives_filtered",
            "/representatives/ region+vcs+womens=no",
            [f"/representatives/?{filters}"],
        ),
        Page("representatives", "/representatives/ (no filter)", ["/representatives/"]),
        Page("representation", "/representation/ (report)", ["/representation/"]),
        Page(
            "representation_region",
            "/representation/ a region (report)",
            [f"/representation/?region={FILTER_REGION}"],
        ),
        Page("networks", "/networks/", ["/networks/"]),
        Page("get_involved", "/get-involved/ (open seats)", ["/get-involved/"]),
        Page(
            "api_seats",
            "/api/v1/seats/ region+vcs (API)",
            [f"/api/v1/seats/?{urlencode({'region': FILTER_REGION, 'sector': 'vcs'})}"],
        ),
        Page("api_partnerships", "/api/v1/partnerships/ (API)", ["/api/v1/partnerships/"]),
    ]


def link_rows(links):
    """Rows (pk, owner pk, target pk) of a many-to-many table, from a list whose n-th item
    holds the target pks of owner n + 1."""
    pk = 0
    for owner, targets in enumerate(links, start=1):
        for target in targets:
            pk += 1
            yield (pk, owner, target)


def percentile(values, p):
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    low, high = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def time_page(client, page, requests, budget):
    """Median and p95 milliseconds over `requests` requests (fewer past `budget` seconds),
    rotating the page's URLs, after one warm-up request per URL: first with the page cache
    emptied before each request (the cost of making the page), then served from the cache
    (what a repeat visitor gets while the data is unchanged)."""
    from django.core.cache import cache

    statuses = set()
    for url in page.urls:
        statuses.add(client.get(url).status_code)

    def measure(cold):
        times = []
        started = time.perf_counter()
        for n in range(requests):
            url = page.urls[n % len(page.urls)]
            if cold:
                cache.clear()
            t0 = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - t0) * 1000)
            statuses.add(response.status_code)
            if time.perf_counter() - started > budget and len(times) >= 5:
                break
        return times

    cold, warm = measure(cold=True), measure(cold=False)
    return {
        "n": len(cold),
        "median_ms": statistics.median(cold),
        "p95_ms": percentile(cold, 95),
        "cached_median_ms": statistics.median(warm),
        "cached_p95_ms": percentile(warm, 95),
        "statuses": sorted(statuses),
    }


def count_queries(client, url):
    """The queries one request makes, and the slowest of them (timed with perf_counter:
    Django rounds the captured times to whole milliseconds). Counted with the page cache
    empty: the queries of making the page, not of serving it from the cache."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cache.clear()
    timings = []

    def timed(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            timings.append(time.perf_counter() - started)

    with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(timed):
        response = client.get(url)
        if response.streaming:
            for _ in response.streaming_content:
                pass
    sqls = [query["sql"] for query in captured.captured_queries]
    if len(timings) != len(sqls):  # not expected; fall back to Django's rounded times
        timings = [float(query["time"] or 0) for query in captured.captured_queries]
    slowest = max(zip(timings, sqls, strict=True), default=(0.0, ""))
    return {
        "queries": len(sqls),
        "status": response.status_code,
        "sql_ms": sum(timings) * 1000,
        "slowest_ms": slowest[0] * 1000,
        "slowest_sql": slowest[1],
    }


def consume(client, url):
    """Stream the response body as a client would; (rows after the header, bytes)."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    size = lines = 0
    try:
        for chunk in response.streaming_content:
            size += len(chunk)
            lines += chunk.count(b"\n")
    finally:
        response.close()
    return lines - 1, size


# Exports and the database's own COPY are each timed this many times, in turn (ours, COPY,
# ours...), the fastest of each kept: on a busy 2-core machine one run of either ranged over
# half its speed (ours / COPY 0.57 to 1.11), and taken in turn both meet the same moments.
EXPORT_RUNS = 3


def fastest(*runs, times=EXPORT_RUNS):
    """[(seconds, result)] of the fastest call of each function, called in turn `times`."""
    best = [None] * len(runs)
    for _ in range(times):
        for n, run in enumerate(runs):
            started = time.perf_counter()
            result = run()
            seconds = time.perf_counter() - started
            if best[n] is None or seconds < best[n][0]:
                best[n] = (seconds, result)
    return best


def measure_export(client, url, baseline=False):
    """The export's speed and peak memory; with baseline, also the database's own export of
    the same rows (raw_export), timed in turn with it."""
    from django.db import connection

    def raw():
        connection.ensure_connection()  # a request's end may have closed it (SQLite)
        return raw_export(connection.connection, connection.vendor == "postgresql")

    runs = [lambda: consume(client, url)]
    if baseline:
        runs.append(raw)
    timed = fastest(*runs)
    seconds, (rows, size) = timed[0]
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        consume(client, url)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    measured = {
        "rows": rows,
        "seconds": seconds,
        "rows_per_s": rows / seconds,
        "mb": size / 1e6,
        "peak_kib": peak / 1024,
    }
    if not baseline:
        return measured, None
    seconds, (rows, how) = timed[1]
    return measured, {"how": how, "rows": rows, "seconds": seconds, "rows_per_s": rows / seconds}


# The CSV export's 20 columns (partnerships.exports.HEADERS), raw, of the same rows in the same
# order: what the database alone does to write the file.
COPY_SQL = """
SELECT pl.area_code, p.name, b.name, b.kind, b.theme, pe.name, s.role, s.sector, o.name,
       CASE WHEN o.is_womens_organisation THEN 'yes' ELSE 'no' END,
       CASE WHEN pe.publish_contact THEN pe.email ELSE '' END,
       CASE WHEN pe.publish_contact THEN pe.phone ELSE '' END,
       CASE WHEN pe.publish_contact THEN 'yes' ELSE 'no' END,
       s.selection, s.start_date, s.end_date, s.selection_closes, s.how_to_apply, pl.area_name,
       pl.region
FROM partnerships_seat s
JOIN partnerships_body b ON b.id = s.body_id
JOIN partnerships_partnership p ON p.id = b.partnership_id
LEFT JOIN partnerships_person pe ON pe.id = s.person_id
LEFT JOIN partnerships_organisation o ON o.id = s.organisation_id
LEFT JOIN ({places}) pl ON pl.partnership_id = p.id
WHERE NOT s.vacant
ORDER BY p.name, b.kind, b.name, pe.name, s.id
"""
PG_PLACES = """
SELECT pa.partnership_id, (array_agg(a.gss_code ORDER BY a.gss_code))[1] AS area_code,
       string_agg(a.name, '; ' ORDER BY a.gss_code) AS area_name,
       string_agg(DISTINCT r.name, '; ') AS region
FROM partnerships_partnership_areas pa
JOIN partnerships_area a ON a.id = pa.area_id
JOIN partnerships_region r ON r.id = a.region_id
GROUP BY pa.partnership_id
"""
SQLITE_PLACES = """
SELECT pa.partnership_id, min(a.gss_code) AS area_code, group_concat(a.name, '; ') AS area_name,
       group_concat(DISTINCT r.name) AS region
FROM partnerships_partnership_areas pa
JOIN partnerships_area a ON a.id = pa.area_id
JOIN partnerships_region r ON r.id = a.region_id
GROUP BY pa.partnership_id
"""


def raw_export(raw, postgresql):
    """The database's own fastest way to the same rows as CSV, on the raw connection: COPY
    ... TO STDOUT on PostgreSQL; on SQLite a raw sqlite3 cursor written by csv.writer to
    nowhere. (rows, how)."""
    rows = size = 0
    if postgresql:
        sql = COPY_SQL.format(places=PG_PLACES)
        with raw.cursor() as cursor:
            with cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv, HEADER)") as copy:
                for block in copy:
                    size += len(block)
                    rows += bytes(block).count(b"\n")
        rows -= 1
        how = "PostgreSQL COPY (same columns, joins, order) TO STDOUT"
    else:

        class Sink:
            def write(self, text):
                nonlocal size
                size += len(text)

        writer = csv.writer(Sink())
        cursor = raw.execute(COPY_SQL.format(places=SQLITE_PLACES))
        while batch := cursor.fetchmany(2000):
            writer.writerows(batch)
            rows += len(batch)
        how = "raw sqlite3 SELECT (same joins, order) + csv.writer"
    return rows, how


def explain(sql):
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
        return "\n".join(" | ".join(str(c) for c in row) for row in cursor.fetchall())


def load_urls(count=400):
    """A mixed read workload for the load test, shuffled: search by place and by postcode,
    partnership pages, filtered representatives lists, networks, the report, open seats,
    the API's seat and partnership lists, the home page."""
    from networks.models import Network
    from partnerships.models import Area, Partnership, Region

    rng = random.Random(11)
    places = [t for t, _, _ in TOWNS] + sorted(
        {a.split(",")[0] for a in Area.objects.values_list("name", flat=True)}
    )
    codes = [c for c in (postcode_in(code, out) for _, code, out in TOWNS) if c]
    slugs = list(Partnership.objects.values_list("slug", flat=True))
    regions = list(Region.objects.values_list("slug", flat=True))
    gss = list(Area.objects.current().values_list("gss_code", flat=True))
    networks = list(Network.objects.values_list("slug", flat=True)[:2000])

    def representatives():
        query = rng.choice(
            [
                {"region": rng.choice(regions), "sector": "vcs", "womens": "no"},
                {"region": rng.choice(regions), "sector": "vcs"},
                {"area": rng.choice(gss)},
                {"sector": rng.choice(["vcs", "health", "police"]), "page": rng.randint(1, 5)},
                {"region": rng.choice(regions), "status": "past", "order": "name"},
            ]
        )
        return f"/representatives/?{urlencode(query)}"

    def report():
        return rng.choice(["/representation/", f"/representation/?region={rng.choice(regions)}"])

    def get_involved():
        return rng.choice(["/get-involved/", f"/get-involved/?region={rng.choice(regions)}"])

    def api_seats():
        query = rng.choice(
            [
                {},
                {"region": rng.choice(regions), "sector": "vcs"},
                {"area": rng.choice(gss)},
                {"status": "all", "page": rng.randint(2, 5)},
            ]
        )
        return "/api/v1/seats/" + (f"?{urlencode(query)}" if query else "")

    def api_partnerships():
        last_page = max(1, -(-len(slugs) // 100))  # the API's pages hold 100
        query = rng.choice([{}, {"region": rng.choice(regions)}, {"page": last_page}])
        return "/api/v1/partnerships/" + (f"?{urlencode(query)}" if query else "")

    mix = [
        (18, lambda: f"/search/?{urlencode({'q': rng.choice(places)})}"),
        (13, lambda: f"/search/?{urlencode({'q': rng.choice(codes)})}"),
        (25, lambda: f"/partnerships/{rng.choice(slugs)}/"),
        (13, representatives),
        (
            4,
            lambda: rng.choice(
                ["/networks/", "/networks/?kind=cen", "/networks/?kind=womens_forum"]
            ),
        ),
        (4, lambda: f"/networks/{rng.choice(networks)}/"),
        (5, report),
        (5, get_involved),
        (6, api_seats),
        (4, api_partnerships),
        (3, lambda: "/"),
    ]
    urls = []
    for weight, make in mix:
        urls += [make() for _ in range(count * weight // 100)]
    rng.shuffle(urls)
    return urls


def measure(args):
    setup_django(args.database_url)
    from django.db import connection
    from django.test import Client

    from partnerships.models import Seat

    what = set(args.what.split(","))
    client = Client()
    results = {"vendor": connection.vendor, "seats": Seat.objects.count()}
    page_list = pages()
    if "pages" in what:
        print(f"  timing pages ({args.requests} requests each after warm-up)", flush=True)
        results["pages"] = {}
        for page in page_list:
            timing = time_page(client, page, args.requests, args.budget)
            results["pages"][page.key] = {"label": page.label, **timing}
            print(
                f"    {page.label:<52} median {timing['median_ms']:8.1f} ms  "
                f"p95 {timing['p95_ms']:8.1f} ms  (n={timing['n']}, {timing['statuses']})",
                flush=True,
            )
    export_url = "/representatives/export.csv?status=all"
    if "queries" in what:
        results["queries"] = {}
        for page in [*page_list, Page("export", "CSV export (all seats)", [export_url])]:
            results["queries"][page.key] = {
                "label": page.label,
                **count_queries(client, page.urls[0]),
            }
        if args.explain:
            with open(args.explain, "w") as out:
                for key, found in results["queries"].items():
                    sql = found["slowest_sql"]
                    if not sql or key == "export" and connection.vendor == "postgresql":
                        continue
                    out.write(f"== {key}: slowest query ({found['slowest_ms']:.1f} ms)\n{sql}\n")
                    try:
                        out.write(explain(sql) + "\n\n")
                    except Exception as error:  # a query the EXPLAIN prefix cannot take
                        out.write(f"(no plan: {error})\n\n")
    if "export" in what:
        exports = [("export", export_url)]
        if "region_export" in what:  # a ninth of the rows, the same partnerships
            exports.append(("region_export", f"{export_url}&region={FILTER_REGION}"))
        for key, url in exports:
            print(f"  exporting {url} ({results['seats']:,} seats)", flush=True)
            baseline = key == "export" and "copy" in what
            measured, base = measure_export(client, url, baseline=baseline)
            results[key] = e = {"url": url, **measured}
            if base:
                results["baseline"] = base
                print(f"    {base['how']}: {base['rows']:,} rows in {base['seconds']:.1f}s")
            print(
                f"    {e['rows']:,} rows in {e['seconds']:.1f}s = {e['rows_per_s']:,.0f} rows/s, "
                f"{e['mb']:.0f} MB, peak {e['peak_kib']:,.0f} KiB",
                flush=True,
            )
    if "summary" in what:
        results["summary"] = s = measure_summary()
        print(
            f"  report summary: made whole in {s['rebuild_s']:.1f}s; up to date after a save in "
            f"{s['after_save_median_ms']:.0f} ms (median of 5; most {s['after_save_max_ms']:.0f})",
            flush=True,
        )
    if args.urls:
        Path(args.urls).write_text("\n".join(load_urls()) + "\n")
    if args.json:
        save(args.json, results)


def save(path, data):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1, default=str))


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m bench.scale",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("prepare")
    p.add_argument("--database-url", required=True)
    p.add_argument("--scale", type=float, default=1.0)
    p.add_argument("--seed", type=int, default=DEFAULT_SEED)
    p.add_argument("--rebuild", action="store_true")
    p.add_argument("--json")
    m = sub.add_parser("measure")
    m.add_argument("--database-url", required=True)
    m.add_argument("--what", default="pages,queries,export,region_export,copy")
    m.add_argument("--requests", type=int, default=50)
    m.add_argument("--budget", type=float, default=20.0, help="Seconds at most per page.")
    m.add_argument("--json")
    m.add_argument("--explain", help="Write EXPLAIN of each page's slowest query here.")
    m.add_argument("--urls", help="Write the load test's URL list here.")
    args = parser.parse_args(argv)
    if args.command == "prepare":
        prepare(args)
    else:
        measure(args)


if __name__ == "__main__":
    main()
