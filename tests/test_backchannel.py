"""Back-channel logout (OpenID Connect Back-Channel Logout 1.0): a relying party's
endpoint (a tiny http.server) receives a logout token when a person signs out, is
deactivated, changes password or disconnects the app, and verifies it with jwcrypto
against the hub's published keys; failures are retried and recorded."""

from __future__ import annotations

import socket
import time
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from oauth2_provider.models import get_application_model

from oauth_jwt.models import ClientProfile, ClientSession, LogoutDelivery
from oauth_jwt.server import logout_delivery, sessions

from .conftest import PASSWORD, code_flow_token, make_client, refresh, verify_independently
from .logout_receiver import Receiver, verify_logout_token

Application = get_application_model()
pytestmark = pytest.mark.django_db
ISSUER = "http://127.0.0.1:8000"


@pytest.fixture
def receiver():
    running = Receiver().start()
    yield running
    running.stop()


@pytest.fixture
def listening(web_client, receiver):
    """The web client registers the receiver as its back-channel logout URI."""
    ClientProfile.objects.create(client_id=web_client.client_id, backchannel_logout_uri=receiver.url())
    return web_client


def send_due() -> str:
    out = StringIO()
    call_command("sendlogouts", stdout=out)
    return out.getvalue()


def verified(client, receiver, client_id: str, count: int = 1) -> list[dict]:
    jwks = client.get("/.well-known/jwks.json").content
    received = receiver.wait_for(count)
    assert len(received) == count, received
    for item in received:
        assert item.content_type == "application/x-www-form-urlencoded"
        assert item.path == "/backchannel-logout"
    return [verify_logout_token(item.token, jwks, ISSUER, client_id)[1] for item in received]


def id_token_claims(client, token: str) -> dict:
    return verify_independently(client, token)[1]


# --- sid in ID tokens ---------------------------------------------------------------------


def test_id_tokens_carry_the_sessions_sid_also_after_a_refresh(client, user, web_client):
    tokens = code_flow_token(client, user, web_client, scope="openid read", nonce="n-1")
    claims = id_token_claims(client, tokens["id_token"])
    assert claims["sid"] == client.session[sessions.SESSION_KEY]
    refreshed = refresh(client, web_client, tokens["refresh_token"]).json()
    assert id_token_claims(client, refreshed["id_token"])["sid"] == claims["sid"]


def test_each_session_has_its_own_sid(client, user, other_user, web_client):
    first = id_token_claims(client, code_flow_token(client, user, web_client, scope="openid")["id_token"])
    client.logout()
    second = id_token_claims(client, code_flow_token(client, other_user, web_client, scope="openid")["id_token"])
    assert first["sid"] != second["sid"] and len(first["sid"]) >= 32


def test_discovery_advertises_back_channel_logout(client):
    data = client.get("/.well-known/openid-configuration").json()
    assert data["backchannel_logout_supported"] is True
    assert data["backchannel_logout_session_supported"] is True
    assert data["frontchannel_logout_supported"] is False


# --- who is told ------------------------------------------------------------------------------


def test_signing_out_tells_the_clients_of_that_session(client, user, listening, receiver):
    tokens = code_flow_token(client, user, listening, scope="openid read")
    sid = id_token_claims(client, tokens["id_token"])["sid"]
    started = time.monotonic()
    response = client.post("/accounts/logout/")
    assert response.status_code == 200 and time.monotonic() - started < 2
    assert "Logout tokens: 1 delivered, 0 failed." in send_due()
    (claims,) = verified(client, receiver, listening.client_id)
    assert claims["sid"] == sid and claims["sub"] == str(user.pk)
    row = LogoutDelivery.objects.get()
    assert row.delivered_at is not None and row.attempts == 1 and row.reason == "signed_out"
    assert ClientSession.objects.get().ended_at is not None


def test_a_client_signed_in_during_another_session_is_not_told(client, user, listening, receiver):
    code_flow_token(client, user, listening, scope="openid")
    client.logout()  # that session ends: one logout token
    client.force_login(user)
    client.post("/accounts/logout/")  # a session with no client in it
    assert LogoutDelivery.objects.count() == 1


def test_a_client_without_a_uri_is_not_told(client, user, web_client, receiver):
    code_flow_token(client, user, web_client, scope="openid")
    client.post("/accounts/logout/")
    assert not LogoutDelivery.objects.exists()


