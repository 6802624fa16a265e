"""The CSV download is written by PostgreSQL's COPY on PostgreSQL (issue 14) and by csv.writer
elsewhere: byte for byte the file the Python path writes, with hostile values in every text
column, under filters and orders, with and without the byte order mark. Each test also says
which path ran, so the COPY path cannot silently fall back to the Python one."""

import csv
import datetime
import io

import psycopg
import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from partnerships import exports
from partnerships.formats import (
    IN_SQL,
    NEVER_FORMULA_LIKE,
    as_iso_date,
    as_yes_no,
    is_formula_like,
)
from partnerships.models import Area, Region, Seat

from .factories import (
    BoardFactory,
    PartnershipFactory,
    PersonFactory,
    SeatFactory,
    ThemedGroupFactory,
    VacancyFactory,
    area,
)
from .test_export_representation import PAYLOADS, directory, download  # noqa: F401

pytestmark = pytest.mark.django_db

ON_POSTGRESQL = connection.vendor == "postgresql"

# What csv.writer and COPY might quote, escape or end a line on differently.
AWKWARD = [
    *PAYLOADS,
    'say "hi"',
    '"',
    '""',
    "a,b",
    ",",
    "line\nbreak",
    "carriage\rreturn",
    "both\r\nends",
    "ends with a break\n",
    "tab\tinside",
    "  spaced  ",
    " ",
    "\\.",
    "\\N",
    "NULL",
    "'already quoted",
    "'=1",
    "Siân Ó Dálaigh – Tŷ “quoted” 😀",
    "ز",
]

QUERIES = [
    "",
    "?status=all",
    "?status=all&order=-name",
    "?status=past",
    "?region=north-east",
    "?region=london&sector=vcs",
    "?area=E06000001&status=all",
    "?body_kind=themed_group",
    "?womens=yes",
    "?term=vacant",
    "?order=organisation,-name",
    "?sector=pirates",  # a bad filter, left out
]


@pytest.fixture
def ran(monkeypatch):
    """Which path wrote the CSV: "copy", "python", in the order they ran."""
    paths = []
    copied, written = exports.copied_csv_rows, exports.python_csv_chunks

    def copied_csv_rows(*args, **kwargs):
        paths.append("copy")
        return copied(*args, **kwargs)

    def python_csv_chunks(*args, **kwargs):
        paths.append("python")
        return written(*args, **kwargs)

    monkeypatch.setattr(exports, "copied_csv_rows", copied_csv_rows)
    monkeypatch.setattr(exports, "python_csv_chunks", python_csv_chunks)
    return paths


EXPECTED_PATH = "copy" if ON_POSTGRESQL else "python"


def reference(query="", bom=False):
    """The Python path's bytes for the list's filters in the query (the reference)."""
    filterset = exports.seat_filterset(QueryDict(query.removeprefix("?")))
    return "".join(exports.python_csv_chunks(filterset.qs, bom=bom)).encode()


def rows_of(content):
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"), newline="")))


@pytest.fixture
def hostile(directory):  # noqa: F811  (the fixture of test_export_representation)
    """The directory, plus seats whose every text column holds an awkward value; one of
    them in a partnership of areas in two regions, whose names are awkward too."""
    lsp = PartnershipFactory(
        name="Awkward Partnership", areas=[area("E06000001"), area("E09000007")]
    )
    board = BoardFactory(partnership=lsp, name='=Board, "quoted"\nand broken')
    group = ThemedGroupFactory(partnership=lsp, feeds_into=board, name="-Group\r")
    for n, value in enumerate(AWKWARD):
        SeatFactory(
            body=board if n % 2 else group,
            person=PersonFactory(
                name=value,
                email=value,
                phone=value[:40],
                publish_contact=n % 3 != 0,
            ),
            role=value[:100],
            sector=value[:20],
            selection=value[:20],
            organisation__name=value,
            organisation__is_womens_organisation=n % 2 == 0,
            how_to_apply=value,
            start_date=datetime.date(2000 + n, 1, 1 + n),
            end_date=datetime.date(2040, 12, 31) if n % 4 == 0 else None,
        )
    SeatFactory(body=board, person=None, role="Seat of someone erased")
    SeatFactory(body=board, person__publish_contact=False, person__email="hidden@example.org")
    SeatFactory(body=group, organisation=None, start_date=datetime.date(999, 2, 3))
    VacancyFactory(body=board, how_to_apply='+Apply, "now"\r\nplease', role="")
    Area.objects.filter(gss_code="E06000001").update(name='=Hartlepool, "the" town\n')
    Region.objects.filter(name="London").update(name="@London\r")
    return lsp


