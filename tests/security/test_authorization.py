"""The authorization endpoint: PKCE S256 for everyone, exact redirect URIs, ``iss`` on
every response, no implicit or password grant (catalogue C16, C17, C19, C24, C33;
RFC 7636, RFC 9700 §2.1, §4.1, §4.8.2, RFC 9207)."""

from __future__ import annotations

import base64
import hashlib
from urllib.parse import urlsplit

import pytest

from ..conftest import (
    REDIRECT_URI,
    authorize,
    authorize_query,
    make_client,
    pkce_pair,
    redirect_params,
    token_request,
)

pytestmark = pytest.mark.django_db

ISSUER = "http://127.0.0.1:8000"


def challenge_of(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


def redeem(client, c, code, verifier, redirect_uri=REDIRECT_URI):
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri}
    if verifier is not None:
        data["code_verifier"] = verifier
    return token_request(client, c, **data)


# --- PKCE -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params, description",
    [
        ({"code_challenge": None, "code_challenge_method": None}, "Code challenge required."),
        ({"code_challenge_method": None}, "code_challenge_method must be S256."),
        ({"code_challenge_method": "plain"}, "code_challenge_method must be S256."),
        ({"code_challenge_method": "s256"}, "code_challenge_method must be S256."),
        ({"code_challenge": "too-short"}, "The code_challenge is malformed."),
        ({"code_challenge": "A" * 42 + "="}, "The code_challenge is malformed."),
    ],
)
@pytest.mark.parametrize("kind", ["web", "public"])
def test_authorization_requests_without_an_s256_challenge_are_refused(client, user, kind, params, description):
    c = make_client("authorization-code", "confidential" if kind == "web" else "public")
    client.force_login(user)
    response = client.get("/o/authorize/", authorize_query(c, **params))
    got = redirect_params(response)
    assert response["Location"].startswith(REDIRECT_URI + "?")
    assert got["error"] == "invalid_request"
    assert got["error_description"] == description
    assert got["iss"] == ISSUER and got["state"] == "xyz"
    assert "code" not in got


@pytest.mark.parametrize("kind", ["web", "public"])
def test_s256_round_trip_with_the_rfc7636_example(client, user, kind):
    c = make_client("authorization-code", "confidential" if kind == "web" else "public")
    verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"  # RFC 7636 Appendix B
    assert challenge_of(verifier) == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    code = redirect_params(authorize(client, user, c, challenge=challenge_of(verifier)))["code"]
    assert redeem(client, c, code, verifier).status_code == 200


@pytest.mark.parametrize(
    "verifier",
    [
        None,  # challenge without verifier
        "wrong-" + "x" * 40,
        "",
        "a" * 42,  # too short
        "a" * 129,  # too long
        "a" * 42 + "!",  # illegal character
        "a" * 42 + " ",
    ],
)
def test_bad_verifiers_are_refused_and_burn_the_code(client, user, web_client, verifier):
    good, challenge = pkce_pair()
    code = redirect_params(authorize(client, user, web_client, challenge=challenge))["code"]
    response = redeem(client, web_client, code, verifier)
    assert response.status_code in (400, 401)
    assert response.json()["error"] in ("invalid_grant", "invalid_request")
    # One bad attempt and the code is gone: the right verifier no longer helps.
    assert redeem(client, web_client, code, good).json()["error"] == "invalid_grant"


def test_malformed_verifier_refused_even_when_its_challenge_matches(client, user, web_client):
    """A client that hashed a too-short verifier still gets no token (RFC 7636 §4.1)."""
    short = "a" * 20
    code = redirect_params(authorize(client, user, web_client, challenge=challenge_of(short)))["code"]
    assert redeem(client, web_client, code, short).json()["error"] == "invalid_grant"


def test_pkce_downgrade_verifier_without_challenge_is_refused(client, user, settings):
    """Even for a client PKCE is not required of, a verifier with no challenge on the
    code is the downgrade of RFC 9700 §4.8.2."""
    c = make_client("authorization-code")
    settings.OAUTH2_PROVIDER = {
        **settings.OAUTH2_PROVIDER,
        "PKCE_REQUIRED": lambda client_id: client_id != c.client_id,
        "ALWAYS_RELOAD_OAUTHLIB_CORE": True,
    }
    code = redirect_params(authorize(client, user, c))["code"]
    verifier, _ = pkce_pair()
    assert redeem(client, c, code, verifier).json()["error"] == "invalid_grant"


def test_pkce_is_required_by_default_for_every_code_flow_client(client, user):
    from oauth2_provider.settings import oauth2_settings

    assert oauth2_settings.PKCE_REQUIRED is True
    for kind in ("confidential", "public"):
        c = make_client("authorization-code", kind)
        client.force_login(user)
        got = redirect_params(client.get("/o/authorize/", authorize_query(c, code_challenge=None)))
        assert got["error"] == "invalid_request"


def test_wrong_redirect_uri_at_the_token_endpoint_is_refused(client, user, web_client):
    verifier, challenge = pkce_pair()
    code = redirect_params(authorize(client, user, web_client, challenge=challenge))["code"]
    response = redeem(client, web_client, code, verifier, redirect_uri="http://127.0.0.1:8765/other")
    assert response.status_code in (400, 401)
    assert response.json()["error"] in ("invalid_request", "invalid_grant")
    assert redeem(client, web_client, code, verifier).json()["error"] == "invalid_grant"


# --- redirect URIs ----------------------------------------------------------------------------

HTTPS_REDIRECT = "https://app.example.com/cb"


