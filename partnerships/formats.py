"""The seat file format (DESIGN.md, "Open formats"), declared once: every column, how the
export fetches and writes it, how the import reads it, and the formula-injection guard.

partnerships/exports.py writes a Format's columns; curation/imports.py reads them; the network
format (networks/formats.py) is built from the same parts. A column is:

- its header, which is also its name in the import;
- for the export, the values_list paths it is fetched from (one or two, or one of PLACE_PATHS,
  which the export joins in from a map) and how those values become the cell's text;
- for the import, how the cell's text is parsed: a function of (column, text) that returns
  the value or raises Invalid with a sentence naming the column and the value; every one
  refuses a NUL character first (refusing_nul). A column without one is written by the
  export and ignored by the import (`area_name`, `region`).

Checks across the cells of one row (a board has no theme, an end date is not before the start)
belong to the Format too.

The formula guard (OWASP CSV injection): a cell that starts with = + - @ tab, CR or LF could
run as a formula, so the export's CSV prefixes it with an apostrophe, and the import takes that
apostrophe off again, so an exported file imports back unchanged.
"""

import datetime
import functools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email

from .choices import BodyKind, Sector, Selection, Theme
from .models import Body, Organisation, Partnership, Person, Seat

# --- The formula guard -----------------------------------------------------------------------

# A cell starting with one of these could run as a formula. A set, so that the check is one
# lookup of the first character (`value and value[0] in FORMULA_CHARS`).
FORMULA_CHARS = frozenset("=+-@\t\r\n")


def is_formula_like(value: str) -> bool:
    return bool(value) and value[0] in FORMULA_CHARS


def csv_safe(value: str) -> str:
    """A cell a spreadsheet will not run as a formula."""
    return f"'{value}" if value and value[0] in FORMULA_CHARS else value


def csv_safe_row(row: list[str]) -> list[str]:
    """csv_safe on every cell of a row, written out: one call per row, not one per cell (the
    export calls this for millions of cells)."""
    return [f"'{value}" if value and value[0] in FORMULA_CHARS else value for value in row]


def csv_safe_sql(value: str) -> str:
    """csv_safe in SQL (the export's COPY on PostgreSQL), on the SQL of a text value: the same
    characters, by code point (ascii() gives the first character's; NULL stays NULL)."""
    codes = ", ".join(str(ord(char)) for char in sorted(FORMULA_CHARS))
    return f"CASE WHEN ascii({value}) IN ({codes}) THEN '''' || {value} ELSE {value} END"


def unguarded(text: str) -> str:
    """A cell as it was before csv_safe: the apostrophe before a formula character taken off."""
    if text[1:2] and text[0] == "'" and text[1] in FORMULA_CHARS:
        return text[1:]
    return text


# --- Writing a cell (the export) -------------------------------------------------------------
# Each format has its twin in SQL beside it: from the SQL of the same values, in the same
# order, the SQL of the same text (NULL for an empty cell). The CSV export on PostgreSQL has
# the database write its rows (COPY); tests/test_export_copy.py holds the two to the same
# bytes.


def as_text(value):
    return "" if value is None else str(value)


def as_text_sql(value):
    return value


def as_yes_no(value):
    """yes or no; also no when the seat has no organisation."""
    return "yes" if value else "no"


def as_yes_no_sql(value):
    return f"CASE WHEN {value} THEN 'yes' ELSE 'no' END"


def as_iso_date(value):
    return value.isoformat() if value else ""


def as_iso_date_sql(value):
    """The date as it is: COPY writes it YYYY-MM-DD in the DateStyle ISO, which the export
    sets for its transaction (a third faster than to_char at 500,000 rows)."""
    return value


def published(publish_contact, value):
    """A contact detail only where the person agreed to publish it."""
    return (value or "") if publish_contact else ""


def published_sql(publish_contact, value):
    return f"CASE WHEN {publish_contact} THEN {value} END"


IN_SQL = {
    as_text: as_text_sql,
    as_yes_no: as_yes_no_sql,
    as_iso_date: as_iso_date_sql,
    published: published_sql,
}
# Formats whose text is never formula-like and never empty but as NULL (yes or no; a date
# starts with a digit, and no date is NULL): their SQL needs no guard.
NEVER_FORMULA_LIKE = frozenset({as_yes_no, as_iso_date})


# --- Reading a cell (the import) -------------------------------------------------------------


class Invalid(Exception):
    """A cell that cannot be read. message is a whole sentence naming the column and the
    value; value is the value to report, when it is not the cell's own text."""

    def __init__(self, message, value=None):
        super().__init__(message)
        self.message, self.value = message, value


