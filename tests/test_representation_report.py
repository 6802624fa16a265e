"""Reading the representation report: women's organisations' share of VCS seats against their
share of the VCS, for England, each region and each partnership, and the state of the CENs;
as a page with charts and as JSON, with the representatives list's filters, in a constant
number of queries."""

import datetime
import html
import re
from decimal import Decimal
from fractions import Fraction

import pytest
from django.urls import reverse
from django.utils import dateformat

from networks.choices import Funding, NetworkKind, NetworkStatus
from networks.models import Network
from partnerships.choices import OrganisationKind, Sector
from partnerships.dates import long_date
from partnerships.models import Organisation, Person, Seat
from partnerships.report import Share, round_half_up

from .factories import (
    BoardFactory,
    NetworkFactory,
    OrganisationFactory,
    PartnershipFactory,
    SeatFactory,
    ThemedGroupFactory,
    area,
)
from .querycount import assert_constant_queries

pytestmark = pytest.mark.django_db

PAGE = "/representation/"
JSON = "/representation.json"
PAST = datetime.date(2009, 1, 1)

HARTLEPOOL, DARLINGTON, BARNET = "E06000001", "E06000005", "E09000003"


def page(client, query=""):
    response = client.get(PAGE + query)
    assert response.status_code == 200
    return response.content.decode()


def figures(client, query=""):
    response = client.get(JSON + query)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return response.json()


def by_slug(rows, slug):
    return next(row for row in rows if row["slug"] == slug)


def text_of(markup):
    """The words of some HTML, as a reader sees them: inline tags dropped, the others
    turned into spaces, spaces folded."""
    markup = re.sub(r"</?(a|strong|span|em|b)\b[^>]*>", "", markup)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def vcs_organisation(name, *, womens=False, areas=()):
    organisation = OrganisationFactory(name=name, is_womens_organisation=womens)
    organisation.areas.set([area(code) for code in areas])
    return organisation


@pytest.fixture
def directory():
    """Two regions, three partnerships, worked by hand below.

    North East: Hartlepool Partnership (board: 3 current VCS seats, 1 of them a women's
    organisation's, and a police seat; themed group: 1 current VCS seat, not a women's
    organisation's, and 1 past one that was) and Darlington Partnership (no bodies).
    London: Barnet Partnership (board: 2 current VCS seats, none a women's organisation's,
    and 1 past one that was; themed group: 1 current VCS seat held by a women's organisation
    with no area). One VCS organisation has no area and no seat: England counts it."""
    ne_womens = vcs_organisation("Hartlepool Women's Aid", womens=True, areas=[HARTLEPOOL])
    ne_other = vcs_organisation("Hartlepool Youth Trust", areas=[HARTLEPOOL])
    vcs_organisation("Darlington Food Bank", areas=[DARLINGTON])
    london_womens = vcs_organisation("Barnet Women's Centre", womens=True, areas=[BARNET])
    london_other = vcs_organisation("Barnet Carers", areas=[BARNET])
    floating_womens = vcs_organisation("Women in Enterprise", womens=True)
    vcs_organisation("National Helpline")
    police = OrganisationFactory(kind=OrganisationKind.POLICE, name="Cleveland Police")

    hartlepool = PartnershipFactory(name="Hartlepool Partnership", areas=[area(HARTLEPOOL)])
    board = BoardFactory(partnership=hartlepool, name="Hartlepool Partnership Board")
    group = ThemedGroupFactory(partnership=hartlepool, name="Safer Hartlepool")
    SeatFactory(body=board, organisation=ne_womens)
    SeatFactory(body=board, organisation=ne_other)
    SeatFactory(body=board, organisation=ne_other)
    SeatFactory(body=board, organisation=police, sector=Sector.POLICE)
    SeatFactory(body=group, organisation=ne_other)
    SeatFactory(body=group, organisation=ne_womens, end_date=PAST)

    barnet = PartnershipFactory(name="Barnet Partnership", areas=[area(BARNET)])
    board = BoardFactory(partnership=barnet, name="Barnet Partnership Board")
    group = ThemedGroupFactory(
        partnership=barnet, name="Barnet Health Partnership", theme="health_and_wellbeing"
    )
    SeatFactory(body=board, organisation=london_other)
    SeatFactory(body=board, organisation=london_other)
    SeatFactory(body=board, organisation=london_womens, end_date=PAST)
    SeatFactory(body=group, organisation=floating_womens)

    PartnershipFactory(name="Darlington Partnership", areas=[area(DARLINGTON)])


