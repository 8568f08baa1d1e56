"""A generated client secret never shows on a DEBUG error page, and a project without
the client-secret hasher gets an error that names the line to add, not a 500 that
prints the secret (issue 12)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from oauth_jwt.models import ClientProfile
from oauth_jwt.server.admin import secrets
from tests.admin.test_clients import ADD, client_form

pytestmark = pytest.mark.django_db

KNOWN_SECRET = "known-plaintext-secret-" + "x" * 40


@pytest.fixture
def debug_browser(staff_user, settings, monkeypatch):
    settings.DEBUG = True
    monkeypatch.setattr(secrets, "generate_client_secret", lambda: KNOWN_SECRET)
    browser = Client(raise_request_exception=False)
    browser.force_login(staff_user)
    return browser


def test_without_the_hasher_creating_a_client_names_the_line_to_add(admin_client, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with pytest.raises(ImproperlyConfigured, match=r"oauth_jwt\.server\.hashers\.ClientSecretHasher"):
        admin_client.post(ADD, client_form())


def test_without_the_hasher_the_debug_page_shows_no_secret(debug_browser, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    response = debug_browser.post(ADD, client_form())
    assert response.status_code == 500
    assert b"ClientSecretHasher" in response.content
    assert KNOWN_SECRET.encode() not in response.content


def test_a_failure_after_the_secret_is_made_shows_no_secret_on_the_debug_page(debug_browser, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the profile table is gone")

    monkeypatch.setattr(ClientProfile.objects, "update_or_create", broken)
    response = debug_browser.post(ADD, client_form())
    assert response.status_code == 500 and b"the profile table is gone" in response.content
    assert KNOWN_SECRET.encode() not in response.content
