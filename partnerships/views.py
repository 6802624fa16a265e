from functools import cached_property
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from networks.choices import NetworkKind
from networks.models import Network

from . import search
from .choices import BodyKind, Sector
from .filters import PartnershipFilter, SeatFilter
from .managers import ENDING_SOON_MONTHS
from .models import Area, Document, Organisation, Partnership, Region, Seat

PAGE_SIZE = 50
# A list counts its rows up to this many. Counting all 300,000 current seats costs more than
# making the rest of the page; past this a list says "more than 10,000", pages that far, and
# points to its filters and downloads, which hold every row.
COUNT_UP_TO = 10_000


class CountedUpTo(Paginator):
    """A Paginator that counts at most COUNT_UP_TO rows (one bounded query)."""

    @cached_property
    def found(self):
        rows = self.object_list
        if hasattr(rows, "query") and not rows.query.is_sliced:
            # A QuerySet: counted without sorting or joining for show.
            rows = rows.order_by().select_related(None)
        return rows[: COUNT_UP_TO + 1].count()

    @cached_property
    def count(self):
        return min(self.found, COUNT_UP_TO)

    @property
    def more(self):
        """Whether there are more rows than the list counts and pages."""
        return self.found > COUNT_UP_TO

    @property
    def counted(self):
        """The count in words: "1,234", or "more than 10,000"."""
        return f"more than {COUNT_UP_TO:,}" if self.more else f"{self.count:,}"


def paginate(request, queryset, per_page=PAGE_SIZE):
    """A page of results; a bad or out-of-range page number shows the nearest page."""
    return CountedUpTo(queryset, per_page).get_page(request.GET.get("page"))


def querystring_without_page(request):
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def home(request):
    regions = Region.objects.annotate(partnership_count=Count("areas__partnerships", distinct=True))
    return render(request, "partnerships/home.html", {"regions": regions})


def search_view(request):
    result = search.find(request.GET.get("q", ""))
    if result.region is not None:
        return redirect(result.region)
    if result.single and not result.problem:
        # The partnership page says where the postcode is (search.postcode_sentence).
        query = f"?{urlencode({'postcode': result.postcode})}" if result.postcode else ""
        return redirect(result.single.get_absolute_url() + query)
    return render(
        request,
        "partnerships/search.html",
        {
            "result": result,
            "crumbs": [("Home", reverse("partnerships:home")), ("Search", None)],
        },
    )


def partnership_list(request):
    filterset = PartnershipFilter(
        request.GET, queryset=Partnership.objects.for_public_display(), request=request
    )
    page = paginate(request, filterset.qs)
    return render(
        request,
        "partnerships/partnership_list.html",
        {
            "filter": filterset,
            "page_obj": page,
            "querystring": querystring_without_page(request),
            "crumbs": [("Home", reverse("partnerships:home")), ("Partnerships", None)],
        },
    )


def seats_by_person(seats):
    """[(person, [their seats])], in the order each person first appears. A seat whose
    holder was erased stands alone: those seats may belong to different people."""
    people = {}
    for seat in seats:
        key = seat.person_id or ("seat", seat.pk)
        people.setdefault(key, (seat.person, []))[1].append(seat)
    return list(people.values())


# A place's page lists its own networks in full, and of those covering its whole region this
# many of each kind, then links to the rest: at national scale a region holds dozens, and
# listing 116 made up half a partnership page's time and most of its length on a phone.
REGIONAL_NETWORKS_SHOWN = 5


def networks_shown(networks):
    """The CENs and the women's forums and networks of a place's page: its own, then up to
    REGIONAL_NETWORKS_SHOWN of each kind covering its whole region (with_whole_region), and
    how many of those there are, for the link to them all."""

    def regional(network):  # one tied to a partnership is that partnership's own
        return network.whole_region and not network.partnership_id

    shown = {"regional_shown": REGIONAL_NETWORKS_SHOWN}
    for name, of_kind in [
        ("cens", [n for n in networks if n.kind == NetworkKind.CEN]),
        ("womens_networks", [n for n in networks if n.kind != NetworkKind.CEN]),
    ]:
        across = [n for n in of_kind if regional(n)]
        shown[name] = [n for n in of_kind if not regional(n)] + across[:REGIONAL_NETWORKS_SHOWN]
        shown[f"{name}_regional"] = len(across)
    return shown


