"""``REVOCATION_CHECK = "introspection"``: ask the hub (RFC 7662) whether a token that
verified locally is still active, and remember the answer for a short while.

The answer is cached in the ``DENYLIST_CACHE`` cache under a SHA-256 of the token (never
the token itself) for ``INTROSPECTION_CACHE_SECONDS``, and never beyond the token's
``exp``. A revoked token is therefore refused at most that many seconds after its
revocation.

When the hub cannot answer, the token is neither accepted nor called revoked: the
request gets 503 with ``Retry-After`` (``TemporarilyUnavailable``), and the log names
the cause, each with its own ``event``:

- ``introspection.hub_unreachable``: no connection, a timeout, a TLS failure;
- ``introspection.client_rejected``: 401, the hub refuses ``INTROSPECTION_CLIENT_ID`` /
  ``INTROSPECTION_CLIENT_SECRET`` (or the client is not confidential);
- ``introspection.not_served``: 403, the client's ``ClientProfile.served_resources`` on
  the hub does not list this server's ``AUDIENCE``;
- ``introspection.throttled``: 429, too many failed client authentications;
- ``introspection.hub_error``: any other status, or an answer that is not a JSON object.
"""

from __future__ import annotations

import base64
import http.client
import json
import logging
import time
import urllib.request
from urllib.error import HTTPError, URLError
from urllib.parse import quote, urlencode, urlsplit

from django.core.cache import caches

from ..checksums import token_checksum
from ..conf import jwt_settings
from ..exceptions import TemporarilyUnavailable
from .remote_keys import opener

logger = logging.getLogger(__name__)

MAX_RESPONSE_BYTES = 16 * 1024
_PREFIX = "oauth_jwt:introspect:"
_CAUSES = {
    401: (
        "introspection.client_rejected",
        "the hub refused this server's client credentials "
        "(OAUTH_JWT INTROSPECTION_CLIENT_ID / INTROSPECTION_CLIENT_SECRET; a confidential client)",
    ),
    403: (
        "introspection.not_served",
        "the hub says this client serves none of the token's audiences "
        "(list OAUTH_JWT['AUDIENCE'] in its ClientProfile.served_resources)",
    ),
    429: ("introspection.throttled", "the hub throttles this client after failed authentications"),
}


def configured() -> bool:
    """True when the hub's introspection endpoint and this server's client are set."""
    return bool(
        jwt_settings.INTROSPECTION_URL
        and jwt_settings.INTROSPECTION_CLIENT_ID
        and jwt_settings.INTROSPECTION_CLIENT_SECRET
    )


def _cache_key(raw_token: str) -> str:
    return _PREFIX + token_checksum(raw_token)


def _basic_credentials() -> str:
    # RFC 6749 §2.3.1: client_id and secret are form-urlencoded before Basic encoding.
    client_id = quote(jwt_settings.INTROSPECTION_CLIENT_ID, safe="")
    secret = quote(jwt_settings.INTROSPECTION_CLIENT_SECRET, safe="")
    pair = f"{client_id}:{secret}"
    return "Basic " + base64.b64encode(pair.encode("utf-8")).decode("ascii")


def _unavailable(event: str, cause: str, retry_after: int | None = None) -> TemporarilyUnavailable:
    logger.error("introspection failed: %s", cause, extra={"event": event, "url": jwt_settings.INTROSPECTION_URL})
    return TemporarilyUnavailable(
        "The resource server cannot check this token with the hub right now.",
        retry_after=retry_after or jwt_settings.RETRY_AFTER_SECONDS,
    )


def _retry_after(error: HTTPError) -> int | None:
    value = error.headers.get("Retry-After", "") if error.headers else ""
    return int(value) if value.isdigit() else None


def introspect(raw_token: str) -> dict:
    """The hub's RFC 7662 answer; raises ``TemporarilyUnavailable`` (logged with its
    cause) when it could not be obtained."""
    url = jwt_settings.INTROSPECTION_URL
    if urlsplit(url).scheme not in ("http", "https"):
        raise _unavailable("introspection.misconfigured", "OAUTH_JWT['INTROSPECTION_URL'] is not an http(s) URL")
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
    except HTTPError as exc:
        exc.close()
        event, cause = _CAUSES.get(exc.code, ("introspection.hub_error", f"the hub answered HTTP {exc.code}"))
        raise _unavailable(event, cause, _retry_after(exc) if exc.code == 429 else None) from None
    except (URLError, OSError, ValueError, http.client.HTTPException) as exc:
        raise _unavailable("introspection.hub_unreachable", f"the hub is unreachable ({type(exc).__name__})") from None
    try:
        data = json.loads(body) if len(body) <= MAX_RESPONSE_BYTES else None
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise _unavailable("introspection.hub_error", "the hub's answer is not a JSON object")
    return data


def _remembered(key: str):
    try:
        return caches[jwt_settings.DENYLIST_CACHE].get(key)
    except Exception as exc:  # each cache backend raises its own connection errors
        logger.warning(
            "introspection cache unreachable: %s", type(exc).__name__, extra={"event": "denylist.unreachable"}
        )
        return None


def _remember(key: str, active: bool, ttl: int) -> None:
    try:
        caches[jwt_settings.DENYLIST_CACHE].set(key, active, ttl)
    except Exception as exc:  # each cache backend raises its own connection errors
        logger.warning(
            "introspection cache unreachable: %s", type(exc).__name__, extra={"event": "denylist.unreachable"}
        )


def is_active(raw_token: str, auth) -> bool:
    """True when the hub says the token (already verified locally as ``auth``) is active."""
    key = _cache_key(raw_token)
    cached = _remembered(key)
    if cached is not None:
        return bool(cached)
    data = introspect(raw_token)
    active = data.get("active") is True and data.get("jti", auth.jti) == auth.jti
    remaining = int(auth.claims["exp"] - time.time())
    ttl = min(jwt_settings.INTROSPECTION_CACHE_SECONDS, remaining)
    if ttl > 0:
        _remember(key, active, ttl)
    return active
