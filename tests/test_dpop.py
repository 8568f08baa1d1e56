"""DPoP (RFC 9449) through HTTP: every grant at the hub binds its tokens to the proof's
key, and authhub's /api/me takes them only with the DPoP scheme and a proof made with
that key. Proofs are made with jwcrypto (tests.dpop_client)."""

from __future__ import annotations

import pytest
from oauth2_provider.models import Application

from oauth_jwt.models import ClientProfile, DPoPBinding
from oauth_jwt.resource import dpop

from .conftest import (
    REDIRECT_URI,
    authorize,
    basic_auth,
    client_credentials_token,
    form_post,
    make_client,
    pkce_pair,
    redirect_params,
    refresh,
    token_request,
    verify_independently,
)
from .dpop_client import TOKEN_URL, DPoPKey
from .test_grants import DEVICE_GRANT

API = "http://testserver/api/me"


def token_post(client, c, headers: dict, **data):
    """``token_request`` with request headers (a DPoP proof)."""
    if not c.secret:
        data.setdefault("client_id", c.client_id)
    return form_post(client, "/o/token/", data, **(basic_auth(c) if c.secret else {}), **headers)


def dpop_token(client, c, key: DPoPKey, **data) -> dict:
    response = token_post(client, c, key.headers("POST", TOKEN_URL), **data)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["token_type"] == "DPoP"
    _, claims = verify_independently(client, body["access_token"])
    assert claims["cnf"] == {"jkt": key.jkt}
    return body


def call_api(client, key: DPoPKey, token: str, **extra):
    return client.get("/api/me", **key.headers("GET", API, token, **extra))


def test_client_credentials_token_is_bound_and_used_with_dpop(client, service_client):
    key = DPoPKey()
    token = dpop_token(client, service_client, key, grant_type="client_credentials", scope="read")["access_token"]
    response = call_api(client, key, token)
    assert response.status_code == 200, response.content
    assert response.json()["client_id"] == service_client.client_id


@pytest.mark.parametrize("alg", ["ES256", "ES384", "RS256", "PS256", "EdDSA"])
def test_every_published_algorithm(client, service_client, alg):
    key = DPoPKey(alg)
    token = dpop_token(client, service_client, key, grant_type="client_credentials")["access_token"]
    assert call_api(client, key, token).status_code == 200


def test_the_dpop_scheme_is_case_insensitive(client, service_client):
    key = DPoPKey()
    token = dpop_token(client, service_client, key, grant_type="client_credentials")["access_token"]
    headers = key.headers("GET", API, token)
    headers["HTTP_AUTHORIZATION"] = f"dpop {token}"
    assert client.get("/api/me", **headers).status_code == 200


def test_a_bound_token_sent_as_bearer_is_refused(client, service_client):
    """§7.2: no downgrade to Bearer, with or without a proof beside it."""
    key = DPoPKey()
    token = dpop_token(client, service_client, key, grant_type="client_credentials")["access_token"]
    for extra in ({}, {"HTTP_DPOP": key.proof("GET", API, token)}):
        response = client.get("/api/me", HTTP_AUTHORIZATION=f"Bearer {token}", **extra)
        assert response.status_code == 401
        challenge = response["WWW-Authenticate"]
        assert challenge.startswith("DPoP ") and 'error="invalid_token"' in challenge and "algs=" in challenge


def test_a_proof_from_another_key_is_refused(client, service_client):
    key, other = DPoPKey(), DPoPKey()
    token = dpop_token(client, service_client, key, grant_type="client_credentials")["access_token"]
    response = call_api(client, other, token)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith('DPoP realm="api", error="invalid_dpop_proof"')


def test_dpop_scheme_without_proof_or_with_an_unbound_token(client, service_client):
    key = DPoPKey()
    token = dpop_token(client, service_client, key, grant_type="client_credentials")["access_token"]
    response = client.get("/api/me", HTTP_AUTHORIZATION=f"DPoP {token}")
    assert response.status_code == 401
    assert 'error="invalid_dpop_proof"' in response["WWW-Authenticate"]
    plain = client_credentials_token(client, service_client)
    assert plain["token_type"] == "Bearer"
    response = call_api(client, key, plain["access_token"])
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("DPoP ")


def test_plain_bearer_tokens_keep_working(client, service_client, api):
    body = client_credentials_token(client, service_client)
    _, claims = verify_independently(client, body["access_token"])
    assert "cnf" not in claims
    assert api(body["access_token"]).status_code == 200


