"""``manage.py check --deploy`` flags an unsafe posture; each check is tested by a direct
call, through the command, and for its registration as a deploy-only check."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core import checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from oauth_jwt.checks import deploy as deploy_checks
from oauth_jwt.checks.ids import (
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
from oauth_jwt.models import SigningKey
from oauth_jwt.redaction import RedactCredentials

from ..conftest import make_client

pytestmark = pytest.mark.django_db

STRONG_SECRET = "k" * 16 + "7f3a9c2e1b5d4f6a8c0e2b4d6f8a0c2e"
SAFE = {
    "ISSUER": "https://auth.example.com",
    "KEY_ENCRYPTION_SECRET": STRONG_SECRET,
}
REDIS = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:6379/9"}}


@pytest.fixture
def production(settings, oauth_jwt_settings):
    """A configuration that passes every oauth_jwt deploy check."""
    oauth_jwt_settings(**SAFE)
    settings.OAUTH2_PROVIDER = {**settings.OAUTH2_PROVIDER, "OIDC_ISS_ENDPOINT": SAFE["ISSUER"]}
    settings.SECRET_KEY = "s" * 10 + "0b8e7d6c5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b"
    settings.CACHES = REDIS
    return settings


def ids(messages) -> set[str]:
    return {m.id for m in messages}


def run_all() -> set[str]:
    found = set()
    for check in (
        deploy_checks.check_issuer_and_secrets,
        deploy_checks.check_open_cimd,
        deploy_checks.check_shared_caches,
        deploy_checks.check_stored_keys_and_clients,
        deploy_checks.check_log_redaction,
    ):
        found |= ids(check())
    return found


def command_output(*args) -> str:
    out, err = StringIO(), StringIO()
    try:
        call_command("check", "--deploy", *args, stdout=out, stderr=err)
    except SystemCheckError as exc:
        return str(exc) + out.getvalue() + err.getvalue()
    return out.getvalue() + err.getvalue()


def test_a_production_configuration_passes(production):
    assert run_all() == set()
    assert "oauth_jwt.W0" not in command_output()


def test_the_demo_defaults_are_flagged(settings):
    """authhub with no environment: placeholder SECRET_KEY, no key-encryption secret,
    a process-local cache (the http issuer is loopback, which is fine)."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    found = run_all()
    assert {W031_KEY_SECRET_DERIVED, W033_PLACEHOLDER_SECRET_KEY, W037_PROCESS_LOCAL_CACHE} <= found
    assert W030_HTTP_ISSUER not in found
    output = command_output()
    for check_id in (W031_KEY_SECRET_DERIVED, W033_PLACEHOLDER_SECRET_KEY, W037_PROCESS_LOCAL_CACHE):
        assert check_id in output


def test_checks_are_registered_for_deploy_only():
    deploy = checks.registry.registry.get_checks(include_deployment_checks=True)
    everyday = checks.registry.registry.get_checks(include_deployment_checks=False)
    for check in (
        deploy_checks.check_issuer_and_secrets,
        deploy_checks.check_open_cimd,
        deploy_checks.check_shared_caches,
        deploy_checks.check_stored_keys_and_clients,
        deploy_checks.check_log_redaction,
    ):
        assert check in deploy and check not in everyday
        assert "security" in check.tags


def test_debug_is_flagged_by_django(production):
    production.DEBUG = True
    assert "security.W018" in command_output()


@pytest.mark.parametrize("issuer", ["http://auth.example.com", "http://10.0.0.5:8000"])
def test_w030_plain_http_issuer(production, oauth_jwt_settings, issuer):
    oauth_jwt_settings(ISSUER=issuer)
    production.OAUTH2_PROVIDER = {**production.OAUTH2_PROVIDER, "OIDC_ISS_ENDPOINT": issuer}
    assert W030_HTTP_ISSUER in ids(deploy_checks.check_issuer_and_secrets())
    assert W030_HTTP_ISSUER in command_output()


@pytest.mark.parametrize("issuer", ["http://127.0.0.1:8000", "http://localhost:8000", "http://[::1]:8000"])
def test_w030_loopback_http_issuer_is_fine(production, oauth_jwt_settings, issuer):
    oauth_jwt_settings(ISSUER=issuer)
    assert W030_HTTP_ISSUER not in ids(deploy_checks.check_issuer_and_secrets())


def test_w031_key_encryption_secret_unset(production, oauth_jwt_settings):
    oauth_jwt_settings(KEY_ENCRYPTION_SECRET=None)
    assert ids(deploy_checks.check_issuer_and_secrets()) == {W031_KEY_SECRET_DERIVED}
    assert W031_KEY_SECRET_DERIVED in command_output()


@pytest.mark.parametrize("secret", ["short-secret", "same"])
def test_w032_weak_key_encryption_secret(production, oauth_jwt_settings, secret):
    value = production.SECRET_KEY if secret == "same" else secret
    oauth_jwt_settings(KEY_ENCRYPTION_SECRET=value)
    assert ids(deploy_checks.check_issuer_and_secrets()) == {W032_KEY_SECRET_WEAK}
    assert W032_KEY_SECRET_WEAK in command_output()


