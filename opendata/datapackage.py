"""The whole public directory as a Frictionless Data Package (https://datapackage.org/): a
zip of `datapackage.json` and one CSV per table, served at /data/.

Each table is declared once below: its rows (a queryset's values_list, streamed), and each
column's name, type and meaning, from which both the CSV and its schema in
`datapackage.json` are written. Only public fields are in it: a seat names its holder, but no
person's contact details are here at all (they are on the site and in the API, with consent).

The zip is built when the data has changed since the last one, on the first request after
the change, not per request: its name carries a stamp of the data (lsp_directory.caching's,
and the areas'), it is written to a temporary file and renamed into DATA_PACKAGE_DIR, so a
reader never sees half a file and two servers building at once each end with a whole one.
"""

import csv
import hashlib
import io
import json
import os
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db.models import Count, Max
from django.utils import timezone

from lsp_directory.caching import data_stamp
from networks.models import Network
from partnerships.formats import csv_safe_row
from partnerships.models import Area, Body, Document, Organisation, Partnership, Seat

NAME = "lsp-directory"
CHUNK_SIZE = 2000
# Only the newest package is kept: a download still reading an older one keeps its open file
# (POSIX), and no copy from before an erasure outlives the next package.
KEEP = 1

OGL = {
    "name": "OGL-UK-3.0",
    "title": "Open Government Licence v3.0",
    "path": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
}
DIRECTORY_LICENCE = {
    "name": "CC-BY-4.0",
    "title": "Creative Commons Attribution 4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
}
LICENCES = {licence["name"]: licence for licence in (OGL, DIRECTORY_LICENCE)}
ONS = {"title": "Office for National Statistics", "path": "https://geoportal.statistics.gov.uk/"}


@dataclass(frozen=True)
class Field:
    name: str
    path: str  # for values_list
    type: str = "string"  # Table Schema type
    description: str = ""


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    rows: object  # a function giving the queryset, ordered
    fields: tuple
    key: tuple = ("id",)
    foreign_keys: tuple = ()  # (field, table, its field)
    licence: str = DIRECTORY_LICENCE["name"]

    def schema(self):
        return {
            "fields": [
                {"name": f.name, "type": f.type, "description": f.description} for f in self.fields
            ],
            "primaryKey": list(self.key),
            "foreignKeys": [
                {"fields": [field], "reference": {"resource": table, "fields": [other]}}
                for field, table, other in self.foreign_keys
            ],
        }


def _year(value):
    return "" if value is None else str(value)


TABLES = (
    Table(
        "areas",
        "Local authority areas (ONS), current and former",
        lambda: Area.objects.order_by("gss_code"),
        (
            Field("id", "gss_code", description="ONS GSS code, e.g. E06000001."),
            Field("name", "name"),
            Field("kind", "kind", description="county, district, unitary, london or metropolitan."),
            Field("region", "region__name"),
            Field("parent_id", "parent__gss_code", description="Its county, for a district."),
            Field("is_current", "is_current", "boolean", "False once abolished."),
        ),
        foreign_keys=(("parent_id", "areas", "id"),),
        licence=OGL["name"],
    ),
    Table(
        "partnerships",
        "Local Strategic Partnerships",
        lambda: Partnership.objects.order_by("pk"),
        (
            Field("id", "slug", description="The partnership's address on the site."),
            Field("name", "name"),
            Field("website", "website"),
            Field("contact_email", "contact_email", description="The partnership's own."),
            Field("contact_phone", "contact_phone"),
            Field("has_womens_forum", "has_womens_forum", "boolean"),
            Field("last_verified_on", "last_verified_on", "date"),
        ),
    ),
    Table(
        "partnership_areas",
        "The areas each partnership covers",
        lambda: Partnership.areas.through.objects.order_by("partnership_id", "area__gss_code"),
        (
            Field("partnership_id", "partnership__slug"),
            Field("area_id", "area__gss_code"),
        ),
        key=("partnership_id", "area_id"),
        foreign_keys=(("partnership_id", "partnerships", "id"), ("area_id", "areas", "id")),
    ),
    Table(
        "bodies",
        "Partnership boards and themed groups",
        lambda: Body.objects.order_by("pk"),
        (
            Field("id", "pk", "integer"),
            Field("partnership_id", "partnership__slug"),
            Field("name", "name"),
            Field("kind", "kind", description="board or themed_group."),
            Field("theme", "theme"),
            Field("feeds_into_id", "feeds_into_id", "integer"),
            Field("last_verified_on", "last_verified_on", "date"),
        ),
        foreign_keys=(("partnership_id", "partnerships", "id"), ("feeds_into_id", "bodies", "id")),
    ),
    Table(
        "organisations",
        "Organisations: public bodies, businesses and the voluntary and community sector",
        lambda: Organisation.objects.order_by("pk"),
        (
            Field("id", "slug"),
            Field("name", "name"),
            Field("kind", "kind"),
            Field("infrastructure_type", "infrastructure_type"),
            Field("is_womens_organisation", "is_womens_organisation", "boolean"),
            Field("website", "website"),
            Field("email", "email", description="The organisation's own address."),
            Field("phone", "phone"),
            Field("charity_number", "charity_number"),
            Field("last_verified_on", "last_verified_on", "date"),
        ),
    ),
    Table(
        "seats",
        "Seats on boards and themed groups, current, past and vacant",
        lambda: Seat.objects.order_by("pk"),
        (
            Field("id", "pk", "integer"),
            Field("body_id", "body_id", "integer"),
            Field("person_name", "person__name", description="Empty if vacant or erased."),
            Field("organisation_id", "organisation__slug", description="Whom they represent."),
            Field("sector", "sector"),
            Field("role", "role"),
            Field("selection", "selection", description="How the seat is filled."),
            Field("start_date", "start_date", "date"),
            Field("end_date", "end_date", "date", "Empty while the seat is held."),
            Field("vacant", "vacant", "boolean"),
            Field("selection_closes", "selection_closes", "date"),
            Field("how_to_apply", "how_to_apply"),
            Field("last_verified_on", "last_verified_on", "date"),
        ),
        foreign_keys=(
            ("body_id", "bodies", "id"),
            ("organisation_id", "organisations", "id"),
        ),
    ),
    Table(
        "networks",
        "Community Empowerment Networks, women's networks and women's forums",
        lambda: Network.objects.order_by("pk"),
        (
            Field("id", "slug"),
            Field("name", "name"),
            Field("kind", "kind"),
            Field("region", "region__name", description="For a network of a whole region."),
            Field("partnership_id", "partnership__slug"),
            Field("status", "status"),
            Field("funding", "funding"),
            Field("status_checked_on", "status_checked_on", "date"),
            Field("website", "website"),
            Field("email", "email"),
            Field("phone", "phone"),
        ),
        foreign_keys=(("partnership_id", "partnerships", "id"),),
    ),
    Table(
        "network_areas",
        "The areas each network serves (a network of a whole region has none: see its region)",
        lambda: Network.areas.through.objects.order_by("network_id", "area__gss_code"),
        (
            Field("network_id", "network__slug"),
            Field("area_id", "area__gss_code"),
        ),
        key=("network_id", "area_id"),
        foreign_keys=(("network_id", "networks", "id"), ("area_id", "areas", "id")),
    ),
    Table(
        "documents",
        "Sustainable Community Strategies, Local Area Agreements and Gender Equality Schemes",
        lambda: Document.objects.order_by("pk"),
        (
            Field("id", "pk", "integer"),
            Field("kind", "kind", description="scs, laa or ges."),
            Field("title", "title"),
            Field("partnership_id", "partnership__slug"),
            Field("organisation_id", "organisation__slug"),
            Field("start_year", "start_year", "year"),
            Field("end_year", "end_year", "year"),
            Field("link", "url"),
        ),
        foreign_keys=(
            ("partnership_id", "partnerships", "id"),
            ("organisation_id", "organisations", "id"),
        ),
    ),
)


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def descriptor(made_at):
    return {
        "name": NAME,
        "title": "LSP Directory: England's Local Strategic Partnerships and who sits on them",
        "description": (
            "Every public record of the directory. Cells starting with =, +, -, @ or a "
            "control character are prefixed with ' so that spreadsheets do not run them."
        ),
        "created": made_at.isoformat(timespec="seconds"),
        "licenses": [DIRECTORY_LICENCE, OGL],
        "sources": [ONS],
        "resources": [
            {
                "name": table.name,
                "title": table.title,
                "path": f"{table.name}.csv",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "licenses": [LICENCES[table.licence]],
                "schema": table.schema(),
            }
            for table in TABLES
        ],
    }


