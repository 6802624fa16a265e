"""The representation report: women's organisations' share of the voluntary and community
sector's (VCS) seats on Local Strategic Partnerships, against their share of the VCS itself,
for England, each region and each partnership; and the state of the Community Empowerment
Networks (CENs).

Definitions (the page's "How these figures are made" section says the same in plain words):

- A *VCS seat* is a held seat whose sector is VCS, on a board or themed group, selected by
  the representatives list's own filters (status: current by default, past, or all held
  seats; body kind), so every count equals the list its link opens. A vacant seat (nobody
  in it yet) is never counted as held: beside the held seats, England, each region and
  each partnership give their open vacant VCS seats (the list's term=vacant), linked to
  that list and to /get-involved/.
- *On a day* (`on`, today by default): current seats are those held on that day (begun on
  or before it, or with no start recorded, and not ended before it), past seats those
  that ended before it. The organisations are always today's register, which is not
  dated; the open vacancies are given for today only, and a dated report's seat counts
  link to no list (the lists show today's seats).
- *Over time*: women's organisations' share of the VCS seats held on the same day of each
  year (29 February is 28 February in other years), from the year the earliest of those
  seats began to the day's year, at most OVER_TIME_YEARS years; England's or the region's
  seats, on the bodies chosen, whatever the status.
- A *women's-organisation seat* is a VCS seat held on behalf of an organisation marked as a
  women's organisation. A board or themed group "has a women's-organisation representative"
  when it has at least one such seat (of the chosen status).
- A partnership *belongs to every region any of its areas lies in*: the rule of the
  representatives, partnerships and networks lists' region filter (`in_region`, that is
  `areas__region`), so every region's count equals the list its link opens. A region counts
  each of its partnerships (and their seats) once; England counts each partnership once. A
  partnership spanning two regions is in both regions' figures and once in England's, so the
  regions can add up to more than England. partnership_regions() reads the rule in bulk.
- A partnership's *VCS organisations* are the organisations of kind VCS that have an area
  among the partnership's areas, or that hold or held any seat on one of its bodies.
  A region's are those with an area in the region, plus those of its partnerships.
  England's are every VCS organisation in the directory. These do not depend on the seat
  filters: they describe the sector, not the seats.
- A *share* is numerator / denominator x 100, computed exactly and rounded half up to one
  decimal place; with a denominator of 0 there is no share ("no data"). The *gap* is the
  share of VCS organisations minus the share of VCS seats, both as shown next to it, in
  percentage points, so the figures add up where they are read.
- A *sentence* rounds all its figures one way (sentence_places): to whole per cent when
  every share in it is 10% or more (the 2008 survey's "18%" and "22%"), otherwise all to one
  decimal place, so "0.0%" and "33%" never meet in one sentence; its gap comes from its
  shares as shown.
- *Freshness*: under each figure, the oldest and the median "last verified" date of the
  VCS seats it counts, and of the VCS organisations (Freshness). The median is the lower
  median: of n verified records sorted by date, the ((n + 1) // 2)-th. Records never
  verified are counted apart.
- The research figures the page quotes are cited from SOURCES, in one place.

Every figure comes from a fixed number of queries whatever the size of the data: rows are
grouped in the database or fetched once and summed here, never queried per region or
partnership. At national scale (thousands of partnerships, tens of thousands of bodies,
hundreds of thousands of seats) the per-partnership work is kept to dictionary look-ups and
string formatting: links and URLs are filled in from prefixes reversed once, not by
reverse() and urlencode() for each row.

Report.partnerships holds the partnerships shown: every one for England (the JSON lists
them all), a region's when one is chosen. The page lists them only for a chosen region, a
page at a time (Report.partnership_page); for England it shows the counts, with a link to
each region's report.
"""

import datetime
import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from types import SimpleNamespace
from urllib.parse import quote_plus, urlencode

from django.core.paginator import Paginator
from django.db.models import Count, Max, Min, Q
from django.urls import reverse
from django.utils import timezone

from lsp_directory.links import SAFE_SLUG, slug_url
from networks.choices import Funding, NetworkKind, NetworkStatus
from networks.models import Network

