"""Curators import seats and networks from a spreadsheet: preview, then all rows or none."""

import csv
import datetime
import io

import pytest
from django.contrib.auth.models import Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook

from curation.imports import SEAT_COLUMNS, file_import
from curation.models import Curator
from networks.models import Network
from partnerships.choices import OrganisationKind
from partnerships.models import Area, Body, Organisation, Partnership, Person, Seat

from .factories import NetworkFactory, OrganisationFactory, SeatFactory, ThemedGroupFactory, area

pytestmark = pytest.mark.django_db

HARTLEPOOL, MIDDLESBROUGH, CAMDEN = "E06000001", "E06000002", "E09000007"
MODELS = [Partnership, Body, Organisation, Person, Seat, Network]

SEAT = {
    "area_code": HARTLEPOOL,
    "partnership": "Hartlepool Partnership",
    "body": "Hartlepool Partnership Board",
    "body_kind": "board",
    "theme": "",
    "person": "Jane Smith",
    "role": "VCS representative",
    "sector": "vcs",
    "organisation": "Hartlepool Women's Aid",
    "organisation_is_womens": "yes",
    "email": "jane@example.org",
    "phone": "01429 000000",
    "publish_contact": "yes",
    "selection": "elected",
    "start_date": "2008-04-01",
    "end_date": "",
}
NETWORK = {
    "name": "Hartlepool CEN",
    "kind": "cen",
    "area_code": HARTLEPOOL,
    "status": "active",
    "funding": "partly_lost",
    "checked_on": "2008-06-01",
    "website": "https://cen.example.org/",
    "email": "cen@example.org",
}


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def strict_templates(settings):
    """An undefined variable in a page shows as UNDEFINED[name]."""
    engine = {**settings.TEMPLATES[0]}
    engine["OPTIONS"] = {**engine["OPTIONS"], "string_if_invalid": "UNDEFINED[%s]"}
    settings.TEMPLATES = [engine]


def seat_rows():
    """A partnership's board and themed group: three seats, two people, two organisations."""
    return [
        dict(SEAT),
        {
            **SEAT,
            "body": "Safer Hartlepool",
            "body_kind": "themed_group",
            "theme": "crime_and_disorder",
            "role": "",
            "start_date": "2009-01-01",
            "end_date": "2011-03-31",
        },
        {
            **SEAT,
            "person": "Bob Jones",
            "role": "Council member",
            "sector": "local_authority",
            "organisation": "Hartlepool Borough Council",
            "organisation_is_womens": "no",
            "email": "",
            "phone": "",
            "publish_contact": "no",
            "selection": "appointed",
        },
    ]


def to_csv(rows, columns=None, bom=False):
    columns = columns or list(rows[0])
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore", lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return (("\ufeff" if bom else "") + out.getvalue()).encode()


def to_xlsx(rows, columns=None, convert=None):
    columns = columns or list(rows[0])
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(columns)
    for row in rows:
        sheet.append([(convert or (lambda c, v: v))(c, row.get(c, "")) for c in columns])
    workbook.create_sheet("Notes").append(["not read"])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def snapshot():
    """How many records and history entries each model has."""
    counts = {}
    for model in MODELS:
        counts[model.__name__] = model.objects.count()
        counts[f"{model.__name__} history"] = model.history.count()
    return counts


def run(kind, data, filename=None, user=None, dry_run=False):
    filename = filename or f"{kind}.csv"
    return file_import(kind=kind, data=data, filename=filename, user=user, dry_run=dry_run)


def messages(result):
    return [str(problem) for problem in result.problems]


def curator_of(*codes, username="curator", perms=("add_seat", "change_seat")):
    user = User.objects.create_user(username, password="pw", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__in=perms))
    curator = Curator.objects.create(user=user)
    curator.areas.set(Area.objects.filter(gss_code__in=codes))
    return User.objects.get(pk=user.pk)  # a fresh object: no cached permissions


# --- Happy paths -----------------------------------------------------------------------------


