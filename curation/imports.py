"""Bulk imports of seats and networks from a spreadsheet, with a dry run (DESIGN.md, "Open
formats"). The admin views (import_views.py) and the `import_seats` / `import_networks`
commands only read a file and show what these functions return.

    table = rows_read(data=..., filename="seats.csv", columns=SEAT_COLUMNS)
    result = seats_import(rows=table.rows, user=user, dry_run=True, source="seats.csv")
    # or, in one step:
    result = file_import(kind="seats", data=..., filename=..., user=user, dry_run=False)

The formats themselves (columns, how each cell is parsed, the checks across a row's cells, the
formula guard) are declared once, for this import and the export, in partnerships/formats.py
(SEATS) and networks/formats.py (NETWORKS).

Reading
- UTF-8 CSV (with or without a byte order mark) or an Excel .xlsx workbook (its first sheet),
  first row the header. Row numbers are the spreadsheet's: the header is row 1. Both are read
  with what the project already uses for them: Python's csv module and openpyxl's read-only
  mode, whose rows are parsed as they are used, so reading stops at MAX_ROWS.
- An .xlsx is a zip of XML parts: a small upload can unpack to gigabytes or hold a million
  rows. Before openpyxl opens one, the zip's directory and then, in one streaming pass, its
  XML are checked against budgets (the XLSX_ constants), and a workbook over one is refused
  in about a second, saying why.
- Header names are matched ignoring case and spaces ("Area code" is `area_code`). Every column
  of the format must be there (so a missing column can never be taken as "empty, clear the
  field"); columns the format does not import (the export's `area_name`, `region`) are ignored.
- Cells are trimmed. A CSV cell that the export protected from formula injection ("'+44 ...")
  loses the leading apostrophe, so an exported file imports back unchanged.
- Anything that is not UTF-8 is refused with the row and column of the first bad byte.

Validating: all rows, then write all or nothing
- Every problem names its row, column and value. A file with any problem writes nothing; the
  whole import is one transaction, planned in full before the first write.

Who may import what: curation.rules alone decides, asked once per model for the ids this user
may change or use (one query each; nothing for a site administrator), then row by row and
record by record:
- area_code: an area the user may use for their records;
- a partnership found for the row (and so its bodies and seats) must be one the user may
  change; one that also covers an area they do not curate is refused, naming it (which areas
  a partnership covers is public);
- organisations are shared: any may be chosen for a seat, but organisation_is_womens changes
  only on one the user may change;
- knowing a name gives nothing: a person is looked for only among the people the user may
  change. Anyone else is invisible here, so a row naming somebody who sits elsewhere makes a
  new person in the user's area, and nothing of the other person is changed or shown. (A
  refusal would confirm that the name sits elsewhere; a site administrator can merge the two.)
- a network found for the row must be one the user may change.

Natural keys and what an import may change (names compare ignoring case and repeated spaces);
each is one resolver class below, which finds, checks, settles and writes its records.
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
  already holds a seat for that organisation (the lowest seat id if several), among those the
  user may change; else a new person. The same name for another organisation is another
  person. A non-empty email, phone or publish_contact updates the person; an empty one leaves
  the stored value alone (the export leaves out contact details that are not published, and
  must import back unchanged). Two rows giving different values for one person are an error.
- Seat: body + person + start_date. Its sector, organisation, role, selection and end_date
  follow the file exactly (an empty end_date means the seat is held). A different start date
  is a new term, i.e. a new seat. The same seat twice in a file is an error.
- Network: name + area_code, among the networks recorded for that area; kind, status, funding,
  checked_on, website and email follow the file exactly. A region's code (E12000001) in
  area_code records a network for the whole region (shown on every area and partnership page
  there); only a curator of every area in the region may name it.
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
import io
import re
import unicodedata
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from django.db import connection, transaction
from django.utils.text import slugify
from simple_history.utils import (
    get_history_manager_for_model,
    get_m2m_field_name,
    get_m2m_reverse_field_name,
)

from lsp_directory.database import long_statements
from networks.formats import NETWORKS
from networks.models import Network
from partnerships.choices import ORGANISATION_KIND_FOR_SECTOR
from partnerships.formats import INVALID, SEATS, Invalid, unguarded
from partnerships.models import Area, Body, Organisation, Partnership, Person, Region, Seat

from . import rules
from .history import history_m2m_copy

FORMATS = {"seats": SEATS, "networks": NETWORKS}
COLUMNS = {kind: fmt.import_headers for kind, fmt in FORMATS.items()}
OPTIONAL = {kind: fmt.optional_headers for kind, fmt in FORMATS.items()}
SEAT_COLUMNS, NETWORK_COLUMNS = COLUMNS["seats"], COLUMNS["networks"]

MAX_BYTES = 20 * 1024 * 1024  # the largest file the admin accepts
MAX_ROWS = 200_000
BATCH_SIZE = 1000
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
    return unguarded(value.strip())


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


def rows_read(*, data, filename="", columns, optional=()):
    """Read a CSV or .xlsx file's bytes into numbered rows of the known columns.

    Checks the file type, the encoding and the header (every column present but the
    optional ones, none twice) before any row; blank rows are skipped but keep their
    numbers. An optional column missing from the header reads as None in every row.
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
    try:
        _table_read(records, columns, optional, table)
    finally:
        if hasattr(records, "close"):
            records.close()  # stop reading (an .xlsx is read as its rows are used)
    return table


