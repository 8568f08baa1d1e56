"""Signing-key lifecycle: generate, encrypt at rest, activate, retire, revoke, publish.

A process keeps a snapshot of the published keys for ``KEY_CACHE_SECONDS`` and reloads
it early (at most once a second) when it meets a ``kid`` it does not know, so a key
rotated in another process is picked up without a database query per request.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import jwt
from cryptography.fernet import Fernet, MultiFernet
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from jwt.algorithms import ECAlgorithm, OKPAlgorithm, RSAAlgorithm

from ..conf import ALGORITHMS, jwt_settings
from ..models import SigningKey
from ..resource import verified_cache
from . import denylist_writer
from .client_policy import max_token_lifetime

logger = logging.getLogger(__name__)

# RFC 7638 §3.2: the required members of each key type, in lexicographic order.
_THUMBPRINT_MEMBERS = {"RSA": ("e", "kty", "n"), "EC": ("crv", "kty", "x", "y"), "OKP": ("crv", "kty", "x")}


def thumbprint(public_jwk: dict[str, Any]) -> str:
    """RFC 7638 JWK thumbprint (SHA-256, base64url without padding)."""
    members = _THUMBPRINT_MEMBERS[public_jwk["kty"]]
    canonical = json.dumps({m: public_jwk[m] for m in members}, separators=(",", ":"), sort_keys=True)
    digest = hashlib.sha256(canonical.encode("utf-8")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _generate_private_key(algorithm: str):
    if algorithm in ("RS256", "PS256"):
        return rsa.generate_private_key(public_exponent=65537, key_size=jwt_settings.RSA_KEY_SIZE)
    if algorithm == "ES256":
        return ec.generate_private_key(ec.SECP256R1())
    if algorithm == "EdDSA":
        return ed25519.Ed25519PrivateKey.generate()
    raise ValueError(f"Unsupported signing algorithm {algorithm!r}; choose one of {', '.join(ALGORITHMS)}.")


def _public_jwk(private_key, algorithm: str) -> dict[str, Any]:
    public = private_key.public_key()
    if isinstance(public, rsa.RSAPublicKey):
        data = RSAAlgorithm.to_jwk(public, as_dict=True)
    elif isinstance(public, ec.EllipticCurvePublicKey):
        data = ECAlgorithm.to_jwk(public, as_dict=True)
    else:
        data = OKPAlgorithm.to_jwk(public, as_dict=True)
    data = {k: v for k, v in data.items() if k in ("kty", "n", "e", "crv", "x", "y")}
    data.update({"kid": thumbprint(data), "alg": algorithm, "use": "sig"})
    return data


def _fernet_for(secret: str) -> Fernet:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"oauth_jwt signing keys")
    return Fernet(base64.urlsafe_b64encode(derived.derive(secret.encode("utf-8"))))


def _fernet() -> MultiFernet:
    """Encrypts with the current secret; decrypts with it or, while the secret is the
    derived default, with any of ``SECRET_KEY_FALLBACKS`` (so rotating ``SECRET_KEY``
    the Django way does not lock the signing keys away)."""
    secrets = [jwt_settings.KEY_ENCRYPTION_SECRET]
    if not jwt_settings.KEY_ENCRYPTION_SECRET_IS_SET:
        secrets += list(getattr(settings, "SECRET_KEY_FALLBACKS", []))
    return MultiFernet([_fernet_for(s) for s in secrets])


def _encrypt(private_key) -> str:
    pem = private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return _fernet().encrypt(pem).decode("ascii")


def _decrypt(token: str):
    return serialization.load_pem_private_key(_fernet().decrypt(token.encode("ascii")), password=None)


# --- lifecycle ------------------------------------------------------------------------


def _new_key(algorithm: str | None, state: str, **fields) -> SigningKey:
    """Generate a key pair and store it as a ``SigningKey`` row in ``state``."""
    algorithm = algorithm or jwt_settings.SIGNING_ALGORITHM
    private_key = _generate_private_key(algorithm)
    public = _public_jwk(private_key, algorithm)
    return SigningKey.objects.create(
        kid=public["kid"],
        algorithm=algorithm,
        state=state,
        public_jwk=public,
        encrypted_private_key=_encrypt(private_key),
        **fields,
    )


def create_key(algorithm: str | None = None) -> SigningKey:
    """Generate a key and make it the signing key; the previous one is retired."""
    with transaction.atomic():
        for previous in SigningKey.objects.select_for_update().filter(state=SigningKey.State.ACTIVE):
            _retire(previous)
        key = _new_key(algorithm, SigningKey.State.ACTIVE)
    invalidate_cache()
    logger.info("signing key activated", extra={"event": "key.activated", "kid": key.kid, "alg": key.algorithm})
    return key


rotate = create_key  # at once: see ``stage`` for the rotation that refuses no token


def activation_delay() -> timedelta:
    """How long a next key is published before it signs: the hub's processes reload
    their key snapshot (``KEY_CACHE_SECONDS``), a resource server's copy of the JWK set
    expires (``JWKS_MAX_AGE_SECONDS``), and one that could not refetch at once retries
    after ``JWKS_REFRESH_INTERVAL_SECONDS`` (set it on the hub to your resource servers'
    longest)."""
    return timedelta(
        seconds=jwt_settings.KEY_CACHE_SECONDS
        + jwt_settings.JWKS_MAX_AGE_SECONDS
        + jwt_settings.JWKS_REFRESH_INTERVAL_SECONDS
    )


def staged() -> SigningKey | None:
    return SigningKey.objects.filter(state=SigningKey.State.NEXT).first()


def stage(algorithm: str | None = None) -> SigningKey:
    """Publish a next key that starts signing after ``activation_delay()`` (the routine
    rotation: no resource server ever meets a token signed by a key it cannot have).
    A key already staged is returned as it is; without any signing key, the new one
    signs at once."""
    existing = staged()
    if existing is not None:
        return existing
    if not SigningKey.objects.filter(state=SigningKey.State.ACTIVE).exists():
        return create_key(algorithm)  # nothing signs yet, so nothing to wait for
    key = _new_key(algorithm, SigningKey.State.NEXT, activates_at=timezone.now() + activation_delay())
    invalidate_cache()
    logger.info(
        "signing key staged",
        extra={
            "event": "key.staged",
            "kid": key.kid,
            "alg": key.algorithm,
            "activates_at": key.activates_at.isoformat(),
        },
    )
    return key


def activate_staged(force: bool = False) -> SigningKey | None:
    """Make the next key the signing key once it is due (or at once with ``force``);
    the active one retires. Returns the key that took over, if any."""
    with transaction.atomic():
        candidates = SigningKey.objects.select_for_update().filter(state=SigningKey.State.NEXT)
        if not force:
            candidates = candidates.filter(activates_at__lte=timezone.now())
        key = candidates.first()
        if key is None:
            return None
        for previous in SigningKey.objects.select_for_update().filter(state=SigningKey.State.ACTIVE):
            _retire(previous)
        key.state = SigningKey.State.ACTIVE
        key.save(update_fields=["state"])
    invalidate_cache()
    logger.info("signing key activated", extra={"event": "key.activated", "kid": key.kid, "alg": key.algorithm})
    return key


def _retire(key: SigningKey) -> None:
    now = timezone.now()
    key.state = SigningKey.State.RETIRED
    key.retired_at = now
    key.publish_until = now + max_token_lifetime()
    key.save(update_fields=["state", "retired_at", "publish_until"])
    logger.info("signing key retired", extra={"event": "key.retired", "kid": key.kid})


def retire(key: SigningKey) -> SigningKey | None:
    """Stop signing with ``key``; if it was the signing key the staged key (or a new
    one) takes over. A staged key that never signed leaves the JWK set at once.

    Returns the new signing key, if one took over."""
    if key.state == SigningKey.State.ACTIVE:
        return activate_staged(force=True) or create_key(key.algorithm)
    if key.state == SigningKey.State.NEXT:
        now = timezone.now()
        SigningKey.objects.filter(pk=key.pk, state=SigningKey.State.NEXT).update(
            state=SigningKey.State.RETIRED, retired_at=now, publish_until=now
        )
        invalidate_cache()
        return None
    if key.state == SigningKey.State.RETIRED:
        return None
    raise ValueError("A revoked key cannot be retired.")


def revoke(key: SigningKey) -> SigningKey | None:
    """Remove ``key`` from the JWK set at once: tokens it signed stop validating.

    Returns the new signing key when the revoked one was signing: the staged next key
    if there is one (resource servers may already hold it), else a new key (resource
    servers refuse its tokens until they refetch the JWK set)."""
    replacement = None
    if key.state == SigningKey.State.ACTIVE:
        replacement = activate_staged(force=True) or create_key(key.algorithm)
    key.refresh_from_db()
    key.state = SigningKey.State.REVOKED
    key.revoked_at = timezone.now()
    key.save(update_fields=["state", "revoked_at"])
    denylist_writer.deny_key(key.kid)
    invalidate_cache()
    logger.warning("signing key revoked", extra={"event": "key.revoked", "kid": key.kid})
    return replacement


def ensure_active_key() -> SigningKey:
    """The signing key; the first one is made on first use. Concurrent first uses make
    one: the others meet the one-active-key constraint and take the winner's key (none
    of them retires it, as ``create_key`` would)."""
    key = SigningKey.objects.filter(state=SigningKey.State.ACTIVE).first()
    if key is not None:
        return key
    try:
        with transaction.atomic():
            key = _new_key(None, SigningKey.State.ACTIVE)
    except IntegrityError:
        return SigningKey.objects.get(state=SigningKey.State.ACTIVE)
    invalidate_cache()
    logger.info("signing key activated", extra={"event": "key.activated", "kid": key.kid, "alg": key.algorithm})
    return key


# --- the per-process snapshot ------------------------------------------------------------


@dataclass(frozen=True)
class PublicKey:
    kid: str
    algorithm: str
    key: Any  # a cryptography public key object
    jwk: dict[str, Any]


@dataclass(frozen=True)
class PrivateKey:
    kid: str
    algorithm: str
    key: Any
    pk: int = 0  # the SigningKey row, named in each token's record (``token_records``)


@dataclass
class _Snapshot:
    loaded_at: float = 0.0
    public: dict[str, PublicKey] = field(default_factory=dict)
    active: PrivateKey | None = None


_snapshot = _Snapshot()
_lock = threading.Lock()
_MIN_RELOAD_INTERVAL = 1.0


def invalidate_cache() -> None:
    global _snapshot
    _snapshot = _Snapshot()
    verified_cache.clear()
    kid_of.cache_clear()


def _load() -> _Snapshot:
    if SigningKey.objects.filter(state=SigningKey.State.NEXT, activates_at__lte=timezone.now()).exists():
        activate_staged()
    public: dict[str, PublicKey] = {}
    active = None
    for row in SigningKey.objects.exclude(state=SigningKey.State.REVOKED):
        if not row.is_published:
            continue
        jwk_obj = jwt.PyJWK(row.public_jwk, algorithm=row.algorithm)
        public[row.kid] = PublicKey(row.kid, row.algorithm, jwk_obj.key, row.public_jwk)
        if row.state == SigningKey.State.ACTIVE:
            active = _private(row)
    return _Snapshot(time.monotonic(), public, active)


def _private(row: SigningKey) -> PrivateKey:
    return PrivateKey(row.kid, row.algorithm, _decrypt(row.encrypted_private_key), row.pk)


def _current(force: bool = False) -> _Snapshot:
    global _snapshot
    snap = _snapshot
    age = time.monotonic() - snap.loaded_at
    if snap.loaded_at and age < jwt_settings.KEY_CACHE_SECONDS and not (force and age >= _MIN_RELOAD_INTERVAL):
        return snap
    with _lock:
        if _snapshot is snap:
            _snapshot = _load()
        return _snapshot


def signing_key() -> PrivateKey:
    """The key new tokens are signed with; created on first use."""
    active = _current().active
    if active is None:
        # From the row itself: a snapshot another thread loaded before this key was
        # committed may still be the current one.
        active = _private(ensure_active_key())
        invalidate_cache()
    return active


@functools.lru_cache(maxsize=64)
def kid_of(pk: int) -> str:
    """The ``kid`` of a ``SigningKey`` row, as named by a token's record (a key's kid
    never changes; "" for a key that does not exist)."""
    return SigningKey.objects.filter(pk=pk).values_list("kid", flat=True).first() or ""


def public_key(kid: str) -> PublicKey | None:
    """A published key by ``kid``, reloading early (rate-limited) when unknown."""
    key = _current().public.get(kid)
    if key is None:
        key = _current(force=True).public.get(kid)
    return key


def jwks() -> dict[str, list[dict[str, Any]]]:
    """The public JWK set: public members only."""
    return {"keys": [k.jwk for k in _current().public.values()]}
