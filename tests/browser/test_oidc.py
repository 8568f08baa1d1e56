"""OpenID Connect in a real browser (issue 16): the consent page says what each scope
releases and userinfo releases exactly that; ``login_hint`` fills in the sign-in form;
``prompt=login`` makes a signed-in person sign in again, and the ID token's
``auth_time`` is that sign-in."""

from __future__ import annotations

import base64
import json

import pytest
from django.contrib.sessions.models import Session
from playwright.sync_api import expect

from oauth_jwt.server.authtime import SESSION_KEY
from tests.browser.conftest import allow_new_app, authorize_url, sign_in
from tests.browser.test_flows import exchange, http
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def claims_of(id_token: str) -> dict:
    payload = id_token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def test_the_consent_page_says_what_userinfo_releases(page, live_server, user, spa_client, callback, shoot, axe):
    user.first_name, user.last_name = "Alice", "Liddell"
    user.save()
    url, verifier = authorize_url(spa_client, callback.redirect_uri, scope="openid profile email")
    page.goto(url)
    sign_in(page)
    scopes = page.locator(".scopes li .scope__description").all_inner_texts()
    assert scopes == [
        "Sign you in with your account",
        "See your name and username",
        "See your email address and whether it is verified",
    ]
    axe(page)
    shoot(page, "consent-openid")
    page.get_by_role("button", name="Allow").click()
    callback.wait(page)

    tokens = exchange(live_server, callback, spa_client, verifier)
    status, released = http(f"{live_server.url}/o/userinfo/", token=tokens["access_token"])
    assert status == 200
    assert released == {
        "sub": str(user.pk),
        "name": "Alice Liddell",  # "your name"
        "given_name": "Alice",
        "family_name": "Liddell",
        "preferred_username": "alice",  # "and username"
        "email": "alice@example.com",  # "your email address"
        "email_verified": False,  # "and whether it is verified"
    }


def test_login_hint_and_prompt_login(page, live_server, user, spa_client, callback):
    allow_new_app(page, callback, spa_client, scope="openid")
    (first,) = Session.objects.all()
    earlier = first.get_decoded()[SESSION_KEY] - 600  # as if signed in ten minutes ago
    first.session_data = Session.objects.encode({**first.get_decoded(), SESSION_KEY: earlier})
    first.save()

    url, verifier = authorize_url(spa_client, callback.redirect_uri, scope="openid", prompt="login", login_hint="alice")
    page.goto(url)
    assert "/accounts/login/" in page.url
    expect(page.get_by_label("Username")).to_have_value("alice")
    assert page.evaluate("document.activeElement.id") == "id_password"
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    params = callback.wait(page)  # consent remembered: straight back
    assert params["state"] == "st4te"
    tokens = exchange(live_server, callback, spa_client, verifier)
    (session,) = Session.objects.all()  # the second sign-in's
    assert claims_of(tokens["id_token"])["auth_time"] == session.get_decoded()[SESSION_KEY] >= earlier + 600
