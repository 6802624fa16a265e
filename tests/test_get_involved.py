"""Stand for a seat (issue 12): vacant seats and terms ending soon, which the report never
counts as held."""

import datetime

import pytest
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from partnerships.choices import DocumentKind, Sector
from partnerships.managers import months_later
from partnerships.models import Document, Seat

from .browser import assert_accessible, assert_no_horizontal_scroll
from .factories import (
    BoardFactory,
    OrganisationFactory,
    PartnershipFactory,
    PersonFactory,
    SeatFactory,
    VacancyFactory,
    area,
)
from .querycount import assert_constant_queries

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 29)
ONE_DAY = datetime.timedelta(days=1)
HARTLEPOOL, CAMDEN = "E06000001", "E09000007"


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (datetime.date(2026, 11, 29), 6, datetime.date(2027, 5, 28)),
        (datetime.date(2026, 8, 31), 6, datetime.date(2027, 2, 28)),
        (datetime.date(2026, 1, 15), -1, datetime.date(2025, 12, 15)),
        (datetime.date(2026, 12, 1), 1, datetime.date(2027, 1, 1)),
    ],
)
def test_months_later_stays_within_the_month(day, months, expected):
    assert months_later(day, months) == expected


def test_a_vacancy_is_never_held():
    held = SeatFactory()
    vacancy = VacancyFactory(selection_closes=TODAY)
    assert list(Seat.objects.held()) == [held]
    assert list(Seat.objects.current(TODAY)) == [held]
    assert list(Seat.objects.vacant(TODAY)) == [vacancy]
    assert vacancy.holder_name == "Vacant"


def test_a_vacancy_whose_selection_has_closed_is_no_longer_open():
    VacancyFactory(selection_closes=TODAY - datetime.timedelta(days=1))
    no_date = VacancyFactory(selection_closes=None)
    closing_today = VacancyFactory(selection_closes=TODAY)
    assert set(Seat.objects.vacant(TODAY)) == {no_date, closing_today}


def test_a_term_ending_within_six_months_is_ending_soon():
    ends = {
        "ended yesterday": TODAY - datetime.timedelta(days=1),
        "ends today": TODAY,
        "ends in six months": datetime.date(2027, 5, 28),
        "ends a day later": datetime.date(2027, 5, 29),
    }
    seats = {name: SeatFactory(end_date=end) for name, end in ends.items()}
    SeatFactory(end_date=None)
    soon = set(Seat.objects.ending_soon(TODAY))
    assert soon == {seats["ends today"], seats["ends in six months"]}


def test_open_seats_come_soonest_first():
    later = VacancyFactory(selection_closes=TODAY + datetime.timedelta(days=60))
    undated = VacancyFactory(selection_closes=None)
    ending = SeatFactory(end_date=TODAY + datetime.timedelta(days=10))
    sooner = VacancyFactory(selection_closes=TODAY + datetime.timedelta(days=5))
    SeatFactory(end_date=None)  # held with no end: not opening
    assert list(Seat.objects.open_or_opening(TODAY)) == [sooner, ending, later, undated]


def test_a_vacant_seat_cannot_have_a_holder():
    with pytest.raises(IntegrityError):
        VacancyFactory(person=PersonFactory())


# --- Gender Equality Schemes due ---


def scheme(organisation, start, end):
    return Document.objects.create(
        kind=DocumentKind.GES,
        title=f"{organisation.name} Gender Equality Scheme {start}-{end}",
        organisation=organisation,
        start_year=start,
        end_year=end,
    )


def test_a_scheme_is_due_when_its_period_has_ended_or_ends_within_three_months():
    council, police, health = (
        OrganisationFactory(kind=kind) for kind in ("council", "police", "health")
    )
    ended = scheme(council, 2022, 2025)
    scheme(police, 2026, 2028)  # runs to December 2028
    ends_this_year = scheme(health, 2026, 2026)
    # 29 November 2026 + 3 months is February 2027: a scheme ending December 2026 is due.
    assert set(Document.objects.schemes_due(TODAY)) == {ended, ends_this_year}
    # On 1 September it still had four months to run.
    assert set(Document.objects.schemes_due(datetime.date(2026, 9, 1))) == {ended}


