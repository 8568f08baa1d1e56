"""``@require_token`` for plain Django views (with or without ``BearerTokenMiddleware``).

    @require_token(scopes=["read"])
    def report(request):
        return JsonResponse({"sub": request.auth.sub})

No token: 401 with ``WWW-Authenticate: Bearer realm="api"``. A bad token: 401
``invalid_token``. A good token without every scope named: 403 ``insufficient_scope``
with the scopes in the challenge (RFC 6750 §3.1). The view is CSRF-exempt: a bearer
token is not ambient authority that a browser would send on its own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps

from django.views.decorators.csrf import csrf_exempt

from .challenge import error_response, missing_token_response
from .exceptions import InsufficientScope
from .middleware import token_state


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
                return error_response(InsufficientScope("The access token lacks a required scope."), required)
            request.user = state.user
            request.auth = state.auth
            return func(request, *args, **kwargs)

        return csrf_exempt(wrapper)

    return decorate(view) if view is not None else decorate
