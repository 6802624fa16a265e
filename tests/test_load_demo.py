"""`python manage.py load_demo`: a believable, repeatable demo directory on the real areas."""

import datetime
import io
import re

import pytest
from django.core.management import CommandError, call_command

from networks.choices import Funding, NetworkKind, NetworkStatus
from networks.models import Network
from partnerships.choices import BodyKind, DocumentKind, InfrastructureType, Sector, Theme
from partnerships.demo import demo_load
from partnerships.models import (
    Area,
    Body,
    Document,
    Organisation,
    Partnership,
    Person,
    Region,
    Seat,
)
from tests.factories import OrganisationFactory, PartnershipFactory, SeatFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 1, 15)
RESERVED_EMAIL = re.compile(
    r"^[a-z0-9.-]+@([a-z0-9-]+\.)*(example\.org|example\.com|[a-z0-9-]+\.invalid)$"
)
DRAMA_PHONE = re.compile(r"^(01632 960\d{3}|020 7946 0\d{3})$")


@pytest.fixture
def demo():
    return demo_load(seed=2008, today=TODAY)


def directory():
    """Everything the demo made that a person could see, in a stable order."""
    rows = {
        "partnerships": Partnership.objects.values_list(
            "name", "slug", "website", "contact_email", "contact_phone", "description",
            "has_womens_forum", "last_verified_on", "areas__gss_code",
        ),
        "seats": Seat.objects.values_list(
            "body__partnership__name", "body__name", "body__theme", "body__feeds_into__name",
            "person__name", "person__email", "person__phone", "person__publish_contact",
            "organisation__name", "sector", "role", "selection", "start_date", "end_date",
            "last_verified_on",
        ),
        "organisations": Organisation.objects.values_list(
            "name", "slug", "kind", "infrastructure_type", "is_womens_organisation", "website",
            "email", "phone", "last_verified_on", "areas__gss_code",
        ),
        "networks": Network.objects.values_list(
            "name", "slug", "kind", "status", "funding", "status_checked_on", "region__name",
            "partnership__name", "website", "email", "members__name", "areas__gss_code",
        ),
        "documents": Document.objects.values_list(
            "kind", "title", "start_year", "end_year", "url", "priorities",
            "partnership__name", "organisation__name",
        ),
    }  # fmt: skip
    return {name: sorted(values, key=str) for name, values in rows.items()}


def test_partnerships_in_all_nine_regions_on_current_areas(demo):
    partnerships = Partnership.objects.filter(is_demo=True)
    assert 36 <= partnerships.count() <= 40 == demo["partnerships"]
    assert Region.objects.filter(areas__partnerships__in=partnerships).distinct().count() == 9
    areas = Area.objects.filter(partnerships__in=partnerships)
    assert areas.count() == partnerships.count()  # every partnership has its area
    assert not areas.filter(is_current=False).exists()
    assert areas.filter(kind="county").count() >= 3
    assert areas.exclude(kind="county").count() >= 30
    assert set(partnerships.values_list("name", flat=True)) >= {
        "Hartlepool Partnership",
        "One Camden",
        "Manchester Partnership",
        "Cornwall Strategic Partnership",
    }


def test_every_partnership_has_a_board_and_a_cdrp_feeding_into_it(demo):
    for partnership in Partnership.objects.filter(is_demo=True):
        (board,) = partnership.bodies.boards()
        assert board.theme == ""
        assert board.name in {f"{partnership.name} Board", "Executive Board"}
        groups = partnership.bodies.themed_groups()
        assert 3 <= groups.count() <= 5
        assert groups.filter(theme=Theme.CRIME_AND_DISORDER).count() == 1
        assert set(groups.values_list("feeds_into", flat=True)) == {board.pk}
        assert not groups.filter(theme="").exists()


def test_seats_for_every_sector_on_boards_and_on_themed_groups(demo):
    every_sector = set(Sector.values)
    for board in Body.objects.boards():
        assert set(board.seats.values_list("sector", flat=True)) == every_sector
        assert board.seats.current().filter(role="Chair", sector=Sector.LOCAL_AUTHORITY).exists()
    on_groups = Seat.objects.filter(body__kind=BodyKind.THEMED_GROUP)
    assert set(on_groups.values_list("sector", flat=True)) == every_sector
    assert set(Seat.objects.values_list("role", flat=True)) == {
        "Chair",
        "Vice-chair",
        "Member",
        "VCS representative",
    }
    assert Seat.objects.filter(sector=Sector.VCS, role="VCS representative").count() > 200
    assert len(set(Seat.objects.values_list("selection", flat=True))) == 4


