"""An invented demonstration directory on the real areas: `python manage.py load_demo`.

The areas are real (loaded by `load_areas`), and so are the names of the public bodies of the
time (councils, Primary Care Trusts, police forces); the LSP names are real or in their style.
Everything else is made up: the people, the voluntary and community organisations, the seats,
networks and documents. Every row is marked `is_demo`, so each public page can say so.

Loading deletes the previous demo rows and builds them again from one `random.Random(seed)`
in one transaction: the same seed gives the same directory, and a second load adds nothing.
Dates of checks (`last_verified_on`, `status_checked_on`) count back from `today`, so that some
records always look fresh and some stale whatever the day the demo is loaded.

Every demo record gets one first version in its history (many-to-many rows included), so a
curator's first edit can be undone; the history of the demo records a load deletes goes with
them, so loading again leaves the history tables as they were.
"""

import datetime
import random
import re
from dataclasses import dataclass, field

from django.db import models, transaction
from django.db.models.deletion import ProtectedError, RestrictedError
from django.utils import timezone
from django.utils.text import slugify

from curation.history import history_first_versions_ensure, history_forget
from networks.choices import Funding, NetworkKind, NetworkStatus
from networks.models import Network

from .choices import (
    BodyKind,
    DocumentKind,
    InfrastructureType,
    OrganisationKind,
    Sector,
    Selection,
    Theme,
)
from .models import (
    Area,
    Body,
    Document,
    Organisation,
    Partnership,
    Person,
    Seat,
    curated_models,
)

DEFAULT_SEED = 2008


class DemoError(Exception):
    """The demo cannot be loaded or cleared; the message says why and what to do."""


@dataclass(frozen=True)
class Place:
    """One demo partnership on one real area, with the public bodies of the time."""

    code: str  # GSS code of a real, current area
    place: str  # the name people use in titles: "Hull", not "Kingston upon Hull, City of"
    lsp: str
    council: str
    health: str  # the Primary Care Trust of 2008
    police: str
    rcc: str = ""  # its Rural Community Council, if rural
    cvs: str = ""  # its Council for Voluntary Service, when the pattern name won't do


# Forty LSPs in all nine regions: unitaries, metropolitan districts, London boroughs, a few
# districts and five county-level partnerships.
PLACES = [
    # North East
    Place("E06000001", "Hartlepool", "Hartlepool Partnership", "Hartlepool Borough Council",
          "Hartlepool Primary Care Trust", "Cleveland Police",
          cvs="Hartlepool Voluntary Development Agency"),
    Place("E08000021", "Newcastle", "Newcastle Partnership", "Newcastle City Council",
          "Newcastle Primary Care Trust", "Northumbria Police"),
    Place("E08000024", "Sunderland", "Sunderland Partnership", "Sunderland City Council",
          "Sunderland Teaching Primary Care Trust", "Northumbria Police"),
    Place("E06000047", "County Durham", "County Durham Partnership", "Durham County Council",
          "County Durham Primary Care Trust", "Durham Constabulary",
          rcc="Durham Rural Community Council"),
    # North West
    Place("E08000003", "Manchester", "Manchester Partnership", "Manchester City Council",
          "Manchester Primary Care Trust", "Greater Manchester Police"),
    Place("E08000006", "Salford", "Partners IN Salford", "Salford City Council",
          "Salford Primary Care Trust", "Greater Manchester Police"),
    Place("E08000012", "Liverpool", "Liverpool First", "Liverpool City Council",
          "Liverpool Primary Care Trust", "Merseyside Police"),
    Place("E06000008", "Blackburn with Darwen",
          "Blackburn with Darwen Local Strategic Partnership",
          "Blackburn with Darwen Borough Council",
          "Blackburn with Darwen Teaching Care Trust Plus", "Lancashire Constabulary"),
    Place("E07000117", "Burnley", "Burnley Action Partnership", "Burnley Borough Council",
          "East Lancashire Primary Care Trust", "Lancashire Constabulary"),
    Place("E10000017", "Lancashire", "Lancashire Partnership", "Lancashire County Council",
          "Central Lancashire Primary Care Trust", "Lancashire Constabulary",
          rcc="Lancashire Rural Community Council"),
    # Yorkshire and The Humber
    Place("E08000035", "Leeds", "Leeds Initiative", "Leeds City Council",
          "Leeds Primary Care Trust", "West Yorkshire Police"),
    Place("E08000039", "Sheffield", "Sheffield First Partnership", "Sheffield City Council",
          "Sheffield Primary Care Trust", "South Yorkshire Police"),
    Place("E08000032", "Bradford", "Bradford District Partnership",
          "City of Bradford Metropolitan District Council",
          "Bradford and Airedale Teaching Primary Care Trust", "West Yorkshire Police"),
    Place("E06000010", "Hull", "Hull Strategic Partnership", "Hull City Council",
          "Hull Teaching Primary Care Trust", "Humberside Police"),
    # East Midlands
    Place("E06000018", "Nottingham", "One Nottingham", "Nottingham City Council",
          "Nottingham City Primary Care Trust", "Nottinghamshire Police"),
    Place("E06000016", "Leicester", "Leicester Partnership", "Leicester City Council",
          "Leicester City Primary Care Trust", "Leicestershire Constabulary"),
    Place("E06000015", "Derby", "Derby City Partnership", "Derby City Council",
          "Derby City Primary Care Trust", "Derbyshire Constabulary"),
    Place("E10000019", "Lincolnshire", "Lincolnshire Assembly", "Lincolnshire County Council",
          "Lincolnshire Primary Care Trust", "Lincolnshire Police", rcc="Community Lincs"),
    # West Midlands
    Place("E08000025", "Birmingham", "Be Birmingham", "Birmingham City Council",
          "Heart of Birmingham Teaching Primary Care Trust", "West Midlands Police"),
    Place("E08000026", "Coventry", "Coventry Partnership", "Coventry City Council",
          "Coventry Teaching Primary Care Trust", "West Midlands Police"),
    Place("E06000021", "Stoke-on-Trent", "Stoke-on-Trent Partnership",
          "Stoke-on-Trent City Council", "Stoke on Trent Primary Care Trust",
          "Staffordshire Police"),
    Place("E06000019", "Herefordshire", "Herefordshire Partnership", "Herefordshire Council",
          "Herefordshire Primary Care Trust", "West Mercia Police",
          rcc="Herefordshire Rural Community Council"),
    # East of England
    Place("E07000008", "Cambridge", "Cambridge Local Strategic Partnership",
          "Cambridge City Council", "Cambridgeshire Primary Care Trust",
          "Cambridgeshire Constabulary", rcc="Cambridgeshire ACRE"),
    Place("E06000032", "Luton", "Luton Forum", "Luton Borough Council",
          "Luton Teaching Primary Care Trust", "Bedfordshire Police"),
    Place("E07000148", "Norwich", "City of Norwich Partnership", "Norwich City Council",
          "NHS Norfolk", "Norfolk Constabulary"),
    Place("E06000033", "Southend", "Southend Together", "Southend-on-Sea Borough Council",
          "South East Essex Primary Care Trust", "Essex Police"),
    Place("E10000020", "Norfolk", "Norfolk County Strategic Partnership",
          "Norfolk County Council", "NHS Norfolk", "Norfolk Constabulary",
          rcc="Norfolk Rural Community Council"),
    # London
    Place("E09000007", "Camden", "One Camden", "London Borough of Camden",
          "Camden Primary Care Trust", "Metropolitan Police Service"),
    Place("E09000030", "Tower Hamlets", "Tower Hamlets Partnership",
          "London Borough of Tower Hamlets", "Tower Hamlets Primary Care Trust",
          "Metropolitan Police Service"),
    Place("E09000022", "Lambeth", "Lambeth First", "London Borough of Lambeth",
          "Lambeth Primary Care Trust", "Metropolitan Police Service"),
    Place("E09000012", "Hackney", "Team Hackney", "London Borough of Hackney",
          "City and Hackney Teaching Primary Care Trust", "Metropolitan Police Service"),
    Place("E09000025", "Newham", "Newham Strategic Partnership", "London Borough of Newham",
          "Newham Primary Care Trust", "Metropolitan Police Service"),
    # South East
    Place("E06000043", "Brighton and Hove", "Brighton and Hove Strategic Partnership",
          "Brighton and Hove City Council",
          "Brighton and Hove City Teaching Primary Care Trust", "Sussex Police"),
    Place("E06000045", "Southampton", "Southampton Partnership", "Southampton City Council",
          "Southampton City Primary Care Trust", "Hampshire Constabulary"),
    Place("E07000062", "Hastings", "Hastings and St Leonards Local Strategic Partnership",
          "Hastings Borough Council", "Hastings and Rother Primary Care Trust",
          "Sussex Police"),
    Place("E10000016", "Kent", "Kent Partnership", "Kent County Council",
          "Eastern and Coastal Kent Primary Care Trust", "Kent Police",
          rcc="Action with Communities in Rural Kent"),
    # South West
    Place("E06000052", "Cornwall", "Cornwall Strategic Partnership", "Cornwall Council",
          "Cornwall and Isles of Scilly Primary Care Trust", "Devon and Cornwall Police",
          rcc="Cornwall Rural Community Charity"),
    Place("E06000023", "Bristol", "Bristol Partnership", "Bristol City Council",
          "Bristol Primary Care Trust", "Avon and Somerset Constabulary"),
    Place("E06000026", "Plymouth", "Plymouth 2020 Partnership", "Plymouth City Council",
          "Plymouth Teaching Primary Care Trust", "Devon and Cornwall Police"),
    Place("E10000008", "Devon", "Devon Strategic Partnership", "Devon County Council",
          "NHS Devon", "Devon and Cornwall Police", rcc="Community Council of Devon"),
]  # fmt: skip

