"""``ACCESS_TOKEN_GENERATOR`` for DOT: claims, signed with the active key."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from typing import Any

import jwt

from . import keys
from .claims import build_claims


@dataclass(frozen=True)
class Minted:
    """What the validator's save hook records about the token just generated."""

    token_checksum: str
    kid: str
    claims: dict[str, Any]


def generate_access_token(request, *args, **kwargs) -> str:
    """oauthlib calls this with the request alone (``refresh_token`` is never passed)."""
    key = keys.signing_key()
    claims = build_claims(request, now=int(time.time()))
    token = jwt.encode(claims, key.key, algorithm=key.algorithm, headers={"typ": "at+jwt", "kid": key.kid})
    request.oauth_jwt_minted = Minted(hashlib.sha256(token.encode("utf-8")).hexdigest(), key.kid, claims)
    return token