def _table_read(records, columns, optional, table):
    """The header, then the rows, into table; stops at the first unreadable row or MAX_ROWS."""
    header = next(records, None)
    if isinstance(header, Problem):
        table.problems.append(header)
        return
    if header is None or not any(cell_text(c) for c in header):
        table.problems.append(
            Problem(1, "", "", f"the first row must be the header ({', '.join(columns)}).")
        )
        return
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
    missing = [name for name in columns if name not in positions and name not in optional]
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
        return  # rows are not checked against a header that is wrong
    table.letters = {name: column_letter(positions[name]) for name in columns if name in positions}
    table.ignored_columns = [n for n in dict.fromkeys(names) if n and n not in columns]

    wanted = [(name, positions[name]) for name in columns if name in positions]
    absent = dict.fromkeys(name for name in columns if name not in positions)
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
            values.update(absent)
            table.rows.append(Row(number, values))


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

    refusal = _xlsx_refusal(data)
    if refusal:
        table.problems.append(refusal)
        return None
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # a damaged file can fail anywhere inside openpyxl
        table.problems.append(_xlsx_problem(error))
        return None
    if not workbook.worksheets:
        workbook.close()
        table.problems.append(Problem(None, "", "", "The workbook has no sheets."))
        return None
    return _xlsx_rows(workbook)


def _xlsx_rows(workbook):
    """The first sheet's rows as tuples of cell values, parsed from the file as they are used
    (openpyxl's read-only mode), so that nothing past the last row read is held; the workbook
    is closed when the reader stops."""
    try:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # some programs write a wrong size: read every row
        yield from sheet.iter_rows(values_only=True)
    except Exception as error:
        yield _xlsx_problem(error)
    finally:
        workbook.close()


def _xlsx_problem(error):
    return Problem(None, "", "", f"The file cannot be read as an Excel .xlsx workbook ({error}).")


# --- Refusing a workbook that would hold a worker --------------------------------------------
# openpyxl parses what it is given: a 975 KB .xlsx of a million rows took 81-97 s and 578 MB
# to be refused when every row went through it, and a zip entry can unpack to gigabytes. So
# the zip's directory, then every XML part in one streaming pass, is checked first against
# these budgets. Each is well above what the largest file the import accepts needs: MAX_ROWS
# rows written by the export unpack to about 190 MB and 17 million tags, packed 14 to 1.

XLSX_PARTS_MAX = 1000  # files in the zip; a workbook has a few dozen
XLSX_UNPACKED_MAX = 400 * 1024 * 1024  # all parts unpacked
XLSX_RATIO_MAX = 100  # unpacked to packed size of a part over 1 MB; spreadsheets are 5-20
XLSX_TOKEN_MAX = 1024 * 1024  # the longest tag or text; Excel holds 32,767 characters a cell
XLSX_TAGS_MAX = 25_000_000  # tags in all parts, which bounds openpyxl's time
XLSX_TAGS_AT_ONCE_MAX = 500_000  # tags between two rows (or shared strings), which openpyxl
# holds in memory at once; a row as wide as Excel allows has fewer than 100,000
XLSX_STRINGS_MAX = 1_000_000  # shared strings, which openpyxl holds all at once
XLSX_CHUNK = 256 * 1024

# The tags the scan looks at: processing instructions, declarations (<!DOCTYPE, <!ENTITY,
# comments, CDATA), and rows and shared strings, with or without a namespace prefix.
XML_MARK = re.compile(rb"<(?:(\?)|(!)|(?:[A-Za-z_][\w.-]*:)?(row|si)(?=[\s/>])([^<>]*))")
ROW_NUMBER = re.compile(rb"""(?:^|\s)r\s*=\s*["']([^"']*)["']""")


class Refused(Exception):
    """A workbook over a budget; the message says which, to the curator."""


def _xlsx_refusal(data):
    """A Problem when the workbook is over a budget (or not a zip at all), else None."""
    try:
        # zipfile reads one entry per directory record, each starting with this signature.
        if data.count(b"PK\x01\x02") > XLSX_PARTS_MAX:
            raise Refused(f"it holds more than {XLSX_PARTS_MAX:,} files")
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
            _xlsx_sizes_check(parts, len(data))
            scan = XlsxScan()
            for part in parts:
                with archive.open(part) as stream:
                    scan.part(part.filename, stream)
    except Refused as refusal:
        if isinstance(refusal.args[0], Problem):
            return refusal.args[0]
        return Problem(
            None,
            "",
            "",
            f"This workbook cannot be imported: {refusal}. Save the sheet to import as a new "
            ".xlsx or as CSV UTF-8 from your spreadsheet program, splitting it if it is large.",
        )
    except Exception as error:  # a damaged zip can fail anywhere inside zipfile
        return _xlsx_problem(error)
    return None


