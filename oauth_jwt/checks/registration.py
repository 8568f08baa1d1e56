"""Client registration (``oauth_jwt.server.registration``): what the mode needs, and
DOT's own registration switches, which this hub does not serve."""

from __future__ import annotations

from django.core import checks

from ..conf import jwt_settings
from . import registry
from .ids import (
    E121_REGISTRATION_SCOPES,
    E122_REGISTRATION_TOKENS,
    W120_DOT_DCR_SETTING,
    W121_OPEN_REGISTRATION,
    W122_CIMD_FETCHER,
)


def _registers() -> bool:
    """Whether clients may register themselves: RFC 7591 or a client ID metadata document."""
    from oauth2_provider.settings import oauth2_settings

    return jwt_settings.REGISTRATION != "off" or bool(oauth2_settings.CIMD_ENABLED)


@registry.register(checks.Tags.security)
def check_registration(app_configs=None, **kwargs):
    if not registry.is_server():
        return []
    from oauth2_provider.settings import oauth2_settings

    messages = []
    if _registers() and not jwt_settings.REGISTRATION_SCOPES:
        messages.append(
            checks.Error(
                "Clients may register themselves but OAUTH_JWT['REGISTRATION_SCOPES'] is empty: "
                "no scope is left for them to ask for.",
                hint="List the scopes a self-registered client may ask for, e.g. ['openid', 'mcp:tools'].",
                id=E121_REGISTRATION_SCOPES,
            )
        )
    if jwt_settings.REGISTRATION == "initial_access_token" and not jwt_settings.REGISTRATION_INITIAL_ACCESS_TOKENS:
        messages.append(
            checks.Error(
                "OAUTH_JWT['REGISTRATION'] = 'initial_access_token' but no initial access token is configured: "
                "every registration would be refused.",
                hint="Set OAUTH_JWT['REGISTRATION_INITIAL_ACCESS_TOKENS'] to a list of random strings "
                "(python -c 'import secrets; print(secrets.token_urlsafe(32))').",
                id=E122_REGISTRATION_TOKENS,
            )
        )
    if oauth2_settings.CIMD_ENABLED and not _applies_policy(oauth2_settings.CIMD_METADATA_FETCHER):
        messages.append(
            checks.Warning(
                "OAUTH2_PROVIDER['CIMD_METADATA_FETCHER'] does not apply the hub's registration policy: "
                "a metadata document could describe an implicit-grant client or plain-http redirect URIs.",
                hint="Use oauth_jwt.server.cimd.PolicyMetadataFetcher, or put oauth_jwt.server.cimd.HubPolicyMixin "
                "first in your fetcher's bases.",
                id=W122_CIMD_FETCHER,
            )
        )
    if oauth2_settings.DCR_ENABLED:
        messages.append(
            checks.Warning(
                "OAUTH2_PROVIDER['DCR_ENABLED'] has no effect on this hub: DOT's registration views are not "
                "mounted, and oauth_jwt's apply the hub's registration policy.",
                hint="Remove DCR_ENABLED and set OAUTH_JWT['REGISTRATION'] (docs/mcp.md).",
                id=W120_DOT_DCR_SETTING,
            )
        )
    return messages


def _applies_policy(fetcher) -> bool:
    from ..server.cimd import HubPolicyMixin

    return isinstance(fetcher, type) and issubclass(fetcher, HubPolicyMixin)


@registry.register(checks.Tags.security, deploy=True)
def check_open_registration(app_configs=None, **kwargs):
    if not registry.is_server() or jwt_settings.REGISTRATION != "open":
        return []
    return [
        checks.Warning(
            "Anyone may register a client (OAUTH_JWT['REGISTRATION'] = 'open'): such clients are shown "
            "as not vetted, but a look-alike app can still ask people for consent.",
            hint="Use 'initial_access_token' unless the hub must accept unknown MCP clients, and vet "
            "registered clients in the admin (docs/mcp.md).",
            id=W121_OPEN_REGISTRATION,
        )
    ]
