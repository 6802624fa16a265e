"""The representation report's counts, kept as tallies that add up.

A partnership's tally holds every count the report can ask of it on a day, for each choice
of status and body at once. England's tally is the sum of every partnership's, a region's the
sum of its partnerships' (a partnership in two regions is in both, and once in England). So
the stored summary (partnerships/summary.py) keeps England and the regions exact by taking a
changed partnership's old tally away and adding its new one, and the report made for another
day (report.representation_report) sums fresh tallies the same way. figure_values() reads
the figures of one choice of status and body out of any tally, for both.

A tally is plain JSON (the summary stores it); days are ISO dates, "" for never verified:

    seats:    {body kind: {status: {"w" or "o": {day last verified: seats}}}}
              held VCS seats, by the status each has on the day (seat_status): current,
              past or future (not yet begun; only status=all counts these); "w" those held
              for a women's organisation, "o" the others
    vacant:   {body kind: VCS vacancies open on the day}
    years:    {body kind: {"w" or "o": [VCS seats held on the day's date of each of the
              OVER_TIME_YEARS years up to the day's own]}}
    first:    {body kind: {year: partnerships whose earliest held VCS seat began that year}}
    partnerships, with_board, themed_groups: how many
    boards_without: {status: partnerships with a board none of whose boards has a women's-
              organisation seat of that status}
    groups_without: {status: themed groups with no women's-organisation seat of it}

Zeros are left out, so a tally is as small as what it counts.
"""

import calendar
import datetime
from collections import Counter, defaultdict

from django.db.models import Case, Count, Min, Q, Value, When

from .choices import BodyKind, OrganisationKind
from .managers import ended_before, held_between, open_on
from .models import Body, Organisation, Partnership, Seat

STATUSES = ("current", "past", "all")  # the report's choices
SEAT_STATUSES = ("current", "past", "future")  # what a held seat is on a day; all = the three
OVER_TIME_YEARS = 60  # the most years the "Over time" series covers, the latest


def seat_status(on):
    """The status a held seat has on the day, by current()'s and past()'s rules."""
    return Case(
        When(held_between(on, on), then=Value("current")),
        When(ended_before(on), then=Value("past")),
        default=Value("future"),
    )


def statuses_of(status):
    return SEAT_STATUSES if status == "all" else (status,)


def kinds_of(body_kind):
    return (body_kind,) if body_kind else tuple(BodyKind.values)


def same_day(day, year):
    """The day's month and day in another year; 29 February is 28 February in other years."""
    if day.month == 2 and day.day == 29 and not calendar.isleap(year):
        return datetime.date(year, 2, 28)
    return day.replace(year=year)


def first_year(on):
    """The first year of the "Over time" window (no earlier than year 1)."""
    return max(on.year - OVER_TIME_YEARS + 1, 1)


def iso(day):
    return day.isoformat() if day else ""


def add(total, part, sign=1):
    """Add a tally (or take it away, sign=-1) into another, in place; zeros are dropped."""
    for key, value in part.items():
        if isinstance(value, dict):
            mine = total.setdefault(key, {})
            add(mine, value, sign)
            if not mine:
                del total[key]
        elif isinstance(value, list):
            mine = total.setdefault(key, [0] * len(value))
            for i, number in enumerate(value):
                mine[i] += sign * number
            if not any(mine):
                del total[key]
        else:
            total[key] = total.get(key, 0) + sign * value
            if not total[key]:
                del total[key]
    return total