def test_seats_from_csv_with_bom_create_everything_with_history():
    admin = User.objects.create_superuser("boss", password="pw")
    # What the migrations recorded (the national help bodies) is not the import's.
    before = {model: set(model.objects.values_list("pk", flat=True)) for model in MODELS}
    result = run("seats", to_csv(seat_rows(), bom=True), user=admin)

    assert result.ok and result.written, messages(result)
    assert result.counts == {
        "partnerships": {"created": 1, "changed": 0, "unchanged": 0},
        "bodies": {"created": 2, "changed": 0, "unchanged": 0},
        "organisations": {"created": 2, "changed": 0, "unchanged": 0},
        "people": {"created": 2, "changed": 0, "unchanged": 0},
        "seats": {"created": 3, "changed": 0, "unchanged": 0},
    }
    partnership = Partnership.objects.get()
    assert partnership.slug == "hartlepool-partnership"
    assert partnership.search_name == "hartlepool partnership"
    assert list(partnership.areas.values_list("gss_code", flat=True)) == [HARTLEPOOL]
    group = Body.objects.get(name="Safer Hartlepool")
    assert (group.kind, group.theme, group.partnership) == (
        "themed_group",
        "crime_and_disorder",
        partnership,
    )
    aid = Organisation.objects.get(name="Hartlepool Women's Aid")
    council = Organisation.objects.get(name="Hartlepool Borough Council")
    assert (aid.kind, aid.is_womens_organisation) == (OrganisationKind.VCS, True)
    assert (council.kind, council.is_womens_organisation) == (OrganisationKind.COUNCIL, False)
    assert list(aid.areas.values_list("gss_code", flat=True)) == [HARTLEPOOL]
    jane = Person.objects.get(name="Jane Smith")
    assert (jane.email, jane.phone, jane.publish_contact) == (
        "jane@example.org",
        "01429 000000",
        True,
    )
    assert jane.seats.count() == 2
    past = Seat.objects.get(body=group)
    assert (past.start_date, past.end_date, past.role) == (
        datetime.date(2009, 1, 1),
        datetime.date(2011, 3, 31),
        "",
    )

    for model in MODELS[:-1]:
        history = model.history.exclude(id__in=before[model])
        assert history.count() == model.objects.exclude(pk__in=before[model]).count()
        for entry in history:
            assert entry.history_user == admin
            assert entry.history_type == "+"
            assert entry.history_change_reason == "Imported from seats.csv"
    # The partnership's and organisation's history entries list their areas, as a save does.
    assert [a.area.gss_code for a in partnership.history.get().areas.all()] == [HARTLEPOOL]
    assert [a.area.gss_code for a in aid.history.get().areas.all()] == [HARTLEPOOL]


def test_seats_from_xlsx_first_sheet_with_excel_dates_and_numbers():
    def as_excel(column, value):
        if column.endswith("_date") and value:
            return datetime.datetime.fromisoformat(value)  # a real date cell
        if column == "publish_contact":
            return value == "yes"  # a TRUE/FALSE cell
        return value

    rows = seat_rows()
    rows[2]["phone"] = 1429000000  # typed as a number
    result = run("seats", to_xlsx(rows, convert=as_excel), filename="seats.xlsx")

    assert result.ok and result.written, messages(result)
    assert Seat.objects.count() == 3
    assert Seat.objects.get(body__name="Safer Hartlepool").end_date == datetime.date(2011, 3, 31)
    assert Person.objects.get(name="Bob Jones").phone == "1429000000"
    assert Person.objects.get(name="Jane Smith").publish_contact is True


def test_networks_from_csv_and_xlsx():
    second = {
        **NETWORK,
        "name": "Middlesbrough Women's Network",
        "kind": "womens_network",
        "area_code": MIDDLESBROUGH,
        "status": "struggling",
        "funding": "lost",
        "website": "women.example.org",
        "email": "",
        "checked_on": "",
    }
    result = run("networks", to_csv([NETWORK, second], bom=True))
    assert result.ok and result.written, messages(result)
    cen = Network.objects.get(name="Hartlepool CEN")
    assert (cen.kind, cen.status, cen.funding, cen.status_checked_on) == (
        "cen",
        "active",
        "partly_lost",
        datetime.date(2008, 6, 1),
    )
    assert cen.slug == "hartlepool-cen"
    assert list(cen.areas.values_list("gss_code", flat=True)) == [HARTLEPOOL]
    women = Network.objects.get(kind="womens_network")
    assert women.website == "https://women.example.org"  # no scheme: https, as in the admin
    assert women.status_checked_on is None
    assert [a.area.gss_code for a in cen.history.get().areas.all()] == [HARTLEPOOL]

    forum = {**NETWORK, "name": "Hartlepool Women's Forum", "kind": "womens_forum"}
    result = run("networks", to_xlsx([forum]), filename="networks.xlsx")
    assert result.ok and result.written, messages(result)
    assert result.counts == {"networks": {"created": 1, "changed": 0, "unchanged": 0}}
    assert Network.objects.count() == 3


# --- Re-importing and changing ---------------------------------------------------------------