def test_url_names():
    assert reverse("report:representation") == PAGE
    assert reverse("report:representation_json") == JSON


# Shares ---------------------------------------------------------------------------------


def test_shares_are_exact_and_rounded_half_up():
    assert Share(9, 500).value == Decimal("1.8")
    assert Share(7, 100).value == Decimal("7.0")
    assert Share(14, 79).value == Decimal("17.7")
    assert Share(17, 79).value == Decimal("21.5")
    # 1/8 = 12.5% exactly and 1/16 = 6.25% exactly: half goes up, not to even.
    assert Share(1, 8).headline == "13%"
    assert Share(1, 16).value == Decimal("6.3")
    assert Share(1, 40).value == Decimal("2.5")
    assert round_half_up(Fraction(2, 3) * 100, 1) == Decimal("66.7")
    assert str(Share(0, 0)) == "no data"
    assert Share(0, 0).as_json() is None
    assert str(Share(0, 5)) == "0.0%"


def test_headline_shares_are_whole_from_ten_per_cent_up():
    assert Share(14, 79).headline == "18%"
    assert Share(17, 79).headline == "22%"
    assert Share(9, 500).headline == "1.8%"
    assert Share(7, 100).headline == "7.0%"
    # Rounded once, from the exact value: 9.96% is 10.0% in a table and 10% in a headline.
    assert Share(249, 2500).headline == "10%"


# The briefing's figures -----------------------------------------------------------------


@pytest.fixture
def briefing():
    """Women's organisations are 7 of the 100 VCS organisations and hold 9 of 500 VCS seats."""
    partnership = PartnershipFactory(name="Hartlepool Partnership", areas=[area(HARTLEPOOL)])
    board = BoardFactory(partnership=partnership)
    organisations = Organisation.objects.bulk_create(
        Organisation(
            name=f"Organisation {n}",
            slug=f"organisation-{n}",
            kind=OrganisationKind.VCS,
            is_womens_organisation=n < 7,
        )
        for n in range(100)
    )
    Organisation.areas.through.objects.bulk_create(
        Organisation.areas.through(organisation_id=o.pk, area_id=area(HARTLEPOOL).pk)
        for o in organisations
    )
    people = Person.objects.bulk_create(Person(name=f"Person {n}") for n in range(500))
    Seat.objects.bulk_create(
        Seat(
            person=person,
            body=board,
            sector=Sector.VCS,
            organisation=organisations[n % 7] if n < 9 else organisations[7 + n % 93],
        )
        for n, person in enumerate(people)
    )
    return partnership


def test_the_briefing_gap_shows_on_the_page(client, briefing):
    text = text_of(page(client))
    assert (
        "Women's organisations held 1.8% of the 500 VCS seats current on "
        f"{datetime.date.today():%-d %B %Y} (9 seats), while they are 7.0% of the 100 VCS "
        "organisations in the directory (7): a gap of 5.2 points." in text
    )
    assert "9: 1.8% of 500 VCS seats" in text
    assert "7: 7.0% of 100 VCS organisations" in text


def test_the_briefing_gap_in_json(client, briefing):
    data = figures(client)
    nation = data["nation"]
    assert nation["vcs_seats"] == 500
    assert nation["womens_organisation_seats"] == 9
    assert nation["womens_organisation_seat_share"] == 1.8
    assert nation["vcs_organisations"] == 100
    assert nation["womens_organisations"] == 7
    assert nation["womens_organisation_share"] == 7.0
    assert nation["gap_points"] == 5.2
    assert data["as_of"] == datetime.date.today().isoformat()
    assert data["filters"] == {"region": None, "body_kind": None, "status": "current", "on": None}
    assert data["errors"] == {}
    north_east = by_slug(data["regions"], "north-east")
    assert north_east["womens_organisation_seat_share"] == 1.8
    assert north_east["womens_organisation_share"] == 7.0
    assert north_east["gap_points"] == 5.2
    partnership = by_slug(data["partnerships"], briefing.slug)
    assert partnership["gap_points"] == 5.2


