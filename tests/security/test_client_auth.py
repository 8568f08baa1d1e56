"""Client authentication at the token, revocation and introspection endpoints:
401 ``invalid_client`` with ``WWW-Authenticate``, throttled per client and address,
secrets compared in constant time (catalogue C28, C30; RFC 6749 §2.3.1, §5.2)."""

from __future__ import annotations

import base64
from unittest import mock

import pytest
from django.test import Client as HttpClient

from ..conftest import basic_auth, client_credentials_token, form_post, token_request

pytestmark = pytest.mark.django_db

ENDPOINTS = {
    "token": ("/o/token/", {"grant_type": "client_credentials", "scope": "read"}),
    "revocation": ("/o/revoke_token/", {"token": "whatever"}),
    "introspection": ("/o/introspect/", {"token": "whatever"}),
}


def wrong_secret(c):
    raw = f"{c.client_id}:not-the-secret".encode()
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(raw).decode()}


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_bad_client_credentials_get_401_invalid_client_with_a_challenge(client, service_client, endpoint):
    url, data = ENDPOINTS[endpoint]
    response = form_post(client, url, data, **wrong_secret(service_client))
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    assert response["WWW-Authenticate"].startswith("Basic")


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.oauth_jwt_settings(CLIENT_AUTH_MAX_FAILURES=3, CLIENT_AUTH_WINDOW_SECONDS=60)
def test_failed_client_authentication_is_throttled_per_client_and_address(client, service_client, endpoint):
    url, data = ENDPOINTS[endpoint]
    for _ in range(3):
        assert form_post(client, url, data, **wrong_secret(service_client)).status_code == 401
    throttled = form_post(client, url, data, **wrong_secret(service_client))
    assert throttled.status_code == 429
    assert throttled["Retry-After"] == "60"
    assert throttled.json()["error"] == "temporarily_unavailable"
    # The right secret is not even checked from that address any more...
    assert form_post(client, url, data, **basic_auth(service_client)).status_code == 429
    # ...but the same client from another address is unaffected.
    elsewhere = HttpClient(REMOTE_ADDR="10.9.8.7")
    assert form_post(elsewhere, *ENDPOINTS["token"], **basic_auth(service_client)).status_code == 200


@pytest.mark.oauth_jwt_settings(CLIENT_AUTH_MAX_FAILURES=2)
def test_one_address_spraying_client_ids_is_throttled(client):
    statuses = []
    for n in range(12):
        raw = f"client-{n}:secret".encode()
        headers = {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(raw).decode()}
        statuses.append(form_post(client, *ENDPOINTS["token"], **headers).status_code)
    assert statuses[:10] == [401] * 10
    assert statuses[10:] == [429, 429]


@pytest.mark.oauth_jwt_settings(CLIENT_AUTH_MAX_FAILURES=2)
def test_successes_are_not_counted(client, service_client):
    for _ in range(5):
        client_credentials_token(client, service_client)


def test_the_endpoints_need_no_csrf_token(service_client):
    strict = HttpClient(enforce_csrf_checks=True)
    assert token_request(strict, service_client, grant_type="client_credentials", scope="read").status_code == 200
    revoke = form_post(strict, "/o/revoke_token/", {"token": "x"}, **basic_auth(service_client))
    assert revoke.status_code == 200
    introspect = form_post(strict, "/o/introspect/", {"token": "x"}, **basic_auth(service_client))
    assert introspect.status_code == 200 and introspect.json() == {"active": False}


def test_client_secrets_are_checked_by_django_in_constant_time(client, service_client):
    """DOT hands the stored hash to Django's ``check_password``; every hasher (Django's
    through ``constant_time_compare``, oauth_jwt's directly) ends in
    ``hmac.compare_digest``: no plain ``==`` on a secret anywhere on the way."""
    import hmac

    from django.contrib.auth import hashers

    with (
        mock.patch("oauth2_provider.oauth2_validators.check_password", wraps=hashers.check_password) as check,
        mock.patch("hmac.compare_digest", wraps=hmac.compare_digest) as compare,
    ):
        assert form_post(client, *ENDPOINTS["token"], **wrong_secret(service_client)).status_code == 401
        client_credentials_token(client, service_client)
    assert check.call_count == 2
    assert compare.call_count >= 2


def test_an_oversized_authorization_header_is_refused_unread(client):
    huge = {"HTTP_AUTHORIZATION": "Basic " + "A" * 100_000}
    response = form_post(client, *ENDPOINTS["token"], **huge)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


@pytest.mark.oauth_jwt_settings(CLIENT_AUTH_MAX_FAILURES=2)
def test_forwarded_for_is_ignored_without_trusted_proxies(client, service_client):
    for n in range(2):
        spoofed = {"HTTP_X_FORWARDED_FOR": f"10.0.0.{n}"}
        assert form_post(client, *ENDPOINTS["token"], **wrong_secret(service_client), **spoofed).status_code == 401
    fresh = {"HTTP_X_FORWARDED_FOR": "10.0.0.99"}
    assert form_post(client, *ENDPOINTS["token"], **wrong_secret(service_client), **fresh).status_code == 429


@pytest.mark.oauth_jwt_settings(CLIENT_AUTH_MAX_FAILURES=2, TRUSTED_PROXY_COUNT=1)
def test_behind_a_trusted_proxy_the_address_it_saw_counts(client, service_client):
    attacker = {"HTTP_X_FORWARDED_FOR": "6.6.6.6, 203.0.113.7"}  # the client wrote the first entry
    for forged in ("1.1.1.1", "2.2.2.2"):
        headers = {"HTTP_X_FORWARDED_FOR": f"{forged}, 203.0.113.7"}
        assert form_post(client, *ENDPOINTS["token"], **wrong_secret(service_client), **headers).status_code == 401
    assert form_post(client, *ENDPOINTS["token"], **wrong_secret(service_client), **attacker).status_code == 429
    # Someone else behind the same proxy, with another real address, is not affected.
    other = {"HTTP_X_FORWARDED_FOR": "198.51.100.4"}
    assert form_post(client, *ENDPOINTS["token"], **basic_auth(service_client), **other).status_code == 200


@pytest.mark.parametrize("client_id", ["a\x00b", "\x00"])
def test_a_client_id_with_a_nul_byte_is_refused_not_a_server_error(client, client_id):
    """PostgreSQL refuses NUL in text: the lookup must not reach it."""
    data = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": "x"}
    response = form_post(client, "/o/token/", data)
    assert response.status_code == 400 and response.json()["error"] == "invalid_request"
    authorize = client.get("/o/authorize/", {"response_type": "code", "client_id": client_id})
    assert authorize.status_code == 400
