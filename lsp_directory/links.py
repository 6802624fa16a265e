"""URLs of records by slug, made without a reverse() each: a page listing a few hundred
seats links every person, organisation and area, and reverse() costs about 60 µs a call.
Each URL name is reversed once (per script prefix) with a placeholder, and a slug is put in
its place, quoted as reverse() would quote it."""

import functools
import re
from urllib.parse import quote

from django.urls import get_script_prefix, reverse
from django.utils.http import RFC3986_SUBDELIMS

SAFE_SLUG = re.compile(r"[-\w.~]+", re.ASCII)  # what quote() and quote_plus() leave alone
REVERSE_SAFE = RFC3986_SUBDELIMS + "/~:@"  # what reverse() leaves unquoted in an argument
PLACEHOLDER = "slug-placeholder"


@functools.lru_cache(maxsize=64)
def _halves(name, script_prefix, before):
    return tuple(reverse(name, args=[*before, PLACEHOLDER]).split(PLACEHOLDER))


def slug_url(name, slug, *before):
    """reverse(name, args=[*before, slug]), for a URL whose last argument is a slug (or a
    number, as a string). before: arguments of a few fixed values (each pair is cached)."""
    prefix, suffix = _halves(name, get_script_prefix(), before)
    return (
        f"{prefix}{slug if SAFE_SLUG.fullmatch(slug) else quote(slug, safe=REVERSE_SAFE)}{suffix}"
    )
