"""What the one search box understands: a postcode, or a town, council or partnership name.

`find(query)` returns a `SearchResult`: the partnerships that match, best first, the areas
that matched, and a message for the user when there is something to explain.
"""

from dataclasses import dataclass, field

from django.db.models import Case, F, Value, When

from . import postcodes
from .models import Area, Partnership, Place
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

    @property
    def single(self):
        """The one partnership to send the user straight to, if the search was that clear."""
        return self.partnerships[0] if len(self.partnerships) == 1 else None


def find(query):
    query = (query or "").strip()[:MAX_QUERY_LENGTH]
    if not query:
        return SearchResult(
            query, problem="empty", message="Enter a place, council, partnership name or postcode."
        )
    if postcodes.looks_like_postcode(query):
        return _by_postcode(query)
    result = _by_name(query)
    if not result.partnerships and not result.areas:
        if postcodes.looks_like_outward_code(query):
            result.problem = "partial_postcode"
            result.message = (
                f"“{query}” looks like the first half of a postcode. Enter the whole "
                "postcode, such as SW1A 1AA, so we can find the right council."
            )
        else:
            result.problem = "no_match"
            result.message = (
                f"We found no partnership, council or place called “{query}”. Check the "
                "spelling, try the name of your council, or use your postcode."
            )
    return result


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
            f"{found.postcode} is in {area.name}. No partnership is recorded for {area.name} yet."
        )
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
    if not result.partnerships:
        _explain_place(result, query, matched_places, scores)
    return result


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
