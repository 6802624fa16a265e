"""Whole-page caching for the public pages that are costly at national scale, kept correct
by a stamp of the data: any saved, imported or deleted record changes the stamp, and with it
every cache key, so no page outlives the data it shows.

The stamp is the highest id of each curated table and of its history table: a save, import
or deletion in the admin or an import writes a history row; a raw bulk insert still adds ids.
Only writes that bypass both (a raw UPDATE in the shell) wait for CACHE_SECONDS to expire.
"""

import functools
import hashlib
import logging
from urllib.parse import urlencode

import redis
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import QueryDict
from django.utils import timezone

log = logging.getLogger(__name__)
CACHE_ERRORS = (redis.exceptions.RedisError, OSError)


def stamped_models():
    """Every curated model: what public pages show."""
    from partnerships.models import curated_models

    return curated_models()


@functools.cache
def _stamp_sql():
    parts = []
    for model in stamped_models():
        history = model.history.model
        parts.append(f"(SELECT MAX(id) FROM {connection.ops.quote_name(model._meta.db_table)})")
        parts.append(
            f"(SELECT MAX(history_id) FROM {connection.ops.quote_name(history._meta.db_table)})"
        )
    return "SELECT " + ", ".join(parts)


def data_stamp():
    """One cheap query (index look-ups only) whose answer changes whenever the data does."""
    with connection.cursor() as cursor:
        cursor.execute(_stamp_sql())
        return "-".join(str(value or 0) for value in cursor.fetchone())


def page_number(value):
    """The page number as the paginator reads it (Paginator.get_page): the first page (the
    default, None) unless a whole number above 1; "0" for any below 1, which all show the last
    page."""
    try:
        number = int(value)
    except ValueError:
        return None
    return None if number == 1 else str(max(number, 0))


# The parameters that a paginated page reads besides its FilterSet's.
PAGE = {"page": page_number}


def _widget_names(name, widget):
    """The query parameters a form field's widget reads (a range reads two)."""
    if hasattr(widget, "widgets_names"):
        return [name + suffix for suffix in widget.widgets_names]
    return [name]


class Understood:
    """The query parameters that a page reads: its FilterSet's fields and `params` (name ->
    function giving the canonical value, or None for the default).

    normalise() keeps only those, each once (the last, as a form reads it; every value,
    sorted, for a field that takes several), and drops empty and default values; the cache
    key sorts them. `?z=1&status=current&sector=vcs` and `?sector=vcs` are the same page."""

    def __init__(self, filterset=None, params=None):
        self.filterset = filterset
        self.params = dict(params or {})

    @functools.cached_property
    def fields(self):
        """parameter -> whether it takes several values (read when first needed, not when
        the URLs are loaded)."""
        if self.filterset is None:
            return {}
        return {
            parameter: getattr(field.widget, "allow_multiple_selected", False)
            for name, field in self.filterset().form.fields.items()
            for parameter in _widget_names(name, field.widget)
        }

    @functools.cached_property
    def defaults(self):
        """What the FilterSet fills in when a value is missing (SeatFilter: current seats)."""
        return {} if self.filterset is None else self.filterset(QueryDict()).data.dict()

    def normalise(self, query):
        normal = QueryDict(mutable=True)
        for name in [name for name in query if name in self.fields or name in self.params]:
            if name in self.params:
                values = [self.params[name](query[name])]
            elif self.fields[name]:
                values = sorted(set(query.getlist(name)))
            else:
                values = [query[name]]
            values = [v for v in values if v not in (None, "", self.defaults.get(name))]
            if values:
                normal.setlist(name, values)
        normal._mutable = False
        return normal

    def accepts(self, query, request):
        """Whether the page takes every value: one it refuses shows an error naming it, a
        page that only that query gets, never stored. Asked of the FilterSet the view made
        for this request (partnerships.filters.FilterSet keeps it on the request), already
        validated, or of a new one if the view made none."""
        if self.filterset is None:
            return True
        made = getattr(request, "filterset", None)
        if type(made) is not self.filterset:
            made = self.filterset(query, request=request)
        return made.is_valid()


def _cache_call(method, *args):
    """A cache that is away (Redis down) costs speed, not the page: it is made and served
    uncached, and the failure logged."""
    try:
        return method(*args)
    except CACHE_ERRORS as error:
        log.warning("Page cache unavailable: %s", error)
        return None


def cached_until_data_changes(view, *, filterset=None, params=None):
    """Serve a GET from the cache while the data is unchanged. Only anonymous, successful,
    non-streaming responses are stored: nothing personal or partial is ever shared.

    The key is the path, the query parameters the page understands (its `filterset`'s
    fields and `params`, normalised by Understood) and the data stamp; any other parameter
    is ignored, so `?z=<random>` is the page without it, served from the cache, and adds no
    entry. The view is given exactly the normalised query, so a stored page shows nothing
    of the parameters it was not keyed on (its links carry the normalised query too). A page
    for a value it refuses (`?region=atlantis`) is made each time and never stored."""
    understood = Understood(filterset, params)

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method != "GET" or request.user.is_authenticated:
            return view(request, *args, **kwargs)
        query = understood.normalise(request.GET)
        parameters = urlencode(sorted(query.lists()), doseq=True)
        # Today's date too: pages say what is current, ending soon or open "today".
        day = timezone.localdate().isoformat()
        seen = f"{request.path}?{parameters}|{data_stamp()}|{day}"
        digest = hashlib.sha256(seen.encode()).hexdigest()
        key = f"page:{view.__module__}.{view.__name__}:{digest}"
        cached = _cache_call(cache.get, key)
        if cached is not None:
            return cached
        raw, request.GET = request.GET, query
        try:
            response = view(request, *args, **kwargs)
            storable = response.status_code == 200 and not response.streaming
            if storable and understood.accepts(query, request):
                if hasattr(response, "render"):
                    response.render()
                _cache_call(cache.set, key, response, settings.CACHE_SECONDS)
        finally:
            request.GET = raw
        return response

    return wrapper
