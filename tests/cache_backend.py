"""The page cache as tests see it, whichever backend the settings chose: each process's own
local memory (the default) or one Redis shared by every server (REDIS_URL)."""

import redis
from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache


def uses_redis():
    return isinstance(caches["default"], RedisCache)  # `cache` is only a proxy to it


def redis_client():
    return redis.Redis.from_url(settings.CACHES["default"]["LOCATION"])


def our_keys():
    """Every key of this site's cache in Redis: those under its KEY_PREFIX."""
    return list(redis_client().scan_iter(match=cache.make_key("*"), count=1000))


def empty():
    """Delete every cached page. On Redis only the keys under this run's KEY_PREFIX, never
    the whole database: another test run or site sharing the Redis database keeps its own."""
    if not uses_redis():
        cache.clear()
        return
    client, keys = redis_client(), our_keys()
    for start in range(0, len(keys), 1000):
        client.delete(*keys[start : start + 1000])


def stored_values():
    """The bytes of every cached entry (pickled responses), as the backend keeps them."""
    if not uses_redis():
        return list(cache._cache.values())  # the local-memory cache's own dict
    keys = our_keys()
    return [value for value in redis_client().mget(keys) if value is not None] if keys else []
