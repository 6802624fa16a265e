"""Representation over time, and vacancies beside held seats (issue 12, points 1 and 4).

The report and its JSON take ?on=YYYY-MM-DD: the figures for the seats held on that day.
An "Over time" series gives women's organisations' share of VCS seats on the same day of
each year the seats cover. Every expected figure below is worked out by hand from the
seats' dates, not by calling the code; run on SQLite and on PostgreSQL alike."""

import datetime
import re
import xml.etree.ElementTree as ET

import pytest
from django.core.cache import cache

from partnerships.choices import Sector
from partnerships.models import Seat
from partnerships.report import held_on

from .factories import (
    BoardFactory,
    OrganisationFactory,
    PartnershipFactory,
    SeatFactory,
    VacancyFactory,
    area,
)
from .querycount import assert_constant_queries

pytestmark = pytest.mark.django_db

PAGE = "/representation/"
JSON = "/representation.json"
HARTLEPOOL, CAMDEN = "E06000001", "E09000007"
d = datetime.date


@pytest.fixture
def history():
    """Seats across 2004-2012, all VCS on boards unless said; W = a women's organisation's.

    Hartlepool (North East):
      A 2004-03-01 to 2006-02-28 W      B 2004-09-01, not ended
      C 2005-06-30 to 2007-06-30 W      D 2006-01-01 to 2012-12-31
      E 2008-07-01 to 2009-06-29 W      F 2009-01-01, not ended, W
      G 2007-01-01, not ended, police (never a VCS seat)
      I 2011-01-01, not ended, W        K no start recorded, to 2005-12-31
      a vacancy, open (never held)
    Camden (London):
      J 2004-01-01 to 2008-12-31"""
    womens = OrganisationFactory(name="Hartlepool Women's Aid", is_womens_organisation=True)
    other = OrganisationFactory(name="Hartlepool Youth Trust")
    board = BoardFactory(
        partnership=PartnershipFactory(name="Hartlepool Partnership", areas=[area(HARTLEPOOL)])
    )
    camden = BoardFactory(partnership=PartnershipFactory(name="One Camden", areas=[area(CAMDEN)]))

    def seat(start, end, organisation=other, body=board, **extra):
        return SeatFactory(
            body=body, organisation=organisation, start_date=start, end_date=end, **extra
        )

    seat(d(2004, 3, 1), d(2006, 2, 28), womens)  # A
    seat(d(2004, 9, 1), None)  # B
    seat(d(2005, 6, 30), d(2007, 6, 30), womens)  # C
    seat(d(2006, 1, 1), d(2012, 12, 31))  # D
    seat(d(2008, 7, 1), d(2009, 6, 29), womens)  # E
    seat(d(2009, 1, 1), None, womens)  # F
    seat(d(2007, 1, 1), None, sector=Sector.POLICE)  # G
    seat(d(2011, 1, 1), None, womens)  # I
    seat(None, d(2005, 12, 31))  # K
    VacancyFactory(body=board)
    seat(d(2004, 1, 1), d(2008, 12, 31), body=camden)  # J


def figures(client, query):
    response = client.get(JSON + query)
    assert response.status_code == 200
    return response.json()


def series(data):
    return [
        (point["on"], point["vcs_seats"], point["womens_seats"], point["share"])
        for point in data["over_time"]
    ]


def by_slug(rows, slug):
    return next(row for row in rows if row["slug"] == slug)


def test_the_figures_for_a_day_match_the_hand_count(client, history):
    data = figures(client, "?on=2010-06-30")
    assert data["as_of"] == "2010-06-30"
    assert data["organisations_as_of"] == datetime.date.today().isoformat()
    assert data["filters"]["on"] == "2010-06-30"
    # Held on 30 June 2010: B, D and F (F a women's organisation's).
    nation = data["nation"]
    assert (nation["vcs_seats"], nation["womens_organisation_seats"]) == (3, 1)
    assert nation["womens_organisation_seat_share"] == 33.3
    assert by_slug(data["regions"], "london")["vcs_seats"] == 0  # J ended in 2008
    # Ended before it: A, C, E (women's), J and K.
    past = figures(client, "?on=2010-06-30&status=past")["nation"]
    assert (past["vcs_seats"], past["womens_organisation_seats"]) == (5, 3)
    # Today: B, F and I are held (D ended in 2012); the vacancy is beside them, not in them.
    today = figures(client, "")["nation"]
    assert (today["vcs_seats"], today["womens_organisation_seats"]) == (3, 2)
    assert today["vacant_vcs_seats"] == 1
    # status=all: every held VCS seat, A to K but the police seat G; never the vacancy.
    everything = figures(client, "?status=all")["nation"]
    assert (everything["vcs_seats"], everything["womens_organisation_seats"]) == (9, 5)


