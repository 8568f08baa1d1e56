"""No 500 from any input (issue 11): hypothesis fuzzes every parameter of every endpoint
the hub serves — NUL and control bytes, huge values, non-UTF-8 bodies, repeated
parameters, wrong content types — and each answer is a 4xx with the endpoint's OAuth
error (or a page), and nothing is stored: no new code, token or device-grant row.

Runs on SQLite and PostgreSQL (which refuses NUL bytes in text, so a value that reaches
a query unchecked shows up there as a 500). The Django test client re-raises a view's
exception, so a 500 fails with its traceback. Deterministic and modest: ``derandomize``,
no example database, a few dozen examples per test.
"""

from __future__ import annotations

import json
from urllib.parse import quote, urlencode

import pytest
from axes.models import AccessAttempt
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from oauth2_provider.models import (
    get_access_token_model,
    get_grant_model,
    get_id_token_model,
    get_refresh_token_model,
)

from oauth_jwt.models import ClientRegistration

from ..conftest import REDIRECT_URI, basic_auth, bearer, code_flow_token

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
LOGGED_OUT = "http://127.0.0.1:8765/logged-out"
GRANTS = [
    "authorization_code",
    "refresh_token",
    "client_credentials",
    "password",
    "implicit",
    DEVICE_GRANT,
    "urn:ietf:params:oauth:grant-type:jwt-bearer",
    "urn:ietf:params:oauth:grant-type:token-exchange",
]
# RFC 6749 §5.2, RFC 7009 §2.2.1, RFC 7662 §2.3, RFC 8628 §3.5, RFC 8707 §2; 429 from
# the client-authentication throttle.
TOKEN_ERRORS = {
    "invalid_request",
    "invalid_client",
    "invalid_grant",
    "unauthorized_client",
    "unsupported_grant_type",
    "invalid_scope",
    "invalid_target",
    "authorization_pending",
    "slow_down",
    "access_denied",
    "expired_token",
    "temporarily_unavailable",
}
REVOCATION_ERRORS = {"invalid_request", "invalid_client", "unsupported_token_type", "temporarily_unavailable"}
INTROSPECTION_ERRORS = {"invalid_request", "invalid_client", "temporarily_unavailable"}
DEVICE_ERRORS = {
    "invalid_request",
    "invalid_client",
    "unauthorized_client",
    "invalid_scope",
    "invalid_target",
    "temporarily_unavailable",
}

NASTY = [
    "\x00",
    "a\x00b",
    "\r\n\t",
    "\x1b[31m",
    "%00",
    "%ff%fe",
    "é",
    "\u202e",
    "💥",
    "' OR '1'='1",
    "../../../etc/passwd",
    "<script>alert(1)</script>",
    "javascript:alert(1)",
    "https://evil.example/",
    "-1",
    "99999999999999999999999999",
    "1e400",
    "NaN",
    "null",
    "[]",
    "{}",
    "",
    " ",
    "x" * 5000,
]
HUGE = "h" * 70_000  # over DATA_UPLOAD_MAX_MEMORY_SIZE
CONTENT_TYPES = [
    "application/x-www-form-urlencoded",
    "application/x-www-form-urlencoded; charset=latin-1",
    "application/x-www-form-urlencoded; charset=no-such-charset",
    "application/json",
    "text/plain",
    "multipart/form-data; boundary=fuzz",
    "multipart/form-data",
    "",
]


def values(*good: str) -> st.SearchStrategy[str]:
    """A value: plausible, nasty, random, or a plausible one with a control byte in it."""
    plausible = st.sampled_from(list(good) or ["x"])
    return st.one_of(
        plausible,
        st.sampled_from(NASTY),
        st.text(max_size=40),
        st.builds(lambda v, c: v + c, plausible, st.sampled_from(["\x00", "\x01", "\x7f", "\n"])),
    )


@st.composite
def pairs(draw, fields: list[str], good: list[str]) -> list[tuple[str, str]]:
    """Parameters as a client would send them, names repeated at will."""
    fields = fields or ["x"]
    name = st.one_of(st.sampled_from(fields), st.text(max_size=8), st.sampled_from(["\x00", "a[]", ""]))
    return draw(st.lists(st.tuples(name, values(*good)), max_size=8))


