"""Typed, live access to the ``OAUTH_JWT = {...}`` settings dict.

Every key has one property here, with its default. Values are read from
``django.conf.settings`` on each access (the dict is tiny), so ``override_settings``
works without a ``setting_changed`` receiver. Nothing here writes to settings.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from . import branding

ALGORITHMS = ("RS256", "PS256", "ES256", "EdDSA")
# The largest request body a hub should parse (DATA_UPLOAD_MAX_MEMORY_SIZE, checked by E052).
MAX_BODY_BYTES = 64 * 1024

DEFAULTS: dict[str, Any] = {
    # The issuer identifier: the `iss` of every token and of both metadata documents.
    # Never derived from the request's Host header.
    "ISSUER": "",
    # `aud` of a token issued without an RFC 8707 `resource` (authorization server side).
    "DEFAULT_AUDIENCE": "",
    # RFC 8707 resources any client may ask for (a client's profile may narrow it). Empty: any.
    "RESOURCES": [],
    # The identifier(s) this resource server accepts in `aud` (resource server side).
    "AUDIENCE": None,
    # Algorithm of newly generated signing keys.
    "SIGNING_ALGORITHM": "RS256",
    "RSA_KEY_SIZE": 2048,
    # Secret from which the key that encrypts private signing keys at rest is derived.
    "KEY_ENCRYPTION_SECRET": None,
    # Seconds a process may keep its copy of the signing key set.
    "KEY_CACHE_SECONDS": 10,
    # Max-age of the published JWK set.
    "JWKS_MAX_AGE_SECONDS": 300,
    # Clock leeway when checking `exp`/`nbf`/`iat`.
    "LEEWAY_SECONDS": 30,
    # Tokens longer than this are refused before any parsing.
    "MAX_TOKEN_BYTES": 8192,
    # Resource servers: where to find the hub's keys. Empty: this project is the hub.
    "JWKS_URL": "",
    "METADATA_URL": "",
    "JWKS_REFRESH_INTERVAL_SECONDS": 30,
    "HTTP_TIMEOUT_SECONDS": 5,
    # Revocation check on resource servers: "denylist", "introspection" or "none".
    "REVOCATION_CHECK": "denylist",
    "DENYLIST_CACHE": "default",
    "INTROSPECTION_URL": "",
    "INTROSPECTION_CLIENT_ID": "",
    "INTROSPECTION_CLIENT_SECRET": "",
    "INTROSPECTION_CACHE_SECONDS": 30,
    # Retry-After of the 503 a resource server answers when it cannot check a token now.
    "RETRY_AFTER_SECONDS": 5,
    # Path prefixes where BearerTokenMiddleware authenticates bearer tokens, beside the
    # views marked with @accept_token/@require_token. Never the admin or the app's pages.
    "BEARER_PATHS": [],
    # How `request.user` is resolved from `sub`: "local" (a user row) or "claims".
    "USER_RESOLVER": "local",
    # Optional import string `f(request, claims) -> dict` adding claims at issuance.
    "CLAIMS_HOOK": None,
    # Client authentication at the token, revocation and introspection endpoints:
    # failures allowed per client and address within the window, then 429 (throttle.py).
    "CLIENT_AUTH_MAX_FAILURES": 10,
    "CLIENT_AUTH_WINDOW_SECONDS": 300,
    "THROTTLE_CACHE": "default",
    # Reverse proxies in front of the hub that append to X-Forwarded-For. 0: the client
    # address is REMOTE_ADDR; n: the n-th address from the right of X-Forwarded-For.
    "TRUSTED_PROXY_COUNT": 0,
    # The pages' site name, logo, primary colour and support link (oauth_jwt.branding).
    "BRANDING": {},
    # On a hub upgraded from plain DOT: a bearer token that is not a JWT is looked up in
    # DOT's rows, so opaque tokens issued before the upgrade keep working until they
    # expire (upgrading-from-dot.md). A JWT never takes this path.
    "OPAQUE_TOKEN_FALLBACK": True,
}


class OAuthJWTSettings:
    """One property per key; see ``DEFAULTS`` for their meaning."""

    def _get(self, name: str) -> Any:
        user = getattr(settings, "OAUTH_JWT", {}) or {}
        return user.get(name, DEFAULTS[name])

    def _import(self, name: str) -> Any:
        path = self._get(name)
        if not path:
            return None
        if callable(path):
            return path
        try:
            return import_string(path)
        except ImportError as exc:
            raise ImproperlyConfigured(f"OAUTH_JWT[{name!r}] = {path!r} cannot be imported: {exc}") from exc

    @property
    def ISSUER(self) -> str:
        return self._get("ISSUER")

    @property
    def DEFAULT_AUDIENCE(self) -> str:
        return self._get("DEFAULT_AUDIENCE")

    @property
    def RESOURCES(self) -> list[str]:
        return list(self._get("RESOURCES") or [])

    @property
    def AUDIENCE(self) -> list[str]:
        value = self._get("AUDIENCE")
        if value is None:
            value = self.DEFAULT_AUDIENCE
        if isinstance(value, str):
            return [value] if value else []
        return list(value)

    @property
    def SIGNING_ALGORITHM(self) -> str:
        return self._get("SIGNING_ALGORITHM")

    @property
    def RSA_KEY_SIZE(self) -> int:
        return int(self._get("RSA_KEY_SIZE"))

    @property
    def KEY_ENCRYPTION_SECRET(self) -> str:
        return self._get("KEY_ENCRYPTION_SECRET") or settings.SECRET_KEY

    @property
    def KEY_ENCRYPTION_SECRET_IS_SET(self) -> bool:
        return bool(self._get("KEY_ENCRYPTION_SECRET"))

    @property
    def KEY_CACHE_SECONDS(self) -> float:
        return float(self._get("KEY_CACHE_SECONDS"))

    @property
    def JWKS_MAX_AGE_SECONDS(self) -> int:
        return int(self._get("JWKS_MAX_AGE_SECONDS"))

    @property
    def LEEWAY_SECONDS(self) -> int:
        return int(self._get("LEEWAY_SECONDS"))

    @property
    def MAX_TOKEN_BYTES(self) -> int:
        return int(self._get("MAX_TOKEN_BYTES"))

    @property
    def JWKS_URL(self) -> str:
        return self._get("JWKS_URL")

    @property
    def METADATA_URL(self) -> str:
        return self._get("METADATA_URL")

    @property
    def JWKS_REFRESH_INTERVAL_SECONDS(self) -> float:
        return float(self._get("JWKS_REFRESH_INTERVAL_SECONDS"))

    @property
    def HTTP_TIMEOUT_SECONDS(self) -> float:
        return float(self._get("HTTP_TIMEOUT_SECONDS"))

    @property
    def REVOCATION_CHECK(self) -> str:
        return self._get("REVOCATION_CHECK")

    @property
    def DENYLIST_CACHE(self) -> str:
        return self._get("DENYLIST_CACHE")

    @property
    def INTROSPECTION_URL(self) -> str:
        return self._get("INTROSPECTION_URL")

    @property
    def INTROSPECTION_CLIENT_ID(self) -> str:
        return self._get("INTROSPECTION_CLIENT_ID")

    @property
    def INTROSPECTION_CLIENT_SECRET(self) -> str:
        return self._get("INTROSPECTION_CLIENT_SECRET")

    @property
    def INTROSPECTION_CACHE_SECONDS(self) -> int:
        return int(self._get("INTROSPECTION_CACHE_SECONDS"))

    @property
    def RETRY_AFTER_SECONDS(self) -> int:
        return int(self._get("RETRY_AFTER_SECONDS"))

    @property
    def BEARER_PATHS(self) -> list[str]:
        return list(self._get("BEARER_PATHS") or [])

    @property
    def USER_RESOLVER(self) -> str:
        return self._get("USER_RESOLVER")

    @property
    def CLAIMS_HOOK(self):
        return self._import("CLAIMS_HOOK")

    @property
    def CLIENT_AUTH_MAX_FAILURES(self) -> int:
        return int(self._get("CLIENT_AUTH_MAX_FAILURES"))

    @property
    def CLIENT_AUTH_WINDOW_SECONDS(self) -> int:
        return int(self._get("CLIENT_AUTH_WINDOW_SECONDS"))

    @property
    def THROTTLE_CACHE(self) -> str:
        return self._get("THROTTLE_CACHE")

    @property
    def TRUSTED_PROXY_COUNT(self) -> int:
        return int(self._get("TRUSTED_PROXY_COUNT"))

    @property
    def BRANDING(self) -> branding.Branding:
        return branding.from_setting(self._get("BRANDING"), self.ISSUER)

    @property
    def OPAQUE_TOKEN_FALLBACK(self) -> bool:
        return self._get("OPAQUE_TOKEN_FALLBACK")

    @property
    def is_remote(self) -> bool:
        """True on a resource server that fetches the hub's keys over HTTP."""
        return bool(self.JWKS_URL or self.METADATA_URL)


