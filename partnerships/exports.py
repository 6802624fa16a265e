"""Downloads of the representatives list as CSV, Excel and JSON.

Every format is built here from the same columns and the same SeatFilter as the HTML list at
/representatives/, so the page and its downloads can never disagree. The views
(export_views.py) and the `export_seats` command only choose a format and set headers.

Columns: the seat format's (partnerships/formats.py, declared once for the import and this
export): those of the import in DESIGN.md, in that order, then `area_name` and `region`. Each
column says which values it is fetched from and how they become its text. Values are plain
text: codes, not labels (`vcs`, `themed_group`), yes/no for flags, ISO dates or empty, so a
downloaded CSV imports back unchanged.

- Contact details (email, phone) only where the person agreed to publish them. The seat of a
  person erased at their request stays, with `person`, email and phone empty (the list shows
  "Name removed..."; a file must not offer that text for import as somebody's name).
- A partnership covering several areas is one row per seat, never one per area: the areas
  come from a small map fetched in one query and joined in Python. `area_code` is the first
  code in GSS order (one code, because the import matches on area_code + partnership name);
  `area_name` lists every area covered, in the same order and joined with "; ", so the first
  name is the area of `area_code`; `region` lists their distinct regions the same way
  (nearly always one).
- Speed: an export of every seat is millions of cells, so the per-cell work is kept to one
  call of the column's format (no generator, no helper call for the formula check), the CSV
  is written a few hundred rows at a time by one csv.writer, and Excel gets a cell object
  only where a plain string would not stay text (dates go to openpyxl as dates). Memory
  stays flat: rows are streamed and only one batch is held at a time. On PostgreSQL the CSV
  is written by the database (COPY ... TO STDOUT, "The CSV written by PostgreSQL" below),
  byte for byte what the Python path writes, at about COPY's own speed.
- File names say the filters: representatives-north-east-vcs-womens-2026-11-29.csv (the
  FilterSet's slug, filters.Described, which also writes the list's heading).
- JSON: {"filters": the valid filters as codes, "description": the list's heading in words,
  "made_at": the moment (ISO 8601, UTC), "seats": [one object per seat]}, streamed like the
  CSV; the `export_seats` command writes the same header from its options. Only a caller
  that gives no FilterSet gets null filters and description.
- Excel: start_date and end_date are date cells (a number formatted yyyy-mm-dd), so a
  spreadsheet sorts and filters them as dates; every other value is text.
- Formula injection (OWASP): a CSV cell that starts with = + - @ tab, CR or LF gets a leading
  `'` (formats.csv_safe_row; the import takes it off again). In Excel every value is a text
  cell (type "s", never a formula), and such a cell also carries Excel's own quote-prefix
  flag (what Excel sets when someone types a leading apostrophe), so it stays text even when
  edited; the value itself is not changed, so a phone number "+44 ..." reads back as typed.
  JSON is not opened as a spreadsheet and carries the values unchanged.
"""

import contextlib
import csv
import dataclasses
import datetime
import functools
import json
import re
from collections.abc import Iterable, Iterator
from typing import NamedTuple

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import CharField, F, Func
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from lsp_directory.database import streamed_with_long_statements

from .filters import SeatFilter
from .formats import (
    FORMULA_CHARS,
    NEVER_FORMULA_LIKE,
    PLACE_PATHS,
    SEATS,
    as_iso_date,
    csv_safe_row,
    csv_safe_sql,
    is_formula_like,
)
from .models import Area, Partnership, Region, Seat

CHUNK_SIZE = 2000  # rows per fetch; server-side cursors on PostgreSQL
ROWS_PER_WRITE = 200  # CSV and JSON rows joined into one chunk of the response
COPY_ROWS_PER_WRITE = 1000  # rows of PostgreSQL's COPY joined into one chunk
BOM = "\ufeff"
PARTNERSHIP = "body__partnership_id"  # fetched with every seat, to join in its Place
# Control characters that an XML 1.0 file (an .xlsx) cannot hold; openpyxl refuses them.
XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}

# The columns the export writes, as the seat format declares them (import columns first).
SEAT_COLUMNS = [column for column in SEATS.columns if column.paths]
HEADERS = SEATS.headers


def as_date(value):
    return value


# Excel's: the same columns, with dates kept as dates (written as date cells).
XLSX_COLUMNS = [
    dataclasses.replace(column, format=as_date, parse=None)
    if column.format is as_iso_date
    else column
    for column in SEAT_COLUMNS
]


class Place(NamedTuple):
    area_code: str = ""
    area_name: str = ""
    region: str = ""


NOWHERE = Place()


def seat_filterset(data, request=None):
    """The representatives list's FilterSet, exactly as the HTML list builds it."""
    return SeatFilter(data, queryset=Seat.objects.for_public(), request=request)


