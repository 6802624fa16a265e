"""Whole-page caching for the public pages that are costly at national scale, kept correct
by a stamp of the data: any saved, imported or deleted record changes the stamp, and with it
every cache key, so no page outlives the data it shows.

The stamp is the highest id of each curated table and of its history table: a save, import
or deletion in the admin or an import writes a history row; a raw bulk insert still adds ids.
Only writes that bypass both (a raw UPDATE in the shell) wait for CACHE_SECONDS to expire.
"""

import functools
import hashlib

from django.conf import settings
from django.core.cache import cache
from django.db import connection


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


def cached_until_data_changes(view):
    """Serve a GET from the cache while the data is unchanged. Only anonymous, successful,
    non-streaming responses are stored: nothing personal or partial is ever shared."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method != "GET" or request.user.is_authenticated:
            return view(request, *args, **kwargs)
        path = request.get_full_path()
        digest = hashlib.sha256(f"{path}|{data_stamp()}".encode()).hexdigest()
        key = f"page:{view.__module__}.{view.__name__}:{digest}"
        cached = cache.get(key)
        if cached is not None:
            return cached
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.streaming:
            if hasattr(response, "render"):
                response.render()
            cache.set(key, response, settings.CACHE_SECONDS)
        return response

    return wrapper
