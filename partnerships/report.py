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

import calendar
import datetime
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from functools import cached_property
from urllib.parse import quote, quote_plus, urlencode

from django.core.paginator import Paginator
from django.db.models import Count, Max, Min, Q
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.http import RFC3986_SUBDELIMS

from networks.choices import Funding, NetworkKind, NetworkStatus
from networks.models import Network

from .choices import BodyKind, OrganisationKind, Sector
from .filters import SeatFilter
from .managers import held_between
from .models import Body, Organisation, Partnership, Region, Seat

STATUSES = ("current", "past", "all")
PARTNERSHIPS_PER_PAGE = 200  # rows of the region page's partnership table and lists
OVER_TIME_YEARS = 60  # the most years the "Over time" series covers, the latest


def round_half_up(value, places):
    """An exact Fraction rounded half up to `places` decimal places, as a Decimal."""
    scale = 10**places
    whole = math.floor(value * scale + Fraction(1, 2))
    return Decimal(whole).scaleb(-places) if places else Decimal(whole)


def long_date(day):
    return dateformat.format(day, "j F Y") if day else ""


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


@dataclass(frozen=True)
class Share:
    """part of whole, as a percentage; no share at all when whole is 0."""

    part: int
    whole: int

    @property
    def exact(self):
        return Fraction(self.part * 100, self.whole) if self.whole else None

    @property
    def value(self):
        """One decimal place, rounded half up: Decimal("1.8"), or None for no data."""
        return None if self.exact is None else round_half_up(self.exact, 1)

    def rounded(self, places):
        """Rounded once, from the exact value, to `places` (0 or 1) decimal places."""
        return None if self.exact is None else round_half_up(self.exact, places)

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
    """When the seats under a figure were last verified: the oldest date, and the lower
    median (of n verified seats sorted by date, the ((n + 1) // 2)-th); seats never
    verified are counted apart, not taken as old or new."""

    oldest: datetime.date | None
    median: datetime.date | None
    verified: int
    never: int

    @classmethod
    def of(cls, counts):
        """counts: {last verified date, or None for never: number of seats}."""
        never = counts.get(None, 0)
        dates = sorted(day for day in counts if day is not None)
        verified = sum(counts[day] for day in dates)
        median, seen, middle = None, 0, (verified - 1) // 2
        for day in dates:
            seen += counts[day]
            if seen > middle:
                median = day
                break
        return cls(dates[0] if dates else None, median, verified, never)

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
    verified: Counter = field(default_factory=Counter)  # seats by last verified date
    organisations_verified: Counter = field(default_factory=Counter)  # and organisations
    links: dict = field(default_factory=dict)
    url: str = ""
    report_url: str = ""  # a region's own report, with the same filters

    @property
    def region_names(self):
        return ", ".join(region.name for region in self.regions)

    @cached_property
    def freshness(self):
        return Freshness.of(self.verified)

    @cached_property
    def organisation_freshness(self):
        return Freshness.of(self.organisations_verified)

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

    def add_seats(self, other):
        self.vcs_seats += other.vcs_seats
        if self.vacant_seats is not None and other.vacant_seats is not None:
            self.vacant_seats += other.vacant_seats
        self.verified.update(other.verified)
        self.womens_seats += other.womens_seats
        self.partnerships += 1
        self.partnerships_with_board += other.partnerships_with_board
        self.boards_without += other.boards_without
        self.themed_groups += other.themed_groups
        self.themed_groups_without += other.themed_groups_without

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
    partnerships: list
    boards_without: list  # partnership Figures, or None when boards are filtered out
    themed_groups_without: list  # (partnership Figures, [group names]), or None
    cens: CenFigures

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
        on_page = {id(p) for p in page.object_list}
        return PartnershipPage(
            page=page,
            boards_without=(
                None
                if self.boards_without is None
                else [p for p in self.boards_without if id(p) in on_page]
            ),
            themed_groups_without=(
                None
                if self.themed_groups_without is None
                else [(p, names) for p, names in self.themed_groups_without if id(p) in on_page]
            ),
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


@dataclass
class PartnershipPage:
    """A page of a region's partnerships, for the page's table and lists."""

    page: object  # django.core.paginator.Page of partnership Figures
    boards_without: list | None
    themed_groups_without: list | None


SAFE_SLUG = re.compile(r"[-\w.~]+", re.ASCII)  # what quote() and quote_plus() leave alone


def slug_in_query(slug):
    """quote_plus(slug), without its cost for the usual slug, which needs no quoting."""
    return slug if SAFE_SLUG.fullmatch(slug) else quote_plus(slug)


def url_for_slugs(name):
    """reverse(name, args=[slug]) for many slugs: the URL is reversed once, with a
    placeholder, and each slug is put in its place, quoted as reverse() would."""
    placeholder = "slug-placeholder"
    prefix, suffix = reverse(name, args=[placeholder]).split(placeholder)
    safe = RFC3986_SUBDELIMS + "/~:@"
    return lambda slug: (
        f"{prefix}{slug if SAFE_SLUG.fullmatch(slug) else quote(slug, safe=safe)}{suffix}"
    )


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
        self.partnership = url_for_slugs("partnerships:partnership")
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


def vcs_seats_by_body(*, body_kind, status, on):
    """Held VCS seats and women's-organisation seats per body, and the VCS seats by the date
    each was last verified, chosen by the representatives list's own FilterSet (on the day)
    so the counts match the lists they link to; never a vacancy. One query:
    {body id: [vcs, womens, {date: seats}]}."""
    data = {"sector": Sector.VCS, "status": status}
    if body_kind:
        data["body_kind"] = body_kind
    seats = SeatFilter(data, queryset=Seat.objects.held(), on=on).qs
    rows = (
        seats.order_by()
        .values("body_id", "last_verified_on")
        .annotate(
            vcs=Count("pk"),
            womens=Count("pk", filter=Q(organisation__is_womens_organisation=True)),
        )
        .values_list("body_id", "last_verified_on", "vcs", "womens")
    )
    by_body = {}
    for body_id, verified_on, vcs, womens in rows:
        counts = by_body.setdefault(body_id, [0, 0, {}])
        counts[0] += vcs
        counts[1] += womens
        counts[2][verified_on] = vcs
    return by_body


def vacant_vcs_seats_by_body(*, body_kind, on):
    """Open VCS vacancies per body, as the representatives list's term=vacant chooses them.
    One query: {body id: vacancies}."""
    data = {"sector": Sector.VCS, "term": "vacant"}
    if body_kind:
        data["body_kind"] = body_kind
    seats = SeatFilter(data, queryset=Seat.objects.all(), on=on).qs
    return dict(
        seats.order_by().values("body_id").annotate(n=Count("pk")).values_list("body_id", "n")
    )


def partnership_regions():
    """Each partnership's regions (every region any of its areas lies in, in the GSS order
    of its areas: the lists' region filter's rule) and its areas. One query."""
    regions, areas = defaultdict(list), defaultdict(set)
    rows = Partnership.areas.through.objects.order_by("area__gss_code").values_list(
        "partnership_id", "area_id", "area__region_id"
    )
    for partnership_id, area_id, region_id in rows:
        if region_id not in regions[partnership_id]:
            regions[partnership_id].append(region_id)
        areas[partnership_id].add(area_id)
    return regions, areas


def vcs_organisations():
    """Every VCS organisation, whether it is a women's organisation and when it was last
    verified; those with an area,
    by area and region; and those holding or having held seats, by partnership. Three
    queries.

    Whether an organisation is a women's organisation is looked up in the first, not
    carried through the others: the pairs of partnership and seat-holder are then narrower
    to make distinct (at national scale x10, PostgreSQL's hash of them spills 0.8 MB to
    disk instead of 3.5 MB). The seat-holders are chosen with IN (VCS organisations)
    rather than a join, which SQLite runs from the organisation index in half the time."""
    womens, verified_on = {}, {}
    rows = (
        Organisation.objects.vcs()
        .order_by()
        .values_list("pk", "is_womens_organisation", "last_verified_on")
    )
    for pk, is_womens, last_verified_on in rows:
        womens[pk], verified_on[pk] = is_womens, last_verified_on
    by_area, by_region = defaultdict(set), defaultdict(set)
    rows = Organisation.areas.through.objects.filter(
        organisation__kind=OrganisationKind.VCS
    ).values_list("organisation_id", "area_id", "area__region_id")
    for organisation_id, area_id, region_id in rows:
        by_area[area_id].add(organisation_id)
        by_region[region_id].add(organisation_id)
    seat_holders = defaultdict(set)
    rows = (
        Seat.objects.held()
        .filter(organisation__in=Organisation.objects.vcs().values("pk"))
        .order_by()
        .values_list("body__partnership_id", "organisation_id")
        .distinct()
    )
    for partnership_id, organisation_id in rows:
        seat_holders[partnership_id].add(organisation_id)
    return womens, verified_on, by_area, by_region, seat_holders


def count_organisations(figures, organisations, womens, verified_on):
    """organisations: a set of VCS organisations' ids; womens: the women's organisations';
    verified_on: each VCS organisation's last verified date."""
    figures.vcs_organisations = len(organisations)
    figures.womens_organisations = len(womens.intersection(organisations))
    figures.organisations_verified = Counter(map(verified_on.__getitem__, organisations))


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


def same_day(day, year):
    """The day's month and day in another year; 29 February is 28 February in other years."""
    if day.month == 2 and day.day == 29 and not calendar.isleap(year):
        return datetime.date(year, 2, 28)
    return day.replace(year=year)


def held_on(day):
    return held_between(day, day)


def over_time(*, region, body_kind, on):
    """Women's organisations' share of the VCS seats held on the same day of each year,
    from the year the earliest of these seats began to the day's own year (at most
    OVER_TIME_YEARS years, the latest), for England or the region, on the bodies chosen.
    Two queries whatever the size of the data or the number of years: the first year,
    then one conditional count per year, in one pass over the seats."""
    seats = Seat.objects.held().vcs()
    if region is not None:
        seats = seats.in_region(region)
    if body_kind:
        seats = seats.filter(body__kind=body_kind)
    first = seats.order_by().aggregate(first=Min("start_date"))["first"]
    start = min(first.year if first else on.year, on.year)
    start = max(start, on.year - OVER_TIME_YEARS + 1)
    days = [same_day(on, year) for year in range(start, on.year + 1)]
    counts = {f"held_{i}": Count("pk", filter=held_on(day)) for i, day in enumerate(days)}
    # Only the seats that can count on some day of the series are read, grouped by whether
    # their organisation is a women's organisation (two or three rows), so each year needs
    # one count, not a second for women's organisations: at 500,000 seats and 35 years,
    # 1.3 s instead of 2.4 s on SQLite, 0.29 s instead of 0.36 s on PostgreSQL (medians).
    rows = (
        seats.order_by()
        .filter(held_between(days[0], days[-1]))
        .values("organisation__is_womens_organisation")
        .annotate(**counts)
    )
    vcs, womens = [0] * len(days), [0] * len(days)
    for row in rows:
        for i in range(len(days)):
            vcs[i] += row[f"held_{i}"]
            if row["organisation__is_womens_organisation"]:
                womens[i] += row[f"held_{i}"]
    return [
        YearPoint(on=day, vcs_seats=vcs[i], womens_seats=womens[i]) for i, day in enumerate(days)
    ]


def representation_report(*, region=None, body_kind="", status="current", on=None, today=None):
    """The whole report, for one region or for England, in a fixed number of queries.
    on: the day whose seats are counted (today by default); the organisations are always
    today's register, and the open vacancies are given only for today."""
    today = today or timezone.localdate()
    on = on or today
    dated = on != today
    status = status if status in STATUSES else "current"
    body_kind = body_kind if body_kind in BodyKind.values else ""
    links = Links(region=region, body_kind=body_kind, status=status, on=on if dated else None)

    regions = {r.pk: r for r in Region.objects.order_by("name")}
    regions_of, areas_of = partnership_regions()
    seats = vcs_seats_by_body(body_kind=body_kind, status=status, on=on)
    vacancies = None if dated else vacant_vcs_seats_by_body(body_kind=body_kind, on=on)
    bodies = Body.objects.order_by("name").values_list("pk", "partnership_id", "kind", "name")
    if body_kind:
        bodies = bodies.filter(kind=body_kind)
    womens, verified_on, organisations_by_area, organisations_by_region, seat_holders = (
        vcs_organisations()
    )
    womens_ids = {pk for pk, is_womens in womens.items() if is_womens}

    region_figures = {
        pk: Figures(
            name=r.name,
            slug=r.slug,
            url=r.get_absolute_url(),
            report_url=links.report(region=r.slug),
            links=links.for_figures(region=r.slug),
        )
        for pk, r in regions.items()
    }
    nowhere = Figures(name="No region recorded")
    if dated:
        for figures in [*region_figures.values(), nowhere]:
            figures.vacant_seats = None
    partnerships = {}
    for pk, name, slug in Partnership.objects.order_by("name").values_list("pk", "name", "slug"):
        partnerships[pk] = Figures(
            name=name,
            slug=slug,
            is_partnership=True,
            regions=[region_figures[r] for r in regions_of.get(pk, ())] or [nowhere],
            url=links.partnership(slug),
            links=links.for_figures(partnership=slug),
            vacant_seats=None if dated else 0,
        )

    # Seats, boards and themed groups, body by body.
    board_has_womens = defaultdict(bool)
    groups_without = defaultdict(list)
    for body_id, partnership_id, kind, name in bodies:
        figures = partnerships[partnership_id]
        vcs, womens_seats, verified = seats.get(body_id, (0, 0, {}))
        figures.vcs_seats += vcs
        figures.womens_seats += womens_seats
        figures.verified.update(verified)
        if vacancies is not None:
            figures.vacant_seats += vacancies.get(body_id, 0)
        if kind == BodyKind.BOARD:
            figures.partnerships_with_board = 1
            board_has_womens[partnership_id] |= womens_seats > 0
        else:
            figures.themed_groups += 1
            if not womens_seats:
                figures.themed_groups_without += 1
                groups_without[partnership_id].append(name)
    for partnership_id, has_womens in board_has_womens.items():
        partnerships[partnership_id].boards_without = 0 if has_womens else 1

    # VCS organisations: the partnership's own, then its region's, then England's.
    region_organisations = defaultdict(set, organisations_by_region)
    nation = Figures(name="England", links=links.for_figures(), vacant_seats=None if dated else 0)
    for pk, figures in partnerships.items():
        local = set(seat_holders.get(pk, ()))
        for area_id in areas_of.get(pk, ()):
            local |= organisations_by_area.get(area_id, set())
        count_organisations(figures, local, womens_ids, verified_on)
        # In each of its regions once, and in England once.
        for region_pk in regions_of.get(pk) or [None]:
            region_organisations[region_pk] |= local
        for parent in figures.regions:
            parent.add_seats(figures)
        nation.add_seats(figures)
    for pk, figures in region_figures.items():
        count_organisations(figures, region_organisations[pk], womens_ids, verified_on)
    count_organisations(nowhere, region_organisations[None], womens_ids, verified_on)
    count_organisations(nation, womens.keys(), womens_ids, verified_on)  # every one

    if region is not None:
        scope = region_figures[region.pk]
        shown_regions = [scope]
    else:
        scope = nation
        shown_regions = list(region_figures.values())
        if nowhere.partnerships:
            shown_regions.append(nowhere)
    shown = [
        p for pk, p in partnerships.items() if region is None or region.pk in regions_of.get(pk, ())
    ]
    shown_ids = {id(p) for p in shown}

    return Report(
        as_of=on,
        today=today,
        over_time=over_time(region=region, body_kind=body_kind, on=on),
        region=region,
        body_kind=body_kind,
        status=status,
        nation=nation,
        scope=scope,
        regions=shown_regions,
        partnerships=shown,
        boards_without=(
            [p for p in shown if p.boards_without] if body_kind != BodyKind.THEMED_GROUP else None
        ),
        themed_groups_without=(
            [
                (partnerships[pk], names)
                for pk, names in sorted(
                    groups_without.items(), key=lambda item: partnerships[item[0]].name
                )
                if id(partnerships[pk]) in shown_ids
            ]
            if body_kind != BodyKind.BOARD
            else None
        ),
        cens=cen_figures(region=region, links=links),
    )
