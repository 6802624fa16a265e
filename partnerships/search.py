"""What the one search box understands: a postcode, or a town, council or partnership name.

`find(query)` returns a `SearchResult`: the partnerships that match, best first, the areas
that matched, and a message for the user when there is something to explain.

The ranking rule, in order:

1. A postcode is looked up: one partnership covering its area is gone to straight away,
   and its page says where the postcode is (`postcode_sentence`); otherwise the search page
   says where it is ("TS24 8AH is in Hartlepool") and lists them.
2. A region's own name ("London", "north east") leads to the region.
3. Names that contain every typed word (case, accents, punctuation, "&", "St." and filler
   words such as "council" fold away; see text.py). Each is ranked by `text.rank`: exact
   name, then starts with the query, then every word starts a word, then contains. At the
   same rank a council's or partnership's own name beats a town or village, and a bigger
   town a smaller one. A partnership found by its own name or by covering a matched area
   takes the best score it earns.
4. When two or more current councils share the best score ("Newcastle": Newcastle upon
   Tyne and Newcastle-under-Lyme), the user is offered the choice instead of being sent to
   one of them.
5. Only when nothing contains the typed words: the names most alike by trigram similarity
   (pg_trgm's `similarity`, at least SIMILAR_ENOUGH, from its GIN index on PostgreSQL; the
   same measure on SQLite as a Python function, each name's trigrams kept per process)
   are offered as "Did you mean ...?", fewest letters to change first (then the most alike; ties:
   region, council, partnership, then the bigger place), and the results for the first are
   shown.

Each kind of search runs a fixed number of queries, whatever the data size.
"""

import functools
import re
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Case, F, FloatField, Func, Value, When

from . import postcodes
from .models import Area, Partnership, Place, Region
from .text import fold, query_words, rank

MAX_QUERY_LENGTH = 100
MAX_RESULTS = 20


@dataclass
class SearchResult:
    query: str
    partnerships: list = field(default_factory=list)
    areas: list = field(default_factory=list)
    message: str = ""
    postcode: str = ""
    # What kind of problem the message reports, for templates and tests.
    problem: str = ""
    # The region whose own name was typed: the view goes there.
    region: object = None
    # Councils sharing the best match ("Newcastle"): the user chooses one.
    choices: list = field(default_factory=list)
    # "Did you mean ...?": the names most like a query that matched nothing, most alike
    # first; the results shown are those for the first.
    suggestions: list = field(default_factory=list)

    @property
    def other_areas(self):
        """The matching areas that are not already offered as a choice."""
        return [area for area in self.areas if area not in self.choices]

    @property
    def single(self):
        """The one partnership to send the user straight to, if the search was that clear:
        never after a choice or a guess."""
        if self.choices or self.suggestions:
            return None
        return self.partnerships[0] if len(self.partnerships) == 1 else None


def find(query):
    query = (query or "").strip()[:MAX_QUERY_LENGTH]
    if not query:
        return SearchResult(
            query, problem="empty", message="Enter a place, council, partnership name or postcode."
        )
    if postcodes.looks_like_postcode(query):
        return _by_postcode(query)
    regions = list(Region.objects.all())
    region = _region_named(query, regions)
    if region is not None:
        return SearchResult(query, region=region)
    result = _by_name(query)
    if not result.partnerships and not result.areas:
        if postcodes.looks_like_outward_code(query):
            result.problem = "partial_postcode"
            result.message = (
                f"“{query}” looks like the first half of a postcode. Enter the whole "
                "postcode, such as SW1A 1AA, so we can find the right council."
            )
        else:
            result = _did_you_mean(query, regions) or result
        if not result.suggestions and not result.problem:
            result.problem = "no_match"
            result.message = (
                f"We found no partnership, council or place called “{query}”. Check the "
                "spelling, try the name of your council, or use your postcode."
            )
    return result


def known_postcode(value):
    """The canonical form of a postcode that the lookup places in England ("ts248ah":
    "TS24 8AH"); None for anything else, so that junk, unknown and foreign postcodes all
    read as no postcode (and share a page in the cache)."""
    found = postcodes.lookup(value)
    return found.postcode if found.outcome is postcodes.Outcome.ENGLAND else None


def postcode_sentence(value, partnership):
    """What a partnership page says of the postcode searched for ("TS24 8AH is in
    Hartlepool."), when the partnership covers it; "" otherwise. At most two queries."""
    found = postcodes.lookup(value)
    if found.outcome is not postcodes.Outcome.ENGLAND:
        return ""
    area = Area.objects.filter(gss_code=found.gss_code).first()
    if area is None or not Partnership.objects.covering(area).filter(pk=partnership.pk).exists():
        return ""
    return where_is(found.postcode, area)