def test_columns_have_a_twin_in_sql():
    """Every column the database writes has its format in SQL beside its Python one."""
    for column in exports.SEAT_COLUMNS:
        if column.paths[0] not in exports.PLACE_PATHS:
            assert column.format in IN_SQL, column.header


def test_formats_written_unguarded_are_never_formula_like():
    """The SQL leaves out the guard for these: their text never needs it."""
    assert NEVER_FORMULA_LIKE == {as_yes_no, as_iso_date}
    for value in [None, True, False]:
        assert as_yes_no(value) in {"yes", "no"}
    for value in [datetime.date(1, 1, 1), datetime.date(2008, 4, 1), datetime.date.max]:
        assert not is_formula_like(as_iso_date(value)) and as_iso_date(value)[0].isdigit()
    assert as_iso_date(None) == ""  # the SQL's NULL


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("bom", [False, True])
def test_the_download_is_the_python_paths_bytes(client, hostile, ran, query, bom):
    url_query = f"{query}{'&' if query else '?'}bom=1" if bom else query
    content = download(client, "csv", url_query)[1]
    assert ran == [EXPECTED_PATH]
    assert content == reference(query, bom)
    assert content.startswith(b"\xef\xbb\xbfarea_code,") if bom else content[:10] == b"area_code,"


def test_every_awkward_value_reads_back_as_the_python_path_wrote_it(client, hostile, ran):
    content = download(client, "csv", "?status=all")[1]
    assert ran == [EXPECTED_PATH]
    assert content == reference("?status=all")
    assert content.endswith(b"\r\n") and content.count(b"\r\n") > len(AWKWARD)
    rows = rows_of(content)
    people = {row["person"] for row in rows}
    for value in AWKWARD:
        guarded = f"'{value}" if value[0] in "=+-@\t\r\n" else value
        assert guarded in people, value
        assert guarded in {row["organisation"] for row in rows}, value
    awkward = [row for row in rows if row["partnership"] == "Awkward Partnership"]
    assert {row["body"] for row in awkward} >= {'\'=Board, "quoted"\nand broken', "'-Group\r"}
    assert {row["area_name"] for row in awkward} == {'\'=Hartlepool, "the" town\n; Camden'}
    assert {row["region"] for row in awkward} == {"North East; @London\r"}
    assert {row["area_code"] for row in awkward} == {"E06000001"}
    erased = next(row for row in awkward if row["role"] == "Seat of someone erased")
    assert (erased["person"], erased["email"], erased["phone"]) == ("", "", "")
    assert erased["publish_contact"] == "no"
    assert b"hidden@example.org" not in content
    assert "0999-02-03" in {row["start_date"] for row in rows}


def test_vacancies_come_out_the_same(client, hostile, ran):
    content = download(client, "csv", "?term=vacant")[1]
    assert content == reference("?term=vacant")
    [vacancy] = [row for row in rows_of(content) if row["partnership"] == "Awkward Partnership"]
    assert (vacancy["person"], vacancy["email"], vacancy["publish_contact"]) == ("", "", "no")
    assert vacancy["how_to_apply"] == '\'+Apply, "now"\r\nplease'


