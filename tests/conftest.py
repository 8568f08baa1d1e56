"""Shared fixtures: users, clients with known secrets, one signing key for the session,
settings changes for one test, and helpers that obtain tokens the way a client would,
over HTTP.

``OAUTH_JWT`` for one test, the way DOT's suite changes ``OAUTH2_PROVIDER``: the marker
merges keys onto the test settings' dict before the test runs (on a test, a class or a
module; the closest wins per key), and the fixture changes keys during the test::

    @pytest.mark.oauth_jwt_settings(CLIENT_AUTH_MAX_FAILURES=3)
    def test_throttled(client): ...

    def test_later(oauth_jwt_settings):
        oauth_jwt_settings(LEEWAY_SECONDS=0)     # merge keys
        oauth_jwt_settings.without("BRANDING")  # drop keys
        oauth_jwt_settings["ISSUER"]            # read one

Both go through pytest-django's ``settings`` fixture: ``setting_changed`` fires (the JWK
set and verified-token caches reset) and the test's end restores the dict. The marker
applies before the test's other fixtures, so a fixture that sets the same key (e.g.
``production`` in tests/security/test_deploy_checks.py) wins; change such a key with the
fixture in the test. Left as plain assignments: a ``OAUTH_JWT`` that is not a dict
(tests/test_settings_checks.py), a resource server's whole dict
(tests/resource_server/test_checks.py), ``point_hub_at`` (which repoints the caches and
DOT's settings with it) and ``override_settings`` blocks that check a value before and
after (tests/test_keys.py).
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import secrets
import sys
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from cryptography.hazmat.primitives import serialization
from django.core.cache import caches
from jwcrypto import jwk as jc_jwk
from jwcrypto import jwt as jc_jwt
from oauth2_provider.models import get_application_model

from oauth_jwt.server import signing_keys

from .guides import run

Application = get_application_model()
# DOT's own suite runs apart, with its harness (bin/dot-suite).
collect_ignore = ["dot_suite"]
REDIRECT_URI = "http://127.0.0.1:8765/callback"
PASSWORD = "correct horse battery staple"


REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def wheel(tmp_path_factory) -> Path:
    """oauth_jwt's wheel, built once per session from pyproject.toml (the wheel test and
    the guide tests install it into fresh virtualenvs)."""
    out = tmp_path_factory.mktemp("dist")
    run(sys.executable, "-m", "build", "--wheel", "--outdir", out, REPO)
    (built,) = out.glob("django_oauth_jwt-*.whl")
    return built


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """One RS256 signing key for the whole session (key generation is slow)."""
    with django_db_blocker.unblock():
        signing_keys.ensure_active_key()


@pytest.fixture(scope="session", autouse=True)
def _parse_each_private_key_once():
    """Each test reads the signing keys afresh (below), and parsing an RSA key checks it
    (~50 ms, most of a short test). The same PEM bytes give the same immutable key, so
    the session parses each one once; decryption still runs every time."""
    parse = functools.lru_cache(maxsize=None)(serialization.load_pem_private_key)
    patch = pytest.MonkeyPatch()
    patch.setattr(
        serialization, "load_pem_private_key", lambda data, *args, **kwargs: parse(bytes(data), *args, **kwargs)
    )
    yield
    patch.undo()


@pytest.fixture(autouse=True)
def _fresh_process_state():
    """Each test starts with empty caches and a key snapshot read from its own database."""
    signing_keys.invalidate_cache()
    for cache in caches.all():
        cache.clear()
    yield
    signing_keys.invalidate_cache()


class OAuthJWTSettings:
    """``OAUTH_JWT`` for one test, changed through pytest-django's ``settings``."""

    def __init__(self, settings) -> None:
        self._settings = settings

    def __call__(self, **values: Any) -> None:
        """Merge ``values`` onto the current ``OAUTH_JWT``."""
        self._settings.OAUTH_JWT = {**self._settings.OAUTH_JWT, **values}

    def without(self, *keys: str) -> None:
        """Drop ``keys`` (their defaults apply)."""
        self._settings.OAUTH_JWT = {k: v for k, v in self._settings.OAUTH_JWT.items() if k not in keys}

    def __getitem__(self, key: str) -> Any:
        return self._settings.OAUTH_JWT[key]


