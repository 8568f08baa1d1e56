"""A token seen again skips the signature and claim checks, never the denylist; the
cache forgets tokens when they expire and when a key is revoked."""

import time

import pytest

from oauth_jwt.resource import verified_cache
from oauth_jwt.server import denylist_writer, signing_keys

from .conftest import basic_auth, client_credentials_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def verifications(monkeypatch):
    """Count full verifications (signature + claims) behind the cache."""
    calls = []
    real = verified_cache.verify_access_token

    def counting(token, keys, **kwargs):
        calls.append(token)
        return real(token, keys, **kwargs)

    monkeypatch.setattr(verified_cache, "verify_access_token", counting)
    return calls


def test_a_token_seen_again_is_not_verified_again(client, api, service_client, verifications):
    token = client_credentials_token(client, service_client)["access_token"]
    for _ in range(3):
        assert api(token).status_code == 200
    assert verifications == [token]


def test_a_tampered_copy_of_a_cached_token_is_verified_and_refused(client, api, service_client, verifications):
    token = client_credentials_token(client, service_client)["access_token"]
    assert api(token).status_code == 200
    head, payload, sig = token.split(".")
    forged = f"{head}.{payload}.{sig[:-2]}{'AA' if sig[-2:] != 'AA' else 'BB'}"
    assert api(forged).status_code == 401
    assert verifications == [token, forged]


def test_revocation_is_checked_on_every_request(client, api, service_client):
    token = client_credentials_token(client, service_client)["access_token"]
    assert api(token).status_code == 200
    assert client.post("/o/revoke_token/", {"token": token}, **basic_auth(service_client)).status_code == 200
    assert api(token).status_code == 401


def test_revoking_the_key_empties_the_cache(client, api, service_client, verifications):
    token = client_credentials_token(client, service_client)["access_token"]
    assert api(token).status_code == 200
    signing_keys.revoke(signing_keys.ensure_active_key())
    assert api(token).status_code == 401


def test_a_key_revoked_by_another_process_is_refused_through_the_denylist(client, api, service_client):
    token = client_credentials_token(client, service_client)["access_token"]
    assert api(token).status_code == 200
    # Another process revoked the key: this process only sees the kid denylist entry.
    denylist_writer.deny_key(signing_keys.signing_key().kid)
    assert api(token).status_code == 401


@pytest.mark.oauth_jwt_settings(LEEWAY_SECONDS=0)
def test_an_expired_token_leaves_the_cache(client, api, clock, oauth_jwt_settings):
    now = int(time.time())
    key = signing_keys.signing_key()
    import jwt

    claims = {
        "iss": oauth_jwt_settings["ISSUER"],
        "sub": "svc",
        "aud": oauth_jwt_settings["DEFAULT_AUDIENCE"],
        "client_id": "svc",
        "iat": now,
        "exp": now + 60,
        "jti": "short-lived",
        "scope": "read",
    }
    token = jwt.encode(claims, key.key, algorithm=key.algorithm, headers={"typ": "at+jwt", "kid": key.kid})
    assert api(token).status_code == 200
    # A minute later (the clock moved, not the test: no sleeping on a busy machine).
    clock.advance(61)
    assert api(token).status_code == 401


def test_the_cache_is_bounded(client, service_client, monkeypatch):
    monkeypatch.setattr(verified_cache, "MAX_ENTRIES", 2)
    tokens = [client_credentials_token(client, service_client)["access_token"] for _ in range(3)]
    for token in tokens:
        verified_cache.verify(token, signing_keys.public_key)
    assert len(verified_cache._entries) == 2
    assert tokens[0] not in verified_cache._entries