@st.composite
def bodies(draw, fields: list[str], good: list[str]) -> tuple[bytes | str, str]:
    """A request body and its content type, often not the one the body is in."""
    params = draw(pairs(fields, good))
    kind = draw(st.sampled_from(["form", "form", "form", "raw", "json", "huge"]))
    if kind == "form":
        body: bytes | str = urlencode(params)
        content_type = draw(st.sampled_from(CONTENT_TYPES[:3]) | st.sampled_from(CONTENT_TYPES))
    elif kind == "raw":
        body, content_type = draw(st.binary(max_size=300)), draw(st.sampled_from(CONTENT_TYPES))
    elif kind == "json":
        body, content_type = json.dumps(dict(params)), draw(st.sampled_from(CONTENT_TYPES))
    else:
        body, content_type = urlencode([*params, ("pad", HUGE)]), CONTENT_TYPES[0]
    return body, content_type


def query(params: list[tuple[str, str]]) -> str:
    return urlencode(params, quote_via=quote)


def stored() -> tuple[int, ...]:
    from oauth2_provider.models import get_device_grant_model

    models = (
        get_access_token_model(),
        get_refresh_token_model(),
        get_grant_model(),
        get_id_token_model(),
        get_device_grant_model(),
    )
    return tuple(model.objects.count() for model in models)


def assert_oauth_error(response, allowed: set[str]) -> None:
    assert response.status_code < 500, response.content[:300]
    if response.status_code in (400, 401, 403, 429) and response.get("Content-Type", "").startswith("application/json"):
        error = response.json().get("error")
        assert error in allowed, (response.status_code, response.content[:300])


@pytest.fixture
def roomy(settings, oauth_jwt_settings):
    """Fuzz past the client-authentication throttle and the sign-in lockout."""
    oauth_jwt_settings(CLIENT_AUTH_MAX_FAILURES=10**6)
    settings.AXES_FAILURE_LIMIT = 10**6


@pytest.fixture
def known(db, user, web_client, public_client, service_client, device_client):
    """Real client ids and credentials, so some requests get past the first checks."""
    return {
        "clients": [web_client, public_client, service_client, device_client],
        "ids": [c.client_id for c in (web_client, public_client, service_client, device_client)],
        "user": user,
    }


def post(client, url: str, body, content_type: str, **headers):
    return client.generic("POST", url, body, content_type=content_type, **headers)


# --- the token endpoint, grant by grant ------------------------------------------------------

# Each parameter a grant takes, with a value of the right shape: a fuzzed request keeps
# some of them, breaks others, leaves some out and repeats some, so that the nasty
# values reach the checks (and the queries) behind the first ones.
PLAUSIBLE = {
    "code": "SplxlOBeZQQYbYS6WxSbIA",
    "redirect_uri": REDIRECT_URI,
    "code_verifier": "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk",
    "refresh_token": "tGzv3JOkF0XG5Qx2TlKWIA",
    "scope": "read",
    "resource": "http://127.0.0.1:8000/api/",
    "device_code": "GmRhmhcxhwAzkoEqiMEg_DnyEysNkuNhszIySk9eS",
    "username": "alice",
    "password": "correct horse battery staple",
    "assertion": "eyJhbGciOiJub25lIn0.e30.",
    "token": "tGzv3JOkF0XG5Qx2TlKWIA",
    "token_type_hint": "refresh_token",
}
TOKEN_FIELDS = {
    "authorization_code": ["code", "redirect_uri", "code_verifier", "resource"],
    "refresh_token": ["refresh_token", "scope", "resource"],
    "client_credentials": ["scope", "resource"],
    "password": ["username", "password", "scope"],
    DEVICE_GRANT: ["device_code"],
    "urn:ietf:params:oauth:grant-type:jwt-bearer": ["assertion", "scope"],
}
# Which of the hub's clients is registered for each grant (None: none is).
CLIENT_FOR = {"authorization_code": 0, "refresh_token": 0, "client_credentials": 2, DEVICE_GRANT: 3, "password": 1}


@st.composite
def fuzzed_params(draw, fields: list[str], good: dict[str, str]) -> list[tuple[str, str]]:
    params: list[tuple[str, str]] = []
    for field in fields:
        how = draw(st.sampled_from(["plausible", "plausible", "nasty", "nasty", "missing", "twice"]))
        if how == "missing":
            continue
        value = good[field] if how == "plausible" else draw(values(good[field]))
        params.append((field, value))
        if how == "twice":
            params.append((field, draw(values(good[field]))))
    params += draw(pairs(list(good), list(good.values())))
    return draw(st.permutations(params))