INVALID = object()  # what a row holds for a cell that could not be read

NUL = "\x00"


def refusing_nul(parse):
    """parse, after refusing a cell that holds a NUL character (a zero byte): no spreadsheet
    means one, and PostgreSQL cannot store one in text. Every column that the import reads
    goes through this (Column wraps its parse in it)."""

    @functools.wraps(parse)
    def checked(column, value):
        if NUL in value:
            raise Invalid(
                f"{column} {value!r} holds a NUL character (a zero byte) at character "
                f"{value.index(NUL) + 1}, which cannot be stored: remove it and upload the "
                "file again.",
                value=value.replace(NUL, "\\x00"),
            )
        return parse(column, value)

    return checked


YES = {"yes", "y", "true"}
NO = {"no", "n", "false"}
_url = URLValidator()


def length(model, name):
    return model._meta.get_field(name).max_length


def text(max_length, *, required=False):
    def parse(column, value):
        if required and not value:
            raise Invalid(f"{column} is empty; every row needs one.")
        if len(value) > max_length:
            raise Invalid(
                f"{column} {value!r} is too long ({len(value)} characters; at most {max_length})."
            )
        return value

    return parse


@functools.cache
def choice_map(choices):
    """The codes, and the labels too, in any case: 'Themed group' is themed_group."""
    mapping = {}
    for value, label in choices.choices:
        mapping[str(label).lower()] = value
        mapping[value.lower()] = value
    return mapping


def choice(choices, *, required=False):
    allowed = ", ".join(choices.values)

    def parse(column, value):
        if not value:
            if required:
                raise Invalid(f"{column} is empty; it must be one of: {allowed}.")
            return ""
        code = choice_map(choices).get(value.lower())
        if code is None:
            raise Invalid(f"{column} {value!r} is not one of: {allowed}.")
        return code

    return parse


def yes_no(column, value):
    """True, False, or None for an empty cell (which leaves a stored value alone)."""
    if not value:
        return None
    if value.lower() in YES:
        return True
    if value.lower() in NO:
        return False
    raise Invalid(f"{column} {value!r} is not yes or no.")


ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def date(column, value):
    if not value:
        return None
    try:
        if not ISO_DATE.fullmatch(value):
            raise ValueError(value)
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise Invalid(
            f"{column} {value!r} is not a date: write it as YYYY-MM-DD, e.g. 2008-04-01."
        ) from None


def email(column, value):
    value = text(254)(column, value)
    if value:
        try:
            validate_email(value)
        except ValidationError:
            raise Invalid(f"{column} {value!r} is not a valid email address.") from None
    return value


def url(column, value):
    """A web address; one typed without a scheme is taken as https, as in the admin."""
    value = text(200)(column, value)
    if not value:
        return value
    full = value if "://" in value else f"https://{value}"
    try:
        _url(full)
    except ValidationError:
        raise Invalid(f"{column} {value!r} is not a valid web address.") from None
    if len(full) > 200:
        raise Invalid(f"{column} {value!r} is too long (at most 200).")
    return full


def gss_code(column, value):
    """An area's ONS GSS code, in capitals (which area it is, the import looks up)."""
    if not value:
        raise Invalid(f"{column} is empty; every row needs a GSS code.")
    return value.upper()


# --- Columns and formats ---------------------------------------------------------------------

# Not database paths: the partnership's areas and region, which the export fetches in one
# query and joins in (exports.partnership_places), appended to each fetched row in this order.
AREA_CODE, AREA_NAME, REGION = PLACE_PATHS = ("place.area_code", "place.area_name", "place.region")


@dataclass(frozen=True)
class Column:
    """One column of a format: its header; the values_list paths the export fetches it from
    (one or two; none if the export does not write it) and how those values become the
    cell's text; how the import parses the cell (None: not imported); and the model field
    the import sets from it, where that is all there is to it."""

    header: str
    paths: tuple[str, ...] = ()
    format: Callable[..., str] = as_text
    parse: Callable[[str, str], object] | None = None
    field: str = ""
    # A column added after files were made: a file without it still imports, and then
    # changes nothing that it holds (its value is None, "not given").
    optional: bool = False

    def __post_init__(self):
        if len(self.paths) > 2:
            raise ValueError(f"{self.header}: a column is read from one or two paths")
        if self.parse is not None:
            object.__setattr__(self, "parse", refusing_nul(self.parse))  # frozen: set once

    def in_sql(self, *values: str) -> str:
        """The SQL of the cell's text, from the SQL of the values at its paths (in order):
        format's twin in IN_SQL."""
        return IN_SQL[self.format](*values)


def no_checks(values, texts):
    return iter(())


