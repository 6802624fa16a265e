"""Real areas from the ONS lookup: loaded once by conftest, checked here."""

import pytest
from django.core.management import call_command

from partnerships.models import Area, Region

pytestmark = pytest.mark.django_db


def test_nine_regions():
    assert Region.objects.count() == 9
    assert set(Region.objects.values_list("name", flat=True)) >= {"London", "North East"}


def test_every_english_area_of_the_lookup_and_the_newer_ones():
    # 309 districts, unitaries, metropolitan districts and boroughs of 2021,
    # their 24 counties, and the 6 areas created since.
    assert Area.objects.count() == 339
    assert Area.objects.exclude(kind="county").count() == 315
    assert not Area.objects.exclude(gss_code__regex=r"^E(06|07|08|09|10)\d{6}$").exists()
    # What a postcode resolves to today: 296 lower-tier areas.
    assert Area.objects.current().lower_tier().count() == 296


@pytest.mark.parametrize(
    "code, name, region",
    [
        ("E06000001", "Hartlepool", "North East"),
        ("E09000007", "Camden", "London"),
        ("E08000003", "Manchester", "North West"),
        ("E07000008", "Cambridge", "East of England"),
        ("E06000052", "Cornwall", "South West"),
        ("E07000117", "Burnley", "North West"),
        ("E08000025", "Birmingham", "West Midlands"),
        ("E06000018", "Nottingham", "East Midlands"),
        ("E07000223", "Adur", "South East"),
        ("E08000035", "Leeds", "Yorkshire and The Humber"),
    ],
)
def test_areas_have_their_region(code, name, region):
    area = Area.objects.get(gss_code=code)
    assert (area.name, area.region.name) == (name, region)


def test_districts_point_at_their_county():
    cambridge = Area.objects.get(gss_code="E07000008")
    assert cambridge.kind == "district"
    assert cambridge.parent.gss_code == "E10000003"
    assert cambridge.parent.name == "Cambridgeshire"
    assert Area.objects.get(gss_code="E06000001").parent is None


@pytest.mark.parametrize(
    "code, name, region, replaced",
    [
        ("E06000063", "Cumberland", "North West", {"E07000026", "E07000028", "E07000029"}),
        ("E06000064", "Westmorland and Furness", "North West", {"E07000027", "E07000031"}),
        ("E06000065", "North Yorkshire", "Yorkshire and The Humber", {"E07000165", "E10000023"}),
        ("E06000066", "Somerset", "South West", {"E07000246", "E10000027"}),
        ("E08000038", "Barnsley", "Yorkshire and The Humber", {"E08000016"}),
        ("E08000039", "Sheffield", "Yorkshire and The Humber", {"E08000019"}),
    ],
)
def test_newer_areas_record_what_they_replaced(code, name, region, replaced):
    area = Area.objects.get(gss_code=code)
    assert (area.name, area.region.name, area.is_current) == (name, region, True)
    assert replaced <= set(area.replaces.values_list("gss_code", flat=True))
    assert not Area.objects.filter(gss_code__in=replaced, is_current=True).exists()


def test_running_twice_changes_nothing():
    before = list(
        Area.objects.order_by("gss_code").values_list(
            "gss_code", "name", "slug", "kind", "region__code", "parent__gss_code", "is_current"
        )
    )
    call_command("load_areas", stdout=open("/dev/null", "w"))
    after = list(
        Area.objects.order_by("gss_code").values_list(
            "gss_code", "name", "slug", "kind", "region__code", "parent__gss_code", "is_current"
        )
    )
    assert before == after
    assert Area.replaces.through.objects.count() == 4 + 4 + 8 + 5 + 1 + 1
