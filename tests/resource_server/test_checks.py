"""Resource-server checks (oauth_jwt.E020-E023, W020): direct call, `check`, registered."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.core import checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from oauth_jwt.checks import ids as oj_ids
from oauth_jwt.checks import registry
from oauth_jwt.checks import resource as rs_checks
from oauth_jwt.checks import settings as settings_checks

from .conftest import REPO


def ids(messages):
    return {m.id for m in messages}


def rs_check(**env) -> subprocess.CompletedProcess:
    """`manage.py check` in the resource-server project (no DOT installed)."""
    environ = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.rs_project.settings",
        "PYTHONPATH": str(REPO),
        "RS_ISSUER": "https://auth.example.test",
        "RS_AUDIENCE": "https://reports.example.test/api/",
        **env,
    }
    return subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPO,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_registered():
    registered = checks.registry.registry.get_checks(include_deployment_checks=True)
    assert rs_checks.check_resource_server in registered
    assert rs_checks.check_resource_server_deploy in registered


def test_a_configured_resource_server_passes():
    result = rs_check(RS_METADATA_URL="https://auth.example.test/.well-known/oauth-authorization-server")
    assert "oauth_jwt." not in result.stdout + result.stderr


def test_e020_a_resource_server_without_dot_needs_the_hubs_keys(monkeypatch):
    monkeypatch.setattr(registry, "is_server", lambda: False)
    assert oj_ids.E020_REMOTE_KEYS in ids(rs_checks.check_resource_server())
    result = rs_check()
    assert result.returncode != 0
    assert oj_ids.E020_REMOTE_KEYS in result.stderr


def test_e020_not_on_the_hub():
    assert oj_ids.E020_REMOTE_KEYS not in ids(rs_checks.check_resource_server())


@pytest.mark.parametrize("name", ["METADATA_URL", "JWKS_URL"])
def test_e021_remote_urls(oauth_jwt_settings, name):
    oauth_jwt_settings(**{name: "auth.example.test/jwks"})
    assert oj_ids.E021_REMOTE_URL in ids(rs_checks.check_resource_server())
    with pytest.raises(SystemCheckError, match="oauth_jwt.E021"):
        call_command("check")


@pytest.mark.parametrize(
    "values",
    [
        {},
        {"INTROSPECTION_URL": "https://auth.example.test/o/introspect/", "INTROSPECTION_CLIENT_ID": "rs"},
        {"INTROSPECTION_URL": "nope", "INTROSPECTION_CLIENT_ID": "rs", "INTROSPECTION_CLIENT_SECRET": "s"},
    ],
)
def test_e022_introspection_needs_url_and_credentials(oauth_jwt_settings, values):
    oauth_jwt_settings(REVOCATION_CHECK="introspection", **values)
    assert oj_ids.E022_INTROSPECTION in ids(rs_checks.check_resource_server())
    with pytest.raises(SystemCheckError, match="oauth_jwt.E022"):
        call_command("check")


@pytest.mark.oauth_jwt_settings(
    REVOCATION_CHECK="introspection",
    INTROSPECTION_URL="https://auth.example.test/o/introspect/",
    INTROSPECTION_CLIENT_ID="rs",
    INTROSPECTION_CLIENT_SECRET="secret",
)
def test_e022_satisfied():
    assert rs_checks.check_resource_server() == []


@pytest.mark.oauth_jwt_settings(USER_RESOLVER="ldap")
def test_e023_user_resolver():
    assert oj_ids.E023_USER_RESOLVER in ids(settings_checks.check_settings())
    with pytest.raises(SystemCheckError, match="oauth_jwt.E023"):
        call_command("check")


@pytest.mark.oauth_jwt_settings(JWKS_URL="http://auth.example.test/.well-known/jwks.json")
def test_w020_plain_http_hub_under_deploy():
    assert oj_ids.W020_PLAIN_HTTP in ids(rs_checks.check_resource_server_deploy())
    result = rs_check(RS_JWKS_URL="http://auth.example.test/.well-known/jwks.json")
    assert oj_ids.W020_PLAIN_HTTP in result.stderr
    loopback = rs_check(RS_JWKS_URL="http://127.0.0.1:8000/.well-known/jwks.json")
    assert oj_ids.W020_PLAIN_HTTP not in loopback.stderr


REMOTE = {
    "ISSUER": "https://auth.example.test",
    "METADATA_URL": "https://auth.example.test/.well-known/oauth-authorization-server",
    "AUDIENCE": "https://reports.example.test/api/",
    "REVOCATION_CHECK": "denylist",
    "DENYLIST_CACHE": "denylist",
}
REDIS = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:6379/13"}
LOCMEM = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}


def setup_ids(settings, caches=None, **jwt):
    settings.CACHES = {"default": LOCMEM, "denylist": REDIS, **(caches or {})}
    settings.OAUTH_JWT = {**REMOTE, **jwt}
    return ids(rs_checks.check_resource_server_setup())


def test_setup_checks_are_registered_and_quiet_for_a_good_rs(settings):
    assert rs_checks.check_resource_server_setup in checks.registry.registry.get_checks()
    assert setup_ids(settings) == set()


def test_a_trailing_slash_on_the_issuer_is_an_error(settings):
    assert setup_ids(settings, ISSUER="https://auth.example.test/") == {oj_ids.E090_ISSUER_TRAILING_SLASH}


def test_a_denylist_rs_on_a_per_process_cache_is_an_error(settings):
    for backend in (LOCMEM, {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}):
        found = setup_ids(settings, caches={"denylist": backend})
        assert found == {oj_ids.E091_DENYLIST_PROCESS_LOCAL}
    assert setup_ids(settings, caches={"denylist": LOCMEM}, REVOCATION_CHECK="introspection") == set()


def test_the_denylist_on_the_default_cache_is_a_warning(settings):
    settings.CACHES = {"default": REDIS}
    settings.OAUTH_JWT = {**REMOTE, "DENYLIST_CACHE": "default"}
    assert ids(rs_checks.check_resource_server_setup()) == {oj_ids.W090_DENYLIST_DEFAULT_CACHE}


def test_hub_urls_on_another_origin_and_an_audience_equal_to_the_issuer_are_warnings(settings):
    found = setup_ids(settings, METADATA_URL="https://auht.example.test/.well-known/oauth-authorization-server")
    assert found == {oj_ids.W091_HUB_URL_ORIGIN}
    assert setup_ids(settings, AUDIENCE="https://auth.example.test") == {oj_ids.W092_AUDIENCE_IS_ISSUER}
    assert setup_ids(settings, RETRY_AFTER_SECONDS=0) == set()
    assert ids(settings_checks.check_settings()) == {oj_ids.E092_RETRY_AFTER}


def test_manage_py_check_fails_on_the_trailing_slash_without_any_network_io():
    # The hub named here does not exist: `check` must not try to reach it.
    result = rs_check(
        RS_ISSUER="https://auth.example.test/",
        RS_METADATA_URL="https://auth.example.test/.well-known/oauth-authorization-server",
    )
    assert result.returncode != 0
    assert "oauth_jwt.E090" in result.stderr


def test_call_command_check_reports_a_locmem_denylist(settings):
    setup_ids(settings, caches={"denylist": LOCMEM})
    with pytest.raises(SystemCheckError, match="oauth_jwt.E091"):
        call_command("check")


@pytest.mark.django_db
def test_check_deploy_names_a_locmem_denylist_once(settings):
    """E091 says it; the deploy-time W037 does not say it again."""
    setup_ids(settings, caches={"denylist": LOCMEM})
    with pytest.raises(SystemCheckError) as raised:
        call_command("check", deploy=True)
    assert "oauth_jwt.E091" in str(raised.value)
    assert str(raised.value).count("OAUTH_JWT['DENYLIST_CACHE'] is") == 1
