"""``REVOCATION_CHECK = "introspection"``: ask the hub (RFC 7662) whether a token that
verified locally is still active, and remember the answer for a short while.

The answer is cached in the ``DENYLIST_CACHE`` cache under a SHA-256 of the token (never
the token itself) for ``INTROSPECTION_CACHE_SECONDS``, and never beyond the token's
``exp``. A revoked token is therefore refused at most that many seconds after its
revocation. When the hub cannot be asked, the token is refused (fail closed).
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import json
import logging
import time
import urllib.request
from urllib.error import URLError
from urllib.parse import quote, urlencode, urlsplit

from django.core.cache import caches

from .conf import jwt_settings
from .jwks import opener

logger = logging.getLogger(__name__)

MAX_RESPONSE_BYTES = 16 * 1024
_PREFIX = "oauth_jwt:introspect:"


def _cache_key(raw_token: str) -> str:
    return _PREFIX + hashlib.sha256(raw_token.encode("utf-8")).hexdigest()


def _basic_credentials() -> str:
    # RFC 6749 §2.3.1: client_id and secret are form-urlencoded before Basic encoding.
    client_id = quote(jwt_settings.INTROSPECTION_CLIENT_ID, safe="")
    secret = quote(jwt_settings.INTROSPECTION_CLIENT_SECRET, safe="")
    pair = f"{client_id}:{secret}"
    return "Basic " + base64.b64encode(pair.encode("utf-8")).decode("ascii")


def introspect(raw_token: str) -> dict | None:
    """The hub's RFC 7662 answer, or ``None`` when it could not be obtained."""
    url = jwt_settings.INTROSPECTION_URL
    if urlsplit(url).scheme not in ("http", "https"):
        return None
    request = urllib.request.Request(  # noqa: S310 - http(s) only
        url,
        data=urlencode({"token": raw_token, "token_type_hint": "access_token"}).encode("ascii"),
        headers={
            "Authorization": _basic_credentials(),
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/json",
        },
        method="POST",
    )
    try:
        with opener().open(request, timeout=jwt_settings.HTTP_TIMEOUT_SECONDS) as response:
            body = response.read(MAX_RESPONSE_BYTES + 1)
    except (URLError, OSError, ValueError, http.client.HTTPException) as exc:
        logger.warning("introspection failed: %s", type(exc).__name__, extra={"event": "introspection.failed"})
        return None
    if len(body) > MAX_RESPONSE_BYTES:
        return None
    try:
        data = json.loads(body)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def is_active(raw_token: str, auth) -> bool:
    """True when the hub says the token (already verified locally as ``auth``) is active."""
    cache = caches[jwt_settings.DENYLIST_CACHE]
    key = _cache_key(raw_token)
    cached = cache.get(key)
    if cached is not None:
        return bool(cached)
    data = introspect(raw_token)
    if data is None:
        return False
    active = data.get("active") is True and data.get("jti", auth.jti) == auth.jti
    remaining = int(auth.claims["exp"] - time.time())
    ttl = min(jwt_settings.INTROSPECTION_CACHE_SECONDS, remaining)
    if ttl > 0:
        cache.set(key, active, ttl)
    return active
