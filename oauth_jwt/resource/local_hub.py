"""The hub in this process, when there is one.

A resource server checks a token against the hub's JWK set (``remote_keys``) and asks
the shared denylist (or the hub's introspection endpoint) whether it was revoked. When
the hub checks a token itself (its own API behind the middleware or DRF, DOT's
protected resources, userinfo), it lends this half what only the hub has: its key store,
its own answer to "revoked?" (it seeds the denylist from its database when that does not
know), the revocation of a token, and DOT's rows (clients; opaque tokens from before an
upgrade). The hub registers it at start-up (``OAuthJWTConfig.ready``, where DOT is
installed), so this half never imports the hub's code.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from ..conf import jwt_settings

if TYPE_CHECKING:
    from .authentication import TokenAuth
    from .key_sources import VerificationKey


class LocalHub(Protocol):
    def public_key(self, kid: str) -> VerificationKey | None:
        """A key the hub publishes (a key source, see ``key_sources``)."""

    def is_revoked(self, jti: str, kid: str) -> bool:
        """The hub's answer, from the denylist or, when that does not know, its database."""

    def revoke(self, auth: TokenAuth) -> None:
        """Revoke a verified token, as the hub's revocation endpoint would."""

    def authenticate_opaque(self, raw_token: str) -> tuple[Any, TokenAuth]:
        """``(user, auth)`` for a live opaque token of DOT's, or raise ``InvalidToken``."""

    def application(self, client_id: str) -> Any:
        """DOT's ``Application`` of ``client_id``, or ``None``."""


_registered: LocalHub | None = None


def register(hub: LocalHub | None) -> None:
    """Called once by the app's ``ready()`` where DOT is installed (``None`` to forget)."""
    global _registered
    _registered = hub


def registered() -> LocalHub | None:
    """The hub of this process, if it has one (DOT installed), whatever the settings."""
    return _registered


def current() -> LocalHub | None:
    """The hub of this process, unless the settings point at a remote hub
    (``JWKS_URL``/``METADATA_URL``): then this process is a resource server."""
    return None if jwt_settings.is_remote else _registered
