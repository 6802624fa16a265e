"""A user who mistypes a name, types a name several places share, a region's name or a
postcode still gets somewhere: the ranking rule in partnerships/search.py, as a table of
queries and the first answer each gets, on SQLite and on PostgreSQL alike."""

import itertools
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from partnerships.models import Area, Place, Region
from partnerships.search import edits, similarity

from .factories import PartnershipFactory, area
from .querycount import assert_constant_queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def lsps():
    return {
        "Hartlepool Partnership": PartnershipFactory(
            name="Hartlepool Partnership", areas=[area("E06000001")]
        ),
        "Newcastle Partnership": PartnershipFactory(
            name="Newcastle Partnership", areas=[area("E08000021")]
        ),
        "One Camden": PartnershipFactory(name="One Camden", areas=[area("E09000007")]),
        "Sunderland Partnership": PartnershipFactory(
            name="Sunderland Partnership", areas=[area("E08000024")]
        ),
        "Brighton & Hove Strategic Partnership": PartnershipFactory(
            name="Brighton & Hove Strategic Partnership", areas=[area("E06000043")]
        ),
    }


def first_answer(client, query):
    """What the user meets first: ("lands", name) when sent straight to a partnership or a
    region; otherwise ("suggests", name) for "Did you mean", ("offers", council) for a
    choice, or ("lists", partnership) for a list."""
    response = client.get("/search/", {"q": query})
    if response.status_code == 302:
        location = urlsplit(response["Location"]).path  # less a searched ?postcode=
        for region in Region.objects.all():
            if location == region.get_absolute_url():
                return "lands", region.name
        slug = location.rstrip("/").rsplit("/", 1)[-1]
        assert location == reverse("partnerships:partnership", args=[slug]), location
        return "lands", _partnership_name(slug)
    assert response.status_code == 200
    result = response.context["result"]
    if result.suggestions:
        return "suggests", result.suggestions[0]
    if result.choices:
        return "offers", result.choices[0].name
    return "lists", result.partnerships[0].name if result.partnerships else None


def _partnership_name(slug):
    from partnerships.models import Partnership

    return Partnership.objects.get(slug=slug).name


RANKING = [
    # Exact names still land where they did.
    ("Hartlepool", ("lands", "Hartlepool Partnership")),
    ("One Camden", ("lands", "One Camden")),
    ("Newcastle upon Tyne", ("lands", "Newcastle Partnership")),
    # One-letter slips: a letter missing, doubled, swapped or wrong.
    ("Hartlepol", ("suggests", "Hartlepool")),
    ("hartlepoool", ("suggests", "Hartlepool")),
    ("Hartelpool", ("suggests", "Hartlepool")),
    ("manchster", ("suggests", "Manchester")),
    ("Manchestr", ("suggests", "Manchester")),
    ("Sunderlnd", ("suggests", "Sunderland")),
    ("Brigton and Hove", ("suggests", "Brighton and Hove")),
    ("Scuntorpe", ("suggests", "Scunthorpe")),
    ("Londn", ("suggests", "London")),
    ("Brimingham", ("suggests", "Birmingham")),  # two letters swapped
    ("Newcastel", ("suggests", "Newcastle")),
    # A region's own name leads to the region, not to a town that starts with it.
    ("London", ("lands", "London")),
    ("north east", ("lands", "North East")),
    ("North-West", ("lands", "North West")),
    # A name several councils share offers the choice.
    ("Newcastle", ("offers", "Newcastle upon Tyne")),
    # A postcode goes to the one partnership of its area.
    ("TS24 8AH", ("lands", "Hartlepool Partnership")),
]


@pytest.mark.parametrize("query, expected", RANKING, ids=[q for q, _ in RANKING])
def test_the_ranking_rule_gives_each_query_its_first_answer(client, lsps, query, expected):
    assert first_answer(client, query) == expected


def test_a_typo_says_so_and_shows_the_results_for_the_name_meant(client, lsps):
    response = client.get("/search/", {"q": "Hartlepol"})
    text = response.content.decode()
    assert "We found nothing called “Hartlepol”. Showing results for Hartlepool." in text
    assert 'Did you mean <a href="/search/?q=Hartlepool">Hartlepool</a>' in text
    assert lsps["Hartlepool Partnership"].get_absolute_url() in text


def test_a_typo_for_a_council_with_no_partnership_links_its_area(client, lsps):
    response = client.get("/search/", {"q": "manchster"})
    text = response.content.decode()
    assert "Did you mean" in text and ">Manchester</a>" in text
    assert "Showing results for Manchester." in text
    assert area("E08000003").get_absolute_url() in text


def test_gibberish_still_finds_nothing_and_says_so(client, lsps):
    response = client.get("/search/", {"q": "qqxzv"})
    result = response.context["result"]
    assert result.suggestions == [] and result.problem == "no_match"
    assert "We found no partnership, council or place called" in response.content.decode()


