"""Costly public pages are cached, and no cached page outlives the data it shows."""

import secrets

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from .cache_backend import stored_values
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


def test_a_page_cached_yesterday_is_made_again_today(client, monkeypatch):
    """What is current, ending soon or still open depends on the day, not only the data."""
    import datetime

    from django.utils import timezone

    SeatFactory(end_date=datetime.date(2026, 12, 1))
    url = "/representatives/?status=all"
    queries(client, url)
    assert queries(client, url)[0] == 1
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: tomorrow)
    assert queries(client, url)[0] > 1


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


# The key: only the parameters a page understands, normalised.


def entries():
    return len(stored_values())


def test_unknown_parameters_are_ignored_and_add_no_entry(client):
    """`?z=<random>` was a whole report each time, and one more entry each time."""
    SeatFactory()
    made, page = queries(client, "/representation/")
    assert made > 2
    for _ in range(20):
        count, content = queries(client, f"/representation/?z={secrets.token_hex(8)}")
        assert count == 1  # the data stamp: served from the cache
        assert content == page
    assert queries(client, "/representation.json?utm_source=x&_=1")[0] > 1  # its own page
    assert queries(client, "/representation.json?callback=y")[0] == 1
    assert entries() == 2


def test_order_defaults_and_empty_values_do_not_make_another_page(client):
    SeatFactory()
    assert queries(client, "/representatives/?sector=vcs")[0] > 2
    for url in [
        "/representatives/?status=current&sector=vcs",  # current seats are the default
        "/representatives/?sector=vcs&order=&area=&page=1&theme=",
        "/representatives/?region=&sector=local_authority&sector=vcs",  # the last one counts
        "/representatives/?page=abc&sector=vcs",  # a page number that is not one: the first
    ]:
        assert queries(client, url)[0] == 1, url
    assert queries(client, "/representation/?status=current&body_kind=&region=")[0] > 2
    assert queries(client, "/representation/")[0] == 1
    assert queries(client, "/representation/?page=1")[0] == 1
    assert entries() == 2


def test_reordered_parameters_are_one_page(client):
    SeatFactory()
    assert queries(client, "/representatives/?womens=no&sector=vcs&order=-start")[0] > 2
    assert queries(client, "/representatives/?order=-start&sector=vcs&womens=no")[0] == 1
    assert queries(client, "/networks/?region=north-east&kind=cen")[0] > 2
    assert queries(client, "/networks/?kind=cen&region=north-east")[0] == 1


def test_pages_still_differ_where_parameters_matter(client, monkeypatch):
    from partnerships import report

    vcs = SeatFactory(sector="vcs", person__name="Vera Voluntary")
    council = SeatFactory(sector="local_authority", person__name="Colin Council")
    PartnershipFactory(name="Alpha Partnership")
    PartnershipFactory(name="Beta Partnership")
    monkeypatch.setattr(report, "PARTNERSHIPS_PER_PAGE", 1)

    vcs_page = client.get("/representatives/?sector=vcs").content.decode()
    council_page = client.get("/representatives/?sector=local_authority").content.decode()
    assert vcs.person.name in vcs_page and council.person.name not in vcs_page
    assert council.person.name in council_page and vcs.person.name not in council_page
    assert "Alpha" in client.get("/partnerships/?q=alpha").content.decode()
    assert "Alpha" not in client.get("/partnerships/?q=beta").content.decode()
    region = vcs.body.partnership.areas.first().region.slug
    first = client.get(f"/representation/?region={region}").content.decode()
    second = client.get(f"/representation/?region={region}&page=2").content.decode()
    assert "Page 1 of" in first and "Page 2 of" in second
    # Below 1 is the last page, however written: one entry.
    assert queries(client, f"/representation/?region={region}&page=0")[0] > 2
    assert queries(client, f"/representation/?region={region}&page=-7")[0] == 1


def test_a_refused_value_is_shown_to_its_request_only_and_never_stored(client):
    """An unknown region shows an error naming the filter; that page is made each time (it
    is never stored), and the pages without it are never given that error."""
    SeatFactory()
    clean = queries(client, "/representation/")[1]
    assert "Some filters could not be used" not in clean
    for _ in range(2):
        count, refused = queries(client, "/representation/?region=atlantis")
        assert count > 2  # made, not served from the cache
        assert "Region: Select a valid choice." in refused
    count, again = queries(client, "/representation/")
    assert count == 1 and again == clean
    for _ in range(2):
        count, refused = queries(client, "/representatives/?sector=pirates&womens=no")
        assert count > 2 and "Sector: Select a valid choice" in refused
    assert entries() == 1


def test_a_stored_page_shows_nothing_of_the_parameters_it_ignored(client):
    """Its links (pages, downloads) carry only what the page understood, so whoever is
    served it from the cache sees nothing that another visitor put in their address."""
    SeatFactory(sector="vcs")
    count, page = queries(client, "/representatives/?sector=vcs&utm_source=planted")
    assert count > 2
    assert "sector=vcs" in page and "planted" not in page
    count, page = queries(client, "/representatives/?sector=vcs")
    assert count == 1 and "planted" not in page


@pytest.mark.parametrize(
    "url",
    [
        "/representatives/?region=north-east&sector=vcs",
        "/representation/?region=north-east",
        "/partnerships/?region=north-east",
        "/networks/?region=north-east",
        "/get-involved/?region=north-east",
    ],
)
def test_a_page_made_for_the_cache_reads_its_query_once(client, url):
    """The cache asks the view's own FilterSet whether the page took every value: the region
    is looked up once, not again to decide whether the page may be stored."""
    SeatFactory()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    lookups = [q for q in captured if '"partnerships_region"."slug" =' in q["sql"]]
    assert len(lookups) == 1
    assert queries(client, url)[0] == 1  # and it was stored
