"""oauth_jwt's Redis cache backend: Django's, reusing one client per connection pool."""

import secrets

from django.core.cache import caches
from django.test import override_settings

from authhub.env import cache_config


def test_cache_urls_use_the_reusing_backend():
    assert cache_config("redis://127.0.0.1:6379/3")["BACKEND"] == "oauth_jwt.redis_cache.RedisCache"


def test_it_behaves_like_djangos_and_builds_one_client():
    config = cache_config(f"redis://127.0.0.1:6379/15?key_prefix=t{secrets.token_hex(4)}")
    with override_settings(
        CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}, "r": config}
    ):
        cache = caches["r"]
        cache.set("a", 1, 30)
        cache.set_many({"b": 2, "c": 3}, 30)
        assert cache.get_many(["a", "b", "missing"]) == {"a": 1, "b": 2}
        cache.delete_many(["a", "b", "c"])
        assert cache.get("a") is None
        client = cache._cache.get_client()
        assert cache._cache.get_client() is client
        assert cache._cache.get_client(write=True) is client  # one server: one pool, one client
