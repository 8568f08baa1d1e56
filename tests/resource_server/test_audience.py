"""RFC 8707 at the hub: resources become `aud`, within what each client may use."""

from __future__ import annotations

import jwt

from oauth_jwt.models import ClientProfile

from ..conftest import (
    REDIRECT_URI,
    authorize,
    authorize_query,
    pkce_pair,
    redirect_params,
    refresh,
    token_request,
)

A = "https://a.example.test/"
B = "https://b.example.test/"
C = "https://c.example.test/"


def aud(token: str):
    return jwt.decode(token, options={"verify_signature": False})["aud"]


def cc(client, c, **data):
    return token_request(client, c, grant_type="client_credentials", scope="read", **data)


def test_a_resource_becomes_the_audience(client, service_client):
    assert aud(cc(client, service_client, resource=A).json()["access_token"]) == A


def test_without_a_resource_the_clients_then_the_hubs_default(client, service_client, settings):
    assert aud(cc(client, service_client).json()["access_token"]) == settings.OAUTH_JWT["DEFAULT_AUDIENCE"]
    ClientProfile.objects.create(client_id=service_client.client_id, default_audience=B)
    assert aud(cc(client, service_client).json()["access_token"]) == B


def test_a_resource_the_client_may_not_use_is_invalid_target(client, service_client):
    ClientProfile.objects.create(client_id=service_client.client_id, allowed_resources=[A])
    assert cc(client, service_client, resource=A).status_code == 200
    refused = cc(client, service_client, resource=B)
    assert refused.status_code == 400 and refused.json()["error"] == "invalid_target"


def test_the_hubs_resources_setting_applies_to_clients_without_their_own(client, service_client, oauth_jwt_settings):
    oauth_jwt_settings(RESOURCES=[A])
    assert cc(client, service_client, resource=A).status_code == 200
    assert cc(client, service_client, resource=B).json()["error"] == "invalid_target"


def test_a_scope_the_client_may_not_use_is_invalid_scope(client, service_client):
    ClientProfile.objects.create(client_id=service_client.client_id, allowed_scopes=["read"])
    refused = token_request(client, service_client, grant_type="client_credentials", scope="write")
    assert refused.status_code == 400 and refused.json()["error"] == "invalid_scope"


def code_tokens(client, user, c, scope="read write", resources=(A, B)):
    verifier, challenge = pkce_pair()
    code = redirect_params(authorize(client, user, c, scope=scope, challenge=challenge, resource=list(resources)))[
        "code"
    ]
    client.logout()
    return token_request(
        client, c, grant_type="authorization_code", code=code, redirect_uri=REDIRECT_URI, code_verifier=verifier
    ).json()


def test_a_refresh_may_narrow_resources_and_scopes(client, user, web_client):
    body = code_tokens(client, user, web_client)
    assert sorted(aud(body["access_token"])) == [A, B]
    narrowed = refresh(client, web_client, body["refresh_token"], resource=A, scope="read").json()
    assert aud(narrowed["access_token"]) == A
    assert narrowed["scope"] == "read"


def test_a_refresh_never_widens_resources(client, user, web_client):
    body = code_tokens(client, user, web_client)
    widened = refresh(client, web_client, body["refresh_token"], resource=C)
    assert widened.status_code == 400 and widened.json()["error"] == "invalid_target"


def test_a_refresh_never_widens_scopes(client, user, web_client):
    body = code_tokens(client, user, web_client, scope="read")
    widened = refresh(client, web_client, body["refresh_token"], scope="read write")
    assert widened.status_code == 400 and widened.json()["error"] == "invalid_scope"


def test_a_code_redeemed_for_a_resource_it_was_not_granted_is_invalid_target(client, user, web_client):
    verifier, challenge = pkce_pair()
    code = redirect_params(authorize(client, user, web_client, challenge=challenge, resource=[A]))["code"]
    client.logout()
    response = token_request(
        client,
        web_client,
        grant_type="authorization_code",
        code=code,
        redirect_uri=REDIRECT_URI,
        code_verifier=verifier,
        resource=C,
    )
    assert response.status_code == 400 and response.json()["error"] == "invalid_target"


def test_a_resource_the_client_may_not_use_is_refused_at_the_authorize_endpoint(client, user, web_client):
    ClientProfile.objects.create(client_id=web_client.client_id, allowed_resources=[A])
    client.force_login(user)
    query = authorize_query(web_client, state="s1")
    assert client.get("/o/authorize/", {**query, "resource": A}).status_code == 200
    params = redirect_params(client.get("/o/authorize/", {**query, "resource": B}))
    assert params["error"] == "invalid_target"
    assert params["state"] == "s1"
    assert params["iss"] == "http://127.0.0.1:8000"
    assert "code" not in params
