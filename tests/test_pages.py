"""The pages people type into: security headers, CSRF, safe ``next``, lockout,
connected apps and disconnecting (Django test client)."""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient
from oauth2_provider.models import get_access_token_model, get_grant_model, get_refresh_token_model

from oauth_jwt.models import ClientProfile, Consent
from tests.conftest import PASSWORD, REDIRECT_URI, authorize, code_flow_token, make_client, refresh

pytestmark = pytest.mark.django_db

PAGE_HEADERS = {
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",  # see oauth_jwt.pagesecurity.REFERRER_POLICY
}


def assert_page_headers(response) -> None:
    for name, value in PAGE_HEADERS.items():
        assert response[name] == value, name
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "form-action 'self'" in csp
    assert "no-store" in response["Cache-Control"]


def consent_query(c, **extra) -> dict:
    return {
        "response_type": "code",
        "client_id": c.client_id,
        "redirect_uri": REDIRECT_URI,
        "scope": "read",
        "state": "s1",
        "code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
        "code_challenge_method": "S256",
        **extra,
    }


def login(client, username="alice", password=PASSWORD, **extra):
    return client.post(
        "/accounts/login/", {"username": username, "password": password, **extra.pop("data", {})}, **extra
    )


class TestHeaders:
    def test_sign_in_page_and_its_error(self, client, user):
        assert_page_headers(client.get("/accounts/login/"))
        failed = login(client, password="wrong")
        assert failed.status_code == 200
        assert b"match. Please try again" in failed.content
        assert_page_headers(failed)

    def test_consent_page(self, client, user, web_client):
        client.force_login(user)
        page = client.get("/o/authorize/", consent_query(web_client))
        assert page.status_code == 200
        assert_page_headers(page)
        # The POST is answered with a redirect to the client, which form-action must allow.
        assert "form-action 'self' http://127.0.0.1:8765" in page["Content-Security-Policy"]

    def test_consent_error_page(self, client, user):
        client.force_login(user)
        page = client.get("/o/authorize/", {"response_type": "code", "client_id": "nobody", "scope": "read"})
        assert page.status_code == 400
        assert_page_headers(page)

    def test_connected_apps_and_logout(self, client, user):
        client.force_login(user)
        assert_page_headers(client.get("/accounts/apps/"))
        assert_page_headers(client.post("/accounts/logout/"))

    def test_logout_by_get_is_refused_and_keeps_the_session(self, client, user):
        """A link or an image cannot sign anyone out, on every supported Django (4.2's
        LogoutView still signed out on GET: oauth_jwt.compat)."""
        client.force_login(user)
        refused = client.get("/accounts/logout/")
        assert refused.status_code == 405
        assert_page_headers(refused)
        assert client.get("/accounts/apps/").status_code == 200

    def test_csrf_failure_page(self, user):
        page = HttpClient(enforce_csrf_checks=True).post("/accounts/login/", {"username": "alice", "password": "x"})
        assert page.status_code == 403
        assert b"security token" in page.content
        assert_page_headers(page)

    def test_lockout_page(self, client, user):
        for _ in range(5):
            page = login(client, password="wrong")
        assert page.status_code == 429
        assert_page_headers(page)


class TestCsrf:
    def test_consent_post_without_token_is_refused(self, user, web_client):
        browser = HttpClient(enforce_csrf_checks=True)
        browser.force_login(user)
        page = browser.get("/o/authorize/", consent_query(web_client))
        data = {k: v for k, v in page.context["form"].initial.items() if v is not None}
        refused = browser.post("/o/authorize/", {**data, "allow": "true"})
        assert refused.status_code == 303  # back to the consent page (test_consent.TestStaleForms)
        assert refused["Location"].startswith("/o/authorize/?")
        assert not Consent.objects.exists()
        data["csrfmiddlewaretoken"] = page.context["csrf_token"]
        allowed = browser.post("/o/authorize/", {**data, "allow": "true"})
        assert allowed.status_code == 302
        assert allowed["Location"].startswith(REDIRECT_URI + "?code=")

    def test_disconnect_without_token_is_refused(self, user, web_client):
        Consent.objects.create(user=user, client_id=web_client.client_id, scopes=["read"])
        browser = HttpClient(enforce_csrf_checks=True)
        browser.force_login(user)
        assert browser.post("/accounts/apps/disconnect/", {"client_id": web_client.client_id}).status_code == 403
        assert Consent.objects.filter(user=user).exists()

    def test_approval_is_never_a_get(self, client, user, web_client):
        client.force_login(user)
        page = client.get("/o/authorize/", consent_query(web_client, allow="true"))
        assert page.status_code == 200
        assert not Consent.objects.exists()


