"""Bulk imports of seats and networks from a spreadsheet, with a dry run (DESIGN.md, "Open
formats"). The admin views (import_views.py) and the `import_seats` / `import_networks`
commands only read a file and show what these functions return.

    table = rows_read(data=..., filename="seats.csv", columns=SEAT_COLUMNS)
    result = seats_import(rows=table.rows, user=user, dry_run=True, source="seats.csv")
    # or, in one step:
    result = file_import(kind="seats", data=..., filename=..., user=user, dry_run=False)

Reading
- UTF-8 CSV (with or without a byte order mark) or an Excel .xlsx workbook (its first sheet),
  first row the header. Row numbers are the spreadsheet's: the header is row 1.
- Header names are matched ignoring case and spaces ("Area code" is `area_code`). Every column
  of the format must be there (so a missing column can never be taken as "empty, clear the
  field"); columns the format does not know (the export's `area_name`, `region`) are ignored.
- Cells are trimmed. A CSV cell that the export protected from formula injection ("'+44 ...")
  loses the leading apostrophe, so an exported file imports back unchanged.
- Anything that is not UTF-8 is refused with the row and column of the first bad byte.

Validating: all rows, then write all or nothing
- Every problem names its row, column and value. A file with any problem writes nothing; the
  whole import is one transaction, planned in full before the first write.
- Curators (not superusers) may import only rows whose area they curate (curation.scope); a
  row that would change a person or organisation outside their areas is refused too.

Natural keys and what an import may change (names compare ignoring case and repeated spaces)
- Partnership: area_code + name, among the partnerships that cover that area; otherwise a new
  partnership for that one area. (Two rows naming one new partnership in two areas make two
  partnerships; an existing one covering both areas is found from either.)
- Body: partnership + name. A body_kind or theme different from the stored body's is a change
  (shown in the preview, applied on confirm), not an error: correcting a body in the
  spreadsheet is what the export-edit-import round trip is for. Two rows disagreeing about the
  same body are an error.
- Organisation: name. A new one takes its kind from the seat's sector
  (ORGANISATION_KIND_FOR_SECTOR) and the area of the rows that name it. A yes/no in
  `organisation_is_womens` sets the flag; an empty cell leaves it alone.
- Person: name + organisation. Person has no organisation field, so the match is a person who
  already holds a seat for that organisation (the lowest id if several); else a new person.
  The same name for another organisation is another person. A non-empty email, phone or
  publish_contact updates the person; an empty one leaves the stored value alone (the export
  leaves out contact details that are not published, and must import back unchanged). Two
  rows giving different values for one person are an error.
- Seat: body + person + start_date. Its sector, organisation, role, selection and end_date
  follow the file exactly (an empty end_date means the seat is held). A different start date
  is a new term, i.e. a new seat. The same seat twice in a file is an error.
- Network: name + area_code, among the networks serving that area; kind, status, funding,
  checked_on, website and email follow the file exactly.
Re-importing a file changes nothing: values are compared first and only records that differ
are written, so there are no new rows, no changed fields and no new history entries.

Writing
- In bulk: existing records are fetched with one query per model into dicts, new ones are
  created with bulk_create and changed ones saved with bulk_update, in batches. Each created
  or changed record gets one history entry (django-simple-history's bulk_history_create, the
  function behind bulk_create_with_history / bulk_update_with_history) with the importing
  user and the reason "Imported from <file name>"; new partnerships, organisations and
  networks get their areas in that same entry, as a save in the admin would record them.
- What a model's save() adds is done here too: unique slugs (against the slugs already taken,
  in memory) and the partnership's folded search name.
"""

import csv
import datetime
import functools
import io
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import connection, transaction
from django.utils.text import slugify
from simple_history.utils import (
    get_history_manager_for_model,
    get_m2m_field_name,
    get_m2m_reverse_field_name,
)

from networks.choices import Funding, NetworkKind, NetworkStatus
from networks.models import Network
from partnerships.choices import ORGANISATION_KIND_FOR_SECTOR, BodyKind, Sector, Selection, Theme
from partnerships.models import Area, Body, Organisation, Partnership, Person, Seat
from partnerships.text import fold

from .rules import curated_area_ids

