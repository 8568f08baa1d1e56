"""The few errors oauth_jwt raises, each carrying its OAuth error code and status, and
``oauth_error()``, the one way either half answers with an OAuth error body."""

from __future__ import annotations

from collections.abc import Mapping

from django.http import JsonResponse


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
    # The scheme of the 401's challenge: "DPoP" when the request or the token used DPoP.
    scheme = "Bearer"


class InvalidDPoPProof(InvalidToken):
    """RFC 9449 §7.1 (401 at a resource server) and §5 (400 at the token endpoint): the
    DPoP proof is missing, malformed, or not for this request or this token."""

    error = "invalid_dpop_proof"
    scheme = "DPoP"


class UseDPoPNonce(InvalidDPoPProof):
    """RFC 9449 §8/§9: the proof must carry the nonce sent in the ``DPoP-Nonce`` header."""

    error = "use_dpop_nonce"

    def __init__(self, description: str, nonce: str) -> None:
        super().__init__(description)
        self.nonce = nonce


class InsufficientScope(OAuthJWTError):
    error = "insufficient_scope"
    status_code = 403


class TemporarilyUnavailable(OAuthJWTError):
    """503: the token may be good, but this server cannot tell right now (the denylist
    or the hub is unreachable). Never a 401: the client did nothing wrong."""

    error = "temporarily_unavailable"
    status_code = 503

    def __init__(self, description: str = "", retry_after: int = 5) -> None:
        super().__init__(description)
        self.retry_after = retry_after


def oauth_error(
    error: str, description: str = "", *, status: int = 400, headers: Mapping[str, str] | None = None
) -> JsonResponse:
    """The OAuth error body (RFC 6749 §5.2: ``error``, and ``error_description`` when
    there is one), never cached."""
    body = {"error": error, "error_description": description} if description else {"error": error}
    response = JsonResponse(body, status=status, headers=headers)
    response["Cache-Control"] = "no-store"
    return response
