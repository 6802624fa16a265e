"""Twenty reports sent at the same moment by one client store exactly five.

A real gunicorn (two workers of ten threads, each with its own database connection) serves the
test's database: on PostgreSQL the test database itself, on SQLite a file copied from it (the
in-memory test database cannot be shared with another process). Twenty threads post one report
each, released together by a barrier.
"""

import http.client
import os
import re
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse

from curation.models import Correction
from curation.views import RATE_LIMIT

from .factories import PartnershipFactory

ROOT = Path(__file__).resolve().parent.parent
SENDERS = 20
TIMEOUT = 60


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url(tmp_path):
    """Where the server finds the test's data."""
    if connection.vendor == "sqlite":
        copy = tmp_path / "db.sqlite3"
        connection.ensure_connection()
        target = sqlite3.connect(copy)
        connection.connection.backup(target)
        target.close()
        return f"sqlite:///{copy}", copy
    db = connection.settings_dict
    user = db["USER"] or "postgres"
    return f"postgres://{user}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}", None


def start_server(url, log, **extra_env):
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": settings.SECRET_KEY,
        "DEBUG": "true",  # plain static files: the test does not run collectstatic
        "ALLOWED_HOSTS": "127.0.0.1",
        **extra_env,
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "lsp_directory.wsgi", "--bind", f"127.0.0.1:{port}"]
        + ["--workers", "2", "--threads", "10", "--timeout", str(TIMEOUT)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert server.poll() is None, log.name
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server, port
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise AssertionError(f"gunicorn did not answer within 30 s: {log.name}")


@pytest.fixture
def live_gunicorn(transactional_db, areas, tmp_path):
    """(port, stored reports), once the caller has made its records."""
    servers = []

    def start(**extra_env):
        url, copy = database_url(tmp_path)
        log = open(tmp_path / "gunicorn.log", "w")
        server, port = start_server(url, log, **extra_env)
        servers.append((server, log))

        def stored():
            if copy is None:
                return Correction.objects.count()
            with sqlite3.connect(copy) as db:
                return db.execute("SELECT count(*) FROM curation_correction").fetchone()[0]

        return port, stored

    yield start
    for server, log in servers:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def get_form(port, path):
    """The form's CSRF cookie and token, as a browser would have them."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    conn.request("GET", path)
    response = conn.getresponse()
    html = response.read().decode()
    assert response.status == 200, html[:500]
    cookie = response.getheader("Set-Cookie").split(";", 1)[0]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    conn.close()
    return cookie, token


def post_together(port, path, cookie, token, senders=SENDERS):
    """Each sender posts one report at the same moment; their statuses, in no order."""
    start = threading.Barrier(senders)
    statuses, errors = [], []

    def send(n):
        body = urllib.parse.urlencode(
            {"message": f"Report {n} at once", "email": "", "csrfmiddlewaretoken": token}
        )
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
            conn.connect()  # connected before the barrier: the posts leave together
            start.wait(timeout=TIMEOUT)
            conn.request("POST", path, body, headers)
            response = conn.getresponse()
            response.read()
            statuses.append(response.status)
            conn.close()
        except Exception as error:  # reported below
            errors.append(repr(error))

    threads = [threading.Thread(target=send, args=(n,)) for n in range(senders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=TIMEOUT)
    assert not any(thread.is_alive() for thread in threads), "a sender hung"
    assert not errors, errors
    return sorted(statuses)


def test_twenty_simultaneous_reports_from_one_client_store_exactly_the_limit(live_gunicorn):
    partnership = PartnershipFactory(name="Hartlepool Partnership")
    port, stored = live_gunicorn()
    path = reverse("curation:report", args=["partnership", partnership.slug])
    cookie, token = get_form(port, path)

    statuses = post_together(port, path, cookie, token)

    assert (statuses.count(302), statuses.count(429), stored()) == (
        RATE_LIMIT,
        SENDERS - RATE_LIMIT,
        RATE_LIMIT,
    ), statuses