from .choices import BodyKind, Sector
from .dates import long_date
from .managers import held_between
from .models import Partnership, Region
from .tallies import (
    STATUSES,
    Organisations,
    figure_values,
    freshness_values,
    iso,
    over_time_values,
    partnership_regions,
    partnership_tallies,
    same_day,
    summed,
)

# Rows of the region page's partnership table and lists: as many as the site's other lists,
# so the page is made in a few tens of milliseconds (200 rows took 160 ms to render).
PARTNERSHIPS_PER_PAGE = 50


def round_half_up(value, places):
    """An exact Fraction rounded half up to `places` decimal places, as a Decimal."""
    scale = 10**places
    whole = math.floor(value * scale + Fraction(1, 2))
    return Decimal(whole).scaleb(-places) if places else Decimal(whole)


@dataclass(frozen=True)
class Source:
    """Published research the report quotes: cited where quoted, listed at the page's foot."""

    key: str
    short: str  # the citation in the text
    citation: str
    quoted: str  # what the page takes from it

    @property
    def anchor(self):
        """The id of its entry in the page's list of sources."""
        return f"source-{self.key.replace('_', '-')}"


SOURCES = {
    source.key: source
    for source in [
        Source(
            key="where_are_women",
            short="Oxfam, Urban Forum and Women's Resource Centre, 2007",
            citation="Oxfam, Urban Forum and Women's Resource Centre (2007). "
            "Where are women in LSPs? London: Oxfam, Urban Forum and Women's Resource Centre.",
            quoted="Women's organisations held 1.8% of VCS representatives' seats on Local "
            "Strategic Partnerships, while they were 7% of the VCS.",
        ),
        Source(
            key="cen_survey",
            short="Urban Forum, 2008",
            citation="Urban Forum (2008). Survey of 79 Community Empowerment Networks. "
            "London: Urban Forum.",
            quoted="Of 79 CENs, 18% had lost their funding and 22% part of it.",
        ),
    ]
}


@functools.lru_cache(maxsize=4096)  # a region's report rounds a few hundred, often alike
def percentage(part, whole, places):
    """part of whole as a percentage, rounded half up to `places`; None when whole is 0."""
    return round_half_up(Fraction(part * 100, whole), places) if whole else None


@dataclass(frozen=True)
class Share:
    """part of whole, as a percentage; no share at all when whole is 0."""

    part: int
    whole: int

    @functools.cached_property
    def exact(self):
        return Fraction(self.part * 100, self.whole) if self.whole else None

    @property
    def value(self):
        """One decimal place, rounded half up: Decimal("1.8"), or None for no data."""
        return self.rounded(1)

    def rounded(self, places):
        """Rounded once, from the exact value, to `places` (0 or 1) decimal places."""
        return percentage(self.part, self.whole, places)

    def text(self, places):
        return "no data" if self.exact is None else f"{self.rounded(places)}%"

    def __str__(self):
        return self.text(1)

    @property
    def headline(self):
        """Alone in a sentence: whole per cent from 10% up, else one decimal place."""
        return self.text(sentence_places(self))

    def as_json(self):
        return None if self.value is None else float(self.value)


def sentence_places(*shares):
    """One rounding for every share of a sentence: whole per cent (0 places) when each of
    them is 10% or more as shown to one decimal place, else one decimal place for all."""
    values = [share.value for share in shares if share.value is not None]
    return 0 if values and all(value >= 10 for value in values) else 1


def gap_between(organisation_share, seat_share, places=1):
    """Percentage points by which the seat share falls short of the organisation share:
    the difference of the two shares as shown, so the figures add up where they are read
    (one decimal place in tables and JSON; the sentence's rounding in a sentence)."""
    organisations, seats = organisation_share.rounded(places), seat_share.rounded(places)
    if organisations is None or seats is None:
        return None
    return organisations - seats


@dataclass(frozen=True)
class Sentence:
    """The figures of one sentence, all rounded the same way (sentence_places)."""

    seats: str
    organisations: str
    gap: str


def format_gap(gap):
    if gap is None:
        return "no data"
    return f"{gap} points" if gap >= 0 else f"\u2212{-gap} points"


