"""The page cache between tests: each test starts with none of another's pages, and with
Redis (REDIS_URL) emptying it touches only this run's keys, so runs sharing one Redis
database (CI's and a developer's) cannot empty each other's cache halfway through a test."""

import pytest

from .cache_backend import empty, our_keys, redis_client, stored_values, uses_redis
from .factories import SeatFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("turn", ["first", "second"])
def test_each_test_starts_with_no_cached_pages(client, turn):
    assert stored_values() == []
    SeatFactory()
    assert client.get("/representatives/").status_code == 200
    assert len(stored_values()) == 1  # left behind for the next turn's fixture to empty


def test_emptying_the_cache_keeps_the_keys_of_other_runs_sharing_the_redis(client):
    if not uses_redis():
        pytest.skip("each process has its own local-memory cache; set REDIS_URL to share one")
    other = "another-run:1:page:kept"
    redis_client().set(other, b"theirs", ex=60)
    try:
        assert client.get("/partnerships/").status_code == 200
        assert our_keys()
        empty()
        assert our_keys() == []
        assert redis_client().get(other) == b"theirs"
    finally:
        redis_client().delete(other)
