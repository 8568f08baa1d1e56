"""The language a relying party asks the pages to speak (OIDC Core ``ui_locales``).

``ui_locales`` is a list of BCP 47 tags in order of preference. The first one the
pages are translated into (a catalogue of oauth_jwt's, or of the project's
``LOCALE_PATHS``, for a language in ``settings.LANGUAGES``) is the language of the
consent page and of the sign-in page on the way to it (``authparams.pending``);
tags without a translation are passed over, never an error (OIDC Core §3.1.2.1).
Discovery's ``ui_locales_supported`` lists the same languages.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from . import authparams

# oauth_jwt's own catalogues, where Django looks for an app's: at the package root.
LOCALE_DIR = Path(__file__).resolve().parents[1] / "locale"


def supported() -> list[str]:
    """The language codes of ``settings.LANGUAGES`` the pages are translated into."""
    directories = [LOCALE_DIR, *(Path(path) for path in settings.LOCALE_PATHS)]
    return [
        code
        for code, _ in settings.LANGUAGES
        if any((d / translation.to_locale(code) / "LC_MESSAGES" / "django.mo").is_file() for d in directories)
    ]


def preferred(ui_locales: str) -> str | None:
    """The first of ``ui_locales`` the pages speak (``fr-CA`` may be answered in ``fr``)."""
    available = supported()
    for tag in ui_locales.split()[:10]:
        try:
            code = translation.get_supported_language_variant(tag.lower())
        except LookupError:
            continue
        if code in available:
            return code
    return None


def requested(request: HttpRequest) -> str | None:
    params = authparams.pending(request)
    return preferred(params.get("ui_locales", "")) if params is not None else None


def speak_ui_locales(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Run and render ``view`` in the language the pending authorization request's
    ``ui_locales`` asks for, when the pages are translated into it."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        language = requested(request)
        if language is None:
            return view(request, *args, **kwargs)
        with translation.override(language):
            response = view(request, *args, **kwargs)
            if callable(getattr(response, "render", None)) and not response.is_rendered:
                response.render()
        response.headers.setdefault("Content-Language", language)
        return response

    return wrapped
