"""A policy officer can trust the figures (issue 11, "Figures people can trust"): quoted
research is cited; each figure says how fresh its records are; a region's count equals the
list its link opens, partnerships spanning two regions included; a sentence rounds all its
figures one way; lists and their files say which filters made them; former areas are told
apart from current ones."""

import datetime
import html
import re
from collections import Counter

import pytest

from networks.choices import Funding, NetworkKind
from partnerships.report import Freshness, Share, sentence_places

from .factories import (
    BoardFactory,
    NetworkFactory,
    OrganisationFactory,
    PartnershipFactory,
    SeatFactory,
    area,
)
from .querycount import assert_constant_queries

pytestmark = pytest.mark.django_db

PAGE = "/representation/"
JSON = "/representation.json"
HARTLEPOOL, DARLINGTON, BARNET, CAMDEN = "E06000001", "E06000005", "E09000003", "E09000007"
PAST = datetime.date(2009, 1, 1)


def text_of(markup):
    markup = re.sub(r"</?(a|strong|span|em|b)\b[^>]*>", "", markup)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def get(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response


def figures(client, query=""):
    return get(client, JSON + query).json()


def by_slug(rows, slug):
    return next(row for row in rows if row["slug"] == slug)


def seats_listed(client, link):
    """The number of seats the representatives list says it shows."""
    status = re.search(r'<p role="status">([\d,]+) seats?</p>', get(client, link).content.decode())
    return int(status.group(1).replace(",", ""))


# Sources --------------------------------------------------------------------------------


def paragraph_with(markup, words):
    return next(p for p in re.findall(r"<p\b.*?</p>", markup, re.S) if words in p)


def test_each_quoted_research_figure_cites_its_source(client):
    markup = get(client, PAGE).content.decode()
    lead = paragraph_with(markup, "1.8%")
    assert "7%" in lead
    assert '<a href="#source-where-are-women">' in lead
    assert "Oxfam, Urban Forum and Women's Resource Centre, 2007" in html.unescape(lead)
    survey = paragraph_with(markup, "18% had lost their funding")
    assert "79 CENs" in survey and "22%" in survey
    assert '<a href="#source-cen-survey">Urban Forum, 2008</a>' in survey
    # The full citations, at the foot, where the links go.
    sources = text_of(markup.split('id="sources-heading"')[1])
    assert "Oxfam, Urban Forum and Women's Resource Centre (2007). Where are women in LSPs?" in (
        sources
    )
    assert "Urban Forum (2008). Survey of 79 Community Empowerment Networks." in sources
    assert 'id="source-where-are-women"' in markup and 'id="source-cen-survey"' in markup
    # The CEN survey is quoted even when no CEN is recorded (the figures below say so).
    assert "No CEN is recorded" in text_of(markup)


def test_the_networks_list_cites_the_cen_survey_it_draws_on(client):
    markup = get(client, "/networks/").content.decode()
    lead = paragraph_with(markup, "lost all or part of their funding")
    assert '<a href="/representation/#source-cen-survey">Urban Forum, 2008</a>' in lead
    report = get(client, "/representation/").content.decode()
    assert 'id="source-cen-survey"' in report


# Freshness ------------------------------------------------------------------------------


def test_the_median_is_the_lower_median_of_the_verified_dates():
    d = datetime.date
    assert Freshness.of({}) == Freshness(None, None, 0, 0)
    assert Freshness.of({None: 2}) == Freshness(None, None, 0, 2)
    assert Freshness.of({d(2025, 1, 1): 1}).median == d(2025, 1, 1)
    # Three dates: the second. Four: the second, not a date between the two middle ones.
    three = {d(2025, 1, 1): 1, d(2025, 6, 1): 1, d(2026, 1, 1): 1}
    assert Freshness.of(three).median == d(2025, 6, 1)
    four = {d(2025, 1, 1): 1, d(2025, 6, 1): 1, d(2026, 1, 1): 1, d(2026, 6, 1): 1}
    assert Freshness.of(four).median == d(2025, 6, 1)
    # Counts weigh: 1 seat on the oldest date, 3 on the newest.
    weighted = Freshness.of(Counter({d(2020, 1, 1): 1, d(2026, 1, 1): 3, None: 5}))
    assert weighted == Freshness(d(2020, 1, 1), d(2026, 1, 1), 4, 5)


@pytest.fixture
def verified():
    """VCS seats verified on dates worked by hand below.

    Hartlepool (North East): 2025-01-10, 2025-03-01, 2025-03-01, 2026-06-30, one never.
    Barnet (London): 2026-01-01, 2026-02-01, 2026-03-01, 2026-04-01.
    Not counted: a past seat and a police seat, each verified in 2000."""
    d = datetime.date
    hartlepool = BoardFactory(
        partnership=PartnershipFactory(name="Hartlepool Partnership", areas=[area(HARTLEPOOL)])
    )
    for day in [d(2025, 1, 10), d(2025, 3, 1), d(2025, 3, 1), d(2026, 6, 30), None]:
        SeatFactory(body=hartlepool, last_verified_on=day)
    SeatFactory(body=hartlepool, last_verified_on=d(2000, 1, 1), end_date=PAST)
    SeatFactory(body=hartlepool, last_verified_on=d(2000, 1, 1), sector="police")
    barnet = BoardFactory(
        partnership=PartnershipFactory(name="Barnet Partnership", areas=[area(BARNET)])
    )
    for month in [1, 2, 3, 4]:
        SeatFactory(body=barnet, last_verified_on=d(2026, month, 1))


def test_each_figure_says_how_fresh_its_seats_are(client, verified):
    data = figures(client)
    assert data["nation"]["seats_last_verified"] == {
        # Eight verified: the fourth of them.
        "oldest": "2025-01-10",
        "median": "2026-01-01",
        "verified": 8,
        "never_verified": 1,
    }
    north_east = by_slug(data["regions"], "north-east")["seats_last_verified"]
    assert (north_east["oldest"], north_east["median"]) == ("2025-01-10", "2025-03-01")
    london = by_slug(data["regions"], "london")["seats_last_verified"]
    assert (london["oldest"], london["median"], london["never_verified"]) == (
        "2026-01-01",
        "2026-02-01",
        0,
    )
    assert by_slug(data["regions"], "south-west")["seats_last_verified"]["median"] is None
    barnet = by_slug(data["partnerships"], "barnet-partnership")["seats_last_verified"]
    assert barnet["median"] == "2026-02-01"
    text = text_of(get(client, PAGE).content.decode())
    assert (
        "VCS seats 9 current on {today} Seats last verified Oldest 10 January 2025, "
        "median 1 January 2026; 1 never verified".format(today=f"{datetime.date.today():%-d %B %Y}")
        in text
    )
    north_east_row = text.split("North East 5 ")[1]
    assert north_east_row.split(" points ")[1].startswith(
        "Oldest 10 January 2025, median 1 March 2025; 1 never verified"
    )
    text = text_of(get(client, PAGE + "?region=london").content.decode())
    assert "Oldest 1 January 2026, median 1 February 2026" in text
    # Past seats have their own dates.
    past = figures(client, "?status=past")["nation"]["seats_last_verified"]
    assert (past["oldest"], past["median"], past["verified"]) == ("2000-01-01", "2000-01-01", 1)


def test_organisation_figures_say_how_fresh_their_records_are(client):
    d = datetime.date
    for day in [d(2024, 1, 1), d(2024, 6, 1), None]:
        OrganisationFactory(last_verified_on=day).areas.set([area(HARTLEPOOL)])
    OrganisationFactory(last_verified_on=d(2025, 1, 1)).areas.set([area(BARNET)])
    OrganisationFactory(kind="police", last_verified_on=d(1999, 1, 1))  # not VCS
    PartnershipFactory(name="Hartlepool Partnership", areas=[area(HARTLEPOOL)])
    data = figures(client)
    assert data["nation"]["organisations_last_verified"] == {
        "oldest": "2024-01-01",
        "median": "2024-06-01",
        "verified": 3,
        "never_verified": 1,
    }
    north_east = by_slug(data["regions"], "north-east")["organisations_last_verified"]
    assert (north_east["oldest"], north_east["median"], north_east["never_verified"]) == (
        "2024-01-01",
        "2024-01-01",  # the lower of the two
        1,
    )
    hartlepool = by_slug(data["partnerships"], "hartlepool-partnership")
    assert hartlepool["organisations_last_verified"] == north_east
    text = text_of(get(client, PAGE + "?region=north-east").content.decode())
    assert (
        "VCS organisations last verified Oldest 1 January 2024, median 1 January 2024; "
        "1 never verified" in text
    )


def test_freshness_costs_no_query_as_data_grows(client, verified):
    def grow():
        for n in range(4):
            board = BoardFactory(partnership=PartnershipFactory(areas=[area(DARLINGTON)]))
            for day in range(1, 6):
                SeatFactory(body=board, last_verified_on=datetime.date(2024, n + 1, day))

    for url in [PAGE, JSON, PAGE + "?region=north-east", JSON + "?status=all"]:
        assert_constant_queries(client, url, grow, most=17)


# Regions: one rule for counts and lists --------------------------------------------------


@pytest.fixture
def spanning():
    """Tees and Thames: areas in the North East and in London. Hartlepool: North East only."""
    both = PartnershipFactory(name="Tees and Thames", areas=[area(HARTLEPOOL), area(CAMDEN)])
    SeatFactory(body__partnership=both, organisation__is_womens_organisation=True)
    SeatFactory(body__partnership=both)
    alone = PartnershipFactory(name="Hartlepool Partnership", areas=[area(HARTLEPOOL)])
    SeatFactory(body__partnership=alone)
    return both


def test_a_partnership_in_two_regions_counts_in_each_and_once_for_england(client, spanning):
    data = figures(client)
    north_east, london = by_slug(data["regions"], "north-east"), by_slug(data["regions"], "london")
    assert (north_east["partnerships"], north_east["vcs_seats"]) == (2, 3)
    assert (london["partnerships"], london["vcs_seats"], london["womens_organisation_seats"]) == (
        1,
        2,
        1,
    )
    assert (data["nation"]["partnerships"], data["nation"]["vcs_seats"]) == (2, 3)
    assert by_slug(data["partnerships"], spanning.slug)["regions"] == ["north-east", "london"]
    # Each region's report lists the partnerships its count counts.
    for slug, count in [("north-east", 2), ("london", 1)]:
        listed = figures(client, f"?region={slug}")["partnerships"]
        assert len(listed) == count, slug
        assert f"{count} partnership" in text_of(
            get(client, f"/partnerships/?region={slug}").content.decode()
        )


@pytest.mark.parametrize("query", ["", "?status=all", "?body_kind=board"])
def test_every_region_count_equals_the_list_its_link_opens(client, spanning, query):
    data = figures(client, query)
    for row in [data["nation"], *data["regions"], *data["partnerships"]]:
        assert seats_listed(client, row["links"]["vcs_seats"]) == row["vcs_seats"], row["name"]
        assert (
            seats_listed(client, row["links"]["womens_seats"]) == row["womens_organisation_seats"]
        )


def test_the_page_says_how_a_partnership_in_two_regions_counts(client, spanning):
    text = text_of(get(client, PAGE).content.decode())
    assert "A partnership with areas in two regions counts in both, and once for England." in text
    assert "belongs to every region any of its areas lies in" in text
    text = text_of(get(client, PAGE + "?region=london").content.decode())
    assert "Tees and Thames North East, London" in text


# Rounding: one way per sentence ---------------------------------------------------------


def percentages(sentence):
    return re.findall(r"\d+(?:\.\d+)?%", sentence)


def test_a_sentence_rounds_all_its_shares_one_way():
    assert sentence_places(Share(14, 79), Share(17, 79)) == 0  # 18% and 22%
    assert sentence_places(Share(0, 3), Share(1, 3)) == 1  # 0.0% and 33.3%
    assert sentence_places(Share(0, 0), Share(1, 3)) == 0  # no data does not count
    assert sentence_places(Share(249, 2500)) == 0  # 10.0% as shown: 10%


def test_no_headline_mixes_whole_and_decimal_per_cent(client):
    partnership = PartnershipFactory(areas=[area(BARNET)])
    for womens in [False, False, False]:
        SeatFactory(body__partnership=partnership, organisation__is_womens_organisation=womens)
    OrganisationFactory(is_womens_organisation=True).areas.set([area(BARNET)])
    # CENs: 1 of 20 lost its funding (5.0%), 5 of 20 part of it (25.0%).
    for n in range(20):
        funding = Funding.LOST if n == 0 else Funding.PARTLY_LOST if n < 6 else Funding.FUNDED
        NetworkFactory(kind=NetworkKind.CEN, funding=funding, areas=[area(BARNET)])
    markup = get(client, PAGE + "?region=london").content.decode()
    headlines = [
        text_of(p) for p in re.findall(r'<p class="report-headline">.*?</p>', markup, re.S)
    ]
    across = text_of(paragraph_with(markup, "Across England"))
    assert "held 0.0% of the 3 VCS seats" in headlines[0]
    assert "while they are 25.0% of the 4 VCS organisations" in headlines[0]
    assert "a gap of 25.0 points" in headlines[0]
    assert "5.0% had lost their funding (1) and 25.0% part of it (5)" in headlines[1]
    for sentence in [*headlines, across]:
        found = percentages(sentence)
        assert len({"." in share for share in found}) == 1, sentence


# Lists and files say which filters made them --------------------------------------------


def heading_and_title(client, url):
    markup = get(client, url).content.decode()
    heading = text_of(re.search(r"<h1>(.*?)</h1>", markup, re.S).group(1))
    title = html.unescape(re.search(r"<title>(.*?)</title>", markup, re.S).group(1))
    return heading, title


@pytest.fixture
def north_east():
    """3 current VCS seats held by women's organisations in the North East; 5 current."""
    board = BoardFactory(
        partnership=PartnershipFactory(name="Hartlepool Partnership", areas=[area(HARTLEPOOL)])
    )
    for _ in range(3):
        SeatFactory(body=board, organisation__is_womens_organisation=True)
    SeatFactory(body=board, organisation__is_womens_organisation=True, end_date=PAST)
    SeatFactory(body=board)
    SeatFactory(body__partnership=PartnershipFactory(areas=[area(BARNET)]))
    return board.partnership


def test_the_list_heading_and_title_restate_the_filters(client, north_east):
    url = "/representatives/?region=north-east&sector=vcs&womens=yes"
    heading, title = heading_and_title(client, url)
    expected = "Current VCS seats held by women's organisations in the North East: 3"
    assert heading == expected
    assert title.startswith(expected)
    cases = {
        "": "Current seats: 5",
        "?status=all&region=london": "Current and past seats in London: 1",
        "?status=past&womens=yes": "Past seats held by women's organisations: 1",
        "?body_kind=board&partnership=hartlepool-partnership&sector=vcs": (
            "Current VCS seats on boards of Hartlepool Partnership: 4"
        ),
        "?partnership=hartlepool-partnership&womens=no": (
            "Current seats on Hartlepool Partnership not held by women's organisations: 1"
        ),
        "?area=E06000001&theme=housing": (
            "Current seats on housing themed groups in Hartlepool: 0"
        ),
        "?organisation_kind=police&area=E10000027": (
            "Current seats representing the police in Somerset (county, former area E10000027): 0"
        ),
    }
    for query, expected in cases.items():
        assert heading_and_title(client, f"/representatives/{query}")[0] == expected, query


def test_the_reports_title_restates_its_filters(client):
    title = heading_and_title(client, PAGE + "?region=london&body_kind=board&status=past")[1]
    day = f"{datetime.date.today():%-d %B %Y}"
    assert title.startswith(
        f"Representation report: London, VCS seats on boards, that ended before {day}"
    )


def test_the_partnership_and_network_lists_restate_their_filters(client, north_east):
    NetworkFactory(kind=NetworkKind.CEN, funding=Funding.LOST, areas=[area(HARTLEPOOL)])
    NetworkFactory(kind=NetworkKind.WOMENS_FORUM, areas=[area(BARNET)])
    cases = {
        "/partnerships/": "Partnerships: 2",
        "/partnerships/?region=north-east&q=hartle": (
            "Partnerships in the North East whose name contains \u201chartle\u201d: 1"
        ),
        "/networks/": "Networks and forums: 2",
        "/networks/?kind=cen&region=north-east&funding=lost": (
            "Community Empowerment Networks in the North East that have lost their funding: 1"
        ),
        "/networks/?kind=womens_forum&status=ceased": "Ceased women's forums: 0",
    }
    for url, expected in cases.items():
        heading, title = heading_and_title(client, url)
        assert heading == expected, url
        assert title.startswith(expected), url


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?region=atlantis&sector=vcs", "Current VCS seats: 5"),
        ("?area=E99999999&womens=yes", "Current seats held by women's organisations: 3"),
        ("?partnership=nope&status=later", "Current and past seats: 6"),
        ("?sector=<script>&womens=maybe&order=password", "Current seats: 5"),
        ("?body_kind=%FF&theme=" + "x" * 3000, "Current seats: 5"),
    ],
)
def test_a_bad_filter_never_fails_nor_shows_in_the_heading(client, north_east, query, expected):
    """A refused value is left out of the list, of its heading and of its file names; the
    page names the error."""
    markup = get(client, f"/representatives/{query}").content.decode()
    assert text_of(re.search(r"<h1>(.*?)</h1>", markup, re.S).group(1)) == expected
    assert "Some filters could not be used" in markup
    day = datetime.date.today().isoformat()
    for fmt in ["csv", "xlsx", "json"]:
        response = get(client, f"/representatives/export.{fmt}{query}")
        name = re.search(r'filename="([^"]+)"', response["Content-Disposition"]).group(1)
        assert re.fullmatch(rf"representatives-[a-z0-9-]*{day}\.{fmt}", name), name
        assert "atlantis" not in name and "script" not in name


