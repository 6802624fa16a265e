"""Downloads of the representatives list as CSV, Excel and JSON.

Every format is built here from the same declared columns and the same SeatFilter as the HTML
list at /representatives/, so the page and its downloads can never disagree. The views
(export_views.py) and the `export_seats` command only choose a format and set headers.

Columns: those of the seat import format in DESIGN.md, in that order, then `area_name` and
`region`. Values are plain text: codes, not labels (`vcs`, `themed_group`), yes/no for flags,
ISO dates or empty, so a downloaded CSV imports back unchanged.

- Contact details (email, phone) only where the person agreed to publish them. The seat of a
  person erased at their request stays, with `person`, email and phone empty (the list shows
  "Name removed..."; a file must not offer that text for import as somebody's name).
- A partnership covering several areas is one row per seat, never one per area: the areas
  come from a small map fetched in one query and joined in Python. `area_code` is the first
  code in GSS order (one code, because the import matches on area_code + partnership name);
  `area_name` lists every area covered, in the same order and joined with "; ", so the first
  name is the area of `area_code`; `region` lists their distinct regions the same way
  (nearly always one).
- Formula injection (OWASP): a CSV cell that starts with = + - @ tab, CR or LF gets a leading
  `'`. In Excel every value is a text cell (type "s", never a formula), and such a cell also
  carries Excel's own quote-prefix flag (what Excel sets when someone types a leading
  apostrophe), so it stays text even when edited; the value itself is not changed, so a
  phone number "+44 ..." reads back as typed. JSON is not opened as a spreadsheet and
  carries the values unchanged.
"""

import csv
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from .filters import SeatFilter
from .models import Partnership, Seat

CHUNK_SIZE = 2000  # rows per fetch; server-side cursors on PostgreSQL
ROWS_PER_WRITE = 200  # CSV and JSON rows joined into one chunk of the response
BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
# Control characters that an XML 1.0 file (an .xlsx) cannot hold; openpyxl refuses them.
XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}

PLACE = "place"  # not a database path: the partnership's areas and region, from a map


@dataclass(frozen=True)
class Place:
    area_code: str = ""
    area_name: str = ""
    region: str = ""


NOWHERE = Place()


def text(value):
    return "" if value is None else str(value)


def yes_no(value):
    """yes or no; also no when the seat has no organisation."""
    return "yes" if value else "no"


def iso_date(value):
    return value.isoformat() if value else ""


def published(publish_contact, value):
    """A contact detail only where the person agreed to publish it."""
    return (value or "") if publish_contact else ""


@dataclass(frozen=True)
class Column:
    """One column of every format: its header, the values_list paths it needs (or PLACE),
    and how those values become the cell's text."""

    header: str
    paths: tuple[str, ...]
    format: Callable[..., str] = text


SEAT_COLUMNS = [
    Column("area_code", (PLACE,), lambda place: place.area_code),
    Column("partnership", ("body__partnership__name",)),
    Column("body", ("body__name",)),
    Column("body_kind", ("body__kind",)),
    Column("theme", ("body__theme",)),
    Column("person", ("person__name",)),
    Column("role", ("role",)),
    Column("sector", ("sector",)),
    Column("organisation", ("organisation__name",)),
    Column("organisation_is_womens", ("organisation__is_womens_organisation",), yes_no),
    Column("email", ("person__publish_contact", "person__email"), published),
    Column("phone", ("person__publish_contact", "person__phone"), published),
    Column("publish_contact", ("person__publish_contact",), yes_no),
    Column("selection", ("selection",)),
    Column("start_date", ("start_date",), iso_date),
    Column("end_date", ("end_date",), iso_date),
    Column("area_name", (PLACE,), lambda place: place.area_name),
    Column("region", (PLACE,), lambda place: place.region),
]
HEADERS = [column.header for column in SEAT_COLUMNS]


def seat_filterset(data, request=None):
    """The representatives list's FilterSet, exactly as the HTML list builds it."""
    return SeatFilter(data, queryset=Seat.objects.for_public(), request=request)


def filename(extension, today=None):
    """representatives-YYYY-MM-DD.csv and the like, dated today."""
    return f"representatives-{(today or timezone.localdate()).isoformat()}.{extension}"


