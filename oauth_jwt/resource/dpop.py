"""DPoP proofs (RFC 9449 §4.3): the one place that says "this proof is good for this
request", at the hub's token endpoint and at every resource server.

Checks, in order: exactly one ``DPoP`` header; a size cap before any parsing; one
compact JWS; ``typ`` ``dpop+jwt``; an asymmetric ``alg`` from ``ALGORITHMS``; a
``jwk`` that is a public key of that algorithm's type (no private member, no ``oct``);
the signature with that key; ``jti``, ``htm``, ``htu`` and ``iat`` present and typed;
``htm`` equal to the method; ``htu`` equal to the request's URI without query and
fragment (RFC 3986 §6.2.2/§6.2.3 normalisation); ``iat`` within
``DPOP_PROOF_MAX_AGE_SECONDS`` back and ``DPOP_CLOCK_SKEW_SECONDS`` ahead; ``ath``
equal to the hash of the access token it travels with; this server's nonce when
``DPOP_NONCES`` is on; last, the ``jti`` not seen before (``cache.add`` in
``DPOP_REPLAY_CACHE`` for as long as the proof could be accepted). Anything wrong
raises ``InvalidDPoPProof`` (``UseDPoPNonce`` for a missing or stale nonce), never
anything else.

PyJWT parses: ``get_unverified_header`` for the header, ``PyJWK`` for the key it
carries, ``decode`` for the signature and the claims (its own claim checks off: the
ones above are RFC 9449's, with its errors).
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa
from django.core.cache import caches
from jwt.algorithms import get_default_algorithms
from jwt.utils import base64url_encode

from ..conf import jwt_settings
from ..exceptions import InvalidDPoPProof, TemporarilyUnavailable, UseDPoPNonce
from . import dpop_nonce

PROOF_TYPE = "dpop+jwt"
MAX_PROOF_BYTES = 4096
MAX_JTI_LENGTH = 256
MIN_RSA_BITS = 2048
_PYJWT = get_default_algorithms()
# Asymmetric algorithms, with the key type and curves each one takes (RFC 7518, RFC 8037).
_KEYS: dict[str, tuple[str, tuple[str, ...]]] = {
    "ES256": ("EC", ("P-256",)),
    "ES384": ("EC", ("P-384",)),
    "ES512": ("EC", ("P-521",)),
    "PS256": ("RSA", ()),
    "PS384": ("RSA", ()),
    "PS512": ("RSA", ()),
    "RS256": ("RSA", ()),
    "RS384": ("RSA", ()),
    "RS512": ("RSA", ()),
    "EdDSA": ("OKP", ("Ed25519", "Ed448")),
}
# What this server accepts and publishes (`dpop_signing_alg_values_supported`, `algs`).
ALGORITHMS: tuple[str, ...] = tuple(alg for alg in _KEYS if alg in _PYJWT)
_PUBLIC_TYPES = {
    "EC": ec.EllipticCurvePublicKey,
    "RSA": rsa.RSAPublicKey,
    "OKP": (ed25519.Ed25519PublicKey, ed448.Ed448PublicKey),
}
# Members of a private JWK (RFC 7518 §6.2.2, §6.3.2; RFC 8037 §2).
PRIVATE_MEMBERS = frozenset({"d", "p", "q", "dp", "dq", "qi", "oth", "k"})
# The members of each key type an RFC 7638 thumbprint is computed over.
THUMBPRINT_MEMBERS = {"EC": ("crv", "kty", "x", "y"), "RSA": ("e", "kty", "n"), "OKP": ("crv", "kty", "x")}
_JKT = re.compile(r"[A-Za-z0-9_-]{43}")
_PERCENT = re.compile(r"%[0-9a-fA-F]{2}")
_DEFAULT_PORTS = {"http": "80", "https": "443"}
# PyJWT checks the signature; the registered claims are checked here, by RFC 9449's rules.
_DECODE_OPTIONS: Any = {
    "verify_signature": True,
    "verify_exp": False,
    "verify_nbf": False,
    "verify_iat": False,
    "verify_aud": False,
    "verify_iss": False,
    "verify_sub": False,
    "verify_jti": False,
    "require": [],
}


@dataclass(frozen=True)
class Proof:
    """A checked proof: the thumbprint of its key, and its claims."""

    jkt: str
    claims: dict[str, Any]


def b64url(data: bytes) -> str:
    return base64url_encode(data).decode("ascii")


def token_hash(access_token: str) -> str:
    """``ath`` (§4.2): base64url of the SHA-256 of the access token's ASCII."""
    return b64url(hashlib.sha256(access_token.encode("ascii")).digest())


