"""BearerTokenMiddleware and @require_token on plain Django views (in process)."""

from __future__ import annotations

import pytest

from oauth_jwt.resource import dpop

from ..conftest import bearer, client_credentials_token, code_flow_token


@pytest.fixture(autouse=True)
def plain_views(settings):
    settings.ROOT_URLCONF = "tests.resource_server.urls"
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "oauth_jwt.resource.middleware.BearerTokenMiddleware"]


def test_no_token_leaves_the_session_user_alone(client, user):
    client.force_login(user)
    body = client.get("/whoami").json()
    assert body["user"] == "alice" and body["client_id"] is None


def test_a_persons_token_becomes_the_local_user(client, user, web_client):
    token = code_flow_token(client, user, web_client)["access_token"]
    client.logout()
    body = client.get("/whoami", **bearer(token)).json()
    assert body == {"user": "alice", "authenticated": True, "user_class": "User", "client_id": web_client.client_id}


def test_claims_resolver_gives_a_light_user(client, user, web_client, oauth_jwt_settings):
    token = code_flow_token(client, user, web_client)["access_token"]
    client.logout()
    oauth_jwt_settings(USER_RESOLVER="claims")
    body = client.get("/whoami", **bearer(token)).json()
    assert body["user_class"] == "TokenUser" and body["authenticated"] is True
    assert body["user"] == str(user.pk)


def test_a_client_token_has_no_user(client, service_client):
    token = client_credentials_token(client, service_client)["access_token"]
    body = client.get("/whoami", **bearer(token)).json()
    assert body["authenticated"] is False and body["client_id"] == service_client.client_id


def test_a_bad_token_on_an_unprotected_view_is_never_checked(client, db):
    # db: on the hub a token that is not a JWT is looked up among DOT's opaque tokens.
    assert client.get("/untouched", **bearer("not-a-jwt")).status_code == 200
    body = client.get("/whoami", **bearer("not-a-jwt")).json()
    assert body["authenticated"] is False and body["client_id"] is None


def test_require_token(client, service_client):
    missing = client.get("/read")
    assert missing.status_code == 401
    metadata = 'resource_metadata="http://127.0.0.1:8000/.well-known/oauth-protected-resource/api/"'
    assert missing["WWW-Authenticate"] == (
        f'Bearer realm="api", {metadata}, DPoP realm="api", algs="{" ".join(dpop.ALGORITHMS)}", {metadata}'
    )
    bad = client.get("/read", **bearer("not-a-jwt"))
    assert bad.status_code == 401 and bad.json()["error"] == "invalid_token"
    assert bad["WWW-Authenticate"].startswith('Bearer realm="api", error="invalid_token"')
    token = client_credentials_token(client, service_client, scope="write")["access_token"]
    narrow = client.get("/read", **bearer(token))
    assert narrow.status_code == 403 and narrow.json()["error"] == "insufficient_scope"
    assert 'scope="read"' in narrow["WWW-Authenticate"]
    assert client.get("/anything", **bearer(token)).json() == {"scope": "write"}
    ok = client_credentials_token(client, service_client, scope="read")["access_token"]
    assert client.get("/read", **bearer(ok)).json()["sub"] == service_client.client_id


def test_require_token_refuses_a_token_in_the_query_string(client, service_client):
    token = client_credentials_token(client, service_client)["access_token"]
    response = client.get("/read", {"access_token": token})
    assert response.status_code == 401 and response.json()["error"] == "invalid_token"


def test_require_token_views_are_csrf_exempt_for_bearer_calls(service_client, settings):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    token = client_credentials_token(strict, service_client)["access_token"]
    assert strict.post("/read", **bearer(token)).status_code == 200


def test_a_token_user_has_no_local_permissions():
    from oauth_jwt.resource.authentication import TokenUser

    user = TokenUser({"sub": "7", "username": "gus"})
    assert str(user) == "gus" and user.is_authenticated
    assert not user.has_perm("auth.view_user") and not user.has_perms(["x.y"]) and not user.has_module_perms("auth")
    assert user == TokenUser({"sub": "7"}) and len({user, TokenUser({"sub": "7"})}) == 1


def test_a_class_based_view_opts_in_with_the_mixin(service_client):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    token = client_credentials_token(strict, service_client)["access_token"]
    assert strict.get("/whoami-class", **bearer(token)).json()["client_id"] == service_client.client_id
    # A bearer call carries no cookie-borne authority: no CSRF token needed.
    assert strict.post("/whoami-class", **bearer(token)).json()["client_id"] == service_client.client_id


def test_paths_listed_in_bearer_paths_opt_in(client, service_client, oauth_jwt_settings):
    token = client_credentials_token(client, service_client)["access_token"]
    assert client.get("/listed/session-only", **bearer(token)).json()["auth"] is False
    oauth_jwt_settings(BEARER_PATHS=["/listed/"])
    assert client.get("/listed/session-only", **bearer(token)).json()["auth"] is True
    assert client.get("/session-only", **bearer(token)).json()["auth"] is False


def test_no_listed_path_opens_the_admin_or_the_apps_pages(client, staff_user, web_client, oauth_jwt_settings):
    token = code_flow_token(client, staff_user, web_client)["access_token"]
    client.logout()
    oauth_jwt_settings(BEARER_PATHS=["/"])
    assert client.get("/admin/", **bearer(token)).status_code == 302
    assert client.get("/accounts/apps/", **bearer(token)).status_code == 302
    assert client.get("/session-only", **bearer(token)).json()["auth"] is True
