"""OpenID Connect claims (validator mixin): what the ID token and userinfo release.

OIDC Core §5.4: the claims of ``profile``, ``email`` (and any scope the
``CLAIMS_PROVIDER`` declares) are returned by userinfo whenever an access token is
issued, which is always here (``response_type=code`` only). The ID token carries the
protocol claims and ``sub``, plus the claims the client asked for in it through the
``claims`` parameter (§5.5) — always within the scopes the person allowed: consent is
by scope, so a claim of a scope not allowed is never released, however it is asked for.

The authorization code keeps the session's sign-in time (``authtime``) for the tokens
it leads to, in the JSON that DOT's ``Grant.claims`` column holds for the ``claims``
parameter, under a member of its own (``AUTH_TIME_MEMBER``; only the two members OIDC
defines are kept from the client's request, so a client cannot set it). That keeps it
in the one INSERT of the grant, with no table of its own.
"""

from __future__ import annotations

from typing import Any

from . import userclaims
from .authparams import CLAIMS_MEMBERS
from .claims import auth_time

AUTH_TIME_MEMBER = "oauth_jwt_auth_time"
# The claims an ID token can carry besides the released ones (oauthlib adds at_hash).
ID_TOKEN_CLAIMS = ("iss", "sub", "aud", "exp", "iat", "auth_time", "nonce", "at_hash", "jti", "sid")


def _claims_request(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def requested_in(request, member: str) -> list[str]:
    """The claim names the ``claims`` parameter asked for in ``member``."""
    wanted = _claims_request(getattr(request, "claims", None)).get(member)
    return [name for name in wanted if isinstance(name, str)] if isinstance(wanted, dict) else []


class OIDCClaimsMixin:
    def get_discovery_claims(self, request) -> list[str]:
        return sorted(set(ID_TOKEN_CLAIMS) | userclaims.supported())

    def get_oidc_claims(self, token, token_handler, request) -> dict[str, Any]:
        """The ID token's: ``sub`` and what the ``claims`` parameter asked for in it."""
        wanted = requested_in(request, "id_token")
        return {"sub": str(request.user.pk), **userclaims.release(request.user, request.scopes, wanted)}

    def get_userinfo_claims(self, request) -> dict[str, Any]:
        return {"sub": str(request.user.pk), **userclaims.release(request.user, request.scopes)}

    def get_id_token_dictionary(self, token, token_handler, request):
        claims, expiration_time = super().get_id_token_dictionary(token, token_handler, request)
        when = auth_time(request)
        if when is not None:
            claims["auth_time"] = when
        return claims, expiration_time

    def save_authorization_code(self, client_id, code, request, *args, **kwargs):
        """The code keeps the sign-in time (see above) with the client's claims request."""
        asked = _claims_request(getattr(request, "claims", None))
        kept = {member: asked[member] for member in CLAIMS_MEMBERS if member in asked}
        when = getattr(request, "auth_time", None)
        if isinstance(when, int):
            kept[AUTH_TIME_MEMBER] = when
        request.claims = kept
        return super().save_authorization_code(client_id, code, request, *args, **kwargs)

    def validate_code(self, client_id, code, client, request, *args, **kwargs):
        valid = super().validate_code(client_id, code, client, request, *args, **kwargs)
        if valid:
            kept = _claims_request(getattr(request, "claims", None))
            when = kept.pop(AUTH_TIME_MEMBER, None)
            request.claims = kept
            request.auth_time = when if isinstance(when, int) and not isinstance(when, bool) else None
        return valid
