"""The open-data surface attacked (issues 12 and 13): the API at /api/v1/, its schema and
documentation page, the data package at /data/, /get-involved/ and /gender-equality-schemes/,
the vacancy columns of the seat import and the regional networks of the network import,
tried as the public and as a curator of Hartlepool against Camden's and Newcastle's records.

Each attack that still works is marked xfail, with what to change, in files this module's
author does not own; the rest stand as tests that it keeps failing."""

import datetime
import io
import zipfile
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from curation.imports import file_import
from curation.models import Correction
from curation.services import curator_setup, person_erase
from networks.models import Network
from opendata import datapackage
from partnerships.models import Person, Seat

from .factories import (
    BoardFactory,
    DocumentFactory,
    NetworkFactory,
    OrganisationFactory,
    PartnershipFactory,
    PersonFactory,
    SeatFactory,
    VacancyFactory,
    area,
)
from .test_curator_import import to_csv

pytestmark = pytest.mark.django_db

HARTLEPOOL, CAMDEN, NEWCASTLE = "E06000001", "E09000007", "E08000021"
NORTH_EAST = "E12000001"
PRIVATE_EMAIL, PRIVATE_PHONE = "bea.private@example.org", "07700 900123"
CONSENT_METHOD = "Phoned Bea about the Hartlepool board"
CORRECTION_TEXT = "Bea's home address is 1 Secret Lane"
PRIVATE = [PRIVATE_EMAIL, PRIVATE_PHONE, CONSENT_METHOD, CORRECTION_TEXT, "1 Secret Lane"]
LISTS = ["region", "area", "partnership", "body", "seat", "person", "organisation"]
LISTS += ["network", "document"]


@pytest.fixture(autouse=True)
def fresh_throttle():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def no_throttle(settings):
    settings.API_RATE = "100000/minute"


def directory():
    """Hartlepool's board: a person who did not agree to publish her contact details (with
    her consent recorded as refused), a vacancy, and a report from the public naming her;
    Camden's board with a seat."""
    hartlepool = PartnershipFactory(name="Hartlepool Partnership", areas=[area(HARTLEPOOL)])
    board = BoardFactory(partnership=hartlepool, name="Hartlepool Board")
    private = PersonFactory(
        name="Bea Private",
        email=PRIVATE_EMAIL,
        phone=PRIVATE_PHONE,
        publish_contact=False,
        consent_given_on=datetime.date(2008, 3, 3),
        consent_method=CONSENT_METHOD,
    )
    seat = SeatFactory(body=board, person=private)
    vacancy = VacancyFactory(body=board)
    report = Correction.objects.create(
        record=seat, record_label="Bea Private", message=CORRECTION_TEXT, email=PRIVATE_EMAIL
    )
    report.areas.set([area(HARTLEPOOL)])
    camden = PartnershipFactory(name="Camden Together", areas=[area(CAMDEN)])
    SeatFactory(body=BoardFactory(partnership=camden, name="Camden Board"))
    NetworkFactory(name="Hartlepool CEN")
    council = OrganisationFactory(name="Hartlepool Borough Council", kind="council")
    DocumentFactory(kind="ges", title="Scheme", partnership=None, organisation=council)
    return {"person": private, "seat": seat, "vacancy": vacancy, "board": board}


def assert_nothing_private(text):
    for private in PRIVATE:
        assert private.lower() not in text.lower(), private


@pytest.fixture
def hartlepool_curator():
    return curator_setup(username="hartlepool-cvs", area_codes=[HARTLEPOOL])[0].user


@pytest.fixture
def camden_curator():
    return curator_setup(username="camden-cvs", area_codes=[CAMDEN])[0].user


def clients(*users):
    """The public, then a client signed in as each user."""
    yield Client()
    for user in users:
        client = Client()
        client.force_login(user)
        yield client


# --- Private fields through any parameter -----------------------------------------------------

PROBES = [
    "order=person__email",
    "order=-person__consent_method",
    "ordering=email",
    "ordering=-phone",
    "ordering=consent_given_on",
    "person__email=bea.private@example.org",
    "person__email__startswith=b",
    "email=bea.private@example.org",
    "email__contains=bea",
    "phone__startswith=077",
    "consent_method__icontains=phoned",
    "search=bea.private",
    "q=bea.private@example.org",
    "fields=email,phone,consent_method",
    "expand=person",
    "include=person.email",
    "person=1",
    "status=all&order=name",
]


