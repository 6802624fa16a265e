"""Policy officers, researchers and other directories read the directory by machine: a
read-only JSON API at /api/v1/, documented, filtered like the site's lists, answering
conditional requests, open to other sites and fair between clients (issue 13, point 1)."""

import datetime

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.urls import reverse

from curation.erasure import Erasure
from networks.models import Network
from partnerships.filters import SeatFilter
from partnerships.models import Area, Body, Document, Organisation, Partnership, Person, Seat

from .browser import assert_accessible, assert_no_horizontal_scroll
from .factories import (
    BoardFactory,
    NetworkFactory,
    OrganisationFactory,
    PartnershipFactory,
    PersonFactory,
    SeatFactory,
    VacancyFactory,
    area,
)
from .querycount import assert_constant_queries

pytestmark = pytest.mark.django_db

HARTLEPOOL, CAMDEN = "E06000001", "E09000007"
LISTS = {  # basename: model
    "region": None,
    "area": Area,
    "partnership": Partnership,
    "body": Body,
    "seat": Seat,
    "person": Person,
    "organisation": Organisation,
    "network": Network,
    "document": Document,
}


@pytest.fixture(autouse=True)
def fresh_throttle():
    cache.clear()
    yield
    cache.clear()


def directory():
    """Two partnerships, their seats (current, past, vacant), a person who agreed to publish
    her contact details and one who did not, networks and a scheme."""
    hartlepool = PartnershipFactory(name="Hartlepool Partnership", areas=[area(HARTLEPOOL)])
    camden = PartnershipFactory(name="Camden Together", areas=[area(CAMDEN)])
    womens = OrganisationFactory(name="Hartlepool Women's Aid", is_womens_organisation=True)
    board = BoardFactory(partnership=hartlepool, name="Hartlepool Board")
    public = PersonFactory(name="Ann Public", email="ann@example.org", publish_contact=True)
    private = PersonFactory(
        name="Bea Private", email="bea.private@example.org", phone="07700 900123",
        publish_contact=False,
    )  # fmt: skip
    SeatFactory(body=board, person=public, organisation=womens)
    SeatFactory(body=board, person=private)
    SeatFactory(body=board, end_date=datetime.date(2010, 3, 31))
    VacancyFactory(body=board)
    SeatFactory(body=BoardFactory(partnership=camden, name="Camden Board"))
    NetworkFactory(name="Hartlepool CEN")
    council = OrganisationFactory(name="Hartlepool Borough Council", kind="council")
    Document.objects.create(kind="ges", title="Scheme", organisation=council, start_year=2008)
    return hartlepool


def get(client, url, **headers):
    return client.get(url, headers=headers)


def crawl(client, url):
    """Every record of a list, following `next` to the end."""
    records, pages = [], 0
    while url:
        response = client.get(url)
        assert response.status_code == 200, (url, response.content[:300])
        body = response.json()
        assert set(body) == {"count", "next", "previous", "results"}
        records += body["results"]
        url, pages = body["next"], pages + 1
    return records, pages


