"""DRF authentication for resource servers: ``Authorization: Bearer <RFC 9068 JWT>``."""

from __future__ import annotations

from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication

from ..bearer import authenticate_request
from ..exceptions import InvalidToken


def www_authenticate(error: str | None = None, description: str | None = None) -> str:
    value = 'Bearer realm="api"'
    if error:
        value += f', error="{error}"'
        if description:
            value += ', error_description="{}"'.format(description.replace('"', "'"))
    return value


class JWTAuthentication(BaseAuthentication):
    """Stateless check of the token (plus the revocation check the settings ask for).

    ``request.user`` is resolved lazily from ``sub``; ``request.auth`` is a
    ``TokenAuth`` that quacks like DOT's ``AccessToken``."""

    def authenticate(self, request):
        try:
            return authenticate_request(request)
        except InvalidToken as exc:
            request._oauth_jwt_error = exc
            raise exceptions.AuthenticationFailed(exc.description) from None

    def authenticate_header(self, request):
        error = getattr(request, "_oauth_jwt_error", None)
        if error is None:
            return www_authenticate()
        return www_authenticate(error.error, error.description)