def filename(extension, filterset=None, today=None):
    """representatives-north-east-vcs-womens-YYYY-MM-DD.csv and the like: the filters
    (none: representatives-YYYY-MM-DD.csv), dated today."""
    filters = filterset.slug if filterset is not None else ""
    day = (today or timezone.localdate()).isoformat()
    return f"representatives-{filters + '-' if filters else ''}{day}.{extension}"


def made_at():
    """Now, in UTC, to the second, as ISO 8601: 2026-11-29T21:50:03Z."""
    now = timezone.now().astimezone(datetime.UTC).replace(microsecond=0)
    return now.isoformat().replace("+00:00", "Z")


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


def fetched(columns):
    """The values_list paths of the columns, each once, then the partnership's id."""
    paths = [p for column in columns for p in column.paths if p not in PLACE_PATHS]
    return [*dict.fromkeys(paths), PARTNERSHIP]


@streamed_with_long_statements  # one transaction allowed DB_LONG_STATEMENT_TIMEOUT
def seat_rows(queryset, columns=SEAT_COLUMNS) -> Iterator[list[str]]:
    """One list of cell texts per seat of the (filtered) queryset, in its order: one query
    for the partnerships' places, one streamed query for the seats.

    This runs once per cell of the whole file, so each cell is one call of its column's
    format with the values read by position: (format, first index, second index or None)."""
    places = partnership_places()
    fields = fetched(columns)
    partnership_at = fields.index(PARTNERSHIP)
    # Each fetched row is followed by its partnership's Place (area_code, area_name, region).
    index = {path: i for i, path in enumerate([*fields, *PLACE_PATHS])}
    cells = [
        (column.format, index[column.paths[0]], index[column.paths[1]])
        if len(column.paths) == 2
        else (column.format, index[column.paths[0]], None)
        for column in columns
    ]
    rows = stable_order(queryset).values_list(*fields).iterator(chunk_size=CHUNK_SIZE)
    for row in rows:
        row += places.get(row[partnership_at], NOWHERE)
        yield [fmt(row[i]) if j is None else fmt(row[i], row[j]) for fmt, i, j in cells]


class Echo:
    """Django's documented pseudo-buffer: write() hands back what it was given."""

    def write(self, value):
        return value


def batched(rows: Iterable, size=ROWS_PER_WRITE) -> Iterator[list]:
    """Lists of up to `size` rows (itertools.batched from Python 3.12)."""
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def csv_chunks(queryset, bom=False) -> Iterator[str]:
    """The CSV as text chunks (UTF-8 when encoded; BOM only when asked): csv_bytes decoded on
    PostgreSQL, else python_csv_chunks."""
    if copies_csv():
        return (chunk.decode() for chunk in csv_bytes(queryset, bom))
    return python_csv_chunks(queryset, bom)


def csv_bytes(queryset, bom=False) -> Iterator[bytes]:
    """The CSV as UTF-8 chunks, for the web download: on PostgreSQL the database writes the
    rows (copied_csv_rows), elsewhere python_csv_chunks; the same bytes either way."""
    if not copies_csv():
        yield from (chunk.encode() for chunk in python_csv_chunks(queryset, bom))
        return
    yield csv_header(bom).encode()
    yield from copied_csv_rows(queryset)  # a generator, so closing this one stops the COPY


def copies_csv():
    return connection.vendor == "postgresql"


def csv_header(bom=False):
    return (BOM if bom else "") + csv.writer(Echo()).writerow(HEADERS)


def python_csv_chunks(queryset, bom=False) -> Iterator[str]:
    """The CSV, header first, as text chunks of ROWS_PER_WRITE rows, written by csv.writer:
    the reference for copied_csv_rows, and the CSV on SQLite. Echo and join is faster here
    than csv.writer on an io.StringIO."""
    writer = csv.writer(Echo())
    yield csv_header(bom)
    for batch in batched(seat_rows(queryset)):
        yield "".join(map(writer.writerow, map(csv_safe_row, batch)))


# --- The CSV written by PostgreSQL -----------------------------------------------------------
# COPY (SELECT ...) TO STDOUT (FORMAT csv) writes the rows at the database's own speed (issue
# 14: the Python path ran at about a third of it). The SELECT is the filtered queryset's own
# (the same SeatFilter, order and joins); each cell is its column's format in SQL
# (formats.IN_SQL), under the formula guard in SQL (formats.csv_safe_sql); the places are
# partnership_places in SQL (places_sql), made once for the whole COPY; dates are written
# by COPY in the DateStyle ISO, set for the transaction. COPY writes what
# csv.writer (QUOTE_MINIMAL) writes, but for two things made equal here:
# - an empty string is written "" (to tell it from NULL, written as nothing): every empty
#   cell is made NULL (NULLIF), which csv.writer's empty cell matches;
# - a row ends with LF, csv.writer's with CRLF: PostgreSQL sends one message per row (its
#   protocol: "always one per row"), so the last byte of each is the row's end, and a line
#   break inside a quoted cell stays as it is, as csv.writer leaves it.
# Quoting is the same: a cell is quoted when it holds a comma, a double quote (doubled), CR
# or LF. PostgreSQL's text holds no NUL, so that difference cannot arise.


