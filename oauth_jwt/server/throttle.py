"""Throttled client authentication at the token, revocation and introspection endpoints
(RFC 6749 §2.3.1: "protect any endpoint utilizing [client passwords] against brute force").

Failed client authentications (``401 invalid_client``) are counted in a Django cache per
client *and* address, and per address alone (one address spraying many client ids).
Past ``CLIENT_AUTH_MAX_FAILURES`` within ``CLIENT_AUTH_WINDOW_SECONDS`` the endpoint
answers ``429`` with ``Retry-After`` before checking any secret. The address is
``REMOTE_ADDR``, or behind ``TRUSTED_PROXY_COUNT`` reverse proxies the one the outermost
proxy appended to ``X-Forwarded-For``: trusting the whole header would let every guess
pick a fresh address.

``ClientAuthThrottleMixin`` goes first in the bases of a view; ``throttle_client_auth``
decorates a function view the same way. Wrong device user codes (RFC 8628 §5.1) draw on
the same budget, per person and address (``views.device``). Client registrations
(RFC 7591) are counted per address on a budget of their own (``registration_throttled``).

While ``THROTTLE_CACHE`` is unreachable the counts go to a per-process local-memory
cache: the endpoints keep answering (revocations, refreshes) and keep throttling, each
worker process on its own budget, until the shared cache answers again.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import unquote_plus

from django.core.cache import caches
from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.locmem import LocMemCache
from django.http import HttpRequest, HttpResponse

from ..conf import jwt_settings
from ..exceptions import oauth_error

logger = logging.getLogger(__name__)

_PREFIX = "oauth_jwt:clientauth:"
# Bigger Authorization headers are refused unread: no client credential is that long.
MAX_AUTHORIZATION_HEADER = 4096


_FALLBACK = LocMemCache("oauth_jwt-throttle-fallback", {})


def _cache():
    return caches[jwt_settings.THROTTLE_CACHE]


def _counted(operation: Callable[[BaseCache], Any]) -> Any:
    """``operation`` on the throttle cache, or on this process's own while it is unreachable."""
    try:
        return operation(_cache())
    except Exception as exc:  # each cache backend raises its own connection errors
        logger.error(
            "throttle cache unreachable, counting in this process: %s",
            type(exc).__name__,
            extra={"event": "client_auth.throttle_cache_unreachable", "cache": jwt_settings.THROTTLE_CACHE},
        )
        return operation(_FALLBACK)


def claimed_client_id(request: HttpRequest) -> str:
    """The client id the request claims, from Basic credentials or the form body."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
        except ValueError:  # not base64 (binascii.Error), not ASCII, or not UTF-8
            return ""
        return unquote_plus(decoded.partition(":")[0])
    return request.POST.get("client_id", "")


def client_address(request: HttpRequest) -> str:
    """``REMOTE_ADDR``, or behind ``TRUSTED_PROXY_COUNT`` proxies the address the
    outermost of them saw: entries further left are whatever the client wrote."""
    proxies = jwt_settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return request.META.get("REMOTE_ADDR", "")
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    return hops[-proxies] if len(hops) >= proxies else request.META.get("REMOTE_ADDR", "")


def _keys(request: HttpRequest) -> list[str]:
    address = client_address(request)
    client_id = claimed_client_id(request)
    digest = hashlib.sha256(f"{client_id}\n{address}".encode()).hexdigest()
    return [f"{_PREFIX}pair:{digest}", f"{_PREFIX}addr:{hashlib.sha256(address.encode()).hexdigest()}"]


def _limits(key: str) -> int:
    failures = jwt_settings.CLIENT_AUTH_MAX_FAILURES
    # One address may fail for several clients (a shared NAT), but not without bound.
    return failures * 5 if ":addr:" in key else failures


def over_budget(keys: list[str], limit: int | None = None) -> bool:
    counts = _counted(lambda cache: cache.get_many(keys))
    return any(count >= (limit or _limits(key)) for key, count in counts.items())


def _increment(cache: BaseCache, keys: list[str], window: int | None = None) -> None:
    window = window or jwt_settings.CLIENT_AUTH_WINDOW_SECONDS
    for key in keys:
        cache.add(key, 0, window)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, window)


def count_failure(keys: list[str], window: int | None = None) -> None:
    _counted(lambda cache: _increment(cache, keys, window))


def registration_throttled(request: HttpRequest) -> bool:
    """Count a client registration request from this address (RFC 7591, ``server.registration``);
    True once ``REGISTRATION_MAX_PER_ADDRESS`` were made within ``REGISTRATION_WINDOW_SECONDS``."""
    keys = [f"{_PREFIX}register:{hashlib.sha256(client_address(request).encode()).hexdigest()}"]
    if over_budget(keys, jwt_settings.REGISTRATION_MAX_PER_ADDRESS):
        return True
    count_failure(keys, jwt_settings.REGISTRATION_WINDOW_SECONDS)
    return False


def first_within(key: str, seconds: int) -> bool:
    """True for the first call with ``key`` in ``seconds`` (RFC 8628 §3.5 polling)."""
    return _counted(lambda cache: cache.add(key, 1, seconds))


def user_code_keys(request: HttpRequest) -> list[str]:
    """RFC 8628 §5.1: wrong device user codes are counted per person and address."""
    digest = hashlib.sha256(f"{request.user.pk}\n{client_address(request)}".encode()).hexdigest()
    return [f"{_PREFIX}usercode:{digest}"]


def is_throttled(request: HttpRequest) -> bool:
    return over_budget(_keys(request))


def record_failure(request: HttpRequest) -> None:
    count_failure(_keys(request))


def _is_client_auth_failure(response: HttpResponse) -> bool:
    if response.status_code != 401:
        return False
    try:
        return json.loads(response.content).get("error") == "invalid_client"
    except (ValueError, AttributeError):
        return False


def guarded(view: Callable[..., HttpResponse], request: HttpRequest, *args, **kwargs) -> HttpResponse:
    """Run ``view`` unless the caller is throttled; count its client-auth failures."""
    if request.method != "POST":
        return view(request, *args, **kwargs)
    if len(request.META.get("HTTP_AUTHORIZATION", "")) > MAX_AUTHORIZATION_HEADER:
        return oauth_error("invalid_request", "The Authorization header is too large.")
    if is_throttled(request):
        logger.warning("client authentication throttled", extra={"event": "client_auth.throttled"})
        response = oauth_error("temporarily_unavailable", "Too many failed client authentications.", status=429)
        response["Retry-After"] = str(jwt_settings.CLIENT_AUTH_WINDOW_SECONDS)
        return response
    response = view(request, *args, **kwargs)
    if _is_client_auth_failure(response):
        record_failure(request)
        # RFC 6749 §5.2: the challenge names the scheme clients authenticate with
        # (oauthlib's default says "Bearer", the resource-server scheme).
        response["WWW-Authenticate"] = 'Basic realm="oauth"'
    return response


class ClientAuthThrottleMixin:
    """First base of a class-based endpoint view that authenticates clients."""

    def dispatch(self, request, *args, **kwargs):
        return guarded(super().dispatch, request, *args, **kwargs)


def throttle_client_auth(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        return guarded(view, request, *args, **kwargs)

    return wrapped
