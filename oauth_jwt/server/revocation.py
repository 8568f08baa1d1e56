"""The hub's side of revocation: records, denylist entries, and seeding the denylist.

Entries live until the token they name would have expired. The durable records are
``RevokedToken`` rows (and ``SigningKey.revoked_at``). The cache may lose them at any
time (a restart without persistence, a flush, an eviction), which ``denylist.lookup``
detects through its two markers; the hub then seeds the cache again from the database
(``seed``): on its own token checks, and from ``manage.py seeddenylist --every N``, which
keeps resource servers served while the hub is idle.

A revocation never waits for the cache: when an entry cannot be written (the cache is
unreachable) the durable record still commits, and the process seeds the denylist again
at its next contact with the cache (``_resync``) before it writes or reads an entry. A
cache that returns empty is unseeded anyway, so resource servers fail closed until then.
"""

from __future__ import annotations

import logging
import secrets
import threading
from datetime import datetime
from datetime import timezone as dt_timezone
from functools import partial

from django.db import transaction
from django.utils import timezone

from ..conf import jwt_settings
from ..resource import denylist
from ..resource.denylist import Answer, Cause

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


def deny(jti: str, expires_at: datetime) -> None:
    """Put ``jti`` on the denylist until it would have expired anyway."""
    ttl = _ttl(expires_at)
    if ttl > 0:
        _write(denylist.jti_key(jti), ttl)


def deny_key(kid: str) -> None:
    from .signing_keys import max_token_lifetime

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
    from ..models import RevokedToken, SigningKey

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
    seal and the generation marker (see ``denylist``)."""
    from ..models import RevokedToken, SigningKey
    from .signing_keys import max_token_lifetime

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


def revoke_access_token(access_token) -> None:
    """Record the revocation of the JWT whose DOT ``AccessToken`` row is being deleted.

    Runs inside the deleting transaction. The cache entry is written at once (if that
    transaction rolls back, the token stays refused, which errs on the safe side) and
    again on commit: a seeding that ran while this transaction was open could not see
    its row, and a flush in between took the first entry.
    """
    from ..models import RevokedToken
    from . import request_memo, token_records

    if token_records.of(access_token) is None or access_token.expires <= timezone.now():
        return
    revoked = record_of(access_token, request_memo.client_id(access_token.application_id))
    # One INSERT, no lookup first: a token already recorded (revoked twice) is left as is.
    RevokedToken.objects.bulk_create([revoked], ignore_conflicts=True)
    deny(revoked.jti, revoked.expires_at)
    transaction.on_commit(partial(deny, revoked.jti, revoked.expires_at), robust=True)
    logger.info(
        "access token revoked", extra={"event": "token.revoked", "jti": revoked.jti, "client_id": revoked.client_id}
    )


def revoke_verified(auth) -> None:
    """``request.access_token.revoke()`` for a verified JWT: DOT's row goes, which
    records and denylists the token (``receivers``), as if the hub's revocation endpoint
    had been asked; the denylist entry is written too in case the row was gone."""
    from django.apps import apps
    from django.core.exceptions import ImproperlyConfigured

    if jwt_settings.is_remote or not apps.is_installed("oauth2_provider"):
        raise ImproperlyConfigured("A resource server cannot revoke a token: ask the hub's revocation endpoint.")
    from oauth2_provider.models import get_access_token_model

    get_access_token_model().objects.filter(token_checksum=auth.token_checksum).delete()
    deny(auth.jti, auth.expires)


def record_of(access_token, client_id: str | None = None):
    """The (unsaved) ``RevokedToken`` of DOT's ``AccessToken`` row: what the hub knows of
    its JWT, from the row and its record (``jti`` and ``kid`` blank without one)."""
    from ..models import RevokedToken
    from . import audience, signing_keys, token_records

    record = token_records.of(access_token)
    if client_id is None:
        client_id = access_token.application.client_id if access_token.application_id else ""
    return RevokedToken(
        jti=record.jti if record else "",
        token_checksum=access_token.token_checksum,
        kid=signing_keys.kid_of(record.key_pk) if record else "",
        subject=str(access_token.user_id) if access_token.user_id else client_id,
        client_id=client_id,
        audience=audience.of_row(access_token, client_id),
        scope=access_token.scope,
        issued_at=access_token.created,
        expires_at=access_token.expires,
        auth_time=_datetime(record.auth_time) if record else None,
    )


def _datetime(timestamp: int | None) -> datetime | None:
    return None if timestamp is None else datetime.fromtimestamp(timestamp, tz=dt_timezone.utc)
