"""Client secrets are hashed at rest with oauth_jwt's fast keyed hash (DOT's
CLIENT_SECRET_HASHER); secrets hashed earlier with PBKDF2 keep working."""

import pytest
from django.contrib.auth.hashers import check_password, make_password
from django.test import override_settings
from oauth2_provider.models import get_application_model

from oauth_jwt.server.hashers import ALGORITHM, HASHER_PATH

from .conftest import Client, basic_auth, client_credentials_token, token_request

pytestmark = pytest.mark.django_db
Application = get_application_model()


def test_secrets_are_stored_with_the_keyed_hash_and_still_authenticate(client, service_client):
    stored = Application.objects.get(pk=service_client.app.pk).client_secret
    assert stored.startswith(ALGORITHM + "$")
    assert service_client.secret not in stored
    assert client_credentials_token(client, service_client)["token_type"] == "Bearer"


def test_a_wrong_secret_is_refused(client, service_client):
    wrong = Client(service_client.app, service_client.secret[:-1] + ("A" if service_client.secret[-1] != "A" else "B"))
    response = token_request(client, wrong, grant_type="client_credentials", scope="read")
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


def test_the_stored_hash_is_not_a_secret(client, service_client):
    stored = Application.objects.get(pk=service_client.app.pk).client_secret
    response = token_request(client, Client(service_client.app, stored), grant_type="client_credentials")
    assert response.status_code == 401


PBKDF2_TOO = [
    "django.contrib.auth.hashers.MD5PasswordHasher",
    "tests.hashers.QuickPBKDF2PasswordHasher",  # pbkdf2_sha256, as DOT stored secrets
    HASHER_PATH,
]


@override_settings(PASSWORD_HASHERS=PBKDF2_TOO)
def test_a_secret_hashed_earlier_with_pbkdf2_still_verifies(client, service_client):
    Application.objects.filter(pk=service_client.app.pk).update(
        client_secret=make_password(service_client.secret, hasher="pbkdf2_sha256")
    )
    assert client_credentials_token(client, service_client)["token_type"] == "Bearer"
    wrong = Client(service_client.app, "not-" + service_client.secret)
    assert token_request(client, wrong, grant_type="client_credentials").status_code == 401


def test_rotating_secret_key_keeps_clients_working_through_the_fallbacks(
    client, settings, oauth_jwt_settings, service_client
):
    old = settings.SECRET_KEY
    # The signing keys stay readable: this test is about client secrets only.
    oauth_jwt_settings(KEY_ENCRYPTION_SECRET=old)
    new_key = "a-new-secret-key-" + "x" * 40
    with override_settings(SECRET_KEY=new_key, SECRET_KEY_FALLBACKS=[old]):
        assert client_credentials_token(client, service_client)["token_type"] == "Bearer"
    with override_settings(SECRET_KEY=new_key, SECRET_KEY_FALLBACKS=[]):
        response = client.post("/o/token/", {"grant_type": "client_credentials"}, **basic_auth(service_client))
        assert response.status_code == 401


def test_peoples_passwords_keep_a_password_kdf():
    from authhub import settings as production

    assert production.PASSWORD_HASHERS[0] != HASHER_PATH
    assert production.PASSWORD_HASHERS[-1] == HASHER_PATH
    assert production.OAUTH2_PROVIDER["CLIENT_SECRET_HASHER"] == ALGORITHM


def test_seed_demo_generates_the_secrets_it_prints(capsys):
    from django.core.management import call_command

    call_command("seed_demo")
    out = capsys.readouterr().out
    app = Application.objects.get(client_id="demo-service")
    printed = next(line for line in out.splitlines() if "client_id=demo-service" in line)
    secret = printed.split("client_secret=")[1].strip()
    assert len(secret) >= 43  # 32 random bytes: well over 128 bits
    assert app.client_secret.startswith(ALGORITHM + "$")
    assert check_password(secret, app.client_secret)
