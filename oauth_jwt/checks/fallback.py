"""``OAUTH_JWT["OPAQUE_TOKEN_FALLBACK"]`` on a hub upgraded from DOT: with
``check --database`` (and before ``migrate``), whether opaque tokens from before the
upgrade are still live, so that the fallback is switched off once none is left. Its
type (True or False) is checked by ``checks.settings`` with the key's converter (E080)."""

from __future__ import annotations

from django.core import checks
from django.db import DatabaseError

from ..conf import jwt_settings
from . import registry
from .ids import W080_FALLBACK_UNUSED, W081_OPAQUE_REFUSED


@registry.register(checks.Tags.database)
def check_live_opaque_tokens(app_configs=None, databases=None, **kwargs):
    if not databases or not registry.is_server() or jwt_settings.is_remote:
        return []
    from ..server.opaque import live_count

    try:
        live = live_count()
    except DatabaseError:
        return []  # DOT's tables do not exist yet (before the first migrate)
    if jwt_settings.OPAQUE_TOKEN_FALLBACK and live == 0:
        return [
            checks.Warning(
                "No opaque access token from before the upgrade is live any more: the fallback that "
                "looks them up in DOT's rows can be switched off.",
                hint="Set OAUTH_JWT['OPAQUE_TOKEN_FALLBACK'] = False (docs/upgrading-from-dot.md).",
                id=W080_FALLBACK_UNUSED,
            )
        ]
    if not jwt_settings.OPAQUE_TOKEN_FALLBACK and live:
        return [
            checks.Warning(
                f"{live} opaque access token(s) from before the upgrade are live, and refused because "
                "OAUTH_JWT['OPAQUE_TOKEN_FALLBACK'] is off.",
                hint="Leave the fallback on until they expire (the admin's index counts them).",
                id=W081_OPAQUE_REFUSED,
            )
        ]
    return []
