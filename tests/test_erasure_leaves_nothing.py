"""A person asks to be erased: afterwards no table, session, cached page or waiting upload
holds their name, email or phone; and import files never wait longer than they must."""

import csv
import io
import json
import zipfile
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.db.models import Q
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from curation import uploads
from curation.erasure import REDACTED, STRUCK
from curation.imports import SEAT_COLUMNS, file_import
from curation.models import Correction, PendingUpload
from curation.services import curator_setup, person_erase
from networks.models import Network
from partnerships.models import Body, Partnership, Person, Seat, curated_models

from .admin_forms import form_data
from .cache_backend import stored_values
from .factories import (
    BoardFactory,
    DocumentFactory,
    NetworkFactory,
    OrganisationFactory,
    PartnershipFactory,
    PersonFactory,
    SeatFactory,
    ThemedGroupFactory,
    area,
)
from .test_curator_scope import (
    CAMDEN,
    HARTLEPOOL,
    admin_url,
    assert_missing,
    management_form,
    seat_data,
)

pytestmark = pytest.mark.django_db

NAME = "Ada Lovelace"
EMAIL = "ada.lovelace@analytical.example"
PHONE = "01429 777123"
TRACES = [NAME, EMAIL, PHONE]
QUEUE = "/admin/curation/correction/"
TEXT_TYPES = {
    "CharField",
    "TextField",
    "JSONField",
    "SlugField",
    "EmailField",
    "URLField",
    "FilePathField",
    "GenericIPAddressField",
}


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def partnership():
    return PartnershipFactory(name="Hartlepool Partnership", areas=[area(HARTLEPOOL)])


@pytest.fixture
def person():
    return PersonFactory(name=NAME, email=EMAIL, phone=PHONE, publish_contact=False)


@pytest.fixture
def board_seat(partnership, person):
    board = BoardFactory(partnership=partnership, name="Hartlepool Partnership Board")
    return SeatFactory(person=person, body=board)


@pytest.fixture
def past_seat(partnership, person):
    """A seat they held, on a themed group, given since to someone else."""
    group = ThemedGroupFactory(partnership=partnership, name="Safer Hartlepool")
    return SeatFactory(person=person, body=group, role="Chair")


@pytest.fixture
def curator(client):
    user = curator_setup(username="hartlepool-cvs", area_codes=[HARTLEPOOL])[0].user
    client.force_login(user)
    return user


# --- Helpers -------------------------------------------------------------------------------


def text_columns():
    """(table, [columns]) of every table in the database whose columns hold text, found by
    introspection: the project's, Django's and third-party apps' alike."""
    introspection = connection.introspection
    found = []
    with connection.cursor() as cursor:
        for table in introspection.get_table_list(cursor):
            columns = []
            for column in introspection.get_table_description(cursor, table.name):
                try:
                    kind = introspection.get_field_type(column.type_code, column)
                except KeyError:  # a type Django does not map: search it too
                    kind = "TextField"
                if kind in TEXT_TYPES:
                    columns.append(column.name)
            if columns:
                found.append((table.name, columns))
    return found


def tables_holding(*texts):
    """{(table, column): [the texts found there]}, case-insensitively, in every text column
    of every table."""
    qn = connection.ops.quote_name
    found = {}
    with connection.cursor() as cursor:
        for table, columns in text_columns():
            for column in columns:
                value = f"LOWER(CAST({qn(column)} AS TEXT))"
                for text in texts:
                    cursor.execute(
                        f"SELECT COUNT(*) FROM {qn(table)} WHERE {value} LIKE %s",  # noqa: S608
                        [f"%{text.lower()}%"],
                    )
                    if cursor.fetchone()[0]:
                        found.setdefault((table, column), []).append(text)
    return found


def sessions_holding(*texts):
    decoded = [json.dumps(session.get_decoded()) for session in Session.objects.all()]
    return [text for text in texts for data in decoded if text.lower() in data.lower()]


