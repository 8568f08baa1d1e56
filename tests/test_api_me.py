"""GET /api/me: a good token gets 200; everything else 401 with RFC 6750 headers."""

import base64
import json
import time

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from oauth_jwt.resource import dpop
from oauth_jwt.server import signing_keys

from .conftest import client_credentials_token, code_flow_token

pytestmark = pytest.mark.django_db


def b64(data: dict | bytes) -> str:
    raw = data if isinstance(data, bytes) else json.dumps(data).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def claims_of(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})


def raw_sign(header: dict, claims: dict, private_key=None, alg: str | None = None) -> str:
    """Sign any header, even one PyJWT would refuse to produce."""
    key = signing_keys.signing_key()
    signing_input = f"{b64(header)}.{b64(claims)}".encode()
    algorithm = jwt.algorithms.get_default_algorithms()[alg or key.algorithm]
    return f"{signing_input.decode()}.{b64(algorithm.sign(signing_input, private_key or key.key))}"


def sign_with_hub_key(claims: dict, **header) -> str:
    key = signing_keys.signing_key()
    return jwt.encode(claims, key.key, algorithm=key.algorithm, headers={"typ": "at+jwt", "kid": key.kid, **header})


def assert_invalid_token(response):
    assert response.status_code == 401, response.content
    assert response["WWW-Authenticate"].startswith("Bearer ")
    assert 'error="invalid_token"' in response["WWW-Authenticate"]


def test_client_token_names_the_client(client, api, service_client):
    token = client_credentials_token(client, service_client, scope="read write")["access_token"]
    response = api(token)
    assert response.status_code == 200
    assert response.json() == {
        "client": service_client.client_id,
        "client_id": service_client.client_id,
        "scope": ["read", "write"],
        "sub": service_client.client_id,
    }


def test_user_token_names_the_user(client, api, user, web_client):
    token = code_flow_token(client, user, web_client, scope="read")["access_token"]
    client.logout()
    response = api(token)
    assert response.status_code == 200
    assert response.json()["username"] == "alice"
    assert response.json()["scope"] == ["read"]


def test_no_token_gets_a_bare_challenge(api):
    response = api()
    assert response.status_code == 401
    metadata = 'resource_metadata="http://127.0.0.1:8000/.well-known/oauth-protected-resource/api/"'
    assert response["WWW-Authenticate"] == (
        f'Bearer realm="api", {metadata}, DPoP realm="api", algs="{" ".join(dpop.ALGORITHMS)}", {metadata}'
    )


def test_tampered_payload(client, api, service_client):
    token = client_credentials_token(client, service_client)["access_token"]
    header, payload, signature = token.split(".")
    claims = claims_of(token)
    claims["scope"] = "read write admin"
    assert_invalid_token(api(f"{header}.{b64(claims)}.{signature}"))


def test_tampered_signature(client, api, service_client):
    token = client_credentials_token(client, service_client)["access_token"]
    head, body, sig = token.split(".")
    flipped = sig[:-4] + ("AAAA" if sig[-4:] != "AAAA" else "BBBB")
    assert_invalid_token(api(f"{head}.{body}.{flipped}"))


@pytest.mark.parametrize("alg", ["none", "None", "NONE", "nOnE"])
def test_alg_none(client, api, service_client, alg):
    token = client_credentials_token(client, service_client)["access_token"]
    header = {"alg": alg, "typ": "at+jwt", "kid": signing_keys.signing_key().kid}
    body = token.split(".")[1]
    assert_invalid_token(api(f"{b64(header)}.{body}."))
    assert_invalid_token(api(f"{b64(header)}.{body}"))


def test_hmac_signed_with_the_public_key(client, api, service_client):
    token = client_credentials_token(client, service_client)["access_token"]
    key = signing_keys.signing_key()
    pem = key.key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    header = b64({"alg": "HS256", "typ": "at+jwt", "kid": key.kid})
    signing_input = f"{header}.{token.split('.')[1]}".encode()
    import hashlib
    import hmac

    for secret in (pem, pem.strip(), json.dumps(signing_keys.jwks()["keys"][0]).encode()):
        mac = b64(hmac.new(secret, signing_input, hashlib.sha256).digest())
        assert_invalid_token(api(f"{signing_input.decode()}.{mac}"))


@pytest.mark.parametrize("kid", ["unknown-kid", "../../etc/passwd", "' OR 1=1 --", "x" * 500, 42, None, ""])
def test_unknown_or_odd_kid(client, api, service_client, kid):
    claims = claims_of(client_credentials_token(client, service_client)["access_token"])
    header = {"alg": signing_keys.signing_key().algorithm, "typ": "at+jwt"}
    if kid is not None:
        header["kid"] = kid
    assert_invalid_token(api(raw_sign(header, claims)))


