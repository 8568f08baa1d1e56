"""axe-core on every page and state people see, in Chromium: the sign-in and consent
pages and their errors, connected apps, sign-out, the CSRF page, the device pages, and
the admin console (at 320 px wide and in dark mode too). Any violation fails."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.test import Client as HttpClient
from playwright.sync_api import expect

from oauth_jwt.models import ClientProfile
from oauth_jwt.server import signing_keys
from tests.browser.conftest import allow_new_app, authorize_url, sign_in
from tests.conftest import client_credentials_token, form_post

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def session_cookie(page, live_server, user) -> None:
    """Sign ``user`` in without the form (the form has its own tests)."""
    http = HttpClient()
    http.force_login(user)
    page.context.add_cookies([{"name": "sessionid", "value": http.cookies["sessionid"].value, "url": live_server.url}])


class TestSignIn:
    def test_empty(self, page, axe):
        page.goto("/accounts/login/")
        axe(page)

    def test_with_error(self, page, axe, user):
        page.goto("/accounts/login/")
        sign_in(page, password="not it")
        expect(page.get_by_role("alert")).to_be_visible()
        axe(page)

    def test_locked_out(self, page, axe, user):
        page.goto("/accounts/login/")
        for _ in range(5):
            sign_in(page, password="not it")
        assert page.get_by_role("heading", level=1).inner_text() == "Too many sign-in attempts"
        axe(page)

    def test_signed_out(self, page, axe, live_server, user):
        session_cookie(page, live_server, user)
        page.goto("/accounts/apps/")
        page.get_by_role("button", name="Sign out").click()
        assert page.get_by_role("heading", level=1).inner_text() == "You are signed out"
        axe(page)

    def test_csrf_failure(self, page, axe, user):
        page.goto("/accounts/login/")
        page.context.clear_cookies()
        sign_in(page)
        assert page.get_by_role("heading", level=1).inner_text() == "This form could not be accepted"
        axe(page)


@pytest.mark.parametrize("primary", ["#0b6e4f", "#ffcc00"])
def test_branding_stylesheet_under_the_csp(
    page, axe, live_server, oauth_jwt_settings, user, spa_client, callback, primary
):
    """The generated stylesheet loads under ``default-src 'self'``; a light colour keeps
    its text and links readable."""
    oauth_jwt_settings(BRANDING={**oauth_jwt_settings["BRANDING"], "PRIMARY_COLOR": primary})
    response = page.goto(authorize_url(spa_client, callback.redirect_uri)[0])
    assert "default-src 'self'" in response.headers["content-security-policy"]
    sign_in(page)
    allow = page.get_by_role("button", name="Allow")
    red, green, blue = (int(primary[i : i + 2], 16) for i in (1, 3, 5))
    assert allow.evaluate("b => getComputedStyle(b).backgroundColor") == f"rgb({red}, {green}, {blue})"
    axe(page)


class TestConsent:
    def test_vetted_client(self, page, axe, live_server, user, spa_client, callback):
        ClientProfile.objects.filter(client_id=spa_client.client_id).update(vetted=True)
        page.goto(authorize_url(spa_client, callback.redirect_uri, scope="openid read email")[0])
        sign_in(page)
        expect(page.get_by_role("button", name="Allow")).to_be_visible()
        assert not page.get_by_text("Not vetted.").count()
        axe(page)

    def test_not_vetted_client(self, page, axe, live_server, user, spa_client, callback):
        page.goto(authorize_url(spa_client, callback.redirect_uri)[0])
        sign_in(page)
        expect(page.get_by_text("Not vetted.")).to_be_visible()
        axe(page)

    def test_an_expired_form_leads_to_a_fresh_consent_page(self, page, axe, user, spa_client, callback, monkeypatch):
        page.goto(authorize_url(spa_client, callback.redirect_uri, state="late")[0])
        sign_in(page)
        monkeypatch.setattr("oauth_jwt.server.forms.MAX_AGE", -1)  # every signed form has expired
        page.get_by_role("button", name="Allow").click()
        assert page.get_by_role("status").inner_text().startswith("The page had been open too long.")
        assert page.get_by_role("heading", level=1).inner_text() == "Photo Printer wants to use your account"
        axe(page)
        monkeypatch.undo()
        page.get_by_role("button", name="Allow").click()
        assert callback.wait(page)["state"] == "late"

    def test_error_page(self, page, axe, live_server, user):
        session_cookie(page, live_server, user)
        query = {"response_type": "code", "client_id": "who-knows", "redirect_uri": "https://evil.example/cb"}
        assert page.goto("/o/authorize/?" + urlencode(query)).status == 400
        axe(page)


class TestConnectedApps:
    def test_empty(self, page, axe, live_server, user):
        session_cookie(page, live_server, user)
        page.goto("/accounts/apps/")
        expect(page.get_by_text("No apps are connected to your account.")).to_be_visible()
        axe(page)

    def test_with_apps_and_after_disconnecting(self, page, axe, live_server, user, spa_client, callback):
        allow_new_app(page, callback, spa_client, scope="read email")
        page.goto("/accounts/apps/")
        expect(page.get_by_role("heading", name="Photo Printer")).to_be_visible()
        axe(page)
        with page.expect_navigation():
            page.get_by_role("button", name="Disconnect Photo Printer").click()
        expect(page.get_by_text("Disconnected.")).to_be_visible()
        axe(page)


def start_device_flow(device_client) -> str:
    response = form_post(HttpClient(), "/o/device-authorization/", {"client_id": device_client.client_id})
    assert response.status_code == 200, response.content
    return response.json()["user_code"]


class TestDevicePages:
    def enter(self, page, code: str) -> None:
        page.get_by_label("Code shown on your device").fill(code)
        with page.expect_navigation():
            page.get_by_role("button", name="Continue").click()

    def test_code_entry_and_a_wrong_code(self, page, axe, live_server, user):
        session_cookie(page, live_server, user)
        page.goto("/o/device/")
        axe(page)
        self.enter(page, "BCDF-GHJK")
        expect(page.get_by_role("alert")).to_be_visible()
        axe(page)

    def test_no_code_waiting(self, page, axe, live_server, user):
        session_cookie(page, live_server, user)
        assert page.goto("/o/device/confirm/").status == 404
        assert page.get_by_role("heading", level=1).inner_text() == "No code waiting"
        axe(page)

    @pytest.mark.parametrize("button, outcome", [("Allow", "Device connected"), ("Deny", "Device not connected")])
    def test_confirm_and_done(self, page, axe, live_server, user, device_client, button, outcome):
        code = start_device_flow(device_client)
        session_cookie(page, live_server, user)
        page.goto("/o/device/")
        self.enter(page, code)
        expect(page.get_by_text("Not vetted.")).to_be_visible()
        axe(page)
        page.get_by_role("button", name=button).click()
        assert page.get_by_role("heading", level=1).inner_text() == outcome
        axe(page)


ADMIN_LOOKS = {
    "light": {"viewport": {"width": 1280, "height": 760}, "color_scheme": "light"},
    "dark": {"viewport": {"width": 1280, "height": 760}, "color_scheme": "dark"},
    "320px": {"viewport": {"width": 320, "height": 640}, "color_scheme": "light"},
    "320px-dark": {"viewport": {"width": 320, "height": 640}, "color_scheme": "dark"},
}


@pytest.fixture(params=list(ADMIN_LOOKS))
def console(request, new_context, live_server, staff_user):
    """A signed-in staff browser in one of the looks."""
    look = ADMIN_LOOKS[request.param]
    context = new_context(base_url=live_server.url, **look)
    page = context.new_page()
    session_cookie(page, live_server, staff_user)
    yield page
    context.close()


def fits(page) -> None:
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{page.url} scrolls sideways"


class TestAdmin:
    def test_sign_in(self, page, axe):
        page.goto("/admin/login/")
        axe(page)

    def test_index_and_dashboard(self, console, axe, service_client):
        client_credentials_token(HttpClient(), service_client)
        console.goto("/admin/")
        expect(console.locator("#oauth-jwt-dashboard")).to_be_visible()
        fits(console)
        axe(console)

    def test_token_inspector(self, console, axe, service_client):
        token = client_credentials_token(HttpClient(), service_client)["access_token"]
        console.goto("/admin/oauth2_provider/accesstoken/inspect/")
        axe(console)
        console.get_by_label("Access token").fill(token)
        with console.expect_navigation():
            console.get_by_role("button", name="Inspect").click()
        assert console.locator("#verdict").inner_text().startswith("Valid")
        fits(console)
        axe(console)
        console.get_by_label("Access token").fill(token[:-4] + "AAAA")
        with console.expect_navigation():
            console.get_by_role("button", name="Inspect").click()
        assert console.locator("#verdict").inner_text().startswith("Refused")
        fits(console)
        axe(console)

    def test_client_change_page(self, console, axe, service_client):
        console.goto(f"/admin/oauth2_provider/application/{service_client.app.pk}/change/")
        axe(console)

    @pytest.mark.parametrize(
        "path",
        [
            "/admin/oauth2_provider/application/",
            "/admin/oauth2_provider/accesstoken/",
            "/admin/oauth_jwt/revokedtoken/",
            "/admin/oauth_jwt/signingkey/",
            "/admin/oauth_jwt/consent/",
            "/admin/oauth_jwt/logoutdelivery/",
        ],
    )
    def test_lists(self, page, axe, live_server, staff_user, service_client, path):
        client_credentials_token(HttpClient(), service_client)
        session_cookie(page, live_server, staff_user)
        page.goto(path)
        axe(page)

    def test_a_new_secret_and_a_key_revocation_to_confirm(self, page, axe, live_server, staff_user, service_client):
        session_cookie(page, live_server, staff_user)
        page.goto("/admin/oauth2_provider/application/")
        page.check(f"input[name=_selected_action][value='{service_client.app.pk}']")
        page.select_option("select[name=action]", "rotate_secret")
        with page.expect_navigation():
            page.click("button[name=index]")
        expect(page.locator(".oauth-jwt-secret-value")).to_be_visible()
        axe(page)
        key = signing_keys.ensure_active_key()
        page.goto("/admin/oauth_jwt/signingkey/")
        page.check(f"input[name=_selected_action][value='{key.pk}']")
        page.select_option("select[name=action]", "revoke")
        with page.expect_navigation():
            page.click("button[name=index]")
        expect(page.get_by_role("button", name="Yes, revoke: tokens it signed stop validating now")).to_be_visible()
        axe(page)


@pytest.mark.parametrize("path", ["/accounts/login/", "consent", "/accounts/apps/"])
def test_the_pages_fit_320_px(new_context, axe, live_server, user, spa_client, callback, path):
    """WCAG 1.4.10: no sideways scrolling at 320 CSS px."""
    context = new_context(base_url=live_server.url, viewport={"width": 320, "height": 640})
    page = context.new_page()
    try:
        if path == "consent":
            page.goto(authorize_url(spa_client, callback.redirect_uri, scope="openid profile email read write")[0])
            sign_in(page)
        else:
            allow_new_app(page, callback, spa_client, scope="read email")
            page.goto(path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
        axe(page)
    finally:
        context.close()
