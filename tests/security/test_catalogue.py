"""Catalogue rows not pinned elsewhere: malformed claims (C8), issuer variants (C11),
cross-client substitution (C13), state round trip (C25), guessable credentials (C27),
credential leakage through caches and Referer (C31), 307 after POST (C32), what an
access token carries (C39)."""

from __future__ import annotations

import json
import time

import jwt
import pytest

from oauth_jwt.server import signing_keys

from ..conftest import (
    REDIRECT_URI,
    authorize,
    basic_auth,
    bearer,
    client_credentials_token,
    code_flow_token,
    form_post,
    make_client,
    pkce_pair,
    redirect_params,
)

pytestmark = pytest.mark.django_db

ISSUER = "http://127.0.0.1:8000"
AUDIENCE = "http://127.0.0.1:8000/api/"


def good_claims(**changes):
    now = int(time.time())
    claims = {
        "iss": ISSUER,
        "sub": "svc",
        "aud": AUDIENCE,
        "client_id": "svc",
        "jti": "j" * 22,
        "iat": now,
        "exp": now + 300,
        "scope": "read",
    }
    claims.update(changes)
    return claims


def sign(payload: str | dict) -> str:
    """Sign raw JSON text with the hub's key (so duplicate names survive)."""
    key = signing_keys.signing_key()
    body = payload if isinstance(payload, str) else json.dumps(payload)
    return jwt.api_jws.PyJWS().encode(
        body.encode(), key.key, algorithm=key.algorithm, headers={"typ": "at+jwt", "kid": key.kid}
    )


def test_control_a_well_formed_forgery_of_ours_is_accepted(api):
    assert api(sign(good_claims())).status_code == 200


@pytest.mark.parametrize(
    "changes",
    [
        {"exp": "9999999999"},
        {"exp": True},
        {"exp": None},
        {"iat": "now"},
        {"nbf": int(time.time()) + 3600},
        {"sub": 12},
        {"client_id": ["svc"]},
        {"scope": ["read"]},
        {"jti": ""},
        {"aud": "http://127.0.0.1:8000/api"},
        {"aud": ["https://other.example/"]},
    ],
)
def test_malformed_claims_are_refused(api, changes):
    assert api(sign(good_claims(**changes))).status_code == 401


@pytest.mark.parametrize(
    "issuer", [ISSUER + "/", ISSUER.upper(), "https://127.0.0.1:8000", ISSUER + ".evil.example", "http://127.0.0.1"]
)
def test_issuer_must_match_exactly(api, issuer):
    assert api(sign(good_claims(iss=issuer))).status_code == 401


def test_duplicate_claim_names_are_not_a_way_round_the_checks(api):
    """JSON with two ``iss``: whichever a parser keeps, a wrong issuer is never accepted."""
    text = json.dumps(good_claims())[:-1] + ', "iss": "https://evil.example"}'
    assert api(sign(text)).status_code == 401


def test_duplicate_names_are_refused_even_when_harmless(api):
    """RFC 7515 §4: a name given twice makes the JSON invalid, whatever its values."""
    text = json.dumps(good_claims())[:-1] + f', "iss": "{ISSUER}"}}'
    assert api(sign(text)).status_code == 401


@pytest.mark.parametrize("constant", ["Infinity", "-Infinity", "NaN"])
def test_non_finite_numbers_are_refused_not_a_500(api, constant):
    """Python's JSON parser accepts NaN and Infinity; JSON does not (RFC 8259)."""
    text = json.dumps(good_claims())[:-1].replace('"exp": ', '"exp_": ') + f', "exp": {constant}}}'
    assert api(sign(text)).status_code == 401


def test_another_client_cannot_revoke_or_redeem_my_tokens(client, user, web_client, api):
    other = make_client("authorization-code", name="Other")
    tokens = code_flow_token(client, user, web_client)
    for kind in ("access_token", "refresh_token"):
        response = form_post(client, "/o/revoke_token/", {"token": tokens[kind]}, **basic_auth(other))
        assert response.status_code == 200  # RFC 7009 §2.2: no oracle
    assert api(tokens["access_token"]).status_code == 200
    response = form_post(
        client,
        "/o/token/",
        {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]},
        **basic_auth(other),
    )
    assert response.json()["error"] == "invalid_grant"


@pytest.mark.parametrize("state", ["a%b&c=d", "ünïcödé ☃", "x" * 500, "a+b c"])
def test_state_comes_back_verbatim(client, user, state):
    c = make_client("authorization-code")
    _, challenge = pkce_pair()
    got = redirect_params(authorize(client, user, c, challenge=challenge, state=state))
    assert got["state"] == state and got["iss"] == ISSUER


def test_codes_refresh_tokens_and_secrets_are_long_enough(client, user, web_client):
    """RFC 6749 §10.10: at least 160 bits for anything guessable."""
    verifier, challenge = pkce_pair()
    code = redirect_params(authorize(client, user, web_client, challenge=challenge))["code"]
    assert len(code) >= 27  # 30 characters of a 62-symbol alphabet: 178 bits
    tokens = form_post(
        client,
        "/o/token/",
        {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI, "code_verifier": verifier},
        **basic_auth(web_client),
    ).json()
    assert len(tokens["refresh_token"]) >= 27
    from oauth2_provider.generators import generate_client_secret

    assert len(generate_client_secret()) >= 32


def test_token_responses_are_never_cached(client, service_client):
    response = form_post(client, "/o/token/", {"grant_type": "client_credentials"}, **basic_auth(service_client))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    refused = form_post(
        client, "/o/token/", {"grant_type": "refresh_token", "refresh_token": "x"}, **basic_auth(service_client)
    )
    assert "no-store" in refused["Cache-Control"]


def test_pages_send_no_referrer_to_other_sites(client, user, web_client):
    client.force_login(user)
    _, challenge = pkce_pair()
    page = client.get(
        "/o/authorize/",
        {
            "response_type": "code",
            "client_id": web_client.client_id,
            "redirect_uri": REDIRECT_URI,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        },
    )
    assert page["Referrer-Policy"] in ("no-referrer", "same-origin")


def test_consent_and_sign_in_posts_redirect_with_302_or_303(client, user, web_client):
    from ..conftest import PASSWORD

    signed_in = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert signed_in.status_code in (302, 303)
    _, challenge = pkce_pair()
    assert authorize(client, user, web_client, challenge=challenge).status_code in (302, 303)


def test_access_tokens_carry_no_personal_data(client, user, web_client):
    token = code_flow_token(client, user, web_client, scope="openid profile email read")["access_token"]
    claims = jwt.decode(token, options={"verify_signature": False})
    assert set(claims) <= {"iss", "sub", "aud", "exp", "iat", "jti", "client_id", "scope", "auth_time", "nbf"}
    assert user.email not in token and user.username not in json.dumps(claims)


def test_client_token_at_the_api_is_only_the_client(client, service_client):
    token = client_credentials_token(client, service_client)["access_token"]
    body = client.get("/api/me", **bearer(token)).json()
    assert "username" not in body and body["sub"] == service_client.client_id