def _xlsx_sizes_check(parts, size):
    """From the zip's directory: what the parts unpack to, and how much they are packed.

    zipfile never unpacks more of a part than its directory entry says (a part that unpacks
    to more fails its checksum), so these sizes bound what openpyxl can be given."""
    unpacked = sum(part.file_size for part in parts)
    if unpacked > XLSX_UNPACKED_MAX:
        raise Refused(
            f"it unpacks to {unpacked / 2**20:,.0f} MB (at most {XLSX_UNPACKED_MAX / 2**20:,.0f}"
            " MB)"
        )
    if sum(part.compress_size for part in parts) > size:
        raise Refused("its parts overlap, as in a zip bomb")
    for part in parts:
        ratio = part.file_size / max(part.compress_size, 1)
        if part.file_size > 2**20 and ratio > XLSX_RATIO_MAX:
            raise Refused(
                f"its part {part.filename} unpacks to {ratio:,.0f} times its packed size (at "
                f"most {XLSX_RATIO_MAX}), which no spreadsheet program writes"
            )


class XlsxScan:
    """One streaming pass over the XML of a workbook's parts, against the budgets above.

    The XML is read in blocks that end just before a '<', so no tag is ever cut. Text and
    attribute values cannot hold a '<', so the distance between two '<' bounds every tag and
    text; declarations, comments and CDATA (which could hide one) are refused, as no
    spreadsheet program writes them, and that also rules out XML entities. Rows are counted
    as openpyxl numbers them (their r attribute, else the one before plus one)."""

    def __init__(self):
        self.tags = 0
        self.strings = 0

    def part(self, name, stream):
        self.name, self.row, self.at_once = name, 0, 0
        head = stream.read(XLSX_CHUNK)
        start = head.removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n")
        if head[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in start[:2]:
            raise Refused(f"its part {name} is UTF-16 text; spreadsheet programs write UTF-8")
        if not start.startswith(b"<"):
            return  # not XML (a picture, say): openpyxl does not parse it
        for block in self.blocks(head, stream):
            self.block(block)

    def blocks(self, carry, stream):
        """The part's bytes in blocks that each end just before a '<'."""
        while chunk := stream.read(XLSX_CHUNK):
            first = chunk.find(b"<")
            if len(carry) + (first if first >= 0 else len(chunk)) > XLSX_TOKEN_MAX:
                raise Refused(
                    f"its part {self.name} holds a tag or text of more than "
                    f"{XLSX_TOKEN_MAX / 2**20:,.0f} MB"
                )
            if first < 0:
                carry += chunk
                continue
            buffer = carry + chunk
            cut = len(carry) + chunk.rfind(b"<")
            carry = buffer[cut:]
            yield buffer[:cut]
        yield carry

    def block(self, block):
        self.tags += block.count(b"<")
        if self.tags > XLSX_TAGS_MAX:
            raise Refused(f"it holds more than {XLSX_TAGS_MAX:,} XML tags")
        since = 0
        for mark in XML_MARK.finditer(block):
            instruction, declaration, element, attributes = mark.groups()
            if declaration:
                raise Refused(f"its part {self.name} holds an XML declaration or comment")
            if instruction:
                end = block.find(b"<", mark.end())
                if b"?>" not in block[mark.start() : end if end >= 0 else len(block)]:
                    raise Refused(f"its part {self.name} holds an unfinished XML instruction")
                continue
            self.held(block.count(b"<", since, mark.start()))
            since, self.at_once = mark.start(), 0
            if element == b"row":
                self.next_row(attributes)
            else:
                self.strings += 1
                if self.strings > XLSX_STRINGS_MAX:
                    raise Refused(
                        f"it holds more than {XLSX_STRINGS_MAX:,} different texts (shared strings)"
                    )
        self.held(block.count(b"<", since))

    def held(self, tags):
        self.at_once += tags
        if self.at_once > XLSX_TAGS_AT_ONCE_MAX:
            raise Refused(
                f"its part {self.name} holds more than {XLSX_TAGS_AT_ONCE_MAX:,} XML tags "
                "in one row or outside the rows"
            )

    def next_row(self, attributes):
        number = ROW_NUMBER.search(attributes)
        if number is None:
            self.row += 1
        elif number[1].isdigit() and len(number[1]) < 10:
            self.row = int(number[1])
        else:
            raise Refused(
                f"its part {self.name} numbers a row {number[1][:20].decode('utf-8', 'replace')!r}"
            )
        if self.row - 1 > MAX_ROWS:
            raise Refused(
                Problem(self.row, "", "", f"the file has more than {MAX_ROWS:,} rows; split it.")
            )


# --- Reading a row in a format ---------------------------------------------------------------


def name_key(text):
    """How names compare: ignoring case and repeated spaces."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


class Cells:
    """One row's cells, read by a format's columns. A cell that cannot be read records a
    Problem (row, column, value, and the column's spreadsheet letter) and holds INVALID,
    so that every problem of every row is reported at once."""

    def __init__(self, row, letters, problems):
        self.row, self.letters, self.problems = row, letters, problems
        self.count = 0

    def problem(self, column, value, message):
        self.count += 1
        self.problems.append(
            Problem(self.row.number, column, value, message, self.letters.get(column, ""))
        )
        return INVALID

    def read(self, fmt, lookups):
        """{column: value} for every column fmt imports, then fmt's checks across cells.
        lookups: {column: function of the parsed value}, e.g. the area of an area_code; like
        a column's parse, each returns the value or raises Invalid."""
        texts = self.row.values
        values = {}
        for column in fmt.imported:
            name = column.header
            if texts[name] is None:  # an optional column the file does not have
                values[name] = None
                continue
            try:
                value = column.parse(name, texts[name])
                lookup = lookups.get(name)
                values[name] = value if lookup is None else lookup(name, value)
            except Invalid as error:
                shown = texts[name] if error.value is None else error.value
                values[name] = self.problem(name, shown, error.message)
        for name, message in fmt.checks(values, texts):
            self.problem(name, texts[name], message)
        return values


class Line:
    """A row that was read without a problem: its cells and their values by column."""

    def __init__(self, cells, values):
        self.cells, self.values = cells, values

    def __getitem__(self, column):
        return self.values[column]

    @property
    def number(self):
        return self.cells.row.number


def lines_read(rows, fmt, letters, problems, lookups):
    """The rows as Lines; None for a row with a problem (already reported)."""
    lines = []
    for row in rows:
        cells = Cells(row, letters, problems)
        values = cells.read(fmt, lookups)
        lines.append(None if cells.count else Line(cells, values))
    return lines


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
        # into the entry: curation.history copies them, as it does for first versions.
        history_m2m_copy(model, {entry.id: entry.pk for entry in entries})


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
    with transaction.atomic(), long_statements():  # DB_LONG_STATEMENT_TIMEOUT
        if not dry_run:
            one_import_at_a_time()
        importer.plan(result)
        if not result.problems and not dry_run:
            importer.write(Writer(user=user, reason=reason_for(source)))
            result.written = True
    return result


# --- The rule --------------------------------------------------------------------------------


class Allowed:
    """The ids of model's records that a rule of curation.rules (changeable or usable) gives
    user, fetched in one query; everything, without a query, for a site administrator."""

    def __init__(self, rule, model, user):
        self.ids = None
        if rules.is_limited(user):
            self.ids = set(rule(model._default_manager.all(), user).values_list("pk", flat=True))

    def __contains__(self, pk):
        return self.ids is None or pk in self.ids


# --- Resolvers: one per kind of record -------------------------------------------------------


class Resolver:
    """The records of one kind that a file names. resolve() finds a row's record among the
    existing ones (asking curation.rules whether this user may change or use it) and gathers
    what the rows say about it; settle() compares that with what is stored, once every row is
    read; write() creates what is new and saves what changed."""

    name = ""  # as in the result's counts
    model = None

    def __init__(self, user):
        self.user = user
        self.refs = {}
        self.tally = Tally()
        self.changed = {}  # pk -> (record, {changed fields})
        self.rows = {}  # for records a file may name only once: key -> first row naming it

    @cached_property
    def changeable(self):
        """The ids of the records of this kind that the user may change: one query, the first
        time it is asked."""
        return Allowed(rules.changeable, self.model, self.user)

    def ref(self, key, existing, line, outcome, label):
        ref = self.refs[key] = Ref(existing, outcome, line.cells, label)
        if existing is None:
            self.tally.created += 1
        return ref

    def settle(self):
        pass

    def change(self, record, outcome, wanted, prefix=""):
        """Set on record the wanted values that differ, each described in outcome's row."""
        for name, (old, new) in differences(record, wanted).items():
            outcome.changes.append(prefix + self.describe(name, old, new))
            setattr(record, name, new)
            self.changed.setdefault(record.pk, (record, set()))[1].add(name)

    def describe(self, name, old, new):
        return change_text(name, old, new)

    def counts(self):
        self.tally.changed = set(self.changed)
        return self.tally.as_dict()

    def new(self):
        return [ref for ref in self.refs.values() if ref.existing is None]

    def first_naming(self, key, line, column, what):
        """Whether line is the first row naming key; else a problem names the first."""
        first = self.rows.setdefault(key, line.number)
        if first != line.number:
            value = line.cells.row.values[column]
            line.cells.problem(
                column, value, f"{column} {value!r}: this row repeats row {first}, the same {what}."
            )
        return first == line.number


class Areas:
    """area_code: a known area that the user may use for their records."""

    def __init__(self, user):
        self.by_code = {area.gss_code: area for area in Area.objects.only("pk", "gss_code", "name")}
        self.names = {area.pk: area.name for area in self.by_code.values()}
        self.usable = Allowed(rules.usable, Area, user)

    def find(self, column, code):
        area = self.by_code.get(code)
        if area is None:
            raise Invalid(
                f"{column} {code} is not a known area code (an ONS GSS code such as E06000001).",
                code,
            )
        if area.pk not in self.usable:
            raise Invalid(f"{column} {code} ({area.name}) is outside the areas you curate.", code)
        return area


class AreasAndRegions(Areas):
    """area_code of a network: an area, as above, or a region's code (E12000001) for a network
    that covers the whole region, which only a curator of every area in it may use."""

    def __init__(self, user):
        super().__init__(user)
        self.regions = {region.code: region for region in Region.objects.only("pk", "code", "name")}
        self.usable_regions = Allowed(rules.usable, Region, user)

    def find(self, column, code):
        region = self.regions.get(code)
        if region is None:
            return super().find(column, code)
        if region.pk not in self.usable_regions:
            raise Invalid(
                f"{column} {code} is the region {region.name}; a network for the whole region "
                "needs a curator of every area in it.",
                code,
            )
        return region


def place_code(place):
    """The GSS code of an area or a region."""
    return place.code if isinstance(place, Region) else place.gss_code


class Partnerships(Resolver):
    """area_code + partnership, among the partnerships covering that area (all of them: which
    areas a partnership covers is public), else a new one for that area. One that the user
    may not change is refused in every row naming it, with its bodies and seats."""

    name, model = "partnerships", Partnership

    def __init__(self, user, areas):
        super().__init__(user)
        self.areas = areas
        self.found = {}  # (area id, name key) -> partnership id
        self.areas_of = defaultdict(set)
        links = Partnership.areas.through.objects.values_list(
            "area_id", "partnership_id", "partnership__name"
        )
        for area_id, partnership_id, name in links.order_by("partnership_id"):
            self.found.setdefault((area_id, name_key(name)), partnership_id)
            self.areas_of[partnership_id].add(area_id)

    def resolve(self, line, outcome):
        name, area = line["partnership"], line["area_code"]
        key = (area.pk, name_key(name))
        ref = self.refs.get(key)
        if ref is None:
            existing = self.found.get(key)
            ref = self.ref(key, existing, line, outcome, f"partnership ({name})")
            ref.area_ids.add(area.pk)
            if existing is None:
                outcome.changes.append(f"new partnership {name!r} for {area.name}")
            elif existing in self.changeable:
                self.tally.referenced.add(existing)
        if ref.existing is not None and ref.existing not in self.changeable:
            line.cells.problem("partnership", name, self.refusal(name, ref.existing))
            return None
        return ref

    def refusal(self, name, pk):
        others = sorted(
            self.areas.names[area_id]
            for area_id in self.areas_of[pk]
            if area_id not in self.areas.usable
        )
        listed = f" ({', '.join(others)})" if others else ""
        return (
            f"partnership {name!r} also covers areas you do not curate{listed}, so its "
            "bodies and seats cannot be changed here."
        )

    def write(self, writer):
        new, slugs = self.new(), Slugs(Partnership)
        for ref in new:
            name = ref.cells.row.values["partnership"]
            ref.obj = Partnership(
                name=name, slug=slugs.make(name), search_name=Partnership.folded(name)
            )
        writer.create(
            Partnership, [ref.obj for ref in new], m2m={"areas": [ref.area_ids for ref in new]}
        )


class Bodies(Resolver):
    """partnership + body name. Its kind and theme follow the file: a difference is a change,
    shown in the preview; two rows disagreeing about one body are a problem."""

    name, model = "bodies", Body

    def __init__(self, user):
        super().__init__(user)
        self.found = {}  # (partnership id, name key) -> Body
        for body in Body.objects.order_by("pk"):
            self.found.setdefault((body.partnership_id, name_key(body.name)), body)

    def resolve(self, line, outcome, partnership):
        name = line["body"]
        key = (partnership, name_key(name))
        ref = self.refs.get(key)
        if ref is None:
            existing = None
            if partnership.existing is not None:
                existing = self.found.get((partnership.existing, name_key(name)))
            ref = self.ref(key, existing, line, outcome, f"body ({line['partnership']}: {name})")
            ref.partnership, ref.name = partnership, name
            if existing is None:
                outcome.changes.append(f"new {line['body_kind'].replace('_', ' ')} {name!r}")
            elif existing.pk in self.changeable:
                self.tally.referenced.add(existing.pk)
        if ref.existing is not None and ref.existing.pk not in self.changeable:
            line.cells.problem("body", name, f"body {name!r} is outside the areas you curate.")
            return None
        ref.give(line.cells, "body_kind", line["body_kind"])
        ref.give(line.cells, "theme", line["theme"], empty_counts=True)
        return ref

    def settle(self):
        for ref in self.refs.values():
            if ref.existing is not None:
                wanted = {"kind": ref.value("body_kind"), "theme": ref.value("theme")}
                self.change(ref.existing, ref.outcome, wanted, f"body {ref.name!r}: ")

    def write(self, writer):
        new = self.new()
        for ref in new:
            ref.obj = Body(
                partnership_id=ref.partnership.pk,
                name=ref.name,
                kind=ref.value("body_kind"),
                theme=ref.value("theme"),
            )
        writer.create(Body, [ref.obj for ref in new])
        writer.update(Body, self.changed)


class Organisations(Resolver):
    """By name, among all organisations (they are shared: a national charity holds seats
    everywhere), else a new one, of the kind the seat's sector gives, in the areas of the rows
    naming it. organisation_is_womens changes only an organisation the user may change."""

    name, model = "organisations", Organisation

    def __init__(self, user):
        super().__init__(user)
        self.found, self.names = {}, {}  # name key -> Organisation; id -> name
        for org in Organisation.objects.order_by("pk"):
            self.found.setdefault(name_key(org.name), org)
            self.names[org.pk] = org.name
        self.usable = Allowed(rules.usable, Organisation, user)

    def resolve(self, line, outcome):
        name = line["organisation"]
        if not name:
            return None
        key = name_key(name)
        ref = self.refs.get(key)
        if ref is None:
            existing = self.found.get(key)
            if existing is not None and existing.pk not in self.usable:
                existing = None  # not for this user: a new organisation of their own
            ref = self.ref(key, existing, line, outcome, f"organisation ({name})")
            ref.name, ref.sector = name, line["sector"]
            if existing is None:
                outcome.changes.append(f"new organisation {name!r}")
            else:
                self.tally.referenced.add(existing.pk)
        ref.area_ids.add(line["area_code"].pk)
        ref.give(line.cells, "organisation_is_womens", line["organisation_is_womens"])
        return ref

    def settle(self):
        for ref in self.refs.values():
            flag = ref.value("organisation_is_womens")
            if ref.existing is None or flag is None or ref.existing.is_womens_organisation == flag:
                continue
            if ref.existing.pk not in self.changeable:
                ref.cells.problem(
                    "organisation_is_womens",
                    ref.cells.row.values["organisation_is_womens"],
                    f"organisation {ref.name!r} is outside the areas you curate, so its "
                    "organisation_is_womens cannot be changed here.",
                )
                continue
            wanted = {"is_womens_organisation": flag}
            self.change(ref.existing, ref.outcome, wanted, f"organisation {ref.name!r}: ")

    def describe(self, name, old, new):
        return change_text("organisation_is_womens", old, new)

    def write(self, writer):
        new, slugs = self.new(), Slugs(Organisation)
        for ref in new:
            ref.obj = Organisation(
                name=ref.name,
                slug=slugs.make(ref.name),
                kind=ORGANISATION_KIND_FOR_SECTOR[ref.sector],
                is_womens_organisation=bool(ref.value("organisation_is_womens")),
            )
        objs, areas = [ref.obj for ref in new], [sorted(ref.area_ids) for ref in new]
        writer.create(Organisation, objs, m2m={"areas": areas})
        writer.update(Organisation, self.changed)


CONTACT = ("email", "phone", "publish_contact")


class People(Resolver):
    """Name + organisation (a person who holds a seat for it), among the people the user may
    change and nobody else: knowing a name gives nothing. Anyone else is invisible here, so a
    row naming somebody who sits elsewhere makes a new person in the user's area. A non-empty
    email, phone or publish_contact changes the person; an empty one leaves it alone."""

    name, model = "people", Person

    def __init__(self, user, seats):
        super().__init__(user)
        people = rules.changeable(Person.objects.all(), user).order_by()
        people = {person.pk: person for person in people}
        self.found = {}  # (name key, organisation id) -> Person
        for seat in seats:  # in seat id order: the first seat's person is the match
            person = people.get(seat.person_id)
            if person is not None:
                self.found.setdefault((name_key(person.name), seat.organisation_id), person)

    def resolve(self, line, outcome, org):
        """The row's person; None for a vacant seat (person empty)."""
        name = line["person"]
        if not name:
            return None
        key = (name_key(name), org and name_key(org.name))
        ref = self.refs.get(key)
        if ref is None:
            existing = None
            if org is None or org.existing is not None:
                existing = self.found.get((key[0], org and org.existing.pk))
            label = f"person ({name}, {line['organisation'] or 'no organisation'})"
            ref = self.ref(key, existing, line, outcome, label)
            ref.name = name
            if existing is None:
                outcome.changes.append(f"new person {name!r}")
            else:
                self.tally.referenced.add(existing.pk)
        for column in CONTACT:
            ref.give(line.cells, column, line[column])
        return ref

    def settle(self):
        for ref in self.refs.values():
            if ref.existing is not None:
                wanted = {c: ref.value(c) for c in CONTACT if ref.value(c) not in (None, "")}
                self.change(ref.existing, ref.outcome, wanted, f"person {ref.name!r}: ")

    def write(self, writer):
        new = self.new()
        for ref in new:
            ref.obj = Person(
                name=ref.name,
                email=ref.value("email", ""),
                phone=ref.value("phone", ""),
                publish_contact=bool(ref.value("publish_contact")),
            )
        writer.create(Person, [ref.obj for ref in new])
        writer.update(Person, self.changed)


class Seats(Resolver):
    """body + person + start_date, once in a file; a different start date is a new term, a
    new seat. Sector, organisation, role, selection and end_date follow the file exactly.

    A row with no person is a vacant seat, found by body + start_date + role among the
    seats nobody holds: the vacancies, and (so that an export imports back unchanged) the
    seats whose holder was erased, which stay held. selection_closes and how_to_apply
    follow the file when it has those columns, and are left alone when it has not."""

    name, model = "seats", Seat
    KEY = ("partnership", "body", "person", "organisation", "start_date")
    OPTIONAL = {column.header: column.field for column in SEATS.imported if column.optional}

    def __init__(self, user, seats, organisation_names):
        super().__init__(user)
        self.found = {}  # (body id, person id, start date) -> Seat
        self.nobodys = {}  # (body id, start date, role key) -> Seat without a holder
        for seat in seats:
            if seat.person_id is None:
                key = (seat.body_id, seat.start_date, name_key(seat.role))
                self.nobodys.setdefault(key, seat)
            else:
                self.found.setdefault((seat.body_id, seat.person_id, seat.start_date), seat)
        self.organisation_names = organisation_names
        self.created = []  # (body, person, organisation, start date, values)

    def existing(self, body, person, line):
        if body.existing is None:
            return None
        if person is None:
            key = (body.existing.pk, line["start_date"], name_key(line["role"]))
            return self.nobodys.get(key)
        if person.existing is None:
            return None
        return self.found.get((body.existing.pk, person.existing.pk, line["start_date"]))

    def wanted(self, line, seat):
        """The seat's fields as the row gives them."""
        wanted = {c: line[c] for c in ("sector", "role", "selection", "end_date")}
        wanted["vacant"] = line["person"] == "" and (seat is None or seat.vacant)
        for column, field_name in self.OPTIONAL.items():
            if line[column] is not None:
                wanted[field_name] = line[column]
            elif seat is None:
                wanted[field_name] = Seat._meta.get_field(field_name).get_default()
        return wanted

    def resolve(self, line, outcome, body, person, org):
        cells, start = line.cells, line["start_date"]
        same = ", ".join(f"{c} {cells.row.values[c]!r}" for c in self.KEY)
        key = (body, person, start) if person else (body, start, name_key(line["role"]))
        self.first_naming(key, line, "person", f"seat ({same})")
        if cells.count:
            return False
        seat = self.existing(body, person, line)
        if seat is not None and person is None and not seat.vacant:
            for column in self.OPTIONAL:
                if line[column]:  # an erased holder's seat: still held, not open
                    cells.problem(
                        column,
                        cells.row.values[column],
                        f"{column}: this seat is held (its holder's name was removed at their "
                        "request), and only a vacant seat has a closing date or a way to apply.",
                    )
            if cells.count:
                return False
        wanted = self.wanted(line, seat)
        if seat is None:
            self.tally.created += 1
            outcome.status = ROW_NEW
            self.created.append((body, person, org, start, wanted))
            return True
        if seat.pk not in self.changeable:
            cells.problem(
                "person",
                line["person"],
                f"person {line['person']!r}: this seat is outside the areas you curate."
                if line["person"]
                else "this vacant seat is outside the areas you curate.",
            )
            return False
        self.tally.referenced.add(seat.pk)
        wanted["organisation_id"] = org.existing.pk if org else None
        self.change(seat, outcome, wanted, "seat: ")
        return True

    def describe(self, name, old, new):
        if name == "organisation_id":
            names = self.organisation_names
            name, old, new = "organisation", names.get(old), names.get(new)
        return change_text(name, old, new)

    def write(self, writer):
        writer.create(
            Seat,
            [
                Seat(
                    body_id=body.pk,
                    person_id=person.pk if person else None,
                    organisation_id=org.pk if org else None,
                    start_date=start_date,
                    **wanted,
                )
                for body, person, org, start_date, wanted in self.created
            ],
        )
        writer.update(Seat, self.changed)


class Networks(Resolver):
    """name + area_code, among the networks recorded for that area (or, for a region's code,
    for that whole region), else a new one; one the user may not change is refused. Every
    other column follows the file exactly."""

    name, model = "networks", Network

    def __init__(self, user):
        super().__init__(user)
        self.found = {}  # (area or region, its id, name key) -> Network recorded for it
        by_pk = {network.pk: network for network in Network.objects.order_by()}
        links = Network.areas.through.objects.values_list("area_id", "network_id")
        for area_id, network_id in links.order_by("network_id"):
            network = by_pk[network_id]
            self.found.setdefault((Area, area_id, name_key(network.name)), network)
        with_areas = {network.pk for network in self.found.values()}
        for pk in sorted(by_pk.keys() - with_areas):  # a region's own networks
            network = by_pk[pk]
            if network.region_id is not None:
                self.found.setdefault((Region, network.region_id, name_key(network.name)), network)
        self.fields = {column.header: column.field for column in NETWORKS.imported if column.field}

    def resolve(self, line, outcome):
        cells, name, place = line.cells, line["name"], line["area_code"]
        key = (type(place), place.pk, name_key(name))
        what = f"network (name {name!r}, area_code {place_code(place)!r})"
        if not self.first_naming(key, line, "name", what):
            return False
        existing = self.found.get(key)
        if existing is not None and existing.pk not in self.changeable:
            cells.problem(
                "name",
                name,
                f"network {name!r} also serves areas you do not curate, so it cannot be "
                "changed here.",
            )
            return False
        ref_key = ("id", existing.pk) if existing else ("new", key)
        ref = self.refs.get(ref_key)
        if ref is None:
            ref = self.ref(ref_key, existing, line, outcome, f"network ({name})")
            ref.name = name
            ref.region = place if isinstance(place, Region) else None
            if ref.region is None:
                ref.area_ids.add(place.pk)
            if existing is None:
                outcome.status = ROW_NEW
            else:
                self.tally.referenced.add(existing.pk)
        for column in self.fields:
            ref.give(cells, column, line[column], empty_counts=True)
        return not cells.count

    def settle(self):
        for ref in self.refs.values():
            if ref.existing is not None:
                wanted = {field: ref.value(column) for column, field in self.fields.items()}
                self.change(ref.existing, ref.outcome, wanted)
                if ref.outcome.changes:
                    ref.outcome.status = ROW_CHANGED

    def write(self, writer):
        new, slugs = self.new(), Slugs(Network)
        for ref in new:
            ref.obj = Network(
                name=ref.name,
                slug=slugs.make(ref.name),
                region=ref.region,
                **{field: ref.value(column) for column, field in self.fields.items()},
            )
        writer.create(
            Network, [ref.obj for ref in new], m2m={"areas": [ref.area_ids for ref in new]}
        )
        writer.update(Network, self.changed)


# --- The imports: resolvers in order ---------------------------------------------------------


class Import:
    """A file's rows read in its format, each row's records found by the resolvers in order,
    then settled against what is stored, then (on confirm) written by the same resolvers."""

    kind, format = "", None

    def __init__(self, rows, *, user, letters):
        self.rows, self.user, self.letters = rows, user, letters or {}

    places = Areas  # what area_code may name

    def plan(self, result):
        areas = self.places(self.user)
        lookups = {"area_code": areas.find}
        lines = lines_read(self.rows, self.format, self.letters, result.problems, lookups)
        self.resolvers = self.resolvers_for(areas)
        for line in lines:
            if line is None:
                continue
            outcome = RowOutcome(line.number, ROW_UNCHANGED, self.label(line))
            if self.resolve(line, outcome):
                result.rows.append(outcome)
        for resolver in self.resolvers:
            resolver.settle()
        for outcome in result.rows:
            if outcome.status == ROW_UNCHANGED and outcome.changes:
                outcome.status = ROW_CHANGED
        result.counts = {resolver.name: resolver.counts() for resolver in self.resolvers}

    def write(self, writer):
        for resolver in self.resolvers:
            resolver.write(writer)


class SeatImport(Import):
    kind, format = "seats", SEATS

    def resolvers_for(self, areas):
        user, seats = self.user, list(Seat.objects.order_by("pk"))
        self.partnerships, self.bodies = Partnerships(user, areas), Bodies(user)
        self.organisations, self.people = Organisations(user), People(user, seats)
        self.seats = Seats(user, seats, self.organisations.names)
        return [self.partnerships, self.bodies, self.organisations, self.people, self.seats]

    def label(self, line):
        return f"{line['person'] or 'Vacant seat'} on {line['body']}, {line['partnership']}"

    def resolve(self, line, outcome):
        """Whether the row is sound (else its problems are reported)."""
        partnership = self.partnerships.resolve(line, outcome)
        body = None if partnership is None else self.bodies.resolve(line, outcome, partnership)
        if body is None:
            return False
        org = self.organisations.resolve(line, outcome)
        person = self.people.resolve(line, outcome, org)
        return self.seats.resolve(line, outcome, body, person, org)


class NetworkImport(Import):
    kind, format, places = "networks", NETWORKS, AreasAndRegions

    def resolvers_for(self, areas):
        self.networks = Networks(self.user)
        return [self.networks]

    def label(self, line):
        return f"{line['name']} ({line['area_code'].name})"

    def resolve(self, line, outcome):
        return self.networks.resolve(line, outcome)


# --- The services ----------------------------------------------------------------------------


def seats_import(*, rows, user=None, dry_run=True, source="", letters=None):
    """Import seat rows (as rows_read returns them): plan every row, then write all of it in
    one transaction, unless dry_run or any row has a problem.

    user: the importing user, for the history and for curation.rules; None runs as a site
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
    table = rows_read(data=data, filename=filename, columns=COLUMNS[kind], optional=OPTIONAL[kind])
    if table.problems:
        return ImportResult(kind=kind, source=filename, problems=table.problems)
    result = IMPORTS[kind](
        rows=table.rows, user=user, dry_run=dry_run, source=filename, letters=table.letters
    )
    result.ignored_columns = table.ignored_columns
    return result
