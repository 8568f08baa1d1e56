"""What the admin modules share: token statuses, read-only and actions-only admins,
security-event records, ``no-store`` pages."""

from __future__ import annotations

import logging
from typing import Any

from django.utils.translation import gettext_lazy as _

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


class ReadOnlyMixin(ActionsOnlyMixin):
    """Rows the OAuth flows create and nobody changes, not even through an action."""

    def has_change_permission(self, request, obj=None):
        return False


def security_event(event: str, request, message: str, **fields: Any) -> None:
    """A structured log record of a staff action; ``fields`` never hold a credential."""
    actor = getattr(request, "user", None)
    logger.info(message, extra={"event": event, "actor": getattr(actor, "pk", None), **fields})


def no_store(response):
    response["Cache-Control"] = NO_STORE
    response["Pragma"] = "no-cache"
    return response
