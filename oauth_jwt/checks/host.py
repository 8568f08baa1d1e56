"""What every hub needs from its project's settings, checked at ``manage.py check``.

oauth_jwt never writes into ``django.conf.settings``, so the protections that live in
Django's or django-axes' own settings (the body limit, the sign-in lockout and its page,
the CSRF failure page, the client-secret hasher) are errors until the project has them,
each message naming the exact line to add (docs/hub.md has them all). A BEARER_PATHS
that is not a list of path prefixes is E057 from ``checks.settings``. With Django's
``LocaleMiddleware``, ``LANGUAGES`` should list only languages the pages speak (W052).
"""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.contrib.auth.hashers import get_hashers
from django.core import checks

from ..conf import MAX_BODY_BYTES
from . import registry
from .ids import (
    E050_HASHER_MISSING,
    E051_HASHER_FIRST,
    E052_BODY_LIMIT,
    E053_LOCKOUT,
    E054_LOCKOUT_PAGE,
    E055_CSRF_PAGE,
    E056_DEVICE_URI,
    W050_LOCKOUT_PARAMETERS,
    W051_LOCKOUT_FOREVER,
    W052_UNTRANSLATED_LANGUAGES,
)

LOCKOUT_CALLABLE = "oauth_jwt.server.views.accounts.lockout"
CSRF_FAILURE_VIEW = "oauth_jwt.server.views.errors.csrf_failure"
AXES_BACKENDS = ("axes.backends.AxesStandaloneBackend", "axes.backends.AxesBackend")
AXES_MIDDLEWARE = "axes.middleware.AxesMiddleware"
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
LOCALE_MIDDLEWARE = "django.middleware.locale.LocaleMiddleware"


def _error(message: str, line: str, check_id: str) -> checks.Error:
    return checks.Error(message, hint=f"Add to your settings: {line}", id=check_id)


@registry.register(checks.Tags.security)
def check_hub_project(app_configs=None, **kwargs):
    if not registry.is_server():
        return []
    return [*_hasher_errors(), *_body_errors(), *_lockout_errors(), *_page_errors(), *_device_errors()]


def _hasher_errors() -> list[checks.Error]:
    from oauth2_provider.settings import oauth2_settings

    from ..server.hashers import ALGORITHM, HASHER_PATH

    wanted = oauth2_settings.CLIENT_SECRET_HASHER
    algorithms = [hasher.algorithm for hasher in get_hashers()]
    if wanted == ALGORITHM and ALGORITHM not in algorithms:
        return [
            _error(
                "PASSWORD_HASHERS lacks oauth_jwt's client-secret hasher: creating or rotating a client would fail "
                "and no client secret would verify.",
                f'PASSWORD_HASHERS = [*global_settings.PASSWORD_HASHERS, "{HASHER_PATH}"]  '
                "(from django.conf import global_settings)",
                E050_HASHER_MISSING,
            )
        ]
    if algorithms and algorithms[0] == ALGORITHM:
        return [
            checks.Error(
                "oauth_jwt's client-secret hasher is first in PASSWORD_HASHERS: people's passwords would be "
                "hashed with a fast HMAC instead of a password KDF.",
                hint=f"List {HASHER_PATH!r} after Django's password hashers, never first.",
                id=E051_HASHER_FIRST,
            )
        ]
    return []


def _body_errors() -> list[checks.Error]:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if limit is not None and limit <= MAX_BODY_BYTES:
        return []
    return [
        _error(
            f"DATA_UPLOAD_MAX_MEMORY_SIZE = {limit!r}: OAuth requests are small, and bigger bodies should be "
            "refused before any parsing (RFC 8725 §3.6).",
            "DATA_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024",
            E052_BODY_LIMIT,
        )
    ]


def _lockout_errors() -> list[checks.Error]:
    errors = []
    if not apps.is_installed("axes"):
        errors.append(
            _error(
                "django-axes is not installed: nothing limits password guessing at the sign-in page.",
                'INSTALLED_APPS = [..., "axes", "oauth_jwt"]',
                E053_LOCKOUT,
            )
        )
    backends = list(settings.AUTHENTICATION_BACKENDS)
    if not backends or backends[0] not in AXES_BACKENDS:
        errors.append(
            _error(
                "AUTHENTICATION_BACKENDS does not start with django-axes' backend: a locked-out person's "
                "password would still be checked.",
                'AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", '
                '"django.contrib.auth.backends.ModelBackend"]',
                E053_LOCKOUT,
            )
        )
    if AXES_MIDDLEWARE not in settings.MIDDLEWARE:
        errors.append(
            _error(
                "MIDDLEWARE lacks django-axes' middleware: a locked-out sign-in would not get the lockout page.",
                f'MIDDLEWARE = [..., "{AXES_MIDDLEWARE}"]  (last)',
                E053_LOCKOUT,
            )
        )
    if not registry.names(getattr(settings, "AXES_LOCKOUT_CALLABLE", None), LOCKOUT_CALLABLE):
        errors.append(
            _error(
                "AXES_LOCKOUT_CALLABLE is not oauth_jwt's lockout page (429, the same words whether or not "
                "the account exists).",
                f'AXES_LOCKOUT_CALLABLE = "{LOCKOUT_CALLABLE}"',
                E054_LOCKOUT_PAGE,
            )
        )
    return errors


