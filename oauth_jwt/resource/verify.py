"""The one place that says "this is a good access token" (RFC 9068 §4, RFC 8725).

Checks, in order: size and shape before any parsing; an explicit ``at+jwt`` type; no
key carried or pointed to by the token (``jku``, ``jwk``, ``x5u``, ``x5c``) and no
``crit`` extension; a ``kid`` we publish; the header ``alg`` equal to the one algorithm
that key is pinned to; then the signature (PyJWT's algorithm objects), ``iss`` exactly,
``aud``, ``exp``/``nbf``/``iat`` with a small leeway, and the required claims, parsing
the token once (``jws``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from ..conf import jwt_settings
from ..exceptions import InvalidToken
from . import jws

if TYPE_CHECKING:
    from .key_sources import KeySource

ACCESS_TOKEN_TYPES = frozenset({"at+jwt", "application/at+jwt"})
FORBIDDEN_HEADERS = frozenset({"jku", "jwk", "x5u", "x5c", "crit", "b64"})
REQUIRED_CLAIMS = ("iss", "sub", "aud", "exp", "iat", "jti", "client_id")
MAX_KID_LENGTH = 128


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
    audience = list(audience if audience is not None else jwt_settings.AUDIENCE)
    claims = jws.check_signature(token, key.algorithm, key.key)
    jws.check_registered_claims(
        claims,
        audience=audience,
        issuer=issuer or jwt_settings.ISSUER,
        leeway=jwt_settings.LEEWAY_SECONDS,
        required=REQUIRED_CLAIMS,
    )
    _check_claim_types(claims)
    return header, claims


def parse_header(token: str) -> dict[str, Any]:
    """Shape, size and header checks that need no key."""
    if not isinstance(token, str) or not token:
        raise InvalidToken("The access token is malformed.")
    if len(token) > jwt_settings.MAX_TOKEN_BYTES:
        raise InvalidToken("The access token is too large.")
    if token.count(".") != 2 or not token.isascii():
        raise InvalidToken("The access token is malformed.")
    header = jws.json_object(token.partition(".")[0])
    typ = header.get("typ")
    if not isinstance(typ, str) or typ.lower() not in ACCESS_TOKEN_TYPES:
        raise InvalidToken("The token is not an access token (typ must be at+jwt).")
    if FORBIDDEN_HEADERS & header.keys():
        raise InvalidToken("The access token names a key or an extension this server does not accept.")
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid or len(kid) > MAX_KID_LENGTH:
        raise InvalidToken("The access token has no usable key id.")
    return header


def _check_claim_types(claims: dict[str, Any]) -> None:
    for name in ("sub", "jti", "client_id"):
        if not isinstance(claims.get(name), str) or not claims[name]:
            raise InvalidToken(f"The access token's {name!r} claim is invalid.")
    if "scope" in claims and not isinstance(claims["scope"], str):
        raise InvalidToken("The access token's 'scope' claim is invalid.")
