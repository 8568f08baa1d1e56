"""Fuzzing the resource server with hypothesis: garbage, forged and mutated bearer tokens
get a 401, never a 500 and never access (catalogue C1-C8, C17, C26). Every endpoint of
the hub is fuzzed in ``test_fuzz_endpoints``. Deterministic (``derandomize``, no example
database) so CI is stable."""

from __future__ import annotations

import base64
import binascii
import string

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from ..conftest import client_credentials_token

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
