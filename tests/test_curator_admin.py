"""Curators keep the directory true in the Django admin."""

import datetime

import pytest
from django.contrib import admin
from django.contrib.admin.models import CHANGE, LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from networks.choices import NetworkKind
from networks.models import Network
from partnerships.choices import DocumentKind, OrganisationKind, Sector
from partnerships.models import (
    Area,
    Body,
    Document,
    Organisation,
    Partnership,
    Person,
    Place,
    Region,
    Seat,
)

from .factories import (
    BoardFactory,
    DocumentFactory,
    NetworkFactory,
    OrganisationFactory,
    PartnershipFactory,
    PersonFactory,
    SeatFactory,
    ThemedGroupFactory,
    area,
)

pytestmark = pytest.mark.django_db

CURATED = [Partnership, Body, Organisation, Person, Seat, Document, Network]
REFERENCE = [Region, Area, Place]
ALL_MODELS = CURATED + REFERENCE
LONG_AGO = datetime.date(2001, 1, 1)
HARTLEPOOL = "E06000001"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """admin_client's superuser needs a password; hashing it properly is slow."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def admin_url(model, view="changelist", *args):
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def build_directory(n):
    """n partnerships, each in two real areas of one region (taking the regions in turn, and
    leaving Hartlepool free for the tests), with a board and a themed group feeding into it, a
    current seat for a women's organisation, a past council seat, a strategy, a Gender Equality
    Scheme, a CEN and a regional women's network. Half the partnerships and every other
    record need checking."""
    regions = list(Region.objects.order_by("name"))
    lower_tier = Area.objects.current().lower_tier().exclude(gss_code=HARTLEPOOL)
    pools = {r.pk: list(lower_tier.filter(region=r).order_by("gss_code")) for r in regions}
    start = Partnership.objects.count()
    for i in range(start, start + n):
        region = regions[i % len(regions)]
        pool, k = pools[region.pk], 2 * (i // len(regions))
        first, second = pool[k % len(pool)], pool[(k + 1) % len(pool)]
        partnership = PartnershipFactory(
            areas=[first, second], last_verified_on=None if i % 2 else timezone.localdate()
        )
        board = BoardFactory(partnership=partnership)
        group = ThemedGroupFactory(partnership=partnership, feeds_into=board)
        womens = OrganisationFactory(is_womens_organisation=True)
        womens.areas.set([first])
        council = OrganisationFactory(kind=OrganisationKind.COUNCIL)
        council.areas.set([first, second])
        SeatFactory(body=board, organisation=womens)
        SeatFactory(
            body=group,
            organisation=council,
            sector=Sector.LOCAL_AUTHORITY,
            end_date=datetime.date(2010, 3, 31),
            last_verified_on=LONG_AGO,
        )
        DocumentFactory(partnership=partnership)
        DocumentFactory(
            kind=DocumentKind.GES,
            partnership=None,
            organisation=council,
            title=f"Gender Equality Scheme {i}",
        )
        network = NetworkFactory(areas=[first], partnership=partnership)
        network.members.set([womens, council])
        NetworkFactory(kind=NetworkKind.WOMENS_NETWORK, areas=[first], region=region)


def count_queries(client, url):
    """Open url (after a warm-up request) and return (queries run, rows listed)."""
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.context["cl"].result_count


# --- Every page opens ----------------------------------------------------------------------


@pytest.mark.parametrize("model", ALL_MODELS, ids=lambda m: m.__name__)
def test_changelist_and_change_page_open(admin_client, model):
    build_directory(2)
    response = admin_client.get(admin_url(model))
    assert response.status_code == 200
    assert response.context["cl"].result_count > 0

    obj = model._default_manager.order_by("pk").first()
    assert admin_client.get(admin_url(model, "change", obj.pk)).status_code == 200


@pytest.mark.parametrize("model", CURATED, ids=lambda m: m.__name__)
def test_add_page_opens(admin_client, model):
    assert admin_client.get(admin_url(model, "add")).status_code == 200


@pytest.mark.parametrize("model", REFERENCE, ids=lambda m: m.__name__)
def test_reference_data_is_read_only(admin_client, model):
    obj = model._default_manager.order_by("pk").first()
    assert admin_client.get(admin_url(model, "add")).status_code == 403
    assert admin_client.post(admin_url(model, "add"), {"name": "Atlantis"}).status_code == 403
    # A view-only page, with no save button; changing or deleting is refused.
    response = admin_client.get(admin_url(model, "change", obj.pk))
    assert response.status_code == 200
    assert b'name="_save"' not in response.content
    assert admin_client.post(admin_url(model, "change", obj.pk), {"name": "X"}).status_code == 403
    assert admin_client.get(admin_url(model, "delete", obj.pk)).status_code == 403
    assert model._default_manager.filter(pk=obj.pk, name=obj.name).exists()


# --- Search, filters, autocomplete ---------------------------------------------------------


@pytest.mark.parametrize(
    "model, term, expected",
    [
        (Region, "North East", 1),
        (Area, "E06000001", 1),
        (Area, "Hartlepool", 1),
        (Place, "Scunthorpe", 1),
        (Partnership, "Partnership Alpha", 1),
        (Partnership, "Hartlepool", 1),  # by the name of an area it covers
        (Body, "Alpha board", 1),
        (Organisation, "Alpha Women's Aid", 1),
        (Person, "Ada Lovelace", 1),
        (Person, "Alpha Women's Aid", 1),  # by the organisation of a seat
        (Seat, "Ada Lovelace", 1),
        (Seat, "Partnership Alpha", 1),
        (Document, "Alpha strategy", 1),
        (Network, "Alpha CEN", 1),
        (Network, "Hartlepool", 1),
        (Partnership, "no such thing", 0),
    ],
)
def test_search(admin_client, model, term, expected):
    build_directory(2)
    partnership = PartnershipFactory(name="Partnership Alpha", areas=[area("E06000001")])
    board = BoardFactory(partnership=partnership, name="Alpha board")
    womens = OrganisationFactory(name="Alpha Women's Aid", is_womens_organisation=True)
    SeatFactory(body=board, person=PersonFactory(name="Ada Lovelace"), organisation=womens)
    DocumentFactory(partnership=partnership, title="Alpha strategy")
    NetworkFactory(name="Alpha CEN", areas=[area("E06000001")])

    response = admin_client.get(admin_url(model), {"q": term})
    assert response.status_code == 200
    assert response.context["cl"].result_count == expected


@pytest.mark.parametrize("model", [*CURATED, Area, Place], ids=lambda m: m.__name__)
def test_every_list_filter_value_opens(admin_client, model):
    build_directory(2)
    url = admin_url(model)
    response = admin_client.get(url)
    cl = response.context["cl"]
    assert cl.has_filters
    opened = 0
    for spec in cl.filter_specs:
        for choice in spec.choices(cl):
            response = admin_client.get(url + choice["query_string"])
            # An unknown lookup would redirect to ?e=1; a broken one would raise.
            assert response.status_code == 200, (spec.title, choice)
            opened += 1
    assert opened > len(cl.filter_specs)


def test_curated_lists_offer_needs_checking_and_region(admin_client):
    for model in CURATED:
        cl = admin_client.get(admin_url(model)).context["cl"]
        titles = {str(spec.title) for spec in cl.filter_specs}
        assert {"needs checking", "region"} <= titles, model


def test_needs_checking_lists_stale_records_oldest_verified_first(admin_client):
    today = timezone.localdate()
    fresh = PartnershipFactory(name="Fresh", last_verified_on=today)
    never = PartnershipFactory(name="Never", last_verified_on=None)
    old = PartnershipFactory(name="Old", last_verified_on=LONG_AGO)
    older = PartnershipFactory(name="Older", last_verified_on=LONG_AGO - datetime.timedelta(1))

    response = admin_client.get(admin_url(Partnership), {"needs_checking": "yes"})
    assert list(response.context["cl"].result_list) == [never, older, old]

    response = admin_client.get(admin_url(Partnership), {"needs_checking": "no"})
    assert list(response.context["cl"].result_list) == [fresh]


def test_needs_checking_works_for_people_too(admin_client):
    stale = PersonFactory(name="Stale", last_verified_on=None)
    PersonFactory(name="Fresh", last_verified_on=timezone.localdate())
    response = admin_client.get(admin_url(Person), {"needs_checking": "yes"})
    assert list(response.context["cl"].result_list) == [stale]


def test_region_filter_follows_many_to_many_without_duplicates(admin_client):
    # Two areas in the North East: the partnership shows once, with its true body count.
    partnership = PartnershipFactory(areas=[area("E06000001"), area("E06000002")])
    BoardFactory(partnership=partnership)
    ThemedGroupFactory(partnership=partnership)
    PartnershipFactory(areas=[area("E09000007")])  # Camden, London

    response = admin_client.get(admin_url(Partnership), {"region": "north-east"})
    rows = list(response.context["cl"].result_list)
    assert rows == [partnership]
    assert rows[0].body_count == 2
    assert b"North East" in response.content


def test_network_region_filter_includes_regional_networks(admin_client):
    north_east = Region.objects.get(name="North East")
    local = NetworkFactory(name="Local", areas=[area("E06000001")])
    regional = NetworkFactory(name="Regional", areas=[area("E09000007")], region=north_east)
    NetworkFactory(name="Elsewhere", areas=[area("E09000007")])

    response = admin_client.get(admin_url(Network), {"region": north_east.slug})
    assert set(response.context["cl"].result_list) == {local, regional}


def test_seats_current_or_past(admin_client):
    current = SeatFactory()
    past = SeatFactory(end_date=datetime.date(2010, 3, 31))
    cl = admin_client.get(admin_url(Seat), {"held": "current"}).context["cl"]
    assert list(cl.result_list) == [current]
    cl = admin_client.get(admin_url(Seat), {"held": "past"}).context["cl"]
    assert list(cl.result_list) == [past]


def test_seat_list_shows_womens_organisation_and_term(admin_client):
    SeatFactory(organisation=OrganisationFactory(is_womens_organisation=True))
    response = admin_client.get(admin_url(Seat), {"organisation__is_womens_organisation__exact": 1})
    assert response.context["cl"].result_count == 1
    content = response.content.decode().lower()
    assert "women&#x27;s org" in content
    assert "to now" in content  # its term: current


def autocomplete_fields():
    """Every (model, field) that an admin or one of its inlines edits with autocomplete."""
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in {"partnerships", "networks"}:
            continue
        for field in model_admin.autocomplete_fields:
            yield model, field
        for inline in model_admin.inlines:
            for field in inline.autocomplete_fields:
                yield inline.model, field


@pytest.mark.parametrize(
    "model, field",
    sorted(set(autocomplete_fields()), key=lambda mf: (mf[0].__name__, mf[1])),
    ids=lambda x: getattr(x, "__name__", x),
)
def test_autocomplete_targets_are_searchable(admin_client, model, field):
    build_directory(1)
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": model._meta.app_label,
            "model_name": model._meta.model_name,
            "field_name": field,
            "term": "",
        },
    )
    assert response.status_code == 200, response.content
    assert response.json()["results"]


def test_autocomplete_queries_do_not_grow_with_rows(admin_client):
    fields = sorted(set(autocomplete_fields()), key=lambda mf: (mf[0].__name__, mf[1]))

    def measure():
        counts = {}
        for model, field in fields:
            params = {
                "app_label": model._meta.app_label,
                "model_name": model._meta.model_name,
                "field_name": field,
            }
            admin_client.get(reverse("admin:autocomplete"), params)
            with CaptureQueriesContext(connection) as queries:
                response = admin_client.get(reverse("admin:autocomplete"), params)
            assert response.status_code == 200
            counts[model.__name__, field] = len(queries)
        return counts

    build_directory(3)
    small = measure()
    build_directory(12)
    assert measure() == small


def test_area_autocomplete_finds_a_real_area(admin_client):
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "partnerships",
            "model_name": "partnership",
            "field_name": "areas",
            "term": "Hartle",
        },
    )
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == ["Hartlepool"]


# --- Verification --------------------------------------------------------------------------


@pytest.mark.parametrize("model", CURATED, ids=lambda m: m.__name__)
def test_mark_verified_today(admin_client, admin_user, model):
    build_directory(3)
    model._default_manager.update(last_verified_on=None, verified_by=None)
    chosen = list(model._default_manager.order_by("pk").values_list("pk", flat=True)[:2])

    response = admin_client.post(
        admin_url(model),
        {"action": "mark_verified_today", "_selected_action": chosen},
        follow=True,
    )
    assert response.status_code == 200
    messages = [str(m) for m in response.context["messages"]]
    assert len(messages) == 1
    assert messages[0].startswith(f"Marked 2 {model._meta.verbose_name_plural} as verified today")

    verified = model._default_manager.filter(
        last_verified_on=timezone.localdate(), verified_by=admin_user
    )
    assert sorted(verified.values_list("pk", flat=True)) == sorted(chosen)
    assert model._default_manager.filter(last_verified_on__isnull=True).exists()
    # Who changed what, and when, is in the admin's history.
    assert LogEntry.objects.filter(user=admin_user, action_flag=CHANGE).count() == 2


@pytest.mark.parametrize("model", [Partnership, Network], ids=lambda m: m.__name__)
def test_mark_verified_across_a_searched_needs_checking_list(admin_client, admin_user, model):
    """A search through a many-to-many (distinct rows), counts and oldest-first ordering."""
    build_directory(4)
    model._default_manager.update(last_verified_on=None)
    hartlepool = area(HARTLEPOOL)
    ours = PartnershipFactory(areas=[hartlepool, area("E06000002")], last_verified_on=None)
    if model is Network:
        ours = NetworkFactory(areas=[hartlepool, area("E06000002")], partnership=ours)
    response = admin_client.post(
        admin_url(model) + "?q=Hartlepool&needs_checking=yes",
        {"action": "mark_verified_today", "select_across": "1", "_selected_action": [ours.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]][0].startswith("Marked 1 ")
    ours.refresh_from_db()
    assert ours.verified_by == admin_user
    assert model._default_manager.filter(verified_by__isnull=True).count() > 1


def test_saving_a_new_verification_date_records_the_curator(admin_client, admin_user):
    person = PersonFactory(name="Grace Hopper", publish_contact=False)
    data = {
        "name": "Grace Hopper",
        "email": person.email,
        "phone": person.phone,
        "publish_contact": "on",
        "consent_given_on": "2025-03-03",
        "consent_method": "email of 3 March",
        "last_verified_on": "2025-03-04",
        "seats-TOTAL_FORMS": "0",
        "seats-INITIAL_FORMS": "0",
        "seats-MIN_NUM_FORMS": "0",
        "seats-MAX_NUM_FORMS": "1000",
        "_save": "Save",
    }
    response = admin_client.post(admin_url(Person, "change", person.pk), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    person.refresh_from_db()
    assert person.publish_contact
    assert person.consent_method == "email of 3 March"
    assert person.last_verified_on == datetime.date(2025, 3, 4)
    assert person.verified_by == admin_user


def test_person_page_groups_consent_and_says_contact_needs_it(admin_client):
    response = admin_client.get(admin_url(Person, "add"))
    fieldsets = {name: opts for name, opts in response.context["adminform"].model_admin.fieldsets}
    consent = fieldsets["Contact details and consent"]
    assert {"publish_contact", "consent_given_on", "consent_method"} <= set(consent["fields"])
    assert "only when the person has consented" in consent["description"]
    content = response.content.decode()
    assert "only when the person has consented" in content
    # Help texts stay visible.
    assert "Not shown publicly." in content
    assert "Shown publicly only when" in content


# --- Inlines -------------------------------------------------------------------------------


def management_form(prefix, total):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def partnership_form(document_kind):
    return {
        "name": "Hartlepool Partnership",
        "areas": [area("E06000001").pk],
        **management_form("bodies", 2),
        "bodies-0-kind": "board",
        "bodies-0-name": "Hartlepool Partnership Board",
        "bodies-1-kind": "themed_group",
        "bodies-1-theme": "crime_and_disorder",
        "bodies-1-name": "Safer Hartlepool Partnership",
        **management_form("documents", 1),
        "documents-0-kind": document_kind,
        "documents-0-title": "Hartlepool's Ambition",
        "documents-0-start_year": "2008",
        "documents-0-end_year": "2020",
        "_save": "Save",
    }


def test_add_a_partnership_with_its_bodies_and_strategy(admin_client):
    response = admin_client.post(admin_url(Partnership, "add"), partnership_form("scs"))
    assert response.status_code == 302
    partnership = Partnership.objects.get(name="Hartlepool Partnership")
    assert partnership.slug == "hartlepool-partnership"
    assert sorted(partnership.bodies.values_list("kind", flat=True)) == ["board", "themed_group"]
    assert partnership.documents.get().kind == DocumentKind.SCS


def test_a_partnership_cannot_own_a_gender_equality_scheme(admin_client):
    response = admin_client.post(admin_url(Partnership, "add"), partnership_form("ges"))
    assert response.status_code == 200  # the form again, with the error
    assert not Partnership.objects.exists()
    assert not Document.objects.exists()


def test_verifying_a_body_on_its_partnership_page_records_the_curator(admin_client, admin_user):
    data = partnership_form("scs")
    data["bodies-0-last_verified_on"] = "2025-03-04"
    assert admin_client.post(admin_url(Partnership, "add"), data).status_code == 302
    board = Body.objects.get(kind="board")
    assert board.last_verified_on == datetime.date(2025, 3, 4)
    assert board.verified_by == admin_user
    assert Body.objects.get(kind="themed_group").verified_by is None


def test_body_page_lists_its_seats_and_partnership_page_its_bodies(admin_client):
    seat = SeatFactory(person=PersonFactory(name="Ada Lovelace"))
    response = admin_client.get(admin_url(Body, "change", seat.body.pk))
    assert "Ada Lovelace" in response.content.decode()
    response = admin_client.get(admin_url(Partnership, "change", seat.body.partnership.pk))
    assert seat.body.name in response.content.decode()
    assert admin_url(Body, "change", seat.body.pk) in response.content.decode()


# --- No N+1: the query count of a changelist does not grow with its rows -------------------


# A search term that matches every row build_directory makes, some through a relation.
SEARCH_TERM = {
    Partnership: "Partnership",
    Body: "Partnership",
    Organisation: "Organisation",
    Person: "Organisation",
    Seat: "Partnership",
    Document: "Partnership",
    Network: "Partnership",
}


@pytest.mark.parametrize("model", CURATED, ids=lambda m: m.__name__)
@pytest.mark.parametrize(
    "query",
    [
        "",
        "?needs_checking=yes",
        "?region={region}",
        "?q={term}&needs_checking=yes&is_demo__exact=0",
    ],
)
def test_changelist_queries_do_not_grow_with_rows(admin_client, model, query):
    region = Region.objects.order_by("name").first()  # build_directory starts there
    url = admin_url(model) + query.format(region=region.slug, term=SEARCH_TERM[model])
    build_directory(3)
    small_queries, small_rows = count_queries(admin_client, url)
    build_directory(12)
    large_queries, large_rows = count_queries(admin_client, url)
    assert small_rows < large_rows
    assert small_queries == large_queries


@pytest.mark.parametrize(
    "model, small, large",
    [
        (Region, "?q=North", ""),  # 3 regions, then 9
        (Area, "?region__id__exact={north_east}", "?region__id__exact={london}"),
    ],
)
def test_reference_data_queries_do_not_grow_with_rows(admin_client, model, small, large):
    regions = {
        "north_east": Region.objects.get(name="North East").pk,
        "london": Region.objects.get(name="London").pk,
    }
    small_queries, small_rows = count_queries(
        admin_client, admin_url(model) + small.format(**regions)
    )
    large_queries, large_rows = count_queries(
        admin_client, admin_url(model) + large.format(**regions)
    )
    assert small_rows < large_rows
    assert small_queries == large_queries
