"""Sending the logout tokens of the ``LogoutDelivery`` outbox (OpenID Connect
Back-Channel Logout 1.0 §2.4–§2.8); see ``backchannel`` for who is told and why the
outbox.

Each attempt mints a fresh logout token (``typ`` ``logout+jwt``, two minutes to live,
no ``nonce``) signed with the hub's active key, and POSTs it as the ``logout_token``
form field: no redirect is followed, the answer must come within
``BACKCHANNEL_LOGOUT_TIMEOUT_SECONDS`` and be a 2xx. A sender first claims the row with
a conditional UPDATE (a lease a little longer than the timeout), so two processes never
send the same row at once, and a sender that dies leaves a row the next one takes once
the lease is over. A failed attempt is retried after 30 s, then twice as long each time
(at most an hour), until ``BACKCHANNEL_LOGOUT_MAX_ATTEMPTS``; the row then records that
the hub gave up. A client that registered itself is sent to only while its URI's host
resolves to public addresses (``egress``).
"""

from __future__ import annotations

import http.client
import logging
import secrets
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode, urlsplit
from urllib.request import Request

import jwt
from django.db import connections
from django.db.models import F, Q
from django.utils import timezone
from oauth2_provider.models import get_application_model

from ..conf import jwt_settings
from ..loopback import is_plaintext_outside_loopback
from ..models import LogoutDelivery
from ..resource import signatures
from ..resource.remote_keys import opener
from . import egress, signing_keys
from .self_registered import client_origin

logger = logging.getLogger(__name__)

EVENT = "http://schemas.openid.net/event/backchannel-logout"
TOKEN_TYPE = "logout+jwt"
TOKEN_LIFETIME_SECONDS = 120
FIRST_RETRY_SECONDS = 30
MAX_RETRY_SECONDS = 3600
MAX_ERROR_LENGTH = 500


def logout_token(client_id: str, subject: str, sid: str) -> str:
    """A signed logout token for ``client_id`` naming ``subject`` and/or ``sid`` (§2.4)."""
    key = signing_keys.signing_key()
    now = int(time.time())
    claims = {
        "iss": jwt_settings.ISSUER,
        "aud": client_id,
        "iat": now,
        "exp": now + TOKEN_LIFETIME_SECONDS,
        "jti": secrets.token_urlsafe(16),
        "events": {EVENT: {}},
    }
    if subject:
        claims["sub"] = subject
    if sid:
        claims["sid"] = sid
    token = jwt.encode(claims, key.key, algorithm=key.algorithm, headers={"typ": TOKEN_TYPE, "kid": key.kid})
    return signatures.canonical(token, key.algorithm)


def sendable(uri: str) -> bool:
    """https, or http on the loopback interface (what the admin form accepts)."""
    try:
        scheme = urlsplit(uri).scheme.lower()
    except ValueError:
        return False
    return scheme in ("http", "https") and not is_plaintext_outside_loopback(uri)


def post(uri: str, token: str) -> str | None:
    """POST ``token`` to ``uri``; ``None`` when the client took it, else why not."""
    body = urlencode({"logout_token": token}).encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    request = Request(uri, data=body, headers=headers, method="POST")  # noqa: S310 - sendable() checked the scheme
    try:
        with opener().open(request, timeout=jwt_settings.BACKCHANNEL_LOGOUT_TIMEOUT_SECONDS) as response:
            status = response.status
    except HTTPError as exc:
        status = exc.code
    except (URLError, OSError, ValueError, http.client.HTTPException) as exc:
        return f"{type(exc).__name__}: {getattr(exc, 'reason', exc)}"
    if 200 <= status < 300:
        return None
    if 300 <= status < 400:
        return f"HTTP {status}: a redirect, which is never followed"
    return f"HTTP {status}"


def retry_delay(attempts: int) -> timedelta:
    return timedelta(seconds=min(FIRST_RETRY_SECONDS * 2 ** max(attempts - 1, 0), MAX_RETRY_SECONDS))