# The CEN survey -------------------------------------------------------------------------


@pytest.fixture
def cen_survey():
    """79 CENs: 14 lost all their funding, 17 part of it; 50 active, 20 struggling, 9 ceased;
    checked through June 2008."""
    funding = [Funding.LOST] * 14 + [Funding.PARTLY_LOST] * 17 + [Funding.FUNDED] * 40
    funding += [Funding.UNKNOWN] * 8
    statuses = [NetworkStatus.ACTIVE] * 50 + [NetworkStatus.STRUGGLING] * 20
    statuses += [NetworkStatus.CEASED] * 9
    Network.objects.bulk_create(
        Network(
            name=f"CEN {n}",
            slug=f"cen-{n}",
            kind=NetworkKind.CEN,
            funding=funding[n],
            status=statuses[n],
            status_checked_on=datetime.date(2008, 6, 1 + n % 30),
        )
        for n in range(79)
    )
    # A women's network is not a CEN.
    NetworkFactory(kind=NetworkKind.WOMENS_NETWORK, funding=Funding.LOST)


def test_cen_survey_headline_reads_18_and_22_per_cent(client, cen_survey):
    text = text_of(page(client))
    assert (
        "Of the 79 CENs recorded (status checked between 1 June 2008 and 30 June 2008), "
        "18% had lost their funding (14) and 22% part of it (17)." in text
    )
    for row in [
        "Lost its funding 14 17.7%",
        "Lost part of its funding 17 21.5%",
        "Funded 40 50.6%",
        "Not known 8 10.1%",
        "Active 50 63.3%",
        "Struggling 20 25.3%",
        "Ceased 9 11.4%",
    ]:
        assert row in text, row


def test_cen_survey_in_json(client, cen_survey):
    cens = figures(client)["cens"]
    assert cens["count"] == 79
    assert cens["funding"]["lost"]["count"] == 14
    assert cens["funding"]["lost"]["share"] == 17.7
    assert cens["funding"]["partly_lost"]["count"] == 17
    assert cens["funding"]["partly_lost"]["share"] == 21.5
    assert cens["status"]["active"]["share"] == 63.3
    assert cens["status"]["ceased"]["count"] == 9
    assert cens["status_checked"] == {
        "earliest": "2008-06-01",
        "latest": "2008-06-30",
        "not_checked": 0,
    }
    assert cens["funding"]["lost"]["link"] == "/networks/?kind=cen&funding=lost"
    assert cens["status"]["struggling"]["link"] == "/networks/?kind=cen&status=struggling"


def test_cen_numbers_link_to_the_networks_they_count(client, cen_survey):
    markup = page(client)
    for query, count in [("funding=lost", 14), ("funding=partly_lost", 17), ("status=ceased", 9)]:
        link = f'<a href="/networks/?kind=cen&amp;{query}">{count}</a>'
        assert link in markup, link
        listed = text_of(client.get(f"/networks/?kind=cen&{query}").content.decode())
        assert f"{count} networks" in listed


def test_cens_follow_the_region_filter(client):
    NetworkFactory(areas=[area(BARNET)], funding=Funding.LOST)
    NetworkFactory(areas=[area(HARTLEPOOL)], funding=Funding.FUNDED)
    cens = figures(client, "?region=london")["cens"]
    assert cens["count"] == 1
    assert cens["funding"]["lost"]["share"] == 100.0
    assert cens["link"] == "/networks/?kind=cen&region=london"
    assert "Community Empowerment Networks in London" in page(client, "?region=london")


def test_no_cen_says_so(client):
    assert figures(client)["cens"]["funding"]["lost"]["share"] is None
    assert "No CEN is recorded, so there is no share to give (no data)." in text_of(page(client))


# Regions and partnerships ---------------------------------------------------------------