def test_reimporting_the_same_file_changes_nothing():
    seats, networks = to_csv(seat_rows()), to_csv([NETWORK])
    run("seats", seats)
    run("networks", networks)
    before = snapshot()

    preview = run("seats", seats, dry_run=True)
    assert {row.status for row in preview.rows} == {"unchanged"}
    assert all(count["created"] == count["changed"] == 0 for count in preview.counts.values())
    assert not preview.has_changes

    for kind, data in (("seats", seats), ("networks", networks)):
        result = run(kind, data)
        assert result.ok, messages(result)
        assert [row.status for row in result.rows] == ["unchanged"] * len(result.rows)
    xlsx = run("seats", to_xlsx(seat_rows()), filename="seats.xlsx")
    assert {row.status for row in xlsx.rows} == {"unchanged"}
    assert snapshot() == before


def test_a_changed_row_is_previewed_as_a_change_and_applied():
    run("seats", to_csv(seat_rows()))
    editor = User.objects.create_superuser("editor", password="pw")
    rows = seat_rows()
    rows[0] = {**rows[0], "role": "Chair", "end_date": "2012-03-31", "email": "js@example.org"}
    rows[1] = {**rows[1], "theme": "housing", "email": ""}  # empty: no conflict with row 2
    rows[2] = {**rows[2], "organisation_is_womens": "yes"}
    before = snapshot()

    preview = run("seats", to_csv(rows), user=editor, dry_run=True)
    assert preview.ok, messages(preview)
    assert snapshot() == before
    assert [row.status for row in preview.rows] == ["changed", "changed", "changed"]
    first = " ".join(preview.rows[0].changes)
    assert "role 'VCS representative' → 'Chair'" in first
    assert "end_date empty → 2012-03-31" in first
    assert "email 'jane@example.org' → 'js@example.org'" in first
    assert "theme 'crime_and_disorder' → 'housing'" in " ".join(preview.rows[1].changes)
    assert "organisation_is_womens no → yes" in " ".join(preview.rows[2].changes)
    assert preview.counts["seats"] == {"created": 0, "changed": 1, "unchanged": 2}
    assert preview.counts["bodies"] == {"created": 0, "changed": 1, "unchanged": 1}

    result = run("seats", to_csv(rows), user=editor)
    assert result.written
    seat = Seat.objects.get(body__name="Hartlepool Partnership Board", person__name="Jane Smith")
    assert (seat.role, seat.end_date) == ("Chair", datetime.date(2012, 3, 31))
    assert Person.objects.get(name="Jane Smith").email == "js@example.org"
    assert Body.objects.get(name="Safer Hartlepool").theme == "housing"
    assert Organisation.objects.get(name="Hartlepool Borough Council").is_womens_organisation
    after = snapshot()
    assert {k: after[k] - before[k] for k in after if after[k] != before[k]} == {
        "Seat history": 1,
        "Person history": 1,
        "Body history": 1,
        "Organisation history": 1,
    }
    latest = seat.history.first()
    assert (latest.history_type, latest.history_user, latest.history_change_reason) == (
        "~",
        editor,
        "Imported from seats.csv",
    )
    assert latest.prev_record.diff_against(latest, foreign_keys_are_objs=False).changed_fields
    # The organisation's new history entry still lists its areas.
    council = Organisation.objects.get(name="Hartlepool Borough Council")
    assert [a.area.gss_code for a in council.history.first().areas.all()] == [HARTLEPOOL]
    # And the file is now what is stored.
    assert not run("seats", to_csv(rows), dry_run=True).has_changes


def test_matches_existing_records_by_their_natural_keys():
    """Records made in the admin are found: partnership by area + name (any case), body by
    partnership + name, person by name among holders of a seat for that organisation."""
    existing = SeatFactory(
        body=ThemedGroupFactory(name="Safer Hartlepool", theme="crime_and_disorder"),
        organisation=OrganisationFactory(name="Hartlepool Women's Aid"),
        person__name="Jane Smith",
        start_date=datetime.date(2009, 1, 1),
        end_date=datetime.date(2011, 3, 31),
        role="",
    )
    partnership = existing.body.partnership
    row = {
        **seat_rows()[1],
        "partnership": partnership.name.upper(),
        "organisation_is_womens": "",
        "email": existing.person.email,
        "phone": existing.person.phone,
    }
    result = run("seats", to_csv([row]), dry_run=True)
    assert result.ok, messages(result)
    assert [r.status for r in result.rows] == ["unchanged"]
    assert result.counts["people"] == {"created": 0, "changed": 0, "unchanged": 1}

    # The same name for another organisation is another person; another start, another seat.
    other = {**row, "organisation": "Another Charity", "start_date": "2011-04-01", "end_date": ""}
    result = run("seats", to_csv([row, other]))
    assert result.counts["people"]["created"] == 1, messages(result)
    assert result.counts["seats"] == {"created": 1, "changed": 0, "unchanged": 1}
    assert Person.objects.filter(name="Jane Smith").count() == 2