# The local voluntary and community sector: about fourteen organisations a place, one of them
# a women's organisation, so that women's organisations are about 7% of the VCS.
VCS_NAMES = [
    "Age Concern {place}", "{place} Citizens Advice Bureau", "{place} Mind",
    "Groundwork {place}", "{place} Racial Equality Council", "{place} Tenants' Federation",
    "{place} Carers' Centre", "{place} Disability Forum", "{place} Youth Project",
    "{place} Credit Union", "{place} Community Transport", "{place} Faith Forum",
    "Home-Start {place}", "{place} Refugee Support Group", "{place} LGBT Forum",
    "{place} Federation of Residents' Associations", "{place} Mencap",
    "{place} Parents' Forum", "{place} Sports Forum", "{place} Arts Forum",
    "{place} Pensioners' Association", "{place} Black and Minority Ethnic Network",
    "Crossroads Care {place}", "{place} Environment Centre", "{place} Young Carers",
    "{place} Deaf Centre", "{place} Community Association",
]  # fmt: skip
VCS_PER_PLACE = (12, 15)
WOMENS_NAMES = [
    "{place} Women's Aid", "{place} Black and Minority Ethnic Women's Forum",
    "{place} Rape Crisis", "{place} Women's Centre", "{place} Asian Women's Project",
    "{place} Women's Resource Centre",
]  # fmt: skip
BUSINESS_NAMES = [
    "Federation of Small Businesses {place} Branch", "{place} Business Forum",
    "{place} Town Centre Management", "{place} Business Improvement District",
]  # fmt: skip
# Other partners, each the natural one for some themes (probation on the CDRP, and so on).
OTHER_NAMES = {
    "college": "{place} College",
    "jobcentre": "Jobcentre Plus {place}",
    "housing": "{place} Community Housing",
    "probation": "{place} Probation Office",
}
CVS_NAMES = [
    "{place} Council for Voluntary Service", "Voluntary Action {place}",
    "{place} Voluntary Sector Network", "{place} Community and Voluntary Services",
]  # fmt: skip
EQUALITIES_NAMES = [
    "{place} Equality and Diversity Forum", "{place} Equalities Network",
    "{place} Equality Forum",
]  # fmt: skip

BOARD_NAMES = ["{lsp} Board", "{lsp} Board", "Executive Board"]

