"""The one rule of who may curate what (curation.rules), and the lists derived from the
models' own declarations: a curated model left out of any of them fails here.

Hartlepool (E06000001, North East) is the curator's area; Camden (E09000007, London) is
somebody else's.
"""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission

from curation import rules
from curation.admin_base import CuratedAdmin
from curation.forms import REPORTABLE
from curation.models import Correction
from curation.services import curator_setup, curators_group_ensure
from lsp_directory.caching import stamped_models
from networks.models import Network
from partnerships.demo import DEMO_MODELS
from partnerships.models import (
    Area,
    Organisation,
    Partnership,
    Person,
    Region,
    Seat,
    curated_models,
)

from .factories import (
    BoardFactory,
    NetworkFactory,
    OrganisationFactory,
    PartnershipFactory,
    PersonFactory,
    SeatFactory,
    area,
)

pytestmark = pytest.mark.django_db

HARTLEPOOL, CAMDEN = "E06000001", "E09000007"
CURATED = curated_models()


def test_the_curated_models_are_the_domains_records():
    names = {model.__name__ for model in CURATED}
    assert names == {"Partnership", "Body", "Organisation", "Person", "Seat", "Document", "Network"}


@pytest.mark.parametrize("model", [*CURATED, Correction, Area, Region], ids=lambda m: m.__name__)
def test_every_ruled_model_declares_paths_that_end_at_an_area(model):
    assert model.area_paths, f"{model.__name__} declares no area_paths"
    for path in model.area_paths:
        current = model
        for name in path.split("__"):
            if name == "pk":
                break
            current = current._meta.get_field(name).related_model
        assert current is Area, f"{model.__name__}.{path} does not end at an area"


@pytest.mark.parametrize("model", CURATED, ids=lambda m: m.__name__)
def test_every_curated_model_is_in_every_derived_list(model):
    assert model in stamped_models()
    assert model in DEMO_MODELS
    group = curators_group_ensure()
    for action in ("add", "change", "delete", "view"):
        codename = f"{action}_{model._meta.model_name}"
        assert group.permissions.filter(codename=codename).exists()
    assert hasattr(model, "history"), "history from the first day needs HistoricalRecords"
    assert isinstance(admin.site._registry[model], CuratedAdmin)
    # The public reports every record it can see; a person is seen only on their seats.
    assert (model in {r.model for r in REPORTABLE.values()}) == (model is not Person)


def test_curators_may_only_view_the_reference_data():
    group = curators_group_ensure()
    for model in (Area, Region):
        actions = set(
            Permission.objects.filter(
                group=group, content_type__model=model._meta.model_name
            ).values_list("codename", flat=True)
        )
        assert actions == {f"view_{model._meta.model_name}"}


# --- The rule ------------------------------------------------------------------------------


@pytest.fixture
def curator():
    return curator_setup(username="hartlepool-cvs", area_codes=[HARTLEPOOL])[0].user


def allowed(user, record):
    return {
        action
        for action in (rules.CHANGE, rules.VIEW, rules.USE)
        if rules.allows(user, action, record)
    }


ALL = {rules.CHANGE, rules.VIEW, rules.USE}


def test_a_record_wholly_in_the_curators_areas_is_theirs(curator):
    partnership = PartnershipFactory(areas=[area(HARTLEPOOL)])
    seat = SeatFactory(body=BoardFactory(partnership=partnership))
    for record in (partnership, seat.body, seat, seat.person):
        assert allowed(curator, record) == ALL


def test_a_record_reaching_another_area_can_be_viewed_not_changed(curator):
    shared = PartnershipFactory(areas=[area(HARTLEPOOL), area(CAMDEN)])
    seat = SeatFactory(body=BoardFactory(partnership=shared))
    for record in (shared, seat.body, seat):
        assert allowed(curator, record) == {rules.VIEW}
    # A person has private fields: out of reach altogether.
    assert allowed(curator, seat.person) == set()


def test_a_person_belongs_to_the_areas_of_all_their_seats(curator):
    person = PersonFactory()
    here = SeatFactory(person=person, body=BoardFactory(partnership__areas=[area(HARTLEPOOL)]))
    assert allowed(curator, person) == ALL
    SeatFactory(person=person, body=BoardFactory(partnership__areas=[area(CAMDEN)]))
    assert allowed(curator, person) == set()
    assert allowed(curator, here) == ALL  # the seat in Hartlepool stays the curator's


def test_organisations_are_shared_but_change_only_wholly_in_scope(curator):
    ours, national, both = OrganisationFactory(), OrganisationFactory(), OrganisationFactory()
    ours.areas.set([area(HARTLEPOOL)])
    both.areas.set([area(HARTLEPOOL), area(CAMDEN)])
    assert allowed(curator, ours) == ALL
    assert allowed(curator, national) == {rules.VIEW, rules.USE}
    assert allowed(curator, both) == {rules.VIEW, rules.USE}