jwt_settings = OAuthJWTSettings()


def provider_settings(**overrides: Any) -> dict[str, Any]:
    """The ``OAUTH2_PROVIDER`` dict an authorization server built on oauth_jwt needs.

    Secure values are the defaults; pass keyword arguments to change or add keys. Given
    ``OIDC_ISS_ENDPOINT`` (the issuer), the device flow's verification URI is derived from
    it (``<issuer>/o/device/``, where ``oauth_jwt.urls`` serves the page).
    """
    from .device import load_device_grant
    from .policy import access_token_expires_in

    values: dict[str, Any] = {
        "ACCESS_TOKEN_GENERATOR": "oauth_jwt.tokens.generate_access_token",
        # Without this, oauthlib falls back to the access-token generator and refresh
        # tokens silently become JWTs.
        "REFRESH_TOKEN_GENERATOR": "oauthlib.oauth2.rfc6749.tokens.random_token_generator",
        "OAUTH2_VALIDATOR_CLASS": "oauth_jwt.validators.JWTOAuth2Validator",
        # Generated client secrets are hashed with a fast keyed hash (oauth_jwt.hashers),
        # which must be listed (not first) in PASSWORD_HASHERS.
        "CLIENT_SECRET_HASHER": "oauth_jwt_hmac_sha256",
        "ACCESS_TOKEN_EXPIRE_SECONDS": 600,
        # Per-client lifetimes from ClientProfile (oauth_jwt.policy); the value above is the default.
        "EXTRA_SERVER_KWARGS": {"token_expires_in": access_token_expires_in},
        # The device grant's code, found safely and bound to its client (oauth_jwt.device).
        "OAUTH_PRE_TOKEN_VALIDATION": [load_device_grant],
        "REFRESH_TOKEN_EXPIRE_SECONDS": 14 * 24 * 3600,
        "ID_TOKEN_EXPIRE_SECONDS": 600,
        "AUTHORIZATION_CODE_EXPIRE_SECONDS": 60,
        "ROTATE_REFRESH_TOKEN": True,
        "REFRESH_TOKEN_REUSE_PROTECTION": True,
        "REFRESH_TOKEN_GRACE_PERIOD_SECONDS": 0,
        "PKCE_REQUIRED": True,
        "OIDC_ENABLED": True,
        # http stays for RFC 8252 loopback redirects (native apps): oauth_jwt.redirects
        # refuses every other http redirect URI at the authorization endpoint, and
        # `check --deploy` names clients registering one (W035). DOT's gate below would
        # make that an error (oauth2_provider.E003) while refusing loopback apps.
        "ALLOWED_REDIRECT_URI_SCHEMES": ["https", "http"],
        "ALLOW_URI_WILDCARDS": False,
        "REQUEST_APPROVAL_PROMPT": "auto",
        # The admin console: DOT's admins, subclassed (oauth_jwt.admin).
        "APPLICATION_ADMIN_CLASS": "oauth_jwt.admin.clients.ApplicationAdmin",
        "ACCESS_TOKEN_ADMIN_CLASS": "oauth_jwt.admin.dot.AccessTokenAdmin",
        "REFRESH_TOKEN_ADMIN_CLASS": "oauth_jwt.admin.dot.RefreshTokenAdmin",
        "GRANT_ADMIN_CLASS": "oauth_jwt.admin.dot.GrantAdmin",
        "ID_TOKEN_ADMIN_CLASS": "oauth_jwt.admin.dot.IDTokenAdmin",
        "SCOPES": {
            "openid": "Sign you in with your account",
            "profile": "See your name and username",
            "email": "See your email address",
            "read": "Read your data",
            "write": "Change your data",
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
