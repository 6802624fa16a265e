"""A policy officer exports the representatives list as CSV, Excel or JSON: the same rows in
the same order as /representatives/ under every filter, contact details only where
published, no spreadsheet formulas, constant query counts; and the same from the command."""

import codecs
import csv
import datetime
import html
import io
import itertools
import json
import re
import zipfile
from collections import Counter
from urllib.parse import urlencode

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from partnerships import exports
from partnerships.choices import OrganisationKind, Sector
from partnerships.models import Partnership

from .factories import (
    BoardFactory,
    OrganisationFactory,
    PartnershipFactory,
    PersonFactory,
    SeatFactory,
    ThemedGroupFactory,
    VacancyFactory,
    area,
)

pytestmark = pytest.mark.django_db

FORMATS = ["csv", "xlsx", "json"]
COLUMNS = [
    "area_code", "partnership", "body", "body_kind", "theme", "person", "role", "sector",
    "organisation", "organisation_is_womens", "email", "phone", "publish_contact",
    "selection", "start_date", "end_date", "selection_closes", "how_to_apply", "area_name",
    "region",
]  # fmt: skip

FILTERS = [
    "",
    "?region=london",
    "?region=north-east",
    "?area=E06000001",
    "?area=E09000007",
    "?body_kind=board",
    "?body_kind=themed_group",
    "?theme=crime_and_disorder",
    "?sector=vcs",
    "?sector=police",
    "?organisation_kind=police",
    "?womens=yes",
    "?womens=no",
    "?status=current",
    "?status=past",
    "?status=all",
    "?status=all&order=name",
    "?order=-name",
    "?order=-start",
    "?order=organisation,-name",
    "?order=-start&status=all",
    "?region=london&sector=vcs&womens=yes",
    "?region=north-east&sector=vcs&womens=no&order=-start",
    "?status=all&body_kind=themed_group",
    "?area=E06000001&status=all&page=2",
]
BAD_FILTERS = [
    "?region=atlantis",
    "?area=E99999999",
    "?partnership=nope",
    "?sector=pirates",
    "?womens=maybe",
    "?status=later",
    "?order=password",
    "?region=london&region=<script>",
    "?theme=" + "x" * 3000,
    "?bom=yes&body_kind=%FF",
]


# Data

days = itertools.count()


def start(after=datetime.date(2006, 1, 1)):
    """A start date no other seat has, so that sorting by start date has no ties."""
    return after + datetime.timedelta(days=next(days))


def partnership(codes, name, seats=3):
    """A partnership with a board and a CDRP, seats of several sectors, a women's
    organisation, a past seat and a seat that starts in the future."""
    lsp = PartnershipFactory(name=name, areas=[area(code) for code in codes])
    board = BoardFactory(partnership=lsp, name=f"{name} Board")
    group = ThemedGroupFactory(partnership=lsp, feeds_into=board, name=f"{name} CDRP")
    for n in range(seats):
        SeatFactory(body=board, organisation__is_womens_organisation=n == 0, start_date=start())
        SeatFactory(
            body=group,
            sector=Sector.POLICE,
            organisation__kind=OrganisationKind.POLICE,
            start_date=start(),
        )
    began = start(datetime.date(1990, 1, 1))
    SeatFactory(body=board, start_date=began, end_date=began + datetime.timedelta(days=365))
    SeatFactory(body=board, start_date=start(timezone.localdate() + datetime.timedelta(days=30)))
    return lsp


@pytest.fixture
def directory():
    return {
        "hartlepool": partnership(["E06000001"], "Hartlepool Partnership"),
        "camden": partnership(["E09000007"], "One Camden"),
        # Two areas given out of GSS order: the first code in GSS order is exported.
        "tees": partnership(["E06000002", "E06000001"], "Tees Valley Partnership", seats=1),
    }


# Reading the downloads back