@pytest.mark.parametrize(
    "redirect_uri",
    [
        HTTPS_REDIRECT + "/",
        HTTPS_REDIRECT + "x",
        HTTPS_REDIRECT + "/extra",
        HTTPS_REDIRECT + "?x=1",
        HTTPS_REDIRECT + "#frag",
        HTTPS_REDIRECT + ";x",
        "https://app.example.com/a/../cb",
        "https://app.example.com/%63b",
        "https://app.example.com/CB",
        "https://app.example.com:8443/cb",
        "https://evil@app.example.com/cb",
        "https://app.example.com.evil.example/cb",
        "http://app.example.com/cb",
        "//evil.example/cb",
        "https://evil.example/cb",
        "javascript:alert(1)",
        "data:text/html,hi",
        "https://xn--pp-7ka.example.com/cb",
    ],
)
def test_redirect_uris_match_exactly_and_a_mismatch_never_redirects(client, user, redirect_uri):
    c = make_client("authorization-code", redirect_uris=HTTPS_REDIRECT)
    client.force_login(user)
    response = client.get("/o/authorize/", authorize_query(c, redirect_uri=redirect_uri))
    assert response.status_code == 400
    assert "Location" not in response


@pytest.mark.parametrize(
    "redirect_uri",
    [
        "http://localhost:8765/callback",  # localhost is not the registered 127.0.0.1
        "http://[::1]:8765/callback",
        "http://127.0.0.1:8765/callback/x",
        "http://127.0.0.1:8765/other",
        "http://127.0.0.1:8765/callback?x=1",
        "https://127.0.0.1:8765/callback",
    ],
)
def test_loopback_redirects_match_exactly_except_the_port(client, user, public_client, redirect_uri):
    client.force_login(user)
    response = client.get("/o/authorize/", authorize_query(public_client, redirect_uri=redirect_uri))
    assert response.status_code == 400
    assert "Location" not in response


def test_a_native_app_may_use_any_loopback_port(client, user, public_client):
    """RFC 8252 §7.3: the port of a loopback redirect is chosen at run time."""
    verifier, challenge = pkce_pair()
    other_port = "http://127.0.0.1:50123/callback"
    response = authorize(client, user, public_client, challenge=challenge, redirect_uri=other_port)
    assert response["Location"].startswith(other_port + "?")
    code = redirect_params(response)["code"]
    assert redeem(client, public_client, code, verifier, redirect_uri=other_port).status_code == 200


def test_unknown_client_gets_an_error_page_not_a_redirect(client, user):
    client.force_login(user)
    response = client.get("/o/authorize/", {**authorize_query(make_client("authorization-code")), "client_id": "nope"})
    assert response.status_code == 400
    assert "Location" not in response


# --- RFC 9207 iss, implicit and password off ------------------------------------------------


def test_iss_on_a_successful_authorization_response(client, user, web_client):
    _, challenge = pkce_pair()
    got = redirect_params(authorize(client, user, web_client, challenge=challenge))
    assert got["iss"] == ISSUER
    assert got["state"] == "xyz" and got["code"]


def test_iss_on_access_denied(client, user, web_client):
    client.force_login(user)
    page = client.get("/o/authorize/", authorize_query(web_client))
    form = {k: v for k, v in page.context["form"].initial.items() if v is not None}
    denied = client.post("/o/authorize/", form)
    assert denied.status_code in (302, 303)
    got = redirect_params(denied)
    assert got["error"] == "access_denied"
    assert got["iss"] == ISSUER


@pytest.mark.parametrize(
    "params", [{"scope": "no-such-scope"}, {"response_type": "token"}, {"prompt": "none"}, {"resource": "not-a-uri"}]
)
def test_iss_on_error_redirects(client, user, web_client, params):
    client.force_login(user)
    response = client.get("/o/authorize/", authorize_query(web_client, **params))
    got = redirect_params(response)
    assert got["error"]
    assert got["iss"] == ISSUER
    assert urlsplit(response["Location"]).netloc == "127.0.0.1:8765"


def test_implicit_response_types_are_refused(client, user, web_client):
    for response_type in ("token", "id_token token", "code token"):
        client.force_login(user)
        got = redirect_params(client.get("/o/authorize/", authorize_query(web_client, response_type=response_type)))
        assert got["error"] in ("unsupported_response_type", "unauthorized_client", "invalid_request")
        assert "access_token" not in got


@pytest.mark.parametrize(
    "response_type",
    ["code id_token", "code token", "code id_token token", "token code", "id_token token code", "id_token"],
)
def test_a_client_registered_for_dots_hybrid_flow_gets_nothing_from_the_authorization_endpoint(
    client, user, response_type
):
    """DOT serves OIDC's hybrid flow to clients registered for it (an upgraded DOT
    database, a shell): ``code token`` puts an access token in the URL fragment, which
    RFC 9700 §2.1.2 rules out, and the hub offers only ``code``. Refused before consent."""
    from oauth2_provider.models import get_access_token_model, get_application_model, get_grant_model

    hybrid = make_client(get_application_model().GRANT_OPENID_HYBRID, redirect_uris=REDIRECT_URI)
    client.force_login(user)
    response = client.get("/o/authorize/", authorize_query(hybrid, response_type=response_type, scope="openid read"))
    assert response.status_code == 302, response.status_code
    assert "#" not in response["Location"]
    got = redirect_params(response)
    assert got["error"] == "unauthorized_client"
    assert got["iss"] == ISSUER
    assert not get_grant_model().objects.exists()
    assert not get_access_token_model().objects.exists()


def test_password_grant_is_refused(client, user, web_client):
    from ..conftest import PASSWORD

    response = token_request(client, web_client, grant_type="password", username=user.username, password=PASSWORD)
    assert response.status_code in (400, 401)
    assert "access_token" not in response.json()