# Themed group names, the sector that usually chairs the group, the partners that sit on it
# and the "other" partner it most needs.
THEMES = {
    Theme.CRIME_AND_DISORDER: (
        ["{place} Crime and Disorder Reduction Partnership", "Safer {place} Partnership",
         "{place} Community Safety Partnership", "Safer Stronger {place}"],
        Sector.POLICE, [Sector.LOCAL_AUTHORITY, Sector.HEALTH, Sector.OTHER], "probation",
    ),
    Theme.CHILDREN_AND_YOUNG_PEOPLE: (
        ["{place} Children's Trust", "Children and Young People's Strategic Partnership"],
        Sector.LOCAL_AUTHORITY, [Sector.HEALTH, Sector.POLICE, Sector.OTHER], "college",
    ),
    Theme.HEALTH_AND_WELLBEING: (
        ["Healthier {place} Partnership", "Health and Wellbeing Partnership",
         "{place} Health Improvement Group"],
        Sector.HEALTH, [Sector.LOCAL_AUTHORITY, Sector.OTHER], "housing",
    ),
    Theme.ECONOMY_AND_ENTERPRISE: (
        ["{place} Economic Partnership", "Economy and Enterprise Partnership",
         "Jobs and Skills Group"],
        Sector.BUSINESS, [Sector.LOCAL_AUTHORITY, Sector.OTHER], "jobcentre",
    ),
    Theme.ENVIRONMENT: (
        ["{place} Environment Partnership", "Climate Change and Environment Group"],
        Sector.LOCAL_AUTHORITY, [Sector.BUSINESS, Sector.OTHER], "housing",
    ),
    Theme.HOUSING: (
        ["{place} Housing Partnership", "Strategic Housing Group"],
        Sector.LOCAL_AUTHORITY, [Sector.OTHER, Sector.HEALTH], "housing",
    ),
    Theme.OLDER_PEOPLE: (
        ["Older People's Partnership Board", "{place} Ageing Well Group"],
        Sector.HEALTH, [Sector.LOCAL_AUTHORITY, Sector.OTHER], "housing",
    ),
    Theme.STRONGER_COMMUNITIES: (
        ["Stronger Communities Partnership", "{place} Community Cohesion Group"],
        Sector.VCS, [Sector.LOCAL_AUTHORITY, Sector.POLICE, Sector.OTHER], "jobcentre",
    ),
    Theme.OTHER: (
        ["Culture and Leisure Partnership", "{place} Learning Partnership"],
        Sector.LOCAL_AUTHORITY, [Sector.BUSINESS, Sector.OTHER], "college",
    ),
}  # fmt: skip
# The CDRP is statutory and every LSP has one; these are the groups an LSP may add.
OPTIONAL_THEMES = [theme for theme in THEMES if theme != Theme.CRIME_AND_DISORDER]

# A few partnerships (about three in ten) have a women's organisation on a themed group; no
# other VCS seat goes to one. That keeps their share of VCS seats near the briefing's 1.8%,
# well below their 7% of the VCS.
WOMENS_SEAT_SHARE_OF_LSPS = 0.3

FIRST_NAMES = [
    "Aisha", "Alan", "Alison", "Amrit", "Andrew", "Angela", "Anjali", "Barbara", "Bernard",
    "Bridget", "Carol", "Catherine", "Chidi", "Christine", "Colin", "Daniel", "David",
    "Deborah", "Declan", "Delroy", "Derek", "Diane", "Eileen", "Elaine", "Farida", "Fiona",
    "Gareth", "Gillian", "Graham", "Hannah", "Harjit", "Helen", "Ian", "Imran", "Irene",
    "Jacqueline", "James", "Janet", "Jasmine", "Joanne", "John", "Joyce", "Julie", "Karen",
    "Kate", "Kevin", "Kwame", "Lesley", "Linda", "Lorraine", "Malcolm", "Margaret", "Marek",
    "Maria", "Marlene", "Martin", "Maureen", "Michael", "Mohammed", "Nasreen", "Neil",
    "Nicola", "Nigel", "Olu", "Pamela", "Patricia", "Paul", "Pauline", "Peter", "Philip",
    "Priya", "Rachel", "Rajesh", "Rebecca", "Richard", "Rosemary", "Ruth", "Samina",
    "Sandra", "Sarah", "Shazia", "Sheila", "Simon", "Siobhan", "Stephen", "Susan", "Tariq",
    "Teresa", "Thomas", "Valerie", "Vikram", "Wendy", "Yvonne", "Zainab",
]  # fmt: skip
SURNAMES = [
    "Adebayo", "Ahmed", "Akhtar", "Allen", "Armstrong", "Atkinson", "Bailey", "Baker",
    "Banks", "Barker", "Begum", "Bell", "Bennett", "Bhatti", "Birch", "Blake", "Bradley",
    "Brennan", "Brooks", "Burgess", "Burke", "Carr", "Chadwick", "Chapman", "Chaudhry",
    "Clarke", "Coleman", "Collins", "Cooper", "Cox", "Crawford", "Dale", "Davies", "Dawson",
    "Dixon", "Doherty", "Duffy", "Edwards", "Ellis", "Evans", "Farrell", "Fisher",
    "Fletcher", "Foster", "Gallagher", "Gibson", "Gill", "Goodwin", "Gordon", "Graham",
    "Grant", "Gray", "Hall", "Hamilton", "Harper", "Hart", "Hayes", "Henry", "Hill",
    "Holmes", "Hughes", "Hussain", "Iqbal", "Jackson", "James", "Jenkins", "Johnson",
    "Kaur", "Kelly", "Kennedy", "Khan", "Kowalski", "Lambert", "Lawrence", "Lee", "Lewis",
    "Lloyd", "McCarthy", "McDonald", "Marshall", "Mason", "Mensah", "Miller", "Mills",
    "Mistry", "Moore", "Morgan", "Murphy", "Nelson", "Nowak", "O'Brien", "O'Neill",
    "Okafor", "Owen", "Palmer", "Parker", "Patel", "Pearson", "Perry", "Price", "Quinn",
    "Rahman", "Reid", "Richards", "Robinson", "Rose", "Russell", "Saunders", "Shah",
    "Sharma", "Shaw", "Simpson", "Singh", "Stewart", "Sullivan", "Taylor", "Thompson",
    "Turner", "Walker", "Walsh", "Ward", "Watson", "Webb", "Wells", "Whitehead", "Wilson",
    "Wood", "Wright", "Young",
]  # fmt: skip
# Reserved names only: RFC 2606 domains, and Ofcom's numbers for drama.
PERSON_EMAIL_DOMAINS = ["example.org", "example.com", "demo.invalid"]
PERSON_EMAIL_WEIGHTS = [6, 3, 1]
CONSENT_WAYS = ["Email", "Letter", "Consent form", "Phone call"]

