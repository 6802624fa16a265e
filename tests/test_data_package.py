"""Researchers download the whole directory as a Frictionless Data Package at /data/: CSV
tables and a datapackage.json that `frictionless validate` accepts, made again only when the
data changes (issue 13, point 4)."""

import csv
import io
import zipfile
from pathlib import Path

import pytest
from django.urls import reverse
from frictionless import validate

from networks.models import Network
from opendata import datapackage
from partnerships.models import Area, Body, Document, Organisation, Partnership, Seat

from .browser import assert_accessible, assert_no_horizontal_scroll
from .factories import PartnershipFactory, area
from .test_open_data_api import directory

pytestmark = pytest.mark.django_db

COUNTS = {
    "areas": Area,
    "partnerships": Partnership,
    "bodies": Body,
    "organisations": Organisation,
    "seats": Seat,
    "networks": Network,
    "documents": Document,
}


@pytest.fixture
def package_folder(data_packages_apart):
    return Path(data_packages_apart)


def download(client):
    response = client.get(reverse("data:package"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert 'filename="lsp-directory.zip"' in response["Content-Disposition"]
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def tables(package):
    return {
        name[: -len(".csv")]: list(csv.DictReader(io.TextIOWrapper(package.open(name), "utf-8")))
        for name in package.namelist()
        if name.endswith(".csv")
    }


def test_the_package_is_valid_and_holds_every_public_record(client, tmp_path):
    directory()
    package = download(client)
    package.extractall(tmp_path / "unzipped")
    report = validate(str(tmp_path / "unzipped" / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])

    rows = tables(package)
    for name, model in COUNTS.items():
        assert len(rows[name]) == model.objects.count(), name
    assert len(rows["partnership_areas"]) == Partnership.areas.through.objects.count()
    text = b"".join(package.read(name) for name in package.namelist()).decode()
    assert "bea.private@example.org" not in text and "07700 900123" not in text
    assert "Bea Private" in text  # her name, on her seat, is public
    vacant = [seat for seat in rows["seats"] if seat["vacant"] == "true"]
    assert len(vacant) == 1 and vacant[0]["person_name"] == ""


def test_the_package_is_made_once_per_change_of_the_data(client, package_folder):
    directory()
    download(client)
    [first] = package_folder.glob("*.zip")
    made = first.stat().st_mtime_ns
    download(client)
    assert [p.stat().st_mtime_ns for p in package_folder.glob("*.zip")] == [made]

    PartnershipFactory(name="Darlington Partnership", areas=[area("E06000005")])
    package = download(client)
    assert "Darlington Partnership" in package.read("partnerships.csv").decode()
    [newest] = package_folder.glob("*.zip")  # the one before is gone
    assert newest != first and datapackage.KEEP == 1
    assert not list(package_folder.glob("*.part"))


def test_a_cell_that_a_spreadsheet_would_run_is_guarded(client):
    PartnershipFactory(name="=HYPERLINK(1)", areas=[area("E06000001")])
    rows = tables(download(client))
    assert rows["partnerships"][0]["name"] == "'=HYPERLINK(1)"


@pytest.mark.browser
def test_the_data_page_explains_the_package_and_its_licences(live_server, no_js_page, areas):
    no_js_page.goto(live_server.url + "/")
    no_js_page.get_by_role("link", name="Download the data").click()
    assert no_js_page.get_by_role("heading", level=1).inner_text() == "Download the data"
    assert "Open Government Licence" in no_js_page.content()
    assert_accessible(no_js_page)
    assert_no_horizontal_scroll(no_js_page)
    with no_js_page.expect_download() as download_info:
        no_js_page.get_by_role("link", name="Download the data package (zip)").click()
    assert download_info.value.suggested_filename == "lsp-directory.zip"
