"""Back-channel logout (OpenID Connect Back-Channel Logout 1.0): which clients are told
that a person's session ended, and the outbox of logout tokens owed to them.

Who is told, and what the logout token names:

- a person signs out (any Django sign-out, RP-initiated logout included): the clients
  signed in during that session (``ClientSession``), each with ``sid`` and ``sub``;
- an account is deactivated or its password changes, or a person disconnects an app:
  every client that person has a consent, a token or an open session with (the one app,
  for a disconnect), with ``sub`` alone: every session of that person at the client
  (§2.4). A client that requires the ``sid``
  (``backchannel_logout_session_required``) gets one token per session instead, and
  none when the hub knows no open session for it.

Only clients with a ``backchannel_logout_uri`` in their ``ClientProfile`` are told.

Delivery is an outbox, so that a person's request never waits for a client and no
notice is lost when a worker dies: a ``LogoutDelivery`` row is written in the
transaction that ends the session; once it commits, a background thread POSTs the
token (``BACKCHANNEL_LOGOUT_IN_BACKGROUND``); what that thread could not deliver (a
timeout, an error answer, a worker recycled mid-send) is retried with backoff by
``manage.py sendlogouts``, run from cron, until ``BACKCHANNEL_LOGOUT_MAX_ATTEMPTS``.
Any number of processes may send at once: each claims a row with a conditional UPDATE
before sending (``logout_delivery``). Failures stay visible in the admin.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from oauth2_provider.models import get_access_token_model, get_refresh_token_model

from ..models import ClientProfile, ClientSession, Consent, LogoutDelivery
from . import logout_delivery

logger = logging.getLogger(__name__)
Reason = LogoutDelivery.Reason


def subject_of(user) -> str:
    """The ``sub`` the person's ID tokens carry."""
    return str(user.pk)


def session_ended(user, sid: str) -> list[int]:
    """Session ``sid`` of ``user`` ended: tell the clients signed in during it."""
    with transaction.atomic():
        rows = ClientSession.objects.filter(user=user, sid=sid, ended_at=None)
        client_ids = set(rows.values_list("client_id", flat=True))
        rows.update(ended_at=timezone.now())
        owed = [(profile, [sid]) for profile in _listening(client_ids)]
        return _enqueue(user, owed, Reason.SIGNED_OUT)


def account_changed(user, reason: str) -> list[int]:
    """``user`` was deactivated or their password changed (before their tokens are
    revoked): tell every client they are connected to."""
    return _everywhere(user, _clients_of(user), reason)


def client_disconnected(user, client_id: str) -> list[int]:
    """``user`` disconnects ``client_id`` (before the consent and tokens go). Nothing is
    sent to a client the person was never connected to."""
    if client_id not in _clients_of(user, client_id):
        return []
    return _everywhere(user, {client_id}, Reason.DISCONNECTED)


def _clients_of(user, client_id: str | None = None) -> set[str]:
    """The clients ``user`` has a consent, a live token or an open session with."""
    only = {} if client_id is None else {"client_id": client_id}
    only_app = {} if client_id is None else {"application__client_id": client_id}
    found = set(Consent.objects.filter(user=user, **only).values_list("client_id", flat=True))
    found |= set(ClientSession.objects.filter(user=user, ended_at=None, **only).values_list("client_id", flat=True))
    for model, live in ((get_access_token_model(), {}), (get_refresh_token_model(), {"revoked__isnull": True})):
        rows = model.objects.filter(user=user, **live, **only_app)
        found |= set(rows.values_list("application__client_id", flat=True))
    return found


def _everywhere(user, client_ids: set[str], reason: str) -> list[int]:
    """Every session of ``user`` at each of ``client_ids`` ends."""
    with transaction.atomic():
        rows = ClientSession.objects.filter(user=user, client_id__in=client_ids, ended_at=None)
        open_sids: dict[str, set[str]] = {}
        for client_id, sid in rows.values_list("client_id", "sid"):
            open_sids.setdefault(client_id, set()).add(sid)
        rows.update(ended_at=timezone.now())
        owed = []
        for profile in _listening(client_ids):
            if profile.backchannel_logout_session_required:
                sids = sorted(open_sids.get(profile.client_id, ()))
                if not sids:
                    logger.info(
                        "no back-channel logout: the client needs a session id and none is open",
                        extra={"event": "backchannel.no_session", "client_id": profile.client_id},
                    )
                owed.append((profile, sids))
            else:
                owed.append((profile, [""]))
        return _enqueue(user, owed, reason)


def _listening(client_ids: Iterable[str]):
    return ClientProfile.objects.filter(client_id__in=list(client_ids)).exclude(backchannel_logout_uri="")


def _enqueue(user, owed: list[tuple[ClientProfile, list[str]]], reason: str) -> list[int]:
    """Write the outbox rows; once the transaction commits, start sending them."""
    subject = subject_of(user)
    ids = [
        LogoutDelivery.objects.create(
            client_id=profile.client_id, uri=profile.backchannel_logout_uri, subject=subject, sid=sid, reason=reason
        ).pk
        for profile, sids in owed
        for sid in sids
    ]
    if ids:
        logger.info(
            "back-channel logouts queued",
            extra={"event": "backchannel.queued", "reason": reason, "subject": subject, "count": len(ids)},
        )
        transaction.on_commit(lambda: logout_delivery.start(ids))
    return ids
