"""Query counts that must not grow with the data: measure a page at two sizes."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from partnerships import summary


def queries_for(client, url):
    """The queries of the page, with the report's stored summary up to date, as the request
    that changed the records leaves it (partnerships.summary.RefreshAfterWrites)."""
    summary.up_to_date()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    return len(captured.captured_queries)


def assert_constant_queries(client, url, grow, most=None):
    """The page runs as many queries after `grow()` adds rows as before, and at most `most`."""
    small = queries_for(client, url)
    grow()
    large = queries_for(client, url)
    assert small == large, f"{url}: {small} queries, then {large} after the data grew"
    if most is not None:
        assert large <= most, f"{url}: {large} queries, more than {most}"
    return large
