"""``OAUTH_JWT`` itself: every key's value through the converter its ``conf`` property
uses, unknown keys with a "did you mean", and what both halves need."""

from __future__ import annotations

import difflib

from django.core import checks
from django.core.cache import InvalidCacheBackendError, caches
from django.core.exceptions import ImproperlyConfigured

from ..conf import SETTINGS, jwt_settings, problem, user_settings
from . import registry
from .ids import (
    E001_ISSUER,
    E008_AUDIENCE,
    E009_DENYLIST_CACHE,
    E012_DPOP_REPLAY_CACHE,
    E110_SETTING_VALUE,
    E112_SETTINGS_NOT_A_DICT,
    SETTING_IDS,
    W110_UNKNOWN_SETTING,
)

DOCS = "docs/settings.md lists every key with its default."


@registry.register(checks.Tags.compatibility)
def check_settings(app_configs=None, **kwargs):
    try:
        user = user_settings()
    except ImproperlyConfigured as exc:
        hint = "OAUTH_JWT = {'ISSUER': 'https://auth.example.com', ...}"
        return [checks.Error(str(exc), hint=hint, id=E112_SETTINGS_NOT_A_DICT)]
    messages = [_unknown(name) for name in user if name not in SETTINGS]
    for name in SETTINGS:
        reason = problem(name)
        if reason:
            hint = SETTINGS[name].example or DOCS
            messages.append(checks.Error(reason, hint=hint, id=SETTING_IDS.get(name, E110_SETTING_VALUE)))
    return messages


def _unknown(name) -> checks.Warning:
    close = difflib.get_close_matches(str(name), SETTINGS, n=1)
    return checks.Warning(
        f"OAUTH_JWT[{name!r}] is not an oauth_jwt setting: it is ignored.",
        hint=f"Did you mean {close[0]!r}?" if close else DOCS,
        id=W110_UNKNOWN_SETTING,
    )


@registry.register(checks.Tags.compatibility)
def check_common(app_configs=None, **kwargs):
    errors = []
    if not registry.valid_url(jwt_settings.ISSUER):
        errors.append(
            checks.Error(
                "OAUTH_JWT['ISSUER'] must be the issuer identifier: an absolute http(s) URL without query or fragment.",
                hint="Set OAUTH_JWT = {'ISSUER': 'https://auth.example.com', ...}.",
                id=E001_ISSUER,
            )
        )
    if not registry.is_server() and not jwt_settings.AUDIENCE:
        errors.append(
            checks.Error(
                "A resource server must know its own identifier to check a token's 'aud'.",
                hint="Set OAUTH_JWT['AUDIENCE'] to this API's identifier (a URL).",
                id=E008_AUDIENCE,
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
    try:
        caches[jwt_settings.DPOP_REPLAY_CACHE]
    except InvalidCacheBackendError:
        errors.append(
            checks.Error(
                f"OAUTH_JWT['DPOP_REPLAY_CACHE'] = {jwt_settings.DPOP_REPLAY_CACHE!r} is not in CACHES: "
                "every request with a DPoP proof would be answered 503.",
                hint="Name a cache alias from settings.CACHES that every process of this server shares.",
                id=E012_DPOP_REPLAY_CACHE,
            )
        )
    return errors
