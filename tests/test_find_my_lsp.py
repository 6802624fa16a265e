"""A women's group types a place, a council, a partnership name or a postcode and lands on
its LSP, or gets a kind message and a way forward."""

from urllib.parse import urlsplit

import pytest

from .browser import assert_accessible
from .cache_backend import stored_values
from .factories import PartnershipFactory, SeatFactory, area
from .querycount import assert_constant_queries, queries_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def lsps():
    return {
        "hartlepool": PartnershipFactory(name="Hartlepool Partnership", areas=[area("E06000001")]),
        "camden": PartnershipFactory(name="One Camden", areas=[area("E09000007")]),
        "st_helens": PartnershipFactory(name="St Helens Together", areas=[area("E08000013")]),
        "westminster": PartnershipFactory(
            name="Westminster City Partnership", areas=[area("E09000033")]
        ),
        "cumberland": PartnershipFactory(
            name="Carlisle & District Partnership", areas=[area("E07000028")]
        ),
        "brighton": PartnershipFactory(
            name="Brighton & Hove Strategic Partnership", areas=[area("E06000043")]
        ),
    }


def lands_on(client, query, partnership):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 302, response.content.decode()[:500]
    # A postcode search carries the postcode along (?postcode=...), for the page to place it.
    assert urlsplit(response["Location"]).path == partnership.get_absolute_url()


@pytest.mark.parametrize(
    "query, key",
    [
        ("Hartlepool", "hartlepool"),
        ("hartlepool", "hartlepool"),
        ("  HARTLEPOOL  ", "hartlepool"),
        ("Hartlepool Borough Council", "hartlepool"),
        ("hartle", "hartlepool"),
        ("One Camden", "camden"),
        ("Camden Council", "camden"),
        ("camden", "camden"),
        ("St. Helens", "st_helens"),
        ("Saint Helens", "st_helens"),
        ("st helens", "st_helens"),
        ("Brighton and Hove", "brighton"),
        ("brighton & hove", "brighton"),
        ("Carlisle and District", "cumberland"),
    ],
)
def test_a_name_lands_on_its_partnership(client, lsps, query, key):
    lands_on(client, query, lsps[key])


@pytest.mark.parametrize("postcode", ["SW1A 1AA", "sw1a1aa", " Sw1a 1aA ", "SW1A  1AA", "sw1a-1aa"])
def test_a_postcode_in_any_common_form_lands_on_its_partnership(client, lsps, postcode):
    lands_on(client, postcode, lsps["westminster"])


def test_a_postcode_in_a_new_area_finds_the_partnership_of_the_area_it_replaced(client, lsps):
    # CA3 8QG is in Carlisle, part of Cumberland (E06000063) since 2023.
    lands_on(client, "CA3 8QG", lsps["cumberland"])


def test_several_matches_are_listed_best_first(client):
    exact = PartnershipFactory(name="Bolton Vision", areas=[area("E08000001")])
    PartnershipFactory(name="Boltonshire Forum", areas=[area("E06000002")])
    response = client.get("/search/", {"q": "Bolton"})
    assert response.status_code == 302
    assert response["Location"] == exact.get_absolute_url()
    response = client.get("/search/", {"q": "bolt"})
    names = [p.name for p in response.context["result"].partnerships]
    assert names == ["Bolton Vision", "Boltonshire Forum"]


@pytest.mark.parametrize(
    "postcode, country",
    [
        ("EH1 1YZ", "Scotland"),
        ("CF10 1EP", "Wales"),
        ("BT1 5GS", "Northern Ireland"),
        ("JE2 4UB", "the Channel Islands"),
    ],
)
def test_a_postcode_outside_england_gets_a_kind_message(client, lsps, postcode, country):
    response = client.get("/search/", {"q": postcode})
    assert response.status_code == 200
    text = response.content.decode()
    assert f"is in {country}" in text
    assert "covers England only" in text


def test_an_unknown_postcode_gets_a_way_forward(client, lsps):
    response = client.get("/search/", {"q": "ZZ9 9ZZ"})
    assert response.status_code == 200
    assert "We could not find the postcode ZZ9 9ZZ" in response.content.decode()
    assert 'name="q"' in response.content.decode()  # the search box, to try again


def test_a_postcode_with_no_council_area_says_why(client, lsps):
    response = client.get("/search/", {"q": "GIR 0AA"})
    assert response.status_code == 200
    assert "PO box or business postcode" in response.content.decode()


def test_half_a_postcode_asks_for_the_whole(client, lsps):
    response = client.get("/search/", {"q": "SW1A"})
    assert "first half of a postcode" in response.content.decode()


def test_an_area_without_a_partnership_says_so_and_links_the_area(client, lsps):
    response = client.get("/search/", {"q": "M1 1AE"})  # Manchester
    text = response.content.decode()
    assert response.status_code == 200
    assert "is in Manchester. No partnership is recorded for Manchester yet." in text
    assert area("E08000003").get_absolute_url() in text


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        "nowhere-at-all",
        "'; DROP TABLE partnerships_area; --",
        "<script>alert(1)</script>",
        "x" * 5000,
        "😀 Hartlepool",
        "%00",
        "\x00",
        "ＳＷ１Ａ　１ＡＡ",
    ],
)
def test_odd_input_never_breaks_search(client, lsps, query):
    response = client.get("/search/", {"q": query})
    # A NUL byte gets the 400 page before the view (lsp_directory/nul_guard.py, if present).
    assert response.status_code in ((200, 302, 400) if "\x00" in query else (200, 302))
    assert b"<script>alert(1)</script>" not in response.content