def test_over_time_matches_the_hand_count(client, history):
    data = figures(client, "?on=2010-06-30")
    assert series(data) == [
        ("2004-06-30", 3, 1, "33.3"),  # A, J, K
        ("2005-06-30", 5, 2, "40.0"),  # A, B, C (begun that day), J, K
        ("2006-06-30", 4, 1, "25.0"),  # B, C, D, J
        ("2007-06-30", 4, 1, "25.0"),  # B, C (ended that day), D, J
        ("2008-06-30", 3, 0, "0.0"),  # B, D, J; E begins the day after
        ("2009-06-30", 3, 1, "33.3"),  # B, D, F; E ended the day before
        ("2010-06-30", 3, 1, "33.3"),  # B, D, F
    ]
    # The region's own seats: J (Camden) is not in the North East.
    north_east = figures(client, "?on=2010-06-30&region=north-east")
    assert [point[1:] for point in series(north_east)] == [
        (2, 1, "50.0"),  # A, K
        (4, 2, "50.0"),  # A, B, C, K
        (3, 1, "33.3"),  # B, C, D
        (3, 1, "33.3"),  # B, C, D
        (2, 0, "0.0"),  # B, D
        (3, 1, "33.3"),  # B, D, F
        (3, 1, "33.3"),  # B, D, F
    ]


def test_the_29th_of_february_is_the_28th_in_other_years(client, history):
    assert series(figures(client, "?on=2008-02-29")) == [
        ("2004-02-29", 2, 0, "0.0"),  # J, K
        ("2005-02-28", 4, 1, "25.0"),  # A, B, J, K
        ("2006-02-28", 5, 2, "40.0"),  # A (its last day), B, C, D, J
        ("2007-02-28", 4, 1, "25.0"),  # B, C, D, J
        ("2008-02-29", 3, 0, "0.0"),  # B, D, J
    ]


def test_the_series_runs_to_this_year_by_default(client, history):
    data = figures(client, "")
    today = datetime.date.today()
    points = data["over_time"]
    assert points[0]["on"][:4] == "2004" and points[-1]["on"] == today.isoformat()
    assert len(points) == today.year - 2004 + 1
    # The last point is the report's own count of today's seats.
    last = points[-1]
    assert (last["vcs_seats"], last["womens_seats"]) == (3, 2)


def test_a_day_before_any_dated_seat_gives_that_year_alone(client, history):
    # Only K, whose start is not recorded: as on the representatives list, a seat with no
    # start date counts as begun.
    data = figures(client, "?on=1999-01-01")
    assert series(data) == [("1999-01-01", 1, 0, "0.0")]
    assert data["nation"]["womens_organisation_seat_share"] == 0.0


def test_the_series_counts_by_the_rule_of_current_seats():
    """report.held_on is Seat.objects.current()'s rule for one day: the two agree."""
    board = BoardFactory()
    dates = [None, d(2004, 6, 29), d(2004, 6, 30), d(2004, 7, 1)]
    for start in dates:
        for end in dates:
            if start and end and end < start:
                continue
            SeatFactory(body=board, start_date=start, end_date=end)
    for day in dates[1:]:
        assert set(Seat.objects.held().filter(held_on(day))) == set(Seat.objects.current(day))


def test_vacancies_sit_beside_held_seats_with_a_way_to_apply(client, history):
    data = figures(client, "")
    north_east = by_slug(data["regions"], "north-east")
    assert north_east["vacant_vcs_seats"] == 1
    assert by_slug(data["regions"], "london")["vacant_vcs_seats"] == 0
    hartlepool = by_slug(data["partnerships"], "hartlepool-partnership")
    assert hartlepool["vacant_vcs_seats"] == 1
    assert (
        hartlepool["links"]["get_involved"] == "/get-involved/?partnership=hartlepool-partnership"
    )
    assert north_east["links"]["get_involved"] == "/get-involved/?region=north-east"
    assert data["nation"]["links"]["get_involved"] == "/get-involved/"
    # The number opens the list of exactly those vacancies.
    cache.clear()
    listed = client.get(north_east["links"]["vacant_seats"]).context["page_obj"].paginator
    assert listed.count == 1 and listed.object_list[0].vacant
    page = client.get(PAGE + "?region=north-east").content.decode()
    assert "Vacant VCS seats, open now" in page
    assert 'href="/get-involved/?region=north-east"' in page
    # A vacancy is never counted as held, whatever the status.
    for status in ("current", "past", "all"):
        data = figures(client, f"?status={status}")
        assert data["nation"]["vcs_seats"] == {"current": 3, "past": 6, "all": 9}[status]


