"""A database that stalls (accepts connections, then never answers) gives the 503 page within
seconds, and the site recovers by itself when it answers again; /healthz tells strangers
nothing about the database. Pages wait only so long; imports and exports may take longer.

The stall is real: a TCP proxy on 127.0.0.1 between the site and PostgreSQL that, on command,
stops forwarding in both directions but keeps every socket open (new connections too are
accepted and then held), as a hung server or a network that swallows packets would."""

import json
import os
import select
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.db.utils import load_backend

from curation.imports import IMPORT_LOCK_KEY, file_import
from lsp_directory.database import long_statements, serving_request

from .factories import SeatFactory
from .test_curator_import import seat_rows, to_csv

ROOT = Path(__file__).resolve().parent.parent


def needs_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("statement timeouts and network stalls are PostgreSQL's; SQLite is a file")


class StallingProxy:
    """Forwards 127.0.0.1:port to PostgreSQL until stall(); then forwards nothing, either way,
    and holds every socket open (and accepts new connections without forwarding them) until
    resume()."""

    def __init__(self, upstream):
        self.upstream = upstream
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.1)
        self.port = self.listener.getsockname()[1]
        self.stalled = threading.Event()
        self.closing = threading.Event()
        self.sockets = [self.listener]
        self.threads = [threading.Thread(target=self._accept, daemon=True)]
        self.threads[0].start()

    def stall(self):
        self.stalled.set()

    def resume(self):
        self.stalled.clear()

    def _accept(self):
        while not self.closing.is_set():
            try:
                client, _ = self.listener.accept()
            except TimeoutError:
                continue
            self.sockets.append(client)
            thread = threading.Thread(target=self._forward, args=(client,), daemon=True)
            self.threads.append(thread)
            thread.start()

    def _forward(self, client):
        server = None
        while not self.closing.is_set():
            if self.stalled.is_set():
                time.sleep(0.05)
                continue
            if server is None:
                server = socket.create_connection(self.upstream, timeout=5)
                self.sockets.append(server)
            readable, _, _ = select.select([client, server], [], [], 0.1)
            for source in readable:
                try:
                    data = source.recv(65536)
                    if data:
                        (server if source is client else client).sendall(data)
                        continue
                except OSError:
                    pass
                client.close()
                server.close()
                return

    def close(self):
        self.closing.set()
        for thread in self.threads:
            thread.join(timeout=5)
        for sock in self.sockets:
            sock.close()


@pytest.fixture
def proxy():
    settings_dict = connection.settings_dict
    stalling = StallingProxy(
        (settings_dict["HOST"] or "127.0.0.1", int(settings_dict["PORT"] or 5432))
    )
    yield stalling
    stalling.close()


def free_port():
    with socket.create_server(("127.0.0.1", 0)) as probe:
        return probe.getsockname()[1]


@contextmanager
def gunicorn(database_url, log_path, **env):
    """The production server (two sync workers, the README's --timeout 120) on a free port,
    with its log in log_path; stopped by its own process id."""
    port = free_port()
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DB_")},
        "DATABASE_URL": database_url,
        "SECRET_KEY": settings.SECRET_KEY,
        "DEBUG": "true",  # plain static files: no collectstatic here
        "ALLOWED_HOSTS": "127.0.0.1",
        **env,
    }
    with open(log_path, "w") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "lsp_directory.wsgi"]
            + ["--bind", f"127.0.0.1:{port}", "--workers", "2", "--timeout", "120"],
            cwd=ROOT,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 30
            while True:
                assert server.poll() is None, log_path.read_text()
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    assert time.monotonic() < deadline, "gunicorn did not start in 30 s"
                    time.sleep(0.2)
            yield f"http://127.0.0.1:{port}"
        finally:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def get(url, timeout=30):
    """(status, body, seconds): at most `timeout` seconds, whatever the server does."""
    started = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            status, body = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, body = error.code, error.read()
    return status, body, time.monotonic() - started


def database_url(port):
    settings_dict = connection.settings_dict
    return f"postgres://{settings_dict['USER']}@127.0.0.1:{port}/{settings_dict['NAME']}"


