"""Postcode shape and lookups, against the real ONS data the package ships (no mocks)."""

import threading

import pytest

from partnerships import ons, postcodes
from partnerships.postcodes import Country, Outcome, PostcodeResult


@pytest.mark.parametrize(
    "text",
    [
        "SW1A 1AA",
        "sw1a1aa",
        "SW1A1AA",
        " sw1a  1aa ",
        "Sw1A-1aa",
        "SW1A\t1AA",
        "SW1A\u00a01AA",  # no-break space, pasted from a web page
        "SW1A \u2013 1AA",  # en dash
        "sw1a.1aa",
        "\uff33\uff37\uff11\uff21 \uff11\uff21\uff21",  # full-width
    ],
)
def test_normalise_common_forms(text):
    assert postcodes.normalise(text) == "SW1A 1AA"
    assert postcodes.looks_like_postcode(text)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("m11ae", "M1 1AE"),  # A9
        ("b33 8th", "B33 8TH"),  # A99
        ("w1a 0ax", "W1A 0AX"),  # A9A
        ("cr2 6xh", "CR2 6XH"),  # AA9
        ("dn551pt", "DN55 1PT"),  # AA99
        ("ec1a 1bb", "EC1A 1BB"),  # AA9A
        ("gir0aa", "GIR 0AA"),
    ],
)
def test_normalise_every_shape_of_outward_code(text, expected):
    assert postcodes.normalise(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        None,
        "",
        "   ",
        "hello",
        "12345",
        "SW1A 1A",
        "SW1A 1AAA",
        "SW1A",
        "1SW 1AA",
        "SWAA 1AA",
        "SW1A 11A",
        "GIR 1AA",
        "NPT 0AD",  # an old Newport form still in the directory
        "SW1A 1AA" * 1000,
        "x" * 100_000,
        "DROP TABLE partnerships_area;",
        "'; DROP TABLE --",
        "SW1A 1ÀA",
        "ßW1 1AA",
        "🏠1 1AA",
        "SW1A\x001AA",
        b"SW1A 1AA",
        12345,
    ],
)
def test_malformed_input_is_not_a_postcode(text):
    assert postcodes.normalise(text) is None
    assert not postcodes.looks_like_postcode(text)
    assert postcodes.lookup(text) == PostcodeResult(Outcome.MALFORMED)


@pytest.mark.parametrize(
    "text, expected",
    [("M1", "M1"), ("sw1a", "SW1A"), (" ec1a ", "EC1A"), ("b33", "B33"), ("DN55", "DN55")],
)
def test_outward_codes(text, expected):
    assert postcodes.normalise_outward(text) == expected
    assert postcodes.looks_like_outward_code(text)
    assert not postcodes.looks_like_postcode(text)


@pytest.mark.parametrize("text", ["", "Leeds", "M", "12", "SW1A 1AA", "SWAA", None])
def test_not_outward_codes(text):
    assert postcodes.normalise_outward(text) is None
    assert not postcodes.looks_like_outward_code(text)


@pytest.mark.parametrize(
    "text, gss_code",
    [
        ("SW1A 1AA", "E09000033"),  # Westminster
        ("S1 1AA", "E08000039"),  # Sheffield, under its 2023 code
        ("M1 1AE", "E08000003"),  # Manchester
        ("B1 1AA", "E08000025"),  # Birmingham
        ("EC1A 1AE", "E09000001"),  # City of London
        ("TS24 7BA", "E06000001"),  # Hartlepool
        ("CA28 7NY", "E06000063"),  # Cumberland, created 2023
        ("TR1 2JW", "E06000052"),  # Cornwall
        ("YO1 7HH", "E06000014"),  # York
        ("ox1 1bx", "E07000178"),  # Oxford, a district
        ("ne17ru", "E08000021"),  # Newcastle upon Tyne
    ],
)
def test_english_postcodes(text, gss_code):
    result = postcodes.lookup(text)
    assert result.outcome is Outcome.ENGLAND
    assert result.in_england
    assert result.gss_code == gss_code
    assert result.country is Country.ENGLAND
    assert result.postcode == postcodes.normalise(text)


