"""A curator's upload may be hostile: a small .xlsx that unpacks to gigabytes or holds a
million rows must be refused in a few seconds and a little memory, saying why, and a real
spreadsheet of 50,000 rows must still be read. A NUL byte in a cell is refused with its row
and column (PostgreSQL cannot store one: the confirm gave a 500).

Each hostile workbook is built here, as an attacker would, by writing its XML straight into a
zip, and read by curation.imports.rows_read in a fresh Python process that reports how long
the reading took and how much its peak memory grew.
"""

import io
import json
import os
import subprocess
import sys
import zipfile
from itertools import chain
from pathlib import Path

import pytest
from django.urls import reverse
from openpyxl import Workbook

from curation import imports
from curation.imports import MAX_ROWS, NETWORK_COLUMNS, SEAT_COLUMNS, file_import
from partnerships.models import Person, Seat

from .test_curator_import import HARTLEPOOL, NETWORK, SEAT, curator_of, snapshot, to_csv, upload
from .test_import_vacancies import VACANCY

SECONDS, MEGABYTES = 10, 100  # generous: a refusal takes well under a second and 10 MB

MAIN = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
PARTS = {
    "[Content_Types].xml": (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        b'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        b'<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
        b'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/'
        b'sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
        b'worksheet+xml"/></Types>'
    ),
    "_rels/.rels": (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="' + MAIN + b'"'
        b' xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        b'<sheets><sheet name="Seats" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
    ),
}
SHEET = "xl/worksheets/sheet1.xml"


def inline(value):
    return b'<c t="inlineStr"><is><t>' + value.encode() + b"</t></is></c>"


HEADER = b'<row r="1">' + b"".join(inline(name) for name in SEAT_COLUMNS) + b"</row>"
A_ROW = b"<row>" + b"".join(inline(value) for value in ["E06000001", "x"] * 3) + b"</row>"


def sheet(rows, *, dimension=b"", before=b""):
    """The sheet's XML in pieces: a header row, then rows (an iterable of bytes)."""
    yield b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    yield before + b'<worksheet xmlns="' + MAIN + b'">' + dimension + b"<sheetData>" + HEADER
    yield from rows
    yield b"</sheetData></worksheet>"


def workbook(path, pieces, *, level=6, parts=PARTS, more=()):
    """An .xlsx at path whose first sheet is the XML in pieces, packed at zlib level; more:
    other parts, as (name, pieces)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for name, xml in parts.items():
            archive.writestr(name, xml)
        for name, part_pieces in [(SHEET, pieces), *more]:
            with archive.open(name, "w") as part:
                buffer = []
                for piece in part_pieces:
                    buffer.append(piece)
                    if len(buffer) == 10_000:
                        part.write(b"".join(buffer))
                        buffer = []
                part.write(b"".join(buffer))
    return path


def million_rows():
    """A million one-cell rows, numbered, each with its own value, so that they pack about
    as well as a real sheet (6 to 1) rather than as a zip bomb."""
    rows = []
    for number in range(2, 1_000_002):
        rows.append(b'<row r="%d"><c r="A%d"><v>%d</v></c></row>' % (number, number, number * 7919))
        if len(rows) == 10_000:
            yield b"".join(rows)
            rows = []


def text_of(megabytes, *, sprinkle=b""):
    """megabytes of text without a '<' (unless sprinkled with one every 64 KB) that packs
    about 40 to 1, under the ratio that a zip bomb would exceed: 4% random, the rest repeated."""
    for _ in range(megabytes):
        yield (
            os.urandom(20 * 1024).hex().encode() + (b"a" * (2**16 - len(sprinkle)) + sprinkle) * 15
        )


# Reading happens in a child process, so that its peak memory is its own: the kernel's
# high-water mark of its resident memory (VmHWM; getrusage's ru_maxrss would start from the
# forking test process's size).
CHILD = """
import json, re, sys, time
import django
django.setup()
import openpyxl  # imported before measuring, as in a running server
from curation.imports import SEAT_COLUMNS, rows_read

