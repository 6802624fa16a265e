"""How long the site waits for its database.

A page must not hang when the database stalls. On PostgreSQL (lsp_directory/postgresql),
every connection has a connect timeout (DB_CONNECT_TIMEOUT), and the health check before a
kept connection is reused waits no longer. A connection opened while a request is served
(from its start to the last byte of its response) also has a statement timeout that the
server enforces (DB_STATEMENT_TIMEOUT) and a client-side limit on how long it waits for any
answer (that timeout and a second more), and keeps them for the requests that reuse it
(CONN_MAX_AGE). A server that never answers, or a network that drops everything, gives the
503 page (middleware.DatabaseUnavailableMiddleware) within seconds: measured with the
defaults, 3 to 6 s (tests/test_database_stall.py). The stalled connection is closed, and
the next request opens a new one, so the site recovers by itself.

Imports and exports run longer statements: long_statements() gives one transaction
DB_LONG_STATEMENT_TIMEOUT, on the server and in the client. Management commands (migrate,
load_demo, the benchmark's bulk COPY of 500,000 rows) keep no one waiting on a page, so
their connections have only the connect timeout (and an import's long one). SQLite has none
of these: it is a file read in the same process, and a writer waits for the write lock
(settings) instead.
"""

import contextvars
import functools
from contextlib import contextmanager

from django.core.signals import request_finished, request_started
from django.db import DEFAULT_DB_ALIAS, connections, transaction

_serving_request = contextvars.ContextVar("serving_request", default=False)


def _request_started(**kwargs):
    _serving_request.set(True)


def _request_finished(**kwargs):
    _serving_request.set(False)


def limit_requests():
    """From now on, connections opened while a request is served, from its start to the last
    byte of its response (a streamed download too), get the limits of a page. Called once
    when the site's middleware loads, before the first request."""
    request_started.connect(_request_started, dispatch_uid="lsp_directory.database.started")
    request_finished.connect(_request_finished, dispatch_uid="lsp_directory.database.finished")


@contextmanager
def serving_request():
    """As while a request is served (for tests and scripts)."""
    token = _serving_request.set(True)
    try:
        yield
    finally:
        _serving_request.reset(token)


def is_serving_request():
    return _serving_request.get()


@contextmanager
def long_statements(using=DEFAULT_DB_ALIAS):
    """Inside a transaction: its statements may run for DB_LONG_STATEMENT_TIMEOUT (imports,
    exports). Nothing on a database without limits (SQLite)."""
    connection = connections[using]
    if not hasattr(connection, "long_statements"):
        yield
        return
    with connection.long_statements():
        yield


def streamed_with_long_statements(generator_function):
    """For a generator that streams a download from the database: its queries run in one
    transaction with long_statements(), from the first row to the last.

    Not on SQLite, whose transactions here take the write lock (settings): a download would
    keep every curator from saving until it ended."""

    @functools.wraps(generator_function)
    def streamed(*args, **kwargs):
        connection = connections[DEFAULT_DB_ALIAS]
        if not hasattr(connection, "long_statements"):
            yield from generator_function(*args, **kwargs)
            return
        # savepoint=False: a read needs none, and a transaction already open (a test's)
        # gets no extra queries.
        with transaction.atomic(savepoint=False), connection.long_statements():
            try:
                yield from generator_function(*args, **kwargs)
            except GeneratorExit:  # the download stopped early (client gone): a read, nothing
                return  # to undo, and an enclosing transaction must not be marked as failed

    return streamed