@pytest.mark.parametrize("name", LISTS)
def test_no_private_field_through_any_list_parameter(name, hartlepool_curator, camden_curator):
    records = directory()
    url = reverse(f"api:{name}-list")
    unfiltered = Client().get(url).json()["count"]
    for client in clients(hartlepool_curator, camden_curator):
        for probe in PROBES:
            response = client.get(f"{url}?{probe}")
            assert response.status_code in (200, 400), (probe, response.status_code)
            assert response["Content-Type"] == "application/json"
            assert_nothing_private(response.content.decode())
            if response.status_code == 200 and "email" in probe and name == "person":
                # A lookup on a private field is no filter: the answer says nothing about it.
                assert response.json()["count"] == unfiltered, probe
    detail = reverse("api:person-detail", args=[records["person"].pk])
    for client in clients(hartlepool_curator):
        for probe in ["", "?fields=email", "?format=json", "?expand=consent"]:
            response = client.get(detail + probe)
            assert response.status_code in (200, 404)
            assert_nothing_private(response.content.decode())


def test_the_schema_docs_and_data_package_name_no_private_field(client, hartlepool_curator):
    directory()
    for client in clients(hartlepool_curator):
        for url in [reverse("api:schema"), reverse("api:schema") + "?format=json"]:
            text = client.get(url).content.decode()
            for field in ["consent_given_on", "consent_method", "curator_note", "client_key"]:
                assert field not in text, (url, field)
            assert "correction" not in text.lower()
        assert_nothing_private(client.get(reverse("api:docs")).content.decode())
        assert_nothing_private(client.get(reverse("data:page")).content.decode())
    response = Client().get(reverse("data:package"))
    package = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    text = "".join(package.read(name).decode() for name in package.namelist())
    assert_nothing_private(text)
    assert "consent" not in text.lower() and "corrections" not in text.lower()


# --- Query strings that might give a 500 ----------------------------------------------------

ODD = [
    "page_size=99999999999999999999999999",
    "page_size=-5",
    "page_size=0",
    "page_size=1e3",
    "page_size=%00",
    "page=-1",
    "page=0",
    "page=99999999999999999999999",
    "page=last",
    "page=%F0%9F%98%80",
    "page=1&page=2&page=3",
    "region=%00",
    "region=%C0%AF",
    "region=north-east&region=london&region=%00",
    "area=%F0%9F%98%80",
    "area=" + "E" * 5000,
    "partnership=%ff%fe",
    "q=%00",
    "q=" + "a" * 10000,
    "q=%E2%80%AE%F0%9F%98%80",
    "status=all&status=past&status=nonsense",
    "term=vacant&term=ending&term=%00",
    "order=name&order=-name&order=person__email",
    "order=" + ",".join(["name"] * 500),
    "kind=%0d%0aSet-Cookie:%20x=1",
    "format=api",
    "format=xml",
    "cursor=%00",
    "%00=%00",
    "a" * 3000 + "=1",
]


@pytest.mark.parametrize("name", LISTS)
def test_odd_query_strings_are_answered_in_json_never_a_500(client, name):
    directory()
    url = reverse(f"api:{name}-list")
    for query in ODD:
        response = client.get(f"{url}?{query}")
        assert response.status_code in (200, 400, 404), (query, response.status_code)
        assert response["Content-Type"] == "application/json", query
        assert "Set-Cookie" not in response.headers or "x=1" not in response["Set-Cookie"]
        if response.status_code == 200 and "page_size" in query:
            assert len(response.json()["results"]) <= 1000


@pytest.mark.parametrize("name", ["person", "seat", "partnership", "body"])
def test_odd_ids_are_a_json_404(client, name):
    for odd in ["-1", "0", "1e5", "99999999999999999999999", "%F0%9F%98%80", "%2e%2e", "a" * 500]:
        response = client.get(reverse(f"api:{name}-list") + odd + "/")
        assert response.status_code == 404, odd
        assert response["Content-Type"] == "application/json"


@pytest.mark.parametrize("path", ["/get-involved/", "/gender-equality-schemes/", "/data/"])
def test_odd_query_strings_on_the_open_data_pages_are_never_a_500(client, path):
    directory()
    for query in ODD:
        assert client.get(f"{path}?{query}").status_code in (200, 400, 404), query


