"""A resource server in another Django project checks the live hub's tokens over HTTP."""

from __future__ import annotations

import os
import shutil
import time

import jwt
import pytest
import redis
from django.core.cache import caches
from django.core.management import call_command
from pytest_django.live_server_helper import LiveServer

from oauth_jwt.models import ClientProfile, SigningKey
from oauth_jwt.resource import dpop
from oauth_jwt.server import signing_keys

from ..conftest import basic_auth, client_credentials_token, form_post, make_client
from .conftest import RS_AUDIENCE, free_port, point_hub_at, redis_url

pytestmark = pytest.mark.redis

VIEWS = ("/drf/claims", "/plain/claims")


def rs_token(client, service, scope="read") -> str:
    return client_credentials_token(client, service, scope=scope, resource=RS_AUDIENCE)["access_token"]


def revoke(client, service, token: str) -> None:
    response = form_post(client, "/o/revoke_token/", {"token": token}, **basic_auth(service))
    assert response.status_code == 200


def test_a_hub_token_opens_drf_and_plain_views(client, hub, service_client, start_rs):
    rs = start_rs(hub.url)
    token = rs_token(client, service_client)
    for path in VIEWS:
        response = rs.get(path, token)
        assert response.status_code == 200, (path, response.text)
        body = response.json()
        assert body["claims"]["iss"] == hub.url
        assert body["claims"]["aud"] == RS_AUDIENCE
        assert body["claims"]["client_id"] == service_client.client_id
        assert body["scopes"] == ["read"]