CEN_NAMES = [
    "{place} Community Empowerment Network", "{place} Community Network",
    "{place} Voluntary and Community Sector Assembly",
]  # fmt: skip
# (status, funding) of a CEN, weighted after the 2008 survey of 79 CENs: 18% had lost their
# funding, 22% part of it. The first four are dealt out before any random draw, so that
# every status and every funding state shows.
CEN_STATES = [
    ((NetworkStatus.ACTIVE, Funding.FUNDED), 40),
    ((NetworkStatus.STRUGGLING, Funding.PARTLY_LOST), 14),
    ((NetworkStatus.CEASED, Funding.LOST), 12),
    ((NetworkStatus.ACTIVE, Funding.UNKNOWN), 6),
    ((NetworkStatus.ACTIVE, Funding.PARTLY_LOST), 8),
    ((NetworkStatus.STRUGGLING, Funding.LOST), 6),
    ((NetworkStatus.STRUGGLING, Funding.UNKNOWN), 4),
]
CEN_SHARE_OF_LSPS = 0.75  # CENs were set up in the 88 most deprived areas, not everywhere
WOMENS_FORUM_SHARE_OF_LSPS = 0.25
LOCAL_WOMENS_NETWORKS = 5
REGIONAL_WOMENS_NETWORKS = 3

SCS_PRIORITIES = [
    "A thriving economy with more local people in good jobs",
    "Safer, stronger communities where people feel they belong",
    "Narrowing the gap in life expectancy between the richest and poorest neighbourhoods",
    "Every child and young person able to achieve their potential",
    "Decent, affordable homes for everyone",
    "A cleaner, greener place that cuts its carbon emissions",
    "Older people living independently and well",
    "Learning and skills for life and work",
    "Culture, sport and leisure open to all",
    "Tackling domestic violence and violence against women and girls",
    "People involved in the decisions that affect them",
    "Good transport and access to services",
    "A strong and independent voluntary and community sector",
    "Fewer children growing up in poverty",
]
# National Indicators that 2008-11 Local Area Agreements chose their targets from.
LAA_TARGETS = [
    "NI 1: People who believe people from different backgrounds get on well together",
    "NI 4: People who feel they can influence decisions in their locality",
    "NI 6: Participation in regular volunteering",
    "NI 7: Environment for a thriving third sector",
    "NI 8: Adult participation in sport and active recreation",
    "NI 15: Serious violent crime rate",
    "NI 21: Dealing with local concerns about anti-social behaviour and crime",
    "NI 32: Repeat incidents of domestic violence",
    "NI 39: Hospital admissions for alcohol related harm",
    "NI 56: Obesity among primary school age children in Year 6",
    "NI 116: Proportion of children in poverty",
    "NI 117: 16 to 18 year olds not in education, employment or training",
    "NI 139: Older people receiving the support they need to live independently at home",
    "NI 152: Working age people on out of work benefits",
    "NI 154: Net additional homes provided",
    "NI 186: Per capita reduction in CO2 emissions",
]
LAA_PERIODS = [(2008, 2011), (2008, 2011), (2008, 2011), (2006, 2009), (2007, 2010)]
GES_OBJECTIVES = [
    "Close the gender pay gap in our own workforce",
    "Improve services for women and girls affected by domestic violence",
    "Consult local women's organisations before services change",
    "Increase the number of women in senior posts",
    "Collect and publish service data broken down by gender",
    "Support fathers and male carers to use family services",
    "Consider women's safety in planning and transport decisions",
    "Train staff to carry out gender impact assessments",
]

# Seats start between these days; a seat that ended did so before its successor started.
FIRST_START = datetime.date(2005, 1, 1)
LAST_START = datetime.date(2024, 12, 31)
PAST_SEAT_SHARE = 0.22
OPEN_SEAT_SHARE_OF_BOARDS = 0.35
PUBLISH_CONTACT_SHARE = 0.55
STALE_SHARE = 0.35  # records last verified more than a year ago


def children_first(models):
    """models ordered so that each comes before every model it points at (a seat before its
    body, person and organisation), the order in which their rows can be deleted."""
    remaining, ordered = list(models), []
    while remaining:
        for model in remaining:
            pointed_at = any(
                field.related_model is model
                for other in remaining
                if other is not model
                for field in other._meta.get_fields()
                if field.concrete and field.is_relation
            )
            if not pointed_at:
                ordered.append(model)
                remaining.remove(model)
                break
        else:
            raise ValueError(f"Curated models point at each other: {remaining}")
    return ordered


# Every curated model carries `is_demo`; children are deleted first.
DEMO_MODELS = children_first(curated_models())
DEMO_REASON = "Demo data (load_demo)"  # the change reason of the demo records' first versions


def demo_load(*, seed=DEFAULT_SEED, today=None):
    """Replace the demo data with the directory that `seed` makes. Returns row counts."""
    today = today or timezone.localdate()
    with transaction.atomic():
        areas = _demo_areas()
        _delete_demo_rows()
        _Demo(random.Random(seed), today, areas).build().save()
        history_first_versions_ensure(reason=DEMO_REASON)
        return demo_counts()


def demo_clear():
    """Delete every demo row, and nothing else. Returns the counts deleted."""
    with transaction.atomic():
        counts = demo_counts()
        _delete_demo_rows()
        return counts


def demo_counts():
    return {
        "partnerships": Partnership.objects.filter(is_demo=True).count(),
        "bodies": Body.objects.filter(is_demo=True).count(),
        "seats": Seat.objects.filter(is_demo=True).count(),
        "people": Person.objects.filter(is_demo=True).count(),
        "organisations": Organisation.objects.filter(is_demo=True).count(),
        "networks": Network.objects.filter(is_demo=True).count(),
        "documents": Document.objects.filter(is_demo=True).count(),
    }


def _demo_areas():
    areas = Area.objects.current().filter(gss_code__in=[place.code for place in PLACES])
    by_code = {area.gss_code: area for area in areas.select_related("region", "parent")}
    if not by_code:
        raise DemoError(
            "None of the demo's areas is loaded and current: "
            "run `python manage.py load_areas` first."
        )
    return by_code


