"""The one place that says "this is a good access token" (RFC 9068 §4, RFC 8725).

Checks, in order: size and shape before any parsing; an explicit ``at+jwt`` type; no
key carried or pointed to by the token (``jku``, ``jwk``, ``x5u``, ``x5c``) and no
``crit`` extension; a ``kid`` we publish; the header ``alg`` equal to the one algorithm
that key is pinned to; then PyJWT's ``decode`` restricted to that algorithm (signature,
``iss`` exactly, ``aud``, ``exp``/``nbf``/``iat`` with a small leeway, the required
claims), and the claims' types.

What PyJWT leaves to its caller is checked here: one spelling per token (base64url
without padding or stray bits, RFC 7515 §2; an ECDSA signature with the low ``s``,
``signatures``), JSON as RFC 8259 and RFC 7515 §4 have it (no member named twice, no
``NaN``/``Infinity``), and NumericDates that are numbers Python's dates can hold.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import jwt
from jwt.utils import base64url_decode

from ..conf import jwt_settings
from ..exceptions import InvalidToken
from . import signatures

if TYPE_CHECKING:
    from .key_sources import KeySource

ACCESS_TOKEN_TYPES = frozenset({"at+jwt", "application/at+jwt"})
FORBIDDEN_HEADERS = frozenset({"jku", "jwk", "x5u", "x5c", "crit", "b64"})
REQUIRED_CLAIMS = ("iss", "sub", "aud", "exp", "iat", "jti", "client_id")
MAX_KID_LENGTH = 128
MALFORMED = "The access token is malformed."
# 9999-12-31T23:59:59Z: a NumericDate beyond it is no date Python can represent.
MAX_NUMERIC_DATE = 253402300799
# A base64url segment: not empty, of a length base64 can have (not 1 modulo 4) and, where
# its last character carries unused bits, with those bits zero. One token, one spelling.
_B64 = "[A-Za-z0-9_-]"
_SEGMENT = rf"(?={_B64})(?:{_B64}{{4}})*(?:{_B64}{{2}}[AEIMQUYcgkosw048]|{_B64}[AQgw])?"
_COMPACT = re.compile(rf"{_SEGMENT}\.{_SEGMENT}\.{_SEGMENT}")


def verify_access_token(
    token: str,
    keys: KeySource,
    *,
    audience: Iterable[str] | None = None,
    issuer: str | None = None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Return ``(header, claims)`` of a valid access token, or raise ``InvalidToken``.

    ``keys`` finds the key the token names (``key_sources``): the hub passes its own
    store, a resource server the hub's JWK set."""
    header = parse_header(token)
    key = keys(header["kid"])
    if key is None:
        raise InvalidToken("The access token was signed by an unknown key.")
    if header.get("alg") != key.algorithm:
        raise InvalidToken("The access token's algorithm does not match its key.")
    try:
        decoded = _JWT.decode_complete(
            token,
            key.key,
            algorithms=[key.algorithm],
            audience=list(audience if audience is not None else jwt_settings.AUDIENCE),
            issuer=issuer or jwt_settings.ISSUER,
            leeway=jwt_settings.LEEWAY_SECONDS,
            options={"require": list(REQUIRED_CLAIMS)},
        )
    except jwt.PyJWTError as exc:
        raise InvalidToken(_message(exc)) from None
    if not signatures.is_canonical(key.algorithm, decoded["signature"]):
        raise InvalidToken("The access token's signature is invalid.")
    claims = decoded["payload"]
    _check_claim_types(claims)
    return header, claims


def parse_header(token: str) -> dict[str, Any]:
    """Shape, size and header checks that need no key."""
    if not isinstance(token, str) or not token:
        raise InvalidToken(MALFORMED)
    if len(token) > jwt_settings.MAX_TOKEN_BYTES:
        raise InvalidToken("The access token is too large.")
    if not _COMPACT.fullmatch(token):
        raise InvalidToken(MALFORMED)
    header = _json_object(base64url_decode(token.partition(".")[0]))
    typ = header.get("typ")
    if not isinstance(typ, str) or typ.lower() not in ACCESS_TOKEN_TYPES:
        raise InvalidToken("The token is not an access token (typ must be at+jwt).")
    if FORBIDDEN_HEADERS & header.keys():
        raise InvalidToken("The access token names a key or an extension this server does not accept.")
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid or len(kid) > MAX_KID_LENGTH:
        raise InvalidToken("The access token has no usable key id.")
    return header


def unverified_claims(token: str) -> dict[str, Any]:
    """The claims of a token of the right shape, unverified; ``{}`` for anything else."""
    if not isinstance(token, str) or not _COMPACT.fullmatch(token):
        return {}
    try:
        return _json_object(base64url_decode(token.split(".")[1]))
    except InvalidToken:
        return {}


def _json_object(raw: bytes) -> dict[str, Any]:
    try:
        value = json.loads(raw, object_pairs_hook=_unique_members, parse_constant=_no_constants)
    except (ValueError, RecursionError):
        raise InvalidToken(MALFORMED) from None
    if not isinstance(value, dict):
        raise InvalidToken(MALFORMED)
    return value


def _unique_members(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """RFC 7515 §4 / RFC 7519 §4: a name given twice makes the JSON invalid."""
    members = dict(pairs)
    if len(members) != len(pairs):
        raise ValueError("duplicate member name")
    return members


def _no_constants(name: str) -> Any:
    """``NaN``/``Infinity`` are not JSON (RFC 8259); Python's parser accepts them."""
    raise ValueError(f"{name} is not JSON")


class _StrictJWT(jwt.PyJWT):
    def _decode_payload(self, decoded: dict[str, Any]) -> dict[str, Any]:
        # PyJWT's hook for decoding the payload ("intended to be overridden by subclasses").
        return _json_object(decoded["payload"])


_JWT = _StrictJWT()

_MESSAGES = (
    (jwt.ExpiredSignatureError, "The access token expired."),
    (jwt.ImmatureSignatureError, "The access token is not valid yet."),
    (jwt.InvalidIssuerError, "The access token was issued by another issuer."),
    (jwt.InvalidAudienceError, "The access token is not meant for this resource server."),
    (jwt.InvalidSignatureError, "The access token's signature is invalid."),
    (jwt.InvalidKeyError, "The access token's signature is invalid."),
)


def _message(exc: jwt.PyJWTError) -> str:
    if isinstance(exc, jwt.MissingRequiredClaimError):
        return f"The access token lacks the {exc.claim!r} claim."
    return next((message for kind, message in _MESSAGES if isinstance(exc, kind)), MALFORMED)


def _check_claim_types(claims: dict[str, Any]) -> None:
    for name in ("sub", "jti", "client_id"):
        if not isinstance(claims.get(name), str) or not claims[name]:
            raise InvalidToken(f"The access token's {name!r} claim is invalid.")
    if "scope" in claims and not isinstance(claims["scope"], str):
        raise InvalidToken("The access token's 'scope' claim is invalid.")
    for name in ("exp", "iat", "nbf"):
        # PyJWT compares int(value): it lets "9999999999" and true through.
        value = claims.get(name, 0)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise InvalidToken(MALFORMED)
        if not -MAX_NUMERIC_DATE <= value <= MAX_NUMERIC_DATE:  # nor NaN
            raise InvalidToken(f"The access token's {name!r} claim is out of range.")
