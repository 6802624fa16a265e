"""The fragments written in Python rather than templates (lsp_directory/html.py): a
partnership page's people and the representatives list's rows (templatetags/members.py),
a region report's rows (templatetags/report_tables.py). Every value escaped as a template
escapes it, contact details only with consent, every member counted and linked."""

import datetime
import re

import pytest
from django.utils import html as django_html
from django.utils.functional import lazy
from django.utils.safestring import SafeString, mark_safe

from lsp_directory import html
from partnerships.choices import Sector

from .factories import (
    BoardFactory,
    OrganisationFactory,
    PartnershipFactory,
    PersonFactory,
    SeatFactory,
    ThemedGroupFactory,
)

pytestmark = pytest.mark.django_db

HOSTILE = "<script>alert('x')</script> & \"Co\""


@pytest.mark.parametrize(
    "value",
    [
        HOSTILE,
        "Black Women's Forum",
        mark_safe("<b>already HTML</b>"),
        3,
        0,
        None,
        2.5,
        lazy(lambda: "<i>lazy</i>", str)(),
        "",
    ],
)
def test_our_format_html_writes_what_djangos_writes(value):
    ours = html.format_html("<p>{} and {}</p>", value, "plain & simple")
    djangos = django_html.format_html("<p>{} and {}</p>", value, "plain & simple")
    assert ours == djangos
    assert isinstance(ours, SafeString)
    rows = [(value, 1), ("<x>", mark_safe("<y>"))]
    assert html.format_html_join(", ", "{}={}", rows) == django_html.format_html_join(
        ", ", "{}={}", rows
    )