def partnership_places():
    """partnership id -> Place, for every partnership, in one query. Partnerships are a few
    hundred at most, so this is cheaper than repeating the seat filter as a subquery."""
    rows = (
        Partnership.areas.through.objects.order_by("partnership_id", "area__gss_code")
        .values_list("partnership_id", "area__gss_code", "area__name", "area__region__name")
        .iterator(chunk_size=CHUNK_SIZE)
    )
    covered = {}
    for partnership_id, code, name, region in rows:
        covered.setdefault(partnership_id, []).append((code, name, region))
    return {
        partnership_id: Place(
            area_code=areas[0][0],
            area_name="; ".join(name for _, name, _ in areas),
            region="; ".join(dict.fromkeys(region for _, _, region in areas)),
        )
        for partnership_id, areas in covered.items()
    }


def stable_order(queryset):
    """The list's own order, then the primary key, so rows that tie come out the same way
    on every run (and every chunk of a server-side cursor)."""
    ordering = tuple(queryset.query.order_by) or tuple(queryset.model._meta.ordering)
    return queryset.order_by(*ordering, "pk")


def seat_rows(queryset, columns=SEAT_COLUMNS) -> Iterator[list[str]]:
    """One list of cell texts per seat of the (filtered) queryset, in its order: one query
    for the partnerships' places, one streamed query for the seats."""
    places = partnership_places()
    paths = list(dict.fromkeys(p for column in columns for p in column.paths if p != PLACE))
    fields = [*paths, "body__partnership_id"]
    partnership_at = len(fields) - 1
    index = {path: i for i, path in enumerate(fields)}
    index[PLACE] = len(fields)  # the place is appended to each fetched row
    getters = [(column.format, tuple(index[path] for path in column.paths)) for column in columns]
    rows = stable_order(queryset).values_list(*fields).iterator(chunk_size=CHUNK_SIZE)
    for row in rows:
        row = (*row, places.get(row[partnership_at], NOWHERE))
        yield [fmt(*(row[i] for i in at)) for fmt, at in getters]


def is_formula_like(value: str) -> bool:
    return value.startswith(FORMULA_STARTS)


def csv_safe(value: str) -> str:
    """A cell a spreadsheet will not run as a formula (OWASP CSV injection)."""
    return f"'{value}" if is_formula_like(value) else value


class Echo:
    """Django's documented pseudo-buffer: write() hands back what it was given."""

    def write(self, value):
        return value


def batched(lines: Iterable[str], size=ROWS_PER_WRITE) -> Iterator[str]:
    batch = []
    for line in lines:
        batch.append(line)
        if len(batch) >= size:
            yield "".join(batch)
            batch = []
    if batch:
        yield "".join(batch)


def csv_chunks(queryset, bom=False) -> Iterator[str]:
    """The CSV, header first, as text chunks (UTF-8 when encoded; BOM only when asked)."""
    writer = csv.writer(Echo())

    def lines():
        yield (BOM if bom else "") + writer.writerow(HEADERS)
        for row in seat_rows(queryset):
            yield writer.writerow([csv_safe(value) for value in row])

    return batched(lines())


def json_chunks(queryset) -> Iterator[str]:
    """A JSON array of objects keyed by the headers, one line per seat."""

    def lines():
        yield "["
        separator = "\n"
        for row in seat_rows(queryset):
            yield separator + json.dumps(dict(zip(HEADERS, row, strict=True)), ensure_ascii=False)
            separator = ",\n"
        yield "\n]\n"

    return batched(lines())


def xlsx_cell(sheet, value: str, **style):
    cell = WriteOnlyCell(sheet, XML_ILLEGAL.sub("", value))
    # openpyxl makes a string starting with "=" a formula; every value here is text.
    cell.data_type = "s"
    if is_formula_like(cell.value):
        cell.quotePrefix = True
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


def write_xlsx(queryset, file):
    """The Excel workbook, written into an open binary file. openpyxl's write-only mode keeps
    memory flat while rows are added (it spools them to a temporary file), but an .xlsx is a
    zip whose directory comes last, so it cannot be streamed row by row to the client: the
    caller writes to a temporary file and sends that."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Representatives")
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    sheet.append([xlsx_cell(sheet, header, font=bold) for header in HEADERS])
    for row in seat_rows(queryset):
        sheet.append([xlsx_cell(sheet, value) for value in row])
    workbook.properties.creator = "LSP Directory"
    workbook.save(file)
