"""DOT's own resource classes in front of the hub: they accept its RFC 9068 access
tokens and refuse its ID tokens (``typ: JWT``), which are not access tokens."""

from __future__ import annotations

import pytest

from ..conftest import basic_auth, bearer, code_flow_token, form_post

WITH_DOT_MIDDLEWARE = "oauth2_provider.middleware.OAuth2TokenMiddleware"


@pytest.fixture
def dot_middleware(settings):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, WITH_DOT_MIDDLEWARE]
    settings.AUTHENTICATION_BACKENDS = ["oauth2_provider.backends.OAuth2Backend", *settings.AUTHENTICATION_BACKENDS]


def test_drf_oauth2_authentication(client, person_tokens):
    ok = client.get("/dot/drf", **bearer(person_tokens["access_token"]))
    assert ok.status_code == 200, ok.content
    assert ok.json()["user"] == "alice" and ok.json()["request_user"] == "alice"
    refused = client.get("/dot/drf", **bearer(person_tokens["id_token"]))
    assert refused.status_code == 401
    assert 'error="invalid_token"' in refused["WWW-Authenticate"]


def test_protected_resource_view(client, person_tokens):
    ok = client.get("/dot/protected", **bearer(person_tokens["access_token"]))
    assert ok.status_code == 200, ok.content
    assert ok.json() == {"request_user": "alice"}
    assert client.get("/dot/protected", **bearer(person_tokens["id_token"])).status_code == 403


def test_protected_resource_decorator_with_the_validator(client, person_tokens):
    assert client.get("/dot/decorated", **bearer(person_tokens["access_token"])).status_code == 200
    assert client.get("/dot/decorated", **bearer(person_tokens["id_token"])).status_code == 403


def test_oauth2_backend(client, person_tokens):
    assert client.get("/dot/backend", **bearer(person_tokens["access_token"])).json() == {"user": "alice"}
    assert client.get("/dot/backend", **bearer(person_tokens["id_token"])).json() == {"user": None}


def test_oauth2_token_middleware(dot_middleware, client, person_tokens):
    assert client.get("/dot/middleware", **bearer(person_tokens["access_token"])).json() == {"user": "alice"}
    assert client.get("/dot/middleware", **bearer(person_tokens["id_token"])).json() == {"user": None}


def test_ninja_http_oauth2(client, person_tokens):
    ok = client.get("/dot/ninja/me", **bearer(person_tokens["access_token"]))
    assert ok.status_code == 200, ok.content
    assert ok.json()["user"] == "alice" and ok.json()["valid"] is True
    assert client.get("/dot/ninja/me", **bearer(person_tokens["id_token"])).status_code == 401


@pytest.fixture
def introspection_scope(settings):
    provider = settings.OAUTH2_PROVIDER
    settings.OAUTH2_PROVIDER = {**provider, "SCOPES": {**provider["SCOPES"], "introspection": "Introspect tokens"}}


@pytest.fixture
def introspector(introspection_scope, client, other_user, web_client) -> dict:
    """A person's tokens with DOT's ``introspection`` scope; the ID token carries it too."""
    tokens = code_flow_token(client, other_user, web_client, scope="openid introspection")
    client.logout()
    return tokens


@pytest.mark.parametrize("path", ["/dot/introspect", "/o/introspect/"])
def test_introspection_with_a_bearer_token(client, person_tokens, introspector, path):
    """DOT's IntrospectTokenView (and the hub's, built on it) take a bearer token with
    the ``introspection`` scope: an access token, never an ID token."""
    asked = {"token": person_tokens["access_token"]}
    answer = form_post(client, path, asked, **bearer(introspector["access_token"]))
    assert answer.status_code == 200, answer.content
    assert answer.json()["active"] is True and answer.json()["username"] == "alice"
    refused = form_post(client, path, asked, **bearer(introspector["id_token"]))
    assert refused.status_code in (401, 403)
    assert "active" not in refused.content.decode()


def test_dot_introspection_view_with_client_credentials(client, service_client, person_tokens):
    asked = {"token": person_tokens["access_token"]}
    answer = form_post(client, "/dot/introspect", asked, **basic_auth(service_client))
    assert answer.status_code == 200 and answer.json()["active"] is True