def test_odd_filter_values_make_a_readable_heading_and_a_valid_file(client, north_east):
    north_east.name = "Tees\x0bValley"  # a control character XML cannot hold
    north_east.save()
    response = get(client, f"/representatives/export.xlsx?partnership={north_east.slug}")
    assert b"".join(response.streaming_content).startswith(b"PK")
    heading, _ = heading_and_title(client, "/partnerships/?q=" + "tees " * 100)
    assert (
        heading == f"Partnerships whose name contains \u201c{('tees ' * 12).strip()}\u2026\u201d: 1"
    )


NASTY = [
    "%00", "' OR 1=1 --", "<script>alert(1)</script>", "../../etc/passwd", "9" * 40, "-1",
    "\u202e", "\ud7ff", "ｓｗ１ａ　１ａａ", "𝓗𝓪𝓻𝓽𝓵𝓮𝓹𝓸𝓸𝓵", "x" * 10_000, " ", "&", "@SUM(1+1)",
]  # fmt: skip
LIST_PARAMS = {
    "/representatives/": ["region", "area", "partnership", "sector", "womens", "status"],
    "/representatives/export.json": ["region", "area", "theme", "order"],
    "/representatives/export.csv": ["partnership", "organisation_kind", "status"],
    "/representatives/export.xlsx": ["area", "body_kind", "womens"],
    "/partnerships/": ["region", "q"],
    "/networks/": ["kind", "region", "status", "funding"],
}


