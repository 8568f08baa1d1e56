"""oauth_jwt's system checks: each called directly, through `manage.py check`, and
registered."""

import pytest
from django.core import checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from oauth2_provider.utils import set_oauthlib_user_to_device_request_user

from oauth_jwt.checks import ids as oj_ids
from oauth_jwt.checks import server as server_checks
from oauth_jwt.checks import settings as settings_checks


def ids(messages):
    return {m.id for m in messages}


@pytest.fixture
def provider(settings):
    """Change OAUTH2_PROVIDER for one test; DOT caches its settings, so reload around it."""
    from oauth2_provider.settings import oauth2_settings

    def change(**values):
        settings.OAUTH2_PROVIDER = {**settings.OAUTH2_PROVIDER, **values}
        oauth2_settings.reload()

    yield change
    oauth2_settings.reload()


def test_the_shipped_configuration_passes():
    assert settings_checks.check_common() == []
    assert server_checks.check_server() == []
    call_command("check")


def test_checks_are_registered():
    registered = checks.registry.registry.get_checks()
    assert settings_checks.check_common in registered
    assert server_checks.check_server in registered


@pytest.mark.parametrize("issuer", ["", "auth.example.com", "https://auth.example.com/?x=1", "ftp://x"])
def test_e001_issuer(oauth_jwt_settings, issuer):
    oauth_jwt_settings(ISSUER=issuer)
    assert oj_ids.E001_ISSUER in ids(settings_checks.check_common())
    with pytest.raises(SystemCheckError, match="oauth_jwt.E001"):
        call_command("check")


@pytest.mark.oauth_jwt_settings(SIGNING_ALGORITHM="HS256")
def test_e007_algorithm():
    assert oj_ids.E007_ALGORITHM in ids(settings_checks.check_settings())
    with pytest.raises(SystemCheckError, match="oauth_jwt.E007"):
        call_command("check")


@pytest.mark.oauth_jwt_settings(DENYLIST_CACHE="nope")
def test_e009_denylist_cache():
    assert oj_ids.E009_DENYLIST_CACHE in ids(settings_checks.check_common())
    with pytest.raises(SystemCheckError, match="oauth_jwt.E009"):
        call_command("check")


@pytest.mark.oauth_jwt_settings(DPOP_REPLAY_CACHE="nope")
def test_e012_dpop_replay_cache():
    """Otherwise every DPoP-bound request would be answered 503 (the replay check's cache
    cannot be reached), found by the first client instead of by `check`."""
    assert oj_ids.E012_DPOP_REPLAY_CACHE in ids(settings_checks.check_common())
    with pytest.raises(SystemCheckError, match="oauth_jwt.E012"):
        call_command("check")


@pytest.mark.oauth_jwt_settings(REVOCATION_CHECK="sometimes")
def test_e010_revocation_mode():
    assert oj_ids.E010_REVOCATION_MODE in ids(settings_checks.check_settings())
    with pytest.raises(SystemCheckError, match="oauth_jwt.E010"):
        call_command("check")


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"ACCESS_TOKEN_GENERATOR": None}, oj_ids.E002_ACCESS_GENERATOR),
        ({"REFRESH_TOKEN_GENERATOR": None}, oj_ids.E003_REFRESH_GENERATOR),
        ({"REFRESH_TOKEN_GENERATOR": "oauth_jwt.server.tokens.generate_access_token"}, oj_ids.E003_REFRESH_GENERATOR),
        ({"OAUTH2_VALIDATOR_CLASS": "oauth2_provider.oauth2_validators.OAuth2Validator"}, oj_ids.E004_VALIDATOR),
        ({"OIDC_ISS_ENDPOINT": "http://127.0.0.1:8000/"}, oj_ids.E005_ISSUER_MISMATCH),
        ({"ROTATE_REFRESH_TOKEN": False}, oj_ids.E011_ROTATION),
        ({"OAUTH_PRE_TOKEN_VALIDATION": [set_oauthlib_user_to_device_request_user]}, oj_ids.E040_DEVICE_CODE_LOADER),
    ],
)
def test_server_wiring(provider, change, expected):
    provider(**change)
    assert expected in ids(server_checks.check_server())
    with pytest.raises(SystemCheckError, match=expected):
        call_command("check")


@pytest.mark.oauth_jwt_settings(DEFAULT_AUDIENCE="")
def test_e006_default_audience():
    assert oj_ids.E006_DEFAULT_AUDIENCE in ids(server_checks.check_server())
    with pytest.raises(SystemCheckError, match="oauth_jwt.E006"):
        call_command("check")


def test_every_message_has_a_hint_and_a_unique_id():
    constants = [v for k, v in vars(oj_ids).items() if k[:1] in "EW" and k[1:4].isdigit()]
    assert len(constants) == len(set(constants))
    assert all(c.startswith("oauth_jwt.") for c in constants)
