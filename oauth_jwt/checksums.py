"""The SHA-256 of a token, spelt as DOT's ``AccessToken.token_checksum`` stores it: the
one way the hub finds a token's row, and a resource server names a token in its caches."""

from __future__ import annotations

import hashlib


def token_checksum(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