@dataclass(frozen=True)
class Format:
    """A file format: its columns in order, and the checks across one row's cells (a function
    of the parsed values and the cells' texts, yielding (column, message) for each problem)."""

    name: str
    columns: tuple[Column, ...]
    checks: Callable[[dict, dict], Iterator[tuple[str, str]]] = no_checks

    @cached_property
    def headers(self):
        """Every column the export writes, in order."""
        return [column.header for column in self.columns if column.paths]

    @cached_property
    def imported(self):
        """The columns the import reads: all of them must be in a file's header."""
        return [column for column in self.columns if column.parse]

    @cached_property
    def import_headers(self):
        return [column.header for column in self.imported]

    @cached_property
    def optional_headers(self):
        return [column.header for column in self.imported if column.optional]


def seat_checks(values, texts):
    """What one seat row's cells must agree on."""
    kind, theme = values["body_kind"], values["theme"]
    if kind == BodyKind.BOARD and theme not in ("", INVALID):
        yield (
            "theme",
            f"theme {texts['theme']!r} must be empty when body_kind is board (only a themed "
            "group has a theme).",
        )
    if kind == BodyKind.THEMED_GROUP and theme == "":
        yield (
            "theme",
            f"theme is empty, but body_kind themed_group needs one of: {', '.join(Theme.values)}.",
        )
    start, end = values["start_date"], values["end_date"]
    if isinstance(start, datetime.date) and isinstance(end, datetime.date) and end < start:
        yield (
            "end_date",
            f"end_date {texts['end_date']} is before start_date {texts['start_date']}.",
        )
    if not values["organisation"] and values["organisation_is_womens"] is True:
        yield (
            "organisation_is_womens",
            f"organisation_is_womens {texts['organisation_is_womens']!r} needs an organisation, "
            "but organisation is empty.",
        )
    yield from vacancy_checks(values, texts)


def vacancy_checks(values, texts):
    """A row with an empty person is a vacant seat: nobody's contact details, and only a
    vacancy has a closing date and a way to apply."""
    if values["person"] == "":
        for column in ("email", "phone"):
            if texts[column]:
                yield (
                    column,
                    f"{column} {texts[column]!r} must be empty: person is empty, so the row is "
                    "a vacant seat, which has nobody's contact details.",
                )
        if values["publish_contact"] is True:
            yield (
                "publish_contact",
                "publish_contact must be empty or no: person is empty, so the row is a vacant "
                "seat.",
            )
        return
    for column in ("selection_closes", "how_to_apply"):
        if texts.get(column):
            yield (
                column,
                f"{column} {texts[column]!r} is only for a vacant seat, but person is "
                f"{texts['person']!r} (leave person empty for a vacancy).",
            )


SEATS = Format(
    "seats",
    (
        Column("area_code", (AREA_CODE,), parse=gss_code),
        Column(
            "partnership",
            ("body__partnership__name",),
            parse=text(length(Partnership, "name"), required=True),
        ),
        Column("body", ("body__name",), parse=text(length(Body, "name"), required=True)),
        Column("body_kind", ("body__kind",), parse=choice(BodyKind, required=True)),
        Column("theme", ("body__theme",), parse=choice(Theme)),
        # Empty: a vacant seat (or, in an export, a holder erased at their request).
        Column("person", ("person__name",), parse=text(length(Person, "name"))),
        Column("role", ("role",), parse=text(length(Seat, "role"))),
        Column("sector", ("sector",), parse=choice(Sector, required=True)),
        Column("organisation", ("organisation__name",), parse=text(length(Organisation, "name"))),
        Column(
            "organisation_is_womens",
            ("organisation__is_womens_organisation",),
            as_yes_no,
            parse=yes_no,
        ),
        Column("email", ("person__publish_contact", "person__email"), published, parse=email),
        Column(
            "phone",
            ("person__publish_contact", "person__phone"),
            published,
            parse=text(length(Person, "phone")),
        ),
        Column("publish_contact", ("person__publish_contact",), as_yes_no, parse=yes_no),
        Column("selection", ("selection",), parse=choice(Selection)),
        Column("start_date", ("start_date",), as_iso_date, parse=date),
        Column("end_date", ("end_date",), as_iso_date, parse=date),
        Column(
            "selection_closes",
            ("selection_closes",),
            as_iso_date,
            parse=date,
            field="selection_closes",
            optional=True,
        ),
        Column(
            "how_to_apply",
            ("how_to_apply",),
            parse=text(length(Seat, "how_to_apply")),
            field="how_to_apply",
            optional=True,
        ),
        Column("area_name", (AREA_NAME,)),
        Column("region", (REGION,)),
    ),
    seat_checks,
)