def uploads_holding(*texts):
    """Waiting uploads whose file name or content holds one of texts."""
    found = []
    for upload in PendingUpload.objects.all():
        content = (upload.name + " ").encode() + bytes(upload.data)
        if any(text.lower().encode() in content.lower() for text in texts):
            found.append(upload.name)
    return found


def packages_holding(*texts):
    """Data packages on disk (/data/) whose unzipped files hold one of texts."""
    found = []
    for path in Path(settings.DATA_PACKAGE_DIR).glob("*"):
        with zipfile.ZipFile(path) as package:
            content = b"".join(package.read(name) for name in package.namelist()).lower()
        found += [path.name for text in texts if text.lower().encode() in content]
    return found


def cache_holding(*texts):
    values = stored_values()  # pickled responses, in local memory or in Redis
    return [text for text in texts for value in values if text.encode() in value]


def posted_back(response, **changes):
    """What a browser posts back from an admin change page, with changes applied."""
    return form_data(response) | changes | {"_save": "Save"}


def report(seat_or_partnership, message, email=""):
    """Report through the public form, as a member of the public would."""
    if isinstance(seat_or_partnership, Seat):
        url = reverse("curation:report", args=["seat", seat_or_partnership.pk])
    else:
        url = reverse("curation:report", args=["partnership", seat_or_partnership.slug])
    response = Client().post(url, {"message": message, "email": email, "website": ""})
    assert response.status_code == 302, response.content.decode()[:500]
    return Correction.objects.latest("created_at")


def seats_csv(**values):
    row = {
        "area_code": HARTLEPOOL,
        "partnership": "Hartlepool Partnership",
        "body": "Hartlepool Partnership Board",
        "body_kind": "board",
        "theme": "",
        "person": NAME,
        "role": "VCS representative",
        "sector": "vcs",
        "organisation": "Hartlepool Women's Aid",
        "organisation_is_womens": "yes",
        "email": EMAIL,
        "phone": PHONE,
        "publish_contact": "yes",
        "selection": "elected",
        "start_date": "2008-04-01",
        "end_date": "",
    } | values
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=SEAT_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerow(row)
    return out.getvalue().encode()


def upload(client, data, name="seats.csv"):
    """Upload a seats file in the admin; returns the preview's address."""
    url = reverse("curation_import:upload", args=["seats"])
    response = client.post(url, {"file": SimpleUploadedFile(name, data)})
    assert response.status_code == 302
    return response.url


def token_of(preview_url):
    return preview_url.rstrip("/").rsplit("/", 1)[1]


# --- Erasure -------------------------------------------------------------------------------


