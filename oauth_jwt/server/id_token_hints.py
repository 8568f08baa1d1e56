"""``id_token_hint``: an ID token a client sends back to the hub, at the authorize
endpoint (OIDC Core §3.1.2.1) and at RP-initiated logout (RP-Initiated Logout 1.0 §2).

``verify`` accepts only what this hub signed and issued as an ID token: the key its
``kid`` names among the hub's own (not DOT's per-client key), that key's ``alg``, the
``typ`` of an ID token (``JWT``: never an access token's ``at+jwt`` or a logout token's
``logout+jwt``) and the hub's ``iss``. The hub need not be among its audiences
(§3.1.2.1), and no stored ``IDToken`` row is needed (they are purged when they expire).
An expired hint still says who the person was; whether that is enough is the caller's
choice.
"""

from __future__ import annotations

from typing import Any

import jwt
from oauth2_provider.exceptions import InvalidIDTokenError

from ..conf import jwt_settings
from . import signing_keys


def verify(token: str, *, accept_expired: bool) -> dict[str, Any]:
    """The claims of ID token ``token`` if this hub signed and issued it; otherwise
    DOT's ``InvalidIDTokenError``."""
    if len(token) > jwt_settings.MAX_TOKEN_BYTES:
        raise InvalidIDTokenError()
    try:
        header = jwt.get_unverified_header(token)
        key = signing_keys.public_key(str(header.get("kid", "")))
        if key is None or header.get("alg") != key.algorithm or header.get("typ") != "JWT":
            raise InvalidIDTokenError()
        return jwt.decode(
            token,
            key.key,
            algorithms=[key.algorithm],
            issuer=jwt_settings.ISSUER,
            leeway=jwt_settings.LEEWAY_SECONDS,
            options={"verify_aud": False, "verify_exp": not accept_expired, "require": ["iss", "sub", "aud"]},
        )
    except (jwt.InvalidTokenError, ValueError, TypeError):
        raise InvalidIDTokenError() from None