def test_code_flow_with_dpop_jkt_and_a_bound_public_refresh_token(client, user, public_client):
    key = DPoPKey()
    verifier, challenge = pkce_pair()
    redirect = authorize(client, user, public_client, challenge=challenge, dpop_jkt=key.jkt)
    code = redirect_params(redirect)["code"]
    assert DPoPBinding.objects.filter(kind="code", jkt=key.jkt).exists()
    grant = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI, "code_verifier": verifier}
    body = dpop_token(client, public_client, key, **grant)
    assert call_api(client, key, body["access_token"]).status_code == 200

    other = DPoPKey()
    for headers in ({}, other.headers("POST", TOKEN_URL)):
        refused = token_post(
            client, public_client, headers, grant_type="refresh_token", refresh_token=body["refresh_token"]
        )
        assert refused.status_code == 400
        assert refused.json()["error"] == "invalid_dpop_proof"
    renewed = dpop_token(client, public_client, key, grant_type="refresh_token", refresh_token=body["refresh_token"])
    assert call_api(client, key, renewed["access_token"]).status_code == 200
    # The rotated refresh token is bound to the same key.
    assert refresh(client, public_client, renewed["refresh_token"]).json()["error"] == "invalid_dpop_proof"


def test_a_code_bound_with_dpop_jkt_refuses_another_key(client, user, web_client):
    key, other = DPoPKey(), DPoPKey()
    verifier, challenge = pkce_pair()
    code = redirect_params(authorize(client, user, web_client, challenge=challenge, dpop_jkt=key.jkt))["code"]
    grant = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI, "code_verifier": verifier}
    for headers in ({}, other.headers("POST", TOKEN_URL)):
        response = token_post(client, web_client, headers, **grant)
        assert response.status_code == 400
        assert response.json()["error"] == "invalid_dpop_proof"


def test_a_malformed_dpop_jkt_is_refused(client, user, web_client):
    response = authorize(client, user, web_client, dpop_jkt="not a thumbprint")
    assert redirect_params(response)["error"] == "invalid_request"


def test_a_confidential_clients_refresh_token_is_not_bound(client, user, web_client):
    key = DPoPKey()
    verifier, challenge = pkce_pair()
    code = redirect_params(authorize(client, user, web_client, challenge=challenge))["code"]
    grant = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI, "code_verifier": verifier}
    body = dpop_token(client, web_client, key, **grant)
    assert not DPoPBinding.objects.filter(kind="refresh").exists()
    renewed = refresh(client, web_client, body["refresh_token"])
    assert renewed.status_code == 200 and renewed.json()["token_type"] == "Bearer"


def test_device_grant(client, user, device_client):
    key = DPoPKey()
    start = form_post(client, "/o/device-authorization/", {"client_id": device_client.client_id, "scope": "read"})
    grant = start.json()
    client.force_login(user)
    entered = client.post("/o/device/", {"user_code": grant["user_code"]})
    client.post(entered["Location"], {"action": "accept"})
    body = dpop_token(client, device_client, key, grant_type=DEVICE_GRANT, device_code=grant["device_code"])
    assert call_api(client, key, body["access_token"]).status_code == 200


def test_a_client_that_must_use_dpop(client, service_client):
    ClientProfile.objects.create(client_id=service_client.client_id, dpop_required=True)
    response = token_request(client, service_client, grant_type="client_credentials")
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_dpop_proof"
    dpop_token(client, service_client, DPoPKey(), grant_type="client_credentials")


def test_the_server_wide_switch(client, settings, service_client):
    settings.OAUTH_JWT = {**settings.OAUTH_JWT, "DPOP_REQUIRED": True}
    response = token_request(client, service_client, grant_type="client_credentials")
    assert response.json()["error"] == "invalid_dpop_proof"


def test_nonces_at_the_hub_and_the_api(client, settings, service_client):
    settings.OAUTH_JWT = {**settings.OAUTH_JWT, "DPOP_NONCES": True}
    key = DPoPKey()
    first = token_post(client, service_client, key.headers("POST", TOKEN_URL), grant_type="client_credentials")
    assert first.status_code == 400
    assert first.json()["error"] == "use_dpop_nonce"
    nonce = first["DPoP-Nonce"]
    headers = key.headers("POST", TOKEN_URL, nonce=nonce)
    body = token_post(client, service_client, headers, grant_type="client_credentials").json()
    token = body["access_token"]
    refused = call_api(client, key, token)
    assert refused.status_code == 401
    assert 'error="use_dpop_nonce"' in refused["WWW-Authenticate"]
    assert call_api(client, key, token, nonce=refused["DPoP-Nonce"]).status_code == 200
    assert call_api(client, key, token, nonce="1:forged").status_code == 401


