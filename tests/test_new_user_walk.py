"""The public surface new since the last release, walked as its users walk it, so it stays
walked: the open seats (/get-involved/), the Gender Equality Schemes due, a partnership's open
seats, the open data API's documentation (/api/v1/), the data page (/data/) and the feeds.

Its users: a women's group on a phone (360 px), with and without JavaScript, looking for a
seat to stand for and a scheme to ask about; a policy officer at 1280 px wanting the data
(the docs, a filtered API call, the data package); and a keyboard-only user.

Each page, at both widths and with and without JavaScript: axe (WCAG 2.2 AA), no sideways
scroll, headings that never skip a level, nothing that reads "None", "null" or a raw code to
a human. Each page's every link (and feed link) answers 200 or a redirect. Tab reaches the
skip link first, which leads into the page; every stop shows its focus.
"""

import datetime
import io
import json
import re
import zipfile

import pytest
from django.urls import reverse

from partnerships.choices import DocumentKind, OrganisationKind, Sector
from partnerships.models import Document

from .browser import DESKTOP, PHONE, assert_accessible, assert_no_horizontal_scroll, new_context
from .factories import (
    BoardFactory,
    OrganisationFactory,
    PartnershipFactory,
    PersonFactory,
    SeatFactory,
    VacancyFactory,
    area,
)

pytestmark = pytest.mark.browser

HARTLEPOOL, CAMDEN = "E06000001", "E09000007"
SOON = datetime.date.today() + datetime.timedelta(days=40)

# Codes and programmers' words a human must never read on these pages. "None recorded" is
# English; "If-None-Match" is an HTTP header the API docs name.
RAW = re.compile(
    r"(?<!-)\bNone\b(?! recorded)(?!-)|\bnull\b|\bundefined\b|\bNaN\b"
    r"|\b(?:womens_network|womens_forum|ges|scs|laa|vcs|local_authority|themed_group)\b"
)
# The API docs speak to programmers: null and the codes are what they type.
PROGRAMMERS = re.compile(r"(?<!-)\bNone\b(?!-)|\bundefined\b|\bNaN\b")


@pytest.fixture
def directory(areas):
    """A partnership in the North East with a vacancy, a term ending and local support; its
    council's Gender Equality Scheme overdue; a London partnership with nothing open."""
    hartlepool = PartnershipFactory(name="Hartlepool Partnership", areas=[area(HARTLEPOOL)])
    board = BoardFactory(partnership=hartlepool, name="Hartlepool Partnership Board")
    VacancyFactory(body=board, role="VCS representative", selection_closes=SOON)
    SeatFactory(
        body=board,
        person=PersonFactory(name="Ann Ending"),
        end_date=datetime.date.today() + datetime.timedelta(days=20),
    )
    SeatFactory(body=board, sector=Sector.LOCAL_AUTHORITY, person=PersonFactory(name="Cllr Bo"))
    support = OrganisationFactory(
        name="Hartlepool Voluntary Development Agency",
        kind=OrganisationKind.INFRASTRUCTURE,
        infrastructure_type="cvs",
        website="https://hvda.example.org/",
    )
    support.areas.set([area(HARTLEPOOL)])
    council = OrganisationFactory(name="Hartlepool Borough Council", kind=OrganisationKind.COUNCIL)
    council.areas.set([area(HARTLEPOOL)])
    Document.objects.create(
        kind=DocumentKind.GES,
        title="Hartlepool Borough Council Gender Equality Scheme 2007-2010",
        organisation=council,
        start_year=2007,
        end_year=2010,
    )
    camden = PartnershipFactory(name="Camden Together", areas=[area(CAMDEN)])
    BoardFactory(partnership=camden, name="Camden Together Board")
    return {"hartlepool": hartlepool, "camden": camden}


def pages(directory):
    """(name, address) of each page walked, with its filtered and empty states."""
    hartlepool, camden = directory["hartlepool"], directory["camden"]
    seats, schemes = reverse("involved:get_involved"), reverse("involved:schemes_due")
    return [
        ("home", "/"),
        ("open seats", seats),
        ("open seats in a region", seats + "?region=north-east"),
        ("open seats on a partnership", seats + f"?partnership={hartlepool.slug}"),
        ("no open seats", seats + "?region=london"),
        ("schemes due", schemes),
        ("schemes due in a region", schemes + "?region=north-east"),
        ("no schemes due", schemes + "?region=london"),
        ("partnership with open seats", hartlepool.get_absolute_url()),
        ("partnership with none", camden.get_absolute_url()),
        ("API docs", reverse("api:docs")),
        ("data", reverse("data:page")),
    ]