def test_seats_held_now_and_in_the_past(demo):
    assert Seat.objects.current(on=TODAY).count() > 1000
    past = Seat.objects.past(on=TODAY)
    assert past.count() > 100
    for seat in past.select_related("body"):
        # Each past seat was handed on to someone who holds it now.
        assert (
            seat.body.seats.current(on=TODAY)
            .filter(start_date=seat.end_date + datetime.timedelta(days=1))
            .exists()
        )
    starts = Seat.objects.held().values_list("start_date", flat=True)
    assert min(starts) >= datetime.date(2005, 1, 1)
    assert max(starts) <= datetime.date(2024, 12, 31)


def test_some_seats_are_open_or_opening_when_the_demo_is_loaded(demo):
    """Counted forward from the day of loading, as checks count back from it."""
    vacancies = Seat.objects.vacant(on=TODAY)
    assert 5 <= vacancies.count() <= 30
    for seat in vacancies.select_related("body"):
        assert seat.person_id is None and seat.sector == Sector.VCS
        assert seat.body.kind == BodyKind.BOARD
        assert TODAY < seat.selection_closes <= TODAY + datetime.timedelta(days=90)
        assert "nomination form" in seat.how_to_apply
    ending = Seat.objects.ending_soon(on=TODAY)
    assert ending.count() >= 10
    assert set(ending.values_list("sector", flat=True)) == {Sector.VCS}


def test_womens_organisations_are_few_and_hold_fewer_seats_still(demo):
    vcs = Organisation.objects.vcs()
    womens_share_of_vcs = vcs.womens().count() / vcs.count()
    assert 0.05 <= womens_share_of_vcs <= 0.09  # the briefing: 7% of the VCS

    vcs_seats = Seat.objects.vcs()
    womens_share_of_seats = vcs_seats.womens().count() / vcs_seats.count()
    assert 0.01 <= womens_share_of_seats <= 0.05  # the briefing: 1.8% of VCS seats
    assert womens_share_of_seats < womens_share_of_vcs


def test_organisations_of_every_kind(demo):
    kinds = set(Organisation.objects.values_list("kind", flat=True))
    assert kinds == {"council", "health", "police", "business", "vcs", "infrastructure", "other"}
    for kind, name in [
        ("council", "Hartlepool Borough Council"),
        ("health", "Hartlepool Primary Care Trust"),
        ("police", "Cleveland Police"),
        ("infrastructure", "Hartlepool Voluntary Development Agency"),
        ("infrastructure", "Cornwall Rural Community Charity"),
    ]:
        assert Organisation.objects.get(name=name).kind == kind
    infrastructure = Organisation.objects.infrastructure()
    assert set(infrastructure.values_list("infrastructure_type", flat=True)) == {
        InfrastructureType.CVS,
        InfrastructureType.RCC,
        InfrastructureType.EQUALITIES,
    }
    # Every partnership's area has its CVS.
    for partnership in Partnership.objects.all():
        assert infrastructure.filter(
            areas__in=partnership.areas.all(), infrastructure_type=InfrastructureType.CVS
        ).exists()
    # A police force serves every area it polices, once.
    assert Organisation.objects.get(name="Metropolitan Police Service").areas.count() == 5


def test_people_are_invented_and_reachable_only_on_reserved_addresses(demo):
    people = Person.objects.all()
    assert people.filter(publish_contact=True).exists()
    assert people.filter(publish_contact=False).exists()
    assert people.values("name").distinct().count() == people.count()
    for person in people.filter(publish_contact=True):
        assert person.public_email and person.consent_given_on and person.consent_method
    for email in people.exclude(email="").values_list("email", flat=True):
        assert RESERVED_EMAIL.match(email), email
    phones = [
        *people.exclude(phone="").values_list("phone", flat=True),
        *Partnership.objects.values_list("contact_phone", flat=True),
        *Organisation.objects.exclude(phone="").values_list("phone", flat=True),
    ]
    assert all(DRAMA_PHONE.match(phone) for phone in phones)
    for email in [
        *Partnership.objects.values_list("contact_email", flat=True),
        *Organisation.objects.exclude(email="").values_list("email", flat=True),
        *Network.objects.exclude(email="").values_list("email", flat=True),
    ]:
        assert RESERVED_EMAIL.match(email), email


def test_cens_in_every_status_and_funding_state(demo):
    cens = Network.objects.cens()
    assert cens.count() >= 20
    assert set(cens.values_list("status", flat=True)) == set(NetworkStatus.values)
    assert set(cens.values_list("funding", flat=True)) == set(Funding.values)
    for cen in cens:
        assert cen.partnership and cen.status_checked_on and cen.areas.exists()
        assert cen.members.count() >= 4
        if cen.status != NetworkStatus.CEASED:
            assert cen.website.startswith("https://") and cen.email