def partnership_tallies(on, partnership_ids=None):
    """The tally of each partnership on the day, in four queries whatever their number:
    ({partnership id: tally}, {partnership id: {status: [names of its themed groups with no
    women's-organisation seat of that status, by name]}}). partnership_ids: only these
    (None: all)."""
    seats = Seat.objects.held().vcs().order_by()
    vacancies = Seat.objects.filter(open_on(on)).vcs().order_by()
    bodies = Body.objects.order_by("name", "pk")
    if partnership_ids is not None:
        seats = seats.filter(body__partnership_id__in=partnership_ids)
        vacancies = vacancies.filter(body__partnership_id__in=partnership_ids)
        bodies = bodies.filter(partnership_id__in=partnership_ids)
        partnerships = Partnership.objects.filter(pk__in=partnership_ids)
    else:
        partnerships = Partnership.objects.all()
    tallies = {
        pk: {"partnerships": 1} for pk in partnerships.order_by().values_list("pk", flat=True)
    }

    womens_by_body = defaultdict(Counter)  # body: {seat status: women's-organisation seats}
    grouped = [
        "body__partnership_id",
        "body_id",
        "body__kind",
        "status",
        "organisation__is_womens_organisation",
        "last_verified_on",
    ]
    rows = (
        seats.annotate(status=seat_status(on))
        .values(*grouped)
        .annotate(n=Count("pk"))
        .values_list(*grouped, "n")
    )
    for partnership_id, body_id, kind, status, womens, verified_on, n in rows:
        days = (
            tallies[partnership_id]
            .setdefault("seats", {})
            .setdefault(kind, {})
            .setdefault(status, {})
            .setdefault("w" if womens else "o", {})
        )
        days[iso(verified_on)] = days.get(iso(verified_on), 0) + n
        if womens:
            womens_by_body[body_id][status] += n

    days = [same_day(on, year) for year in range(first_year(on), on.year + 1)]
    held = {f"y{i}": Count("pk", filter=held_between(day, day)) for i, day in enumerate(days)}
    rows = seats.values(
        "body__partnership_id", "body__kind", "organisation__is_womens_organisation"
    ).annotate(first=Min("start_date"), **held)
    for row in rows:
        tally, kind = tallies[row["body__partnership_id"]], row["body__kind"]
        counts = [row[f"y{i}"] for i in range(len(days))]
        if any(counts):
            w = "w" if row["organisation__is_womens_organisation"] else "o"
            tally.setdefault("years", {}).setdefault(kind, {})[w] = counts
        if row["first"]:
            firsts = tally.setdefault("first", {}).setdefault(kind, {})
            year = min([row["first"].year, *map(int, firsts)])
            firsts.clear()
            firsts[str(year)] = 1

    rows = vacancies.values("body__partnership_id", "body__kind").annotate(n=Count("pk"))
    for row in rows.values_list("body__partnership_id", "body__kind", "n"):
        tallies[row[0]].setdefault("vacant", {})[row[1]] = row[2]

    groups_lacking = defaultdict(lambda: {status: [] for status in STATUSES})
    boards_with_womens = defaultdict(set)  # partnership: statuses some board has them in
    for body_id, partnership_id, kind, name in bodies.values_list(
        "pk", "partnership_id", "kind", "name"
    ):
        tally = tallies[partnership_id]
        had = {
            status
            for status in STATUSES
            if any(womens_by_body[body_id][s] for s in statuses_of(status))
        }
        if kind == BodyKind.BOARD:
            tally["with_board"] = 1
            boards_with_womens[partnership_id] |= had
        else:
            tally["themed_groups"] = tally.get("themed_groups", 0) + 1
            for status in STATUSES:
                if status not in had:
                    without = tally.setdefault("groups_without", {})
                    without[status] = without.get(status, 0) + 1
                    groups_lacking[partnership_id][status].append(name)
    for partnership_id, tally in tallies.items():
        if tally.get("with_board"):
            had = boards_with_womens[partnership_id]
            without = {status: 1 for status in STATUSES if status not in had}
            if without:
                tally["boards_without"] = without
    return tallies, groups_lacking


