"""A curator keeps the records of its own areas, and cannot reach another area's through
any admin URL: lists, change, delete, history, revert, autocomplete, actions, inlines and raw
POSTs. Site administrators see everything.

Hartlepool (E06000001, North East) is the curator's area; Camden (E09000007, London) is
somebody else's.
"""

import datetime
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from curation.models import Curator
from curation.services import CURATORS_GROUP, curator_setup, curators_group_ensure
from networks.choices import NetworkKind
from networks.models import Network
from partnerships.choices import DocumentKind
from partnerships.models import Body, Document, Organisation, Partnership, Person, Region, Seat

from .factories import (
    BoardFactory,
    DocumentFactory,
    NetworkFactory,
    OrganisationFactory,
    PartnershipFactory,
    PersonFactory,
    SeatFactory,
    area,
)

pytestmark = pytest.mark.django_db

HARTLEPOOL, CAMDEN, ISLINGTON = "E06000001", "E09000007", "E09000019"
CAMBRIDGESHIRE, FENLAND = "E10000003", "E07000010"
SCOPED = [Partnership, Body, Seat, Document, Network, Person]
NOT_FOUND = "outside the areas you curate"  # issue 11: not "doesn’t exist"


def admin_url(model, view="changelist", *args):
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def records_in(code, label):
    """A partnership with a board, a seat (its person and organisation), a strategy, a Gender
    Equality Scheme and a CEN, in one area; every name carries label."""
    where = area(code)
    partnership = PartnershipFactory(name=f"{label} Partnership", areas=[where])
    board = BoardFactory(partnership=partnership, name=f"{label} Board")
    organisation = OrganisationFactory(name=f"{label} Women's Aid")
    organisation.areas.set([where])
    person = PersonFactory(name=f"{label} Person", email=f"{label.lower()}@example.org")
    seat = SeatFactory(body=board, person=person, organisation=organisation, role=f"{label} Chair")
    document = DocumentFactory(partnership=partnership, title=f"{label} Strategy")
    scheme = DocumentFactory(
        kind=DocumentKind.GES, partnership=None, organisation=organisation, title=f"{label} GES"
    )
    network = NetworkFactory(name=f"{label} CEN", areas=[where], partnership=partnership)
    return SimpleNamespace(
        area=where,
        label=label,
        partnership=partnership,
        body=board,
        organisation=organisation,
        person=person,
        seat=seat,
        document=document,
        scheme=scheme,
        network=network,
    )


def record(side, model):
    return {
        Partnership: side.partnership,
        Body: side.body,
        Seat: side.seat,
        Document: side.document,
        Network: side.network,
        Person: side.person,
        Organisation: side.organisation,
    }[model]


def records(side, model):
    """Every record of model on one side (two documents: a strategy and a scheme)."""
    if model is Document:
        return {side.document, side.scheme}
    return {record(side, model)}


@pytest.fixture
def ours():
    return records_in(HARTLEPOOL, "Hartlepool")


@pytest.fixture
def theirs():
    return records_in(CAMDEN, "Camden")


@pytest.fixture
def make_curator(client):
    """Log client in as a curator of the given areas and regions, set up as a site
    administrator would (curation.services.curator_setup, as `create_curator` does)."""

    def make(username="hartlepool-cvs", areas=(HARTLEPOOL,), regions=()):
        curator, _ = curator_setup(username=username, area_codes=areas, region_slugs=regions)
        client.force_login(curator.user)
        return curator.user

    return make


@pytest.fixture
def curator(make_curator):
    return make_curator()


def listed(client, model, **params):
    response = client.get(admin_url(model), params)
    assert response.status_code == 200
    return response, set(response.context["cl"].result_list)


def assert_missing(response, *texts):
    """Behaves as missing: a 404, or a redirect saying it doesn't exist, with none of texts."""
    assert response.status_code in (302, 404), response.status_code
    content = response.content.decode()
    if response.status_code == 302:
        assert response.url == reverse("admin:index")
    for text in texts:
        assert text not in content


def assert_unchanged(obj):
    before = {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}
    fresh = type(obj)._default_manager.filter(pk=obj.pk).first()
    assert fresh is not None, "it was deleted"
    assert {f.attname: getattr(fresh, f.attname) for f in obj._meta.concrete_fields} == before


# --- Lists ---------------------------------------------------------------------------------


