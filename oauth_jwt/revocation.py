"""The denylist of revoked tokens and keys, kept in a configurable Django cache.

Entries live until the token they name would have expired. The durable records are
``RevokedToken`` rows (and ``SigningKey.revoked_at``): when the cache comes up empty
(a restart, a new worker with a process-local cache, an evicted Redis), the hub
refills it from the database once before answering.
"""

from __future__ import annotations

import logging
from datetime import datetime
from datetime import timezone as dt_timezone

from django.core.cache import caches
from django.utils import timezone

from .conf import jwt_settings

logger = logging.getLogger(__name__)

_PREFIX = "oauth_jwt:deny:"
_LOADED = _PREFIX + "loaded"


def _cache():
    return caches[jwt_settings.DENYLIST_CACHE]


def _jti_key(jti: str) -> str:
    return f"{_PREFIX}jti:{jti}"


def _kid_key(kid: str) -> str:
    return f"{_PREFIX}kid:{kid}"


def _ttl(expires_at: datetime) -> int:
    return int((expires_at - timezone.now()).total_seconds()) + jwt_settings.LEEWAY_SECONDS + 1


def deny(jti: str, expires_at: datetime) -> None:
    """Put ``jti`` on the denylist until it would have expired anyway."""
    ttl = _ttl(expires_at)
    if ttl > 0:
        _cache().set(_jti_key(jti), 1, ttl)


def deny_key(kid: str) -> None:
    from .keys import max_token_lifetime

    _cache().set(_kid_key(kid), 1, int(max_token_lifetime().total_seconds()) + 1)


def is_revoked(jti: str, kid: str) -> bool:
    """One cache round trip; the hub refills an empty cache from the database first."""
    cache = _cache()
    keys = [_jti_key(jti), _kid_key(kid), _LOADED]
    found = cache.get_many(keys)
    if _LOADED not in found and not jwt_settings.is_remote:
        refill()
        found = cache.get_many(keys)
    return _jti_key(jti) in found or _kid_key(kid) in found


def refill() -> None:
    """Load every unexpired revocation from the database into the cache."""
    from .keys import max_token_lifetime
    from .models import RevokedToken, SigningKey

    now = timezone.now()
    entries: dict[str, int] = {}
    revoked = RevokedToken.objects.filter(expires_at__gt=now)
    for jti, expires_at in revoked.values_list("jti", "expires_at").iterator():
        entries[_jti_key(jti)] = _ttl(expires_at)
    key_horizon = now - max_token_lifetime()
    for kid in SigningKey.objects.filter(revoked_at__gt=key_horizon).values_list("kid", flat=True):
        entries[_kid_key(kid)] = int(max_token_lifetime().total_seconds()) + 1
    cache = _cache()
    for key, ttl in entries.items():
        cache.set(key, 1, ttl)
    cache.set(_LOADED, 1, None)
    logger.info("denylist refilled", extra={"event": "denylist.refilled", "entries": len(entries)})


def revoke_access_token(access_token) -> None:
    """Record the revocation of the JWT whose DOT ``AccessToken`` row is being deleted.

    Runs inside the deleting transaction. The cache entry is written at once rather
    than on commit: if that transaction rolls back, the token stays refused, which errs
    on the safe side (and DOT's revocations do not roll back in practice).
    """
    from . import records, request_memo
    from .models import RevokedToken

    if records.of(access_token) is None or access_token.expires <= timezone.now():
        return
    revoked = record_of(access_token, request_memo.client_id(access_token.application_id))
    # One INSERT, no lookup first: a token already recorded (revoked twice) is left as is.
    RevokedToken.objects.bulk_create([revoked], ignore_conflicts=True)
    deny(revoked.jti, revoked.expires_at)
    logger.info(
        "access token revoked", extra={"event": "token.revoked", "jti": revoked.jti, "client_id": revoked.client_id}
    )


def record_of(access_token, client_id: str | None = None):
    """The (unsaved) ``RevokedToken`` of DOT's ``AccessToken`` row: what the hub knows of
    its JWT, from the row and its record (``jti`` and ``kid`` blank without one)."""
    from . import audience, keys, records
    from .models import RevokedToken

    record = records.of(access_token)
    if client_id is None:
        client_id = access_token.application.client_id if access_token.application_id else ""
    return RevokedToken(
        jti=record.jti if record else "",
        token_checksum=access_token.token_checksum,
        kid=keys.kid_of(record.key_pk) if record else "",
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