def test_region_and_partnership_breakdown(client, directory):
    data = figures(client)
    nation = data["nation"]
    assert (nation["vcs_seats"], nation["womens_organisation_seats"]) == (7, 2)
    assert nation["womens_organisation_seat_share"] == 28.6
    assert (nation["vcs_organisations"], nation["womens_organisations"]) == (7, 3)
    assert nation["womens_organisation_share"] == 42.9
    assert nation["gap_points"] == 14.3
    assert nation["partnerships"] == 3
    assert nation["partnerships_with_board"] == 2
    assert nation["partnerships_whose_board_has_no_womens_representative"] == 1
    assert nation["themed_groups"] == 2
    assert nation["themed_groups_without_womens_representative"] == 1

    north_east = by_slug(data["regions"], "north-east")
    assert (north_east["vcs_seats"], north_east["womens_organisation_seats"]) == (4, 1)
    assert north_east["womens_organisation_seat_share"] == 25.0
    # Its three organisations with an area in the region, Darlington's included.
    assert (north_east["vcs_organisations"], north_east["womens_organisations"]) == (3, 1)
    assert north_east["womens_organisation_share"] == 33.3
    assert north_east["gap_points"] == 8.3
    assert north_east["partnerships"] == 2
    assert north_east["partnerships_whose_board_has_no_womens_representative"] == 0

    london = by_slug(data["regions"], "london")
    assert (london["vcs_seats"], london["womens_organisation_seats"]) == (3, 1)
    # The women's organisation with no area counts through its seat on Barnet's group.
    assert (london["vcs_organisations"], london["womens_organisations"]) == (3, 2)
    assert london["womens_organisation_share"] == 66.7
    assert london["gap_points"] == 33.4

    south_west = by_slug(data["regions"], "south-west")
    assert south_west["vcs_seats"] == 0
    assert south_west["womens_organisation_seat_share"] is None
    assert south_west["gap_points"] is None
    assert len(data["regions"]) == 9

    partnerships = {p["name"]: p for p in data["partnerships"]}
    assert list(partnerships) == [
        "Barnet Partnership",
        "Darlington Partnership",
        "Hartlepool Partnership",
    ]
    hartlepool = partnerships["Hartlepool Partnership"]
    assert hartlepool["regions"] == ["north-east"]
    assert (hartlepool["vcs_seats"], hartlepool["womens_organisation_seats"]) == (4, 1)
    assert (hartlepool["vcs_organisations"], hartlepool["womens_organisations"]) == (2, 1)
    assert hartlepool["gap_points"] == 25.0
    barnet = partnerships["Barnet Partnership"]
    assert (barnet["vcs_organisations"], barnet["womens_organisations"]) == (3, 2)
    assert barnet["womens_organisation_seat_share"] == 33.3
    darlington = partnerships["Darlington Partnership"]
    assert darlington["vcs_seats"] == 0
    assert darlington["womens_organisation_seat_share"] is None
    assert darlington["womens_organisation_share"] == 0.0
    assert darlington["partnerships_with_board"] == 0

    assert [p["name"] for p in data["boards_without_womens_representative"]] == [
        "Barnet Partnership"
    ]
    groups = data["themed_groups_without_womens_representative"]
    assert groups["count"] == 1
    assert groups["by_partnership"] == [
        {
            "partnership": {
                "name": "Hartlepool Partnership",
                "slug": "hartlepool-partnership",
                "url": "/partnerships/hartlepool-partnership/",
            },
            "regions": ["north-east"],
            "themed_groups": ["Safer Hartlepool"],
        }
    ]


def test_breakdown_on_the_page(client, directory):
    text = text_of(page(client))
    assert "North East 4 1 25.0% 3 1 33.3% 8.3 points Never verified 0 0 of 1 1 of 1 2" in text
    assert "London 3 1 33.3% 3 2 66.7% 33.4 points Never verified 0 1 of 1 0 of 1 1" in text
    assert "South West 0 0 no data 0 0 no data no data Nothing counted 0 0 of 0 0 of 0 0" in text
    assert "England 7 2 28.6% 7 3 42.9% 14.3 points Never verified 0 1 of 2 1 of 2 3" in text
    assert "1 of 2 partnerships with a board recorded" in text
    # Each region's partnerships, with their figures and names, are on the region's report.
    text = text_of(page(client, "?region=north-east"))
    assert (
        "Hartlepool Partnership North East 4 1 25.0% 2 1 50.0% 25.0 points Never verified "
        "0 Yes 1 of 1" in text
    )
    assert (
        "Darlington Partnership North East 0 0 no data 1 0 0.0% no data Nothing counted "
        "0 No board recorded" in text
    )
    assert "Hartlepool Partnership North East Safer Hartlepool" in text
    text = text_of(page(client, "?region=london"))
    assert (
        "Barnet Partnership London 3 1 33.3% 3 2 66.7% 33.4 points Never verified 0 No 0 of 1"
        in text
    )
    boards_without = "1 of 1 partnership with a board recorded in London, counting VCS seats"
    assert boards_without in text
    assert "Barnet Partnership London" in text.split(boards_without)[1]