@dataclass(frozen=True)
class Freshness:
    """When the records under a figure were last verified: the oldest date, and the lower
    median (of n verified records sorted by date, the ((n + 1) // 2)-th); records never
    verified are counted apart, not taken as old or new."""

    oldest: datetime.date | None
    median: datetime.date | None
    verified: int
    never: int

    @classmethod
    def of(cls, counts):
        """counts: {last verified date, or None for never: number of records}."""
        return cls.from_values(freshness_values({iso(day): n for day, n in counts.items()}))

    @classmethod
    def from_values(cls, values):
        """From tallies.freshness_values: [oldest, median (ISO dates), verified, never]."""
        oldest, median, verified, never = values
        as_date = datetime.date.fromisoformat
        return cls(oldest and as_date(oldest), median and as_date(median), verified, never)

    @property
    def words(self):
        """'oldest 3 March 2025, median 1 October 2026; 2 never verified'."""
        if not self.verified:
            return "never verified" if self.never else "nothing counted"
        words = f"oldest {long_date(self.oldest)}, median {long_date(self.median)}"
        if self.never:
            words += f"; {self.never} never verified"
        return words

    def as_json(self):
        return {
            "oldest": self.oldest.isoformat() if self.oldest else None,
            "median": self.median.isoformat() if self.median else None,
            "verified": self.verified,
            "never_verified": self.never,
        }


NOTHING_COUNTED = Freshness(None, None, 0, 0)


@dataclass
class Figures:
    """The report's figures for England, a region or a partnership."""

    name: str
    slug: str | None = None
    is_partnership: bool = False
    regions: list = field(default_factory=list)  # a partnership's regions' Figures
    vcs_seats: int = 0
    womens_seats: int = 0
    vacant_seats: int | None = 0  # open VCS vacancies; None when the report is dated
    vcs_organisations: int = 0
    womens_organisations: int = 0
    partnerships: int = 0
    partnerships_with_board: int = 0
    boards_without: int = 0  # partnerships none of whose boards has a women's-org seat
    themed_groups: int = 0
    themed_groups_without: int = 0
    groups_without_names: list = field(default_factory=list)  # a partnership's, by name
    freshness: Freshness = NOTHING_COUNTED  # of the VCS seats counted
    organisation_freshness: Freshness = NOTHING_COUNTED  # of the VCS organisations
    links: dict = field(default_factory=dict)
    url: str = ""
    report_url: str = ""  # a region's own report, with the same filters

    @classmethod
    def of(cls, seats, organisations, *, dated, **fields):
        """From tallies.figure_values (seats) and Organisations.values (organisations)."""
        return cls(
            vcs_seats=seats["vcs"],
            womens_seats=seats["womens"],
            vacant_seats=None if dated else seats["vacant"],
            freshness=Freshness.from_values(seats["verified"]),
            partnerships=seats["partnerships"],
            partnerships_with_board=seats["with_board"],
            boards_without=seats["boards_without"],
            themed_groups=seats["themed_groups"],
            themed_groups_without=seats["groups_without"],
            vcs_organisations=organisations["vcs"],
            womens_organisations=organisations["womens"],
            organisation_freshness=Freshness.from_values(organisations["verified"]),
            **fields,
        )

    @property
    def region_names(self):
        return ", ".join(region.name for region in self.regions)

    @property
    def seat_share(self):
        return Share(self.womens_seats, self.vcs_seats)

    @property
    def organisation_share(self):
        return Share(self.womens_organisations, self.vcs_organisations)

    @property
    def gap(self):
        return gap_between(self.organisation_share, self.seat_share)

    @property
    def gap_display(self):
        return format_gap(self.gap)

    @property
    def sentence(self):
        """The seat share, organisation share and gap, rounded alike for one sentence."""
        seats, organisations = self.seat_share, self.organisation_share
        places = sentence_places(seats, organisations)
        return Sentence(
            seats=seats.text(places),
            organisations=organisations.text(places),
            gap=format_gap(gap_between(organisations, seats, places)),
        )

    def as_json(self, counts_boards=True, counts_groups=True):
        data = {
            "name": self.name,
            "slug": self.slug,
            "vcs_seats": self.vcs_seats,
            "womens_organisation_seats": self.womens_seats,
            "womens_organisation_seat_share": self.seat_share.as_json(),
            "vcs_organisations": self.vcs_organisations,
            "womens_organisations": self.womens_organisations,
            "womens_organisation_share": self.organisation_share.as_json(),
            "gap_points": None if self.gap is None else float(self.gap),
            "vacant_vcs_seats": self.vacant_seats,
            "seats_last_verified": self.freshness.as_json(),
            "organisations_last_verified": self.organisation_freshness.as_json(),
            "links": self.links,
        }
        if self.is_partnership:
            data["regions"] = [region.slug for region in self.regions]
        else:  # England or a region
            data["partnerships"] = self.partnerships
        data["partnerships_with_board"] = self.partnerships_with_board if counts_boards else None
        data["partnerships_whose_board_has_no_womens_representative"] = (
            self.boards_without if counts_boards else None
        )
        data["themed_groups"] = self.themed_groups if counts_groups else None
        data["themed_groups_without_womens_representative"] = (
            self.themed_groups_without if counts_groups else None
        )
        return data


