"""Reading settings from the environment, with safe defaults."""

from __future__ import annotations

import os
from urllib.parse import parse_qs, urlsplit


def flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def csv(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def cache_config(url: str) -> dict:
    """``locmem://[name]``, ``redis://host:port/db`` (or ``rediss://``), ``dummy://``."""
    parts = urlsplit(url)
    if parts.scheme == "locmem":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": parts.netloc or "authhub"}
    if parts.scheme in ("redis", "rediss"):
        options = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        config = {"BACKEND": "oauth_jwt.redis_cache.RedisCache", "LOCATION": url.split("?")[0]}
        if "key_prefix" in options:
            config["KEY_PREFIX"] = options["key_prefix"]
        return config
    if parts.scheme == "dummy":
        return {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    raise ValueError(f"CACHE_URL {url!r}: use locmem://, redis://host:port/db or dummy://")