def write(target):
    """Write the package as a zip to target (a path or a binary file)."""
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as package:
        for table in TABLES:
            with package.open(f"{table.name}.csv", "w", force_zip64=True) as raw:
                text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
                writer = csv.writer(text, lineterminator="\r\n")
                writer.writerow([field.name for field in table.fields])
                rows = table.rows().values_list(*(field.path for field in table.fields))
                for row in rows.iterator(chunk_size=CHUNK_SIZE):
                    writer.writerow(csv_safe_row([_cell(value) for value in row]))
                text.flush()
                text.detach()
        package.writestr(
            "datapackage.json", json.dumps(descriptor(timezone.now()), indent=2) + "\n"
        )


def stamp():
    """Changes whenever a curated record or the areas do."""
    areas = Area.objects.aggregate(count=Count("pk"), last=Max("pk"))
    return f"{data_stamp()}-{areas['count']}-{areas['last']}"


BUILD_ATTEMPTS = 3  # the data changing during each of them is not to be expected


class DataKeptChanging(Exception):
    """Each package written was out of date by the time it was finished."""


def current():
    """The path of the package for the data as it is now, built first if need be.

    A package is kept only if the data did not change while it was written (the stamp is
    read again before it is renamed into place): one written across an erasure, reading the
    person before it, is thrown away and written again."""
    folder = Path(settings.DATA_PACKAGE_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    for _attempt in range(BUILD_ATTEMPTS):
        began = stamp()
        path = folder / f"{NAME}-{hashlib.sha256(began.encode()).hexdigest()[:16]}.zip"
        if path.exists():
            return path
        handle, temporary = tempfile.mkstemp(dir=folder, suffix=".part")
        try:
            with os.fdopen(handle, "wb") as file:
                write(file)
            if stamp() == began:
                os.replace(temporary, path)
                _forget_old(folder, path)
                return path
        finally:
            if os.path.exists(temporary):
                os.unlink(temporary)
    raise DataKeptChanging("The data changed while each package was written; try again.")


def forget_all():
    """Delete every package built: the next request builds one from the data as it is. An
    erasure calls this once it is committed (any package may name the person); a package
    being written meanwhile sees the data change and is not kept. Files still being written
    are their writer's to remove."""
    for path in Path(settings.DATA_PACKAGE_DIR).glob(f"{NAME}-*.zip"):
        path.unlink(missing_ok=True)


def _forget_old(folder, newest):
    packages = sorted(folder.glob(f"{NAME}-*.zip"), key=os.path.getmtime, reverse=True)
    for old in [p for p in packages if p != newest][KEEP - 1 :]:
        old.unlink(missing_ok=True)
