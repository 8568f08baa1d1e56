"""Resource-server checks (oauth_jwt.E020-E023, W020): direct call, `check`, registered."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.core import checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from oauth_jwt import checks as oj_checks

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
    assert oj_checks.check_resource_server in registered
    assert oj_checks.check_resource_server_deploy in registered


def test_a_configured_resource_server_passes():
    result = rs_check(RS_METADATA_URL="https://auth.example.test/.well-known/oauth-authorization-server")
    assert "oauth_jwt." not in result.stdout + result.stderr


def test_e020_a_resource_server_without_dot_needs_the_hubs_keys(monkeypatch):
    monkeypatch.setattr(oj_checks, "_is_server", lambda: False)
    assert oj_checks.E020_REMOTE_KEYS in ids(oj_checks.check_resource_server())
    result = rs_check()
    assert result.returncode != 0
    assert oj_checks.E020_REMOTE_KEYS in result.stderr


def test_e020_not_on_the_hub():
    assert oj_checks.E020_REMOTE_KEYS not in ids(oj_checks.check_resource_server())


@pytest.mark.parametrize("name", ["METADATA_URL", "JWKS_URL"])
def test_e021_remote_urls(settings, name):
    settings.OAUTH_JWT = {**settings.OAUTH_JWT, name: "auth.example.test/jwks"}
    assert oj_checks.E021_REMOTE_URL in ids(oj_checks.check_resource_server())
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
def test_e022_introspection_needs_url_and_credentials(settings, values):
    settings.OAUTH_JWT = {**settings.OAUTH_JWT, "REVOCATION_CHECK": "introspection", **values}
    assert oj_checks.E022_INTROSPECTION in ids(oj_checks.check_resource_server())
    with pytest.raises(SystemCheckError, match="oauth_jwt.E022"):
        call_command("check")


def test_e022_satisfied(settings):
    settings.OAUTH_JWT = {
        **settings.OAUTH_JWT,
        "REVOCATION_CHECK": "introspection",
        "INTROSPECTION_URL": "https://auth.example.test/o/introspect/",
        "INTROSPECTION_CLIENT_ID": "rs",
        "INTROSPECTION_CLIENT_SECRET": "secret",
    }
    assert oj_checks.check_resource_server() == []


def test_e023_user_resolver(settings):
    settings.OAUTH_JWT = {**settings.OAUTH_JWT, "USER_RESOLVER": "ldap"}
    assert oj_checks.E023_USER_RESOLVER in ids(oj_checks.check_resource_server())
    with pytest.raises(SystemCheckError, match="oauth_jwt.E023"):
        call_command("check")


def test_w020_plain_http_hub_under_deploy(settings):
    settings.OAUTH_JWT = {**settings.OAUTH_JWT, "JWKS_URL": "http://auth.example.test/.well-known/jwks.json"}
    assert oj_checks.W020_PLAIN_HTTP in ids(oj_checks.check_resource_server_deploy())
    result = rs_check(RS_JWKS_URL="http://auth.example.test/.well-known/jwks.json")
    assert oj_checks.W020_PLAIN_HTTP in result.stderr
    loopback = rs_check(RS_JWKS_URL="http://127.0.0.1:8000/.well-known/jwks.json")
    assert oj_checks.W020_PLAIN_HTTP not in loopback.stderr
