"""Size and shape limits before parsing: oversized tokens, headers and bodies get a
400/401, never a 500 (catalogue C7, C26; RFC 8725 §3.6)."""

from __future__ import annotations

import base64
import json
import time

import jwt
import pytest

from oauth_jwt.resource.verify import verify_access_token
from oauth_jwt.server import signing_keys

from ..conftest import basic_auth, client_credentials_token, form_post

pytestmark = pytest.mark.django_db

ENDPOINTS = ["/o/token/", "/o/revoke_token/", "/o/introspect/"]


def signed(header_extra: dict, claims: dict | None = None) -> str:
    """A token really signed by the hub's active key, with extra header members."""
    key = signing_keys.signing_key()
    payload = claims or {
        "iss": "http://127.0.0.1:8000",
        "sub": "1",
        "aud": "http://127.0.0.1:8000/api/",
        "client_id": "c",
        "jti": "j" * 22,
        "iat": int(time.time()),
        "exp": int(time.time()) + 300,
    }
    headers = {"typ": "at+jwt", "kid": key.kid, **header_extra}
    return jwt.encode(payload, key.key, algorithm=key.algorithm, headers=headers)


@pytest.mark.parametrize("size", [8193, 100_000, 2_000_000])
def test_oversized_bearer_tokens_are_refused_unparsed(api, size):
    response = api("a" * (size - 20) + ".b.c")
    assert response.status_code == 401


def test_crit_headers_are_refused_even_when_validly_signed(api):
    verify_access_token(signed({}), signing_keys.public_key)  # control: without crit the same token verifies
    for crit in (["x"], ["exp"], [], ["b64"]):
        token = signed({"crit": crit, "x": 1})
        assert api(token).status_code == 401


@pytest.mark.parametrize("name", ["jku", "jwk", "x5u", "x5c"])
def test_key_carrying_headers_are_refused(api, name):
    assert api(signed({name: "http://127.0.0.1:1/keys"})).status_code == 401


def test_a_deeply_nested_payload_is_refused(api):
    nested = "[" * 5000 + "]" * 5000
    head = base64.urlsafe_b64encode(json.dumps({"alg": "RS256", "typ": "at+jwt", "kid": "k"}).encode()).rstrip(b"=")
    body = base64.urlsafe_b64encode(nested.encode()).rstrip(b"=")
    assert api(f"{head.decode()}.{body.decode()}.sig").status_code == 401


@pytest.mark.parametrize("url", ENDPOINTS)
def test_oversized_form_bodies_get_400(client, service_client, url):
    """authhub caps request bodies at 64 KB (DATA_UPLOAD_MAX_MEMORY_SIZE)."""
    body = "token=" + "a" * (65 * 1024)
    response = client.generic(
        "POST", url, body, content_type="application/x-www-form-urlencoded", **basic_auth(service_client)
    )
    assert response.status_code == 400


@pytest.mark.parametrize("url", ENDPOINTS)
def test_too_many_form_fields_get_400(client, service_client, url):
    body = "&".join(f"f{n}=1" for n in range(5000))
    response = client.generic(
        "POST", url, body, content_type="application/x-www-form-urlencoded", **basic_auth(service_client)
    )
    assert response.status_code == 400


@pytest.mark.parametrize("url", ENDPOINTS)
@pytest.mark.parametrize(
    "authorization",
    [
        "Basic " + "A" * 10_000,
        "Basic !!!not-base64",
        "Basic " + base64.b64encode(b"\xff\xfe:\xff").decode(),
        "Basic",
        "Bearer " + "x" * 10_000,
        "Digest x=y",
    ],
)
def test_odd_authorization_headers_never_500(client, url, authorization):
    response = form_post(
        client, url, {"grant_type": "client_credentials", "token": "t"}, HTTP_AUTHORIZATION=authorization
    )
    assert response.status_code in (400, 401)


@pytest.mark.parametrize(
    "authorization",
    ["Bearer " + "x" * 100_000, "Bearer a b", "Bearer", "Basic Zm9vOmJhcg==", "Bearer \x00"],
)
def test_odd_authorization_headers_at_the_resource_server(client, authorization):
    assert client.get("/api/me", HTTP_AUTHORIZATION=authorization).status_code in (400, 401, 403)


def test_tokens_in_the_query_string_are_refused(client, service_client):
    token = client_credentials_token(client, service_client)["access_token"]
    assert client.get("/api/me", {"access_token": token}).status_code == 401


@pytest.mark.parametrize(
    "resources",
    [
        ["https://api.example.com/" + "a" * 9000],
        [f"https://api{n}.example.com/" + "b" * 900 for n in range(12)],
    ],
    ids=["one-huge", "many-long"],
)
def test_resources_that_would_make_an_unusable_token_are_refused(client, api, service_client, resources):
    """No token is issued that resource servers would refuse as too large (MAX_TOKEN_BYTES)."""
    from oauth2_provider.models import get_access_token_model

    data = [("grant_type", "client_credentials"), ("scope", "read")] + [("resource", r) for r in resources]
    response = client.post(
        "/o/token/",
        "&".join(f"{k}={v}" for k, v in data),
        content_type="application/x-www-form-urlencoded",
        **basic_auth(service_client),
    )
    assert response.status_code == 400, response.content[:200]
    assert response.json()["error"] in ("invalid_target", "invalid_request")
    assert not get_access_token_model().objects.exists()


def test_a_token_with_long_but_usable_resources_is_issued_and_usable(client, service_client):
    resource = "http://127.0.0.1:8000/api/"
    body = client_credentials_token(client, service_client, resource=resource + "?" + "c" * 2000)
    assert len(body["access_token"]) <= 8192
