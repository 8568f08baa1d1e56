"""Delete what has expired: DOT's tokens and grants, and oauth_jwt's revocation records.

Run it from cron (e.g. hourly). It wraps DOT's ``clear_expired()`` (expired access
tokens, which carry the JWT records, without a live refresh token; refresh tokens past
their lifetime; ID tokens; authorization grants) and then deletes ``RevokedToken`` rows
whose token can no longer be accepted (``expires_at`` older than the clock leeway): the
denylist needs a revocation record only while the token it names could still validate. Expired
``RedeemedCode`` tombstones go too: every token their code led to has expired; and so do
expired device codes (DOT's ``DeviceGrant`` rows, which ``clear_expired()`` leaves behind),
and the DPoP bindings of expired codes and access tokens.

Sign-in sessions' client records (``ClientSession``) go once the session can no longer
be live (older than ``SESSION_COOKIE_AGE``) and no refresh token of theirs is; and
back-channel logouts once delivered for a day, or given up on for 30 days.
"""

from __future__ import annotations

from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from oauth_jwt.conf import jwt_settings
from oauth_jwt.models import ClientSession, DPoPBinding, LogoutDelivery, RedeemedCode, RevokedToken

BATCH_SIZE = 10_000
DELIVERED_KEPT = timedelta(days=1)
FAILED_KEPT = timedelta(days=30)


def _purge(model, field: str = "expires_at") -> int:
    """Delete rows of ``model`` expired (``field``) beyond the leeway, in batches; return how many went."""
    horizon = timezone.now() - timedelta(seconds=jwt_settings.LEEWAY_SECONDS)
    deleted = 0
    while True:
        expired = model.objects.filter(**{f"{field}__lt": horizon})
        batch = list(expired.values_list("pk", flat=True)[:BATCH_SIZE])
        if not batch:
            return deleted
        deleted += model.objects.filter(pk__in=batch).delete()[0]


def purge_revoked_tokens() -> int:
    return _purge(RevokedToken)


def purge_redeemed_codes() -> int:
    return _purge(RedeemedCode)


def purge_client_sessions() -> int:
    from oauth2_provider.models import get_refresh_token_model

    horizon = timezone.now() - timedelta(seconds=settings.SESSION_COOKIE_AGE)
    live = get_refresh_token_model().objects.filter(revoked__isnull=True).exclude(token_family=None)
    old = ClientSession.objects.filter(created_at__lt=horizon).exclude(token_family__in=live.values("token_family"))
    return old.delete()[0]


def purge_logout_deliveries() -> int:
    now = timezone.now()
    delivered = LogoutDelivery.objects.filter(delivered_at__lt=now - DELIVERED_KEPT).delete()[0]
    return delivered + LogoutDelivery.objects.filter(gave_up_at__lt=now - FAILED_KEPT).delete()[0]


def purge_device_codes() -> int:
    from oauth2_provider.models import get_device_grant_model

    return _purge(get_device_grant_model(), "expires")


class Command(BaseCommand):
    help = (
        "Delete expired access, refresh and ID tokens, grants, device codes, revocation records, redeemed codes, "
        "sign-in sessions' client records and old back-channel logouts."
    )

    def handle(self, *args, **options):
        devices = sessions = 0
        if apps.is_installed("oauth2_provider"):
            from oauth2_provider.models import clear_expired

            clear_expired()
            devices = purge_device_codes()
            sessions = purge_client_sessions()
        logouts = purge_logout_deliveries()
        count = purge_revoked_tokens()
        codes = purge_redeemed_codes()
        _purge(DPoPBinding)
        self.stdout.write(
            self.style.SUCCESS(
                f"Expired tokens and grants deleted ({count} revocation records, {codes} redeemed codes, "
                f"{devices} device codes, {sessions} client sessions, {logouts} back-channel logouts)."
            )
        )
