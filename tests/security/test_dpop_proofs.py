"""Every malformed DPoP proof gets RFC 9449's error, never a 500: 400
``invalid_dpop_proof`` at the token endpoint, 401 with a ``DPoP`` challenge at
authhub's /api/me; and no input makes the proof parser raise anything else."""

from __future__ import annotations

import base64
import contextlib
import json
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oauth_jwt.exceptions import InvalidDPoPProof
from oauth_jwt.resource import dpop

from ..conftest import basic_auth, form_post
from ..dpop_client import TOKEN_URL, DPoPKey, b64, hs256, unsigned
from ..test_dpop import API, dpop_token

NOW = int(time.time())


def _private(key: DPoPKey, claims: dict) -> str:
    return key.sign(claims, jwk=json.loads(key.key.export_private()))


# name -> proof maker (key, claims for this request) -> the DPoP header's value.
CASES = {
    "wrong typ": lambda k, c: k.sign(c, typ="JWT"),
    "no typ": lambda k, c: k.sign(c, typ=None),
    "alg none": lambda k, c: unsigned({"typ": "dpop+jwt", "alg": "none", "jwk": k.public}, c),
    "symmetric alg": lambda k, c: hs256(c),
    "private key in jwk": _private,
    "no jwk": lambda k, c: k.sign(c, jwk=None),
    "jwk of another key type": lambda k, c: k.sign(c, jwk=DPoPKey("EdDSA").public),
    "missing jti": lambda k, c: k.sign({**c, "jti": None}),
    "missing htm": lambda k, c: k.sign({n: v for n, v in c.items() if n != "htm"}),
    "missing htu": lambda k, c: k.sign({n: v for n, v in c.items() if n != "htu"}),
    "missing iat": lambda k, c: k.sign({n: v for n, v in c.items() if n != "iat"}),
    "string iat": lambda k, c: k.sign({**c, "iat": str(c["iat"])}),
    "stale iat": lambda k, c: k.sign({**c, "iat": c["iat"] - 3600}),
    "future iat": lambda k, c: k.sign({**c, "iat": c["iat"] + 3600}),
    "wrong htm": lambda k, c: k.sign({**c, "htm": "PUT"}),
    "wrong htu": lambda k, c: k.sign({**c, "htu": "https://elsewhere.example/o/token/"}),
    "htu not a URL": lambda k, c: k.sign({**c, "htu": "::::"}),
    "wrong ath": lambda k, c: k.sign({**c, "ath": b64(b"\0" * 32)}),
    "oversized": lambda k, c: k.sign({**c, "pad": "x" * 5000}),
    "two DPoP headers": lambda k, c: f"{k.sign(c)}, {k.sign(c)}",
    "bad signature": lambda k, c: k.sign(c)[:-6] + ("AAAAAA" if not k.sign(c).endswith("AAAAAA") else "BBBBBB"),
    "signed by another key": lambda k, c: DPoPKey().sign(c, jwk=k.public),
    "not a JWT": lambda k, c: "not-a-jwt",
    "garbage segments": lambda k, c: "a.b.c",
    "empty": lambda k, c: " ",
    "JSON array header": lambda k, c: f"{b64('[]')}.{b64(c)}.AAAA",
    "crit header": lambda k, c: k.sign(c, crit=["b64"], b64=True),
}


@pytest.fixture
def bound(client, service_client):
    key = DPoPKey()
    return key, dpop_token(client, service_client, key, grant_type="client_credentials")["access_token"]


@pytest.mark.parametrize("case", sorted(CASES))
def test_at_the_resource_server(client, bound, case):
    key, token = bound
    claims = key.claims("GET", API, token)
    response = client.get("/api/me", HTTP_AUTHORIZATION=f"DPoP {token}", HTTP_DPOP=CASES[case](key, claims))
    assert response.status_code == 401, response.content
    challenge = response["WWW-Authenticate"]
    assert challenge.startswith("DPoP ") and 'error="invalid_dpop_proof"' in challenge
    assert 'algs="' in challenge and "HS256" not in challenge


@pytest.mark.parametrize("case", sorted(set(CASES) - {"wrong ath"}))
def test_at_the_token_endpoint(client, service_client, case):
    key = DPoPKey()
    proof = CASES[case](key, key.claims("POST", TOKEN_URL))
    data = {"grant_type": "client_credentials"}
    response = form_post(client, "/o/token/", data, HTTP_DPOP=proof, **basic_auth(service_client))
    assert response.status_code == 400, response.content
    assert response.json()["error"] == "invalid_dpop_proof"
    assert response["Cache-Control"] == "no-store"


def test_a_replayed_proof_is_refused(client, bound, service_client):
    key, token = bound
    headers = key.headers("GET", API, token)
    assert client.get("/api/me", **headers).status_code == 200
    replayed = client.get("/api/me", **headers)
    assert replayed.status_code == 401
    assert "already used" in replayed["WWW-Authenticate"]
    proof = key.headers("POST", TOKEN_URL)
    data = {"grant_type": "client_credentials"}
    assert form_post(client, "/o/token/", data, **proof, **basic_auth(service_client)).status_code == 200
    again = form_post(client, "/o/token/", data, **proof, **basic_auth(service_client))
    assert again.json()["error"] == "invalid_dpop_proof"


def test_htu_is_compared_after_normalisation(client, bound):
    key, token = bound
    for htu in ("HTTP://TESTSERVER/api/me", "http://testserver:80/api/me?x=1", "http://testserver/api/me#f"):
        assert client.get("/api/me", **key.headers("GET", htu, token)).status_code == 200, htu


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)
headers = st.fixed_dictionaries(
    {},
    optional={
        "typ": st.sampled_from(["dpop+jwt", "DPoP+JWT", "JWT"]) | st.text(max_size=10),
        "alg": st.sampled_from([*dpop.ALGORITHMS, "none", "HS256"]) | st.text(max_size=6),
        "jwk": json_values | st.just(DPoPKey().public),
        "crit": json_values,
    },
)
claims = st.fixed_dictionaries(
    {},
    optional={
        "jti": json_values,
        "htm": st.sampled_from(["GET", "POST"]) | json_values,
        "htu": st.just("http://testserver/api/me") | json_values,
        "iat": st.just(NOW) | json_values,
        "ath": json_values,
        "nonce": json_values,
    },
)


def _segment(value) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(header=headers, body=claims, signature=st.binary(max_size=80), raw=st.text(max_size=60))
def test_the_parser_raises_nothing_but_its_own_error(header, body, signature, raw):
    for proof in (f"{_segment(header)}.{_segment(body)}.{b64(signature)}", raw, f"{raw}.{raw}.{raw}"):
        with contextlib.suppress(InvalidDPoPProof):
            dpop.verify_proof(proof, method="GET", url="http://testserver/api/me", access_token="t.t.t")