@pytest.mark.django_db(transaction=True)
def test_a_stalled_database_gives_the_503_page_in_seconds_and_the_site_recovers(proxy, tmp_path):
    """With the default limits (connect 3 s, statement 5 s): before, pages and /healthz
    waited until gunicorn killed the worker (120 s)."""
    needs_postgresql()
    log_path = tmp_path / "gunicorn.log"
    with gunicorn(database_url(proxy.port), log_path) as site:
        for _ in range(4):  # both workers hold a connection, kept for the next requests
            assert get(f"{site}/partnerships/")[0] == 200
            assert get(f"{site}/healthz")[0] == 200

        proxy.stall()
        timings = {}
        for path in ["/healthz", "/partnerships/", "/healthz", "/representation/"]:
            status, body, seconds = get(f"{site}{path}")
            timings.setdefault(path, []).append(round(seconds, 1))
            assert status == 503, (path, status, body[:200])
            assert seconds < 10, (path, seconds)
            if path == "/healthz":
                assert json.loads(body) == {"status": "unavailable"}
            else:
                assert b"the directory is unavailable" in body

        proxy.resume()
        recovered = {path: get(f"{site}{path}") for path in ["/partnerships/", "/healthz"]}
        assert {path: status for path, (status, _, _) in recovered.items()} == {
            "/partnerships/": 200,
            "/healthz": 200,
        }
        assert all(seconds < 5 for _, _, seconds in recovered.values()), recovered
    print("stalled:", timings, "recovered:", {p: round(s, 2) for p, (_, _, s) in recovered.items()})
    log = log_path.read_text()
    assert "Health check failed" in log  # the details are in the log, not in the answer
    assert "WORKER TIMEOUT" not in log


@pytest.mark.parametrize("vendor", ["sqlite", "postgresql"])
def test_healthz_says_only_unavailable_and_logs_why(tmp_path, vendor):
    """What went wrong names the database's host and port, or its file: it goes to the
    log, and a stranger gets a plain 503."""
    if vendor == "sqlite":
        url, detail = f"sqlite:///{tmp_path}/no-such-folder/directory.sqlite3", "unable to open"
    else:
        port = free_port()  # nothing listens there
        url, detail = f"postgres://postgres@127.0.0.1:{port}/lsp", f"port {port}"
    log_path = tmp_path / "gunicorn.log"
    with gunicorn(url, log_path) as site:
        status, body, _ = get(f"{site}/healthz")
    assert status == 503
    assert json.loads(body) == {"status": "unavailable"}
    assert detail in log_path.read_text()


# The limits themselves, in this process, on connections of our backend.


@pytest.fixture
def limits():
    """Reopen the test database's connection, as a request would, with the given limits
    (ms); the settings come back afterwards."""
    needs_postgresql()
    saved = dict(connection.settings_dict["OPTIONS"])

    def reopen(serving=True, **options):
        connection.close()
        connection.settings_dict["OPTIONS"] = {**saved, **options}
        if serving:
            with serving_request():
                connection.ensure_connection()
        else:
            connection.ensure_connection()

    yield reopen
    connection.close()
    connection.settings_dict["OPTIONS"] = saved


def show_statement_timeout():
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_a_page_statement_is_stopped_by_the_server_and_commands_are_not_limited(limits):
    limits(statement_timeout=300)
    assert show_statement_timeout() == "300ms"
    started = time.monotonic()
    with pytest.raises(OperationalError, match="statement timeout"):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_sleep(5)")
    assert time.monotonic() - started < 2

    limits(serving=False, statement_timeout=300)  # manage.py, the benchmark
    assert show_statement_timeout() == "0"


