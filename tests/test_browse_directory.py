"""Browsing the directory: every public page, every filter, and query counts that stay
constant as the data grows."""

import datetime
from html.parser import HTMLParser

import pytest
from django import forms
from django.http import QueryDict

from networks.choices import Funding, NetworkKind, NetworkStatus
from partnerships.choices import OrganisationKind, Sector
from partnerships.filters import SeatFilter
from partnerships.models import Area
from partnerships.widgets import OnePassSelect

from .factories import (
    BoardFactory,
    DocumentFactory,
    NetworkFactory,
    OrganisationFactory,
    PartnershipFactory,
    SeatFactory,
    ThemedGroupFactory,
    VacancyFactory,
    area,
)
from .querycount import assert_constant_queries

pytestmark = pytest.mark.django_db


def full_partnership(code="E06000001", name=None, seats=3):
    """A partnership with a board, a CDRP, seats of several sectors, a CEN, documents, a
    Gender Equality Scheme and a CVS, like a real one."""
    where = area(code)
    partnership = PartnershipFactory(areas=[where], **({"name": name} if name else {}))
    board = BoardFactory(partnership=partnership)
    group = ThemedGroupFactory(partnership=partnership, feeds_into=board)
    for n in range(seats):
        SeatFactory(body=board, organisation__is_womens_organisation=n == 0)
        SeatFactory(body=group, sector=Sector.POLICE, organisation__kind=OrganisationKind.POLICE)
    SeatFactory(body=board, end_date=datetime.date(2009, 1, 1))
    NetworkFactory(partnership=partnership, areas=[where])
    DocumentFactory(partnership=partnership)
    council = OrganisationFactory(kind=OrganisationKind.COUNCIL)
    council.areas.set([where])
    DocumentFactory(kind="ges", partnership=None, organisation=council, title="Council GES")
    cvs = OrganisationFactory(kind=OrganisationKind.INFRASTRUCTURE, infrastructure_type="cvs")
    cvs.areas.set([where])
    return partnership


def test_partnership_page_shows_everything_a_womens_group_needs(client):
    partnership = full_partnership()
    seat = partnership.bodies.get(kind="board").seats.filter(end_date__isnull=True).first()
    seat.person.publish_contact = True
    seat.person.save()
    hidden = SeatFactory(
        body=partnership.bodies.get(kind="board"),
        person__publish_contact=False,
        person__email="hidden@example.org",
        person__phone="01632 960999",
    )
    text = client.get(partnership.get_absolute_url()).content.decode()
    for expected in [
        partnership.name,
        "Hartlepool",
        "VCS representatives",
        seat.person.name,
        seat.person.email,
        hidden.person.name,
        "Contact details not published",
        "Women's organisation</span>",
        "Community Safety Partnership",
        "Community Empowerment Network",
        "Safer streets",
        "Council GES",
        "Council for Voluntary Service (CVS)",
        "How to get involved",
        "Last checked by a curator",
    ]:
        assert expected in text, expected
    assert "hidden@example.org" not in text
    assert "01632 960999" not in text


def test_past_seats_are_not_on_the_partnership_page(client):
    partnership = full_partnership()
    past = partnership.bodies.get(kind="board").seats.get(end_date__isnull=False)
    assert past.person.name not in client.get(partnership.get_absolute_url()).content.decode()


def test_stale_records_are_flagged(client, settings):
    partnership = full_partnership()
    partnership.last_verified_on = datetime.date.today() - datetime.timedelta(days=800)
    partnership.save()
    assert "may be out of date" in client.get(partnership.get_absolute_url()).content.decode()


def test_unknown_pages_are_404(client):
    for url in ["/partnerships/nope/", "/regions/nope/", "/areas/nope/", "/networks/nope/",
                "/organisations/nope/"]:  # fmt: skip
        assert client.get(url).status_code == 404


def test_representatives_filters(client):
    hartlepool = full_partnership("E06000001", "Hartlepool Partnership")
    camden = full_partnership("E09000007", "One Camden")
    cases = {
        "": 12,
        "?region=london": 6,
        "?area=E06000001": 6,
        f"?partnership={camden.slug}": 6,
        "?body_kind=board": 6,
        "?theme=crime_and_disorder": 6,
        "?sector=vcs": 6,
        "?sector=police": 6,
        "?organisation_kind=police": 6,
        "?womens=yes": 2,
        "?womens=no": 10,
        "?status=past": 2,
        "?status=all": 14,
        "?region=london&sector=vcs&womens=yes": 1,
    }
    for query, expected in cases.items():
        response = client.get(f"/representatives/{query}")
        assert response.status_code == 200
        assert response.context["page_obj"].paginator.count == expected, query
    assert hartlepool.name in client.get("/representatives/?area=E06000001").content.decode()