def test_deactivating_an_account_tells_every_connected_client_by_sub(client, user, listening, receiver):
    code_flow_token(client, user, listening, scope="openid read")
    client.logout()
    LogoutDelivery.objects.all().delete()
    user.is_active = False
    user.save()
    send_due()
    (claims,) = verified(client, receiver, listening.client_id)
    assert claims["sub"] == str(user.pk) and "sid" not in claims
    assert LogoutDelivery.objects.get().reason == "deactivated"


def test_a_client_that_requires_the_sid_gets_one_token_per_open_session(client, user, listening, receiver):
    ClientProfile.objects.filter(client_id=listening.client_id).update(backchannel_logout_session_required=True)
    first = id_token_claims(client, code_flow_token(client, user, listening, scope="openid")["id_token"])
    other = type(client)()
    second = id_token_claims(
        other, code_flow_token(other, user, listening, scope="openid", prompt="consent")["id_token"]
    )
    user.set_password("a new password for alice")
    user.save()
    send_due()
    received = verified(client, receiver, listening.client_id, count=2)
    assert {c["sid"] for c in received} == {first["sid"], second["sid"]}
    assert {row.reason for row in LogoutDelivery.objects.all()} == {"password_changed"}


def test_disconnecting_an_app_tells_that_app_only(client, user, listening, receiver):
    other = make_client("authorization-code", name="Other")
    ClientProfile.objects.create(client_id=other.client_id, backchannel_logout_uri=receiver.url("/other"))
    code_flow_token(client, user, listening, scope="openid")
    code_flow_token(client, user, other, scope="openid")
    response = client.post("/accounts/apps/disconnect/", {"client_id": listening.client_id})
    assert response.status_code == 303
    send_due()
    (claims,) = verified(client, receiver, listening.client_id)
    assert claims["sub"] == str(user.pk)
    assert LogoutDelivery.objects.get().reason == "disconnected"


def test_disconnecting_an_app_never_used_tells_it_nothing(client, user, listening):
    client.force_login(user)
    client.post("/accounts/apps/disconnect/", {"client_id": listening.client_id})
    assert not LogoutDelivery.objects.exists()


# --- delivery -------------------------------------------------------------------------------


def queued(listening, receiver, **fields) -> LogoutDelivery:
    values = {"client_id": listening.client_id, "uri": receiver.url(), "subject": "1", "reason": "signed_out"}
    return LogoutDelivery.objects.create(**{**values, **fields})


@pytest.mark.parametrize("status", [400, 500, 503])
def test_a_refused_token_is_retried_later_then_given_up(settings, listening, receiver, clock, status):
    settings.OAUTH_JWT = {**settings.OAUTH_JWT, "BACKCHANNEL_LOGOUT_MAX_ATTEMPTS": 2}
    receiver.status = status
    row = queued(listening, receiver)
    assert "0 delivered, 1 failed" in send_due()
    row.refresh_from_db()
    assert row.attempts == 1 and row.last_error == f"HTTP {status}" and row.gave_up_at is None
    assert timedelta(seconds=30) <= row.next_attempt_at - row.last_attempt_at < timedelta(seconds=35)
    assert "0 delivered, 0 failed" in send_due()  # not due yet
    clock.advance(31)
    send_due()
    row.refresh_from_db()
    assert row.attempts == 2 and row.gave_up_at is not None
    clock.advance(3600)
    send_due()
    assert len(receiver.received) == 2


def test_a_redirect_is_never_followed(listening, receiver):
    receiver.status = 302
    receiver.location = receiver.url("/elsewhere")
    row = queued(listening, receiver)
    send_due()
    row.refresh_from_db()
    assert [r.path for r in receiver.received] == ["/backchannel-logout"]
    assert "redirect" in row.last_error and row.delivered_at is None


def test_a_slow_client_times_out(settings, listening, receiver):
    settings.OAUTH_JWT = {**settings.OAUTH_JWT, "BACKCHANNEL_LOGOUT_TIMEOUT_SECONDS": 0.2}
    receiver.delay = 1
    row = queued(listening, receiver)
    started = time.monotonic()
    send_due()
    assert time.monotonic() - started < 1
    row.refresh_from_db()
    assert "timed out" in row.last_error.lower() and row.delivered_at is None


