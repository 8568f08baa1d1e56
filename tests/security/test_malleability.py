"""One answer for a token whatever the spelling of its signature (issue 11).

ECDSA signatures are malleable: with ``(r, s)`` valid, so is ``(r, n - s)``. The hub
signs ES256 tokens with the low ``s`` only (``s <= n/2``) and refuses the high one, so
the other spelling of a real token is no token: refused at ``/api/me``, inactive at
introspection, and revoking it revokes nothing. RSA (PKCS#1 v1.5 and PSS) and Ed25519
signatures are not malleable this way (RFC 8032 §5.1.7 requires ``S < L``)."""

from __future__ import annotations

import base64
from io import StringIO

import pytest
from django.core.management import call_command

from ..conftest import basic_auth, client_credentials_token, form_post

pytestmark = pytest.mark.django_db

# The order of the P-256 group.
N = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def s_of(token: str) -> int:
    signature = token.rsplit(".", 1)[1]
    return int.from_bytes(base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4))[32:], "big")


def other_spelling(token: str) -> str:
    """The same signature with ``s`` replaced by ``n - s``."""
    signing_input, _, signature = token.rpartition(".")
    raw = base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4))
    r, s = raw[:32], int.from_bytes(raw[32:], "big")
    return f"{signing_input}.{b64(r + (N - s).to_bytes(32, 'big'))}"


@pytest.fixture
def es256(db):
    call_command("rotatekeys", "--algorithm", "ES256", "--now", stdout=StringIO())


def introspect(client, c, token: str) -> dict:
    response = form_post(client, "/o/introspect/", {"token": token}, **basic_auth(c))
    assert response.status_code == 200
    return response.json()


def test_the_hub_signs_with_the_low_s_only(client, es256, service_client):
    for _ in range(16):  # a random s is high half of the time
        token = client_credentials_token(client, service_client)["access_token"]
        assert s_of(token) <= N // 2


def test_the_other_spelling_gets_one_answer_everywhere(client, api, es256, service_client):
    token = client_credentials_token(client, service_client)["access_token"]
    twin = other_spelling(token)
    assert twin != token
    assert api(token).status_code == 200  # the real one is verified (and cached) first
    assert api(twin).status_code == 401
    assert introspect(client, service_client, twin) == {"active": False}
    revoked = form_post(client, "/o/revoke_token/", {"token": twin}, **basic_auth(service_client))
    assert revoked.status_code == 200
    # Revoking a spelling that is no token revokes nothing: the real one lives on.
    assert api(token).status_code == 200
    assert introspect(client, service_client, token)["active"] is True
    # Revoking the real one leaves no spelling alive.
    form_post(client, "/o/revoke_token/", {"token": token}, **basic_auth(service_client))
    assert api(token).status_code == 401 and api(twin).status_code == 401


def test_a_signature_has_one_base64url_spelling(client, api, service_client):
    """RFC 7515 §2: base64url without padding. A lenient decoder also reads the signature
    padded, or with the unused low bits of its last character set, as the same bytes: two
    strings, one token. (The header and payload are signed, so their spelling is fixed.)"""
    token = client_credentials_token(client, service_client)["access_token"]
    assert api(token).status_code == 200
    signing_input, _, signature = token.rpartition(".")
    assert len(signature) % 4 == 2  # RS256: 256 bytes, 342 characters, 4 bits unused
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    stray_bits = signature[:-1] + alphabet[alphabet.index(signature[-1]) + 1]
    for other in (signature + "==", stray_bits):
        assert api(f"{signing_input}.{other}").status_code == 401
        assert introspect(client, service_client, f"{signing_input}.{other}") == {"active": False}
