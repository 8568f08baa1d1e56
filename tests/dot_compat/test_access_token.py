"""What DOT's and oauth_jwt's resource classes put on the request behaves like DOT's
``AccessToken``, and reads nothing from the database until asked for a row's facts."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from oauth2_provider.models import get_access_token_model

from oauth_jwt.models import RevokedToken
from oauth_jwt.resource.authentication import TokenAuth

from ..conftest import bearer, client_credentials_token

DESCRIBED = {
    "scope": "openid read",
    "valid": True,
    "expired": False,
    "allows_write": False,
    "user": "alice",
    "request_user": "alice",
}


@pytest.fixture
def own_middleware(settings):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "oauth_jwt.resource.middleware.BearerTokenMiddleware"]


@pytest.mark.parametrize("path", ["/dot/drf", "/dot/ninja/me", "/own/drf", "/own/decorated"])
def test_the_token_on_the_request_answers_like_dots_access_token(
    client, person_tokens, web_client, warm, django_assert_num_queries, path
):
    token = person_tokens["access_token"]
    warm(path, token)
    # .application and .user: one query each, on first use; nothing else reads a row.
    with django_assert_num_queries(2):
        response = client.get(path, **bearer(token))
    assert response.status_code == 200, response.content
    assert response.json() == {**DESCRIBED, "client_id": web_client.client_id}


def test_a_client_token_has_no_user(client, service_client):
    token = client_credentials_token(client, service_client, scope="read write")["access_token"]
    body = client.get("/dot/drf", **bearer(token)).json()
    assert body["user"] is None and body["request_user"] is None
    assert body["client_id"] == service_client.client_id and body["allows_write"] is True


@pytest.mark.parametrize("path", ["/dot/drf-scope", "/dot/protected", "/dot/backend"])
def test_dots_classes_read_no_row_for_a_jwt(client, person_tokens, warm, django_assert_num_queries, path):
    token = person_tokens["access_token"]
    warm(path, token)
    # The views that answer with the user read it; nothing reads a token row.
    queries = 0 if path == "/dot/drf-scope" else 1
    with django_assert_num_queries(queries):
        assert client.get(path, **bearer(token)).status_code == 200


def test_own_middleware_reads_no_row_for_a_jwt(own_middleware, client, person_tokens, warm, django_assert_num_queries):
    token = person_tokens["access_token"]
    warm("/own/middleware", token)
    with django_assert_num_queries(0):
        assert client.get("/own/middleware", **bearer(token)).json() == {"scope": "openid read"}


@pytest.mark.parametrize("path", ["/dot/drf-revoke", "/own/drf-revoke"])
def test_revoke_on_the_request_revokes_the_token(client, person_tokens, api, path):
    token = person_tokens["access_token"]
    assert client.post(path, **bearer(token)).json() == {"revoked": True}
    assert not get_access_token_model().objects.exists()
    assert RevokedToken.objects.count() == 1
    assert client.get("/dot/drf", **bearer(token)).status_code == 401
    assert api(token).status_code == 401


@pytest.mark.oauth_jwt_settings(JWKS_URL="https://auth.example.com/.well-known/jwks.json")
def test_a_resource_server_cannot_revoke(client, person_tokens):
    """Away from the hub there is no row to delete and no denylist to write."""
    claims = {"jti": "j", "client_id": "c", "sub": "c", "exp": 2_000_000_000, "scope": "read"}
    with pytest.raises(ImproperlyConfigured, match="revocation endpoint"):
        TokenAuth({"kid": "k"}, claims, "a.b.c").revoke()


def test_user_id_needs_no_query(person_tokens, user, django_assert_num_queries):
    claims = {"jti": "j", "client_id": "c", "sub": str(user.pk), "exp": 2_000_000_000}
    with django_assert_num_queries(0):
        assert TokenAuth({}, claims).user_id == user.pk
        assert TokenAuth({}, {**claims, "sub": "c"}).user_id is None
