"""Crafted input that used to answer 500 (issue 11) gets the right OAuth error instead,
on SQLite and on PostgreSQL (which refuses NUL bytes in text)."""

from __future__ import annotations

import time

import jwt
import pytest
from django.test import Client as HttpClient
from oauth2_provider.models import get_access_token_model, get_refresh_token_model

from oauth_jwt.server import signing_keys
from oauth_jwt.server.validator import JWTOAuth2Validator

from ..conftest import (
    REDIRECT_URI,
    authorize,
    basic_auth,
    bearer,
    client_credentials_token,
    form_post,
    pkce_pair,
    redirect_params,
    token_request,
)

pytestmark = pytest.mark.django_db

DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"


def nul_requests(web_client, service_client, device_client):
    yield "code", web_client, {"grant_type": "authorization_code", "code": "a\x00b", "redirect_uri": REDIRECT_URI}
    yield "device_code", device_client, {"grant_type": DEVICE_GRANT, "device_code": "a\x00b"}
    yield "scope", service_client, {"grant_type": "client_credentials", "scope": "read\x00"}
    yield "resource", service_client, {"grant_type": "client_credentials", "resource": "https://a.example/\x00"}
    yield "refresh_token", web_client, {"grant_type": "refresh_token", "refresh_token": "a\x00b"}


@pytest.mark.parametrize(
    ("parameter", "error"),
    [
        ("code", "invalid_request"),
        ("device_code", "invalid_request"),
        ("scope", "invalid_scope"),
        ("resource", "invalid_target"),
        ("refresh_token", "invalid_request"),
    ],
)
def test_a_nul_byte_in_a_token_request_is_refused(client, web_client, service_client, device_client, parameter, error):
    requests = {name: (c, data) for name, c, data in nul_requests(web_client, service_client, device_client)}
    c, data = requests[parameter]
    response = token_request(client, c, **data)
    assert response.status_code == 400, response.content
    assert response.json()["error"] == error
    assert not get_access_token_model().objects.exists()


@pytest.mark.parametrize("url", ["/o/revoke_token/", "/o/introspect/"])
def test_a_nul_byte_in_a_token_to_revoke_or_introspect_is_invalid_request(client, service_client, url):
    response = form_post(client, url, {"token": "a\x00b"}, **basic_auth(service_client))
    assert response.status_code == 400, response.content
    assert response.json()["error"] == "invalid_request"


def test_a_device_token_request_without_device_code_is_invalid_request(client, device_client):
    response = token_request(client, device_client, grant_type=DEVICE_GRANT)
    assert response.status_code == 400, response.content
    assert response.json()["error"] == "invalid_request"


def test_a_client_credentials_token_at_userinfo_is_refused(client, service_client):
    token = client_credentials_token(client, service_client, scope="openid read")["access_token"]
    response = client.get("/o/userinfo/", **bearer(token))
    assert response.status_code == 401, response.content
    assert 'error="invalid_token"' in response["WWW-Authenticate"]


@pytest.mark.parametrize("after", ["validate_code", "save_bearer_token"])
def test_a_code_redeemed_while_the_person_disconnects_leaves_no_live_token(
    client, user, web_client, monkeypatch, after
):
    verifier, challenge = pkce_pair()
    code = redirect_params(authorize(client, user, web_client, challenge=challenge))["code"]
    person = HttpClient()
    person.force_login(user)
    step = getattr(JWTOAuth2Validator, after)

    def disconnect_meanwhile(self, *args, **kwargs):
        result = step(self, *args, **kwargs)
        # The person disconnects the app once the code was checked, or the tokens saved.
        assert person.post("/accounts/apps/disconnect/", {"client_id": web_client.client_id}).status_code == 303
        return result

    monkeypatch.setattr(JWTOAuth2Validator, after, disconnect_meanwhile)
    response = token_request(
        client,
        web_client,
        grant_type="authorization_code",
        code=code,
        redirect_uri=REDIRECT_URI,
        code_verifier=verifier,
    )
    assert response.status_code == 400, response.content
    assert response.json()["error"] == "invalid_grant"
    assert not get_access_token_model().objects.filter(user=user).exists()
    assert not get_refresh_token_model().objects.filter(user=user, revoked__isnull=True).exists()


@pytest.mark.parametrize("exp", [10**12, 10**20, 1e300, 10**400])
def test_an_absurd_exp_in_a_hub_signed_token_is_refused(client, api, service_client, exp):
    key = signing_keys.signing_key()
    now = int(time.time())
    claims = {
        "iss": "http://127.0.0.1:8000",
        "sub": service_client.client_id,
        "aud": "http://127.0.0.1:8000/api/",
        "client_id": service_client.client_id,
        "jti": "absurd-exp-token-0001",
        "iat": now,
        "exp": exp,
        "scope": "read",
    }
    token = jwt.encode(claims, key.key, algorithm=key.algorithm, headers={"typ": "at+jwt", "kid": key.kid})
    assert api(token).status_code == 401
    response = form_post(client, "/o/introspect/", {"token": token}, **basic_auth(service_client))
    assert response.status_code == 200
    assert response.json() == {"active": False}


@pytest.mark.parametrize("url", ["/o/token/", "/o/revoke_token/", "/o/introspect/"])
def test_basic_credentials_that_are_not_ascii_are_a_failed_authentication(client, url):
    data = {"grant_type": "client_credentials", "token": "x"}
    response = form_post(client, url, data, HTTP_AUTHORIZATION="Basic \x80\x81")
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


@pytest.mark.parametrize("url", ["/o/token/", "/o/device-authorization/", "/o/introspect/"])
@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        (None, b""),
        ("application/json", b'{"grant_type": "client_credentials"}'),
        ("text/plain", b"grant_type=client_credentials"),
        ("multipart/form-data", b"grant_type=client_credentials"),
    ],
)
def test_a_body_that_is_not_a_form_is_invalid_request(client, device_client, url, content_type, body):
    headers = {} if content_type is None else {"CONTENT_TYPE": content_type}
    response = client.generic("POST", url, body, **headers)
    assert response.status_code == 400, response.content
    assert response.json()["error"] == "invalid_request"