@pytest.mark.django_db(transaction=True)
def test_an_answer_that_never_comes_is_given_up_where_tcp_limits_wait_on(proxy):
    """Through the stall, a plain psycopg connection with keepalives and tcp_user_timeout of
    a second still waits 4 s later (the proxy's kernel acknowledges everything), while a
    connection of our backend gives up after its limit (statement timeout + 1 s), closes,
    and the next connection works once the database answers."""
    needs_postgresql()
    settings_dict = connection.settings_dict
    plain = psycopg.connect(
        host="127.0.0.1", port=proxy.port, user=settings_dict["USER"],
        dbname=settings_dict["NAME"], autocommit=True, keepalives=1, keepalives_idle=1,
        keepalives_interval=1, keepalives_count=1, tcp_user_timeout=1000,
    )  # fmt: skip
    backend = load_backend(settings_dict["ENGINE"])
    ours = backend.DatabaseWrapper(
        {
            **settings_dict,
            "HOST": "127.0.0.1",
            "PORT": proxy.port,
            "OPTIONS": {**settings_dict["OPTIONS"], "statement_timeout": 1000},
        },
        alias="through_the_proxy",
    )
    with serving_request():
        ours.ensure_connection()
    for db in (plain, ours.connection):
        assert db.execute("SELECT 1").fetchone() == (1,)

    proxy.stall()
    plain_answer = {}

    def ask_plain():
        try:
            plain_answer["rows"] = plain.execute("SELECT 1").fetchall()
        except Exception as error:  # reported below
            plain_answer["error"] = error

    waiting = threading.Thread(target=ask_plain, daemon=True)
    waiting.start()
    started = time.monotonic()
    with pytest.raises(OperationalError, match="did not answer within 2 s"):
        with ours.cursor() as cursor:
            cursor.execute("SELECT 1")
    gave_up = time.monotonic() - started
    assert 1.5 < gave_up < 3.5, gave_up
    assert not ours.is_usable()
    waiting.join(timeout=max(0, 4 - gave_up))
    assert waiting.is_alive() and not plain_answer  # still waiting

    proxy.resume()
    ours.close()
    with ours.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)
    ours.close()
    waiting.join(timeout=10)
    plain.close()


@contextmanager
def held_for(seconds, sql, params=()):
    """Another session runs sql (taking a lock) in a transaction held for `seconds`."""
    settings_dict = connection.settings_dict
    other = psycopg.connect(
        host=settings_dict["HOST"] or "127.0.0.1", port=settings_dict["PORT"] or 5432,
        user=settings_dict["USER"], dbname=settings_dict["NAME"],
    )  # fmt: skip
    other.execute(sql, params)
    release = threading.Timer(seconds, other.commit)
    release.start()
    try:
        yield
    finally:
        release.join()
        other.close()


@pytest.mark.django_db(transaction=True)
def test_an_import_may_wait_longer_than_a_page(limits, areas):
    """An import waits for another one (an advisory lock) for longer than a page's statement
    may run: the import's transaction has the long limit."""
    limits(statement_timeout=300, long_statement_timeout=10_000)
    lock = "SELECT pg_advisory_xact_lock(%s)"
    with held_for(1.5, lock, [IMPORT_LOCK_KEY]):
        with pytest.raises(OperationalError, match="statement timeout"):
            with transaction.atomic():  # what a page's statement would get
                with connection.cursor() as cursor:
                    cursor.execute(lock, [IMPORT_LOCK_KEY])
        result = file_import(
            kind="seats", data=to_csv(seat_rows()), filename="seats.csv", dry_run=False
        )
    assert result.written, result.problems
    assert show_statement_timeout() == "300ms"  # back to a page's after the import


@pytest.mark.django_db(transaction=True)
def test_an_export_may_stream_longer_than_a_page(limits, client, areas):
    """A download's query waits (for a lock on the seats) longer than a page's may run."""
    limits(statement_timeout=300, long_statement_timeout=10_000)
    SeatFactory(person__name="Ada Export")
    connection.close()  # the request opens it, with a page's limits
    with held_for(1.5, "LOCK TABLE partnerships_seat IN ACCESS EXCLUSIVE MODE"):
        assert client.get("/representatives/").status_code == 503  # a page gives up
        response = client.get("/representatives/export.csv")
        body = b"".join(response.streaming_content).decode()
    assert "Ada Export" in body
    assert show_statement_timeout() == "300ms"


@pytest.mark.django_db(transaction=True)
def test_long_statements_last_one_transaction(limits):
    limits(statement_timeout=300, long_statement_timeout=10_000)
    with transaction.atomic(), long_statements():
        assert show_statement_timeout() == "10s"
        assert connection.connection.answer_timeout == 11
    assert show_statement_timeout() == "300ms"
    assert connection.connection.answer_timeout == 1.3