def partnership_detail(request, slug):
    partnership = get_object_or_404(
        Partnership.objects.for_public_page().with_womens_forum(), slug=slug
    )
    areas = list(partnership.areas.all())
    region = areas[0].region if areas else None
    networks = list(
        Network.objects.serving_partnership(partnership, areas)
        .with_whole_region()
        .select_related("region")
        .order_by("kind", "name")
    )
    local_organisations = Organisation.objects.for_areas(areas)
    infrastructure = list(
        local_organisations.infrastructure().order_by("infrastructure_type", "name")
    )
    bodies = partnership.ordered_bodies
    for body in bodies:  # VCS seats get a card each; a body's table lists the others.
        body.vcs_seats = [seat for seat in body.current_seats if seat.sector == Sector.VCS]
        body.other_seats = [seat for seat in body.current_seats if seat.sector != Sector.VCS]
    open_seats = list(
        Seat.objects.open_or_opening().vcs().for_open_list().filter(body__partnership=partnership)
    )
    context = {
        "partnership": partnership,
        "areas": areas,
        "postcode_sentence": search.postcode_sentence(request.GET.get("postcode"), partnership),
        "region": region,
        "bodies": bodies,
        # One card per person, listing every seat they hold here.
        "vcs_people": seats_by_person(seat for body in bodies for seat in body.vcs_seats),
        "board": [body for body in bodies if body.kind == BodyKind.BOARD],
        "themed_groups": [body for body in bodies if body.kind != BodyKind.BOARD],
        # Where to turn when a representative has not agreed to publish their contact.
        "contact_route": infrastructure[0] if infrastructure else None,
        **networks_shown(networks),
        # VCS seats a women's group could stand for: vacant now, or a term ending soon.
        "vacancies": [seat for seat in open_seats if seat.vacant],
        "terms_ending": [seat for seat in open_seats if not seat.vacant],
        "ending_soon_months": ENDING_SOON_MONTHS,
        "schemes": Document.objects.gender_equality_schemes()
        .filter(organisation__in=local_organisations)
        .with_is_due()
        .select_related("organisation")
        .order_by("organisation__name"),
        "infrastructure": infrastructure,
        "crumbs": [
            ("Home", reverse("partnerships:home")),
            ("Partnerships", reverse("partnerships:partnership_list")),
            (partnership.name, None),
        ],
    }
    return render(request, "partnerships/partnership_detail.html", context)


def region_detail(request, slug):
    region = get_object_or_404(Region, slug=slug)
    areas = (
        Area.objects.current()
        .lower_tier()
        .filter(region=region)
        .annotate(partnership_count=Count("partnerships"))
        .order_by("name")
    )
    partnerships = Partnership.objects.in_region(region).for_public_display()
    return render(
        request,
        "partnerships/region_detail.html",
        {
            "region": region,
            "areas": areas,
            "partnerships": partnerships,
            "crumbs": [("Home", reverse("partnerships:home")), (region.name, None)],
        },
    )


def area_detail(request, slug):
    area = get_object_or_404(
        Area.objects.select_related("region", "parent").prefetch_related("replaces", "replaced_by"),
        slug=slug,
    )
    partnerships = Partnership.objects.covering(area).for_public_display()
    local = Organisation.objects.serving_area(area)
    networks = list(
        Network.objects.serving_area(area)
        .active()
        .with_whole_region()
        .select_related("region")
        .order_by("name")
    )
    return render(
        request,
        "partnerships/area_detail.html",
        {
            "area": area,
            "partnerships": partnerships,
            "councils": local.councils().order_by("name"),
            "infrastructure": local.infrastructure().order_by("infrastructure_type", "name"),
            **networks_shown(networks),
            "national_help": Organisation.objects.national_help(),
            "crumbs": [
                ("Home", reverse("partnerships:home")),
                (area.region.name, area.region.get_absolute_url()),
                (area.name, None),
            ],
        },
    )


def organisation_detail(request, slug):
    organisation = get_object_or_404(Organisation.objects.prefetch_related("areas"), slug=slug)
    seats = (
        Seat.objects.filter(organisation=organisation)
        .select_related("person", "body__partnership")
        .order_by("end_date", "body__partnership__name", "body__name")
    )
    return render(
        request,
        "partnerships/organisation_detail.html",
        {
            "organisation": organisation,
            "seats": seats,
            "schemes": organisation.documents.all(),
            "networks": organisation.networks.all(),
            "crumbs": [("Home", reverse("partnerships:home")), (organisation.name, None)],
        },
    )


def representative_list(request):
    filterset = SeatFilter(request.GET, queryset=Seat.objects.for_public(), request=request)
    page = paginate(request, filterset.qs)
    return render(
        request,
        "partnerships/representative_list.html",
        {
            "filter": filterset,
            "page_obj": page,
            "querystring": querystring_without_page(request),
            "crumbs": [("Home", reverse("partnerships:home")), ("Representatives", None)],
        },
    )
