"""Vacant seats in the curator admin (issue 12, point 1): the seat form has an "Open seat"
part; a vacant seat with a person, or a held seat with a closing date or a way to apply, is
refused on the field (never a server error); the seat list says "Vacant" and filters to
vacancies and to terms ending soon; the admin home counts both over what the curator may
change; and another area's curator can neither see nor change Hartlepool's vacancy."""

import datetime

import pytest
from django.urls import reverse

from curation.services import curator_setup
from partnerships.models import Seat

from .factories import BoardFactory, PartnershipFactory, SeatFactory, area
from .factories import VacancyFactory as BaseVacancyFactory
from .querycount import assert_constant_queries

pytestmark = pytest.mark.django_db

HARTLEPOOL, CAMDEN = "E06000001", "E09000007"
TODAY = datetime.date.today()
SOON = TODAY + datetime.timedelta(days=60)
LATER = TODAY + datetime.timedelta(days=400)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def admin_url(view="changelist", *args):
    return reverse(f"admin:partnerships_seat_{view}", args=args)


def sign_in(client, username, code):
    curator, _ = curator_setup(username=username, area_codes=[code])
    client.force_login(curator.user)
    return curator.user


@pytest.fixture
def hartlepool(client):
    return sign_in(client, "hartlepool-cvs", HARTLEPOOL)


@pytest.fixture
def camden(client):
    return sign_in(client, "camden-cvs", CAMDEN)


def board_in(code, name="Board"):
    return BoardFactory(partnership=PartnershipFactory(areas=[area(code)]), name=name)


def vacancy_in(code, **fields):
    return BaseVacancyFactory(body=board_in(code, f"{code} Board"), **fields)


def form_data(body, **fields):
    data = {"body": body.pk, "sector": "vcs", "person": "", "role": "", "selection": ""}
    data.update({key: ("" if value is None else value) for key, value in fields.items()})
    return data


def field_errors(response):
    assert response.status_code == 200, response.status_code
    return {
        name: list(errors) for name, errors in response.context["adminform"].form.errors.items()
    }


def task_counts(response):
    return {task["label"]: task["count"] for task in response.context["curation_tasks"]}


def listed(response):
    return {row.pk for row in response.context["cl"].result_list}


# --- The form ------------------------------------------------------------------------------


def test_the_seat_form_has_an_open_seat_part_with_help(client, hartlepool):
    page = client.get(admin_url("add")).content.decode()
    assert "<h2" in page and "Open seat" in page
    for name in ["vacant", "selection_closes", "how_to_apply"]:
        assert f'name="{name}"' in page
    assert "leave the person empty" in page
    assert "the last day to apply" in page  # the field's own help


def test_a_curator_adds_a_vacancy(client, hartlepool):
    body = board_in(HARTLEPOOL)
    data = form_data(
        body, vacant="on", selection_closes=SOON.isoformat(), how_to_apply="Ask the CVS"
    )
    response = client.post(admin_url("add"), data)
    assert response.status_code == 302, field_errors(response)
    seat = Seat.objects.get(body=body)
    assert seat.vacant and seat.person is None and seat.how_to_apply == "Ask the CVS"


def test_a_vacant_seat_with_a_person_is_refused_on_the_person(client, hartlepool):
    body = board_in(HARTLEPOOL)
    person = SeatFactory(body=body).person  # theirs to use
    data = form_data(body, vacant="on", person=person.pk)
    errors = field_errors(client.post(admin_url("add"), data))
    assert "A vacant seat has nobody in it" in errors["person"][0]
    assert "__all__" not in errors  # said once, on the field
    assert Seat.objects.filter(body=body).count() == 1


def test_filling_a_vacancy_without_unticking_vacant_is_refused_not_a_server_error(
    client, hartlepool
):
    seat = vacancy_in(HARTLEPOOL)
    person = SeatFactory(body=seat.body).person
    data = form_data(seat.body, vacant="on", person=person.pk, how_to_apply="Ask")
    errors = field_errors(client.post(admin_url("change", seat.pk), data))
    assert list(errors) == ["person"]
    seat.refresh_from_db()
    assert seat.vacant and seat.person is None
    # Unticked, with the vacancy's details cleared, it is filled.
    data = form_data(seat.body, person=person.pk, start_date=TODAY.isoformat())
    assert client.post(admin_url("change", seat.pk), data).status_code == 302
    seat.refresh_from_db()
    assert not seat.vacant and seat.person == person


def test_a_held_seat_with_a_closing_date_or_a_way_to_apply_is_refused_on_those_fields(
    client, hartlepool
):
    body = board_in(HARTLEPOOL)
    person = SeatFactory(body=body).person
    data = form_data(
        body, person=person.pk, selection_closes=SOON.isoformat(), how_to_apply="Write to us"
    )
    errors = field_errors(client.post(admin_url("add"), data))
    assert "Only a vacant seat has a closing date" in errors["selection_closes"][0]
    assert "Only a vacant seat says how to apply" in errors["how_to_apply"][0]
    # An erased holder's seat is held too.
    data = form_data(body, how_to_apply="Write to us")
    assert "how_to_apply" in field_errors(client.post(admin_url("add"), data))


