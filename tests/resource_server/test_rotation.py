"""Key rotation with zero refused tokens: resource servers on default timing (JWK set
max-age 300 s, refresh interval 30 s) verify every token the hub issues across a
routine ``rotatekeys``, while an attacker sends tokens with unknown ``kid``s to make
them refetch; the clock is moved rather than waited for. Then once in real time over
HTTP, against a resource-server process and a hub with a shorter JWK-set max-age."""

from __future__ import annotations

import secrets
import threading
import time
from io import StringIO

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings as django_settings
from django.core.management import call_command

from oauth_jwt.exceptions import InvalidToken
from oauth_jwt.models import SigningKey
from oauth_jwt.resource import remote_keys
from oauth_jwt.resource.verify import verify_access_token

from ..conftest import client_credentials_token
from .conftest import RS_AUDIENCE, point_hub_at

STEP_SECONDS = 10
STEPS = 45  # 450 s: past the staged key's activation (10 + 300 + 30 s after staging)
RESOURCE_SERVERS = 3


class ResourceServer:
    """One RS process's view of the hub's keys: PyJWKClient as oauth_jwt configures it."""

    def __init__(self, hub_url: str) -> None:
        self.hub_url = hub_url
        self.jwks = remote_keys.HubJWKClient(f"{hub_url}/.well-known/jwks.json")
        self.refused = 0

    def resolve(self, kid: str):
        try:
            found = self.jwks.get_signing_key(kid)
        except jwt.PyJWKClientError:
            return None
        return remote_keys.RemoteKey(found.key_id, found.algorithm_name, found.key)

    def accepts(self, token: str) -> bool:
        try:
            verify_access_token(token, self.resolve, audience=[RS_AUDIENCE], issuer=self.hub_url)
        except InvalidToken:
            return False
        return True


ATTACKER_KEY = ec.generate_private_key(ec.SECP256R1())


def attacker_token(hub_url: str) -> str:
    """A token naming a fresh unknown ``kid``: each one may make an RS refetch."""
    claims = {"iss": hub_url, "aud": RS_AUDIENCE, "sub": "x", "client_id": "x", "jti": "x", "iat": 0, "exp": 2**31}
    return jwt.encode(claims, ATTACKER_KEY, algorithm="ES256", headers={"typ": "at+jwt", "kid": secrets.token_hex(8)})


def run_rotation(client, hub, service_client, clock, *rotate_args: str) -> tuple[list[ResourceServer], set[str], str]:
    servers = [ResourceServer(hub.url) for _ in range(RESOURCE_SERVERS)]
    kids: set[str] = set()
    issued: list[str] = []
    out = StringIO()
    for step in range(STEPS):
        if step == 2:
            call_command("rotatekeys", *rotate_args, stdout=out)
        token = client_credentials_token(client, service_client, resource=RS_AUDIENCE)["access_token"]
        kids.add(jwt.get_unverified_header(token)["kid"])
        issued = [*issued[-2:], token]
        for index, server in enumerate(servers):
            if step < index:
                continue  # each RS starts (and first fetches the JWK set) at another time
            assert not server.accepts(attacker_token(hub.url))
            for candidate in issued:
                if not server.accepts(candidate):
                    server.refused += 1
        clock.advance(STEP_SECONDS)
    return servers, kids, out.getvalue()


def test_a_routine_rotation_refuses_no_token(client, hub, service_client, clock):
    servers, kids, out = run_rotation(client, hub, service_client, clock)
    assert "Stage: next" in out
    assert len(kids) == 2  # the staged key did take over during the run
    assert [server.refused for server in servers] == [0] * RESOURCE_SERVERS
    assert SigningKey.objects.filter(state=SigningKey.State.RETIRED).count() == 1


def test_signing_with_a_new_key_at_once_is_refused_for_a_while(client, hub, service_client, clock):
    """The control: the same run with ``--now`` does lock clients out (the harness can fail)."""
    servers, kids, out = run_rotation(client, hub, service_client, clock, "--now")
    assert "refuses its tokens until it refetches" in out
    assert len(kids) == 2
    assert sum(server.refused for server in servers) > 0


