"""The token inspector: every check, the reason a token fails, and revoking it."""

from __future__ import annotations

import logging
import time

import jwt
import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.db import connection
from django.utils import timezone
from oauth2_provider.models import get_access_token_model

from oauth_jwt.conf import jwt_settings
from oauth_jwt.models import RevokedToken
from oauth_jwt.server import signing_keys, token_records
from tests.admin.conftest import assert_not_logged
from tests.conftest import client_credentials_token

pytestmark = pytest.mark.django_db

INSPECTOR = "/admin/oauth2_provider/accesstoken/inspect/"
AccessToken = get_access_token_model()


@pytest.fixture
def token(client, service_client) -> str:
    return client_credentials_token(client, service_client)["access_token"]


def inspect(admin_client, raw: str, **extra):
    response = admin_client.post(INSPECTOR, {"token": raw, **extra})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    return response.context["report"], response.content.decode()


def checks(report) -> dict[str, bool | None]:
    return {check.label: check.ok for check in report["checks"]}


def test_the_page_is_a_post_form(admin_client, token):
    page = admin_client.get(INSPECTOR, {"token": token})
    assert page.status_code == 200 and page.context["report"] is None
    assert 'method="post"' in page.content.decode() and token not in page.content.decode()
    assert "no-store" in page["Cache-Control"]


def test_a_good_token_passes_every_check(admin_client, token, service_client, caplog):
    caplog.set_level(logging.DEBUG)
    report, html = inspect(admin_client, token)
    assert report["valid"] and report["reason"] == ""
    assert all(ok is not False for ok in checks(report).values())
    for label in ("shape and header", "key", "signature and claims", "iss", "aud", "exp", "jti", "revocation"):
        assert label in checks(report)
    assert "Valid: the hub accepts this token." in html
    assert token_records.of(AccessToken.objects.get()).jti in report["claims"]
    assert report["status"] == "active" and f"issued to {service_client.client_id}, active" in html
    assert_not_logged(caplog, token)


def test_a_forged_signature_is_refused_with_its_reason(admin_client, token):
    head, body, signature = token.split(".")
    forged = f"{head}.{body}.{signature[:-4]}AAAA"
    report, html = inspect(admin_client, forged)
    assert not report["valid"] and report["reason"] == "The access token's signature is invalid."
    assert checks(report)["signature and claims"] is False
    assert "Revoke this token" not in html


def test_an_expired_token_is_refused_as_expired(admin_client, service_client):
    key = signing_keys.signing_key()
    now = int(time.time())
    claims = {
        "iss": jwt_settings.ISSUER,
        "sub": service_client.client_id,
        "aud": jwt_settings.DEFAULT_AUDIENCE,
        "client_id": service_client.client_id,
        "iat": now - 3600,
        "exp": now - 1800,
        "jti": "old-one",
        "scope": "read",
    }
    expired = jwt.encode(claims, key.key, algorithm=key.algorithm, headers={"typ": "at+jwt", "kid": key.kid})
    report, _ = inspect(admin_client, expired)
    assert report["reason"] == "The access token expired."
    assert checks(report)["exp"] is False and checks(report)["issued here"] is False
    assert report["status"] == "unknown"


def test_the_status_comes_from_the_hub_s_records(admin_client, client, token, service_client):
    AccessToken.objects.get().revoke()
    report, _ = inspect(admin_client, token)
    assert report["status"] == "revoked" and checks(report)["revocation"] is False
    other = client_credentials_token(client, service_client)["access_token"]
    AccessToken.objects.update(expires=timezone.now())
    assert inspect(admin_client, other)[0]["status"] == "expired"


def test_an_id_token_is_refused_as_not_an_access_token(admin_client):
    key = signing_keys.signing_key()
    other = jwt.encode({"sub": "x"}, key.key, algorithm=key.algorithm, headers={"typ": "JWT", "kid": key.kid})
    report, _ = inspect(admin_client, other)
    assert "typ must be at+jwt" in report["reason"]
    assert checks(report)["shape and header"] is False


def test_garbage_is_refused(admin_client):
    report, html = inspect(admin_client, "not a token")
    assert not report["valid"] and report["reason"] == "The access token is malformed."
    assert "unreadable" in html


def test_the_button_revokes_it(admin_client, token, api, introspect, service_client, caplog):
    caplog.set_level(logging.DEBUG)
    assert "Revoke this token" in inspect(admin_client, token)[1]
    report, html = inspect(admin_client, token, revoke="1")
    assert "The access token is revoked." in html
    assert not report["valid"] and report["reason"] == "The access token was revoked."
    assert checks(report)["revocation"] is False
    assert api(token).status_code == 401
    assert introspect(token, service_client)["active"] is False
    assert report["status"] == "revoked" and not AccessToken.objects.exists()
    record = RevokedToken.objects.get()
    assert LogEntry.objects.filter(object_id=str(record.pk), action_flag=CHANGE).exists()
    assert "token.revoked_by_staff" in {getattr(r, "event", "") for r in caplog.records}
    assert_not_logged(caplog, token)


def test_a_forged_token_cannot_be_revoked(admin_client, token, api):
    head, body, signature = token.split(".")
    _, html = inspect(admin_client, f"{head}.{body}.{signature[:-4]}AAAA", revoke="1")
    assert "Not revoked: The access token&#x27;s signature is invalid." in html
    assert api(token).status_code == 200


def test_a_token_the_hub_has_no_row_of_is_revoked_by_its_record(admin_client, token, api):
    with connection.cursor() as cursor:  # behind the receiver's back, as a lost row would be
        cursor.execute(f"DELETE FROM {AccessToken._meta.db_table}")  # noqa: S608
    assert inspect(admin_client, token)[0]["status"] == "unknown"
    report, _ = inspect(admin_client, token, revoke="1")
    assert report["status"] == "revoked" and report["reason"] == "The access token was revoked."
    claims = jwt.decode(token, options={"verify_signature": False})
    record = RevokedToken.objects.get()
    assert (record.jti, record.client_id, int(record.expires_at.timestamp())) == (
        claims["jti"],
        claims["client_id"],
        claims["exp"],
    )
    assert api(token).status_code == 401