# --- Throttle ------------------------------------------------------------------------------

FORGED = {
    "x_forwarded_for": "203.0.113.9",
    "x_real_ip": "203.0.113.10",
    "forwarded": "for=203.0.113.11",
    "client_ip": "203.0.113.12",
    "true_client_ip": "203.0.113.13",
    "cf_connecting_ip": "203.0.113.14",
    "x_cluster_client_ip": "203.0.113.15",
}


def test_no_forged_address_header_buys_another_allowance(client, settings):
    settings.API_RATE = "2/minute"
    url = reverse("api:region-list")
    for _ in range(2):
        assert client.get(url).status_code == 200
    for header, value in FORGED.items():
        assert client.get(url, headers={header: value}).status_code == 429, header
    assert client.get(url, headers=FORGED).status_code == 429
    # Nor a different list, a detail, the schema's neighbour or an odd spelling of the path.
    for other in [reverse("api:seat-list"), reverse("api:region-list") + "?page=1"]:
        assert client.get(other).status_code == 429, other
    assert client.get("/API/v1/regions/").status_code in (404, 429)
    assert client.get("/api/v1//regions/").status_code in (404, 429)


def test_the_schema_is_throttled_like_the_rest_of_the_api(client, settings):
    settings.API_RATE = "2/minute"
    for _ in range(2):
        assert client.get(reverse("api:region-list")).status_code == 200
    assert client.get(reverse("api:schema")).status_code == 429


# --- Conditional requests --------------------------------------------------------------------

CONDITIONS = [
    {"if_none_match": "*"},
    {"if_none_match": ", ".join(['"a"'] * 3000)},
    {"if_none_match": 'W/"x", "unterminated'},
    {"if_modified_since": "garbage"},
    {"if_modified_since": "Sun, 06 Nov 99999 08:49:37 GMT"},
    {"if_modified_since": "Sun, 06 Nov 1994 08:49:37 GMT"},
    {"if_modified_since": "Sun, 06 Nov 2094 08:49:37 GMT"},
    {"if_unmodified_since": "garbage"},
    {"if_match": "*"},
    {"if_range": '"x"', "range": "bytes=0-10"},
    {"if_none_match": "\x00"},
]


def test_conditional_headers_never_give_a_500(client):
    directory()
    for url in [reverse("api:seat-list"), reverse("api:region-detail", args=["london"])]:
        for headers in CONDITIONS:
            response = client.get(url, headers=headers)
            assert response.status_code in (200, 304, 412), (headers, response.status_code)


@pytest.mark.parametrize(
    "headers",
    [
        {"if_none_match": "*"},
        {"if_modified_since": "Sun, 06 Nov 2094 08:49:37 GMT"},
        {"if_match": '"nope"'},
    ],
    ids=["if-none-match-star", "if-modified-since-future", "if-match"],
)
def test_a_missing_record_or_refused_filter_is_not_answered_not_modified(client, headers):
    directory()
    missing = reverse("api:person-detail", args=[99999999])
    assert client.get(missing, headers=headers).status_code == 404
    refused = reverse("api:seat-list") + "?region=nowhere"
    assert client.get(refused, headers=headers).status_code == 400
    past_the_end = reverse("api:seat-list") + "?page=999"
    assert client.get(past_the_end, headers=headers).status_code == 404


# --- how_to_apply shown with urlize ------------------------------------------------------------

HOSTILE_HOW_TO_APPLY = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(document.cookie)//example.org",
    "javascript://example.com/%0aalert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
    '<script>alert(1)</script> <img src=x onerror=alert(1)> "><a href="javascript:x">',
    'https://apply.example.org/" onmouseover="alert(1)',
]


@pytest.mark.parametrize("text", HOSTILE_HOW_TO_APPLY)
def test_a_hostile_how_to_apply_is_shown_as_text_or_an_http_link(client, text):
    board = BoardFactory(
        partnership=PartnershipFactory(name="Hartlepool Partnership", areas=[area(HARTLEPOOL)])
    )
    VacancyFactory(body=board, how_to_apply=text)
    api = client.get(reverse("api:seat-list") + "?term=vacant")
    assert api["Content-Type"] == "application/json"  # JSON: the text as it was typed
    assert api["X-Content-Type-Options"] == "nosniff"
    assert api.json()["results"][0]["how_to_apply"] == text
    listed = reverse("partnerships:representative_list") + "?term=vacant"
    for page in ["/get-involved/", board.partnership.get_absolute_url(), listed]:
        html = client.get(page).content.decode()
        lowered = html.lower().replace(" ", "")
        for scheme in ("javascript:", "data:", "vbscript:"):
            assert f'href="{scheme}' not in lowered, (page, scheme)
            assert f"href='{scheme}" not in lowered, (page, scheme)
        assert escape(text)[:10] in html, page  # shown, as text
        assert "<script>alert" not in html and "<img src=x" not in html
        assert 'onmouseover="alert' not in html


