"""Single-use authorization codes and race-proof refresh-token rotation.

A code is consumed the moment it is first presented, before any token exists: a
``RedeemedCode`` row with a unique checksum is inserted, so exactly one of any number of
concurrent redemptions wins. Every later presentation gets ``invalid_grant`` and revokes
what the first one issued (RFC 6749 §4.1.2, RFC 9700 §4.2.4); a replay that races the
first redemption marks the row and the winner revokes its own tokens as it records them.
The code is burnt by any failed attempt (a wrong PKCE verifier, a wrong ``redirect_uri``,
another client), so a verifier cannot be guessed.

Refresh tokens: DOT rotates them and, on reuse of a superseded one, revokes the family.
Two concurrent refreshes of one token both pass DOT's check before either rotates; the
rotation here re-reads the token under its row lock and treats the loser as a reuse.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from oauth2_provider.models import get_access_token_model, get_grant_model, get_refresh_token_model
from oauth2_provider.settings import oauth2_settings
from oauthlib.oauth2.rfc6749 import errors

from ..checksums import token_checksum
from ..models import RedeemedCode
from .pkce import PKCEPolicyMixin

logger = logging.getLogger(__name__)


def _tombstone_lifetime() -> timedelta:
    """Long enough to revoke any token the code led to when a replay shows up late."""
    seconds = max(
        oauth2_settings.AUTHORIZATION_CODE_EXPIRE_SECONDS,
        oauth2_settings.ACCESS_TOKEN_EXPIRE_SECONDS,
        oauth2_settings.REFRESH_TOKEN_EXPIRE_SECONDS or 0,
    )
    return timedelta(seconds=seconds)


def revoke_redeemed(record: RedeemedCode) -> None:
    """Revoke every token issued from the code: its refresh-token family (which takes
    the family's access tokens along) and the first access token. Deleting access-token
    rows puts their JWTs on the denylist (see ``receivers``)."""
    if record.token_family:
        get_refresh_token_model().revoke_family(record.token_family)
    if record.access_token_checksum:
        get_access_token_model().objects.filter(token_checksum=record.access_token_checksum).delete()


class _RefreshTokenReused(Exception):
    def __init__(self, token_family) -> None:
        super().__init__("refresh token reused")
        self.token_family = token_family


class ReplayProtectionMixin(PKCEPolicyMixin):
    """Mixed into ``JWTOAuth2Validator`` ahead of DOT's ``OAuth2Validator``; brings the
    PKCE policy along, checked once the code is consumed."""

    # --- authorization codes ------------------------------------------------------

    def validate_code(self, client_id, code, client, request, *args, **kwargs):
        if not self._consume_code(code, client):
            return False
        if not super().validate_code(client_id, code, client, request, *args, **kwargs):
            return False
        return self.code_acceptable(code, client, request)

    def _consume_code(self, code: str, client) -> bool:
        """Insert the tombstone; ``False`` for an unknown, replayed or foreign code."""
        if not isinstance(code, str) or not code:
            return False
        code_checksum = token_checksum(code)
        grant = get_grant_model().objects.filter(code=code).select_related("application").first()
        if grant is None:
            self._code_replayed(code_checksum)
            return False
        try:
            with transaction.atomic():
                RedeemedCode.objects.create(
                    code_checksum=code_checksum,
                    client_id=grant.application.client_id,
                    expires_at=timezone.now() + _tombstone_lifetime(),
                )
        except IntegrityError:
            self._code_replayed(code_checksum)
            return False
        if grant.application_id != client.pk:
            logger.warning(
                "authorization code presented by another client",
                extra={"event": "code.wrong_client", "client_id": client.client_id},
            )
            return False
        return True

    def _code_replayed(self, code_checksum: str) -> None:
        with transaction.atomic():
            record = RedeemedCode.objects.select_for_update().filter(code_checksum=code_checksum).first()
            if record is None:
                return
            if record.replayed_at is None:
                record.replayed_at = timezone.now()
                record.save(update_fields=["replayed_at"])
            revoke_redeemed(record)
        logger.warning(
            "authorization code replayed; tokens issued from it revoked",
            extra={"event": "code.replayed", "client_id": record.client_id},
        )

    def _record_redemption(self, token: dict, request) -> None:
        """Note what the code led to; revoke it at once if a replay came in meanwhile."""
        record = RedeemedCode.objects.select_for_update().filter(code_checksum=token_checksum(request.code)).first()
        if record is None:
            return
        record.access_token_checksum = token_checksum(token["access_token"])
        if token.get("refresh_token"):
            record.token_family = (
                get_refresh_token_model()
                .objects.filter(token_checksum=token_checksum(token["refresh_token"]), revoked__isnull=True)
                .values_list("token_family", flat=True)
                .first()
            )
        record.save(update_fields=["access_token_checksum", "token_family"])
        if record.replayed_at is not None:
            revoke_redeemed(record)
            logger.warning(
                "authorization code replayed during its redemption; tokens revoked",
                extra={"event": "code.replayed", "client_id": record.client_id},
            )

    # --- a code deleted under its redemption (the person disconnected the app) ----------

    def confirm_redirect_uri(self, client_id, code, redirect_uri, client, *args, **kwargs):
        grant = get_grant_model().objects.filter(code=code, application=client).first()
        return grant is not None and grant.redirect_uri_allowed(redirect_uri)

    def get_code_challenge(self, code, request):
        return self._live_grant(code, request).code_challenge or None

    def get_code_challenge_method(self, code, request):
        return self._live_grant(code, request).code_challenge_method or None

    def _live_grant(self, code, request):
        """DOT's ``Grant.objects.get`` raised ``DoesNotExist`` (a 500) here."""
        grant = get_grant_model().objects.filter(code=code, application=request.client).first()
        if grant is None:
            raise errors.InvalidGrantError(request=request)
        return grant

    def invalidate_authorization_code(self, client_id, code, request, *args, **kwargs):
        """DOT's, which refuses a code whose grant is gone; the tokens already issued
        from it (the grant was deleted while they were, by a Disconnect) are revoked."""
        try:
            super().invalidate_authorization_code(client_id, code, request, *args, **kwargs)
        except errors.InvalidGrantError:
            record = RedeemedCode.objects.filter(code_checksum=token_checksum(code)).first()
            if record is not None:
                revoke_redeemed(record)
            raise

    # --- issuing ------------------------------------------------------------------------

    def save_bearer_token(self, token, request, *args, **kwargs):
        try:
            return super().save_bearer_token(token, request, *args, **kwargs)
        except _RefreshTokenReused as exc:
            # DOT's transaction rolled back; revoke the family in a transaction of its own.
            if oauth2_settings.REFRESH_TOKEN_REUSE_PROTECTION:
                get_refresh_token_model().revoke_family(exc.token_family)
            logger.warning(
                "refresh token reused concurrently; family revoked",
                extra={"event": "refresh.reused", "client_id": request.client.client_id},
            )
            raise errors.InvalidGrantError(request=request) from None

    def _save_bearer_token(self, token, request, *args, **kwargs):
        """Lock a presented refresh token; record a redeemed code. Private: DOT's
        ``save_bearer_token`` names it the place for storing logic, in its transaction."""
        if request.grant_type == "refresh_token":
            self._lock_refresh_token(request)
        result = super()._save_bearer_token(token, request, *args, **kwargs)
        if request.grant_type == "authorization_code":
            self._record_redemption(token, request)
        return result

    # --- revocation ----------------------------------------------------------------------

    def revoke_token(self, token, token_type_hint, request, *args, **kwargs):
        """RFC 7009 §2.1: revoking a refresh token invalidates the tokens of its grant.
        DOT revokes the row presented; a rotated-away refresh token names the same grant
        as the live one, so the whole family goes (also when a refresh races this)."""
        super().revoke_token(token, token_type_hint, request, *args, **kwargs)
        application_pk = getattr(request.client, "pk", None)
        if application_pk is None or not isinstance(token, str):
            return
        family = (
            get_refresh_token_model()
            .objects.filter(token_checksum=token_checksum(token), application_id=application_pk)
            .exclude(token_family=None)
            .values_list("token_family", flat=True)
            .first()
        )
        if family is not None:
            get_refresh_token_model().revoke_family(family)

    def _lock_refresh_token(self, request) -> None:
        """Re-read the presented refresh token under its row lock: if a concurrent
        request rotated it after DOT validated it here, this one is a reuse."""
        presented = getattr(request, "refresh_token_instance", None)
        if presented is None or oauth2_settings.REFRESH_TOKEN_GRACE_PERIOD_SECONDS:
            return
        current = get_refresh_token_model().objects.select_for_update().filter(pk=presented.pk).first()
        if current is None or current.revoked is not None:
            raise _RefreshTokenReused(presented.token_family)