@pytest.mark.parametrize("model", SCOPED, ids=lambda m: m.__name__)
def test_changelist_shows_only_the_curators_areas(client, curator, ours, theirs, model):
    response, rows = listed(client, model)
    assert rows == records(ours, model)
    assert "Camden" not in response.content.decode()


@pytest.mark.parametrize("model", SCOPED, ids=lambda m: m.__name__)
def test_searching_does_not_reach_other_areas(client, curator, ours, theirs, model):
    _, rows = listed(client, model, q="Camden")
    assert not rows


def test_superuser_sees_everything(admin_client, ours, theirs):
    for model in SCOPED:
        _, rows = listed(admin_client, model)
        assert rows == records(ours, model) | records(theirs, model), model


def test_a_staff_user_who_is_no_curator_sees_nothing(client, ours):
    user = User.objects.create(username="staff", is_staff=True)
    user.groups.add(curators_group_ensure())
    client.force_login(user)
    for model in SCOPED:
        _, rows = listed(client, model)
        assert not rows, model


def test_region_curator_sees_every_area_of_its_region(client, make_curator, ours, theirs):
    islington = records_in(ISLINGTON, "Islington")
    make_curator(areas=(), regions=("london",))
    for model in SCOPED:
        _, rows = listed(client, model)
        assert rows == records(theirs, model) | records(islington, model), model


def test_county_curator_sees_its_districts(client, make_curator, ours):
    fenland = records_in(FENLAND, "Fenland")
    make_curator(areas=(CAMBRIDGESHIRE,))
    for model in SCOPED:
        _, rows = listed(client, model)
        assert rows == records(fenland, model), model


# --- One record: change, delete, history, revert --------------------------------------------


@pytest.mark.parametrize("model", SCOPED, ids=lambda m: m.__name__)
@pytest.mark.parametrize("view", ["change", "delete", "history"])
def test_another_areas_record_behaves_as_missing(client, curator, theirs, model, view):
    obj = record(theirs, model)
    response = client.get(admin_url(model, view, obj.pk))
    assert_missing(response, "Camden", theirs.person.email)
    if response.status_code == 302:
        followed = client.get(response.url)
        assert NOT_FOUND in followed.content.decode()


@pytest.mark.parametrize("model", SCOPED, ids=lambda m: m.__name__)
def test_posting_to_another_areas_record_changes_nothing(client, curator, theirs, model):
    obj = record(theirs, model)
    change = client.post(admin_url(model, "change", obj.pk), {"name": "Taken", "title": "Taken"})
    assert_missing(change)
    delete = client.post(admin_url(model, "delete", obj.pk), {"post": "yes"})
    assert_missing(delete)
    assert_unchanged(obj)


@pytest.mark.parametrize("model", SCOPED, ids=lambda m: m.__name__)
def test_another_areas_history_cannot_be_seen_or_restored(client, curator, theirs, model):
    obj = record(theirs, model)
    version = model.history.filter(id=obj.pk).latest("history_date")
    url = reverse(
        f"admin:{model._meta.app_label}_{model._meta.model_name}_simple_history",
        args=[obj.pk, version.history_id],
    )
    assert_missing(client.get(url), "Camden", theirs.person.email)
    assert_missing(client.post(url, {"name": "Taken", "title": "Taken"}))
    assert_unchanged(obj)


def test_own_records_open_and_have_history(client, curator, ours):
    for model in SCOPED:
        obj = record(ours, model)
        for view in ["change", "history", "delete"]:
            response = client.get(admin_url(model, view, obj.pk))
            assert response.status_code == 200, (model, view)


# --- Adding and changing: records must land in scope ---------------------------------------


