"""``BearerTokenMiddleware``: ``request.user`` and ``request.auth`` from a bearer token,
for plain Django views. Put it after Django's ``AuthenticationMiddleware``.

Nothing is verified until ``request.user`` or ``request.auth`` is first used. Without
an ``Authorization: Bearer`` header the request is left as it was (a session user stays)
and ``request.auth`` is ``None``. With one, ``request.user`` is the token's user
(``AnonymousUser`` if the token is bad) and ``request.auth`` the verified ``TokenAuth``
(falsy if the token is bad). The middleware never refuses a request itself: protect
views with ``oauth_jwt.decorators.require_token``, which answers with RFC 6750 errors.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.utils.functional import SimpleLazyObject

from .bearer import authenticate_token, get_token_from_request
from .exceptions import OAuthJWTError


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
            raw = get_token_from_request(self._request)
            if raw is None:
                return self
            self.present = True
            self.user, self.auth = authenticate_token(raw)
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


def _has_bearer(request) -> bool:
    scheme = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")[0]
    return scheme.lower() == "bearer" or "access_token" in request.GET


class BearerTokenMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        if _has_bearer(request):
            request.user = SimpleLazyObject(lambda: token_state(request).user)
            request.auth = SimpleLazyObject(lambda: token_state(request).auth)
        else:
            request.auth = None
            if not hasattr(request, "user"):
                request.user = AnonymousUser()
        return self.get_response(request)
