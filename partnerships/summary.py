"""The representation report's stored summary: today's report for England, every region and
every partnership, for each choice of status and body, kept exact as the records change, so
the report's pages are made from a few small rows whatever the size of the data.

- What is stored: each partnership's tally (partnerships/tallies.py) and figures
  (PartnershipTally), and the sum of the tallies of England, of each region and of the
  partnerships in no region, with their figures (ScopeTally), all for one day.
- How it stays exact: database triggers (migration 0010) queue, in the same transaction as
  any change to seats, bodies, partnerships, organisations, areas or regions, what the
  change can affect (TallyQueue). up_to_date() takes the queue: it makes the queued
  partnerships' tallies again, takes their old tallies away from their scopes and adds the
  new ones, and makes again the organisations' figures of the regions they touch. Nothing
  is counted twice or missed: the sums are only changed by the difference of a partnership's
  old and new tally, under one lock, and a queue row is deleted only once it is taken.
- A new day changes which seats are current, so the first use on a new day makes the whole
  summary again (rebuild: about as long as the live report); `manage.py refresh_report`
  does it ahead of visitors, from cron just after midnight.
- Who brings it up to date: the request that changed something, after its response is made
  (RefreshAfterWrites), and any reader that finds the queue not empty, before reading.
- The live report (report.representation_report) sums the same tallies from the records;
  the tests compare the two after each kind of write. A report of another day is made live.
"""

import json
import logging

from django.db import connection, transaction
from django.db.models import Exists, F
from django.db.models.fields.json import KT
from django.utils import timezone

from .choices import BodyKind
from .managers import partnerships_where
from .models import Partnership, PartnershipTally, Region, ScopeTally, TallyQueue
from .report import Lazy, assemble_report, checked_filters
from .tallies import (
    STATUSES,
    Organisations,
    add,
    figure_values,
    over_time_values,
    partnership_regions,
    partnership_tallies,
    scopes_of,
    summed,
)

log = logging.getLogger(__name__)
LOCK = 7_202_614  # PostgreSQL advisory lock of the summary; SQLite's writes take turns
DELETE_BATCH = 5000  # queue rows deleted a statement
# The stored figures' shape: a release that changes what they hold raises it, and the
# summary is made whole again on its first use rather than read in the old shape.
VERSION = 1
# More partnerships changed at once than this (a large import): making everything again is
# quicker than adding and taking away, and keeps each query's list of ids short.
MOST_CHANGED = 300


def key_of(scope):
    """The stored key of a scope: "england", a region's pk, or None (no region)."""
    if scope == "england":
        return scope
    return "none" if scope is None else f"region-{scope}"


def seat_figures(tally, on, *, over_time=True):
    """The figures of a tally for each choice of status and body, and (England's and a
    region's) its over-time series for each choice of body: what a page reads."""
    kinds = ("", *BodyKind.values)
    figures = {
        "seats": {
            f"{status}|{kind}": figure_values(tally, status, kind)
            for status in STATUSES
            for kind in kinds
        }
    }
    if over_time:
        figures["over_time"] = {kind: over_time_values(tally, kind, on) for kind in kinds}
    return figures


def partnership_figures(tally, on, regions, organisations, groups_without):
    return {
        **seat_figures(tally, on, over_time=False),
        "regions": regions,
        "organisations": organisations,
        "groups_without": groups_without,
    }


def scope_row(key, tally, on, organisations):
    figures = {**seat_figures(tally, on), "organisations": organisations, "version": VERSION}
    return ScopeTally(key=key, day=on, tally=tally, figures=figures)


def lock():
    """One refresh at a time, until the transaction ends."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK])
    # SQLite: settings open every transaction with BEGIN IMMEDIATE, which takes the lock.


def partnership_row(pk, tally, on, regions, organisations, groups_without):
    """A partnership's stored tally, the scopes it is added into, and its figures."""
    return PartnershipTally(
        partnership_id=pk,
        scopes=[key_of(scope) for scope in scopes_of(regions)],
        tally=tally,
        figures=partnership_figures(tally, on, regions, organisations, groups_without),
    )