def management_form(prefix, total=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def partnership_data(areas, name="New Partnership"):
    return {
        "name": name,
        "slug": "",
        "areas": [a.pk for a in areas],
        **management_form("bodies"),
        **management_form("documents"),
        "_save": "Save",
    }


def test_cannot_add_a_partnership_in_another_area(client, curator, ours, theirs):
    for areas in ([theirs.area], [ours.area, theirs.area]):
        response = client.post(admin_url(Partnership, "add"), partnership_data(areas))
        assert response.status_code == 200
        assert response.context["adminform"].form.errors
    assert not Partnership.objects.filter(name="New Partnership").exists()


def test_adds_a_partnership_in_its_own_area(client, curator, ours):
    response = client.post(admin_url(Partnership, "add"), partnership_data([ours.area]))
    assert response.status_code == 302
    assert Partnership.objects.get(name="New Partnership").areas.get() == ours.area


def body_data(partnership):
    return {
        "partnership": partnership.pk,
        "kind": "board",
        "theme": "",
        "name": "New Board",
        **management_form("seats"),
        "_save": "Save",
    }


def test_cannot_add_a_body_to_another_areas_partnership(client, curator, ours, theirs):
    response = client.post(admin_url(Body, "add"), body_data(theirs.partnership))
    assert response.status_code == 200
    assert "partnership" in response.context["adminform"].form.errors
    assert not Body.objects.filter(name="New Board").exists()
    response = client.post(admin_url(Body, "add"), body_data(ours.partnership))
    assert response.status_code == 302


def test_cannot_move_a_body_to_another_areas_partnership(client, curator, ours, theirs):
    data = body_data(theirs.partnership) | {"name": ours.body.name}
    response = client.post(admin_url(Body, "change", ours.body.pk), data)
    assert response.status_code == 200
    assert_unchanged(ours.body)


def seat_data(body, person, organisation):
    return {
        "person": person.pk,
        "body": body.pk,
        "sector": "vcs",
        "organisation": organisation.pk,
        "role": "",
        "selection": "",
        "_save": "Save",
    }


def test_cannot_add_a_seat_on_another_areas_body_or_for_its_person(client, curator, ours, theirs):
    for body, person in [(theirs.body, ours.person), (ours.body, theirs.person)]:
        response = client.post(admin_url(Seat, "add"), seat_data(body, person, theirs.organisation))
        assert response.status_code == 200
        assert response.context["adminform"].form.errors
    assert Seat.objects.count() == 2
    # Organisations are shared: a seat in Hartlepool may be held for Camden's.
    response = client.post(
        admin_url(Seat, "add"), seat_data(ours.body, ours.person, theirs.organisation)
    )
    assert response.status_code == 302


def document_data(**values):
    return {
        "kind": "ges",
        "title": "New Scheme",
        "partnership": "",
        "organisation": "",
        "start_year": "",
        "end_year": "",
        "url": "",
        "priorities": "",
        "_save": "Save",
    } | values


def test_cannot_add_a_document_for_another_area(client, curator, ours, theirs):
    refused = [
        document_data(kind="scs", partnership=theirs.partnership.pk),
        document_data(organisation=theirs.organisation.pk),  # Camden's organisation
        document_data(organisation=OrganisationFactory().pk),  # one with no areas
    ]
    for data in refused:
        response = client.post(admin_url(Document, "add"), data)
        assert response.status_code == 200, data
    assert not Document.objects.filter(title="New Scheme").exists()
    response = client.post(
        admin_url(Document, "add"), document_data(organisation=ours.organisation.pk)
    )
    assert response.status_code == 302


def network_data(areas=(), region=None, partnership=None):
    return {
        "name": "New Network",
        "slug": "",
        "kind": NetworkKind.CEN,
        "description": "",
        "areas": [a.pk for a in areas],
        "region": region.pk if region else "",
        "partnership": partnership.pk if partnership else "",
        "status": "active",
        "funding": "unknown",
        "status_checked_on": "",
        "members": [],
        "website": "",
        "email": "",
        "phone": "",
        "_save": "Save",
    }


def test_cannot_add_a_network_in_another_area_or_region(client, curator, ours, theirs):
    london = Region.objects.get(slug="london")
    north_east = Region.objects.get(slug="north-east")
    refused = [
        network_data(areas=[theirs.area]),
        network_data(region=london),
        network_data(region=north_east),  # Hartlepool's curator does not curate the region
        network_data(areas=[ours.area], partnership=theirs.partnership),
        network_data(),  # nowhere
    ]
    for data in refused:
        response = client.post(admin_url(Network, "add"), data)
        assert response.status_code == 200, data
    assert not Network.objects.filter(name="New Network").exists()
    response = client.post(admin_url(Network, "add"), network_data(areas=[ours.area]))
    assert response.status_code == 302


def test_region_curator_may_place_a_network_in_its_region(client, make_curator):
    make_curator(areas=(), regions=("london",))
    london = Region.objects.get(slug="london")
    response = client.post(admin_url(Network, "add"), network_data(region=london))
    assert response.status_code == 302
    assert Network.objects.get(name="New Network").region == london


def test_a_shared_partnership_is_read_only_for_each_curator(client, curator, ours, theirs):
    """A record changes only where every area it belongs to is the curator's: a partnership
    covering Hartlepool and Camden is for a curator of both, or a site administrator."""
    shared = PartnershipFactory(name="Tees and Thames", areas=[ours.area, theirs.area])
    url = admin_url(Partnership, "change", shared.pk)
    response = client.get(url)
    assert response.status_code == 200
    assert b'name="_save"' not in response.content
    for areas in ([ours.area, theirs.area], [ours.area]):
        assert client.post(url, partnership_data(areas, name="Renamed")).status_code == 403
    assert client.get(admin_url(Partnership, "delete", shared.pk)).status_code == 403
    assert_unchanged(shared)
    assert set(shared.areas.all()) == {ours.area, theirs.area}
    # Its bodies are the same: viewed, never changed.
    board = BoardFactory(partnership=shared, name="Shared Board")
    assert client.get(admin_url(Body, "change", board.pk)).status_code == 200
    assert client.post(admin_url(Body, "change", board.pk), {"name": "Taken"}).status_code == 403
    assert_unchanged(board)


# --- Inlines -------------------------------------------------------------------------------


def test_person_page_edits_only_the_persons_own_seats(client, curator, ours, theirs):
    # A raw POST naming a Camden seat in the inline cannot change or delete it.
    camden_seat = theirs.seat
    data = {
        "name": ours.person.name,
        "email": ours.person.email,
        "phone": "",
        "seats-TOTAL_FORMS": "1",
        "seats-INITIAL_FORMS": "1",
        "seats-MIN_NUM_FORMS": "0",
        "seats-MAX_NUM_FORMS": "1000",
        "seats-0-id": camden_seat.pk,
        "seats-0-person": ours.person.pk,
        "seats-0-body": theirs.body.pk,
        "seats-0-sector": "vcs",
        "seats-0-role": "Taken",
        "_save": "Save",
    }
    url = admin_url(Person, "change", ours.person.pk)
    response = client.post(url, data)
    assert response.status_code == 200  # not one of the person's seats, nor a valid body
    client.post(url, data | {"seats-0-DELETE": "on"})
    assert_unchanged(camden_seat)


def test_a_person_with_a_seat_elsewhere_is_out_of_reach_but_their_seat_here_is_not(
    client, curator, ours, theirs
):
    """A person belongs to the areas of all their seats: one who also sits in Camden cannot be
    opened, changed, published or deleted by a Hartlepool curator, who still keeps the
    Hartlepool seat (showing only the public name)."""
    SeatFactory(person=ours.person, body=theirs.body, role="Camden Vice-chair")
    url = admin_url(Person, "change", ours.person.pk)
    assert_missing(client.get(url), ours.person.email)
    post = {"name": ours.person.name, "publish_contact": "on", **management_form("seats")}
    assert_missing(client.post(url, post), ours.person.email)
    assert_missing(client.post(admin_url(Person, "delete", ours.person.pk), {"post": "yes"}))
    assert_unchanged(ours.person)
    _, rows = listed(client, Person)
    assert ours.person not in rows
    assert autocomplete(client, Seat, "person", "Hartlepool") == []

    response = client.get(admin_url(Seat, "change", ours.seat.pk))
    assert response.status_code == 200
    assert b'name="_save"' in response.content
    assert ours.person.name in response.content.decode()
    assert ours.person.email not in response.content.decode()


def test_cannot_add_a_seat_on_another_areas_body_from_the_person_page(
    client, curator, ours, theirs
):
    data = {
        "name": ours.person.name,
        "email": ours.person.email,
        "phone": "",
        **management_form("seats", 1),
        "seats-0-body": theirs.body.pk,
        "seats-0-sector": "vcs",
        "_save": "Save",
    }
    response = client.post(admin_url(Person, "change", ours.person.pk), data)
    assert response.status_code == 200
    assert ours.person.seats.count() == 1


# --- Actions -------------------------------------------------------------------------------


@pytest.mark.parametrize("model", [*SCOPED, Organisation], ids=lambda m: m.__name__)
@pytest.mark.parametrize("action", ["mark_verified_today", "delete_selected"])
def test_actions_with_another_areas_ids_change_nothing(
    client, curator, ours, theirs, model, action
):
    obj = record(theirs, model)
    model._default_manager.filter(pk=obj.pk).update(last_verified_on=datetime.date(2001, 1, 1))
    obj.refresh_from_db()
    for extra in [{}, {"post": "yes"}, {"select_across": "1"}]:
        client.post(
            admin_url(model),
            {"action": action, "_selected_action": [obj.pk], **extra},
        )
    assert_unchanged(obj)


def test_mark_verified_across_all_changes_only_the_curators_records(client, curator, ours, theirs):
    Partnership.objects.update(last_verified_on=None)
    response = client.post(
        admin_url(Partnership),
        {"action": "mark_verified_today", "select_across": "1", "_selected_action": [0]},
        follow=True,
    )
    assert response.status_code == 200
    assert Partnership.objects.filter(verified_by=curator).get() == ours.partnership
    assert Partnership.objects.get(pk=theirs.partnership.pk).last_verified_on is None


# --- Autocomplete --------------------------------------------------------------------------


def autocomplete(client, model, field, term):
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": model._meta.app_label,
            "model_name": model._meta.model_name,
            "field_name": field,
            "term": term,
        },
    )
    assert response.status_code == 200
    return [result["text"] for result in response.json()["results"]]


