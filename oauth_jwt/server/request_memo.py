"""Per-request memo of the rows a token request would otherwise read twice.

- ``ClientProfile``: a token request consults the client's profile several times
  (allowed scopes, allowed resources, access-token lifetime). The validator loads it in
  the same query as DOT's ``Application`` (``load_application``), and it is read from here.
- The client id of an application by primary key, for the revocation records a
  refresh writes (``revocation.revoke_access_token``).
- The ``AccessToken`` row the request just created: DOT's token view reads it back from
  the database after the response is built, only to announce it with
  ``app_authorized``; ``views.clientauth`` takes it from here.

Inside a request (between Django's ``request_started`` and ``request_finished``) rows
are remembered per thread; outside a request (management commands, shells, direct
calls) nothing is remembered, so an edit is always seen by the next request.

Measured (issue 15: hand-written code earns its place, ``bench/ab.py``): without this
module (DOT's lookup, then the profile through the ORM, and DOT's read-back of the new
row) a client-credentials token request cost 1.45-1.50x the CPU and ran at 0.67-0.75x the
rate on SQLite; docs/benchmarks.md, "Hand-written code, measured".
"""

from __future__ import annotations

import functools
import json
import threading
from typing import Any

from django.core.signals import request_finished, request_started

_local = threading.local()
# The annotation ``load_application`` adds to an Application row.
_ANNOTATION = "oauth_jwt_profile"
_MISSING = object()


def _memo(name: str) -> dict | None:
    return getattr(_local, name, None)


def client_profile(client_id: str | None) -> Any:
    """The ``ClientProfile`` of ``client_id``, or ``None``."""
    from ..models import ClientProfile

    if not client_id:
        return None
    memo = _memo("profiles")
    if memo is None:
        return ClientProfile.objects.filter(client_id=client_id).first()
    if client_id not in memo:
        memo[client_id] = ClientProfile.objects.filter(client_id=client_id).first()
    return memo[client_id]


def load_application(client_id: str):
    """DOT's ``Application`` with ``client_id``, or ``None``, with its ``ClientProfile``
    fetched in the same query (a subquery on the profile's unique ``client_id``): one
    round trip to the database instead of two on every token request.

    Django compiles that query once per database (``_application_query``); building
    and compiling it anew cost more than the query itself on every token request.
    """
    from django.db import router
    from oauth2_provider.models import get_application_model

    model = get_application_model()
    alias = router.db_for_read(model)
    sql, params, position = _application_query(alias)
    params = [*params[:position], client_id, *params[position + 1 :]]
    return next(iter(model.objects.db_manager(alias).raw(sql, params)), None)


_PLACEHOLDER = "oauth_jwt:client_id"


@functools.cache
def _application_query(alias: str) -> tuple[str, tuple, int]:
    """The SQL and parameters of the query, and where ``client_id`` goes in them."""
    from django.db.models import F, JSONField, OuterRef, Subquery
    from django.db.models.functions import JSONObject
    from oauth2_provider.models import get_application_model

    from ..models import ClientProfile

    fields = {field.attname: F(field.attname) for field in ClientProfile._meta.concrete_fields}
    profile = ClientProfile.objects.filter(client_id=OuterRef("client_id")).values(data=JSONObject(**fields))
    queryset = (
        get_application_model()
        .objects.using(alias)
        .annotate(**{_ANNOTATION: Subquery(profile[:1], output_field=JSONField())})
        .filter(client_id=_PLACEHOLDER)
    )
    sql, params = queryset.query.get_compiler(alias).as_sql()
    return sql, tuple(params), list(params).index(_PLACEHOLDER)


def remember_profile(application) -> None:
    """Remember the profile ``load_application`` loaded beside ``application``, and the
    application's client id by primary key."""
    memo = _memo("profiles")
    data = getattr(application, _ANNOTATION, _MISSING)
    if memo is None or data is _MISSING:
        return
    # The profile came from the database the application row came from.
    memo[application.client_id] = None if data is None else _profile_from_json(data, application._state.db)
    _local.client_ids[application.pk] = application.client_id


def client_id(application_pk: int | None) -> str | None:
    """The client id of an application this request loaded, else ``None``."""
    memo = _memo("client_ids")
    return None if memo is None or application_pk is None else memo.get(application_pk)


def _profile_from_json(data: dict | str, alias: str) -> Any:
    """A ``ClientProfile`` instance from the JSON object the database built. SQLite
    hands it back as text, its nested JSON columns too, and booleans as integers."""
    from django.db import models

    from ..models import ClientProfile

    if isinstance(data, str):
        data = json.loads(data)
    names, values = [], []
    for field in ClientProfile._meta.concrete_fields:
        value = data.get(field.attname)
        if isinstance(field, models.JSONField) and isinstance(value, str):
            value = json.loads(value)
        elif isinstance(field, models.BooleanField) and value is not None:
            value = bool(value)
        names.append(field.attname)
        values.append(value)
    return ClientProfile.from_db(alias, names, values)


def remember_access_token(access_token) -> None:
    memo = _memo("access_tokens")
    if memo is not None:
        memo[access_token.token_checksum] = access_token


def access_token(token_checksum: str) -> Any:
    """The ``AccessToken`` this request created with ``token_checksum``, or ``None``."""
    memo = _memo("access_tokens")
    return None if memo is None else memo.get(token_checksum)


def _start(**kwargs: Any) -> None:
    _local.profiles = {}
    _local.client_ids = {}
    _local.access_tokens = {}


def _finish(**kwargs: Any) -> None:
    _local.profiles = None
    _local.client_ids = None
    _local.access_tokens = None


def connect() -> None:
    """Bound the memo to each request (``server.receivers.connect``, from ``ready()``)."""
    request_started.connect(_start, dispatch_uid="oauth_jwt_request_memo_start")
    request_finished.connect(_finish, dispatch_uid="oauth_jwt_request_memo_finish")
