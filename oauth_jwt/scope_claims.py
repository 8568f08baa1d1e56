"""What a ``CLAIMS_PROVIDER`` declares (``oauth_jwt.server.userclaims``): scope names
mapped to the claim names each can release, never a protocol claim. Checked here, in
the core, because the setting's converter (``conf``) and ``manage.py check`` use it too.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

# Claims the protocol sets (ID token, userinfo's ``sub``): no provider releases them.
PROTOCOL_CLAIMS = frozenset(
    {"iss", "sub", "aud", "exp", "iat", "nbf", "jti", "auth_time", "nonce", "acr", "amr", "azp"}
    | {"at_hash", "c_hash", "sid", "client_id", "scope", "cnf", "events"}
)


def checked(provider) -> dict[str, frozenset[str]]:
    """What ``provider`` declares, checked: scope names to claim names, none of them a
    protocol claim. Raises ``ValueError`` saying what is wrong."""
    declared = provider.scope_claims()
    if not isinstance(declared, Mapping):
        raise ValueError(f"scope_claims() must return a dict, not {type(declared).__name__}")
    result = {}
    for scope, names in declared.items():
        if not isinstance(scope, str) or isinstance(names, str) or not isinstance(names, Iterable):
            raise ValueError(f"scope_claims() must map scope names to lists of claim names; see {scope!r}")
        names = frozenset(names)
        if not all(isinstance(name, str) for name in names):
            raise ValueError(f"scope_claims()[{scope!r}] holds something that is not a claim name")
        if names & PROTOCOL_CLAIMS:
            raise ValueError(f"scope_claims()[{scope!r}] names protocol claims {sorted(names & PROTOCOL_CLAIMS)}")
        result[scope] = names
    return result