def test_representatives_sort(client):
    full_partnership()
    names = [s.person.name for s in client.get("/representatives/?order=name").context["page_obj"]]
    assert names == sorted(names)
    names = [s.person.name for s in client.get("/representatives/?order=-name").context["page_obj"]]
    assert names == sorted(names, reverse=True)


@pytest.mark.parametrize(
    "query",
    [
        "?region=atlantis",
        "?area=E99999999",
        "?sector=pirates",
        "?womens=maybe",
        "?status=later",
        "?order=password",
        "?page=-1",
        "?page=99999",
        "?page=abc",
        "?region=london&region=<script>",
        "?theme=" + "x" * 3000,
    ],
)
def test_bad_filters_explain_themselves_and_never_fail(client, query):
    full_partnership()
    response = client.get(f"/representatives/{query}")
    assert response.status_code == 200
    assert b"<script>" not in response.content


def test_a_bad_filter_is_named_and_the_good_ones_still_apply(client):
    full_partnership("E06000001")
    full_partnership("E09000007")
    response = client.get("/representatives/?region=london&sector=pirates")
    text = response.content.decode()
    assert "Some filters could not be used" in text
    assert "Sector: Select a valid choice" in text
    assert response.context["page_obj"].paginator.count == 6  # London only


def test_filter_state_lives_in_the_url_and_pages_keep_it(client):
    partnership = full_partnership(seats=30)
    response = client.get(f"/representatives/?partnership={partnership.slug}&status=all&page=1")
    text = response.content.decode()
    assert response.context["page_obj"].paginator.num_pages == 2
    assert f"partnership={partnership.slug}&amp;status=all&amp;page=2" in text


class Selects(HTMLParser):
    """Each <select> as (its attributes, [(value, label, selected, optgroup)])."""

    def __init__(self, html):
        super().__init__()
        self.selects, self.group, self.option = [], None, None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "select":
            self.selects.append((attrs, []))
        elif tag == "optgroup":
            self.group = attrs["label"]
        elif tag == "option":
            self.option = [attrs["value"], "", "selected" in attrs, self.group]

    def handle_data(self, data):
        if self.option:
            self.option[1] += data

    def handle_endtag(self, tag):
        if tag == "optgroup":
            self.group = None
        elif tag == "option":
            self.selects[-1][1].append(tuple(self.option))
            self.option = None


def test_no_filter_form_uses_djangos_select_whose_options_are_each_a_template():
    from networks.filters import NetworkFilter
    from partnerships.filters import OpenSeatFilter, PartnershipFilter, SchemeFilter
    from partnerships.report_views import ReportFilter

    filtersets = [SeatFilter, PartnershipFilter, OpenSeatFilter, SchemeFilter, NetworkFilter]
    for filterset in [*filtersets, ReportFilter]:
        assert not [f.name for f in filterset().form if type(f.field.widget) is forms.Select]


@pytest.mark.parametrize(
    "query", ["", "area=E06000001&region=london", "area=E99999999&region=<b>&sector=vcs"]
)
def test_every_filter_select_writes_what_djangos_select_writes(query):
    form = SeatFilter(QueryDict(query)).form
    selects = [f for f in form if isinstance(f.field.widget, OnePassSelect)]
    names = {f.name for f in selects}
    assert names == {f.name for f in form if type(f.field.widget) in (forms.Select, OnePassSelect)}
    assert {"area", "region", "sector", "womens", "status", "term"} <= names
    for field in selects:
        attrs = field.build_widget_attrs({"id": field.auto_id})
        django_select = forms.Select(choices=field.field.widget.choices)
        expected = django_select.render(field.html_name, field.value(), attrs=attrs)
        assert Selects(str(field)).selects == Selects(expected).selects


def test_the_area_select_lists_every_area_and_keeps_the_choice(client):
    full_partnership("E06000001")
    text = client.get("/representatives/?area=E06000001").content.decode()
    attrs, options = next(s for s in Selects(text).selects if s[0]["name"] == "area")
    assert attrs == {"name": "area", "id": "id_area"}
    assert options[0] == ("", "All areas", False, None)
    assert len(options) == Area.objects.count() + 1
    assert [o for o in options if o[2]] == [("E06000001", "Hartlepool", True, "Current areas")]


def test_a_long_select_escapes_values_labels_and_groups():
    choices = [("", "All"), ('a"<b>', "Tom & <Jerry>"), ("<g>", [("x", "X & Y")])]
    html = OnePassSelect(choices=choices).render("n", 'a"<b>', attrs={"id": "id_n"})
    assert "<b>" not in html and "<g>" not in html and "<Jerry>" not in html
    assert Selects(html).selects == [
        (
            {"name": "n", "id": "id_n"},
            [
                ("", "All", False, None),
                ('a"<b>', "Tom & <Jerry>", True, None),
                ("x", "X & Y", False, "<g>"),
            ],
        )
    ]