@pytest.fixture
def oauth_jwt_settings(request, settings) -> OAuthJWTSettings:
    """Changes ``OAUTH_JWT`` for one test, starting from the ``oauth_jwt_settings`` markers."""
    override = OAuthJWTSettings(settings)
    for marker in reversed(list(request.node.iter_markers("oauth_jwt_settings"))):
        override(**marker.kwargs)
    return override


@pytest.fixture(autouse=True)
def _oauth_jwt_settings_marker(request) -> None:
    """A test with the marker gets its settings even without asking for the fixture."""
    if request.node.get_closest_marker("oauth_jwt_settings") is not None:
        request.getfixturevalue("oauth_jwt_settings")


@pytest.fixture
def provider(settings):
    """``provider(KEY=value, ...)`` changes OAUTH2_PROVIDER for one test; DOT caches its
    settings and its oauthlib server, so both are reloaded around it."""
    from oauth2_provider.settings import oauth2_settings

    def change(**values):
        settings.OAUTH2_PROVIDER = {**settings.OAUTH2_PROVIDER, **values, "ALWAYS_RELOAD_OAUTHLIB_CORE": True}
        oauth2_settings.reload()

    yield change
    oauth2_settings.reload()


@pytest.fixture
def user(django_user_model):
    return django_user_model.objects.create_user("alice", "alice@example.com", PASSWORD)


@pytest.fixture
def other_user(django_user_model):
    return django_user_model.objects.create_user("bob", "bob@example.com", PASSWORD)


@pytest.fixture
def staff_user(django_user_model):
    return django_user_model.objects.create_superuser("root", "root@example.com", PASSWORD)


@dataclass
class Client:
    app: object
    secret: str

    @property
    def client_id(self) -> str:
        return self.app.client_id


def make_client(grant_type, client_type=Application.CLIENT_CONFIDENTIAL, name="Test app", **fields) -> Client:
    secret = secrets.token_urlsafe(32) if client_type == Application.CLIENT_CONFIDENTIAL else ""
    app = Application.objects.create(
        name=name,
        client_type=client_type,
        authorization_grant_type=grant_type,
        redirect_uris=fields.pop("redirect_uris", REDIRECT_URI if grant_type == "authorization-code" else ""),
        client_secret=secret,
        **fields,
    )
    return Client(app, secret)


@pytest.fixture
def web_client(db) -> Client:
    return make_client(Application.GRANT_AUTHORIZATION_CODE, name="Web app")


@pytest.fixture
def public_client(db) -> Client:
    return make_client(Application.GRANT_AUTHORIZATION_CODE, Application.CLIENT_PUBLIC, name="Native app")


@pytest.fixture
def service_client(db) -> Client:
    return make_client(Application.GRANT_CLIENT_CREDENTIALS, name="Service")


@pytest.fixture
def device_client(db) -> Client:
    return make_client(Application.GRANT_DEVICE_CODE, Application.CLIENT_PUBLIC, name="TV app")


def basic_auth(c: Client) -> dict:
    raw = f"{c.client_id}:{c.secret}".encode()
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(raw).decode()}


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def form_post(client, url: str, data: dict, **headers):
    """POST ``application/x-www-form-urlencoded``, as OAuth clients do."""
    return client.post(url, urlencode(data), content_type="application/x-www-form-urlencoded", **headers)


def token_request(client, c: Client, **data):
    """POST to the token endpoint, authenticating confidential clients with Basic."""
    headers = basic_auth(c) if c.secret else {}
    if not c.secret:
        data.setdefault("client_id", c.client_id)
    return form_post(client, "/o/token/", data, **headers)


def client_credentials_token(client, c: Client, scope="read", **extra) -> dict:
    response = token_request(client, c, grant_type="client_credentials", scope=scope, **extra)
    assert response.status_code == 200, response.content
    return response.json()


def authorize_query(c: Client, **params) -> dict:
    """Query parameters of a valid authorization request with PKCE; a ``None`` drops one."""
    _, challenge = pkce_pair()
    query = {
        "response_type": "code",
        "client_id": c.client_id,
        "redirect_uri": REDIRECT_URI,
        "scope": "read",
        "state": "xyz",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        **params,
    }
    return {k: v for k, v in query.items() if v is not None}


