"""``ACCESS_TOKEN_GENERATOR`` for DOT: claims, signed with the active key; a token too
large for resource servers to accept (``MAX_TOKEN_BYTES``) is never issued."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import jwt
from oauthlib.oauth2.rfc6749 import errors

from ..conf import jwt_settings
from ..resource import signatures
from . import signing_keys
from .claims import build_claims


@dataclass(frozen=True)
class Minted:
    """What the validator keeps of the token just generated."""

    kid: str
    key_pk: int
    claims: dict[str, Any]


class MintedToken(str):
    """The signed JWT, carrying what it was minted from to the validator: oauthlib puts
    it in the token dict that DOT hands to ``save_bearer_token`` and ``_set_token_value``."""

    minted: Minted

    def __new__(cls, token: str, minted: Minted) -> MintedToken:
        instance = super().__new__(cls, token)
        instance.minted = minted
        return instance


def generate_access_token(request, *args, **kwargs) -> str:
    """oauthlib calls this with the request alone (``refresh_token`` is never passed)."""
    key = signing_keys.signing_key()
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
    return MintedToken(token, Minted(key.kid, key.pk, claims))


def minted(token: Any) -> Minted | None:
    """What ``token`` was minted from, when this hub's generator just made it."""
    return token.minted if isinstance(token, MintedToken) else None
