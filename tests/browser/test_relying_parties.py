"""Real relying parties against the live hub (issue 16): openid-client, the certified
OpenID Connect RP library from npm (run with Node: ``openid_client_rp.mjs``), and
Authlib's OpenID Connect client from Python. Each finds the hub by discovery, runs the
code flow with PKCE and a nonce while Chromium signs in and consents on the hub's real
pages, validates the ID token with the library's own checks, reads the released claims
at userinfo, makes the hub ask for a fresh sign-in with ``max_age=0`` (``auth_time``
checked by the library), and signs the person out through the ``end_session_endpoint``.

The hub's issuer is the live server's URL for these tests: both libraries require
discovery's ``issuer`` to be the URL they were pointed at."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.contrib.sessions.models import Session
from django.test import RequestFactory
from playwright.sync_api import expect

from oauth_jwt.server.authtime import SESSION_KEY
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HERE = Path(__file__).resolve().parent
OPENID_CLIENT = HERE / "node_modules" / "openid-client"
SCOPE = "openid profile email"
RELEASED = {
    "name": "Alice Liddell",
    "given_name": "Alice",
    "family_name": "Liddell",
    "preferred_username": "alice",
    "email": "alice@example.com",
    "email_verified": False,
}


@pytest.fixture
def issuer(live_server, oauth_jwt_settings, provider) -> str:
    oauth_jwt_settings(ISSUER=live_server.url)
    provider(OIDC_ISS_ENDPOINT=live_server.url)
    return live_server.url


@pytest.fixture
def alice(user):
    user.first_name, user.last_name = "Alice", "Liddell"
    user.save()
    return user


@pytest.fixture
def rp_client(spa_client, callback):
    """The public client, with where it sends the person after signing out."""
    spa_client.app.post_logout_redirect_uris = callback.redirect_uri + "/signed-out"
    spa_client.app.save()
    return spa_client


def callback_url(callback) -> str:
    """The full URL the browser was sent back to, as the relying party sees it."""
    path, _ = callback.server.seen[-1]
    return f"http://127.0.0.1:{callback.server.server_port}{path}"


def age_the_sign_in(seconds: int) -> int:
    """Move the one session's recorded sign-in ``seconds`` into the past; return it."""
    (session,) = Session.objects.all()
    data = session.get_decoded()
    data[SESSION_KEY] -= seconds
    session.session_data = Session.objects.encode(data)
    session.save()
    return data[SESSION_KEY]


def assert_signed_out(page) -> None:
    page.goto("/accounts/apps/")
    expect(page.get_by_label("Username")).to_be_visible()


# --- openid-client (Node) -------------------------------------------------------------------------


