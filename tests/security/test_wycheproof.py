"""Project Wycheproof's JWS vectors (C2SP/wycheproof, ``json_web_signature_test.json``)
through oauth_jwt's verifier (catalogue C1-C5; RFC 8725 §3.1).

The vectors sign the payload ``foo`` (or small objects) with no ``typ`` and their own
keys, so they are run at two levels:

- ``verify_access_token`` itself, with a key resolver built from the test group's JWK the
  way ``keys.public_key`` resolves ours (asymmetric public keys only; the hub never holds
  an HMAC key): every case, valid or not, is refused with ``InvalidToken`` (the valid ones
  for lacking ``typ: at+jwt`` and claims), never another exception;
- the signature step alone, with verify.py's own rules and constants (compact form, the
  size cap, no key-carrying or ``crit`` header, header ``alg`` equal to the key's pinned
  algorithm, PyJWT restricted to that one algorithm): every ``invalid`` case is refused
  and every ``valid`` case with an algorithm oauth_jwt signs with is accepted.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import jwt
import pytest

from oauth_jwt.conf import ALGORITHMS
from oauth_jwt.exceptions import InvalidToken
from oauth_jwt.resource.verify import FORBIDDEN_HEADERS, verify_access_token

VECTORS = Path(__file__).resolve().parent / "vectors" / "wycheproof"
SUITE = json.loads((VECTORS / "json_web_signature_test.json").read_text())
CASES = [
    pytest.param(group, test, id=f"tc{test['tcId']}-{test['result']}-{test['comment'][:40]}")
    for group in SUITE["testGroups"]
    for test in group["tests"]
]


def resolver_for(group):
    """What ``keys.public_key`` would answer if the group's public key were ours."""
    public = group.get("public")
    if not public or public.get("kty") not in ("RSA", "EC", "OKP") or not public.get("alg"):
        return lambda kid: None
    key = SimpleNamespace(key=jwt.PyJWK(public).key, algorithm=public["alg"])
    return lambda kid: key


def verify_signature(token: str, resolve) -> bytes:
    """verify.py's signature step, without the access-token ``typ`` and claim rules."""
    if not isinstance(token, str) or len(token) > 8192 or token.count(".") != 2 or not token.isascii():
        raise InvalidToken("shape")
    try:
        header = jwt.get_unverified_header(token)
    except jwt.InvalidTokenError:
        raise InvalidToken("header") from None
    if FORBIDDEN_HEADERS & header.keys():
        raise InvalidToken("forbidden header")
    key = resolve(header.get("kid", ""))
    if key is None or key.algorithm not in ALGORITHMS or header.get("alg") != key.algorithm:
        raise InvalidToken("key")
    try:
        return jwt.PyJWS().decode(token, key.key, algorithms=[key.algorithm])
    except (jwt.InvalidTokenError, ValueError, TypeError):
        raise InvalidToken("signature") from None


def supported(group, test) -> bool:
    """A valid vector oauth_jwt must accept: the key's algorithm is one oauth_jwt signs
    with, and the header names that same algorithm. (Wycheproof counts RFC 7520's
    Figure 20, a PS384 signature by a key published as PS256, as valid; a key pinned to
    one algorithm refuses it, as RFC 8725 §3.1 asks. It also lets a decoder skip a stray
    character inside the base64url; PyJWT refuses those tokens, which is stricter.)"""
    public = group.get("public") or {}
    try:
        header = jwt.get_unverified_header(test["jws"])
    except jwt.DecodeError:
        return False
    return public.get("alg") in ALGORITHMS and header.get("alg") == public["alg"]


def test_the_suite_is_all_there():
    assert SUITE["numberOfTests"] == len(CASES) == 401
    assert sum(1 for group, test in (c.values for c in CASES) if test["result"] == "invalid") == 355


@pytest.mark.parametrize("group, test", CASES)
def test_access_token_verifier_refuses_every_vector(group, test):
    with pytest.raises(InvalidToken):
        verify_access_token(test["jws"], resolver_for(group), audience=["x"], issuer="x")


@pytest.mark.parametrize("group, test", CASES)
def test_signature_step(group, test):
    resolve = resolver_for(group)
    if test["result"] == "invalid":
        with pytest.raises(InvalidToken):
            verify_signature(test["jws"], resolve)
    elif test["result"] == "valid" and supported(group, test):
        assert isinstance(verify_signature(test["jws"], resolve), bytes)
    else:
        # Valid but in an algorithm oauth_jwt never signs with (HS*, RS384/512,
        # PS384/512, ES512), or not the key's own: refused, a key has one algorithm.
        with pytest.raises(InvalidToken):
            verify_signature(test["jws"], resolve)


def test_valid_supported_vectors_exist():
    accepted = [(g, t) for g, t in (c.values for c in CASES) if t["result"] == "valid" and supported(g, t)]
    assert {g["public"]["alg"] for g, _ in accepted} == {"RS256", "PS256", "ES256"}
    assert len(accepted) == 16


@pytest.mark.django_db
def test_no_vector_gets_past_the_resource_server(api):
    statuses = {api(test["jws"]).status_code for _, test in (c.values for c in CASES)}
    assert statuses == {401}
