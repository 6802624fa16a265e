import logging

from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

log = logging.getLogger(__name__)


@never_cache
def healthz(request):
    """200 when the app can reach its database; 503 otherwise (for load balancers).

    Anyone may ask, so the 503 says only "unavailable": what went wrong (which names the
    database's host and port) goes to the log."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # any failure to reach the database is "unhealthy"
        log.error("Health check failed: the database did not answer: %s", error)
        return JsonResponse({"status": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": connection.vendor})