@pytest.mark.parametrize("value", NASTY)
def test_no_filter_value_breaks_a_heading_or_a_file_name(client, north_east, value):
    from urllib.parse import urlencode

    for path, names in LIST_PARAMS.items():
        response = client.get(f"{path}?{urlencode(dict.fromkeys(names, value))}")
        assert response.status_code in (200, 400), (path, value)
        if "export" in path:
            name = re.search(r'filename="([^"]+)"', response["Content-Disposition"]).group(1)
            assert re.fullmatch(r"representatives-[a-z0-9-]+\.(csv|json|xlsx)", name), name
            b"".join(response.streaming_content)
        elif response.status_code == 200:
            heading = text_of(re.search(r"<h1>(.*?)</h1>", response.content.decode(), re.S)[1])
            assert len(heading) < 200, heading


def test_export_file_names_say_the_filters(client, north_east):
    day = datetime.date.today().isoformat()
    cases = {
        "?region=north-east&sector=vcs&womens=yes": f"representatives-north-east-vcs-womens-{day}",
        "?status=all&body_kind=themed_group&theme=housing": (
            f"representatives-themed_group-housing-all-{day}".replace("_", "-")
        ),
        "?area=E10000027&organisation_kind=police&womens=no": (
            f"representatives-somerset-e10000027-police-organisations-not-womens-{day}"
        ),
        "?partnership=hartlepool-partnership&order=-name": (
            f"representatives-hartlepool-partnership-{day}"
        ),
    }
    for query, stem in cases.items():
        for fmt in ["csv", "xlsx", "json"]:
            response = get(client, f"/representatives/export.{fmt}{query}")
            assert response["Content-Disposition"] == f'attachment; filename="{stem}.{fmt}"'