def where_is(postcode, area):
    """The sentence that places a postcode, on the search page and the partnership page."""
    return f"{postcode} is in {area.name}."


def _region_named(query, regions):
    """The region whose name is exactly what was typed, folded ("north-east": North East)."""
    typed = {fold(query), " ".join(query_words(query))}
    return next((region for region in regions if fold(region.name) in typed), None)


def _by_postcode(query):
    found = postcodes.lookup(query)
    result = SearchResult(query, postcode=found.postcode or "")
    if found.outcome is postcodes.Outcome.OUTSIDE_ENGLAND:
        country = found.country
        if country in (postcodes.Country.CHANNEL_ISLANDS, postcodes.Country.ISLE_OF_MAN):
            country = f"the {country}"
        result.problem = "outside_england"
        result.message = (
            f"{found.postcode} is in {country}. Local Strategic Partnerships were "
            f"an English arrangement, so this directory covers England only. Your council's "
            "website can tell you how community planning works where you live."
        )
        return result
    if found.outcome is postcodes.Outcome.NO_AREA:
        result.problem = "no_area"
        result.message = (
            f"{found.postcode} is a PO box or business postcode with no council area. "
            "Try the postcode of where your group meets, or search by town or council."
        )
        return result
    if found.outcome is not postcodes.Outcome.ENGLAND:
        result.problem = "unknown_postcode"
        result.message = (
            f"We could not find the postcode {found.postcode}. Check it, or search for "
            "your town or council by name instead."
        )
        return result
    area = Area.objects.select_related("region").filter(gss_code=found.gss_code).first()
    if area is None:  # the lookup knows an area this database has not loaded
        result.problem = "unknown_area"
        result.message = f"{found.postcode} is in an area this directory does not list yet."
        return result
    result.areas = [area]
    result.partnerships = list(Partnership.objects.covering(area).order_by("name"))
    if not result.partnerships:
        result.problem = "no_partnership"
        result.message = (
            f"{where_is(found.postcode, area)} No partnership is recorded for {area.name} yet."
        )
    else:
        result.message = where_is(found.postcode, area)
    return result


def _by_name(query):
    """Partnerships whose names match, then those covering the areas whose names match and
    the areas of the towns and villages whose names match ("Scunthorpe": North Lincolnshire).

    A few queries whatever the data size: one each for partnerships, areas and places by
    name, and one for the partnerships covering the best of those areas."""
    words = query_words(query)
    partnerships = Partnership.objects.all()
    areas = Area.objects.select_related("region")
    places = Place.objects.select_related("area__region")
    for word in words:
        partnerships = partnerships.filter(search_name__contains=word)
        areas = areas.filter(search_name__contains=word)
        places = places.filter(search_name__contains=word)

    by_name = sorted(partnerships[:200], key=lambda p: (rank(query, p.name), p.name))
    matched_areas = sorted(
        areas[:50], key=lambda a: (rank(query, a.name), not a.is_current, a.name)
    )
    # Thousands of places may contain a short word: the database puts the likeliest first.
    matched_places = sorted(
        _likeliest_first(places, words, query)[:50],
        key=lambda p: (rank(query, p.name), -(p.population or 0), p.name),
    )

    # Scores, lower is better: (rank, 0, 0) for a council's or partnership's own name,
    # (rank, 1, -population) for a town or village, so that a council's own name beats a
    # village of that name elsewhere ("Sutton", "Preston"), and a city a hamlet ("Stoke").
    scores = {}  # area pk -> (score, area)
    for score, area in [((rank(query, a.name), 0, 0), a) for a in matched_areas] + [
        ((rank(query, p.name), 1, -(p.population or 0)), p.area) for p in matched_places
    ]:
        if area.pk not in scores or score < scores[area.pk][0]:
            scores[area.pk] = (score, area)
    searched = _best_areas(scores, matched_areas)

    ranked = {p.pk: ((rank(query, p.name), 0, 0), p) for p in by_name}
    for area_pk, partnership in _covering_each(searched):
        score = scores[area_pk][0]
        if partnership.pk not in ranked or score < ranked[partnership.pk][0]:
            ranked[partnership.pk] = (score, partnership)
    if searched:
        # A clearly better name match decides; weaker ones only widen the list.
        best = min(scores[area.pk][0] for area in searched)[:2]
        if best[0] == 0:
            ranked = {pk: value for pk, value in ranked.items() if value[0][:2] <= best}
    ordered = sorted(ranked.values(), key=lambda value: (value[0], value[1].name))
    result = SearchResult(
        query,
        partnerships=[partnership for _, partnership in ordered][:MAX_RESULTS],
        areas=[area for _, area in sorted(scores.values(), key=lambda value: value[0])][
            :MAX_RESULTS
        ],
    )
    exact_partnership = any(rank(query, p.name) == 0 for p in by_name)
    result.choices = [] if exact_partnership else _shared_best(query, matched_areas)
    if result.choices:
        pick = ", or pick a partnership below" if result.partnerships else ""
        result.message = f"More than one council matches “{query}”. Choose the one you mean{pick}."
    elif not result.partnerships:
        _explain_place(result, query, matched_places, scores)
    return result