# --- Vacancies through the import -------------------------------------------------------------

SEAT = {
    "area_code": HARTLEPOOL,
    "partnership": "Hartlepool Partnership",
    "body": "Hartlepool Board",
    "body_kind": "board",
    "theme": "",
    "person": "",
    "role": "VCS representative",
    "sector": "vcs",
    "organisation": "",
    "organisation_is_womens": "",
    "email": "",
    "phone": "",
    "publish_contact": "",
    "selection": "elected",
    "start_date": "",
    "end_date": "",
    "selection_closes": "2099-01-31",
    "how_to_apply": "Ask the CVS",
}


def seat_import(user, *rows):
    return file_import(kind="seats", data=to_csv(list(rows)), filename="s.csv", user=user,
                       dry_run=False)  # fmt: skip


def seats_as_they_are():
    return sorted(
        Seat.objects.values_list(
            "pk", "body_id", "person_id", "vacant", "selection_closes", "how_to_apply", "role"
        )
    )


@pytest.fixture
def camden_board():
    camden = PartnershipFactory(name="Camden Together", areas=[area(CAMDEN)])
    return BoardFactory(partnership=camden, name="Camden Board")


def test_a_vacancy_cannot_be_put_on_another_areas_board(hartlepool_curator, camden_board):
    before = seats_as_they_are()
    rows = [
        {**SEAT, "area_code": CAMDEN, "partnership": "Camden Together", "body": "Camden Board"},
        {**SEAT, "partnership": "Camden Together", "body": "Camden Board"},  # named, our code
    ]
    result = seat_import(hartlepool_curator, rows[0])
    assert [p.column for p in result.problems] == ["area_code"]
    assert seats_as_they_are() == before
    # Camden's name with Hartlepool's code is another partnership: a new one, in Hartlepool.
    result = seat_import(hartlepool_curator, rows[1])
    assert not result.problems and result.written
    assert not camden_board.seats.exists()
    new = Seat.objects.get(vacant=True)
    assert list(new.body.partnership.areas.all()) == [area(HARTLEPOOL)]
    assert new.body != camden_board


def test_another_areas_vacancy_cannot_be_taken_over_by_an_empty_person_row(
    hartlepool_curator, camden_board
):
    theirs = VacancyFactory(body=camden_board, role="VCS representative", start_date=None)
    before = seats_as_they_are()
    row = {**SEAT, "area_code": CAMDEN, "partnership": "Camden Together", "body": "Camden Board"}
    for changes in [{"how_to_apply": "javascript:alert(1)"}, {"selection_closes": "2000-01-01"}]:
        result = seat_import(hartlepool_curator, {**row, **changes})
        assert result.problems and not result.written
    assert seats_as_they_are() == before
    theirs.refresh_from_db()
    assert theirs.how_to_apply.startswith("Ask Hartlepool")  # the factory's, untouched


def test_another_areas_erased_holders_seat_cannot_be_taken_over(hartlepool_curator, camden_board):
    held = SeatFactory(body=camden_board, person=None, role="VCS representative", start_date=None)
    before = seats_as_they_are()
    row = {**SEAT, "area_code": CAMDEN, "partnership": "Camden Together", "body": "Camden Board"}
    result = seat_import(hartlepool_curator, {**row, "selection_closes": "", "how_to_apply": ""})
    assert result.problems and not result.written
    assert seats_as_they_are() == before
    held.refresh_from_db()
    assert not held.vacant


def test_a_vacancy_row_cannot_name_a_person_of_another_area(hartlepool_curator, camden_board):
    """The contact columns of an empty-person row are refused, so a vacancy row cannot carry
    anyone's email or phone (vacancy_checks)."""
    before = seats_as_they_are()
    result = seat_import(hartlepool_curator, {**SEAT, "email": PRIVATE_EMAIL})
    assert [p.column for p in result.problems] == ["email"]
    assert seats_as_they_are() == before