def download(client, fmt, query=""):
    response = client.get(f"/representatives/export.{fmt}{query}")
    assert response.status_code == 200, (fmt, query)
    return response, b"".join(response.streaming_content)


def read_rows(fmt, content):
    """Each row as a dict keyed by the header; the header must be the declared columns."""
    if fmt == "csv":
        reader = csv.DictReader(io.StringIO(content.decode("utf-8-sig"), newline=""))
        assert reader.fieldnames == COLUMNS
        return list(reader)
    if fmt == "xlsx":
        rows = list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
        assert list(rows[0]) == COLUMNS
        return [{h: as_text(v) for h, v in zip(COLUMNS, row, strict=True)} for row in rows[1:]]
    rows = json.loads(content.decode("utf-8"))["seats"]
    assert all(list(row) == COLUMNS for row in rows)
    return rows


def as_text(value):
    """A cell read from Excel as the CSV writes it: dates (read as midnight) in ISO form."""
    if isinstance(value, datetime.datetime):
        assert value.time() == datetime.time(0)
        return value.date().isoformat()
    return "" if value is None else value


def exported(client, fmt, query=""):
    return read_rows(fmt, download(client, fmt, query)[1])


def listed(client, query="", with_sector=False):
    """(person, partnership, body) of every seat the HTML list has, across all its pages."""
    cache.clear()  # the view's own queryset, not a cached page, is what is compared
    response = client.get(f"/representatives/{query}")
    assert response.status_code == 200
    seats = response.context["page_obj"].paginator.object_list
    return [
        (s.person.name, s.body.partnership.name, s.body.name, *([s.sector] if with_sector else []))
        for s in seats
    ]


def keys(rows):
    return [(row["person"], row["partnership"], row["body"]) for row in rows]


