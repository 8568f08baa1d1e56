"""A small per-process cache of access tokens whose signature and claims were verified.

Clients send the same token for its whole life, so the second and later requests skip
the signature check and the claim checks: the entry is keyed by the whole token string
(an exact match, never a prefix or a ``jti``), bounded in size, dropped once the token's
``exp`` passes, and emptied when a signing key is revoked or invalidated in this process
(``oauth_jwt.server.signing_keys.invalidate_cache``) or when settings change. A hit still requires the token's
``kid`` to be a key this process publishes or trusts right now, and the caller still runs
the revocation check (``authentication.check_revocation``) on every request: the cache never
answers "not revoked". Other processes learn of a key revocation from the key snapshot
reload and from the ``kid`` entry of the denylist.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from django.core.signals import setting_changed

from .key_sources import KeySource
from .verify import verify_access_token

MAX_ENTRIES = 4096

_entries: dict[str, tuple[dict[str, Any], dict[str, Any], float]] = {}
_lock = threading.Lock()


def clear() -> None:
    """Forget every verified token (a key was revoked, or settings changed)."""
    with _lock:
        _entries.clear()


def verify(token: str, keys: KeySource) -> tuple[dict[str, Any], dict[str, Any]]:
    """``verify.verify_access_token(token, keys)`` with the default audience and issuer,
    answered from the cache when the same token was verified before and ``keys`` still
    knows its ``kid``."""
    entry = _entries.get(token)
    if entry is not None:
        header, claims, expires = entry
        if time.time() < expires and keys(header["kid"]) is not None:
            return dict(header), dict(claims)
        with _lock:
            _entries.pop(token, None)
    header, claims = verify_access_token(token, keys)
    expires = float(claims["exp"])
    if time.time() < expires:
        with _lock:
            if len(_entries) >= MAX_ENTRIES:
                # Evict the oldest insertion (dicts keep insertion order).
                _entries.pop(next(iter(_entries)), None)
            _entries[token] = (dict(header), dict(claims), expires)
    return header, claims


def _on_setting_changed(*, setting: str, **kwargs: Any) -> None:
    if setting in ("OAUTH_JWT", "OAUTH2_PROVIDER", "SECRET_KEY"):
        clear()


def connect() -> None:
    """Forget verified tokens when a test changes the settings (``resource.connect``)."""
    setting_changed.connect(_on_setting_changed, dispatch_uid="oauth_jwt_verified_cache")
