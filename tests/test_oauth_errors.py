"""Every OAuth error oauth_jwt answers itself has one shape (RFC 6749 §5.2): JSON with
``error`` and, when there is one, ``error_description``, and ``Cache-Control: no-store``,
on the hub's endpoints and on a resource server's challenge alike."""

from __future__ import annotations

import pytest

from .conftest import basic_auth, bearer, form_post

pytestmark = pytest.mark.django_db


def assert_oauth_error(response, status: int, error: str) -> None:
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "no-store"
    body = response.json()
    assert body["error"] == error and set(body) <= {"error", "error_description"}


def test_a_repeated_parameter_at_the_token_endpoint(client):
    response = client.post(
        "/o/token/",
        "grant_type=client_credentials&grant_type=client_credentials",
        content_type="application/x-www-form-urlencoded",
    )
    assert_oauth_error(response, 400, "invalid_request")


def test_introspection_without_client_authentication(client):
    response = form_post(client, "/o/introspect/", {"token": "x"})
    assert_oauth_error(response, 401, "invalid_client")
    assert response["WWW-Authenticate"].startswith("Basic realm=")


def test_introspection_without_a_token(client, service_client):
    assert_oauth_error(form_post(client, "/o/introspect/", {}, **basic_auth(service_client)), 400, "invalid_request")


def test_a_bad_token_at_a_resource(client):
    """The RFC 6750 challenge of oauth_jwt's own resource views (here UserInfo)."""
    response = client.get("/o/userinfo/", **bearer("not.a.token"))
    assert_oauth_error(response, 401, "invalid_token")
    assert response["WWW-Authenticate"].startswith('Bearer realm="api", error="invalid_token"')


def test_an_oversized_authorization_header(client):
    response = form_post(
        client, "/o/token/", {"grant_type": "client_credentials"}, HTTP_AUTHORIZATION="Basic " + "A" * 9000
    )
    assert_oauth_error(response, 400, "invalid_request")