@dataclass
class CenRow:
    key: str
    label: str
    count: int
    total: int
    link: str

    @property
    def share(self):
        return Share(self.count, self.total)


@dataclass
class CenFigures:
    total: int
    link: str
    statuses: list
    funding: list
    earliest: datetime.date | None
    latest: datetime.date | None
    not_checked: int

    def row(self, key):
        return next(row for row in self.statuses + self.funding if row.key == key)

    @property
    def lost(self):
        return self.row(Funding.LOST)

    @property
    def partly_lost(self):
        return self.row(Funding.PARTLY_LOST)

    @property
    def sentence(self):
        """The headline's two shares, lost and partly lost, rounded alike."""
        places = sentence_places(self.lost.share, self.partly_lost.share)
        return {
            "lost": self.lost.share.text(places),
            "partly_lost": self.partly_lost.share.text(places),
        }

    @property
    def checked(self):
        """When the statuses were checked, in words."""
        if self.earliest is None:
            return "no status has a date of checking"
        if self.earliest == self.latest:
            words = f"status checked on {long_date(self.latest)}"
        else:
            words = (
                f"status checked between {long_date(self.earliest)} and {long_date(self.latest)}"
            )
        if self.not_checked:
            words += f"; {self.not_checked} never checked"
        return words

    def as_json(self):
        def rows(items):
            return {
                row.key: {"count": row.count, "share": row.share.as_json(), "link": row.link}
                for row in items
            }

        return {
            "count": self.total,
            "link": self.link,
            "status_checked": {
                "earliest": self.earliest.isoformat() if self.earliest else None,
                "latest": self.latest.isoformat() if self.latest else None,
                "not_checked": self.not_checked,
            },
            "status": rows(self.statuses),
            "funding": rows(self.funding),
        }