def claim(pk: int, now: datetime) -> LogoutDelivery | None:
    """Take row ``pk`` for one attempt, if it is due and nobody else holds it."""
    lease = now + timedelta(seconds=2 * jwt_settings.BACKCHANNEL_LOGOUT_TIMEOUT_SECONDS + 30)
    taken = (
        LogoutDelivery.objects.filter(pk=pk, delivered_at=None, gave_up_at=None, next_attempt_at__lte=now)
        .filter(Q(claimed_until=None) | Q(claimed_until__lt=now))
        .update(claimed_until=lease, attempts=F("attempts") + 1, last_attempt_at=now)
    )
    return LogoutDelivery.objects.filter(pk=pk).first() if taken else None


def self_registered(client_id: str) -> bool:
    """Whether the client registered itself (RFC 7591 or a client ID metadata document)."""
    application = get_application_model().objects.filter(client_id=client_id).first()
    return application is not None and client_origin(application).self_registered


def attempt(row: LogoutDelivery) -> bool:
    """One attempt at a claimed row; record the outcome. True when delivered."""
    give_up = row.attempts >= jwt_settings.BACKCHANNEL_LOGOUT_MAX_ATTEMPTS
    if not sendable(row.uri):
        error, give_up = "The URI is neither https nor http on the loopback interface.", True
    elif self_registered(row.client_id) and not egress.resolves_to_public(row.uri):
        # Retried: a name that does not resolve now may later; one that resolves inward never is sent to.
        error = "A self-registered client is sent to only on https to a host that resolves to public addresses."
    else:
        error = post(row.uri, logout_token(row.client_id, row.subject, row.sid))
    now = timezone.now()
    mine = LogoutDelivery.objects.filter(pk=row.pk)
    if error is None:
        mine.update(delivered_at=now, claimed_until=None, last_error="")
        logger.info("logout token delivered", extra={"event": "backchannel.delivered", "client_id": row.client_id})
        return True
    mine.update(
        claimed_until=None,
        last_error=error[:MAX_ERROR_LENGTH],
        next_attempt_at=now + retry_delay(row.attempts),
        gave_up_at=now if give_up else None,
    )
    logger.warning(
        "logout token not delivered",
        extra={
            "event": "backchannel.gave_up" if give_up else "backchannel.failed",
            "client_id": row.client_id,
            "attempts": row.attempts,
            "error": error[:MAX_ERROR_LENGTH],
        },
    )
    return False


@dataclass
class Summary:
    delivered: int = 0
    failed: int = 0


def send(ids: Iterable[int]) -> Summary:
    """Attempt each of ``ids`` that is due and free."""
    summary = Summary()
    for pk in ids:
        row = claim(pk, timezone.now())
        if row is None:
            continue
        if attempt(row):
            summary.delivered += 1
        else:
            summary.failed += 1
    return summary


def due(now: datetime | None = None) -> list[int]:
    now = now or timezone.now()
    rows = LogoutDelivery.objects.filter(delivered_at=None, gave_up_at=None, next_attempt_at__lte=now)
    return list(rows.order_by("next_attempt_at").values_list("pk", flat=True))


def start(ids: list[int]) -> None:
    """After the commit that queued ``ids``: send each from a thread of its own, so that
    neither the person's request nor another client waits for a slow client."""
    if not jwt_settings.BACKCHANNEL_LOGOUT_IN_BACKGROUND:
        return
    for pk in ids:
        threading.Thread(target=_send_in_background, args=(pk,), name="oauth_jwt-logout", daemon=True).start()


def _send_in_background(pk: int) -> None:
    try:
        send([pk])
    except Exception:
        # Left for `sendlogouts` to retry once the lease is over.
        logger.exception("back-channel logout failed", extra={"event": "backchannel.error"})
    finally:
        connections.close_all()
