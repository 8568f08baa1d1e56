"""OIDC RP-initiated logout (RP-Initiated Logout 1.0), on by default: the
``id_token_hint`` is checked against the hub's signing keys (the ones that signed it),
``post_logout_redirect_uri`` must be registered exactly, ``state`` comes back, the
person is asked when the spec says so, and nothing answers 500 or redirects off-list
(tampered hints: ``tests/security/test_fuzz_endpoints.py``)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from oauth2_provider.models import get_access_token_model, get_refresh_token_model

from oauth_jwt.server import logout_delivery, sessions, signing_keys

from .conftest import client_credentials_token, code_flow_token, make_client

pytestmark = pytest.mark.django_db
LOGGED_OUT = "http://127.0.0.1:8765/logged-out"
OTHER_LOGGED_OUT = "https://rp.example/bye?from=hub"


@pytest.fixture
def id_token(client, user, web_client):
    web_client.app.post_logout_redirect_uris = f"{LOGGED_OUT} {OTHER_LOGGED_OUT}"
    web_client.app.save()
    return code_flow_token(client, user, web_client, scope="openid read", nonce="n-0S6")["id_token"]


def logout(client, **params):
    return client.get("/o/logout/", params)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def resign(token: str, **changes) -> str:
    """``token`` with its claims changed, signed again with the hub's own key."""
    claims = {**jwt.decode(token, options={"verify_signature": False}), **changes}
    key = signing_keys.signing_key()
    return jwt.encode(claims, key.key, algorithm=key.algorithm, headers={**jwt.get_unverified_header(token)})


def assert_refused(response, words: str) -> None:
    assert response.status_code == 400, response.content
    assert "Location" not in response
    assert words in response.content.decode()
    assert response["X-Frame-Options"] == "DENY"


# --- discovery ---------------------------------------------------------------------------------


def test_discovery_advertises_the_end_session_endpoint_on_the_issuer(client):
    data = client.get("/.well-known/openid-configuration").json()
    assert data["end_session_endpoint"] == "http://127.0.0.1:8000/o/logout/"


# --- a hint from this session: signed out at once ------------------------------------------------


def test_a_hint_signed_by_the_hub_logs_the_person_out(client, user, web_client, id_token):
    response = logout(client, id_token_hint=id_token, post_logout_redirect_uri=LOGGED_OUT)
    assert response.status_code == 302, response.content
    assert response["Location"] == LOGGED_OUT
    assert not signed_in(client)
    assert not get_access_token_model().objects.filter(user=user).exists()
    assert not get_refresh_token_model().objects.filter(user=user, revoked__isnull=True).exists()


def test_state_comes_back_and_a_registered_query_stays(client, id_token):
    response = logout(client, id_token_hint=id_token, post_logout_redirect_uri=OTHER_LOGGED_OUT, state="a b&c")
    assert response.status_code == 302
    parts = urlsplit(response["Location"])
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == "https://rp.example/bye"
    assert parse_qs(parts.query) == {"from": ["hub"], "state": ["a b&c"]}


def test_client_id_may_name_the_client_too(client, web_client, id_token):
    response = logout(
        client, id_token_hint=id_token, client_id=web_client.client_id, post_logout_redirect_uri=LOGGED_OUT
    )
    assert response.status_code == 302 and response["Location"] == LOGGED_OUT


def test_without_a_redirect_the_hub_says_you_are_signed_out(client, id_token):
    response = logout(client, id_token_hint=id_token)
    assert response.status_code == 200
    assert "You are signed out" in response.content.decode()
    assert not signed_in(client)


def expired(token: str) -> str:
    claims = jwt.decode(token, options={"verify_signature": False})
    return resign(token, iat=claims["iat"] - 7200, exp=claims["exp"] - 7200)


def test_an_expired_hint_still_signs_out(client, id_token):
    response = logout(client, id_token_hint=expired(id_token), post_logout_redirect_uri=LOGGED_OUT)
    assert response.status_code == 302 and not signed_in(client)