def rebuild(on):
    """The whole summary made again from the records, for the day."""
    tallies, groups_lacking = partnership_tallies(on)
    regions_of, areas_of = partnership_regions()
    organisations = Organisations()
    totals = summed(tallies, regions_of)
    local, region_organisations = organisations.of_scopes(tallies, regions_of, areas_of)
    rows = [
        partnership_row(
            pk,
            tally,
            on,
            regions_of.get(pk, []),
            organisations.values(local[pk]),
            groups_lacking.get(pk, {}),
        )
        for pk, tally in tallies.items()
    ]
    PartnershipTally.objects.all().delete()
    PartnershipTally.objects.bulk_create(rows, batch_size=500)
    ScopeTally.objects.all().delete()
    regions = Region.objects.values_list("pk", flat=True)
    scopes = [*regions, *([None] if None in totals else [])]  # every region, even empty
    ScopeTally.objects.bulk_create(
        [scope_row("england", totals["england"], on, Organisations.everyone())]
        + [
            scope_row(
                key_of(scope), totals[scope], on, organisations.values(region_organisations[scope])
            )
            for scope in scopes
        ]
    )


def take(on, queued):
    """Bring the summary up to date with the queued changes."""
    changed = {pk for _, pk, _, _ in queued if pk is not None}
    if len(changed) > MOST_CHANGED:
        rebuild(on)
        return
    stored = {row.pk: row for row in PartnershipTally.objects.filter(pk__in=changed)}
    tallies, groups_lacking = partnership_tallies(on, changed)
    regions_of, areas_of = partnership_regions(changed)

    differences = {}
    for pk in changed:
        if pk in stored:
            for key in stored[pk].scopes:
                add(differences.setdefault(key, {}), stored[pk].tally, -1)
        if pk in tallies:
            for scope in scopes_of(regions_of.get(pk)):
                add(differences.setdefault(key_of(scope), {}), tallies[pk])
    regions = {region for _, _, region, _ in queued if region is not None}
    regions |= {int(key[7:]) for key in differences if key.startswith("region-")}
    none = "none" in differences
    everyone = any(organisations for *_, organisations in queued)

    # The organisations of the regions touched, from all their partnerships.
    members = set(
        partnerships_where(areas__region__in=regions).values_list("pk", flat=True)
        if regions
        else ()
    )
    if none:
        members |= set(Partnership.objects.filter(areas=None).values_list("pk", flat=True))
    members_regions, members_areas = partnership_regions(members | changed)
    organisations = Organisations(members | changed, regions, members_areas)
    local, scoped = organisations.of_scopes(members | changed, members_regions, members_areas)
    touched = [*regions, *([None] if none else [])]  # others' sets are partial: not read
    region_organisations = {key_of(scope): scoped[scope] for scope in touched}

    # The scopes: their old tallies, the differences added, their figures made again.
    keys = set(differences) | set(region_organisations) | ({"england"} if everyone else set())
    scopes = {row.key: row for row in ScopeTally.objects.filter(key__in=keys)}
    made = []
    for key in keys:
        row = scopes.get(key) or ScopeTally(key=key, day=on, tally={}, figures={})
        add(row.tally, differences.get(key, {}))
        if key in region_organisations:
            values = organisations.values(region_organisations[key])
        elif key == "england" and everyone:
            values = Organisations.everyone()
        else:
            values = row.figures["organisations"]
        made.append(scope_row(key, row.tally, on, values))
    upsert(ScopeTally, made)

    # The partnerships: their new tallies and figures, or none when they are gone.
    PartnershipTally.objects.filter(pk__in=changed - set(tallies)).delete()
    upsert(
        PartnershipTally,
        [
            partnership_row(
                pk,
                tally,
                on,
                regions_of.get(pk, []),
                organisations.values(local[pk]),
                groups_lacking.get(pk, {}),
            )
            for pk, tally in tallies.items()
        ],
    )


