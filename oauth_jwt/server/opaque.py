"""Opaque access tokens issued before the upgrade from plain DOT (hub only).

Such a token is a random string whose only record is DOT's ``AccessToken`` row, found
by the SHA-256 of the token as DOT finds it (``token_checksum``, whichever storage
setting wrote the row). While ``OAUTH_JWT["OPAQUE_TOKEN_FALLBACK"]`` is on, a bearer
token that is not a JWT is looked up here, so these tokens keep working on the hub's
own resource classes and in introspection until they expire; revoking one deletes its
row, as in DOT. A JWT never comes here: the stateless path stays stateless.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from oauth2_provider.models import get_access_token_model

from ..checksums import token_checksum
from ..conf import jwt_settings
from ..exceptions import InvalidToken
from ..resource.authentication import TokenAuth
from .counting import estimated_count


class OpaqueTokenAuth(TokenAuth):
    """``request.auth`` for an opaque token: DOT's row behind ``TokenAuth``'s face."""

    def __init__(self, row) -> None:
        super().__init__({}, claims_of(row))
        self.row = row

    @property
    def application(self):
        return self.row.application

    @property
    def user(self):
        return self.row.user

    @property
    def user_id(self):
        return self.row.user_id

    @property
    def token_checksum(self) -> str:
        return self.row.token_checksum

    def revoke(self) -> None:
        self.row.revoke()


def live_row(raw_token: str):
    """DOT's unexpired row of the opaque ``raw_token`` (one query), or ``None``."""
    row = (
        get_access_token_model()
        .objects.select_related("application", "user")
        .filter(token_checksum=token_checksum(raw_token), expires__gt=timezone.now())
        .first()
    )
    return row if row is not None and row.application_id is not None else None


def claims_of(row) -> dict[str, Any]:
    """What a JWT would say of the token, from DOT's row."""
    client_id = row.application.client_id
    return {
        "sub": str(row.user_id) if row.user_id else client_id,
        "client_id": client_id,
        "scope": row.scope,
        "aud": list(row.resource or []),
        "iat": int(row.created.timestamp()),
        "exp": int(row.expires.timestamp()),
        "jti": "",
    }


def authenticate_opaque(raw_token: str):
    """``(user, OpaqueTokenAuth)`` for a live opaque token, or raise ``InvalidToken``."""
    row = live_row(raw_token)
    if row is None:
        raise InvalidToken("The access token is unknown, expired or revoked.")
    if row.resource and not any(row.allows_audience(audience) for audience in jwt_settings.AUDIENCE):
        raise InvalidToken("The access token is not valid for this resource.")
    auth = OpaqueTokenAuth(row)
    user = row.user if row.user is not None and row.user.is_active else AnonymousUser()
    return user, auth


def live_count() -> int:
    """How many opaque tokens are still live: unexpired rows without a JWT's record
    (a record's parts are separated by spaces, DOT's tokens have none). Estimated as the
    changelists count; few of them still cost a scan of the table on PostgreSQL, which
    ``OPAQUE_TOKEN_FALLBACK = False`` ends once they are gone."""
    rows = get_access_token_model().objects.filter(expires__gt=timezone.now())
    return estimated_count(rows.exclude(token__contains=" "))