def test_an_unreachable_client_is_recorded(listening, receiver):
    row = queued(listening, receiver, uri="http://127.0.0.1:9/backchannel-logout")
    send_due()
    row.refresh_from_db()
    assert row.last_error and row.attempts == 1 and row.delivered_at is None


def test_a_uri_that_is_not_https_is_given_up_at_once(listening, receiver):
    row = queued(listening, receiver, uri="http://rp.example/logout")
    send_due()
    row.refresh_from_db()
    assert row.gave_up_at is not None and "https" in row.last_error


def test_a_row_is_sent_by_one_sender_only(listening, receiver):
    row = queued(listening, receiver)
    now = timezone.now()
    assert logout_delivery.claim(row.pk, now) is not None
    assert logout_delivery.claim(row.pk, now) is None
    assert logout_delivery.claim(row.pk, now + timedelta(minutes=5)) is not None  # the lease is over


@pytest.mark.django_db(transaction=True)
def test_signing_out_sends_from_the_background_at_once(client, user, listening, receiver):
    """After the commit, a thread sends: the sign-out answers before the slow client
    does, and the row records the delivery."""
    receiver.delay = 1.5
    code_flow_token(client, user, listening, scope="openid")
    started = time.monotonic()
    client.post("/accounts/logout/")
    assert time.monotonic() - started < 1
    verified(client, receiver, listening.client_id)
    deadline = time.monotonic() + 10
    while not LogoutDelivery.objects.exclude(delivered_at=None).exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert LogoutDelivery.objects.get().delivered_at is not None
    connection.close()


def test_a_logout_token_is_no_access_token(client, api, user, web_client):
    token = logout_delivery.logout_token(web_client.client_id, str(user.pk), "sid")
    assert api(token).status_code == 401
    assert client.get("/o/userinfo/", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401


def test_signing_in_as_someone_else_ends_the_first_persons_session(client, user, other_user, listening, receiver):
    code_flow_token(client, user, listening, scope="openid")
    response = client.post("/accounts/login/", {"username": "bob", "password": PASSWORD})
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(other_user.pk)
    row = LogoutDelivery.objects.get()
    assert row.subject == str(user.pk) and row.reason == "signed_out" and row.sid


# --- clients that registered themselves -----------------------------------------------------


def resolving(monkeypatch, address: str) -> None:
    """Every host name resolves to ``address`` (no DNS in the tests)."""
    port_info = (socket.AF_INET6 if ":" in address else socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, 443))
    monkeypatch.setattr(socket, "getaddrinfo", lambda *args, **kwargs: [port_info])


INWARD = ["127.0.0.1", "10.1.2.3", "169.254.169.254", "::ffff:127.0.0.1", "64:ff9b::a01:203"]


@pytest.mark.parametrize("address", INWARD)
def test_a_self_registered_clients_uri_that_resolves_inward_is_never_posted_to(
    monkeypatch, listening, receiver, address
):
    """SSRF: anyone can register a client; the hub must not POST into its own network for it."""
    Application.objects.filter(pk=listening.app.pk).update(registration_source=Application.RegistrationSource.DCR)
    posted = []
    monkeypatch.setattr(logout_delivery, "post", lambda uri, token: posted.append(uri))
    resolving(monkeypatch, address)
    row = queued(listening, receiver, uri="https://rp.example/backchannel-logout")
    send_due()
    row.refresh_from_db()
    assert posted == [] and row.delivered_at is None
    assert "public addresses" in row.last_error


def test_a_self_registered_clients_public_uri_is_posted_to(monkeypatch, listening, receiver):
    Application.objects.filter(pk=listening.app.pk).update(registration_source=Application.RegistrationSource.DCR)
    posted = []
    monkeypatch.setattr(logout_delivery, "post", lambda uri, token: posted.append(uri))
    resolving(monkeypatch, "93.184.215.14")
    row = queued(listening, receiver, uri="https://rp.example/backchannel-logout")
    send_due()
    row.refresh_from_db()
    assert posted == ["https://rp.example/backchannel-logout"] and row.delivered_at is not None


def test_a_uri_staff_set_for_a_client_is_sent_to_as_typed(listening, receiver):
    """The loopback receiver of the other tests is an admin-set URI: not held to the rule."""
    queued(listening, receiver)
    send_due()
    assert len(receiver.wait_for(1)) == 1