def test_empty_contact_cells_keep_what_is_stored():
    """An export leaves out contact details that are not published; it imports back
    unchanged."""
    run("seats", to_csv(seat_rows()))
    rows = seat_rows()
    for row in rows:
        row.update(email="", phone="", organisation_is_womens="")
    result = run("seats", to_csv(rows))
    assert not result.has_changes
    assert Person.objects.get(name="Jane Smith").email == "jane@example.org"


def test_formula_guard_apostrophe_from_the_export_is_taken_off():
    row = {**SEAT, "phone": "'+44 1429 000000"}
    run("seats", to_csv([row]))
    assert Person.objects.get().phone == "+44 1429 000000"


def test_an_export_imports_back_unchanged(client):
    """The export and the import share one format (partnerships/formats.py): every format's
    download of every seat, current and past, imports back changing nothing. Here with a
    partnership of two areas, a seat without an organisation, contact details published and
    not, and a phone number the formula guard protects."""
    rows = seat_rows()
    for jane in rows[:2]:
        jane["phone"] = "+44 1429 000000"
    rows.append({**SEAT, "person": "Cy Dee", "organisation": "", "organisation_is_womens": ""})
    assert run("seats", to_csv(rows)).written
    tees = Partnership.objects.get()
    tees.areas.add(area(MIDDLESBROUGH))
    before = snapshot()
    for fmt in ("csv", "xlsx"):
        response = client.get(reverse(f"exports:seats_{fmt}"), {"status": "all"})
        data = b"".join(response.streaming_content)
        if fmt == "csv":
            assert b"'+44 1429 000000" in data and data.count(b"\r\n") == 5
        result = run("seats", data, filename=f"export.{fmt}")
        assert result.ok, messages(result)
        assert len(result.rows) == 4 and not result.has_changes, result.rows
        assert result.ignored_columns == ["area_name", "region"]
    assert snapshot() == before


# --- Problems: row, column and value, and nothing written ------------------------------------


SEAT_PROBLEMS = [
    ("area_code", "E99999999", "is not a known area code"),
    ("start_date", "01/04/2008", "is not a date"),
    ("end_date", "2008-02-30", "is not a date"),
    ("sector", "charity", "local_authority, health, police, business, vcs, other"),
    ("body_kind", "committee", "is not one of: board, themed_group"),
    ("theme", "crime", "is not one of: crime_and_disorder"),
    ("selection", "lottery", "is not one of: elected, appointed, nominated, other"),
    ("publish_contact", "maybe", "is not yes or no"),
    ("organisation_is_womens", "perhaps", "is not yes or no"),
    ("email", "jane@", "is not a valid email address"),
    ("role", "x" * 101, "is too long"),
]


@pytest.mark.parametrize(("column", "value", "says"), SEAT_PROBLEMS)
def test_each_bad_seat_cell_is_reported_and_nothing_is_written(column, value, says):
    rows = seat_rows()
    rows[1] = {**rows[1], column: value}
    before = snapshot()
    result = run("seats", to_csv(rows))
    assert not result.written
    assert len(result.problems) == 1, messages(result)
    message = messages(result)[0]
    assert message.startswith("row 3: ")
    assert column in message and value in message and says in message
    problem = result.problems[0]
    assert (problem.row, problem.column, problem.value) == (3, column, value)
    assert problem.letter == "ABCDEFGHIJKLMNOP"[SEAT_COLUMNS.index(column)]
    assert snapshot() == before


@pytest.mark.parametrize(
    ("changes", "column", "says"),
    [
        ({"body_kind": "board", "theme": "housing"}, "theme", "must be empty when body_kind"),
        ({"body_kind": "themed_group", "theme": ""}, "theme", "needs one of: crime_and_disorder"),
        ({"start_date": "2009-01-01", "end_date": "2008-12-31"}, "end_date", "before start_date"),
        # An empty person is a vacant seat, which has nobody's contact details.
        ({"person": "", "phone": "", "publish_contact": "no"}, "email", "must be empty: person"),
        ({"sector": ""}, "sector", "sector is empty"),
        ({"area_code": ""}, "area_code", "area_code is empty"),
        (
            {"organisation": "", "organisation_is_womens": "yes"},
            "organisation_is_womens",
            "organisation is empty",
        ),
    ],
)
def test_rules_across_cells_and_empty_required_cells(changes, column, says):
    before = snapshot()
    result = run("seats", to_csv([SEAT, {**SEAT, "person": "Ann Lee", **changes}]))
    assert [(p.row, p.column) for p in result.problems] == [(3, column)]
    assert says in messages(result)[0]
    for value in changes.values():
        assert value in messages(result)[0]
    assert snapshot() == before