def test_an_empty_person_row_does_not_give_an_erased_holders_seat_a_way_to_apply(
    hartlepool_curator,
):
    board = BoardFactory(
        partnership=PartnershipFactory(name="Hartlepool Partnership", areas=[area(HARTLEPOOL)]),
        name="Hartlepool Board",
    )
    held = SeatFactory(body=board, person=None, role="VCS representative", start_date=None)
    seat_import(hartlepool_curator, SEAT)
    held.refresh_from_db()
    assert not held.vacant
    held.full_clean()  # a held seat with no closing date and no way to apply


# --- Networks for a whole region ------------------------------------------------------------

NETWORK = {
    "name": "North East Women's Network",
    "kind": "womens_network",
    "area_code": NORTH_EAST,
    "status": "active",
    "funding": "funded",
    "checked_on": "2008-06-01",
    "website": "https://ne-women.example.org/",
    "email": "",
}


def network_import(user, *rows):
    return file_import(kind="networks", data=to_csv(list(rows)), filename="n.csv", user=user,
                       dry_run=False)  # fmt: skip


def test_a_curator_of_part_of_a_region_cannot_import_a_network_for_the_whole_region(
    hartlepool_curator,
):
    result = network_import(hartlepool_curator, NETWORK)
    assert [p.column for p in result.problems] == ["area_code"]
    assert "needs a curator of every area in it" in str(result.problems[0])
    assert not Network.objects.exists()


def test_a_curator_of_part_of_a_region_cannot_change_its_regional_network(hartlepool_curator):
    from partnerships.models import Region

    existing = NetworkFactory(name=NETWORK["name"], kind="womens_network", region=None)
    existing.areas.clear()
    Network.objects.filter(pk=existing.pk).update(region=Region.objects.get(code=NORTH_EAST))
    regional = Network.objects.filter(pk=existing.pk)
    before = list(regional.values_list("pk", "status", "funding", "website", "region"))
    for row in [NETWORK, {**NETWORK, "funding": "lost", "status": "ceased"}]:
        result = network_import(hartlepool_curator, row)
        assert result.problems and not result.written, row
    # The same name for Hartlepool alone is another network, of Hartlepool.
    result = network_import(hartlepool_curator, {**NETWORK, "area_code": HARTLEPOOL})
    assert result.written
    assert list(regional.values_list("pk", "status", "funding", "website", "region")) == before
    assert not regional.get().areas.exists()


def test_a_curator_of_the_whole_region_may(client):
    user = curator_setup(username="north-east", region_slugs=["north-east"])[0].user
    result = network_import(user, NETWORK)
    assert not result.problems, [str(p) for p in result.problems]
    assert Network.objects.get().region.code == NORTH_EAST


# --- Erasure leaves the name nowhere in the open data -------------------------------------------


def api_texts(client, person_pk, seat_pk):
    urls = [reverse(f"api:{name}-list") + "?page_size=1000&status=all" for name in LISTS] + [
        reverse("api:seat-list") + "?term=vacant",
        reverse("api:seat-detail", args=[seat_pk]),
        reverse("api:person-detail", args=[person_pk]),
        reverse("api:seat-list") + "?order=name&status=all",
    ]
    return [client.get(url).content.decode() for url in urls]


def test_an_erased_persons_name_is_in_no_api_answer_and_no_package_on_disk(
    client, hartlepool_curator, data_packages_apart
):
    records = directory()
    person, seat = records["person"], records["seat"]
    assert any("Bea Private" in text for text in api_texts(client, person.pk, seat.pk))
    assert client.get(reverse("data:package")).status_code == 200
    person_erase(person=Person.objects.get(pk=person.pk), user=hartlepool_curator)
    for text in api_texts(client, person.pk, seat.pk):
        assert "Bea Private" not in text and "bea.private" not in text
    # Conditional requests do not keep the old answer: the validators changed.
    response = client.get(reverse("api:seat-detail", args=[seat.pk]))
    assert response.json()["person_id"] is None
    client.get(reverse("data:package"))
    for path in Path(data_packages_apart).iterdir():
        assert b"bea private" not in package_bytes(path).lower(), path


