"""The API keeps its documented promise for any request a client can make: schemathesis
generates requests from the OpenAPI document (valid and invalid filters, ids, pages) and
checks every answer: never a server error, and each status, content type and body as the
document says (issue 13, point 2). It runs in `make test` on SQLite and on PostgreSQL."""

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from lsp_directory.wsgi import application

from .test_open_data_api import directory

schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", application)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def some_records(db, settings):
    settings.API_RATE = "100000/minute"  # the test asks far faster than any client may
    settings.ALLOWED_HOSTS = ["*"]
    directory()
    # The application is called as a server would call it, so it would close the database
    # connection after each request, and with it the test's transaction; Django's test
    # client keeps it open the same way.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_answer_is_as_documented(case, some_records):
    case.call_and_validate(checks=CHECKS)