def test_a_vacancy_given_a_person_on_the_bodys_page_is_refused_not_a_server_error(
    client, hartlepool
):
    seat = vacancy_in(HARTLEPOOL)
    person = SeatFactory(body=seat.body, role="Chair").person
    held = Seat.objects.get(body=seat.body, person=person)
    body = seat.body
    rows = [held, seat]
    data = {
        "partnership": body.partnership.pk,
        "kind": body.kind,
        "theme": "",
        "name": body.name,
        "feeds_into": "",
        "seats-TOTAL_FORMS": "2",
        "seats-INITIAL_FORMS": "2",
        "seats-MIN_NUM_FORMS": "0",
        "seats-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        data.update(
            {
                f"seats-{i}-id": row.pk,
                f"seats-{i}-body": body.pk,
                f"seats-{i}-person": person.pk,  # the vacancy too
                f"seats-{i}-sector": row.sector,
                f"seats-{i}-role": row.role,
            }
        )
        if row.vacant:
            data[f"seats-{i}-vacant"] = "on"
    response = client.post(reverse("admin:partnerships_body_change", args=[body.pk]), data)
    assert response.status_code == 200
    assert "A vacant seat has nobody in it: leave the person empty here" in (
        response.content.decode()
    )
    seat.refresh_from_db()
    assert seat.vacant and seat.person is None


def inline_data(prefix, rows, parent_field, parent):
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(len(rows)),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        data.update(
            {
                f"{prefix}-{i}-id": row.pk,
                f"{prefix}-{i}-{parent_field}": parent.pk,
                f"{prefix}-{i}-person": row.person_id or "",
                f"{prefix}-{i}-body": row.body_id,
                f"{prefix}-{i}-sector": row.sector,
                f"{prefix}-{i}-role": row.role,
            }
        )
    return data


def test_a_held_seat_left_with_a_way_to_apply_is_explained_on_the_pages_that_list_it(
    client, hartlepool
):
    """A held seat that still has a closing date or a way to apply (written before the rule,
    or by an import onto an erased holder's seat): the body's and the person's pages, whose
    seat rows do not show those fields, say what to do with it, rather than failing."""
    body = board_in(HARTLEPOOL)
    seat = SeatFactory(body=body, how_to_apply="Ask the CVS", selection_closes=SOON)
    said = "open the seat and clear"
    data = {"partnership": body.partnership.pk, "kind": body.kind, "theme": "", "name": body.name}
    data |= inline_data("seats", [seat], "body", body)
    response = client.post(reverse("admin:partnerships_body_change", args=[body.pk]), data)
    assert response.status_code == 200 and said in response.content.decode()
    person = seat.person
    data = {"name": person.name, "email": person.email, "phone": person.phone}
    data |= {"publish_contact": "on"} | inline_data("seats", [seat], "person", person)
    response = client.post(reverse("admin:partnerships_person_change", args=[person.pk]), data)
    assert response.status_code == 200 and said in response.content.decode()
    # On the seat's own page, each is said beside its field.
    data = form_data(body, person=person.pk, how_to_apply="Ask", selection_closes=SOON)
    errors = field_errors(client.post(admin_url("change", seat.pk), data))
    assert set(errors) == {"selection_closes", "how_to_apply"}


# --- The list ------------------------------------------------------------------------------


def test_the_seat_list_says_vacant_and_filters_to_vacancies_and_terms_ending_soon(
    client, hartlepool
):
    open_seat = vacancy_in(HARTLEPOOL, selection_closes=SOON)
    body = open_seat.body
    ending = SeatFactory(body=body, end_date=SOON)
    later = SeatFactory(body=body, end_date=LATER)
    ended = SeatFactory(
        body=body, start_date=datetime.date(2001, 1, 1), end_date=TODAY.replace(year=TODAY.year - 1)
    )
    response = client.get(admin_url())
    page = response.content.decode()
    assert listed(response) == {open_seat.pk, ending.pk, later.pk, ended.pk}
    assert ">Vacant<" in page
    assert "open, closes" in page
    assert listed(client.get(admin_url() + "?open=vacant")) == {open_seat.pk}
    assert listed(client.get(admin_url() + "?open=ending_soon")) == {ending.pk}
    assert "Term ends within 6 months" in page
    # Current seats are held ones: a vacancy is not current.
    assert open_seat.pk not in listed(client.get(admin_url() + "?held=current"))