class TestNext:
    @pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "http:evil.example"])
    def test_next_to_another_host_is_refused(self, client, user, target):
        response = login(client, data={"next": target})
        assert response.status_code == 302
        assert response["Location"] == "/"

    def test_next_on_this_site_is_followed(self, client, user):
        response = login(client, data={"next": "/o/authorize/?client_id=x"})
        assert response["Location"] == "/o/authorize/?client_id=x"

    def test_without_next_a_fresh_project_lands_on_the_connected_apps(self, client, user, settings):
        settings.LOGIN_REDIRECT_URL = "/accounts/profile/"  # Django's default, no page
        assert login(client)["Location"] == "/accounts/apps/"

    def test_without_next_the_projects_own_redirect_wins(self, client, user, settings):
        settings.LOGIN_REDIRECT_URL = "/welcome/"
        assert login(client)["Location"] == "/welcome/"

    def test_sign_in_page_keeps_next(self, client):
        page = client.get("/accounts/login/", {"next": "/accounts/apps/"})
        assert b'name="next" value="/accounts/apps/"' in page.content


class TestLockout:
    def test_wrong_passwords_lock_the_account_at_that_address(self, client, user):
        for _ in range(4):
            assert login(client, password="wrong").status_code == 200
        assert login(client, password="wrong").status_code == 429
        # Even the right password is refused now, from this address.
        assert login(client).status_code == 429
        assert "_auth_user_id" not in client.session

    def test_unknown_account_looks_the_same(self, client, user):
        for _ in range(5):
            unknown = login(client, username="nobody-here", password="wrong")
        for _ in range(5):
            known = login(client, password="wrong")
        assert unknown.status_code == known.status_code == 429
        assert unknown.content == known.content

    def test_other_addresses_and_accounts_still_sign_in(self, client, user, other_user):
        for _ in range(5):
            login(client, password="wrong")
        assert login(HttpClient(), REMOTE_ADDR="10.0.0.2").status_code == 302
        assert login(HttpClient(), username="bob").status_code == 302

    def test_forwarded_for_is_not_trusted(self, client, user):
        for n in range(5):
            response = login(client, password="wrong", HTTP_X_FORWARDED_FOR=f"10.9.9.{n}")
        assert response.status_code == 429

    def test_the_admin_sign_in_works_and_is_throttled_too(self, client, staff_user):
        ok = client.post("/admin/login/?next=/admin/", {"username": "root", "password": PASSWORD})
        assert ok.status_code == 302 and ok["Location"] == "/admin/"
        client.logout()
        for _ in range(5):
            refused = client.post("/admin/login/", {"username": "root", "password": "wrong"})
        assert refused.status_code == 429


class TestConnectedApps:
    def test_requires_sign_in_and_is_the_home_page(self, client, user):
        assert client.get("/accounts/apps/")["Location"].startswith("/accounts/login/?next=/accounts/apps/")
        assert client.get("/")["Location"] == "/accounts/apps/"

    def test_lists_allowed_clients_with_scopes_and_times(self, client, user, web_client, api):
        ClientProfile.objects.create(client_id=web_client.client_id, homepage="https://web.example/", vetted=True)
        other = make_client("authorization-code", name="Never used app")
        Consent.objects.create(user=user, client_id=other.client_id, scopes=["email"])
        code_flow_token(client, user, web_client, scope="read write")
        page = client.get("/accounts/apps/")
        assert [app.name for app in page.context["apps"]] == ["Web app", "Never used app"]
        web, never = page.context["apps"]
        assert web.scopes == [("read", "Read your data"), ("write", "Change your data")]
        assert web.last_used_at is not None and never.last_used_at is None
        assert b"https://web.example/" in page.content
        assert b"Not vetted" in page.content  # the second app only
        assert page.content.count(b"Not vetted") == 1

    def test_disconnect_revokes_everything_at_once(self, client, user, web_client, api):
        first = code_flow_token(client, user, web_client)
        second = code_flow_token(client, user, web_client, prompt="consent")
        other = make_client("authorization-code", name="Other")
        kept = code_flow_token(client, user, other)
        assert api(first["access_token"]).status_code == 200

        response = client.post("/accounts/apps/disconnect/", {"client_id": web_client.client_id})
        assert response.status_code == 303
        assert response["Location"] == "/accounts/apps/"
        for tokens in (first, second):
            assert api(tokens["access_token"]).status_code == 401
            assert refresh(client, web_client, tokens["refresh_token"]).status_code == 400
        assert not Consent.objects.filter(user=user, client_id=web_client.client_id).exists()
        assert not get_access_token_model().objects.filter(application=web_client.app).exists()
        assert not get_refresh_token_model().objects.filter(application=web_client.app, revoked__isnull=True).exists()
        assert api(kept["access_token"]).status_code == 200
        assert b"Disconnected" in client.get("/accounts/apps/").content

    def test_disconnect_is_post_only_and_touches_only_own_consent(self, client, user, other_user, web_client):
        Consent.objects.create(user=other_user, client_id=web_client.client_id, scopes=["read"])
        client.force_login(user)
        assert client.get("/accounts/apps/disconnect/").status_code == 405
        client.post("/accounts/apps/disconnect/", {"client_id": web_client.client_id})
        assert Consent.objects.filter(user=other_user).exists()

    def test_a_code_issued_before_disconnect_is_dead(self, client, user, web_client):
        redirect = authorize(client, user, web_client, challenge="E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")
        assert redirect.status_code == 302
        client.post("/accounts/apps/disconnect/", {"client_id": web_client.client_id})
        assert not get_grant_model().objects.filter(user=user).exists()