def test_after_erasure_no_table_session_cache_or_upload_holds_them(
    client, curator, partnership, board_seat, past_seat, django_capture_on_commit_callbacks
):
    person = board_seat.person
    # The public reports, through the real form, quoting the name, email and phone.
    about_seat = report(
        board_seat, f"{NAME} has moved: she is now on {PHONE} and {EMAIL}.", "fan@example.net"
    )
    about_past_seat = report(past_seat, f"{NAME} no longer chairs this group.")
    about_partnership = report(
        partnership, f"The website is wrong. Also {NAME.upper()} ({PHONE.replace(' ', '')}) left."
    )
    assert about_seat.record_label == (
        f"Seat: {NAME} on Hartlepool Partnership Board (Hartlepool Partnership)"
    )
    # The past seat goes to someone else, who is reported on too.
    past_seat.person = PersonFactory(name="Grace Hopper")
    past_seat.save()
    about_new_holder = report(past_seat, "Grace Hopper's role is Vice-chair.")

    # The curator edits them in the admin: history and the admin log name them.
    page = client.get(admin_url(Person, "change", person.pk))
    data = posted_back(page, consent_method=f"Email from {EMAIL} of 3 March")
    assert client.post(admin_url(Person, "change", person.pk), data).status_code == 302
    body = board_seat.body
    page = client.get(admin_url(Body, "change", body.pk))
    data = posted_back(page, **{"seats-0-role": "Vice-chair"})
    assert client.post(admin_url(Body, "change", body.pk), data).status_code == 302
    assert LogEntry.objects.filter(content_type__model="body", change_message__contains=NAME)
    # ... and works through the queue: a note, and the report marked done.
    page = client.get(f"{QUEUE}{about_seat.pk}/change/")
    data = posted_back(page, curator_note=f"Rang {PHONE}, wrote to {EMAIL}.")
    assert client.post(f"{QUEUE}{about_seat.pk}/change/", data).status_code == 302
    client.post(QUEUE, {"action": "mark_done", "_selected_action": [about_past_seat.pk]})
    # An import's change reason names its file.
    board_seat.refresh_from_db()
    board_seat._change_reason = f"Imported from {NAME}.csv"
    board_seat.save()
    # An import naming them, previewed but never confirmed.
    preview = upload(client, seats_csv(role="Chair"), f"{NAME} update.csv")
    assert client.get(preview).status_code == 200
    # A public page, cached, and the data package downloaded.
    assert NAME in Client().get(partnership.get_absolute_url()).content.decode()
    assert Client().get(reverse("data:package")).status_code == 200

    before = tables_holding(*TRACES)
    assert {table for table, _ in before} >= {
        "partnerships_person",
        "partnerships_historicalperson",
        "partnerships_historicalseat",
        "curation_correction",
        "django_admin_log",
    }, before
    assert uploads_holding(*TRACES)
    assert cache_holding(NAME)
    assert packages_holding(NAME)

    # Erased from the admin, by a curator of their area, after the confirmation page.
    erase_url = reverse("admin:partnerships_person_erase", args=[person.pk])
    assert client.get(erase_url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):  # what runs once it commits
        assert client.post(erase_url, {"post": "yes"}).status_code == 302

    assert tables_holding(*TRACES) == {}
    assert sessions_holding(*TRACES) == []
    assert uploads_holding(*TRACES) == []
    assert cache_holding(*TRACES) == []
    assert packages_holding(*TRACES) == []
    assert client.get(preview).status_code == 404

    # The reports about them are redacted, not lost; the one about the new holder stays.
    for redacted in (about_seat, about_past_seat):
        redacted.refresh_from_db()
        assert redacted.message == redacted.curator_note == REDACTED
        assert redacted.email == ""
    assert about_seat.record_label == (
        "Seat of an erased person on Hartlepool Partnership Board (Hartlepool Partnership)"
    )
    assert about_past_seat.record_label == (
        "Seat of an erased person on Safer Hartlepool (Hartlepool Partnership)"
    )
    about_seat.refresh_from_db()
    assert about_seat.state == "new"
    about_new_holder.refresh_from_db()
    assert about_new_holder.message == "Grace Hopper's role is Vice-chair."
    about_partnership.refresh_from_db()
    assert about_partnership.message == f"The website is wrong. Also {STRUCK} ({STRUCK}) left."

    # The queue says so plainly, in the list and on the report's page.
    listing = client.get(QUEUE).content.decode()
    assert listing.count(REDACTED) == 2
    assert "Seat of an erased person on Hartlepool Partnership Board" in listing
    page = client.get(f"{QUEUE}{about_seat.pk}/change/").content.decode()
    assert REDACTED in page
    assert "Removed with the message" in page


def test_the_seats_they_left_keep_their_history_without_them(curator, board_seat, past_seat):
    person, pk = board_seat.person, board_seat.person_id
    past_seat.person = None
    past_seat.end_date = past_seat.start_date
    past_seat.save()
    kept = person_erase(person=person, user=curator)
    assert kept == 1
    assert not Seat.history.filter(person_id=pk).exists()
    assert Seat.history.filter(id=past_seat.pk).count() == 2  # no erasure version: not theirs
    assert tables_holding(*TRACES) == {}


