"""System checks: misconfiguration is caught by ``manage.py check``, not the first request.

Ids are constants here and are never reused. Errors (``E0xx``) make a server that
cannot work correctly; security posture warnings run under ``check --deploy``.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.apps import apps
from django.core import checks
from django.core.cache import InvalidCacheBackendError, caches
from django.utils.module_loading import import_string

from .conf import ALGORITHMS, jwt_settings
from .redirects import is_plaintext_outside_loopback

E001_ISSUER = "oauth_jwt.E001"
E002_ACCESS_GENERATOR = "oauth_jwt.E002"
E003_REFRESH_GENERATOR = "oauth_jwt.E003"
E004_VALIDATOR = "oauth_jwt.E004"
E005_ISSUER_MISMATCH = "oauth_jwt.E005"
E006_DEFAULT_AUDIENCE = "oauth_jwt.E006"
E007_ALGORITHM = "oauth_jwt.E007"
E008_AUDIENCE = "oauth_jwt.E008"
E009_DENYLIST_CACHE = "oauth_jwt.E009"
E010_REVOCATION_MODE = "oauth_jwt.E010"
E011_ROTATION = "oauth_jwt.E011"
# Resource servers (see check_resource_server).
E020_REMOTE_KEYS = "oauth_jwt.E020"
E021_REMOTE_URL = "oauth_jwt.E021"
E022_INTROSPECTION = "oauth_jwt.E022"
E023_USER_RESOLVER = "oauth_jwt.E023"
W020_PLAIN_HTTP = "oauth_jwt.W020"
# The device grant (see oauth_jwt.device).
E040_DEVICE_CODE_LOADER = "oauth_jwt.E040"
# Resource-server mistakes a newcomer makes (see check_resource_server_setup).
E090_ISSUER_TRAILING_SLASH = "oauth_jwt.E090"
E091_DENYLIST_PROCESS_LOCAL = "oauth_jwt.E091"
E092_RETRY_AFTER = "oauth_jwt.E092"
W090_DENYLIST_DEFAULT_CACHE = "oauth_jwt.W090"
W091_HUB_URL_ORIGIN = "oauth_jwt.W091"
W092_AUDIENCE_IS_ISSUER = "oauth_jwt.W092"
# Upgrades from plain DOT (registered in ``fallback_checks``).
E080_FALLBACK_TYPE = "oauth_jwt.E080"
W080_FALLBACK_UNUSED = "oauth_jwt.W080"
W081_OPAQUE_REFUSED = "oauth_jwt.W081"
# Security posture under ``check --deploy`` (registered in ``security_checks``).
W030_HTTP_ISSUER = "oauth_jwt.W030"
W031_KEY_SECRET_DERIVED = "oauth_jwt.W031"
W032_KEY_SECRET_WEAK = "oauth_jwt.W032"
W033_PLACEHOLDER_SECRET_KEY = "oauth_jwt.W033"
W034_RSA_KEY_SIZE = "oauth_jwt.W034"
W035_HTTP_REDIRECT_URI = "oauth_jwt.W035"
W036_BCP_GATES = "oauth_jwt.W036"
W037_PROCESS_LOCAL_CACHE = "oauth_jwt.W037"
W045_CLIENT_ID_LIKE_SUBJECT = "oauth_jwt.W045"
W046_OPEN_CIMD = "oauth_jwt.W046"
# The pages' branding (registered in ``branding_checks``).
E060_BRANDING = "oauth_jwt.E060"
E061_BRANDING_COLOR = "oauth_jwt.E061"
E062_BRANDING_URL = "oauth_jwt.E062"
E063_BRANDING_SITE_NAME = "oauth_jwt.E063"
W060_BRANDING_HTTP_LOGO = "oauth_jwt.W060"

# The project around the hub (registered in ``host_checks``): what every hub needs from
# its settings, each message naming the line to add.
E050_HASHER_MISSING = "oauth_jwt.E050"
E051_HASHER_FIRST = "oauth_jwt.E051"
E052_BODY_LIMIT = "oauth_jwt.E052"
E053_LOCKOUT = "oauth_jwt.E053"
E054_LOCKOUT_PAGE = "oauth_jwt.E054"
E055_CSRF_PAGE = "oauth_jwt.E055"
E056_DEVICE_URI = "oauth_jwt.E056"
E057_BEARER_PATHS = "oauth_jwt.E057"
W050_LOCKOUT_PARAMETERS = "oauth_jwt.W050"
W051_LOCKOUT_FOREVER = "oauth_jwt.W051"
E070_HS256_CLIENTS = "oauth_jwt.E070"

OWN_GENERATOR = "oauth_jwt.tokens.generate_access_token"
REVOCATION_MODES = ("denylist", "introspection", "none")


def _is_server() -> bool:
    return apps.is_installed("oauth2_provider")


def _valid_issuer(value: str) -> bool:
    parts = urlsplit(value or "")
    return parts.scheme in ("http", "https") and bool(parts.netloc) and not parts.query and not parts.fragment


@checks.register(checks.Tags.compatibility)
def check_common(app_configs=None, **kwargs):
    errors = []
    if not _valid_issuer(jwt_settings.ISSUER):
        errors.append(
            checks.Error(
                "OAUTH_JWT['ISSUER'] must be the issuer identifier: an absolute http(s) URL without query or fragment.",
                hint="Set OAUTH_JWT = {'ISSUER': 'https://auth.example.com', ...}.",
                id=E001_ISSUER,
            )
        )
    if jwt_settings.SIGNING_ALGORITHM not in ALGORITHMS:
        errors.append(
            checks.Error(
                f"OAUTH_JWT['SIGNING_ALGORITHM'] = {jwt_settings.SIGNING_ALGORITHM!r} is not supported.",
                hint=f"Choose one of {', '.join(ALGORITHMS)}.",
                id=E007_ALGORITHM,
            )
        )
    if not _is_server() and not jwt_settings.AUDIENCE:
        errors.append(
            checks.Error(
                "A resource server must know its own identifier to check a token's 'aud'.",
                hint="Set OAUTH_JWT['AUDIENCE'] to this API's identifier (a URL).",
                id=E008_AUDIENCE,
            )
        )
    if jwt_settings.REVOCATION_CHECK not in REVOCATION_MODES:
        errors.append(
            checks.Error(
                f"OAUTH_JWT['REVOCATION_CHECK'] = {jwt_settings.REVOCATION_CHECK!r} is not a known mode.",
                hint=f"Choose one of {', '.join(REVOCATION_MODES)}.",
                id=E010_REVOCATION_MODE,
            )
        )
    if jwt_settings.REVOCATION_CHECK == "denylist":
        try:
            caches[jwt_settings.DENYLIST_CACHE]
        except InvalidCacheBackendError:
            errors.append(
                checks.Error(
                    f"OAUTH_JWT['DENYLIST_CACHE'] = {jwt_settings.DENYLIST_CACHE!r} is not in CACHES.",
                    hint="Name a cache alias from settings.CACHES.",
                    id=E009_DENYLIST_CACHE,
                )
            )
    return errors


@checks.register(checks.Tags.compatibility)
def check_server(app_configs=None, **kwargs):
    """On an authorization server, DOT must be wired to oauth_jwt (see conf.provider_settings)."""
    if not _is_server():
        return []
    from oauth2_provider.settings import oauth2_settings

    from .validators import JWTOAuth2Validator

    user = oauth2_settings.user_settings or {}
    errors = []
    if user.get("ACCESS_TOKEN_GENERATOR") != OWN_GENERATOR:
        errors.append(
            checks.Error(
                "DOT does not issue oauth_jwt's RFC 9068 access tokens.",
                hint=f"Set OAUTH2_PROVIDER['ACCESS_TOKEN_GENERATOR'] = {OWN_GENERATOR!r} "
                "(oauth_jwt.conf.provider_settings() does).",
                id=E002_ACCESS_GENERATOR,
            )
        )
    refresh = user.get("REFRESH_TOKEN_GENERATOR")
    if not refresh or refresh == OWN_GENERATOR:
        errors.append(
            checks.Error(
                "Refresh tokens would be JWTs: DOT falls back to the access-token generator.",
                hint="Set OAUTH2_PROVIDER['REFRESH_TOKEN_GENERATOR'] = "
                "'oauthlib.oauth2.rfc6749.tokens.random_token_generator'.",
                id=E003_REFRESH_GENERATOR,
            )
        )
    validator = user.get("OAUTH2_VALIDATOR_CLASS", "")
    try:
        validator_cls = import_string(validator) if isinstance(validator, str) and validator else validator
    except ImportError:
        validator_cls = None
    if not (isinstance(validator_cls, type) and issubclass(validator_cls, JWTOAuth2Validator)):
        errors.append(
            checks.Error(
                "OAUTH2_PROVIDER['OAUTH2_VALIDATOR_CLASS'] must be oauth_jwt's validator or a subclass.",
                hint="Set it to 'oauth_jwt.validators.JWTOAuth2Validator'.",
                id=E004_VALIDATOR,
            )
        )
    if oauth2_settings.OIDC_ISS_ENDPOINT != jwt_settings.ISSUER:
        errors.append(
            checks.Error(
                "OAUTH2_PROVIDER['OIDC_ISS_ENDPOINT'] differs from OAUTH_JWT['ISSUER']: ID tokens, "
                "access tokens and metadata would name different issuers.",
                hint="Give both the same value.",
                id=E005_ISSUER_MISMATCH,
            )
        )
    if not jwt_settings.DEFAULT_AUDIENCE:
        errors.append(
            checks.Error(
                "OAUTH_JWT['DEFAULT_AUDIENCE'] is empty: tokens requested without an RFC 8707 "
                "resource would have no 'aud'.",
                hint="Set it to the identifier (URL) of your main API.",
                id=E006_DEFAULT_AUDIENCE,
            )
        )
    if not oauth2_settings.ROTATE_REFRESH_TOKEN:
        errors.append(
            checks.Error(
                "OAUTH2_PROVIDER['ROTATE_REFRESH_TOKEN'] is off: a refreshed token would reuse "
                "the old row and its JWT record.",
                hint="Leave ROTATE_REFRESH_TOKEN at True.",
                id=E011_ROTATION,
            )
        )
    errors.extend(_check_device_grant(oauth2_settings))
    return errors


def _check_device_grant(oauth2_settings) -> list[checks.CheckMessage]:
    """Where the device grant is served, its codes are found by ``oauth_jwt.device``:
    DOT's own hook answers an unknown code with a 500 and binds nothing."""
    from .device import DEVICE_CODE_GRANT, load_device_grant

    if DEVICE_CODE_GRANT not in oauth2_settings.OAUTH2_GRANT_TYPES_SUPPORTED:
        return []
    if load_device_grant in (oauth2_settings.OAUTH_PRE_TOKEN_VALIDATION or []):
        return []
    return [
        checks.Error(
            "OAUTH2_PROVIDER['OAUTH_PRE_TOKEN_VALIDATION'] does not load device codes through oauth_jwt: "
            "device codes would not be bound to their client nor redeemed only once.",
            hint="Include oauth_jwt.device.load_device_grant in it (oauth_jwt.conf.provider_settings() does).",
            id=E040_DEVICE_CODE_LOADER,
        )
    ]


