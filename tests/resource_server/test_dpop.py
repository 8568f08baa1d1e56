"""DPoP at resource servers: the middleware, ``@require_token`` (in process) and the
remote resource server of ``tests/rs_project`` (DRF and plain views, over HTTP against
a live hub) take a DPoP-bound token only with the DPoP scheme and a proof of its key."""

from __future__ import annotations

import pytest
import requests

from ..conftest import basic_auth, form_post
from ..dpop_client import DPoPKey
from ..test_dpop import dpop_token
from .conftest import RS_AUDIENCE
from .test_live_hub import VIEWS


@pytest.fixture
def plain_views(settings):
    settings.ROOT_URLCONF = "tests.resource_server.urls"
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "oauth_jwt.resource.middleware.BearerTokenMiddleware"]


def test_middleware_and_require_token(client, service_client, plain_views):
    key = DPoPKey()
    token = dpop_token(client, service_client, key, grant_type="client_credentials", scope="read")["access_token"]
    for path in ("/whoami", "/read"):
        url = f"http://testserver{path}"
        response = client.get(path, **key.headers("GET", url, token))
        assert response.status_code == 200, (path, response.content)
    assert client.get("/whoami", **key.headers("GET", "http://testserver/whoami", token)).json()["client_id"]
    as_bearer = client.get("/read", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert as_bearer.status_code == 401
    assert as_bearer["WWW-Authenticate"].startswith('DPoP realm="api", error="invalid_token"')
    # The middleware gives an opted-in view no token user for a bound token sent as Bearer.
    assert client.get("/whoami", HTTP_AUTHORIZATION=f"Bearer {token}").json()["client_id"] is None


def test_no_token_is_offered_both_schemes_unless_dpop_is_required(client, plain_views, oauth_jwt_settings):
    """RFC 9449 §7.1: ``@require_token`` without a token offers Bearer and DPoP (with
    ``algs``); with ``DPOP_REQUIRED`` only DPoP."""
    challenge = client.get("/read")["WWW-Authenticate"]
    bearer, dpop_part = challenge.split(", DPoP ")
    assert bearer.startswith('Bearer realm="api"') and "error=" not in challenge
    assert dpop_part.startswith('realm="api", algs="ES256') and "resource_metadata=" in dpop_part
    oauth_jwt_settings(DPOP_REQUIRED=True)
    challenge = client.get("/read")["WWW-Authenticate"]
    assert challenge.startswith('DPoP realm="api", algs="') and "Bearer" not in challenge


def test_insufficient_scope_is_challenged_in_the_tokens_scheme(client, service_client, plain_views):
    """RFC 9449 §7.1: a DPoP-bound token's 403 carries a DPoP challenge, naming the scope."""
    key = DPoPKey()
    token = dpop_token(client, service_client, key, grant_type="client_credentials", scope="write")["access_token"]
    response = client.get("/read", **key.headers("GET", "http://testserver/read", token))
    assert response.status_code == 403
    challenge = response["WWW-Authenticate"]
    assert challenge.startswith('DPoP realm="api", error="insufficient_scope"'), challenge
    assert 'scope="read"' in challenge and 'algs="' in challenge


def test_public_origin_is_the_htu_behind_a_proxy(client, service_client, plain_views, settings):
    key = DPoPKey()
    token = dpop_token(client, service_client, key, grant_type="client_credentials", scope="read")["access_token"]
    settings.OAUTH_JWT = {**settings.OAUTH_JWT, "PUBLIC_ORIGIN": "https://api.example.com"}
    assert client.get("/read", **key.headers("GET", "http://testserver/read", token)).status_code == 401
    assert client.get("/read", **key.headers("GET", "https://api.example.com/read", token)).status_code == 200


def test_djangos_proxy_settings_give_the_htu(client, service_client, plain_views, settings):
    """Without PUBLIC_ORIGIN, ``htu`` is the URL as Django's own proxy settings
    (``SECURE_PROXY_SSL_HEADER``, ``USE_X_FORWARDED_HOST``) make it."""
    key = DPoPKey()
    token = dpop_token(client, service_client, key, grant_type="client_credentials", scope="read")["access_token"]
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.USE_X_FORWARDED_HOST = True
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "api.example.com"]
    proxied = {"HTTP_X_FORWARDED_PROTO": "https", "HTTP_X_FORWARDED_HOST": "api.example.com"}
    as_seen_inside = client.get("/read", **proxied, **key.headers("GET", "http://testserver/read", token))
    assert as_seen_inside.status_code == 401
    assert 'error="invalid_dpop_proof"' in as_seen_inside["WWW-Authenticate"]
    as_the_client_sees_it = key.headers("GET", "https://api.example.com/read", token)
    assert client.get("/read", **proxied, **as_the_client_sees_it).status_code == 200


def _dpop_get(rs, path: str, key: DPoPKey, token: str, scheme: str = "DPoP", **claims) -> requests.Response:
    headers = {"Authorization": f"{scheme} {token}", "DPoP": key.proof("GET", rs.url + path, token, **claims)}
    return rs.session.get(rs.url + path, headers=headers, timeout=10)


@pytest.mark.redis
def test_a_remote_resource_server(client, hub, service_client, start_rs):
    rs = start_rs(hub.url)
    key = DPoPKey()
    token_url = f"{hub.url}/o/token/"
    response = form_post(
        client,
        "/o/token/",
        {"grant_type": "client_credentials", "scope": "read", "resource": RS_AUDIENCE},
        HTTP_DPOP=key.proof("POST", token_url),
        **basic_auth(service_client),
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["token_type"] == "DPoP"
    token = body["access_token"]
    for path in VIEWS:
        good = _dpop_get(rs, path, key, token)
        assert good.status_code == 200, (path, good.text)
        assert good.json()["claims"]["cnf"] == {"jkt": key.jkt}
        assert _dpop_get(rs, path, key, token, scheme="dpop").status_code == 200
        bearer = rs.get(path, token)
        assert bearer.status_code == 401
        assert bearer.headers["WWW-Authenticate"].startswith("DPoP ")
        other = _dpop_get(rs, path, DPoPKey(), token)
        assert other.status_code == 401
        assert 'error="invalid_dpop_proof"' in other.headers["WWW-Authenticate"]
        stale = _dpop_get(rs, path, key, token, iat=1)
        assert 'error="invalid_dpop_proof"' in stale.headers["WWW-Authenticate"]


@pytest.mark.redis
def test_a_remote_resource_server_with_nonces(client, hub, service_client, start_rs):
    rs = start_rs(hub.url, RS_DPOP_NONCES="1")
    key = DPoPKey()
    response = form_post(
        client,
        "/o/token/",
        {"grant_type": "client_credentials", "scope": "read", "resource": RS_AUDIENCE},
        HTTP_DPOP=key.proof("POST", f"{hub.url}/o/token/"),
        **basic_auth(service_client),
    )
    token = response.json()["access_token"]
    for path in VIEWS:
        first = _dpop_get(rs, path, key, token)
        assert first.status_code == 401
        assert 'error="use_dpop_nonce"' in first.headers["WWW-Authenticate"]
        nonce = first.headers["DPoP-Nonce"]
        assert _dpop_get(rs, path, key, token, nonce=nonce).status_code == 200, path
