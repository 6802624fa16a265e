"""A curator finds the admin usable (issue 11, "Curators"): the home says which areas they
cover and how much waits in each task; another area's record is said to be outside their
areas; they are offered Delete only where they may delete; the seat lists fit 1280 px; and
the seat form's choices work with JavaScript off."""

import datetime
import re

import pytest
from django.urls import reverse

from curation.admin_base import LISTED_CHOICES
from curation.models import Correction
from curation.services import curator_setup
from networks.models import Network
from partnerships.models import Body, Document, Organisation, Partnership, Person, Seat

from .browser import axe_violations, new_context
from .factories import (
    BoardFactory,
    DocumentFactory,
    NetworkFactory,
    OrganisationFactory,
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
        "Vacant seats to fill": 0,
        "Terms ending within six months": 0,
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

    assert_constant_queries(client, reverse("admin:index"), grow, most=18)  # a count per task


# --- Another area's record is said to be outside their areas --------------------------------


def records_in(code, label):
    """A partnership with a board and a seat (its person and organisation), a strategy and a
    CEN, in one area; every name carries label."""
    where = area(code)
    partnership = PartnershipFactory(name=f"One {label}", areas=[where])
    person = PersonFactory(name=f"{label} Person", email=f"{label}@example.org", phone="0207 000")
    organisation = OrganisationFactory(name=f"{label} Women's Aid")
    organisation.areas.set([where])
    body = BoardFactory(partnership=partnership, name=f"{label} Board")
    seat = SeatFactory(body=body, person=person, organisation=organisation)
    return {
        Partnership: partnership,
        Body: body,
        Seat: seat,
        Person: person,
        Organisation: organisation,
        Document: DocumentFactory(partnership=partnership, title=f"{label} Strategy"),
        Network: NetworkFactory(name=f"{label} CEN", areas=[where]),
    }


def camden_records():
    return records_in(CAMDEN, "Camden")


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
    assert "Camden Person" not in said


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


# --- Delete is offered only where they may delete -------------------------------------------

CURATED = [Partnership, Body, Seat, Document, Network, Person, Organisation]


def organisations_in(code, *names):
    made = []
    for name in names:
        organisation = OrganisationFactory(name=name)
        organisation.areas.set([area(code)])
        made.append(organisation)
    return made


def action_names(response):
    return [name for name, _ in response.context["action_form"].fields["action"].choices if name]


def test_a_curator_with_no_organisation_of_their_own_is_offered_no_actions(client, curator):
    organisations_in(CAMDEN, "Camden Women's Aid")
    response = client.get(admin_url(Organisation))
    assert response.context["cl"].result_count  # shared: they may look at it
    assert response.context["action_form"] is None
    assert 'name="_selected_action"' not in response.content.decode()


def test_only_the_curators_own_organisations_can_be_selected_for_delete(client, curator):
    ours, theirs = (
        organisations_in(HARTLEPOOL, "Hartlepool Voluntary Development Agency")[0],
        (organisations_in(CAMDEN, "Camden Women's Aid")[0]),
    )
    response = client.get(admin_url(Organisation))
    assert "delete_selected" in action_names(response)
    page = response.content.decode()
    assert f'name="_selected_action" value="{ours.pk}"' in page
    assert f'name="_selected_action" value="{theirs.pk}"' not in page


def delete_selected(client, model, *pks, confirm=False):
    data = {"action": "delete_selected", "_selected_action": [str(pk) for pk in pks]}
    if confirm:
        data["post"] = "yes"
    return client.post(admin_url(model), data)


@pytest.mark.parametrize("model", CURATED, ids=lambda m: m.__name__)
def test_deleting_another_areas_records_by_forged_ids_says_so_and_deletes_nothing(
    client, curator, model
):
    records_in(HARTLEPOOL, "Hartlepool")  # theirs: the list offers actions
    obj = camden_records()[model]
    for confirm in (False, True):
        response = delete_selected(client, model, obj.pk, confirm=confirm)
        assert response.status_code == 302, "no confirmation page for records not theirs"
        said = " ".join(str(m) for m in client.get(response.url).context["messages"])
        # Shared records are said to be outside; others are not in the list at all.
        expected = "outside the areas you curate" if model is Organisation else "from the list"
        assert expected in said, said
    assert model._default_manager.filter(pk=obj.pk).exists()


def test_deleting_a_mixed_selection_confirms_only_the_curators_own(client, curator):
    ours = organisations_in(HARTLEPOOL, "Hartlepool Own")[0]
    theirs = organisations_in(CAMDEN, "Camden Women's Aid")[0]
    response = delete_selected(client, Organisation, ours.pk, theirs.pk)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Hartlepool Own" in page and "Camden Women" not in page
    assert "1 selected organisation outside your areas left unchanged" in page
    delete_selected(client, Organisation, ours.pk, theirs.pk, confirm=True)
    assert set(Organisation.objects.filter(pk__in=[ours.pk, theirs.pk])) == {theirs}


def test_a_shared_organisations_page_offers_no_delete(client, curator):
    theirs = organisations_in(CAMDEN, "Camden Women's Aid")[0]
    response = client.get(admin_url(Organisation, "change", theirs.pk))
    assert response.status_code == 200  # read-only
    assert admin_url(Organisation, "delete", theirs.pk) not in response.content.decode()
    assert client.get(admin_url(Organisation, "delete", theirs.pk)).status_code == 403


@pytest.mark.parametrize("model", CURATED, ids=lambda m: m.__name__)
def test_a_curators_list_runs_the_same_queries_as_records_grow(client, curator, model):
    """Which rows may be selected is worked out with the list, not row by row."""
    records_in(HARTLEPOOL, "Hartlepool")
    camden_records()

    def grow():
        for i in range(3):
            records_in(HARTLEPOOL, f"Hartlepool {i}")
            records_in(CAMDEN, f"Camden {i}")

    assert_constant_queries(client, admin_url(model), grow)


# --- In a real browser at 1280 px ------------------------------------------------------------

PASSWORD = "a long curator passphrase 2026"
LISTS = [Seat, Partnership, Body, Person, Organisation, Network, Document, Correction]


@pytest.fixture
def signed_in(live_server, areas):
    """A browser page factory: signs in as the curator of Hartlepool, whose area has a full set
    of records with long names, beside Camden's."""
    hartlepool = records_in(HARTLEPOOL, "Hartlepool and East Durham Voluntary Development")
    camden_records()
    report = Correction.objects.create(
        record=hartlepool[Partnership],
        record_label=str(hartlepool[Partnership]),
        message="The chair of the board changed in May; the new chair is from the council.",
    )
    report.areas.set([area(HARTLEPOOL)])
    curator, _ = curator_setup(username="hartlepool-cvs", area_codes=[HARTLEPOOL])
    curator.user.set_password(PASSWORD)
    curator.user.save()

    def sign_in(page):
        page.goto(live_server.url + "/admin/login/")
        page.get_by_label("Username").fill("hartlepool-cvs")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        return page

    return sign_in


def hidden_columns(page):
    """The headings of the list's columns that lie beyond its box (seen only by scrolling)."""
    return page.evaluate(
        """() => {
            const box = document.querySelector('#changelist .results').getBoundingClientRect();
            return Array.from(document.querySelectorAll('#result_list thead th'))
                .filter(th => th.getBoundingClientRect().right > box.right + 1)
                .map(th => th.innerText.trim());
        }"""
    )


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_every_curated_list_shows_all_its_columns_at_1280_px(
    live_server, page, browser, signed_in, django_user_model
):
    signed_in(page)
    home = page.locator("#curation-tasks").inner_text()
    assert "You curate Hartlepool (North East)." in home
    # A site administrator sees every area's rows, each with its checkbox.
    django_user_model.objects.create_superuser("root", "root@example.org", PASSWORD)
    administrator = new_context(browser).new_page()
    administrator.goto(live_server.url + "/admin/login/")
    administrator.get_by_label("Username").fill("root")
    administrator.get_by_label("Password").fill(PASSWORD)
    administrator.get_by_role("button", name="Log in").click()
    for viewer in (page, administrator):
        for model in LISTS:
            viewer.goto(live_server.url + admin_url(model))
            assert viewer.locator("#result_list tbody tr").count() >= 1, model
            assert hidden_columns(viewer) == [], model.__name__
            assert viewer.evaluate("document.documentElement.scrollWidth") <= 1280
    # The lists pass axe too (their filter links tap-sized by admin.css).
    for model in LISTS:
        page.goto(live_server.url + admin_url(model))
        assert axe_violations(page) == [], model.__name__
    administrator.context.close()


# --- The seat form's choices work without JavaScript -----------------------------------------

SEAT_CHOICES = ["person", "body", "organisation"]


def offered(response, field):
    """The values a seat form's field offers in the page: its <select>'s options, or None
    when it is typed."""
    page = response.content.decode()
    select = re.search(rf'<select name="{field}"[^>]*>(.*?)</select>', page, re.S)
    if select is None:
        assert re.search(rf'<input type="text" name="{field}"', page), field
        return None
    return set(re.findall(r'<option value="([^"]+)"', select.group(1)))


def test_the_seat_form_lists_exactly_what_the_curator_may_use(client, curator):
    ours = records_in(HARTLEPOOL, "Hartlepool")
    theirs = camden_records()
    response = client.get(admin_url(Seat, "add"))
    assert offered(response, "person") == {str(ours[Person].pk)}
    assert offered(response, "body") == {str(ours[Body].pk)}
    # Organisations are shared: any, for a seat in their area.
    organisations = offered(response, "organisation")
    assert {str(ours[Organisation].pk), str(theirs[Organisation].pk)} <= organisations
    assert organisations == {str(pk) for pk in Organisation.objects.values_list("pk", flat=True)}
    assert "Camden Person" not in response.content.decode()


def test_the_partnership_form_lists_only_the_curators_areas(client, curator):
    response = client.get(admin_url(Partnership, "add"))
    assert offered(response, "areas") == {str(area(HARTLEPOOL).pk)}


def test_the_seat_form_runs_the_same_queries_as_records_grow(client, curator):
    records_in(HARTLEPOOL, "Hartlepool")
    camden_records()

    def grow():
        for i in range(4):
            records_in(HARTLEPOOL, f"Hartlepool {i}")
            records_in(CAMDEN, f"Camden {i}")

    assert_constant_queries(client, admin_url(Seat, "add"), grow, most=14)


def people_with_seats(body, n):
    """n people, each holding a seat on body, made in two queries."""
    people = Person.objects.bulk_create(Person(name=f"Member {i}") for i in range(n))
    Seat.objects.bulk_create(Seat(body=body, person=person, sector="vcs") for person in people)


def test_too_many_people_to_list_are_typed_by_number_and_the_page_stays_small(client, curator):
    ours = records_in(HARTLEPOOL, "Hartlepool")
    people_with_seats(ours[Body], LISTED_CHOICES)  # one more than may be listed, with ours
    response = client.get(admin_url(Seat, "add"))
    assert offered(response, "person") is None
    assert "Type the person's number" in response.content.decode()
    assert offered(response, "body") == {str(ours[Body].pk)}
    assert len(response.content) < 250_000

    def grow():
        people_with_seats(ours[Body], 500)

    assert_constant_queries(client, admin_url(Seat, "add"), grow, most=14)


def test_a_typed_number_names_only_a_person_the_curator_may_use(client, curator):
    ours = records_in(HARTLEPOOL, "Hartlepool")
    theirs = camden_records()
    people_with_seats(ours[Body], LISTED_CHOICES)
    data = {"person": theirs[Person].pk, "body": ours[Body].pk, "sector": "vcs"}
    response = client.post(admin_url(Seat, "add"), data)
    assert response.status_code == 200  # refused, with the form again
    page = response.content.decode()
    assert "Camden Person" not in page and "camden@example.org" not in page
    assert not Seat.objects.filter(person=theirs[Person]).exclude(body=theirs[Body]).exists()
    for typed in ["abc", "-1", "99999999999999999999999", "1,2"]:
        data["person"] = typed
        assert client.post(admin_url(Seat, "add"), data).status_code == 200, typed
    data["person"] = ours[Person].pk
    assert client.post(admin_url(Seat, "add"), data).status_code == 302
    assert Seat.objects.filter(person=ours[Person], body=ours[Body]).count() == 2


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_with_javascript_off_a_curator_adds_a_seat_by_choosing_from_the_lists(
    live_server, no_js_page, signed_in
):
    page = signed_in(no_js_page)
    page.goto(live_server.url + admin_url(Seat, "add"))
    name = "Hartlepool and East Durham Voluntary Development"
    person = page.get_by_label("Person:")
    people = person.locator("option").all_inner_texts()
    assert f"{name} Person" in people and "Camden Person" not in people
    person.select_option(label=f"{name} Person")
    page.get_by_label("Body:").select_option(label=f"{name} Board (One {name})")
    page.get_by_label("Sector:").select_option(label="Voluntary and community sector")
    page.get_by_label("Organisation:").select_option(label="Camden Women's Aid")  # shared
    page.get_by_label("Role:").fill("Vice-chair")
    page.get_by_role("button", name="Save", exact=True).click()
    assert "was added successfully" in page.locator(".messagelist").inner_text()
    seat = Seat.objects.get(role="Vice-chair")
    assert seat.person.name == f"{name} Person"
    assert seat.organisation.name == "Camden Women's Aid"
