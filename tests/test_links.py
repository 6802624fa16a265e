"""slug_url() gives what reverse() gives, for every URL of a record by its slug."""

import pytest
from django.urls import reverse, set_script_prefix

from lsp_directory.links import slug_url

NAMES = [
    "partnerships:region",
    "partnerships:area",
    "partnerships:partnership",
    "partnerships:organisation",
    "networks:network",
]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("slug", ["hartlepool", "tees-valley-2", "a_b", "X-9"])
def test_slug_url_is_reverse(name, slug):
    assert slug_url(name, slug) == reverse(name, args=[slug])


def test_slug_url_follows_the_script_prefix():
    try:
        set_script_prefix("/directory/")
        assert slug_url("partnerships:area", "x") == reverse("partnerships:area", args=["x"])
        assert slug_url("partnerships:area", "x").startswith("/directory/")
    finally:
        set_script_prefix("/")


@pytest.mark.parametrize("kind", ["partnership", "network", "seat"])
@pytest.mark.parametrize("key", ["hartlepool", "tees-valley-2", "a_b", "17"])
def test_a_report_link_is_reverse(kind, key):
    assert slug_url("curation:report", key, kind) == reverse("curation:report", args=[kind, key])


@pytest.mark.django_db
def test_each_record_reports_at_its_own_address():
    from tests.factories import NetworkFactory, SeatFactory

    seat = SeatFactory()
    partnership, network = seat.body.partnership, NetworkFactory()
    assert partnership.report_url == reverse(
        "curation:report", args=["partnership", partnership.slug]
    )
    assert seat.report_url == reverse("curation:report", args=["seat", seat.pk])
    assert network.report_url == reverse("curation:report", args=["network", network.slug])
