"""Typed, live access to the ``OAUTH_JWT = {...}`` settings dict.

Every key is declared once in ``SETTINGS`` with its default and the converter that
checks its type and value; its property reads it through that converter (a refused
value raises ``ImproperlyConfigured`` naming the key) and ``oauth_jwt.checks.settings``
runs the same converters at ``manage.py check``. Values are read from
``django.conf.settings`` on each access (the dict is tiny), so ``override_settings``
works without a ``setting_changed`` receiver. Nothing here writes to settings.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from . import branding

ALGORITHMS = ("RS256", "PS256", "ES256", "EdDSA")
# The largest request body a hub should parse (DATA_UPLOAD_MAX_MEMORY_SIZE, checked by E052).
MAX_BODY_BYTES = 64 * 1024
REVOCATION_MODES = ("denylist", "introspection", "none")
# Who may register a client at the RFC 7591 endpoint (oauth_jwt.server.registration).
REGISTRATION_MODES = ("off", "open", "initial_access_token")
# The shortest initial access token accepted: 32 characters, like KEY_ENCRYPTION_SECRET.
MIN_INITIAL_ACCESS_TOKEN_LENGTH = 32
USER_RESOLVERS = ("local", "claims")


class SettingValueError(ValueError):
    """A value of ``OAUTH_JWT`` that its converter refuses; the message says what is expected."""


def text(value: Any) -> str:
    if not isinstance(value, str):
        raise SettingValueError(f"must be a string, not {type(value).__name__}")
    return value


def optional_text(value: Any) -> str | None:
    return None if value is None else text(value)


def text_list(value: Any) -> list[str]:
    if isinstance(value, str) or not isinstance(value, (list, tuple)):
        raise SettingValueError(f"must be a list of strings, not {type(value).__name__}")
    if not all(isinstance(item, str) for item in value):
        raise SettingValueError("must be a list of strings; some items are not strings")
    return list(value)


def secrets_list(value: Any) -> list[str]:
    items = text_list(value)
    if any(len(item) < MIN_INITIAL_ACCESS_TOKEN_LENGTH for item in items):
        raise SettingValueError(f"must hold random strings of at least {MIN_INITIAL_ACCESS_TOKEN_LENGTH} characters")
    return items


def path_prefixes(value: Any) -> list[str]:
    prefixes = text_list(value)
    if not all(prefix.startswith("/") for prefix in prefixes):
        raise SettingValueError("must be a list of path prefixes starting with '/'")
    return prefixes


def text_or_list(value: Any) -> list[str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        return [value] if value else []
    return text_list(value)


def integer(minimum: int) -> Callable[[Any], int]:
    def convert(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise SettingValueError(f"must be an integer, not {type(value).__name__}")
        if value < minimum:
            raise SettingValueError(f"must be at least {minimum}")
        return value

    return convert


def number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise SettingValueError(f"must be a number of seconds, not {type(value).__name__}")
    if value < 0:
        raise SettingValueError("must not be negative")
    return float(value)


def positive_number(value: Any) -> float:
    if number(value) == 0:
        raise SettingValueError("must be more than 0")
    return float(value)


def boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise SettingValueError(f"must be True or False, not {type(value).__name__}")
    return value


def mapping(value: Any) -> dict:
    if not isinstance(value, dict):
        raise SettingValueError(f"must be a dict, not {type(value).__name__}")
    return value


def choice(*allowed: str) -> Callable[[Any], str]:
    def convert(value: Any) -> str:
        if value not in allowed:
            raise SettingValueError(f"must be one of {', '.join(allowed)}")
        return value

    return convert


def import_path(value: Any) -> Callable | None:
    if not value:
        return None
    if callable(value):
        return value
    try:
        return import_string(text(value))
    except ImportError as exc:
        raise SettingValueError(f"cannot be imported: {exc}") from exc


def claims_provider(value: Any) -> Any:
    """An import string (or the object) of a class with ``scope_claims()`` and
    ``claims(user, names)``, returned as an instance; ``None`` for the hub's default
    (``oauth_jwt.server.userclaims.UserClaims``, which the core does not import)."""
    from .scope_claims import checked

    provider = import_path(value)
    if provider is None:
        return None
    if not callable(getattr(provider, "scope_claims", None)) or not callable(getattr(provider, "claims", None)):
        raise SettingValueError("must have the methods scope_claims() and claims(user, names)")
    try:
        if isinstance(provider, type):
            provider = provider()
        checked(provider)
    except ValueError as exc:
        raise SettingValueError(str(exc)) from None
    except Exception as exc:  # the project's code: `check` reports it, never crashes on it
        raise SettingValueError(f"failed: {type(exc).__name__}: {exc}") from None
    return provider


@dataclass(frozen=True)
class Setting:
    default: Any
    convert: Callable[[Any], Any]
    # Never echoed in a message (check output, exceptions).
    secret: bool = False
    # The hint of `check`'s message when the value is refused (default: see the docs).
    example: str = ""


SETTINGS: dict[str, Setting] = {
    # The issuer identifier: the `iss` of every token and of both metadata documents.
    # Never derived from the request's Host header.
    "ISSUER": Setting("", text),
    # `aud` of a token issued without an RFC 8707 `resource` (authorization server side).
    "DEFAULT_AUDIENCE": Setting("", text),
    # RFC 8707 resources any client may ask for (a client's profile may narrow it). Empty: any.
    "RESOURCES": Setting([], text_list),
    # The identifier(s) this resource server accepts in `aud` (resource server side); the
    # first URL is its identity in its RFC 9728 metadata (oauth_jwt.resource.metadata).
    "AUDIENCE": Setting(None, text_or_list),
    # The scopes its RFC 9728 metadata lists as `scopes_supported`. Empty: not listed.
    "RESOURCE_SCOPES": Setting([], text_list),
    # Algorithm of newly generated signing keys.
    "SIGNING_ALGORITHM": Setting("RS256", choice(*ALGORITHMS)),
    "RSA_KEY_SIZE": Setting(2048, integer(minimum=1024)),
    # Secret from which the key that encrypts private signing keys at rest is derived.
    "KEY_ENCRYPTION_SECRET": Setting(None, optional_text, secret=True),
    # Seconds a process may keep its copy of the signing key set.
    "KEY_CACHE_SECONDS": Setting(10, number),
    # Max-age of the published JWK set.
    "JWKS_MAX_AGE_SECONDS": Setting(300, integer(minimum=0)),
    # Clock leeway when checking `exp`/`nbf`/`iat`.
    "LEEWAY_SECONDS": Setting(30, integer(minimum=0)),
    # Tokens longer than this are refused before any parsing.
    "MAX_TOKEN_BYTES": Setting(8192, integer(minimum=1)),
    # Resource servers: where to find the hub's keys. Empty: this project is the hub.
    "JWKS_URL": Setting("", text),
    "METADATA_URL": Setting("", text),
    "JWKS_REFRESH_INTERVAL_SECONDS": Setting(30, number),
    "HTTP_TIMEOUT_SECONDS": Setting(5, number),
    # Revocation check on resource servers.
    "REVOCATION_CHECK": Setting("denylist", choice(*REVOCATION_MODES)),
    "DENYLIST_CACHE": Setting("default", text),
    "INTROSPECTION_URL": Setting("", text),
    "INTROSPECTION_CLIENT_ID": Setting("", text),
    "INTROSPECTION_CLIENT_SECRET": Setting("", text, secret=True),
    "INTROSPECTION_CACHE_SECONDS": Setting(30, integer(minimum=0)),
    # Retry-After of the 503 a resource server answers when it cannot check a token now.
    "RETRY_AFTER_SECONDS": Setting(5, integer(minimum=1)),
    # Path prefixes where BearerTokenMiddleware authenticates bearer tokens, beside the
    # views marked with @accept_token/@require_token. Never the admin or the app's pages.
    "BEARER_PATHS": Setting([], path_prefixes, example="For example OAUTH_JWT['BEARER_PATHS'] = ['/api/']."),
    # How `request.user` is resolved from `sub`: "local" (a user row) or "claims".
    "USER_RESOLVER": Setting("local", choice(*USER_RESOLVERS)),
    # Optional import string `f(request, claims) -> dict` adding claims at issuance.
    "CLAIMS_HOOK": Setting(None, import_path),
    # The claims about a person that each scope releases at userinfo and in ID tokens:
    # a class with scope_claims() and claims(user, names) (oauth_jwt.server.userclaims).
    "CLAIMS_PROVIDER": Setting(
        None,
        claims_provider,
        example="For example OAUTH_JWT['CLAIMS_PROVIDER'] = 'myproject.claims.Claims' (docs/oidc.md).",
    ),
    # Client authentication at the token, revocation and introspection endpoints:
    # failures allowed per client and address within the window, then 429 (throttle.py).
    "CLIENT_AUTH_MAX_FAILURES": Setting(10, integer(minimum=1)),
    "CLIENT_AUTH_WINDOW_SECONDS": Setting(300, integer(minimum=1)),
    "THROTTLE_CACHE": Setting("default", text),
    # Reverse proxies in front of the hub that append to X-Forwarded-For. 0: the client
    # address is REMOTE_ADDR; n: the n-th address from the right of X-Forwarded-For.
    "TRUSTED_PROXY_COUNT": Setting(0, integer(minimum=0)),
    # Back-channel logout (oauth_jwt.server.backchannel): how long a client may take to answer,
    # how often a logout token is tried before the hub gives up, and whether it is sent
    # at once from a background thread (else only by `manage.py sendlogouts`).
    "BACKCHANNEL_LOGOUT_TIMEOUT_SECONDS": Setting(5, positive_number),
    "BACKCHANNEL_LOGOUT_MAX_ATTEMPTS": Setting(8, integer(minimum=1)),
    "BACKCHANNEL_LOGOUT_IN_BACKGROUND": Setting(True, boolean),
    # RFC 7591/7592 client registration (oauth_jwt.server.registration, docs/mcp.md):
    # "off", "open" (anyone) or "initial_access_token" (a Bearer token from the list below).
    "REGISTRATION": Setting(
        "off",
        choice(*REGISTRATION_MODES),
        example="For example OAUTH_JWT['REGISTRATION'] = 'initial_access_token' (docs/mcp.md).",
    ),
    "REGISTRATION_INITIAL_ACCESS_TOKENS": Setting([], secrets_list, secret=True),
    # The scopes a registered client (or a client ID metadata document) may ask for.
    "REGISTRATION_SCOPES": Setting([], text_list),
    # Registration requests allowed per client address within the window, then 429.
    "REGISTRATION_MAX_PER_ADDRESS": Setting(10, integer(minimum=1)),
    "REGISTRATION_WINDOW_SECONDS": Setting(3600, integer(minimum=1)),
    # The pages' site name, logo, primary colour and support link (oauth_jwt.branding).
    "BRANDING": Setting({}, mapping),
    # DPoP (RFC 9449, oauth_jwt.resource.dpop): how old a proof may be, how far ahead of
    # this server's clock its `iat` may be, the cache that remembers each proof's `jti`
    # for that long, and whether this server asks for its own nonces (`DPoP-Nonce`).
    "DPOP_PROOF_MAX_AGE_SECONDS": Setting(60, integer(minimum=1)),
    "DPOP_CLOCK_SKEW_SECONDS": Setting(5, integer(minimum=0)),
    "DPOP_REPLAY_CACHE": Setting("default", text),
    "DPOP_NONCES": Setting(False, boolean),
    # Hub: every client must send a DPoP proof at the token endpoint. Resource server
    # (the hub's API too): only the DPoP scheme, so only DPoP-bound tokens, are taken.
    "DPOP_REQUIRED": Setting(False, boolean),
    # The scheme://host[:port] clients use to reach this server, for a proof's `htu`.
    # Empty: the request's, as Django sees it behind proxies (SECURE_PROXY_SSL_HEADER,
    # USE_X_FORWARDED_HOST). The hub's token endpoint is always on ISSUER's origin.
    "PUBLIC_ORIGIN": Setting("", text, example="For example OAUTH_JWT['PUBLIC_ORIGIN'] = 'https://api.example.com'."),
    # On a hub upgraded from plain DOT: a bearer token that is not a JWT is looked up in
    # DOT's rows, so opaque tokens issued before the upgrade keep working until they
    # expire (upgrading-from-dot.md). A JWT never takes this path. Refused as E080.
    "OPAQUE_TOKEN_FALLBACK": Setting(
        True, boolean, example="True while opaque tokens from before the upgrade from DOT may still be live."
    ),
}
DEFAULTS: dict[str, Any] = {name: setting.default for name, setting in SETTINGS.items()}


def user_settings() -> dict[str, Any]:
    user = getattr(settings, "OAUTH_JWT", None) or {}
    if not isinstance(user, dict):
        raise ImproperlyConfigured(f"OAUTH_JWT must be a dict, not {type(user).__name__}.")
    return user


def problem(name: str) -> str | None:
    """Why ``OAUTH_JWT[name]`` is refused by its converter, or None if it is fine."""
    setting = SETTINGS[name]
    value = user_settings().get(name, setting.default)
    try:
        setting.convert(value)
    except SettingValueError as exc:
        shown = "(hidden)" if setting.secret else repr(value)
        return f"OAUTH_JWT[{name!r}] = {shown} {exc}."
    return None


class OAuthJWTSettings:
    """One property per key; see ``SETTINGS`` for their defaults and meaning."""

    def _get(self, name: str) -> Any:
        value = user_settings().get(name, DEFAULTS[name])
        try:
            return SETTINGS[name].convert(value)
        except SettingValueError:
            raise ImproperlyConfigured(problem(name)) from None

    @property
    def ISSUER(self) -> str:
        return self._get("ISSUER")

    @property
    def DEFAULT_AUDIENCE(self) -> str:
        return self._get("DEFAULT_AUDIENCE")

    @property
    def RESOURCES(self) -> list[str]:
        return self._get("RESOURCES")

    @property
    def AUDIENCE(self) -> list[str]:
        value = self._get("AUDIENCE")
        if value is None:
            return text_or_list(self.DEFAULT_AUDIENCE)
        return value

    @property
    def RESOURCE_SCOPES(self) -> list[str]:
        return self._get("RESOURCE_SCOPES")

    @property
    def SIGNING_ALGORITHM(self) -> str:
        return self._get("SIGNING_ALGORITHM")

    @property
    def RSA_KEY_SIZE(self) -> int:
        return self._get("RSA_KEY_SIZE")

    @property
    def KEY_ENCRYPTION_SECRET(self) -> str:
        return self._get("KEY_ENCRYPTION_SECRET") or settings.SECRET_KEY

    @property
    def KEY_ENCRYPTION_SECRET_IS_SET(self) -> bool:
        return bool(self._get("KEY_ENCRYPTION_SECRET"))

    @property
    def KEY_CACHE_SECONDS(self) -> float:
        return self._get("KEY_CACHE_SECONDS")

    @property
    def JWKS_MAX_AGE_SECONDS(self) -> int:
        return self._get("JWKS_MAX_AGE_SECONDS")

    @property
    def LEEWAY_SECONDS(self) -> int:
        return self._get("LEEWAY_SECONDS")

    @property
    def MAX_TOKEN_BYTES(self) -> int:
        return self._get("MAX_TOKEN_BYTES")

    @property
    def JWKS_URL(self) -> str:
        return self._get("JWKS_URL")

    @property
    def METADATA_URL(self) -> str:
        return self._get("METADATA_URL")

    @property
    def JWKS_REFRESH_INTERVAL_SECONDS(self) -> float:
        return self._get("JWKS_REFRESH_INTERVAL_SECONDS")

    @property
    def HTTP_TIMEOUT_SECONDS(self) -> float:
        return self._get("HTTP_TIMEOUT_SECONDS")

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
        return self._get("INTROSPECTION_CACHE_SECONDS")

    @property
    def RETRY_AFTER_SECONDS(self) -> int:
        return self._get("RETRY_AFTER_SECONDS")

    @property
    def BEARER_PATHS(self) -> list[str]:
        return self._get("BEARER_PATHS")

    @property
    def USER_RESOLVER(self) -> str:
        return self._get("USER_RESOLVER")

    @property
    def CLAIMS_HOOK(self):
        return self._get("CLAIMS_HOOK")

    @property
    def CLAIMS_PROVIDER(self):
        return self._get("CLAIMS_PROVIDER")

    @property
    def CLIENT_AUTH_MAX_FAILURES(self) -> int:
        return self._get("CLIENT_AUTH_MAX_FAILURES")

    @property
    def CLIENT_AUTH_WINDOW_SECONDS(self) -> int:
        return self._get("CLIENT_AUTH_WINDOW_SECONDS")

    @property
    def THROTTLE_CACHE(self) -> str:
        return self._get("THROTTLE_CACHE")

    @property
    def TRUSTED_PROXY_COUNT(self) -> int:
        return self._get("TRUSTED_PROXY_COUNT")

    @property
    def BACKCHANNEL_LOGOUT_TIMEOUT_SECONDS(self) -> float:
        return self._get("BACKCHANNEL_LOGOUT_TIMEOUT_SECONDS")

    @property
    def BACKCHANNEL_LOGOUT_MAX_ATTEMPTS(self) -> int:
        return self._get("BACKCHANNEL_LOGOUT_MAX_ATTEMPTS")

    @property
    def BACKCHANNEL_LOGOUT_IN_BACKGROUND(self) -> bool:
        return self._get("BACKCHANNEL_LOGOUT_IN_BACKGROUND")

    @property
    def REGISTRATION(self) -> str:
        return self._get("REGISTRATION")

    @property
    def REGISTRATION_INITIAL_ACCESS_TOKENS(self) -> list[str]:
        return self._get("REGISTRATION_INITIAL_ACCESS_TOKENS")

    @property
    def REGISTRATION_SCOPES(self) -> list[str]:
        return self._get("REGISTRATION_SCOPES")

    @property
    def REGISTRATION_MAX_PER_ADDRESS(self) -> int:
        return self._get("REGISTRATION_MAX_PER_ADDRESS")

    @property
    def REGISTRATION_WINDOW_SECONDS(self) -> int:
        return self._get("REGISTRATION_WINDOW_SECONDS")

    @property
    def BRANDING(self) -> branding.Branding:
        # The pages stay up with the default branding; `check` names the bad value (E060).
        raw = user_settings().get("BRANDING", {})
        return branding.from_setting(raw, self.ISSUER)

    @property
    def OPAQUE_TOKEN_FALLBACK(self) -> bool:
        return self._get("OPAQUE_TOKEN_FALLBACK")

    @property
    def DPOP_PROOF_MAX_AGE_SECONDS(self) -> int:
        return self._get("DPOP_PROOF_MAX_AGE_SECONDS")

    @property
    def DPOP_CLOCK_SKEW_SECONDS(self) -> int:
        return self._get("DPOP_CLOCK_SKEW_SECONDS")

    @property
    def DPOP_REPLAY_CACHE(self) -> str:
        return self._get("DPOP_REPLAY_CACHE")

    @property
    def DPOP_NONCES(self) -> bool:
        return self._get("DPOP_NONCES")

    @property
    def DPOP_REQUIRED(self) -> bool:
        return self._get("DPOP_REQUIRED")

    @property
    def PUBLIC_ORIGIN(self) -> str:
        return self._get("PUBLIC_ORIGIN").rstrip("/")

    @property
    def is_remote(self) -> bool:
        """True on a resource server that fetches the hub's keys over HTTP."""
        return bool(self.JWKS_URL or self.METADATA_URL)


jwt_settings = OAuthJWTSettings()


def __getattr__(name: str) -> Any:
    # ``from oauth_jwt.conf import provider_settings`` in existing settings files: the
    # hub's OAUTH2_PROVIDER dict now lives with the hub (oauth_jwt.server.provider_settings).
    if name == "provider_settings":
        from .server.provider_settings import provider_settings

        return provider_settings
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
