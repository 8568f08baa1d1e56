"""RFC 9728 protected-resource metadata of authhub's own API (``/api/``, its
``OAUTH_JWT["AUDIENCE"]``), and the ``resource_metadata`` of every challenge
(tests/resource_server/test_protected_resource_metadata.py: a remote resource server)."""

from __future__ import annotations

import re

import pytest

from oauth_jwt.resource import dpop
from tests.conftest import bearer, client_credentials_token
from tests.dpop_client import DPoPKey
from tests.test_dpop import dpop_token

pytestmark = pytest.mark.django_db

ISSUER = "http://127.0.0.1:8000"
API = f"{ISSUER}/api/"
DOCUMENT = "/.well-known/oauth-protected-resource/api/"
METADATA_URL = f"{ISSUER}{DOCUMENT}"


def challenge_url(response) -> str:
    challenge = response["WWW-Authenticate"]
    assert challenge.startswith("Bearer "), challenge
    found = re.search(r'(?:^|, )resource_metadata="([^"]*)"', challenge.removeprefix("Bearer "))
    assert found, challenge
    return found.group(1)


def test_the_document_names_the_api_and_the_hub(client):
    response = client.get(DOCUMENT)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "resource": API,
        "authorization_servers": [ISSUER],
        "bearer_methods_supported": ["header"],
        "dpop_signing_alg_values_supported": list(dpop.ALGORITHMS),
    }
    assert response["Cache-Control"] == "public, max-age=300"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert client.head(DOCUMENT).status_code == 200
    assert client.post(DOCUMENT).status_code == 405


def test_dpop_algorithms_always_and_dpop_required_when_it_is(client, oauth_jwt_settings):
    """Issue 18: "DPoP algorithms when DPoP exists". Every resource server checks DPoP
    proofs; with DPOP_REQUIRED it takes nothing else, and says so."""
    document = client.get(DOCUMENT).json()
    assert document["dpop_signing_alg_values_supported"] == list(dpop.ALGORITHMS)
    assert "HS256" not in document["dpop_signing_alg_values_supported"]
    assert "dpop_bound_access_tokens_required" not in document
    oauth_jwt_settings(DPOP_REQUIRED=True)
    assert client.get(DOCUMENT).json()["dpop_bound_access_tokens_required"] is True


def test_with_dpop_required_the_api_takes_only_bound_tokens(client, service_client, oauth_jwt_settings):
    bearer_token = client_credentials_token(client, service_client)["access_token"]
    assert client.get("/api/me", **bearer(bearer_token)).status_code == 200
    oauth_jwt_settings(DPOP_REQUIRED=True)
    refused = client.get("/api/me", **bearer(bearer_token))
    assert refused.status_code == 401
    challenge = refused["WWW-Authenticate"]
    assert challenge.startswith('DPoP realm="api", error="invalid_token"') and 'algs="ES256' in challenge
    assert f'resource_metadata="{METADATA_URL}"' in challenge
    missing = client.get("/api/me")["WWW-Authenticate"]
    assert missing.startswith('DPoP realm="api", algs="') and "resource_metadata" in missing
    key = DPoPKey()
    token = dpop_token(client, service_client, key, grant_type="client_credentials")["access_token"]
    assert client.get("/api/me", **key.headers("GET", "http://testserver/api/me", token)).status_code == 200


def test_scopes_supported_when_configured(client, settings):
    settings.OAUTH_JWT = {**settings.OAUTH_JWT, "RESOURCE_SCOPES": ["read", "write"]}
    assert client.get(DOCUMENT).json()["scopes_supported"] == ["read", "write"]


def test_the_bare_well_known_url_falls_back_to_the_api(client):
    """A client that tries the root (MCP's fallback) gets this server's own document."""
    assert client.get("/.well-known/oauth-protected-resource").json()["resource"] == API


def test_a_path_no_identifier_has_is_404(client):
    assert client.get("/.well-known/oauth-protected-resource/other/").status_code == 404
    assert client.get("/.well-known/oauth-protected-resource/api").status_code == 404


def test_each_identifier_at_its_own_path_the_first_in_challenges(client, settings):
    settings.OAUTH_JWT = {
        **settings.OAUTH_JWT,
        "AUDIENCE": ["https://api.example.com/reports/", "https://api.example.com", "urn:not-a-url"],
    }
    assert client.get("/.well-known/oauth-protected-resource").json()["resource"] == "https://api.example.com"
    reports = client.get("/.well-known/oauth-protected-resource/reports/").json()
    assert reports["resource"] == "https://api.example.com/reports/"
    assert challenge_url(client.get("/api/me")) == (
        "https://api.example.com/.well-known/oauth-protected-resource/reports/"
    )


def test_without_a_url_identifier_there_is_no_document_and_no_parameter(client, settings):
    settings.OAUTH_JWT = {**settings.OAUTH_JWT, "AUDIENCE": "urn:example:api"}
    assert client.get("/.well-known/oauth-protected-resource").status_code == 404
    algs = " ".join(dpop.ALGORITHMS)
    assert client.get("/api/me")["WWW-Authenticate"] == f'Bearer realm="api", DPoP realm="api", algs="{algs}"'


def test_every_drf_challenge_names_the_document(client, service_client):
    assert challenge_url(client.get("/api/me")) == METADATA_URL
    bad = client.get("/api/me", **bearer("not-a-jwt"))
    assert bad.status_code == 401 and 'error="invalid_token"' in bad["WWW-Authenticate"]
    assert challenge_url(bad) == METADATA_URL


def test_the_challenge_leads_to_the_document_and_the_hub(client):
    """Discovery from a bare 401, as an MCP client does it."""
    url = challenge_url(client.get("/api/me"))
    document = client.get(url.removeprefix(ISSUER)).json()
    assert document["resource"] == API
    hub = client.get("/.well-known/oauth-authorization-server").json()
    assert hub["issuer"] in document["authorization_servers"]


def test_a_forged_host_changes_neither_the_document_nor_the_challenge(client, settings):
    settings.ALLOWED_HOSTS = ["*"]
    assert client.get(DOCUMENT, HTTP_HOST="evil.example").json()["resource"] == API
    assert challenge_url(client.get("/api/me", HTTP_HOST="evil.example")) == METADATA_URL


def test_userinfo_is_the_hubs_not_the_apis(client, service_client):
    token = client_credentials_token(client, service_client)["access_token"]
    for response in (client.get("/o/userinfo/"), client.get("/o/userinfo/", **bearer(token))):
        assert response.status_code == 401
        assert "resource_metadata" not in response["WWW-Authenticate"]
