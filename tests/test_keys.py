"""Signing keys: generation per algorithm, encryption at rest, RFC 7638 kids, rotation."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings

from oauth_jwt.models import SigningKey
from oauth_jwt.server import signing_keys

from .conftest import client_credentials_token, verify_independently

pytestmark = pytest.mark.django_db


def test_rfc7638_thumbprint_example():
    jwk = {
        "kty": "RSA",
        "n": (
            "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1"
            "L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4"
            "QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbO"
            "pbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csF"
            "Cur-kEgU8awapJzKnqDKgw"
        ),
        "e": "AQAB",
        "alg": "RS256",
        "kid": "2011-04-29",
    }
    assert signing_keys.thumbprint(jwk) == "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"


@pytest.mark.parametrize("algorithm", ["RS256", "PS256", "ES256", "EdDSA"])
def test_every_algorithm_signs_tokens_that_verify(client, service_client, algorithm):
    from jwcrypto import jwk as jc_jwk

    key = signing_keys.rotate(algorithm)
    assert key.kid == jc_jwk.JWK(**{k: v for k, v in key.public_jwk.items()}).thumbprint()
    body = client_credentials_token(client, service_client)
    header, claims = verify_independently(client, body["access_token"])
    assert header["alg"] == algorithm
    assert header["kid"] == key.kid
    assert client.get("/api/me", HTTP_AUTHORIZATION=f"Bearer {body['access_token']}").status_code == 200


def test_private_keys_are_encrypted_at_rest_and_never_published(client):
    key = signing_keys.ensure_active_key()
    stored = SigningKey.objects.get(pk=key.pk).encrypted_private_key
    assert "PRIVATE KEY" not in stored
    assert stored.startswith("gAAAAA")  # a Fernet token
    published = client.get("/.well-known/jwks.json").json()["keys"]
    for jwk in published:
        assert not {"d", "p", "q", "dp", "dq", "qi", "k"} & jwk.keys()
        assert jwk["use"] == "sig" and jwk["alg"] and jwk["kid"]


def test_encryption_key_comes_from_settings():
    key = signing_keys.ensure_active_key()
    stored = key.encrypted_private_key
    with override_settings(OAUTH_JWT={"KEY_ENCRYPTION_SECRET": "another secret entirely"}):
        from cryptography.fernet import InvalidToken

        with pytest.raises(InvalidToken):
            signing_keys._decrypt(stored)
    assert signing_keys._decrypt(stored) is not None


def test_rotatekeys_publishes_the_next_key_before_it_signs(client, service_client, clock):
    old_token = client_credentials_token(client, service_client)["access_token"]
    old_kid = verify_independently(client, old_token)[0]["kid"]

    out = StringIO()
    call_command("rotatekeys", stdout=out)
    staged = SigningKey.objects.get(state=SigningKey.State.NEXT)
    assert f"Next signing key {staged.kid}" in out.getvalue() and "Stage: next" in out.getvalue()
    assert (staged.activates_at - staged.created_at).total_seconds() == pytest.approx(10 + 300 + 30, abs=5)
    assert staged.kid in {k["kid"] for k in client.get("/.well-known/jwks.json").json()["keys"]}
    still_old = client_credentials_token(client, service_client)["access_token"]
    assert verify_independently(client, still_old)[0]["kid"] == old_kid
    call_command("rotatekeys", stdout=out)  # a second call reports the same stage
    assert "is already staged" in out.getvalue() and SigningKey.objects.filter(state="next").count() == 1

    clock.advance(signing_keys.activation_delay().total_seconds() + 1)

    new_token = client_credentials_token(client, service_client)["access_token"]
    new_kid = verify_independently(client, new_token)[0]["kid"]
    assert new_kid == staged.kid
    published = {k["kid"] for k in client.get("/.well-known/jwks.json").json()["keys"]}
    assert {old_kid, new_kid} <= published
    verify_independently(client, old_token)
    for token in (old_token, new_token):
        assert client.get("/api/me", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
    retired = SigningKey.objects.get(kid=old_kid)
    assert retired.state == SigningKey.State.RETIRED
    assert retired.publish_until > retired.retired_at


def test_rotatekeys_with_another_algorithm(client):
    out = StringIO()
    call_command("rotatekeys", "--algorithm", "ES256", stdout=out)
    assert "ES256" in out.getvalue()
    assert SigningKey.objects.get(state="next").algorithm == "ES256"


def test_rotatekeys_now_signs_at_once_and_says_what_it_breaks(client):
    out = StringIO()
    call_command("rotatekeys", "--now", stdout=out)
    active = SigningKey.objects.get(state="active")
    assert f"New signing key {active.kid}" in out.getvalue()
    assert "refuses its tokens until it refetches the JWK set: at most 30 s" in out.getvalue()


def test_retired_key_leaves_the_jwks_once_its_tokens_expired(client):
    from datetime import timedelta

    from django.utils import timezone

    old = signing_keys.ensure_active_key()
    signing_keys.rotate()
    SigningKey.objects.filter(pk=old.pk).update(publish_until=timezone.now() - timedelta(seconds=1))
    signing_keys.invalidate_cache()
    published = {k["kid"] for k in client.get("/.well-known/jwks.json").json()["keys"]}
    assert old.kid not in published


def test_a_key_is_created_when_none_exists(client):
    SigningKey.objects.all().delete()
    signing_keys.invalidate_cache()
    jwks = client.get("/.well-known/jwks.json").json()
    assert len(jwks["keys"]) == 1
    assert SigningKey.objects.get().state == "active"


def test_one_active_key_at_a_time():
    from django.db import IntegrityError, transaction

    key = signing_keys.ensure_active_key()
    with pytest.raises(IntegrityError), transaction.atomic():
        SigningKey.objects.create(
            kid="other", algorithm="RS256", state="active", public_jwk={}, encrypted_private_key="x"
        )
    assert SigningKey.objects.filter(state="active").get() == key


def test_deleting_a_client_forgets_its_consents_and_profile(user, web_client):
    from oauth_jwt.models import ClientProfile, Consent

    Consent.objects.create(user=user, client_id=web_client.client_id, scopes=["read"])
    ClientProfile.objects.create(client_id=web_client.client_id, vetted=True)
    web_client.app.delete()
    assert not Consent.objects.exists()
    assert not ClientProfile.objects.exists()


def test_signing_keys_survive_a_secret_key_rotation_with_fallbacks(settings):
    key = signing_keys.ensure_active_key()
    stored = SigningKey.objects.get(pk=key.pk).encrypted_private_key
    old_secret = settings.SECRET_KEY
    settings.SECRET_KEY = "a brand new secret key that is long enough to pass the checks"
    settings.SECRET_KEY_FALLBACKS = [old_secret]
    assert signing_keys._decrypt(stored) is not None
    settings.SECRET_KEY_FALLBACKS = []
    from cryptography.fernet import InvalidToken

    with pytest.raises(InvalidToken):
        signing_keys._decrypt(stored)
