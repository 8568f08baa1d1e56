"""Plaintext redirect URIs only for native apps on the loopback interface.

DOT compares redirect URIs exactly (the loopback port aside, RFC 8252 §7.3) but allows
``http`` for any host once it is in ``ALLOWED_REDIRECT_URI_SCHEMES``, and
``provider_settings()`` keeps it there for loopback callbacks. RFC 9700 §2.6 allows ``http`` only there, so the
authorization endpoint refuses any other ``http`` redirect URI, whatever a client has
registered; ``check --deploy`` (``oauth_jwt.W035``) names the clients that registered one.
This is what DOT's ``COMPLIANT_BCP_RFC9700_REDIRECT_URI_SCHEME`` gate would give, minus
the loss of RFC 8252 loopback redirects.
"""

from __future__ import annotations

from ..loopback import is_plaintext_outside_loopback


class RedirectURIPolicyMixin:
    """Validator mixin: ``http`` redirect URIs only on the loopback interface."""

    def validate_redirect_uri(self, client_id, redirect_uri, request, *args, **kwargs):
        if is_plaintext_outside_loopback(redirect_uri):
            return False
        return super().validate_redirect_uri(client_id, redirect_uri, request, *args, **kwargs)