def test_w033_placeholder_secret_key(production):
    production.SECRET_KEY = "django-insecure-" + "x" * 50
    assert W033_PLACEHOLDER_SECRET_KEY in ids(deploy_checks.check_issuer_and_secrets())
    assert W033_PLACEHOLDER_SECRET_KEY in command_output()


def test_w034_rsa_key_size_setting(production, oauth_jwt_settings):
    oauth_jwt_settings(RSA_KEY_SIZE=1024)
    assert ids(deploy_checks.check_stored_keys_and_clients()) == {W034_RSA_KEY_SIZE}
    assert W034_RSA_KEY_SIZE in command_output()


def test_w034_stored_rsa_key_under_2048_bits(production):
    from cryptography.hazmat.primitives.asymmetric import rsa
    from jwt.algorithms import RSAAlgorithm

    small = rsa.generate_private_key(public_exponent=65537, key_size=1024).public_key()
    SigningKey.objects.create(
        kid="weak-key",
        algorithm="RS256",
        state=SigningKey.State.RETIRED,
        public_jwk=RSAAlgorithm.to_jwk(small, as_dict=True),
        encrypted_private_key="-",
    )
    messages = deploy_checks.check_stored_keys_and_clients()
    assert ids(messages) == {W034_RSA_KEY_SIZE} and "weak-key" in messages[0].msg
    assert "weak-key" in command_output()
    # Other databases asked for: the default one is left alone.
    assert deploy_checks.check_stored_keys_and_clients(databases=["other"]) == []


def test_w035_plain_http_redirect_uri_outside_loopback(production):
    make_client("authorization-code", redirect_uris="http://127.0.0.1:8765/cb https://app.example.com/cb")
    assert W035_HTTP_REDIRECT_URI not in ids(deploy_checks.check_stored_keys_and_clients())
    bad = make_client("authorization-code", redirect_uris="https://ok.example.com/cb http://app.example.com/cb")
    messages = deploy_checks.check_stored_keys_and_clients()
    assert ids(messages) == {W035_HTTP_REDIRECT_URI} and bad.client_id in messages[0].msg
    assert W035_HTTP_REDIRECT_URI in command_output()


def test_w035_such_a_redirect_uri_is_refused_at_runtime(client, user):
    c = make_client("authorization-code", redirect_uris="http://app.example.com/cb")
    client.force_login(user)
    query = {
        "response_type": "code",
        "client_id": c.client_id,
        "redirect_uri": "http://app.example.com/cb",
        "code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
        "code_challenge_method": "S256",
    }
    response = client.get("/o/authorize/", query)
    assert response.status_code == 400 and "Location" not in response


# oauth_jwt.W036 repeated DOT's own deploy warnings: a behaviour switch that is off, or a
# validation switch that is off while the setting it covers is unsafe.
DOT_GATES = [
    {"COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": False},
    {"COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": False},
    {"COMPLIANT_BCP_RFC9700_PKCE_METHOD": False},
    {"COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": False},
    {"COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": False},
    {"COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": False},
    {"COMPLIANT_BCP_RFC9700_REFRESH_TOKEN": False, "REFRESH_TOKEN_REUSE_PROTECTION": False},
    {"COMPLIANT_BCP_RFC9700_REDIRECT_URI_MATCHING": False, "ALLOW_URI_WILDCARDS": True},
    {"COMPLIANT_BCP_RFC9700_PKCE_REQUIRED": False, "PKCE_REQUIRED": False},
]


@pytest.mark.parametrize("change", DOT_GATES, ids=lambda change: next(iter(change)))
def test_dot_warns_itself_when_an_rfc9700_switch_is_off(production, change):
    production.OAUTH2_PROVIDER = {**production.OAUTH2_PROVIDER, **change}
    output = command_output()
    assert next(iter(change)) in output and "oauth2_provider.W0" in output
    assert "oauth_jwt.W036" not in output


def test_redirect_scheme_gate_is_covered_by_the_loopback_rule(production):
    """authhub keeps DOT's REDIRECT_URI_SCHEME gate off for RFC 8252 loopback redirects;
    oauth_jwt enforces the same property without losing them, so DOT's W008 is silenced
    (see settings)."""
    production.OAUTH2_PROVIDER = {**production.OAUTH2_PROVIDER, "COMPLIANT_BCP_RFC9700_REDIRECT_URI_SCHEME": False}
    assert "oauth2_provider.W008" not in command_output()