@dataclass
class Report:
    as_of: datetime.date  # the day whose seats are counted
    today: datetime.date  # the day of the organisations' register
    over_time: list  # YearPoint, one per year
    region: Region | None
    body_kind: str
    status: str
    nation: Figures
    scope: Figures  # the selected region, or England
    regions: list
    partnerships: Sequence  # of Figures, by name: Lazy, each made when read
    cens: CenFigures

    @property
    def boards_without(self):
        """The partnerships none of whose boards has a women's-organisation representative
        (Figures), or None when boards are filtered out."""
        return self.boards_lacking(self.partnerships)

    @property
    def themed_groups_without(self):
        """(partnership Figures, [names of its themed groups with no women's-organisation
        representative]), or None when themed groups are filtered out."""
        return self.groups_lacking(self.partnerships)

    def boards_lacking(self, partnerships):
        return [p for p in partnerships if p.boards_without] if self.counts_boards else None

    def groups_lacking(self, partnerships):
        if not self.counts_groups:
            return None
        return [(p, p.groups_without_names) for p in partnerships if p.groups_without_names]

    @property
    def dated(self):
        """Whether the seats counted are of another day than today."""
        return self.as_of != self.today

    @property
    def counts_boards(self):
        return self.body_kind in ("", BodyKind.BOARD)

    @property
    def counts_groups(self):
        return self.body_kind in ("", BodyKind.THEMED_GROUP)

    @property
    def body_kind_label(self):
        return dict(BodyKind.choices).get(self.body_kind, "")

    @property
    def seats_described(self):
        """Which seats, as of when: 'on boards, current on 5 May 2025'."""
        day = long_date(self.as_of)
        bodies = {
            BodyKind.BOARD: "on boards",
            BodyKind.THEMED_GROUP: "on themed groups",
        }.get(self.body_kind, "")
        when = {
            "current": f"current on {day}",
            "past": f"that ended before {day}",
            "all": f"current or past, as recorded on {day}",
        }[self.status]
        return f"{bodies}, {when}" if bodies else when

    @property
    def region_rows(self):
        """The regions shown, then England's total when no region is chosen."""
        return self.regions if self.region else [*self.regions, self.nation]

    def partnership_page(self, number, per_page=None):
        """One page of the partnerships shown, with those of them whose board, or some of
        whose themed groups, have no women's-organisation representative. A bad or
        out-of-range page number shows the nearest page."""
        page = Paginator(self.partnerships, per_page or PARTNERSHIPS_PER_PAGE).get_page(number)
        return PartnershipPage(
            page=page,
            boards_without=self.boards_lacking(page.object_list),
            themed_groups_without=self.groups_lacking(page.object_list),
        )

    @property
    def total_themed_groups_without(self):
        return sum(len(groups) for _, groups in self.themed_groups_without or [])

    def as_json(self):
        counts = {"counts_boards": self.counts_boards, "counts_groups": self.counts_groups}
        return {
            "as_of": self.as_of.isoformat(),
            "organisations_as_of": self.today.isoformat(),
            "filters": {
                "region": self.region.slug if self.region else None,
                "body_kind": self.body_kind or None,
                "status": self.status,
                "on": self.as_of.isoformat() if self.dated else None,
            },
            "nation": self.nation.as_json(**counts),
            "regions": [region.as_json(**counts) for region in self.regions],
            "partnerships": [p.as_json(**counts) for p in self.partnerships],
            "boards_without_womens_representative": (
                None
                if self.boards_without is None
                else [
                    {
                        "name": p.name,
                        "slug": p.slug,
                        "url": p.url,
                        "regions": [region.slug for region in p.regions],
                    }
                    for p in self.boards_without
                ]
            ),
            "themed_groups_without_womens_representative": (
                None
                if self.themed_groups_without is None
                else {
                    "count": self.total_themed_groups_without,
                    "by_partnership": [
                        {
                            "partnership": {"name": p.name, "slug": p.slug, "url": p.url},
                            "regions": [region.slug for region in p.regions],
                            "themed_groups": groups,
                        }
                        for p, groups in self.themed_groups_without
                    ],
                }
            ),
            "cens": self.cens.as_json(),
            "over_time": [point.as_json() for point in self.over_time],
        }


class Lazy(Sequence):
    """items, each passed through make() when first read: a region's report page shows 50
    of its few hundred partnerships, its JSON all of them."""

    def __init__(self, items, make):
        self.items, self.make, self.made = items, make, {}

    def __len__(self):
        return len(self.items)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
            if index < 0:
                raise IndexError(index)
        if index not in self.made:
            self.made[index] = self.make(self.items[index])  # IndexError ends iteration
        return self.made[index]


@dataclass
class PartnershipPage:
    """A page of a region's partnerships, for the page's table and lists."""

    page: object  # django.core.paginator.Page of partnership Figures
    boards_without: list | None
    themed_groups_without: list | None


def slug_in_query(slug):
    """quote_plus(slug), without its cost for the usual slug, which needs no quoting."""
    return slug if SAFE_SLUG.fullmatch(slug) else quote_plus(slug)


