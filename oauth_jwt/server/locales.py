"""The language a relying party asks the pages to speak (OIDC Core ``ui_locales``).

The pages are written in English and ship translated into German, Spanish, French,
Japanese and Brazilian Portuguese (``oauth_jwt/locale``). Which one a page speaks:

1. ``ui_locales`` (BCP 47 tags in order of preference): the first one the pages are
   translated into. On the authorization request it holds for the pages of that flow,
   the sign-in page on the way (``authparams.pending``: its ``next``), the lockout
   page, the consent page and the answer to its form (which carries the language); on
   an RP-initiated logout request (RP-Initiated Logout 1.0 §2), for the
   confirmation and what follows it. Tags without a translation are passed over, never
   an error (OIDC Core §3.1.2.1).
2. Otherwise Django's ``LocaleMiddleware``: ``Accept-Language``, then ``LANGUAGE_CODE``
   (docs/pages.md says how a host project sets it up).

"Translated into" means a language of ``settings.LANGUAGES`` with a catalogue of
oauth_jwt's or of the project's ``LOCALE_PATHS``, or English, the pages' own language.
Discovery's ``ui_locales_supported`` lists the same languages (``advertised``).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest, HttpResponse, QueryDict
from django.urls import reverse
from django.utils import translation

from . import authparams

# oauth_jwt's own catalogues, where Django looks for an app's: at the package root.
LOCALE_DIR = Path(__file__).resolve().parents[1] / "locale"
# The language the pages' strings are written in.
SOURCE = "en"
# How many of the tags a request lists are looked at.
MAX_TAGS = 10


def supported() -> list[str]:
    """The language codes of ``settings.LANGUAGES`` the pages speak."""
    directories = [LOCALE_DIR, *(Path(path) for path in settings.LOCALE_PATHS)]
    return [
        code
        for code, _ in settings.LANGUAGES
        if code.split("-")[0] == SOURCE
        or any((d / translation.to_locale(code) / "LC_MESSAGES" / "django.mo").is_file() for d in directories)
    ]


def advertised() -> list[str]:
    """``supported`` as BCP 47 tags, as discovery lists them (``pt-br`` → ``pt-BR``)."""
    return [translation.to_locale(code).replace("_", "-") for code in supported()]


def preferred(ui_locales: str) -> str | None:
    """The first of ``ui_locales`` the pages speak (``fr-CA`` may be answered in ``fr``)."""
    available = supported()
    for tag in ui_locales.split()[:MAX_TAGS]:
        try:
            code = translation.get_supported_language_variant(tag.lower())
        except LookupError:
            continue
        if code in available:
            return code
    return None


def authorization_request(request: HttpRequest) -> QueryDict | None:
    """The parameters of the authorization request behind a page: the sign-in page's
    ``next``, the authorize endpoint's query, or the consent form it answers (which
    carries the language in ``ui_locales``)."""
    if request.method == "POST" and request.path == reverse("oauth2_provider:authorize"):
        return request.POST
    return authparams.pending(request)


def logout_request(request: HttpRequest) -> QueryDict:
    """The parameters of an RP-initiated logout request: sent by GET or POST, and
    carried by the confirmation form."""
    return request.POST if request.method == "POST" else request.GET


View = Callable[..., HttpResponse]


def speaking(parameters: Callable[[HttpRequest], QueryDict | None]) -> Callable[[View], View]:
    """A view decorator: run and render the view in the language the ``ui_locales`` of
    ``parameters(request)`` asks for, when the pages are translated into it."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            params = parameters(request)
            language = preferred(params.get("ui_locales", "")) if params is not None else None
            if language is None:
                return view(request, *args, **kwargs)
            with translation.override(language):
                response = view(request, *args, **kwargs)
                if callable(getattr(response, "render", None)) and not response.is_rendered:
                    response.render()
            # LocaleMiddleware, outside, keeps this one (it only sets a missing header).
            response.headers["Content-Language"] = language
            return response

        return wrapped

    return decorator


speak_ui_locales = speaking(authorization_request)