def test_an_expired_hint_is_refused_where_the_project_says_so(client, id_token, provider):
    provider(OIDC_RP_INITIATED_LOGOUT_ACCEPT_EXPIRED_TOKENS=False)
    assert_refused(logout(client, id_token_hint=expired(id_token)), "did not issue")
    assert signed_in(client)


def test_only_the_sessions_tokens_are_revoked(client, user, web_client, service_client, id_token):
    """Tokens from another sign-in (here: another browser) and clients' own tokens stay."""
    other_browser = type(client)()
    elsewhere = code_flow_token(other_browser, user, web_client, scope="read", prompt="consent")
    service = client_credentials_token(client, service_client)
    logout(client, id_token_hint=id_token)
    live = {row.token_checksum for row in get_access_token_model().objects.all()}
    assert len(live) == 2
    assert get_refresh_token_model().objects.filter(revoked__isnull=True).count() == 1
    assert elsewhere["access_token"] and service["access_token"]
    assert signed_in(other_browser)


# --- the confirmation page -----------------------------------------------------------------------


def test_without_a_hint_the_person_is_asked(client, user, web_client, id_token):
    page = logout(client, client_id=web_client.client_id, post_logout_redirect_uri=LOGGED_OUT, state="s1")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Web app asks to sign you out" in html and "alice" in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert page["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in page["Content-Security-Policy"]
    assert "form-action 'self' http://127.0.0.1:8765" in page["Content-Security-Policy"]
    assert page.templates[0].name == "oauth_jwt/logout_confirm.html"
    assert "oauth_jwt/base.html" in [t.name for t in page.templates]
    assert signed_in(client)
    form = page.context["form"]
    data = {k: v for k, v in form.initial.items() if v}
    answer = client.post("/o/logout/", {**data, "allow": "true"})
    assert answer.status_code == 302 and answer["Location"] == f"{LOGGED_OUT}?state=s1"
    assert not signed_in(client)


def test_staying_signed_in(client, web_client, id_token):
    page = logout(client, client_id=web_client.client_id)
    data = {k: v for k, v in page.context["form"].initial.items() if v}
    answer = client.post("/o/logout/", data)
    assert answer.status_code == 303 and answer["Location"] == "/accounts/apps/"
    assert signed_in(client)


def test_a_post_without_the_csrf_token_is_a_request_not_a_confirmation(user, web_client, id_token):
    """Clients may send their request by POST; only the hub's own form confirms."""
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    data = {"client_id": web_client.client_id, "post_logout_redirect_uri": LOGGED_OUT, "allow": "true"}
    page = browser.post("/o/logout/", data)
    assert page.status_code == 200 and "_auth_user_id" in browser.session
    assert page.context["form"].initial["post_logout_redirect_uri"] == LOGGED_OUT
    token = page.context["csrf_token"]
    answer = browser.post("/o/logout/", {**data, "csrfmiddlewaretoken": str(token)})
    assert answer.status_code == 302 and answer["Location"] == LOGGED_OUT
    assert "_auth_user_id" not in browser.session


def test_a_client_may_post_its_request(client, id_token):
    response = client.post(
        "/o/logout/", {"id_token_hint": id_token, "post_logout_redirect_uri": LOGGED_OUT, "state": "p"}
    )
    assert response.status_code == 302 and response["Location"] == f"{LOGGED_OUT}?state=p"
    assert not signed_in(client)


def test_a_hint_from_an_earlier_session_asks_first(client, user, id_token):
    client.logout()
    client.force_login(user)
    page = logout(client, id_token_hint=id_token, post_logout_redirect_uri=LOGGED_OUT)
    assert page.status_code == 200 and signed_in(client)
    assert "another account" not in page.content.decode()


def test_a_hint_for_someone_else_asks_first_and_says_so(client, other_user, id_token):
    client.logout()
    client.force_login(other_user)
    page = logout(client, id_token_hint=id_token)
    assert page.status_code == 200 and signed_in(client)
    html = page.content.decode()
    assert "an account other than yours" in html and "alice" not in html


