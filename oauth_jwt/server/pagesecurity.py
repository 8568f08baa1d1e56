"""Response headers for every oauth_jwt page that a person sees or types into.

Set on the response by the view itself, so the pages stay framed-out, uncached and
script-free in any project that installs oauth_jwt, whatever its middleware.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from urllib.parse import urlsplit

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

CSP_HEADER = "Content-Security-Policy"
# Not "no-referrer": under it browsers send ``Origin: null`` with every form POST, which
# Django's CSRF origin check refuses (sign-in and consent stop working in a real
# browser). "same-origin" still sends nothing to any other site, so authorization URLs
# (state, code_challenge) never leak to a client's homepage or logo host.
REFERRER_POLICY = "same-origin"


def content_security_policy(form_targets: Iterable[str] = ()) -> str:
    """The pages' policy: own assets only, https logos, no framing, no plugins.

    ``form_targets`` are extra origins a form may end up at: browsers apply
    ``form-action`` to the redirects that follow a POST, and the consent form's POST
    is answered with a redirect to the client.
    """
    form_action = " ".join(["'self'", *form_targets])
    return (
        "default-src 'self'; img-src 'self' https:; object-src 'none'; base-uri 'none'; "
        f"form-action {form_action}; frame-ancestors 'none'"
    )


def redirect_origin(uri: str) -> str:
    """The CSP source expression that covers a redirect URI (scheme only for custom schemes)."""
    parts = urlsplit(uri)
    if parts.scheme in ("http", "https"):
        return f"{parts.scheme}://{parts.netloc}"
    return f"{parts.scheme}:"


def secure(response: HttpResponse) -> HttpResponse:
    """Add the page headers; a policy the view already set (consent) is kept."""
    response["X-Frame-Options"] = "DENY"
    response.headers.setdefault(CSP_HEADER, content_security_policy())
    response["Referrer-Policy"] = REFERRER_POLICY
    response["X-Content-Type-Options"] = "nosniff"
    add_never_cache_headers(response)
    return response


def secure_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """View decorator: the page headers on every response of ``view``, errors included."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        return secure(view(request, *args, **kwargs))

    return wrapper
