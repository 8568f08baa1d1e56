"""What a DPoP-bound token costs a resource server against a bearer one, in the same
run: the whole request path of ``authenticate_request`` for a token seen again, once
with ``Authorization: Bearer`` and once with ``Authorization: DPoP`` and a fresh ES256
proof (one signature check, one ``cache.add`` of its ``jti`` in the configured cache);
beside them, the token's own full check when first seen, which the proof check should
not exceed (RFC 9449 leaves the proof's cost to the resource server)."""

from __future__ import annotations

import secrets
import time

import jwt
from cryptography.hazmat.primitives.asymmetric import ec
from django.test import RequestFactory

from bench.fallback import _us_per_call
from bench.micro import token_claims
from oauth_jwt.resource import dpop, signatures
from oauth_jwt.resource.authentication import authenticate_request
from oauth_jwt.resource.verify import verify_access_token
from oauth_jwt.server import signing_keys

URL = "http://127.0.0.1/api/me"


def _access_token(**extra) -> str:
    key = signing_keys.signing_key()
    claims = token_claims(3600, **extra)
    token = jwt.encode(claims, key.key, algorithm=key.algorithm, headers={"typ": "at+jwt", "kid": key.kid})
    return signatures.canonical(token, key.algorithm)


def _proofs(private: ec.EllipticCurvePrivateKey, token: str, count: int) -> list[str]:
    public = jwt.algorithms.ECAlgorithm.to_jwk(private.public_key(), as_dict=True)
    header = {"typ": "dpop+jwt", "jwk": public}
    ath = dpop.token_hash(token)
    now = int(time.time())
    return [
        jwt.encode(
            {"jti": secrets.token_urlsafe(12), "htm": "GET", "htu": URL, "iat": now, "ath": ath},
            private,
            algorithm="ES256",
            headers=header,
        )
        for _ in range(count)
    ]


def run(iterations: int) -> dict:
    signing_keys.create_key("RS256")
    private = ec.generate_private_key(ec.SECP256R1())
    jkt = dpop.thumbprint(jwt.algorithms.ECAlgorithm.to_jwk(private.public_key(), as_dict=True))
    bearer_token, bound_token = _access_token(), _access_token(cnf={"jkt": jkt})
    factory = RequestFactory(HTTP_HOST="127.0.0.1")
    bearer_request = factory.get("/api/me", HTTP_AUTHORIZATION=f"Bearer {bearer_token}")

    def dpop_requests(count: int):
        """Requests with fresh proofs, built before they are timed (a proof is good for a minute)."""
        proofs = _proofs(private, bound_token, count)
        return iter([factory.get("/api/me", HTTP_AUTHORIZATION=f"DPoP {bound_token}", HTTP_DPOP=p) for p in proofs])

    requests = dpop_requests(1)

    def with_dpop():
        return authenticate_request(next(requests))

    # A running process: both tokens verified once, the denylist loaded.
    authenticate_request(bearer_request)
    with_dpop()
    best = {"bearer": float("inf"), "dpop": float("inf"), "token_first": float("inf")}
    for _ in range(7):
        requests = dpop_requests(iterations)
        best["bearer"] = min(best["bearer"], _us_per_call(lambda: authenticate_request(bearer_request), iterations))
        best["dpop"] = min(best["dpop"], _us_per_call(with_dpop, iterations))
        full = _us_per_call(lambda: verify_access_token(bound_token, signing_keys.public_key), iterations)
        best["token_first"] = min(best["token_first"], full)
    return {name: round(seconds * 1e6, 1) for name, seconds in best.items()}
