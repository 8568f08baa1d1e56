"""A DPoP client for the tests, on jwcrypto: proofs are made by another JOSE library
than the one that checks them (PyJWT), and every part of a proof can be bent."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from typing import Any

from jwcrypto import jwk, jws

TOKEN_URL = "http://testserver/o/token/"


def b64(data: bytes | str | dict) -> str:
    if isinstance(data, dict):
        data = json.dumps(data)
    if isinstance(data, str):
        data = data.encode()
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def ath(token: str) -> str:
    return b64(hashlib.sha256(token.encode()).digest())


class DPoPKey:
    """A key pair and the proofs it signs."""

    GENERATE = {
        "ES256": {"kty": "EC", "crv": "P-256"},
        "ES384": {"kty": "EC", "crv": "P-384"},
        "RS256": {"kty": "RSA", "size": 2048},
        "PS256": {"kty": "RSA", "size": 2048},
        "EdDSA": {"kty": "OKP", "crv": "Ed25519"},
    }

    def __init__(self, alg: str = "ES256") -> None:
        self.alg = alg
        self.key = jwk.JWK.generate(**self.GENERATE[alg])

    @property
    def public(self) -> dict[str, Any]:
        return json.loads(self.key.export_public())

    @property
    def jkt(self) -> str:
        return self.key.thumbprint()

    def claims(self, htm: str, htu: str, token: str | None = None, **extra: Any) -> dict[str, Any]:
        claims = {"jti": secrets.token_urlsafe(12), "htm": htm, "htu": htu, "iat": int(time.time())}
        if token is not None:
            claims["ath"] = ath(token)
        claims.update(extra)
        return {k: v for k, v in claims.items() if v is not None}

    def sign(self, claims: dict[str, Any], **header: Any) -> str:
        protected = {"typ": "dpop+jwt", "alg": self.alg, "jwk": self.public, **header}
        protected = {k: v for k, v in protected.items() if v is not None}
        signer = jws.JWS(json.dumps(claims).encode())
        signer.add_signature(self.key, alg=self.alg, protected=json.dumps(protected))
        return signer.serialize(compact=True)

    def proof(self, htm: str, htu: str, token: str | None = None, **extra: Any) -> str:
        return self.sign(self.claims(htm, htu, token, **extra))

    def headers(self, htm: str, htu: str, token: str | None = None, **extra: Any) -> dict[str, str]:
        """Django test-client headers: the proof, and ``Authorization: DPoP`` with a token."""
        headers = {"HTTP_DPOP": self.proof(htm, htu, token, **extra)}
        if token is not None:
            headers["HTTP_AUTHORIZATION"] = f"DPoP {token}"
        return headers


def unsigned(header: dict, claims: dict) -> str:
    """``alg: none``: no signature at all."""
    return f"{b64(header)}.{b64(claims)}."


def hs256(claims: dict, secret: bytes = b"k" * 32) -> str:
    """A symmetric proof with its (secret) key in the header."""
    header = {"typ": "dpop+jwt", "alg": "HS256", "jwk": {"kty": "oct", "k": b64(secret)}}
    signing_input = f"{b64(header)}.{b64(claims)}"
    signature = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64(signature)}"