def peak_kb():
    with open("/proc/self/status") as status:
        return int(re.search(r"VmHWM:\\s+(\\d+) kB", status.read())[1])

with open(sys.argv[1], "rb") as file:
    data = file.read()
before = peak_kb()
started = time.perf_counter()
table = rows_read(data=data, filename="upload.xlsx", columns=SEAT_COLUMNS)
seconds = time.perf_counter() - started
print(json.dumps({
    "seconds": seconds, "megabytes": (peak_kb() - before) / 1024, "rows": len(table.rows),
    "problems": [str(problem) for problem in table.problems],
}))
"""


def read_in_a_fresh_process(path):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "lsp_directory.settings"}
    try:
        done = subprocess.run(
            [sys.executable, "-c", CHILD, str(path)],
            cwd=Path(__file__).resolve().parent.parent,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"reading {path.name} took more than 120 s")
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def assert_refused_quickly(path, says):
    read = read_in_a_fresh_process(path)
    assert read["rows"] == 0
    assert len(read["problems"]) == 1, read["problems"]
    assert says in read["problems"][0], read["problems"]
    assert read["seconds"] < SECONDS, read
    assert read["megabytes"] < MEGABYTES, read
    return read


def test_a_million_rows_packed_into_a_megabyte_are_refused_at_once(tmp_path):
    """The attack as reported: a million rows of a seat's cells, packed into about a megabyte
    (every row used to go through openpyxl before the row limit was checked)."""
    path = workbook(tmp_path / "million.xlsx", sheet(A_ROW * 10_000 for _ in range(100)))
    assert path.stat().st_size < 2 * 2**20
    assert_refused_quickly(path, "times its packed size (at most 100)")


@pytest.mark.parametrize(
    "dimension",
    [b"", b'<dimension ref="A1:P2"/>'],
    ids=["no size given", "the sheet says it has two rows"],
)
def test_a_million_rows_that_pack_like_a_real_sheet_are_counted_and_refused(tmp_path, dimension):
    """Rows that pack like real ones pass the packing checks; counting the rows in the XML
    refuses them, whatever size the sheet claims, before openpyxl parses one."""
    path = workbook(tmp_path / "counted.xlsx", sheet(million_rows(), dimension=dimension))
    assert path.stat().st_size < imports.MAX_BYTES
    read = assert_refused_quickly(path, f"more than {MAX_ROWS:,} rows; split it.")
    assert read["problems"] == [
        f"row {MAX_ROWS + 2}: the file has more than {MAX_ROWS:,} rows; split it."
    ]


def test_a_zip_bomb_is_refused_from_the_zip_directory(tmp_path):
    """One part unpacks to half a gigabyte of spaces from about two megabytes."""
    spaces = b" " * 2**20
    path = workbook(tmp_path / "bomb.xlsx", sheet(spaces for _ in range(512)), level=1)
    assert path.stat().st_size < 3 * 2**20
    assert_refused_quickly(path, "it unpacks to 512 MB (at most 400 MB)")


@pytest.mark.parametrize(
    ("xml", "says"),
    [
        (
            lambda: chain(
                [b'<row r="2"><c t="inlineStr"><is><t>'], text_of(200), [b"</t></is></c></row>"]
            ),
            "holds a tag or text of more than 1 MB",
        ),
        (
            lambda: chain([b"<!--"], text_of(200, sprinkle=b"<"), [b"-->"]),
            "holds an XML declaration or comment",
        ),
    ],
    ids=["a cell", "a comment with a '<' every 64 KB"],
)
def test_one_huge_piece_of_text_is_refused(tmp_path, xml, says):
    """200 MB of text in one cell, or one comment, packed 40 to 1: openpyxl would hold it
    whole. A sheet's XML never goes a megabyte without a '<', and never holds a comment."""
    path = workbook(tmp_path / "text.xlsx", sheet(xml()))
    assert path.stat().st_size < imports.MAX_BYTES
    assert_refused_quickly(path, says)


