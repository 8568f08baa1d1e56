"""Signing out in real headless Chromium: a client's RP-initiated logout with its ID
token (straight back, with ``state``), the confirmation page when the person must be
asked (under the pages' Content-Security-Policy, which must let the form's answer go to
the client), the refusal page, and the back-channel logout token a client's endpoint
receives when the person signs out on the hub."""

from __future__ import annotations

from urllib.parse import urlencode

import jwt
import pytest
from playwright.sync_api import expect

from oauth_jwt.models import ClientProfile
from tests.browser.conftest import allow_new_app
from tests.browser.test_flows import exchange
from tests.logout_receiver import Receiver, verify_logout_token

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ISSUER = "http://127.0.0.1:8000"


def registered(spa_client, callback) -> str:
    uri = callback.redirect_uri + "/signed-out"
    spa_client.app.post_logout_redirect_uris = uri
    spa_client.app.save()
    return uri


def signed_in_with_id_token(page, live_server, callback, spa_client) -> dict:
    verifier = allow_new_app(page, callback, spa_client, scope="openid read", nonce="n-1")
    return exchange(live_server, callback, spa_client, verifier)


def test_a_client_signs_the_person_out_with_its_id_token(page, live_server, user, spa_client, callback):
    uri = registered(spa_client, callback)
    tokens = signed_in_with_id_token(page, live_server, callback, spa_client)
    query = {"id_token_hint": tokens["id_token"], "post_logout_redirect_uri": uri, "state": "bye"}
    page.goto("/o/logout/?" + urlencode(query))
    page.wait_for_url(uri + "?state=bye")
    page.goto("/accounts/apps/")
    assert "/accounts/login/" in page.url


def test_the_person_is_asked_when_the_client_sends_no_id_token(
    page, axe, shoot, live_server, user, spa_client, callback
):
    uri = registered(spa_client, callback)
    allow_new_app(page, callback, spa_client, scope="openid read")
    query = {"client_id": spa_client.client_id, "post_logout_redirect_uri": uri, "state": "s2"}
    page.goto("/o/logout/?" + urlencode(query))
    assert page.get_by_role("heading", level=1).inner_text() == "Photo Printer asks to sign you out"
    axe(page)
    shoot(page, "logout-confirm")
    page.get_by_role("button", name="Yes, sign out").click()
    page.wait_for_url(uri + "?state=s2")
    page.goto("/accounts/apps/")
    assert "/accounts/login/" in page.url


def test_staying_signed_in(page, axe, live_server, user, spa_client, callback):
    allow_new_app(page, callback, spa_client, scope="openid read")
    page.goto("/o/logout/?" + urlencode({"client_id": spa_client.client_id}))
    page.get_by_role("button", name="Stay signed in").click()
    expect(page.get_by_text("You are still signed in.")).to_be_visible()
    assert page.url.endswith("/accounts/apps/")
    axe(page)


def test_a_refused_request_is_a_page(page, axe, live_server, user, spa_client, callback):
    allow_new_app(page, callback, spa_client, scope="openid read")
    query = {"client_id": spa_client.client_id, "post_logout_redirect_uri": "https://evil.example/"}
    assert page.goto("/o/logout/?" + urlencode(query)).status == 400
    assert page.get_by_role("heading", level=1).inner_text() == "This sign-out request cannot continue"
    axe(page)


def test_signing_out_on_the_hub_tells_the_client_by_back_channel(page, live_server, user, spa_client, callback):
    receiver = Receiver().start()
    try:
        ClientProfile.objects.filter(client_id=spa_client.client_id).update(backchannel_logout_uri=receiver.url())
        tokens = signed_in_with_id_token(page, live_server, callback, spa_client)
        page.goto("/accounts/apps/")
        page.get_by_role("button", name="Sign out").click()
        assert page.get_by_role("heading", level=1).inner_text() == "You are signed out"
        (received,) = receiver.wait_for(1)
        jwks = page.request.get(f"{live_server.url}/.well-known/jwks.json").body()
        _, claims = verify_logout_token(received.token, jwks, ISSUER, spa_client.client_id)
        assert claims["sid"] == jwt.decode(tokens["id_token"], options={"verify_signature": False})["sid"]
        assert claims["sub"] == str(user.pk)
    finally:
        receiver.stop()
