"""The main story in a real browser: a women's group finds its LSP and its VCS
representative's contact, by place name and by postcode, in three steps or fewer; and every
public page type passes axe-core (WCAG 2.2 AA), works without JavaScript and fits a phone."""

import pytest
from django.core.management import call_command

from partnerships.models import Partnership, Seat
from tests.browser import PHONE, assert_accessible, assert_no_horizontal_scroll, new_context

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(areas):
    call_command("load_demo", stdout=open("/dev/null", "w"))
    return Partnership.objects.get(name="Hartlepool Partnership")


def published_vcs_seat(partnership):
    return (
        Seat.objects.current()
        .vcs()
        .filter(body__partnership=partnership, person__publish_contact=True)
        .exclude(person__email="")
        .select_related("person")
        .first()
    )


@pytest.mark.parametrize("query", ["hartlepool", "TS24 7BA"])
def test_from_home_to_a_vcs_representatives_contact_in_three_steps(live_server, page, demo, query):
    seat = published_vcs_seat(demo)
    assert seat, "the demo gives Hartlepool a VCS representative who agreed to publish"

    page.goto(live_server.url + "/")  # step 1: the home page
    page.get_by_label("Town, council, partnership or postcode").fill(query)
    page.get_by_role("button", name="Search").click()  # step 2: search lands on the LSP
    # A postcode's redirect carries ?postcode= so the page can say where it is.
    assert page.url.split("?")[0] == live_server.url + demo.get_absolute_url()
    assert page.get_by_role("heading", level=1).inner_text() == demo.name

    vcs = page.locator("#vcs-representatives").locator("..")
    assert vcs.get_by_text(seat.person.name).first.is_visible()
    email = vcs.get_by_role("link", name=seat.person.email)  # step 3: the contact
    assert email.first.get_attribute("href") == f"mailto:{seat.person.email}"


def test_the_story_works_without_javascript(live_server, no_js_page, demo):
    no_js_page.goto(live_server.url + "/")
    no_js_page.get_by_label("Town, council, partnership or postcode").fill("TS24 7BA")
    no_js_page.get_by_role("button", name="Search").click()
    assert no_js_page.url.split("?")[0] == live_server.url + demo.get_absolute_url()


def test_a_postcode_outside_england_explains_itself_in_the_browser(live_server, page, demo):
    page.goto(live_server.url + "/search/?q=EH1+1YZ")
    assert "is in Scotland" in page.locator("main").inner_text()
    assert_accessible(page)


def public_pages(partnership):
    seat = published_vcs_seat(partnership)
    network = partnership.networks.first() or partnership.bodies.first()
    area = partnership.areas.first()
    return {
        "home": "/",
        "search results": "/search/?q=north",
        "search problem": "/search/?q=ZZ9+9ZZ",
        "partnerships": "/partnerships/?region=north-east",
        "partnership": partnership.get_absolute_url(),
        "representatives": "/representatives/?sector=vcs",
        "representatives with a bad filter": "/representatives/?sector=pirates&page=2",
        "networks": "/networks/",
        "network": network.get_absolute_url(),
        "region": area.region.get_absolute_url(),
        "area": area.get_absolute_url(),
        "organisation": seat.organisation.get_absolute_url(),
        "representation report": "/representation/",
        "representation report for a region": "/representation/?region=north-east",
        "representation report of another day": "/representation/?region=london&on=2008-02-29",
        "representation report with a bad day": "/representation/?on=2008-02-30",
        "vacant seats": "/representatives/?term=vacant&sector=vcs&region=north-east",
        "terms ending soon": "/representatives/?term=ending",
        "not found": "/partnerships/no-such-partnership/",
    }


def test_every_public_page_type_passes_axe_fits_a_phone_and_breaks_no_csp_rule(
    live_server, browser, demo
):
    failures = []
    desktop = new_context(browser)
    phone = new_context(browser, viewport=PHONE, is_mobile=True)
    try:
        for name, path in public_pages(demo).items():
            for ctx in (desktop, phone):
                tab = ctx.new_page()
                blocked = []  # what the Content Security Policy refused: inline styles, scripts
                tab.on(
                    "console",
                    lambda message, blocked=blocked: (
                        "Content Security Policy" in message.text and blocked.append(message.text)
                    ),
                )
                response = tab.goto(live_server.url + path)
                if blocked:
                    failures.append(f"{name}: the CSP blocked {blocked}")
                if response.status >= 500:
                    failures.append(f"{name}: status {response.status}")
                try:
                    assert_accessible(tab)
                    if ctx is phone:
                        assert_no_horizontal_scroll(tab)
                except AssertionError as problem:
                    failures.append(f"{name} ({'phone' if ctx is phone else 'desktop'}): {problem}")
                tab.close()
    finally:
        desktop.close()
        phone.close()
    assert not failures, "\n\n".join(failures)