def authorize(client, user, c: Client, scope="read", challenge=None, **params):
    """Sign in as ``user`` and approve ``c`` on the consent page; return the redirect."""
    client.force_login(user)
    return approve(client, c, scope=scope, challenge=challenge, **params)


def approve(client, c: Client, scope="read", challenge=None, **params):
    """Approve ``c`` on the consent page, as whoever is signed in; return the redirect."""
    query = authorize_query(c, scope=scope, **({"code_challenge": challenge} if challenge else {}), **params)
    page = client.get("/o/authorize/", query)
    assert page.status_code == 200, page.content
    form = page.context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data["allow"] = "Authorize"
    return client.post("/o/authorize/", data)


def redirect_params(response) -> dict:
    assert response.status_code in (302, 303), response.status_code
    return {k: v[0] for k, v in parse_qs(urlsplit(response["Location"]).query).items()}


def code_flow_token(client, user, c: Client, scope="read", **params) -> dict:
    """Sign in as ``user``, approve ``c`` and redeem the code; return the token response."""
    client.force_login(user)
    return approved_token(client, c, scope=scope, **params)


def approved_token(client, c: Client, scope="read", **params) -> dict:
    """Approve ``c`` as whoever is signed in and redeem the code."""
    verifier, challenge = pkce_pair()
    code = redirect_params(approve(client, c, scope=scope, challenge=challenge, **params))["code"]
    return redeem(client, c, code, verifier)


def redeem(client, c: Client, code: str, verifier: str) -> dict:
    response = token_request(
        client, c, grant_type="authorization_code", code=code, redirect_uri=REDIRECT_URI, code_verifier=verifier
    )
    assert response.status_code == 200, response.content
    return response.json()


def refresh(client, c: Client, refresh_token: str, **extra):
    return token_request(client, c, grant_type="refresh_token", refresh_token=refresh_token, **extra)


def serve_in_thread(handler: type[BaseHTTPRequestHandler]) -> ThreadingHTTPServer:
    """A loopback HTTP server (a fake hub) answering from a daemon thread; its
    ``shutdown()`` returns within 50 ms, not the half second of the default poll."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return server


def bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def published_jwks(client) -> jc_jwk.JWKSet:
    response = client.get("/.well-known/jwks.json")
    assert response.status_code == 200
    return jc_jwk.JWKSet.from_json(response.content)


def verify_independently(client, token: str) -> tuple[dict, dict]:
    """Verify with jwcrypto (not PyJWT) against the published JWK set."""
    checked = jc_jwt.JWT(jwt=token, key=published_jwks(client), expected_type="JWS")
    header = json.loads(checked.header)
    return header, json.loads(checked.claims)


@pytest.fixture
def api(client):
    """GET /api/me with a bearer token."""

    def call(token: str | None = None, **extra):
        headers = bearer(token) if token else {}
        return client.get("/api/me", **headers, **extra)

    return call


class Clock:
    """Moves ``time.time``, ``time.monotonic``, Django's ``timezone.now`` and the clock
    PyJWT checks ``exp`` against forward together, so that minutes pass without waiting
    (key snapshots, JWK set caches, key activation and token expiry all see the same clock)."""

    def __init__(self, monkeypatch) -> None:
        import time as time_module
        from datetime import datetime, timedelta

        import jwt.api_jwt
        from django.utils import timezone

        self.offset = 0.0
        real_time, real_monotonic, real_now = time_module.time, time_module.monotonic, timezone.now
        monkeypatch.setattr(time_module, "time", lambda: real_time() + self.offset)
        monkeypatch.setattr(time_module, "monotonic", lambda: real_monotonic() + self.offset)
        monkeypatch.setattr(timezone, "now", lambda: real_now() + timedelta(seconds=self.offset))
        clock = self

        class ShiftedDatetime(datetime):
            @classmethod
            def now(cls, tz=None):
                return datetime.now(tz) + timedelta(seconds=clock.offset)

        monkeypatch.setattr(jwt.api_jwt, "datetime", ShiftedDatetime)

    def advance(self, seconds: float) -> None:
        self.offset += seconds


@pytest.fixture
def clock(monkeypatch) -> Clock:
    return Clock(monkeypatch)