def _delete_demo_rows():
    """Delete the demo rows, refusing if that would delete or change a curator's record."""
    dependants = _real_records_on_demo_records()
    if dependants:
        raise DemoError(
            "Real (non-demo) records point at demo records and would be deleted or changed: "
            + "; ".join(dependants)
            + ". Re-point or delete them first."
        )
    deleted = {
        model: list(model.objects.filter(is_demo=True).values_list("pk", flat=True))
        for model in DEMO_MODELS
    }
    try:
        for model in DEMO_MODELS:
            model.objects.filter(is_demo=True).delete()
    except (ProtectedError, RestrictedError) as error:
        raise DemoError(f"Demo records are still in use: {error.args[0]}") from error
    for model, pks in deleted.items():
        history_forget(model, pks)  # with the last versions simple-history wrote on delete


def _real_records_on_demo_records():
    """'3 seats via organisation' for each relation where a real row points at a demo row."""
    found = []
    for model in DEMO_MODELS:
        demo_rows = model.objects.filter(is_demo=True)
        for relation in model._meta.related_objects:
            related = relation.related_model
            if not any(f.name == "is_demo" for f in related._meta.fields):
                continue
            lookup = {f"{relation.field.name}__in": demo_rows}
            count = related._default_manager.filter(is_demo=False, **lookup).distinct().count()
            if count:
                found.append(
                    f"{count} {related._meta.verbose_name_plural} via {relation.field.name}"
                )
    return found


def _create(rows):
    """Insert new rows. A model that derives fields in save() (a unique slug, a search name)
    is saved row by row so that its logic runs; the others go in bulk. No history yet: each
    record's first version is written once its many-to-many rows are in."""
    if not rows:
        return
    model = type(rows[0])
    if model.save is models.Model.save:
        model.objects.bulk_create(rows, batch_size=500)
    else:
        for row in rows:
            row.save_without_historical_record()


def _link(field, pairs):
    """Bulk-insert many-to-many rows for (owner, target) pairs of saved objects."""
    through = field.through
    source = field.field.m2m_field_name() + "_id"
    target = field.field.m2m_reverse_field_name() + "_id"
    through.objects.bulk_create(
        [through(**{source: owner.pk, target: other.pk}) for owner, other in pairs],
        batch_size=500,
    )


@dataclass
class _Lsp:
    """What the records of one partnership share while it is built."""

    place: Place
    area: Area
    local: dict  # its organisations, by the part they play
    verified: datetime.date  # a curator checks a whole partnership at once
    sitting: dict = field(default_factory=dict)  # organisation name -> people it sends