def xlsx_xml(content):
    """Every XML part of an .xlsx, uncompressed, for searching."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return b"".join(archive.read(name) for name in archive.namelist())


# The same rows as the list


def test_columns_are_the_import_format_then_area_name_and_region():
    assert exports.HEADERS == COLUMNS


@pytest.mark.parametrize("query", FILTERS)
def test_every_format_has_the_lists_rows_in_its_order(client, directory, query):
    expected = listed(client, query)
    assert expected
    for fmt in FORMATS:
        assert keys(exported(client, fmt, query)) == expected, (fmt, query)


@pytest.mark.parametrize("query", ["?order=sector&status=all", "?order=-partnership"])
def test_orders_with_ties_agree_up_to_the_ties(client, directory, query):
    """Where the chosen order ties (many seats of one sector), the list leaves the order of
    the tied rows to the database; the exports break ties by id. So: the same rows, and the
    same sequence of the sorted column."""
    column = query.split("&")[0].removeprefix("?order=").lstrip("-")
    expected = listed(client, query)
    at = {"sector": 3, "partnership": 1}[column]
    sort_key = [seat[at] for seat in listed(client, query, with_sector=True)]
    for fmt in FORMATS:
        rows = exported(client, fmt, query)
        assert Counter(keys(rows)) == Counter(expected), fmt
        assert [row[column] for row in rows] == sort_key, fmt


def test_a_row_carries_every_column(client, directory):
    seat = (
        directory["camden"]
        .bodies.get(kind="board")
        .seats.filter(organisation__is_womens_organisation=True)
        .get()
    )
    seat.role, seat.start_date = "Chair", datetime.date(2008, 4, 1)
    seat.end_date = datetime.date(2031, 3, 31)
    seat.save()
    expected = {
        "area_code": "E09000007",
        "partnership": "One Camden",
        "body": "One Camden Board",
        "body_kind": "board",
        "theme": "",
        "person": seat.person.name,
        "role": "Chair",
        "sector": "vcs",
        "organisation": seat.organisation.name,
        "organisation_is_womens": "yes",
        "email": seat.person.email,
        "phone": "01234 567890",
        "publish_contact": "yes",
        "selection": "elected",
        "start_date": "2008-04-01",
        "end_date": "2031-03-31",
        "selection_closes": "",
        "how_to_apply": "",
        "area_name": "Camden",
        "region": "London",
    }
    for fmt in FORMATS:
        rows = [row for row in exported(client, fmt) if row["person"] == seat.person.name]
        assert rows == [expected], fmt
    group_row = next(
        row for row in exported(client, "csv", "?body_kind=themed_group&area=E09000007")
    )
    assert (group_row["body_kind"], group_row["theme"]) == ("themed_group", "crime_and_disorder")
    assert (group_row["sector"], group_row["organisation_is_womens"]) == ("police", "no")


def test_a_partnership_of_several_areas_is_one_row_per_seat(client, directory):
    tees = [row for row in exported(client, "csv") if row["partnership"].startswith("Tees")]
    assert len(tees) == 2  # one board seat, one CDRP seat: not multiplied by the two areas
    for row in tees:
        assert row["area_code"] == "E06000001"  # first by GSS code, for the import
        assert row["area_name"] == "Hartlepool; Middlesbrough"
        assert row["region"] == "North East"
    # Across two regions: each listed once, in the same order as the codes.
    directory["tees"].areas.add(area("E09000007"))
    row = next(r for r in exported(client, "json", "?region=london") if "Tees" in r["partnership"])
    assert row["region"] == "North East; London"
    assert row["area_name"] == "Hartlepool; Middlesbrough; Camden"
    assert keys(exported(client, "json", "?region=london")) == listed(client, "?region=london")


def test_a_partnership_without_areas_still_exports(client):
    SeatFactory(body__partnership=PartnershipFactory(name="Nowhere yet"))
    Partnership.objects.get(name="Nowhere yet").areas.clear()
    row = exported(client, "json")[0]
    assert (row["area_code"], row["area_name"], row["region"]) == ("", "", "")


def test_a_seat_without_an_organisation_exports(client):
    SeatFactory(organisation=None, selection="", start_date=None)
    row = exported(client, "csv")[0]
    assert (row["organisation"], row["organisation_is_womens"]) == ("", "no")
    assert (row["selection"], row["start_date"], row["end_date"]) == ("", "", "")


def test_the_seat_of_an_erased_person_stays_without_a_name(client):
    """The list says the name was removed; the files leave the person empty (the seat
    still counts, and no placeholder can be imported back as somebody's name)."""
    SeatFactory(person=None)
    assert client.get("/representatives/").context["page_obj"].paginator.count == 1
    for fmt in FORMATS:
        [row] = exported(client, fmt)
        assert (row["person"], row["email"], row["phone"]) == ("", "", ""), fmt
        assert row["publish_contact"] == "no"


def test_an_empty_list_is_still_a_valid_file(client):
    for fmt in FORMATS:
        assert exported(client, fmt, "?region=london") == [], fmt
    assert json.loads(download(client, "json", "?region=london")[1])["seats"] == []


def test_text_is_utf8(client):
    SeatFactory(person__name="Siân Ó Dálaigh", organisation__name="Women’s Aid – Tŷ")
    for fmt in FORMATS:
        row = exported(client, fmt)[0]
        assert (row["person"], row["organisation"]) == ("Siân Ó Dálaigh", "Women’s Aid – Tŷ")


# Bad filters


@pytest.mark.parametrize("query", BAD_FILTERS)
def test_bad_filters_never_fail(client, directory, query):
    for fmt in FORMATS:
        download(client, fmt, query)


def test_a_bad_filter_is_left_out_and_the_good_ones_still_apply(client, directory):
    expected = listed(client, "?region=london&sector=pirates")
    assert expected == listed(client, "?region=london") and len(expected) == 6
    for fmt in FORMATS:
        assert keys(exported(client, fmt, "?region=london&sector=pirates")) == expected


# Privacy


def test_unpublished_contact_details_never_leave_the_server(client, directory):
    board = directory["hartlepool"].bodies.get(kind="board")
    hidden = SeatFactory(
        body=board,
        person__publish_contact=False,
        person__email="hidden@example.org",
        person__phone="01632 960999",
    )
    shown = SeatFactory(body=board, person__email="shown@example.org", person__phone="0161 496")
    for fmt in FORMATS:
        content = download(client, fmt, "?status=all")[1]
        raw = xlsx_xml(content) if fmt == "xlsx" else content
        assert b"hidden@example.org" not in raw, fmt
        assert b"01632 960999" not in raw, fmt
        assert b"shown@example.org" in raw and b"0161 496" in raw, fmt
        rows = {row["person"]: row for row in read_rows(fmt, content)}
        assert rows[hidden.person.name]["email"] == rows[hidden.person.name]["phone"] == ""
        assert rows[hidden.person.name]["publish_contact"] == "no"
        assert rows[shown.person.name]["publish_contact"] == "yes"


# Formula injection

PAYLOADS = [
    '=HYPERLINK("http://evil","click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)",
    "\t=1+1",
    "\r=1+1",
    "\n=1+1",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_no_cell_can_run_as_a_formula(client, payload):
    SeatFactory(
        person__name=payload,
        role=payload,
        organisation__name=payload,
        person__phone="+44 20 7946 0000",
    )
    # CSV: a leading quote, so a spreadsheet shows the text.
    row = exported(client, "csv")[0]
    assert row["person"] == row["role"] == row["organisation"] == "'" + payload
    assert row["phone"] == "'+44 20 7946 0000"
    assert row["body"] == row["body"].lstrip("'")  # ordinary text is left alone
    # Excel: text cells (never a formula), flagged with Excel's own quote prefix.
    content = download(client, "xlsx")[1]
    assert b"<f>" not in xlsx_xml(content) and b"<f " not in xlsx_xml(content)
    sheet = load_workbook(io.BytesIO(content)).active
    cells = {header.value: cell for header, cell in zip(sheet[1], sheet[2], strict=True)}
    # XML turns a carriage return into a line feed on reading.
    as_read = payload.replace("\r", "\n")
    for header in ["person", "role", "organisation"]:
        assert cells[header].data_type == "s" and cells[header].value == as_read
        assert cells[header].quotePrefix
    assert cells["phone"].value == "+44 20 7946 0000" and cells["phone"].quotePrefix
    assert not cells["body"].quotePrefix
    # JSON: values as they are.
    assert exported(client, "json")[0]["person"] == payload


def test_every_excel_cell_is_text_but_the_dates(client, directory):
    content = download(client, "xlsx", "?status=all")[1]
    sheet = load_workbook(io.BytesIO(content)).active
    dates = {COLUMNS.index("start_date"), COLUMNS.index("end_date")}
    types = {
        cell.data_type
        for row in sheet.iter_rows(min_row=2)
        for i, cell in enumerate(row)
        if cell.value and i not in dates
    }
    assert types == {"s"}
    date_cells = [row[i] for row in sheet.iter_rows(min_row=2) for i in dates if row[i].value]
    assert date_cells and {cell.is_date for cell in date_cells} == {True}
    assert {cell.number_format for cell in date_cells} == {"yyyy-mm-dd"}


def test_excel_keeps_error_codes_and_a_lone_sign_as_text(client):
    # Plain strings go to openpyxl as they are, except those it would not keep as text.
    SeatFactory(person__name="#N/A", role="=", organisation__name="#DIV/0!")
    sheet = load_workbook(io.BytesIO(download(client, "xlsx")[1])).active
    cells = {header.value: cell for header, cell in zip(sheet[1], sheet[2], strict=True)}
    assert [cells[h].value for h in ["person", "role", "organisation"]] == ["#N/A", "=", "#DIV/0!"]
    assert {cells[h].data_type for h in ["person", "role", "organisation"]} == {"s"}
    assert cells["role"].quotePrefix and not cells["person"].quotePrefix
    row = exported(client, "csv")[0]
    assert (row["person"], row["role"], row["organisation"]) == ("#N/A", "'=", "#DIV/0!")


def test_excel_drops_characters_xml_cannot_hold(client):
    SeatFactory(person__name="Jo\x0bSmith\x1f")
    assert exported(client, "xlsx")[0]["person"] == "JoSmith"


# Headers, BOM, file names


def test_files_are_named_and_typed(client, directory):
    today = timezone.localdate().isoformat()
    types = {
        "csv": "text/csv; charset=utf-8",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "json": "application/json",
    }
    for fmt in FORMATS:
        response, content = download(client, fmt)
        assert response["Content-Type"] == types[fmt]
        assert response["Content-Disposition"] == (
            f'attachment; filename="representatives-{today}.{fmt}"'
        )
        response, content = download(client, fmt, "?region=north-east&sector=vcs&womens=yes")
        assert response["Content-Disposition"] == (
            f'attachment; filename="representatives-north-east-vcs-womens-{today}.{fmt}"'
        )
    assert zipfile.is_zipfile(io.BytesIO(download(client, "xlsx")[1]))
    assert client.post("/representatives/export.csv").status_code == 405


def test_csv_has_a_byte_order_mark_only_when_asked(client, directory):
    plain = download(client, "csv")[1]
    marked = download(client, "csv", "?bom=1")[1]
    assert plain.startswith(b"area_code,")
    assert marked == codecs.BOM_UTF8 + plain
    assert download(client, "csv", "?bom=0")[1] == plain
    assert not download(client, "json", "?bom=1")[1].startswith(codecs.BOM_UTF8)


def test_csv_is_streamed_and_excel_is_a_file(client, directory):
    assert client.get("/representatives/export.csv").streaming
    assert client.get("/representatives/export.json").streaming
    response = client.get("/representatives/export.xlsx")
    assert int(response["Content-Length"]) == len(b"".join(response.streaming_content))


# The links on the list page


def hrefs(querystring):
    text = render_to_string("partnerships/_export_links.html", {"querystring": querystring})
    links = re.findall(r'<a href="([^"]+)">(.*?)</a>', text)
    return {re.sub(r"<[^>]+>", "", label): html.unescape(href) for href, label in links}


def test_download_links_carry_the_lists_filters(client, directory):
    assert hrefs("") == {
        "Download as CSV": "/representatives/export.csv",
        "Download as CSV for Excel": "/representatives/export.csv?bom=1",
        "Download as Excel spreadsheet": "/representatives/export.xlsx",
        "Download as JSON": "/representatives/export.json",
    }
    query = "region=north-east&sector=vcs&order=-name"
    links = hrefs(query)
    assert links["Download as CSV for Excel"] == f"/representatives/export.csv?{query}&bom=1"
    expected = listed(client, f"?{query}")
    for label, href in links.items():
        response = client.get(href)
        assert response.status_code == 200, label
        content = b"".join(response.streaming_content)
        fmt = href.split("?")[0].rsplit(".", 1)[1]
        assert keys(read_rows(fmt, content)) == expected, label
        assert content.startswith(codecs.BOM_UTF8) == ("bom=1" in href)


# The command


def command_output(tmp_path, name, *args, **options):
    path = tmp_path / name
    call_command("export_seats", str(path), *args, verbosity=0, **options)
    return path.read_bytes()


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"region": "london", "sector": "vcs"},
        {"area": "E06000001", "status": "all", "order": "-name"},
        {"body_kind": "themed_group", "theme": "crime_and_disorder"},
        {"organisation_kind": "police", "womens": "no"},
        {"status": "past"},
        {"term": "vacant", "sector": "vcs"},
        {"term": "ending", "region": "north-east"},
    ],
)
def test_the_command_writes_what_the_web_sends(client, directory, tmp_path, options):
    query = f"?{urlencode(options)}" if options else ""  # the options are named as the list's
    assert command_output(tmp_path, "seats.csv", **options) == download(client, "csv", query)[1]
    # JSON: the same seats, and it names its filters and description as the web's does.
    written = json.loads(command_output(tmp_path, "seats.json", **options))
    web = json.loads(download(client, "json", query)[1])
    assert written["seats"] == web["seats"]
    assert (written["filters"], written["description"]) == (web["filters"], web["description"])
    # An .xlsx carries its own time stamps: compare the cells.
    written = command_output(tmp_path, "seats.data", format="xlsx", **options)
    assert read_rows("xlsx", written) == exported(client, "xlsx", query)