def test_the_england_page_links_to_the_regions_instead_of_listing_every_partnership(
    client, directory
):
    markup = page(client)
    text = text_of(markup)
    # The counts, not the partnerships and themed groups behind them.
    assert "Hartlepool Partnership" not in text
    assert "Barnet Partnership" not in text
    assert "Safer Hartlepool" not in text
    assert "/partnerships/hartlepool-partnership/" not in markup
    assert (
        "1 partnership whose board has no women's-organisation representative, of 2 with a "
        "board recorded, counting VCS seats current on" in text
    )
    assert (
        "see them by region. East Midlands: 0 of 0 partnerships with a board East of England: "
        "0 of 0 partnerships with a board London: 1 of 1 partnership with a board North East: "
        "0 of 1 partnership with a board" in text
    )
    assert "1 themed group with no women's-organisation representative, of 2" in text
    assert "The figures for each of the 3 partnerships are in its region's report" in text
    assert "London: 1 partnership North East: 2 partnerships" in text
    # Each region's report, with the same filters, from its counts and from the lists.
    london = html.escape("/representation/?region=london&status=current")
    for anchor in ["boards-without", "groups-without", "partnerships-heading"]:
        assert f'<a href="{london}#{anchor}">London</a>' in markup, anchor
    assert f'<a href="{london}#partnerships-heading">1</a>' in markup
    assert f'<a href="{london}#boards-without">1</a> of 1' in markup
    boards = html.escape("/representation/?region=north-east&status=past&body_kind=board")
    assert f'<a href="{boards}#boards-without">North East</a>' in page(
        client, "?status=past&body_kind=board"
    )
    # The JSON keeps every partnership.
    assert len(figures(client)["partnerships"]) == 3


def test_a_region_page_lists_its_partnerships_a_page_at_a_time(client, directory):
    from partnerships import report

    for n in range(3):
        PartnershipFactory(name=f"Barnet Partnership {n}", areas=[area(BARNET)])
    report.PARTNERSHIPS_PER_PAGE, per_page = 2, report.PARTNERSHIPS_PER_PAGE
    try:
        markup = page(client, "?region=london&body_kind=board")
        later = page(client, "?region=london&body_kind=board&page=2")
    finally:
        report.PARTNERSHIPS_PER_PAGE = per_page
    text = text_of(markup)
    assert "partnerships 1 to 2 of 4, by name" in text
    assert "Barnet Partnership London 2 0 0.0%" in text  # boards only
    assert "Barnet Partnership 2" not in text
    assert "Page 1 of 2" in text
    assert html.escape("?region=london&body_kind=board&page=2") in markup
    assert "Barnet Partnership 2 London" in text_of(later)
    # The JSON is not paged: it lists the region's partnerships.
    assert len(figures(client, "?region=london&page=2")["partnerships"]) == 4


def test_status_filter_counts_past_seats(client, directory):
    data = figures(client, "?status=past")
    assert data["filters"]["status"] == "past"
    nation = data["nation"]
    assert (nation["vcs_seats"], nation["womens_organisation_seats"]) == (2, 2)
    assert nation["womens_organisation_seat_share"] == 100.0
    # Organisations describe the sector, not the seats: the filter leaves them alone.
    assert nation["vcs_organisations"] == 7
    # Among past seats, Hartlepool's board had no women's organisation; Barnet's group none.
    assert [p["name"] for p in data["boards_without_womens_representative"]] == [
        "Hartlepool Partnership"
    ]
    by_partnership = data["themed_groups_without_womens_representative"]["by_partnership"]
    assert [g["themed_groups"] for g in by_partnership] == [["Barnet Health Partnership"]]
    all_seats = figures(client, "?status=all")["nation"]
    assert (all_seats["vcs_seats"], all_seats["womens_organisation_seats"]) == (9, 4)
    assert "that ended before" in page(client, "?status=past")


