"""Import files never wait longer than they must, and the session keeps none of them."""

import csv
import io
import json
import os
import time

import pytest
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from curation import uploads
from curation.services import curator_setup
from partnerships.models import Seat

from .factories import (
    BoardFactory,
    PartnershipFactory,
    PersonFactory,
    SeatFactory,
    ThemedGroupFactory,
    area,
)
from .test_curator_scope import HARTLEPOOL

pytestmark = pytest.mark.django_db

NAME = "Ada Lovelace"
EMAIL = "ada.lovelace@analytical.example"
PHONE = "01429 777123"
TRACES = [NAME, EMAIL, PHONE]
QUEUE = "/admin/curation/correction/"
SEAT_COLUMNS = [  # the open import format (DESIGN.md)
    "area_code",
    "partnership",
    "body",
    "body_kind",
    "theme",
    "person",
    "role",
    "sector",
    "organisation",
    "organisation_is_womens",
    "email",
    "phone",
    "publish_contact",
    "selection",
    "start_date",
    "end_date",
]


@pytest.fixture(autouse=True)
def private_uploads(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.IMPORT_UPLOAD_DIR = str(tmp_path / "uploads")
    return tmp_path / "uploads"


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


def sessions_holding(*texts):
    decoded = [json.dumps(session.get_decoded()) for session in Session.objects.all()]
    return [text for text in texts for data in decoded if text.lower() in data.lower()]


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


# --- Uploads -------------------------------------------------------------------------------


def test_the_session_keeps_only_the_uploads_token(client, curator, board_seat):
    preview = upload(client, seats_csv(), f"{NAME}.csv")
    assert client.get(preview).status_code == 200
    assert f"{NAME}.csv" in client.get(preview).content.decode()
    assert sessions_holding(*TRACES) == []
    assert token_of(preview) in json.dumps(Session.objects.get().get_decoded())


def test_cancelling_an_import_deletes_the_upload(client, curator, board_seat, private_uploads):
    preview = upload(client, seats_csv(role="Chair"), f"{NAME}.csv")
    page = client.get(preview).content.decode()
    assert f'formaction="{preview}"' in page  # the Cancel button beside Confirm

    response = client.post(preview, follow=True)
    assert response.redirect_chain[-1][0] == reverse("curation_import:upload", args=["seats"])
    messages = [str(m) for m in response.context["messages"]]
    assert messages == ["Import cancelled: the uploaded file has been deleted."]
    assert list(private_uploads.iterdir()) == []
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


def test_confirming_an_import_deletes_the_upload(client, curator, partnership, private_uploads):
    preview = upload(client, seats_csv(person="Mary Somerville", email="", phone=""))
    confirm = reverse("curation_import:confirm", args=["seats", token_of(preview)])
    assert client.post(confirm).status_code == 302
    assert Seat.objects.filter(person__name="Mary Somerville").exists()
    assert list(private_uploads.iterdir()) == []


def test_purge_uploads_deletes_files_older_than_a_day_and_keeps_newer_ones(capsys):
    old = uploads.save(b"person\r\nAda\r\n", "old.csv")
    new = uploads.save(b"person\r\nGrace\r\n", "new.csv")
    day_and_a_bit = time.time() - uploads.KEEP_SECONDS - 60
    for path in uploads.folder().glob(f"{old}.*"):
        os.utime(path, (day_and_a_bit, day_and_a_bit))

    call_command("purge_uploads")

    assert "Deleted 1 upload older than 24 hours." in capsys.readouterr().out
    assert not uploads.exists(old)
    assert uploads.read(new) == ("new.csv", b"person\r\nGrace\r\n")
    assert sorted(path.name for path in uploads.waiting()) == [f"{new}.name", f"{new}.upload"]