@FUZZ
@given(data=st.data())
@pytest.mark.parametrize("grant", [*TOKEN_FIELDS, "implicit", "", "a\x00b", "AUTHORIZATION_CODE"])
def test_token_endpoint_for_every_grant(client, roomy, known, data, grant):
    clients = known["clients"]
    registered = CLIENT_FOR.get(grant)
    # Mostly the client registered for the grant, so the request gets past client checks.
    likely = [clients[registered]] * 3 if registered is not None else []
    c = data.draw(st.sampled_from([*likely, None, *clients]))
    params = [("grant_type", grant), *data.draw(fuzzed_params(TOKEN_FIELDS.get(grant, ["scope"]), PLAUSIBLE))]
    headers = {}
    if c is not None and c.secret and data.draw(st.booleans()):
        headers = basic_auth(c)
    elif c is not None:
        params.append(("client_id", c.client_id))
        if c.secret:
            params.append(("client_secret", c.secret))
    if data.draw(st.integers(0, 4)) == 0:
        body, content_type = data.draw(bodies([name for name, _ in params], [value for _, value in params]))
    else:
        body, content_type = urlencode(params), "application/x-www-form-urlencoded"
    before = stored()
    response = post(client, "/o/token/", body, content_type, **headers)
    assert_oauth_error(response, TOKEN_ERRORS)
    if response.status_code == 200:
        # Only the client registered for client_credentials gets a token from garbage.
        assert grant == "client_credentials" and c is clients[2], response.content
        return
    assert stored() == before


@FUZZ
@given(data=st.data())
def test_token_endpoint_authorization_headers(client, roomy, known, data):
    header = data.draw(
        st.one_of(
            st.text(max_size=60),
            st.builds(lambda v: "Basic " + v, st.text(max_size=60)),
            st.builds(lambda v: "Bearer " + v, st.text(max_size=60)),
            st.just("Basic " + "A" * 5000),
        ).filter(lambda v: "\n" not in v and "\r" not in v)
    )
    before = stored()
    response = post(
        client,
        "/o/token/",
        urlencode({"grant_type": "client_credentials"}),
        "application/x-www-form-urlencoded",
        HTTP_AUTHORIZATION=header,
    )
    assert_oauth_error(response, TOKEN_ERRORS)
    assert response.status_code != 200
    assert stored() == before


# --- revocation, introspection, device authorization ----------------------------------------


@FUZZ
@given(data=st.data())
@pytest.mark.parametrize(
    ("url", "fields", "allowed"),
    [
        ("/o/revoke_token/", ["token", "token_type_hint"], REVOCATION_ERRORS),
        ("/o/introspect/", ["token", "token_type_hint"], INTROSPECTION_ERRORS),
        ("/o/device-authorization/", ["scope", "resource"], DEVICE_ERRORS),
    ],
)
def test_client_authenticated_endpoints(client, roomy, known, url, fields, allowed, data):
    c = data.draw(st.sampled_from([None, *known["clients"]]))
    params = data.draw(fuzzed_params(fields, PLAUSIBLE))
    headers = {}
    if c is not None and c.secret and data.draw(st.booleans()):
        headers = basic_auth(c)
    elif c is not None:
        params.append(("client_id", c.client_id))
    if data.draw(st.integers(0, 4)) == 0:
        body, content_type = data.draw(bodies([name for name, _ in params], [value for _, value in params]))
    else:
        body, content_type = urlencode(params), "application/x-www-form-urlencoded"
    before = stored()
    response = post(client, url, body, content_type, **headers)
    assert_oauth_error(response, allowed)
    if url == "/o/introspect/" and response.status_code == 200:
        assert response.json() == {"active": False}
    if url == "/o/device-authorization/" and response.status_code == 200:
        return  # a device grant was started: that is what this endpoint stores
    assert stored() == before


# --- pages a person uses -------------------------------------------------------------------

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
    "approval_prompt",
]