class Links:
    """Each number's list: the representatives or networks list with the same filters.
    Built for thousands of rows: each URL is reversed once and the query strings are the
    same as urlencode() would make, in the same order."""

    def __init__(self, *, region, body_kind, status, on=None):
        """on: the day of a dated report (not today). The lists show today's seats, so a
        dated report's seat counts link to nothing: no list would match them."""
        self.region, self.body_kind, self.status, self.on = region, body_kind, status, on
        self.representatives = reverse("partnerships:representative_list")
        self.report_page = reverse("report:representation")
        self.get_involved = reverse("involved:get_involved")
        self.partnership = functools.partial(slug_url, "partnerships:partnership")
        tail = {"status": status}
        if body_kind:
            tail["body_kind"] = body_kind
        if on:
            tail["on"] = on.isoformat()
        self.tail = urlencode(tail)
        self.bodies = f"&body_kind={body_kind}" if body_kind else ""
        self.vcs = urlencode({"sector": Sector.VCS})

    def report(self, *, region):
        """A region's report, with the same seat filters (and day)."""
        return f"{self.report_page}?region={slug_in_query(region)}&{self.tail}"

    def for_figures(self, *, region=None, partnership=None):
        """The VCS seats, women's-organisation seats and open VCS vacancies of England, a
        region (by slug) or a partnership (by slug), and how to apply for the vacancies.
        A dated report has none of these: the lists and vacancies are today's."""
        if self.on:
            return {}
        if partnership:
            where = f"&partnership={slug_in_query(partnership)}"
        elif region:
            where = f"&region={slug_in_query(region)}"
        else:
            where = ""
        seats = f"{self.representatives}?{self.vcs}{where}"
        return {
            "vcs_seats": f"{seats}&{self.tail}",
            "womens_seats": f"{self.representatives}?{self.vcs}&womens=yes{where}&{self.tail}",
            "vacant_seats": f"{seats}&term=vacant{self.bodies}",
            "get_involved": f"{self.get_involved}?{where[1:]}" if where else self.get_involved,
        }

    def cens(self, **extra):
        query = {"kind": NetworkKind.CEN}
        if self.region:
            query["region"] = self.region.slug
        query.update(extra)
        return f"{reverse('networks:network_list')}?{urlencode(query)}"


def cen_figures(*, region, links):
    """How many CENs, by status and funding, and when they were checked. One query."""
    cens = Network.objects.cens()
    if region is not None:
        # The networks list's own rule for a region, so the counts match its lists.
        cens = cens.in_region(region)
    counts = {f"status_{value}": Count("pk", filter=Q(status=value)) for value in NetworkStatus}
    counts |= {f"funding_{value}": Count("pk", filter=Q(funding=value)) for value in Funding}
    figures = cens.order_by().aggregate(
        total=Count("pk"),
        earliest=Min("status_checked_on"),
        latest=Max("status_checked_on"),
        not_checked=Count("pk", filter=Q(status_checked_on__isnull=True)),
        **counts,
    )
    total = figures["total"]
    return CenFigures(
        total=total,
        link=links.cens(),
        statuses=[
            CenRow(value, label, figures[f"status_{value}"], total, links.cens(status=value))
            for value, label in NetworkStatus.choices
        ],
        funding=[
            CenRow(value, label, figures[f"funding_{value}"], total, links.cens(funding=value))
            for value, label in Funding.choices
        ],
        earliest=figures["earliest"],
        latest=figures["latest"],
        not_checked=figures["not_checked"],
    )


@dataclass(frozen=True)
class YearPoint:
    """Women's organisations' share of the VCS seats held on one day."""

    on: datetime.date
    vcs_seats: int
    womens_seats: int

    @property
    def share(self):
        return Share(self.womens_seats, self.vcs_seats)

    def as_json(self):
        value = self.share.value
        return {
            "on": self.on.isoformat(),
            "vcs_seats": self.vcs_seats,
            "womens_seats": self.womens_seats,
            "share": None if value is None else str(value),
        }


def held_on(day):
    """The condition for a seat held on the day: Seat.objects.current()'s rule."""
    return held_between(day, day)


# The region of a partnership with no area, as the report names it.
NO_REGION = SimpleNamespace(name="No region recorded", slug=None)


def scope_figures(tally, organisations, *, status, body_kind, on):
    """What the report shows of England or a region, from its tally and its organisations'
    values (JSON: the summary stores it)."""
    return {
        "seats": figure_values(tally, status, body_kind),
        "organisations": organisations,
        "over_time": over_time_values(tally, body_kind, on),
    }