@pytest.mark.parametrize("staged_first", [True, False])
def test_the_emergency_path_revokes_the_key_and_says_what_it_breaks(client, hub, service_client, staged_first):
    old = client_credentials_token(client, service_client)["access_token"]  # for the hub's own API
    assert client.get("/api/me", HTTP_AUTHORIZATION=f"Bearer {old}").status_code == 200
    if staged_first:
        call_command("rotatekeys")
        staged = SigningKey.objects.get(state=SigningKey.State.NEXT)
    out = StringIO()
    call_command("rotatekeys", "--emergency", stdout=out)
    text = out.getvalue()
    revoked = SigningKey.objects.get(state=SigningKey.State.REVOKED)
    assert revoked.kid == jwt.get_unverified_header(old)["kid"]
    assert "1 live access token(s) it signed are refused now" in text
    active = SigningKey.objects.get(state=SigningKey.State.ACTIVE)
    if staged_first:
        assert active.pk == staged.pk and "The staged key" in text
    else:
        assert "New signing key" in text and "refuses its tokens until it refetches" in text
    assert client.get("/api/me", HTTP_AUTHORIZATION=f"Bearer {old}").status_code == 401


def test_unknown_kids_cannot_keep_a_new_key_out_past_the_refresh_interval(client, hub, service_client, clock):
    """Even without staging, an attacker's unknown kids only move refetches earlier: the
    first refetch after the key was published brings it, whoever triggered it."""
    server = ResourceServer(hub.url)
    assert server.accepts(client_credentials_token(client, service_client, resource=RS_AUDIENCE)["access_token"])
    call_command("rotatekeys", "--now", stdout=StringIO())
    new = client_credentials_token(client, service_client, resource=RS_AUDIENCE)["access_token"]
    waited = None
    for second in range(90):
        assert not server.accepts(attacker_token(hub.url))  # every second, before the legitimate call
        if server.accepts(new):
            waited = second
            break
        clock.advance(1)
    assert waited is not None and waited <= 30  # JWKS_REFRESH_INTERVAL_SECONDS, the default


MAX_AGE_SECONDS = 8  # the hub's JWK set max-age here: a staged key signs after 1 + 8 + 30 s


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.skipif(
    "postgresql" not in django_settings.DATABASES["default"]["ENGINE"],
    reason="the hub activates the staged key from two threads at once; SQLite's in-memory test database locks",
)
@pytest.mark.parametrize("rotate_args", [(), ("--now",)], ids=["staged", "now-control"])
def test_a_staged_rotation_refuses_no_token_at_a_live_resource_server_on_default_timing(
    client, settings, hub, service_client, start_rs, rotate_args
):
    """The same over HTTP, in real time: a resource-server process with the default
    refresh interval (30 s), a hub whose JWK set has ``max-age=8``, and an attacker
    thread sending unknown ``kid``s throughout. The control, ``--now``, is refused."""
    point_hub_at(settings, hub.url, KEY_CACHE_SECONDS=1, JWKS_MAX_AGE_SECONDS=MAX_AGE_SECONDS)
    rs = start_rs(hub.url, RS_JWKS_REFRESH_INTERVAL="30")
    old_kid = jwt.get_unverified_header(
        client_credentials_token(client, service_client, resource=RS_AUDIENCE)["access_token"]
    )["kid"]
    stop = threading.Event()

    def attack() -> None:
        while not stop.is_set():
            rs.session.get(
                f"{rs.url}/drf/claims", headers={"Authorization": f"Bearer {attacker_token(hub.url)}"}, timeout=10
            )

    attacker = threading.Thread(target=attack, daemon=True)
    attacker.start()
    time.sleep(1)  # the RS holds the JWK set
    call_command("rotatekeys", *rotate_args, stdout=StringIO())
    answers: list[tuple[str, int]] = []
    switched_at = None
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline and (
            switched_at is None or time.monotonic() < switched_at + MAX_AGE_SECONDS + 1
        ):
            token = client_credentials_token(client, service_client, resource=RS_AUDIENCE)["access_token"]
            kid = jwt.get_unverified_header(token)["kid"]
            if kid != old_kid and switched_at is None:
                switched_at = time.monotonic()
            headers = {"Authorization": f"Bearer {token}"}
            answers.append((kid, requests.get(f"{rs.url}/drf/claims", headers=headers, timeout=10).status_code))
            time.sleep(0.25)
    finally:
        stop.set()
        attacker.join(15)
    assert switched_at is not None, "the new key never signed"
    refused = [answer for answer in answers if answer[1] != 200]
    if rotate_args:
        assert refused and {status for _, status in refused} == {401}
    else:
        assert refused == []
        assert {kid for kid, _ in answers} > {old_kid}  # tokens of both keys were checked
