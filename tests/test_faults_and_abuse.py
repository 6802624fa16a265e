"""Abuse and faults: whatever a user or a robot types into a public URL never gives a 5xx,
what it typed comes back escaped, and a database outage gives a calm 503 from which the site
recovers by itself."""

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .factories import NetworkFactory, SeatFactory

pytestmark = pytest.mark.django_db

# Every public URL and the query parameters its FilterSet or form reads.
PUBLIC_URLS = {
    "/": ["q"],
    "/search/": ["q"],
    "/partnerships/": ["region", "q", "page"],
    "/representatives/": [
        "region", "area", "partnership", "body_kind", "theme", "sector",
        "organisation_kind", "womens", "status", "order", "page",
    ],
    "/representatives/export.csv": ["region", "sector", "womens", "status", "order", "bom"],
    "/representatives/export.json": ["area", "partnership", "theme", "order"],
    "/networks/": ["kind", "region", "status", "funding", "page"],
    "/representation/": ["region", "body_kind", "status"],
    "/representation.json": ["region", "body_kind", "status"],
    "/regions/north-east/": ["page"],
}  # fmt: skip

# Strings people and robots really send: unicode of every kind, control characters,
# SQL and markup, huge numbers, very long values.
nasty_text = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=50),
    st.sampled_from(
        [
            "\x00", "%00", "' OR 1=1 --", "'; DROP TABLE partnerships_seat; --",
            "<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "../../etc/passwd",
            "9" * 40, "-1", "0", "1e308", "NaN", "\u202e", "\ud7ff", "ｓｗ１ａ　１ａａ",
            "𝓗𝓪𝓻𝓽𝓵𝓮𝓹𝓸𝓸𝓵",
            "x" * 10_000, "", " ", "&", "=", "+", "@SUM(1+1)",
        ]
    ),
)  # fmt: skip


@pytest.fixture
def some_data():
    seat = SeatFactory()
    NetworkFactory(partnership=seat.body.partnership)
    return seat


def content_of(response):
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


@pytest.mark.parametrize("path", list(PUBLIC_URLS))
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_no_input_gives_a_server_error(client, some_data, path, data):
    names = PUBLIC_URLS[path]
    # Several parameters at once, some of them repeated.
    params = data.draw(
        st.lists(st.tuples(st.sampled_from(names), nasty_text), min_size=1, max_size=4)
    )
    query = {}
    for name, value in params:
        query.setdefault(name, []).append(value)
    response = client.get(path, query)
    assert response.status_code < 500, (path, query, response.status_code)
    body = content_of(response)
    if response["Content-Type"].startswith("text/html"):
        assert b"<script>alert(1)</script>" not in body
        assert b'"><img src=x onerror' not in body


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(path=st.text(max_size=80))
def test_no_path_gives_a_server_error(client, path):
    response = client.get("/" + path.lstrip("/"))
    assert response.status_code < 500


@pytest.mark.parametrize(
    "path",
    [
        "/report/seat/99999999999999999999999/",
        "/report/seat/-1/",
        "/report/partnership/%00/",
        "/partnerships/..%2F..%2Fetc/",
        "/organisations/" + "a" * 500 + "/",
    ],
)
def test_odd_record_addresses_are_not_found(client, path):
    assert client.get(path).status_code == 404


def test_what_was_typed_is_shown_escaped(client, some_data):
    text = client.get("/search/", {"q": "<b>bold</b> & 'quoted'"}).content.decode()
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; &#x27;quoted&#x27;" in text
    assert "<b>bold</b>" not in text


@pytest.fixture
def database_outage():
    """Point the connection at a database that cannot be reached, as when the server
    goes away; restore it afterwards."""
    real = dict(connection.settings_dict)

    if connection.vendor != "postgresql":
        pytest.skip("the test database on SQLite lives in this process's memory: it cannot go away")

    def go_away():
        connection.close()
        connection.settings_dict["PORT"] = "1"  # nothing listens there

    def come_back():
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(real)

    yield go_away, come_back
    come_back()


def test_a_database_error_in_any_view_becomes_the_503_page(rf):
    """On every database, the middleware turns a lost connection into the 503 page."""
    from django.db import OperationalError

    from lsp_directory.middleware import DatabaseUnavailableMiddleware

    def handler_losing_its_database(request):
        raise OperationalError("server closed the connection unexpectedly")

    response = DatabaseUnavailableMiddleware(handler_losing_its_database)(rf.get("/"))
    assert response.status_code == 503
    assert b"the directory is unavailable" in response.content


@pytest.mark.django_db(transaction=True)
def test_a_database_outage_gives_a_503_page_and_the_site_recovers(client, areas, database_outage):
    go_away, come_back = database_outage
    assert client.get("/partnerships/").status_code == 200

    go_away()
    response = client.get("/partnerships/")
    assert response.status_code == 503
    assert b"the directory is unavailable" in response.content
    assert response["Retry-After"]
    assert client.get("/healthz").status_code == 503

    come_back()
    assert client.get("/partnerships/").status_code == 200
    assert client.get("/healthz").json()["status"] == "ok"


@pytest.mark.django_db(transaction=True)
def test_a_connection_killed_by_the_server_is_replaced(client, areas):
    """The database drops the site's connection (a restart, a failover): the request on the
    dead connection gets the 503 page, and the next request reconnects and answers."""
    if connection.vendor != "postgresql":
        pytest.skip("killing a server-side connection needs PostgreSQL; SQLite has none")
    import psycopg
    from django.db import close_old_connections

    assert client.get("/partnerships/").status_code == 200
    settings_dict = connection.settings_dict
    with psycopg.connect(
        host=settings_dict["HOST"], port=settings_dict["PORT"] or 5432,
        user=settings_dict["USER"], dbname=settings_dict["NAME"], autocommit=True,
    ) as admin:  # fmt: skip
        admin.execute("SELECT pg_terminate_backend(%s)", [connection.connection.info.backend_pid])
    assert client.get("/partnerships/").status_code == 503
    # What Django's request handler does at the end of every request (the test client
    # leaves it out): a connection that failed is found unusable and closed.
    close_old_connections()
    assert client.get("/partnerships/").status_code == 200
    assert client.get("/healthz").json()["status"] == "ok"
