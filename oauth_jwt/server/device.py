"""The device grant (RFC 8628) at the token endpoint: a device code yields tokens only
to the client it was issued to, only while the person who approved it still allows
that client, and exactly once.

oauthlib's device grant checks nothing about the code; DOT looks it up in a
``pre_token`` hook and answers its status in the token view before any client has
authenticated, and never consumes it. Here:

- ``load_device_grant`` is the ``OAUTH_PRE_TOKEN_VALIDATION`` hook (in place of DOT's,
  see ``server.provider_settings``): it puts the grant on the oauthlib request; a missing
  or repeated ``device_code`` is ``invalid_request``, an unknown one ``invalid_grant``
  once the client has authenticated, never a 404 or a 500;
- ``DeviceGrantMixin.validate_grant_type``, the first validator call after the client
  authenticated, refuses another client's code with ``invalid_grant`` (RFC 6749 §5.2)
  before saying anything about its status, then answers ``authorization_pending``,
  ``access_denied`` or ``expired_token`` (RFC 8628 §3.5);
- ``DeviceGrantMixin._save_bearer_token`` consumes the code inside DOT's transaction,
  under a lock on the person's consent: the row is deleted only if it is still approved
  for this client, so of any number of concurrent redemptions exactly one wins, and a
  Disconnect (which deletes the consent and the person's device codes) either happens
  before (nothing is issued) or after (it revokes what was issued).

- ``remember_auth_time`` keeps when the person who approved the code signed in, in the
  session they approved it from (``authtime``), for the tokens' ``auth_time``:
  DOT's ``DeviceGrant`` has no column for it, so it waits in the default cache (shared
  by the workers, as the throttle's counts are) until the code expires;
  ``load_device_grant`` puts it on the request. If the cache lost it or cannot be
  reached (logged, never a 500), the tokens fall back to the account's last sign-in, as
  for a code from before this was kept.

Models are imported inside functions: ``server.provider_settings()`` imports this module
from the settings file.
"""

from __future__ import annotations

import hashlib
import logging

from django.core.cache import cache
from django.utils import timezone
from oauthlib.oauth2.rfc6749 import errors
from oauthlib.oauth2.rfc8628 import errors as device_errors

logger = logging.getLogger(__name__)

DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"


def _auth_time_key(device_code: str) -> str:
    return "oauth_jwt:device-auth-time:" + hashlib.sha256(device_code.encode()).hexdigest()


def _cache_unreachable(exc: Exception) -> None:
    logger.error(
        "cache unreachable, device sign-in time not kept or read: %s",
        type(exc).__name__,
        extra={"event": "device.auth_time_cache_unreachable"},
    )


def remember_auth_time(grant, when: int | None) -> None:
    """Keep ``when`` (the approving session's sign-in time) for the tokens of ``grant``."""
    if when is None:
        return
    lifetime = int((grant.expires - timezone.now()).total_seconds()) + 60
    try:
        cache.set(_auth_time_key(grant.device_code), when, max(lifetime, 1))
    except Exception as exc:  # each cache backend raises its own connection errors
        _cache_unreachable(exc)


def remembered_auth_time(device_code: str) -> int | None:
    try:
        when = cache.get(_auth_time_key(device_code))
    except Exception as exc:  # each cache backend raises its own connection errors
        _cache_unreachable(exc)
        return None
    return when if isinstance(when, int) and not isinstance(when, bool) else None


def load_device_grant(request) -> None:
    """Put the device grant that ``device_code`` names on ``request.device_grant`` (``None``
    for an unknown code, refused once the client has authenticated), with the person
    who approved it and the scopes they approved."""
    from oauth2_provider.models import get_device_grant_model

    if "device_code" in request.duplicate_params:
        raise errors.InvalidRequestError(description="Duplicate device_code parameter.", request=request)
    # oauthlib's Request keeps parameters it does not know (device_code) only here.
    device_code = request._params.get("device_code")
    if not device_code:
        raise errors.InvalidRequestError(description="Missing device_code parameter.", request=request)
    # No device code holds a NUL byte, and PostgreSQL refuses the query (a 500).
    grant = None if "\x00" in device_code else get_device_grant_model().objects.filter(device_code=device_code).first()
    request.device_grant = grant
    if grant is not None:
        request.user = grant.user
        request.scopes = grant.scope.split()
        request.auth_time = remembered_auth_time(device_code)


def check_redeemable(grant, client, request) -> None:
    """Raise the OAuth error that ``grant`` deserves when ``client`` presents it."""
    if grant is None:
        raise errors.InvalidGrantError(request=request)
    if grant.client_id != client.client_id:
        logger.warning(
            "device code presented by another client",
            extra={"event": "device_code.wrong_client", "client_id": client.client_id},
        )
        raise errors.InvalidGrantError(request=request)
    if grant.is_expired():
        raise device_errors.ExpiredTokenError(request=request)
    if grant.status == grant.AUTHORIZATION_PENDING:
        raise device_errors.AuthorizationPendingError(request=request)
    if grant.status == grant.DENIED:
        raise device_errors.AccessDenied(request=request)
    if grant.status != grant.AUTHORIZED or grant.user_id is None:
        raise errors.InvalidGrantError(request=request)


def consume(grant, client, scopes, request) -> None:
    """Delete the approved ``grant`` or raise ``invalid_grant``; call in a transaction."""
    from oauth2_provider.models import get_device_grant_model

    from ..models import Consent

    consent = Consent.objects.select_for_update().filter(user_id=grant.user_id, client_id=grant.client_id).first()
    if consent is None or not consent.covers(scopes):
        raise errors.InvalidGrantError(description="The person no longer allows this app.", request=request)
    model = get_device_grant_model()
    deleted, _ = model.objects.filter(pk=grant.pk, client_id=client.client_id, status=model.AUTHORIZED).delete()
    if not deleted:
        raise errors.InvalidGrantError(request=request)


class DeviceGrantMixin:
    """Validator mixin: device codes bound to their client, their person's consent, and one use."""

    def validate_grant_type(self, client_id, grant_type, client, request, *args, **kwargs):
        # oauthlib's device grant has no hook of its own for the code; this is the first
        # validator call after the client authenticated.
        if not super().validate_grant_type(client_id, grant_type, client, request, *args, **kwargs):
            return False
        if grant_type == DEVICE_CODE_GRANT:
            if not hasattr(request, "device_grant"):
                # Another OAUTH_PRE_TOKEN_VALIDATION hook ran in place of ours (E040).
                load_device_grant(request)
            check_redeemable(request.device_grant, client, request)
        return True

    def _save_bearer_token(self, token, request, *args, **kwargs):
        """Consume the device code in the transaction that stores the tokens. Private:
        DOT's ``save_bearer_token`` names it the place for storing logic, in its transaction."""
        if request.grant_type == DEVICE_CODE_GRANT:
            consume(request.device_grant, request.client, request.scopes, request)
        return super()._save_bearer_token(token, request, *args, **kwargs)
