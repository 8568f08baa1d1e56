"""DRF authentication and scope permissions for resource servers:
``Authorization: Bearer <RFC 9068 JWT>``, without django-oauth-toolkit installed.

    class ReportView(APIView):
        authentication_classes = [JWTAuthentication]
        permission_classes = [HasScope("read")]        # or TokenHasScope + required_scopes

A missing token answers 401 with a ``Bearer`` and a ``DPoP`` challenge (only ``DPoP``
with ``DPOP_REQUIRED``); a bad one with a ``WWW-Authenticate: Bearer`` challenge
(``DPoP`` where the request or the token used DPoP, or ``DPOP_REQUIRED`` is on); a
good token without the scopes answers 403 ``insufficient_scope`` naming them; a token
whose revocation cannot be checked right now answers 503 with ``Retry-After``.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication
from rest_framework.permissions import BasePermission

from ..exceptions import InvalidToken, TemporarilyUnavailable, UseDPoPNonce
from .authentication import TokenAuth, authenticate_request, scope_error
from .dpop_nonce import HEADER as NONCE_HEADER
from .error_responses import challenge, www_authenticate

__all__ = ["HasScope", "InsufficientScope", "JWTAuthentication", "TokenHasScope", "www_authenticate"]


class JWTAuthentication(BaseAuthentication):
    """Stateless check of the token (plus the revocation check the settings ask for).

    ``request.user`` is resolved lazily from ``sub``; ``request.auth`` is a
    ``TokenAuth`` that quacks like DOT's ``AccessToken``."""

    def authenticate(self, request):
        try:
            return authenticate_request(request)
        except InvalidToken as exc:
            request._oauth_jwt_error = exc
            if isinstance(exc, UseDPoPNonce):
                _add_header(request, NONCE_HEADER, exc.nonce)
            raise exceptions.AuthenticationFailed(exc.description) from None
        except TemporarilyUnavailable as exc:
            raise ServiceUnavailable(exc) from None

    def authenticate_header(self, request):
        error = getattr(request, "_oauth_jwt_error", None)
        if error is None:
            return www_authenticate()
        return challenge(error)


def _add_header(request, name: str, value: str) -> None:
    """A header on the error response DRF builds: ``APIView.finalize_response`` copies
    the view's ``headers`` into every response, the exception's too."""
    view = (getattr(request, "parser_context", None) or {}).get("view")
    if view is not None and isinstance(getattr(view, "headers", None), dict):
        view.headers[name] = value


class ServiceUnavailable(exceptions.APIException):
    """503 with ``Retry-After`` (DRF's handler sets it from ``wait``): the token could
    not be checked right now, which says nothing about the token."""

    status_code = 503
    default_code = "temporarily_unavailable"

    def __init__(self, cause: TemporarilyUnavailable) -> None:
        super().__init__(cause.description, self.default_code)
        self.wait = cause.retry_after


class InsufficientScope(exceptions.PermissionDenied):
    """403 with the RFC 6750 challenge (DRF's handler copies ``auth_header`` into it)."""

    default_detail = "The access token lacks a required scope."
    default_code = "insufficient_scope"

    def __init__(self, scopes, auth=None) -> None:
        super().__init__()
        self.auth_header = challenge(scope_error(auth, self.default_detail), scopes)


def _check(request, scopes) -> bool:
    auth = request.auth
    if not isinstance(auth, TokenAuth):
        # No token: DRF answers 401 with JWTAuthentication's challenge.
        return False
    if not auth.allow_scopes(scopes):
        raise InsufficientScope(scopes, auth)
    return True


class TokenHasScope(BasePermission):
    """DOT's ``TokenHasScope`` contract: every scope in the view's ``required_scopes``
    (or ``get_required_scopes()``) must be granted."""

    def has_permission(self, request, view) -> bool:
        if hasattr(view, "get_required_scopes"):
            scopes = list(view.get_required_scopes())
        else:
            scopes = list(getattr(view, "required_scopes", None) or [])
        if not scopes:
            raise ImproperlyConfigured("TokenHasScope needs the view's required_scopes.")
        return _check(request, scopes)


class HasScope(BasePermission):
    """``permission_classes = [HasScope("read", "write")]``: every named scope is required.

    An instance stands in for a class: DRF calls it to get the permission object
    (``SomePermission & HasScope("a")`` works too). A missing scope raises, so that
    the 403 carries the challenge; that is why it is not meant for ``|``."""

    def __init__(self, *scopes: str) -> None:
        if not scopes:
            raise ValueError("HasScope needs at least one scope.")
        self.scopes = list(scopes)

    def __call__(self) -> HasScope:
        return self

    def has_permission(self, request, view) -> bool:
        return _check(request, self.scopes)
