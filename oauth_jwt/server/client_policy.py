"""Per-client policy from ``ClientProfile``: which scopes a client may ask for and how
long its access tokens live; and no client authenticates with an empty secret.

Scopes are enforced by ``ClientPolicyMixin`` (a base of ``JWTOAuth2Validator``), which
oauthlib consults at the authorize and the token endpoint alike. The lifetime is the
callable ``access_token_expires_in``, handed to oauthlib's ``BearerToken`` as
``token_expires_in`` by ``provider_settings()``: oauthlib sets ``request.expires_in``
from it before the generator runs, so the JWT's ``exp``, the response's ``expires_in``
and DOT's row expiry all come from the same number.

Models are imported inside functions: ``server.provider_settings()`` imports this module
from the settings file.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Max
from oauthlib.oauth2.rfc6749.utils import scope_to_list

from ..conf import jwt_settings
from ..subjects import could_be_a_persons_sub
from .request_memo import client_profile, load_application, remember_profile


def allowed_scopes(client_id: str | None) -> frozenset[str] | None:
    """The scopes ``client_id`` may ask for; ``None`` means every scope the hub offers."""
    from .cimd import default_scopes

    profile = client_profile(client_id)
    if profile is None:
        # A client from a metadata document never gets every scope (server.cimd).
        return default_scopes(client_id)
    if not profile.allowed_scopes:
        return None
    return frozenset(profile.allowed_scopes)


def default_lifetime() -> int:
    from oauth2_provider.settings import oauth2_settings

    return int(oauth2_settings.ACCESS_TOKEN_EXPIRE_SECONDS)


def access_token_lifetime(client_id: str | None) -> int:
    """Seconds an access token issued to ``client_id`` lives."""
    profile = client_profile(client_id)
    if profile is not None and profile.access_token_lifetime:
        return int(profile.access_token_lifetime)
    return default_lifetime()


def access_token_expires_in(request) -> int:
    """oauthlib's ``token_expires_in`` callable: the lifetime for the requesting client."""
    client = getattr(request, "client", None)
    client_id = getattr(client, "client_id", None) or getattr(request, "client_id", None)
    return access_token_lifetime(client_id)


def longest_access_token_lifetime() -> int:
    """The longest lifetime any client may get: how long a retired key must stay published."""
    from ..models import ClientProfile

    longest = ClientProfile.objects.aggregate(longest=Max("access_token_lifetime"))["longest"] or 0
    return max(default_lifetime(), int(longest))


def max_token_lifetime() -> timedelta:
    """The longest a token signed now may live: how long a retired key stays published
    and a revoked key stays on the denylist."""
    from oauth2_provider.settings import oauth2_settings

    # Clients may have longer access-token lifetimes than the default (ClientProfile).
    seconds = max(longest_access_token_lifetime(), int(oauth2_settings.ID_TOKEN_EXPIRE_SECONDS))
    return timedelta(seconds=seconds + jwt_settings.LEEWAY_SECONDS)


class ClientPolicyMixin:
    """Validator mixin: a client asks only for the scopes its profile allows.

    It also loads the client's profile in the same query as the client itself
    (``request_memo.load_application``), so that the policy costs no round trip of its own.
    """

    def _load_application(self, client_id, request):
        """The client with its profile in one query; no client id that cannot be one.
        Private: every client lookup of DOT's (``authenticate_client*``, ``validate_client_id``) goes through it."""
        from oauth2_provider import cimd

        if client_id and "\x00" in client_id:
            # No client id holds a NUL byte, and PostgreSQL refuses the query (a 500).
            return None
        if client_id and could_be_a_persons_sub(client_id):
            return None
        if not request.client and client_id and not cimd.is_cimd_client_id(client_id):
            request.client = load_application(client_id)
            if request.client is not None:
                remember_profile(request.client)
        # DOT checks the row it is handed (usable, same client id), or looks it up, or
        # resolves a client ID metadata document (server.cimd).
        application = super()._load_application(client_id, request)
        if application is not None and cimd.is_cimd_client_id(client_id):
            from .cimd import ensure_profile

            ensure_profile(application)
        return application

    def _extract_basic_auth(self, request):
        """DOT base64-decodes this unguarded: a non-ASCII value raised ValueError (a 500).
        Private: DOT reads the Basic header here alone, inside ``authenticate_client``."""
        auth_string = super()._extract_basic_auth(request)
        return auth_string if auth_string is None or auth_string.isascii() else None

    def _check_secret(self, provided_secret, stored_secret):
        """An empty secret proves nothing, even where the stored one is the hash of ""
        (a public client made confidential elsewhere).
        Private: DOT compares client secrets here alone, for Basic and body credentials."""
        return bool(provided_secret) and super()._check_secret(provided_secret, stored_secret)

    def validate_scopes(self, client_id, scopes, client, request, *args, **kwargs):
        if not super().validate_scopes(client_id, scopes, client, request, *args, **kwargs):
            return False
        allowed = allowed_scopes(client_id)
        return allowed is None or set(scopes) <= allowed

    def get_original_scopes(self, refresh_token, request, *args, **kwargs):
        """A refresh keeps only the scopes the client may still use, so narrowing a
        client's scopes also narrows the tokens its existing grants refresh into."""
        scopes = super().get_original_scopes(refresh_token, request, *args, **kwargs)
        client = getattr(request, "client", None)
        allowed = allowed_scopes(getattr(client, "client_id", None))
        if allowed is None:
            return scopes
        # DOT answers with the scope string, oauthlib accepts a string or a list.
        return [scope for scope in scope_to_list(scopes) or [] if scope in allowed]
