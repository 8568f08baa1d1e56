"""Races on the real PostgreSQL server: concurrent redemptions, refreshes and
revocations each leave exactly one winner and a consistent set of live tokens
(catalogue C15, C20; RFC 9700 §4.2.4, §4.14.2); concurrent back-channel senders deliver
each logout token once."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.test import Client as HttpClient
from oauth2_provider.models import get_access_token_model, get_refresh_token_model

from oauth_jwt.models import RevokedToken, SigningKey
from oauth_jwt.server import signing_keys
from oauth_jwt.server.denylist_writer import is_revoked

from ..conftest import (
    REDIRECT_URI,
    authorize,
    basic_auth,
    bearer,
    form_post,
    pkce_pair,
    redirect_params,
    refresh,
    token_request,
)
from .test_device import approve, redeem, start

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 20
DEVICE_THREADS = 10


def concurrently(*calls):
    """Run each call in its own thread, released together; each closes its connection."""
    barrier = threading.Barrier(len(calls))

    def run(call):
        try:
            barrier.wait(timeout=30)
            return call(HttpClient(raise_request_exception=False))
        finally:
            connection.close()

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


def code_grant(client, user, c):
    verifier, challenge = pkce_pair()
    code = redirect_params(authorize(client, user, c, challenge=challenge))["code"]
    return {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI, "code_verifier": verifier}


def assert_no_server_errors(responses, json=True):
    assert all(r.status_code < 500 for r in responses), [r.status_code for r in responses]
    assert not json or all(r["Content-Type"] == "application/json" for r in responses)


def assert_every_dead_jwt_is_denylisted():
    """Every revocation record names a JWT whose DOT row is gone, and it is on the denylist."""
    live = set(get_access_token_model().objects.values_list("token_checksum", flat=True))
    records = list(RevokedToken.objects.all())
    assert records
    for record in records:
        assert record.token_checksum not in live, record.jti
        assert is_revoked(record.jti, record.kid)


@pytest.fixture
def signing_key(transactional_db):
    """A signing key before the race: a transactional test starts with none, and the
    first key is made on first use, which is not what these races are about."""
    return signing_keys.ensure_active_key()


def test_concurrent_redemptions_of_one_device_code(client, user, device_client, signing_key):
    grant = start(client, device_client)
    approve(client, user, grant)
    responses = concurrently(*[lambda c: redeem(c, device_client, grant)] * DEVICE_THREADS)
    assert_no_server_errors(responses)
    winners = [r for r in responses if r.status_code == 200]
    assert len(winners) == 1
    assert all(r.json()["error"] == "invalid_grant" for r in responses if r.status_code != 200)
    assert get_access_token_model().objects.count() == 1
    assert client.get("/api/me", **bearer(winners[0].json()["access_token"])).status_code == 200


def test_a_device_code_redemption_racing_a_disconnect(client, user, device_client, signing_key):
    """Either the redemption wins and the disconnect revokes its token, or nothing is issued."""
    grant = start(client, device_client)
    approve(client, user, grant)

    def disconnect(c):
        c.force_login(user)
        return c.post("/accounts/apps/disconnect/", {"client_id": device_client.client_id})

    redeemed, disconnected = concurrently(lambda c: redeem(c, device_client, grant), disconnect)
    assert disconnected.status_code == 303
    assert redeemed.status_code in (200, 400), redeemed.content
    if redeemed.status_code == 200:
        assert client.get("/api/me", **bearer(redeemed.json()["access_token"])).status_code == 401
    else:
        assert redeemed.json()["error"] == "invalid_grant"
    assert not get_access_token_model().objects.exists()
    assert not get_refresh_token_model().objects.filter(revoked__isnull=True).exists()


def test_concurrent_redemptions_of_one_code(client, user, web_client):
    grant = code_grant(client, user, web_client)
    responses = concurrently(*[lambda c: token_request(c, web_client, **grant)] * THREADS)
    assert_no_server_errors(responses)
    winners = [r for r in responses if r.status_code == 200]
    assert len(winners) == 1
    assert all(r.json()["error"] == "invalid_grant" for r in responses if r.status_code != 200)
    # Every other presentation was a replay: what the winner got is revoked too.
    tokens = winners[0].json()
    assert client.get("/api/me", **bearer(tokens["access_token"])).status_code == 401
    assert refresh(client, web_client, tokens["refresh_token"]).status_code == 400
    assert not get_access_token_model().objects.exists()
    assert_every_dead_jwt_is_denylisted()


def test_concurrent_refreshes_of_one_refresh_token(client, user, web_client):
    first = token_request(client, web_client, **code_grant(client, user, web_client)).json()
    responses = concurrently(*[lambda c: refresh(c, web_client, first["refresh_token"])] * THREADS)
    assert_no_server_errors(responses)
    winners = [r for r in responses if r.status_code == 200]
    assert len(winners) == 1
    assert all(r.json()["error"] == "invalid_grant" for r in responses if r.status_code != 200)
    # The losers were reuses of a rotated token: the family is revoked, newest pair included.
    newest = winners[0].json()
    assert newest["access_token"] and newest["refresh_token"]
    assert client.get("/api/me", **bearer(newest["access_token"])).status_code == 401
    assert refresh(client, web_client, newest["refresh_token"]).status_code == 400
    family = get_refresh_token_model().objects.filter(application=web_client.app)
    assert family.values("token_family").distinct().count() == 1
    assert not family.filter(revoked__isnull=True).exists()
    assert not get_access_token_model().objects.exists()
    assert_every_dead_jwt_is_denylisted()


@pytest.mark.parametrize("round_", range(5))
def test_concurrent_revocation_and_refresh(client, user, web_client, round_):
    tokens = token_request(client, web_client, **code_grant(client, user, web_client)).json()

    def revoke(kind):
        def call(c):
            data = {"token": tokens[kind], "token_type_hint": kind}
            return form_post(c, "/o/revoke_token/", data, **basic_auth(web_client))

        return call

    calls = [lambda c: refresh(c, web_client, tokens["refresh_token"])] + [revoke("refresh_token")] * 3
    calls += [revoke("access_token")] * 2
    responses = concurrently(*calls)
    assert_no_server_errors(responses, json=False)
    assert responses[0]["Content-Type"] == "application/json"
    assert all(r.status_code == 200 for r in responses[1:])

    # Whoever won, the refresh token was revoked: nothing of its grant survives, not
    # even a pair the refresh minted just before (RFC 7009 §2.1).
    assert client.get("/api/me", **bearer(tokens["access_token"])).status_code == 401
    assert refresh(client, web_client, tokens["refresh_token"]).status_code == 400
    if responses[0].status_code == 200:
        minted = responses[0].json()
        assert client.get("/api/me", **bearer(minted["access_token"])).status_code == 401
        assert refresh(client, web_client, minted["refresh_token"]).status_code == 400
    else:
        assert responses[0].json()["error"] == "invalid_grant"
    assert not get_refresh_token_model().objects.filter(revoked__isnull=True).exists()
    assert not get_access_token_model().objects.exists()
    assert_every_dead_jwt_is_denylisted()


def test_concurrent_first_token_requests_make_one_signing_key(service_client):
    """No signing key yet: every first request wants to make one; one does, the others use it."""
    SigningKey.objects.all().delete()  # the session's key, if no transactional test flushed it yet
    signing_keys.invalidate_cache()
    grant = {"grant_type": "client_credentials", "scope": "read"}
    responses = concurrently(*[lambda c: token_request(c, service_client, **grant)] * THREADS)
    assert_no_server_errors(responses)
    assert all(r.status_code == 200 for r in responses)
    assert SigningKey.objects.filter(state=SigningKey.State.ACTIVE).count() == 1
    assert SigningKey.objects.count() == 1


def test_concurrent_senders_deliver_a_logout_token_once(web_client):
    """Several workers and cron runs send the back-channel outbox at once: each row is
    claimed by one of them, and its client receives one logout token."""
    from oauth_jwt.models import LogoutDelivery
    from oauth_jwt.server import logout_delivery

    from ..logout_receiver import Receiver

    receiver = Receiver(delay=0.2).start()
    try:
        rows = [
            LogoutDelivery.objects.create(
                client_id=web_client.client_id, uri=receiver.url(), subject=str(n), reason="signed_out"
            )
            for n in range(3)
        ]
        ids = [row.pk for row in rows]
        summaries = concurrently(*[lambda c: logout_delivery.send(ids)] * THREADS)
        assert sum(s.delivered for s in summaries) == 3 and sum(s.failed for s in summaries) == 0
        assert sorted(r.form["logout_token"][0] != "" for r in receiver.received) == [True] * 3
        assert LogoutDelivery.objects.filter(delivered_at__isnull=False, attempts=1).count() == 3
    finally:
        receiver.stop()
