"""Where verification finds a token's key: a key source is any callable from a ``kid``
to the key it names (``None`` for a ``kid`` it does not know).

Verification takes the key source as an argument (``verify.verify_access_token``). A
resource server passes the hub's JWK set fetched over HTTP (``remote_keys.remote_key``);
the hub passes its own key store (``oauth_jwt.server.signing_keys.public_key``), which
it lends to this half at start-up (``local_hub``). ``current()`` picks the one this
process uses.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from . import local_hub, remote_keys


class VerificationKey(Protocol):
    """A public key pinned to the one JWS algorithm it verifies."""

    @property
    def algorithm(self) -> str: ...

    @property
    def key(self) -> Any: ...  # a cryptography public key object


KeySource = Callable[[str], "VerificationKey | None"]


def current() -> KeySource:
    """The hub's own key store on the hub; the hub's JWK set, remote, everywhere else
    (``JWKS_URL``/``METADATA_URL`` set, or no hub in this process)."""
    hub = local_hub.current()
    return hub.public_key if hub is not None else remote_keys.remote_key
