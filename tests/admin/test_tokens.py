"""Access tokens, refresh tokens, grants and ID tokens in the admin."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.db import connection
from django.utils import timezone
from oauth2_provider.models import get_access_token_model, get_grant_model, get_id_token_model, get_refresh_token_model

from oauth_jwt.models import IssuedToken
from tests.admin.conftest import action, assert_not_logged
from tests.conftest import REDIRECT_URI, client_credentials_token, code_flow_token, pkce_pair, redirect_params, refresh

pytestmark = pytest.mark.django_db

TOKENS = "/admin/oauth_jwt/issuedtoken/"
DOT_TOKENS = "/admin/oauth2_provider/accesstoken/"
REFRESH_TOKENS = "/admin/oauth2_provider/refreshtoken/"


def listed(response) -> list:
    assert response.status_code == 200
    return list(response.context["cl"].result_list)


def jtis(response) -> set[str]:
    return {record.jti for record in listed(response)}


def assert_refused_everywhere(api, introspect, token: str, as_client) -> None:
    assert api(token).status_code == 401
    assert introspect(token, as_client)["active"] is False


def test_the_list_shows_every_token_with_its_status_and_filters(admin_client, client, user, web_client, service_client):
    person = code_flow_token(client, user, web_client)["access_token"]
    service = client_credentials_token(client, service_client)["access_token"]
    old = client_credentials_token(client, service_client)["access_token"]
    by_user = IssuedToken.objects.get(subject=str(user.pk))
    expired = IssuedToken.objects.filter(client_id=service_client.client_id).order_by("-pk").first()
    expired.expires_at = timezone.now() - timedelta(minutes=1)
    expired.save()
    revoked = IssuedToken.objects.filter(client_id=service_client.client_id).order_by("pk").first()
    revoked.revoked_at = timezone.now()
    revoked.save()

    response = admin_client.get(TOKENS)
    html = response.content.decode()
    for header in ("JWT id", "Subject", "Client id", "Scope", "Issued", "Expires", "Status"):
        assert header.lower() in html.lower()
    for raw in (person, service, old):
        assert raw not in html
    assert ">alice<" in html  # the subject shown as the person, not only an id
    assert len(listed(response)) == 3
    assert jtis(admin_client.get(TOKENS, {"status": "active"})) == {by_user.jti}
    assert jtis(admin_client.get(TOKENS, {"status": "expired"})) == {expired.jti}
    assert jtis(admin_client.get(TOKENS, {"status": "revoked"})) == {revoked.jti}
    assert jtis(admin_client.get(TOKENS, {"client_id": service_client.client_id})) == {expired.jti, revoked.jti}
    assert jtis(admin_client.get(TOKENS, {"user": str(user.pk)})) == {by_user.jti}
    assert jtis(admin_client.get(TOKENS, {"q": by_user.jti})) == {by_user.jti}


def test_the_detail_shows_decoded_header_and_claims_never_the_token(admin_client, service_client):
    token = client_credentials_token(admin_client, service_client)["access_token"]
    record = IssuedToken.objects.get()
    page = admin_client.get(f"{TOKENS}{record.pk}/change/")
    html = page.content.decode()
    assert page.status_code == 200
    assert token not in html and record.token_checksum not in html
    assert "&quot;typ&quot;: &quot;at+jwt&quot;" in html and f"&quot;kid&quot;: &quot;{record.kid}&quot;" in html
    assert f"&quot;jti&quot;: &quot;{record.jti}&quot;" in html
    assert f"&quot;exp&quot;: {int(record.expires_at.timestamp())}" in html
    assert 'name="_save"' not in html  # read-only


def test_revoking_from_the_list_is_effective_at_once(admin_client, service_client, api, introspect, caplog):
    caplog.set_level(logging.INFO)
    token = client_credentials_token(admin_client, service_client)["access_token"]
    assert api(token).status_code == 200
    record = IssuedToken.objects.get()
    response = action(admin_client, TOKENS, "revoke", [record.pk], follow=True)
    assert "Revoked 1 access token" in response.content.decode()
    assert_refused_everywhere(api, introspect, token, service_client)
    record.refresh_from_db()
    assert record.revoked_at is not None
    assert jtis(admin_client.get(TOKENS, {"status": "revoked"})) == {record.jti}
    assert LogEntry.objects.filter(object_id=str(record.pk), action_flag=CHANGE).exists()
    assert {"token.revoked", "token.revoked_by_staff"} <= {getattr(r, "event", "") for r in caplog.records}
    assert_not_logged(caplog, token)


def test_a_token_whose_row_is_gone_is_still_revoked(admin_client, service_client, api, introspect):
    token = client_credentials_token(admin_client, service_client)["access_token"]
    with connection.cursor() as cursor:  # behind the receiver's back
        cursor.execute(f"DELETE FROM {get_access_token_model()._meta.db_table}")  # noqa: S608
    record = IssuedToken.objects.get()
    action(admin_client, TOKENS, "revoke", [record.pk])
    record.refresh_from_db()
    assert record.revoked_at is not None
    assert api(token).status_code == 401


def test_dot_access_token_admin_shows_jti_and_revokes(admin_client, service_client, api, introspect):
    token = client_credentials_token(admin_client, service_client)["access_token"]
    row = get_access_token_model().objects.get()
    response = admin_client.get(DOT_TOKENS)
    assert IssuedToken.objects.get().jti in response.content.decode()
    assert admin_client.get(DOT_TOKENS + "add/").status_code == 403
    action(admin_client, DOT_TOKENS, "revoke_tokens", [row.pk])
    assert_refused_everywhere(api, introspect, token, service_client)
    assert LogEntry.objects.filter(object_id=str(row.pk), action_flag=CHANGE).exists()


def test_revoking_a_refresh_token_revokes_its_family_and_access_tokens(
    admin_client, client, user, web_client, api, introspect
):
    first = code_flow_token(client, user, web_client)
    second = refresh(client, web_client, first["refresh_token"]).json()
    assert api(second["access_token"]).status_code == 200
    RefreshToken = get_refresh_token_model()
    assert RefreshToken.objects.values("token_family").distinct().count() == 1
    response = admin_client.get(REFRESH_TOKENS)
    assert len(listed(response)) == 2
    html = response.content.decode()
    assert first["refresh_token"] not in html and second["refresh_token"] not in html
    assert str(RefreshToken.objects.first().token_family) in html
    assert len(listed(admin_client.get(REFRESH_TOKENS, {"status": "active"}))) == 1

    live = RefreshToken.objects.get(revoked__isnull=True)
    action(admin_client, REFRESH_TOKENS, "revoke_tokens", [live.pk])
    assert RefreshToken.objects.filter(revoked__isnull=True).count() == 0
    assert_refused_everywhere(api, introspect, second["access_token"], web_client)
    assert refresh(client, web_client, second["refresh_token"]).status_code == 400
    assert len(listed(admin_client.get(REFRESH_TOKENS, {"status": "revoked"}))) == 2
    assert LogEntry.objects.filter(object_id=str(live.pk), action_flag=CHANGE).exists()


def test_grants_and_id_tokens_are_read_only(admin_client, client, user, web_client):
    code_flow_token(client, user, web_client, scope="openid read")
    _, challenge = pkce_pair()
    query = {"response_type": "code", "client_id": web_client.client_id, "redirect_uri": REDIRECT_URI, "scope": "read"}
    left = client.get("/o/authorize/", {**query, "code_challenge": challenge, "code_challenge_method": "S256"})
    assert "code" in redirect_params(left)  # consent remembered: a code, left unused
    grant = get_grant_model().objects.first()
    id_token = get_id_token_model().objects.get()
    for url in (
        f"/admin/oauth2_provider/grant/{grant.pk}/change/",
        f"/admin/oauth2_provider/idtoken/{id_token.pk}/change/",
    ):
        page = admin_client.get(url)
        assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
        assert admin_client.post(url, {}).status_code == 403
    assert grant.code not in admin_client.get("/admin/oauth2_provider/grant/").content.decode()
    assert admin_client.get("/admin/oauth2_provider/grant/add/").status_code == 403
    assert admin_client.get("/admin/oauth2_provider/idtoken/add/").status_code == 403
