"""A network for a whole region (issue 12, point 7): imported with the region's code as its
area_code, shown on every area and partnership page of the region, and named only by a
curator of every area in it."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from networks.models import Network
from partnerships.models import Area, Region

from .factories import PartnershipFactory, area
from .test_curator_import import (
    HARTLEPOOL,
    NETWORK,
    SEAT,
    curator_of,
    messages,
    run,
    snapshot,
    to_csv,
)

pytestmark = pytest.mark.django_db

NORTH_EAST, LONDON = "E12000001", "E12000007"
REGIONAL = {**NETWORK, "name": "North East Women's Network", "kind": "womens_network"}


def regional(code=NORTH_EAST, **cells):
    return {**REGIONAL, "area_code": code, **cells}


def test_a_region_code_records_a_network_for_the_whole_region():
    result = run("networks", to_csv([regional(code=NORTH_EAST.lower())]))
    assert result.ok and result.written, messages(result)
    network = Network.objects.get(name=REGIONAL["name"])
    assert network.region.code == NORTH_EAST
    assert not network.areas.exists()

    # Imported again, it is found by the region and nothing changes.
    before = snapshot()
    result = run("networks", to_csv([regional()]))
    assert result.counts == {"networks": {"created": 0, "changed": 0, "unchanged": 1}}
    assert snapshot() == before

    # The same name for an area is another network: the region's is not the area's.
    result = run("networks", to_csv([regional(code=HARTLEPOOL)]))
    assert result.counts["networks"]["created"] == 1
    assert Network.objects.filter(name=REGIONAL["name"]).count() == 2


def test_a_changed_row_changes_the_regional_network():
    run("networks", to_csv([regional()]))
    result = run("networks", to_csv([regional(status="struggling")]))
    assert result.counts == {"networks": {"created": 0, "changed": 1, "unchanged": 0}}
    assert Network.objects.get(region__code=NORTH_EAST).status == "struggling"


def test_the_regional_network_shows_on_every_area_and_partnership_page_of_the_region(client):
    run("networks", to_csv([regional()]))
    partnership = PartnershipFactory(name="Hartlepool Partnership", areas=[area(HARTLEPOOL)])
    northumberland = Area.objects.get(name="Northumberland", is_current=True)
    camden = area("E09000007")
    pages = {
        reverse("partnerships:partnership", args=[partnership.slug]): True,
        reverse("partnerships:area", args=[northumberland.slug]): True,
        reverse("partnerships:area", args=[area(HARTLEPOOL).slug]): True,
        reverse("partnerships:area", args=[camden.slug]): False,
    }
    for url, shown in pages.items():
        html = client.get(url).content.decode()
        assert ("North East Women&#x27;s Network" in html) is shown, url


def test_only_a_curator_of_every_area_in_the_region_may_name_it():
    before = snapshot()
    hartlepool_curator = curator_of(HARTLEPOOL, perms=("add_network", "change_network"))
    result = run("networks", to_csv([regional()]), user=hartlepool_curator)
    assert messages(result) == [
        "row 2: area_code E12000001 is the region North East; a network for the whole region "
        "needs a curator of every area in it."
    ]
    assert snapshot() == before

    north_east = Region.objects.get(code=NORTH_EAST)
    codes = north_east.areas.filter(is_current=True).values_list("gss_code", flat=True)
    regional_curator = curator_of(*codes, username="regional", perms=("add_network",))
    result = run("networks", to_csv([regional()]), user=regional_curator)
    assert result.ok and result.written, messages(result)
    assert Network.objects.get().region == north_east

    # Another region's code stays out of reach, and says so without writing.
    result = run("networks", to_csv([regional(code=LONDON)]), user=regional_curator)
    assert "is the region London" in messages(result)[0]
    assert Network.objects.count() == 1


def test_a_seat_row_cannot_name_a_region():
    """A partnership lies in areas: only the network import takes a region's code."""
    admin = User.objects.create_superuser("boss", password="pw")
    result = run("seats", to_csv([{**SEAT, "area_code": NORTH_EAST}]), user=admin)
    assert messages(result) == [
        "row 2: area_code E12000001 is not a known area code (an ONS GSS code such as E06000001)."
    ]
