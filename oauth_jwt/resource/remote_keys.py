"""The hub's JWK set, as a resource server in another project sees it.

Built on PyJWT's ``PyJWKClient`` (its cache and its rate-limited refetch on an unknown
``kid``), with what a resource server also needs:

- the ``jwks_uri`` comes from the hub's RFC 8414 metadata (``METADATA_URL``, whose
  ``issuer`` must equal ``ISSUER``) or straight from ``JWKS_URL``; never from a token;
- the JWK set is kept as long as its ``Cache-Control: max-age`` says;
- an unknown ``kid`` triggers at most one refetch per ``JWKS_REFRESH_INTERVAL_SECONDS``;
- when the hub cannot be reached, the keys already held keep validating (and the
  fetch is retried after the refresh interval, not on every request); before any key
  could be had, requests get 503 with ``Retry-After``, and the log says why
  (``jwks.discovery_failed``: the metadata; ``jwks.unavailable``: the JWK set);
- each key is pinned to the ``alg`` its JWK names; keys without a supported ``alg``
  are ignored; every fetch is capped in size and time and follows no redirects.
"""

from __future__ import annotations

import http.client
import json
import logging
import re
import threading
import time
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.error import URLError
from urllib.parse import urlsplit

import jwt
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from jwt import PyJWKClientConnectionError, PyJWKClientError, PyJWKSet

from ..conf import ALGORITHMS, jwt_settings
from ..exceptions import TemporarilyUnavailable

logger = logging.getLogger(__name__)

MAX_DOCUMENT_BYTES = 64 * 1024
MIN_LIFESPAN_SECONDS = 1.0
MAX_LIFESPAN_SECONDS = 24 * 3600.0
PRIVATE_MEMBERS = frozenset({"d", "p", "q", "dp", "dq", "qi", "k", "oth"})
_MAX_AGE = re.compile(r"(?:^|,)\s*max-age\s*=\s*\"?(\d+)\"?\s*(?:,|$)", re.IGNORECASE)
_NO_CACHE = re.compile(r"(?:^|,)\s*(no-store|no-cache)\s*(?:,|$)", re.IGNORECASE)


class FetchError(Exception):
    """The hub could not be reached, or answered with something unusable."""


@dataclass(frozen=True)
class RemoteKey:
    kid: str
    algorithm: str
    key: Any


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


def opener() -> urllib.request.OpenerDirector:
    """urllib without redirects: a hub document that moves is an error, not a hint."""
    return urllib.request.build_opener(_NoRedirect())


def fetch_json(url: str) -> tuple[dict[str, Any], str]:
    """GET a JSON object (size and time capped, no redirects); return it and its
    ``Cache-Control`` header."""
    if urlsplit(url).scheme not in ("http", "https"):
        raise FetchError("Only http(s) URLs are fetched.")
    request = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310 - http(s) only
    try:
        with opener().open(request, timeout=jwt_settings.HTTP_TIMEOUT_SECONDS) as response:
            body = response.read(MAX_DOCUMENT_BYTES + 1)
            cache_control = response.headers.get("Cache-Control", "")
    except (URLError, OSError, ValueError, http.client.HTTPException) as exc:
        raise FetchError(f"GET {url} failed: {exc}") from None
    if len(body) > MAX_DOCUMENT_BYTES:
        raise FetchError(f"GET {url}: the document is larger than {MAX_DOCUMENT_BYTES} bytes.")
    try:
        data = json.loads(body)
    except ValueError:
        raise FetchError(f"GET {url}: not JSON.") from None
    if not isinstance(data, dict):
        raise FetchError(f"GET {url}: not a JSON object.")
    return data, cache_control


def lifespan_from(cache_control: str) -> float:
    """Seconds to keep a JWK set, from its ``Cache-Control`` header."""
    if _NO_CACHE.search(cache_control):
        return MIN_LIFESPAN_SECONDS
    match = _MAX_AGE.search(cache_control)
    if match is None:
        return float(jwt_settings.JWKS_MAX_AGE_SECONDS)
    return min(max(float(match.group(1)), MIN_LIFESPAN_SECONDS), MAX_LIFESPAN_SECONDS)


