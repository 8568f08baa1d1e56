"""The device flow (RFC 8628): a user code is bound to the person who entered it and
cannot be guessed at leisure (catalogue C30, C36)."""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient

from ..conftest import form_post, token_request

pytestmark = pytest.mark.django_db

DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"


def start(client, device_client):
    response = form_post(client, "/o/device-authorization/", {"client_id": device_client.client_id, "scope": "read"})
    assert response.status_code == 200
    return response.json()


def test_someone_else_cannot_approve_a_code_i_entered(client, user, other_user, device_client):
    grant = start(client, device_client)
    client.force_login(user)
    entered = client.post("/o/device/", {"user_code": grant["user_code"]})
    assert entered.status_code == 302
    intruder = HttpClient()
    intruder.force_login(other_user)
    assert intruder.get(entered["Location"]).status_code == 404
    assert intruder.post(entered["Location"], {"action": "accept"}).status_code == 404
    polled = token_request(client, device_client, grant_type=DEVICE_GRANT, device_code=grant["device_code"])
    assert polled.json()["error"] == "authorization_pending"


def test_wrong_user_codes_are_throttled_per_person(client, user, other_user, device_client, settings):
    settings.OAUTH_JWT = {**settings.OAUTH_JWT, "CLIENT_AUTH_MAX_FAILURES": 3}
    grant = start(client, device_client)
    client.force_login(user)
    for guess in ("AAAAAAAA", "BBBBBBBB", "CCCCCCCC"):
        assert client.post("/o/device/", {"user_code": guess}).status_code == 200
    refused = client.post("/o/device/", {"user_code": grant["user_code"]})  # even the right one
    assert refused.status_code == 429
    assert refused["Retry-After"] == "300"
    assert b"Too many wrong codes" in refused.content
    # Another person (another budget) can still enter it.
    other = HttpClient()
    other.force_login(other_user)
    assert other.post("/o/device/", {"user_code": grant["user_code"]}).status_code == 302


def test_user_codes_are_not_trivially_short(client, device_client):
    grant = start(client, device_client)
    assert len(grant["user_code"]) >= 8
    assert len(grant["device_code"]) >= 27
