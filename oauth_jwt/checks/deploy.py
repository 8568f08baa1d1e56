"""Security posture checks, run by ``manage.py check --deploy``.

DEBUG itself is Django's ``security.W018`` and DOT's RFC 9700 switches are DOT's own
deploy warnings; these cover what only oauth_jwt knows. The checks that read the
database (signing keys, registered redirect URIs) run unless ``--database`` names other
aliases, and say nothing when the tables do not exist yet.
"""

from __future__ import annotations

import base64

from django.conf import settings
from django.core import checks
from django.db import DatabaseError
from django.utils.module_loading import import_string

from ..conf import jwt_settings
from ..loopback import is_plaintext_outside_loopback
from ..redaction import RedactCredentials
from ..subjects import could_be_a_persons_sub
from . import registry
from .ids import (
    W030_HTTP_ISSUER,
    W031_KEY_SECRET_DERIVED,
    W032_KEY_SECRET_WEAK,
    W033_PLACEHOLDER_SECRET_KEY,
    W034_RSA_KEY_SIZE,
    W035_HTTP_REDIRECT_URI,
    W037_PROCESS_LOCAL_CACHE,
    W038_LOGS_UNREDACTED,
    W045_CLIENT_ID_LIKE_SUBJECT,
    W046_OPEN_CIMD,
)

MIN_KEY_SECRET_LENGTH = 32
# DOT's default CIMD permission: any client id URL registers itself.
OPEN_CIMD_PERMISSION = "oauth2_provider.cimd.AllowAllCIMDPermission"
MIN_RSA_BITS = 2048


def _reads_default_db(databases) -> bool:
    return databases is None or "default" in databases


@registry.register(checks.Tags.security, deploy=True)
def check_issuer_and_secrets(app_configs=None, **kwargs):
    messages = []
    if is_plaintext_outside_loopback(jwt_settings.ISSUER or ""):
        messages.append(
            checks.Warning(
                f"The issuer {jwt_settings.ISSUER!r} is plain http: tokens, codes and sign-ins travel unencrypted.",
                hint="Serve the hub over https and set OAUTH_JWT['ISSUER'] to its https URL.",
                id=W030_HTTP_ISSUER,
            )
        )
    if "insecure" in settings.SECRET_KEY.lower():
        messages.append(
            checks.Warning(
                "SECRET_KEY is a placeholder: sessions, client-secret hashes and (unless a key-encryption "
                "secret is set) the private signing keys rest on a value anyone can read.",
                hint="Set SECRET_KEY to a long random value read from the environment, e.g. "
                "python -c 'import secrets; print(secrets.token_urlsafe(50))'.",
                id=W033_PLACEHOLDER_SECRET_KEY,
            )
        )
    if not registry.is_server():
        return messages
    if not jwt_settings.KEY_ENCRYPTION_SECRET_IS_SET:
        messages.append(
            checks.Warning(
                "OAUTH_JWT['KEY_ENCRYPTION_SECRET'] is not set: private signing keys are encrypted with a key "
                "derived from SECRET_KEY, so anyone with SECRET_KEY and a database copy can sign tokens.",
                hint="Set OAUTH_JWT['KEY_ENCRYPTION_SECRET'] to a separate random secret of 32+ characters, "
                "kept out of the database and the code, e.g. from "
                "python -c 'import secrets; print(secrets.token_urlsafe(48))'.",
                id=W031_KEY_SECRET_DERIVED,
            )
        )
    elif len(secret := jwt_settings.KEY_ENCRYPTION_SECRET) < MIN_KEY_SECRET_LENGTH or secret == settings.SECRET_KEY:
        messages.append(
            checks.Warning(
                "OAUTH_JWT['KEY_ENCRYPTION_SECRET'] is weak: shorter than "
                f"{MIN_KEY_SECRET_LENGTH} characters, or the same as SECRET_KEY.",
                hint="Use a separate random secret of 32+ characters.",
                id=W032_KEY_SECRET_WEAK,
            )
        )
    return messages


@registry.register(checks.Tags.security, deploy=True)
def check_open_cimd(app_configs=None, **kwargs):
    if not registry.is_server():
        return []
    from oauth2_provider.settings import oauth2_settings

    if not oauth2_settings.CIMD_ENABLED or OPEN_CIMD_PERMISSION not in _paths(
        oauth2_settings.CIMD_REGISTRATION_PERMISSION_CLASSES
    ):
        return []
    return [
        checks.Warning(
            "CIMD_ENABLED lets any https URL register itself as a client, on the authorization and "
            "token endpoints, with no one signed in; the hub then fetches that URL.",
            hint="Set CIMD_REGISTRATION_PERMISSION_CLASSES to oauth2_provider.cimd.HostAllowlistCIMDPermission "
            "with CIMD_ALLOWED_HOSTS, or leave CIMD_ENABLED off.",
            id=W046_OPEN_CIMD,
        )
    ]


def _paths(classes) -> set[str]:
    return {value if isinstance(value, str) else f"{value.__module__}.{value.__qualname__}" for value in classes}


