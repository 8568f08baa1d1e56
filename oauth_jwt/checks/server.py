"""The hub: DOT must be wired to oauth_jwt (see ``server.provider_settings``)."""

from __future__ import annotations

from django.core import checks
from django.utils.module_loading import import_string

from ..conf import jwt_settings
from . import registry
from .ids import (
    E002_ACCESS_GENERATOR,
    E003_REFRESH_GENERATOR,
    E004_VALIDATOR,
    E005_ISSUER_MISMATCH,
    E006_DEFAULT_AUDIENCE,
    E011_ROTATION,
    E040_DEVICE_CODE_LOADER,
    E070_HS256_CLIENTS,
)

OWN_GENERATOR = "oauth_jwt.server.tokens.generate_access_token"


@registry.register(checks.Tags.compatibility)
def check_server(app_configs=None, **kwargs):
    """On an authorization server, DOT must be wired to oauth_jwt (see server.provider_settings)."""
    if not registry.is_server():
        return []
    from oauth2_provider.settings import oauth2_settings

    from ..server.validator import JWTOAuth2Validator

    user = oauth2_settings.user_settings or {}
    errors = []
    if not registry.names(user.get("ACCESS_TOKEN_GENERATOR"), OWN_GENERATOR):
        errors.append(
            checks.Error(
                "DOT does not issue oauth_jwt's RFC 9068 access tokens.",
                hint=f"Set OAUTH2_PROVIDER['ACCESS_TOKEN_GENERATOR'] = {OWN_GENERATOR!r} "
                "(oauth_jwt.server.provider_settings() does).",
                id=E002_ACCESS_GENERATOR,
            )
        )
    refresh = user.get("REFRESH_TOKEN_GENERATOR")
    if not refresh or registry.names(refresh, OWN_GENERATOR):
        errors.append(
            checks.Error(
                "Refresh tokens would be JWTs: DOT falls back to the access-token generator.",
                hint="Set OAUTH2_PROVIDER['REFRESH_TOKEN_GENERATOR'] = "
                "'oauthlib.oauth2.rfc6749.tokens.random_token_generator'.",
                id=E003_REFRESH_GENERATOR,
            )
        )
    validator = user.get("OAUTH2_VALIDATOR_CLASS", "")
    try:
        validator_cls = import_string(validator) if isinstance(validator, str) and validator else validator
    except ImportError:
        validator_cls = None
    if not (isinstance(validator_cls, type) and issubclass(validator_cls, JWTOAuth2Validator)):
        errors.append(
            checks.Error(
                "OAUTH2_PROVIDER['OAUTH2_VALIDATOR_CLASS'] must be oauth_jwt's validator or a subclass.",
                hint="Set it to 'oauth_jwt.server.validator.JWTOAuth2Validator'.",
                id=E004_VALIDATOR,
            )
        )
    if oauth2_settings.OIDC_ISS_ENDPOINT != jwt_settings.ISSUER:
        errors.append(
            checks.Error(
                "OAUTH2_PROVIDER['OIDC_ISS_ENDPOINT'] differs from OAUTH_JWT['ISSUER']: ID tokens, "
                "access tokens and metadata would name different issuers.",
                hint="Give both the same value.",
                id=E005_ISSUER_MISMATCH,
            )
        )
    if not jwt_settings.DEFAULT_AUDIENCE:
        errors.append(
            checks.Error(
                "OAUTH_JWT['DEFAULT_AUDIENCE'] is empty: tokens requested without an RFC 8707 "
                "resource would have no 'aud'.",
                hint="Set it to the identifier (URL) of your main API.",
                id=E006_DEFAULT_AUDIENCE,
            )
        )
    if not oauth2_settings.ROTATE_REFRESH_TOKEN:
        errors.append(
            checks.Error(
                "OAUTH2_PROVIDER['ROTATE_REFRESH_TOKEN'] is off: a refreshed token would reuse "
                "the old row and its JWT record.",
                hint="Leave ROTATE_REFRESH_TOKEN at True.",
                id=E011_ROTATION,
            )
        )
    errors.extend(_check_device_grant(oauth2_settings))
    return errors


def _check_device_grant(oauth2_settings) -> list[checks.CheckMessage]:
    """Where the device grant is served, its codes are found by ``oauth_jwt.server.device``:
    DOT's own hook answers an unknown code with a 500 and binds nothing."""
    from ..server.device import DEVICE_CODE_GRANT, load_device_grant

    if DEVICE_CODE_GRANT not in oauth2_settings.OAUTH2_GRANT_TYPES_SUPPORTED:
        return []
    if load_device_grant in (oauth2_settings.OAUTH_PRE_TOKEN_VALIDATION or []):
        return []
    return [
        checks.Error(
            "OAUTH2_PROVIDER['OAUTH_PRE_TOKEN_VALIDATION'] does not load device codes through oauth_jwt: "
            "device codes would not be bound to their client nor redeemed only once.",
            hint="Include oauth_jwt.server.device.load_device_grant in it (oauth_jwt.server.provider_settings() does).",
            id=E040_DEVICE_CODE_LOADER,
        )
    ]


@registry.register(checks.Tags.security, checks.Tags.database)
def check_id_token_algorithms(app_configs=None, databases=None, **kwargs):
    """HS256 ID tokens are signed with the client's secret, which the hub keeps hashed.
    It reads the clients, so it runs where Django runs database checks: ``migrate`` and
    ``check --database default``."""
    if not registry.is_server() or not databases:
        return []
    from django.db import DatabaseError
    from oauth2_provider.models import get_application_model

    model = get_application_model()
    try:
        hs256 = list(model.objects.filter(algorithm=model.HS256_ALGORITHM).values_list("client_id", flat=True))
    except DatabaseError:
        return []
    if not hs256:
        return []
    return [
        checks.Error(
            f"Clients {', '.join(hs256)} ask for HS256 ID tokens, signed with their client secret, "
            "which the hub keeps only hashed; the hub signs ID tokens with its own keys.",
            hint="Empty their algorithm in the admin; clients verify ID tokens with the hub's JWK set.",
            id=E070_HS256_CLIENTS,
        )
    ]
