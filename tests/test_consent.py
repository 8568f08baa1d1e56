"""The consent page behind /o/authorize/: what it shows, what it remembers, what it
refuses (Django test client)."""

from __future__ import annotations

import time
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.test import Client as HttpClient

from oauth_jwt.models import ClientProfile, Consent
from oauth_jwt.server.forms import MAX_AGE
from tests.conftest import REDIRECT_URI, authorize, make_client, pkce_pair, redirect_params

pytestmark = pytest.mark.django_db
ISSUER = "http://127.0.0.1:8000"


def query(c, scope="read", **extra) -> dict:
    _, challenge = pkce_pair()
    return {
        "response_type": "code",
        "client_id": c.client_id,
        "redirect_uri": REDIRECT_URI,
        "scope": scope,
        "state": "st4te",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        **extra,
    }


def shown_form(client, c, **extra) -> dict:
    page = client.get("/o/authorize/", query(c, **extra))
    assert page.status_code == 200, page.content
    return {k: v for k, v in page.context["form"].initial.items() if v is not None}


class TestPage:
    def test_shows_client_account_scopes_and_buttons(self, client, user, web_client):
        ClientProfile.objects.create(
            client_id=web_client.client_id,
            homepage="https://web.example/",
            logo_uri="https://web.example/logo.png",
            vetted=True,
        )
        client.force_login(user)
        page = client.get("/o/authorize/", query(web_client, scope="read email"))
        html = page.content.decode()
        assert "Web app wants to use your account" in html
        assert 'href="https://web.example/"' in html and 'src="https://web.example/logo.png"' in html
        assert "Not vetted" not in html
        assert "<strong>alice</strong>" in html
        assert "Read your data" in html and "See your email address" in html
        assert 'name="allow"' in html and ">Deny<" in html
        assert REDIRECT_URI in html

    def test_unvetted_and_unregistered_clients_are_marked(self, client, user, web_client):
        client.force_login(user)
        assert b"Not vetted" in client.get("/o/authorize/", query(web_client)).content
        ClientProfile.objects.create(client_id=web_client.client_id, vetted=False)
        assert b"Not vetted" in client.get("/o/authorize/", query(web_client)).content

    def test_switch_account_returns_to_the_same_request(self, client, user, web_client):
        client.force_login(user)
        page = client.get("/o/authorize/", query(web_client))
        switch = page.context["request"].get_full_path()
        out = client.post("/accounts/logout/", {"next": f"/accounts/login/?next={switch}"})
        assert out.status_code == 302
        assert out["Location"].startswith("/accounts/login/?next=/o/authorize/")
        assert "_auth_user_id" not in client.session


class TestDecisions:
    def test_deny_returns_access_denied_with_state_and_iss(self, client, user, web_client):
        client.force_login(user)
        response = client.post("/o/authorize/", shown_form(client, web_client))
        params = redirect_params(response)
        assert params == {"error": "access_denied", "state": "st4te", "iss": ISSUER}
        assert not Consent.objects.exists()

    def test_allow_returns_code_state_and_iss_and_remembers(self, client, user, web_client):
        response = authorize(client, user, web_client, scope="read write", challenge=pkce_pair()[1])
        assert response["Location"].count("iss=") == 1
        params = redirect_params(response)
        assert set(params) == {"code", "state", "iss"} and params["iss"] == ISSUER
        assert Consent.objects.get(user=user, client_id=web_client.client_id).scopes == ["read", "write"]

    def test_same_or_fewer_scopes_go_straight_back(self, client, user, web_client):
        authorize(client, user, web_client, scope="read write", challenge=pkce_pair()[1])
        for scope in ("read write", "read"):
            response = client.get("/o/authorize/", query(web_client, scope=scope))
            assert response.status_code == 302
            assert "code" in redirect_params(response)

    def test_more_scopes_prompt_again_and_grow_the_set(self, client, user, web_client):
        authorize(client, user, web_client, scope="read", challenge=pkce_pair()[1])
        page = client.get("/o/authorize/", query(web_client, scope="read email"))
        assert page.status_code == 200
        client.post("/o/authorize/", {**shown_form(client, web_client, scope="read email"), "allow": "true"})
        assert Consent.objects.get(user=user).scopes == ["email", "read"]

    def test_prompt_consent_always_prompts(self, client, user, web_client):
        authorize(client, user, web_client, challenge=pkce_pair()[1])
        assert client.get("/o/authorize/", query(web_client, prompt="consent")).status_code == 200
        assert (
            client.get("/o/authorize/", query(web_client, prompt="consent", approval_prompt="auto")).status_code == 200
        )

    def test_prompt_none_without_consent_is_consent_required(self, client, user, web_client):
        client.force_login(user)
        params = redirect_params(client.get("/o/authorize/", query(web_client, scope="openid", prompt="none")))
        assert params["error"] == "consent_required" and params["iss"] == ISSUER

    def test_consent_is_per_person_and_client(self, client, user, other_user, web_client):
        authorize(client, user, web_client, challenge=pkce_pair()[1])
        other = make_client("authorization-code", name="Other")
        assert client.get("/o/authorize/", query(other)).status_code == 200
        client.force_login(other_user)
        assert client.get("/o/authorize/", query(web_client)).status_code == 200


