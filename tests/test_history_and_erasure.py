"""Who changed what and when, with restore; and erasing a person at their request."""

import re

import pytest
from django.contrib.admin.models import DELETION, LogEntry
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from curation.erasure import ERASED, ERASURE_REASON, REDACTED
from curation.models import Correction
from curation.services import curator_setup, person_erase
from partnerships.models import Partnership, Person, Seat

from .factories import BoardFactory, PartnershipFactory, PersonFactory, SeatFactory, area
from .test_curator_scope import CAMDEN, HARTLEPOOL, admin_url, assert_missing, management_form

pytestmark = pytest.mark.django_db

NAME = "Ada Lovelace"
EMAIL = "ada@example.org"
REMOVED = "Name removed at the person&#x27;s request"


@pytest.fixture
def curator(client):
    user = curator_setup(username="hartlepool-cvs", area_codes=[HARTLEPOOL])[0].user
    client.force_login(user)
    return user


@pytest.fixture
def partnership():
    return PartnershipFactory(name="Hartlepool Partnership", areas=[area(HARTLEPOOL)])


@pytest.fixture
def seat(partnership):
    person = PersonFactory(name=NAME, email=EMAIL, phone="01429 523000", publish_contact=True)
    return SeatFactory(person=person, body=BoardFactory(partnership=partnership))


def history_url(obj):
    return admin_url(type(obj), "history", obj.pk)


def revert_url(obj, version):
    opts = obj._meta
    return reverse(
        f"admin:{opts.app_label}_{opts.model_name}_simple_history",
        args=[obj.pk, version.history_id],
    )


def partnership_data(partnership, **values):
    return {
        "name": partnership.name,
        "slug": partnership.slug,
        "areas": [a.pk for a in partnership.areas.all()],
        "description": partnership.description,
        "website": partnership.website,
        "last_verified_on": partnership.last_verified_on or "",
        **management_form("bodies"),
        **management_form("documents"),
        "_save": "Save",
    } | values


# --- History -------------------------------------------------------------------------------


def test_an_admin_edit_is_kept_with_who_and_what(client, curator, partnership):
    url = admin_url(Partnership, "change", partnership.pk)
    response = client.post(url, partnership_data(partnership, name="Hartlepool Together"))
    assert response.status_code == 302

    latest = partnership.history.latest("history_date")
    assert latest.history_user == curator
    assert latest.history_type == "~"
    assert latest.name == "Hartlepool Together"
    delta = latest.diff_against(latest.prev_record)
    assert delta.changed_fields == ["name"]

    page = client.get(history_url(partnership))
    assert page.status_code == 200
    content = page.content.decode()
    assert "hartlepool-cvs" in content
    assert "Hartlepool Partnership" in content and "Hartlepool Together" in content
    assert "&rarr;" in content  # the changes column: old -> new


def test_reverting_restores_the_earlier_version(client, curator, partnership):
    original = partnership.history.latest("history_date")
    url = admin_url(Partnership, "change", partnership.pk)
    client.post(url, partnership_data(partnership, name="Mistake", website="https://x.example"))

    page = client.get(revert_url(partnership, original))
    assert page.status_code == 200
    form = page.context["adminform"].form
    assert form.initial["name"] == "Hartlepool Partnership"
    partnership.refresh_from_db()
    data = partnership_data(partnership, name=form.initial["name"], website=original.website)
    response = client.post(revert_url(partnership, original), data)
    assert response.status_code == 302

    partnership.refresh_from_db()
    assert partnership.name == "Hartlepool Partnership"
    assert partnership.website == original.website
    restored = partnership.history.filter(history_user=curator).latest("history_date")
    assert restored.history_change_reason.startswith("Restored the version of")
    assert re.search(r"\d\d:\d\d:\d\d$", restored.history_change_reason)


def test_a_revert_page_starts_from_the_versions_areas(admin_client, partnership):
    original = partnership.history.latest("history_date")
    partnership.areas.set([area(CAMDEN)])
    page = admin_client.get(revert_url(partnership, original))
    assert page.context["adminform"].form.initial["areas"] == [area(HARTLEPOOL).pk]


def test_a_curator_cannot_restore_a_version_out_of_its_areas(client, curator, partnership):
    partnership.areas.add(area(CAMDEN))
    shared = partnership.history.latest("history_date")
    partnership.areas.remove(area(CAMDEN))
    data = partnership_data(partnership, areas=[area(HARTLEPOOL).pk, area(CAMDEN).pk])
    response = client.post(revert_url(partnership, shared), data)
    assert response.status_code == 200
    assert list(partnership.areas.all()) == [area(HARTLEPOOL)]


@pytest.mark.parametrize("model", [Partnership, Seat], ids=lambda m: m.__name__)
def test_mark_verified_writes_history_with_the_user(client, curator, seat, model):
    obj = seat if model is Seat else seat.body.partnership
    obj.last_verified_on = None
    obj.save()
    response = client.post(
        admin_url(model), {"action": "mark_verified_today", "_selected_action": [obj.pk]}
    )
    assert response.status_code == 302
    latest = model.history.filter(id=obj.pk).latest("history_date")
    assert latest.history_user == curator
    assert latest.last_verified_on == timezone.localdate()
    assert latest.verified_by_id == curator.pk
    assert latest.history_change_reason == "Marked verified today"
    if model is Partnership:  # the version keeps its areas
        assert [row.area for row in latest.areas.all()] == [area(HARTLEPOOL)]
    assert "Last verified on" in client.get(history_url(obj)).content.decode()


