"""`manage.py check` and `check --deploy` on client registration (oauth_jwt.checks.registration):
each check called directly, through the command, and registered."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core import checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from oauth_jwt.checks import registration as registration_checks
from oauth_jwt.checks.ids import (
    E121_REGISTRATION_SCOPES,
    E122_REGISTRATION_TOKENS,
    W120_DOT_DCR_SETTING,
    W121_OPEN_REGISTRATION,
    W122_CIMD_FETCHER,
)

pytestmark = pytest.mark.django_db
TOKEN = "t" * 40


def ids(messages) -> set[str]:
    return {m.id for m in messages}


def output(*args: str) -> str:
    out, err = StringIO(), StringIO()
    try:
        call_command("check", *args, stdout=out, stderr=err)
    except SystemCheckError as exc:
        return str(exc) + out.getvalue() + err.getvalue()
    return out.getvalue() + err.getvalue()


def test_registration_off_passes():
    assert registration_checks.check_registration() == []
    assert registration_checks.check_open_registration() == []


def test_checks_are_registered():
    everyday = checks.registry.registry.get_checks(include_deployment_checks=False)
    deploy = checks.registry.registry.get_checks(include_deployment_checks=True)
    assert registration_checks.check_registration in everyday
    assert registration_checks.check_open_registration in deploy
    assert registration_checks.check_open_registration not in everyday


@pytest.mark.oauth_jwt_settings(REGISTRATION="open")
def test_registration_without_scopes_is_an_error():
    assert ids(registration_checks.check_registration()) == {E121_REGISTRATION_SCOPES}
    assert E121_REGISTRATION_SCOPES in output()


def test_client_id_metadata_documents_without_scopes_is_an_error(provider):
    provider(CIMD_ENABLED=True)
    assert ids(registration_checks.check_registration()) == {E121_REGISTRATION_SCOPES}
    assert E121_REGISTRATION_SCOPES in output()


@pytest.mark.oauth_jwt_settings(REGISTRATION="initial_access_token", REGISTRATION_SCOPES=["read"])
def test_initial_access_token_mode_without_tokens_is_an_error(oauth_jwt_settings):
    assert ids(registration_checks.check_registration()) == {E122_REGISTRATION_TOKENS}
    assert E122_REGISTRATION_TOKENS in output()
    oauth_jwt_settings(REGISTRATION_INITIAL_ACCESS_TOKENS=[TOKEN])
    assert registration_checks.check_registration() == []
    assert TOKEN not in output()


def test_dots_own_switch_is_named(provider):
    provider(DCR_ENABLED=True)
    assert ids(registration_checks.check_registration()) == {W120_DOT_DCR_SETTING}
    assert W120_DOT_DCR_SETTING in output()


@pytest.mark.oauth_jwt_settings(REGISTRATION="open", REGISTRATION_SCOPES=["read"])
def test_open_registration_is_a_deploy_warning():
    assert ids(registration_checks.check_open_registration()) == {W121_OPEN_REGISTRATION}
    assert W121_OPEN_REGISTRATION in output("--deploy")
    assert W121_OPEN_REGISTRATION not in output()


@pytest.mark.oauth_jwt_settings(REGISTRATION_INITIAL_ACCESS_TOKENS=["short-secret"])
def test_a_short_initial_access_token_is_refused_and_not_echoed():
    text = output()
    assert "REGISTRATION_INITIAL_ACCESS_TOKENS" in text and "short-secret" not in text


@pytest.mark.oauth_jwt_settings(REGISTRATION_SCOPES=["read"])
def test_a_metadata_document_fetcher_without_the_hubs_policy_is_named(provider):
    provider(CIMD_ENABLED=True)
    assert registration_checks.check_registration() == []
    provider(CIMD_METADATA_FETCHER="oauth2_provider.cimd.SafeMetadataFetcher")
    assert ids(registration_checks.check_registration()) == {W122_CIMD_FETCHER}
    assert W122_CIMD_FETCHER in output()