def test_crawling_every_list_gives_every_record_and_no_private_contact(client):
    directory()
    for name, model in LISTS.items():
        url = (
            reverse(f"api:{name}-list") + "?page_size=2" + ("&status=all" if name == "seat" else "")
        )
        records, pages = crawl(client, url)
        expected = {
            "region": 9,
            "seat": Seat.objects.held().count(),  # status=all: every held seat
            "person": Person.objects.filter(seats__isnull=False).distinct().count(),
        }.get(name) or model.objects.count()
        assert len(records) == expected, name
        assert len({str(record["id"]) for record in records}) == expected, name
        assert pages == -(-expected // 2)
        text = str(records)
        assert "bea.private@example.org" not in text and "07700 900123" not in text
    people = {p["name"]: p for p in crawl(client, reverse("api:person-list"))[0]}
    assert people["Ann Public"]["email"] == "ann@example.org"
    assert people["Bea Private"]["email"] is None and people["Bea Private"]["phone"] is None


def test_seats_take_the_representatives_lists_filters(client):
    directory()
    query = "?region=north-east&sector=vcs&womens=yes"
    answer = client.get(reverse("api:seat-list") + query).json()
    html = client.get(reverse("partnerships:representative_list") + query)
    listed = SeatFilter({"region": "north-east", "sector": "vcs", "womens": "yes"}).qs
    assert [seat["id"] for seat in answer["results"]] == [seat.pk for seat in listed]
    assert answer["count"] == html.context["page_obj"].paginator.count == 1
    seat = answer["results"][0]
    assert seat["on_behalf_of_name"] == "Hartlepool Women's Aid"
    assert seat["organization_name"] == "Hartlepool Board"
    assert seat["partnership_id"] == "hartlepool-partnership"
    # Current seats by default, as on the site; status=all gives every held seat (a vacancy
    # is never a held seat: term=vacant gives the open ones).
    assert client.get(reverse("api:seat-list")).json()["count"] == Seat.objects.current().count()
    assert client.get(reverse("api:seat-list") + "?status=all").json()["count"] == (
        Seat.objects.held().count()
    )


@pytest.mark.parametrize(
    ("url", "status", "says"),
    [
        ("/api/v1/seats/?region=atlantis", 400, "region"),
        ("/api/v1/seats/?status=sometimes", 400, "status"),
        ("/api/v1/partnerships/?region=%ff", 400, "region"),
        ("/api/v1/seats/?page=9999", 404, "Invalid page"),
        ("/api/v1/seats/?page=zz", 404, "Invalid page"),
        ("/api/v1/partnerships/no-such-partnership/", 404, "No Partnership"),
        ("/api/v1/seats/12345678901234567890/", 404, ""),
        ("/api/v1/areas/E99999999/", 404, ""),
    ],
)
def test_bad_requests_get_a_clear_answer_not_an_error(client, url, status, says):
    directory()
    response = client.get(url)
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert says in response.content.decode()


def test_an_erased_person_never_appears(client):
    directory()
    admin = User.objects.create_superuser("boss", password="pw")
    Erasure(Person.objects.get(name="Bea Private"), admin).remove()
    everything = str(crawl(client, reverse("api:seat-list") + "?status=all")[0])
    everything += str(crawl(client, reverse("api:person-list"))[0])
    assert "Bea Private" not in everything and "bea.private" not in everything


def test_a_client_asking_again_gets_304_until_the_data_changes(client):
    directory()
    url = reverse("api:partnership-list")
    first = client.get(url)
    etag, modified = first["ETag"], first["Last-Modified"]
    assert first["Cache-Control"] == "public, max-age=60"
    assert get(client, url, if_none_match=etag).status_code == 304
    assert get(client, url, if_modified_since=modified).status_code == 304
    assert get(client, url + "?region=north-east", if_none_match=etag).status_code == 200

    PartnershipFactory(name="Darlington Partnership", areas=[area("E06000005")])
    changed = get(client, url, if_none_match=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert changed.json()["count"] == 3


def test_any_site_may_read_the_api_from_a_browser(client):
    response = get(client, reverse("api:region-list"), origin="https://council.example.gov.uk")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response["Access-Control-Expose-Headers"]
    preflight = client.options(
        reverse("api:region-list"),
        headers={"origin": "https://x.example", "access-control-request-method": "GET"},
    )
    assert preflight.status_code == 200
    assert "GET" in preflight["Access-Control-Allow-Methods"]
    assert "POST" not in preflight["Access-Control-Allow-Methods"]
    # The site's own pages are not opened up.
    page = get(client, "/", origin="https://x.example")
    assert "Access-Control-Allow-Origin" not in page


def test_the_api_refuses_to_write(client):
    for method in (client.post, client.put, client.delete):
        assert method(reverse("api:region-list")).status_code == 405


def test_each_client_is_throttled_by_its_trusted_address(client, settings):
    settings.API_RATE = "3/minute"
    url = reverse("api:region-list")
    for _ in range(3):
        assert client.get(url).status_code == 200
    # A forged X-Forwarded-For is not another client: no proxy is trusted by default.
    limited = get(client, url, x_forwarded_for="203.0.113.9")
    assert limited.status_code == 429
    assert 0 < int(limited["Retry-After"]) <= 60
    assert "throttled" in limited.json()["detail"].lower()
    # Another address has its own allowance.
    assert client.get(url, REMOTE_ADDR="198.51.100.7").status_code == 200


def test_behind_a_trusted_proxy_each_client_has_its_own_allowance(client, settings):
    settings.API_RATE = "2/minute"
    settings.TRUSTED_PROXY_HOPS = 1
    url = reverse("api:region-list")
    for _ in range(2):
        assert get(client, url, x_forwarded_for="203.0.113.1").status_code == 200
    assert get(client, url, x_forwarded_for="203.0.113.1").status_code == 429
    assert get(client, url, x_forwarded_for="203.0.113.2").status_code == 200


@pytest.mark.parametrize(
    "name", ["partnership", "body", "seat", "person", "organisation", "network", "document", "area"]
)
def test_each_api_list_runs_the_same_queries_as_data_grows(client, name):
    directory()

    def grow():
        for n in range(6):
            partnership = PartnershipFactory(areas=[area(HARTLEPOOL), area(CAMDEN)])
            board = BoardFactory(partnership=partnership)
            organisation = OrganisationFactory()
            organisation.areas.set([area(HARTLEPOOL)])
            SeatFactory(body=board, organisation=organisation)
            VacancyFactory(body=board)
            NetworkFactory(name=f"Network {n}").areas.set([area(HARTLEPOOL)])
            Document.objects.create(kind="scs", title=f"Strategy {n}", partnership=partnership)

    url = reverse(f"api:{name}-list") + ("?status=all" if name == "seat" else "")
    assert_constant_queries(client, url, grow, most=8)


def test_the_schema_describes_every_list_in_json_and_yaml(client):
    answer = client.get(reverse("api:schema") + "?format=json")
    assert answer.status_code == 200
    schema = answer.json()
    assert schema["openapi"].startswith("3.")
    for name in (
        "regions",
        "areas",
        "partnerships",
        "bodies",
        "seats",
        "people",
        "organisations",
        "networks",
        "documents",
    ):
        assert f"/api/v1/{name}/" in schema["paths"]
    seat_filters = {p["name"] for p in schema["paths"]["/api/v1/seats/"]["get"]["parameters"]}
    assert {"region", "area", "sector", "womens", "status", "page"} <= seat_filters
    assert client.get(reverse("api:schema")).content.startswith(b"openapi: 3")


@pytest.mark.browser
def test_the_documentation_leads_to_a_working_api_call_without_javascript(
    live_server, no_js_page, areas
):
    directory()
    page = no_js_page
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Open data API").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Open data API"
    assert_accessible(page)
    assert_no_horizontal_scroll(page)
    page.set_viewport_size({"width": 1280, "height": 800})
    assert "Popolo" in page.content()
    page.get_by_role("link", name="VCS seats in the North East").click()
    answer = page.evaluate("JSON.parse(document.body.innerText)")
    assert answer["count"] == 2  # Ann's and Bea's: the current VCS seats there
    assert {seat["partnership_id"] for seat in answer["results"]} == {"hartlepool-partnership"}


def test_a_nul_in_an_api_query_is_a_json_400_and_the_site_keeps_its_page(client):
    answer = client.get("/api/v1/seats/?region=%00")
    assert answer.status_code == 400
    assert answer.json() == {"detail": "A NUL character in the query string."}
    page = client.get("/representatives/?region=%00")
    assert page.status_code == 400 and page["Content-Type"].startswith("text/html")
