"""RFC 8414 metadata, OIDC discovery and the JWK set."""

import pytest

pytestmark = pytest.mark.django_db

ISSUER = "http://127.0.0.1:8000"


def test_both_documents_agree_on_issuer_and_jwks_uri(client):
    oauth = client.get("/.well-known/oauth-authorization-server").json()
    oidc = client.get("/.well-known/openid-configuration").json()
    assert oauth["issuer"] == oidc["issuer"] == ISSUER
    assert oauth["jwks_uri"] == oidc["jwks_uri"] == f"{ISSUER}/.well-known/jwks.json"
    assert oauth["token_endpoint"] == oidc["token_endpoint"] == f"{ISSUER}/o/token/"


def test_only_enforced_features_are_advertised(client):
    for url in ("/.well-known/oauth-authorization-server", "/.well-known/openid-configuration"):
        data = client.get(url).json()
        assert data["code_challenge_methods_supported"] == ["S256"]
        assert data["response_types_supported"] == ["code"]
        assert "implicit" not in data["grant_types_supported"]
        assert "password" not in data["grant_types_supported"]
        assert data["authorization_response_iss_parameter_supported"] is True


def test_oidc_discovery_names_the_real_signing_algorithm(client):
    data = client.get("/.well-known/openid-configuration").json()
    assert data["id_token_signing_alg_values_supported"] == ["RS256"]


def test_host_header_does_not_change_the_issuer(client, settings):
    settings.ALLOWED_HOSTS = ["*"]
    for url in ("/.well-known/oauth-authorization-server", "/.well-known/openid-configuration"):
        data = client.get(url, HTTP_HOST="evil.example").json()
        assert data["issuer"] == ISSUER
        assert all("evil" not in str(v) for v in data.values())


def test_jwks_is_cacheable(client):
    response = client.get("/.well-known/jwks.json")
    assert response["Cache-Control"] == "public, max-age=300"
    assert response["Content-Type"] == "application/json"
    assert client.post("/.well-known/jwks.json").status_code == 405


def test_public_clients_auth_method_none_is_advertised(client):
    for path in ("/.well-known/oauth-authorization-server", "/.well-known/openid-configuration"):
        data = client.get(path).json()
        assert "none" in data["token_endpoint_auth_methods_supported"], path
        assert "client_secret_basic" in data["token_endpoint_auth_methods_supported"], path
        assert "none" in data["revocation_endpoint_auth_methods_supported"], path
