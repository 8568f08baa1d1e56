"""Every OAUTH_JWT key is validated by `manage.py check` through the converter its
`conf` property uses; unknown keys get a "did you mean"; nothing crashes `check`.
Each check: called directly, through `call_command("check")`, and registered."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from oauth_jwt.checks import ids as check_ids
from oauth_jwt.checks import registry
from oauth_jwt.checks.settings import check_settings
from oauth_jwt.conf import SETTINGS, jwt_settings

pytestmark = pytest.mark.django_db

# One refused value per key: a wrong type, or a value out of range or choice.
WRONG = {
    "ISSUER": ["https://auth.example.com"],
    "DEFAULT_AUDIENCE": 42,
    "RESOURCES": "https://api.example.com/",
    "RESOURCE_SCOPES": "read write",
    "AUDIENCE": 42,
    "SIGNING_ALGORITHM": "HS256",
    "RSA_KEY_SIZE": "big",
    "KEY_ENCRYPTION_SECRET": b"bytes are not a string",
    "KEY_CACHE_SECONDS": "10",
    "JWKS_MAX_AGE_SECONDS": 3.5,
    "LEEWAY_SECONDS": -1,
    "MAX_TOKEN_BYTES": 0,
    "JWKS_URL": None,
    "METADATA_URL": 1,
    "JWKS_REFRESH_INTERVAL_SECONDS": True,
    "HTTP_TIMEOUT_SECONDS": -5,
    "REVOCATION_CHECK": "sometimes",
    "DENYLIST_CACHE": None,
    "INTROSPECTION_URL": ("https://auth.example.com/o/introspect/",),
    "INTROSPECTION_CLIENT_ID": 7,
    "INTROSPECTION_CLIENT_SECRET": 12345678,
    "INTROSPECTION_CACHE_SECONDS": "30",
    "RETRY_AFTER_SECONDS": 0,
    "USER_RESOLVER": "ldap",
    "CLAIMS_HOOK": "oauth_jwt.no_such_module.hook",
    "CLAIMS_PROVIDER": "oauth_jwt.server.userclaims.release",
    "CLIENT_AUTH_MAX_FAILURES": "10",
    "CLIENT_AUTH_WINDOW_SECONDS": None,
    "THROTTLE_CACHE": ["default"],
    "TRUSTED_PROXY_COUNT": "1",
    "BRANDING": "AuthHub",
    "BEARER_PATHS": ["api/"],
    "OPAQUE_TOKEN_FALLBACK": "no",
    "DPOP_PROOF_MAX_AGE_SECONDS": 0,
    "DPOP_CLOCK_SKEW_SECONDS": -1,
    "DPOP_REPLAY_CACHE": None,
    "DPOP_NONCES": "yes",
    "DPOP_REQUIRED": 1,
    "PUBLIC_ORIGIN": ["https://api.example.com"],
    "BACKCHANNEL_LOGOUT_TIMEOUT_SECONDS": "5",
    "BACKCHANNEL_LOGOUT_MAX_ATTEMPTS": 0,
    "BACKCHANNEL_LOGOUT_IN_BACKGROUND": 1,
    "REGISTRATION": "closed",
    "REGISTRATION_INITIAL_ACCESS_TOKENS": ["too-short"],
    "REGISTRATION_SCOPES": "openid read",
    "REGISTRATION_MAX_PER_ADDRESS": 0,
    "REGISTRATION_WINDOW_SECONDS": "1h",
}
# The pages keep their default branding rather than fail; `check` still refuses it.
FALLS_BACK = {"BRANDING"}


def ids(messages) -> set[str]:
    return {m.id for m in messages}


def check_output(*args: str) -> str:
    out, err = StringIO(), StringIO()
    try:
        call_command("check", *args, stdout=out, stderr=err)
    except SystemCheckError as exc:
        return str(exc) + out.getvalue() + err.getvalue()
    return out.getvalue() + err.getvalue()


def test_every_key_has_a_wrong_value_here():
    assert set(WRONG) == set(SETTINGS)


def test_the_shipped_settings_pass_and_the_check_is_registered():
    assert check_settings() == []
    assert check_settings in checks.registry.registry.get_checks()


@pytest.mark.parametrize("name", sorted(WRONG))
def test_a_wrong_value_is_an_error_naming_the_key_and_crashes_nothing(oauth_jwt_settings, name):
    oauth_jwt_settings(**{name: WRONG[name]})
    expected = check_ids.SETTING_IDS.get(name, check_ids.E110_SETTING_VALUE)
    messages = check_settings()
    assert ids(messages) == {expected}
    assert f"OAUTH_JWT[{name!r}]" in messages[0].msg and messages[0].hint
    if name in FALLS_BACK:
        assert getattr(jwt_settings, name)
    else:
        with pytest.raises(ImproperlyConfigured, match=name):
            getattr(jwt_settings, name)
    with pytest.raises(SystemCheckError, match=expected) as raised:
        call_command("check", "--deploy", stdout=StringIO(), stderr=StringIO())
    assert check_ids.E113_CHECK_FAILED not in str(raised.value)


def test_a_string_for_a_list_is_not_a_list_of_characters(oauth_jwt_settings):
    oauth_jwt_settings(RESOURCES="https://api.example.com/")
    assert "must be a list of strings, not str" in check_settings()[0].msg
    with pytest.raises(ImproperlyConfigured, match="RESOURCES"):
        jwt_settings.RESOURCES
    assert "oauth_jwt.E110" in check_output()


def test_a_word_for_the_rsa_key_size_does_not_crash_check_deploy(oauth_jwt_settings):
    oauth_jwt_settings(RSA_KEY_SIZE="big")
    output = check_output("--deploy")
    assert "OAUTH_JWT['RSA_KEY_SIZE'] = 'big' must be an integer, not str" in output
    assert "oauth_jwt.W034" not in output and "oauth_jwt.E113" not in output


@pytest.mark.parametrize(
    ("name", "value", "allowed"),
    [
        ("SIGNING_ALGORITHM", "HS256", "RS256, PS256, ES256, EdDSA"),
        ("REVOCATION_CHECK", "sometimes", "denylist, introspection, none"),
        ("USER_RESOLVER", "ldap", "local, claims"),
        ("REGISTRATION", "closed", "off, open, initial_access_token"),
    ],
)
def test_a_bad_choice_names_the_allowed_values(oauth_jwt_settings, name, value, allowed):
    oauth_jwt_settings(**{name: value})
    assert f"must be one of {allowed}" in check_settings()[0].msg
    assert allowed in check_output()


def test_an_import_string_that_does_not_import_names_the_setting(oauth_jwt_settings):
    oauth_jwt_settings(CLAIMS_HOOK="oauth_jwt.no_such_module.hook")
    (message,) = check_settings()
    assert message.id == check_ids.E111_SETTING_IMPORT
    assert "OAUTH_JWT['CLAIMS_HOOK']" in message.msg and "cannot be imported" in message.msg
    assert check_ids.E111_SETTING_IMPORT in check_output()


def test_an_import_string_that_imports_passes(oauth_jwt_settings):
    oauth_jwt_settings(CLAIMS_HOOK="oauth_jwt.server.claims.audience")
    assert check_settings() == []


def test_secrets_are_never_echoed(oauth_jwt_settings):
    oauth_jwt_settings(INTROSPECTION_CLIENT_SECRET=31415926, KEY_ENCRYPTION_SECRET=b"27182818")
    messages = check_settings()
    assert len(messages) == 2
    assert not any("31415926" in m.msg or "27182818" in m.msg for m in messages)
    assert "31415926" not in check_output()


@pytest.mark.parametrize(
    ("typo", "meant"), [("RESOURCE", "RESOURCES"), ("ISUER", "ISSUER"), ("LEEWAY", "LEEWAY_SECONDS")]
)
def test_an_unknown_key_is_a_warning_with_a_suggestion(oauth_jwt_settings, typo, meant):
    oauth_jwt_settings(**{typo: "x"})
    (message,) = check_settings()
    assert message.id == check_ids.W110_UNKNOWN_SETTING and message.hint == f"Did you mean {meant!r}?"
    output = check_output()
    assert check_ids.W110_UNKNOWN_SETTING in output and f"Did you mean {meant!r}?" in output


def test_an_unknown_key_without_a_close_match_points_at_the_docs(oauth_jwt_settings):
    oauth_jwt_settings(COMPLETELY_DIFFERENT=1)
    (message,) = check_settings()
    assert message.id == check_ids.W110_UNKNOWN_SETTING and "docs/settings.md" in message.hint


def test_oauth_jwt_not_a_dict_is_an_error_not_a_crash(settings):
    settings.OAUTH_JWT = [("ISSUER", "https://auth.example.com")]
    assert ids(check_settings()) == {check_ids.E112_SETTINGS_NOT_A_DICT}
    output = check_output("--deploy")
    assert check_ids.E112_SETTINGS_NOT_A_DICT in output and check_ids.E113_CHECK_FAILED not in output


def test_a_check_that_raises_becomes_an_error_naming_it(monkeypatch):
    def broken() -> bool:
        raise ImproperlyConfigured("INSTALLED_APPS is being changed")

    monkeypatch.setattr(registry, "is_server", broken)
    from oauth_jwt.checks.server import check_server

    (message,) = check_server()
    assert message.id == check_ids.E113_CHECK_FAILED and "check_server" in message.msg
    assert "INSTALLED_APPS is being changed" in message.msg
    with pytest.raises(SystemCheckError, match=check_ids.E113_CHECK_FAILED):
        call_command("check", stdout=StringIO(), stderr=StringIO())


def test_every_oauth_jwt_check_is_registered_through_the_guard():
    ours = [
        c
        for c in checks.registry.registry.get_checks(include_deployment_checks=True)
        if c.__module__.startswith("oauth_jwt.")
    ]
    assert len(ours) >= 9
    assert all(getattr(c, "__wrapped__", None) for c in ours)