@pytest.mark.parametrize(
    "text, country, gss_code",
    [
        ("EH1 1YZ", Country.SCOTLAND, "S12000036"),  # Edinburgh
        ("CF10 1EP", Country.WALES, "W06000015"),  # Cardiff
        ("BT1 5GS", Country.NORTHERN_IRELAND, "N09000003"),  # Belfast
        ("JE2 4UB", Country.CHANNEL_ISLANDS, None),  # Jersey
        ("GY1 1AA", Country.CHANNEL_ISLANDS, None),  # Guernsey
        ("IM1 1AD", Country.ISLE_OF_MAN, None),
    ],
)
def test_postcodes_outside_england(text, country, gss_code):
    result = postcodes.lookup(text)
    assert result.outcome is Outcome.OUTSIDE_ENGLAND
    assert not result.in_england
    assert result.country is country
    assert result.gss_code == gss_code


@pytest.mark.parametrize(
    "text, outcome, gss_code",
    [
        # Districts that cross a border: only the whole postcode says which side.
        ("CH1 1AA", Outcome.ENGLAND, "E06000050"),  # Cheshire West and Chester
        ("CH1 4QL", Outcome.OUTSIDE_ENGLAND, "W06000005"),  # Flintshire
        ("HR3 5AL", Outcome.ENGLAND, "E06000019"),  # Herefordshire
        ("HR3 5AA", Outcome.OUTSIDE_ENGLAND, "W06000023"),  # Powys
        ("TD15 1AA", Outcome.ENGLAND, "E06000057"),  # Northumberland
        ("TD15 1BT", Outcome.OUTSIDE_ENGLAND, "S12000026"),  # Scottish Borders
        ("EC1A 1AA", Outcome.ENGLAND, "E09000019"),  # Islington
        ("EC1A 1AE", Outcome.ENGLAND, "E09000001"),  # City of London
    ],
)
def test_whole_postcode_decides_the_area(text, outcome, gss_code):
    result = postcodes.lookup(text)
    assert (result.outcome, result.gss_code) == (outcome, gss_code)


@pytest.mark.parametrize(
    "text",
    [
        "ZZ9 9ZZ",  # no such district
        "SW1A 9ZZ",  # a real district, no such postcode
        "SW1A 1ZZ",
        "QA1 1AA",  # no postcode starts with Q: there is no file for it
        "XA1 1AA",
    ],
)
def test_well_formed_but_unknown(text):
    result = postcodes.lookup(text)
    assert result == PostcodeResult(Outcome.NOT_FOUND, postcodes.normalise(text))


@pytest.mark.parametrize("text", ["GIR 0AA", "M1 9FN", "S18 9AA"])
def test_postcodes_in_no_area(text):
    # Non-geographic postcodes (PO boxes, Girobank): in the directory, in no local authority.
    assert postcodes.lookup(text) == PostcodeResult(Outcome.NO_AREA, postcodes.normalise(text))


def test_a_postcode_is_only_sought_in_its_own_district():
    # All of a letter's inward codes share one blob; SW1A's neighbours have these ones.
    assert postcodes.lookup("SW1E 5AA").outcome is Outcome.ENGLAND
    assert postcodes.lookup("SW19 1AD").outcome is Outcome.ENGLAND
    assert postcodes.lookup("SW1A 5AA").outcome is Outcome.NOT_FOUND
    assert postcodes.lookup("SW1A 1AD").outcome is Outcome.NOT_FOUND


@pytest.mark.parametrize(
    "outward, gss_codes",
    [
        ("M1", ("E08000003",)),
        ("ec1a", ("E09000001", "E09000019")),  # most postcodes first
        ("HR3", ("E06000019",)),  # its Welsh postcodes left out
        ("EH1", ()),
        ("ZZ9", ()),
        ("Leeds", ()),
        (None, ()),
    ],
)
def test_district_areas(outward, gss_codes):
    assert postcodes.district_areas(outward) == gss_codes


def test_every_english_code_in_the_directory_is_a_current_area():
    postcodes.preload()
    in_directory = {
        code
        for letter in postcodes._letters.values()
        if letter
        for code in letter.codes
        if code and code.startswith("E")
    }
    replaced = {code for area in ons.NEWER_AREAS for code in area["replaces"]}
    current = {area["code"] for area in ons.english_areas()} - replaced
    assert len(in_directory) == 296
    assert in_directory <= current


def test_threads_read_a_letter_once(monkeypatch):
    monkeypatch.setattr(postcodes, "_letters", {})
    reads = []
    read_letter = postcodes._read_letter
    monkeypatch.setattr(
        postcodes, "_read_letter", lambda letter: reads.append(letter) or read_letter(letter)
    )
    results = []
    threads = [
        threading.Thread(target=lambda: results.append(postcodes.lookup("TR1 2JW")))
        for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert reads == ["T"]
    assert {result.gss_code for result in results} == {"E06000052"}
