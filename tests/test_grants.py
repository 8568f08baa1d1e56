"""Every grant authhub serves returns an RFC 9068 access token, checked with jwcrypto
against the published JWK set."""

import hashlib
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from oauth2_provider.models import get_access_token_model, get_refresh_token_model

from oauth_jwt.models import ClientProfile, SigningKey
from oauth_jwt.server import audience, token_records
from oauth_jwt.server.authtime import SESSION_KEY

from .conftest import (
    basic_auth,
    bearer,
    client_credentials_token,
    code_flow_token,
    form_post,
    refresh,
    token_request,
    verify_independently,
)

ISSUER = "http://127.0.0.1:8000"
AUDIENCE = "http://127.0.0.1:8000/api/"
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
UNREACHABLE_CACHE = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}

pytestmark = pytest.mark.django_db


def assert_rfc9068(header, claims, body):
    assert header["typ"] == "at+jwt"
    assert header["alg"] == "RS256"
    assert header["kid"]
    assert claims["iss"] == ISSUER
    assert claims["aud"] == AUDIENCE
    for name in ("iss", "sub", "aud", "client_id", "iat", "exp", "jti"):
        assert name in claims
    assert isinstance(claims["iat"], int) and isinstance(claims["exp"], int)
    assert claims["exp"] - claims["iat"] == body["expires_in"] == 600
    assert abs(claims["iat"] - time.time()) < 60
    assert len(claims["jti"]) >= 22  # 128 bits, base64url


def test_client_credentials(client, service_client):
    body = client_credentials_token(client, service_client, scope="read write")
    header, claims = verify_independently(client, body["access_token"])
    assert_rfc9068(header, claims, body)
    assert claims["sub"] == claims["client_id"] == service_client.client_id
    assert claims["scope"] == "read write"
    assert "auth_time" not in claims
    assert "refresh_token" not in body


def test_authorization_code_with_pkce(client, user, web_client):
    body = code_flow_token(client, user, web_client, scope="read")
    header, claims = verify_independently(client, body["access_token"])
    assert_rfc9068(header, claims, body)
    assert claims["sub"] == str(user.pk)
    assert claims["client_id"] == web_client.client_id
    assert claims["scope"] == "read"
    # auth_time is the session's sign-in, recorded a moment after Django sets last_login:
    # the two may straddle a second on a busy machine.
    signed_in = user.__class__.objects.get(pk=user.pk).last_login.timestamp()
    assert 0 <= claims["auth_time"] - int(signed_in) <= 1


def test_refresh_tokens_stay_opaque_and_refresh_gives_a_new_jwt(client, user, web_client):
    first = code_flow_token(client, user, web_client)
    assert first["refresh_token"].count(".") == 0 and len(first["refresh_token"]) >= 30
    # A later sign-in elsewhere does not move the auth_time of this grant's tokens.
    user.__class__.objects.filter(pk=user.pk).update(last_login=F("last_login") + timedelta(hours=1))
    response = refresh(client, web_client, first["refresh_token"])
    assert response.status_code == 200, response.content
    second = response.json()
    _, old = verify_independently(client, first["access_token"])
    header, new = verify_independently(client, second["access_token"])
    assert_rfc9068(header, new, second)
    assert new["jti"] != old["jti"]
    assert new["sub"] == old["sub"]
    assert new["auth_time"] == old["auth_time"]  # RFC 9068 §2.2.1: fixed across refreshes


def test_public_client_code_flow(client, user, public_client):
    body = code_flow_token(client, user, public_client, scope="read write")
    _, claims = verify_independently(client, body["access_token"])
    assert claims["client_id"] == public_client.client_id
    assert claims["scope"] == "read write"