def thumbprint(jwk: dict[str, Any]) -> str:
    """The RFC 7638 SHA-256 thumbprint of a public JWK (``cnf.jkt``, ``dpop_jkt``)."""
    members = {name: jwk[name] for name in THUMBPRINT_MEMBERS[jwk["kty"]]}
    canonical = json.dumps(members, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return b64url(hashlib.sha256(canonical.encode("utf-8")).digest())


def is_thumbprint(value: Any) -> bool:
    """Whether ``value`` has the shape of a base64url SHA-256 thumbprint."""
    return isinstance(value, str) and _JKT.fullmatch(value) is not None


@functools.lru_cache(maxsize=1024)
def normalize_url(url: str) -> str | None:
    """``url`` without query and fragment, scheme and host in lower case, no default
    port, an empty path as ``/``, percent-escapes in upper case; ``None`` if it is not
    an absolute http(s) URL."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname or "@" in parts.netloc:
        return None
    host = parts.hostname.lower()
    if ":" in host:
        host = f"[{host}]"
    if port is not None and str(port) != _DEFAULT_PORTS[scheme]:
        host = f"{host}:{port}"
    path = _PERCENT.sub(lambda m: m.group(0).upper(), parts.path) or "/"
    return f"{scheme}://{host}{path}"


def request_url(request) -> str:
    """The URI a client reaches this view at: ``PUBLIC_ORIGIN`` or the request's own
    scheme and host (as Django's proxy settings make them), and the path."""
    origin = jwt_settings.PUBLIC_ORIGIN or f"{request.scheme}://{request.get_host()}"
    return origin + request.path


def proof_from(request) -> str | None:
    """The ``DPoP`` header's value; ``None`` without one. Servers join repeated headers
    with commas, which a JWT never holds: two headers are refused (§4.3 check 1)."""
    value = request.META.get("HTTP_DPOP")
    if value is None:
        return None
    value = value.strip()
    if "," in value:
        raise InvalidDPoPProof("Send exactly one DPoP header.")
    if not value:
        raise InvalidDPoPProof("The DPoP header is empty.")
    return value


def verify_proof(proof: str, *, method: str, url: str | Sequence[str], access_token: str | None = None) -> Proof:
    """Check ``proof`` for a request of ``method`` to ``url`` (or one of several spellings
    of the same endpoint), with ``access_token`` at a resource server; return the key's
    thumbprint and the claims."""
    alg, key, jkt = _header_and_key(proof)
    claims = _signed_claims(proof, alg, key)
    _check_claims(claims, method=method, url=url, access_token=access_token)
    if jwt_settings.DPOP_NONCES and not dpop_nonce.is_valid(claims.get("nonce")):
        raise UseDPoPNonce("Use the nonce in the DPoP-Nonce header.", dpop_nonce.issue())
    _first_use(jkt, claims["jti"])
    return Proof(jkt, claims)


def _header_and_key(proof: str) -> tuple[str, Any, str]:
    if len(proof) > MAX_PROOF_BYTES:
        raise InvalidDPoPProof("The DPoP proof is too large.")
    if not proof.isascii() or proof.count(".") != 2:
        raise InvalidDPoPProof("The DPoP proof is not a compact JWS.")
    return _parsed_header(proof.partition(".")[0])


@functools.lru_cache(maxsize=1024)
def _parsed_header(segment: str) -> tuple[str, jwt.PyJWK, str]:
    """The header's algorithm, public key and the key's thumbprint. A client signs every
    proof with the same key, so its header segment repeats: parsed and checked once per
    process (a refused one is not remembered: ``lru_cache`` keeps no exception)."""
    try:
        # PyJWT reads a header from a whole token: this one, with empty payload and signature.
        header = jwt.get_unverified_header(f"{segment}..")
    except jwt.PyJWTError:
        raise InvalidDPoPProof("The DPoP proof is malformed.") from None
    typ = header.get("typ")
    if not isinstance(typ, str) or typ.lower() != PROOF_TYPE:
        raise InvalidDPoPProof("The DPoP proof's typ must be dpop+jwt.")
    alg = header.get("alg")
    if alg not in ALGORITHMS:
        raise InvalidDPoPProof(f"The DPoP proof's alg must be one of {', '.join(ALGORITHMS)}.")
    if "crit" in header:
        raise InvalidDPoPProof("The DPoP proof names an extension this server does not support.")
    key = _public_key(header.get("jwk"), alg)
    return alg, key, thumbprint(header["jwk"])


def _public_key(jwk: Any, alg: str) -> jwt.PyJWK:
    if not isinstance(jwk, dict):
        raise InvalidDPoPProof("The DPoP proof carries no jwk.")
    if PRIVATE_MEMBERS & jwk.keys():
        raise InvalidDPoPProof("The DPoP proof's jwk holds a private key.")
    kty, curves = _KEYS[alg]
    if jwk.get("kty") != kty or (curves and jwk.get("crv") not in curves):
        raise InvalidDPoPProof("The DPoP proof's jwk does not fit its alg.")
    if not all(isinstance(jwk.get(name), str) for name in THUMBPRINT_MEMBERS[kty]):
        raise InvalidDPoPProof("The DPoP proof's jwk is incomplete.")
    try:
        key = jwt.PyJWK(jwk, algorithm=alg)
    except jwt.PyJWTError:
        raise InvalidDPoPProof("The DPoP proof's jwk is not a valid key.") from None
    if not isinstance(key.key, _PUBLIC_TYPES[kty]):
        raise InvalidDPoPProof("The DPoP proof's jwk holds a private key.")
    if kty == "RSA" and key.key.key_size < MIN_RSA_BITS:
        raise InvalidDPoPProof(f"The DPoP proof's RSA key is shorter than {MIN_RSA_BITS} bits.")
    return key


def _signed_claims(proof: str, alg: str, key: jwt.PyJWK) -> dict[str, Any]:
    try:
        return jwt.decode(proof, key, algorithms=[alg], options=_DECODE_OPTIONS)
    except jwt.InvalidSignatureError:
        raise InvalidDPoPProof("The DPoP proof's signature is invalid.") from None
    except jwt.PyJWTError:
        raise InvalidDPoPProof("The DPoP proof is malformed.") from None


def _check_claims(claims: dict[str, Any], *, method: str, url: str | Sequence[str], access_token: str | None) -> None:
    for name in ("jti", "htm", "htu"):
        if not isinstance(claims.get(name), str) or not claims[name]:
            raise InvalidDPoPProof(f"The DPoP proof lacks a valid {name!r} claim.")
    if len(claims["jti"]) > MAX_JTI_LENGTH:
        raise InvalidDPoPProof("The DPoP proof's 'jti' is too long.")
    iat = claims.get("iat")
    if isinstance(iat, bool) or not isinstance(iat, (int, float)) or not math.isfinite(iat):
        raise InvalidDPoPProof("The DPoP proof lacks a valid 'iat' claim.")
    if claims["htm"] != method:
        raise InvalidDPoPProof("The DPoP proof is for another HTTP method.")
    expected = {normalize_url(u) for u in ([url] if isinstance(url, str) else url)} - {None}
    if normalize_url(claims["htu"]) not in expected:
        raise InvalidDPoPProof("The DPoP proof is for another URI.")
    now = time.time()
    if iat < now - jwt_settings.DPOP_PROOF_MAX_AGE_SECONDS:
        raise InvalidDPoPProof("The DPoP proof is too old.")
    if iat > now + jwt_settings.DPOP_CLOCK_SKEW_SECONDS:
        raise InvalidDPoPProof("The DPoP proof was made in the future.")
    if access_token is not None and claims.get("ath") != token_hash(access_token):
        raise InvalidDPoPProof("The DPoP proof's 'ath' does not match the access token.")


def _first_use(jkt: str, jti: str) -> None:
    """§11.1: a proof is accepted once. The key is hashed: a ``jti`` is the client's text."""
    key = "oauth_jwt:dpop:" + hashlib.sha256(f"{jkt}.{jti}".encode()).hexdigest()
    window = jwt_settings.DPOP_PROOF_MAX_AGE_SECONDS + jwt_settings.DPOP_CLOCK_SKEW_SECONDS
    try:
        first = caches[jwt_settings.DPOP_REPLAY_CACHE].add(key, 1, timeout=window)
    except Exception:  # the cache backend's own errors (Redis down): cannot tell a replay
        raise TemporarilyUnavailable(
            "DPoP proofs cannot be checked for replay right now; try again shortly.",
            retry_after=jwt_settings.RETRY_AFTER_SECONDS,
        ) from None
    if not first:
        raise InvalidDPoPProof("The DPoP proof was already used.")