USER_RESOLVERS = ("local", "claims")


@checks.register(checks.Tags.security, checks.Tags.database)
def check_id_token_algorithms(app_configs=None, databases=None, **kwargs):
    """HS256 ID tokens are signed with the client's secret, which the hub keeps hashed.
    It reads the clients, so it runs where Django runs database checks: ``migrate`` and
    ``check --database default``."""
    if not _is_server() or not databases:
        return []
    from django.db import DatabaseError
    from oauth2_provider.models import get_application_model

    model = get_application_model()
    try:
        hs256 = list(model.objects.filter(algorithm=model.HS256_ALGORITHM).values_list("client_id", flat=True))
    except DatabaseError:
        return []
    if not hs256:
        return []
    return [
        checks.Error(
            f"Clients {', '.join(hs256)} ask for HS256 ID tokens, signed with their client secret, "
            "which the hub keeps only hashed; the hub signs ID tokens with its own keys.",
            hint="Empty their algorithm in the admin; clients verify ID tokens with the hub's JWK set.",
            id=E070_HS256_CLIENTS,
        )
    ]


@checks.register(checks.Tags.compatibility)
def check_resource_server(app_configs=None, **kwargs):
    """Where a resource server finds the hub's keys, and how it asks about revocation."""
    errors = []
    if not _is_server() and not jwt_settings.is_remote:
        errors.append(
            checks.Error(
                "This project has no django-oauth-toolkit, so it cannot use local keys: it needs the hub's JWK set.",
                hint="Set OAUTH_JWT['METADATA_URL'] to the hub's /.well-known/oauth-authorization-server "
                "(or OAUTH_JWT['JWKS_URL'] to its jwks_uri).",
                id=E020_REMOTE_KEYS,
            )
        )
    for name in ("METADATA_URL", "JWKS_URL"):
        value = getattr(jwt_settings, name)
        if value and not _valid_issuer(value):
            errors.append(
                checks.Error(
                    f"OAUTH_JWT[{name!r}] must be an absolute http(s) URL.",
                    hint="For example 'https://auth.example.com/.well-known/oauth-authorization-server'.",
                    id=E021_REMOTE_URL,
                )
            )
    if jwt_settings.REVOCATION_CHECK == "introspection" and not (
        _valid_issuer(jwt_settings.INTROSPECTION_URL)
        and jwt_settings.INTROSPECTION_CLIENT_ID
        and jwt_settings.INTROSPECTION_CLIENT_SECRET
    ):
        errors.append(
            checks.Error(
                "REVOCATION_CHECK = 'introspection' needs the hub's introspection endpoint and client credentials.",
                hint="Set OAUTH_JWT['INTROSPECTION_URL'], ['INTROSPECTION_CLIENT_ID'] and "
                "['INTROSPECTION_CLIENT_SECRET'] (a confidential client of the hub).",
                id=E022_INTROSPECTION,
            )
        )
    if jwt_settings.USER_RESOLVER not in USER_RESOLVERS:
        errors.append(
            checks.Error(
                f"OAUTH_JWT['USER_RESOLVER'] = {jwt_settings.USER_RESOLVER!r} is not a known resolver.",
                hint=f"Choose one of {', '.join(USER_RESOLVERS)}.",
                id=E023_USER_RESOLVER,
            )
        )
    return errors