def test_partnership_list_filters_by_region_and_name(client):
    full_partnership("E06000001", "Hartlepool Partnership")
    full_partnership("E09000007", "One Camden")
    assert client.get("/partnerships/?region=london").context["page_obj"].paginator.count == 1
    assert client.get("/partnerships/?q=hartle").context["page_obj"].paginator.count == 1
    assert client.get("/partnerships/?region=mars").status_code == 200


def test_networks_filter_by_kind_region_status_and_funding(client):
    NetworkFactory(status=NetworkStatus.CEASED, funding=Funding.LOST)
    NetworkFactory(
        kind=NetworkKind.WOMENS_NETWORK, areas=[area("E09000007")], funding=Funding.PARTLY_LOST
    )
    counts = {
        "": 2,
        "?kind=cen": 1,
        "?kind=womens_network": 1,
        "?region=london": 1,
        "?status=ceased": 1,
        "?funding=partly_lost": 1,
        "?funding=nonsense": 2,
    }
    for query, expected in counts.items():
        assert client.get(f"/networks/{query}").context["page_obj"].paginator.count == expected


def test_region_area_and_organisation_pages(client):
    partnership = full_partnership()
    hartlepool = area("E06000001")
    assert partnership.name in client.get("/regions/north-east/").content.decode()
    assert partnership.name in client.get(hartlepool.get_absolute_url()).content.decode()
    organisation = partnership.bodies.first().seats.first().organisation
    text = client.get(organisation.get_absolute_url()).content.decode()
    assert partnership.name in text
    # An abolished area points to its successor.
    carlisle = client.get(area("E07000028").get_absolute_url()).content.decode()
    assert "Now part of" in carlisle and "Cumberland" in carlisle


def grow_partnership(partnership, n=5):
    def grow():
        board = partnership.bodies.get(kind="board")
        for _ in range(n):
            SeatFactory(body=board)
            SeatFactory(body=ThemedGroupFactory(partnership=partnership, feeds_into=board))
            NetworkFactory(partnership=partnership)
            DocumentFactory(partnership=partnership)
        full_partnership()

    return grow


def test_partnership_page_queries_are_constant(client):
    partnership = full_partnership()
    assert_constant_queries(
        client, partnership.get_absolute_url(), grow_partnership(partnership), most=12
    )


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/partnerships/",
        "/partnerships/?region=north-east",
        "/representatives/",
        "/representatives/?region=north-east&sector=vcs&womens=no&order=-start",
        "/representatives/?status=all&body_kind=themed_group",
        "/networks/",
        "/networks/?kind=cen&region=north-east",
        "/regions/north-east/",
        "/areas/hartlepool-e06000001/",
        "/search/?q=SW1A+1AA",
        "/search/?q=no+such+place",
    ],
)
def test_list_page_queries_are_constant(client, url):
    partnership = full_partnership()
    assert_constant_queries(client, url, grow_partnership(partnership), most=12)


@pytest.mark.parametrize(
    "url",
    [
        "/representatives/?term=vacant",
        "/representatives/?term=vacant&sector=vcs&region=north-east&order=partnership",
        "/representatives/?term=ending&status=past",
    ],
)
def test_vacant_and_ending_lists_run_the_same_queries_as_they_grow(client, url):
    partnership = full_partnership()
    board = partnership.bodies.get(kind="board")
    soon = datetime.date.today() + datetime.timedelta(days=60)

    def grow():
        for _ in range(5):
            VacancyFactory(body=board)
            VacancyFactory(body=ThemedGroupFactory(partnership=partnership), selection_closes=None)
            SeatFactory(body=board, end_date=soon)

    VacancyFactory(body=board)
    SeatFactory(body=board, end_date=soon)
    assert_constant_queries(client, url, grow, most=12)


def test_organisation_and_network_page_queries_are_constant(client):
    partnership = full_partnership()
    organisation = partnership.bodies.first().seats.first().organisation
    network = partnership.networks.first()

    def grow():
        for _ in range(5):
            SeatFactory(organisation=organisation)
            network.members.add(OrganisationFactory())

    for url in [organisation.get_absolute_url(), network.get_absolute_url()]:
        assert_constant_queries(client, url, grow, most=10)


def test_search_result_list_queries_are_constant(client):
    PartnershipFactory.create_batch(2, areas=[area("E06000001")])

    def grow():
        PartnershipFactory.create_batch(10, areas=[area("E06000001")])

    assert_constant_queries(client, "/search/?q=hartlepool", grow, most=8)
    assert_constant_queries(client, "/search/?q=partnership", grow, most=8)