def test_two_million_shared_strings_are_refused(tmp_path):
    """openpyxl holds every shared string (the texts an .xlsx lists once and its cells
    point to) from the moment it opens the workbook: two million short ones packed into a
    few megabytes took hundreds of megabytes."""
    strings = "/xl/sharedStrings.xml"
    parts = dict(PARTS)
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>",
        b'<Override PartName="' + strings.encode() + b'" ContentType="application/vnd.'
        b'openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    )
    table = chain(
        [b'<?xml version="1.0" encoding="UTF-8"?>\n<sst xmlns="' + MAIN + b'">'],
        (b"<si><t>%d</t></si>" % number for number in range(2_000_000)),
        [b"</sst>"],
    )
    path = workbook(tmp_path / "strings.xlsx", sheet([]), parts=parts, more=[(strings[1:], table)])
    assert path.stat().st_size < imports.MAX_BYTES
    assert_refused_quickly(path, "it holds more than 1,000,000 different texts")


def test_a_zip_of_many_files_is_refused_before_its_directory_is_read(tmp_path):
    """300,000 empty files: zipfile's reading of the zip's directory alone took 160 MB."""
    path = tmp_path / "many.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        for name, xml in PARTS.items():
            archive.writestr(name, xml)
        for number in range(300_000):
            archive.writestr(str(number), b"")
    assert_refused_quickly(path, "it holds more than 1,000 files")


def test_a_real_sheet_of_50000_rows_passes_the_checks():
    """What the export writes (openpyxl's write-only mode), at 50,000 rows: none of the
    budgets refuses it."""
    book = Workbook(write_only=True)
    sheet_ = book.create_sheet()
    sheet_.append(SEAT_COLUMNS)
    for n in range(50_000):
        sheet_.append(
            [
                "E06000001", "Hartlepool Partnership", f"Group {n % 5}", "themed_group",
                "housing", f"Person {n}", "Member", "vcs", f"Organisation {n // 10}", "no",
                f"person{n}@example.org", f"01429 {n:06d}", "yes", "elected", "2008-04-01", "",
            ]
        )  # fmt: skip
    out = io.BytesIO()
    book.save(out)
    assert imports._xlsx_refusal(out.getvalue()) is None


# --- A NUL byte in a cell --------------------------------------------------------------------


def with_nul(value):
    return value[:1] + "\x00" + value[1:]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "column"),
    [("seats", column) for column in SEAT_COLUMNS]
    + [("networks", column) for column in NETWORK_COLUMNS],
)
def test_a_nul_byte_in_any_cell_is_refused_with_its_row_and_column(kind, column):
    first = SEAT if kind == "seats" else NETWORK
    if column not in first:  # the optional columns, which only a vacant seat fills
        first = VACANCY
    columns = SEAT_COLUMNS if kind == "seats" else NETWORK_COLUMNS
    rows = [first, {**first, column: with_nul(first[column])}]
    before = snapshot()
    result = file_import(kind=kind, data=to_csv(rows), filename="nul.csv", dry_run=False)
    assert not result.written
    assert [(p.row, p.column, p.letter) for p in result.problems] == [
        (3, column, imports.column_letter(columns.index(column)))
    ]
    message = str(result.problems[0])
    assert message.startswith(f"row 3: {column} ") and "NUL character" in message, message
    assert "\x00" not in result.problems[0].value  # shown as \x00, not as an invisible byte
    assert snapshot() == before


@pytest.mark.django_db
def test_a_curator_uploading_a_nul_byte_sees_it_in_the_preview_and_nothing_is_written(client):
    client.force_login(curator_of(HARTLEPOOL))
    rows = [SEAT, {**SEAT, "person": "Ann\x00Lee"}]
    preview = upload(client, "seats", to_csv(rows), "nul.csv")
    assert preview.status_code == 302
    page = client.get(preview.url)
    assert page.status_code == 200
    assert "row 3: person &#x27;Ann\\x00Lee&#x27; holds a NUL character" in page.content.decode()
    token = preview.url.rstrip("/").rsplit("/", 1)[1]
    confirm = client.post(reverse("curation_import:confirm", args=["seats", token]))
    assert confirm.status_code == 200
    assert not Person.objects.exists() and not Seat.objects.exists()