NETWORK_PROBLEMS = [
    ("kind", "club", "is not one of: cen, womens_network, womens_forum"),
    ("status", "asleep", "is not one of: active, struggling, ceased"),
    ("funding", "some", "is not one of: funded, partly_lost, lost, unknown"),
    ("checked_on", "June 2008", "is not a date"),
    ("area_code", "X1", "is not a known area code"),
    ("website", "not a website", "is not a valid web address"),
    ("email", "cen@@example", "is not a valid email address"),
]


@pytest.mark.parametrize(("column", "value", "says"), NETWORK_PROBLEMS)
def test_each_bad_network_cell_is_reported_and_nothing_is_written(column, value, says):
    rows = [NETWORK, {**NETWORK, "name": "Another CEN", column: value}]
    before = snapshot()
    result = run("networks", to_csv(rows))
    assert [(p.row, p.column, p.value) for p in result.problems] == [(3, column, value)]
    assert says in messages(result)[0] and messages(result)[0].startswith("row 3: ")
    assert snapshot() == before


def test_missing_columns_are_reported_from_the_header_before_any_row():
    columns = [c for c in SEAT_COLUMNS if c not in ("sector", "end_date")]
    result = run("seats", to_csv([{**SEAT, "area_code": "NOWHERE"}], columns=columns))
    assert messages(result) == [
        f"row 1: required column {name} is missing from the header. The header must name "
        f"every column: {', '.join(SEAT_COLUMNS)}."
        for name in ("sector", "end_date")
    ]
    assert Seat.objects.count() == 0

    result = run("networks", to_csv([NETWORK], columns=["name", "kind", "area_code"]))
    assert {p.column for p in result.problems} == {
        "status",
        "funding",
        "checked_on",
        "website",
        "email",
    }


def test_header_names_ignore_case_and_spaces_and_unknown_columns_are_ignored():
    header = [c.replace("_", " ").title() for c in SEAT_COLUMNS] + ["Region"]
    data = to_csv([{**SEAT, "region": "North East"}], columns=[*SEAT_COLUMNS, "region"])
    data = (",".join(header) + "\r\n").encode() + data.split(b"\r\n", 1)[1]
    result = run("seats", data)
    assert result.ok and result.written, messages(result)
    assert result.ignored_columns == ["region"]


def test_a_repeated_seat_is_a_duplicate_row():
    rows = [SEAT, seat_rows()[2], {**SEAT, "role": "Chair", "person": " jane  SMITH "}]
    result = run("seats", to_csv(rows))
    assert len(result.problems) == 1
    message = messages(result)[0]
    assert message.startswith("row 4: person ' jane  SMITH '") or "jane  SMITH" in message
    assert "repeats row 2" in message
    assert Seat.objects.count() == 0


def test_a_repeated_network_is_a_duplicate_row():
    result = run("networks", to_csv([NETWORK, {**NETWORK, "status": "ceased"}]))
    assert [(p.row, p.column, p.value) for p in result.problems] == [(3, "name", "Hartlepool CEN")]
    assert "repeats row 2" in messages(result)[0]
    assert Network.objects.count() == 0


def test_conflicting_values_for_one_person_organisation_or_body():
    rows = [
        SEAT,
        {**seat_rows()[1], "email": "other@example.org"},
        {**seat_rows()[2], "body_kind": "themed_group", "theme": "housing"},
        {
            **seat_rows()[2],
            "person": "Ann Lee",
            "organisation": "hartlepool women's aid",
            "organisation_is_womens": "no",
        },
    ]
    before = snapshot()
    result = run("seats", to_csv(rows))
    found = {(p.row, p.column, p.value) for p in result.problems}
    assert found == {
        (3, "email", "other@example.org"),
        (4, "body_kind", "themed_group"),
        (4, "theme", "housing"),
        (5, "organisation_is_womens", "no"),
    }
    text = "\n".join(messages(result))
    assert "row 3: email 'other@example.org' conflicts with row 2 ('jane@example.org')" in text
    assert "for the same person (Jane Smith, Hartlepool Women's Aid)" in text
    assert "row 4: body_kind 'themed_group' conflicts with row 2 ('board')" in text
    assert "row 5: organisation_is_womens 'no' conflicts with row 2 (yes)" in text
    assert snapshot() == before