def freshness_values(counts):
    """[oldest, lower median, verified, never verified] of {ISO day or "": records}: of n
    verified records sorted by date, the median is the ((n + 1) // 2)-th."""
    never = counts.get("", 0)
    days = sorted(day for day in counts if day)
    verified = sum(counts[day] for day in days)
    median, seen, middle = None, 0, (verified - 1) // 2
    for day in days:
        seen += counts[day]
        if seen > middle:
            median = day
            break
    return [days[0] if days else None, median, verified, never]


def figure_values(tally, status, body_kind):
    """The figures of one choice of status and body, from a tally (as JSON)."""
    vcs = womens = 0
    verified = Counter()
    for kind in kinds_of(body_kind):
        by_status = tally.get("seats", {}).get(kind, {})
        for seat_status_ in statuses_of(status):
            for w, days in by_status.get(seat_status_, {}).items():
                seats = sum(days.values())
                vcs += seats
                if w == "w":
                    womens += seats
                verified.update(days)
    boards, groups = body_kind != BodyKind.THEMED_GROUP, body_kind != BodyKind.BOARD
    return {
        "vcs": vcs,
        "womens": womens,
        "vacant": sum(tally.get("vacant", {}).get(kind, 0) for kind in kinds_of(body_kind)),
        "verified": freshness_values(verified),
        "partnerships": tally.get("partnerships", 0),
        "with_board": tally.get("with_board", 0) if boards else 0,
        "boards_without": tally.get("boards_without", {}).get(status, 0) if boards else 0,
        "themed_groups": tally.get("themed_groups", 0) if groups else 0,
        "groups_without": tally.get("groups_without", {}).get(status, 0) if groups else 0,
    }


def over_time_values(tally, body_kind, on):
    """The "Over time" series of a tally: [[year, VCS seats, women's-organisation seats]]
    from the year the earliest of the seats began (at most OVER_TIME_YEARS back) to the
    day's year."""
    kinds = kinds_of(body_kind)
    firsts = [int(year) for kind in kinds for year in tally.get("first", {}).get(kind, {})]
    start = max(min(min(firsts, default=on.year), on.year), first_year(on))
    years = on.year - first_year(on) + 1
    vcs, womens = [0] * years, [0] * years
    for kind in kinds:
        for w, counts in tally.get("years", {}).get(kind, {}).items():
            for i, count in enumerate(counts):
                vcs[i] += count
                if w == "w":
                    womens[i] += count
    skip = start - first_year(on)
    return [[first_year(on) + i, vcs[i], womens[i]] for i in range(skip, years)]


def scopes_of(regions):
    """Where a partnership's tally is added: England, and each of its regions (None when it
    has none, the "no region recorded" row)."""
    return ["england", *(regions or [None])]


def summed(tallies, regions_of):
    """England's and each region's tally: the sum of their partnerships' ({scope: tally})."""
    totals = defaultdict(dict)
    for pk, tally in tallies.items():
        for scope in scopes_of(regions_of.get(pk)):
            add(totals[scope], tally)
    return totals


def partnership_regions(partnership_ids=None):
    """Each partnership's regions (every region any of its areas lies in, in the GSS order
    of its areas: the lists' region filter's rule) and its areas. One query."""
    regions, areas = defaultdict(list), defaultdict(set)
    rows = Partnership.areas.through.objects.order_by("area__gss_code")
    if partnership_ids is not None:
        rows = rows.filter(partnership_id__in=partnership_ids)
    for partnership_id, area_id, region_id in rows.values_list(
        "partnership_id", "area_id", "area__region_id"
    ):
        if region_id not in regions[partnership_id]:
            regions[partnership_id].append(region_id)
        areas[partnership_id].add(area_id)
    return regions, areas