@pytest.mark.parametrize(
    "model, field",
    [
        (Partnership, "areas"),
        (Organisation, "areas"),
        (Network, "areas"),
        (Network, "region"),
        (Network, "partnership"),
        (Body, "partnership"),
        (Body, "feeds_into"),
        (Seat, "body"),
        (Seat, "person"),
        (Document, "partnership"),
    ],
    ids=lambda x: getattr(x, "__name__", x),
)
def test_autocomplete_offers_nothing_of_another_area(client, curator, ours, theirs, model, field):
    assert autocomplete(client, model, field, "Camden") == []
    assert autocomplete(client, model, field, "London") == []
    everything = autocomplete(client, model, field, "")
    assert not any("Camden" in text for text in everything)


def test_autocomplete_offers_the_curators_own(client, curator, ours, theirs):
    assert autocomplete(client, Partnership, "areas", "Hartle") == ["Hartlepool"]
    assert autocomplete(client, Seat, "person", "") == ["Hartlepool Person"]
    assert autocomplete(client, Seat, "body", "") == [str(ours.body)]
    # Organisations are shared.
    assert set(autocomplete(client, Seat, "organisation", "Women's Aid")) == {
        "Camden Women's Aid",
        "Hartlepool Women's Aid",
    }


# --- Organisations: shared -----------------------------------------------------------------


