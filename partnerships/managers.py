"""Chainable reads, named by what the pages ask for."""

import datetime

from django.apps import apps
from django.conf import settings
from django.db import connection, models
from django.db.models import Q, Value
from django.db.models.functions import Coalesce
from django.db.models.lookups import GreaterThanOrEqual
from django.utils import timezone

from .choices import BodyKind, DocumentKind, OrganisationKind, Sector


def months_later(day, months):
    """The same day of the month months later (or earlier, if negative), kept within the
    month: 31 August plus six months is 28 February."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    return datetime.date(year, month + 1, min(day.day, 28))


def stale_before(today=None):
    """The date before which a verification is too old to trust."""
    return months_later(today or timezone.localdate(), -settings.STALE_AFTER_MONTHS)


# A held seat whose term ends within this many months is "ending soon": time enough for a
# group to hear of the selection and put someone forward.
ENDING_SOON_MONTHS = 6
# A Gender Equality Scheme whose period ends within this many months is due for renewal.
SCHEME_DUE_MONTHS = 3


class CuratedQuerySet(models.QuerySet):
    def stale(self, today=None):
        """Never verified, or verified longer ago than STALE_AFTER_MONTHS."""
        return self.filter(
            Q(last_verified_on__isnull=True) | Q(last_verified_on__lt=stale_before(today))
        )

    def oldest_verified_first(self):
        return self.order_by(models.F("last_verified_on").asc(nulls_first=True))


class AreaQuerySet(models.QuerySet):
    def current(self):
        return self.filter(is_current=True)

    def lower_tier(self):
        """The areas a district or unitary council runs: what a postcode resolves to."""
        return self.exclude(kind="county")

    def in_region(self, region):
        return self.filter(region=region)

    def around(self, area):
        """The area, the areas it replaced or that replaced it, and its county: the areas
        whose records also belong to it (a subquery of pks)."""
        related = Q(pk=area.pk) | Q(replaced_by=area) | Q(replaces=area)
        if area.parent_id:
            related |= Q(pk=area.parent_id)
        return self.model.objects.filter(related).values("pk")


def partnerships_where(**lookup):
    """The pks of partnerships matching lookup, as a subquery rather than a join, so a
    partnership covering several areas of a region gives its rows once, with no DISTINCT."""
    return apps.get_model("partnerships", "Partnership").objects.filter(**lookup).values("pk")


class PartnershipQuerySet(CuratedQuerySet):
    def in_region(self, region):
        return self.filter(pk__in=partnerships_where(areas__region=region))

    def for_public_display(self):
        return self.prefetch_related("areas__region").order_by("name")

    def for_public_page(self):
        return self.prefetch_related(*public_page_prefetches())

    def with_womens_forum(self):
        """Annotate whether a women's forum network feeds into each partnership, for
        Partnership.womens_forum_recorded: the one rule, read without a query per row."""
        from networks.choices import NetworkKind

        forums = apps.get_model("networks", "Network").objects.filter(
            partnership=models.OuterRef("pk"), kind=NetworkKind.WOMENS_FORUM
        )
        return self.annotate(womens_forum_network=models.Exists(forums))

    def covering(self, area):
        """Partnerships for an area, for the areas it replaced or that replaced it, or for
        its county: a postcode resolves to today's area, records may name an older one."""
        related = Q(pk=area.pk) | Q(replaced_by=area) | Q(replaces=area)
        if area.parent_id:
            related |= Q(pk=area.parent_id)
        areas = area._meta.model.objects.filter(related).values("pk")
        return self.filter(areas__in=areas).distinct()


class BodyQuerySet(CuratedQuerySet):
    def boards(self):
        return self.filter(kind=BodyKind.BOARD)

    def themed_groups(self):
        return self.filter(kind=BodyKind.THEMED_GROUP)


class OrganisationQuerySet(CuratedQuerySet):
    def vcs(self):
        return self.filter(kind=OrganisationKind.VCS)

    def womens(self):
        return self.filter(is_womens_organisation=True)

    def infrastructure(self):
        return self.filter(kind=OrganisationKind.INFRASTRUCTURE)

    def councils(self):
        return self.filter(kind=OrganisationKind.COUNCIL)

    def serving_area(self, area):
        """Organisations recorded for the area, its county, or the areas it replaced or that
        replaced it."""
        return self.for_areas(area._meta.model.objects.around(area))

    def for_areas(self, areas):
        """Organisations recorded for any of these areas; each once (a subquery, no
        DISTINCT)."""
        through = self.model.areas.through
        return self.filter(pk__in=through.objects.filter(area__in=areas).values("organisation_id"))

    def national_help(self):
        """The national bodies shown on every area page for help (Women's Resource Centre,
        NAVCA, ACRE): curated records with their help text."""
        return self.exclude(national_help="").order_by("name")


def held_between(first, last):
    """The condition for a seat held on some day from first to last: begun on or before
    last (or no start recorded) and not ended before first. Between a day and itself, held
    on that day: current()'s rule, which the report counts for many days in one query."""
    not_ended = Q(end_date__isnull=True) | Q(end_date__gte=first)
    if connection.vendor == "sqlite":
        # The same test as one expression, which no index answers: given the OR, SQLite's
        # planner read every current seat through the (sector, end_date) index and sorted
        # them all for a page of 50 (600 ms at 500,000 seats), where walking partnerships
        # by name takes 0.2 ms. PostgreSQL plans the OR well.
        not_ended = Q(GreaterThanOrEqual(Coalesce("end_date", Value(datetime.date.max)), first))
    return (Q(start_date__isnull=True) | Q(start_date__lte=last)) & not_ended


def ended_before(day):
    """The condition for a held seat that ended before the day: past()'s rule."""
    return Q(end_date__lt=day)