@FUZZ
@given(data=st.data(), signed_in=st.booleans(), method=st.sampled_from(["GET", "POST"]))
def test_authorize_and_consent(client, known, data, signed_in, method):
    if signed_in:
        client.force_login(known["user"])
    good = [*known["ids"], "code", "token", "none", "login consent", REDIRECT_URI, "S256", "plain", "read openid"]
    params = data.draw(pairs([*AUTHORIZE_FIELDS, "allow", "binding", "csrfmiddlewaretoken"], good))
    before = stored()
    if method == "GET":
        response = client.get("/o/authorize/?" + query(params))
    else:
        body, content_type = data.draw(bodies([*AUTHORIZE_FIELDS, "allow", "binding"], good))
        response = post(client, "/o/authorize/", body, content_type)
    assert response.status_code < 500
    if response.status_code in (301, 302, 303, 307, 308):
        location = response["Location"]
        # Only back to the registered callback (without a code), or to sign in.
        assert location.startswith((REDIRECT_URI, "/accounts/login/")), location
        assert "code=" not in location
    assert stored() == before


@FUZZ
@given(data=st.data(), method=st.sampled_from(["GET", "POST"]))
def test_login_and_logout_pages(client, roomy, known, data, method):
    url = data.draw(st.sampled_from(["/accounts/login/", "/accounts/logout/"]))
    good = [known["user"].username, "/o/authorize/", "//evil.example/", "https://evil.example/"]
    fields = ["username", "password", "next", "csrfmiddlewaretoken"]
    if method == "GET":
        response = client.get(url + "?" + query(data.draw(pairs(fields, good))))
    else:
        body, content_type = data.draw(bodies(fields, good))
        response = post(client, url, body, content_type)
    assert response.status_code < 500
    if response.status_code in (301, 302, 303):
        assert not response["Location"].startswith(("//", "https://evil", "http")), response["Location"]


@FUZZ
@given(data=st.data())
def test_connected_apps_and_disconnect(client, known, data):
    client.force_login(known["user"])
    body, content_type = data.draw(bodies(["client_id"], known["ids"]))
    before = AccessAttempt.objects.count(), stored()
    response = post(client, "/accounts/apps/disconnect/", body, content_type)
    assert response.status_code < 500
    assert client.get("/accounts/apps/?" + query(data.draw(pairs(["page", "client_id"], [])))).status_code == 200
    assert (AccessAttempt.objects.count(), stored()) == before


@FUZZ
@given(data=st.data(), method=st.sampled_from(["GET", "POST"]))
def test_device_pages(client, roomy, known, data, method):
    client.force_login(known["user"])
    segments = st.text(alphabet="abcXYZ019-_", min_size=1, max_size=12)
    url = data.draw(
        st.one_of(
            st.just("/o/device/"),
            st.builds(lambda c, u: f"/o/device-confirm/{c}/{u}", st.sampled_from(known["ids"]) | segments, segments),
            st.builds(lambda c, u: f"/o/device-grant-status/{c}/{u}", segments, segments),
        )
    )
    before = stored()
    if method == "GET":
        response = client.get(url + "?" + query(data.draw(pairs(["user_code", "action"], ["ABCDEFGH"]))))
    else:
        body, content_type = data.draw(bodies(["user_code", "action", "client_id"], ["accept", "deny", "ABCDEFGH"]))
        response = post(client, url, body, content_type)
    assert response.status_code < 500
    assert stored() == before


@FUZZ
@given(data=st.data(), method=st.sampled_from(["GET", "POST"]), entered=st.booleans())
def test_device_confirmation_and_outcome_pages(client, roomy, known, data, method, entered):
    """The confirmation and outcome pages, with or without a real code waiting in the
    session: a page, a redirect or a 400 for a body that is no form, and the code is
    approved only by a POST of the confirmation."""
    from oauth2_provider.models import get_device_grant_model

    client.force_login(known["user"])
    pending = None
    if entered:
        started = post(client, "/o/device-authorization/", urlencode({"client_id": known["ids"][3]}), CONTENT_TYPES[0])
        pending = get_device_grant_model().objects.get(device_code=started.json()["device_code"])
        assert client.post("/o/device/", {"user_code": pending.user_code}).status_code == 303
    url = data.draw(st.sampled_from(["/o/device/confirm/", "/o/device/done/"]))
    fields = ["action", "user_code", "client_id", "csrfmiddlewaretoken"]
    good = ["accept", "deny", "ACCEPT", known["ids"][3]]
    if method == "GET":
        response = client.get(url + "?" + query(data.draw(pairs(fields, good))))
    else:
        body, content_type = data.draw(bodies(fields, good))
        response = post(client, url, body, content_type)
    assert response.status_code in (200, 303, 400, 404, 405), response.status_code
    if pending is not None:
        pending.refresh_from_db()
        if pending.status == pending.AUTHORIZED:
            assert (method, url) == ("POST", "/o/device/confirm/")
            assert response.status_code == 303