def _shared_best(query, matched_areas):
    """The current councils, two or more with different names, that share the best score of
    any council's own name ("Newcastle": Newcastle upon Tyne and Newcastle-under-Lyme, though
    a hamlet in Shropshire is called Newcastle); none when one council's name is exact."""
    councils = [(rank(query, area.name), area) for area in matched_areas]
    if not councils:
        return []
    best = min(score for score, _ in councils)
    if best == 0:
        return []
    tied = [area for score, area in councils if score == best]
    current = [area for area in tied if area.is_current] or tied
    named = list({fold(area.name): area for area in current}.values())
    return named if len(named) > 1 else []


MAX_AREAS = 5  # areas matched by their own name, and areas of places, whose LSPs we look up


def _likeliest_first(places, words, query):
    """Places named exactly as typed first, then those starting so, then the biggest."""
    typed = " ".join(words)
    return places.annotate(
        closeness=Case(
            When(search_name__in=[typed, fold(query)], then=Value(0)),
            When(search_name__startswith=typed, then=Value(1)),
            default=Value(2),
        )
    ).order_by("closeness", F("population").desc(nulls_last=True), "name")


def _best_areas(scores, matched_areas):
    """The areas whose partnerships to look up: the best few matched by their own name, as
    before places were searched, and the best few holding a matching place."""
    chosen = {area.pk: area for area in matched_areas[:MAX_AREAS]}
    by_place = sorted(
        (value for value in scores.values() if value[0][1] == 1), key=lambda value: value[0]
    )
    for _, area in by_place[:MAX_AREAS]:
        chosen.setdefault(area.pk, area)
    return list(chosen.values())


def _covering_each(areas):
    """(area pk, partnership) for each partnership covering each area, in one query."""
    querysets = [
        Partnership.objects.covering(area).annotate(via_area=Value(area.pk)).order_by()
        for area in areas
    ]
    if not querysets:
        return []
    combined = querysets[0].union(*querysets[1:], all=True)
    return [(partnership.via_area, partnership) for partnership in combined]


def _explain_place(result, query, matched_places, scores):
    """When the best match is a town with no partnership: say where it is and that no
    partnership is recorded there, as a postcode search does."""
    if not matched_places:
        return
    best = rank(query, matched_places[0].name)
    best_places = [p for p in matched_places if rank(query, p.name) == best]
    areas = list({p.area.pk: p.area for p in best_places}.values())
    councils = [score[0] for score, _ in scores.values() if score[1] == 0]
    if councils and (best > 0 or min(councils) == 0):
        return  # a council's own name matched too, and the place's no better
    if len(areas) == 1:
        place, area = best_places[0], areas[0]
        same = query_words(place.name) == query_words(area.name)  # "Bristol, City of"
        where = "" if same else f"{place.name} is in {area.name}. "
        result.problem = "no_partnership"
        result.message = f"{where}No partnership is recorded for {area.name} yet."
        # The area the message links to comes first.
        result.areas = [area] + [other for other in result.areas if other != area]
    elif best == 0:
        names = [area.name for area in areas]
        result.problem = "no_partnership"
        result.message = (
            f"There are places called {best_places[0].name} in "
            f"{', '.join(names[:-1])} and {names[-1]}. No partnership is recorded for "
            f"{'either' if len(names) == 2 else 'any'} of them yet."
        )


# Trigram similarity, as PostgreSQL's pg_trgm computes it: each alphanumeric word padded
# with two spaces before and one after, cut into three-letter pieces; the share of the
# pieces of both that they have in common. "hartlepol" ~ "hartlepool": 0.75.
SIMILAR_ENOUGH = 0.3  # pg_trgm's own default threshold for the % operator
MAX_SUGGESTIONS = 3
_WORD = re.compile(r"[a-z0-9]+")


