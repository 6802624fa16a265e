"""Django's PostgreSQL backend (psycopg 3), with limits on how long the site waits for the
server (lsp_directory/database.py says which connections get which).

Why a client-side limit as well as the server's statement_timeout: the server enforces its
timeout only while it works. A server that accepts connections and never answers (hung,
stopped, or a proxy or network in between that swallows everything) never sends the error,
and TCP sees nothing wrong: keepalives and tcp_user_timeout only notice data that is never
acknowledged, and a stalled peer's kernel still acknowledges it (tests/test_database_stall.py
shows a query through such a stall waiting past both). So the psycopg connection itself stops
waiting: every step that waits for the server (a statement's result, a fetch of a streamed
query, a commit, the health check) gives up after `answer_timeout`, closes the connection and
raises OperationalError, which the middleware turns into the 503 page.
"""

from contextlib import contextmanager

import psycopg
from django.db.backends.postgresql import base
from django.db.transaction import TransactionManagementError

from lsp_directory.database import is_serving_request

# Our OPTIONS, in milliseconds like PostgreSQL's setting; not passed to libpq.
LIMITS = ("statement_timeout", "long_statement_timeout")
# How much longer than the server's statement timeout the client waits, so that a server
# that is merely slow answers with its own error first.
GRACE_SECONDS = 1.0


def answer_seconds(statement_timeout_ms):
    return statement_timeout_ms / 1000 + GRACE_SECONDS if statement_timeout_ms else None


class Connection(psycopg.Connection):
    """A psycopg connection that waits at most answer_timeout seconds (None: no limit) for
    any one answer from the server, then closes itself."""

    answer_timeout = None

    def wait(self, gen, *args, timeout=None, **kwargs):
        if timeout is not None or self.answer_timeout is None:
            return super().wait(gen, *args, timeout=timeout, **kwargs)
        try:
            return super().wait(gen, *args, timeout=self.answer_timeout, **kwargs)
        except psycopg.errors._WaitTimeout:  # psycopg's own, to be converted by its caller
            # The server may still answer later: the connection is in an unknown state.
            self.pgconn.finish()
            raise psycopg.OperationalError(
                f"the database did not answer within {self.answer_timeout:g} s; connection closed"
            ) from None


class DatabaseWrapper(base.DatabaseWrapper):
    def limit(self, name):
        """One of LIMITS, in ms: 0 is no limit, None not configured."""
        value = self.settings_dict["OPTIONS"].get(name)
        return None if value is None else int(value)

    def get_connection_params(self):
        params = super().get_connection_params()
        for name in LIMITS:
            params.pop(name, None)
        return params

    def get_new_connection(self, conn_params):
        statement_timeout = self.limit("statement_timeout") if is_serving_request() else None
        if statement_timeout:
            # Set when the connection starts (libpq's options): no query of its own.
            options = f"{conn_params.get('options', '')} -c statement_timeout={statement_timeout}"
            conn_params = {**conn_params, "options": options.strip()}
        connection = super().get_new_connection(conn_params)
        # psycopg.connect() cannot be told which class to build; Connection only overrides
        # wait(), so the one it built can become one.
        connection.__class__ = Connection
        connection.answer_timeout = answer_seconds(statement_timeout)
        return connection

    @contextmanager
    def answering_within(self, seconds):
        raw = self.connection
        previous = raw.answer_timeout
        raw.answer_timeout = seconds
        try:
            yield
        finally:
            raw.answer_timeout = previous

    def is_usable(self):
        """The health check before a kept connection is reused (CONN_HEALTH_CHECKS): a
        "SELECT 1" waits no longer than connecting would."""
        if self.connection is None:
            return False
        connect_timeout = self.settings_dict["OPTIONS"].get("connect_timeout")
        with self.answering_within(float(connect_timeout) if connect_timeout else None):
            return super().is_usable()

    @contextmanager
    def long_statements(self):
        """This transaction's statements may run for long_statement_timeout, on the server
        (SET LOCAL: back to the connection's own when the transaction ends) and in the
        client."""
        if not self.in_atomic_block:
            raise TransactionManagementError("long_statements() is for inside atomic()")
        limit = self.limit("long_statement_timeout")
        if limit is None:
            yield
            return
        self.ensure_connection()
        # On the psycopg connection, as Django sets the time zone and role: a setting of the
        # session, not one of the page's queries (which tests count).
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT set_config('statement_timeout', %s, true)", [str(limit)])
        with self.answering_within(answer_seconds(limit)):
            yield
