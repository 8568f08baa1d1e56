"""The hub while its denylist Redis is unreachable: every revocation still commits (the
``RevokedToken`` record, DOT's row deleted), no endpoint answers 500, and the denylist
learns every revocation once the cache answers again. Client-auth throttling falls back
to a per-process count meanwhile. Against a redis-server of the test's own."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time

import jwt
import pytest
from oauth2_provider.models import get_access_token_model

from oauth_jwt.models import RevokedToken
from oauth_jwt.resource import denylist
from oauth_jwt.resource.denylist import Answer
from oauth_jwt.server import denylist_writer

from ..conftest import basic_auth, client_credentials_token, code_flow_token, refresh
from ..resource_server.conftest import free_port

pytestmark = [pytest.mark.redis, pytest.mark.django_db]

REDIS_SERVER = shutil.which("redis-server")


class RedisServer:
    def __init__(self, port: int) -> None:
        self.port = port
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        args = [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        self.process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(600):  # not a timing assertion: at most a minute to come up
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.1)
        pytest.fail("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(30)


@pytest.fixture
def redis_server(settings, oauth_jwt_settings):
    if REDIS_SERVER is None:
        pytest.skip("redis-server is not installed")
    server = RedisServer(free_port())
    server.start()
    location = f"redis://127.0.0.1:{server.port}/0"
    backend = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": location}
    settings.CACHES = {**settings.CACHES, "denylist": backend}
    oauth_jwt_settings(DENYLIST_CACHE="denylist", THROTTLE_CACHE="denylist")
    denylist_writer.seed()
    yield server
    server.stop()


def jti_kid(token: str) -> tuple[str, str]:
    return jwt.decode(token, options={"verify_signature": False})["jti"], jwt.get_unverified_header(token)["kid"]


def test_revocations_while_the_denylist_is_down_commit_and_reach_it_when_it_returns(
    client, user, web_client, service_client, redis_server
):
    endpoint = client_credentials_token(client, service_client)["access_token"]
    rotated = code_flow_token(client, user, web_client)
    redis_server.stop()

    revoked = client.post("/o/revoke_token/", {"token": endpoint}, **basic_auth(service_client))
    assert revoked.status_code == 200, revoked.content
    refreshed = refresh(client, web_client, rotated["refresh_token"])
    assert refreshed.status_code == 200, refreshed.content
    wrong = client.post("/o/token/", {"grant_type": "client_credentials"}, HTTP_AUTHORIZATION="Basic Zm9vOmJhcg==")
    assert wrong.status_code == 401

    gone = [endpoint, rotated["access_token"]]
    for token in gone:
        assert RevokedToken.objects.filter(jti=jti_kid(token)[0]).exists()
    assert get_access_token_model().objects.count() == 1  # the refreshed one
    assert all(denylist_writer.is_revoked(*jti_kid(token)) for token in gone)  # from the database meanwhile

    redis_server.start()
    assert all(denylist_writer.is_revoked(*jti_kid(token)) for token in gone)
    assert all(denylist.lookup(*jti_kid(token)).answer is Answer.REVOKED for token in gone)
    assert denylist.lookup(*jti_kid(refreshed.json()["access_token"])).answer is Answer.NOT_REVOKED


def test_a_revocation_missed_by_a_sealed_denylist_is_seeded_at_the_hubs_next_contact(
    client, user, web_client, service_client, redis_server, settings
):
    """The cache comes back with its markers intact (a partition, a persisted restart):
    the entry it missed must still reach it."""
    tokens = code_flow_token(client, user, web_client)
    live = client_credentials_token(client, service_client)["access_token"]
    cache = settings.CACHES["denylist"]
    settings.CACHES = {**settings.CACHES, "denylist": {**cache, "LOCATION": f"redis://127.0.0.1:{free_port()}/0"}}

    revoked = client.post("/o/revoke_token/", {"token": tokens["access_token"]}, **basic_auth(web_client))
    assert revoked.status_code == 200, revoked.content
    settings.CACHES = {**settings.CACHES, "denylist": cache}
    assert denylist_writer.is_revoked(*jti_kid(live)) is False  # the hub's next contact
    assert denylist.lookup(*jti_kid(tokens["access_token"])).answer is Answer.REVOKED


def test_disconnect_and_deactivation_while_the_denylist_is_down(client, user, other_user, web_client, redis_server):
    mine = code_flow_token(client, user, web_client)["access_token"]
    theirs = code_flow_token(client, other_user, web_client)["access_token"]
    redis_server.stop()

    client.force_login(user)
    disconnected = client.post("/accounts/apps/disconnect/", {"client_id": web_client.client_id})
    assert disconnected.status_code == 303
    other_user.is_active = False
    other_user.save()

    assert not get_access_token_model().objects.exists()
    assert RevokedToken.objects.count() == 2
    redis_server.start()
    assert denylist_writer.is_revoked(*jti_kid(mine)) and denylist_writer.is_revoked(*jti_kid(theirs))
    assert all(denylist.lookup(*jti_kid(token)).answer is Answer.REVOKED for token in (mine, theirs))


def test_admin_revocation_refresh_reuse_and_device_polling_while_the_denylist_is_down(
    client, admin_client, user, web_client, service_client, device_client, redis_server
):
    from .test_device import redeem, start

    by_admin = client_credentials_token(client, service_client)["access_token"]
    first = code_flow_token(client, user, web_client)
    grant = start(client, device_client)
    redis_server.stop()

    row = get_access_token_model().objects.get(application=service_client.app)
    data = {"action": "revoke_tokens", "_selected_action": [str(row.pk)]}
    assert admin_client.post("/admin/oauth2_provider/accesstoken/", data).status_code == 302
    second = refresh(client, web_client, first["refresh_token"])
    assert second.status_code == 200
    reused = refresh(client, web_client, first["refresh_token"])  # reuse: the family is revoked
    assert reused.status_code == 400 and reused.json()["error"] == "invalid_grant"
    for _ in range(2):  # polling too soon asks the cache whether it is too soon
        polled = redeem(client, device_client, grant)
        assert polled.status_code == 400 and polled.json()["error"] in ("authorization_pending", "slow_down")

    gone = [by_admin, first["access_token"], second.json()["access_token"]]
    assert all(RevokedToken.objects.filter(jti=jti_kid(token)[0]).exists() for token in gone)
    redis_server.start()
    assert all(denylist_writer.is_revoked(*jti_kid(token)) for token in gone)
    assert all(denylist.lookup(*jti_kid(token)).answer is Answer.REVOKED for token in gone)
