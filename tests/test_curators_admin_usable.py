"""A curator finds the admin usable (issue 11, "Curators"): the home says which areas they
cover and how much waits in each task; another area's record is said to be outside their
areas; they are offered Delete only where they may delete; the seat lists fit 1280 px; and
the seat form's choices work with JavaScript off."""

import datetime

import pytest
from django.urls import reverse

from curation.models import Correction
from curation.services import curator_setup
from networks.models import Network
from partnerships.models import Body, Partnership, Person, Seat

from .factories import (
    BoardFactory,
    NetworkFactory,
    PartnershipFactory,
    PersonFactory,
    SeatFactory,
    area,
)
from .querycount import assert_constant_queries

pytestmark = pytest.mark.django_db

HARTLEPOOL, CAMDEN = "E06000001", "E09000007"
LONG_AGO = datetime.date(2001, 1, 1)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def admin_url(model, view="changelist", *args):
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


@pytest.fixture
def curator(client):
    """client, signed in as the curator of Hartlepool (as `create_curator` sets one up)."""
    curator, _ = curator_setup(username="hartlepool-cvs", area_codes=[HARTLEPOOL])
    client.force_login(curator.user)
    return curator.user


def stale_records_in(code, n):
    """n partnerships in one area, each with a stale board seat and a stale CEN, and a new
    correction about each partnership."""
    where = area(code)
    for i in range(n):
        partnership = PartnershipFactory(areas=[where], last_verified_on=None)
        SeatFactory(body=BoardFactory(partnership=partnership), last_verified_on=LONG_AGO)
        NetworkFactory(areas=[where], partnership=partnership, last_verified_on=None)
        report = Correction.objects.create(
            record=partnership, record_label=partnership.name, message=f"Wrong {i}"
        )
        report.areas.set([where])


def task_counts(response):
    return {task["label"]: task["count"] for task in response.context["curation_tasks"]}


# --- The admin home says which areas and how much waits -----------------------------------


def test_a_curator_sees_their_areas_and_a_count_beside_each_task(client, curator):
    stale_records_in(HARTLEPOOL, 2)
    stale_records_in(CAMDEN, 3)  # not theirs: not counted
    response = client.get(reverse("admin:index"))
    page = response.content.decode()
    assert "You curate Hartlepool (North East)." in page
    assert task_counts(response) == {
        "Corrections from the public to review": 2,
        "Partnerships needing a check": 2,
        "Seats needing a check": 2,
        "Networks needing a check": 2,
    }
    assert "Seats needing a check</a>: <strong>2</strong>" in page


def test_a_region_curator_is_told_the_whole_region(client):
    curator, _ = curator_setup(username="london", region_slugs=["london"])
    client.force_login(curator.user)
    assert "You curate all of London." in client.get(reverse("admin:index")).content.decode()


def test_a_site_administrator_covers_all_of_england(admin_client):
    stale_records_in(CAMDEN, 1)
    response = admin_client.get(reverse("admin:index"))
    assert "You curate all of England." in response.content.decode()
    assert task_counts(response)["Partnerships needing a check"] == 1


def test_the_admin_home_runs_the_same_queries_as_records_grow(client, curator):
    stale_records_in(HARTLEPOOL, 1)
    stale_records_in(CAMDEN, 1)

    def grow():
        stale_records_in(HARTLEPOOL, 5)
        stale_records_in(CAMDEN, 5)

    assert_constant_queries(client, reverse("admin:index"), grow, most=16)


# --- Another area's record is said to be outside their areas --------------------------------


def camden_records():
    camden = PartnershipFactory(name="One Camden", areas=[area(CAMDEN)])
    person = PersonFactory(name="Camden Person", email="camden@example.org", phone="0207 000")
    seat = SeatFactory(body=BoardFactory(partnership=camden, name="Camden Board"), person=person)
    network = NetworkFactory(name="Camden CEN", areas=[area(CAMDEN)])
    return {Partnership: camden, Body: seat.body, Seat: seat, Person: person, Network: network}


def message_after(client, url):
    response = client.get(url)
    assert response.status_code == 302 and response.url == reverse("admin:index")
    return " ".join(str(m) for m in client.get(response.url).context["messages"])


@pytest.mark.parametrize("view", ["change", "delete", "history"])
@pytest.mark.parametrize("model", [Partnership, Body, Seat, Network], ids=lambda m: m.__name__)
def test_opening_another_areas_record_says_it_is_outside_the_curators_areas(
    client, curator, model, view
):
    obj = camden_records()[model]
    said = message_after(client, admin_url(model, view, obj.pk))
    assert "outside the areas you curate: Hartlepool (North East)" in said
    assert "doesn’t exist" not in said
    owner = "One Camden" if model is not Network else "Camden CEN"
    assert owner in said  # public: the directory names it on its own page


def test_another_areas_person_is_outside_but_never_named(client, curator):
    person = camden_records()[Person]
    for view in ["change", "delete", "history", "erase"]:
        said = message_after(client, admin_url(Person, view, person.pk))
        assert said.startswith("This person is outside the areas you curate"), said
        for private in ["Camden Person", "camden@example.org", "0207 000"]:
            assert private not in said


def test_a_missing_id_or_an_unplaced_person_still_does_not_exist(client, curator):
    seatless = PersonFactory(name="Nobody Yet")  # another curator's, before their first seat
    for url in [admin_url(Partnership, "change", 999999), admin_url(Person, "change", seatless.pk)]:
        said = message_after(client, url)
        assert "doesn’t exist" in said and "outside" not in said and "Nobody" not in said


def test_a_site_administrator_is_never_told_outside(admin_client):
    said = message_after(admin_client, admin_url(Partnership, "change", 999999))
    assert "doesn’t exist" in said
