"""Atom feeds of changes (issue 13, point 3): someone following a partnership, a region or
all of England in a feed reader sees what changed on which public record and when, with a
link to it; never a private field, an erased person or a report sent to the curators."""

import datetime
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import pytest
from django.contrib.contenttypes.models import ContentType

from curation.models import Correction
from curation.services import person_erase
from networks.choices import NetworkKind
from opendata.feeds import FEED_SIZE
from partnerships.choices import DocumentKind, OrganisationKind, Sector
from partnerships.models import Person, Region, Seat

from .factories import (
    BoardFactory,
    DocumentFactory,
    NetworkFactory,
    OrganisationFactory,
    PartnershipFactory,
    PersonFactory,
    SeatFactory,
    ThemedGroupFactory,
    VacancyFactory,
    area,
)
from .querycount import assert_constant_queries, queries_for

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
HARTLEPOOL, CAMDEN = "E06000001", "E09000007"
ENGLAND = "/changes.atom"
NORTH_EAST = "/regions/north-east/changes.atom"
LONDON = "/regions/london/changes.atom"


def feed(client, url):
    """The feed at url, parsed: [{title, summary, link, updated, id}], in its order."""
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    assert root.find(f"{ATOM}title").text and root.find(f"{ATOM}updated") is not None
    return [
        {
            "title": entry.find(f"{ATOM}title").text,
            "summary": entry.find(f"{ATOM}summary").text,
            "link": entry.find(f"{ATOM}link").get("href"),
            "updated": datetime.datetime.fromisoformat(entry.find(f"{ATOM}updated").text),
            "id": entry.find(f"{ATOM}id").text,
        }
        for entry in root.findall(f"{ATOM}entry")
    ]


def titles(client, url):
    return [entry["title"] for entry in feed(client, url)]


def partnership_feed(partnership):
    return f"/partnerships/{partnership.slug}/changes.atom"


@pytest.fixture
def hartlepool():
    partnership = PartnershipFactory(name="Hartlepool Partnership", areas=[area(HARTLEPOOL)])
    board = BoardFactory(partnership=partnership, name="Hartlepool Board")
    SeatFactory(body=board, person=PersonFactory(name="Ann Smith"), role="Member")
    return partnership


@pytest.fixture
def camden():
    partnership = PartnershipFactory(name="One Camden", areas=[area(CAMDEN)])
    board = BoardFactory(partnership=partnership, name="Camden Board")
    SeatFactory(body=board, person=PersonFactory(name="Cam Denby"))
    return partnership


def test_a_change_says_what_changed_on_which_record_when_with_a_working_link(client, hartlepool):
    seat = Seat.objects.get(person__name="Ann Smith")
    seat.role = "Vice chair"
    seat.end_date = datetime.date(2027, 3, 31)
    seat.save()

    entries = feed(client, ENGLAND)
    newest = entries[0]
    assert newest["title"] == "Seat changed: Ann Smith on Hartlepool Board, Hartlepool Partnership"
    assert newest["summary"] == "Changed: role, end date."
    assert urlsplit(newest["link"]).path == hartlepool.get_absolute_url()
    assert "Seat added: Ann Smith on Hartlepool Board, Hartlepool Partnership" in [
        entry["title"] for entry in entries
    ]
    assert "Partnership added: Hartlepool Partnership" in [entry["title"] for entry in entries]
    # Newest first; each entry has its own id; every link opens a page.
    dates = [entry["updated"] for entry in entries]
    assert dates == sorted(dates, reverse=True)
    assert len({entry["id"] for entry in entries}) == len(entries)
    for link in {entry["link"] for entry in entries}:
        assert client.get(urlsplit(link).path).status_code == 200, link