def open_on(day):
    """The condition for a vacancy still taking applications on the day: no closing date,
    or not passed. vacant()'s rule."""
    return Q(vacant=True) & (Q(selection_closes__isnull=True) | Q(selection_closes__gte=day))


class SeatQuerySet(CuratedQuerySet):
    def held(self):
        """Seats somebody holds or held: not vacancies. Only these are ever counted."""
        return self.filter(vacant=False)

    def current(self, on=None):
        """Seats held on the day (today by default): started on or before it, and ended on
        or after it or not ended."""
        on = on or timezone.localdate()
        return self.held().filter(held_between(on, on))

    def past(self, on=None):
        return self.held().filter(ended_before(on or timezone.localdate()))

    def vacant(self, on=None):
        """Open seats still taking applications on the day: no closing date, or not passed."""
        return self.filter(open_on(on or timezone.localdate()))

    def ending_soon(self, on=None):
        """Held seats whose term ends within ENDING_SOON_MONTHS of the day. (end_date >= on
        is current()'s too, said again so the database reads a range of its index.)"""
        on = on or timezone.localdate()
        ends = {"end_date__gte": on, "end_date__lte": months_later(on, ENDING_SOON_MONTHS)}
        return self.current(on).filter(**ends)

    def for_open_list(self):
        """What the open seats list shows, in one query whatever the row count."""
        return self.select_related("person", "organisation", "body__partnership")

    def open_or_opening(self, on=None):
        """Vacant seats and seats ending soon, soonest first: by the closing date of a
        vacancy or the end of a term (vacancies with no closing date last)."""
        soon = self.vacant(on) | self.ending_soon(on)
        return soon.annotate(
            soonest=models.functions.Coalesce("selection_closes", "end_date")
        ).order_by(models.F("soonest").asc(nulls_last=True), "body__partnership__name", "pk")

    def vcs(self):
        return self.filter(sector=Sector.VCS)

    def womens(self):
        """Seats held on behalf of a women's organisation."""
        return self.filter(organisation__is_womens_organisation=True)

    def not_womens(self):
        """Seats held on behalf of an organisation that is not a women's organisation:
        tested against the few women's organisations (a partial index lists them), not
        by joining every organisation (counting a region's seats hashed all 50,000)."""
        womens = apps.get_model("partnerships", "Organisation").objects.womens()
        held_for_womens = models.Exists(womens.filter(pk=models.OuterRef("organisation_id")))
        return self.filter(~held_for_womens, organisation__isnull=False)

    def in_region(self, region):
        return self.on_partnerships(areas__region=region)

    def in_area(self, area):
        return self.on_partnerships(areas=area)

    def on_partnerships(self, **lookup):
        """Seats on the partnerships matching lookup. Matched by the partnership's slug, not
        by body.partnership_id, so that PostgreSQL tests each partnership once rather than
        each of its ten bodies when it walks a list's partnerships by name: a region's first
        page of VCS seats took 6.3 ms, now 2.8."""
        slugs = partnerships_where(**lookup).values("slug")
        return self.filter(body__partnership__slug__in=slugs)

    def for_public(self):
        """What a public list shows, fetched in one query whatever the row count."""
        return self.select_related("person", "organisation", "body__partnership").order_by(
            "body__partnership__name", "body__kind", "body__name", "person__name", "pk"
        )


class DocumentQuerySet(CuratedQuerySet):
    def strategies(self):
        return self.filter(kind__in=[DocumentKind.SCS, DocumentKind.LAA])

    def gender_equality_schemes(self):
        return self.filter(kind=DocumentKind.GES)

    def with_is_due(self, on=None):
        """Each record marked `is_due` when schemes_due(on) lists it: the same rule, within
        the same query."""
        due = self.model.objects.schemes_due(on).filter(pk=models.OuterRef("pk"))
        return self.annotate(is_due=models.Exists(due))

    def for_due_list(self):
        return self.select_related("organisation").order_by(
            models.F("ends").asc(nulls_first=True), "organisation__name", "pk"
        )

    def schemes_due(self, on=None):
        """Each public body's latest Gender Equality Scheme, when its period has ended or ends
        within SCHEME_DUE_MONTHS of the day (today by default): time to ask to be consulted
        on the next one.

        A period is recorded in years and runs to 31 December of its end year, or of its
        start year when no end is recorded (a scheme is re-done annually). A scheme with
        neither year is due: nobody can say it is up to date."""
        horizon = months_later(on or timezone.localdate(), SCHEME_DUE_MONTHS)
        ends = models.functions.Coalesce("end_year", "start_year")
        later = (
            self.model.objects.gender_equality_schemes()
            .annotate(ends=ends)
            .filter(organisation=models.OuterRef("organisation"), ends__gt=models.OuterRef("ends"))
        )
        return (
            self.gender_equality_schemes()
            .annotate(ends=ends)
            .filter(Q(ends__lt=horizon.year) | Q(ends__isnull=True))
            .exclude(models.Exists(later))
        )


def public_page_prefetches():
    """What a partnership page shows, fetched in a fixed number of queries."""
    from django.db.models import Prefetch

    from .models import Area, Body, Document, Seat

    seats = (
        Seat.objects.current()
        .select_related("person", "organisation")
        .order_by("sector", "person__name")
    )
    bodies = Body.objects.order_by("kind", "name").prefetch_related(
        Prefetch("seats", queryset=seats, to_attr="current_seats")
    )
    return [
        Prefetch("areas", queryset=Area.objects.select_related("region")),
        Prefetch("bodies", queryset=bodies, to_attr="ordered_bodies"),
        Prefetch(
            "documents",
            queryset=Document.objects.strategies().order_by("kind", "-start_year"),
            to_attr="strategies",
        ),
    ]