def test_device_code(client, user, device_client):
    start = form_post(client, "/o/device-authorization/", {"client_id": device_client.client_id, "scope": "read"})
    assert start.status_code == 200, start.content
    grant = start.json()
    assert grant["verification_uri"] == "http://127.0.0.1:8000/o/device/"
    pending = token_request(client, device_client, grant_type=DEVICE_GRANT, device_code=grant["device_code"])
    assert pending.json()["error"] == "authorization_pending"
    too_soon = token_request(client, device_client, grant_type=DEVICE_GRANT, device_code=grant["device_code"])
    assert too_soon.status_code == 400
    assert too_soon.json()["error"] == "slow_down"  # RFC 8628 §3.5: polled within the interval

    client.force_login(user)
    entered = client.post("/o/device/", {"user_code": grant["user_code"]})
    assert entered.status_code == 303
    accepted = client.post(entered["Location"], {"action": "accept"})
    assert accepted.status_code == 303

    response = token_request(client, device_client, grant_type=DEVICE_GRANT, device_code=grant["device_code"])
    assert response.status_code == 200, response.content
    body = response.json()
    _, claims = verify_independently(client, body["access_token"])
    assert claims["sub"] == str(user.pk)
    assert claims["client_id"] == device_client.client_id


def test_device_tokens_carry_the_sign_in_time_of_the_device_page(client, user, device_client, clock):
    """RFC 9068 §2.2.1 ``auth_time``: when the person signed in where they approved the
    device, not ``last_login``, which a later sign-in elsewhere moves on. (The device
    grant issues no ID token: oauthlib's device grant has no OpenID Connect side.)"""
    asked = {"client_id": device_client.client_id, "scope": "openid read"}
    grant = form_post(client, "/o/device-authorization/", asked).json()
    client.force_login(user)
    signed_in = client.session[SESSION_KEY]
    clock.advance(600)
    type(client)().force_login(user)  # another browser, later
    entered = client.post("/o/device/", {"user_code": grant["user_code"]})
    client.post(entered["Location"], {"action": "accept"})
    clock.advance(60)

    response = token_request(client, device_client, grant_type=DEVICE_GRANT, device_code=grant["device_code"])
    assert response.status_code == 200, response.content
    body = response.json()
    assert "id_token" not in body
    assert verify_independently(client, body["access_token"])[1]["auth_time"] == signed_in
    refreshed = refresh(client, device_client, body["refresh_token"]).json()
    assert verify_independently(client, refreshed["access_token"])[1]["auth_time"] == signed_in


def test_device_tokens_without_the_cache_fall_back_to_the_last_sign_in(client, user, device_client, settings):
    """The device's sign-in time waits in the default cache; while it is unreachable the
    device is still approved and its tokens issued (with ``last_login``), never a 500."""
    asked = {"client_id": device_client.client_id, "scope": "read"}
    grant = form_post(client, "/o/device-authorization/", asked).json()
    client.force_login(user)
    settings.CACHES = {**settings.CACHES, "default": UNREACHABLE_CACHE}
    entered = client.post("/o/device/", {"user_code": grant["user_code"]})
    assert client.post(entered["Location"], {"action": "accept"}).status_code == 303

    response = token_request(client, device_client, grant_type=DEVICE_GRANT, device_code=grant["device_code"])
    assert response.status_code == 200, response.content
    user.refresh_from_db()
    assert verify_independently(client, response.json()["access_token"])[1]["auth_time"] == int(
        user.last_login.timestamp()
    )


def test_openid_scope_issues_an_id_token_from_the_same_key_store(client, user, web_client):
    body = code_flow_token(client, user, web_client, scope="openid read", nonce="n-0S6")
    header, claims = verify_independently(client, body["id_token"])
    assert header["typ"] == "JWT"
    at_header, _ = verify_independently(client, body["access_token"])
    assert header["kid"] == at_header["kid"]
    assert claims["iss"] == ISSUER
    assert claims["aud"] == web_client.client_id
    assert claims["nonce"] == "n-0S6"


