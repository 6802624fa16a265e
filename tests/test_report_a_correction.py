"""A member of the public reports that a record is wrong; curators work through the queue."""

import datetime

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from curation.forms import MESSAGE_MAX_LENGTH
from curation.models import Correction, CorrectionState, Curator, ReportWindow
from networks.choices import NetworkKind
from partnerships.models import Area, Region

from .browser import assert_accessible, assert_no_horizontal_scroll
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

HARTLEPOOL = "E06000001"
CITY_OF_LONDON = "E09000001"
REPORTER_EMAIL = "reporter.private@example.net"
QUEUE = "/admin/curation/correction/"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """admin_client's superuser needs a password; hashing it properly is slow."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def partnership():
    return PartnershipFactory(name="Hartlepool Partnership", areas=[area(HARTLEPOOL)])


@pytest.fixture
def seat(partnership):
    board = BoardFactory(partnership=partnership, name="Hartlepool Partnership Board")
    return SeatFactory(body=board, person=PersonFactory(name="Jane Doe"))


@pytest.fixture
def network():
    return NetworkFactory(name="Hartlepool CEN", areas=[area(HARTLEPOOL)])


@pytest.fixture
def records(partnership, seat, network):
    return {"partnership": partnership, "seat": seat, "network": network}


def report_url(kind, record):
    key = record.pk if kind == "seat" else record.slug
    return reverse("curation:report", args=[kind, key])


def thanks_url(kind, record):
    key = record.pk if kind == "seat" else record.slug
    return reverse("curation:report_thanks", args=[kind, key])


def text(response):
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def report(client, record, kind, message="The phone number is wrong.", **extra):
    data = {"message": message, "email": "", "website": ""}
    data.update({k: v for k, v in extra.items() if k in data})
    meta = {k: v for k, v in extra.items() if k not in data}
    return client.post(report_url(kind, record), data, **meta)


# --- The link on every public record -------------------------------------------------------


def test_partnership_page_links_to_report_the_partnership_and_each_vcs_seat(
    client, partnership, seat
):
    html = text(client.get(partnership.get_absolute_url()))
    assert f'href="{report_url("partnership", partnership)}"' in html
    assert f'href="{report_url("seat", seat)}"' in html
    assert "Report something wrong" in html
    assert '<span class="visually-hidden"> about Hartlepool Partnership</span>' in html


def test_network_page_links_to_report_the_network(client, network):
    html = text(client.get(network.get_absolute_url()))
    assert f'href="{report_url("network", network)}"' in html


def test_representatives_list_links_to_report_each_seat(client, seat):
    other = SeatFactory()
    html = text(client.get(reverse("partnerships:representative_list")))
    assert f'href="{report_url("seat", seat)}"' in html
    assert f'href="{report_url("seat", other)}"' in html


# --- The form ------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["partnership", "network", "seat"])
def test_the_form_opens_for_each_kind_of_record(client, records, kind):
    record = records[kind]
    response = client.get(report_url(kind, record))
    assert response.status_code == 200
    html = text(response)
    assert 'name="csrfmiddlewaretoken"' in html
    assert '<label class="label label--m" for="id_message">What is wrong?</label>' in html
    assert 'aria-describedby="id_message_helptext"' in html
    assert '<label class="label" for="id_email">Your email address (optional)</label>' in html
    assert "never shown publicly" in html
    assert 'type="email"' in html and 'autocomplete="email"' in html
    assert "required" not in html.split("<form", 1)[1].split("</form>")[0]
    # The honeypot: hidden from people and screen readers, skipped by Tab and autofill.
    assert '<div class="visually-hidden" aria-hidden="true">' in html
    assert 'name="website"' in html and 'tabindex="-1"' in html and 'autocomplete="off"' in html
    assert "Leave this field empty" in html
    public = record.body.partnership if kind == "seat" else record
    assert f'href="{public.get_absolute_url()}"' in html


@pytest.mark.parametrize(
    "kind, label",
    [
        ("partnership", "Partnership: Hartlepool Partnership"),
        ("network", "Community Empowerment Network: Hartlepool CEN"),
        ("seat", "Seat: Jane Doe on Hartlepool Partnership Board (Hartlepool Partnership)"),
    ],
)
def test_a_report_is_stored_about_its_record_and_routed_to_its_areas(client, records, kind, label):
    record = records[kind]
    response = report(client, record, kind, email=REPORTER_EMAIL, REMOTE_ADDR="198.51.100.7")
    assert response.status_code == 302
    assert response["Location"] == thanks_url(kind, record)

    correction = Correction.objects.get()
    assert correction.record == record
    assert correction.record_label == label
    assert list(correction.areas.values_list("gss_code", flat=True)) == [HARTLEPOOL]
    assert correction.message == "The phone number is wrong."
    assert correction.email == REPORTER_EMAIL
    assert correction.state == CorrectionState.NEW
    # A keyed hash of the address, never the address itself.
    assert len(correction.client_key) == 64 and "198.51.100.7" not in correction.client_key


def test_the_thank_you_page_links_back_to_the_record(client, seat):
    response = report(client, seat, "seat", follow=True)
    assert response.redirect_chain == [(thanks_url("seat", seat), 302)]
    html = text(response)
    assert "Thank you for your report" in html
    assert f'<a href="{seat.body.partnership.get_absolute_url()}">Back to' in html


def test_a_regional_network_reports_to_the_curators_of_its_region():
    region = Region.objects.get(name="London")
    network = NetworkFactory(kind=NetworkKind.WOMENS_NETWORK, region=region)
    network.areas.clear()
    report(Client(), network, "network")
    correction = Correction.objects.get()
    assert set(correction.areas.all()) == set(Area.objects.filter(region=region))
    assert correction.record_label == f"Women's network: {network.name}"


def test_validation_errors_keep_what_was_typed(client, partnership):
    response = report(client, partnership, "partnership", message="   ", email="not-an-email")
    assert response.status_code == 200
    html = text(response)
    assert html.count("<title>Error: Report something wrong") == 1
    assert '<div class="error-summary" role="alert"' in html
    assert '<a href="#id_message">Enter what is wrong</a>' in html
    assert (
        '<a href="#id_email">Enter an email address in the correct format, like '
        "name@example.com</a>" in html
    )
    assert 'value="not-an-email"' in html
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_email_helptext id_email_error"' in html
    assert not Correction.objects.exists()

    too_long = "Wrong! " + "x" * MESSAGE_MAX_LENGTH
    response = report(client, partnership, "partnership", message=too_long, email=REPORTER_EMAIL)
    html = text(response)
    assert "What is wrong must be 2,000 characters or fewer" in html
    assert f"{too_long}</textarea>" in html
    assert f'value="{REPORTER_EMAIL}"' in html
    assert not Correction.objects.exists()


def test_a_filled_honeypot_looks_like_success_but_stores_nothing(client, partnership):
    response = report(client, partnership, "partnership", website="https://spam.example/")
    assert response.status_code == 302
    assert response["Location"] == thanks_url("partnership", partnership)
    assert not Correction.objects.exists()


def test_six_reports_in_an_hour_from_one_address_are_too_many(client, partnership, seat):
    for n in range(5):
        response = report(client, partnership, "partnership", f"Report {n}", REMOTE_ADDR="10.1.1.1")
        assert response.status_code == 302
    response = report(client, seat, "seat", "The sixth report", REMOTE_ADDR="10.1.1.1")
    assert response.status_code == 429
    html = text(response)
    assert "you have sent several reports recently; please try again later" in html.lower()
    assert "The sixth report" in html  # shown back, so it is not lost
    assert Correction.objects.count() == 5
    # The form says so before anyone types.
    assert client.get(report_url("seat", seat), REMOTE_ADDR="10.1.1.1").status_code == 429

    # Someone else is not held up.
    assert report(client, seat, "seat", REMOTE_ADDR="10.2.2.2").status_code == 302
    assert Correction.objects.count() == 6

    # An hour later the first address may report again.
    earlier = timezone.now() - datetime.timedelta(hours=1, minutes=1)
    ReportWindow.objects.update(started_at=earlier)
    assert report(client, seat, "seat", REMOTE_ADDR="10.1.1.1").status_code == 302


def test_a_post_without_the_csrf_token_is_refused_with_a_friendly_page(partnership):
    csrf_client = Client(enforce_csrf_checks=True)
    response = report(csrf_client, partnership, "partnership")
    assert response.status_code == 403
    html = text(response)
    assert "Your form expired" in html
    assert "try again" in html
    assert not Correction.objects.exists()

    # With the token from the form, the same client's report goes through.
    csrf_client.get(report_url("partnership", partnership))
    token = csrf_client.cookies["csrftoken"].value
    response = csrf_client.post(
        report_url("partnership", partnership),
        {"message": "Wrong website", "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
    assert Correction.objects.count() == 1


@pytest.mark.parametrize(
    "path",
    [
        "/report/partnership/no-such-partnership/",
        "/report/network/no-such-network/",
        "/report/seat/999999/",
        "/report/seat/not-a-number/",
        "/report/seat/99999999999999999999999999/",
        "/report/seat/-1/",
        "/report/organisation/anything/",
        "/report/partnership/no-such-partnership/thanks/",
        "/report/seat/999999/thanks/",
    ],
)
def test_unknown_records_are_not_found(client, path):
    assert client.get(path).status_code == 404
    assert client.post(path, {"message": "Wrong"}).status_code == 404
    assert not Correction.objects.exists()


def test_odd_input_is_stored_as_sent_and_escaped_in_the_admin(client, admin_client, seat):
    message = ("<script>alert('x')</script> Zoë, Ŵ, 中文, 🙂 ‮ \n" * 60)[:MESSAGE_MAX_LENGTH]
    response = report(client, seat, "seat", message=message)
    assert response.status_code == 302
    correction = Correction.objects.get()
    assert correction.message == message.strip()

    for url in (QUEUE, f"{QUEUE}{correction.pk}/change/"):
        html = text(admin_client.get(url))
        assert "<script>alert" not in html
        assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; Zoë" in html


def test_a_message_with_a_null_character_is_refused(client, partnership):
    response = report(client, partnership, "partnership", message="Wrong\x00 phone")
    assert response.status_code == 200
    assert "must not contain null characters" in text(response)
    assert not Correction.objects.exists()


@pytest.mark.parametrize("kind", ["partnership", "network", "seat"])
def test_the_form_and_thank_you_pages_run_a_constant_number_of_queries(client, records, kind):
    record = records[kind]

    def grow():
        partnership = records["partnership"]
        partnership.areas.add(area("E06000002"), area("E06000003"))
        records["network"].areas.add(area("E06000002"), area("E06000003"))
        for _ in range(3):
            SeatFactory(body=BoardFactory(partnership=partnership))
            make_correction(record, kind, [area(HARTLEPOOL)])

    assert_constant_queries(client, report_url(kind, record), grow, most=5)
    assert_constant_queries(client, thanks_url(kind, record), grow, most=5)


# --- The reporter's email stays private ----------------------------------------------------


def test_the_reporters_email_is_never_shown_publicly(client, records):
    for kind, record in records.items():
        report(client, record, kind, f"About the {kind}", email=REPORTER_EMAIL)
    assert Correction.objects.filter(email=REPORTER_EMAIL).count() == 3

    partnership = records["partnership"]
    pages = [
        partnership.get_absolute_url(),
        records["network"].get_absolute_url(),
        reverse("partnerships:representative_list"),
        reverse("partnerships:representative_list") + "?status=all",
        reverse("networks:network_list"),
        reverse("partnerships:partnership_list"),
        report_url("partnership", partnership),
        thanks_url("partnership", partnership),
        thanks_url("seat", records["seat"]),
        "/representatives/export.csv",
        "/representatives/export.json",
        "/representation/",
        "/representation.json",
    ]
    for path in pages:
        response = client.get(path)
        if response.status_code == 404 and ("export" in path or "representation" in path):
            continue  # exports and the report belong to other modules; not always routed
        assert response.status_code == 200, path
        assert REPORTER_EMAIL not in text(response), path


# --- The moderation queue ------------------------------------------------------------------


def make_curator(username, areas):
    user = User.objects.create_user(username, is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="curation",
            codename__in=["view_correction", "change_correction"],
        )
    )
    Curator.objects.create(user=user).areas.set(areas)
    return user


def make_correction(record, kind, areas, message="Wrong phone number", email=REPORTER_EMAIL):
    correction = Correction.objects.create(
        record=record,
        record_label=f"{kind.title()}: {record}",
        message=message,
        email=email,
    )
    correction.areas.set(areas)
    return correction


@pytest.fixture
def two_areas():
    """A's report (Hartlepool) and B's (City of London)."""
    hartlepool, london = area(HARTLEPOOL), area(CITY_OF_LONDON)
    mine = PartnershipFactory(name="Hartlepool Partnership", areas=[hartlepool])
    theirs = PartnershipFactory(name="City Partnership", areas=[london])
    return (
        make_correction(mine, "partnership", [hartlepool], "A: wrong website"),
        make_correction(theirs, "partnership", [london], "B: wrong website"),
    )


def test_a_curator_sees_and_handles_only_reports_for_its_areas(client, two_areas):
    mine, theirs = two_areas
    curator = make_curator("hartlepool-cvs", [area(HARTLEPOOL)])
    client.force_login(curator)

    response = client.get(QUEUE)
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [mine]
    html = text(response)
    assert "A: wrong website" in html and "B: wrong website" not in html

    assert client.get(f"{QUEUE}{mine.pk}/change/").status_code == 200
    assert client.get(f"{QUEUE}{theirs.pk}/change/").status_code == 404
    assert client.post(f"{QUEUE}{theirs.pk}/change/", {"state": "done"}).status_code == 404

    # Marking both done reaches only the one in scope.
    response = client.post(QUEUE, {"action": "mark_done", "_selected_action": [mine.pk, theirs.pk]})
    assert response.status_code == 302
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.state == CorrectionState.DONE
    assert mine.handled_by == curator and mine.handled_at is not None
    assert theirs.state == CorrectionState.NEW and theirs.handled_by is None


def test_a_curator_changes_only_the_state_and_the_note(client, two_areas):
    mine, _ = two_areas
    curator = make_curator("hartlepool-cvs", [area(HARTLEPOOL)])
    client.force_login(curator)
    response = client.post(
        f"{QUEUE}{mine.pk}/change/",
        {
            "state": "rejected",
            "curator_note": "Checked with the council: the website is right.",
            "message": "Tampered",
            "email": "someone.else@example.org",
            "record_label": "Tampered",
        },
    )
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.state == CorrectionState.REJECTED
    assert mine.curator_note.startswith("Checked with the council")
    assert mine.handled_by == curator
    assert mine.message == "A: wrong website"
    assert mine.email == REPORTER_EMAIL
    assert mine.record_label.startswith("Partnership: Hartlepool")
    # Curators cannot add or delete reports.
    assert client.get(f"{QUEUE}add/").status_code == 403
    assert client.get(f"{QUEUE}{mine.pk}/delete/").status_code == 403


def test_a_superuser_sees_every_report_and_marks_them_rejected(admin_client, two_areas):
    mine, theirs = two_areas
    response = admin_client.get(QUEUE)
    assert set(response.context["cl"].result_list) == {mine, theirs}
    assert admin_client.get(f"{QUEUE}add/").status_code == 403

    admin_client.post(QUEUE, {"action": "mark_rejected", "_selected_action": [theirs.pk]})
    theirs.refresh_from_db()
    assert theirs.state == CorrectionState.REJECTED
    assert theirs.handled_by.is_superuser


def test_the_queue_lists_new_reports_first_with_links_to_the_record(admin_client, records):
    hartlepool = [area(HARTLEPOOL)]
    done = make_correction(records["seat"], "seat", hartlepool, "Old and done")
    Correction.objects.filter(pk=done.pk).update(state=CorrectionState.DONE)
    older = make_correction(records["network"], "network", hartlepool, "Older new one")
    newer = make_correction(records["partnership"], "partnership", hartlepool, "Newer new one")
    Correction.objects.filter(pk=older.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=2)
    )

    response = admin_client.get(QUEUE)
    assert list(response.context["cl"].result_list) == [newer, older, done]
    html = text(response)
    seat = records["seat"]
    assert f'href="/admin/partnerships/seat/{seat.pk}/change/"' in html
    assert f'href="{seat.body.partnership.get_absolute_url()}"' in html
    assert f'href="{records["network"].get_absolute_url()}"' in html
    assert "Hartlepool" in html
    # The reporter's email is in the change view only.
    assert REPORTER_EMAIL not in html
    assert REPORTER_EMAIL in text(admin_client.get(f"{QUEUE}{newer.pk}/change/"))


def test_the_queue_filters_by_state_and_region_and_searches(admin_client, two_areas):
    mine, theirs = two_areas
    Correction.objects.filter(pk=theirs.pk).update(state=CorrectionState.DONE)

    def listed(query):
        response = admin_client.get(QUEUE + query)
        assert response.status_code == 200, query
        return set(response.context["cl"].result_list)

    assert listed("?state__exact=new") == {mine}
    assert listed("?state__exact=done") == {theirs}
    assert listed("?region=london") == {theirs}
    assert listed("?region=north-east") == {mine}
    assert listed("?q=B%3A+wrong") == {theirs}
    assert listed("?q=City+Partnership") == {theirs}


def test_a_deleted_record_keeps_its_report(admin_client, records):
    correction = make_correction(records["network"], "network", [area(HARTLEPOOL)])
    records["network"].delete()
    html = text(admin_client.get(QUEUE))
    assert "Deleted since the report" in html
    assert admin_client.get(f"{QUEUE}{correction.pk}/change/").status_code == 200


@pytest.mark.parametrize("who", ["superuser", "curator"])
def test_the_queue_runs_a_constant_number_of_queries(client, admin_client, who):
    if who == "curator":
        client.force_login(
            make_curator("north-east-rcc", list(Region.objects.get(name="North East").areas.all()))
        )
    else:
        client = admin_client
    hartlepool = area(HARTLEPOOL)

    def grow():
        for _ in range(3):
            partnership = PartnershipFactory(areas=[hartlepool, area("E06000002")])
            seat = SeatFactory(body=BoardFactory(partnership=partnership))
            network = NetworkFactory(areas=[hartlepool])
            for kind, record in [
                ("partnership", partnership),
                ("seat", seat),
                ("network", network),
            ]:
                make_correction(record, kind, record_areas(kind, record))

    def record_areas(kind, record):
        if kind == "seat":
            return list(record.body.partnership.areas.all())
        return list(record.areas.all())

    grow()
    assert_constant_queries(client, QUEUE, grow, most={"superuser": 11, "curator": 16}[who])


# --- In a browser, without JavaScript ------------------------------------------------------


@pytest.mark.browser
def test_reporting_works_without_javascript_and_is_accessible(live_server, no_js_page, areas):
    seat = SeatFactory(person=PersonFactory(name="Jane Doe"))
    page = no_js_page
    page.goto(live_server.url + seat.body.partnership.get_absolute_url())
    page.locator(f'a[href="{report_url("seat", seat)}"]').click()
    assert page.locator("h1").inner_text() == f"Jane Doe on {seat.body}"
    assert_accessible(page)
    # The honeypot is neither seen nor reached with the keyboard: Tab goes from the email
    # address straight to the button.
    assert page.locator("#id_website").bounding_box()["width"] <= 1
    page.focus("#id_email")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.type") == "submit"

    page.fill("#id_email", "not an email")
    page.click("button[type=submit]")
    assert page.locator(".error-summary").is_visible()
    assert page.input_value("#id_email") == "not an email"
    assert_accessible(page)
    assert_no_horizontal_scroll(page)

    page.set_viewport_size({"width": 1280, "height": 800})
    page.fill("#id_message", "Jane Doe stood down in March.")
    page.fill("#id_email", "")
    page.click("button[type=submit]")
    assert page.locator("h1").inner_text() == "Thank you for your report"
    assert_accessible(page)
    assert Correction.objects.get().message == "Jane Doe stood down in March."
