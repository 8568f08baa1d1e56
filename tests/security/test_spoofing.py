"""Nothing a request says about where it came from changes who the hub is, and no page
redirects off-site (catalogue C14, C17, C18, C40; RFC 9700 §4.11, §4.13)."""

from __future__ import annotations

import pytest

from ..conftest import (
    PASSWORD,
    authorize,
    basic_auth,
    make_client,
    pkce_pair,
    redirect_params,
    token_request,
)

pytestmark = pytest.mark.django_db

ISSUER = "http://127.0.0.1:8000"
SPOOFED = {
    "HTTP_HOST": "evil.example",
    "HTTP_X_FORWARDED_HOST": "evil.example",
    "HTTP_X_FORWARDED_PROTO": "https",
    "HTTP_FORWARDED": "host=evil.example;proto=https",
}


def test_metadata_ignores_spoofed_host_and_forwarded_headers(client, settings):
    settings.ALLOWED_HOSTS = ["*"]
    for url in ("/.well-known/oauth-authorization-server", "/.well-known/openid-configuration"):
        data = client.get(url, **SPOOFED).json()
        assert data["issuer"] == ISSUER
        assert not any("evil" in str(value) for value in data.values())


def test_issued_tokens_and_authorization_responses_ignore_the_host(client, user, service_client, settings):
    settings.ALLOWED_HOSTS = ["*"]
    from oauth_jwt.resource.verify import verify_access_token
    from oauth_jwt.server import signing_keys

    body = "grant_type=client_credentials&scope=read"
    headers = {**basic_auth(service_client), **SPOOFED}
    token = client.post("/o/token/", body, content_type="application/x-www-form-urlencoded", **headers).json()[
        "access_token"
    ]
    _, claims = verify_access_token(token, signing_keys.public_key)
    assert claims["iss"] == ISSUER

    web = make_client("authorization-code")
    _, challenge = pkce_pair()
    client.force_login(user)
    got = redirect_params(authorize(client, user, web, challenge=challenge))
    assert got["iss"] == ISSUER


def test_an_unknown_host_is_refused_by_default(client):
    response = client.get("/.well-known/oauth-authorization-server", HTTP_HOST="evil.example")
    assert response.status_code == 400


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/", "/\\evil.example", "https:evil.example", "javascript:x"]
)
def test_login_never_redirects_off_site(client, user, next_url):
    response = client.post(f"/accounts/login/?next={next_url}", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    assert "evil" not in response["Location"] and not response["Location"].startswith("javascript")


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/"])
def test_logout_never_redirects_off_site(client, user, next_url):
    client.force_login(user)
    response = client.post(f"/accounts/logout/?next={next_url}")
    assert response.status_code in (200, 302)
    assert "evil" not in response.get("Location", "")


def test_rp_initiated_logout_ignores_unregistered_post_logout_redirects(client, user):
    client.force_login(user)
    response = client.get("/o/logout/", {"post_logout_redirect_uri": "https://evil.example/"})
    assert response.status_code < 500
    assert "evil" not in response.get("Location", "")


def test_a_client_named_like_a_user_does_not_act_as_that_user(client, user):
    """A client-credentials token's subject is its client id, so a client whose id a
    person's ``sub`` could be gets no token at all (RFC 9700 §4.15, RFC 9068 §5)."""
    twin = make_client("client-credentials", client_id=str(user.pk))
    response = token_request(client, twin, grant_type="client_credentials", scope="read")
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


@pytest.mark.parametrize("signed_in", [False, True])
@pytest.mark.parametrize(
    "params",
    [
        {"prompt": "none", "redirect_uri": "https://evil.example/cb"},
        {"scope": "no-such-scope", "redirect_uri": "https://evil.example/cb"},
        {"client_id": "no-such-client", "redirect_uri": "https://evil.example/cb"},
        {"client_id": "no-such-client", "prompt": "none"},
    ],
)
def test_error_redirects_never_go_to_an_unregistered_uri(client, user, web_client, signed_in, params):
    """RFC 9700 §4.11.2: the client and redirect URI are checked before any redirect,
    even before sign-in."""
    if signed_in:
        client.force_login(user)
    _, challenge = pkce_pair()
    query = {
        "response_type": "code",
        "client_id": web_client.client_id,
        "scope": "read",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        **params,
    }
    response = client.get("/o/authorize/", query)
    location = response.get("Location", "")
    assert "evil" not in location
    assert response.status_code == 400 and not location
