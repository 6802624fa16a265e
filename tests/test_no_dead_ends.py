"""Nobody leaves an area's page empty-handed: whether or not a partnership is recorded there,
it names the council, the local and regional bodies that can help, the national bodies, and a
way to tell the curators about the partnership (issue 11, "No dead ends")."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from curation.models import Correction, Curator, ReportWindow
from networks.choices import NetworkKind, NetworkStatus
from networks.models import Network
from partnerships.choices import InfrastructureType, OrganisationKind
from partnerships.models import Area, Organisation

from .browser import assert_accessible, assert_no_horizontal_scroll
from .factories import NetworkFactory, OrganisationFactory, PartnershipFactory, area
from .querycount import assert_constant_queries

pytestmark = pytest.mark.django_db

HARTLEPOOL = "E06000001"  # North East; a partnership is recorded in some tests
NORTH_LINCOLNSHIRE = "E06000013"  # Yorkshire and The Humber; where Scunthorpe is
CITY_OF_LONDON = "E09000001"
FIND_YOUR_COUNCIL = "https://www.gov.uk/find-local-council"
NATIONAL_BODIES = {
    "Women's Resource Centre": "https://www.wrc.org.uk/",
    "NAVCA": "https://www.navca.org.uk/",
    "ACRE (Action with Communities in Rural England)": "https://acre.org.uk/",
}


def text(response):
    return response.content.decode()


def tell_us_url(an_area):
    return reverse("curation:report", args=["area", an_area.slug])


def tell_us(client, an_area, message="The partnership is called One North Lincolnshire.", **extra):
    data = {"message": message, "email": "", "website": ""}
    data.update({k: v for k, v in extra.items() if k in data})
    meta = {k: v for k, v in extra.items() if k not in data}
    return client.post(tell_us_url(an_area), data, **meta)


def organisation(areas=(), **fields):
    made = OrganisationFactory(**fields)
    made.areas.set(areas)
    return made


def regional_network(region, **fields):
    """A network recorded with its region and no areas: it covers every area of the region."""
    network = NetworkFactory(region=region, **fields)
    network.areas.clear()
    return network


def national_bodies():
    """The national bodies the data migration records; a transactional (browser) test's flush
    removes them, so put them back as the migration did."""
    from importlib import import_module

    from django.apps import apps

    migration = import_module("partnerships.migrations.0007_national_help_bodies")
    migration.add_national_bodies(apps, None)


@pytest.fixture(params=["no partnership", "with a partnership"])
def scene(request):
    """An area with everything around it that its page should offer, and things it should not."""
    here = area(NORTH_LINCOLNSHIRE if request.param == "no partnership" else HARTLEPOOL)
    elsewhere = area(CITY_OF_LONDON)
    neighbour = Area.objects.filter(region=here.region, is_current=True).exclude(pk=here.pk)[0]
    partnership = None
    if request.param == "with a partnership":
        partnership = PartnershipFactory(name="Here Partnership", areas=[here])
    council = organisation([here], name="Here Council", kind=OrganisationKind.COUNCIL)
    organisation([elsewhere], name="Elsewhere Council", kind=OrganisationKind.COUNCIL)
    cvs = OrganisationFactory(
        name="Here CVS",
        kind=OrganisationKind.INFRASTRUCTURE,
        infrastructure_type=InfrastructureType.CVS,
        website="https://cvs.example.org/",
    )
    cvs.areas.set([here])
    equalities = OrganisationFactory(
        name="Here Equalities Forum",
        kind=OrganisationKind.INFRASTRUCTURE,
        infrastructure_type=InfrastructureType.EQUALITIES,
    )
    equalities.areas.set([here])
    far_cvs = OrganisationFactory(
        name="Neighbour CVS",
        kind=OrganisationKind.INFRASTRUCTURE,
        infrastructure_type=InfrastructureType.CVS,
    )
    far_cvs.areas.set([neighbour])
    return {
        "area": here,
        "partnership": partnership,
        "council": council,
        "shown": [
            NetworkFactory(name="Here CEN", areas=[here]),
            regional_network(
                here.region, name="Regional Women's Network", kind=NetworkKind.WOMENS_NETWORK
            ),
            regional_network(here.region, name="Regional CEN"),
        ],
        "not_shown": [
            NetworkFactory(name="Neighbour CEN", areas=[neighbour]),
            NetworkFactory(
                name="Neighbour Forum",
                kind=NetworkKind.WOMENS_FORUM,
                areas=[neighbour],
                region=here.region,
            ),
            regional_network(
                elsewhere.region, name="Faraway Women's Network", kind=NetworkKind.WOMENS_NETWORK
            ),
            NetworkFactory(name="Ceased CEN", areas=[here], status=NetworkStatus.CEASED),
        ],
    }


# --- Every area page gives a way forward ---------------------------------------------------


def test_the_page_names_the_council_and_links_to_find_your_local_council(client, scene):
    html = text(client.get(scene["area"].get_absolute_url()))
    assert f'href="{FIND_YOUR_COUNCIL}"' in html
    assert "Here Council" in html and scene["council"].get_absolute_url() in html
    assert "Elsewhere Council" not in html


def test_without_a_recorded_council_the_gov_uk_link_still_finds_it(client):
    here = area(NORTH_LINCOLNSHIRE)
    html = text(client.get(here.get_absolute_url()))
    assert f'href="{FIND_YOUR_COUNCIL}"' in html
    assert f"The council for {here.name}" in html


def test_the_page_lists_the_local_infrastructure_bodies_of_the_area(client, scene):
    html = text(client.get(scene["area"].get_absolute_url()))
    assert "Here CVS" in html and "https://cvs.example.org/" in html
    assert "Here Equalities Forum" in html and "Equalities network or forum" in html
    assert "Neighbour CVS" not in html


def test_a_district_shows_its_countys_bodies(client):
    district = Area.objects.filter(parent__isnull=False, is_current=True).first()
    rcc = OrganisationFactory(
        name="County RCC",
        kind=OrganisationKind.INFRASTRUCTURE,
        infrastructure_type=InfrastructureType.RCC,
    )
    rcc.areas.set([district.parent])
    NetworkFactory(
        name="County Women's Forum", kind=NetworkKind.WOMENS_FORUM, areas=[district.parent]
    )
    html = text(client.get(district.get_absolute_url()))
    assert "County RCC" in html and "County Women&#x27;s Forum" in html


def test_the_page_lists_cens_and_womens_networks_of_the_area_and_of_its_whole_region(client, scene):
    html = text(client.get(scene["area"].get_absolute_url()))
    for network in scene["shown"]:
        assert network.get_absolute_url() in html, network.name
    for network in scene["not_shown"]:
        assert network.get_absolute_url() not in html, network.name
    assert f"across {scene['area'].region.name}" in html


def test_network_serving_area_is_the_one_rule(scene):
    serving = set(Network.objects.serving_area(scene["area"]).active())
    assert serving == set(scene["shown"])
    # Each once, though a network may match by several paths.
    assert Network.objects.serving_area(scene["area"]).count() == len(scene["shown"]) + 1


def test_a_network_feeding_into_a_partnership_of_the_area_is_shown(client):
    here = area(NORTH_LINCOLNSHIRE)
    partnership = PartnershipFactory(areas=[here])
    network = NetworkFactory(
        name="Partnership's Women's Forum", kind=NetworkKind.WOMENS_FORUM, partnership=partnership
    )
    network.areas.clear()
    assert network.get_absolute_url() in text(client.get(here.get_absolute_url()))


def test_the_national_bodies_are_curated_records_shown_on_every_area_page(client, scene):
    recorded = Organisation.objects.national_help()
    assert {body.name: body.website for body in recorded} == NATIONAL_BODIES
    html = text(client.get(scene["area"].get_absolute_url()))
    for body in recorded:
        assert body.get_absolute_url() in html and body.website in html
        assert escape(body.national_help) in html
    assert "Find your local Council for Voluntary Service (CVS)" in html


def test_the_national_bodies_have_a_first_version_to_return_to():
    for body in Organisation.objects.national_help():
        assert body.history.filter(history_type="+").exists(), body.name


def test_a_curators_edit_of_a_national_body_shows_on_the_page(client):
    Organisation.objects.filter(slug="navca").update(national_help="Ask NAVCA where your CVS is")
    html = text(client.get(area(NORTH_LINCOLNSHIRE).get_absolute_url()))
    assert "Ask NAVCA where your CVS is" in html
    assert "Find your local Council for Voluntary Service (CVS)" not in html


def test_the_page_offers_to_tell_us_about_the_partnership_here(client, scene):
    html = text(client.get(scene["area"].get_absolute_url()))
    assert f'href="{tell_us_url(scene["area"])}"' in html
    assert "Tell us about the partnership here" in html


def test_a_partnership_is_listed_where_recorded_and_its_absence_said_where_not(client, scene):
    html = text(client.get(scene["area"].get_absolute_url()))
    if scene["partnership"]:
        assert scene["partnership"].get_absolute_url() in html
        assert "No partnership is recorded" not in html
    else:
        assert f"No partnership is recorded for {scene['area'].name} yet" in html


def test_searching_for_a_town_with_no_partnership_links_to_its_area_page(client):
    response = client.get(reverse("partnerships:search"), {"q": "Scunthorpe"})
    html = text(response)
    assert "Scunthorpe is in North Lincolnshire" in html
    assert f'href="{area(NORTH_LINCOLNSHIRE).get_absolute_url()}"' in html


def test_the_area_page_runs_a_constant_number_of_queries(client):
    here = area(NORTH_LINCOLNSHIRE)
    neighbours = list(Area.objects.filter(region=here.region).exclude(pk=here.pk)[:5])

    def grow(rows=range(1, 7)):
        for n in rows:
            PartnershipFactory(areas=[here, neighbours[n % len(neighbours)]])
            council = OrganisationFactory(kind=OrganisationKind.COUNCIL)
            council.areas.set([here])
            cvs = OrganisationFactory(
                kind=OrganisationKind.INFRASTRUCTURE, infrastructure_type=InfrastructureType.CVS
            )
            cvs.areas.set([here, neighbours[0]])
            NetworkFactory(areas=[here, neighbours[0]])
            NetworkFactory(kind=NetworkKind.WOMENS_NETWORK, areas=[here], region=here.region)
            regional_network(here.region, kind=NetworkKind.WOMENS_FORUM)
            OrganisationFactory(national_help=f"National help {n}")

    grow(range(1))  # one of each to start with, then six more
    url = here.get_absolute_url()
    assert_constant_queries(client, url, grow, most=12)
    html = text(client.get(url))
    assert html.count("National help ") == 7  # the grown rows are on the page


def test_a_partnership_page_lists_the_regional_networks_of_its_region(client):
    here = area(HARTLEPOOL)
    partnership = PartnershipFactory(areas=[here])
    regional_cen = regional_network(here.region, name="North East CEN Network")
    regional_womens = regional_network(
        here.region, name="North East Women's Network", kind=NetworkKind.WOMENS_NETWORK
    )
    faraway = regional_network(area(CITY_OF_LONDON).region, name="London Women's Network")
    html = text(client.get(partnership.get_absolute_url()))
    assert regional_cen.get_absolute_url() in html
    assert regional_womens.get_absolute_url() in html
    assert faraway.get_absolute_url() not in html
    assert "Regional network, across North East" in html  # the CEN says it is regional
    assert "Women&#x27;s network, across North East" in html


def test_a_place_lists_its_own_networks_and_a_few_of_its_regions_then_links_to_the_rest(client):
    """At national scale a region holds dozens of regional networks: a partnership page and
    an area page list their own networks in full, then five regional ones of each kind, and
    say how many there are, with a link to the networks list of the region."""
    here = area(HARTLEPOOL)
    partnership = PartnershipFactory(areas=[here])
    own = NetworkFactory(kind=NetworkKind.WOMENS_NETWORK, areas=[here], name="Hartlepool Women")
    tied = regional_network(here.region, name="Forum of the partnership", partnership=partnership)
    womens = [
        regional_network(here.region, name=f"Regional Women {n}", kind=NetworkKind.WOMENS_NETWORK)
        for n in range(7)
    ]
    cens = [regional_network(here.region, name=f"Regional CEN {n}") for n in range(3)]
    for url in [partnership.get_absolute_url(), here.get_absolute_url()]:
        html = text(client.get(url))
        assert own.get_absolute_url() in html
        assert tied.get_absolute_url() in html  # tied to a partnership here: its own
        assert [n for n in womens if n.get_absolute_url() in html] == womens[:5]
        assert all(n.get_absolute_url() in html for n in cens)  # three: no link needed
        assert "5 of the 7 regional women's forums and networks" in html
        assert f'href="/networks/?region={here.region.slug}"' in html
        assert "regional Community Empowerment Networks covering" not in html


# --- Tell us about the partnership here ----------------------------------------------------


def test_the_tell_us_form_opens_for_an_area(client):
    here = area(NORTH_LINCOLNSHIRE)
    response = client.get(tell_us_url(here))
    assert response.status_code == 200
    html = text(response)
    assert "What do you know about the partnership here?" in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert 'name="website"' in html and 'tabindex="-1"' in html
    assert f'href="{here.get_absolute_url()}"' in html


def test_what_they_tell_us_is_stored_and_routed_to_the_curators_of_that_area(client):
    here = area(NORTH_LINCOLNSHIRE)
    response = tell_us(client, here, email="teller@example.org")
    assert response.status_code == 302
    assert response["Location"] == reverse("curation:report_thanks", args=["area", here.slug])
    correction = Correction.objects.get()
    assert correction.record == here
    assert list(correction.areas.all()) == [here]
    assert correction.record_label == "Partnership in North Lincolnshire (unitary authority)"
    assert correction.message == "The partnership is called One North Lincolnshire."
    assert correction.email == "teller@example.org"
    thanks = text(client.get(response["Location"]))
    assert "Thank you for telling us about the partnership in North Lincolnshire" in thanks


def test_an_empty_message_is_refused_with_an_error(client):
    response = tell_us(client, area(NORTH_LINCOLNSHIRE), message="")
    assert response.status_code == 200
    assert "Enter what you know about the partnership here" in text(response)
    assert not Correction.objects.exists()


def test_a_filled_honeypot_looks_like_success_but_stores_nothing(client):
    here = area(NORTH_LINCOLNSHIRE)
    response = tell_us(client, here, website="https://spam.example/")
    assert response.status_code == 302
    assert not Correction.objects.exists()


def test_telling_us_is_rate_limited_together_with_reports(client):
    here = area(NORTH_LINCOLNSHIRE)
    for n in range(5):
        assert tell_us(client, here, f"News {n}", REMOTE_ADDR="10.1.1.1").status_code == 302
    response = tell_us(client, here, "The sixth", REMOTE_ADDR="10.1.1.1")
    assert response.status_code == 429
    assert "The sixth" in text(response)
    assert Correction.objects.count() == 5
    assert client.get(tell_us_url(here), REMOTE_ADDR="10.1.1.1").status_code == 429
    assert tell_us(client, here, REMOTE_ADDR="10.2.2.2").status_code == 302
    ReportWindow.objects.update(started_at=timezone.now() - datetime.timedelta(hours=2))
    assert tell_us(client, here, REMOTE_ADDR="10.1.1.1").status_code == 302


def test_a_post_without_the_csrf_token_is_refused():
    response = tell_us(Client(enforce_csrf_checks=True), area(NORTH_LINCOLNSHIRE))
    assert response.status_code == 403
    assert not Correction.objects.exists()


def test_an_unknown_area_is_not_found(client):
    assert (
        client.get(reverse("curation:report", args=["area", "nowhere-at-all"])).status_code == 404
    )


def make_curator(username, areas):
    from django.contrib.auth.models import Permission, User

    user = User.objects.create_user(username, is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="curation",
            codename__in=["view_correction", "change_correction"],
        )
    )
    Curator.objects.create(user=user).areas.set(areas)
    return user


def test_only_the_curators_of_that_area_see_it_in_the_queue(client, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    here = area(NORTH_LINCOLNSHIRE)
    tell_us(client, here, "News only North Lincolnshire should see")
    client.force_login(make_curator("north-lincs", [here]))
    html = text(client.get("/admin/curation/correction/"))
    assert "News only North Lincolnshire should see" in html
    assert "Partnership in North Lincolnshire" in html
    client.force_login(make_curator("hartlepool", [area(HARTLEPOOL)]))
    html = text(client.get("/admin/curation/correction/"))
    assert "News only North Lincolnshire should see" not in html


def test_the_tell_us_pages_run_a_constant_number_of_queries(client):
    here = area(NORTH_LINCOLNSHIRE)

    def grow():
        for n in range(5):
            tell_us(Client(REMOTE_ADDR=f"10.9.9.{n}"), here, f"News {n}")
            PartnershipFactory(areas=[here])

    assert_constant_queries(client, tell_us_url(here), grow)


# --- In a browser, without JavaScript ------------------------------------------------------


@pytest.mark.browser
def test_an_area_with_a_partnership_and_its_partnership_page_pass_axe(
    live_server, no_js_page, areas
):
    national_bodies()
    here = area(HARTLEPOOL)
    partnership = PartnershipFactory(name="Hartlepool Partnership", areas=[here])
    organisation(
        [here],
        name="Hartlepool Borough Council",
        kind=OrganisationKind.COUNCIL,
        website="https://council.example.org/",
    )
    organisation(
        [here],
        name="Hartlepool CVS",
        kind=OrganisationKind.INFRASTRUCTURE,
        infrastructure_type=InfrastructureType.CVS,
        website="https://cvs.example.org/",
    )
    NetworkFactory(name="Hartlepool CEN", areas=[here])
    regional_network(here.region, name="North East CEN Network")
    regional_network(
        here.region, name="North East Women's Network", kind=NetworkKind.WOMENS_NETWORK
    )
    page = no_js_page
    for width in (1280, 360):
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(live_server.url + here.get_absolute_url())
        assert page.locator(f'a[href="{partnership.get_absolute_url()}"]').is_visible()
        assert page.get_by_role("link", name="Hartlepool CVS", exact=True).is_visible()
        assert page.get_by_role("link", name="North East CEN Network").first.is_visible()
        assert_accessible(page)
        page.goto(live_server.url + partnership.get_absolute_url())
        assert page.get_by_text("Regional network, across North East").is_visible()
        assert_accessible(page)
        if width == 360:
            assert_no_horizontal_scroll(page)


@pytest.mark.browser
def test_an_area_page_and_its_tell_us_form_work_without_javascript(live_server, no_js_page, areas):
    national_bodies()
    here = area(NORTH_LINCOLNSHIRE)
    regional_network(here.region, name="Yorkshire Women's Network", kind=NetworkKind.WOMENS_NETWORK)
    page = no_js_page
    for width in (1280, 360):
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(live_server.url + here.get_absolute_url())
        assert page.locator("h1").inner_text() == "North Lincolnshire"
        assert page.locator(f'a[href="{FIND_YOUR_COUNCIL}"]').is_visible()
        assert page.locator("text=Yorkshire Women's Network").is_visible()
        assert page.locator("#national-help + ul li").count() == 3
        assert_accessible(page)
        if width == 360:
            assert_no_horizontal_scroll(page)

    page.locator(f'a[href="{tell_us_url(here)}"]').click()
    assert page.locator("h1").inner_text() == "North Lincolnshire"
    assert_accessible(page)
    assert_no_horizontal_scroll(page)
    page.click("button[type=submit]")
    assert page.locator(".error-summary").is_visible()
    assert_accessible(page)
    page.fill("#id_message", "It is called One North Lincolnshire.")
    page.click("button[type=submit]")
    assert page.locator("h1").inner_text().startswith("Thank you for telling us")
    assert_accessible(page)
    assert_no_horizontal_scroll(page)
    assert Correction.objects.get().areas.get() == here