def test_a_dated_report_says_its_day_and_that_organisations_are_todays(client, history):
    data = figures(client, "?on=2010-06-30")
    assert data["nation"]["vacant_vcs_seats"] is None  # vacancies are not dated
    assert data["nation"]["links"] == {}  # the lists show today's seats
    page = client.get(PAGE + "?on=2010-06-30").content.decode()
    text = " ".join(re.sub(r"<[^>]+>", " ", page).split())
    assert "current on 30 June 2010" in text
    assert "today's register, not dated" in text
    assert "Vacant VCS seats, open now" not in text
    # Region links keep the day.
    assert "?region=north-east&amp;status=current&amp;on=2010-06-30" in page


def test_the_over_time_chart_is_accessible_svg_with_its_table(client, history):
    page = client.get(PAGE + "?on=2010-06-30").content.decode()
    svg = re.search(r"<svg.*?</svg>", page[page.index("over-time-heading") :], re.S)
    root = ET.fromstring(svg.group(0))
    ns = "{http://www.w3.org/2000/svg}"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "chart-over-time-title chart-over-time-desc"
    assert "30 June each year, England" in root.find(f"{ns}title").text
    assert "2004: 33.3% of 3 VCS seats" in root.find(f"{ns}desc").text
    assert len(root.findall(f".//{ns}circle")) == 7
    # Every point inside the viewBox.
    _, _, width, height = map(float, root.get("viewBox").split())
    for dot in root.findall(f".//{ns}circle"):
        assert 0 <= float(dot.get("cx")) <= width and 0 <= float(dot.get("cy")) <= height
    table = page[page.index('id="over-time-caption"') :].split("</table>")[0]
    text = " ".join(re.sub(r"<[^>]+>", " ", table).split())
    assert "held on 30 June of each year" in text
    assert "2004 3 1 33.3% 2005 5 2 40.0%" in text and "2010 3 1 33.3%" in text


@pytest.mark.parametrize(
    ("on", "says"),
    [
        ("2010-02-30", "Enter a day as YYYY-MM-DD"),
        ("yesterday", "Enter a day as YYYY-MM-DD"),
        ("99999-01-01", "Enter a day as YYYY-MM-DD"),
        ("2010-06-30T00:00", "Enter a day as YYYY-MM-DD"),
        (f"{datetime.date.today().year + 1}-01-01", "Choose today or an earlier day"),
    ],
)
def test_a_bad_day_gets_a_clear_message_and_todays_figures(client, history, on, says):
    data = figures(client, f"?on={on}")
    assert says in data["errors"]["on"][0]
    assert data["filters"]["on"] is None
    assert data["as_of"] == datetime.date.today().isoformat()
    response = client.get(PAGE + f"?on={on}")
    assert response.status_code == 200
    assert says in response.content.decode()


def test_a_very_early_day_is_no_error(client, history):
    data = figures(client, "?on=0001-01-01")
    assert series(data) == [("0001-01-01", 1, 0, "0.0")]  # K
    assert client.get(PAGE + "?on=0001-01-01").status_code == 200


def test_over_time_at_most_sixty_years(client, history):
    SeatFactory(start_date=d(1900, 1, 1))
    points = figures(client, "?on=2010-06-30")["over_time"]
    assert len(points) == 60 and points[0]["on"] == "1951-06-30"


def grow():
    """More seats, over more years: the series grows longer, the queries do not."""
    board = BoardFactory(partnership=PartnershipFactory(areas=[area(HARTLEPOOL)]))
    for year in range(1995, 2004):
        SeatFactory(body=board, start_date=d(year, 1, 1), end_date=d(year + 3, 1, 1))
        SeatFactory(
            body=board,
            start_date=d(year, 5, 1),
            organisation__is_womens_organisation=True,
        )
        VacancyFactory(body=board)


@pytest.mark.parametrize("url", [PAGE, JSON])
@pytest.mark.parametrize(
    "query", ["?on=2010-06-30", "?on=2010-06-30&region=north-east&body_kind=board", ""]
)
def test_query_count_is_constant_with_a_day_and_over_time(client, history, url, query):
    count = assert_constant_queries(client, url + query, grow, most=18)
    print(f"{url}{query}: {count} queries")
