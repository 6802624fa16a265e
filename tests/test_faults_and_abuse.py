"""Abuse and faults: whatever a user or a robot types into a public URL, or a signed-in
curator into the admin's, never gives a 5xx, what it typed comes back escaped, and a
database outage gives a calm 503 from which the site recovers by itself."""

from urllib.parse import quote

import pytest
from django.contrib import admin
from django.db import connection
from django.db.models import IntegerField
from django.test import RequestFactory
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from simple_history.admin import SimpleHistoryAdmin

from partnerships.models import Seat

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
    health = client.get("/healthz")
    assert health.status_code == 503
    assert health.json() == {"status": "unavailable"}  # not the host and port it tried

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


# --- The admin, as a signed-in curator -------------------------------------------------------
# A curator can type anything into the admin's address bar: list filters, search, ordering,
# page, autocomplete and history addresses. None of it may give a 5xx, on either database.

HARTLEPOOL = "E06000001"
ADMIN_ANY_PARAMS = ["q", "o", "p", "e", "all", "_facets", "_popup", "_to_field"]
ADMINS = {model._meta.label: model for model in admin.site._registry}
HISTORY_ADMINS = sorted(
    label
    for label, model in ADMINS.items()
    if isinstance(admin.site._registry[model], SimpleHistoryAdmin)
)
AUTOCOMPLETE_SOURCES = sorted(
    {
        (each.model._meta.app_label, each.model._meta.model_name, field)
        for model_admin in admin.site._registry.values()
        for each in [model_admin, *model_admin.inlines]
        for field in each.autocomplete_fields
    }
)
fuzz = settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def curator_client(client, some_data):
    """Signed in as a curator of Hartlepool, where some_data's seat and network are."""
    from curation.services import curator_setup

    curator, _ = curator_setup(username="fuzzer", area_codes=[HARTLEPOOL])
    client.force_login(curator.user)
    client.user = curator.user
    return client


def changelist_url(model):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def changelist_params(model, user):
    """What a changelist reads from its query string: its filters' parameters, any of the
    model's fields (the admin filters by them too), search, ordering, page and the rest."""
    request = RequestFactory().get(changelist_url(model))
    request.user = user
    changelist = admin.site._registry[model].get_changelist_instance(request)
    names = [name for spec in changelist.filter_specs for name in spec.expected_parameters()]
    for field in model._meta.concrete_fields:
        names += [field.name, f"{field.name}__startswith"]
        if not isinstance(field.target_field if field.is_relation else field, IntegerField):
            names.append(f"{field.name}__in")  # numbers: test_an_id_out_of_range_is_refused
    return names + ADMIN_ANY_PARAMS


# Django shows admin/invalid_setup.html for wrong filters given with ?e=; it does not pass the
# site_title that its base template reads (a default then), which --fail-on-template-vars takes
# for an error.
@pytest.mark.ignore_template_errors
@pytest.mark.parametrize("label", sorted(ADMINS))
@fuzz
@given(data=st.data())
def test_no_admin_list_input_gives_a_server_error(curator_client, label, data):
    model = ADMINS[label]
    names = changelist_params(model, curator_client.user)
    params = data.draw(
        st.lists(st.tuples(st.sampled_from(names), nasty_text), min_size=1, max_size=4)
    )
    query = {}
    for name, value in params:
        query.setdefault(name, []).append(value)
    response = curator_client.get(changelist_url(model), query)
    assert response.status_code < 500, (label, query, response.status_code)


@settings(fuzz, max_examples=100)
@given(
    source=st.sampled_from(AUTOCOMPLETE_SOURCES),
    term=nasty_text,
    page=st.none() | nasty_text,
    broken=st.lists(
        st.tuples(st.sampled_from(["app_label", "model_name", "field_name"]), nasty_text),
        max_size=2,
    ),
)
def test_no_autocomplete_input_gives_a_server_error(curator_client, source, term, page, broken):
    query = {"app_label": source[0], "model_name": source[1], "field_name": source[2]}
    query |= {"term": term, **({} if page is None else {"page": page}), **dict(broken)}
    response = curator_client.get(reverse("admin:autocomplete"), query)
    assert response.status_code < 500, (query, response.status_code)


