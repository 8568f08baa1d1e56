"""One-pass JWS compact parsing and checking for ``verify.verify_access_token``.

PyJWT's ``decode`` after ``get_unverified_header`` parses a token twice and checks
its base64url alphabet one character at a time in Python, which costs more than the
RSA signature check itself. Here each segment is checked once, by a compiled regular
expression plus a canonical re-encoding (no padding, no stray bits: one token has one
spelling; an ECDSA signature has one too, ``signatures``); the signature is checked by
PyJWT's own algorithm objects, and the registered claims with the same rules as PyJWT's ``decode``.
"""

from __future__ import annotations

import base64
import json
import math
import re
import time
from collections.abc import Sequence
from typing import Any

from jwt.algorithms import get_default_algorithms

from ..exceptions import InvalidToken
from .signatures import is_canonical

MALFORMED = "The access token is malformed."
# 9999-12-31T23:59:59Z: a NumericDate beyond it is no date Python can represent.
MAX_NUMERIC_DATE = 253402300799
_SEGMENT = re.compile(r"[A-Za-z0-9_-]+")
_ALGORITHMS = get_default_algorithms()


def b64decode(segment: str) -> bytes:
    """Strict base64url without padding (RFC 7515 §2)."""
    if not _SEGMENT.fullmatch(segment) or len(segment) % 4 == 1:
        raise InvalidToken(MALFORMED)
    raw = base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    if base64.urlsafe_b64encode(raw).rstrip(b"=") != segment.encode("ascii"):
        raise InvalidToken(MALFORMED)
    return raw


def _unique_members(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """RFC 7515 §4 / RFC 7519 §4: a name given twice makes the JSON invalid."""
    members = dict(pairs)
    if len(members) != len(pairs):
        raise ValueError("duplicate member name")
    return members


def _no_constants(name: str) -> Any:
    """``NaN``/``Infinity`` are not JSON (RFC 8259); Python's parser accepts them."""
    raise ValueError(f"{name} is not JSON")


def json_object(segment: str) -> dict[str, Any]:
    try:
        value = json.loads(b64decode(segment), object_pairs_hook=_unique_members, parse_constant=_no_constants)
    except (ValueError, RecursionError):
        raise InvalidToken(MALFORMED) from None
    if not isinstance(value, dict):
        raise InvalidToken(MALFORMED)
    return value


def check_signature(token: str, algorithm: str, key: Any) -> dict[str, Any]:
    """Verify the signature of ``token`` (already split-checked) and return its claims."""
    signing_input, _, signature = token.rpartition(".")
    alg = _ALGORITHMS[algorithm]
    raw = b64decode(signature)
    try:
        valid = is_canonical(algorithm, raw) and alg.verify(signing_input.encode("ascii"), alg.prepare_key(key), raw)
    except (ValueError, TypeError):
        valid = False
    if not valid:
        raise InvalidToken("The access token's signature is invalid.")
    return json_object(signing_input.partition(".")[2])


def _number(claims: dict[str, Any], name: str) -> int:
    value = claims[name]
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidToken(MALFORMED)
    if isinstance(value, float) and not math.isfinite(value):
        raise InvalidToken(MALFORMED)
    if not -MAX_NUMERIC_DATE <= value <= MAX_NUMERIC_DATE:
        raise InvalidToken(f"The access token's {name!r} claim is out of range.")
    return int(value)


def check_registered_claims(
    claims: dict[str, Any], *, audience: Sequence[str], issuer: str, leeway: int, required: Sequence[str]
) -> None:
    """``exp``/``nbf``/``iat`` with leeway, ``iss`` exactly, ``aud`` (one of ours), presence."""
    for name in required:
        if claims.get(name) is None:
            raise InvalidToken(f"The access token lacks the {name!r} claim.")
    now = time.time()
    if _number(claims, "exp") <= now - leeway:
        raise InvalidToken("The access token expired.")
    if "nbf" in claims and _number(claims, "nbf") > now + leeway:
        raise InvalidToken("The access token is not valid yet.")
    if "iat" in claims and _number(claims, "iat") > now + leeway:
        raise InvalidToken("The access token is not valid yet.")
    if not isinstance(claims["iss"], str) or claims["iss"] != issuer:
        raise InvalidToken("The access token was issued by another issuer.")
    aud = claims["aud"]
    if isinstance(aud, str):
        aud = [aud]
    if not isinstance(aud, list) or not all(isinstance(a, str) for a in aud):
        raise InvalidToken("The access token is not meant for this resource server.")
    if not any(a in aud for a in audience):
        raise InvalidToken("The access token is not meant for this resource server.")
