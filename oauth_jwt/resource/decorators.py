"""Plain Django views that accept bearer tokens (see ``BearerTokenMiddleware``).

    @require_token(scopes=["read"])
    def report(request):
        return JsonResponse({"sub": request.auth.sub})

``@require_token``: no token, 401 with ``WWW-Authenticate: Bearer realm="api", DPoP
realm="api", algs="..."`` (only the ``DPoP`` one with ``DPOP_REQUIRED``); a bad
token, 401 ``invalid_token``; a good token without every scope named, 403
``insufficient_scope`` with the scopes in the challenge (RFC 6750 §3.1). It works with or
without the middleware. The view is CSRF-exempt: only a bearer token gets through, and
a bearer token is not ambient authority that a browser would send on its own.

``@accept_token`` (``AcceptTokenMixin`` for class-based views): the view also serves
requests without a token (the session's user, CSRF-checked); with ``Authorization:
Bearer``, ``BearerTokenMiddleware`` makes ``request.user``/``request.auth`` the token's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps

from django.views.decorators.csrf import csrf_exempt

from .authentication import scope_error
from .error_responses import error_response, missing_token_response
from .middleware import mark_accepts_token, token_state


def accept_token(view: Callable) -> Callable:
    """Let ``BearerTokenMiddleware`` authenticate this view's bearer-token requests."""
    return mark_accepts_token(view)


class AcceptTokenMixin:
    """``accept_token`` for a class-based view (put it first among the bases)."""

    @classmethod
    def as_view(cls, **initkwargs):
        return accept_token(super().as_view(**initkwargs))


def require_token(view: Callable | None = None, *, scopes: Iterable[str] = ()) -> Callable:
    """Let the view run only for a valid bearer token carrying every scope in ``scopes``."""
    required = tuple(scopes)

    def decorate(func: Callable) -> Callable:
        @wraps(func)
        def wrapper(request, *args, **kwargs):
            state = token_state(request)
            if state.error is not None:
                return error_response(state.error)
            if state.auth is None:
                return missing_token_response()
            if not state.auth.allow_scopes(required):
                return error_response(scope_error(state.auth), required)
            request.user = state.user
            request.auth = state.auth
            return func(request, *args, **kwargs)

        return accept_token(csrf_exempt(wrapper))

    return decorate(view) if view is not None else decorate