def test_body_kind_filter(client, directory):
    groups = figures(client, "?body_kind=themed_group")
    assert (groups["nation"]["vcs_seats"], groups["nation"]["womens_organisation_seats"]) == (2, 1)
    assert groups["nation"]["womens_organisation_seat_share"] == 50.0
    assert groups["boards_without_womens_representative"] is None
    assert groups["nation"]["partnerships_whose_board_has_no_womens_representative"] is None
    assert groups["themed_groups_without_womens_representative"]["count"] == 1
    boards = figures(client, "?body_kind=board")
    assert (boards["nation"]["vcs_seats"], boards["nation"]["womens_organisation_seats"]) == (5, 1)
    assert boards["nation"]["womens_organisation_seat_share"] == 20.0
    assert boards["themed_groups_without_womens_representative"] is None
    assert boards["nation"]["themed_groups"] is None
    assert "Not counted: the report is showing boards only." in page(client, "?body_kind=board")


def test_region_filter(client, directory):
    data = figures(client, "?region=london")
    assert data["filters"]["region"] == "london"
    assert [r["slug"] for r in data["regions"]] == ["london"]
    assert [p["name"] for p in data["partnerships"]] == ["Barnet Partnership"]
    assert data["nation"]["vcs_seats"] == 7  # England stays England, for comparison
    assert [p["name"] for p in data["boards_without_womens_representative"]] == [
        "Barnet Partnership"
    ]
    assert data["themed_groups_without_womens_representative"]["count"] == 0
    text = text_of(page(client, "?region=london"))
    # Headline sentences: whole per cent from 10% up, and a gap that adds up (67 - 33).
    assert "Women's organisations held 33% of the 3 VCS seats" in text
    assert (
        "while they are 67% of the 3 VCS organisations in the directory (2): a gap of 34 points"
        in text
    )
    assert "London 3 1 33.3% 3 2 66.7% 33.4 points" in text
    assert (
        "Across England: women's organisations held 29% of 7 VCS seats and are 43% of 7 VCS "
        "organisations; the gap is 14 points." in text
    )
    assert "Hartlepool Partnership" not in text


def test_filters_combine(client, directory):
    data = figures(client, "?region=north-east&body_kind=board&status=current")
    assert data["filters"] == {
        "region": "north-east",
        "body_kind": "board",
        "status": "current",
        "on": None,
    }
    north_east = data["regions"][0]
    assert (north_east["vcs_seats"], north_east["womens_organisation_seats"]) == (3, 1)
    assert north_east["womens_organisation_seat_share"] == 33.3


def test_bad_filter_values_are_named_and_the_others_apply(client, directory):
    markup = page(client, "?region=atlantis&body_kind=board")
    text = text_of(markup)
    assert "Some filters could not be used" in text
    assert "Region: Select a valid choice." in text
    assert "England 5 1 20.0%" in text  # boards only, all regions
    data = figures(client, "?region=atlantis&body_kind=board&status=sometimes")
    assert set(data["errors"]) == {"region", "status"}
    assert data["filters"] == {
        "region": None,
        "body_kind": "board",
        "status": "current",
        "on": None,
    }
    assert data["nation"]["vcs_seats"] == 5
    text = text_of(page(client, "?status=sometimes&body_kind=bogus"))
    assert "Current or past: Select a valid choice." in text
    assert "Body: Select a valid choice." in text


def test_no_vcs_seats_shows_no_data(client):
    PartnershipFactory(name="Quiet Partnership")
    text = text_of(page(client))
    assert "No VCS seat is recorded current on" in text
    assert "so there is no share of seats to give (no data)" in text
    assert "0: no data" in text
    assert "0% of" not in text
    data = figures(client)
    assert data["nation"]["womens_organisation_seat_share"] is None
    assert data["nation"]["womens_organisation_share"] is None
    assert data["nation"]["gap_points"] is None
    quiet = data["partnerships"][0]
    assert quiet["vcs_seats"] == 0
    assert quiet["womens_organisation_seat_share"] is None