class TestRefused:
    @pytest.mark.parametrize("signed_in", [True, False])
    def test_unknown_client_is_a_400_page(self, client, user, signed_in):
        if signed_in:
            client.force_login(user)
        page = client.get("/o/authorize/", {"response_type": "code", "client_id": "nope", "redirect_uri": REDIRECT_URI})
        assert page.status_code == 400
        assert b"not registered with this service" in page.content
        assert "Location" not in page

    @pytest.mark.parametrize(
        "uri",
        [REDIRECT_URI + "/", REDIRECT_URI + "?x=1", "http://127.0.0.1:8765/callback2", "https://evil.example/callback"],
    )
    def test_unregistered_redirect_uri_is_a_400_page(self, client, user, web_client, uri):
        client.force_login(user)
        page = client.get("/o/authorize/", query(web_client, redirect_uri=uri))
        assert page.status_code == 400
        assert b"address that is not registered" in page.content
        assert "Location" not in page

    @pytest.mark.parametrize(
        "field, value",
        [
            ("scope", "read write"),
            ("redirect_uri", "http://127.0.0.1:8765/other"),
            ("state", "forged"),
            ("code_challenge", "A" * 43),
            ("resource", "https://other.example/"),
            ("binding", "garbage"),
        ],
    )
    def test_altered_fields_are_refused(self, client, user, web_client, field, value):
        web_client.app.redirect_uris += " http://127.0.0.1:8765/other"
        web_client.app.save()
        client.force_login(user)
        data = {**shown_form(client, web_client), field: value, "allow": "true"}
        page = client.post("/o/authorize/", data)
        assert page.status_code == 400
        assert b"changed after it was shown" in page.content
        assert not Consent.objects.exists()

    def test_a_form_shown_to_someone_else_is_refused(self, client, user, other_user, web_client):
        client.force_login(other_user)
        data = shown_form(client, web_client)
        client.force_login(user)
        assert client.post("/o/authorize/", {**data, "allow": "true"}).status_code == 400

    def test_an_old_form_is_refused_when_it_was_also_altered(self, client, user, web_client, monkeypatch):
        client.force_login(user)
        data = {**shown_form(client, web_client), "scope": "read write", "allow": "true"}
        later = time.time() + MAX_AGE + 60
        monkeypatch.setattr("django.core.signing.time.time", lambda: later)
        page = client.post("/o/authorize/", data)
        assert page.status_code == 400
        assert not Consent.objects.exists()


class TestStaleForms:
    """A form that can no longer be accepted leads back to a fresh consent page for the
    same request, never to a dead end, and never allows anything by itself."""

    def assert_fresh_page(self, client, response, web_client, scope="read"):
        assert response.status_code == 303
        location = urlsplit(response["Location"])
        assert location.path == "/o/authorize/"
        sent = dict(parse_qsl(location.query))
        assert sent["client_id"] == web_client.client_id and sent["scope"] == scope
        assert sent["state"] == "st4te" and sent["prompt"] == "consent"
        page = client.get(response["Location"])
        assert page.status_code == 200 and page.templates[0].name == "oauth_jwt/consent.html"
        assert b"open too long" in page.content
        assert not Consent.objects.exists()
        return page

    def test_an_expired_form_shows_the_request_again(self, client, user, web_client, monkeypatch):
        client.force_login(user)
        data = {**shown_form(client, web_client), "allow": "true"}
        later = time.time() + MAX_AGE + 60
        monkeypatch.setattr("django.core.signing.time.time", lambda: later)
        page = self.assert_fresh_page(client, client.post("/o/authorize/", data), web_client)
        again = {k: v for k, v in page.context["form"].initial.items() if v is not None}
        allowed = client.post("/o/authorize/", {**again, "allow": "true"})
        assert allowed.status_code == 302 and "code" in redirect_params(allowed)

    def test_an_expired_deny_is_not_turned_into_a_remembered_allow(self, client, user, web_client, monkeypatch):
        client.force_login(user)
        data = shown_form(client, web_client)  # no "allow": Deny
        Consent.objects.create(user=user, client_id=web_client.client_id, scopes=["read"])
        later = time.time() + MAX_AGE + 60
        monkeypatch.setattr("django.core.signing.time.time", lambda: later)
        response = client.post("/o/authorize/", data)
        assert response.status_code == 303 and "prompt=consent" in response["Location"]
        assert client.get(response["Location"]).status_code == 200  # the page, not a code

    def test_a_csrf_failure_on_the_consent_form_shows_the_request_again(self, user, web_client):
        browser = HttpClient(enforce_csrf_checks=True)
        browser.force_login(user)
        data = shown_form(browser, web_client)
        browser.cookies.pop("csrftoken", None)  # the token went with an old session
        response = browser.post("/o/authorize/", {**data, "allow": "true"})
        assert response.status_code == 303
        self.assert_fresh_page(browser, response, web_client)

    def test_other_csrf_failures_keep_their_page(self, user):
        page = HttpClient(enforce_csrf_checks=True).post("/accounts/login/", {"username": "alice", "password": "x"})
        assert page.status_code == 403

    def test_a_form_sent_after_signing_out_comes_back_after_signing_in(self, client, user, web_client):
        client.force_login(user)
        data = {**shown_form(client, web_client), "allow": "true"}
        client.logout()
        response = client.post("/o/authorize/", data)
        assert response.status_code == 303
        login = client.get(response["Location"])
        assert login.status_code == 302 and login["Location"].startswith("/accounts/login/")
        client.force_login(user)
        self.assert_fresh_page(client, response, web_client)


def test_allowing_a_client_deleted_meanwhile_gets_the_error_page(client, user, web_client):
    from .conftest import authorize_query

    client.force_login(user)
    page = client.get("/o/authorize/", authorize_query(web_client))
    data = {k: v for k, v in page.context["form"].initial.items() if v is not None}
    web_client.app.delete()
    response = client.post("/o/authorize/", {**data, "allow": "true"})
    assert response.status_code == 400
    assert "Location" not in response
    assert response.templates[0].name == "oauth_jwt/authorize_error.html"
