"""The resource half's signal receivers, connected by ``AppConfig.ready()`` (never at
import time): the key snapshot and the verified-token cache are forgotten when a test
changes the settings."""

from __future__ import annotations

from . import remote_keys, verified_cache


def connect() -> None:
    remote_keys.connect()
    verified_cache.connect()
