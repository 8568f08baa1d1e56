"""What the hub lends the resource half when both run in one process (the socket is
``oauth_jwt.resource.local_hub``): its key store, its own revocation answer, revoking a
token, DOT's rows. ``OAuthJWTConfig.ready()`` registers ``HUB`` where DOT is installed.

Each method looks its helper up when called, so a test that replaces one sees it here.
"""

from __future__ import annotations

from typing import Any

from oauth2_provider.models import get_application_model

from . import denylist_writer, opaque, revocation, signing_keys


class Hub:
    def public_key(self, kid: str) -> signing_keys.PublicKey | None:
        return signing_keys.public_key(kid)

    def is_revoked(self, jti: str, kid: str) -> bool:
        return denylist_writer.is_revoked(jti, kid)

    def revoke(self, auth) -> None:
        revocation.revoke_verified(auth)

    def authenticate_opaque(self, raw_token: str) -> tuple[Any, Any]:
        return opaque.authenticate_opaque(raw_token)

    def application(self, client_id: str) -> Any:
        return get_application_model().objects.filter(client_id=client_id).first()


HUB = Hub()