def test_discovery_and_introspection(client, service_client):
    metadata = client.get("/.well-known/oauth-authorization-server").json()
    assert "ES256" in metadata["dpop_signing_alg_values_supported"]
    assert "HS256" not in metadata["dpop_signing_alg_values_supported"]
    key = DPoPKey()
    token = dpop_token(client, service_client, key, grant_type="client_credentials")["access_token"]
    answer = form_post(client, "/o/introspect/", {"token": token}, **basic_auth(service_client)).json()
    assert answer["active"] is True
    assert answer["token_type"] == "DPoP"
    assert answer["cnf"] == {"jkt": key.jkt}


def test_admin_checkbox(admin_client, db):
    app = make_client(Application.GRANT_CLIENT_CREDENTIALS, name="Svc").app
    page = admin_client.get(f"/admin/oauth2_provider/application/{app.pk}/change/")
    assert b'name="dpop_required"' in page.content


def test_the_admin_shows_the_binding(admin_client, client, service_client):
    from oauth2_provider.models import get_access_token_model

    key = DPoPKey()
    token = dpop_token(client, service_client, key, grant_type="client_credentials")["access_token"]
    row = get_access_token_model().objects.get(application=service_client.app)
    page = admin_client.get(f"/admin/oauth2_provider/accesstoken/{row.pk}/change/")
    assert key.jkt in page.content.decode()
    report = admin_client.post("/admin/oauth2_provider/accesstoken/inspect/", {"token": token})
    assert f"bound to DPoP key {key.jkt}" in report.content.decode()


def test_userinfo_takes_a_bound_token_with_its_proof(client, user, web_client):
    """oauthlib reads only Bearer tokens; the hub's UserInfo checks the DPoP ones itself."""
    key = DPoPKey()
    verifier, challenge = pkce_pair()
    code = redirect_params(authorize(client, user, web_client, scope="openid", challenge=challenge))["code"]
    grant = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI, "code_verifier": verifier}
    token = dpop_token(client, web_client, key, **grant)["access_token"]
    client.logout()
    url = "http://testserver/o/userinfo/"
    for method in (client.get, client.post):
        answer = method("/o/userinfo/", **key.headers(method.__name__.upper(), url, token))
        assert answer.status_code == 200, answer.content
        assert answer.json()["sub"] == str(user.pk)
    as_bearer = client.get("/o/userinfo/", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert as_bearer.status_code == 401
    assert as_bearer["WWW-Authenticate"].startswith('DPoP realm="api", error="invalid_token"')
    without_proof = client.get("/o/userinfo/", HTTP_AUTHORIZATION=f"DPoP {token}")
    assert without_proof.status_code == 401
    assert 'error="invalid_dpop_proof"' in without_proof["WWW-Authenticate"]
    user.is_active = False
    user.save()
    assert client.get("/o/userinfo/", **key.headers("GET", url, token)).status_code == 401


def test_no_token_is_offered_both_schemes(client, user, web_client):
    """RFC 9449 §7.1: a server taking Bearer and DPoP tokens may challenge with both, so a
    client learns it can send a DPoP-bound token (and which proof algorithms) before it
    has one. The hub's API and its UserInfo both take both."""
    expected = (
        'Bearer realm="api", resource_metadata="http://127.0.0.1:8000/.well-known/oauth-protected-resource/api/", '
        f'DPoP realm="api", algs="{" ".join(dpop.ALGORITHMS)}", '
        'resource_metadata="http://127.0.0.1:8000/.well-known/oauth-protected-resource/api/"'
    )
    missing = client.get("/api/me")
    assert missing.status_code == 401
    assert missing["WWW-Authenticate"] == expected
    userinfo = client.get("/o/userinfo/")
    assert userinfo.status_code == 401
    assert userinfo["WWW-Authenticate"] == f'Bearer realm="api", DPoP realm="api", algs="{" ".join(dpop.ALGORITHMS)}"'
    # Any token: the challenge is in the scheme that token came with.
    bad = client.get("/api/me", HTTP_AUTHORIZATION="Bearer not-a-jwt")
    assert bad["WWW-Authenticate"].startswith('Bearer realm="api", error="invalid_token"')
    assert "DPoP" not in bad["WWW-Authenticate"]