# --- Erasure -------------------------------------------------------------------------------


def test_person_page_offers_erasure_and_asks_first(client, curator, seat):
    page = client.get(admin_url(Person, "change", seat.person.pk))
    erase_url = reverse("admin:partnerships_person_erase", args=[seat.person.pk])
    assert erase_url in page.content.decode()
    assert "Erase this person" in page.content.decode()

    confirm = client.get(erase_url)
    assert confirm.status_code == 200
    assert NAME in confirm.content.decode()
    assert "cannot be undone" in confirm.content.decode()
    assert Person.objects.filter(pk=seat.person.pk).exists()  # nothing happens on GET


def test_erasing_removes_the_person_and_their_history_and_keeps_the_seats(
    client, curator, seat, partnership
):
    person = seat.person
    pk = person.pk
    # An admin edit, so the log and the history name them.
    data = {
        "name": NAME,
        "email": EMAIL,
        "phone": "01429 523000",
        "publish_contact": "on",
        **management_form("seats"),
        "_save": "Save",
    }
    assert client.post(admin_url(Person, "change", pk), data, follow=True).status_code == 200
    assert Person.history.filter(id=pk).count() == 2
    assert LogEntry.objects.filter(object_repr__contains=NAME).exists()
    # A report about their seat, sent through the public form.
    report = reverse("curation:report", args=["seat", seat.pk])
    data = {"message": f"{NAME} has left", "email": "r@example.org", "website": ""}
    assert Client().post(report, data).status_code == 302
    assert NAME in Correction.objects.get().record_label

    response = client.post(reverse("admin:partnerships_person_erase", args=[pk]), {"post": "yes"})
    assert response.status_code == 302

    assert not Person.objects.filter(pk=pk).exists()
    assert not Person.history.filter(id=pk).exists()
    seat.refresh_from_db()
    assert seat.person is None
    assert not Seat.history.filter(person_id=pk).exists()
    logged = Seat.history.filter(id=seat.pk).latest("history_date")
    assert logged.history_change_reason == ERASURE_REASON
    assert logged.history_user == curator

    # Logged without the name; no log entry, report or history names them any more.
    erasure = LogEntry.objects.get(action_flag=DELETION, object_id=str(pk))
    assert erasure.user == curator
    assert erasure.object_repr == ERASED
    assert not LogEntry.objects.filter(object_repr__contains=NAME).exists()
    assert not LogEntry.objects.filter(change_message__contains=NAME).exists()
    correction = Correction.objects.get()
    assert NAME not in correction.record_label + correction.message
    assert correction.message == REDACTED and correction.email == ""

    # Public pages keep the seat, without the name or the contact details.
    for url in [partnership.get_absolute_url(), reverse("partnerships:representative_list")]:
        content = client.get(url).content.decode()
        assert NAME not in content
        assert EMAIL not in content
        assert REMOVED in content, url

    # The seat's history still opens, naming no one.
    content = client.get(history_url(seat)).content.decode()
    assert NAME not in content


def test_erase_action_asks_first(client, curator, seat):
    url = admin_url(Person)
    chosen = {"action": "erase_people", "_selected_action": [seat.person.pk]}
    confirm = client.post(url, chosen)
    assert confirm.status_code == 200
    assert NAME in confirm.content.decode()
    assert Person.objects.exists()

    response = client.post(url, chosen | {"post": "yes"}, follow=True)
    assert response.status_code == 200
    assert not Person.objects.exists()
    assert "Erased 1 person" in [str(m) for m in response.context["messages"]][0]


def test_a_person_sitting_in_two_curators_areas_is_erased_by_a_site_administrator(
    client, curator, seat, admin_client
):
    other_board = BoardFactory(partnership=PartnershipFactory(areas=[area(CAMDEN)]))
    SeatFactory(person=seat.person, body=other_board)
    erase_url = reverse("admin:partnerships_person_erase", args=[seat.person.pk])
    assert_missing(client.post(erase_url, {"post": "yes"}), NAME, EMAIL)
    assert Person.objects.exists()
    assert admin_client.post(erase_url, {"post": "yes"}).status_code == 302
    assert not Person.objects.exists()
    assert Seat.objects.filter(person__isnull=True).count() == 2


def test_another_areas_curator_cannot_erase(client, seat):
    camden = curator_setup(username="camden-cvs", area_codes=[CAMDEN])[0].user
    client.force_login(camden)
    pk = seat.person.pk
    erase_url = reverse("admin:partnerships_person_erase", args=[pk])
    assert_missing(client.get(erase_url), NAME, EMAIL)
    assert_missing(client.post(erase_url, {"post": "yes"}))
    client.post(
        admin_url(Person),
        {"action": "erase_people", "_selected_action": [pk], "post": "yes"},
    )
    with pytest.raises(PermissionDenied):
        person_erase(person=seat.person, user=camden)
    assert Person.objects.filter(pk=pk, name=NAME).exists()
    assert Person.history.filter(id=pk).exists()
