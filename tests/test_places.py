"""A women's group types its town, which is not a council's name ("Scunthorpe" is in North
Lincolnshire), and lands on its LSP: the gazetteer places GeoNames' towns in their local
authority areas through the nearest postcode."""

import io
import itertools

import pytest
from django.core.management import call_command

from partnerships import places
from partnerships.models import Area, Place

from .factories import PartnershipFactory, area
from .querycount import assert_constant_queries

pytestmark = pytest.mark.django_db


def dms(degrees, minutes, seconds):
    return degrees + minutes / 60 + seconds / 3600


# -- Coordinates -------------------------------------------------------------------------


def test_the_os_worked_example_projects_to_its_published_grid_reference():
    # Ordnance Survey, "A guide to coordinate systems in Great Britain", annex C: OSGB36
    # 52°39'27.2531"N 1°43'4.5177"E is E 651409.903, N 313177.270.
    easting, northing = places.national_grid(dms(52, 39, 27.2531), dms(1, 43, 4.5177))
    assert easting == pytest.approx(651409.903, abs=0.001)
    assert northing == pytest.approx(313177.270, abs=0.001)


def test_a_postcodes_gps_position_converts_to_its_directory_grid_reference():
    # SW1A 1AA: WGS84 51.501009, -0.141588 in the ONS directory, which gives it the grid
    # reference 529090, 179645 (oseast1m, osnrth1m).
    easting, northing = places.grid_reference(51.501009, -0.141588)
    assert easting == pytest.approx(529090, abs=5)
    assert northing == pytest.approx(179645, abs=5)
    # Without the datum shift the error is about 100 m.
    unshifted = places.national_grid(51.501009, -0.141588)
    assert abs(unshifted[0] - 529090) + abs(unshifted[1] - 179645) > 50


# -- The gazetteer -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, gss_code",
    [
        ("Scunthorpe", "E06000013"),  # North Lincolnshire
        ("Penzance", "E06000052"),  # Cornwall
        ("Keswick", "E06000063"),  # Cumberland, since 2023
        ("Crewe", "E06000049"),  # Cheshire East
        ("Bognor Regis", "E07000224"),  # Arun
        ("Harrogate", "E06000065"),  # North Yorkshire, since 2023
        ("Stockport", "E08000007"),
        ("Wimbledon", "E09000024"),  # Merton
        ("Hull", "E06000010"),  # a short name of Kingston upon Hull
    ],
)
def test_towns_are_placed_in_their_local_authority(name, gss_code):
    assert [place.area.gss_code for place in Place.objects.filter(name=name)] == [gss_code]


def record(geonameid, name, latitude, longitude, population=1000, alternatenames=()):
    return {
        "geonameid": geonameid,
        "name": name,
        "latitude": latitude,
        "longitude": longitude,
        "countrycode": "GB",
        "admin1code": "ENG",
        "population": population,
        "alternatenames": list(alternatenames),
    }


def test_only_places_in_england_with_a_postcode_nearby_are_kept():
    found = places.gazetteer(
        [
            record(1, "Scunthorpe", 53.57905, -0.65437),
            record(2, "Cardiff", 51.48, -3.18),  # in Wales, whatever the record says
            record(3, "Dogger", 54.75, 2.0),  # in the North Sea
            record(4, "London", 51.50853, -0.12574, population=8_961_989),  # 33 areas
            record(5, "Kingston upon Hull", 53.7446, -0.33525, 314_018, ["Hull", "Kingston"]),
            record(6, "Bury St Edmunds", 52.2463, 0.71111, 41_280, ["Bury St", "Bury"]),
        ]
    )
    assert (found.read, found.outside_england, found.too_far, found.spans_several_areas) == (
        6,
        1,
        1,
        1,
    )
    assert {(place.name, place.gss_code, place.source) for place in found.places} == {
        ("Scunthorpe", "E06000013", "geonames:1"),
        ("Kingston upon Hull", "E06000010", "geonames:5"),
        ("Hull", "E06000010", "geonames:5/hull"),
        ("Kingston", "E06000010", "geonames:5/kingston"),
        ("Bury St Edmunds", "E07000245", "geonames:6"),
        ("Bury", "E07000245", "geonames:6/bury"),  # not "Bury St"
    }


def test_the_real_gazetteer_holds_england_only():
    assert Place.objects.count() > 4000
    assert not Place.objects.filter(name__in=["Cardiff", "Swansea", "Edinburgh", "Belfast"])
    assert not Place.objects.filter(name="London").exists()  # it spans 33 areas
    assert not Place.objects.exclude(area__gss_code__startswith="E").exists()


