"""The device flow's pages (RFC 8628 §3.3) in headless Chromium: sign in, type the code
the way a person reads it off a screen, check the app, allow; the device then polls
for its token over HTTP. The user code never appears in any URL the browser asks for."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_flows import http, sign_in
from tests.conftest import make_client

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
TOUCH_TARGET = 44  # CSS px (WCAG 2.5.5)


@pytest.fixture
def tv_client(transactional_db):
    return make_client("urn:ietf:params:oauth:grant-type:device_code", "public", name="Living-room TV")


@pytest.fixture
def device(live_server, tv_client) -> dict:
    status, grant = http(f"{live_server.url}/o/device-authorization/", {"client_id": tv_client.client_id})
    assert status == 200, grant
    return grant


@pytest.fixture
def requested_urls(page) -> list[str]:
    urls: list[str] = []
    page.on("request", lambda request: urls.append(request.url))
    return urls


def poll(live_server, tv_client, device) -> tuple[int, dict]:
    data = {"grant_type": DEVICE_GRANT, "client_id": tv_client.client_id, "device_code": device["device_code"]}
    return http(f"{live_server.url}/o/token/", data)


def assert_touch_target(locator) -> None:
    box = locator.bounding_box()
    assert box["width"] >= TOUCH_TARGET and box["height"] >= TOUCH_TARGET, box


def test_a_device_signs_in_through_the_pages(page, live_server, user, tv_client, device, requested_urls, shoot):
    code = device["user_code"]
    page.goto("/o/device/")
    sign_in(page)
    assert page.title() == "Connect a device · AuthHub"
    assert page.locator(".account strong").inner_text() == "alice"
    assert page.locator("main h1").inner_text() == "Connect a device"
    shoot(page, "device-code")

    typed = f"{code[:4]}-{code[4:]}".lower()  # as a person reads it off the screen
    page.get_by_label("Code shown on your device").fill(typed)
    continue_button = page.get_by_role("button", name="Continue")
    assert_touch_target(continue_button)
    continue_button.click()

    assert page.get_by_role("heading", level=1).inner_text() == "Living-room TV on a device wants to use your account"
    assert page.title() == "Connect Living-room TV? · AuthHub"
    expect(page.get_by_text("Not vetted.")).to_be_visible()
    expect(page.get_by_text("Read your data")).to_be_visible()
    assert page.locator("strong.user-code").inner_text() == f"{code[:4]}-{code[4:]}"
    allow, deny = page.get_by_role("button", name="Allow"), page.get_by_role("button", name="Deny")
    assert_touch_target(allow)
    assert_touch_target(deny)
    shoot(page, "device-confirm")

    allow.click()
    assert page.get_by_role("heading", level=1).inner_text() == "Device connected"
    expect(page.get_by_role("status")).to_be_visible()
    shoot(page, "device-done")

    status, tokens = poll(live_server, tv_client, device)
    assert status == 200, tokens
    assert http(f"{live_server.url}/api/me", token=tokens["access_token"])[0] == 200
    assert poll(live_server, tv_client, device)[1]["error"] == "invalid_grant"  # once only

    page.goto("/")
    expect(page.get_by_role("heading", name="Living-room TV")).to_be_visible()
    page.get_by_role("button", name="Disconnect Living-room TV").click()
    assert http(f"{live_server.url}/api/me", token=tokens["access_token"])[0] == 401

    assert requested_urls
    for url in requested_urls:
        assert code not in url.upper().replace("-", ""), url


def test_a_wrong_code_is_announced(page, live_server, user, device, shoot):
    page.goto("/o/device/")
    sign_in(page)
    page.get_by_label("Code shown on your device").fill("BCDF-GHJK")
    page.get_by_role("button", name="Continue").click()
    alert = page.get_by_role("alert")
    assert "That code is not right." in alert.inner_text()
    field = page.get_by_label("Code shown on your device")
    assert field.get_attribute("aria-invalid") == "true"
    assert "user-code-error" in field.get_attribute("aria-describedby")
    shoot(page, "device-code-error")


def test_verification_uri_complete_lands_on_a_clean_url(page, live_server, user, tv_client, device, requested_urls):
    code = device["user_code"]
    page.goto(f"/o/device/?user_code={code}")
    sign_in(page)
    assert page.url == f"{live_server.url}/o/device/"
    assert page.get_by_label("Code shown on your device").input_value() == f"{code[:4]}-{code[4:]}"
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Deny").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Device not connected"
    assert poll(live_server, tv_client, device)[1]["error"] == "access_denied"
    # Only the link itself carried the code; nothing after it did.
    assert [url for url in requested_urls if code in url] == [f"{live_server.url}/o/device/?user_code={code}"]
