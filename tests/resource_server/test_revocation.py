"""RFC 7009 through the hub's endpoint, seen by the hub's own resource checks."""

from __future__ import annotations

from ..conftest import basic_auth, client_credentials_token, code_flow_token, form_post, refresh


def revoke(client, c, token, **data):
    headers = basic_auth(c) if c.secret else {}
    if not c.secret:
        data["client_id"] = c.client_id
    return form_post(client, "/o/revoke_token/", {"token": token, **data}, **headers)


def test_revoking_an_access_token(client, api, service_client):
    token = client_credentials_token(client, service_client)["access_token"]
    assert api(token).status_code == 200
    assert revoke(client, service_client, token, token_type_hint="access_token").status_code == 200
    refused = api(token)
    assert refused.status_code == 401 and "revoked" in refused["WWW-Authenticate"]


def test_revoking_a_refresh_token_revokes_the_access_token_issued_with_it(client, api, user, web_client):
    body = code_flow_token(client, user, web_client)
    client.logout()
    assert api(body["access_token"]).status_code == 200
    assert revoke(client, web_client, body["refresh_token"], token_type_hint="refresh_token").status_code == 200
    assert api(body["access_token"]).status_code == 401
    assert refresh(client, web_client, body["refresh_token"]).json()["error"] == "invalid_grant"


def test_revoking_a_refreshed_token_family_member(client, api, user, web_client):
    first = code_flow_token(client, user, web_client)
    client.logout()
    second = refresh(client, web_client, first["refresh_token"]).json()
    assert api(first["access_token"]).status_code == 401  # rotation retired it
    assert api(second["access_token"]).status_code == 200
    assert revoke(client, web_client, second["refresh_token"]).status_code == 200
    assert api(second["access_token"]).status_code == 401


def test_a_client_cannot_revoke_another_clients_token(client, api, service_client, web_client):
    token = client_credentials_token(client, service_client)["access_token"]
    assert revoke(client, web_client, token).status_code == 200
    assert api(token).status_code == 200


def test_a_public_client_revokes_its_own_token_with_its_client_id(client, api, user, public_client, service_client):
    body = code_flow_token(client, user, public_client)
    client.logout()
    assert revoke(client, public_client, body["access_token"]).status_code == 200
    assert api(body["access_token"]).status_code == 401
    other = client_credentials_token(client, service_client)["access_token"]
    assert revoke(client, public_client, other).status_code == 200
    assert api(other).status_code == 200


def test_unknown_tokens_answer_200(client, service_client):
    assert revoke(client, service_client, "no-such-token").status_code == 200


def test_an_unauthenticated_caller_revokes_nothing(client, api, service_client):
    token = client_credentials_token(client, service_client)["access_token"]
    response = form_post(client, "/o/revoke_token/", {"token": token})
    assert response.status_code in (400, 401)
    assert api(token).status_code == 200