def test_the_command_takes_its_options_from_the_command_line(client, directory, tmp_path):
    lsp = directory["camden"]
    written = command_output(
        tmp_path, "out.csv", "--partnership", lsp.slug, "--body-kind", "board", "--bom"
    )
    assert written == download(client, "csv", f"?partnership={lsp.slug}&body_kind=board&bom=1")[1]


def test_the_command_writes_to_standard_output(client, directory):
    for fmt in ["csv", "json"]:
        out = io.StringIO()
        call_command("export_seats", "-", format=fmt, region="north-east", stdout=out)
        written = out.getvalue().encode()
        if fmt == "json":
            assert read_rows(fmt, written) == exported(client, fmt, "?region=north-east")
        else:
            assert written == download(client, fmt, "?region=north-east")[1]
    with pytest.raises(CommandError, match="binary"):
        call_command("export_seats", "-", format="xlsx")


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"sector": "pirates"}, "--sector 'pirates'"),
        ({"region": "atlantis"}, "--region 'atlantis'"),
        ({"area": "E99999999"}, "--area 'E99999999'"),
        ({"partnership": "nope"}, "--partnership 'nope'"),
        ({"body_kind": "committee"}, "--body-kind 'committee'"),
        ({"womens": "maybe"}, "--womens 'maybe'"),
        ({"status": "later"}, "--status 'later'"),
        ({"order": "password"}, "--order 'password'"),
    ],
)
def test_a_bad_option_value_is_named(tmp_path, options, message):
    with pytest.raises(CommandError, match=re.escape(message)):
        call_command("export_seats", str(tmp_path / "x.csv"), **options)
    assert not list(tmp_path.iterdir())  # no file, not even half of one