def test_another_areas_curator_cannot_erase_and_nothing_changes(client, curator, board_seat):
    person = board_seat.person
    about_seat = report(board_seat, f"{NAME} is on {PHONE}.")
    preview = upload(client, seats_csv(), "seats.csv")
    before = tables_holding(*TRACES)
    log = list(LogEntry.objects.values_list("object_repr", "change_message"))

    camden = curator_setup(username="camden-cvs", area_codes=[CAMDEN])[0].user
    other = Client()
    other.force_login(camden)
    erase_url = reverse("admin:partnerships_person_erase", args=[person.pk])
    assert_missing(other.get(erase_url), NAME, EMAIL, PHONE)
    assert_missing(other.post(erase_url, {"post": "yes"}), NAME, EMAIL, PHONE)
    other.post(
        admin_url(Person),
        {"action": "erase_people", "_selected_action": [person.pk], "post": "yes"},
    )
    with pytest.raises(PermissionDenied):
        person_erase(person=person, user=camden)

    assert Person.objects.filter(pk=person.pk, name=NAME, email=EMAIL, phone=PHONE).exists()
    about_seat.refresh_from_db()
    assert about_seat.message == f"{NAME} is on {PHONE}."
    assert tables_holding(*TRACES) == before
    assert list(LogEntry.objects.values_list("object_repr", "change_message")) == log
    assert uploads_holding(*TRACES)
    assert client.get(preview).status_code == 200


# --- An erasure changes only what the eraser may change ------------------------------------

NEWCASTLE = "E08000021"
READER = "reader@example.net"


@pytest.fixture
def newcastle():
    """Newcastle's records and the traces its curator and public left: an admin log entry
    ("Newcastle Partnership"), a report through the public form quoting "Newcastle" from
    READER, a seat imported from a file ("Imported from ..."), a network's description."""
    where = area(NEWCASTLE)
    user = curator_setup(username="newcastle-cvs", area_codes=[NEWCASTLE])[0].user
    partnership = PartnershipFactory(name="Newcastle Partnership", areas=[where])
    board = BoardFactory(partnership=partnership, name="Newcastle Partnership Board")
    data = seats_csv(
        area_code=NEWCASTLE,
        partnership=partnership.name,
        body=board.name,
        person="Nadia Ali",
        organisation="Newcastle CVS",
        organisation_is_womens="no",
        email=READER,
        phone="0191 232 7445",
        publish_contact="no",
    )
    result = file_import(
        kind="seats", data=data, filename="newcastle seats.csv", user=user, dry_run=False
    )
    assert not result.problems, result.problems
    seat = Seat.objects.get(body=board)
    network = NetworkFactory(
        name="Newcastle CEN",
        areas=[where],
        description=f"Ada Lovelace and Nadia Ali (0191 232 7445, {READER}) chair it.",
    )
    network.description += " Meets monthly."
    network.save()
    client = Client()
    client.force_login(user)
    page = client.get(admin_url(Partnership, "change", partnership.pk))
    data = posted_back(page, website="https://newcastle.example.org/")
    assert client.post(admin_url(Partnership, "change", partnership.pk), data).status_code == 302
    report(seat, f"Newcastle's chair is on 0191 232 7445 or {READER}; Ada Lovelace too.", READER)
    return SimpleNamespace(area=where, partnership=partnership, seat=seat, network=network)


def rows_touching(where):
    """Every row of a record that reaches the area `where`, of its history, of the admin log
    about it, and of the reports routed to it (with the admin log about those)."""
    rows = {}
    for model in curated_models():
        reaching = Q.create(
            [(f"{path}__in", [where.pk]) for path in model.area_paths], connector=Q.OR
        )
        ids = set(model.objects.filter(reaching).values_list("pk", flat=True))
        rows[model.__name__] = list(model.objects.filter(pk__in=ids).order_by("pk").values_list())
        history = model.history.filter(id__in=ids).order_by("history_id")
        rows[f"{model.__name__} history"] = list(history.values_list())
        entries = LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(model),
            object_id__in=[str(pk) for pk in ids],
        )
        rows[f"{model.__name__} log"] = list(entries.order_by("pk").values_list())
    reports = Correction.objects.filter(areas=where).order_by("pk")
    rows["reports"] = list(reports.values_list())
    rows["reports log"] = list(
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Correction),
            object_id__in=[str(pk) for pk in reports.values_list("pk", flat=True)],
        )
        .order_by("pk")
        .values_list()
    )
    return rows


