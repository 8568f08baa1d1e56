"""The hub's side of the denylist: writing its entries, seeding it from the database,
and the hub's own answer to "is this token revoked?".

Entries live until the token they name would have expired. The durable records are
``RevokedToken`` rows (and ``SigningKey.revoked_at``). The cache may lose them at any
time (a restart without persistence, a flush, an eviction), which ``resource.denylist.lookup``
detects through its two markers; the hub then seeds the cache again from the database
(``seed``): on its own token checks, and from ``manage.py seeddenylist --every N``, which
keeps resource servers served while the hub is idle.

A revocation never waits for the cache: when an entry cannot be written (the cache is
unreachable) the durable record still commits, and the process seeds the denylist again
at its next contact with the cache (``_resync``) before it writes or reads an entry. A
cache that returns empty is unseeded anyway, so resource servers fail closed until then;
one that refused the write (a full Redis) loses its generation marker, for the same end.
"""

from __future__ import annotations

import logging
import secrets
import threading
from datetime import datetime

from django.utils import timezone

from ..conf import jwt_settings
from ..models import RevokedToken, SigningKey
from ..resource import denylist
from ..resource.denylist import Answer, Cause
from .client_policy import max_token_lifetime

logger = logging.getLogger(__name__)


def _ttl(expires_at: datetime) -> int:
    return int((expires_at - timezone.now()).total_seconds()) + jwt_settings.LEEWAY_SECONDS + 1


# Set when this process failed to write an entry: the cache may have missed it.
_missed = threading.Event()


def _resync() -> None:
    """Seed the denylist again if this process missed writing an entry to it."""
    if _missed.is_set():
        _missed.clear()
        if not seed():
            _missed.set()


def _write(key: str, ttl: int) -> None:
    _resync()
    try:
        denylist.cache().set(key, 1, ttl)
    except Exception as exc:  # each cache backend raises its own connection errors
        _missed.set()
        logger.error(
            "denylist entry not written, seeding again when the cache answers: %s",
            type(exc).__name__,
            extra={"event": "denylist.write_failed", "cache": jwt_settings.DENYLIST_CACHE},
        )
        _withdraw_generation()


def _withdraw_generation() -> None:
    """Stop the markers vouching for a denylist that lacks an entry: readers then do not
    know (503, or introspection) until the next seeding. A full Redis refuses writes but
    still deletes; one this process cannot reach cannot be told."""
    try:
        denylist.cache().delete(denylist.GENERATION)
    except Exception as exc:  # each cache backend raises its own connection errors
        logger.error(
            "denylist generation not withdrawn: resource servers that reach the cache take the "
            "missed entry for not revoked until the hub seeds it again: %s",
            type(exc).__name__,
            extra={"event": "denylist.withdraw_failed", "cache": jwt_settings.DENYLIST_CACHE},
        )


def deny(jti: str, expires_at: datetime) -> None:
    """Put ``jti`` on the denylist until it would have expired anyway."""
    ttl = _ttl(expires_at)
    if ttl > 0:
        _write(denylist.jti_key(jti), ttl)


def deny_key(kid: str) -> None:

    _write(denylist.kid_key(kid), int(max_token_lifetime().total_seconds()) + 1)


def is_revoked(jti: str, kid: str) -> bool:
    """The hub's answer: from the cache, seeded again from the database when it does not
    know, and from the database alone while the cache is unreachable."""
    _resync()
    found = denylist.lookup(jti, kid)
    if found.cause is Cause.UNSEEDED and seed():
        found = denylist.lookup(jti, kid)
    if found.answer is Answer.UNKNOWN:
        return _revoked_in_database(jti, kid)
    return found.answer is Answer.REVOKED


def _revoked_in_database(jti: str, kid: str) -> bool:
    return (
        RevokedToken.objects.filter(jti=jti).exists()
        or SigningKey.objects.filter(kid=kid, state=SigningKey.State.REVOKED).exists()
    )


def seed() -> bool:
    """``refill()``, logging instead of raising when the cache is unreachable."""
    try:
        refill()
    except Exception as exc:  # each cache backend raises its own connection errors
        logger.error("denylist not seeded: %s", type(exc).__name__, extra={"event": "denylist.seed_failed"})
        return False
    return True


def refill() -> None:
    """Load every unexpired revocation from the database into the cache, between the
    seal and the generation marker (see ``resource.denylist``)."""

    # The seal goes first, before the rows are read: a flush after this point removes
    # it, so nothing read below can end up behind an intact pair of markers.
    cache = denylist.cache()
    generation = secrets.token_hex(8)
    cache.set(denylist.SEAL, generation, None)
    now = timezone.now()
    lifetime = int(max_token_lifetime().total_seconds()) + 1
    entries: dict[str, int] = {}
    revoked = RevokedToken.objects.filter(expires_at__gt=now)
    for jti in revoked.values_list("jti", flat=True).iterator():
        entries[denylist.jti_key(jti)] = 1
    key_horizon = now - max_token_lifetime()
    for kid in SigningKey.objects.filter(revoked_at__gt=key_horizon).values_list("kid", flat=True):
        entries[denylist.kid_key(kid)] = 1
    # One round trip; an entry may outlive its token by up to one token lifetime.
    cache.set_many(entries, lifetime)
    cache.set(denylist.GENERATION, generation, None)
    logger.info("denylist seeded", extra={"event": "denylist.seeded", "entries": len(entries)})


def is_seeded() -> bool:
    """True when the cache holds a complete seeding (raises when it is unreachable)."""
    return denylist.sealed(denylist.cache().get_many([denylist.SEAL, denylist.GENERATION]))
