"""In-process verify cost per algorithm: the raw ``cryptography`` primitive, PyJWT's
``decode``, oauth_jwt's full check of a token seen for the first time, the same token
seen again (verified-token cache), and the whole bearer path (cache + denylist)."""

from __future__ import annotations

import base64
import secrets
import time

import jwt
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from oauth_jwt.conf import ALGORITHMS, jwt_settings
from oauth_jwt.resource import signatures, verified_cache
from oauth_jwt.resource.authentication import authenticate_token
from oauth_jwt.resource.verify import verify_access_token
from oauth_jwt.server import signing_keys


def _b64(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def _raw_verifier(algorithm: str, public, token: str):
    head, payload, sig = token.split(".")
    message = f"{head}.{payload}".encode()
    signature = _b64(sig)
    if algorithm == "RS256":
        return lambda: public.verify(signature, message, padding.PKCS1v15(), hashes.SHA256())
    if algorithm == "PS256":
        pss = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32)
        return lambda: public.verify(signature, message, pss, hashes.SHA256())
    if algorithm == "ES256":
        der = encode_dss_signature(int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big"))
        return lambda: public.verify(der, message, ec.ECDSA(hashes.SHA256()))
    return lambda: public.verify(signature, message)


def _per_call_us(calls: dict[str, tuple], rounds: int = 7) -> dict[str, float]:
    """Microseconds per call of each ``name: (fn, iterations)``, best of ``rounds``
    taken round-robin, so that a busy moment of the machine hits every one alike."""
    best = dict.fromkeys(calls, float("inf"))
    for _ in range(rounds):
        for name, (fn, iterations) in calls.items():
            start = time.perf_counter()
            for _ in range(iterations):
                fn()
            best[name] = min(best[name], (time.perf_counter() - start) / iterations)
    return {name: round(seconds * 1e6, 1) for name, seconds in best.items()}


def token_claims(lifetime: int = 600, **extra) -> dict:
    """The claims of a benchmark access token for the seeded client."""
    now = int(time.time())
    return {
        "iss": jwt_settings.ISSUER,
        "sub": "bench-hashed",
        "aud": jwt_settings.DEFAULT_AUDIENCE,
        "client_id": "bench-hashed",
        "iat": now,
        "exp": now + lifetime,
        "jti": secrets.token_urlsafe(16),
        "scope": "read",
        **extra,
    }


def _token(algorithm: str) -> tuple[str, object]:
    signing_keys.create_key(algorithm)
    key = signing_keys.signing_key()
    token = jwt.encode(token_claims(), key.key, algorithm=algorithm, headers={"typ": "at+jwt", "kid": key.kid})
    return signatures.canonical(token, algorithm), signing_keys.public_key(key.kid).key


def _measure(algorithm: str, token: str, public, iterations: int) -> dict[str, float]:
    audience, issuer = jwt_settings.AUDIENCE, jwt_settings.ISSUER
    return _per_call_us(
        {
            "raw": (_raw_verifier(algorithm, public, token), iterations),
            "pyjwt": (
                lambda: jwt.decode(token, public, algorithms=[algorithm], audience=audience, issuer=issuer),
                iterations,
            ),
            "first": (lambda: verify_access_token(token, signing_keys.public_key), iterations),
            "again": (lambda: verified_cache.verify(token, signing_keys.public_key), iterations * 10),
            "bearer": (lambda: authenticate_token(token), iterations * 10),
        }
    )


def run(iterations: int) -> dict:
    results = {}
    for algorithm in ALGORITHMS:
        token, public = _token(algorithm)
        verified_cache.verify(token, signing_keys.public_key)
        results[algorithm] = _measure(algorithm, token, public, iterations)
    signing_keys.create_key("RS256")
    return results
