"""Request logging, and a calm 503 page when the database is away."""

import json
import logging
import time

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string

from . import database
from .client import client_key

request_log = logging.getLogger("lsp_directory.requests")
log = logging.getLogger(__name__)


class JsonFormatter(logging.Formatter):
    def format(self, record):
        entry = {"time": self.formatTime(record), "level": record.levelname}
        entry.update(getattr(record, "fields", {"message": record.getMessage()}))
        return json.dumps(entry)


class RequestLogMiddleware:
    """One structured line per request: method, path, status, duration, user kind, client.

    The client is the keyed hash that the report rate limit stores (lsp_directory.client),
    never the address: one client's requests can be followed, and a log in which every line
    has the same client says that TRUSTED_PROXY_HOPS does not match the proxies in front.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        fields = {
            "method": request.method,
            "path": request.path,
            "status": response.status_code,
            "ms": round((time.perf_counter() - started) * 1000, 1),
            "staff": bool(getattr(getattr(request, "user", None), "is_staff", False)),
            "client": client_key(request),
        }
        level = logging.WARNING if response.status_code >= 500 else logging.INFO
        request_log.log(level, "%(method)s %(path)s %(status)s", fields, extra={"fields": fields})
        return response


class DatabaseUnavailableMiddleware:
    """A database that is down, goes away mid-request or stops answering gives a 503 page,
    not a traceback, within seconds: the connections a request opens wait only so long
    (lsp_directory/database.py).

    Django closes the broken connection at the end of the request and health-checks it
    before reuse (CONN_HEALTH_CHECKS), so the site recovers by itself when the database does.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        database.limit_requests()

    def __call__(self, request):
        try:
            return self.get_response(request)
        except (OperationalError, InterfaceError) as error:
            return self.unavailable(error)

    def process_exception(self, request, exception):
        if isinstance(exception, (OperationalError, InterfaceError)):
            return self.unavailable(exception)
        return None

    def unavailable(self, error):
        log.error("Database unavailable: %s", error)
        # Rendered without a request: context processors would query the database.
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = "30"
        return response