def test_the_json_export_carries_its_filters_and_when_it_was_made(client, north_east):
    import json

    from django.utils import timezone

    before = timezone.now().replace(microsecond=0)
    query = "?region=north-east&sector=vcs&womens=yes&order=-name&sector_typo=1"
    response = get(client, f"/representatives/export.json{query}")
    data = json.loads(b"".join(response.streaming_content))
    assert list(data) == ["filters", "description", "made_at", "seats"]
    assert data["filters"] == {
        "region": "north-east",
        "sector": "vcs",
        "womens": "yes",
        "status": "current",
        "order": "-name",
    }
    heading, _ = heading_and_title(client, f"/representatives/{query}")
    assert f"{data['description']}: {len(data['seats'])}" == heading
    made = datetime.datetime.fromisoformat(data["made_at"])
    assert data["made_at"].endswith("Z") and made.utcoffset() == datetime.timedelta(0)
    assert before <= made <= timezone.now()
    assert len(data["seats"]) == 3
    # A refused value is not among the filters.
    bad = json.loads(
        b"".join(get(client, "/representatives/export.json?region=atlantis").streaming_content)
    )
    assert bad["filters"] == {"status": "current"}


def test_excel_dates_are_date_cells(client, north_east):
    import io

    from openpyxl import load_workbook

    SeatFactory(
        body__partnership=north_east,
        start_date=datetime.date(2008, 4, 1),
        end_date=datetime.date(2031, 3, 31),
        person__name="=cmd()",
    )
    response = get(client, "/representatives/export.xlsx?status=all&order=name")
    content = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(content)).active
    headers = [cell.value for cell in sheet[1]]
    row = {h: cell for h, cell in zip(headers, sheet[2], strict=True)}
    assert row["person"].value == "=cmd()" and row["person"].data_type == "s"
    assert row["person"].quotePrefix  # still guarded against formulas
    assert row["start_date"].is_date and row["start_date"].number_format == "yyyy-mm-dd"
    assert row["start_date"].value == datetime.datetime(2008, 4, 1)
    assert row["end_date"].value == datetime.datetime(2031, 3, 31)


