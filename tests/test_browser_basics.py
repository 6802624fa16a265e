"""The frame every page shares: skip link, landmarks, error pages, partials, phone width.

Browser tests use Debian's Chromium through tests/browser.py; the others render templates
with Django's test client.
"""

import re

import pytest
from django.core.paginator import Paginator
from django.template import engines, loader
from django.test import RequestFactory, override_settings
from django.views.defaults import server_error

from partnerships.models import Partnership
from tests.browser import (
    assert_accessible,
    assert_no_horizontal_scroll,
    focusable_elements,
    tab_to_next,
)

# The browser fixtures (page, phone_page, no_js_page, ...) come from tests/browser.py,
# which tests/conftest.py loads for every test module.

MISSING = "/no-such-page/"


@pytest.fixture
def demo_partnership(transactional_db):
    """A demo record, so the demonstration-data banner shows and is checked too."""
    return Partnership.objects.create(name="Demo Borough Partnership", is_demo=True)


# Browser: accessibility, keyboard, phone width, no JavaScript ------------------------


@pytest.mark.browser
@pytest.mark.parametrize("path, status", [("/", 200), (MISSING, 404)])
def test_page_has_no_wcag_22_aa_violations(live_server, page, demo_partnership, path, status):
    response = page.goto(live_server.url + path)
    assert response.status == status
    assert page.locator(".demo-banner").is_visible()
    assert_accessible(page)


@pytest.mark.browser
@pytest.mark.parametrize("path", ["/", MISSING])
def test_skip_link_is_first_and_moves_focus_to_main(live_server, page, transactional_db, path):
    page.goto(live_server.url + path)
    assert focusable_elements(page)[0]["href"] == "#main"

    skip = page.locator(".skip-link")
    assert not skip.is_visible() or skip.bounding_box()["x"] < 0  # off screen until focused

    focused = tab_to_next(page)
    assert focused["text"] == "Skip to main content"
    box = skip.bounding_box()
    assert box["x"] >= 0 and box["y"] >= 0 and box["height"] > 20  # now on screen
    # The focus style: yellow background.
    assert skip.evaluate("el => getComputedStyle(el).backgroundColor") == "rgb(255, 221, 0)"

    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    # The next Tab lands inside main, not back in the header.
    assert page.evaluate("document.activeElement.closest('main') !== null")
    next_focus = tab_to_next(page)
    assert page.evaluate("document.activeElement.closest('main') !== null"), next_focus


@pytest.mark.browser
def test_focused_links_are_yellow_with_a_dark_underline(live_server, page, transactional_db):
    page.goto(live_server.url + "/")
    page.locator(".site-footer a", has_text="Curator sign-in").focus()
    style = page.evaluate(
        """() => { const s = getComputedStyle(document.activeElement);
                   return [s.backgroundColor, s.color, s.boxShadow]; }"""
    )
    assert style[0] == "rgb(255, 221, 0)"
    assert style[1] == "rgb(11, 12, 12)"
    assert "rgb(11, 12, 12)" in style[2]


@pytest.mark.browser
@pytest.mark.parametrize("path", ["/", MISSING])
def test_no_sideways_scroll_on_a_360px_phone(live_server, phone_page, demo_partnership, path):
    phone_page.goto(live_server.url + path)
    assert_no_horizontal_scroll(phone_page)
    # All six sections of the main navigation are still reachable on a phone.
    nav_links = phone_page.locator("nav[aria-label=Main] a")
    assert nav_links.count() == 6
    for i in range(6):
        assert nav_links.nth(i).is_visible()
    assert_accessible(phone_page)


@pytest.mark.browser
def test_long_unbroken_text_wraps_on_a_phone(live_server, phone_page, transactional_db):
    # Long names and addresses are common (e-mail addresses, URLs, "-upon-" towns).
    Partnership.objects.create(name="Llanfair" + "pwllgwyngyll" * 8 + "Partnership")
    phone_page.goto(live_server.url + "/")
    assert_no_horizontal_scroll(phone_page)