@registry.register(checks.Tags.security, deploy=True)
def check_shared_caches(app_configs=None, **kwargs):
    uses = []
    # A resource server's per-process denylist is already an error (E091): one message per cause.
    if jwt_settings.REVOCATION_CHECK == "denylist" and not jwt_settings.is_remote:
        uses.append(("DENYLIST_CACHE", "revoked tokens stay valid in the other worker processes"))
    if registry.is_server():
        uses.append(("THROTTLE_CACHE", "each worker process gets its own client-authentication budget"))
    uses.append(("DPOP_REPLAY_CACHE", "a DPoP proof can be replayed (RFC 9449 §11.1)"))
    messages = []
    for name, effect in uses:
        local = registry.process_local(getattr(jwt_settings, name))
        if local:
            messages.append(
                checks.Warning(
                    f"OAUTH_JWT['{name}'] is {local}: with several workers, {effect}.",
                    hint="Point it at a shared cache in CACHES (Redis, Memcached or the database cache).",
                    id=W037_PROCESS_LOCAL_CACHE,
                )
            )
    return messages


@registry.register(checks.Tags.security, deploy=True)
def check_log_redaction(app_configs=None, **kwargs):
    """Handlers in ``LOGGING``, none with ``RedactCredentials``: oauthlib's and DOT's
    DEBUG records would reach them with codes, tokens and secrets in clear."""
    config = settings.LOGGING if settings.LOGGING_CONFIG == "logging.config.dictConfig" else None
    handlers = _section(config, "handlers")
    if not registry.is_server() or not handlers:
        return []
    redacting = {name for name, spec in _section(config, "filters").items() if _is_redaction(spec)}
    for handler in handlers.values():
        if any(f in redacting or isinstance(f, RedactCredentials) for f in _section(handler, "filters")):
            return []
    return [
        checks.Warning(
            "No handler in LOGGING has the filter oauth_jwt.redaction.RedactCredentials: at DEBUG, oauthlib "
            "and DOT log authorization codes, tokens and client secrets.",
            hint='Add "filters": {"redact_credentials": {"()": "oauth_jwt.redaction.RedactCredentials"}} to '
            'LOGGING and "filters": ["redact_credentials"] to each handler (docs/security.md).',
            id=W038_LOGS_UNREDACTED,
        )
    ]


def _section(config, name: str):
    """``config[name]`` of a ``LOGGING`` dict or one of its parts; empty when absent."""
    return (config.get(name) if isinstance(config, dict) else None) or {}


def _is_redaction(spec) -> bool:
    factory = spec.get("()") if isinstance(spec, dict) else None
    if isinstance(factory, str):
        try:
            factory = import_string(factory)
        except ImportError:
            return False
    return isinstance(factory, type) and issubclass(factory, RedactCredentials)


def _rsa_bits(jwk: dict) -> int:
    n = jwk.get("n", "")
    return int.from_bytes(base64.urlsafe_b64decode(n + "=" * (-len(n) % 4)), "big").bit_length()


@registry.register(checks.Tags.security, deploy=True)
def check_stored_keys_and_clients(app_configs=None, databases=None, **kwargs):
    if not registry.is_server() or not _reads_default_db(databases):
        return []
    from oauth2_provider.models import get_application_model

    from ..models import SigningKey

    messages = []
    if jwt_settings.RSA_KEY_SIZE < MIN_RSA_BITS:
        messages.append(_weak_rsa(f"OAUTH_JWT['RSA_KEY_SIZE'] = {jwt_settings.RSA_KEY_SIZE}"))
    try:
        published = SigningKey.objects.exclude(state=SigningKey.State.REVOKED).filter(algorithm__in=("RS256", "PS256"))
        weak = [key.kid for key in published if _rsa_bits(key.public_jwk) < MIN_RSA_BITS]
        clients = list(get_application_model().objects.values_list("client_id", "redirect_uris"))
        plaintext = [
            client_id
            for client_id, uris in clients
            if any(is_plaintext_outside_loopback(uri) for uri in (uris or "").split())
        ]
        like_subjects = [client_id for client_id, _ in clients if could_be_a_persons_sub(client_id)]
    except DatabaseError:
        return messages
    if weak:
        messages.append(_weak_rsa(f"signing keys {', '.join(weak)}"))
    if plaintext:
        messages.append(
            checks.Warning(
                f"Clients {', '.join(plaintext)} registered http redirect URIs outside the loopback interface; "
                "the authorization endpoint refuses them.",
                hint="Register https redirect URIs (http only for 127.0.0.1, [::1] or localhost, RFC 8252).",
                id=W035_HTTP_REDIRECT_URI,
            )
        )
    if like_subjects:
        messages.append(
            checks.Warning(
                f"Clients {', '.join(map(repr, like_subjects))} have ids a person's 'sub' could have; "
                "they cannot authenticate (RFC 9068 §5).",
                hint="Register them again under another client id (one a user's primary key cannot be).",
                id=W045_CLIENT_ID_LIKE_SUBJECT,
            )
        )
    return messages


def _weak_rsa(what: str) -> checks.Warning:
    return checks.Warning(
        f"RSA keys under {MIN_RSA_BITS} bits: {what}.",
        hint="Generate RSA keys of 2048 bits or more and revoke the weak ones (manage.py rotatekeys).",
        id=W034_RSA_KEY_SIZE,
    )
