"""The ``OAUTH2_PROVIDER`` dict a hub built on oauth_jwt starts from: DOT wired to
oauth_jwt through DOT's published settings, secure values by default."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from .client_policy import access_token_expires_in
from .device import load_device_grant


def provider_settings(**overrides: Any) -> dict[str, Any]:
    """The ``OAUTH2_PROVIDER`` dict an authorization server built on oauth_jwt needs.

    Secure values are the defaults; pass keyword arguments to change or add keys. Given
    ``OIDC_ISS_ENDPOINT`` (the issuer), the device flow's verification URI is derived from
    it (``<issuer>/o/device/``, where ``oauth_jwt.server.urls`` serves the page).
    """

    values: dict[str, Any] = {
        "ACCESS_TOKEN_GENERATOR": "oauth_jwt.server.tokens.generate_access_token",
        # Without this, oauthlib falls back to the access-token generator and refresh
        # tokens silently become JWTs.
        "REFRESH_TOKEN_GENERATOR": "oauthlib.oauth2.rfc6749.tokens.random_token_generator",
        "OAUTH2_VALIDATOR_CLASS": "oauth_jwt.server.validator.JWTOAuth2Validator",
        # Generated client secrets are hashed with a fast keyed hash (oauth_jwt.server.hashers),
        # which must be listed (not first) in PASSWORD_HASHERS.
        "CLIENT_SECRET_HASHER": "oauth_jwt_hmac_sha256",
        "ACCESS_TOKEN_EXPIRE_SECONDS": 600,
        # Per-client lifetimes from ClientProfile (oauth_jwt.server.client_policy); the value above is the default.
        "EXTRA_SERVER_KWARGS": {"token_expires_in": access_token_expires_in},
        # The device grant's code, found safely and bound to its client (oauth_jwt.server.device).
        "OAUTH_PRE_TOKEN_VALIDATION": [load_device_grant],
        "REFRESH_TOKEN_EXPIRE_SECONDS": 14 * 24 * 3600,
        "ID_TOKEN_EXPIRE_SECONDS": 600,
        "AUTHORIZATION_CODE_EXPIRE_SECONDS": 60,
        "ROTATE_REFRESH_TOKEN": True,
        "REFRESH_TOKEN_REUSE_PROTECTION": True,
        "REFRESH_TOKEN_GRACE_PERIOD_SECONDS": 0,
        "PKCE_REQUIRED": True,
        "OIDC_ENABLED": True,
        # RP-initiated logout (server.views.logout): the person is asked unless the
        # client's id_token_hint names them and comes from this very session.
        "OIDC_RP_INITIATED_LOGOUT_ENABLED": True,
        "OIDC_RP_INITIATED_LOGOUT_ALWAYS_PROMPT": False,
        # http stays for RFC 8252 loopback redirects (native apps): oauth_jwt.server.redirects
        # refuses every other http redirect URI at the authorization endpoint, and
        # `check --deploy` names clients registering one (W035). DOT's gate below would
        # make that an error (oauth2_provider.E003) while refusing loopback apps.
        "ALLOWED_REDIRECT_URI_SCHEMES": ["https", "http"],
        "ALLOW_URI_WILDCARDS": False,
        "REQUEST_APPROVAL_PROMPT": "auto",
        # Client ID metadata documents stay off (DOT's default); switched on, DOT fetches
        # them with its SSRF defences and this fetcher adds the hub's registration policy.
        "CIMD_ENABLED": False,
        "CIMD_METADATA_FETCHER": "oauth_jwt.server.cimd.PolicyMetadataFetcher",
        # The admin console: DOT's admins, subclassed (oauth_jwt.server.admin).
        "APPLICATION_ADMIN_CLASS": "oauth_jwt.server.admin.clients.ApplicationAdmin",
        "ACCESS_TOKEN_ADMIN_CLASS": "oauth_jwt.server.admin.dot.AccessTokenAdmin",
        "REFRESH_TOKEN_ADMIN_CLASS": "oauth_jwt.server.admin.dot.RefreshTokenAdmin",
        "GRANT_ADMIN_CLASS": "oauth_jwt.server.admin.dot.GrantAdmin",
        "ID_TOKEN_ADMIN_CLASS": "oauth_jwt.server.admin.dot.IDTokenAdmin",
        # What the consent page says each scope allows: for profile and email, the
        # claims the default CLAIMS_PROVIDER releases (oauth_jwt.server.userclaims).
        "SCOPES": {
            "openid": _("Sign you in with your account"),
            "profile": _("See your name and username"),
            "email": _("See your email address and whether it is verified"),
            "read": _("Read your data"),
            "write": _("Change your data"),
        },
        "DEFAULT_SCOPES": ["read"],
        "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
        "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
        "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
        "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
        "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
        "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
        "COMPLIANT_BCP_RFC9700_REFRESH_TOKEN": True,
        "COMPLIANT_BCP_RFC9700_REDIRECT_URI_SCHEME": False,
        "COMPLIANT_BCP_RFC9700_REDIRECT_URI_MATCHING": True,
        "COMPLIANT_BCP_RFC9700_PKCE_REQUIRED": True,
        "OAUTH2_RESPONSE_TYPES_SUPPORTED": ["code"],
        "OIDC_RESPONSE_TYPES_SUPPORTED": ["code"],
        "OAUTH2_GRANT_TYPES_SUPPORTED": [
            "authorization_code",
            "client_credentials",
            "refresh_token",
            "urn:ietf:params:oauth:grant-type:device_code",
        ],
    }
    values.update(overrides)
    issuer = values.get("OIDC_ISS_ENDPOINT")
    if issuer and not values.get("OAUTH_DEVICE_VERIFICATION_URI"):
        values["OAUTH_DEVICE_VERIFICATION_URI"] = f"{issuer.rstrip('/')}/o/device/"
    return values
