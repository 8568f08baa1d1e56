"""Plaintext redirect URIs only for native apps on the loopback interface.

DOT compares redirect URIs exactly (the loopback port aside, RFC 8252 §7.3) but allows
``http`` for any host once it is in ``ALLOWED_REDIRECT_URI_SCHEMES``, and
``provider_settings()`` keeps it there for loopback callbacks. RFC 9700 §2.6 allows ``http`` only there, so the
authorization endpoint refuses any other ``http`` redirect URI, whatever a client has
registered; ``check --deploy`` (``oauth_jwt.W035``) names the clients that registered one.
This is what DOT's ``COMPLIANT_BCP_RFC9700_REDIRECT_URI_SCHEME`` gate would give, minus
the loss of RFC 8252 loopback redirects. ``validate_redirect_uris`` holds the URIs a client
registers to the same rule (the admin's client form, RFC 7591 registration).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ..loopback import is_loopback_http, is_plaintext_outside_loopback


def validate_redirect_uris(value: str) -> None:
    """Each URI is absolute, has no fragment, and uses https unless it is loopback."""
    errors = []
    for uri in value.split():
        try:
            parts = urlsplit(uri)
            parts.hostname  # noqa: B018  (raises ValueError for a malformed host)
        except ValueError:
            errors.append(ValidationError(_("“%(uri)s” is not a valid URI."), code="invalid", params={"uri": uri}))
            continue
        if not parts.scheme or not parts.netloc:
            errors.append(ValidationError(_("“%(uri)s” is not an absolute URI."), code="relative", params={"uri": uri}))
        elif "#" in uri:
            errors.append(
                ValidationError(_("“%(uri)s” must not contain a fragment (#)."), code="fragment", params={"uri": uri})
            )
        elif parts.scheme != "https" and not is_loopback_http(uri):
            errors.append(
                ValidationError(
                    _("“%(uri)s” must use https; plain http is allowed only for 127.0.0.1, [::1] and localhost."),
                    code="insecure",
                    params={"uri": uri},
                )
            )
    if errors:
        raise ValidationError(errors)


class RedirectURIPolicyMixin:
    """Validator mixin: ``http`` redirect URIs only on the loopback interface."""

    def validate_redirect_uri(self, client_id, redirect_uri, request, *args, **kwargs):
        if is_plaintext_outside_loopback(redirect_uri):
            return False
        return super().validate_redirect_uri(client_id, redirect_uri, request, *args, **kwargs)
