"""Server nonces for DPoP proofs (RFC 9449 §8 at the hub, §9 at a resource server),
when ``DPOP_NONCES`` is on.

A nonce is this server's signature over the time it was issued (Django's
``TimestampSigner``, ``SECRET_KEY``): any process of the server can check it, nothing
is stored, and it is good for ``DPOP_PROOF_MAX_AGE_SECONDS``. A proof without a good
one is answered with ``use_dpop_nonce`` and a fresh nonce in ``DPoP-Nonce``.
"""

from __future__ import annotations

from typing import Any

from django.core import signing

from ..conf import jwt_settings

SALT = "oauth_jwt.dpop-nonce"
HEADER = "DPoP-Nonce"


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=SALT)


def issue() -> str:
    return _signer().sign("n")


def is_valid(nonce: Any) -> bool:
    if not isinstance(nonce, str) or len(nonce) > 128:
        return False
    try:
        return _signer().unsign(nonce, max_age=jwt_settings.DPOP_PROOF_MAX_AGE_SECONDS) == "n"
    except signing.BadSignature:
        return False