def usable_jwks(data: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Signing keys only, each naming a supported ``alg`` and a ``kid``, public members only."""
    keys = data.get("keys")
    if not isinstance(keys, list):
        raise FetchError("The JWK set has no 'keys' list.")
    usable = [
        k
        for k in keys
        if isinstance(k, dict)
        and k.get("alg") in ALGORITHMS
        and isinstance(k.get("kid"), str)
        and k.get("use", "sig") == "sig"
        and not PRIVATE_MEMBERS & k.keys()
    ]
    return {"keys": usable}


def discover_jwks_uri() -> str:
    """``JWKS_URL`` if set, else the ``jwks_uri`` of the hub's RFC 8414 metadata."""
    if jwt_settings.JWKS_URL:
        return jwt_settings.JWKS_URL
    metadata, _ = fetch_json(jwt_settings.METADATA_URL)
    if metadata.get("issuer") != jwt_settings.ISSUER:
        raise FetchError("The hub's metadata names another issuer than OAUTH_JWT['ISSUER'].")
    uri = metadata.get("jwks_uri")
    if not isinstance(uri, str) or urlsplit(uri).scheme not in ("http", "https"):
        raise FetchError("The hub's metadata has no usable jwks_uri.")
    return uri


class HubJWKClient(jwt.PyJWKClient):
    """``PyJWKClient`` that honours ``Cache-Control`` and rides out hub outages."""

    def __init__(self, uri: str) -> None:
        super().__init__(
            uri,
            cache_jwk_set=True,
            lifespan=float(jwt_settings.JWKS_MAX_AGE_SECONDS) or MIN_LIFESPAN_SECONDS,
            timeout=jwt_settings.HTTP_TIMEOUT_SECONDS,
            cooldown_duration=jwt_settings.JWKS_REFRESH_INTERVAL_SECONDS,
        )
        self._held: PyJWKSet | None = None

    def fetch_data(self) -> PyJWKSet:
        try:
            data, cache_control = fetch_json(self.uri)
            jwk_set = PyJWKSet.from_dict(usable_jwks(data))
        except (FetchError, jwt.PyJWKSetError) as exc:
            if self._held is None:
                raise PyJWKClientConnectionError(str(exc)) from None
            logger.warning(
                "hub JWK set unavailable; keeping the keys already held",
                extra={"event": "jwks.unavailable", "jwks_uri": self.uri},
            )
            self.jwk_set_cache.lifespan = max(self.cooldown_duration, MIN_LIFESPAN_SECONDS)
            return self._held
        self._held = jwk_set
        self.jwk_set_cache.lifespan = lifespan_from(cache_control)
        self._last_successful_fetch = time.monotonic()
        return jwk_set


_client: HubJWKClient | None = None
_client_lock = threading.Lock()
_discovery_failed_at: float | None = None


def client() -> HubJWKClient | None:
    """The process's JWK client; ``None`` while the hub's metadata cannot be read
    (retried at most once per ``JWKS_REFRESH_INTERVAL_SECONDS``)."""
    global _client, _discovery_failed_at
    if _client is not None:
        return _client
    with _client_lock:
        if _client is not None:
            return _client
        if not jwt_settings.is_remote:
            raise ImproperlyConfigured("Set OAUTH_JWT['METADATA_URL'] or OAUTH_JWT['JWKS_URL'].")
        now = time.monotonic()
        if _discovery_failed_at is not None and now - _discovery_failed_at < jwt_settings.JWKS_REFRESH_INTERVAL_SECONDS:
            return None
        try:
            _client = HubJWKClient(discover_jwks_uri())
        except FetchError as exc:
            _discovery_failed_at = now
            logger.warning("hub metadata unavailable: %s", exc, extra={"event": "jwks.discovery_failed"})
            return None
        _discovery_failed_at = None
        return _client


def remote_key(kid: str) -> RemoteKey | None:
    """The hub's key named ``kid``, pinned to the algorithm its JWK declares; ``None``
    for a ``kid`` the hub does not publish. Raises ``TemporarilyUnavailable`` while no
    key of the hub could be had at all (metadata or JWK set unavailable: logged)."""
    jwks_client = client()
    if jwks_client is None:
        raise TemporarilyUnavailable(
            "The resource server cannot read the hub's metadata right now.",
            retry_after=jwt_settings.RETRY_AFTER_SECONDS,
        )
    try:
        found = jwks_client.get_signing_key(kid)
    except PyJWKClientConnectionError as exc:
        logger.warning(
            "hub JWK set unavailable: %s", exc, extra={"event": "jwks.unavailable", "jwks_uri": jwks_client.uri}
        )
        raise TemporarilyUnavailable(
            "The resource server cannot fetch the hub's keys right now.",
            retry_after=jwt_settings.RETRY_AFTER_SECONDS,
        ) from None
    except PyJWKClientError:
        return None
    return RemoteKey(kid=found.key_id, algorithm=found.algorithm_name, key=found.key)


def reset() -> None:
    """Forget the client and every key it held (settings changed, or tests)."""
    global _client, _discovery_failed_at
    with _client_lock:
        _client = None
        _discovery_failed_at = None


def _on_setting_changed(setting, **kwargs) -> None:
    if setting == "OAUTH_JWT":
        reset()


def connect() -> None:
    """Forget the key snapshot when a test changes the settings (``resource.connect``)."""
    setting_changed.connect(_on_setting_changed, dispatch_uid="oauth_jwt_jwks_reset")