class _Demo:
    """Builds the demo rows in memory, in a fixed order, then saves them."""

    def __init__(self, rng, today, areas):
        self.rng = rng
        self.today = today
        self.areas = areas
        self.places = [place for place in PLACES if place.code in areas]
        self.organisations = {}  # name -> Organisation; names are unique in the demo
        self.organisation_areas = {}  # (organisation name, area code) -> area, an ordered set
        self.partnerships = []
        self.boards, self.groups = [], []
        self.people, self.seats, self.documents = [], [], []
        self.networks = []
        self.network_areas, self.network_members = [], []
        self.person_names = set()  # only ever tested for membership, so order never matters

    # Random values -------------------------------------------------------------------------

    def date_between(self, first, last):
        return first + datetime.timedelta(days=self.rng.randint(0, (last - first).days))

    def checked_on(self, stale):
        """A verification date, fresh (within ten months) or stale (one to three years)."""
        days = self.rng.randint(400, 1100) if stale else self.rng.randint(3, 300)
        return self.today - datetime.timedelta(days=days)

    def phone(self, area):
        if area.region.code == "E12000007":  # London numbers from 020 7946 0xxx
            return f"020 7946 0{self.rng.randint(0, 999):03d}"
        return f"01632 960{self.rng.randint(0, 999):03d}"

    # Organisations -------------------------------------------------------------------------

    def organisation(self, name, kind, area, **fields):
        """The organisation of that name, made on first use; it serves every area it's met in."""
        if name not in self.organisations:
            stale = self.rng.random() < STALE_SHARE
            slug = _domain(name)
            self.organisations[name] = Organisation(
                name=name,
                kind=kind,
                website=f"https://{slug}.example.org/" if self.rng.random() < 0.7 else "",
                email=f"info@{slug}.example.org" if self.rng.random() < 0.5 else "",
                phone=self.phone(area) if self.rng.random() < 0.4 else "",
                last_verified_on=None if self.rng.random() < 0.08 else self.checked_on(stale),
                is_demo=True,
                **fields,
            )
        self.organisation_areas.setdefault((name, area.gss_code), area)
        return self.organisations[name]

    def local_organisations(self, place, area):
        """Every organisation of a place, by the part it plays."""
        rng, where = self.rng, {"place": place.place}
        local = {
            "council": [self.organisation(place.council, OrganisationKind.COUNCIL, area)],
            "health": self.organisation(place.health, OrganisationKind.HEALTH, area),
            "police": self.organisation(place.police, OrganisationKind.POLICE, area),
        }
        if area.parent:  # a district's county council sits on its LSP too
            county = self.organisation(
                f"{area.parent.name} County Council", OrganisationKind.COUNCIL, area.parent
            )
            local["council"].append(county)
        local["business"] = [
            self.organisation(
                f"{place.place} Chamber of Commerce", OrganisationKind.BUSINESS, area
            ),
            self.organisation(
                rng.choice(BUSINESS_NAMES).format(**where), OrganisationKind.BUSINESS, area
            ),
        ]
        local["other"] = {
            role: self.organisation(name.format(**where), OrganisationKind.OTHER, area)
            for role, name in OTHER_NAMES.items()
        }
        infrastructure = OrganisationKind.INFRASTRUCTURE
        local["cvs"] = self.organisation(
            place.cvs or rng.choice(CVS_NAMES).format(**where),
            infrastructure,
            area,
            infrastructure_type=InfrastructureType.CVS,
        )
        if place.rcc:
            self.organisation(
                place.rcc, infrastructure, area, infrastructure_type=InfrastructureType.RCC
            )
        if rng.random() < 0.5:
            self.organisation(
                rng.choice(EQUALITIES_NAMES).format(**where),
                infrastructure,
                area,
                infrastructure_type=InfrastructureType.EQUALITIES,
            )
        vcs_names = rng.sample(VCS_NAMES, rng.randint(*VCS_PER_PLACE))
        local["vcs"] = [
            self.organisation(name.format(**where), OrganisationKind.VCS, area)
            for name in vcs_names
        ]
        local["womens"] = self.organisation(
            rng.choice(WOMENS_NAMES).format(**where),
            OrganisationKind.VCS,
            area,
            is_womens_organisation=True,
        )
        return local

    # People and seats ----------------------------------------------------------------------

    def person(self, area, verified):
        rng = self.rng
        while True:
            first, last = rng.choice(FIRST_NAMES), rng.choice(SURNAMES)
            if f"{first} {last}" not in self.person_names:
                break
        self.person_names.add(f"{first} {last}")
        publish = rng.random() < PUBLISH_CONTACT_SHARE
        local_part = re.sub(r"[^a-z.-]", "", f"{first}.{last}".lower())
        domain = rng.choices(PERSON_EMAIL_DOMAINS, weights=PERSON_EMAIL_WEIGHTS)[0]
        # Curators keep an address for most people; it shows only with consent.
        has_email = publish or rng.random() < 0.5
        consent_on = verified - datetime.timedelta(days=rng.randint(0, 90))
        person = Person(
            name=f"{first} {last}",
            email=f"{local_part}@{domain}" if has_email else "",
            phone=self.phone(area) if rng.random() < 0.6 else "",
            publish_contact=publish,
            consent_given_on=consent_on if publish else None,
            consent_method=(
                f"{rng.choice(CONSENT_WAYS)} of {consent_on.day} {consent_on:%B %Y}"
                if publish
                else ""
            ),
            last_verified_on=verified,
            is_demo=True,
        )
        self.people.append(person)
        return person

    def seat(self, lsp, body, sector, organisation, role, selection):
        """A current seat, sometimes with the past seat of whoever held it before."""
        rng = self.rng
        # Partners often send the same person to the board and to a themed group.
        regulars = [p for p in lsp.sitting.get(organisation.name, []) if p not in body.people]
        if regulars and rng.random() < 0.3:
            person = rng.choice(regulars)
        else:
            person = self.person(lsp.area, lsp.verified)
            lsp.sitting.setdefault(organisation.name, []).append(person)
        body.people.append(person)
        seat = {
            "body": body,
            "sector": sector,
            "organisation": organisation,
            "role": role,
            "selection": selection,
            "last_verified_on": lsp.verified,
            "is_demo": True,
        }
        start = self.date_between(FIRST_START, LAST_START)
        self.seats.append(Seat(person=person, start_date=start, **seat))
        if start > datetime.date(2006, 1, 1) and rng.random() < PAST_SEAT_SHARE:
            self.seats.append(
                Seat(
                    person=self.person(lsp.area, lsp.verified),
                    start_date=self.date_between(FIRST_START, start - datetime.timedelta(days=180)),
                    end_date=start - datetime.timedelta(days=1),
                    **seat,
                )
            )

    def open_seats(self, rng):
        """Seats for a women's group to stand for, counted forward from `today` as checks
        count back: some VCS terms end within six months, and some boards have a vacant VCS
        seat that their CVS is filling. (A random of its own, drawn last, so the rest of the
        demo is the same with or without them.)"""
        for seat in self.seats:
            if seat.sector == Sector.VCS and seat.end_date is None and rng.random() < 0.08:
                seat.end_date = self.today + datetime.timedelta(days=rng.randint(14, 170))
        for board in self.boards:
            if rng.random() < OPEN_SEAT_SHARE_OF_BOARDS:
                cvs = board.cvs
                self.seats.append(
                    Seat(
                        body=board,
                        vacant=True,
                        sector=Sector.VCS,
                        role="VCS representative",
                        selection=Selection.ELECTED,
                        selection_closes=self.today + datetime.timedelta(days=rng.randint(10, 90)),
                        how_to_apply=(
                            f"Elected by the local voluntary and community sector: ask {cvs.name} "
                            f"for a nomination form{f' at {cvs.website}' if cvs.website else ''}."
                        ),
                        last_verified_on=self.today,
                        is_demo=True,
                    )
                )

    def vcs_selection(self):
        """Most VCS representatives are elected by the local sector, through the CEN or CVS."""
        return self.rng.choices(
            [Selection.ELECTED, Selection.NOMINATED, Selection.OTHER], weights=[7, 2, 1]
        )[0]

    # Partnerships --------------------------------------------------------------------------

    def build(self):
        rng = self.rng
        count = len(self.places)
        stale = _deal(rng, count, round(count * STALE_SHARE))
        womens_seat = _deal(rng, count, round(count * WOMENS_SEAT_SHARE_OF_LSPS))
        womens_forum = _deal(rng, count, max(1, round(count * WOMENS_FORUM_SHARE_OF_LSPS)))
        local = {}
        for i, place in enumerate(self.places):
            area = self.areas[place.code]
            local[place.code] = self.local_organisations(place, area)
            lsp = _Lsp(place, area, local[place.code], self.checked_on(stale[i]))
            self.partnership(lsp, womens_seat=womens_seat[i], womens_forum=womens_forum[i])
        for place, partnership in zip(self.places, self.partnerships, strict=True):
            self.strategy_documents(place, partnership)
        self.gender_equality_schemes()
        self.networks_for(local)
        self.open_seats(random.Random(rng.random()))
        return self

    def partnership(self, lsp, *, womens_seat, womens_forum):
        rng, place = self.rng, lsp.place
        domain = _domain(place.lsp)
        partnership = Partnership(
            name=place.lsp,
            website=f"https://{domain}.example.org/",
            contact_email=f"{domain}@example.org",
            contact_phone=self.phone(lsp.area),
            has_womens_forum=womens_forum,
            last_verified_on=lsp.verified,
            is_demo=True,
        )
        partnership.demo_area = lsp.area
        self.partnerships.append(partnership)

        board = self.body(lsp, partnership, BodyKind.BOARD, "", rng.choice(BOARD_NAMES))
        board.cvs = lsp.local["cvs"]  # who runs the VCS's selections
        self.boards.append(board)
        self.board_seats(lsp, board)
        # Every LSP has its Crime and Disorder Reduction Partnership, and some other groups.
        themes = [Theme.CRIME_AND_DISORDER, *rng.sample(OPTIONAL_THEMES, rng.randint(2, 4))]
        groups = []
        for theme in themes:
            names, chair_sector, partners, other_role = THEMES[theme]
            group = self.body(lsp, partnership, BodyKind.THEMED_GROUP, theme, rng.choice(names))
            group.feeds_into = board
            groups.append(group)
            self.group_seats(lsp, group, chair_sector, partners, other_role)
        self.groups.extend(groups)
        cdrp = groups[0]
        if womens_seat:
            # Women's Aid and the like are most often asked onto the community safety group.
            womens = lsp.local["womens"]
            self.seat(lsp, cdrp, Sector.VCS, womens, "VCS representative", self.vcs_selection())
        partnership.description = _description(place, cdrp, lsp.local["cvs"])

    def body(self, lsp, partnership, kind, theme, name):
        body = Body(
            partnership=partnership,
            kind=kind,
            theme=theme,
            name=name.format(place=lsp.place.place, lsp=lsp.place.lsp),
            last_verified_on=lsp.verified,
            is_demo=True,
        )
        body.people = []  # who sits on it, so that one person has one seat a body
        return body

    def board_seats(self, lsp, board):
        """All six sectors. The council leader chairs, as the council leads the LSP; the
        vice-chair is most often a VCS representative."""
        rng, local = self.rng, lsp.local
        council, *county = local["council"]
        vice_chair = rng.choice([Sector.VCS, Sector.VCS, Sector.HEALTH, Sector.BUSINESS])

        def add(sector, organisation, role, selection=Selection.APPOINTED):
            nonlocal vice_chair
            if sector == vice_chair:
                role, vice_chair = "Vice-chair", None
            self.seat(lsp, board, sector, organisation, role, selection)

        add(Sector.LOCAL_AUTHORITY, council, "Chair", Selection.ELECTED)
        for _ in range(rng.randint(1, 2)):
            add(Sector.LOCAL_AUTHORITY, council, "Member")
        for county_council in county:
            add(Sector.LOCAL_AUTHORITY, county_council, "Member", Selection.NOMINATED)
        for _ in range(rng.randint(1, 2)):
            add(Sector.HEALTH, local["health"], "Member")
        add(Sector.POLICE, local["police"], "Member")
        for business in rng.sample(local["business"], rng.randint(1, 2)):
            add(Sector.BUSINESS, business, "Member", Selection.NOMINATED)
        for vcs in rng.sample([local["cvs"], *local["vcs"]], rng.randint(2, 4)):
            add(Sector.VCS, vcs, "VCS representative", self.vcs_selection())
        for other in rng.sample(list(local["other"].values()), rng.randint(1, 2)):
            add(Sector.OTHER, other, "Member", Selection.NOMINATED)

    def group_seats(self, lsp, group, chair_sector, partners, other_role):
        rng, local = self.rng, lsp.local
        by_sector = {
            Sector.LOCAL_AUTHORITY: local["council"][0],
            Sector.HEALTH: local["health"],
            Sector.POLICE: local["police"],
            Sector.BUSINESS: local["business"][0],
            Sector.OTHER: local["other"][other_role],
            Sector.VCS: local["cvs"],  # the CVS chairs a group where the sector leads
        }
        chair_selection = Selection.ELECTED if chair_sector == Sector.VCS else Selection.APPOINTED
        self.seat(lsp, group, chair_sector, by_sector[chair_sector], "Chair", chair_selection)
        for sector in partners:
            selection = Selection.NOMINATED if sector == Sector.OTHER else Selection.APPOINTED
            self.seat(lsp, group, sector, by_sector[sector], "Member", selection)
        for vcs in rng.sample(local["vcs"], rng.randint(1, 3)):
            self.seat(lsp, group, Sector.VCS, vcs, "VCS representative", self.vcs_selection())

    # Documents -----------------------------------------------------------------------------

    def strategy_documents(self, place, partnership):
        rng, domain = self.rng, _domain(place.lsp)
        start = rng.choice([2006, 2007, 2008, 2009])
        end = start + rng.choice([10, 12, 14, 18, 20])
        title = rng.choice(
            [
                "{place} Sustainable Community Strategy {start}-{end}",
                "{place} {end}: our Sustainable Community Strategy",
                "Sustainable Community Strategy for {place} {start}-{end}",
            ]
        ).format(place=place.place, start=start, end=end)
        self.document(
            DocumentKind.SCS,
            title,
            start,
            end,
            SCS_PRIORITIES,
            f"https://{domain}.example.org/sustainable-community-strategy.pdf",
            partnership=partnership,
        )
        start, end = rng.choice(LAA_PERIODS)
        self.document(
            DocumentKind.LAA,
            f"{place.place} Local Area Agreement {start}-{end}",
            start,
            end,
            LAA_TARGETS,
            f"https://{domain}.example.org/local-area-agreement.pdf",
            partnership=partnership,
        )

    def gender_equality_schemes(self):
        """One scheme for every council, health body and police force, some a second one:
        public bodies re-do them."""
        public = [OrganisationKind.COUNCIL, OrganisationKind.HEALTH, OrganisationKind.POLICE]
        for organisation in self.organisations.values():
            if organisation.kind not in public:
                continue
            start = self.rng.choice([2007, 2008, 2009])
            schemes = [start, start + 3] if self.rng.random() < 0.2 else [start]
            site = f"https://{_domain(organisation.name)}.example.org"
            for first in schemes:
                self.document(
                    DocumentKind.GES,
                    f"{organisation.name} Gender Equality Scheme {first}-{first + 3}",
                    first,
                    first + 3,
                    GES_OBJECTIVES,
                    f"{site}/gender-equality-scheme-{first}.pdf",
                    organisation=organisation,
                )

    def document(self, kind, title, start, end, lines, url, **owner):
        self.documents.append(
            Document(
                kind=kind,
                title=title,
                start_year=start,
                end_year=end,
                url=url,
                priorities="\n".join(self.rng.sample(lines, self.rng.randint(3, 6))),
                last_verified_on=self.checked_on(self.rng.random() < STALE_SHARE),
                is_demo=True,
                **owner,
            )
        )

    # Networks ------------------------------------------------------------------------------

    def networks_for(self, local):
        rng = self.rng
        pairs = list(zip(self.places, self.partnerships, strict=True))
        # CENs: only partnerships below county level, as the 88 deprived areas were.
        eligible = [pair for pair in pairs if self.areas[pair[0].code].kind != "county"]
        with_cen = [pair for pair in eligible if rng.random() < CEN_SHARE_OF_LSPS]
        states = [state for state, _ in CEN_STATES[:4]]
        states += rng.choices(
            [state for state, _ in CEN_STATES],
            weights=[weight for _, weight in CEN_STATES],
            k=max(0, len(with_cen) - len(states)),
        )
        rng.shuffle(states)
        for (place, partnership), (status, funding) in zip(with_cen, states, strict=False):
            self.cen(place, partnership, local[place.code], status, funding)

        for place, partnership in pairs:
            if partnership.has_womens_forum:
                self.womens_network(
                    NetworkKind.WOMENS_FORUM,
                    f"{place.place} Women's Forum",
                    place,
                    partnership,
                    local[place.code],
                )
        no_forum = [pair for pair in pairs if not pair[1].has_womens_forum]
        for place, partnership in rng.sample(no_forum, min(LOCAL_WOMENS_NETWORKS, len(no_forum))):
            self.womens_network(
                NetworkKind.WOMENS_NETWORK,
                f"{place.place} Women's Network",
                place,
                partnership,
                local[place.code],
            )

        regions = {}
        for place in self.places:
            regions.setdefault(self.areas[place.code].region, []).append(place)
        for region in rng.sample(list(regions), min(REGIONAL_WOMENS_NETWORKS, len(regions))):
            members = [local[place.code]["womens"] for place in regions[region]]
            self.network(
                NetworkKind.WOMENS_NETWORK,
                f"{region.name} Women's Network",
                NetworkStatus.ACTIVE,
                rng.choice([Funding.FUNDED, Funding.PARTLY_LOST, Funding.UNKNOWN]),
                description=(
                    f"Brings women's organisations across the {region.name} together to speak "
                    "to the region's Local Strategic Partnerships and public bodies."
                ),
                region=region,
                members=members,
            )

    def cen(self, place, partnership, local, status, funding):
        rng = self.rng
        name = rng.choice(CEN_NAMES).format(place=place.place)
        members = rng.sample(local["vcs"], rng.randint(4, min(9, len(local["vcs"]))))
        members.append(local["cvs"])
        if rng.random() < 0.5:
            members.append(local["womens"])
        self.network(
            NetworkKind.CEN,
            name,
            status,
            funding,
            description=_cen_description(place, partnership, local["cvs"], status, funding),
            partnership=partnership,
            area=self.areas[place.code],
            members=members,
            contact=status != NetworkStatus.CEASED,
        )

    def womens_network(self, kind, name, place, partnership, local):
        rng = self.rng
        members = [local["womens"], *rng.sample(local["vcs"], rng.randint(2, 4))]
        self.network(
            kind,
            name,
            rng.choice([NetworkStatus.ACTIVE, NetworkStatus.ACTIVE, NetworkStatus.STRUGGLING]),
            rng.choice([Funding.FUNDED, Funding.PARTLY_LOST, Funding.UNKNOWN]),
            description=(
                f"Women's groups in {place.place} meeting to feed their views into "
                f"{partnership.name}, the Local Strategic Partnership, and to put forward "
                "women to sit on its board and themed groups."
            ),
            partnership=partnership,
            area=self.areas[place.code],
            members=members,
        )

    def network(
        self,
        kind,
        name,
        status,
        funding,
        *,
        description,
        members,
        partnership=None,
        area=None,
        region=None,
        contact=True,
    ):
        rng, domain = self.rng, _domain(name)
        network = Network(
            name=name,
            kind=kind,
            region=region,
            partnership=partnership,
            status=status,
            funding=funding,
            status_checked_on=self.today - datetime.timedelta(days=rng.randint(20, 800)),
            website=f"https://{domain}.example.org/" if contact else "",
            email=f"hello@{domain}.example.org" if contact else "",
            phone=self.phone(area) if contact and area and rng.random() < 0.5 else "",
            description=description,
            last_verified_on=self.checked_on(rng.random() < STALE_SHARE),
            is_demo=True,
        )
        self.networks.append(network)
        if area:
            self.network_areas.append((network, area))
        self.network_members.extend((network, member) for member in members)

    # Saving --------------------------------------------------------------------------------

    def save(self):
        _create(list(self.organisations.values()))
        _link(
            Organisation.areas,
            [
                (self.organisations[name], area)
                for (name, _), area in self.organisation_areas.items()
            ],
        )
        _create(self.partnerships)
        _link(Partnership.areas, [(p, p.demo_area) for p in self.partnerships])
        _create(self.boards)
        _create(self.groups)
        _create(self.people)
        _create(self.seats)
        _create(self.documents)
        _create(self.networks)
        _link(Network.areas, self.network_areas)
        _link(Network.members, self.network_members)