def test_a_regional_network_is_for_the_regions_curators(curator):
    north_east = area(HARTLEPOOL).region
    network = NetworkFactory(region=north_east)
    network.areas.clear()
    assert allowed(curator, network) == {rules.VIEW}
    region_curator = curator_setup(username="ne-rcc", region_slugs=[north_east.slug])[0].user
    assert allowed(region_curator, network) == ALL
    assert rules.allows(region_curator, rules.USE, north_east)
    assert not rules.allows(curator, rules.USE, north_east)


def test_a_record_with_no_area_belongs_to_nobody_but_its_creator(curator):
    stranger = PersonFactory(email="stranger@example.org")
    assert allowed(curator, stranger) == set()
    mine = Person(name="Just Added", email="new@example.org")
    mine._history_user = curator
    mine.save()
    assert allowed(curator, mine) == ALL
    other = curator_setup(username="another-hartlepool-cvs", area_codes=[HARTLEPOOL])[0].user
    assert allowed(other, mine) == set()


def test_a_site_administrator_may_do_anything(admin_user):
    stranger = PersonFactory()
    assert allowed(admin_user, stranger) == ALL
    assert rules.curated_area_ids(admin_user) is None


def test_a_staff_user_who_is_no_curator_may_do_nothing(django_user_model):
    user = django_user_model.objects.create_user("staff", is_staff=True)
    seat = SeatFactory(body=BoardFactory(partnership__areas=[area(HARTLEPOOL)]))
    for record in (seat, seat.body.partnership, seat.person):
        assert allowed(user, record) == set()


def test_where_a_record_would_land(curator):
    hartlepool, camden = area(HARTLEPOOL), area(CAMDEN)
    ours = PartnershipFactory(areas=[hartlepool])
    theirs = PartnershipFactory(areas=[camden])
    assert rules.lands_within(curator, Partnership, {"areas": [hartlepool]})
    assert not rules.lands_within(curator, Partnership, {"areas": [hartlepool, camden]})
    assert not rules.lands_within(curator, Partnership, {"areas": []})
    assert rules.lands_within(curator, Network, {"areas": [hartlepool], "region": None})
    assert not rules.lands_within(curator, Network, {"areas": [], "region": hartlepool.region})
    assert rules.lands_within(curator, Seat, {"body": BoardFactory(partnership=ours)})
    assert not rules.lands_within(curator, Seat, {"body": BoardFactory(partnership=theirs)})
    # A person's areas come from their seats, which the person's own form does not hold.
    assert rules.lands_within(curator, Person, {"name": "Anyone"})
    assert rules.areas_of(ours) == {hartlepool.pk}
    assert rules.areas_of(Organisation.objects.create(name="Nowhere", kind="vcs")) == set()


# --- Areas that were reorganised -------------------------------------------------------------

CUMBERLAND, WESTMORLAND, CUMBRIA, CARLISLE, KENDAL = (
    "E06000063",
    "E06000064",
    "E10000006",
    "E07000028",
    "E07000031",  # South Lakeland, now in Westmorland and Furness
)


def test_an_abolished_area_belongs_to_all_its_successors_together():
    """Cumbria (a county, abolished in 2023) was split between Cumberland and Westmorland and
    Furness: its records are for a curator of both, not of either alone; Carlisle went
    wholly into Cumberland, so it comes with Cumberland."""
    cumberland = curator_setup(username="cumberland-cvs", area_codes=[CUMBERLAND])[0].user
    both = curator_setup(username="cumbria-rcc", area_codes=[CUMBERLAND, WESTMORLAND])[0].user
    county_wide = SeatFactory(body=BoardFactory(partnership__areas=[area(CUMBRIA)]))
    carlisle = SeatFactory(body=BoardFactory(partnership__areas=[area(CARLISLE)]))
    kendal = SeatFactory(body=BoardFactory(partnership__areas=[area(KENDAL)]))
    assert allowed(cumberland, county_wide.person) == set()
    assert allowed(cumberland, county_wide) == set()
    assert allowed(cumberland, carlisle.person) == ALL
    assert allowed(cumberland, kendal) == set()
    for record in (county_wide.person, carlisle.person, kendal.person):
        assert allowed(both, record) == ALL


def test_a_curator_of_an_abolished_district_does_not_get_its_successor():
    carlisle = curator_setup(username="carlisle-cvs", area_codes=[CARLISLE])[0].user
    cumberland_wide = SeatFactory(body=BoardFactory(partnership__areas=[area(CUMBERLAND)]))
    assert allowed(carlisle, cumberland_wide.person) == set()
    assert rules.curated_area_ids(carlisle) == {area(CARLISLE).pk}
