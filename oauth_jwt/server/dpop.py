"""DPoP at the hub (RFC 9449 §5, §8, §10): proofs at the token endpoint, the keys codes
and public clients' refresh tokens are bound to, and who must use DPoP.

The token view checks the proof (``check_token_request``) before oauthlib sees the
request and hands the checked ``Proof`` on in the request's ``META``, which DOT copies
into the oauthlib request's headers (``proof_of``). ``DPoPMixin`` then refuses a client
that must use DPoP and sent no proof, and a bound code or refresh token redeemed without
its key; the access token gets ``cnf.jkt`` (``claims``) and the response ``token_type``
``DPoP``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from oauth2_provider.settings import oauth2_settings
from oauthlib.oauth2.rfc6749 import errors

from ..checksums import token_checksum
from ..conf import jwt_settings
from ..exceptions import InvalidDPoPProof, OAuthJWTError, TemporarilyUnavailable, UseDPoPNonce, oauth_error
from ..models import DPoPBinding
from ..resource import dpop
from ..resource.dpop_nonce import HEADER as NONCE_HEADER
from . import request_memo, tokens

# The key under which the token view hands the checked proof to the validator.
PROOF_KEY = "oauth_jwt.dpop"
# Error code of a refused proof (RFC 9449 §5), at the token endpoint with 400.
INVALID_PROOF = "invalid_dpop_proof"


def check_token_request(request: HttpRequest) -> dpop.Proof | None:
    """The token request's checked proof, or ``None`` without one; raises
    ``InvalidDPoPProof``. ``htu`` is the token endpoint as discovery publishes it (on
    the issuer's origin) or as this request reached it."""
    from .views.discovery import absolute_url

    raw = dpop.proof_from(request)
    if raw is None:
        return None
    urls = (absolute_url("oauth2_provider:token"), dpop.request_url(request))
    proof = dpop.verify_proof(raw, method=request.method, url=urls)
    request.META[PROOF_KEY] = proof
    return proof


def error_response(exc: OAuthJWTError) -> JsonResponse:
    """The token endpoint's answer to a refused proof: 400 (503 when replay cannot be
    checked), with a fresh ``DPoP-Nonce`` on ``use_dpop_nonce``."""
    headers = {}
    if isinstance(exc, UseDPoPNonce):
        headers[NONCE_HEADER] = exc.nonce
    if isinstance(exc, TemporarilyUnavailable):
        headers["Retry-After"] = str(exc.retry_after)
    status = 503 if isinstance(exc, TemporarilyUnavailable) else 400
    return oauth_error(exc.error, exc.description, status=status, headers=headers)


def proof_of(request) -> dpop.Proof | None:
    """The checked proof of the oauthlib ``request`` being served, if it came with one."""
    headers = getattr(request, "headers", None) or {}
    proof = headers.get(PROOF_KEY)
    return proof if isinstance(proof, dpop.Proof) else None


def required(client_id: str) -> bool:
    if jwt_settings.DPOP_REQUIRED:
        return True
    profile = request_memo.client_profile(client_id)
    return bool(profile is not None and profile.dpop_required)


def _refused(description: str, request) -> errors.CustomOAuth2Error:
    return errors.CustomOAuth2Error(error=INVALID_PROOF, description=description, status_code=400, request=request)


def bound_key(kind: str, checksum: str) -> str | None:
    """The thumbprint the code or token with ``checksum`` is bound to, if any."""
    bound = DPoPBinding.objects.filter(kind=kind, checksum=checksum).values_list("jkt", flat=True)
    return next(iter(bound), None)


def _check_bound(kind: str, secret: str, request) -> None:
    """Refuse a bound code or refresh token presented without a proof of its key."""
    jkt = bound_key(kind, token_checksum(secret))
    if jkt is None:
        return
    proof = proof_of(request)
    if proof is None:
        raise _refused("This grant is bound to a DPoP key: send a DPoP proof made with it.", request)
    if proof.jkt != jkt:
        raise _refused("The DPoP proof was made with another key than the grant is bound to.", request)


def _bind(kind: str, secret: str, jkt: str, expires_at=None) -> None:
    DPoPBinding.objects.update_or_create(
        kind=kind, checksum=token_checksum(str(secret)), defaults={"jkt": jkt, "expires_at": expires_at}
    )


class DPoPMixin:
    """Validator mixin: who must use DPoP, and bound codes and refresh tokens."""

    def validate_grant_type(self, client_id, grant_type, client, request, *args, **kwargs):
        # The first validator call after the client authenticated, on every grant.
        if not super().validate_grant_type(client_id, grant_type, client, request, *args, **kwargs):
            return False
        if proof_of(request) is None and required(client.client_id):
            raise _refused("This client must send a DPoP proof with its token requests.", request)
        return True

    def validate_code(self, client_id, code, client, request, *args, **kwargs):
        _check_bound(DPoPBinding.CODE, code, request)
        return super().validate_code(client_id, code, client, request, *args, **kwargs)

    def validate_refresh_token(self, refresh_token, client, request, *args, **kwargs):
        _check_bound(DPoPBinding.REFRESH_TOKEN, refresh_token, request)
        return super().validate_refresh_token(refresh_token, client, request, *args, **kwargs)

    def save_authorization_code(self, client_id, code, request, *args, **kwargs):
        """§10: ``dpop_jkt`` at the authorization endpoint binds the code."""
        jkt = getattr(request, "dpop_jkt", None)
        if jkt and not dpop.is_thumbprint(jkt):
            raise errors.InvalidRequestError(description="dpop_jkt is not a JWK SHA-256 thumbprint.", request=request)
        super().save_authorization_code(client_id, code, request, *args, **kwargs)
        if jkt:
            lifetime = timedelta(seconds=oauth2_settings.AUTHORIZATION_CODE_EXPIRE_SECONDS)
            _bind(DPoPBinding.CODE, code["code"], jkt, timezone.now() + lifetime)

    def _save_bearer_token(self, token, request, *args, **kwargs):
        result = super()._save_bearer_token(token, request, *args, **kwargs)
        proof = proof_of(request)
        if proof is not None:
            token["token_type"] = "DPoP"
            minted = tokens.minted(token.get("access_token"))
            if minted is not None:
                expires = datetime.fromtimestamp(minted.claims["exp"], tz=dt_timezone.utc)
                _bind(DPoPBinding.ACCESS_TOKEN, token["access_token"], proof.jkt, expires)
            # §5: a public client's refresh token is bound to the key; a confidential
            # client's is bound to its client authentication already.
            if token.get("refresh_token") and request.client.client_type == "public":
                _bind(DPoPBinding.REFRESH_TOKEN, token["refresh_token"], proof.jkt)
        return result


__all__ = ["DPoPMixin", "InvalidDPoPProof", "check_token_request", "error_response", "proof_of"]
