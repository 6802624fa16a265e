"""Stand for a seat, from the partnership page (issue 12): a women's group reading its
partnership's page sees the VCS seats open or opening soon, how each is filled, by when and
how to apply, or whom to ask when none is recorded; and which of the local public bodies'
Gender Equality Schemes are due, with what to ask for."""

import datetime
import re

import pytest
from django.utils import timezone
from django.utils.html import escape

from partnerships.choices import DocumentKind, OrganisationKind, Sector
from partnerships.models import Document

from .browser import DESKTOP, PHONE, assert_accessible, assert_no_horizontal_scroll
from .factories import (
    BoardFactory,
    OrganisationFactory,
    PartnershipFactory,
    PersonFactory,
    SeatFactory,
    ThemedGroupFactory,
    VacancyFactory,
    area,
)
from .querycount import assert_constant_queries

pytestmark = pytest.mark.django_db

HARTLEPOOL, CAMDEN = "E06000001", "E09000007"


def days(n):
    return timezone.localdate() + datetime.timedelta(days=n)


def local_cvs(where, name="Hartlepool Voluntary Development Agency"):
    cvs = OrganisationFactory(
        name=name, kind=OrganisationKind.INFRASTRUCTURE, infrastructure_type="cvs"
    )
    cvs.areas.set([where])
    return cvs


def section(html, heading_id):
    """The HTML of the <section> headed by the element with this id."""
    start = re.search(f'<section[^>]* aria-labelledby="{heading_id}"', html).start()
    return html[start : html.index("</section>", start)]