def test_newcastle_offers_both_councils_instead_of_jumping(client, lsps):
    response = client.get("/search/", {"q": "Newcastle"})
    assert response.status_code == 200
    text = response.content.decode()
    assert "Which council do you mean?" in text
    for code in ("E08000021", "E07000195"):  # upon Tyne, under-Lyme
        assert text.count(f'href="{area(code).get_absolute_url()}"') == 1  # offered once
    assert lsps["Newcastle Partnership"].get_absolute_url() in text


def test_the_choice_is_offered_where_neither_council_has_a_partnership(client):
    response = client.get("/search/", {"q": "Newcastle"})
    result = response.context["result"]
    assert [a.gss_code for a in result.choices] == ["E08000021", "E07000195"]
    assert result.suggestions == []  # a real name, not a typo
    assert "Choose the one you mean." in response.content.decode()


def test_london_leads_to_the_london_region(client, lsps):
    response = client.get("/search/", {"q": "London"})
    assert response.status_code == 302
    assert response["Location"] == Region.objects.get(name="London").get_absolute_url()


def test_a_postcode_with_several_partnerships_says_where_it_is(client, lsps):
    PartnershipFactory(name="Hartlepool Voluntary Forum", areas=[area("E06000001")])
    response = client.get("/search/", {"q": "TS24 8AH"})
    assert response.status_code == 200
    text = response.content.decode()
    assert "TS24 8AH is in Hartlepool." in text
    assert lsps["Hartlepool Partnership"].get_absolute_url() in text


@pytest.mark.parametrize(
    "a, b, letters",
    [("brimingham", "birmingham", 1), ("hartlepol", "hartlepool", 1), ("abc", "", 3), ("", "", 0)],
)
def test_edits_counts_letters_to_change(a, b, letters):
    assert edits(a, b) == letters


@pytest.mark.parametrize(
    "a, b, alike",
    [("hartlepol", "hartlepool", 0.75), ("abc", "abc", 1.0), ("abc", "xyz", 0.0), ("", "x", 0)],
)
def test_similarity_is_pg_trgms(a, b, alike):
    assert similarity(a, b) == pytest.approx(alike)


def test_postgresql_finds_typos_from_a_gin_trigram_index_on_each_search_name():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("SQLite matches typos in Python; it has no GIN index")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename, indexdef FROM pg_indexes WHERE indexdef LIKE '%%gin_trgm_ops%%'"
        )
        indexed = {table: definition for table, definition in cursor.fetchall()}
    for table in ("partnerships_area", "partnerships_place", "partnerships_partnership"):
        assert "USING gin (search_name gin_trgm_ops)" in indexed[table]


@pytest.mark.parametrize("query", ["Hartlepol", "Newcastle", "M1 1AE", "manchster", "Scuntorpe"])
def test_search_queries_stay_constant_as_data_grows(client, lsps, query):
    url = f"/search/?q={query}"
    others = Area.objects.filter(is_current=True).exclude(gss_code="E06000001")
    grown = itertools.count()

    def grow():
        for other in others[:12]:
            n = next(grown)
            Place.objects.create(name=f"Hartlepoolton {n}", area=other, source=f"test:{n}")
            PartnershipFactory.create_batch(2, areas=[other])
        PartnershipFactory.create_batch(5, areas=[area("E06000001")])
        PartnershipFactory.create_batch(5, areas=[area("E08000021")])

    assert_constant_queries(client, url, grow, most=12)


# Browser: accessibility at 1280 and 360 px, no sideways scroll, no JavaScript -----------

BROWSER_QUERIES = ["Hartlepol", "Newcastle", "M1 1AE", "qqxzv"]


@pytest.fixture
def browser_lsps(transactional_db, areas):
    PartnershipFactory(name="Hartlepool Partnership", areas=[area("E06000001")])
    PartnershipFactory(name="Newcastle Partnership", areas=[area("E08000021")])


@pytest.mark.browser
@pytest.mark.parametrize("query", BROWSER_QUERIES)
def test_search_answers_pass_axe_at_1280_and_360_px(
    live_server, page, phone_page, browser_lsps, query
):
    from urllib.parse import urlencode

    from tests.browser import assert_accessible, assert_no_horizontal_scroll

    for tab in (page, phone_page):
        response = tab.goto(f"{live_server.url}/search/?{urlencode({'q': query})}")
        assert response.status == 200
        assert_accessible(tab)
    assert_no_horizontal_scroll(phone_page)


@pytest.mark.browser
def test_did_you_mean_and_the_choice_work_without_javascript(live_server, no_js_page, browser_lsps):
    no_js_page.goto(f"{live_server.url}/search/?q=Hartlepol")
    no_js_page.get_by_role("link", name="Hartlepool", exact=True).first.click()
    assert no_js_page.url.endswith("/partnerships/hartlepool-partnership/")
    no_js_page.goto(f"{live_server.url}/search/?q=Newcastle")
    no_js_page.get_by_role("link", name="Newcastle-under-Lyme", exact=True).first.click()
    assert "/areas/" in no_js_page.url