def assert_newcastle_traces(rows):
    """The Newcastle rows the attack rewrote are there to be rewritten."""
    text = json.dumps(rows, default=str)
    assert '"Newcastle Partnership"' in text  # the admin log entry's object_repr
    assert "Imported from newcastle seats.csv" in text  # change reasons
    assert READER in text and "0191 232 7445" in text
    assert rows["reports"] and rows["Partnership log"]


def test_erasing_a_person_named_like_other_areas_data_changes_nothing_elsewhere(
    client, curator, partnership, newcastle
):
    """F1, step by step as the attacker took it: a Hartlepool curator adds a person named
    "Imported from" with phone "Newcastle" and a seat in Hartlepool, renames them "Zed Wiper"
    with phone "example.net", and erases them."""
    board = BoardFactory(partnership=partnership, name="Hartlepool Partnership Board")
    organisation = OrganisationFactory(name="Hartlepool Women's Aid")
    data = {
        "name": "Imported from",
        "email": "",
        "phone": "Newcastle",
        **management_form("seats"),
        "_save": "Save",
    }
    assert client.post(admin_url(Person, "add"), data).status_code == 302
    person = Person.objects.get(name="Imported from")
    response = client.post(admin_url(Seat, "add"), seat_data(board, person, organisation))
    assert response.status_code == 302
    page = client.get(admin_url(Person, "change", person.pk))
    data = posted_back(page, name="Zed Wiper", phone="example.net")
    assert client.post(admin_url(Person, "change", person.pk), data).status_code == 302
    before = rows_touching(newcastle.area)
    assert_newcastle_traces(before)

    erase_url = reverse("admin:partnerships_person_erase", args=[person.pk])
    assert client.post(erase_url, {"post": "yes"}).status_code == 302

    assert not Person.objects.filter(pk=person.pk).exists()
    assert rows_touching(newcastle.area) == before
    assert tables_holding("Zed Wiper") == {}


def test_erasing_someone_whose_details_also_appear_elsewhere_changes_nothing_elsewhere(
    curator, board_seat, newcastle
):
    """Their real name, email and phone are in Newcastle's report, log and description (a
    namesake; the reporter's address equal to theirs): a Hartlepool curator's erasure leaves
    Newcastle's rows as they were; a site administrator's may reach them."""
    person = board_seat.person
    person.email, person.phone = READER, "0191 232 7445"
    person.save()
    LogEntry.objects.log_actions(
        user_id=curator.pk,
        queryset=[newcastle.network],
        action_flag=CHANGE,
        change_message=f"Asked {READER} and rang 0191 232 7445",
        single_object=True,
    )
    before = rows_touching(newcastle.area)
    assert_newcastle_traces(before)

    person_erase(person=person, user=curator)

    assert rows_touching(newcastle.area) == before


def test_a_site_administrators_erasure_reaches_every_area(admin_user, board_seat, newcastle):
    person = board_seat.person
    person.email, person.phone = READER, "0191 232 7445"
    person.save()
    person_erase(person=person, user=admin_user)

    report = Correction.objects.get(areas=newcastle.area)
    assert report.message == f"Newcastle's chair is on {STRUCK} or {STRUCK}; {STRUCK} too."
    assert report.email == ""
    newcastle.network.refresh_from_db()
    assert newcastle.network.description == (
        f"{STRUCK} and Nadia Ali ({STRUCK}, {STRUCK}) chair it. Meets monthly."
    )
    # Left: Nadia Ali's own email and phone, equal to theirs, are hers.
    assert tables_holding(READER, "0191 232 7445") == {
        ("partnerships_person", "email"): [READER],
        ("partnerships_person", "phone"): ["0191 232 7445"],
        ("partnerships_historicalperson", "email"): [READER],
        ("partnerships_historicalperson", "phone"): ["0191 232 7445"],
    }