class WrittenSql(Func):
    """SQL written by a function of the SQL of the values at `paths` (compiled with the
    query's joins), with `params` for the %s it writes before them."""

    output_field = CharField()

    def __init__(self, write, *paths, params=()):
        super().__init__(*[F(path) for path in paths])
        self.write, self.params = write, list(params)

    def as_sql(self, compiler, connection, **extra_context):
        compiled = [compiler.compile(value) for value in self.source_expressions]
        if any(params for _, params in compiled):  # a value may be written more than once
            raise ValueError("WrittenSql takes columns, not values with parameters")
        return self.write(*[sql for sql, _ in compiled]), self.params


def sorted_by(queryset):
    """The paths that the queryset's ORDER BY names."""
    paths = set()
    for field in queryset.query.order_by:
        if isinstance(field, str):
            paths.add(field.removeprefix("-"))
        elif isinstance(getattr(field, "expression", None), F):
            paths.add(field.expression.name)
    return paths


def guarded_sql(column, *values):
    """The SQL of a column's cell as the CSV writes it: its format's twin, under the formula
    guard, NULL where empty (COPY writes "" for an empty string)."""
    text = column.in_sql(*values)
    if column.format in NEVER_FORMULA_LIKE:
        return text
    return f"NULLIF({csv_safe_sql(text)}, '')"


def copy_statement(queryset):
    """COPY (the seats' cells, in the list's order) TO STDOUT as CSV, values inlined.

    The inner SELECT is seat_rows' own query (the same filters, joins and order). It writes
    most cells itself, before the sort, which PostgreSQL shares among its parallel workers;
    a column the rows are sorted by is selected as it is and written by the outer SELECT,
    after the sort, so that the sort does not carry both the value and its cell. Measured at
    500,000 seats, that split is faster than writing every cell on either side."""
    seats = stable_order(queryset)
    after_sort = sorted_by(seats)
    inner = {
        "place": WrittenSql(
            lambda partnership: f"({places_sql()} -> ({partnership})::text)", PARTNERSHIP
        )
    }
    outer = []
    for n, column in enumerate(SEAT_COLUMNS):
        name = f"cell_{n}"
        if column.paths[0] in PLACE_PATHS:
            outer.append(f'(seat."place" ->> {PLACE_PATHS.index(column.paths[0])})')
        elif len(column.paths) == 1 and column.paths[0] in after_sort:
            inner[name] = F(column.paths[0])
            outer.append(guarded_sql(column, f'seat."{name}"'))
        else:
            inner[name] = WrittenSql(functools.partial(guarded_sql, column), *column.paths)
            outer.append(f'seat."{name}"')
    sql, params = seats.values(**inner).query.sql_with_params()
    # No join, filter or order outside: the rows come out in the inner SELECT's order.
    select = connection.ops.compose_sql(f"SELECT {', '.join(outer)} FROM ({sql}) seat", params)
    return f"COPY ({select}) TO STDOUT (FORMAT csv)"


def places_sql():
    """partnership_places in SQL, each text under the formula guard (NULL where empty): one
    JSON object, a partnership's id to [area code, area names, regions]. A subquery that
    names no column of the seats, so PostgreSQL makes it once for the whole COPY, and the
    export holds no map of every partnership (its memory stays flat as they grow).

    As partnership_places: the areas by code; the first code; the names in that order; the
    regions in the order of their first area (each region's row with its first code)."""
    areas = Partnership.areas.through._meta.db_table
    area, region = Area._meta.db_table, Region._meta.db_table
    cells = ", ".join(f"NULLIF({csv_safe_sql(text)}, '')" for text in ["code", "names", "regions"])
    return f"""(SELECT jsonb_object_agg(partnership_id::text, jsonb_build_array({cells}))
    FROM (
        SELECT partnership_id, min(gss_code) AS code,
            string_agg(name, '; ' ORDER BY gss_code) AS names,
            string_agg(region, '; ' ORDER BY gss_code) FILTER (WHERE gss_code = region_first)
                AS regions
        FROM (
            SELECT covers.partnership_id, area.gss_code, area.name, region.name AS region,
                min(area.gss_code) OVER (PARTITION BY covers.partnership_id, region.name)
                    AS region_first
            FROM "{areas}" covers
            JOIN "{area}" area ON area.id = covers.area_id
            JOIN "{region}" region ON region.id = area.region_id
        ) covered
        GROUP BY partnership_id
    ) place)"""