def package_bytes(path):
    try:
        with zipfile.ZipFile(path) as package:
            return b"".join(package.read(name) for name in package.namelist())
    except zipfile.BadZipFile:
        return path.read_bytes()


def test_an_erasure_during_a_package_build_leaves_no_package_naming_them(
    client, hartlepool_curator, data_packages_apart, monkeypatch, django_capture_on_commit_callbacks
):
    """The erasure commits while a download is writing the package from the data before
    it: that package is thrown away and written again, and the download gets the new one."""
    records = directory()
    write = datapackage.write
    writes = []

    def erased_while_writing(target):
        write(target)  # the rows read before the erasure: they name the person
        if not writes:
            with django_capture_on_commit_callbacks(execute=True):
                person_erase(
                    person=Person.objects.get(pk=records["person"].pk), user=hartlepool_curator
                )
        writes.append(target)

    monkeypatch.setattr(datapackage, "write", erased_while_writing)
    response = client.get(reverse("data:package"))
    assert response.status_code == 200
    assert len(writes) == 2
    assert b"bea private" not in b"".join(response.streaming_content).lower()
    for path in Path(data_packages_apart).iterdir():
        assert b"bea private" not in package_bytes(path).lower(), path


def test_an_erased_persons_contact_in_a_vacancys_how_to_apply_is_struck(client, hartlepool_curator):
    records = directory()
    vacancy = records["vacancy"]
    vacancy.how_to_apply = f"Ask Bea Private, {PRIVATE_EMAIL}, {PRIVATE_PHONE}"
    vacancy.save()
    person_erase(person=Person.objects.get(pk=records["person"].pk), user=hartlepool_curator)
    texts = api_texts(client, records["person"].pk, records["seat"].pk)
    texts.append(client.get("/get-involved/").content.decode())
    texts.append(package_bytes(datapackage.current()).decode())
    texts.append(
        " ".join(Seat.history.filter(id=vacancy.pk).values_list("how_to_apply", flat=True))
    )
    for text in texts:
        for trace in ("Bea Private", PRIVATE_EMAIL, PRIVATE_PHONE):
            assert trace not in text


@pytest.mark.parametrize(
    "text",
    ['=HYPERLINK("https://evil.example/","Apply")', "+1+cmd|' /C calc'!A0", "@SUM(1+1)", "-2+3"],
)
def test_a_formula_in_how_to_apply_is_not_a_formula_in_the_data_package(client, text):
    VacancyFactory(how_to_apply=text)
    response = client.get(reverse("data:package"))
    package = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    seats = package.read("seats.csv").decode()
    assert f"'{text}" in seats or f"\"'{text}" in seats.replace('""', '"')
    for line in seats.splitlines()[1:]:
        for cell in line.split(","):
            assert not cell.startswith(("=", "+", "@")), cell


def test_a_person_with_no_seat_yet_is_not_in_the_api(client):
    """A curator adds a person before their seat: until then nothing public names them."""
    seatless = PersonFactory(name="Cat Seatless", email="cat@example.org", publish_contact=True)
    directory()
    assert client.get(reverse("api:person-detail", args=[seatless.pk])).status_code == 404
    listed = client.get(reverse("api:person-list") + "?page_size=1000").content.decode()
    assert "Cat Seatless" not in listed
    response = client.get(reverse("data:package"))
    package = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert b"Cat Seatless" not in b"".join(package.read(n) for n in package.namelist())


def test_a_curator_of_part_of_a_region_cannot_give_a_network_the_region_in_the_admin(
    client, hartlepool_curator
):
    from partnerships.models import Region

    client.force_login(hartlepool_curator)
    ours = NetworkFactory(name="Hartlepool CEN")
    ours.areas.set([area(HARTLEPOOL)])
    north_east = Region.objects.get(code=NORTH_EAST)
    data = {
        "name": "Hartlepool CEN",
        "slug": ours.slug,
        "kind": "cen",
        "region": north_east.pk,
        "status": "active",
        "funding": "funded",
    }
    url = reverse("admin:networks_network_change", args=[ours.pk])
    response = client.post(url, data)
    assert response.status_code == 200  # the form again
    assert "region" in response.context["adminform"].form.errors
    ours.refresh_from_db()
    assert ours.region is None
    response = client.post(reverse("admin:networks_network_add"), {**data, "slug": "ne-net"})
    assert response.status_code == 200
    assert not Network.objects.filter(region=north_east).exists()