# Areas: current ones once each, former ones labelled ------------------------------------


def area_options(client):
    from tests.test_browse_directory import Selects

    markup = get(client, "/representatives/").content.decode()
    return next(s for s in Selects(markup).selects if s[0]["name"] == "area")[1]


def test_no_two_areas_in_the_filter_read_alike(client, areas):
    from partnerships.models import Area

    options = area_options(client)[1:]  # after "All areas"
    labels = [label for _, label, _, _ in options]
    assert len(labels) == Area.objects.count()
    assert len(set(labels)) == len(labels)
    groups = {}
    for value, label, _, group in options:
        groups.setdefault(group, []).append((value, label))
    assert list(groups) == ["Current areas", "Former areas"]
    assert len(groups["Former areas"]) == Area.objects.filter(is_current=False).count()
    current = dict(groups["Current areas"])
    former = dict(groups["Former areas"])
    for code, name in [("E06000066", "Somerset"), ("E08000038", "Barnsley")]:
        assert current[code] == name
    assert former["E10000027"] == "Somerset (county, former area E10000027)"
    assert former["E08000016"] == "Barnsley (metropolitan district, former area E08000016)"
    assert former["E10000023"] == "North Yorkshire (county, former area E10000023)"
    assert former["E08000019"] == "Sheffield (metropolitan district, former area E08000019)"