def organisation_data(org, **values):
    return {
        "name": org.name,
        "slug": org.slug,
        "kind": org.kind,
        "infrastructure_type": "",
        "areas": [a.pk for a in org.areas.all()] if org.pk else [],
        "charity_number": "",
        "website": "",
        "email": "",
        "phone": "",
        "_save": "Save",
    } | values


def test_organisations_are_all_visible_but_only_wholly_ours_change(client, curator, ours, theirs):
    national = OrganisationFactory(name="National Women's Charity")
    both = OrganisationFactory(name="Tees and Thames Trust")
    both.areas.set([ours.area, theirs.area])
    _, rows = listed(client, Organisation)
    helpers = set(Organisation.objects.national_help())  # recorded by a migration
    assert rows - helpers == {ours.organisation, theirs.organisation, national, both}
    assert set(autocomplete(client, Seat, "organisation", "")) >= {national.name, both.name}

    # Camden's, a national one (no areas: nobody's) and a shared one are read-only pages;
    # a POST, a delete or a revert is refused.
    for org in (theirs.organisation, national, both):
        url = admin_url(Organisation, "change", org.pk)
        response = client.get(url)
        assert response.status_code == 200
        assert b'name="_save"' not in response.content
        assert client.post(url, organisation_data(org, name="Taken")).status_code == 403
        delete_url = admin_url(Organisation, "delete", org.pk)
        assert client.post(delete_url, {"post": "yes"}).status_code == 403
        version = Organisation.history.filter(id=org.pk).latest("history_date")
        revert = reverse(
            "admin:partnerships_organisation_simple_history", args=[org.pk, version.history_id]
        )
        assert client.post(revert, organisation_data(org, name="Taken")).status_code == 403
        assert_unchanged(org)

    # Ours changes, but cannot be moved to Camden or left with no areas.
    url = admin_url(Organisation, "change", ours.organisation.pk)
    data = organisation_data(ours.organisation, phone="01429 000000")
    assert client.post(url, data).status_code == 302
    for areas in ([theirs.area.pk], [ours.area.pk, theirs.area.pk], []):
        response = client.post(url, organisation_data(ours.organisation, areas=areas))
        assert response.status_code == 200
    assert list(ours.organisation.areas.all()) == [ours.area]


