"""Browser-test harness: Debian's Chromium driven by Playwright, checked with axe-core.

Load it once for the whole suite from the root ``tests/conftest.py``::

    pytest_plugins = ["tests.browser"]

Then write browser tests as plain pytest functions::

    import pytest
    from tests.browser import assert_accessible, assert_no_horizontal_scroll

    pytestmark = pytest.mark.browser

    def test_partnership_page(live_server, page, areas):
        partnership = PartnershipFactory()
        page.goto(live_server.url + partnership.get_absolute_url())
        assert_accessible(page)
        assert_no_horizontal_scroll(page)

Fixtures: ``browser`` (one Chromium per session), ``context`` / ``page`` (fresh per test,
1280x800, en-GB), ``no_js_context`` / ``no_js_page`` (JavaScript disabled), ``phone_page``
(360x740). ``live_server`` comes from pytest-django and uses a transactional database: use
the ``areas`` fixture from conftest when a test needs the real ONS areas.

Chromium must be Debian's ``/usr/bin/chromium`` (``make browser`` installs it); Playwright's
own browser download is never used. A missing Chromium fails the tests rather than skipping
them, so a green run always means the pages were really checked in a browser.
"""

import os
import weakref

import pytest

# Playwright's sync API runs an event loop in the test thread; Django would then refuse
# the test's own (synchronous) database calls. The live server runs in its own thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 360, "height": 740}
DEFAULT_TIMEOUT_MS = 15_000

# Contexts made with JavaScript disabled: axe cannot run in them (see assert_accessible).
_NO_JS_CONTEXTS = weakref.WeakSet()

# WCAG 2.2 level A and AA (axe tags are cumulative per version, so list each).
WCAG_22_AA_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

__all__ = [
    "CHROMIUM",
    "DESKTOP",
    "PHONE",
    "WCAG_22_AA_TAGS",
    "assert_accessible",
    "assert_no_horizontal_scroll",
    "axe_violations",
    "browser",
    "context",
    "focusable_elements",
    "new_context",
    "no_js_context",
    "no_js_page",
    "page",
    "phone_page",
    "playwright",
    "tab_to_next",
]


def _chromium_path():
    if os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK):
        return CHROMIUM
    pytest.fail(
        f"Chromium is not installed at {CHROMIUM}. Run `make browser` (as root) to install "
        "Debian's chromium package; browser tests never download Playwright's own browser.",
        pytrace=False,
    )


# One Playwright and one Chromium per process. A test module that imports these fixtures
# by name registers them a second time; both registrations must share the same objects,
# since Playwright's sync API cannot be started twice in one thread.
_SHARED = {}


@pytest.fixture(scope="session")
def playwright():
    if "playwright" in _SHARED:
        yield _SHARED["playwright"]
        return
    from playwright.sync_api import sync_playwright

    manager = _SHARED["playwright"] = sync_playwright().start()
    try:
        yield manager
    finally:
        del _SHARED["playwright"]
        manager.stop()


@pytest.fixture(scope="session")
def browser(playwright):
    """One headless Debian Chromium for the whole session."""
    if "browser" in _SHARED:
        yield _SHARED["browser"]
        return
    executable = _chromium_path()
    chromium = _SHARED["browser"] = playwright.chromium.launch(
        executable_path=executable, args=CHROMIUM_ARGS, headless=True
    )
    try:
        yield chromium
    finally:
        del _SHARED["browser"]
        chromium.close()


def new_context(browser, *, viewport=None, java_script_enabled=True, **kwargs):
    """A fresh browser context (cookies, storage) with the project's defaults."""
    ctx = browser.new_context(
        viewport=viewport or DESKTOP,
        locale="en-GB",
        timezone_id="Europe/London",
        java_script_enabled=java_script_enabled,
        **kwargs,
    )
    ctx.set_default_timeout(DEFAULT_TIMEOUT_MS)
    ctx.set_default_navigation_timeout(DEFAULT_TIMEOUT_MS)
    if not java_script_enabled:
        _NO_JS_CONTEXTS.add(ctx)
    return ctx


@pytest.fixture
def context(browser):
    ctx = new_context(browser)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context):
    """A fresh desktop-sized page (1280x800) for each test."""
    return context.new_page()


@pytest.fixture
def no_js_context(browser):
    ctx = new_context(browser, java_script_enabled=False)
    yield ctx
    ctx.close()


