"""Per-request memo of ``ClientProfile`` rows.

A token request consults the client's profile several times (allowed scopes, allowed
resources, access-token lifetime), each a query. Inside a request (between Django's
``request_started`` and ``request_finished``) the row is read once per thread; outside
a request (management commands, shells, direct calls) nothing is remembered, so an
edit is always seen by the next request.
"""

from __future__ import annotations

import threading
from typing import Any

from django.core.signals import request_finished, request_started

_local = threading.local()


def client_profile(client_id: str | None) -> Any:
    """The ``ClientProfile`` of ``client_id``, or ``None``."""
    from .models import ClientProfile

    if not client_id:
        return None
    memo = getattr(_local, "profiles", None)
    if memo is None:
        return ClientProfile.objects.filter(client_id=client_id).first()
    if client_id not in memo:
        memo[client_id] = ClientProfile.objects.filter(client_id=client_id).first()
    return memo[client_id]


def _start(**kwargs: Any) -> None:
    _local.profiles = {}


def _finish(**kwargs: Any) -> None:
    _local.profiles = None


request_started.connect(_start, dispatch_uid="oauth_jwt_request_memo_start")
request_finished.connect(_finish, dispatch_uid="oauth_jwt_request_memo_finish")