@checks.register(checks.Tags.security, deploy=True)
def check_resource_server_deploy(app_configs=None, **kwargs):
    urls = ("METADATA_URL", "JWKS_URL", "INTROSPECTION_URL")
    names = [n for n in urls if is_plaintext_outside_loopback(getattr(jwt_settings, n))]
    if not names:
        return []
    return [
        checks.Warning(
            f"OAUTH_JWT {', '.join(names)} use plain http: keys and introspection answers could be forged in transit.",
            hint="Use https:// URLs for the hub.",
            id=W020_PLAIN_HTTP,
        )
    ]


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme, parts.netloc


@checks.register(checks.Tags.compatibility)
def check_resource_server_setup(app_configs=None, **kwargs):
    """Mistakes that make a resource server refuse every token or miss revocations.
    No network I/O: a hub that is down at start is reported by the first request."""
    from .security_checks import process_local

    messages = []
    issuer = jwt_settings.ISSUER
    if _valid_issuer(issuer) and issuer.endswith("/"):
        messages.append(
            checks.Error(
                f"OAUTH_JWT['ISSUER'] = {issuer!r} ends with '/': 'iss' is compared character for character, "
                "and the hub's issuer (and its metadata URL) have none.",
                hint=f"Use {issuer.rstrip('/')!r}: exactly the 'issuer' of the hub's metadata.",
                id=E090_ISSUER_TRAILING_SLASH,
            )
        )
    if jwt_settings.RETRY_AFTER_SECONDS < 1:
        messages.append(
            checks.Error(
                "OAUTH_JWT['RETRY_AFTER_SECONDS'] must be at least 1.",
                hint="Leave it at 5 unless clients should retry later.",
                id=E092_RETRY_AFTER,
            )
        )
    if not jwt_settings.is_remote:
        return messages
    alias = jwt_settings.DENYLIST_CACHE
    local = process_local(alias)
    if jwt_settings.REVOCATION_CHECK == "denylist" and local:
        messages.append(
            checks.Error(
                f"OAUTH_JWT['DENYLIST_CACHE'] is {local}: this resource server can never read the hub's "
                "revocations, so it would answer 503 to every token.",
                hint="Point a dedicated cache alias at the Redis the hub writes its denylist to, with the "
                "hub's KEY_PREFIX and VERSION; or use REVOCATION_CHECK = 'introspection'.",
                id=E091_DENYLIST_PROCESS_LOCAL,
            )
        )
    elif jwt_settings.REVOCATION_CHECK == "denylist" and alias == "default":
        messages.append(
            checks.Warning(
                "The denylist is this project's 'default' cache: everything else it caches (sessions, "
                "throttles, your own entries) goes into the hub's denylist Redis.",
                hint="Add a dedicated alias, e.g. CACHES['denylist'], and set "
                "OAUTH_JWT['DENYLIST_CACHE'] = 'denylist'.",
                id=W090_DENYLIST_DEFAULT_CACHE,
            )
        )
    for name in ("METADATA_URL", "JWKS_URL"):
        value = getattr(jwt_settings, name)
        if value and _valid_issuer(value) and _valid_issuer(issuer) and _origin(value) != _origin(issuer):
            messages.append(
                checks.Warning(
                    f"OAUTH_JWT[{name!r}] is on another origin than ISSUER: usually a typo.",
                    hint=f"The hub's metadata is at {issuer.rstrip('/')}/.well-known/oauth-authorization-server.",
                    id=W091_HUB_URL_ORIGIN,
                )
            )
    if issuer and issuer.rstrip("/") in {a.rstrip("/") for a in jwt_settings.AUDIENCE}:
        messages.append(
            checks.Warning(
                "OAUTH_JWT['AUDIENCE'] is the hub's issuer: it must be this API's own identifier, "
                "the 'resource' its clients ask the hub for.",
                hint="For example 'https://reports.example.com/api/'.",
                id=W092_AUDIENCE_IS_ISSUER,
            )
        )
    return messages