@pytest.mark.parametrize("member", ["jwk", "jku", "x5u"])
def test_token_naming_its_own_key(client, api, service_client, member):
    claims = claims_of(client_credentials_token(client, service_client)["access_token"])
    attacker = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public = jwt.algorithms.RSAAlgorithm.to_jwk(attacker.public_key(), as_dict=True)
    value = public if member == "jwk" else "http://127.0.0.1:9/keys.json"
    forged = jwt.encode(
        claims,
        attacker,
        algorithm="RS256",
        headers={"typ": "at+jwt", "kid": signing_keys.signing_key().kid, member: value},
    )
    assert_invalid_token(api(forged))
    # ...and even signed by the hub's own key, the header is refused.
    assert_invalid_token(api(sign_with_hub_key(claims, **{member: value})))


def test_expired_token(client, api, service_client):
    claims = claims_of(client_credentials_token(client, service_client)["access_token"])
    claims["iat"] = int(time.time()) - 3600
    claims["exp"] = int(time.time()) - 120
    response = api(sign_with_hub_key(claims))
    assert_invalid_token(response)
    assert "expired" in response["WWW-Authenticate"]


@pytest.mark.parametrize("typ", ["JWT", "jwt", "at+jwt2", "", None])
def test_other_typ(client, api, service_client, typ):
    claims = claims_of(client_credentials_token(client, service_client)["access_token"])
    key = signing_keys.signing_key()
    header = {"alg": key.algorithm, "kid": key.kid}
    if typ is not None:
        header["typ"] = typ
    assert_invalid_token(api(raw_sign(header, claims)))


def test_typ_is_compared_case_insensitively(client, api, service_client):
    claims = claims_of(client_credentials_token(client, service_client)["access_token"])
    key = signing_keys.signing_key()
    for typ in ("at+JWT", "application/at+jwt"):
        assert api(raw_sign({"alg": key.algorithm, "kid": key.kid, "typ": typ}, claims)).status_code == 200


def test_id_token_is_not_an_access_token(client, api, user, web_client):
    body = code_flow_token(client, user, web_client, scope="openid read")
    client.logout()
    assert api(body["access_token"]).status_code == 200
    assert_invalid_token(api(body["id_token"]))


def test_token_in_query_string(client, service_client):
    token = client_credentials_token(client, service_client)["access_token"]
    response = client.get("/api/me", {"access_token": token})
    assert_invalid_token(response)
    response = client.get("/api/me?access_token=" + token, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert_invalid_token(response)


def test_wrong_issuer_and_audience(client, api, service_client):
    claims = claims_of(client_credentials_token(client, service_client)["access_token"])
    assert_invalid_token(api(sign_with_hub_key({**claims, "iss": "http://127.0.0.1:8000/"})))
    assert_invalid_token(api(sign_with_hub_key({**claims, "iss": "http://127.0.0.1:8000.evil"})))
    assert_invalid_token(api(sign_with_hub_key({**claims, "aud": "https://other.example/"})))


def test_missing_required_claim(client, api, service_client):
    claims = claims_of(client_credentials_token(client, service_client)["access_token"])
    for name in ("jti", "client_id", "sub", "exp", "iat"):
        assert_invalid_token(api(sign_with_hub_key({k: v for k, v in claims.items() if k != name})))


def test_oversized_and_garbage_tokens(api):
    assert_invalid_token(api("e" * 20000))
    for garbage in ("abc", "a.b.c", "....", "eyJ.eyJ.x", "é.é.é"):
        assert_invalid_token(api(garbage))


def test_revocation_through_dots_endpoint_is_immediate(client, api, service_client):
    from .conftest import basic_auth

    token = client_credentials_token(client, service_client)["access_token"]
    assert api(token).status_code == 200
    response = client.post("/o/revoke_token/", {"token": token}, **basic_auth(service_client))
    assert response.status_code == 200
    assert_invalid_token(api(token))


def test_request_auth_quacks_like_dots_access_token(client, service_client):
    """DOT's TokenHasScope works unchanged on oauth_jwt's request.auth."""
    from oauth2_provider.contrib.rest_framework import TokenHasScope
    from rest_framework.test import APIRequestFactory
    from rest_framework.views import APIView

    from oauth_jwt.resource.rest_framework import JWTAuthentication

    class Needs(APIView):
        authentication_classes = [JWTAuthentication]
        permission_classes = [TokenHasScope]
        required_scopes = ["write"]

        def get(self, request):
            from rest_framework.response import Response

            return Response({"ok": True})

    read = client_credentials_token(client, service_client, scope="read")["access_token"]
    write = client_credentials_token(client, service_client, scope="read write")["access_token"]
    factory = APIRequestFactory()
    assert Needs.as_view()(factory.get("/", HTTP_AUTHORIZATION=f"Bearer {write}")).status_code == 200
    assert Needs.as_view()(factory.get("/", HTTP_AUTHORIZATION=f"Bearer {read}")).status_code == 403