class OpenIDClient:
    """Runs one step of ``openid_client_rp.mjs``."""

    def __init__(self, issuer: str, client_id: str) -> None:
        self.base = {"issuer": issuer, "client_id": client_id}

    def __call__(self, step: str, **data) -> dict:
        done = subprocess.run(
            [shutil.which("node") or "node", str(HERE / "openid_client_rp.mjs"), step],
            input=json.dumps({**self.base, **data}),
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert done.returncode == 0, f"openid-client {step} failed:\n{done.stderr}"
        return json.loads(done.stdout)


def checks_of(started: dict) -> dict:
    """What the relying party kept from ``start`` to check the response with."""
    return {name: started[name] for name in ("verifier", "nonce", "state")}


@pytest.fixture
def openid_client(issuer, rp_client) -> OpenIDClient:
    if shutil.which("node") is None:
        pytest.fail("the relying-party tests need Node.js (node) to run openid-client")
    if not OPENID_CLIENT.exists():
        pytest.fail(f"{OPENID_CLIENT} is missing: run bin/test (it installs the npm packages with npm ci)")
    return OpenIDClient(issuer, rp_client.client_id)


def test_openid_client(page, issuer, alice, rp_client, callback, openid_client):
    # Discovery, and the code flow with PKCE, a nonce and max_age: sign in, consent.
    started = openid_client("start", redirect_uri=callback.redirect_uri, scope=SCOPE, max_age=300)
    assert started["metadata"]["issuer"] == issuer
    page.goto(started["url"])
    sign_in(page)
    page.get_by_role("button", name="Allow").click()
    callback.wait(page)
    first = openid_client("finish", callback_url=callback_url(callback), **checks_of(started), max_age=300)
    signed_in = Session.objects.get().get_decoded()[SESSION_KEY]
    claims = first["claims"]
    assert claims["iss"] == issuer and claims["aud"] == rp_client.client_id
    assert claims["sub"] == str(alice.pk) and claims["nonce"] == started["nonce"]
    assert claims["auth_time"] == signed_in
    assert first["userinfo"] == {"sub": str(alice.pk), **RELEASED}

    # A silent sign-in (prompt=none) with the ID token as id_token_hint: no page at all.
    started = openid_client(
        "start", redirect_uri=callback.redirect_uri, scope=SCOPE, prompt="none", id_token_hint=first["id_token"]
    )
    page.goto(started["url"])
    callback.wait(page)
    silent = openid_client("finish", callback_url=callback_url(callback), **checks_of(started))
    assert silent["claims"]["sub"] == claims["sub"] and silent["claims"]["auth_time"] == signed_in

    # A refresh: the library checks the new ID token against the first (OIDC Core §12.2).
    refreshed = openid_client("refresh", refresh_token=silent["refresh_token"])
    assert refreshed["claims"]["sub"] == claims["sub"] and refreshed["claims"]["auth_time"] == signed_in

    # max_age=0: signed in, consent remembered, and still the sign-in page comes first.
    earlier = age_the_sign_in(600)
    started = openid_client("start", redirect_uri=callback.redirect_uri, scope=SCOPE, max_age=0)
    page.goto(started["url"])
    expect(page.get_by_label("Password")).to_be_visible()
    sign_in(page)
    callback.wait(page)
    again = openid_client("finish", callback_url=callback_url(callback), **checks_of(started), max_age=0)
    assert again["claims"]["auth_time"] >= earlier + 600
    assert again["claims"]["auth_time"] == Session.objects.get().get_decoded()[SESSION_KEY]

    # RP-initiated logout: the end-session URL the library builds, followed.
    signed_out = rp_client.app.post_logout_redirect_uris
    logout = openid_client("logout", id_token=again["id_token"], post_logout_redirect_uri=signed_out, state="bye-1")
    assert logout["url"].startswith(f"{issuer}/o/logout/?")
    page.goto(logout["url"])
    page.wait_for_url(signed_out + "?state=bye-1")
    assert_signed_out(page)


def test_openid_client_silent_sign_in_for_someone_else(
    page, issuer, alice, other_user, rp_client, callback, openid_client
):
    """prompt=none with alice's ID token as the hint while bob is signed in: the library
    receives login_required, not a code for bob."""
    started = openid_client("start", redirect_uri=callback.redirect_uri, scope="openid")
    page.goto(started["url"])
    sign_in(page)
    page.get_by_role("button", name="Allow").click()
    callback.wait(page)
    hint = openid_client("finish", callback_url=callback_url(callback), **checks_of(started))["id_token"]

    page.context.clear_cookies()
    started = openid_client("start", redirect_uri=callback.redirect_uri, scope="openid")
    page.goto(started["url"])
    sign_in(page, username="bob")
    page.get_by_role("button", name="Allow").click()
    callback.wait(page)

    started = openid_client(
        "start", redirect_uri=callback.redirect_uri, scope="openid", prompt="none", id_token_hint=hint
    )
    page.goto(started["url"])
    callback.wait(page)
    assert openid_client("finish", callback_url=callback_url(callback), **checks_of(started)) == {
        "error": "login_required"
    }


# --- Authlib (Python) -----------------------------------------------------------------------------


class AuthlibRP:
    """Authlib's Django client as a relying party project would register it; the RP's
    own session is a dict carried from one of its requests to the next."""

    def __init__(self, issuer: str, client_id: str) -> None:
        from authlib.integrations.django_client import OAuth

        self.hub = OAuth().register(
            "hub",
            client_id=client_id,
            server_metadata_url=f"{issuer}/.well-known/openid-configuration",
            client_kwargs={"scope": SCOPE, "code_challenge_method": "S256", "token_endpoint_auth_method": "none"},
        )
        self.session: dict = {}

    def request(self, url: str = "/"):
        request = RequestFactory().get(url)
        request.session = self.session
        return request

    def sign_in_url(self, redirect_uri: str, **params) -> str:
        return self.hub.authorize_redirect(self.request(), redirect_uri, **params)["Location"]

    def callback(self, callback) -> dict:
        """``authorize_access_token``: state, the code for tokens with the PKCE verifier,
        and the ID token validated (``CodeIDToken``: signature against the JWK set, iss,
        aud, exp, iat, nonce, at_hash)."""
        path, _ = callback.server.seen[-1]
        return self.hub.authorize_access_token(self.request(path))


def test_authlib(page, issuer, alice, rp_client, callback):
    rp = AuthlibRP(issuer, rp_client.client_id)
    url = rp.sign_in_url(callback.redirect_uri, max_age=300)
    assert url.startswith(f"{issuer}/o/authorize/?") and "code_challenge=" in url and "nonce=" in url
    page.goto(url)
    sign_in(page)
    page.get_by_role("button", name="Allow").click()
    callback.wait(page)
    token = rp.callback(callback)
    claims = token["userinfo"]  # Authlib's name for the validated ID token claims
    assert claims["iss"] == issuer and claims["aud"] == rp_client.client_id and claims["sub"] == str(alice.pk)
    # Authlib checks that auth_time is a number, not how old it is: the test does.
    assert claims["auth_time"] == Session.objects.get().get_decoded()[SESSION_KEY]
    assert dict(rp.hub.userinfo(token=token)) == {"sub": str(alice.pk), **RELEASED}

    earlier = age_the_sign_in(600)
    page.goto(rp.sign_in_url(callback.redirect_uri, max_age=0))
    expect(page.get_by_label("Password")).to_be_visible()
    sign_in(page)
    callback.wait(page)
    token = rp.callback(callback)
    assert token["userinfo"]["auth_time"] >= earlier + 600
    assert token["userinfo"]["auth_time"] == Session.objects.get().get_decoded()[SESSION_KEY]

    signed_out = rp_client.app.post_logout_redirect_uris
    bye = rp.hub.logout_redirect(rp.request(), post_logout_redirect_uri=signed_out, id_token_hint=token["id_token"])
    page.goto(bye["Location"])
    page.wait_for_url(signed_out + "?state=*")
    (returned,) = [path for path, _ in callback.server.seen if path.startswith("/callback/signed-out")]
    assert rp.hub.validate_logout_response(rp.request(returned)) == {"post_logout_redirect_uri": signed_out}
    assert_signed_out(page)