def test_each_kind_of_public_record_links_to_the_page_that_shows_it(client, hartlepool):
    council = OrganisationFactory(name="Hartlepool Borough Council", kind=OrganisationKind.COUNCIL)
    council.areas.set([area(HARTLEPOOL)])
    DocumentFactory(
        kind=DocumentKind.GES, title="Council scheme", partnership=None, organisation=council
    )
    DocumentFactory(title="Hartlepool SCS", partnership=hartlepool)
    network = NetworkFactory(name="Hartlepool CEN", partnership=hartlepool)
    links = {entry["title"]: urlsplit(entry["link"]).path for entry in feed(client, ENGLAND)}
    assert links["Organisation added: Hartlepool Borough Council"] == council.get_absolute_url()
    assert links["Gender Equality Scheme added: Council scheme"] == council.get_absolute_url()
    assert (
        links["Sustainable Community Strategy added: Hartlepool SCS"]
        == hartlepool.get_absolute_url()
    )
    assert (
        links["Community Empowerment Network added: Hartlepool CEN"] == network.get_absolute_url()
    )
    assert links["Board added: Hartlepool Board, Hartlepool Partnership"] == (
        hartlepool.get_absolute_url()
    )


def test_a_removed_record_is_still_listed_and_links_somewhere_that_works(client, hartlepool):
    seat = Seat.objects.get(person__name="Ann Smith")
    seat.delete()
    entries = feed(client, partnership_feed(hartlepool))
    assert (
        entries[0]["title"] == "Seat removed: Ann Smith on Hartlepool Board, Hartlepool Partnership"
    )
    assert entries[0]["summary"] == "Removed."
    # A removed body still has its partnership's page; a removed partnership has none, and
    # neither have its bodies and seats: their links are the feed's own page.
    hartlepool.bodies.all().delete()
    removed_body = feed(client, ENGLAND)[0]
    assert removed_body["title"] == "Board removed: Hartlepool Board, Hartlepool Partnership"
    assert urlsplit(removed_body["link"]).path == hartlepool.get_absolute_url()
    hartlepool.delete()
    removed = feed(client, ENGLAND)[0]
    assert removed["title"] == "Partnership removed: Hartlepool Partnership"
    assert urlsplit(removed["link"]).path == "/"


def test_a_change_of_areas_or_members_is_named(client, hartlepool):
    hartlepool.areas.add(area(CAMDEN))
    newest = feed(client, ENGLAND)[0]
    assert newest["title"] == "Partnership changed: Hartlepool Partnership"
    assert newest["summary"] == "Changed: areas."
    network = NetworkFactory(name="Hartlepool CEN", partnership=hartlepool)
    network.members.add(OrganisationFactory())
    newest = feed(client, ENGLAND)[0]
    assert newest["title"] == "Community Empowerment Network changed: Hartlepool CEN"
    assert newest["summary"] == "Changed: members."


def test_a_save_that_changes_nothing_public_says_so(client, hartlepool):
    hartlepool.is_demo = True  # shown only as a banner, not a field of the record
    hartlepool.save()
    assert feed(client, ENGLAND)[0]["summary"] == "Saved again; none of its public details changed."


def test_a_vacancy_reads_as_a_vacant_seat(client, hartlepool):
    VacancyFactory(body=hartlepool.bodies.get())
    assert feed(client, ENGLAND)[0]["title"] == (
        "Seat added: Vacant seat on Hartlepool Board, Hartlepool Partnership"
    )


# --- Never a private field ----------------------------------------------------------------


def test_no_email_phone_or_consent_appears_in_any_feed(client, hartlepool):
    """Whether or not a person agreed to publish them: a feed lists changes, not values, and
    a person's own versions (with their contact details) are never in it."""
    hidden = PersonFactory(
        name="Hidden Contact",
        email="hidden@example.org",
        phone="07700 900123",
        publish_contact=False,
        consent_method="email of 3 March",
    )
    SeatFactory(body=hartlepool.bodies.get(), person=hidden)
    hidden.email = "changed@example.org"
    hidden.consent_given_on = datetime.date(2026, 3, 3)
    hidden.save()
    shown = Person.objects.get(name="Ann Smith")
    shown.phone = "01429 266522"
    shown.save()
    for url in [ENGLAND, NORTH_EAST, partnership_feed(hartlepool)]:
        text = client.get(url).content.decode()
        for private in [
            "hidden@example.org",
            "changed@example.org",
            "07700 900123",
            "email of 3 March",
            "01429 266522",
            shown.email,
            "Person changed",
            "Person added",
            "consent",
        ]:
            assert private not in text, (url, private)
        assert "Hidden Contact on Hartlepool Board" in text  # the seat, as its page shows it