def test_values_too_short_or_generic_to_identify_anyone_are_not_struck(
    client, curator, partnership, board_seat
):
    """A one-word name, a phone without eight digits, an "email" that is a domain: nothing
    of the curator's own area is struck by them either."""
    person = board_seat.person
    person.name, person.email, person.phone = "Hartlepool", "", "01429"
    person.save()
    person.name, person.phone = "Ada", "example.net"
    person.save()
    about = report(partnership, "Hartlepool's website is down; call 01429 or Ada.", READER)
    partnership.description = "Hartlepool Partnership: 01429 area, see example.net."
    partnership.save()
    log = list(LogEntry.objects.values_list("object_repr", "change_message"))

    person_erase(person=person, user=curator)

    about.refresh_from_db()
    assert (about.message, about.email) == (
        "Hartlepool's website is down; call 01429 or Ada.",
        READER,
    )
    partnership.refresh_from_db()
    assert partnership.description == "Hartlepool Partnership: 01429 area, see example.net."
    assert partnership.history.filter(description__contains="example.net").count() == 1
    assert list(LogEntry.objects.values_list("object_repr", "change_message"))[1:] == log


# --- Free text ------------------------------------------------------------------------------

BARBARA, BARBARA_EMAIL = "Barbara Gordon", "barbara.g@new.example"
CHAIRED = f"Chaired by {BARBARA} ({BARBARA_EMAIL})"


def test_erasure_strikes_them_from_the_free_text_of_records_the_eraser_may_change(
    curator, partnership
):
    """F3: a Hartlepool network's description, a partnership's, a strategy's priorities and
    every historical version of them, struck; another record's own published address that
    equals theirs is that record's public data and stays; Newcastle's network is not the
    Hartlepool curator's to change and stays too."""
    barbara = PersonFactory(name=BARBARA, email=BARBARA_EMAIL, phone="01429 523 100")
    board = BoardFactory(partnership=partnership, name="Hartlepool Partnership Board")
    SeatFactory(person=barbara, body=board)
    network = NetworkFactory(name="Hartlepool CEN", areas=[area(HARTLEPOOL)])
    network.description = CHAIRED
    network.save()
    network.description = f"{CHAIRED}. Ring 01429-523-100. Meets monthly."
    network.save()
    partnership.description = f"Contact BARBARA   GORDON on 01429 523100.\n{CHAIRED}."
    partnership.save()
    strategy = DocumentFactory(partnership=partnership, priorities=f"Safer streets\n{CHAIRED}")
    organisation = OrganisationFactory(name="Hartlepool Voluntary Development Agency")
    organisation.email = BARBARA_EMAIL  # its own published address
    organisation.save()
    organisation.areas.set([area(HARTLEPOOL)])
    elsewhere = NetworkFactory(name="Newcastle CEN", areas=[area(NEWCASTLE)])
    elsewhere.description = CHAIRED
    elsewhere.save()

    person_erase(person=barbara, user=curator)

    network.refresh_from_db()
    assert network.description == (f"Chaired by {STRUCK} ({STRUCK}). Ring {STRUCK}. Meets monthly.")
    assert {row.description for row in network.history.all()} == {
        "",
        f"Chaired by {STRUCK} ({STRUCK})",
        f"Chaired by {STRUCK} ({STRUCK}). Ring {STRUCK}. Meets monthly.",
    }
    partnership.refresh_from_db()
    assert partnership.description == (
        f"Contact {STRUCK} on {STRUCK}.\nChaired by {STRUCK} ({STRUCK})."
    )
    strategy.refresh_from_db()
    assert strategy.priorities == f"Safer streets\nChaired by {STRUCK} ({STRUCK})"
    # What is left: Newcastle's network (not the Hartlepool curator's), and the Hartlepool
    # organisation's own published address.
    assert tables_holding(BARBARA, BARBARA_EMAIL) == {
        ("networks_network", "description"): [BARBARA, BARBARA_EMAIL],
        ("networks_historicalnetwork", "description"): [BARBARA, BARBARA_EMAIL],
        ("partnerships_organisation", "email"): [BARBARA_EMAIL],
        ("partnerships_historicalorganisation", "email"): [BARBARA_EMAIL],
    }
    assert Network.objects.filter(description__contains=BARBARA).get() == elsewhere
    elsewhere.refresh_from_db()
    assert elsewhere.description == CHAIRED
    assert elsewhere.history.filter(description=CHAIRED).count() == 1


