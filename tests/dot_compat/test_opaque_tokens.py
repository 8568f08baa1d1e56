"""Opaque access tokens from before the upgrade (DOT's rows, either storage setting, or
made through DOT's model API) keep working on every resource class of the hub, in
introspection and in revocation, until they expire."""

from __future__ import annotations

import secrets
import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from oauth2_provider.models import get_access_token_model

from oauth_jwt.checks import ids as check_ids

from ..conftest import basic_auth, bearer, form_post

AccessToken = get_access_token_model()
RESOURCE_CLASSES = ["/dot/drf", "/dot/ninja/me", "/own/drf", "/own/decorated"]


def make_opaque(storage: str, user, application, **fields) -> str:
    """An opaque token as DOT stored it: in the ``token`` column (DOT's default storage,
    and ``AccessToken.objects.create(token=...)``), or only its checksum (RFC 9700 storage)."""
    raw = secrets.token_urlsafe(22)
    values = {"user": user, "application": application, "scope": "read", **fields}
    values.setdefault("expires", timezone.now() + timedelta(hours=1))
    if storage == "plaintext":
        AccessToken.objects.create(token=raw, **values)
    else:
        row = AccessToken(token="", **values)
        row._raw_token = raw
        row.save()
    return raw


@pytest.fixture(params=["plaintext", "checksum only"])
def opaque(request, user, web_client) -> str:
    return make_opaque(request.param, user, web_client.app)


@pytest.mark.parametrize("path", RESOURCE_CLASSES)
def test_every_resource_class_accepts_it(client, opaque, web_client, path):
    response = client.get(path, **bearer(opaque))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["client_id"] == web_client.client_id and body["user"] == "alice" and body["scope"] == "read"
    assert body["allows_write"] is False and body["valid"] is True


@pytest.fixture
def middlewares(settings):
    settings.MIDDLEWARE = [
        *settings.MIDDLEWARE,
        "oauth_jwt.resource.middleware.BearerTokenMiddleware",
        "oauth2_provider.middleware.OAuth2TokenMiddleware",
    ]
    settings.AUTHENTICATION_BACKENDS = ["oauth2_provider.backends.OAuth2Backend", *settings.AUTHENTICATION_BACKENDS]


def test_dots_view_backend_and_middlewares_accept_it(middlewares, client, opaque):
    assert client.get("/dot/protected", **bearer(opaque)).json() == {"request_user": "alice"}
    assert client.get("/dot/backend", **bearer(opaque)).json() == {"user": "alice"}
    assert client.get("/dot/middleware", **bearer(opaque)).json() == {"user": "alice"}
    assert client.get("/own/middleware", **bearer(opaque)).json() == {"scope": "read"}


def test_the_hubs_api_accepts_it(api, opaque, user, web_client):
    body = api(opaque).json()
    assert body == {"client_id": web_client.client_id, "scope": ["read"], "sub": str(user.pk), "username": "alice"}


@pytest.mark.parametrize("path", ["/o/introspect/", "/dot/introspect"])
def test_introspection(client, opaque, web_client, path):
    """The hub's endpoint and DOT's own IntrospectTokenView, as a DOT project routes it."""
    answer = form_post(client, path, {"token": opaque}, **basic_auth(web_client)).json()
    assert answer["active"] is True and answer["scope"] == "read" and answer["username"] == "alice"
    assert answer["client_id"] == web_client.client_id and answer["exp"] > time.time()
    if path == "/o/introspect/":  # DOT's own answer has no iat
        assert answer["exp"] > answer["iat"]


def test_an_opaque_token_may_authenticate_an_introspection_caller(client, user, web_client, settings):
    provider = settings.OAUTH2_PROVIDER
    settings.OAUTH2_PROVIDER = {**provider, "SCOPES": {**provider["SCOPES"], "introspection": "Introspect"}}
    caller = make_opaque("plaintext", user, web_client.app, scope="introspection")
    asked = make_opaque("checksum only", user, web_client.app)
    answer = form_post(client, "/o/introspect/", {"token": asked}, **bearer(caller))
    assert answer.status_code == 200, answer.content
    assert answer.json()["active"] is True


def test_revocation_endpoint(client, opaque, web_client, api):
    assert form_post(client, "/o/revoke_token/", {"token": opaque}, **basic_auth(web_client)).status_code == 200
    assert not AccessToken.objects.exists()
    assert api(opaque).status_code == 401
    assert client.get("/dot/drf", **bearer(opaque)).status_code == 401
    answer = form_post(client, "/o/introspect/", {"token": opaque}, **basic_auth(web_client)).json()
    assert answer == {"active": False}


def test_revoke_on_the_request(client, opaque, api):
    assert client.post("/dot/drf-revoke", **bearer(opaque)).json() == {"revoked": True}
    assert api(opaque).status_code == 401


@pytest.mark.parametrize("storage", ["plaintext", "checksum only"])
def test_an_expired_one_is_refused(client, user, web_client, api, storage):
    token = make_opaque(storage, user, web_client.app, expires=timezone.now() - timedelta(seconds=1))
    assert api(token).status_code == 401
    assert client.get("/dot/drf", **bearer(token)).status_code == 401
    answer = form_post(client, "/o/introspect/", {"token": token}, **basic_auth(web_client)).json()
    assert answer == {"active": False}


@pytest.mark.oauth_jwt_settings(OPAQUE_TOKEN_FALLBACK=False)
def test_with_the_fallback_off_it_is_refused_without_a_query(
    client, opaque, api, warm, person_tokens, django_assert_num_queries
):
    warm("/api/me", person_tokens["access_token"])
    with django_assert_num_queries(0):
        assert api(opaque).status_code == 401
        assert client.get("/dot/drf-scope", **bearer(opaque)).status_code == 401


def test_the_admin_counts_the_live_ones(admin_client, user, web_client, person_tokens):
    make_opaque("plaintext", user, web_client.app)
    make_opaque("checksum only", user, web_client.app)
    make_opaque("plaintext", user, web_client.app, expires=timezone.now() - timedelta(seconds=1))
    html = admin_client.get("/admin/").content.decode()
    assert '<td class="oauth-jwt-opaque">2</td>' in html


def _database_checks() -> list[str]:
    from django.core.checks import run_checks

    return [message.id for message in run_checks(databases=["default"])]


def test_a_check_says_when_the_fallback_can_go(db, user, web_client, oauth_jwt_settings):
    assert check_ids.W080_FALLBACK_UNUSED in _database_checks()
    make_opaque("plaintext", user, web_client.app)
    assert check_ids.W080_FALLBACK_UNUSED not in _database_checks()
    oauth_jwt_settings(OPAQUE_TOKEN_FALLBACK=False)
    assert check_ids.W081_OPAQUE_REFUSED in _database_checks()
    call_command("check", "--database", "default")  # warnings only: the command passes


@pytest.mark.oauth_jwt_settings(OPAQUE_TOKEN_FALLBACK="no")
def test_the_setting_must_be_a_bool(db):
    from django.core.checks import run_checks

    assert check_ids.E080_FALLBACK_TYPE in [message.id for message in run_checks()]