def test_chunks_of_a_few_rows_join_to_the_same_file(client, hostile, ran, monkeypatch):
    """Line breaks inside cells fall in some chunks and not in others."""
    monkeypatch.setattr(exports, "COPY_ROWS_PER_WRITE", 3)
    response = client.get("/representatives/export.csv?status=all")
    chunks = list(response.streaming_content)
    assert b"".join(chunks) == reference("?status=all")
    assert len(chunks) > 10 if ON_POSTGRESQL else chunks


def test_the_command_writes_the_same_text(hostile, ran):
    """csv_chunks (the export_seats command's) is the download decoded."""
    filterset = exports.seat_filterset(QueryDict("status=all"))
    text = "".join(exports.csv_chunks(filterset.qs, bom=True))
    assert ran == [EXPECTED_PATH]
    assert text.encode() == reference("?status=all", bom=True)


def test_the_copy_is_one_logged_query(client, hostile):
    with CaptureQueriesContext(connection) as captured:
        download(client, "csv", "?status=all")
    copies = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("COPY (")]
    assert len(copies) == (1 if ON_POSTGRESQL else 0)
    # PostgreSQL's COPY makes the places itself; the Python path reads them first.
    assert len(captured.captured_queries) == (1 if ON_POSTGRESQL else 2)


def test_a_download_stopped_early_leaves_the_connection_usable(client, hostile, monkeypatch):
    """The client went away: the server closes the download's generator, which stops the
    COPY; the next download on the same connection is whole."""
    monkeypatch.setattr(exports, "COPY_ROWS_PER_WRITE", 2)
    chunks = exports.csv_bytes(exports.seat_filterset(QueryDict("status=all")).qs)
    next(chunks), next(chunks)  # the header, then the first rows
    chunks.close()  # the COPY is cancelled if the server is still sending
    if ON_POSTGRESQL:
        assert (
            connection.connection.pgconn.transaction_status != psycopg.pq.TransactionStatus.ACTIVE
        )
    assert download(client, "csv", "?status=all")[1] == reference("?status=all")


@pytest.mark.skipif(not ON_POSTGRESQL, reason="DateStyle is PostgreSQL's")
def test_dates_are_iso_whatever_the_sessions_date_style(client, hostile, ran):
    with connection.cursor() as cursor:
        cursor.execute("SET DateStyle = 'SQL, DMY'")
    try:
        assert download(client, "csv", "?status=all")[1] == reference("?status=all")
        assert ran == [EXPECTED_PATH, "python"]
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET DateStyle = 'ISO, MDY'")


def test_a_queryset_that_matches_nothing_is_the_header_alone(hostile, ran):
    content = b"".join(exports.csv_bytes(Seat.objects.none()))
    assert ran == [EXPECTED_PATH]
    assert content == b"".join(c.encode() for c in exports.python_csv_chunks(Seat.objects.none()))
    assert content.count(b"\r\n") == 1


@pytest.mark.skipif(not ON_POSTGRESQL, reason="COPY is PostgreSQL's")
def test_a_cancelled_copy_leaves_the_enclosing_transaction_usable(hostile, monkeypatch):
    """Ten million rows are still being sent when the download stops: the COPY is cancelled,
    and the transaction around it (this test's) still answers."""
    monkeypatch.setattr(
        exports,
        "copy_statement",
        lambda queryset: (
            "COPY (SELECT i FROM generate_series(1, 10000000) i) TO STDOUT (FORMAT csv)"
        ),
    )
    chunks = exports.copied_csv_rows(Seat.objects.all())
    assert next(chunks) == b"".join(b"%d\r\n" % i for i in range(1, 1001))
    chunks.close()
    status = connection.connection.pgconn.transaction_status
    assert status == psycopg.pq.TransactionStatus.INTRANS
    assert Seat.objects.filter(person=None, role="Seat of someone erased").exists()