def test_repeated_parameters_use_the_last_value(client, lsps):
    response = client.get("/search/?q=zzzz&q=Hartlepool")
    assert response.status_code == 302


def test_the_home_page_has_the_search_box_and_regions(client, lsps):
    response = client.get("/")
    text = response.content.decode()
    assert '<label class="label" for="search-q">' in text
    assert "North East" in text and "London" in text


# -- The postcode sentence on the partnership page ---------------------------------------

SENTENCE = "TS24 8AH is in Hartlepool."


def test_a_postcode_search_lands_on_a_page_saying_where_the_postcode_is(client, lsps):
    response = client.get("/search/", {"q": "ts24 8ah"}, follow=True)
    hartlepool = lsps["hartlepool"].get_absolute_url()
    assert response.redirect_chain == [(f"{hartlepool}?postcode=TS24+8AH", 302)]
    assert f"{SENTENCE} This partnership covers it." in response.content.decode()


def test_a_name_search_lands_on_the_page_without_a_sentence(client, lsps):
    response = client.get("/search/", {"q": "Hartlepool"}, follow=True)
    assert response.redirect_chain == [(lsps["hartlepool"].get_absolute_url(), 302)]
    assert " is in Hartlepool." not in response.content.decode()


def test_a_county_partnership_places_a_postcode_in_one_of_its_districts(client):
    # DL1 1AA is in Darlington; a partnership recorded for County Durham does not cover it,
    # one recorded for Darlington does: the page agrees with the search.
    durham = PartnershipFactory(areas=[area("E06000047")])
    darlington = PartnershipFactory(areas=[area("E06000005")])
    assert "DL1 1AA is in" not in page_text(client, durham, "DL1 1AA")
    assert "DL1 1AA is in Darlington." in page_text(client, darlington, "DL1 1AA")


def page_text(client, partnership, postcode):
    url = partnership.get_absolute_url()
    return client.get(url, {"postcode": postcode}).content.decode()


@pytest.mark.parametrize(
    "postcode",
    [
        "SW1A 1AA",  # Westminster: a real postcode in another partnership's area
        "EH1 1YZ",  # Scotland
        "ZZ9 9ZZ",  # shaped like a postcode, never issued
        "GIR 0AA",  # in no council area
        "TS24",  # half a postcode
        "<script>alert(1)</script>",
        "TS24 8AH<b>",
        "x" * 5000,
        "",
    ],
)
@pytest.mark.parametrize("who", ["client", "admin_client"])  # a curator skips the cache
def test_any_other_postcode_on_the_page_says_nothing(request, lsps, postcode, who):
    client = request.getfixturevalue(who)
    response = client.get(lsps["hartlepool"].get_absolute_url(), {"postcode": postcode})
    text = response.content.decode()
    assert response.status_code == 200
    assert " is in " not in text.split("<h1>")[1].split("</dl>")[0]
    assert "<script>alert(1)</script>" not in text and "x" * 100 not in text


def test_the_cache_keeps_a_postcode_page_apart_and_ignores_junk(client, lsps):
    url = lsps["hartlepool"].get_absolute_url()
    assert SENTENCE not in client.get(url).content.decode()  # stored: the plain page
    assert len(stored_values()) == 1
    for junk in ["ZZ9 9ZZ", "nonsense", "EH1 1YZ", "x" * 5000]:
        assert SENTENCE not in client.get(url, {"postcode": junk}).content.decode()
    assert len(stored_values()) == 1  # junk is the plain page, from the cache
    assert SENTENCE in client.get(url, {"postcode": "TS24 8AH"}).content.decode()
    assert SENTENCE in client.get(url, {"postcode": "ts248ah"}).content.decode()
    assert len(stored_values()) == 2  # one page per postcode, however it was typed
    assert SENTENCE not in client.get(url).content.decode()


def test_the_postcode_adds_a_fixed_number_of_queries_to_the_page(client, lsps):
    hartlepool = lsps["hartlepool"]
    url = hartlepool.get_absolute_url()

    def grow():
        for _ in range(5):
            SeatFactory(body__partnership=hartlepool, sector="vcs")

    grow()  # a board with seats, so that both sizes ask the same questions
    plain = queries_for(client, url)
    placed = assert_constant_queries(client, f"{url}?postcode=TS24+8AH", grow)
    assert placed == plain + 2  # the postcode's area, and whether this partnership covers it


@pytest.mark.browser
@pytest.mark.parametrize("fixture", ["page", "no_js_page"])
def test_a_postcode_search_in_the_browser_says_where_the_postcode_is(
    live_server, areas, request, fixture
):
    lsps = request.getfixturevalue("lsps")  # after the areas, which a live server may flush
    page = request.getfixturevalue(fixture)
    page.goto(live_server.url + "/")
    page.get_by_label("Town, council, partnership or postcode").fill("TS24 8AH")
    page.get_by_role("button", name="Search").click()
    assert page.get_by_role("heading", level=1).inner_text() == lsps["hartlepool"].name
    assert SENTENCE in page.locator("main").inner_text()
    assert_accessible(page)