def test_a_partnership_across_regions_counts_in_each_region_and_once_in_england(client):
    partnership = PartnershipFactory(areas=[area(BARNET), area(HARTLEPOOL)])
    SeatFactory(body__partnership=partnership, organisation__is_womens_organisation=True)
    data = figures(client)
    # Regions in the GSS order of its areas: E06000001 (Hartlepool) before E09000003.
    assert data["partnerships"][0]["regions"] == ["north-east", "london"]
    assert by_slug(data["regions"], "north-east")["vcs_seats"] == 1
    assert by_slug(data["regions"], "london")["vcs_seats"] == 1
    assert by_slug(data["regions"], "london")["partnerships"] == 1
    assert data["nation"]["vcs_seats"] == 1
    assert data["nation"]["partnerships"] == 1


def test_a_partnership_with_no_area_counts_for_england_only(client):
    partnership = PartnershipFactory(name="Unplaced Partnership")
    partnership.areas.clear()
    SeatFactory(body__partnership=partnership)
    data = figures(client)
    assert data["nation"]["vcs_seats"] == 1
    nowhere = data["regions"][-1]
    assert (nowhere["name"], nowhere["slug"], nowhere["vcs_seats"]) == (
        "No region recorded",
        None,
        1,
    )
    assert data["partnerships"][0]["regions"] == [None]
    assert "No region recorded 1 0 0.0%" in text_of(page(client))


def test_the_report_filter_chooses_the_same_seats_as_the_representatives_list(directory):
    from partnerships.filters import SeatFilter
    from partnerships.report_views import ReportFilter

    for data in [{}, {"status": "past"}, {"region": "london", "body_kind": "board"}]:
        ours = ReportFilter(data, queryset=Seat.objects.vcs()).qs
        theirs = SeatFilter({**data, "sector": "vcs"}, queryset=Seat.objects.all()).qs
        assert set(ours) == set(theirs), data


# Links behind the numbers ---------------------------------------------------------------


def test_seat_numbers_link_to_the_representatives_behind_them(client, directory):
    markup = page(client, "?body_kind=board")
    region_page = page(client, "?body_kind=board&region=london")
    region = "/representatives/?sector=vcs&womens=yes&region=north-east&status=current"
    region += "&body_kind=board"
    assert f'<a href="{html.escape(region)}">1</a>' in markup
    vcs = "/representatives/?sector=vcs&region=london&status=current&body_kind=board"
    assert f'<a href="{html.escape(vcs)}">2</a>' in markup
    partnership = "/representatives/?sector=vcs&womens=yes&partnership=barnet-partnership"
    partnership += "&status=current&body_kind=board"
    assert f'<a href="{html.escape(partnership)}">0</a>' in region_page
    data = figures(client, "?body_kind=board")
    assert by_slug(data["regions"], "north-east")["links"]["womens_seats"] == region


@pytest.mark.parametrize(
    "query",
    ["", "?status=past", "?status=all", "?body_kind=themed_group", "?region=london"],
)
def test_every_seat_count_matches_the_list_it_links_to(client, directory, query):
    data = figures(client, query)
    rows = [data["nation"], *data["regions"], *data["partnerships"]]
    for row in rows:
        for count, link in [
            (row["vcs_seats"], row["links"]["vcs_seats"]),
            (row["womens_organisation_seats"], row["links"]["womens_seats"]),
        ]:
            listed = text_of(client.get(link).content.decode())
            assert f"{count} seat{'' if count == 1 else 's'}" in listed, (row["name"], link)


# Charts ---------------------------------------------------------------------------------


def test_charts_are_accessible_svg_with_their_data_tables(client, directory, cen_survey):
    markup = page(client)
    for chart in ["chart-regions", "chart-cen-funding"]:
        svg = re.search(rf'<svg[^>]*aria-labelledby="{chart}-title {chart}-desc"[^>]*>', markup)
        assert svg, chart
        assert 'role="img"' in svg.group(0)
        assert 'width="100%"' in svg.group(0)
        assert "viewBox=" in svg.group(0)
        assert f'<title id="{chart}-title">' in markup
        assert f'<desc id="{chart}-desc">' in markup
    assert "<script" not in markup
    desc = re.search(r'<desc id="chart-regions-desc">(.*?)</desc>', markup).group(1)
    assert "North East: 25.0% of 4 VCS seats, 33.3% of 3 VCS organisations." in desc
    desc = re.search(r'<desc id="chart-cen-funding-desc">(.*?)</desc>', markup).group(1)
    assert "Lost its funding: 14 of 79 (17.7%)." in html.unescape(desc)
    # The data tables, with captions.
    assert '<caption id="regions-caption">' in markup
    assert '<caption id="cen-funding-caption">' in markup
    # Text labels on the bars, and a hatched pattern: colour is not the only cue.
    assert ">seats: 25.0%</text>" in markup
    assert ">organisations: 33.3%</text>" in markup
    assert '<pattern id="chart-regions-organisations"' in markup
    assert ">Share of VCS organisations</text>" in markup


