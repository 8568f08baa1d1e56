"""What the admin modules share: token status, revoking a JWT, security-event records."""

from __future__ import annotations

import logging
from typing import Any

from django.apps import apps
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .. import revocation
from ..models import IssuedToken

logger = logging.getLogger("oauth_jwt.admin")

ACTIVE = "active"
EXPIRED = "expired"
REVOKED = "revoked"
STATUS_CHOICES = ((ACTIVE, _("active")), (EXPIRED, _("expired")), (REVOKED, _("revoked")))

# Response headers for every page that shows a credential or a pasted token.
NO_STORE = "no-store"


class ActionsOnlyMixin:
    """Records nobody adds, edits or deletes by hand: the "change" permission is the
    permission to run the admin actions on the list."""

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and obj is None


def token_status(record: IssuedToken) -> str:
    if record.revoked_at is not None:
        return REVOKED
    if record.expires_at <= timezone.now():
        return EXPIRED
    return ACTIVE


def security_event(event: str, request, message: str, **fields: Any) -> None:
    """A structured log record of a staff action; ``fields`` never hold a credential."""
    actor = getattr(request, "user", None)
    logger.info(message, extra={"event": event, "actor": getattr(actor, "pk", None), **fields})


def revoke_issued_token(record: IssuedToken) -> bool:
    """Revoke one JWT at once; ``False`` when it was already revoked or expired.

    While DOT's row exists, it is revoked the way DOT revokes it (with the refresh token
    it came with), and the ``pre_delete`` receiver denylists the JWT. Otherwise the
    record itself is marked and denylisted."""
    if token_status(record) != ACTIVE:
        return False
    if apps.is_installed("oauth2_provider"):
        from oauth2_provider.models import get_access_token_model, revoke_access_token

        row = get_access_token_model().objects.filter(token_checksum=record.token_checksum).first()
        if row is not None:
            revoke_access_token(row)
            record.refresh_from_db()
            if record.revoked_at is not None:
                return True
    record.revoked_at = timezone.now()
    record.save(update_fields=["revoked_at"])
    revocation.deny(record.jti, record.expires_at)
    logger.info(
        "access token revoked", extra={"event": "token.revoked", "jti": record.jti, "client_id": record.client_id}
    )
    return True


def no_store(response):
    response["Cache-Control"] = NO_STORE
    response["Pragma"] = "no-cache"
    return response
