"""Fuzzing with hypothesis: garbage at every endpoint that parses client input gives a
4xx, never a 500, and never a token, a code or a redirect it should not (catalogue
C1-C8, C17, C26). Deterministic (``derandomize``, no example database) so CI is stable."""

from __future__ import annotations

import base64
import binascii
import string
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from ..conftest import REDIRECT_URI, basic_auth, client_credentials_token

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

B64URL = string.ascii_letters + string.digits + "-_"
text = st.text(max_size=300)
b64_segment = st.text(alphabet=B64URL, max_size=400)
jws_like = st.builds(lambda h, p, s: f"{h}.{p}.{s}", b64_segment, b64_segment, b64_segment)
header_value = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=0x2FF), max_size=2000)


def b64json(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def segments(token: str):
    try:
        return tuple(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)) for part in token.split("."))
    except (binascii.Error, ValueError):
        return None


@pytest.fixture
def roomy(settings):
    """Fuzz past the client-authentication throttle."""
    settings.OAUTH_JWT = {**settings.OAUTH_JWT, "CLIENT_AUTH_MAX_FAILURES": 10**6}


# --- the resource server --------------------------------------------------------------


@FUZZ
@given(token=st.one_of(text, jws_like, header_value))
def test_garbage_bearer_tokens(api, token):
    response = api(token.strip() or "x")
    assert response.status_code == 401, (token, response.status_code)


@FUZZ
@given(
    header=st.dictionaries(
        st.sampled_from(["alg", "typ", "kid", "crit", "jku", "jwk", "x5u", "b64", "zip"]),
        st.one_of(st.text(max_size=20), st.integers(), st.booleans(), st.none(), st.lists(st.text(max_size=5))),
        max_size=6,
    ),
    claims=st.dictionaries(
        st.sampled_from(["iss", "sub", "aud", "exp", "iat", "nbf", "jti", "client_id", "scope"]),
        st.one_of(st.text(max_size=20), st.integers(), st.floats(), st.booleans(), st.none()),
        max_size=9,
    ),
    signature=b64_segment,
)
def test_forged_headers_and_claims(api, header, claims, signature):
    import json

    token = f"{b64json(json.dumps(header).encode())}.{b64json(json.dumps(claims).encode())}.{signature}"
    assert api(token).status_code == 401


@FUZZ
@given(data=st.data())
def test_mutated_real_tokens_are_refused(client, service_client, api, data):
    token = client_credentials_token(client, service_client)["access_token"]
    position = data.draw(st.integers(min_value=0, max_value=len(token) - 1))
    replacement = data.draw(st.sampled_from(B64URL + "."))
    mutated = token[:position] + replacement + token[position + 1 :]
    # Base64url may carry spare bits in its last character: the same bytes, not a forgery.
    assume(segments(mutated) != segments(token))
    assert api(mutated).status_code == 401


# --- token, revocation and introspection endpoints ----------------------------------------

FIELDS = [
    "grant_type",
    "code",
    "redirect_uri",
    "client_id",
    "client_secret",
    "code_verifier",
    "refresh_token",
    "scope",
    "resource",
    "token",
    "token_type_hint",
    "device_code",
    "username",
    "password",
    "assertion",
]
GRANTS = [
    "authorization_code",
    "refresh_token",
    "client_credentials",
    "password",
    "implicit",
    "urn:ietf:params:oauth:grant-type:device_code",
    "urn:ietf:params:oauth:grant-type:jwt-bearer",
]
form = st.lists(
    st.tuples(st.one_of(st.sampled_from(FIELDS), st.text(max_size=10)), st.one_of(st.sampled_from(GRANTS), text)),
    max_size=8,
)


@FUZZ
@given(fields=form, authenticate=st.booleans(), raw=st.one_of(st.none(), st.binary(max_size=500)))
@pytest.mark.parametrize("url", ["/o/token/", "/o/revoke_token/", "/o/introspect/"])
def test_garbage_forms(client, service_client, roomy, url, fields, authenticate, raw):
    headers = basic_auth(service_client) if authenticate else {}
    body = raw if raw is not None else urlencode(fields)
    response = client.generic("POST", url, body, content_type="application/x-www-form-urlencoded", **headers)
    assert response.status_code < 500, (url, fields, raw)
    if url == "/o/token/" and response.status_code == 200:
        # Only a real client asking for client_credentials may get a token.
        assert authenticate and dict(fields).get("grant_type") == "client_credentials"
    if url == "/o/introspect/" and response.status_code == 200:
        assert authenticate and response.json()["active"] is False


# --- the authorization endpoint -------------------------------------------------------------

AUTHORIZE_FIELDS = [
    "response_type",
    "client_id",
    "redirect_uri",
    "scope",
    "state",
    "code_challenge",
    "code_challenge_method",
    "nonce",
    "prompt",
    "resource",
    "max_age",
    "claims",
    "request",
    "request_uri",
    "response_mode",
]


@FUZZ
@given(
    params=st.lists(
        st.tuples(
            st.one_of(st.sampled_from(AUTHORIZE_FIELDS), st.text(max_size=10)),
            st.one_of(st.sampled_from(["code", "token", "none", REDIRECT_URI, "S256", "plain", "read"]), text),
        ),
        max_size=10,
    ),
    own_client=st.booleans(),
)
def test_garbage_authorization_requests(client, user, web_client, params, own_client):
    client.force_login(user)
    if own_client:
        params = [("client_id", web_client.client_id), *params]
    response = client.get("/o/authorize/?" + urlencode(params))
    assert response.status_code < 500, params
    if response.status_code in (301, 302, 303, 307, 308):
        location = response["Location"]
        # Only back to the registered callback (loopback, any port), or to sign in.
        assert location.startswith(("http://127.0.0.1:", "/accounts/login/")), location
        assert "code=" not in location and "access_token" not in location
