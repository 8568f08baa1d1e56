"""The console as a whole: branding, the dashboard, and who may see what."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from oauth2_provider.models import get_access_token_model

from oauth_jwt.models import SigningKey
from tests.conftest import client_credentials_token

pytestmark = pytest.mark.django_db

PAGES = {
    "/admin/oauth2_provider/application/": "view_application",
    "/admin/oauth2_provider/accesstoken/": "view_accesstoken",
    "/admin/oauth2_provider/refreshtoken/": "view_refreshtoken",
    "/admin/oauth2_provider/grant/": "view_grant",
    "/admin/oauth2_provider/idtoken/": "view_idtoken",
    "/admin/oauth2_provider/accesstoken/inspect/": "view_accesstoken",
    "/admin/oauth_jwt/revokedtoken/": "view_revokedtoken",
    "/admin/oauth_jwt/signingkey/": "view_signingkey",
    "/admin/oauth_jwt/consent/": "view_consent",
}


def test_the_console_is_branded(admin_client):
    html = admin_client.get("/admin/").content.decode()
    assert "<title>Clients, tokens, keys and consents | AuthHub console</title>" in html
    assert "AuthHub console" in html


def test_the_dashboard_counts_clients_tokens_and_shows_the_key(admin_client, client, service_client, web_client):
    for _ in range(3):
        client_credentials_token(client, service_client)
    old, revoked, _live = get_access_token_model().objects.order_by("pk")
    two_days_ago = timezone.now() - timedelta(days=2)
    get_access_token_model().objects.filter(pk=old.pk).update(created=two_days_ago, expires=two_days_ago)
    revoked.revoke()
    response = admin_client.get("/admin/")
    html = response.content.decode()
    key = SigningKey.objects.get(state=SigningKey.State.ACTIVE)
    assert 'id="oauth-jwt-dashboard"' in html
    assert '<td class="oauth-jwt-clients">2</td>' in html
    assert '<td class="oauth-jwt-active">1</td>' in html
    assert '<td class="oauth-jwt-issued">2</td>' in html  # the live one and the revoked one
    assert key.kid[:15] in html and key.algorithm in html and " old" in html


@pytest.mark.parametrize(("url", "permission"), sorted(PAGES.items()))
def test_staff_without_the_permission_are_refused(client, bare_staff, grant, url, permission):
    client.force_login(bare_staff)
    assert client.get(url).status_code == 403
    client.force_login(grant(bare_staff, permission))
    assert client.get(url).status_code == 200


def test_people_who_are_not_staff_are_sent_to_sign_in(client, user):
    client.force_login(user)
    response = client.get("/admin/oauth2_provider/accesstoken/inspect/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_dashboard_shows_only_what_the_person_may_view(client, bare_staff, grant):
    client.force_login(bare_staff)
    assert 'id="oauth-jwt-dashboard"' not in client.get("/admin/").content.decode()
    client.force_login(grant(bare_staff, "view_signingkey"))
    html = client.get("/admin/").content.decode()
    assert 'class="oauth-jwt-key"' in html and "oauth-jwt-active" not in html and "oauth-jwt-clients" not in html


def test_viewing_is_not_changing(client, bare_staff, grant, service_client):
    """With view permissions only, the actions are refused."""
    client_credentials_token(client, service_client)
    viewer = grant(bare_staff, "view_accesstoken", "view_signingkey", "view_consent", "view_application")
    client.force_login(viewer)
    row = get_access_token_model().objects.get()
    key = SigningKey.objects.get(state=SigningKey.State.ACTIVE)
    tokens = client.get("/admin/oauth2_provider/accesstoken/")
    assert tokens.status_code == 200 and 'value="revoke_tokens"' not in tokens.content.decode()
    client.post("/admin/oauth2_provider/accesstoken/", {"action": "revoke_tokens", "_selected_action": [row.pk]})
    client.post("/admin/oauth_jwt/signingkey/", {"action": "revoke", "_selected_action": [key.pk], "post": "yes"})
    key.refresh_from_db()
    assert get_access_token_model().objects.filter(pk=row.pk).exists() and key.state == SigningKey.State.ACTIVE
    assert 'value="rotate_secret"' not in client.get("/admin/oauth2_provider/application/").content.decode()
    inspector = "/admin/oauth2_provider/accesstoken/inspect/"
    assert client.post(inspector, {"token": "x.y.z", "revoke": "1"}).status_code == 403


def test_the_dashboard_comes_with_the_app_once(admin_client, settings):
    """No template override in the project: authhub ships none."""
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": []}]
    html = admin_client.get("/admin/").content.decode()
    assert html.count('id="oauth-jwt-dashboard"') == 1
