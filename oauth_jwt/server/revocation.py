"""Revoking an issued token: the hub's durable record (``RevokedToken``) and its
denylist entry (``denylist_writer``), whichever way the token's row dies."""

from __future__ import annotations

import logging
from datetime import datetime
from datetime import timezone as dt_timezone
from functools import partial

from django.db import transaction
from django.utils import timezone
from oauth2_provider.models import get_access_token_model

from ..models import RevokedToken
from . import audience, denylist_writer, request_memo, signing_keys, token_records

logger = logging.getLogger(__name__)


def revoke_access_token(access_token) -> None:
    """Record the revocation of the JWT whose DOT ``AccessToken`` row is being deleted.

    Runs inside the deleting transaction. The cache entry is written at once (if that
    transaction rolls back, the token stays refused, which errs on the safe side) and
    again on commit: a seeding that ran while this transaction was open could not see
    its row, and a flush in between took the first entry.
    """
    if token_records.of(access_token) is None or access_token.expires <= timezone.now():
        return
    revoked = record_of(access_token, request_memo.client_id(access_token.application_id))
    # One INSERT, no lookup first: a token already recorded (revoked twice) is left as is.
    RevokedToken.objects.bulk_create([revoked], ignore_conflicts=True)
    denylist_writer.deny(revoked.jti, revoked.expires_at)
    transaction.on_commit(partial(denylist_writer.deny, revoked.jti, revoked.expires_at), robust=True)
    logger.info(
        "access token revoked", extra={"event": "token.revoked", "jti": revoked.jti, "client_id": revoked.client_id}
    )


def revoke_verified(auth) -> None:
    """``request.access_token.revoke()`` for a verified JWT: DOT's row goes, which
    records and denylists the token (``receivers``), as if the hub's revocation endpoint
    had been asked; the denylist entry is written too in case the row was gone."""
    get_access_token_model().objects.filter(token_checksum=auth.token_checksum).delete()
    denylist_writer.deny(auth.jti, auth.expires)


def record_of(access_token, client_id: str | None = None):
    """The (unsaved) ``RevokedToken`` of DOT's ``AccessToken`` row: what the hub knows of
    its JWT, from the row and its record (``jti`` and ``kid`` blank without one)."""
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
