"""A person's remembered consents, and taking one back; revoking a person's tokens.

``Consent`` rows name the client by ``client_id``; DOT's token rows are revoked through
DOT's own ``revoke()`` methods, so the ``pre_delete`` receiver denylists every JWT.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.db import transaction
from oauth2_provider.models import (
    get_access_token_model,
    get_device_grant_model,
    get_grant_model,
    get_refresh_token_model,
)

from ..models import Consent
from .backchannel import client_disconnected

log = logging.getLogger(__name__)


def covered(user, client_id: str, scopes: Iterable[str]) -> bool:
    """Whether ``user`` already allowed ``client_id`` every one of ``scopes``."""
    consent = Consent.objects.filter(user=user, client_id=client_id).first()
    return consent is not None and consent.covers(scopes)


def remember(user, client_id: str, scopes: Iterable[str]) -> Consent:
    """Record an approval; the stored scope set only grows."""
    with transaction.atomic():
        consent, _ = Consent.objects.select_for_update().get_or_create(user=user, client_id=client_id)
        consent.scopes = sorted(set(consent.scopes) | set(scopes))
        consent.save(update_fields=["scopes", "updated_at"])
    return consent


def disconnect(user, client_id: str) -> bool:
    """Forget the consent and revoke every code (authorization or device, pending or
    approved), access and refresh token of ``user`` for ``client_id`` in one
    transaction, and tell the client by back-channel logout. Returns whether there was
    a consent to forget."""
    with transaction.atomic():
        client_disconnected(user, client_id)
        deleted, _ = Consent.objects.filter(user=user, client_id=client_id).delete()
        revoke_tokens(user, client_id)
    log.info("client disconnected", extra={"event": "disconnect", "client_id": client_id, "subject": str(user.pk)})
    return bool(deleted)


def revoke_tokens(user, client_id: str | None = None) -> None:
    """Revoke every code (authorization or device, pending or approved), refresh and
    access token of ``user`` (issued to ``client_id`` only, when given) in one
    transaction; consents stay."""
    mine = {"user": user} if client_id is None else {"user": user, "application__client_id": client_id}
    devices = {"user": user} if client_id is None else {"user": user, "client_id": client_id}
    with transaction.atomic():
        get_device_grant_model().objects.filter(**devices).delete()
        get_grant_model().objects.filter(**mine).delete()
        for refresh_token in get_refresh_token_model().objects.filter(revoked__isnull=True, **mine):
            refresh_token.revoke()
        for access_token in get_access_token_model().objects.filter(**mine):
            access_token.revoke()
