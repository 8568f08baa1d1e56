"""authhub's CACHE_URL=redis://… is Django's own Redis cache backend."""

import secrets

from django.core.cache import caches
from django.test import override_settings

from authhub.env import cache_config


def test_cache_urls_use_djangos_redis_backend_with_the_key_prefix():
    config = cache_config(f"redis://127.0.0.1:6379/15?key_prefix=t{secrets.token_hex(4)}")
    assert config["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    with override_settings(
        CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}, "r": config}
    ):
        cache = caches["r"]
        cache.set("a", 1, 30)
        cache.set_many({"b": 2, "c": 3}, 30)
        assert cache.get_many(["a", "b", "missing"]) == {"a": 1, "b": 2}
        cache.delete_many(["a", "b", "c"])
        assert cache.get("a") is None