@pytest.fixture
def no_js_page(no_js_context):
    """A page whose own scripts never run: every page must work without JavaScript."""
    return no_js_context.new_page()


@pytest.fixture
def phone_page(browser):
    """A page 360 px wide, the narrowest phone the site must read well on."""
    ctx = new_context(browser, viewport=PHONE, is_mobile=True, has_touch=True)
    yield ctx.new_page()
    ctx.close()


def axe_violations(page, *, tags=WCAG_22_AA_TAGS, context=None, disable_rules=()):
    """Run axe-core (from axe-playwright-python) on the page; return its violations.

    ``context`` is an optional CSS selector to check only part of the page.
    """
    from axe_playwright_python.sync_playwright import Axe

    if page.context in _NO_JS_CONTEXTS:
        # With JavaScript disabled Chromium never fires axe's timers and the check would
        # hang for ever. Our pages have no scripts, so the same URL loaded in a context
        # with JavaScript is the same document: check that one instead.
        ctx = new_context(page.context.browser, viewport=page.viewport_size)
        try:
            twin = ctx.new_page()
            twin.goto(page.url)
            return axe_violations(twin, tags=tags, context=context, disable_rules=disable_rules)
        finally:
            ctx.close()

    options = {"runOnly": {"type": "tag", "values": list(tags)}, "resultTypes": ["violations"]}
    if disable_rules:
        options["rules"] = {rule: {"enabled": False} for rule in disable_rules}
    results = Axe().run(page, context=context, options=options)
    return results.response["violations"]


def _format_violations(violations):
    lines = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation.get('impact')}): {violation['help']}\n"
            f"  {violation.get('helpUrl', '')}"
        )
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            lines.append(f"    at {target}")
            summary = (node.get("failureSummary") or "").strip().replace("\n", "\n       ")
            if summary:
                lines.append(f"       {summary}")
    return "\n".join(lines)


def assert_accessible(page, *, tags=WCAG_22_AA_TAGS, context=None, disable_rules=()):
    """Assert axe-core finds no WCAG 2.2 AA violations on the page as it is now.

    On a page with JavaScript disabled, the same URL is re-loaded with JavaScript and
    checked (axe needs timers). Disable a rule only with a comment saying why.
    """
    violations = axe_violations(page, tags=tags, context=context, disable_rules=disable_rules)
    assert not violations, (
        f"{len(violations)} accessibility violation(s) on {page.url}:\n"
        + _format_violations(violations)
    )


def assert_no_horizontal_scroll(page, width=PHONE["width"], height=PHONE["height"]):
    """Resize to a phone (360x740 by default) and assert the page does not scroll sideways."""
    page.set_viewport_size({"width": width, "height": height})
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    if scroll_width > width:
        culprits = page.evaluate(
            """(width) => Array.from(document.querySelectorAll('body *'))
                .filter(el => el.getBoundingClientRect().right > width + 0.5)
                .filter(el => !el.closest('.table-wrap') || el.matches('.table-wrap'))
                .slice(0, 10)
                .map(el => el.tagName.toLowerCase()
                    + (el.id ? '#' + el.id : '')
                    + (el.className && typeof el.className === 'string'
                        ? '.' + el.className.trim().split(/\\s+/).join('.') : '')
                    + ' right=' + Math.round(el.getBoundingClientRect().right))""",
            width,
        )
        pytest.fail(
            f"{page.url} scrolls sideways at {width} px: scrollWidth is {scroll_width}. "
            f"Elements sticking out: {culprits}",
            pytrace=False,
        )


def focusable_elements(page):
    """Tag, text and href of the focusable elements, in document order."""
    return page.evaluate(
        """() => Array.from(document.querySelectorAll(
                'a[href], button:not([disabled]), input:not([disabled]):not([type=hidden]), '
                + 'select:not([disabled]), textarea:not([disabled]), summary, '
                + '[tabindex]:not([tabindex="-1"])'))
            .filter(el => el.tabIndex >= 0)
            .map(el => ({tag: el.tagName.toLowerCase(), text: el.textContent.trim(),
                         href: el.getAttribute('href')}))"""
    )


def tab_to_next(page):
    """Press Tab and return the element that now has focus (as tag, text, href, id)."""
    page.keyboard.press("Tab")
    return page.evaluate(
        """() => { const el = document.activeElement;
            return {tag: el.tagName.toLowerCase(), text: el.textContent.trim(),
                    href: el.getAttribute('href'), id: el.id}; }"""
    )