def assemble_report(*, on, today, region, body_kind, status, regions, scopes, partnerships):
    """The Report, from figures already made (live by representation_report, or stored by
    partnerships/summary.py).

    regions: {pk: Region}, by name. scopes: {"england", a region's pk, or None for the
    partnerships in no region: scope_figures()}; England's and the chosen region's, or
    England's and every region's. partnerships: those shown, by name, each {"name", "slug",
    "regions": [region pks], "seats": figure_values, "organisations": Organisations.values,
    "groups_without": [names of its themed groups with no women's-organisation seat]}."""
    dated = on != today
    links = Links(region=region, body_kind=body_kind, status=status, on=on if dated else None)
    region_figures = {
        pk: Figures.of(
            scopes[pk]["seats"],
            scopes[pk]["organisations"],
            dated=dated,
            name=r.name,
            slug=r.slug,
            url=r.get_absolute_url(),
            report_url=links.report(region=r.slug),
            links=links.for_figures(region=r.slug),
        )
        for pk, r in regions.items()
        if pk in scopes
    }
    nation = Figures.of(
        scopes["england"]["seats"],
        scopes["england"]["organisations"],
        dated=dated,
        name="England",
        links=links.for_figures(),
    )
    if region is not None:
        scope = region_figures[region.pk]
        shown_regions = [scope]
    else:
        scope = nation
        shown_regions = list(region_figures.values())
        if None in scopes and scopes[None]["seats"]["partnerships"]:
            nowhere = scopes[None]
            shown_regions.append(
                Figures.of(
                    nowhere["seats"], nowhere["organisations"], dated=dated, name=NO_REGION.name
                )
            )

    def partnership_figures(p):
        return Figures.of(
            p["seats"],
            p["organisations"],
            dated=dated,
            name=p["name"],
            slug=p["slug"],
            is_partnership=True,
            regions=[regions[pk] for pk in p["regions"]] or [NO_REGION],
            groups_without_names=p["groups_without"],
            url=links.partnership(p["slug"]),
            links=links.for_figures(partnership=p["slug"]),
        )

    over_time = [
        YearPoint(on=same_day(on, year), vcs_seats=vcs, womens_seats=womens)
        for year, vcs, womens in scopes[region.pk if region else "england"]["over_time"]
    ]
    return Report(
        as_of=on,
        today=today,
        over_time=over_time,
        region=region,
        body_kind=body_kind,
        status=status,
        nation=nation,
        scope=scope,
        regions=shown_regions,
        partnerships=Lazy(partnerships, partnership_figures),
        cens=cen_figures(region=region, links=links),
    )


def checked_filters(body_kind, status):
    return (
        body_kind if body_kind in BodyKind.values else "",
        status if status in STATUSES else "current",
    )


def representation_report(*, region=None, body_kind="", status="current", on=None, today=None):
    """The whole report, for one region or for England, made from the records in a fixed
    number of queries. on: the day whose seats are counted (today by default); the
    organisations are always today's register, and the open vacancies are given only for
    today. The pages read today's report from the stored summary (summary.py), which this
    function checks: both sum the same tallies."""
    today = today or timezone.localdate()
    on = on or today
    body_kind, status = checked_filters(body_kind, status)
    regions = {r.pk: r for r in Region.objects.order_by("name")}
    tallies, groups_lacking = partnership_tallies(on)
    regions_of, areas_of = partnership_regions()
    organisations = Organisations()
    totals = summed(tallies, regions_of)
    local, region_organisations = organisations.of_scopes(tallies, regions_of, areas_of)
    made = {"status": status, "body_kind": body_kind, "on": on}
    scopes = {
        key: scope_figures(totals[key], organisations.values(region_organisations[key]), **made)
        for key in [*regions, *([None] if None in totals else [])]
    }
    scopes["england"] = scope_figures(totals["england"], Organisations.everyone(), **made)
    rows = Partnership.objects.order_by("name", "pk").values_list("pk", "name", "slug")
    partnerships = [
        {
            "name": name,
            "slug": slug,
            "regions": regions_of.get(pk, []),
            "seats": figure_values(tallies[pk], status, body_kind),
            "organisations": organisations.values(local[pk]),
            "groups_without": groups_lacking[pk][status] if pk in groups_lacking else [],
        }
        for pk, name, slug in rows
        if region is None or region.pk in regions_of.get(pk, ())
    ]
    return assemble_report(
        on=on,
        today=today,
        region=region,
        body_kind=body_kind,
        status=status,
        regions=regions,
        scopes=scopes,
        partnerships=partnerships,
    )
