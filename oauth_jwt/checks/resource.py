"""Resource servers: where they find the hub's keys, how they ask about revocation,
and the mistakes a newcomer makes. No network I/O: a hub that is down at start is
reported by the first request."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.core import checks

from ..conf import jwt_settings
from ..loopback import is_plaintext_outside_loopback
from . import registry
from .ids import (
    E020_REMOTE_KEYS,
    E021_REMOTE_URL,
    E022_INTROSPECTION,
    E090_ISSUER_TRAILING_SLASH,
    E091_DENYLIST_PROCESS_LOCAL,
    W020_PLAIN_HTTP,
    W090_DENYLIST_DEFAULT_CACHE,
    W091_HUB_URL_ORIGIN,
    W092_AUDIENCE_IS_ISSUER,
)


@registry.register(checks.Tags.compatibility)
def check_resource_server(app_configs=None, **kwargs):
    """Where a resource server finds the hub's keys, and how it asks about revocation."""
    errors = []
    if not registry.is_server() and not jwt_settings.is_remote:
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
        if value and not registry.valid_url(value):
            errors.append(
                checks.Error(
                    f"OAUTH_JWT[{name!r}] must be an absolute http(s) URL.",
                    hint="For example 'https://auth.example.com/.well-known/oauth-authorization-server'.",
                    id=E021_REMOTE_URL,
                )
            )
    if jwt_settings.REVOCATION_CHECK == "introspection" and not (
        registry.valid_url(jwt_settings.INTROSPECTION_URL)
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
    return errors


@registry.register(checks.Tags.security, deploy=True)
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


@registry.register(checks.Tags.compatibility)
def check_resource_server_setup(app_configs=None, **kwargs):
    """Mistakes that make a resource server refuse every token or miss revocations."""
    messages = []
    issuer = jwt_settings.ISSUER
    if registry.valid_url(issuer) and issuer.endswith("/"):
        messages.append(
            checks.Error(
                f"OAUTH_JWT['ISSUER'] = {issuer!r} ends with '/': 'iss' is compared character for character, "
                "and the hub's issuer (and its metadata URL) have none.",
                hint=f"Use {issuer.rstrip('/')!r}: exactly the 'issuer' of the hub's metadata.",
                id=E090_ISSUER_TRAILING_SLASH,
            )
        )
    if not jwt_settings.is_remote:
        return messages
    alias = jwt_settings.DENYLIST_CACHE
    local = registry.process_local(alias)
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
        if value and registry.valid_url(value) and registry.valid_url(issuer) and _origin(value) != _origin(issuer):
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