def test_rfc6750_errors(client, hub, service_client, start_rs):
    rs = start_rs(hub.url)
    token = rs_token(client, service_client)
    for path in VIEWS:
        missing = rs.get(path)
        assert missing.status_code == 401
        metadata = 'resource_metadata="https://reports.example.test/.well-known/oauth-protected-resource/api/"'
        assert missing.headers["WWW-Authenticate"] == (
            f'Bearer realm="api", {metadata}, DPoP realm="api", algs="{" ".join(dpop.ALGORITHMS)}", {metadata}'
        )
        forged = rs.get(path, token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB"))
        assert forged.status_code == 401
        assert 'error="invalid_token"' in forged.headers["WWW-Authenticate"]
    for path in ("/drf/write", "/plain/write"):
        narrow = rs.post(path, token)
        assert narrow.status_code == 403, (path, narrow.text)
        challenge = narrow.headers["WWW-Authenticate"]
        assert 'error="insufficient_scope"' in challenge and 'scope="write"' in challenge
    wide = rs_token(client, service_client, scope="read write")
    assert rs.post("/drf/write", wide).status_code == 200
    assert rs.post("/plain/write", wide).status_code == 200


def test_a_token_for_another_audience_is_refused(client, hub, service_client, start_rs):
    rs = start_rs(hub.url)
    token = client_credentials_token(client, service_client)["access_token"]  # aud: the hub's own API
    for path in VIEWS:
        response = rs.get(path, token)
        assert response.status_code == 401
        assert "not meant for this resource server" in response.headers["WWW-Authenticate"]


def test_key_rotation_on_the_hub(client, hub, service_client, start_rs):
    rs = start_rs(hub.url)
    old = rs_token(client, service_client)
    assert rs.get("/drf/claims", old).status_code == 200  # the RS now holds the JWK set
    call_command("rotatekeys", "--now")
    new = rs_token(client, service_client)
    assert jwt.get_unverified_header(new)["kid"] != jwt.get_unverified_header(old)["kid"]
    time.sleep(0.3)  # past the refetch interval: an unknown kid makes the RS fetch again
    for path in VIEWS:
        assert rs.get(path, new).status_code == 200
        assert rs.get(path, old).status_code == 200


def test_hub_outage_keeps_known_keys_only(client, settings, transactional_db, service_client, start_rs):
    hub = LiveServer("127.0.0.1:0")
    try:
        # max-age=1: the RS's copy goes stale at once and must survive a failed refetch.
        point_hub_at(settings, hub.url, JWKS_MAX_AGE_SECONDS=1)
        rs = start_rs(hub.url, RS_JWKS_REFRESH_INTERVAL="1")
        known = rs_token(client, service_client)
        assert rs.get("/plain/claims", known).status_code == 200
        call_command("rotatekeys", "--now")
        unknown = rs_token(client, service_client)
    finally:
        hub.stop()
    time.sleep(1.2)
    for path in VIEWS:
        assert rs.get(path, known).status_code == 200
        refused = rs.get(path, unknown)
        assert refused.status_code == 401
        assert "unknown key" in refused.headers["WWW-Authenticate"]


def test_revocation_through_the_shared_redis_denylist(client, hub, service_client, start_rs):
    rs = start_rs(hub.url, RS_REVOCATION_CHECK="denylist")
    token = rs_token(client, service_client)
    assert rs.get("/drf/claims", token).status_code == 200
    revoke(client, service_client, token)
    for path in VIEWS:
        response = rs.get(path, token)
        assert response.status_code == 401
        assert "revoked" in response.headers["WWW-Authenticate"]


@pytest.fixture
def own_redis():
    """The session's own redis-server, whose settings a test may change (never a shared one)."""
    if os.environ.get("RS_TEST_REDIS_URL") or shutil.which("redis-server") is None:
        pytest.skip("needs the session's own redis-server")
    server = redis.Redis.from_url(redis_url())
    yield server
    server.config_set("maxmemory", 0)


def test_a_revocation_a_full_denylist_refuses_is_never_taken_for_not_revoked(
    client, hub, service_client, start_rs, own_redis
):
    """A full Redis on its default ``noeviction`` policy refuses the hub's entry: the
    markers must not keep vouching for a denylist that lacks it."""
    rs = start_rs(hub.url, RS_REVOCATION_CHECK="denylist")
    token = rs_token(client, service_client)
    assert rs.get("/drf/claims", token).status_code == 200
    own_redis.config_set("maxmemory", 1)  # full: every write is refused, reads and deletes still work
    revoke(client, service_client, token)
    for path in VIEWS:
        response = rs.get(path, token)
        assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    own_redis.config_set("maxmemory", 0)  # room again: the hub's next contact seeds it
    hub_token = client_credentials_token(client, service_client)["access_token"]
    assert client.get("/api/me", HTTP_AUTHORIZATION=f"Bearer {hub_token}").status_code == 200
    refused = rs.get("/plain/claims", token)
    assert refused.status_code == 401 and "revoked" in refused.headers["WWW-Authenticate"]


def test_stateless_mode_accepts_a_revoked_token_until_it_expires(client, hub, service_client, start_rs):
    rs = start_rs(hub.url, RS_REVOCATION_CHECK="none")
    token = rs_token(client, service_client)
    revoke(client, service_client, token)
    for path in VIEWS:
        assert rs.get(path, token).status_code == 200


def test_introspection_mode(client, hub, service_client, start_rs):
    rs_client = make_client("client-credentials", name="Reports API")
    ClientProfile.objects.create(client_id=rs_client.client_id, served_resources=[RS_AUDIENCE])
    rs = start_rs(
        hub.url,
        RS_REVOCATION_CHECK="introspection",
        RS_INTROSPECTION_URL=f"{hub.url}/o/introspect/",
        RS_INTROSPECTION_CLIENT_ID=rs_client.client_id,
        RS_INTROSPECTION_CLIENT_SECRET=rs_client.secret,
        RS_INTROSPECTION_CACHE_SECONDS="1",
    )
    token = rs_token(client, service_client)
    assert rs.get("/drf/claims", token).status_code == 200
    revoke(client, service_client, token)
    time.sleep(1.2)  # the RS remembers the last answer for INTROSPECTION_CACHE_SECONDS
    for path in VIEWS:
        response = rs.get(path, token)
        assert response.status_code == 401
        assert "no longer active" in response.headers["WWW-Authenticate"]


def test_wrong_introspection_credentials_fail_closed(client, hub, service_client, start_rs):
    rs = start_rs(
        hub.url,
        RS_REVOCATION_CHECK="introspection",
        RS_INTROSPECTION_URL=f"{hub.url}/o/introspect/",
        RS_INTROSPECTION_CLIENT_ID=service_client.client_id,
        RS_INTROSPECTION_CLIENT_SECRET="wrong",
    )
    token = rs_token(client, service_client)
    for path in VIEWS:
        response = rs.get(path, token)
        assert response.status_code == 503 and response.headers["Retry-After"] == "5"
        assert "revoked" not in response.text
    assert "the hub refused this server's client credentials" in rs.log.read_text()


def test_a_served_resources_that_misses_the_rs_is_named_in_its_log(client, hub, service_client, start_rs):
    rs_client = make_client("client-credentials", name="Reports API")
    ClientProfile.objects.create(client_id=rs_client.client_id, served_resources=["https://other.example.test/"])
    rs = start_rs(
        hub.url,
        RS_REVOCATION_CHECK="introspection",
        RS_INTROSPECTION_URL=f"{hub.url}/o/introspect/",
        RS_INTROSPECTION_CLIENT_ID=rs_client.client_id,
        RS_INTROSPECTION_CLIENT_SECRET=rs_client.secret,
    )
    response = rs.get("/plain/claims", rs_token(client, service_client))
    assert response.status_code == 503 and response.json()["error"] == "temporarily_unavailable"
    assert "served_resources" in rs.log.read_text()


def test_a_hub_that_is_down_is_named_in_the_rs_log(client, settings, transactional_db, service_client, start_rs):
    hub = LiveServer("127.0.0.1:0")
    try:
        point_hub_at(settings, hub.url)
        rs = start_rs(
            hub.url,
            RS_REVOCATION_CHECK="introspection",
            RS_INTROSPECTION_URL=f"{hub.url}/o/introspect/",
            RS_INTROSPECTION_CLIENT_ID=service_client.client_id,
            RS_INTROSPECTION_CLIENT_SECRET=service_client.secret,
        )
        token = rs_token(client, service_client)
        assert rs.get("/drf/claims", token).status_code == 200
    finally:
        hub.stop()
    time.sleep(1.2)  # past INTROSPECTION_CACHE_SECONDS
    response = rs.get("/drf/claims", token)
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    assert "the hub is unreachable" in rs.log.read_text()


def test_a_revoked_signing_key_is_refused_at_once_through_the_denylist(client, hub, service_client, start_rs):
    rs = start_rs(hub.url, RS_REVOCATION_CHECK="denylist")
    token = rs_token(client, service_client)
    assert rs.get("/drf/claims", token).status_code == 200
    signing_keys.revoke(SigningKey.objects.get(kid=jwt.get_unverified_header(token)["kid"]))
    assert rs.get("/drf/claims", token).status_code == 401  # before the RS refetches the JWK set
    replacement = rs_token(client, service_client)  # signed by the key that took over
    time.sleep(0.3)  # past the refetch interval
    assert rs.get("/plain/claims", replacement).status_code == 200


def test_an_rs_started_while_the_hub_is_down_says_so_and_recovers(
    client, settings, transactional_db, service_client, start_rs
):
    port = free_port()
    hub_url = f"http://127.0.0.1:{port}"
    point_hub_at(settings, hub_url)
    token = rs_token(client, service_client)
    rs = start_rs(hub_url)  # `check` ran at start-up without reaching the hub
    for path in VIEWS:
        response = rs.get(path, token)
        assert response.status_code == 503 and response.headers["Retry-After"] == "5"
        assert "unknown key" not in response.text
    assert "hub metadata unavailable" in rs.log.read_text()
    hub = LiveServer(f"127.0.0.1:{port}")
    try:
        time.sleep(0.3)  # past the RS's retry interval (0.2 s in the test project)
        assert rs.get("/drf/claims", token).status_code == 200
    finally:
        hub.stop()


def test_a_denylist_rs_asks_introspection_while_the_denylist_does_not_know(client, hub, service_client, start_rs):
    rs_client = make_client("client-credentials", name="Reports API")
    ClientProfile.objects.create(client_id=rs_client.client_id, served_resources=[RS_AUDIENCE])
    rs = start_rs(
        hub.url,
        RS_REVOCATION_CHECK="denylist",
        RS_INTROSPECTION_URL=f"{hub.url}/o/introspect/",
        RS_INTROSPECTION_CLIENT_ID=rs_client.client_id,
        RS_INTROSPECTION_CLIENT_SECRET=rs_client.secret,
    )
    good, revoked = rs_token(client, service_client), rs_token(client, service_client)
    revoke(client, service_client, revoked)
    caches["denylist"].clear()  # flushed: the entry of the revoked token is gone too
    assert rs.get("/drf/claims", good).status_code == 200
    refused = rs.get("/plain/claims", revoked)
    assert refused.status_code == 401 and "revoked" in refused.headers["WWW-Authenticate"]
    assert "denylist not seeded" in rs.log.read_text()
