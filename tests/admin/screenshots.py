"""Screenshots of the admin console for docs/admin.md.

Not part of the suite (the name does not start with ``test_``); run it explicitly:

    .venv/bin/python -m pytest --nomigrations -p no:cacheprovider tests/admin/screenshots.py

It serves authhub with demo data on pytest-django's live server and drives headless
Chromium through the console, writing ``docs/screenshots/admin-*.png``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.test import Client as HttpClient
from oauth2_provider.models import get_access_token_model
from playwright.sync_api import sync_playwright

from oauth_jwt.models import ClientProfile, SigningKey
from tests.conftest import PASSWORD, Application, client_credentials_token, code_flow_token, make_client

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
OUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"

pytestmark = pytest.mark.browser


def demo_data(django_user_model):
    """A hub that has been used for a while: clients, people, tokens, one revoked."""
    staff = django_user_model.objects.create_superuser("admin", "admin@example.com", PASSWORD)
    alice = django_user_model.objects.create_user("alice", "alice@example.com", PASSWORD)
    web = make_client(Application.GRANT_AUTHORIZATION_CODE, name="Photo album (web)", client_id="photo-album")
    native = make_client(
        Application.GRANT_AUTHORIZATION_CODE, Application.CLIENT_PUBLIC, name="Notes (native)", client_id="notes-app"
    )
    service = make_client(Application.GRANT_CLIENT_CREDENTIALS, name="Billing service", client_id="billing")
    ClientProfile.objects.create(
        client_id=web.client_id,
        vetted=True,
        allowed_scopes=["openid", "profile", "read"],
        homepage="https://photos.example.com",
    )
    ClientProfile.objects.create(client_id=service.client_id, vetted=True, access_token_lifetime=300)
    http = HttpClient()
    code_flow_token(http, alice, web, scope="openid profile read")
    code_flow_token(HttpClient(), alice, native, scope="read")
    for _ in range(3):
        client_credentials_token(HttpClient(), service, scope="read write")
    get_access_token_model().objects.filter(application=service.app).first().revoke()
    inspected = client_credentials_token(HttpClient(), service, scope="read")["access_token"]
    return staff, inspected


def test_admin_tour(live_server, django_user_model):
    staff, inspected = demo_data(django_user_model)
    session = HttpClient()
    session.force_login(staff)
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 760})
        context.add_init_script("localStorage.setItem('django.admin.navSidebarIsOpen', 'false')")
        context.add_cookies(
            [{"name": "sessionid", "value": session.cookies["sessionid"].value, "url": live_server.url}]
        )
        page = context.new_page()

        def shot(path: str, name: str) -> None:
            if path:
                page.goto(live_server.url + path)
            page.screenshot(path=str(OUT / f"admin-{name}.png"), full_page=True)

        shot("/admin/", "dashboard")
        shot("/admin/oauth2_provider/application/", "clients")

        page.goto(live_server.url + "/admin/oauth2_provider/application/add/")
        page.fill("#id_name", "Reports exporter")
        page.fill("#id_client_id", "reports")
        page.check("#id_client_type_0")
        page.check("input[name=authorization_grant_type][value=client-credentials]")
        page.check("input[name=allowed_scopes][value=read]")
        page.fill("#id_access_token_lifetime", "300")
        page.click("input[name=_save]")
        assert "Copy the client secret now" in page.content()
        shot("", "client-secret")

        page.goto(live_server.url + "/admin/oauth2_provider/application/add/")
        page.fill("#id_name", "Careless app")
        page.check("#id_client_type_0")
        page.fill("#id_redirect_uris", "http://app.example.com/callback#done")
        page.check("input[name=authorization_grant_type][value=authorization-code]")
        page.click("input[name=_save]")
        shot("", "client-redirect-errors")

        shot("/admin/oauth2_provider/accesstoken/", "tokens")
        row = get_access_token_model().objects.filter(application__client_id="photo-album").first()
        shot(f"/admin/oauth2_provider/accesstoken/{row.pk}/change/", "token-detail")
        shot("/admin/oauth_jwt/revokedtoken/", "revoked-tokens")

        page.goto(live_server.url + "/admin/oauth2_provider/accesstoken/inspect/")
        page.fill("#id_token", inspected)
        page.click("input[name=inspect]")
        shot("", "inspector")

        shot("/admin/oauth_jwt/signingkey/", "keys")
        key = SigningKey.objects.get(state=SigningKey.State.ACTIVE)
        page.check(f"input[name=_selected_action][value='{key.pk}']")
        page.select_option("select[name=action]", "revoke")
        page.click("button[name=index]")
        shot("", "key-revoke")

        shot("/admin/oauth_jwt/consent/", "consents")
        browser.close()