def test_a_change_never_names_who_verified_a_record(client, hartlepool, django_user_model):
    curator = django_user_model.objects.create_user("verifier")
    hartlepool.verified_by = curator
    hartlepool.last_verified_on = datetime.date(2026, 11, 1)
    hartlepool.save()
    newest = feed(client, ENGLAND)[0]
    assert newest["title"] == "Partnership changed: Hartlepool Partnership"
    assert newest["summary"] == "Changed: last verified on."
    assert "verifier" not in client.get(ENGLAND).content.decode()


def test_an_erased_person_is_named_in_no_feed(client, hartlepool, django_user_model):
    seat = Seat.objects.get(person__name="Ann Smith")
    seat.role = "Chair"
    seat.save()  # a second version of the seat, naming nobody but pointing to her
    person = seat.person
    person.name = "Ann Smith-Jones"
    person.save()
    person_erase(person=person, user=django_user_model.objects.create_superuser("admin"))
    for url in [ENGLAND, NORTH_EAST, partnership_feed(hartlepool)]:
        text = client.get(url).content.decode()
        assert "Ann Smith" not in text and "Smith-Jones" not in text, url
        assert "Name removed at the person&#x27;s request on Hartlepool Board" in text or (
            "Name removed at the person's request on Hartlepool Board" in text
        )
        assert "The person holding this seat was erased" not in text  # change reasons: never


def test_a_report_sent_to_the_curators_never_appears(client, hartlepool):
    seat = Seat.objects.get(person__name="Ann Smith")
    Correction.objects.create(
        content_type=ContentType.objects.get_for_model(Seat),
        object_id=seat.pk,
        record_label="Ann Smith on Hartlepool Board",
        message="She left in March, ring me on 07700 900999",
        email="reporter@example.org",
    )
    for url in [ENGLAND, NORTH_EAST, partnership_feed(hartlepool)]:
        text = client.get(url).content.decode()
        for private in ["She left in March", "07700 900999", "reporter@example.org", "Report"]:
            assert private not in text, (url, private)


# --- Each feed holds its own records -----------------------------------------------------


def test_a_region_feed_holds_only_records_reaching_its_areas(client, hartlepool, camden):
    regional = NetworkFactory(
        name="North East Women's Network", kind=NetworkKind.WOMENS_NETWORK, areas=[area(HARTLEPOOL)]
    )
    north_east = " ".join(titles(client, NORTH_EAST))
    assert "Hartlepool" in north_east and regional.name in north_east
    assert "Camden" not in north_east
    london = " ".join(titles(client, LONDON))
    assert "Camden" in london and "Hartlepool" not in london and regional.name not in london
    england = " ".join(titles(client, ENGLAND))
    assert "Camden" in england and "Hartlepool" in england


def test_a_region_feed_follows_a_regional_network_and_a_removed_seat(client, hartlepool):
    NetworkFactory(
        name="North East Women's Forum",
        kind=NetworkKind.WOMENS_FORUM,
        region=Region.objects.get(slug="north-east"),
        areas=[area(CAMDEN)],  # an odd record: it reaches London through its area
    )
    Seat.objects.get(person__name="Ann Smith").delete()
    north_east = titles(client, NORTH_EAST)
    assert "Women's forum added: North East Women's Forum" in north_east
    assert north_east[0] == "Seat removed: Ann Smith on Hartlepool Board, Hartlepool Partnership"
    assert "Women's forum added: North East Women's Forum" in titles(client, LONDON)


