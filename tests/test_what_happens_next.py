"""Someone who reports something wrong, or tells us about an area's partnership, learns what
happens next: who receives it (the curators of the record's areas, named), what they do, and
the way back to the record. A form sent with mistakes puts its error summary in focus, as
GOV.UK's does, with or without JavaScript."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import strip_tags

from curation.models import Correction
from curation.views import curated_areas
from networks.choices import NetworkKind
from partnerships.models import Area, Region

from .browser import assert_accessible, assert_no_horizontal_scroll, new_context
from .factories import (
    NetworkFactory,
    OrganisationFactory,
    PartnershipFactory,
    SeatFactory,
    area,
)

pytestmark = pytest.mark.django_db

HARTLEPOOL, DARLINGTON = "E06000001", "E06000005"


def sent(client, kind, key, message="The phone number is wrong.", **extra):
    """Send a report and follow it to the page the sender lands on."""
    url = reverse("curation:report", args=[kind, key])
    return client.post(url, {"message": message, "website": "", **extra}, follow=True)


def main_text(response):
    """The words of the page's main part, as a reader meets them."""
    html = response.content.decode()
    return " ".join(strip_tags(html.split("<main", 1)[1].split("</main>", 1)[0]).split())


@pytest.mark.parametrize(
    "names, said",
    [
        ([], ""),
        (["Hartlepool"], "Hartlepool"),
        (["Darlington", "Hartlepool"], "Darlington and Hartlepool"),
        (["A", "B", "C", "D"], "A, B, C and D"),
        (["A", "B", "C", "D", "E"], "A, B, C and 2 other areas"),
    ],
)
def test_the_thank_you_page_names_a_few_areas_and_counts_the_rest(names, said):
    assert curated_areas(names) == said


def test_a_report_on_a_partnership_says_its_areas_curators_receive_it_and_what_they_do(client):
    partnership = PartnershipFactory(
        name="Tees Valley Partnership", areas=[area(HARTLEPOOL), area(DARLINGTON)]
    )
    response = sent(client, "partnership", partnership.slug)
    text = main_text(response)
    assert response.redirect_chain[-1][1] == 302
    assert "What happens next" in text
    assert (
        "Your report about Tees Valley Partnership has gone to the curators who look after "
        "Darlington and Hartlepool in this directory." in text
    )
    assert "If the directory is wrong, they correct it" in text
    assert "If it is right, they close your report with no change." in text
    assert "If you gave your email address, they may write to you" in text
    html = response.content.decode()
    assert f'<a href="{partnership.get_absolute_url()}">Back to {partnership.name}</a>' in html


def test_a_report_on_a_seat_goes_to_the_curators_of_its_partnerships_area(client):
    seat = SeatFactory(body__partnership=PartnershipFactory(areas=[area(HARTLEPOOL)]))
    text = main_text(sent(client, "seat", seat.pk))
    assert "has gone to the curators who look after Hartlepool in this directory" in text
    assert f"shows on {seat.body.partnership.name}" in text


def test_a_regional_networks_report_names_a_few_of_the_regions_areas(client):
    region = Region.objects.get(name="North East")
    network = NetworkFactory(kind=NetworkKind.WOMENS_NETWORK, region=region)
    network.areas.clear()
    text = main_text(sent(client, "network", network.slug))
    names = sorted(set(Area.objects.filter(region=region).values_list("name", flat=True)))
    assert f"{', '.join(names[:3])} and {len(names) - 3} other areas" in text
    # The page says only where the report really went.
    correction = Correction.objects.get()
    assert sorted({a.name for a in correction.areas.all()}) == names


def test_a_report_on_a_record_in_no_area_goes_to_the_site_administrators(client):
    national = OrganisationFactory(name="A National Body")
    text = main_text(sent(client, "organisation", national.slug))
    assert "has gone to the directory's site administrators" in text
    assert not Correction.objects.get().areas.exists()


def test_telling_us_about_an_area_says_its_curators_will_add_the_partnership(client):
    here = area(HARTLEPOOL)
    response = sent(client, "area", here.slug, message="It is called Hartlepool Together.")
    text = main_text(response)
    assert "What you sent has gone to the curators who look after Hartlepool" in text
    assert "they add or correct the partnership for Hartlepool" in text
    html = response.content.decode()
    assert f'<a href="{here.get_absolute_url()}">Back to Hartlepool</a>' in html


@pytest.mark.parametrize("kind", ["partnership", "area"])
def test_a_form_sent_with_mistakes_titles_its_page_error_and_links_each_error_to_its_field(
    client, kind
):
    key = PartnershipFactory().slug if kind == "partnership" else area(HARTLEPOOL).slug
    response = sent(client, kind, key, message=" ", email="not an email")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in html
    summary = html.split('<div class="error-summary"', 1)[1].split("</div>", 1)[0]
    assert 'role="alert"' in summary and 'tabindex="-1"' in summary and "autofocus" in summary
    assert '<a href="#id_message">' in summary and '<a href="#id_email">' in summary
    assert 'id="id_message"' in html and 'id="id_email"' in html
    assert not Correction.objects.exists()

    fine = sent(Client(), kind, key).content.decode()
    assert "<title>Error: " not in fine and "error-summary" not in fine


# --- In a browser ---------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.parametrize("kind", ["partnership", "area"])
@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_after_a_failed_send_the_error_summary_has_focus_and_its_links_reach_the_fields(
    live_server, areas, browser, kind, javascript
):
    key = PartnershipFactory().slug if kind == "partnership" else area(HARTLEPOOL).slug
    context = new_context(browser, java_script_enabled=javascript)
    page = context.new_page()
    page.goto(live_server.url + reverse("curation:report", args=[kind, key]))
    assert page.evaluate("document.activeElement === document.body")  # nothing to say yet
    page.fill("#id_email", "not an email")
    with page.expect_navigation():  # the form is sent, and its answer loaded, in both modes
        page.click("button[type=submit]")

    assert page.title().startswith("Error: ")
    assert page.evaluate("document.activeElement.className") == "error-summary"
    assert page.evaluate("document.activeElement.getAttribute('role')") == "alert"
    # Tab goes on to the first error's link, which takes the reader to its field.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#id_message"
    page.keyboard.press("Enter")
    assert page.url.endswith("#id_message")
    assert page.locator("#id_message").is_visible()
    assert_accessible(page)
    page.set_viewport_size({"width": 360, "height": 740})
    assert_no_horizontal_scroll(page)

    page.fill("#id_message", "The website has moved.")
    page.fill("#id_email", "")
    with page.expect_navigation():
        page.click("button[type=submit]")
    assert page.get_by_role("heading", name="What happens next").is_visible()
    assert_accessible(page)
    assert_no_horizontal_scroll(page)
    context.close()
