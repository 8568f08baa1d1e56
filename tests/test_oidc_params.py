"""The OpenID Connect parameters of an authorization request (issue 16): ``prompt``,
``max_age``, ``login_hint``, ``id_token_hint``, ``ui_locales``, ``acr_values``,
``request`` / ``request_uri`` and ``claims``; bad values get the right error on the redirect URI,
never a 500. Over HTTP with Django's test client."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from oauth_jwt.server import logout_delivery
from oauth_jwt.server.authtime import SESSION_KEY
from tests.conftest import (
    PASSWORD,
    REDIRECT_URI,
    approve,
    authorize_query,
    code_flow_token,
    pkce_pair,
    redeem,
    redirect_params,
    verify_independently,
)
from tests.test_rp_logout import expired, resign

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"


def ask(client, c, **params):
    return client.get("/o/authorize/", authorize_query(c, scope="openid", **params))


def error_of(response) -> dict:
    params = redirect_params(response)
    assert response["Location"].startswith(REDIRECT_URI + "?"), response["Location"]
    assert "code" not in params
    return params


def sign_in_target(response) -> dict:
    """Where a redirect to the sign-in page returns to, as query parameters."""
    assert response.status_code == 302 and response["Location"].startswith(LOGIN), response.get("Location")
    nxt = dict(parse_qsl(urlsplit(response["Location"]).query))["next"]
    assert urlsplit(nxt).path == "/o/authorize/"
    return dict(parse_qsl(urlsplit(nxt).query))


def sign_in(client, username="alice", next_url="/"):
    response = client.post(LOGIN, {"username": username, "password": PASSWORD, "next": next_url})
    assert response.status_code == 302, response.content
    return response["Location"]


class TestRefused:
    @pytest.mark.parametrize(
        ("params", "error"),
        [
            ({"request": "eyJhbGciOiJub25lIn0.e30."}, "request_not_supported"),
            ({"request_uri": "urn:ietf:params:oauth:request_uri:abc"}, "request_uri_not_supported"),
            ({"max_age": "-1"}, "invalid_request"),
            ({"max_age": "abc"}, "invalid_request"),
            ({"max_age": "1.5"}, "invalid_request"),
            ({"max_age": ""}, "invalid_request"),
            ({"max_age": "9" * 5000}, "invalid_request"),
            ({"prompt": "none login"}, "invalid_request"),
            ({"prompt": "sometimes"}, "invalid_request"),
            ({"claims": "{not json"}, "invalid_request"),
            ({"claims": "[1]"}, "invalid_request"),
            ({"claims": '{"id_token": ["email"]}'}, "invalid_request"),
            ({"claims": "[" * 100_000}, "invalid_request"),
        ],
    )
    def test_on_the_redirect_uri_with_state_and_iss(self, client, user, web_client, params, error):
        client.force_login(user)
        sent = error_of(ask(client, web_client, **params))
        assert sent["error"] == error
        assert sent["state"] == "xyz" and sent["iss"] == "http://127.0.0.1:8000"

    def test_a_parameter_sent_twice(self, client, user, web_client):
        client.force_login(user)
        query = urlencode([*authorize_query(web_client, scope="openid").items(), ("max_age", "5"), ("max_age", "0")])
        sent = error_of(client.get(f"/o/authorize/?{query}"))
        assert sent["error"] == "invalid_request" and "max_age" in sent["error_description"]

    def test_with_prompt_none_and_nobody_signed_in(self, client, web_client):
        sent = error_of(ask(client, web_client, prompt="none", request_uri="urn:x"))
        assert sent["error"] == "request_uri_not_supported" and sent["state"] == "xyz"

    def test_never_on_an_unregistered_redirect_uri(self, client, user, web_client):
        client.force_login(user)
        response = ask(client, web_client, request="x", redirect_uri="https://evil.example/cb")
        assert response.status_code == 400 and "Location" not in response

    def test_a_refused_request_issues_no_code_even_when_consent_is_remembered(self, client, user, web_client):
        client.force_login(user)
        assert "code" in redirect_params(approve(client, web_client, scope="openid"))
        assert error_of(ask(client, web_client, request="x"))["error"] == "request_not_supported"


class TestAccepted:
    @pytest.mark.parametrize(
        "params",
        [
            {"acr_values": "urn:mace:incommon:iap:silver"},
            {"display": "popup"},
            {"ui_locales": "xx-YY tlh de-CH"},
            {"login_hint": "someone-else"},
            {"claims": '{"userinfo": {"email": null}, "id_token": null}'},
            {"prompt": "consent"},
        ],
    )
    def test_and_the_consent_page_shown(self, client, user, web_client, params):
        client.force_login(user)
        page = ask(client, web_client, **params)
        assert page.status_code == 200, page.get("Location")


class TestPromptLogin:
    @pytest.mark.parametrize("prompt", ["login", "select_account", "login consent"])
    def test_a_signed_in_person_signs_in_again_then_comes_back(self, client, user, web_client, clock, prompt):
        client.force_login(user)
        first = client.session[SESSION_KEY]
        clock.advance(30)
        target = sign_in_target(ask(client, web_client, prompt=prompt, nonce="n"))
        assert "prompt" not in target or target["prompt"] == "consent"
        assert target["nonce"] == "n" and target["state"] == "xyz"
        back = sign_in(client, next_url="/o/authorize/?" + urlencode(target))
        assert client.session[SESSION_KEY] >= first + 30
        assert client.get(back).status_code == 200  # the consent page, not the sign-in again

    def test_nobody_signed_in_signs_in_once(self, client, user, web_client):
        target = sign_in_target(ask(client, web_client, prompt="login"))
        assert "prompt" not in target
        back = sign_in(client, next_url="/o/authorize/?" + urlencode(target))
        assert client.get(back).status_code == 200

    def test_another_account_may_be_chosen(self, client, user, other_user, web_client):
        client.force_login(user)
        target = sign_in_target(ask(client, web_client, prompt="select_account"))
        back = sign_in(client, username="bob", next_url="/o/authorize/?" + urlencode(target))
        page = client.get(back)
        assert "<strong>bob</strong>" in page.content.decode()

    def test_repeated_resources_survive_the_sign_in(self, client, user, web_client):
        client.force_login(user)
        query = [*authorize_query(web_client).items(), ("prompt", "login")]
        query += [("resource", "https://a.example/"), ("resource", "https://b.example/")]
        response = client.get("/o/authorize/?" + urlencode(query))
        nxt = dict(parse_qsl(urlsplit(response["Location"]).query))["next"]
        assert [v for k, v in parse_qsl(urlsplit(nxt).query) if k == "resource"] == [
            "https://a.example/",
            "https://b.example/",
        ]


class TestMaxAge:
    def test_a_recent_sign_in_is_enough(self, client, user, web_client, clock):
        client.force_login(user)
        clock.advance(100)
        assert ask(client, web_client, max_age="300").status_code == 200

    def test_an_older_one_asks_again_and_auth_time_is_the_new_one(self, client, user, web_client, clock):
        client.force_login(user)
        clock.advance(100)
        verifier, challenge = pkce_pair()
        target = sign_in_target(ask(client, web_client, max_age="60", code_challenge=challenge))
        assert "max_age" not in target
        back = sign_in(client, next_url="/o/authorize/?" + urlencode(target))
        fresh = client.session[SESSION_KEY]
        page = client.get(back)
        form = {k: v for k, v in page.context["form"].initial.items() if v is not None}
        code = redirect_params(client.post("/o/authorize/", {**form, "allow": "Authorize"}))["code"]
        _, claims = verify_independently(client, redeem(client, web_client, code, verifier)["id_token"])
        assert claims["auth_time"] == fresh

    def test_zero_always_asks_and_does_not_loop(self, client, user, web_client):
        client.force_login(user)
        approve(client, web_client, scope="openid")  # consent remembered
        target = sign_in_target(ask(client, web_client, max_age="0"))
        back = sign_in(client, next_url="/o/authorize/?" + urlencode(target))
        assert "code" in redirect_params(client.get(back))

    def test_a_session_of_unknown_age_asks(self, client, user, web_client):
        client.force_login(user)
        session = client.session
        del session[SESSION_KEY]
        session.save()
        sign_in_target(ask(client, web_client, max_age="86400"))

    def test_with_prompt_none_is_login_required(self, client, user, web_client, clock):
        client.force_login(user)
        approve(client, web_client, scope="openid")
        clock.advance(100)
        sent = error_of(ask(client, web_client, max_age="60", prompt="none"))
        assert sent["error"] == "login_required" and sent["state"] == "xyz" and "iss" in sent
        assert "code" in redirect_params(ask(client, web_client, max_age="600", prompt="none"))
        assert error_of(ask(client, web_client, max_age="0", prompt="none"))["error"] == "login_required"


class TestIdTokenHint:
    """OIDC Core §3.1.2.1/§3.1.2.2: the hub checks that it issued the hint (expired is
    fine); with ``prompt=none`` it must name the person signed in."""

    @pytest.fixture
    def hint(self, client, user, web_client) -> str:
        return code_flow_token(client, user, web_client, scope="openid")["id_token"]

    def test_the_signed_in_persons_hint_gets_a_code_silently(self, client, web_client, hint):
        assert "code" in redirect_params(ask(client, web_client, prompt="none", id_token_hint=hint))

    def test_an_expired_hint_is_still_a_hint(self, client, web_client, hint):
        assert "code" in redirect_params(ask(client, web_client, prompt="none", id_token_hint=expired(hint)))

    def test_someone_elses_hint_with_prompt_none_is_login_required(self, client, other_user, web_client, hint):
        client.force_login(other_user)
        approve(client, web_client, scope="openid")  # bob allowed the client too
        sent = error_of(ask(client, web_client, prompt="none", id_token_hint=hint))
        assert sent["error"] == "login_required" and sent["state"] == "xyz" and "iss" in sent

    def test_someone_elses_hint_without_prompt_none_is_only_a_hint(self, client, other_user, web_client, hint):
        client.force_login(other_user)
        page = ask(client, web_client, id_token_hint=hint)
        assert page.status_code == 200 and "<strong>bob</strong>" in page.content.decode()

    @pytest.mark.parametrize("kind", ["malformed", "unsigned", "foreign key", "other issuer", "access token", "logout"])
    @pytest.mark.parametrize("prompt", [None, "none"])
    def test_a_hint_the_hub_did_not_issue_is_invalid_request(self, client, user, web_client, hint, kind, prompt):
        claims = jwt.decode(hint, options={"verify_signature": False})
        bad = {
            "malformed": lambda: "a.b.c",
            "unsigned": lambda: jwt.encode(claims, None, algorithm="none"),
            "foreign key": lambda: jwt.encode(
                claims, rsa.generate_private_key(65537, 2048), "RS256", headers=jwt.get_unverified_header(hint)
            ),
            "other issuer": lambda: resign(hint, iss="https://evil.example"),
            "access token": lambda: code_flow_token(client, user, web_client, scope="openid", prompt="consent")[
                "access_token"
            ],
            "logout": lambda: logout_delivery.logout_token(web_client.client_id, str(user.pk), "sid"),
        }[kind]()
        sent = error_of(ask(client, web_client, prompt=prompt, id_token_hint=bad))
        assert sent["error"] == "invalid_request" and "id_token_hint" in sent["error_description"]
        assert sent["state"] == "xyz" and "iss" in sent

    def test_a_bad_hint_with_nobody_signed_in_and_prompt_none(self, client, web_client):
        sent = error_of(ask(client, web_client, prompt="none", id_token_hint="a.b.c"))
        assert sent["error"] == "invalid_request"


class TestLoginHint:
    def next_to(self, web_client, **params) -> str:
        return "/o/authorize/?" + urlencode(authorize_query(web_client, scope="openid", **params))

    def test_fills_in_the_username(self, client, web_client):
        response = ask(client, web_client, login_hint="alice")
        page = client.get(response["Location"])
        html = page.content.decode()
        assert 'id="id_username" value="alice"' in html
        assert 'id="id_password" required autofocus' in html

    def test_is_escaped(self, client, web_client):
        page = client.get(LOGIN, {"next": self.next_to(web_client, login_hint='"><script>alert(1)</script>')})
        html = page.content.decode()
        assert "<script>alert" not in html and "&quot;&gt;&lt;script&gt;" in html

    @pytest.mark.parametrize("hint", ["x" * 151, "al\x00ice", ""])
    def test_not_a_username_is_ignored(self, client, web_client, hint):
        page = client.get(LOGIN, {"next": self.next_to(web_client, login_hint=hint)})
        assert 'id="id_username" value=""' in page.content.decode()

    def test_only_from_an_authorization_request(self, client):
        page = client.get(LOGIN, {"next": "/accounts/apps/?login_hint=alice"})
        assert 'id="id_username" value=""' in page.content.decode()


class TestDiscovery:
    def test_advertises_what_is_enforced(self, client):
        data = client.get("/.well-known/openid-configuration").json()
        assert data["prompt_values_supported"] == ["none", "login", "consent", "select_account"]
        assert data["claims_parameter_supported"] is True
        assert data["request_parameter_supported"] is False
        assert data["request_uri_parameter_supported"] is False
        assert "acr_values_supported" not in data and "display_values_supported" not in data
        oauth = client.get("/.well-known/oauth-authorization-server").json()
        assert oauth["request_parameter_supported"] is oauth["request_uri_parameter_supported"] is False


class TestSignInPagePolicy:
    """Signing in may lead straight on to the client (remembered consent, or after
    ``prompt=login``): browsers apply the sign-in page's ``form-action`` to the redirects
    after its POST, so it names the client's origin, when the redirect URI is registered."""

    def policy(self, client, web_client, **params) -> str:
        nxt = "/o/authorize/?" + urlencode(authorize_query(web_client, scope="openid", **params))
        return client.get(LOGIN, {"next": nxt})["Content-Security-Policy"]

    def test_a_registered_redirect_uri(self, client, web_client):
        assert "form-action 'self' http://127.0.0.1:8765;" in self.policy(client, web_client)

    @pytest.mark.parametrize(
        "params",
        [{"redirect_uri": "https://evil.example/cb"}, {"client_id": "nobody"}, {"redirect_uri": "javascript:x"}],
    )
    def test_nothing_else(self, client, web_client, params):
        assert "form-action 'self';" in self.policy(client, web_client, **params)
