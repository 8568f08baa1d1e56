"""``ACCESS_TOKEN_GENERATOR`` for DOT: claims, signed with the active key; a token too
large for resource servers to accept (``MAX_TOKEN_BYTES``) is never issued."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

import jwt
from oauthlib.oauth2.rfc6749 import errors

from . import keys, signatures
from .claims import build_claims
from .conf import jwt_settings
from .records import TokenRecord


@dataclass(frozen=True)
class Minted:
    """What the validator keeps of the token just generated."""

    token: str
    kid: str
    claims: dict[str, Any]
    record: TokenRecord


_last = threading.local()


def generate_access_token(request, *args, **kwargs) -> str:
    """oauthlib calls this with the request alone (``refresh_token`` is never passed)."""
    key = keys.signing_key()
    claims = build_claims(request, now=int(time.time()))
    token = jwt.encode(claims, key.key, algorithm=key.algorithm, headers={"typ": "at+jwt", "kid": key.kid})
    token = signatures.canonical(token, key.algorithm)
    if len(token) > jwt_settings.MAX_TOKEN_BYTES:
        # Resource servers refuse a token this large unread; the resources are the one
        # part of a token a client makes as long as it likes (RFC 8707 §2).
        raise errors.CustomOAuth2Error(
            error="invalid_target",
            description="The resources asked for would make the access token too large to use.",
            request=request,
        )
    minted = Minted(token, key.kid, claims, TokenRecord(claims["jti"], key.pk, claims.get("auth_time")))
    request.oauth_jwt_minted = _last.minted = minted
    return token


def minted(token: str) -> Minted | None:
    """The ``Minted`` of ``token`` when this thread generated it last: DOT hands the
    validator's ``_set_token_value`` the token alone, right after generating it."""
    last = getattr(_last, "minted", None)
    return last if last is not None and last.token == token else None