class Organisations:
    """The VCS organisations the report counts, and which of them are whose.

    A partnership's are those with an area among the partnership's areas, or that hold or
    held any seat on one of its bodies. A region's are those with an area in the region,
    plus those of its partnerships. England's are every VCS organisation in the directory.
    These do not depend on the seat filters: they describe the sector, not the seats.

    Made in three queries, for every partnership and region, or (partnership_ids,
    region_ids) for those only. Whether an organisation is a women's organisation is looked
    up in the first, not carried through the others: the pairs of partnership and
    seat-holder are then narrower to make distinct (at national scale x10, PostgreSQL's hash
    of them spills 0.8 MB to disk instead of 3.5 MB). The seat-holders are chosen with IN
    (VCS organisations) rather than a join, which SQLite runs from the organisation index
    in half the time."""

    def __init__(self, partnership_ids=None, region_ids=None, areas_of=None):
        vcs = Organisation.objects.vcs().order_by()
        in_areas = Organisation.areas.through.objects.filter(
            organisation__kind=OrganisationKind.VCS
        )
        holders = Seat.objects.held().filter(organisation__in=vcs.values("pk"))
        if partnership_ids is not None:
            areas = {area for pk in partnership_ids for area in areas_of.get(pk, ())}
            in_areas = in_areas.filter(Q(area_id__in=areas) | Q(area__region_id__in=region_ids))
            # For some partnerships, the seat-holders are read through their bodies and a join
            # (a region's: 0.64 s instead of 1.4 s on SQLite, 27 ms instead of 77 on PostgreSQL).
            holders = Seat.objects.held().filter(
                organisation__kind=OrganisationKind.VCS, body__partnership_id__in=partnership_ids
            )
        # Every VCS organisation's two facts, in one plain read: choosing only those around
        # the partnerships took SQLite 0.4 s at 50,000 organisations, reading all 0.05 s.
        self.womens, self.verified_on = {}, {}
        for pk, is_womens, verified_on in vcs.values_list(
            "pk", "is_womens_organisation", "last_verified_on"
        ):
            self.womens[pk], self.verified_on[pk] = is_womens, iso(verified_on)
        self.by_area, self.by_region = defaultdict(set), defaultdict(set)
        for organisation_id, area_id, region_id in in_areas.values_list(
            "organisation_id", "area_id", "area__region_id"
        ):
            self.by_area[area_id].add(organisation_id)
            self.by_region[region_id].add(organisation_id)
        self.holders = defaultdict(set)
        rows = holders.order_by().values_list("body__partnership_id", "organisation_id").distinct()
        for partnership_id, organisation_id in rows:
            self.holders[partnership_id].add(organisation_id)

    def of_partnership(self, pk, areas):
        found = set(self.holders.get(pk, ()))
        for area_id in areas:
            found |= self.by_area.get(area_id, set())
        return found

    def of_scopes(self, partnership_ids, regions_of, areas_of):
        """Each partnership's organisations, and each region's (those with an area in it, and
        its partnerships'; None: the region-less partnerships'): ({pk: set}, {region: set}).
        England's are every one (everyone())."""
        local, scoped = {}, defaultdict(set, {r: set(o) for r, o in self.by_region.items()})
        for pk in partnership_ids:
            local[pk] = self.of_partnership(pk, areas_of.get(pk, ()))
            for region in regions_of.get(pk) or [None]:
                scoped[region] |= local[pk]
        return local, scoped

    def values(self, organisations):
        """The figures of a set of these organisations' ids."""
        return organisation_values((self.womens[pk], self.verified_on[pk]) for pk in organisations)

    @staticmethod
    def everyone():
        """The figures of England's VCS organisations: every one in the directory."""
        rows = Organisation.objects.vcs().order_by()
        return organisation_values(
            (womens, iso(day))
            for womens, day in rows.values_list("is_womens_organisation", "last_verified_on")
        )


def organisation_values(organisations):
    """{VCS organisations, women's organisations, freshness} of (is a women's organisation,
    ISO day last verified) pairs."""
    womens, days = 0, Counter()
    for is_womens, day in organisations:
        womens += bool(is_womens)
        days[day] += 1
    return {"vcs": days.total(), "womens": womens, "verified": freshness_values(days)}