SEAT_COLUMNS = [
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
NETWORK_COLUMNS = [
    "name",
    "kind",
    "area_code",
    "status",
    "funding",
    "checked_on",
    "website",
    "email",
]
COLUMNS = {"seats": SEAT_COLUMNS, "networks": NETWORK_COLUMNS}

MAX_BYTES = 20 * 1024 * 1024  # the largest file the admin accepts
MAX_ROWS = 200_000
BATCH_SIZE = 1000
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
REASON_MAX = 100  # history_change_reason's max_length

CREATED, CHANGED, UNCHANGED = "created", "changed", "unchanged"
ROW_NEW, ROW_CHANGED, ROW_UNCHANGED = "new", "changed", "unchanged"


# --- Problems and results --------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file: where (row and column, as in the spreadsheet) and why.

    `message` is a whole sentence naming the column and value; str() puts the row first.
    """

    row: int | None
    column: str
    value: str
    message: str
    letter: str = ""  # the spreadsheet column letter, when known

    def __str__(self):
        return f"row {self.row}: {self.message}" if self.row else self.message


@dataclass
class RowOutcome:
    number: int
    status: str  # new, changed or unchanged
    label: str  # what the row is about, e.g. "Jane Smith on Hartlepool Board"
    changes: list[str] = field(default_factory=list)


@dataclass
class ImportResult:
    kind: str
    source: str = ""
    problems: list[Problem] = field(default_factory=list)
    rows: list[RowOutcome] = field(default_factory=list)
    # {"partnerships": {"created": 1, "changed": 0, "unchanged": 3}, ...}
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    ignored_columns: list[str] = field(default_factory=list)
    written: bool = False

    @property
    def ok(self):
        return not self.problems

    def row_counts(self):
        counts = {ROW_NEW: 0, ROW_CHANGED: 0, ROW_UNCHANGED: 0}
        for row in self.rows:
            counts[row.status] += 1
        return counts

    @property
    def has_changes(self):
        return any(c[CREATED] or c[CHANGED] for c in self.counts.values())

    def summary_lines(self):
        """Plain lines for the command's output and the admin's messages."""
        rows = self.row_counts()
        lines = [
            f"Rows: {len(self.rows)} ({rows[ROW_NEW]} new, {rows[ROW_CHANGED]} changed, "
            f"{rows[ROW_UNCHANGED]} unchanged)"
        ]
        for name, count in self.counts.items():
            lines.append(
                f"{name.capitalize()}: {count[CREATED]} created, {count[CHANGED]} changed, "
                f"{count[UNCHANGED]} unchanged"
            )
        if self.ignored_columns:
            lines.append(f"Columns ignored: {', '.join(self.ignored_columns)}")
        return lines


# --- Reading a file --------------------------------------------------------------------------


@dataclass
class Row:
    number: int  # as in the spreadsheet: the header is row 1
    values: dict[str, str]


@dataclass
class Table:
    rows: list[Row] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    letters: dict[str, str] = field(default_factory=dict)  # column -> spreadsheet letter
    ignored_columns: list[str] = field(default_factory=list)


def column_letter(index):
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def header_name(cell):
    return "_".join(str(cell or "").strip().lower().replace("\ufeff", "").split())


def cell_text(value):
    """A cell as trimmed text: Excel dates as ISO dates, whole numbers without '.0', booleans
    as yes/no, and the export's formula-injection apostrophe taken off."""
    if type(value) is not str:
        value = excel_text(value)
    text = value.strip()
    if text[1:2] and text[0] == "'" and text[1] in FORMULA_STARTS:
        return text[1:]
    return text


def excel_text(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def rows_read(*, data, filename="", columns):
    """Read a CSV or .xlsx file's bytes into numbered rows of the known columns.

    Checks the file type, the encoding and the header (every column present, none twice)
    before any row; blank rows are skipped but keep their numbers.
    """
    table = Table()
    if not data:
        table.problems.append(
            Problem(
                None,
                "",
                "",
                f"The file is empty: the first row must be the header ({', '.join(columns)}).",
            )
        )
        return table
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        table.problems.append(
            Problem(
                None,
                "",
                "",
                "This is an old Excel .xls workbook: save it as .xlsx "
                "(Excel Workbook) or as CSV UTF-8 and upload that.",
            )
        )
        return table
    if data.startswith(b"PK\x03\x04"):
        records = _xlsx_records(data, table)
    elif filename.lower().endswith((".xlsx", ".xlsm")):
        table.problems.append(
            Problem(None, "", "", f"{filename} is not a valid Excel .xlsx workbook.")
        )
        return table
    else:
        records = _csv_records(data, table)
    if records is None:
        return table

    records = iter(records)
    header = next(records, None)
    if header is None or not any(cell_text(c) for c in header):
        table.problems.append(
            Problem(1, "", "", f"the first row must be the header ({', '.join(columns)}).")
        )
        return table
    names = [header_name(c) for c in header]
    positions = {}
    for index, name in enumerate(names):
        if not name:
            continue
        if name in positions and name in columns:
            table.problems.append(
                Problem(
                    1,
                    name,
                    name,
                    f"column {name} appears twice in the header (columns "
                    f"{column_letter(positions[name])} and {column_letter(index)}).",
                    column_letter(index),
                )
            )
        positions.setdefault(name, index)
    missing = [name for name in columns if name not in positions]
    for name in missing:
        table.problems.append(
            Problem(
                1,
                name,
                "",
                f"required column {name} is missing from the header. The header must name "
                f"every column: {', '.join(columns)}.",
            )
        )
    if table.problems:
        return table  # rows are not checked against a header that is wrong
    table.letters = {name: column_letter(positions[name]) for name in columns}
    table.ignored_columns = [n for n in dict.fromkeys(names) if n and n not in columns]

    wanted = [(name, positions[name]) for name in columns]
    for number, record in enumerate(records, start=2):
        if isinstance(record, Problem):
            table.problems.append(record)
            break
        if number - 1 > MAX_ROWS:
            table.problems.append(
                Problem(number, "", "", f"the file has more than {MAX_ROWS:,} rows; split it.")
            )
            break
        values = {name: cell_text(record[i]) if i < len(record) else "" for name, i in wanted}
        if any(values.values()):
            table.rows.append(Row(number, values))
    return table


def _csv_records(data, table):
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        table.problems.append(_encoding_problem(data, error))
        return None
    return _csv_rows(text)


def _csv_rows(text):
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        yield from reader
    except csv.Error as error:
        yield Problem(reader.line_num, "", "", f"the CSV file cannot be read here: {error}.")


def _encoding_problem(data, error):
    """Where the first byte that is not UTF-8 is: row (line), column and the cell's text."""
    line = data.count(b"\n", 0, error.start) + 1
    line_start = data.rfind(b"\n", 0, error.start) + 1
    line_end = data.find(b"\n", error.start)
    line_bytes = data[line_start : None if line_end < 0 else line_end]
    before = data[line_start : error.start].decode("utf-8", "replace")
    index = len(next(csv.reader([before]), [""])) - 1 if before else 0
    header_bytes = data[: data.find(b"\n")] if b"\n" in data else data
    header = next(csv.reader([header_bytes.decode("utf-8-sig", "replace")]), [])
    column = header_name(header[index]) if index < len(header) else ""
    cells = next(csv.reader([line_bytes.decode("cp1252", "replace").rstrip("\r")]), [])
    value = cells[index] if index < len(cells) else ""
    byte = data[error.start]
    where = f"column {column} {value!r}" if column else f"cell {value!r}"
    return Problem(
        line,
        column,
        value,
        f"the file is not UTF-8 text: byte 0x{byte:02X} in {where} cannot be read as UTF-8 "
        "(it looks like Windows or Latin-1 text). Save the spreadsheet as 'CSV UTF-8' or as "
        ".xlsx and upload it again.",
        column_letter(index),
    )


def _xlsx_records(data, table):
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            if not workbook.worksheets:
                table.problems.append(Problem(None, "", "", "The workbook has no sheets."))
                return None
            sheet = workbook.worksheets[0]
            sheet.reset_dimensions()  # some programs write a wrong size: read every row
            # Read it all now: the workbook is closed before the rows are used.
            return [list(row) for row in sheet.iter_rows(values_only=True)]
        finally:
            workbook.close()
    except Exception as error:  # a damaged file can fail anywhere inside openpyxl
        table.problems.append(
            Problem(None, "", "", f"The file cannot be read as an Excel .xlsx workbook ({error}).")
        )
        return None


# --- Checking cells --------------------------------------------------------------------------


def name_key(text):
    """How names compare: ignoring case and repeated spaces."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


@functools.cache
def choice_map(choices):
    """The codes, and the labels too, in any case: 'Themed group' is themed_group."""
    mapping = {}
    for value, label in choices.choices:
        mapping[str(label).lower()] = value
        mapping[value.lower()] = value
    return mapping


@functools.cache
def allowed(choices):
    return ", ".join(choices.values)


YES = {"yes", "y", "true"}
NO = {"no", "n", "false"}
_url = URLValidator()
INVALID = object()  # what a check returns for a cell it reported


class Cells:
    """One row's cells, with checks that record a Problem (and return INVALID) rather than
    raise, so that every problem of every row is reported at once."""

    def __init__(self, row, letters, problems):
        self.row, self.letters, self.problems = row, letters, problems
        self.count = 0

    def problem(self, column, value, message):
        self.count += 1
        self.problems.append(
            Problem(self.row.number, column, value, message, self.letters.get(column, ""))
        )
        return INVALID

    def text(self, column, *, required=False, max_length=None):
        value = self.row.values[column]
        if required and not value:
            return self.problem(column, "", f"{column} is empty; every row needs one.")
        if max_length and len(value) > max_length:
            return self.problem(
                column,
                value,
                f"{column} {value!r} is too long ({len(value)} characters; at most {max_length}).",
            )
        return value

    def choice(self, column, choices, *, required=False):
        value = self.row.values[column]
        if not value:
            if required:
                return self.problem(
                    column, "", f"{column} is empty; it must be one of: {allowed(choices)}."
                )
            return ""
        code = choice_map(choices).get(value.lower())
        if code is None:
            return self.problem(
                column, value, f"{column} {value!r} is not one of: {allowed(choices)}."
            )
        return code

    def yes_no(self, column):
        """True, False, or None for an empty cell."""
        value = self.row.values[column]
        if not value:
            return None
        if value.lower() in YES:
            return True
        if value.lower() in NO:
            return False
        return self.problem(column, value, f"{column} {value!r} is not yes or no.")

    def date(self, column):
        value = self.row.values[column]
        if not value:
            return None
        try:
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                raise ValueError(value)
            return datetime.date.fromisoformat(value)
        except ValueError:
            return self.problem(
                column,
                value,
                f"{column} {value!r} is not a date: write it as YYYY-MM-DD, e.g. 2008-04-01.",
            )

    def email(self, column):
        value = self.text(column, max_length=254)
        if not value or value is INVALID:
            return value
        try:
            validate_email(value)
        except ValidationError:
            return self.problem(column, value, f"{column} {value!r} is not a valid email address.")
        return value

    def url(self, column):
        """A web address; one typed without a scheme is taken as https, as in the admin."""
        value = self.text(column, max_length=200)
        if not value or value is INVALID:
            return value
        url = value if "://" in value else f"https://{value}"
        try:
            _url(url)
        except ValidationError:
            return self.problem(column, value, f"{column} {value!r} is not a valid web address.")
        if len(url) > 200:
            return self.problem(column, value, f"{column} {value!r} is too long (at most 200).")
        return url

    def area(self, column, areas, scope):
        code = self.row.values[column].upper()
        if not code:
            return self.problem(column, "", f"{column} is empty; every row needs a GSS code.")
        area = areas.get(code)
        if area is None:
            return self.problem(
                column,
                code,
                f"{column} {code} is not a known area code (an ONS GSS code such as E06000001).",
            )
        if scope is not None and area.pk not in scope:
            return self.problem(
                column, code, f"{column} {code} ({area.name}) is outside the areas you curate."
            )
        return area


def load_areas():
    return {area.gss_code: area for area in Area.objects.only("pk", "gss_code", "name")}


def show(value):
    if value is None or value == "":
        return "empty"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime.date):
        return value.isoformat()
    return repr(value) if isinstance(value, str) else str(value)


def change_text(name, old, new):
    return f"{name} {show(old)} → {show(new)}"


class Ref:
    """A record the file names (a partnership, body, organisation, person or network): the
    existing record if there is one, the first row naming it, and the values its rows give.
    Two rows giving different values for one field are a problem."""

    def __init__(self, existing, outcome, cells, label):
        self.existing = existing  # a model instance (or a partnership id), or None
        self.outcome, self.cells, self.label = outcome, cells, label
        self.values = {}  # column -> (value, row number)
        self.obj = None  # the record created for it
        self.area_ids = set()

    @property
    def pk(self):
        if self.existing is not None:
            return getattr(self.existing, "pk", self.existing)
        return self.obj.pk

    def give(self, cells, column, value, *, empty_counts=False):
        """Record a row's value for column; False (after reporting) if it conflicts."""
        if value is None or value is INVALID or (value == "" and not empty_counts):
            return True
        if column not in self.values:
            self.values[column] = (value, cells.row.number)
            return True
        first, number = self.values[column]
        if first == value:
            return True
        shown = cells.row.values[column]
        cells.problem(
            column,
            shown,
            f"{column} {shown!r} conflicts with row {number} ({show(first)}) for the same "
            f"{self.label}.",
        )
        return False

    def value(self, column, default=None):
        found = self.values.get(column)
        return default if found is None else found[0]


class Tally:
    """created / changed / unchanged counts for one kind of record."""

    def __init__(self):
        self.created, self.changed, self.referenced = 0, set(), set()

    def as_dict(self):
        return {
            CREATED: self.created,
            CHANGED: len(self.changed),
            UNCHANGED: len(self.referenced - self.changed),
        }


def differences(obj, wanted):
    """{field: (old, new)} for the fields of wanted that obj holds differently."""
    return {
        name: (getattr(obj, name), value)
        for name, value in wanted.items()
        if getattr(obj, name) != value
    }


# --- Writing ---------------------------------------------------------------------------------


class Slugs:
    """Unique slugs for new records, as the model's save() makes them (partnerships.models.
    unique_slug), without a query per record: the slugs already taken are read once."""

    def __init__(self, model, max_length=80):
        self.taken = set(model._default_manager.values_list("slug", flat=True))
        self.max_length = max_length

    def make(self, value):
        base = slugify(value)[: self.max_length].strip("-") or "record"
        slug, n = base, 2
        while slug in self.taken:
            suffix = f"-{n}"
            slug = base[: self.max_length - len(suffix)] + suffix
            n += 1
        self.taken.add(slug)
        return slug


def batches(items, size):
    for start in range(0, len(items), size):
        yield items[start : start + size]


class Writer:
    """Bulk writes, each created or changed record getting one history entry with the
    importing user and the reason, many-to-many rows included (as a save would record them).
    """

    def __init__(self, *, user, reason):
        if not connection.features.can_return_rows_from_bulk_insert:
            raise NotImplementedError(
                "Imports need a database that returns ids from bulk inserts "
                "(PostgreSQL, or SQLite 3.35 or later)."
            )
        self.user = user
        self.reason = reason[:REASON_MAX]

    def create(self, model, objs, m2m=None):
        """bulk_create objs, their many-to-many rows (m2m: {field: [ids for each obj]}), and
        their history."""
        if not objs:
            return
        model._default_manager.bulk_create(objs, batch_size=BATCH_SIZE)
        for name, id_lists in (m2m or {}).items():
            m2m_field = model._meta.get_field(name)
            through = m2m_field.remote_field.through
            own = f"{get_m2m_field_name(m2m_field)}_id"
            other = f"{get_m2m_reverse_field_name(m2m_field)}_id"
            rows = [
                through(**{own: obj.pk, other: other_id})
                for obj, ids in zip(objs, id_lists, strict=True)
                for other_id in ids
            ]
            through._default_manager.bulk_create(rows, batch_size=BATCH_SIZE)
        self.history(model, objs, update=False)

    def update(self, model, changed):
        """bulk_update the changed records ({pk: (obj, {fields})}) and add their history."""
        if not changed:
            return
        by_fields = defaultdict(list)
        for obj, fields in changed.values():
            by_fields[tuple(sorted(fields))].append(obj)
        for fields, objs in by_fields.items():
            model._default_manager.bulk_update(objs, list(fields), batch_size=BATCH_SIZE)
            self.history(model, objs, update=True)

    def history(self, model, objs, *, update):
        manager = get_history_manager_for_model(model)
        entries = manager.bulk_history_create(
            objs,
            batch_size=BATCH_SIZE,
            update=update,
            default_user=self.user,
            default_change_reason=self.reason,
        )
        # simple-history's bulk functions leave out the many-to-many rows a save() copies
        # into the entry (HistoricalRecords.create_historical_record_m2ms): copy them here.
        m2m_fields = getattr(manager.model, "_history_m2m_fields", ())
        if not m2m_fields:
            return
        entry_for = {entry.id: entry.pk for entry in entries}
        for m2m_field in m2m_fields:
            through = m2m_field.remote_field.through
            own = get_m2m_field_name(m2m_field)
            other = get_m2m_reverse_field_name(m2m_field)
            m2m_history = getattr(manager.model, m2m_field.name).model
            ids = list(entry_for)
            rows = []
            for some in batches(ids, 500):
                links = through._default_manager.filter(**{f"{own}_id__in": some})
                rows += [
                    m2m_history(
                        history_id=entry_for[getattr(link, f"{own}_id")],
                        id=link.pk,
                        **{
                            f"{own}_id": getattr(link, f"{own}_id"),
                            f"{other}_id": getattr(link, f"{other}_id"),
                        },
                    )
                    for link in links.order_by("pk")
                ]
            m2m_history._default_manager.bulk_create(rows, batch_size=BATCH_SIZE)


def reason_for(source):
    return f"Imported from {source}" if source else "Imported"


# Any constant shared by every import: the key of PostgreSQL's advisory lock below.
IMPORT_LOCK_KEY = 5_081_972


def one_import_at_a_time():
    """Two imports of the same file at once must not both create the same records: hold a
    transaction-scoped advisory lock on PostgreSQL, so the second plans only after the first
    has committed (and then finds nothing left to create). SQLite lets one writer at a time."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK_KEY])


def run(importer, *, dry_run, user, source):
    """Plan every row against the database, then write it all in the same transaction, unless
    this is a dry run or any row has a problem."""
    result = ImportResult(kind=importer.kind, source=source)
    with transaction.atomic():
        if not dry_run:
            one_import_at_a_time()
        importer.plan(result)
        if not result.problems and not dry_run:
            importer.write(Writer(user=user, reason=reason_for(source)))
            result.written = True
    return result


def scope_for(user):
    return None if user is None else curated_area_ids(user)


# --- Seats -----------------------------------------------------------------------------------


@dataclass
class SeatRow:
    cells: Cells
    area: Area
    partnership: str
    body: str
    body_kind: str
    theme: str
    person: str
    role: str
    sector: str
    organisation: str
    is_womens: bool | None
    email: str
    phone: str
    publish_contact: bool | None
    selection: str
    start_date: datetime.date | None
    end_date: datetime.date | None


class SeatImport:
    kind = "seats"

    def __init__(self, rows, *, user, letters):
        self.rows, self.letters = rows, letters or {}
        self.scope = scope_for(user)

    # Reading the rows ---------------------------------------------------------------------

    def parse(self, row, areas, problems):
        cells = Cells(row, self.letters, problems)
        values = row.values
        parsed = SeatRow(
            cells=cells,
            area=cells.area("area_code", areas, self.scope),
            partnership=cells.text("partnership", required=True, max_length=200),
            body=cells.text("body", required=True, max_length=200),
            body_kind=cells.choice("body_kind", BodyKind, required=True),
            theme=cells.choice("theme", Theme),
            person=cells.text("person", required=True, max_length=200),
            role=cells.text("role", max_length=100),
            sector=cells.choice("sector", Sector, required=True),
            organisation=cells.text("organisation", max_length=200),
            is_womens=cells.yes_no("organisation_is_womens"),
            email=cells.email("email"),
            phone=cells.text("phone", max_length=40),
            publish_contact=cells.yes_no("publish_contact"),
            selection=cells.choice("selection", Selection),
            start_date=cells.date("start_date"),
            end_date=cells.date("end_date"),
        )
        if parsed.body_kind == BodyKind.BOARD and parsed.theme:
            cells.problem(
                "theme",
                values["theme"],
                f"theme {values['theme']!r} must be empty when body_kind is board (only a "
                "themed group has a theme).",
            )
        if parsed.body_kind == BodyKind.THEMED_GROUP and parsed.theme == "":
            cells.problem(
                "theme",
                "",
                "theme is empty, but body_kind themed_group needs one of: "
                f"{', '.join(Theme.values)}.",
            )
        start, end = parsed.start_date, parsed.end_date
        if start not in (None, INVALID) and end not in (None, INVALID) and end < start:
            cells.problem(
                "end_date",
                values["end_date"],
                f"end_date {values['end_date']} is before start_date {values['start_date']}.",
            )
        if not parsed.organisation and parsed.is_womens is True:
            cells.problem(
                "organisation_is_womens",
                values["organisation_is_womens"],
                f"organisation_is_womens {values['organisation_is_womens']!r} needs an "
                "organisation, but organisation is empty.",
            )
        return None if cells.count else parsed

    def load(self):
        """The existing records, one query per model, keyed as a file names them."""
        self.partnerships = {}  # (area id, name key) -> partnership id
        self.partnership_areas = defaultdict(set)
        links = Partnership.areas.through.objects.values_list(
            "area_id", "partnership_id", "partnership__name"
        )
        for area_id, partnership_id, name in links.order_by("partnership_id"):
            self.partnerships.setdefault((area_id, name_key(name)), partnership_id)
            self.partnership_areas[partnership_id].add(area_id)
        self.bodies = {}  # (partnership id, name key) -> Body
        self.body_partnership = {}
        for body in Body.objects.order_by("pk"):
            self.bodies.setdefault((body.partnership_id, name_key(body.name)), body)
            self.body_partnership[body.pk] = body.partnership_id
        self.organisations = {}  # name key -> Organisation
        self.organisation_names = {}
        for org in Organisation.objects.order_by("pk"):
            self.organisations.setdefault(name_key(org.name), org)
            self.organisation_names[org.pk] = org.name
        people = {person.pk: person for person in Person.objects.order_by()}
        self.people = {}  # (name key, organisation id) -> Person holding a seat for it
        self.seats = {}  # (body id, person id, start date) -> Seat
        self.person_bodies = defaultdict(set)
        for seat in Seat.objects.order_by("pk"):
            if seat.person_id is None:
                continue  # erased at the person's request: nothing to match
            person = people[seat.person_id]
            self.people.setdefault((name_key(person.name), seat.organisation_id), person)
            self.seats.setdefault((seat.body_id, seat.person_id, seat.start_date), seat)
            self.person_bodies[seat.person_id].add(seat.body_id)
        self.organisation_areas = defaultdict(set)
        if self.scope is not None:
            links = Organisation.areas.through.objects.values_list("organisation_id", "area_id")
            for organisation_id, area_id in links:
                self.organisation_areas[organisation_id].add(area_id)

    def organisation_in_scope(self, org):
        return self.scope is None or bool(self.organisation_areas[org.pk] & self.scope)

    def person_in_scope(self, person):
        if self.scope is None:
            return True
        return any(
            self.partnership_areas[self.body_partnership[body_id]] & self.scope
            for body_id in self.person_bodies[person.pk]
        )

    # Planning -----------------------------------------------------------------------------

    def plan(self, result):
        problems = result.problems
        areas = load_areas()
        parsed = [self.parse(row, areas, problems) for row in self.rows]
        self.load()
        tallies = {
            name: Tally() for name in ("partnerships", "bodies", "organisations", "people", "seats")
        }
        self.partnership_refs, self.body_refs = {}, {}
        self.organisation_refs, self.person_refs = {}, {}
        self.new_seats, self.changed = [], {Body: {}, Organisation: {}, Person: {}, Seat: {}}
        seat_rows = {}  # seat key -> row number

        for row in parsed:
            if row is None:
                continue
            cells = row.cells
            outcome = RowOutcome(
                cells.row.number, ROW_UNCHANGED, f"{row.person} on {row.body}, {row.partnership}"
            )

            # The partnership covering the area, and its body.
            p_key = (row.area.pk, name_key(row.partnership))
            partnership = self.partnership_refs.get(p_key)
            if partnership is None:
                existing = self.partnerships.get(p_key)
                partnership = self.partnership_refs[p_key] = Ref(
                    existing, outcome, cells, f"partnership ({row.partnership})"
                )
                partnership.area_ids.add(row.area.pk)
                if existing is None:
                    tallies["partnerships"].created += 1
                    outcome.changes.append(
                        f"new partnership {row.partnership!r} for {row.area.name}"
                    )
                else:
                    tallies["partnerships"].referenced.add(existing)
            b_key = (p_key, name_key(row.body))
            body = self.body_refs.get(b_key)
            if body is None:
                existing = None
                if partnership.existing is not None:
                    existing = self.bodies.get((partnership.existing, name_key(row.body)))
                body = self.body_refs[b_key] = Ref(
                    existing, outcome, cells, f"body ({row.partnership}: {row.body})"
                )
                body.partnership, body.name = partnership, row.body
                if existing is None:
                    tallies["bodies"].created += 1
                    outcome.changes.append(f"new {row.body_kind.replace('_', ' ')} {row.body!r}")
                else:
                    tallies["bodies"].referenced.add(existing.pk)
            ok = body.give(cells, "body_kind", row.body_kind)
            ok = body.give(cells, "theme", row.theme, empty_counts=True) and ok

            # The organisation, by name.
            org = None
            if row.organisation:
                o_key = name_key(row.organisation)
                org = self.organisation_refs.get(o_key)
                if org is None:
                    existing = self.organisations.get(o_key)
                    org = self.organisation_refs[o_key] = Ref(
                        existing, outcome, cells, f"organisation ({row.organisation})"
                    )
                    org.name, org.sector = row.organisation, row.sector
                    if existing is None:
                        tallies["organisations"].created += 1
                        outcome.changes.append(f"new organisation {row.organisation!r}")
                    else:
                        tallies["organisations"].referenced.add(existing.pk)
                org.area_ids.add(row.area.pk)
                ok = org.give(cells, "organisation_is_womens", row.is_womens) and ok

            # The person: name + organisation.
            person_key = (name_key(row.person), org and name_key(row.organisation))
            person = self.person_refs.get(person_key)
            if person is None:
                existing = None
                if org is None:
                    existing = self.people.get((person_key[0], None))
                elif org.existing is not None:
                    existing = self.people.get((person_key[0], org.existing.pk))
                person = self.person_refs[person_key] = Ref(
                    existing,
                    outcome,
                    cells,
                    f"person ({row.person}, {row.organisation or 'no organisation'})",
                )
                person.name = row.person
                if existing is None:
                    tallies["people"].created += 1
                    outcome.changes.append(f"new person {row.person!r}")
                else:
                    tallies["people"].referenced.add(existing.pk)
            for column, value in (
                ("email", row.email),
                ("phone", row.phone),
                ("publish_contact", row.publish_contact),
            ):
                ok = person.give(cells, column, value) and ok

            # The seat: body + person + start date, once in a file.
            seat_key = (b_key, person_key, row.start_date)
            if seat_key in seat_rows:
                key_text = ", ".join(
                    f"{column} {cells.row.values[column]!r}"
                    for column in ("partnership", "body", "person", "organisation", "start_date")
                )
                cells.problem(
                    "person",
                    row.person,
                    f"person {row.person!r}: this row repeats row {seat_rows[seat_key]}, the "
                    f"same seat ({key_text}).",
                )
                ok = False
            seat_rows.setdefault(seat_key, cells.row.number)
            if not ok:
                continue

            wanted = {
                "sector": row.sector,
                "role": row.role,
                "selection": row.selection,
                "end_date": row.end_date,
            }
            seat = None
            if body.existing is not None and person.existing is not None:
                seat = self.seats.get((body.existing.pk, person.existing.pk, row.start_date))
            if seat is None:
                tallies["seats"].created += 1
                outcome.status = ROW_NEW
                self.new_seats.append((body, person, org, row.start_date, wanted))
            else:
                tallies["seats"].referenced.add(seat.pk)
                wanted["organisation_id"] = org.existing.pk if org else None
                for name, (old, new) in differences(seat, wanted).items():
                    if name == "organisation_id":
                        name = "organisation"
                        old, new = self.organisation_names.get(old), row.organisation
                    outcome.changes.append(f"seat: {change_text(name, old, new)}")
                self.mark_changed(Seat, seat, wanted)
            result.rows.append(outcome)

        # Shared records take what their rows agree on.
        for body in self.body_refs.values():
            if body.existing is None:
                continue
            wanted = {"kind": body.value("body_kind"), "theme": body.value("theme")}
            for name, (old, new) in differences(body.existing, wanted).items():
                body.outcome.changes.append(f"body {body.name!r}: {change_text(name, old, new)}")
            self.mark_changed(Body, body.existing, wanted)
        for org in self.organisation_refs.values():
            flag = org.value("organisation_is_womens")
            if org.existing is None or flag is None:
                continue
            wanted = {"is_womens_organisation": flag}
            if not differences(org.existing, wanted):
                continue
            if not self.organisation_in_scope(org.existing):
                org.cells.problem(
                    "organisation_is_womens",
                    org.cells.row.values["organisation_is_womens"],
                    f"organisation {org.name!r} is outside the areas you curate, so its "
                    "organisation_is_womens cannot be changed here.",
                )
                continue
            org.outcome.changes.append(
                f"organisation {org.name!r}: "
                f"{change_text('organisation_is_womens', not flag, flag)}"
            )
            self.mark_changed(Organisation, org.existing, wanted)
        for person in self.person_refs.values():
            if person.existing is None:
                continue
            wanted = {
                name: person.value(name)
                for name in ("email", "phone", "publish_contact")
                if person.value(name) not in (None, "")
            }
            changes = differences(person.existing, wanted)
            if not changes:
                continue
            if not self.person_in_scope(person.existing):
                person.cells.problem(
                    "person",
                    person.name,
                    f"person {person.name!r} is outside the areas you curate, so their "
                    f"{' and '.join(changes)} cannot be changed here.",
                )
                continue
            for name, (old, new) in changes.items():
                person.outcome.changes.append(
                    f"person {person.name!r}: {change_text(name, old, new)}"
                )
            self.mark_changed(Person, person.existing, wanted)

        for outcome in result.rows:
            if outcome.status == ROW_UNCHANGED and outcome.changes:
                outcome.status = ROW_CHANGED
        for model, name in (
            (Body, "bodies"),
            (Organisation, "organisations"),
            (Person, "people"),
            (Seat, "seats"),
        ):
            tallies[name].changed = set(self.changed[model])
        result.counts = {name: tally.as_dict() for name, tally in tallies.items()}

    def mark_changed(self, model, obj, wanted):
        """Set the wanted values that differ on obj, and remember obj and its fields."""
        for name, value in wanted.items():
            if getattr(obj, name) != value:
                setattr(obj, name, value)
                self.changed[model].setdefault(obj.pk, (obj, set()))[1].add(name)

    # Writing ------------------------------------------------------------------------------

    def write(self, writer):
        new = [ref for ref in self.partnership_refs.values() if ref.existing is None]
        slugs = Slugs(Partnership)
        for ref in new:
            name = ref.cells.row.values["partnership"]
            ref.obj = Partnership(name=name, slug=slugs.make(name), search_name=fold(name))
        writer.create(
            Partnership, [ref.obj for ref in new], m2m={"areas": [ref.area_ids for ref in new]}
        )

        new = [ref for ref in self.body_refs.values() if ref.existing is None]
        for ref in new:
            ref.obj = Body(
                partnership_id=ref.partnership.pk,
                name=ref.name,
                kind=ref.value("body_kind"),
                theme=ref.value("theme"),
            )
        writer.create(Body, [ref.obj for ref in new])

        new = [ref for ref in self.organisation_refs.values() if ref.existing is None]
        slugs = Slugs(Organisation)
        for ref in new:
            ref.obj = Organisation(
                name=ref.name,
                slug=slugs.make(ref.name),
                kind=ORGANISATION_KIND_FOR_SECTOR[ref.sector],
                is_womens_organisation=bool(ref.value("organisation_is_womens")),
            )
        writer.create(
            Organisation,
            [ref.obj for ref in new],
            m2m={"areas": [sorted(ref.area_ids) for ref in new]},
        )

        new = [ref for ref in self.person_refs.values() if ref.existing is None]
        for ref in new:
            ref.obj = Person(
                name=ref.name,
                email=ref.value("email", ""),
                phone=ref.value("phone", ""),
                publish_contact=bool(ref.value("publish_contact")),
            )
        writer.create(Person, [ref.obj for ref in new])

        writer.create(
            Seat,
            [
                Seat(
                    body_id=body.pk,
                    person_id=person.pk,
                    organisation_id=org.pk if org else None,
                    start_date=start_date,
                    **wanted,
                )
                for body, person, org, start_date, wanted in self.new_seats
            ],
        )
        for model in (Body, Organisation, Person, Seat):
            writer.update(model, self.changed[model])


# --- Networks --------------------------------------------------------------------------------


NETWORK_FIELDS = {
    "kind": "kind",
    "status": "status",
    "funding": "funding",
    "checked_on": "status_checked_on",
    "website": "website",
    "email": "email",
}


class NetworkImport:
    kind = "networks"

    def __init__(self, rows, *, user, letters):
        self.rows, self.letters = rows, letters or {}
        self.scope = scope_for(user)

    def parse(self, row, areas, problems):
        cells = Cells(row, self.letters, problems)
        parsed = {
            "cells": cells,
            "name": cells.text("name", required=True, max_length=200),
            "area": cells.area("area_code", areas, self.scope),
            "kind": cells.choice("kind", NetworkKind, required=True),
            "status": cells.choice("status", NetworkStatus, required=True),
            "funding": cells.choice("funding", Funding, required=True),
            "checked_on": cells.date("checked_on"),
            "website": cells.url("website"),
            "email": cells.email("email"),
        }
        return None if cells.count else parsed

    def load(self):
        self.networks = {}  # (area id, name key) -> Network serving that area
        by_pk = {network.pk: network for network in Network.objects.order_by()}
        links = Network.areas.through.objects.values_list("area_id", "network_id")
        for area_id, network_id in links.order_by("network_id"):
            network = by_pk[network_id]
            self.networks.setdefault((area_id, name_key(network.name)), network)

    def plan(self, result):
        areas = load_areas()
        parsed = [self.parse(row, areas, result.problems) for row in self.rows]
        self.load()
        tally = Tally()
        self.refs, self.changed = {}, {}
        keys = {}  # (area id, name key) -> row number

        for row in parsed:
            if row is None:
                continue
            cells, area, name = row["cells"], row["area"], row["name"]
            key = (area.pk, name_key(name))
            if key in keys:
                cells.problem(
                    "name",
                    name,
                    f"name {name!r}: this row repeats row {keys[key]}, the same network "
                    f"(name {name!r}, area_code {area.gss_code!r}).",
                )
                continue
            keys[key] = cells.row.number
            outcome = RowOutcome(cells.row.number, ROW_UNCHANGED, f"{name} ({area.name})")
            existing = self.networks.get(key)
            ref_key = ("id", existing.pk) if existing else ("new", key)
            ref = self.refs.get(ref_key)
            if ref is None:
                ref = self.refs[ref_key] = Ref(existing, outcome, cells, f"network ({name})")
                ref.name = name
                ref.area_ids.add(area.pk)
                if existing is None:
                    tally.created += 1
                    outcome.status = ROW_NEW
                else:
                    tally.referenced.add(existing.pk)
            ok = True
            for column in NETWORK_FIELDS:
                ok = ref.give(cells, column, row[column], empty_counts=True) and ok
            if ok:
                result.rows.append(outcome)

        for ref in self.refs.values():
            if ref.existing is None:
                continue
            wanted = {field: ref.value(column) for column, field in NETWORK_FIELDS.items()}
            for field_name, (old, new) in differences(ref.existing, wanted).items():
                setattr(ref.existing, field_name, new)
                self.changed.setdefault(ref.existing.pk, (ref.existing, set()))[1].add(field_name)
                ref.outcome.changes.append(change_text(field_name, old, new))
            if ref.outcome.changes:
                ref.outcome.status = ROW_CHANGED
        tally.changed = set(self.changed)
        result.counts = {"networks": tally.as_dict()}

    def write(self, writer):
        new = [ref for ref in self.refs.values() if ref.existing is None]
        slugs = Slugs(Network)
        for ref in new:
            ref.obj = Network(
                name=ref.name,
                slug=slugs.make(ref.name),
                **{field: ref.value(column) for column, field in NETWORK_FIELDS.items()},
            )
        writer.create(
            Network, [ref.obj for ref in new], m2m={"areas": [ref.area_ids for ref in new]}
        )
        writer.update(Network, self.changed)


# --- The services ----------------------------------------------------------------------------


def seats_import(*, rows, user=None, dry_run=True, source="", letters=None):
    """Import seat rows (as rows_read returns them): plan every row, then write all of it in
    one transaction, unless dry_run or any row has a problem.

    user: the importing user, for the history and the curator scope; None runs as a site
    administrator. source: the file name, for the history's change reason. letters: the
    spreadsheet letter of each column, for the problems.
    """
    importer = SeatImport(rows, user=user, letters=letters)
    return run(importer, dry_run=dry_run, user=user, source=source)


def networks_import(*, rows, user=None, dry_run=True, source="", letters=None):
    """Import network rows, as seats_import does seat rows."""
    importer = NetworkImport(rows, user=user, letters=letters)
    return run(importer, dry_run=dry_run, user=user, source=source)


IMPORTS = {"seats": seats_import, "networks": networks_import}


def file_import(*, kind, data, filename, user=None, dry_run=True):
    """Read a file's bytes and import its rows: the admin views and the commands call this."""
    table = rows_read(data=data, filename=filename, columns=COLUMNS[kind])
    if table.problems:
        return ImportResult(kind=kind, source=filename, problems=table.problems)
    result = IMPORTS[kind](
        rows=table.rows, user=user, dry_run=dry_run, source=filename, letters=table.letters
    )
    result.ignored_columns = table.ignored_columns
    return result