def page(client, partnership):
    response = client.get(partnership.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_every_value_on_a_card_and_in_a_table_is_escaped(client):
    partnership = PartnershipFactory()
    board = BoardFactory(partnership=partnership, name=f"Board {HOSTILE}")
    person = PersonFactory(name=f"Jo {HOSTILE}", email="jo@example.org", phone="01234 567890")
    organisation = OrganisationFactory(name=f"Org {HOSTILE}", is_womens_organisation=True)
    SeatFactory(body=board, person=person, organisation=organisation, role=f"Chair {HOSTILE}")
    SeatFactory(
        body=board,
        person=PersonFactory(name=f"Pat {HOSTILE}"),
        sector=Sector.HEALTH,
        organisation=OrganisationFactory(name=f"NHS {HOSTILE}"),
        role=f"Lead {HOSTILE}",
    )
    content = page(client, partnership)
    assert "<script>" not in content
    escaped = django_html.escape(HOSTILE)
    for text in ["Jo ", "Org ", "Chair ", "Board ", "Pat ", "NHS ", "Lead "]:
        assert text + escaped in content, text
    # The card, the VCS name linking to it, and the other member's row.
    assert f'<article class="card person-card" id="person-{person.pk}">' in content
    assert f'<a href="#person-{person.pk}">Jo {escaped}</a> (Chair {escaped})' in content
    assert '<td data-label="Sector">Health</td>' in content
    assert "Women's organisation</span>" in content


def test_contact_details_only_with_consent(client):
    partnership = PartnershipFactory()
    board = BoardFactory(partnership=partnership)
    agreed = PersonFactory(name="Agreed", email="agreed@example.org", phone="01429 523000")
    refused = PersonFactory(
        name="Refused", email="refused@example.org", phone="01429 999999", publish_contact=False
    )
    SeatFactory(body=board, person=agreed)
    SeatFactory(body=board, person=refused)
    SeatFactory(body=board, person=None, role="")  # erased: a card of its own, no contact
    content = page(client, partnership)
    assert '<a href="mailto:agreed@example.org">agreed@example.org</a>' in content
    assert '<a href="tel:01429523000">01429 523000</a>' in content
    assert "refused@example.org" not in content and "01429 999999" not in content
    assert content.count("Contact details not published.") == 2
    assert "Name removed at the person&#x27;s request" in content


def test_a_board_folds_its_other_members_counted_by_sector(client):
    partnership = PartnershipFactory()
    board = BoardFactory(partnership=partnership, name="The Board")
    SeatFactory(body=board, role="")
    for sector in [Sector.HEALTH, Sector.POLICE, Sector.HEALTH]:
        SeatFactory(body=board, sector=sector, role="", organisation=None)
    group = ThemedGroupFactory(partnership=partnership, feeds_into=board, name="Safer Group")
    SeatFactory(body=group, sector=Sector.BUSINESS, role="")
    SeatFactory(body=group, start_date=datetime.date(2099, 1, 1))  # not yet current
    content = page(client, partnership)
    assert "3 other members, by sector: health 2, police 1." in content
    assert content.count('<td data-label="Organisation">Not recorded</td>') == 3
    assert content.count('<td data-label="Role">Member</td>') == 4
    assert "Other members of The Board</caption>" in content
    assert "Members of Safer Group</caption>" in content  # no VCS representative there
    group_section = content[content.index(f'id="body-{group.pk}"') :]
    assert "by sector" not in group_section.split("</details>")[0]
    assert len(re.findall(r"<tr>\s*<td data-label=\"Name\">", content)) == 4


def test_a_body_with_nobody_says_so(client):
    partnership = PartnershipFactory()
    BoardFactory(partnership=partnership)
    assert "No current members are recorded." in page(client, partnership)


def test_the_representatives_list_writes_each_seat_as_the_template_did(client):
    from django.template.defaultfilters import urlize

    from partnerships.dates import long_date

    from .factories import VacancyFactory

    how = "Apply at https://example.org/apply?a=1&b=2 <b>now</b>"
    vacancy = VacancyFactory(how_to_apply=how)
    held = SeatFactory(
        person=PersonFactory(name=f"Jo {HOSTILE}", phone="01234 567890", email=""),
        role=f"Chair {HOSTILE}",
        organisation=OrganisationFactory(name=f"Org {HOSTILE}", is_womens_organisation=True),
    )
    private = SeatFactory(person=PersonFactory(publish_contact=False), role="")
    open_seats = client.get("/representatives/?term=vacant").content.decode()
    assert f'<td data-label="Contact">{urlize(how, autoescape=True)}</td>' in open_seats
    assert 'rel="nofollow"' in open_seats and "&lt;b&gt;now&lt;/b&gt;" in open_seats
    closes = long_date(vacancy.selection_closes)
    assert f'<td data-label="Term">Open: apply by {closes}</td>' in open_seats
    content = client.get("/representatives/").content.decode()
    assert "<script>" not in content
    escaped = django_html.escape(HOSTILE)
    assert f'<td data-label="Name">Jo {escaped}<br><span class="muted">Chair {escaped}</span>' in (
        content
    )
    assert f'Org {escaped}</a> <span class="tag tag--purple">Women\'s organisation' in content
    assert '<td data-label="Contact">01234 567890</td>' in content  # phone only: as text
    assert '<td data-label="Term">since April 2008</td>' in content
    assert content.count('<span class="muted">Not published</span>') == 1
    assert private.person.email not in content
    assert held.body.partnership.get_absolute_url() in content


def test_a_region_reports_rows_escape_names_and_show_the_columns_asked_for(client):
    partnership = PartnershipFactory(name=f"LSP {HOSTILE}")
    board = BoardFactory(partnership=partnership)
    SeatFactory(body=board)  # a VCS seat, not for a women's organisation
    escaped = django_html.escape(HOSTILE)
    content = client.get("/representation/?region=north-east").content.decode()
    assert "<script>" not in content
    row = f'<th scope="row"><a href="{partnership.get_absolute_url()}">LSP {escaped}</a>'
    assert row in content
    assert '<td class="table__numeric">0.0%</td>' in content
    boards = client.get("/representation/?region=north-east&body_kind=board").content.decode()
    assert '<td><span class="tag tag--red">No</span></td>' in boards
    groups = client.get("/representation/?region=north-east&body_kind=themed_group")
    assert '<td class="table__numeric">0 of 0</td>' in groups.content.decode()


@pytest.mark.parametrize(
    "status, funding, colours",
    [
        ("active", "funded", ("green", "green")),
        ("struggling", "partly_lost", ("amber", "amber")),
        ("ceased", "lost", ("red", "red")),
        ("active", "unknown", ("green", "grey")),
    ],
)
def test_a_networks_status_and_funding_tags(client, status, funding, colours):
    from networks.templatetags.network_status import network_status

    from .factories import NetworkFactory

    network = NetworkFactory(name=f"CEN {HOSTILE}", status=status, funding=funding)
    tags = network_status(network)
    label = network.get_status_display().lower()
    assert f'<span class="tag tag--{colours[0]}">Status: {label}</span>' in tags
    assert f'<span class="tag tag--{colours[1]}">Funding: ' in tags
    assert "status and funding checked 1 June 2008" in tags
    assert "checked" not in network_status(network, no_date=True)
    page = client.get(network.get_absolute_url()).content.decode()
    assert f'<span class="tag tag--{colours[0]}">Status: {label}</span>' in page
    listed = client.get("/networks/").content.decode()
    assert "status and funding checked 1 June 2008" in listed
    assert "<script>" not in page + listed