# --- client registration (RFC 7591) and its management (RFC 7592) -----------------------------

REGISTRATION_FIELDS = {
    "client_name": "Agent",
    "redirect_uris": [REDIRECT_URI],
    "grant_types": ["authorization_code", "refresh_token"],
    "response_types": ["code"],
    "token_endpoint_auth_method": "none",
    "client_uri": "https://agent.example/",
    "logo_uri": "https://agent.example/logo.png",
    "scope": "openid read",
    "jwks_uri": "https://agent.example/jwks",
    "software_id": "agent",
    "post_logout_redirect_uris": [REDIRECT_URI],
    "backchannel_logout_uri": "https://agent.example/logout",
}
JSON_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.sampled_from(NASTY), st.text(max_size=20)),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6,
)


@st.composite
def registration_metadata(draw) -> dict:
    """Plausible metadata with some members broken, dropped or added."""
    metadata = {}
    for name, good in REGISTRATION_FIELDS.items():
        how = draw(st.sampled_from(["plausible", "plausible", "nasty", "missing"]))
        if how == "plausible":
            metadata[name] = good
        elif how == "nasty":
            value = draw(st.one_of(JSON_VALUES, st.sampled_from(NASTY)))
            metadata[name] = [value] if isinstance(good, list) and draw(st.booleans()) else value
    metadata.update(draw(st.dictionaries(st.text(max_size=8), JSON_VALUES, max_size=3)))
    return metadata


@FUZZ
@given(data=st.data(), as_json=st.integers(0, 4))
@pytest.mark.oauth_jwt_settings(REGISTRATION="open", REGISTRATION_SCOPES=["openid", "read"])
def test_client_registration(client, settings, oauth_jwt_settings, data, as_json):
    oauth_jwt_settings(REGISTRATION_MAX_PER_ADDRESS=10**6)
    metadata = data.draw(registration_metadata())
    if as_json:
        body, content_type = json.dumps(metadata), "application/json"
    else:
        body, content_type = data.draw(bodies(list(REGISTRATION_FIELDS), ["Agent", REDIRECT_URI]))
    before = stored(), ClientRegistration.objects.count()
    response = post(client, "/o/register/", body, content_type)
    assert response.status_code in (201, 400, 415), response.content[:300]
    if response.status_code == 400:
        assert response.json()["error"] in ("invalid_redirect_uri", "invalid_client_metadata", "invalid_request")
        assert (stored(), ClientRegistration.objects.count()) == before
        return
    if response.status_code == 201:
        answer = response.json()
        assert answer["token_endpoint_auth_method"] == "none"
        assert set(answer["grant_types"]) <= {"authorization_code", "refresh_token"}


@FUZZ
@given(data=st.data())
@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE", "PATCH"])
@pytest.mark.oauth_jwt_settings(REGISTRATION="open", REGISTRATION_SCOPES=["openid", "read"])
def test_client_configuration(client, oauth_jwt_settings, data, method):
    """RFC 7592 management of a freshly registered client, with fuzzed metadata, token and path."""
    oauth_jwt_settings(REGISTRATION_MAX_PER_ADDRESS=10**6)
    plausible = {name: REGISTRATION_FIELDS[name] for name in ("client_name", "redirect_uris", "scope")}
    answer = post(client, "/o/register/", json.dumps(plausible), "application/json").json()
    path = "/" + answer["registration_client_uri"].split("://", 1)[1].partition("/")[2]
    token = data.draw(st.sampled_from([answer["registration_access_token"]] * 3 + ["wrong", "a\x00b", ""]))
    target = data.draw(st.sampled_from([path] * 3 + ["/o/register/%00/", "/o/register/" + "x" * 300 + "/"]))
    headers = {} if data.draw(st.integers(0, 3)) == 3 else bearer(token)
    if data.draw(st.integers(0, 3)) != 3:
        body, content_type = (
            json.dumps({**data.draw(registration_metadata()), "client_id": answer["client_id"]}),
            "application/json",
        )
    else:
        body, content_type = data.draw(bodies(list(REGISTRATION_FIELDS), ["Agent", REDIRECT_URI]))
    before = stored()
    response = client.generic(method, target, body, content_type=content_type, **headers)
    assert response.status_code in (200, 204, 400, 401, 404, 405, 415), response.content[:300]
    if response.status_code == 400:
        assert response.json()["error"] in ("invalid_redirect_uri", "invalid_client_metadata", "invalid_request")
    assert stored() == before