def test_one_bad_row_in_a_mixed_file_writes_nothing():
    rows = seat_rows() * 1
    rows += [
        {**row, "partnership": "Middlesbrough LSP", "area_code": MIDDLESBROUGH}
        for row in seat_rows()
    ]
    rows[4] = {**rows[4], "start_date": "2008-13-01"}
    before = snapshot()
    result = run("seats", to_csv(rows))
    assert [p.row for p in result.problems] == [6]
    assert not result.written and snapshot() == before


def test_a_file_that_is_not_utf8_gives_an_encoding_error():
    text = to_csv([SEAT, {**SEAT, "person": "Zoë Brown", "role": "£ treasurer"}]).decode()
    result = run("seats", text.encode("latin-1"))
    assert len(result.problems) == 1
    message = messages(result)[0]
    assert message.startswith("row 3: the file is not UTF-8 text")
    assert "column person 'Zoë Brown'" in message and "CSV UTF-8" in message
    assert result.problems[0].letter == "F"
    assert Seat.objects.count() == 0


@pytest.mark.parametrize("filename", ["seats.csv", "seats.xlsx"])
def test_reading_stops_at_the_row_limit(monkeypatch, filename):
    """Rows past the limit are not read at all: a CSV's reading stops there, and an .xlsx is
    refused from a count of the rows in its XML before openpyxl parses one."""
    from curation import imports

    monkeypatch.setattr(imports, "MAX_ROWS", 2)
    read = []
    xlsx_rows = imports._xlsx_rows

    def counted(workbook):
        for row in xlsx_rows(workbook):
            read.append(row)
            yield row

    monkeypatch.setattr(imports, "_xlsx_rows", counted)
    rows = [{**SEAT, "person": f"Person {n}"} for n in range(6)]
    data = to_xlsx(rows) if filename.endswith(".xlsx") else to_csv(rows)
    result = run("seats", data, filename=filename)
    assert messages(result) == ["row 4: the file has more than 2 rows; split it."]
    assert read == []
    assert Seat.objects.count() == 0


def test_files_that_are_not_spreadsheets():
    assert "empty" in messages(run("seats", b""))[0]
    assert "old Excel .xls" in messages(run("seats", b"\xd0\xcf\x11\xe0rest"))[0]
    assert "not a valid Excel" in messages(run("seats", b"a,b", filename="seats.xlsx"))[0]
    assert "cannot be read as an Excel" in messages(run("seats", b"PK\x03\x04broken"))[0]
    assert "header" in messages(run("seats", b"\r\n\r\n"))[0]


# --- Curator scope ---------------------------------------------------------------------------


def test_a_curator_imports_only_rows_in_their_areas():
    curator = curator_of(HARTLEPOOL)
    camden = {**SEAT, "area_code": CAMDEN, "partnership": "Camden Together"}
    before = snapshot()
    result = run("seats", to_csv([SEAT, camden]), user=curator)
    assert messages(result) == [
        "row 3: area_code E09000007 (Camden) is outside the areas you curate."
    ]
    assert snapshot() == before

    result = run("networks", to_csv([{**NETWORK, "area_code": CAMDEN}]), user=curator)
    assert messages(result) == [
        "row 2: area_code E09000007 (Camden) is outside the areas you curate."
    ]

    result = run("seats", to_csv([SEAT]), user=curator)
    assert result.written
    assert Seat.history.get().history_user == curator


def test_a_curator_cannot_change_an_organisation_outside_their_areas_nor_find_a_person_there():
    """Issue 9: a person who sits elsewhere is invisible to a curator's import. The row makes a
    new person in the curator's area (no problem names her: that would confirm where she
    sits); the organisation, shared, is used but its flag cannot be changed."""
    elsewhere = SeatFactory(
        body__partnership__areas=[area(CAMDEN)],
        person__name="Jane Smith",
        organisation=OrganisationFactory(name="Hartlepool Women's Aid"),
    )
    elsewhere.organisation.areas.set([area(CAMDEN)])
    curator = curator_of(HARTLEPOOL)
    before = snapshot()
    result = run("seats", to_csv([{**SEAT, "email": "new@example.org"}]), user=curator)
    assert [(p.row, p.column) for p in result.problems] == [(2, "organisation_is_womens")]
    assert "Jane Smith" not in "\n".join(messages(result))
    assert snapshot() == before

    row = {**SEAT, "email": "new@example.org", "organisation_is_womens": ""}
    result = run("seats", to_csv([row]), user=curator)
    assert result.written, messages(result)
    assert result.counts["people"] == {"created": 1, "changed": 0, "unchanged": 0}
    assert result.counts["organisations"] == {"created": 0, "changed": 0, "unchanged": 1}
    elsewhere.person.refresh_from_db()
    assert elsewhere.person.email != "new@example.org"
    assert list(elsewhere.person.seats.all()) == [elsewhere]
    assert Person.objects.get(email="new@example.org").seats.get().organisation == (
        elsewhere.organisation
    )