def test_dot_keeps_its_row_with_the_jwt_record_in_it(client, service_client):
    body = client_credentials_token(client, service_client)
    header, claims = verify_independently(client, body["access_token"])
    row = get_access_token_model().objects.get()
    # RFC 9700 token storage: no token at rest, only its checksum and its record.
    assert row.token_checksum == hashlib.sha256(body["access_token"].encode()).hexdigest()
    record = token_records.of(row)
    assert record.jti == claims["jti"] and record.auth_time is None
    assert SigningKey.objects.get(pk=record.key_pk).kid == header["kid"]
    assert row.token == f"{claims['jti']} {record.key_pk:010d}"  # the JWT is not kept at rest
    assert int(row.expires.timestamp()) == claims["exp"]
    assert row.resource == []  # the default audience is implied, not stored
    assert audience.of_row(row) == [AUDIENCE]
    assert get_refresh_token_model().objects.count() == 0


def test_a_row_saved_again_keeps_its_checksum_and_record(client, service_client):
    token = client_credentials_token(client, service_client)["access_token"]
    row = get_access_token_model().objects.get()
    record = row.token
    row.scope = "read write"
    row.save()
    row = get_access_token_model().objects.get()
    assert row.token == record and row.token_checksum == hashlib.sha256(token.encode()).hexdigest()
    # ... so DOT's revocation endpoint still finds it, and the JWT is refused.
    assert client.post("/o/revoke_token/", {"token": token}, **basic_auth(service_client)).status_code == 200
    assert not get_access_token_model().objects.exists()
    assert client.get("/api/me", **bearer(token)).status_code == 401


def test_resource_indicator_becomes_the_audience(client, service_client):
    body = client_credentials_token(client, service_client, resource="https://reports.example.com/")
    assert get_access_token_model().objects.get().resource == ["https://reports.example.com/"]
    _, claims = verify_independently(client, body["access_token"])
    assert claims["aud"] == "https://reports.example.com/"


def test_resource_from_the_authorization_request_is_inherited(client, user, web_client):
    body = code_flow_token(client, user, web_client, resource="https://reports.example.com/")
    _, claims = verify_independently(client, body["access_token"])
    assert claims["aud"] == "https://reports.example.com/"
    response = refresh(client, web_client, body["refresh_token"])
    _, refreshed = verify_independently(client, response.json()["access_token"])
    assert refreshed["aud"] == "https://reports.example.com/"


def test_jtis_are_unique(client, service_client):
    jtis = {
        verify_independently(client, client_credentials_token(client, service_client)["access_token"])[1]["jti"]
        for _ in range(5)
    }
    assert len(jtis) == 5


@pytest.mark.parametrize("grant", ["password", "implicit"])
def test_password_and_implicit_are_off(client, service_client, grant):
    response = token_request(client, service_client, grant_type=grant, username="x", password="y")
    assert response.status_code == 400
    assert response.json()["error"] in ("unsupported_grant_type", "unauthorized_client", "invalid_grant")


def test_a_client_credentials_token_costs_one_read_and_one_transaction(client, service_client):
    """The client and its profile come in one query, and the new row is not read back
    to announce it: one SELECT, then DOT's row, which carries the JWT's record."""
    ClientProfile.objects.create(client_id=service_client.client_id, allowed_scopes=["read"])
    client_credentials_token(client, service_client)  # warm caches: keys, denylist
    with CaptureQueriesContext(connection) as queries:
        client_credentials_token(client, service_client)
    statements = [q["sql"].split()[0].upper() for q in queries.captured_queries]
    assert statements.count("SELECT") == 1, statements
    assert statements.count("INSERT") == 1, statements


def test_a_profile_edit_applies_to_the_next_token_request(client, service_client):
    profile = ClientProfile.objects.create(client_id=service_client.client_id, allowed_scopes=["read"])
    assert client_credentials_token(client, service_client, scope="read")
    profile.allowed_scopes = ["write"]
    profile.save()
    refused = token_request(client, service_client, grant_type="client_credentials", scope="read")
    assert refused.status_code == 400 and refused.json()["error"] == "invalid_scope"
    profile.access_token_lifetime = 77
    profile.save()
    assert client_credentials_token(client, service_client, scope="write")["expires_in"] == 77
