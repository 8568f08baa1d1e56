"""Reading settings from the environment, with safe defaults."""

from __future__ import annotations

import os
from urllib.parse import parse_qs, urlsplit

import dj_database_url
import django


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
        config = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url.split("?")[0]}
        if "key_prefix" in options:
            config["KEY_PREFIX"] = options["key_prefix"]
        return config
    if parts.scheme == "dummy":
        return {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    raise ValueError(f"CACHE_URL {url!r}: use locmem://, redis://host:port/db or dummy://")


def database_config(url: str) -> dict:
    """``DATABASE_URL`` as a ``DATABASES`` entry; connections live ``DATABASE_CONN_MAX_AGE``
    seconds (60).

    On SQLite several server workers write at once: a transaction takes the write lock
    when it begins (and waits for it) instead of failing with "database is locked". WAL
    lets readers go on meanwhile, and with synchronous=NORMAL a commit does not wait for
    the disk (no corruption on a crash; the last commits may be lost on power loss).
    """
    config = dj_database_url.parse(url, conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")))
    if config["ENGINE"] == "django.db.backends.sqlite3":
        options = config.setdefault("OPTIONS", {})
        options["timeout"] = 20
        # Goes with Django 4.2, which has neither option (5.1 added them); the support
        # matrix runs authhub's settings there.
        if django.VERSION >= (5, 1):
            options["transaction_mode"] = "IMMEDIATE"
            options["init_command"] = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL"
    return config
