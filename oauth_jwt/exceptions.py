"""The few errors oauth_jwt raises, each carrying its OAuth error code and status."""

from __future__ import annotations


class OAuthJWTError(Exception):
    error = "server_error"
    status_code = 500

    def __init__(self, description: str = "") -> None:
        super().__init__(description)
        self.description = description


class InvalidRequest(OAuthJWTError):
    error = "invalid_request"
    status_code = 400


class InvalidToken(OAuthJWTError):
    """RFC 6750 §3.1: the token is expired, revoked, malformed or otherwise invalid."""

    error = "invalid_token"
    status_code = 401


class InsufficientScope(OAuthJWTError):
    error = "insufficient_scope"
    status_code = 403