def test_a_partnership_feed_holds_the_partnership_its_bodies_seats_documents_and_networks(
    client, hartlepool, camden
):
    board = hartlepool.bodies.get()
    group = ThemedGroupFactory(partnership=hartlepool, feeds_into=board, name="Safer Hartlepool")
    SeatFactory(body=group, person=PersonFactory(name="Group Member"))
    DocumentFactory(title="Hartlepool SCS", partnership=hartlepool)
    NetworkFactory(name="Hartlepool CEN", partnership=hartlepool)
    OrganisationFactory(name="Somewhere Else Trust")
    # Setting a record's areas writes a version too ("changed"): count the records added.
    got = [title for title in titles(client, partnership_feed(hartlepool)) if " added: " in title]
    assert set(got) == {
        "Partnership added: Hartlepool Partnership",
        "Board added: Hartlepool Board, Hartlepool Partnership",
        "Themed group added: Safer Hartlepool, Hartlepool Partnership",
        "Seat added: Ann Smith on Hartlepool Board, Hartlepool Partnership",
        "Seat added: Group Member on Safer Hartlepool, Hartlepool Partnership",
        "Sustainable Community Strategy added: Hartlepool SCS",
        "Community Empowerment Network added: Hartlepool CEN",
    }


def test_a_feed_holds_the_latest_fifty_changes(client, hartlepool):
    board = hartlepool.bodies.get()
    for n in range(FEED_SIZE + 5):
        SeatFactory(body=board, person=PersonFactory(name=f"Member {n:02d}"))
    got = titles(client, partnership_feed(hartlepool))
    assert len(got) == FEED_SIZE
    assert (
        got[0] == f"Seat added: Member {FEED_SIZE + 4} on Hartlepool Board, Hartlepool Partnership"
    )
    assert "Partnership added: Hartlepool Partnership" not in got  # the oldest fell off


@pytest.mark.parametrize(
    "url, status",
    [
        ("/regions/atlantis/changes.atom", 404),
        ("/partnerships/nobody/changes.atom", 404),
        ("/partnerships/%E2%80%AE/changes.atom", 404),
        ("/regions/north-east/changes.atom?page=zz", 200),
        ("/changes.atom?x=%00", 400),  # the site's guard against NUL characters
    ],
)
def test_odd_addresses_get_an_answer_never_an_error(client, hartlepool, url, status):
    assert client.get(url).status_code == status


# --- Found from the pages --------------------------------------------------------------


def test_the_home_region_and_partnership_pages_point_feed_readers_to_their_feed(client, hartlepool):
    for page, url in [
        ("/", ENGLAND),
        ("/regions/north-east/", NORTH_EAST),
        (hartlepool.get_absolute_url(), partnership_feed(hartlepool)),
    ]:
        html = client.get(page).content.decode()
        head = html.split("</head>", 1)[0]
        assert '<link rel="alternate" type="application/atom+xml"' in head
        assert f'href="{url}"' in head
        assert feed(client, url)


# --- Cost ---------------------------------------------------------------------------------


def test_each_feed_runs_a_fixed_number_of_queries_however_long_the_history(client, hartlepool):
    council = OrganisationFactory(kind=OrganisationKind.COUNCIL)
    council.areas.set([area(HARTLEPOOL)])

    def grow():
        board = hartlepool.bodies.get(kind="board")
        for n in range(8):
            group = ThemedGroupFactory(partnership=hartlepool, feeds_into=board)
            seat = SeatFactory(body=group, sector=Sector.VCS)
            seat.role = f"Role {n}"
            seat.save()
            VacancyFactory(body=board)
            DocumentFactory(partnership=hartlepool)
            DocumentFactory(kind=DocumentKind.GES, partnership=None, organisation=council)
            NetworkFactory(partnership=hartlepool, areas=[area(HARTLEPOOL)])
            OrganisationFactory().areas.set([area(HARTLEPOOL)])
        seat.delete()

    grow()
    counts = {}
    for url in [ENGLAND, NORTH_EAST, partnership_feed(hartlepool)]:
        counts[url] = assert_constant_queries(client, url, grow)
    # Per model: its versions, and the previous versions of those that changed (here a
    # partnership, organisations, seats and networks); their areas and members; per hop to
    # the page that shows a record (a document: two); the region or partnership. No more as
    # the history grows.
    assert counts == {ENGLAND: 21, NORTH_EAST: 22, partnership_feed(hartlepool): 17}
    assert queries_for(client, ENGLAND) == counts[ENGLAND]
