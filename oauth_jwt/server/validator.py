"""``OAUTH2_VALIDATOR_CLASS`` for DOT: JWT records in DOT's rows and stateless checks."""

from __future__ import annotations

import json
import logging
from datetime import datetime
from datetime import timezone as dt_timezone

import jwt
from django.db import transaction
from jwcrypto import jwk
from oauth2_provider.models import get_access_token_model
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauth2_provider.settings import oauth2_settings
from oauthlib.oauth2.rfc6749 import errors

from ..conf import jwt_settings
from ..exceptions import InvalidToken
from ..resource import signatures
from ..resource.authentication import authenticate_token, is_jwt, opaque_fallback
from . import request_memo, signing_keys, token_records, tokens
from .audience import AudienceMixin, default_audience
from .authparams import AuthorizationParamsMixin
from .client_policy import ClientPolicyMixin
from .device import DeviceGrantMixin
from .dpop import DPoPMixin
from .oidc_claims import OIDCClaimsMixin
from .people import PeopleMixin
from .prompt_none import SilentPromptMixin
from .redirects import RedirectURIPolicyMixin
from .replay import ReplayProtectionMixin
from .sessions import SessionMixin

logger = logging.getLogger(__name__)


class JWTOAuth2Validator(
    PeopleMixin,
    SessionMixin,
    ClientPolicyMixin,
    AudienceMixin,
    SilentPromptMixin,
    DPoPMixin,
    AuthorizationParamsMixin,
    OIDCClaimsMixin,
    DeviceGrantMixin,
    ReplayProtectionMixin,
    RedirectURIPolicyMixin,
    OAuth2Validator,
):
    # --- issuing -----------------------------------------------------------------------

    def validate_code(self, client_id, code, client, request, *args, **kwargs):
        valid = super().validate_code(client_id, code, client, request, *args, **kwargs)
        if valid:
            # The token's `aud` is computed before DOT would inherit the grant's
            # RFC 8707 resources (in _save_bearer_token), so inherit them now.
            self._check_and_set_request_resource(request)
        return valid

    def validate_refresh_token(self, refresh_token, client, request, *args, **kwargs):
        valid = super().validate_refresh_token(refresh_token, client, request, *args, **kwargs)
        if valid:
            self._check_and_set_request_resource(request)
        return valid

    def validate_scopes(self, client_id, scopes, client, request, *args, **kwargs):
        valid = super().validate_scopes(client_id, scopes, client, request, *args, **kwargs)
        if valid and getattr(request, "grant_type", None) == "client_credentials":
            self._check_and_set_request_resource(request)
        return valid

    def save_bearer_token(self, token, request, *args, **kwargs):
        """A refresh inside DOT's grace period answers with the previous row's ``token``
        column, which holds that JWT's record: hand out the JWT kept in it instead."""
        minted = tokens.minted(token.get("access_token"))
        super().save_bearer_token(token, request, *args, **kwargs)
        if minted is None or tokens.minted(token["access_token"]) is not None:
            return
        previous = token_records.decode(token["access_token"])
        if previous is None or previous.jwt is None:
            # Only with RFC 9700 token storage on, which DOT's own check refuses
            # (oauth2_provider.E001) together with a grace period.
            raise errors.InvalidGrantError(description="The refresh token was already used.", request=request)
        token["access_token"] = previous.jwt

    def _create_access_token(self, expires, request, token, source_refresh_token=None):
        """The row's expiry is the JWT's ``exp``; the row is remembered for the token view.
        Private: no public DOT hook sees the new row and the request together."""
        minted = tokens.minted(token["access_token"])
        if minted is not None:
            # The row's expiry is the JWT's `exp`, to the second.
            expires = datetime.fromtimestamp(minted.claims["exp"], tz=dt_timezone.utc)
        access_token = super()._create_access_token(expires, request, token, source_refresh_token)
        request_memo.remember_access_token(access_token)
        if minted is not None:
            logger.info(
                "access token issued",
                extra={
                    "event": "token.issued",
                    "jti": minted.claims["jti"],
                    "client_id": minted.claims["client_id"],
                    "kid": minted.kid,
                },
            )
        return access_token

    def _set_token_value(self, token_instance, raw_token):
        """The ``token`` column gets the JWT's record (``token_records.StoredRecord``), the
        checksum the JWT's SHA-256 (DOT's ``_raw_token``) in both storage modes, and the
        row keeps the resources only when they are not the client's default audience.
        Private: DOT has no public hook between the token dict and the row."""
        super()._set_token_value(token_instance, raw_token)
        minted = tokens.minted(raw_token)
        if minted is None or not isinstance(token_instance, get_access_token_model()):
            return
        keep_jwt = not oauth2_settings.COMPLIANT_BCP_RFC9700_TOKEN_STORAGE
        record = token_records.TokenRecord(
            minted.claims["jti"], minted.key_pk, minted.claims.get("auth_time"), str(raw_token) if keep_jwt else None
        )
        token_instance.token = record.encode()
        token_instance._raw_token = str(raw_token)
        # The client's default audience is implied (audience.of_row): not stored.
        if list(token_instance.resource or []) == [default_audience(minted.claims["client_id"])]:
            token_instance.resource = []

    # --- ID tokens come from the same key store --------------------------------------------

    def finalize_id_token(self, id_token, token, token_handler, request):
        claims, expiration_time = self.get_id_token_dictionary(token, token_handler, request)
        id_token.update(**claims)
        if "nonce" not in id_token and request.nonce:
            id_token["nonce"] = request.nonce
        key = signing_keys.signing_key()
        signed = jwt.encode(
            json.loads(json.dumps(id_token, default=str)),
            key.key,
            algorithm=key.algorithm,
            headers={"typ": "JWT", "kid": key.kid},
        )
        signed = signatures.canonical(signed, key.algorithm)
        with transaction.atomic():
            saved = self._save_id_token(id_token["jti"], request, expiration_time)
        request.access_token = saved
        request.id_token = saved
        return signed

    def _load_id_token(self, token):
        """Verify an ID token against the hub's keys and find its row.
        Private: DOT's ``validate_id_token`` and ``_create_access_token`` load through it alone."""
        from oauth2_provider.models import get_id_token_model

        try:
            header = jwt.get_unverified_header(token)
            key = signing_keys.public_key(str(header.get("kid", "")))
            if key is None or header.get("alg") != key.algorithm or header.get("typ") != "JWT":
                return None
            claims = jwt.decode(
                token,
                key.key,
                algorithms=[key.algorithm],
                issuer=jwt_settings.ISSUER,
                options={"verify_aud": False, "require": ["jti", "aud", "iss"]},
            )
            return get_id_token_model().objects.get(jti=claims["jti"])
        except (jwt.InvalidTokenError, ValueError, TypeError, get_id_token_model().DoesNotExist):
            return None

    def _get_key_for_token(self, token):
        """The hub key that signed ID token ``token`` (jwcrypto's JWK), else ``None``;
        DOT's own answers with the client's key, which signs nothing here.
        Private: DOT's RP-initiated logout asks only this for the ``id_token_hint``'s key."""
        try:
            header = jwt.get_unverified_header(token)
        except jwt.InvalidTokenError:
            return None
        key = signing_keys.public_key(str(header.get("kid", "")))
        if key is None or header.get("alg") != key.algorithm or header.get("typ") != "JWT":
            return None
        return jwk.JWK(**key.jwk)

    # --- resource-server checks through DOT's own views and backends --------------------------

    def validate_bearer_token(self, token, scopes, request):
        """Stateless for a JWT: the signature, the claims and the denylist; no token row
        is read until ``request.access_token.application``/``.user``/``.revoke()`` is used.
        A token that is not a JWT is an opaque one from before the upgrade: DOT's own
        check of its row, while ``OPAQUE_TOKEN_FALLBACK`` is on."""
        if not token:
            return False
        if not is_jwt(token) and opaque_fallback():
            return super().validate_bearer_token(token, scopes, request)
        try:
            user, auth = authenticate_token(token)
        except InvalidToken as exc:
            request.oauth2_error = {"error": exc.error, "error_description": exc.description}
            return False
        if not auth.allow_scopes(scopes):
            request.oauth2_error = {"error": "insufficient_scope", "error_description": "The token lacks a scope."}
            return False
        request.user = None if auth.is_client_token else user
        request.scopes = sorted(auth.scopes)
        request.access_token = auth
        return True

    def validate_jwt_bearer_token(self, token, scopes, request):
        """oauthlib's OIDC server sends every JWT-shaped bearer token here, for DOT to
        accept ID tokens as bearer tokens; only access tokens (``typ: at+jwt``) are."""
        return self.validate_bearer_token(token, scopes, request)
