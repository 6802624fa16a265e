"""A page cache that is away (Redis down or unreachable) costs speed, never the page."""

import pytest
import redis
from django.core.cache import caches
from django.test import override_settings

from .factories import SeatFactory

pytestmark = pytest.mark.django_db

# Nothing listens on port 1: every cache call fails at once.
REDIS_AWAY = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
}


@pytest.mark.parametrize("url", ["/representation/", "/representatives/", "/networks/"])
def test_cached_pages_are_made_when_the_cache_is_away(client, url, caplog):
    SeatFactory()
    with override_settings(CACHES=REDIS_AWAY):
        with pytest.raises(redis.exceptions.ConnectionError):  # the cache really is away
            caches["default"].get("anything")
        response = client.get(url)
    assert response.status_code == 200
    assert "Page cache unavailable" in caplog.text