def run_load_places():
    out = io.StringIO()
    call_command("load_places", stdout=out)
    return out.getvalue()


def test_loading_again_changes_nothing_and_repairs_what_drifted():
    before = sorted(Place.objects.values_list("source", "name", "area_id", "population"))
    assert "(0 new, 0 changed, 0 removed)" in run_load_places()
    assert sorted(Place.objects.values_list("source", "name", "area_id", "population")) == before

    Place.objects.filter(name="Scunthorpe").update(area=area("E06000001"))
    Place.objects.filter(name="Penzance").delete()
    Place.objects.create(name="Atlantis", area=area(), source="geonames:999999999")
    Place.objects.create(name="Our village", area=area(), source="curated:1")

    output = run_load_places()
    assert "(1 new, 1 changed, 1 removed)" in output
    assert output.rstrip().endswith("in an area not loaded.")
    assert Place.objects.get(name="Scunthorpe").area.gss_code == "E06000013"
    assert Place.objects.get(name="Penzance").area.gss_code == "E06000052"
    assert not Place.objects.filter(name="Atlantis").exists()
    assert Place.objects.filter(name="Our village").exists()  # not GeoNames': left alone
    assert Place.objects.get(name="Scunthorpe").search_name == "scunthorpe"


# -- Search ------------------------------------------------------------------------------


def lands_on(client, query, partnership):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 302, response.content.decode()[:500]
    assert response["Location"] == partnership.get_absolute_url()


@pytest.mark.parametrize("query", ["Scunthorpe", "scunthorpe", "  SCUNTHORPE ", "scunth"])
def test_a_town_lands_on_the_partnership_of_its_area(client, query):
    lsp = PartnershipFactory(name="North Lincolnshire Partnership", areas=[area("E06000013")])
    PartnershipFactory(name="Hartlepool Partnership", areas=[area("E06000001")])
    lands_on(client, query, lsp)


def test_a_town_in_a_district_lands_on_its_countys_partnership(client):
    west_sussex = PartnershipFactory(name="West Sussex Partnership", areas=[area("E10000032")])
    lands_on(client, "Bognor Regis", west_sussex)


def test_a_short_name_lands_on_its_towns_partnership(client):
    hull = PartnershipFactory(name="Kingston Together", areas=[area("E06000010")])
    lands_on(client, "Hull", hull)


def test_a_councils_own_name_beats_villages_of_that_name(client):
    sutton = PartnershipFactory(name="Sutton Partnership", areas=[area("E09000029")])
    PartnershipFactory(name="East Cambridgeshire Partnership", areas=[area("E07000009")])
    lands_on(client, "Sutton", sutton)


def test_a_name_shared_by_several_places_lists_the_biggest_first(client):
    cheshire_west = PartnershipFactory(name="Cheshire West LSP", areas=[area("E06000050")])
    stoke = PartnershipFactory(name="Potteries Partnership", areas=[area("E06000021")])
    response = client.get("/search/", {"q": "Stoke"})
    assert response.status_code == 200
    assert response.context["result"].partnerships == [stoke, cheshire_west]


def test_a_town_with_no_partnership_says_where_it_is(client):
    PartnershipFactory(name="Hartlepool Partnership", areas=[area("E06000001")])
    response = client.get("/search/", {"q": "Penzance"})
    text = response.content.decode()
    assert response.status_code == 200
    assert response.context["result"].problem == "no_partnership"
    assert "Penzance is in Cornwall. No partnership is recorded for Cornwall yet." in text
    assert area("E06000052").get_absolute_url() in text


def test_scunthorpe_with_no_partnership_gets_the_kind_message(client):
    response = client.get("/search/", {"q": "scunth"})
    text = response.content.decode()
    assert (
        "Scunthorpe is in North Lincolnshire. "
        "No partnership is recorded for North Lincolnshire yet." in text
    )
    assert area("E06000013").get_absolute_url() in text


def test_town_search_queries_stay_constant_as_places_and_partnerships_grow(client):
    PartnershipFactory.create_batch(2, areas=[area("E06000013")])
    others = Area.objects.filter(is_current=True).exclude(gss_code="E06000013")
    grown = itertools.count()

    def grow():
        for other in others[:12]:
            n = next(grown)
            Place.objects.create(name=f"Scunthorpe {n}", area=other, source=f"test:{n}")
            PartnershipFactory.create_batch(2, areas=[other])
        PartnershipFactory.create_batch(10, areas=[area("E06000013")])

    assert_constant_queries(client, "/search/?q=Scunthorpe", grow, most=8)
    assert_constant_queries(client, "/search/?q=scunth", grow, most=8)
