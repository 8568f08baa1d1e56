"""``BearerTokenMiddleware``: ``request.user`` and ``request.auth`` from a bearer token,
for the plain Django views that opt in. Put it after Django's ``AuthenticationMiddleware``
(before it works too: the token's user is set again once every middleware has run).

A view opts in with ``@accept_token`` (or ``AcceptTokenMixin``, or ``@require_token``),
or by its path starting with one of ``OAUTH_JWT["BEARER_PATHS"]``. Every other view,
and always the admin and oauth_jwt's own pages, keep the session's user and
``request.auth`` is ``None``: a token a person granted to some app never becomes their
admin session.

On a view that opted in, nothing is verified until ``request.user`` or ``request.auth``
is first used. Without an ``Authorization: Bearer`` header the request is left as it
was (a session user stays, CSRF checks apply). With one, ``request.user`` is the token's
user (``AnonymousUser`` if the token is bad, never the session's) and ``request.auth``
the verified ``TokenAuth`` (falsy if the token is bad); such a request carries no
ambient authority, so it is not subject to CSRF checks. The middleware never refuses a
request itself: ``oauth_jwt.resource.decorators.require_token`` answers with RFC 6750 errors.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.models import AnonymousUser
from django.urls import Resolver404, resolve
from django.utils.functional import SimpleLazyObject

from ..conf import jwt_settings
from ..exceptions import OAuthJWTError
from .authentication import SCHEMES, authenticate_request

# Set on a view function by ``accept_token``.
OPT_IN_ATTRIBUTE = "oauth_jwt_accepts_token"
# Session-based views that no path setting can open to bearer tokens: matched by app name
# too, since an ``AdminSite(name="staff")`` is the admin under another instance namespace.
NEVER_NAMESPACES = frozenset({"admin", "oauth_jwt", "oauth2_provider"})


class TokenState:
    """The outcome of checking a request's bearer token, computed once, on first use."""

    def __init__(self, request) -> None:
        self._request = request
        self._done = False
        self.present = False
        self.user = None
        self.auth = None
        self.error: OAuthJWTError | None = None

    def resolve(self) -> TokenState:
        if self._done:
            return self
        self._done = True
        try:
            found = authenticate_request(self._request)
            if found is None:
                return self
            self.present = True
            self.user, self.auth = found
        except OAuthJWTError as exc:
            self.present = True
            self.error = exc
            self.user = AnonymousUser()
        return self


def token_state(request) -> TokenState:
    """The request's ``TokenState`` (shared by the middleware and the decorators)."""
    state = getattr(request, "_oauth_jwt_state", None)
    if state is None:
        state = request._oauth_jwt_state = TokenState(request)
    return state.resolve()


def mark_accepts_token(view: Callable) -> Callable:
    setattr(view, OPT_IN_ATTRIBUTE, True)
    return view


def _bearer_header(request) -> bool:
    return request.META.get("HTTP_AUTHORIZATION", "").partition(" ")[0].lower() in SCHEMES


def accepts_token(request) -> bool:
    """Whether the view this request is routed to opted in to bearer tokens."""
    path = request.path_info
    try:
        match = resolve(path, getattr(request, "urlconf", None))
    except Resolver404:
        return False
    if NEVER_NAMESPACES.intersection([*match.namespaces, *match.app_names]):
        return False
    if getattr(match.func, OPT_IN_ATTRIBUTE, False):
        return True
    return any(path.startswith(prefix) for prefix in jwt_settings.BEARER_PATHS)


class BearerTokenMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        request.auth = None
        if not hasattr(request, "user"):
            request.user = AnonymousUser()
        header = _bearer_header(request)
        # A token in the query string is refused (AnonymousUser), but only a header, which
        # no cross-site form can set, lifts the CSRF check. The path is resolved here so
        # that this is decided before CsrfViewMiddleware's process_view runs.
        request._oauth_jwt_bearer = (header or "access_token" in request.GET) and accepts_token(request)
        if request._oauth_jwt_bearer:
            _use_token(request)
            if header:
                # Authenticated by the token alone, never by a cookie a browser adds by itself.
                request._dont_enforce_csrf_checks = True
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        # Again: an AuthenticationMiddleware listed after this one put the session's user back.
        if request._oauth_jwt_bearer:
            _use_token(request)


def _use_token(request) -> None:
    request.user = SimpleLazyObject(lambda: token_state(request).user)
    request.auth = SimpleLazyObject(lambda: token_state(request).auth)
