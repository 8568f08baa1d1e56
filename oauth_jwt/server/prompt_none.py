"""OIDC ``prompt=none`` for the authorize endpoint.

oauthlib asks the validator whether a silent login and a silent authorization are
possible; DOT does not implement either, so ``prompt=none`` with ``openid`` raised
``NotImplementedError``. The answers live in the views instead: DOT's
``AuthorizationView`` returns ``login_required`` before validation when nobody is
signed in, and ``oauth_jwt.server.views.authorize`` returns ``consent_required`` when the
person has not allowed the client those scopes.
"""

from __future__ import annotations


class SilentPromptMixin:
    def validate_silent_login(self, request) -> bool:
        return True

    def validate_silent_authorization(self, request) -> bool:
        return True