def crlf_rows(rows) -> bytes:
    """COPY's rows, each ending in LF, as one chunk with CRLF endings (csv.writer's)."""
    data = b"".join(rows)
    ended = data.replace(b"\n", b"\r\n")
    if len(ended) == len(data) + len(rows):  # one LF a row: none inside a cell
        return ended
    return b"".join([bytes(row[:-1]) + b"\r\n" for row in rows])


@streamed_with_long_statements  # one transaction allowed DB_LONG_STATEMENT_TIMEOUT
def copied_csv_rows(queryset) -> Iterator[bytes]:
    """The CSV's rows after the header, written by PostgreSQL, in chunks of
    COPY_ROWS_PER_WRITE rows: memory stays flat. The COPY is logged as Django logs a query
    (so the query counts see it), and its errors are Django's (OperationalError and so on)."""
    try:
        statement = copy_statement(queryset)
    except EmptyResultSet:  # a queryset that can match nothing (.none()) has no SQL
        return
    with connection.cursor() as cursor, connection.wrap_database_errors:
        # On the psycopg cursor, as long_statements() sets its timeout: settings, not queries.
        # Dates as ISO (formats.as_iso_date_sql), for this transaction only. A download
        # stopped early cancels the COPY, which fails the transaction: the savepoint keeps
        # an enclosing one (a test's, a caller's) usable.
        cursor.cursor.execute("SELECT set_config('DateStyle', 'ISO', true)")
        cursor.cursor.execute("SAVEPOINT copied_csv_rows")
        logged = getattr(cursor, "debug_sql", None)  # only while queries are logged
        try:
            with logged(statement) if logged else contextlib.nullcontext():
                with cursor.cursor.copy(statement) as copy:
                    rows = []
                    for row in copy:
                        rows.append(row)
                        if len(rows) == COPY_ROWS_PER_WRITE:
                            yield crlf_rows(rows)
                            rows = []
                    if rows:
                        yield crlf_rows(rows)
        except GeneratorExit:
            cursor.cursor.execute("ROLLBACK TO SAVEPOINT copied_csv_rows")
            raise
        cursor.cursor.execute("RELEASE SAVEPOINT copied_csv_rows")


def json_chunks(queryset, filterset=None) -> Iterator[str]:
    """A JSON object: the filters that chose the seats, when it was made, and "seats", an
    array of objects keyed by the headers, one line per seat."""
    encode = json.JSONEncoder(ensure_ascii=False).encode  # json.dumps builds one per call
    described = filterset is not None
    header = {
        "filters": filterset.applied_filters() if described else None,
        "description": filterset.description if described else None,
        "made_at": made_at(),
    }
    yield encode(header)[:-1] + ', "seats": ['
    separator = "\n"
    for batch in batched(seat_rows(queryset)):
        yield separator + ",\n".join(encode(dict(zip(HEADERS, row, strict=True))) for row in batch)
        separator = ",\n"
    yield "\n]}\n"


def xlsx_cell(sheet, value: str, **style):
    cell = WriteOnlyCell(sheet, XML_ILLEGAL.sub("", value))
    # openpyxl makes a string starting with "=" a formula; every value here is text.
    cell.data_type = "s"
    if is_formula_like(cell.value):
        cell.quotePrefix = True
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


def xlsx_date(sheet, value):
    """A date as it is: openpyxl writes it as a date cell formatted yyyy-mm-dd (its format
    for a datetime.date), and None as an empty cell. No WriteOnlyCell of our own: setting a
    cell's number format costs a style look-up per cell."""
    return value


def xlsx_value(sheet, value: str):
    """What sheet.append takes for one cell: the plain string where openpyxl keeps it as
    text, else a text cell from xlsx_cell (openpyxl would make "=..." a formula and "#N/A"
    an error value; formula-like values also need the quote prefix)."""
    value = XML_ILLEGAL.sub("", value)
    if value and (value[0] in FORMULA_CHARS or value[0] == "#"):
        return xlsx_cell(sheet, value)
    return value


def write_xlsx(queryset, file, title=""):
    """The Excel workbook, written into an open binary file. openpyxl's write-only mode keeps
    memory flat while rows are added (it spools them to a temporary file), but an .xlsx is a
    zip whose directory comes last, so it cannot be streamed row by row to the client: the
    caller writes to a temporary file and sends that."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Representatives")
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    sheet.append([xlsx_cell(sheet, header, font=bold) for header in HEADERS])
    cells = [xlsx_date if column.format is as_date else xlsx_value for column in XLSX_COLUMNS]
    for row in seat_rows(queryset, XLSX_COLUMNS):
        sheet.append([cell(sheet, value) for cell, value in zip(cells, row, strict=True)])
    workbook.properties.creator = "LSP Directory"
    workbook.properties.title = XML_ILLEGAL.sub("", title)
    workbook.save(file)