# Query counts


def export_queries(client, url):
    """Queries of a download, its streamed body consumed inside the capture."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        assert response.status_code == 200
        b"".join(response.streaming_content)
    return len(captured.captured_queries)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    ("query", "most"),
    [
        ("", 2),  # the partnerships' areas, then the seats
        ("?status=all&order=-name", 2),
        ("?region=north-east&area=E06000001&sector=vcs&womens=no", 4),  # + region, area
        ("?partnership=hartlepool-partnership&body_kind=board", 3),  # + partnership
        ("?sector=pirates&region=atlantis", 3),
    ],
)
def test_export_queries_are_constant(client, directory, fmt, query, most):
    url = f"/representatives/export.{fmt}{query}"
    small = export_queries(client, url)
    for n in range(3):
        lsp = partnership(["E06000001", "E06000047"], f"Hartlepool {n}", seats=8)
        board = lsp.bodies.get(kind="board")
        for _ in range(10):
            SeatFactory(body=board, person=PersonFactory(publish_contact=False))
            SeatFactory(body=board, organisation=OrganisationFactory(is_womens_organisation=True))
    large = export_queries(client, url)
    assert small == large, f"{url}: {small} queries, then {large} after the data grew"
    assert large <= most, f"{url}: {large} queries, more than {most}"


# Vacant seats and terms ending soon (issue 12, point 3)


def seats_by_term():
    """Hartlepool (North East): two open vacancies, a closed one, a term ending within six
    months, one ending later, a current and a past seat; Camden (London): an open vacancy."""
    today = timezone.localdate()
    day = datetime.timedelta(days=1)
    hartlepool = BoardFactory(
        partnership=PartnershipFactory(name="Hartlepool Partnership", areas=[area("E06000001")])
    )
    camden = BoardFactory(
        partnership=PartnershipFactory(name="One Camden", areas=[area("E09000007")])
    )
    return {
        "open": VacancyFactory(body=hartlepool, selection_closes=today),
        "no closing date": VacancyFactory(body=hartlepool, selection_closes=None),
        "closed": VacancyFactory(body=hartlepool, selection_closes=today - day),
        "ending": SeatFactory(body=hartlepool, end_date=today + 30 * day),
        "ending later": SeatFactory(body=hartlepool, end_date=today + 400 * day),
        "current": SeatFactory(body=hartlepool),
        "past": SeatFactory(body=hartlepool, end_date=today - day),
        "london": VacancyFactory(body=camden),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?term=vacant", {"open", "no closing date", "london"}),
        ("?term=vacant&region=north-east", {"open", "no closing date"}),
        ("?term=vacant&status=past", {"open", "no closing date", "london"}),  # the term rules
        ("?term=ending", {"ending"}),
        ("?term=ending&status=all", {"ending"}),
        ("?status=all", {"ending", "ending later", "current", "past"}),  # held seats only
        ("?status=current", {"ending", "ending later", "current"}),
        ("?status=past", {"past"}),
        ("?term=sometimes", {"ending", "ending later", "current"}),  # refused: left out
    ],
)
def test_term_gives_exactly_those_seats_in_the_list_every_download_and_the_api(
    client, query, expected
):
    seats = seats_by_term()
    ids = sorted(seats[name].pk for name in expected)
    cache.clear()
    listed_ids = client.get(f"/representatives/{query}").context["page_obj"].paginator.object_list
    assert sorted(seat.pk for seat in listed_ids) == ids
    api = client.get(f"/api/v1/seats/{query}&page_size=100")
    if "sometimes" in query:
        assert api.status_code == 400  # the API refuses a bad value outright
    else:
        assert sorted(seat["id"] for seat in api.json()["results"]) == ids
    vacancies = sum(seats[name].vacant for name in expected)
    for fmt in ("csv", "xlsx", "json"):
        rows = exported(client, fmt, query)
        assert len(rows) == len(ids), fmt
        assert sum(row["person"] == "" for row in rows) == vacancies, fmt  # nobody in a vacancy


def test_a_vacancy_shows_how_to_apply_and_the_list_says_its_term(client):
    seats_by_term()
    cache.clear()
    response = client.get("/representatives/?term=vacant&sector=vcs&region=north-east")
    text = response.content.decode()
    assert "<h1>Vacant VCS seats in the North East: 2</h1>" in text
    assert "Ask Hartlepool Voluntary Development Agency" in text
    assert f"apply by {timezone.localdate():%-d %B %Y}" in text and "no closing date" in text
    response = client.get("/representatives/?term=ending&sector=vcs&region=north-east")
    assert "<h1>Current VCS seats ending within six months in the North East: 1</h1>" in (
        response.content.decode()
    )
    _, content = download(client, "json", "?term=vacant&sector=vcs&region=north-east")
    header = json.loads(content)
    assert header["filters"] == {
        "region": "north-east",
        "sector": "vcs",
        "status": "current",
        "term": "vacant",
    }
    assert header["description"] == "Vacant VCS seats in the North East"
    response, _ = download(client, "csv", "?term=ending&region=north-east")
    day = timezone.localdate().isoformat()
    assert (
        f'filename="representatives-north-east-ending-soon-{day}.csv"'
        in (response["Content-Disposition"])
    )
