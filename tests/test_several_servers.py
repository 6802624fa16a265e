"""Several servers behind one load balancer, sharing one PostgreSQL and one Redis: a curator's
next request may land on any of them. Two real gunicorn servers (two workers each) on
127.0.0.1, each with its own temporary folder as separate machines would have: an import
previewed through one is confirmed through the other, a page one made is served by the other,
and a change made through either is seen at once through both."""

import html
import http.client
import re
import secrets
import socket
import subprocess
import sys
import time
from http.cookies import SimpleCookie
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse

from curation.models import PendingUpload
from curation.services import curator_setup
from partnerships.models import Partnership, Seat

from .cache_backend import our_keys, redis_client, uses_redis
from .factories import PartnershipFactory, area
from .test_curator_import import HARTLEPOOL, SEAT, to_csv

ON_POSTGRESQL_WITH_REDIS = (
    "postgresql" in settings.DATABASES["default"]["ENGINE"]
    and "RedisCache" in settings.CACHES["default"]["BACKEND"]
)
pytestmark = [
    pytest.mark.skipif(
        not ON_POSTGRESQL_WITH_REDIS,
        reason="two servers share one PostgreSQL and one Redis: set DATABASE_URL=postgres://... "
        "and REDIS_URL=redis://... (CI's PostgreSQL run does)",
    ),
    pytest.mark.django_db(transaction=True),  # the servers see only committed data
]

START_SECONDS = 60  # the longest a server may take to answer /healthz
REQUEST_SECONDS = 30
PASSWORD = "a long pass phrase for the test"
OLD_SITE, NEW_SITE = "https://old.example.org/", "https://new.example.org/"


# --- Two servers -----------------------------------------------------------------------------


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url():
    """The test database, as the servers' DATABASE_URL."""
    db = connection.settings_dict
    user = quote(db["USER"] or "", safe="")
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    return (
        f"postgres://{user}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )


def start_server(tmp_path, name):
    """gunicorn as production runs it (README), two workers, on a free port of 127.0.0.1."""
    port = free_port()
    folder = tmp_path / name
    folder.mkdir()
    env = {
        "PATH": "/usr/bin:/bin",
        "DEBUG": "true",  # plain static files: no collectstatic needed
        "DATABASE_URL": database_url(),
        "CONN_MAX_AGE": "0",
        "REDIS_URL": settings.CACHES["default"]["LOCATION"],
        "CACHE_KEY_PREFIX": settings.CACHES["default"]["KEY_PREFIX"],
        "TMPDIR": str(folder),  # a temporary folder of its own, as another machine has
    }
    log = open(folder / "server.log", "wb")  # noqa: SIM115 (closed with the process)
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "lsp_directory.wsgi", "--workers", "2"]
        + ["--bind", f"127.0.0.1:{port}", "--timeout", "60"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    process.port, process.log, process.log_path = port, log, folder / "server.log"
    return process


def wait_until_up(process):
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            if Visitor().get(process.port, "/healthz").status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError(
        f"server on port {process.port} did not answer /healthz within {START_SECONDS} s:\n"
        + process.log_path.read_text()[-3000:]
    )


def stop(processes):
    """Stop them all at once (each takes about 2 s), killing any that takes over 15 s."""
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)
        process.log.close()


@pytest.fixture
def servers(tmp_path):
    started = []
    try:
        for name in ("a", "b"):
            started.append(start_server(tmp_path, name))
        for process in started:
            wait_until_up(process)
        yield [process.port for process in started]
    finally:
        stop(started)


# --- A browser, by hand ----------------------------------------------------------------------


class Response:
    def __init__(self, raw):
        self.status = raw.status
        self.location = raw.getheader("Location", "")
        self.text = raw.read().decode()

    def form_token(self):
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', self.text)[1]