# In a real browser -----------------------------------------------------------------------


@pytest.mark.browser
def test_the_report_and_a_filtered_list_pass_axe_and_fit_a_phone(live_server, browser, areas):
    from django.core.management import call_command

    from tests.browser import PHONE, assert_accessible, assert_no_horizontal_scroll, new_context

    call_command("load_demo", stdout=open("/dev/null", "w"))
    pages = [
        "/representation/",
        "/representation/?region=north-east&status=all",
        "/representatives/?region=north-east&sector=vcs&womens=yes",
        "/representatives/?area=E10000027&region=atlantis",
        "/networks/?kind=cen&funding=lost",
        "/partnerships/?region=yorkshire-and-the-humber",
    ]
    failures = []
    desktop = new_context(browser)
    phone = new_context(browser, viewport=PHONE, is_mobile=True, java_script_enabled=False)
    try:
        for path in pages:
            for ctx in (desktop, phone):
                tab = ctx.new_page()
                response = tab.goto(live_server.url + path)
                assert response.status == 200, path
                try:
                    assert_accessible(tab)
                    if ctx is phone:
                        assert_no_horizontal_scroll(tab)
                except AssertionError as problem:
                    failures.append(f"{path} ({'phone' if ctx is phone else 'desktop'}): {problem}")
                tab.close()
        # The heading restates the filters in the browser too, and the sources are reachable.
        tab = desktop.new_page()
        tab.goto(live_server.url + pages[2])
        heading = tab.get_by_role("heading", level=1).inner_text()
        assert heading.startswith(
            "Current VCS seats held by women's organisations in the North East: "
        )
        tab.goto(live_server.url + pages[0])
        tab.get_by_role("link", name="Oxfam, Urban Forum and Women's Resource Centre, 2007").click()
        assert tab.url.endswith("#source-where-are-women")
        assert tab.locator("#source-where-are-women").is_visible()
        tab.close()
    finally:
        desktop.close()
        phone.close()
    assert not failures, "\n\n".join(failures)