# --- resources: userinfo, RP-initiated logout, metadata and keys ------------------------------


@FUZZ
@given(data=st.data(), method=st.sampled_from(["GET", "POST"]))
def test_userinfo(client, known, data, method):
    token = data.draw(st.one_of(st.text(max_size=80), st.sampled_from(NASTY)))
    params = data.draw(pairs(["access_token", "claims", "scope"], [token]))
    headers = bearer(token.replace("\n", "").replace("\r", "")) if data.draw(st.booleans()) else {}
    if method == "GET":
        response = client.get("/o/userinfo/?" + query(params), **headers)
    else:
        body, content_type = data.draw(bodies(["access_token", "claims"], [token]))
        response = post(client, "/o/userinfo/", body, content_type, **headers)
    assert response.status_code in (400, 401, 403, 405), response.content[:300]


@FUZZ
@given(data=st.data(), method=st.sampled_from(["GET", "POST"]), signed_in=st.booleans())
def test_rp_initiated_logout(client, known, data, method, signed_in):
    if signed_in:
        client.force_login(known["user"])
    fields = ["id_token_hint", "client_id", "post_logout_redirect_uri", "state", "ui_locales", "logout_hint", "allow"]
    params = data.draw(pairs(fields, [*known["ids"], "https://evil.example/", REDIRECT_URI]))
    before = stored()
    if method == "GET":
        response = client.get("/o/logout/?" + query(params))
    else:
        response = post(client, "/o/logout/", urlencode(params), "application/x-www-form-urlencoded")
    assert response.status_code < 500
    if response.status_code in (301, 302, 303):
        assert not response["Location"].startswith("https://evil.example"), response["Location"]
    assert stored() == before


@pytest.fixture
def id_token_hint(client, known, web_client) -> str:
    """A real ID token of the signed-in ``known`` person, from this session."""
    web_client.app.post_logout_redirect_uris = LOGGED_OUT
    web_client.app.save()
    return code_flow_token(client, known["user"], web_client, scope="openid read")["id_token"]


@FUZZ
@given(data=st.data())
def test_rp_initiated_logout_with_a_tampered_id_token(client, known, web_client, id_token_hint, data):
    """A real hint cut, extended or with characters replaced, beside real and hostile
    values of the other parameters: a page or a redirect to the registered URI only."""
    cut = data.draw(st.integers(0, len(id_token_hint)))
    noise = data.draw(st.text(alphabet="abcXYZ019-_.=\x00 %", max_size=12))
    tampered = id_token_hint[:cut] + noise + id_token_hint[cut + len(noise) :]
    params = {"id_token_hint": data.draw(st.sampled_from([tampered, id_token_hint[:cut], noise]))}
    if data.draw(st.booleans()):
        params["post_logout_redirect_uri"] = data.draw(st.sampled_from([LOGGED_OUT, "https://evil.example/", ""]))
    if data.draw(st.booleans()):
        params["client_id"] = data.draw(st.sampled_from([web_client.client_id, "x\x00", ""]))
    if data.draw(st.booleans()):
        params["state"] = data.draw(st.text(max_size=20))
    response = client.get("/o/logout/", params)
    assert response.status_code in (200, 302, 400), response.status_code
    if response.status_code == 302:
        assert response["Location"].startswith(LOGGED_OUT)
        client.force_login(known["user"])


@FUZZ
@given(
    url=st.sampled_from(
        [
            "/.well-known/jwks.json",
            "/.well-known/oauth-authorization-server",
            "/.well-known/openid-configuration",
            "/.well-known/openid-configuration/",
        ]
    ),
    method=st.sampled_from(["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"]),
    params=pairs(["issuer", "kid", "format"], []),
)
def test_metadata_and_keys(client, url, method, params):
    response = client.generic(method, url + "?" + query(params))
    if method in ("GET", "HEAD"):
        assert response.status_code == 200
        if method == "GET":
            assert json.loads(response.content)
    elif method == "OPTIONS":
        assert response.status_code in (200, 405)
    else:
        assert 400 <= response.status_code < 500