def page_html(client, partnership):
    response = client.get(partnership.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def hartlepool():
    return PartnershipFactory(name="Hartlepool Partnership", areas=[area(HARTLEPOOL)])


# --- Seats open or opening soon ----------------------------------------------------------


def test_the_partnership_page_shows_its_open_seats_how_filled_by_when_and_how_to_apply(
    client, hartlepool
):
    board = BoardFactory(partnership=hartlepool, name="Hartlepool Partnership Board")
    safer = ThemedGroupFactory(partnership=hartlepool, feeds_into=board, name="Safer Hartlepool")
    VacancyFactory(
        body=board,
        selection_closes=days(40),
        how_to_apply="Nomination forms from https://hvda.example.org/stand",
    )
    SeatFactory(body=safer, person=PersonFactory(name="Ann Ending"), end_date=days(20))
    SeatFactory(body=board, person=PersonFactory(name="Held Onward"))  # no end in sight
    VacancyFactory(body=board, role="Closed seat", selection_closes=days(-1))
    VacancyFactory(body=board, sector=Sector.HEALTH, role="Health member")  # not the VCS's
    camden = PartnershipFactory(name="Camden Together", areas=[area(CAMDEN)])
    VacancyFactory(body=BoardFactory(partnership=camden), role="Camden seat")

    html = page_html(client, hartlepool)
    seats = section(html, "open-seats")
    cards = re.findall(r'<article class="card">(.*?)</article>', seats, re.S)
    assert [re.search(r"<h3[^>]*>(.*?)</h3>", card)[1] for card in cards] == [
        "Vacant seat: Hartlepool Partnership Board",
        "Term ending: Safer Hartlepool, VCS representative",
    ]
    vacancy, ending = cards
    assert f"Applications close</dt><dd>{days(40):%-d %B %Y}</dd>" in vacancy
    assert "How it is filled</dt><dd>Elected</dd>" in vacancy
    assert '<a href="https://hvda.example.org/stand"' in vacancy
    # A term ending is for later, and its holder has a card above: it folds under its count.
    folded = seats.split("<details", 1)[1]
    assert "<summary><span>1 term ending within 6 months</span></summary>" in folded
    assert ending in folded and vacancy not in folded
    assert "Now held by Ann Ending" in ending
    for other in ["Held Onward", "Closed seat", "Health member", "Camden seat"]:
        assert other not in seats
    assert f'href="/get-involved/?partnership={hartlepool.slug}"' in seats
    # The VCS panel at the top points down to the vacancy; the contents list names the section.
    assert '<a href="#open-seats">1 VCS seat open now</a>' in section(html, "vcs-representatives")
    assert '<li><a href="#open-seats">Seats open or opening soon</a></li>' in html


def test_a_seat_that_does_not_say_how_to_apply_names_the_local_cvs(client, hartlepool):
    cvs = local_cvs(area(HARTLEPOOL))
    VacancyFactory(body=BoardFactory(partnership=hartlepool), how_to_apply="")
    seats = section(page_html(client, hartlepool), "open-seats")
    assert (
        f'How to apply</dt><dd>Ask <a href="{cvs.get_absolute_url()}">'
        "Hartlepool Voluntary Development Agency</a> who runs the selection.</dd>"
    ) in seats


def test_the_open_seats_sit_just_before_how_to_get_involved(client, hartlepool):
    VacancyFactory(body=BoardFactory(partnership=hartlepool))
    html = page_html(client, hartlepool)
    assert html.index('id="gender-equality"') < html.index('id="open-seats"')
    assert html.index('id="open-seats"') < html.index('id="get-involved"')
    # Step 3, "Ask for the evidence", leads back up to the schemes.
    assert '<a href="#gender-equality">Gender Equality Schemes</a>' in section(html, "get-involved")


def test_a_vacancy_is_never_shown_as_somebody_holding_a_seat(client, hartlepool):
    board = BoardFactory(partnership=hartlepool, name="Hartlepool Partnership Board")
    group = ThemedGroupFactory(partnership=hartlepool, feeds_into=board, name="Safer Hartlepool")
    SeatFactory(body=board, person=PersonFactory(name="Real Representative"))
    SeatFactory(body=board, sector=Sector.LOCAL_AUTHORITY, person=PersonFactory(name="Cllr Real"))
    VacancyFactory(body=board)
    VacancyFactory(body=group)
    VacancyFactory(body=board, sector=Sector.LOCAL_AUTHORITY, role="Council seat")

    html = page_html(client, hartlepool)
    representatives = section(html, "vcs-representatives")
    cards = re.findall(r'<article class="card person-card"', representatives)
    assert len(cards) == 1 and "Real Representative" in representatives
    bodies = html[html.index('id="board-and-groups"') : html.index('id="networks"')]
    assert "Vacant" not in representatives and "Vacant" not in bodies
    assert "Council seat" not in bodies
    assert "<p>1 other member, by sector: local authority 1.</p>" in bodies
    assert "Safer Hartlepool</span></summary>" in bodies
    assert "0 current members." in bodies  # the group's vacancy is nobody sitting on it


@pytest.mark.parametrize("with_cvs", [True, False])
def test_with_no_open_seat_the_page_says_so_and_whom_to_ask(client, hartlepool, with_cvs):
    if with_cvs:
        local_cvs(area(HARTLEPOOL))
    board = BoardFactory(partnership=hartlepool)
    SeatFactory(body=board, end_date=None)
    SeatFactory(body=board, end_date=days(400))  # beyond six months: not opening soon

    seats = section(page_html(client, hartlepool), "open-seats")
    assert "No VCS seat here is recorded as vacant or ending soon" in seats
    if with_cvs:
        assert ">Hartlepool Voluntary Development Agency</a> when the next one is" in seats
    else:
        assert "ask your local Council for Voluntary Service when the next one is" in seats
    assert (
        'href="/get-involved/?region=north-east">seats open across the North East region</a>'
        in seats
    )
    assert "<article" not in seats
    assert "open now</a>: your group could stand" not in page_html(client, hartlepool)


def test_what_a_curator_types_for_how_to_apply_is_shown_as_text(client, hartlepool):
    VacancyFactory(body=BoardFactory(partnership=hartlepool), how_to_apply="<b>ask</b> us")
    seats = section(page_html(client, hartlepool), "open-seats")
    assert "<b>ask</b>" not in seats and "&lt;b&gt;ask&lt;/b&gt; us" in seats


# --- Gender Equality Schemes due ---------------------------------------------------------


def scheme(organisation, start, end):
    return Document.objects.create(
        kind=DocumentKind.GES,
        title=f"{organisation.name} Gender Equality Scheme {start}-{end}",
        organisation=organisation,
        start_year=start,
        end_year=end,
    )


def public_body(kind, name, code=HARTLEPOOL):
    organisation = OrganisationFactory(kind=kind, name=name)
    organisation.areas.set([area(code)])
    return organisation


def test_the_schemes_due_are_marked_with_what_a_group_can_ask(client, hartlepool):
    year = timezone.localdate().year
    council = public_body(OrganisationKind.COUNCIL, "Hartlepool Borough Council")
    police = public_body(OrganisationKind.POLICE, "Cleveland Police")
    pct = public_body(OrganisationKind.HEALTH, "Hartlepool PCT")
    due = scheme(council, year - 4, year - 1)
    renewed_old = scheme(police, year - 5, year - 2)  # replaced by a newer one: not due
    current = scheme(police, year, year + 2)
    undated = scheme(pct, None, None)  # nobody can say it is up to date

    html = page_html(client, hartlepool)
    schemes = section(html, "gender-equality")
    items = {li.split(" <span")[0]: li for li in re.findall(r"<li>(.*?)</li>", schemes, re.S)}
    marked = {title for title, li in items.items() if "Due for renewal" in li}
    assert marked == {escape(due.title), escape(undated.title)}
    assert set(items) == {escape(d.title) for d in (due, renewed_old, current, undated)}
    # The page's marks are the one rule's answer, not a copy of it.
    assert marked == {escape(d.title) for d in Document.objects.schemes_due()}
    assert "ask what evidence it used and whom it consulted" in schemes
    assert "ask to be consulted on the next one" in schemes
    assert (
        '<a href="/gender-equality-schemes/?region=north-east">'
        "schemes due in the North East region</a>" in schemes
    )


def test_another_areas_scheme_is_not_listed(client, hartlepool):
    scheme(public_body(OrganisationKind.COUNCIL, "Camden Council", CAMDEN), 2007, 2010)
    schemes = section(page_html(client, hartlepool), "gender-equality")
    assert "Camden Council" not in schemes
    assert "No Gender Equality Scheme is recorded for this area." in schemes


# --- Cost ---------------------------------------------------------------------------------

# The data stamp (page cache); the partnership, its areas with their regions, its bodies,
# their seats and its strategies; its networks; the local infrastructure bodies; the open
# seats; whether any record is demo data (the banner); the schemes, each marked due or not.
PAGE_QUERIES = 11


def test_the_page_runs_a_fixed_number_of_queries_as_open_seats_and_schemes_grow(client, hartlepool):
    board = BoardFactory(partnership=hartlepool)
    local_cvs(area(HARTLEPOOL))
    year = timezone.localdate().year

    def grow():
        for n in range(6):
            VacancyFactory(body=board, selection_closes=days(10 + n))
            SeatFactory(body=board, end_date=days(30 + n))
            council = public_body(OrganisationKind.COUNCIL, f"Council {n}")
            scheme(council, year - 4, year - 1)
            scheme(council, year, year + 2)
            SeatFactory(body=board, sector=Sector.LOCAL_AUTHORITY, organisation=council)

    grow()  # both sizes ask the same questions: seats, schemes, a CVS
    count = assert_constant_queries(client, hartlepool.get_absolute_url(), grow)
    assert section(page_html(client, hartlepool), "open-seats").count("<article") == 24
    # Pinned: a new query on this page should be a decision, not an accident.
    assert count == PAGE_QUERIES


# --- In a browser: a women's group from a town ------------------------------------------


@pytest.mark.browser
@pytest.mark.parametrize(
    "fixture, size", [("page", DESKTOP), ("phone_page", PHONE), ("no_js_page", DESKTOP)]
)
def test_a_womens_group_from_a_town_finds_an_open_seat_in_three_clicks(
    live_server, areas, request, fixture, size
):
    """Home page, type the town, Search (1); the partnership page; 'Seats open or opening
    soon' in its contents (2): the seat, how it is filled, its closing date and how to
    apply, all on screen."""
    partnership = PartnershipFactory(name="Hartlepool Partnership", areas=[area(HARTLEPOOL)])
    local_cvs(area(HARTLEPOOL))
    board = BoardFactory(partnership=partnership, name="Hartlepool Partnership Board")
    SeatFactory(body=board, person=PersonFactory(name="Sitting Representative"))
    SeatFactory(body=board, person=PersonFactory(name="Leaving Soon"), end_date=days(60))
    VacancyFactory(
        body=board,
        selection_closes=days(40),
        how_to_apply="Ask Hartlepool Voluntary Development Agency for a nomination form",
    )
    page = request.getfixturevalue(fixture)
    clicks = 0

    page.goto(live_server.url + "/")
    page.get_by_label("Town, council, partnership or postcode").fill("Hartlepool")
    page.get_by_role("button", name="Search").click()
    clicks += 1
    assert page.get_by_role("heading", level=1).inner_text() == "Hartlepool Partnership"
    page.get_by_role("navigation", name="On this page").get_by_role(
        "link", name="Seats open or opening soon"
    ).click()
    clicks += 1
    assert clicks <= 3

    card = page.locator("section[aria-labelledby='open-seats'] > article.card")
    assert card.count() == 1
    text = card.inner_text()
    assert "Vacant seat: Hartlepool Partnership Board" in text
    assert "Elected" in text
    assert f"{days(40):%-d %B %Y}" in text
    assert "Ask Hartlepool Voluntary Development Agency for a nomination form" in text
    # The link brought the section to the top of the screen, its first seat on screen too.
    heading = page.get_by_role("heading", name="Seats open or opening soon")
    assert abs(heading.bounding_box()["y"]) < 24
    assert card.bounding_box()["y"] < size["height"]
    # The term ending soon opens from its count, without JavaScript (a <details>).
    ending = page.locator("section[aria-labelledby='open-seats'] details")
    assert not ending.get_by_text("Now held by Leaving Soon").is_visible()
    ending.get_by_text("1 term ending within 6 months").click()
    assert ending.get_by_text("Now held by Leaving Soon").is_visible()
    assert_accessible(page)
    assert_no_horizontal_scroll(page)
