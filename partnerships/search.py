"""What the one search box understands: a postcode, or a town, council or partnership name.

`find(query)` returns a `SearchResult`: the partnerships that match, best first, the areas
that matched, and a message for the user when there is something to explain.
"""

from dataclasses import dataclass, field

from . import postcodes
from .models import Area, Partnership
from .text import query_words, rank

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
    """Partnerships whose names match, then those covering the areas whose names match."""
    words = query_words(query)
    partnerships = Partnership.objects.all()
    areas = Area.objects.select_related("region")
    for word in words:
        partnerships = partnerships.filter(search_name__contains=word)
        areas = areas.filter(search_name__contains=word)

    by_name = sorted(partnerships[:200], key=lambda p: (rank(query, p.name), p.name))
    matched_areas = sorted(
        areas[:50], key=lambda a: (rank(query, a.name), not a.is_current, a.name)
    )
    ranked = {p.pk: (rank(query, p.name), p) for p in by_name}
    if matched_areas:
        best_area_rank = rank(query, matched_areas[0].name)
        for area in matched_areas[:5]:
            for partnership in Partnership.objects.covering(area):
                score = (rank(query, area.name), partnership)
                if partnership.pk not in ranked or score[0] < ranked[partnership.pk][0]:
                    ranked[partnership.pk] = score
        # A clearly better name match decides; weaker ones only widen the list.
        if best_area_rank == 0:
            ranked = {pk: value for pk, value in ranked.items() if value[0] == 0}
    ordered = sorted(ranked.values(), key=lambda value: (value[0], value[1].name))
    return SearchResult(
        query,
        partnerships=[partnership for _, partnership in ordered][:MAX_RESULTS],
        areas=matched_areas[:MAX_RESULTS],
    )