def test_nobody_signed_in_goes_straight_back_and_nothing_is_revoked(client, user, id_token):
    client.logout()
    before = get_access_token_model().objects.count()
    response = logout(client, id_token_hint=id_token, post_logout_redirect_uri=LOGGED_OUT, state="x")
    assert response.status_code == 302 and response["Location"] == f"{LOGGED_OUT}?state=x"
    assert get_access_token_model().objects.count() == before == 1


# --- refusals: a page, never a redirect, never a 500 -----------------------------------------------


def test_a_hint_signed_by_another_key_is_refused(client, user, web_client, id_token):
    claims = jwt.decode(id_token, options={"verify_signature": False})
    header = jwt.get_unverified_header(id_token)
    forged = jwt.encode(claims, rsa.generate_private_key(65537, 2048), algorithm="RS256", headers=header)
    assert_refused(logout(client, id_token_hint=forged, post_logout_redirect_uri=LOGGED_OUT), "did not issue")
    assert signed_in(client)


def test_a_hint_from_another_issuer_is_refused(client, id_token):
    forged = resign(id_token, iss="https://evil.example")
    assert_refused(logout(client, id_token_hint=forged, post_logout_redirect_uri=LOGGED_OUT), "did not issue")
    assert signed_in(client)


def test_a_hint_that_is_not_an_id_token_is_refused(client, user, web_client, id_token):
    access_token = code_flow_token(client, user, web_client, scope="openid", prompt="consent")["access_token"]
    logout_token = logout_delivery.logout_token(web_client.client_id, str(user.pk), "sid")
    for token in (access_token, logout_token):
        assert_refused(logout(client, id_token_hint=token), "did not issue")
    assert signed_in(client)


@pytest.mark.parametrize("hint", ["not-a-jwt", "a.b.c", "eyJhbGciOiJub25lIn0.e30.", "x" * 10_000])
def test_a_malformed_hint_is_refused(client, user, web_client, id_token, hint):
    assert_refused(logout(client, id_token_hint=hint, post_logout_redirect_uri=LOGGED_OUT), "did not issue")


@pytest.mark.parametrize(
    "uri",
    [
        "https://evil.example/",
        LOGGED_OUT + "/",
        LOGGED_OUT + "?x=1",
        LOGGED_OUT.upper(),
        "http://127.0.0.1:8765/logged-out#frag",
        "https://rp.example/bye",
        "//evil.example/",
        "javascript:alert(1)",
    ],
)
def test_only_a_registered_post_logout_redirect_uri_is_followed(client, web_client, id_token, uri):
    assert_refused(logout(client, id_token_hint=id_token, post_logout_redirect_uri=uri), "not registered")
    assert signed_in(client)


def test_a_registered_plain_http_uri_off_loopback_is_refused(client, web_client, id_token):
    web_client.app.post_logout_redirect_uris = "http://rp.example/bye"
    web_client.app.save()
    response = logout(client, id_token_hint=id_token, post_logout_redirect_uri="http://rp.example/bye")
    assert_refused(response, "not registered")


def test_a_redirect_without_a_client_is_refused(client, id_token):
    assert_refused(logout(client, post_logout_redirect_uri=LOGGED_OUT), "not registered with this service")


def test_an_unknown_client_is_refused(client, id_token):
    assert_refused(logout(client, client_id="no-such-app"), "not registered with this service")


def test_a_client_id_that_is_not_the_hints_is_refused(client, id_token):
    other = make_client("authorization-code", name="Other")
    other.app.post_logout_redirect_uris = LOGGED_OUT
    other.app.save()
    response = logout(client, id_token_hint=id_token, client_id=other.client_id, post_logout_redirect_uri=LOGGED_OUT)
    assert_refused(response, "issued to another")
    assert signed_in(client)


def test_a_repeated_parameter_is_refused(client, id_token):
    response = client.get(f"/o/logout/?post_logout_redirect_uri={LOGGED_OUT}&post_logout_redirect_uri=https://x/")
    assert_refused(response, "not valid")


def test_the_sid_is_kept_in_the_session(client, id_token):
    claims = jwt.decode(id_token, options={"verify_signature": False})
    assert claims["sid"] == client.session[sessions.SESSION_KEY]
