"""RFC 7662 introspection of the hub's JWTs: who may see what, and what they see."""

from __future__ import annotations

import jwt
import pytest
from oauth2_provider.settings import oauth2_settings

from oauth_jwt.models import ClientProfile

from ..conftest import basic_auth, bearer, client_credentials_token, code_flow_token, form_post, make_client

RS_AUDIENCE = "https://reports.example.test/api/"
FIELDS = {"active", "scope", "client_id", "sub", "token_type", "exp", "iat", "iss", "aud", "jti"}


def introspect(client, caller, token, **headers):
    return form_post(client, "/o/introspect/", {"token": token}, **(headers or basic_auth(caller)))


def test_a_client_sees_its_own_token_with_its_claims(client, user, web_client, settings):
    token = code_flow_token(client, user, web_client, scope="read")["access_token"]
    response = introspect(client, web_client, token)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    body = response.json()
    claims = jwt.decode(token, options={"verify_signature": False})
    assert set(body) == FIELDS | {"username"}
    assert body["active"] is True and body["token_type"] == "Bearer" and body["username"] == "alice"
    for name in ("scope", "client_id", "sub", "exp", "iat", "iss", "aud", "jti"):
        assert body[name] == claims[name]


def test_a_client_token_has_no_username(client, service_client):
    token = client_credentials_token(client, service_client)["access_token"]
    body = introspect(client, service_client, token).json()
    assert body["active"] is True and body["sub"] == service_client.client_id and "username" not in body


def test_a_client_that_serves_no_audience_of_the_token_is_told_so(client, service_client, web_client):
    token = client_credentials_token(client, service_client)["access_token"]
    refused = introspect(client, web_client, token)
    assert refused.status_code == 403
    body = refused.json()
    assert body["error"] == "unauthorized_client" and "served_resources" in body["error_description"]


def test_the_403_depends_only_on_what_the_token_claims_not_on_whether_it_is_valid(client, service_client, web_client):
    token = client_credentials_token(client, service_client)["access_token"]
    header, payload, signature = token.split(".")
    forged = f"{header}.{payload}.{signature[:-4]}AAAA"
    assert introspect(client, service_client, token).json()["active"] is True
    revoke = form_post(client, "/o/revoke_token/", {"token": token}, **basic_auth(service_client))
    assert revoke.status_code == 200
    for candidate in (token, forged):  # revoked or forged: the same answer as for a live one
        assert introspect(client, web_client, candidate).status_code == 403


def test_a_resource_server_sees_tokens_for_the_resources_it_serves(client, service_client):
    rs = make_client("client-credentials", name="Reports API")
    ClientProfile.objects.create(client_id=rs.client_id, served_resources=[RS_AUDIENCE])
    for_rs = client_credentials_token(client, service_client, resource=RS_AUDIENCE)["access_token"]
    for_others = client_credentials_token(client, service_client)["access_token"]
    assert introspect(client, rs, for_rs).json()["active"] is True
    assert introspect(client, rs, for_others).status_code == 403


def test_a_bearer_token_with_the_introspection_scope_sees_every_token(client, service_client, web_client, settings):
    settings.OAUTH2_PROVIDER = {
        **settings.OAUTH2_PROVIDER,
        "SCOPES": {**settings.OAUTH2_PROVIDER["SCOPES"], "introspection": "Introspect tokens"},
    }
    oauth2_settings.reload()
    try:
        auditor = make_client("client-credentials", name="Auditor")
        credential = client_credentials_token(client, auditor, scope="introspection")["access_token"]
        token = client_credentials_token(client, service_client)["access_token"]
        assert introspect(client, None, token, **bearer(credential)).json()["active"] is True
        narrow = client_credentials_token(client, auditor, scope="read")["access_token"]
        assert introspect(client, None, token, **bearer(narrow)).status_code == 401
    finally:
        settings.OAUTH2_PROVIDER = {**settings.OAUTH2_PROVIDER}
        oauth2_settings.reload()


def test_forged_revoked_and_unknown_tokens_are_inactive(client, service_client):
    token = client_credentials_token(client, service_client)["access_token"]
    forged = token[:-6] + ("A" * 6 if not token.endswith("A" * 6) else "B" * 6)
    assert introspect(client, service_client, forged).json() == {"active": False}
    assert introspect(client, service_client, "opaque-garbage").json() == {"active": False}
    form_post(client, "/o/revoke_token/", {"token": token}, **basic_auth(service_client))
    assert introspect(client, service_client, token).json() == {"active": False}


@pytest.mark.oauth_jwt_settings(LEEWAY_SECONDS=0)
def test_an_expired_token_is_inactive(client, service_client, clock):
    ClientProfile.objects.create(client_id=service_client.client_id, access_token_lifetime=60)
    token = client_credentials_token(client, service_client)["access_token"]
    assert introspect(client, service_client, token).json()["active"] is True
    clock.advance(61)  # the clock moves on; the test does not sleep
    assert introspect(client, service_client, token).json() == {"active": False}


@pytest.mark.parametrize("credentials", ["none", "wrong", "public"])
def test_callers_must_authenticate_as_confidential_clients(client, service_client, public_client, credentials):
    token = client_credentials_token(client, service_client)["access_token"]
    if credentials == "none":
        response = form_post(client, "/o/introspect/", {"token": token})
    elif credentials == "wrong":
        service_client.secret = "wrong"
        response = introspect(client, service_client, token)
    else:
        response = form_post(client, "/o/introspect/", {"token": token, "client_id": public_client.client_id})
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


def test_only_post_with_a_token(client, service_client):
    token = client_credentials_token(client, service_client)["access_token"]
    assert client.get("/o/introspect/", {"token": token}, **basic_auth(service_client)).status_code == 405
    missing = form_post(client, "/o/introspect/", {}, **basic_auth(service_client))
    assert missing.status_code == 400 and missing.json()["error"] == "invalid_request"


def test_metadata_advertises_this_endpoint(client, db):
    metadata = client.get("/.well-known/oauth-authorization-server").json()
    assert metadata["introspection_endpoint"].endswith("/o/introspect/")


def test_a_token_for_the_clients_default_audience_stays_active_when_that_default_changes(client, service_client):
    """The row leaves a client's default audience out; introspection does not need it."""
    profile = ClientProfile.objects.create(client_id=service_client.client_id, default_audience=RS_AUDIENCE)
    token = client_credentials_token(client, service_client)["access_token"]
    assert jwt.decode(token, options={"verify_signature": False})["aud"] == RS_AUDIENCE
    profile.default_audience = "https://elsewhere.example.test/"
    profile.save()
    body = introspect(client, service_client, token).json()
    assert body["active"] is True and body["aud"] == RS_AUDIENCE


def test_a_forged_token_whose_checksum_is_unknown_is_inactive(client, service_client):
    token = client_credentials_token(client, service_client)["access_token"]
    header, payload, signature = token.split(".")
    assert introspect(client, service_client, f"{header}.{payload}.{signature[:-4]}AAAA").json() == {"active": False}
    assert introspect(client, service_client, "not.a-jwt").json() == {"active": False}