@pytest.mark.parametrize(
    "backend", ["django.core.cache.backends.locmem.LocMemCache", "django.core.cache.backends.dummy.DummyCache"]
)
def test_w037_process_local_denylist_and_throttle_cache(production, backend):
    production.CACHES = {"default": {"BACKEND": backend}}
    messages = deploy_checks.check_shared_caches()
    assert ids(messages) == {W037_PROCESS_LOCAL_CACHE}
    assert {"DENYLIST_CACHE", "THROTTLE_CACHE", "DPOP_REPLAY_CACHE"} == {m.msg.split("'")[1] for m in messages}
    assert W037_PROCESS_LOCAL_CACHE in command_output()


@pytest.mark.parametrize(
    "backend", ["django.core.cache.backends.locmem.LocMemCache", "django.core.cache.backends.dummy.DummyCache"]
)
def test_w037_process_local_dpop_replay_cache(production, backend):
    """A DummyCache never remembers a proof's jti, a LocMemCache only in its own process:
    either way a DPoP proof can be replayed (RFC 9449 §11.1)."""
    production.CACHES = {**production.CACHES, "replay": {"BACKEND": backend}}
    production.OAUTH_JWT = {**production.OAUTH_JWT, "DPOP_REPLAY_CACHE": "replay"}
    messages = deploy_checks.check_shared_caches()
    assert [m.msg.split("'")[1] for m in messages] == ["DPOP_REPLAY_CACHE"]
    assert ids(messages) == {W037_PROCESS_LOCAL_CACHE}
    assert "OAUTH_JWT['DPOP_REPLAY_CACHE']" in command_output()


def _logging(handler_filters: list, filters: dict | None = None) -> dict:
    handlers = {"out": {"class": "logging.StreamHandler", "filters": handler_filters}}
    return {"version": 1, "filters": filters or {}, "handlers": handlers, "root": {"handlers": ["out"]}}


def test_w038_handlers_without_the_redaction_filter(production):
    assert W038_LOGS_UNREDACTED not in ids(deploy_checks.check_log_redaction())  # authhub's LOGGING has it
    production.LOGGING = _logging([], {"quiet": {"()": "django.utils.log.RequireDebugFalse"}})
    assert ids(deploy_checks.check_log_redaction()) == {W038_LOGS_UNREDACTED}
    assert W038_LOGS_UNREDACTED in command_output()


@pytest.mark.parametrize(
    "handler_filters, filters",
    [
        (["redact"], {"redact": {"()": "oauth_jwt.redaction.RedactCredentials"}}),
        (["redact"], {"redact": {"()": RedactCredentials}}),
        ([RedactCredentials()], None),
    ],
    ids=["dotted-path", "class", "instance"],
)
def test_w038_any_way_of_naming_the_filter_will_do(production, handler_filters, filters):
    production.LOGGING = _logging(handler_filters, filters)
    assert deploy_checks.check_log_redaction() == []


@pytest.mark.parametrize("config", [{}, {"version": 1}, {"version": 1, "handlers": {}}])
def test_w038_no_handler_no_warning(production, config):
    """Django's own default logging sends no oauthlib or DOT record anywhere."""
    production.LOGGING = config
    assert deploy_checks.check_log_redaction() == []


def test_w038_logging_configured_elsewhere_is_not_read(production):
    production.LOGGING_CONFIG = None
    production.LOGGING = _logging([])
    assert deploy_checks.check_log_redaction() == []


def test_every_message_has_a_hint(settings):
    settings.LOGGING = _logging([])
    found = []
    for check in (
        deploy_checks.check_issuer_and_secrets,
        deploy_checks.check_shared_caches,
        deploy_checks.check_log_redaction,
    ):
        found += check()
    assert found and all(m.hint for m in found)


def test_w045_clients_whose_id_a_person_could_have(production):
    make_client("client-credentials", client_id="fine-client")
    assert W045_CLIENT_ID_LIKE_SUBJECT not in ids(deploy_checks.check_stored_keys_and_clients())
    clash = make_client("client-credentials", client_id="31")
    messages = deploy_checks.check_stored_keys_and_clients()
    assert ids(messages) == {W045_CLIENT_ID_LIKE_SUBJECT} and "'31'" in messages[0].msg
    assert W045_CLIENT_ID_LIKE_SUBJECT in command_output()
    assert clash.client_id == "31"


def test_w046_open_client_id_metadata_documents(production):
    assert W046_OPEN_CIMD not in ids(deploy_checks.check_open_cimd())
    production.OAUTH2_PROVIDER = {**production.OAUTH2_PROVIDER, "CIMD_ENABLED": True}
    assert ids(deploy_checks.check_open_cimd()) == {W046_OPEN_CIMD}
    assert W046_OPEN_CIMD in command_output()
    production.OAUTH2_PROVIDER = {
        **production.OAUTH2_PROVIDER,
        "CIMD_REGISTRATION_PERMISSION_CLASSES": ("oauth2_provider.cimd.HostAllowlistCIMDPermission",),
        "CIMD_ALLOWED_HOSTS": ["clients.example.com"],
    }
    assert W046_OPEN_CIMD not in ids(deploy_checks.check_open_cimd())
