"""Delete what has expired: DOT's tokens and grants, and oauth_jwt's revocation records.

Run it from cron (e.g. hourly). It wraps DOT's ``clear_expired()`` (expired access
tokens, which carry the JWT records, without a live refresh token; refresh tokens past
their lifetime; ID tokens; authorization grants) and then deletes ``RevokedToken`` rows
whose token can no longer be accepted (``expires_at`` older than the clock leeway): the
denylist needs a revocation record only while the token it names could still validate. Expired
``RedeemedCode`` tombstones go too: every token their code led to has expired; and so do
expired device codes (DOT's ``DeviceGrant`` rows, which ``clear_expired()`` leaves behind),
the DPoP bindings of expired codes and access tokens, and those of refresh tokens whose
row DOT's purge has deleted.

Sign-in sessions' client records (``ClientSession``) go once the session can no longer
be live (older than ``SESSION_COOKIE_AGE``) and no refresh token of theirs is; and
back-channel logouts once delivered for a day, or given up on for 30 days.

Built for tables of millions of rows (issue 19): the expired access tokens, the bulk of
any purge, are deleted first by walking the primary key a batch at a time (``--batch-size``,
each batch its own short transaction, memory for one batch, the table read once, DOT's
``CLEAR_EXPIRED_TOKENS_BATCH_INTERVAL`` between batches so the token endpoint keeps
its share of the database), with a progress line every few seconds. DOT's
``clear_expired()`` then has the refresh tokens, ID tokens and grants, and whatever
access tokens deleting those refresh tokens set free.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from oauth_jwt.conf import jwt_settings
from oauth_jwt.models import ClientSession, DPoPBinding, LogoutDelivery, RedeemedCode, RevokedToken

BATCH_SIZE = 10_000
DELIVERED_KEPT = timedelta(days=1)
FAILED_KEPT = timedelta(days=30)


PROGRESS_EVERY_SECONDS = 2.0


def delete_in_batches(
    queryset,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[int], None] | None = None,
    pause: float = 0,
    condition: Q | Exists | None = None,
) -> int:
    """Delete the rows of ``queryset`` (that also meet ``condition``, checked on each
    batch only: a join it needs is not made over the whole table) a batch at a time,
    walking the primary key from where the last batch ended, so the table is read once
    and never counted; each batch is its own transaction. Returns how many rows of the
    model went."""
    label, deleted, last = queryset.model._meta.label, 0, None
    while True:
        rows = queryset.order_by("pk") if last is None else queryset.filter(pk__gt=last).order_by("pk")
        batch = list(rows.values_list("pk", flat=True)[:batch_size])
        if not batch:
            return deleted
        last = batch[-1]
        doomed = queryset.filter(pk__in=batch)
        with transaction.atomic():
            deleted += (doomed if condition is None else doomed.filter(condition)).delete()[1].get(label, 0)
        if progress is not None:
            progress(deleted)
        if pause:
            time.sleep(pause)


def purge_access_tokens(batch_size: int = BATCH_SIZE, progress: Callable[[int], None] | None = None) -> int:
    """Expired access tokens without a refresh token (DOT's ``clear_expired()`` rule),
    with DOT's ``CLEAR_EXPIRED_TOKENS_BATCH_INTERVAL`` between batches."""
    from oauth2_provider.models import get_access_token_model
    from oauth2_provider.settings import oauth2_settings

    expired = get_access_token_model().objects.filter(expires__lt=timezone.now())
    pause = oauth2_settings.CLEAR_EXPIRED_TOKENS_BATCH_INTERVAL
    return delete_in_batches(expired, batch_size, progress, pause, Q(refresh_token__isnull=True))


def _purge(model, field: str = "expires_at") -> int:
    """Delete rows of ``model`` expired (``field``) beyond the leeway, in batches; return how many went."""
    horizon = timezone.now() - timedelta(seconds=jwt_settings.LEEWAY_SECONDS)
    return delete_in_batches(model.objects.filter(**{f"{field}__lt": horizon}))


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


def purge_dpop_bindings(refresh_tokens: bool) -> int:
    """Bindings of expired codes and access tokens; with ``refresh_tokens``, those of
    refresh tokens DOT no longer has (they carry no expiry: a refresh token lasts as long
    as its row), a batch at a time, each looked up by DOT's ``token_checksum`` (the head
    of its ``(token_checksum, revoked)`` unique index)."""
    deleted = _purge(DPoPBinding)
    if refresh_tokens:
        from oauth2_provider.models import get_refresh_token_model

        live = get_refresh_token_model().objects.filter(token_checksum=OuterRef("checksum"))
        bindings = DPoPBinding.objects.filter(kind=DPoPBinding.REFRESH_TOKEN)
        deleted += delete_in_batches(bindings, condition=~Exists(live))
    return deleted


def purge_device_codes() -> int:
    from oauth2_provider.models import get_device_grant_model

    return _purge(get_device_grant_model(), "expires")


class Command(BaseCommand):
    help = (
        "Delete expired access, refresh and ID tokens, grants, device codes, revocation records, redeemed codes, "
        "sign-in sessions' client records, old back-channel logouts and DPoP bindings of what is gone."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch-size",
            type=int,
            default=BATCH_SIZE,
            help=f"Rows deleted per transaction (default {BATCH_SIZE}).",
        )

    def handle(self, *args, **options):
        devices = sessions = access = 0
        dot = apps.is_installed("oauth2_provider")
        if dot:
            from oauth2_provider.models import clear_expired

            access = purge_access_tokens(options["batch_size"], self._progress("expired access tokens", options))
            clear_expired()
            devices = purge_device_codes()
            sessions = purge_client_sessions()
        logouts = purge_logout_deliveries()
        count = purge_revoked_tokens()
        codes = purge_redeemed_codes()
        bindings = purge_dpop_bindings(refresh_tokens=dot)
        self.stdout.write(
            self.style.SUCCESS(
                f"Expired tokens and grants deleted ({access} access tokens, {count} revocation records, "
                f"{codes} redeemed codes, "
                f"{devices} device codes, {sessions} client sessions, {logouts} back-channel logouts, "
                f"{bindings} DPoP bindings)."
            )
        )

    def _progress(self, label: str, options) -> Callable[[int], None] | None:
        """A line every ``PROGRESS_EVERY_SECONDS`` (every batch at ``-v 2``), none at ``-v 0``."""
        verbosity = options["verbosity"]
        if verbosity == 0:
            return None
        every = 0 if verbosity > 1 else PROGRESS_EVERY_SECONDS
        last = time.monotonic()

        def report(deleted: int) -> None:
            nonlocal last
            if time.monotonic() - last >= every:
                last = time.monotonic()
                self.stdout.write(f"{label}: {deleted} deleted so far")

        return report