PAGE_NAMES = [
    "home",
    "open seats",
    "open seats in a region",
    "open seats on a partnership",
    "no open seats",
    "schemes due",
    "schemes due in a region",
    "no schemes due",
    "partnership with open seats",
    "partnership with none",
    "API docs",
    "data",
]


def address(directory, name):
    return dict(pages(directory))[name]


def open_every_details(page):
    page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")


def headings(page):
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('h1, h2, h3, h4, h5, h6'))
            .map(h => [Number(h.tagName[1]), h.textContent.trim()])"""
    )


def assert_headings_in_order(page):
    found = headings(page)
    assert found and found[0][0] == 1, f"{page.url}: the first heading is not an h1: {found[:3]}"
    assert [level for level, _ in found].count(1) == 1, f"{page.url}: more than one h1"
    for (before, _), (level, text) in zip(found, found[1:], strict=False):
        assert level <= before + 1, f"{page.url}: h{level} {text!r} skips a level after h{before}"


def assert_reads_as_english(page, name):
    open_every_details(page)
    text = page.evaluate("() => document.body.innerText")
    pattern = PROGRAMMERS if name == "API docs" else RAW
    found = [text[max(0, m.start() - 40) : m.end() + 40] for m in pattern.finditer(text)]
    assert not found, f"{page.url} shows a human raw values: {found}"


@pytest.mark.parametrize("name", PAGE_NAMES)
@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["360", "1280"])
def test_each_new_page_reads_well_at_each_width(
    live_server, browser, directory, name, javascript, viewport
):
    context = new_context(
        browser, viewport=viewport, java_script_enabled=javascript, is_mobile=viewport == PHONE
    )
    try:
        page = context.new_page()
        response = page.goto(live_server.url + address(directory, name))
        assert response.status == 200
        assert_headings_in_order(page)
        assert_accessible(page)
        assert_no_horizontal_scroll(page, **viewport)
        # Folded text (terms ending, each list's fields) must fit too, once opened.
        open_every_details(page)
        assert_no_horizontal_scroll(page, **viewport)
        assert_reads_as_english(page, name)
    finally:
        context.close()


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_every_link_on_each_new_page_answers(live_server, page, directory, name):
    page.goto(live_server.url + address(directory, name))
    hrefs = page.evaluate(
        """() => Array.from(document.querySelectorAll('a[href], link[rel=alternate][href]'))
            .map(a => a.href)"""
    )
    ours = {href.split("#")[0] for href in hrefs if href.startswith(live_server.url)}
    assert ours, "no links found"
    broken = []
    for href in sorted(ours):
        answer = page.request.get(href, max_redirects=0)
        if answer.status not in (200, 301, 302):
            broken.append((answer.status, href))
    assert not broken, f"{page.url} links to pages that do not answer: {broken}"


@pytest.mark.parametrize("name", PAGE_NAMES)
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["360", "1280"])
def test_each_new_page_by_keyboard(live_server, browser, directory, name, viewport):
    """Tab reaches the skip link first, which leads into the page; every stop shows where
    focus is, in the order of the page."""
    context = new_context(browser, viewport=viewport)
    try:
        page = context.new_page()
        page.goto(live_server.url + address(directory, name))
        stops = []
        for _ in range(40):
            page.keyboard.press("Tab")
            stop = page.evaluate(
                """() => { const el = document.activeElement;
                    if (el === document.body) return null;
                    const style = getComputedStyle(el);
                    const box = el.getBoundingClientRect();
                    return {text: el.textContent.trim().replace(/\\s+/g, ' ').slice(0, 60),
                            outline: style.outlineStyle !== 'none'
                                && parseFloat(style.outlineWidth) > 0,
                            shadow: style.boxShadow !== 'none',
                            seen: box.width > 0 && box.height > 0,
                            order: Array.from(document.querySelectorAll('*')).indexOf(el)}; }"""
            )
            if stop is None:
                break
            stops.append(stop)
        assert stops[0]["text"] == "Skip to main content"
        unseen = [s["text"] for s in stops if not (s["outline"] or s["shadow"]) or not s["seen"]]
        assert not unseen, f"{page.url}: focus cannot be seen on {unseen}"
        order = [s["order"] for s in stops]
        assert order == sorted(order), f"{page.url}: Tab jumps about: {stops}"

        page.goto(live_server.url + address(directory, name))
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")
        page.keyboard.press("Tab")
        assert page.evaluate("() => !!document.activeElement.closest('#main')"), (
            f"{page.url}: the skip link does not lead into the page"
        )
    finally:
        context.close()


def test_a_womens_group_on_a_phone_without_javascript_finds_a_seat_and_a_scheme(
    live_server, browser, directory
):
    context = new_context(browser, viewport=PHONE, java_script_enabled=False, is_mobile=True)
    try:
        page = context.new_page()
        page.goto(live_server.url + "/")
        page.get_by_role("link", name="Seats open or opening soon").click()
        page.get_by_text("Filter seats").click()
        page.get_by_label("Region").select_option(label="North East")
        page.get_by_role("button", name="Apply filters").click()
        assert page.get_by_role("heading", level=1).inner_text() == (
            "Seats open or opening soon in the North East"
        )
        seat = page.locator("article", has_text="Vacant seat: Hartlepool Partnership Board")
        assert f"Applications close\n{SOON:%-d %B %Y}" in seat.inner_text()
        seat.get_by_role("link", name="Hartlepool Partnership").click()
        assert page.get_by_role("heading", level=1).inner_text() == "Hartlepool Partnership"
        page.get_by_role("link", name="schemes due in the North East region").click()
        row = page.locator("tr", has_text="Hartlepool Borough Council")
        assert "2007 to 2010" in row.inner_text()
        assert_no_horizontal_scroll(page)
    finally:
        context.close()


def test_a_policy_officer_goes_from_the_docs_to_a_filtered_call_and_the_package(
    live_server, page, directory
):
    page.goto(live_server.url + reverse("api:docs"))
    # The docs name each filter's values beside their meanings, for the seats list too.
    seats = page.locator("section", has=page.get_by_role("heading", name="/api/v1/seats/"))
    filters = seats.get_by_role("table", name=re.compile("Filters of"))
    assert "vcs: Voluntary and community sector" in filters.inner_text()
    assert "north-east" in filters.get_by_role("row", name=re.compile("^region")).inner_text()

    with page.expect_response(re.compile(r"/api/v1/seats/\?region=north-east")) as called:
        page.get_by_role("link", name="VCS seats in the North East").click()
    answer = json.loads(called.value.text())
    assert {seat["organization_name"] for seat in answer["results"]} == {
        "Hartlepool Partnership Board"
    }
    assert {seat["sector"] for seat in answer["results"]} == {"vcs"}

    page.goto(live_server.url + reverse("data:page"))
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the data package (zip)").click()
    package = zipfile.ZipFile(io.BytesIO(open(download.value.path(), "rb").read()))
    assert "datapackage.json" in package.namelist()
    assert "Hartlepool Partnership" in package.read("partnerships.csv").decode()
    feed = page.get_by_role("link", name="changes across England (Atom feed)")
    answer = page.request.get(feed.evaluate("a => a.href"))
    assert answer.status == 200
    assert answer.headers["content-type"].startswith("application/atom+xml")


def test_the_api_docs_tables_stack_on_a_phone(live_server, phone_page, directory):
    phone_page.goto(live_server.url + reverse("api:docs"))
    open_every_details(phone_page)
    tables = phone_page.evaluate(
        """() => Array.from(document.querySelectorAll('main table')).map(t => ({
            stacked: t.classList.contains('table--stacked'),
            cells: Array.from(t.querySelectorAll('td')).map(td => getComputedStyle(td).display),
            labelled: Array.from(t.querySelectorAll('td')).every(td => td.dataset.label)}))"""
    )
    assert len(tables) > 5
    for table in tables:
        assert table["stacked"] and table["labelled"]
        assert "table-cell" not in table["cells"]
    assert_no_horizontal_scroll(phone_page)


def test_open_seats_headings_say_whose_board_for_a_reader_moving_by_heading(
    live_server, page, directory
):
    """Many partnerships call their board "Executive Board": on the list of every
    partnership's seats, each seat's heading names its partnership too."""
    board = BoardFactory(partnership=directory["camden"], name="Executive Board")
    VacancyFactory(body=board, role="VCS representative")
    page.goto(live_server.url + reverse("involved:get_involved"))
    assert [text for level, text in headings(page) if level == 2] == [
        "Term ending: Hartlepool Partnership Board, VCS representative",
        "Vacant seat: Executive Board, VCS representative on Camden Together",
        # A board already named after its partnership is not named twice.
        "Vacant seat: Hartlepool Partnership Board, VCS representative",
    ]
    assert page.get_by_role(
        "heading", name=re.compile(r"Executive Board, VCS representative\s+on Camden Together")
    ).is_visible()


def test_the_empty_lists_say_where_nothing_is_open(live_server, phone_page, directory):
    phone_page.goto(live_server.url + address(directory, "no open seats"))
    assert "No VCS seat in London is recorded as open or ending soon." in (
        phone_page.locator("main").inner_text()
    )
    phone_page.goto(live_server.url + address(directory, "no schemes due"))
    assert "No Gender Equality Scheme recorded in London is due." in (
        phone_page.locator("main").inner_text()
    )