def test_womens_forums_and_networks(demo):
    forums = Network.objects.filter(kind=NetworkKind.WOMENS_FORUM)
    assert forums.exists()
    assert set(forums.values_list("partnership", flat=True)) == set(
        Partnership.objects.filter(has_womens_forum=True).values_list("pk", flat=True)
    )
    networks = Network.objects.filter(kind=NetworkKind.WOMENS_NETWORK)
    assert networks.filter(region__isnull=False).exists()  # regional
    assert networks.filter(region__isnull=True, areas__isnull=False).exists()  # local
    for network in Network.objects.womens():
        assert network.members.womens().exists()


def test_documents_of_each_kind(demo):
    for partnership in Partnership.objects.all():
        scs = partnership.documents.get(kind=DocumentKind.SCS)
        laa = partnership.documents.get(kind=DocumentKind.LAA)
        for document in (scs, laa):
            assert 3 <= len(document.priority_list()) <= 6
            assert document.start_year < document.end_year
            assert document.url.startswith("https://") and ".example.org/" in document.url
    schemes = Document.objects.gender_equality_schemes()
    owners = Organisation.objects.filter(documents__in=schemes).distinct()
    assert set(owners.values_list("kind", flat=True)) == {"council", "health", "police"}
    public_bodies = Organisation.objects.filter(kind__in=["council", "health", "police"])
    assert owners.count() == public_bodies.count()


def test_some_records_are_stale_and_some_fresh(demo):
    partnerships = Partnership.objects.all()
    stale = partnerships.stale(today=TODAY).count()
    assert 0 < stale < partnerships.count()
    assert 0 < Organisation.objects.stale(today=TODAY).count() < Organisation.objects.count()
    assert not partnerships.filter(last_verified_on__gt=TODAY).exists()


def test_every_demo_row_is_marked_as_demo(demo):
    for model in (Partnership, Body, Seat, Person, Organisation, Network, Document):
        assert model.objects.exists()
        real = model.objects.filter(is_demo=False)
        if model is Organisation:
            real = real.filter(national_help="")  # the national bodies are real, and kept
        assert not real.exists(), model


def test_the_same_seed_makes_the_same_directory(demo):
    first = directory()
    demo_load(seed=2008, today=TODAY)
    assert directory() == first


def test_loading_twice_adds_nothing():
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    counts = [model.objects.count() for model in (Partnership, Body, Seat, Organisation)]
    slugs = sorted(Partnership.objects.values_list("slug", flat=True))
    call_command("load_demo", stdout=out)
    assert [model.objects.count() for model in (Partnership, Body, Seat, Organisation)] == counts
    assert sorted(Partnership.objects.values_list("slug", flat=True)) == slugs
    assert "Loaded the demo data (seed 2008): 40 partnerships" in out.getvalue()


def test_another_seed_makes_another_directory(demo):
    first = directory()
    demo_load(seed=2009, today=TODAY)
    second = directory()
    assert second["seats"] != first["seats"]
    assert second["organisations"] != first["organisations"]


def test_real_records_are_never_touched():
    real_seat = SeatFactory(body__partnership__name="Hartlepool Partnership")
    real_organisation = OrganisationFactory(name="Age Concern Hartlepool")
    call_command("load_demo", stdout=io.StringIO())
    call_command("load_demo", "--seed", "5", stdout=io.StringIO())
    assert Partnership.objects.filter(name="Hartlepool Partnership").count() == 2
    # The demo took another slug rather than the real partnership's.
    slugs = set(Partnership.objects.filter(name="Hartlepool Partnership").values_list("slug"))
    assert len(slugs) == 2

    call_command("load_demo", "--clear", stdout=io.StringIO())
    assert not Partnership.objects.filter(is_demo=True).exists()
    assert not Organisation.objects.filter(is_demo=True).exists()
    real_seat.refresh_from_db()
    real_organisation.refresh_from_db()
    assert Seat.objects.count() == 1 and Person.objects.count() == 1
    assert real_seat.body.partnership.name == "Hartlepool Partnership"


def test_refuses_to_drop_demo_records_a_real_record_hangs_on(demo):
    demo_body = Body.objects.filter(is_demo=True).first()
    SeatFactory(body=demo_body)
    before = Seat.objects.count()
    with pytest.raises(CommandError, match="1 seats via body"):
        call_command("load_demo", stdout=io.StringIO())
    assert Seat.objects.count() == before
    assert Partnership.objects.filter(is_demo=True).count() == demo["partnerships"]


def test_says_to_load_the_areas_first():
    Area.objects.update(is_current=False)
    with pytest.raises(CommandError, match="load_areas"):
        call_command("load_demo", stdout=io.StringIO())
    assert not Partnership.objects.exists()


def test_clear_on_its_own():
    PartnershipFactory(name="A real partnership")
    out = io.StringIO()
    call_command("load_demo", "--clear", stdout=out)
    assert "Deleted the demo data: 0 partnerships" in out.getvalue()
    assert Partnership.objects.get().name == "A real partnership"
