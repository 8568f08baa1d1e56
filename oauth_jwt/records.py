"""What the hub keeps of a JWT it issued, inside DOT's own ``AccessToken`` row.

DOT's row already holds who (``user``, ``application``), what (``scope``,
``resource``), when (``created``, ``expires``) and the SHA-256 of the token
(``token_checksum``); with RFC 9700 token storage its ``token`` column is left blank.
The JWT adds three facts the row cannot derive: its ``jti``, the signing key, and
``auth_time``. They go into that blank ``token`` column as one short text, the token
*record*::

    "<jti> <signing key pk>"                 client tokens
    "<jti> <signing key pk> <auth_time>"     tokens of a person

so a token costs one row and one INSERT, as in plain DOT, and no more bytes than DOT's
opaque token did. The JWT itself is never stored. The ``jti`` is 128 random bits
(RFC 7519 §4.1.7), base64url, and holds no space.

DOT recomputes ``token_checksum`` from a non-blank ``token`` column when a row is
saved again without its raw token; ``receivers`` keeps the checksum of such a save.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TokenRecord:
    jti: str
    key_pk: int
    auth_time: int | None = None

    def encode(self) -> str:
        parts = [self.jti, str(self.key_pk)]
        if self.auth_time is not None:
            parts.append(str(self.auth_time))
        return " ".join(parts)


def decode(text: str | None) -> TokenRecord | None:
    """The record in an ``AccessToken.token`` column; ``None`` for rows without one
    (issued before records existed, or by plain DOT)."""
    parts = (text or "").split(" ")
    if len(parts) not in (2, 3) or not parts[0] or not all(part.isdigit() for part in parts[1:]):
        return None
    return TokenRecord(parts[0], int(parts[1]), int(parts[2]) if len(parts) == 3 else None)


def of(access_token) -> TokenRecord | None:
    """The record of a DOT ``AccessToken`` row."""
    return decode(getattr(access_token, "token", None))


def jti_prefix(jti: str) -> str:
    """``token__startswith`` value that finds the row of ``jti``."""
    return f"{jti} "


def key_pattern(key_pk: int) -> str:
    """``token__regex`` value that finds the rows a signing key signed."""
    return rf"^[A-Za-z0-9_-]+ {int(key_pk)}( |$)"
