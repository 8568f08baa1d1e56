"""Real headless Chromium through the pages: sign in, consent, deny, remembered
consent, disconnect and lockout. Tokens are then used over HTTP, as a client would."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from urllib.parse import urlencode

import pytest
from playwright.sync_api import expect

from oauth_jwt.colors import contrast
from oauth_jwt.models import Consent
from tests.browser.conftest import allow_new_app, authorize_url, sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ISSUER = "http://127.0.0.1:8000"


def http(url: str, data: dict | None = None, token: str | None = None) -> tuple[int, dict]:
    body = urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def exchange(live_server, callback, c, verifier: str) -> dict:
    status, tokens = http(
        f"{live_server.url}/o/token/",
        {
            "grant_type": "authorization_code",
            "client_id": c.client_id,
            "code": callback.params["code"],
            "redirect_uri": callback.redirect_uri,
            "code_verifier": verifier,
        },
    )
    assert status == 200, tokens
    return tokens


def rgb(css: str) -> tuple[int, int, int]:
    """``rgb(1, 2, 3)`` as computed by the browser."""
    r, g, b = (int(part) for part in css[css.index("(") + 1 : css.index(")")].split(",")[:3])
    return r, g, b


def test_sign_in_consent_code_token_with_pkce(page, live_server, user, spa_client, callback, shoot):
    url, verifier = authorize_url(spa_client, callback.redirect_uri, scope="read email")
    page.goto(url)
    assert "/accounts/login/" in page.url
    assert page.title() == "Sign in · AuthHub"
    shoot(page, "sign-in")

    sign_in(page)
    assert page.get_by_role("heading", level=1).inner_text() == "Photo Printer wants to use your account"
    expect(page.get_by_text("Not vetted.")).to_be_visible()
    expect(page.get_by_text("Read your data")).to_be_visible()
    expect(page.get_by_text("See your email address")).to_be_visible()
    assert page.locator(".account strong").inner_text() == "alice"
    assert page.locator("img.client__logo").evaluate("img => img.naturalWidth") == 64
    shoot(page, "consent")

    page.get_by_role("button", name="Allow").click()
    params = callback.wait(page)
    assert params["state"] == "st4te" and params["iss"] == ISSUER
    assert callback.referers == [None]  # the hub's URLs never leak to the client

    tokens = exchange(live_server, callback, spa_client, verifier)
    assert tokens["scope"] == "read email"
    status, me = http(f"{live_server.url}/api/me", token=tokens["access_token"])
    assert status == 200 and me["username"] == "alice" and me["client_id"] == spa_client.client_id


def test_the_pages_work_without_javascript_and_on_a_phone(browser, live_server, user, spa_client, callback, shoot):
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, viewport={"width": 360, "height": 740}, is_mobile=True
    )
    page = context.new_page()
    try:
        url, _ = authorize_url(spa_client, callback.redirect_uri)
        page.goto(url)
        sign_in(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        shoot(page, "consent-phone")
        allow = page.get_by_role("button", name="Allow")
        box = allow.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 360
        allow.click()
        callback.wait(page)
        assert "code" in callback.params
    finally:
        context.close()


def test_deny_goes_back_with_access_denied_state_and_iss(page, live_server, user, spa_client, callback):
    url, _ = authorize_url(spa_client, callback.redirect_uri, state="deny-me")
    page.goto(url)
    sign_in(page)
    page.get_by_role("button", name="Deny").click()
    callback.wait(page)
    assert callback.params == {"error": "access_denied", "state": "deny-me", "iss": ISSUER}
    assert not Consent.objects.exists()


def test_remembered_consent_more_scopes_and_prompt_consent(page, live_server, user, spa_client, callback):
    allow_new_app(page, callback, spa_client, scope="read email")

    url, _ = authorize_url(spa_client, callback.redirect_uri, scope="read", state="again")
    page.goto(url)
    callback.wait(page)
    assert callback.params["state"] == "again" and "code" in callback.params

    url, _ = authorize_url(spa_client, callback.redirect_uri, scope="read write")
    page.goto(url)
    expect(page.get_by_text("Change your data")).to_be_visible()
    page.get_by_role("button", name="Allow").click()
    callback.wait(page)
    assert Consent.objects.get(user=user).scopes == ["email", "read", "write"]

    url, _ = authorize_url(spa_client, callback.redirect_uri, scope="read", prompt="consent")
    page.goto(url)
    expect(page.get_by_role("button", name="Allow")).to_be_visible()


def test_switch_account_comes_back_to_the_same_request(page, live_server, user, other_user, spa_client, callback):
    url, _ = authorize_url(spa_client, callback.redirect_uri, state="switch")
    page.goto(url)
    sign_in(page)
    page.get_by_role("button", name="Not you? Use another account").click()
    assert "/accounts/login/" in page.url
    sign_in(page, "bob")
    assert page.locator(".account strong").inner_text() == "bob"
    page.get_by_role("button", name="Allow").click()
    callback.wait(page)
    assert callback.params["state"] == "switch"
    assert Consent.objects.get().user == other_user


def test_disconnect_refuses_the_tokens(page, live_server, user, spa_client, callback, shoot):
    verifier = allow_new_app(page, callback, spa_client, scope="read email")
    tokens = exchange(live_server, callback, spa_client, verifier)
    assert http(f"{live_server.url}/api/me", token=tokens["access_token"])[0] == 200

    page.goto("/")
    expect(page.get_by_role("heading", name="Photo Printer")).to_be_visible()
    expect(page.get_by_text("See your email address")).to_be_visible()
    assert page.locator(".facts dd time").count() == 2  # allowed, last used
    shoot(page, "connected-apps")

    page.get_by_role("button", name="Disconnect Photo Printer").click()
    expect(page.get_by_text("Disconnected.")).to_be_visible()
    expect(page.get_by_text("No apps are connected to your account.")).to_be_visible()

    status, _ = http(f"{live_server.url}/api/me", token=tokens["access_token"])
    assert status == 401
    status, body = http(
        f"{live_server.url}/o/token/",
        {"grant_type": "refresh_token", "client_id": spa_client.client_id, "refresh_token": tokens["refresh_token"]},
    )
    assert status == 400 and body["error"] == "invalid_grant"


def test_unknown_client_error_page(page, live_server, user, shoot):
    page.goto("/accounts/login/")
    sign_in(page)
    response = page.goto(
        "/o/authorize/?"
        + urlencode(
            {
                "response_type": "code",
                "client_id": "who-knows",
                "redirect_uri": "https://evil.example/cb",
                "scope": "read",
            }
        )
    )
    assert response.status == 400
    assert page.get_by_role("heading", level=1).inner_text() == "This sign-in request cannot continue"
    assert page.url.startswith(live_server.url + "/o/authorize/")
    shoot(page, "error")


def test_lockout_after_wrong_passwords(page, live_server, user, shoot):
    page.goto("/accounts/login/")
    for _ in range(4):
        sign_in(page, password="not it")
        expect(page.get_by_role("alert")).to_be_visible()
    with page.expect_response(lambda r: r.url.endswith("/accounts/login/") and r.request.method == "POST") as info:
        sign_in(page, password="not it")
    assert info.value.status == 429
    assert page.get_by_role("heading", level=1).inner_text() == "Too many sign-in attempts"
    shoot(page, "lockout")
    page.goto("/accounts/login/")
    sign_in(page)
    assert page.get_by_role("heading", level=1).inner_text() == "Too many sign-in attempts"


def test_keyboard_only(page, live_server, user, spa_client, callback):
    url, _ = authorize_url(spa_client, callback.redirect_uri, state="keys")
    page.goto(url)
    assert page.evaluate("document.activeElement.id") == "id_username"  # autofocus
    page.keyboard.type("alice")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    allow = page.get_by_role("button", name="Allow")
    allow.wait_for()
    for _ in range(12):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent") == "Allow":
            break
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"  # a visible focus ring
    ring = page.evaluate("getComputedStyle(document.activeElement).outlineColor")
    card = page.evaluate("getComputedStyle(document.getElementById('main')).backgroundColor")
    assert contrast(rgb(ring), rgb(card)) >= 3  # WCAG 2.2 SC 2.4.13 / 1.4.11
    page.keyboard.press("Enter")
    assert callback.wait(page)["state"] == "keys"


def test_focus_ring_in_the_header(page, live_server):
    """The header may be dark (authhub's is): its ring is its text colour, 3:1 or more."""
    page.goto("/accounts/login/")
    page.focus(".skip-link")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "brand"
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"
    ring = page.evaluate("getComputedStyle(document.activeElement).outlineColor")
    header = page.evaluate("getComputedStyle(document.querySelector('.site-header')).backgroundColor")
    assert contrast(rgb(ring), rgb(header)) >= 3
