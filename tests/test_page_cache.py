"""Costly public pages are cached, and no cached page outlives the data it shows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from .factories import PartnershipFactory, SeatFactory, area

pytestmark = pytest.mark.django_db


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response.content.decode()


@pytest.mark.parametrize(
    "url",
    ["/representatives/?sector=vcs", "/representation/", "/partnerships/", "/networks/"],
)
def test_a_second_visit_costs_one_query(client, url):
    SeatFactory()
    first, _ = queries(client, url)
    second, _ = queries(client, url)
    assert first > 2
    assert second == 1  # the data stamp


def test_a_saved_record_shows_at_once(client):
    seat = SeatFactory(role="Member")
    url = seat.body.partnership.get_absolute_url()
    assert "Member" in client.get(url).content.decode()
    seat.role = "Chair of the board"
    seat.save()
    assert "Chair of the board" in client.get(url).content.decode()


def test_an_imported_or_bulk_created_record_shows_at_once(client):
    PartnershipFactory(name="Alpha Partnership")
    assert "Beta Partnership" not in client.get("/partnerships/").content.decode()
    from partnerships.models import Partnership

    Partnership.objects.bulk_create([Partnership(name="Beta Partnership", slug="beta")])
    Partnership.objects.get(slug="beta").areas.add(area())
    assert "Beta Partnership" in client.get("/partnerships/").content.decode()


def test_a_deleted_record_disappears_at_once(client):
    seat = SeatFactory()
    url = "/representatives/"
    assert seat.person.name in client.get(url).content.decode()
    seat.delete()
    assert seat.person.name not in client.get(url).content.decode()


def test_signed_in_curators_are_never_served_the_cache(admin_client, client):
    SeatFactory()
    queries(client, "/representatives/")
    count, _ = queries(admin_client, "/representatives/")
    assert count > 2