@pytest.mark.browser
def test_pages_work_without_javascript(live_server, no_js_page, demo_partnership):
    assert no_js_page.evaluate("1 + 1") == 2  # Playwright itself may still evaluate
    response = no_js_page.goto(live_server.url + "/")
    assert response.status == 200
    assert no_js_page.locator("h1").is_visible()
    assert no_js_page.locator("link[rel=stylesheet]").first.get_attribute("href").endswith(".css")

    no_js_page.goto(live_server.url + MISSING)
    assert no_js_page.locator("h1").inner_text() == "Page not found"
    # The search form is a plain GET form: it submits with no script.
    no_js_page.get_by_label("Search for a partnership, council, town or postcode").fill("Leeds")
    no_js_page.get_by_role("button", name="Search").click()
    no_js_page.wait_for_url(re.compile(r"/search/\?q=Leeds$"))
    assert_accessible(no_js_page)


@pytest.mark.browser
def test_printing_hides_navigation_and_shows_link_addresses(live_server, page, transactional_db):
    page.goto(live_server.url + MISSING)
    page.evaluate(
        """() => { const a = document.createElement('a');
                   a.href = 'https://example.org/scs'; a.id = 'ext'; a.textContent = 'SCS';
                   document.querySelector('main').append(a); }"""
    )
    page.emulate_media(media="print")
    assert not page.locator("nav[aria-label=Main]").is_visible()
    assert not page.locator("form.search").is_visible()
    assert not page.locator(".skip-link").is_visible()
    after = page.evaluate("getComputedStyle(document.getElementById('ext'), '::after').content")
    assert after == '" (https://example.org/scs)"'


# Error pages with DEBUG off ------------------------------------------------------------


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_missing_page_shows_the_friendly_404(client):
    response = client.get(MISSING)
    assert response.status_code == 404
    html = response.content.decode()
    assert "<title>Page not found – LSP Directory</title>" in html
    assert 'action="/search/"' in html and 'name="q"' in html
    assert '<label class="label" for="error-search">' in html
    assert 'href="/"' in html
    assert '<main id="main"' in html


def test_500_page_renders_with_an_empty_context_and_no_database():
    # Django renders 500.html with no request and no context processors. Every variable
    # base.html uses must be guarded: make an undefined one visible, then look for it.
    # No database either: this test has no db fixture, so a query would raise.
    django_engine = engines["django"].engine
    original = django_engine.string_if_invalid
    django_engine.string_if_invalid = "UNDEFINED[%s]"
    try:
        response = server_error(RequestFactory().get("/"))
    finally:
        django_engine.string_if_invalid = original
    assert response.status_code == 500
    html = response.content.decode()
    assert "UNDEFINED" not in html
    assert "Sorry, there is a problem with the service" in html
    assert 'action="/search/"' in html
    assert "Demonstration data" not in html


# Partials ------------------------------------------------------------------------------


def render(source, **context):
    return engines["django"].from_string(source).render(context)


def test_breadcrumbs_link_every_crumb_but_the_current_page():
    html = render(
        '{% include "_breadcrumbs.html" with crumbs=crumbs %}',
        crumbs=[("Home", "/"), ("North East", "/regions/north-east/"), ("Hartlepool LSP", None)],
    )
    assert '<nav class="breadcrumbs" aria-label="Breadcrumb">' in html
    assert '<li><a href="/">Home</a></li>' in html
    assert '<li><a href="/regions/north-east/">North East</a></li>' in html
    assert '<li aria-current="page">Hartlepool LSP</li>' in html
    assert html.count("<a ") == 2


def test_pagination_keeps_the_filters_and_says_where_you_are():
    page_obj = Paginator(range(50), 10).page(3)
    request = RequestFactory().get("/representatives/", {"region": "north-east", "page": "3"})
    html = loader.render_to_string("_pagination.html", {"page_obj": page_obj, "request": request})
    assert '<nav class="pagination" aria-label="Pagination">' in html
    assert "Page 3 of 5" in html
    assert 'href="?region=north-east&amp;page=2"' in html
    assert 'href="?region=north-east&amp;page=4"' in html

    html = loader.render_to_string(
        "_pagination.html", {"page_obj": page_obj, "querystring": "sector=vcs"}
    )
    assert 'href="?sector=vcs&amp;page=2"' in html


def test_pagination_is_absent_for_a_single_page():
    page_obj = Paginator(range(5), 10).page(1)
    assert "nav" not in loader.render_to_string("_pagination.html", {"page_obj": page_obj})