def upsert(model, rows):
    """Insert the rows, or update those already there, in one statement a batch."""
    fields = [f.name for f in model._meta.concrete_fields if not f.primary_key]
    model.objects.bulk_create(
        rows,
        batch_size=500,
        update_conflicts=True,
        unique_fields=[model._meta.pk.name],
        update_fields=fields,
    )


def refresh(on=None, *, rebuild_all=False):
    """Take the queue (or make everything again on a new day, or when asked)."""
    on = on or timezone.localdate()
    with transaction.atomic():
        lock()
        queued = list(
            TallyQueue.objects.values_list("pk", "partnership_id", "region_id", "organisations")
        )
        made = ScopeTally.objects.filter(key="england").values_list("day", "figures__version")
        if rebuild_all or made.first() != (on, VERSION):
            rebuild(on)
        elif queued:
            take(on, queued)
        ids = [row[0] for row in queued]
        for start in range(0, len(ids), DELETE_BATCH):
            TallyQueue.objects.filter(pk__in=ids[start : start + DELETE_BATCH]).delete()


def up_to_date():
    """Bring the summary up to date if it is not: one query when it is."""
    today = timezone.localdate()
    state = (
        ScopeTally.objects.filter(key="england")
        .annotate(queued=Exists(TallyQueue.objects.all()))
        .values_list("day", "figures__version", "queued")
        .first()
    )
    if state != (today, VERSION, False):
        refresh(today)
    return today


def report(*, region=None, body_kind="", status="current", partnerships=True):
    """Today's report from the summary, as report.representation_report would make it.
    partnerships: whether to read every partnership's figures (the JSON, a region's page)
    or not (England's page shows the regions only)."""
    today = up_to_date()
    body_kind, status = checked_filters(body_kind, status)
    combo = f"{status}|{body_kind}"
    regions = {r.pk: r for r in Region.objects.order_by("name")}
    wanted = ["england", region.pk] if region else ["england", *regions, None]
    rows = ScopeTally.objects.filter(key__in=[key_of(scope) for scope in wanted])
    stored = dict(rows.values_list("key", "figures"))
    scopes = {
        scope: {
            "seats": stored[key_of(scope)]["seats"][combo],
            "organisations": stored[key_of(scope)]["organisations"],
            "over_time": stored[key_of(scope)]["over_time"][body_kind],
        }
        for scope in wanted
        if key_of(scope) in stored
    }
    shown = []
    if partnerships:
        rows = PartnershipTally.objects.order_by("partnership__name", "pk")
        if region is not None:
            rows = rows.filter(partnership__in=partnerships_where(areas__region=region))
        # Only the figures of the filters chosen are read out of each partnership's JSON.
        read = {
            "name": F("partnership__name"),
            "slug": F("partnership__slug"),
            "regions": KT("figures__regions"),
            "seats": KT(f"figures__seats__{combo}"),
            "organisations": KT("figures__organisations"),
            "groups_without": KT(f"figures__groups_without__{status}"),
        }
        shown = Lazy(list(rows.values(**read)), decoded)
    return assemble_report(
        on=today,
        today=today,
        region=region,
        body_kind=body_kind,
        status=status,
        regions=regions,
        scopes=scopes,
        partnerships=shown,
    )


def decoded(row):
    """A partnership's row of the summary, its JSON read (when the report shows it)."""
    for key in ("regions", "seats", "organisations", "groups_without"):
        row[key] = json.loads(row[key]) if row[key] else []
    return row


class RefreshAfterWrites:
    """After a request that may have changed records, bring the summary up to date, so
    the next visitor reads it ready. It is done once the answer is sent (when the server
    closes the response), so the curator who saved does not wait for it. A failure costs
    the next reader of the report the work, not the save."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            # Django runs these when the response is closed (after the last byte is sent),
            # as it closes a FileResponse's file; the test client closes it before returning.
            response._resource_closers.append(refresh_quietly)
        return response


def refresh_quietly():
    try:
        up_to_date()
    except Exception:  # the change is saved: the next reader of the report does this
        log.exception("The report's summary was not brought up to date")