def test_only_a_bodys_latest_scheme_is_due():
    council = OrganisationFactory(kind="council")
    scheme(council, 2007, 2010)
    latest = scheme(council, 2010, 2013)
    renewed = OrganisationFactory(kind="council")
    scheme(renewed, 2020, 2023)
    scheme(renewed, 2024, 2028)
    assert list(Document.objects.schemes_due(TODAY)) == [latest]


def test_a_scheme_with_no_period_or_only_a_start_year():
    council, police = OrganisationFactory(kind="council"), OrganisationFactory(kind="police")
    undated = scheme(council, None, None)
    annual = scheme(police, 2025, None)  # re-done annually: ran to December 2025
    assert set(Document.objects.schemes_due(TODAY)) == {undated, annual}


# --- /get-involved/ ---


def open_seats_page(client, query=""):
    return client.get(reverse("involved:get_involved") + query)


def test_the_page_lists_vacant_seats_and_terms_ending_soonest_first(client):
    today = timezone.localdate()
    hartlepool = PartnershipFactory(name="Hartlepool Partnership", areas=[area(HARTLEPOOL)])
    board = BoardFactory(partnership=hartlepool, name="Hartlepool Board")
    VacancyFactory(
        body=board,
        selection_closes=today + datetime.timedelta(days=40),
        how_to_apply="Nominations to https://hvda.example.org/stand",
    )
    SeatFactory(
        body=board,
        person=PersonFactory(name="Ann Ending"),
        end_date=today + datetime.timedelta(days=20),
    )
    SeatFactory(body=board, person=PersonFactory(name="Held Onward"))  # no end
    SeatFactory(body=board, person=PersonFactory(name="Past Holder"), end_date=today - ONE_DAY)
    VacancyFactory(body=board, sector=Sector.HEALTH, role="Health member")  # not the VCS's

    response = open_seats_page(client)
    page = response.content.decode()
    assert response.status_code == 200
    assert [seat.holder_name for seat in response.context["page_obj"]] == ["Ann Ending", "Vacant"]
    assert "Held Onward" not in page and "Past Holder" not in page and "Health member" not in page
    assert "2 seats, soonest first" in page
    assert '<a href="https://hvda.example.org/stand"' in page  # how to apply, as a link
    assert f"Applications close</dt><dd>{(today + datetime.timedelta(days=40)):%-d %B %Y}" in page


def test_filters_by_region_and_partnership_say_so_and_share_by_link(client):
    hartlepool = PartnershipFactory(name="Hartlepool Partnership", areas=[area(HARTLEPOOL)])
    camden = PartnershipFactory(name="Camden Together", areas=[area(CAMDEN)])
    VacancyFactory(body=BoardFactory(partnership=hartlepool), role="Hartlepool seat")
    VacancyFactory(body=BoardFactory(partnership=camden), role="Camden seat")

    page = open_seats_page(client, "?region=north-east").content.decode()
    assert "Hartlepool seat" in page and "Camden seat" not in page
    assert "<title>Seats open or opening soon in the North East" in page
    assert "<h1>Seats open or opening soon in the North East</h1>" in page

    page = open_seats_page(client, f"?partnership={camden.slug}").content.decode()
    assert "Camden seat" in page and "Hartlepool seat" not in page
    assert "Seats open or opening soon on Camden Together</h1>" in page


@pytest.mark.parametrize(
    "query", ["?region=atlantis", "?partnership=nobody", "?page=zz", "?region="]
)
def test_odd_filters_get_a_clear_page_not_an_error(client, query):
    VacancyFactory()
    response = open_seats_page(client, query)
    assert response.status_code == 200
    if "atlantis" in query:
        assert "Some filters could not be used" in response.content.decode()


def test_what_a_curator_types_for_how_to_apply_is_shown_as_text(client):
    VacancyFactory(how_to_apply='<script>alert(1)</script> "ask us"')
    page = open_seats_page(client).content.decode()
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_open_seats_page_runs_the_same_queries_as_seats_grow(client):
    VacancyFactory()
    SeatFactory(end_date=timezone.localdate() + datetime.timedelta(days=9))

    def grow():
        for _ in range(15):
            VacancyFactory()
            SeatFactory(end_date=timezone.localdate() + datetime.timedelta(days=9))

    for query in ("", "?region=north-east"):
        assert_constant_queries(client, reverse("involved:get_involved") + query, grow, most=7)


