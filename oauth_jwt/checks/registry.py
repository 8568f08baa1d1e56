"""The one registry of oauth_jwt's checks, and the helpers they share.

``register`` wraps every check so that none can crash ``manage.py check``: a setting
whose property raises is reported by ``checks.settings`` (E110-E112), and anything
else a check trips over becomes E113 naming the check.
"""

from __future__ import annotations

import functools
from urllib.parse import urlsplit

from django.apps import apps
from django.core import checks
from django.core.cache import InvalidCacheBackendError, caches
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from ..conf import SETTINGS, problem
from .ids import E113_CHECK_FAILED


def settings_are_refused() -> bool:
    try:
        return any(problem(name) for name in SETTINGS)
    except ImproperlyConfigured:
        return True


def register(*tags: str, deploy: bool = False):
    def decorator(check):
        @functools.wraps(check)
        def guarded(app_configs=None, **kwargs):
            try:
                return check(app_configs, **kwargs)
            except (ImproperlyConfigured, ValueError, TypeError) as exc:
                if settings_are_refused():
                    return []  # checks.settings names the setting
                return [
                    checks.Error(
                        f"oauth_jwt's check {check.__name__} could not run: {exc}",
                        hint="Fix the setting it names; `manage.py check` lists the others.",
                        id=E113_CHECK_FAILED,
                    )
                ]

        return checks.register(*tags, deploy=deploy)(guarded)

    return decorator


def is_server() -> bool:
    return apps.is_installed("oauth2_provider")


def names(value: object, path: str) -> bool:
    """Whether a setting's ``value`` is ``path`` or another dotted path to the same object
    (an old path kept as a re-export, such as ``oauth_jwt.tokens``)."""
    if value == path:
        return True
    if not isinstance(value, str) or "." not in value:
        return False
    try:
        return import_string(value) is import_string(path)
    except ImportError:
        return False


def valid_url(value: str) -> bool:
    parts = urlsplit(value or "")
    return parts.scheme in ("http", "https") and bool(parts.netloc) and not parts.query and not parts.fragment


def process_local(alias: str) -> str | None:
    try:
        cache = caches[alias]
    except InvalidCacheBackendError:
        return None  # E009 reports it
    if isinstance(cache, DummyCache):
        return f"{alias!r} (DummyCache: forgets everything)"
    if isinstance(cache, LocMemCache):
        return f"{alias!r} (LocMemCache: one per process)"
    return None