def _page_errors() -> list[checks.Error]:
    if registry.names(getattr(settings, "CSRF_FAILURE_VIEW", ""), CSRF_FAILURE_VIEW):
        return []
    return [
        _error(
            "CSRF_FAILURE_VIEW is not oauth_jwt's: an expired sign-in or consent form would get Django's "
            "bare 403 page instead of one that says how to try again.",
            f'CSRF_FAILURE_VIEW = "{CSRF_FAILURE_VIEW}"',
            E055_CSRF_PAGE,
        )
    ]


def _device_errors() -> list[checks.Error]:
    from oauth2_provider.settings import oauth2_settings

    offered = DEVICE_GRANT in oauth2_settings.OAUTH2_GRANT_TYPES_SUPPORTED
    if not offered or oauth2_settings.OAUTH_DEVICE_VERIFICATION_URI:
        return []
    return [
        _error(
            "OAUTH2_PROVIDER['OAUTH_DEVICE_VERIFICATION_URI'] is empty: device authorization would answer "
            '"verification_uri": null.',
            "OAUTH2_PROVIDER = provider_settings(OIDC_ISS_ENDPOINT=ISSUER)  (derives it from the issuer)",
            E056_DEVICE_URI,
        )
    ]


@registry.register(checks.Tags.security, deploy=True)
def check_lockout_posture(app_configs=None, **kwargs):
    """How the sign-in lockout counts: per username *and* address, for a while."""
    if not (apps.is_installed("oauth2_provider") and apps.is_installed("axes")):
        return []
    messages = []
    parameters = getattr(settings, "AXES_LOCKOUT_PARAMETERS", None) or ["ip_address"]
    # A callable (or its import string) decides per request: nothing to judge here.
    static = isinstance(parameters, (list, tuple))
    both = {"username", "ip_address"}
    combined = [p for p in parameters if not isinstance(p, str) and both <= set(p)] if static else []
    if static and len(combined) != len(parameters):
        messages.append(
            checks.Warning(
                f"AXES_LOCKOUT_PARAMETERS = {parameters!r}: counting by username alone lets a stranger lock a person "
                "out from anywhere; by address alone, one guesser locks out everyone behind that address.",
                hint='AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]',
                id=W050_LOCKOUT_PARAMETERS,
            )
        )
    if getattr(settings, "AXES_COOLOFF_TIME", None) is None:
        messages.append(
            checks.Warning(
                "AXES_COOLOFF_TIME is not set: a lockout lasts until staff reset it.",
                hint="AXES_COOLOFF_TIME = timedelta(minutes=15)",
                id=W051_LOCKOUT_FOREVER,
            )
        )
    return messages


@registry.register(checks.Tags.translation)
def check_page_languages(app_configs=None, **kwargs):
    """With ``LocaleMiddleware``, any language in ``LANGUAGES`` may be picked from
    ``Accept-Language``: one the pages are not translated into gives English pages
    marked (``<html lang>``, ``Content-Language``) as that language."""
    if not registry.is_server() or not settings.USE_I18N:
        return []
    if not any(registry.names(path, LOCALE_MIDDLEWARE) for path in settings.MIDDLEWARE):
        return []
    from ..server import locales

    spoken = locales.supported()
    missing = [code for code, _ in settings.LANGUAGES if code not in spoken]
    if not missing:
        return []
    listed = ", ".join(missing[:8]) + (f" and {len(missing) - 8} more" if len(missing) > 8 else "")
    return [
        checks.Warning(
            f"LANGUAGES lists {listed}, which oauth_jwt's pages are not translated into: a browser asking for one "
            "gets English pages marked as that language.",
            hint=f"List only the languages the pages speak ({', '.join(spoken)}), or add a catalogue for the others "
            "to LOCALE_PATHS (docs/pages.md#languages).",
            id=W052_UNTRANSLATED_LANGUAGES,
        )
    ]