# --- /gender-equality-schemes/ ---


def test_the_schemes_due_page_lists_each_bodys_due_scheme_with_what_to_do(client):
    council = OrganisationFactory(kind="council", name="Hartlepool Borough Council")
    council.areas.set([area(HARTLEPOOL)])
    police = OrganisationFactory(kind="police", name="Metropolitan Police")
    police.areas.set([area(CAMDEN)])
    scheme(council, 2007, 2010)
    scheme(police, 2008, 2011)
    renewed = OrganisationFactory(kind="health", name="Renewed PCT")
    scheme(renewed, timezone.localdate().year, timezone.localdate().year + 2)

    page = client.get(reverse("involved:schemes_due")).content.decode()
    assert "Hartlepool Borough Council Gender Equality Scheme 2007-2010" in page
    assert "Metropolitan Police Gender Equality Scheme 2008-2011" in page
    assert "Renewed PCT" not in page
    assert "Ask to be consulted on the next one" in page

    page = client.get(reverse("involved:schemes_due") + "?region=north-east").content.decode()
    assert "Hartlepool Borough Council" in page and "Metropolitan Police" not in page
    assert "<h1>Gender Equality Schemes due in the North East</h1>" in page


def test_the_schemes_due_page_runs_the_same_queries_as_schemes_grow(client):
    scheme(OrganisationFactory(kind="council"), 2007, 2010)

    def grow():
        for _ in range(10):
            council = OrganisationFactory(kind="council")
            council.areas.set([area(HARTLEPOOL)])
            scheme(council, 2007, 2010)

    for query in ("", "?region=north-east"):
        assert_constant_queries(client, reverse("involved:schemes_due") + query, grow, most=7)


# --- In a browser ---


@pytest.mark.browser
def test_a_womens_group_finds_an_open_seat_and_how_to_apply_on_a_phone(
    live_server, phone_page, areas
):
    """From the home page, three clicks: the open seats, the region, its seat's partnership."""
    hartlepool = PartnershipFactory(name="Hartlepool Partnership", areas=[area(HARTLEPOOL)])
    VacancyFactory(
        body=BoardFactory(partnership=hartlepool, name="Hartlepool Board"),
        how_to_apply="Ask Hartlepool Voluntary Development Agency: hvda@example.org",
    )
    page = phone_page
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Seats open or opening soon").click()
    assert_accessible(page)
    assert_no_horizontal_scroll(page)
    page.get_by_text("Filter seats").click()
    page.get_by_label("Region").select_option(label="North East")
    page.get_by_role("button", name="Apply filters").click()
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Seats open or opening soon in the North East"
    )
    seat = page.locator("article", has_text="Vacant seat: Hartlepool Board")
    assert "Ask Hartlepool Voluntary Development Agency" in seat.inner_text()
    assert seat.get_by_role("link", name="hvda@example.org").get_attribute("href") == (
        "mailto:hvda@example.org"
    )
    assert_accessible(page)
    assert_no_horizontal_scroll(page)


@pytest.mark.browser
def test_the_open_seats_and_schemes_pages_pass_axe_without_javascript(
    live_server, no_js_page, areas
):
    VacancyFactory()
    scheme(OrganisationFactory(kind="council"), 2007, 2010)
    for url in (reverse("involved:get_involved"), reverse("involved:schemes_due")):
        no_js_page.goto(live_server.url + url + "?region=north-east")
        assert no_js_page.get_by_role("heading", level=1).is_visible()
        assert_accessible(no_js_page)
        assert_no_horizontal_scroll(no_js_page)


def test_a_link_to_an_unknown_partnership_says_so_without_a_dead_link(client):
    VacancyFactory()
    page = open_seats_page(client, "?partnership=nowhere").content.decode()
    assert "Partnership: No partnership has that address, so every one is shown." in page
    assert 'href="#id_partnership"' not in page  # a hidden field: nothing to go to
    assert "1 seat, soonest first" in page
