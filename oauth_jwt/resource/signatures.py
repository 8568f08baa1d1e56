"""One spelling per ECDSA signature.

An ECDSA signature ``(r, s)`` has a twin ``(r, n - s)`` that verifies as well, so one
token would have two strings: two cache entries, two checksums, and a revocation by
string that misses the other. The hub signs with the low ``s`` only (``s <= n/2``,
the rule Bitcoin's BIP 62 and Ethereum's EIP-2 adopted) and refuses the high one.
RSA and Ed25519 signatures (RFC 8032 §5.1.7) have no such twin.
"""

from __future__ import annotations

import base64

# JWS ECDSA algorithms (RFC 7518 §3.4): the curve order and the size of r and s.
CURVE_ORDERS = {
    "ES256": (0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551, 32),
}


def is_canonical(algorithm: str, signature: bytes) -> bool:
    """False only for an ECDSA signature with the high ``s``."""
    if algorithm not in CURVE_ORDERS:
        return True
    order, size = CURVE_ORDERS[algorithm]
    return len(signature) == 2 * size and int.from_bytes(signature[size:], "big") <= order // 2


def canonical(token: str, algorithm: str) -> str:
    """``token`` (a JWS this hub just signed) with the low-``s`` spelling of its signature."""
    if algorithm not in CURVE_ORDERS:
        return token
    order, size = CURVE_ORDERS[algorithm]
    signing_input, _, encoded = token.rpartition(".")
    signature = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
    if is_canonical(algorithm, signature):
        return token
    low = (order - int.from_bytes(signature[size:], "big")).to_bytes(size, "big")
    return f"{signing_input}.{base64.urlsafe_b64encode(signature[:size] + low).rstrip(b'=').decode('ascii')}"