def test_a_vacancy_past_its_closing_date_is_still_to_fill(client, hartlepool):
    closed = vacancy_in(HARTLEPOOL, selection_closes=TODAY - datetime.timedelta(days=1))
    response = client.get(admin_url() + "?open=vacant")
    assert listed(response) == {closed.pk}
    assert "open, closed" in response.content.decode()
    assert task_counts(client.get(reverse("admin:index")))["Vacant seats to fill"] == 1


# --- The admin home ------------------------------------------------------------------------


def open_seats_in(code, n):
    for _ in range(n):
        vacancy = vacancy_in(code)
        SeatFactory(body=vacancy.body, end_date=SOON)
        SeatFactory(body=vacancy.body, end_date=LATER)


def test_the_home_counts_vacancies_and_terms_ending_over_the_curators_own(client, hartlepool):
    open_seats_in(HARTLEPOOL, 2)
    open_seats_in(CAMDEN, 3)  # not theirs
    response = client.get(reverse("admin:index"))
    counts = task_counts(response)
    assert counts["Vacant seats to fill"] == 2
    assert counts["Terms ending within six months"] == 2
    page = response.content.decode()
    assert f'href="{admin_url()}?open=vacant">Vacant seats to fill</a>: <strong>2</strong>' in page
    assert f'href="{admin_url()}?open=ending_soon">' in page


def test_a_site_administrator_counts_every_area(admin_client):
    open_seats_in(HARTLEPOOL, 1)
    open_seats_in(CAMDEN, 2)
    counts = task_counts(admin_client.get(reverse("admin:index")))
    assert counts["Vacant seats to fill"] == 3
    assert counts["Terms ending within six months"] == 3


def test_the_home_runs_the_same_queries_as_open_seats_grow(client, hartlepool):
    open_seats_in(HARTLEPOOL, 1)
    open_seats_in(CAMDEN, 1)

    def grow():
        open_seats_in(HARTLEPOOL, 4)
        open_seats_in(CAMDEN, 4)

    assert_constant_queries(client, reverse("admin:index"), grow, most=18)


# --- Another area's curator ----------------------------------------------------------------


def test_camdens_curator_cannot_see_or_change_hartlepools_vacancy(client, camden):
    theirs = vacancy_in(HARTLEPOOL, how_to_apply="Ask HVDA")
    ours = vacancy_in(CAMDEN)
    assert listed(client.get(admin_url() + "?open=vacant")) == {ours.pk}
    assert listed(client.get(admin_url() + "?q=Ask+HVDA")) == set()
    assert task_counts(client.get(reverse("admin:index")))["Vacant seats to fill"] == 1
    # Not opened, and a forged change saves nothing.
    assert client.get(admin_url("change", theirs.pk)).status_code == 302
    person = SeatFactory(body=ours.body).person
    data = form_data(theirs.body, person=person.pk, start_date=TODAY.isoformat())
    client.post(admin_url("change", theirs.pk), data)
    theirs.refresh_from_db()
    assert theirs.vacant and theirs.person is None and theirs.how_to_apply == "Ask HVDA"
    # Nor can they move their own vacancy onto Hartlepool's board.
    data = form_data(theirs.body, vacant="on")
    response = client.post(admin_url("change", ours.pk), data)
    assert response.status_code == 200 and "body" in field_errors(response)
    ours.refresh_from_db()
    assert ours.body != theirs.body


# --- In a real browser -----------------------------------------------------------------------

PASSWORD = "a long curator passphrase 2026"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_curator_fills_a_vacancy_without_javascript_and_is_told_where_it_went_wrong(
    live_server, no_js_page, areas
):
    from .browser import axe_violations

    seat = vacancy_in(HARTLEPOOL)
    holder = SeatFactory(body=seat.body, role="Chair").person
    curator, _ = curator_setup(username="hartlepool-cvs", area_codes=[HARTLEPOOL])
    curator.user.set_password(PASSWORD)
    curator.user.save()
    page = no_js_page
    page.goto(live_server.url + "/admin/login/")
    page.get_by_label("Username").fill("hartlepool-cvs")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    assert "Vacant seats to fill: 1" in page.locator("#curation-tasks").inner_text()
    page.get_by_role("link", name="Vacant seats to fill").click()
    page.get_by_role("link", name="Vacant").first.click()

    assert page.get_by_role("heading", name="Open seat").is_visible()
    page.get_by_label("Person:").select_option(label=holder.name)
    page.get_by_role("button", name="Save", exact=True).click()
    error = page.locator(".form-row.field-person .errorlist")
    assert "A vacant seat has nobody in it" in error.inner_text()
    assert axe_violations(page, context="#content") == []

    page.get_by_label("Vacant").uncheck()
    page.get_by_label("Selection closes:").fill("")
    page.get_by_label("How to apply:").fill("")
    page.get_by_role("button", name="Save", exact=True).click()
    assert "was changed successfully" in page.locator(".messagelist").inner_text()
    seat.refresh_from_db()
    assert not seat.vacant and seat.person == holder and not seat.how_to_apply
