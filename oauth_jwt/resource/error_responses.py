"""RFC 6750 §3 answers for a request whose bearer token is missing, bad or too narrow,
RFC 9449 §7.1 ``DPoP`` challenges (with ``algs``, and ``DPoP-Nonce`` on
``use_dpop_nonce``) where the request or the token used DPoP, and 503 + ``Retry-After``
when it cannot be checked right now."""

from __future__ import annotations

from collections.abc import Iterable

from django.http import JsonResponse

from ..exceptions import InsufficientScope, OAuthJWTError, TemporarilyUnavailable, UseDPoPNonce
from .dpop import ALGORITHMS
from .dpop_nonce import HEADER as NONCE_HEADER

REALM = "api"


def _quoted(value: str) -> str:
    return '"{}"'.format(value.replace("\\", "").replace('"', "'"))


def www_authenticate(
    error: str | None = None,
    description: str | None = None,
    scopes: Iterable[str] | None = None,
    scheme: str = "Bearer",
) -> str:
    """The ``WWW-Authenticate: Bearer ...`` (or ``DPoP ...``) value; no error code when no
    token was sent."""
    parts = [f"realm={_quoted(REALM)}"]
    if error:
        parts.append(f"error={_quoted(error)}")
        if description:
            parts.append(f"error_description={_quoted(description)}")
    if scopes:
        parts.append(f"scope={_quoted(' '.join(scopes))}")
    if scheme == "DPoP":
        parts.append(f"algs={_quoted(' '.join(ALGORITHMS))}")
    return f"{scheme} " + ", ".join(parts)


def challenge(exc: OAuthJWTError, scopes: Iterable[str] | None = None) -> str:
    """The challenge for ``exc``, in the scheme the request or the token used."""
    return www_authenticate(exc.error, exc.description, scopes, getattr(exc, "scheme", "Bearer"))


def missing_token_response() -> JsonResponse:
    response = JsonResponse({"detail": "An access token is required."}, status=401)
    response["WWW-Authenticate"] = www_authenticate()
    return response


def error_response(exc: OAuthJWTError, scopes: Iterable[str] | None = None) -> JsonResponse:
    scopes = list(scopes or []) if isinstance(exc, InsufficientScope) else None
    response = JsonResponse({"error": exc.error, "error_description": exc.description}, status=exc.status_code)
    if isinstance(exc, TemporarilyUnavailable):
        response["Retry-After"] = str(exc.retry_after)
    else:
        response["WWW-Authenticate"] = challenge(exc, scopes)
    if isinstance(exc, UseDPoPNonce):
        response[NONCE_HEADER] = exc.nonce
    return response