# --- The admin: upload, preview, confirm -----------------------------------------------------


def upload(client, kind, data, name):
    return client.post(
        reverse("curation_import:upload", args=[kind]), {"file": SimpleUploadedFile(name, data)}
    )


def test_admin_upload_preview_confirm(client, strict_templates):
    curator = curator_of(HARTLEPOOL)
    client.force_login(curator)
    for url in (
        reverse("curation_import:index"),
        reverse("curation_import:upload", args=["seats"]),
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert "UNDEFINED" not in response.content.decode()

    response = upload(client, "seats", to_csv(seat_rows()), "hartlepool.csv")
    assert response.status_code == 302
    preview_url = response.url
    response = client.get(preview_url)
    page = response.content.decode()
    assert "UNDEFINED" not in page
    assert "3 new" in page and "0 changed" in page and "0 unchanged" in page
    assert "Bodies" in page and "2 created" in page
    assert Seat.objects.count() == 0  # the preview writes nothing

    token = preview_url.rstrip("/").rsplit("/", 1)[1]
    response = client.post(reverse("curation_import:confirm", args=["seats", token]))
    assert response.status_code == 302
    assert response.url == reverse("admin:partnerships_seat_changelist")
    assert Seat.objects.count() == 3
    assert {e.history_user for e in Seat.history.all()} == {curator}
    assert {e.history_change_reason for e in Person.history.all()} == {
        "Imported from hartlepool.csv"
    }
    # The upload is gone once confirmed.
    assert client.get(preview_url).status_code == 404

    # The same file again: the preview says unchanged for every row, and offers no confirm.
    response = client.get(client_upload_preview(client, "seats", to_csv(seat_rows())))
    page = response.content.decode()
    assert page.count("<td>unchanged</td>") == 3
    assert "0 new" in page and "3 unchanged" in page
    assert "Confirm" not in page


def client_upload_preview(client, kind, data, name="seats.csv"):
    response = upload(client, kind, data, name)
    assert response.status_code == 302
    return response.url


def test_admin_preview_lists_problems_and_confirm_writes_nothing(client, strict_templates):
    client.force_login(User.objects.create_superuser("boss", password="pw"))
    bad = [SEAT, {**SEAT, "person": "Ann Lee", "area_code": "E99999999"}]
    url = client_upload_preview(client, "seats", to_csv(bad))
    page = client.get(url).content.decode()
    assert "UNDEFINED" not in page
    assert "row 3: area_code E99999999 is not a known area code" in page
    assert "area_code (A)" in page
    assert "Confirm" not in page
    token = url.rstrip("/").rsplit("/", 1)[1]
    response = client.post(reverse("curation_import:confirm", args=["seats", token]))
    assert response.status_code == 200
    assert "Nothing was written" in response.content.decode()
    assert Seat.objects.count() == 0


def test_admin_networks_import(client):
    client.force_login(User.objects.create_superuser("boss", password="pw"))
    url = client_upload_preview(client, "networks", to_xlsx([NETWORK]), "networks.xlsx")
    assert "1 created" in client.get(url).content.decode()
    token = url.rstrip("/").rsplit("/", 1)[1]
    client.post(reverse("curation_import:confirm", args=["networks", token]))
    assert Network.objects.get().history.get().history_change_reason == (
        "Imported from networks.xlsx"
    )


def test_admin_import_needs_staff_and_permissions(client):
    url = reverse("curation_import:upload", args=["seats"])
    assert client.get(url).status_code == 302  # to the admin login
    assert "/admin/login/" in client.get(url).url

    client.force_login(curator_of(HARTLEPOOL, username="no-perms", perms=()))
    assert client.get(url).status_code == 403
    assert client.get(reverse("curation_import:index")).status_code == 403

    client.force_login(curator_of(HARTLEPOOL, username="seats-only"))
    assert client.get(url).status_code == 200
    assert client.get(reverse("curation_import:upload", args=["networks"])).status_code == 403
    assert client.get(reverse("curation_import:upload", args=["people"])).status_code == 404


def test_an_upload_is_only_for_the_session_that_made_it(client):
    client.force_login(User.objects.create_superuser("boss", password="pw"))
    url = client_upload_preview(client, "seats", to_csv([SEAT]))
    other = type(client)()
    other.force_login(User.objects.create_superuser("other", password="pw"))
    assert other.get(url).status_code == 404
    token = url.rstrip("/").rsplit("/", 1)[1]
    assert other.post(reverse("curation_import:confirm", args=["seats", token])).status_code == 404
    assert client.get(reverse("curation_import:confirm", args=["seats", token])).status_code == 405
    assert Seat.objects.count() == 0


# --- The commands ----------------------------------------------------------------------------


def write(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def test_command_dry_run_writes_nothing(tmp_path):
    path = write(tmp_path, "seats.csv", to_csv(seat_rows()))
    out = io.StringIO()
    call_command("import_seats", path, "--dry-run", stdout=out)
    assert "Rows: 3 (3 new, 0 changed, 0 unchanged)" in out.getvalue()
    assert "Dry run: nothing was written." in out.getvalue()
    assert Seat.objects.count() == 0

    call_command("import_seats", path, stdout=io.StringIO())
    assert Seat.objects.count() == 3
    assert Seat.history.first().history_user is None


def test_command_prints_the_same_problems(tmp_path):
    rows = [SEAT, {**SEAT, "person": "Ann Lee", "publish_contact": "maybe"}]
    path = write(tmp_path, "seats.csv", to_csv(rows))
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 problem in seats.csv; nothing was written"):
        call_command("import_seats", path, stderr=err, stdout=io.StringIO())
    assert err.getvalue().strip() == messages(run("seats", to_csv(rows), dry_run=True))[0]
    assert "row 3: publish_contact 'maybe' is not yes or no." in err.getvalue()
    assert Seat.objects.count() == 0


def test_command_user_applies_the_curator_scope(tmp_path):
    curator_of(HARTLEPOOL, perms=("add_network", "change_network"))
    camden = write(tmp_path, "networks.csv", to_csv([{**NETWORK, "area_code": CAMDEN}]))
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_networks", camden, "--user", "curator", stderr=err)
    assert "row 2: area_code E09000007 (Camden) is outside the areas you curate." in (
        err.getvalue()
    )
    ours = write(tmp_path, "ours.csv", to_csv([NETWORK]))
    call_command("import_networks", ours, "--user", "curator", stdout=io.StringIO())
    assert Network.objects.get().history.get().history_user.username == "curator"

    with pytest.raises(CommandError, match="may not import seats"):
        call_command("import_seats", ours, "--user", "curator")
    with pytest.raises(CommandError, match="No user 'nobody'"):
        call_command("import_seats", ours, "--user", "nobody")


def test_networks_reimport_and_change(tmp_path):
    NetworkFactory(name="Hartlepool CEN", funding="funded")
    result = run("networks", to_csv([NETWORK]), dry_run=True)
    assert [r.status for r in result.rows] == ["changed"]
    assert "funding 'funded' → 'partly_lost'" in result.rows[0].changes
    run("networks", to_csv([NETWORK]))
    assert Network.objects.get().funding == "partly_lost"
    again = run("networks", to_csv([NETWORK]))
    assert [r.status for r in again.rows] == ["unchanged"] and not again.has_changes


def test_a_column_named_twice_in_the_header():
    data = to_csv([SEAT], columns=[*SEAT_COLUMNS, "email"])
    result = run("seats", data)
    assert messages(result) == [  # email is the 11th column (K); its second, the 19th (S)
        "row 1: column email appears twice in the header (columns K and S)."
    ]


def test_queries_do_not_grow_with_the_rows():
    """Existing records are read once per model, new ones written in batches."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(rows, dry_run):
        with CaptureQueriesContext(connection) as captured:
            result = run("seats", to_csv(rows), dry_run=dry_run)
        assert result.ok, messages(result)
        return len(captured)

    few = [{**SEAT, "person": f"Person {i}", "organisation": f"Org {i}"} for i in range(3)]
    many = [{**SEAT, "person": f"Person {i}", "organisation": f"Org {i}"} for i in range(40)]
    assert queries(few, True) == queries(many, True)
    first = queries(few, False)
    again = [
        {**r, "partnership": "Another", "organisation": f"New {r['organisation']}"} for r in many
    ]
    assert queries(again, False) == first
