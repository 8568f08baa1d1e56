"""RFC 6750 §3 answers for a request whose bearer token is missing, bad or too narrow,
RFC 9449 §7.1 ``DPoP`` challenges (with ``algs``, and ``DPoP-Nonce`` on
``use_dpop_nonce``) where the request or the token used DPoP, both challenges where no
token was sent and either scheme is taken, and 503 + ``Retry-After``
when it cannot be checked right now. Every challenge names this server's RFC 9728
metadata document (``resource_metadata``, RFC 9728 §5.1), from which a client finds the
authorization server."""

from __future__ import annotations

from collections.abc import Iterable

from django.http import JsonResponse

from ..conf import jwt_settings
from ..exceptions import InsufficientScope, OAuthJWTError, TemporarilyUnavailable, UseDPoPNonce, oauth_error
from .dpop import ALGORITHMS
from .dpop_nonce import HEADER as NONCE_HEADER
from .metadata import own_metadata_url

REALM = "api"


def _quoted(value: str) -> str:
    return '"{}"'.format(value.replace("\\", "").replace('"', "'"))


def www_authenticate(
    error: str | None = None,
    description: str | None = None,
    scopes: Iterable[str] | None = None,
    resource_metadata: bool = True,
    scheme: str | None = None,
) -> str:
    """The ``WWW-Authenticate: Bearer ...`` (or ``DPoP ...``) value; no error code when no
    token was sent. ``resource_metadata=False`` for an endpoint of the hub's own
    (UserInfo), which is not the API the metadata describes. Without a ``scheme``, the
    schemes this server takes tokens with (``default_scheme``): a ``Bearer`` and a
    ``DPoP`` challenge in one field value (RFC 9110 §11.6.1) unless ``DPOP_REQUIRED``."""
    if scheme is None:
        schemes = [default_scheme()] if error else taken_schemes()
        return ", ".join(www_authenticate(error, description, scopes, resource_metadata, s) for s in schemes)
    parts = [f"realm={_quoted(REALM)}"]
    if error:
        parts.append(f"error={_quoted(error)}")
        if description:
            parts.append(f"error_description={_quoted(description)}")
    if scopes:
        parts.append(f"scope={_quoted(' '.join(scopes))}")
    if scheme == "DPoP":
        parts.append(f"algs={_quoted(' '.join(ALGORITHMS))}")
    url = own_metadata_url() if resource_metadata else None
    if url:
        parts.append(f"resource_metadata={_quoted(url)}")
    return f"{scheme} " + ", ".join(parts)


def default_scheme() -> str:
    """``DPoP`` where ``DPOP_REQUIRED`` makes it the only scheme taken, else ``Bearer``."""
    return "DPoP" if jwt_settings.DPOP_REQUIRED else "Bearer"


def taken_schemes() -> list[str]:
    """The schemes a request without a token is offered (RFC 9449 §7.1 allows both)."""
    return ["DPoP"] if jwt_settings.DPOP_REQUIRED else ["Bearer", "DPoP"]


def challenge(exc: OAuthJWTError, scopes: Iterable[str] | None = None, resource_metadata: bool = True) -> str:
    """The challenge for ``exc``, in the scheme the request or the token used."""
    return www_authenticate(exc.error, exc.description, scopes, resource_metadata, getattr(exc, "scheme", None))


def missing_token_response(resource_metadata: bool = True, scheme: str | None = None) -> JsonResponse:
    response = JsonResponse({"detail": "An access token is required."}, status=401)
    response["WWW-Authenticate"] = www_authenticate(resource_metadata=resource_metadata, scheme=scheme)
    return response


def error_response(
    exc: OAuthJWTError, scopes: Iterable[str] | None = None, resource_metadata: bool = True
) -> JsonResponse:
    scopes = list(scopes or []) if isinstance(exc, InsufficientScope) else None
    response = oauth_error(exc.error, exc.description, status=exc.status_code)
    if isinstance(exc, TemporarilyUnavailable):
        response["Retry-After"] = str(exc.retry_after)
    else:
        response["WWW-Authenticate"] = challenge(exc, scopes, resource_metadata)
    if isinstance(exc, UseDPoPNonce):
        response[NONCE_HEADER] = exc.nonce
    return response