class Visitor:
    """One browser: its cookies (the session and the CSRF cookie) go to whichever server it
    asks, as cookies for 127.0.0.1 do whatever the port."""

    def __init__(self):
        self.cookies = {}

    def request(self, port, method, path, body=None, content_type=None):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_SECONDS)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if content_type:
            headers["Content-Type"] = content_type
        try:
            conn.request(method, path, body=body, headers=headers)
            raw = conn.getresponse()
            for header in raw.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            return Response(raw)
        finally:
            conn.close()

    def get(self, port, path):
        return self.request(port, "GET", path)

    def post(self, port, path, fields, files=()):
        """A multipart/form-data POST, as a browser sends a form with a file input."""
        boundary = secrets.token_hex(16)
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
            + f"{value}\r\n".encode()
            for name, value in fields.items()
        ]
        for name, filename, data in files:
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{filename}"\r\nContent-Type: text/csv\r\n\r\n'.encode()
                + data
                + b"\r\n"
            )
        parts.append(f"--{boundary}--\r\n".encode())
        content_type = f"multipart/form-data; boundary={boundary}"
        return self.request(port, "POST", path, b"".join(parts), content_type)

    def submit(self, port, path, fields=None, files=()):
        """Open the page with the form, then post it with the form's CSRF token."""
        page = self.get(port, path)
        assert page.status == 200, (path, page.status)
        return self.post(
            port, path, {"csrfmiddlewaretoken": page.form_token(), **(fields or {})}, files
        )


def text(response):
    assert response.status == 200, response.status
    return html.unescape(response.text)


# --- The test --------------------------------------------------------------------------------


def test_two_servers_share_uploads_and_pages(areas, servers):
    a, b = servers
    partnership = PartnershipFactory(
        name="Hartlepool Partnership", website=OLD_SITE, areas=[area(HARTLEPOOL)]
    )
    curator = curator_setup(username="hartlepool-cvs", area_codes=[HARTLEPOOL])[0].user
    curator.set_password(PASSWORD)
    curator.save()
    page = partnership.get_absolute_url()
    public = Visitor()

    # A page made by B is served by A from the one cache: a write that bypasses the data
    # stamp (a raw UPDATE, see lsp_directory/caching.py) shows on neither until the stamp moves.
    assert OLD_SITE in text(public.get(b, page))
    Partnership.objects.filter(pk=partnership.pk).update(website=NEW_SITE)
    served_by_a = text(public.get(a, page))
    assert OLD_SITE in served_by_a
    assert NEW_SITE not in served_by_a
    # Bounded memory: every key is this site's and expires.
    assert uses_redis() and our_keys()
    for key in our_keys():
        assert 0 < redis_client().ttl(key) <= settings.CACHE_SECONDS, key

    # The curator signs in through A and uploads a file there ...
    curator_browser = Visitor()
    login = curator_browser.submit(
        a,
        "/admin/login/?next=/admin/",
        {"username": curator.username, "password": PASSWORD, "next": "/admin/"},
    )
    assert (login.status, login.location) == (302, "/admin/"), login.text[:2000]
    row = {**SEAT, "person": "Mary Somerville", "email": "", "phone": ""}
    uploaded = curator_browser.submit(
        a,
        reverse("curation_import:upload", args=["seats"]),
        files=[("file", "hartlepool.csv", to_csv([row]))],
    )
    assert uploaded.status == 302, uploaded.text[:2000]
    preview = uploaded.location
    assert PendingUpload.objects.get().name == "hartlepool.csv"

    # ... the preview and the confirmation land on B.
    previewed = curator_browser.get(b, preview)
    assert "hartlepool.csv" in text(previewed)
    assert "1 new" in text(previewed)
    token = preview.rstrip("/").rsplit("/", 1)[1]
    confirm = reverse("curation_import:confirm", args=["seats", token])
    confirmed = curator_browser.post(b, confirm, {"csrfmiddlewaretoken": previewed.form_token()})
    assert (confirmed.status, confirmed.location) == (302, "/admin/partnerships/seat/")
    seat = Seat.objects.get(person__name="Mary Somerville")
    assert not PendingUpload.objects.exists()  # deleted once confirmed, whichever server
    assert curator_browser.get(a, preview).status == 404

    # The import, confirmed through B, shows at once through A (and the new website with it:
    # the stamp moved); A's new page is then what B serves.
    through_a = text(public.get(a, page))
    assert "Mary Somerville" in through_a and NEW_SITE in through_a
    assert "Mary Somerville" in text(public.get(b, page))

    # A curator's deletion in the admin through A shows at once through B.
    deleted = curator_browser.submit(
        a, reverse("admin:partnerships_seat_delete", args=[seat.pk]), {"post": "yes"}
    )
    assert deleted.status == 302, deleted.text[:2000]
    assert not Seat.objects.filter(pk=seat.pk).exists()
    assert "Mary Somerville" not in text(public.get(b, page))