def test_chart_geometry_stays_inside_the_viewbox(client, directory):
    from partnerships import charts
    from partnerships.report import representation_report

    report = representation_report()
    for chart in [charts.region_share_chart(report.regions), charts.cen_funding_chart(report.cens)]:
        left, top, width, height = (float(n) for n in chart["view_box"].split())
        for bar in chart["bars"]:
            assert float(bar["x"]) >= left
            assert float(bar["x"]) + float(bar["width"]) <= left + width
            assert float(bar["y"]) + float(bar["height"]) <= top + height
        for text in chart["texts"]:
            assert top <= float(text["y"]) <= top + height
            assert float(text["x"]) <= left + width


def test_names_from_the_database_are_escaped(client):
    partnership = PartnershipFactory(name="<b>Bold</b> & Partners", areas=[area(BARNET)])
    board = BoardFactory(partnership=partnership)
    ThemedGroupFactory(partnership=partnership, name="<script>alert(1)</script> group")
    SeatFactory(body=board)
    markup = page(client, "?region=london")
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; Partners" in markup
    assert "<b>Bold</b>" not in markup
    assert "&lt;script&gt;alert(1)&lt;/script&gt; group" in markup
    assert "<script>" not in markup
    data = figures(client)
    assert data["partnerships"][0]["name"] == "<b>Bold</b> & Partners"


# Query counts ---------------------------------------------------------------------------


def grow():
    """More regions, partnerships, bodies, seats, organisations and CENs."""
    for code in ["E09000002", "E06000002", "E08000037", "E06000005"]:
        partnership = PartnershipFactory(areas=[area(code)])
        board = BoardFactory(partnership=partnership)
        group = ThemedGroupFactory(partnership=partnership)
        womens = vcs_organisation(f"Women's group {code}", womens=True, areas=[code])
        for body in (board, group):
            SeatFactory(body=body, organisation=womens)
            SeatFactory(body=body)
            SeatFactory(body=body, end_date=PAST)
        NetworkFactory(areas=[area(code)], funding=Funding.PARTLY_LOST)


@pytest.mark.parametrize("url", [PAGE, JSON])
@pytest.mark.parametrize("query", ["", "?region=london&body_kind=board&status=all"])
def test_query_count_is_constant(client, directory, url, query):
    NetworkFactory()
    count = assert_constant_queries(client, url + query, grow, most=12)
    print(f"{url}{query}: {count} queries")


def test_long_dates_read_as_the_date_filter_writes_them():
    first = datetime.date(2024, 1, 1)  # a leap year: every day of every month
    for day in (first + datetime.timedelta(days=n) for n in range(366)):
        assert long_date(day) == dateformat.format(day, "j F Y")
    assert long_date(None) == ""


def test_numbers_read_as_humanizes_intcomma_writes_them():
    from django.contrib.humanize.templatetags import humanize
    from django.template import engines

    from partnerships.templatetags.numbers import intcomma

    values = [0, 7, -7, 999, 1000, -1234, 12345, 999_999, 1_000_000, -12_345_678, 10**12]
    values += [True, None, "", "1234", "n/a", 1234.5, Decimal("1234.50"), Fraction(1, 3)]
    for value in values:
        assert intcomma(value) == humanize.intcomma(value), value
    page = engines["django"].from_string("{% load numbers %}{{ n|intcomma }}")
    assert page.render({"n": 3500}) == "3,500"


def test_shares_round_the_same_however_often_they_are_asked():
    assert [Share(18, 1000).rounded(1), Share(18, 1000).rounded(0)] == [Decimal("1.8"), 2]
    assert Share(1, 8).value == Decimal("12.5") and Share(1, 16).value == Decimal("6.3")
    assert Share(0, 0).value is None and str(Share(0, 0)) == "no data"