def trigrams(text):
    pieces = set()
    for word in _WORD.findall(text.lower()):
        padded = f"  {word} "
        pieces.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return pieces


def similarity(a, b):
    a, b = trigrams(a), trigrams(b)
    if not a or not b:
        return 0.0
    shared = len(a & b)
    return shared / (len(a) + len(b) - shared)


def edits(a, b):
    """Letters to insert, delete, change or swap with a neighbour to turn a into b (optimal
    string alignment distance)."""
    previous, current = None, list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        before, previous, current = previous, current, [i] + [0] * len(b)
        for j, y in enumerate(b, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y))
            if i > 1 and j > 1 and x == b[j - 2] and a[i - 2] == y:
                current[j] = min(current[j], before[j - 2] + 1)
    return current[-1]


# Kinds of name, in the order that breaks a tie.
REGION, COUNCIL, PARTNERSHIP, PLACE = range(4)


def _did_you_mean(query, regions):
    """The result for the name most like a query that matched nothing, with the few most
    alike as suggestions; None when nothing is similar enough."""
    typed = fold(query)
    if len(typed) < 3:
        return None
    candidates = [(similarity(typed, fold(r.name)), REGION, 0, r.name) for r in regions]
    candidates += _similar_in_database(typed)
    # Trigrams find the candidates; the fewest letters to change orders them, so that a
    # swapped pair ("Brimingham") still means Birmingham rather than a village (Gimingham).
    candidates = sorted(
        (c for c in candidates if c[0] >= SIMILAR_ENOUGH),
        key=lambda c: (edits(typed, fold(c[3])), -c[0], c[1], c[2], c[3]),
    )
    names = list(dict.fromkeys(c[3] for c in candidates))  # best first, each name once
    if not names:
        return None
    best = names[0]
    if _region_named(best, regions):
        result = SearchResult(query)  # the suggestion's link leads to the region
    else:
        result = _by_name(best)
        result.query = query
    result.suggestions = names[:MAX_SUGGESTIONS]
    nothing = f"We found nothing called “{query}”."
    if result.message:
        result.message = f"{nothing} {result.message}"
    else:
        result.problem = "did_you_mean"
        shown = f" Showing results for {best}." if result.partnerships or result.areas else ""
        result.message = nothing + shown
    return result


def _similar_in_database(typed):
    """The most alike names of each kind, one query each. On PostgreSQL pg_trgm's `%` and
    `similarity`, from the GIN trigram indexes; on SQLite the same measure as a function
    the connection calls (each name's trigrams worked out once per process and kept)."""
    if connection.vendor == "postgresql":
        from django.contrib.postgres.lookups import TrigramSimilar
        from django.contrib.postgres.search import TrigramSimilarity

        def similar(queryset):
            return queryset.filter(TrigramSimilar(F("search_name"), Value(typed))).annotate(
                alike=TrigramSimilarity("search_name", Value(typed))
            )
    else:
        connection.ensure_connection()
        connection.connection.create_function(
            "trigram_similarity", 2, _sqlite_similarity, deterministic=True
        )

        def similar(queryset):
            alike = Func(
                F("search_name"),
                Value(typed),
                function="trigram_similarity",
                output_field=FloatField(),
            )
            return queryset.annotate(alike=alike).filter(alike__gte=SIMILAR_ENOUGH)

    found = []
    for kind, queryset, size in [
        (COUNCIL, Area.objects.filter(is_current=True), None),
        (PARTNERSHIP, Partnership.objects.all(), None),
        (PLACE, Place.objects.all(), "population"),
    ]:
        rows = (
            similar(queryset)
            .order_by("-alike", *([F(size).desc(nulls_last=True)] if size else []), "name")
            .values_list("alike", "name", *([size] if size else []))[: MAX_SUGGESTIONS * 2]
        )
        found += [(row[0], kind, -(row[2] or 0) if size else 0, row[1]) for row in rows]
    return found


@functools.lru_cache(maxsize=200_000)
def _trigrams_of(text):
    return frozenset(trigrams(text))


def _sqlite_similarity(a, b):
    if a is None or b is None:
        return 0.0
    a, b = _trigrams_of(a), _trigrams_of(b)
    shared = len(a & b)
    return shared / (len(a) + len(b) - shared) if shared else 0.0
