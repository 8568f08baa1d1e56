"""RFC 9068 §2.2 claims for an access token, from the oauthlib request being served."""

from __future__ import annotations

import secrets
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from ..conf import jwt_settings
from . import dpop, token_records

# Claims the optional CLAIMS_HOOK may not replace.
PROTECTED_CLAIMS = frozenset(
    {"iss", "sub", "aud", "exp", "iat", "nbf", "jti", "client_id", "scope", "auth_time", "cnf"}
)


def audience(request) -> str | list[str]:
    """RFC 8707 ``resource`` values (already inherited from the grant or refresh token by
    the validator), else the configured default audience."""
    resources = getattr(request, "resource", None) or []
    if isinstance(resources, str):
        resources = [resources]
    if not resources:
        if not jwt_settings.DEFAULT_AUDIENCE:
            raise ImproperlyConfigured("OAUTH_JWT['DEFAULT_AUDIENCE'] must be set on an authorization server.")
        return jwt_settings.DEFAULT_AUDIENCE
    return resources[0] if len(resources) == 1 else list(resources)


def auth_time(request) -> int | None:
    """When the person authenticated: the sign-in the authorization code was issued in
    (``oidc_claims``) or the device code approved in (``device``), fixed across refreshes
    (RFC 9068 §2.2.1); else (a code from before sign-in times were kept, a device sign-in
    time the cache lost) the account's last sign-in."""
    user = getattr(request, "user", None)
    if user is None or getattr(request, "grant_type", None) == "client_credentials":
        return None
    refresh = getattr(request, "refresh_token_instance", None)
    if refresh is not None and refresh.access_token_id:
        previous = token_records.of(refresh.access_token)
        if previous is not None and previous.auth_time is not None:
            return previous.auth_time
    signed_in = getattr(request, "auth_time", None)
    if isinstance(signed_in, int):
        return signed_in
    last_login = getattr(user, "last_login", None)
    return int(last_login.timestamp()) if last_login else None


def build_claims(request, now: int) -> dict[str, Any]:
    client_id = request.client.client_id
    user = getattr(request, "user", None)
    if getattr(request, "grant_type", None) == "client_credentials":
        user = None
    claims: dict[str, Any] = {
        "iss": jwt_settings.ISSUER,
        "sub": str(user.pk) if user is not None else client_id,
        "aud": audience(request),
        "client_id": client_id,
        "iat": now,
        "exp": now + int(request.expires_in),
        "jti": secrets.token_urlsafe(16),
        "scope": " ".join(request.scopes or []),
    }
    proof = dpop.proof_of(request)
    if proof is not None:
        # RFC 9449 §6.1: bound to the key that signed the token request's proof.
        claims["cnf"] = {"jkt": proof.jkt}
    when = auth_time(request) if user is not None else None
    if when is not None:
        claims["auth_time"] = when
    hook = jwt_settings.CLAIMS_HOOK
    if hook is not None:
        extra = hook(request, dict(claims)) or {}
        claims.update({k: v for k, v in extra.items() if k not in PROTECTED_CLAIMS})
    return claims