# --- Uploads -------------------------------------------------------------------------------


def test_the_session_keeps_only_the_uploads_token(client, curator, board_seat):
    preview = upload(client, seats_csv(), f"{NAME}.csv")
    assert client.get(preview).status_code == 200
    assert f"{NAME}.csv" in client.get(preview).content.decode()
    assert sessions_holding(*TRACES) == []
    assert token_of(preview) in json.dumps(Session.objects.get().get_decoded())


def test_cancelling_an_import_deletes_the_upload(client, curator, board_seat):
    preview = upload(client, seats_csv(role="Chair"), f"{NAME}.csv")
    page = client.get(preview).content.decode()
    assert f'formaction="{preview}"' in page  # the Cancel button beside Confirm

    response = client.post(preview, follow=True)
    assert response.redirect_chain[-1][0] == reverse("curation_import:upload", args=["seats"])
    messages = [str(m) for m in response.context["messages"]]
    assert messages == ["Import cancelled: the uploaded file has been deleted."]
    assert uploads.waiting() == []
    assert client.get(preview).status_code == 404
    assert client.post(preview).status_code == 404  # cancelled once only
    board_seat.refresh_from_db()
    assert board_seat.role == "VCS representative"


def test_a_file_with_problems_or_no_changes_can_be_deleted_too(client, curator, board_seat):
    for data in [seats_csv(sector="nonsense"), seats_csv(**{"person": ""}) + b"\r\n"]:
        preview = upload(client, data)
        page = client.get(preview).content.decode()
        assert f'<form method="post" action="{preview}">' in page
        assert client.post(preview).status_code == 302
        assert uploads.waiting() == []


def test_another_session_cannot_cancel_an_upload(client, curator, board_seat):
    preview = upload(client, seats_csv())
    other = Client()
    other.force_login(curator)
    assert other.post(preview).status_code == 404
    assert client.get(preview).status_code == 200


def test_confirming_an_import_deletes_the_upload(client, curator, partnership):
    preview = upload(client, seats_csv(person="Mary Somerville", email="", phone=""))
    confirm = reverse("curation_import:confirm", args=["seats", token_of(preview)])
    assert client.post(confirm).status_code == 302
    assert Seat.objects.filter(person__name="Mary Somerville").exists()
    assert uploads.waiting() == []


def test_purge_uploads_deletes_files_older_than_a_day_and_keeps_newer_ones(capsys, curator):
    old = uploads.save(b"person\r\nAda\r\n", "old.csv", owner=curator)
    new = uploads.save(b"person\r\nGrace\r\n", "new.csv", owner=curator)
    day_and_a_bit = timezone.now() - timedelta(seconds=uploads.KEEP_SECONDS + 60)
    PendingUpload.objects.filter(token=old).update(created_at=day_and_a_bit)

    call_command("purge_uploads")

    assert "Deleted 1 upload older than 24 hours." in capsys.readouterr().out
    assert not uploads.exists(old)
    assert uploads.read(new, owner=curator) == ("new.csv", b"person\r\nGrace\r\n")
    assert uploads.waiting() == [(new, "new.csv")]