@pytest.mark.parametrize("label", HISTORY_ADMINS)
@fuzz
@given(data=st.data())
def test_no_history_address_gives_a_server_error(curator_client, label, data):
    model = ADMINS[label]
    ids = [str(pk) for pk in model.objects.values_list("pk", flat=True)[:3]]
    versions = [str(pk) for pk in model.history.values_list("history_id", flat=True)[:3]]
    object_id = data.draw((st.sampled_from(ids) if ids else st.nothing()) | nasty_text)
    version = data.draw(
        st.none() | (st.sampled_from(versions) if versions else st.nothing()) | nasty_text
    )
    path = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
    path += f"{quote(object_id, safe='')}/history/"
    if version is not None:
        path += f"{quote(version, safe='')}/"
    query = data.draw(st.dictionaries(st.sampled_from(["p", "_changelist_filters"]), nasty_text))
    response = curator_client.get(path, query)
    assert response.status_code < 500, (path, query, response.status_code)


@pytest.mark.parametrize(
    "path",
    [
        "/admin/partnerships/seat/?region=%00",
        "/admin/partnerships/organisation/?name=%00",
        "/admin/partnerships/person/?q=%00",
        "/admin/partnerships/seat/?o=%00",
        "/admin/autocomplete/?app_label=partnerships&model_name=seat&field_name=person&term=%00",
        "/representatives/?area=%00",
        "/representatives/?partnership=%00",
        "/representatives/export.csv?partnership=%00",
        "/search/?q=a%00",
        "/admin/partnerships/seat/?%00=1",
    ],
)
def test_a_nul_in_a_query_gives_the_400_page(curator_client, path):
    """PostgreSQL cannot hold a NUL in text: the admin's filters, search and autocomplete
    passed it on and gave a 500 there (lsp_directory/nul_guard.py)."""
    response = curator_client.get(path)
    assert response.status_code == 400
    assert b"Sorry, we could not read that request" in response.content
    assert b"\x00" not in response.content


def test_a_version_id_that_is_not_a_number_is_not_found(curator_client):
    seat = Seat.objects.get()
    base = reverse("admin:partnerships_seat_history", args=[seat.pk])
    assert curator_client.get(f"{base}abc/").status_code == 404
    assert curator_client.get(f"{base}99999999999999999999999/").status_code == 404
    version = seat.history.latest().history_id
    assert curator_client.get(f"{base}{version}/").status_code == 200


def test_to_field_plus_is_refused(curator_client):
    curator_client.raise_request_exception = False
    response = curator_client.get("/admin/partnerships/region/", {"_to_field": "+"})
    assert response.status_code == 400


def test_an_id_out_of_range_is_refused(curator_client):
    curator_client.raise_request_exception = False
    response = curator_client.get("/admin/partnerships/seat/", {"id__in": "9223372036854775808"})
    assert response.status_code < 500


@pytest.mark.parametrize("selected", ["abc", "1.5", "9" * 30])
def test_an_action_on_ids_that_are_not_ids_changes_nothing(curator_client, selected):
    seat = Seat.objects.get()
    data = {"action": "mark_verified_today", "_selected_action": [selected, str(seat.pk)]}
    response = curator_client.post("/admin/partnerships/seat/", data)
    assert response.status_code == 302
    seat.refresh_from_db()
    assert seat.verified_by is None


def test_a_site_administrators_history_of_no_record_is_missing(admin_client):
    for object_id in ("abc", "99999999"):
        response = admin_client.get(f"/admin/partnerships/seat/{object_id}/history/")
        assert response.status_code == 302


@pytest.mark.parametrize(
    "field_name", ["seats", "history", "id", "name", "nonsense", "person__name", ""]
)
def test_autocomplete_for_a_field_without_one_is_forbidden(curator_client, field_name):
    """A reverse relation (a person's seats) gave a 500 in Django's autocomplete."""
    params = {"app_label": "partnerships", "model_name": "person", "field_name": field_name}
    response = curator_client.get("/admin/autocomplete/", params | {"term": "x"})
    assert response.status_code == 403


def test_autocomplete_still_answers_for_a_real_choice(curator_client):
    params = {"app_label": "partnerships", "model_name": "seat", "field_name": "person"}
    response = curator_client.get("/admin/autocomplete/", params | {"term": ""})
    assert response.status_code == 200
    assert "results" in response.json()


@pytest.mark.ignore_template_errors
@pytest.mark.parametrize("value", ["²", "1,²", "-³", "٣"])
def test_digits_that_are_not_ascii_in_an_admin_list_are_no_server_error(curator_client, value):
    """Hypothesis found it: "²".isdigit() is true and int("²") fails."""
    response = curator_client.get(changelist_url(ADMINS["partnerships.Area"]), {"id__in": value})
    assert response.status_code < 500