def _deal(rng, count, chosen):
    """count flags, exactly `chosen` of them true, in a random order."""
    flags = [True] * chosen + [False] * (count - chosen)
    rng.shuffle(flags)
    return flags


def _domain(name):
    """A DNS label for a name: 'Age Concern Hull' -> 'age-concern-hull'."""
    return slugify(name)[:60].strip("-")


def _description(place, cdrp, cvs):
    cdrp_name = cdrp.name
    if "Crime and Disorder" not in cdrp_name:
        cdrp_name += " (the Crime and Disorder Reduction Partnership)"
    return (
        f"{place.lsp} is the Local Strategic Partnership for {place.place}. It brings together "
        f"{place.council}, {place.health}, {place.police}, local businesses and the voluntary "
        "and community sector. The council leads the partnership. Its board produces the "
        f"Sustainable Community Strategy, which sets out the priorities for {place.place}, and "
        "develops and delivers the Local Area Agreement, the targets the area has agreed to "
        "meet; between them they largely decide where local funding goes.\n\n"
        f"Themed groups feed into the board, among them {cdrp_name}. The voluntary and "
        "community sector chooses its representatives through a selection process run among "
        f"local groups; {cvs.name} can tell you how to stand or who represents you."
    )


def _cen_description(place, partnership, cvs, status, funding):
    opening = (
        f"The Community Empowerment Network for {place.place}: local voluntary and community "
        "groups, from large agencies to the smallest residents' group. It carries information "
        f"out from {partnership.name}, the Local Strategic Partnership, and brings its members' "
        "voices in."
    )
    if status == NetworkStatus.CEASED:
        return f"{opening} It stopped meeting when its funding ended; {cvs.name} now does this."
    if funding == Funding.LOST:
        return f"{opening} It has lost its funding and runs on volunteers' time."
    if funding == Funding.PARTLY_LOST:
        return f"{opening} It lost part of its funding and now meets less often."
    return opening