def test_curator_adds_an_organisation_only_in_their_areas(client, curator, ours, theirs):
    new = Organisation(name="New Group", kind="vcs")
    data = organisation_data(new, slug="", areas=[ours.area.pk])
    assert client.post(admin_url(Organisation, "add"), data).status_code == 302
    for name, areas in (("No Area Group", []), ("Camden Group", [theirs.area.pk])):
        data = organisation_data(new, name=name, slug="", areas=areas)
        response = client.post(admin_url(Organisation, "add"), data)
        assert response.status_code == 200
        assert not Organisation.objects.filter(name=name).exists()


# --- People: in scope through their seats, or just added -----------------------------------


def test_a_person_just_added_stays_with_the_curator_who_added_them(client, make_curator, ours):
    make_curator()
    data = {
        "name": "New Person",
        "email": "new@example.org",
        "phone": "",
        **management_form("seats"),
        "_save": "Save",
    }
    assert client.post(admin_url(Person, "add"), data).status_code == 302
    person = Person.objects.get(name="New Person")
    assert client.get(admin_url(Person, "change", person.pk)).status_code == 200
    assert autocomplete(client, Seat, "person", "New") == ["New Person"]

    make_curator(username="another-hartlepool-curator")
    assert_missing(client.get(admin_url(Person, "change", person.pk)), "new@example.org")
    # Once given a seat in Hartlepool, every Hartlepool curator keeps them.
    SeatFactory(person=person, body=ours.body)
    assert client.get(admin_url(Person, "change", person.pk)).status_code == 200


def test_only_site_administrators_manage_curators(client, curator, admin_client):
    url = reverse("admin:curation_curator_changelist")
    assert client.get(url).status_code == 403
    assert (
        client.get(reverse("admin:curation_curator_change", args=[curator.curator.pk])).status_code
        == 403
    )
    response = admin_client.get(url)
    assert response.status_code == 200
    assert "Hartlepool" in response.content.decode()
    assert admin_client.get(reverse("admin:curation_curator_add")).status_code == 200


def test_create_curator_command(capsys, ours):
    organisation = OrganisationFactory(name="Hartlepool CVS")
    call_command(
        "create_curator",
        "tees",
        "--area",
        HARTLEPOOL,
        "--region",
        "london",
        "--organisation",
        organisation.slug,
    )
    out = capsys.readouterr().out
    assert "changepassword tees" in out
    user = User.objects.get(username="tees")
    assert user.is_staff and not user.is_superuser and not user.has_usable_password()
    assert user.groups.get().name == CURATORS_GROUP
    assert user.has_perm("partnerships.change_partnership")
    assert user.has_perm("networks.delete_network")
    assert user.has_perm("partnerships.view_area")
    assert not user.has_perm("partnerships.change_area")
    curator = Curator.objects.get(user=user)
    assert curator.organisation == organisation
    assert list(curator.areas.values_list("gss_code", flat=True)) == [HARTLEPOOL]
    assert list(curator.regions.values_list("slug", flat=True)) == ["london"]
    # Again: nothing new, no password message.
    call_command("create_curator", "tees", "--area", HARTLEPOOL)
    assert "changepassword" not in capsys.readouterr().out
    assert Curator.objects.count() == 1


def test_create_curator_refuses_an_unknown_area():
    with pytest.raises(Exception, match="E06999999"):
        call_command("create_curator", "tees", "--area", "E06999999")
    assert not User.objects.filter(username="tees").exists()


# --- Query counts --------------------------------------------------------------------------


@pytest.mark.parametrize("model", [*SCOPED, Organisation], ids=lambda m: m.__name__)
def test_curator_changelist_queries_do_not_grow_with_rows(client, curator, model):
    def queries():
        client.get(admin_url(model))
        with CaptureQueriesContext(connection) as captured:
            response = client.get(admin_url(model))
        assert response.status_code == 200
        return len(captured), response.context["cl"].result_count

    records_in(HARTLEPOOL, "One")
    records_in(CAMDEN, "Elsewhere")
    small = queries()
    for n in range(3):
        records_in(HARTLEPOOL, f"More{n}")
    large = queries()
    assert small[1] < large[1]
    assert small[0] == large[0]
