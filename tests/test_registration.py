"""RFC 7591 client registration and RFC 7592 management (oauth_jwt.server.registration):
off by default, open or behind an initial access token, bounded by the hub's policy,
throttled per address; registered clients are not vetted until staff vet them."""

from __future__ import annotations

import json

import pytest
from oauth2_provider.models import get_application_model

from oauth_jwt.models import ClientProfile, ClientRegistration

from .conftest import REDIRECT_URI, Client, approved_token, bearer, refresh

Application = get_application_model()
pytestmark = pytest.mark.django_db
REGISTER = "/o/register/"
INITIAL_TOKEN = "i" * 40
OPEN = {"REGISTRATION": "open", "REGISTRATION_SCOPES": ["openid", "read"]}
METADATA = {
    "client_name": "Agent",
    "redirect_uris": [REDIRECT_URI],
    "grant_types": ["authorization_code", "refresh_token"],
    "response_types": ["code"],
    "token_endpoint_auth_method": "none",
    "client_uri": "https://agent.example/",
}


def register(client, metadata=None, **headers):
    body = json.dumps(METADATA if metadata is None else metadata)
    return client.post(REGISTER, body, content_type="application/json", **headers)


def registered(client, metadata=None) -> dict:
    response = register(client, metadata)
    assert response.status_code == 201, response.content
    return response.json()


def management(client, method: str, answer: dict, body=None, token=None):
    url = answer["registration_client_uri"].split("://", 1)[1].partition("/")[2]
    headers = bearer(answer["registration_access_token"] if token is None else token)
    call = getattr(client, method)
    if body is None:
        return call("/" + url, **headers)
    return call("/" + url, json.dumps(body), content_type="application/json", **headers)


def metadata_documents(client) -> list[dict]:
    return [
        client.get(path).json()
        for path in ("/.well-known/oauth-authorization-server", "/.well-known/openid-configuration")
    ]


def test_registration_is_off_by_default(client):
    assert register(client).status_code == 404
    assert not Application.objects.exists()
    assert all("registration_endpoint" not in doc for doc in metadata_documents(client))


@pytest.mark.oauth_jwt_settings(**OPEN)
def test_open_registration_gives_a_public_pkce_client_that_is_not_vetted(client):
    answer = registered(client)
    app = Application.objects.get(client_id=answer["client_id"])
    assert app.client_type == Application.CLIENT_PUBLIC
    assert app.authorization_grant_type == Application.GRANT_AUTHORIZATION_CODE
    assert app.registration_source == Application.RegistrationSource.DCR
    assert app.redirect_uris == REDIRECT_URI and app.name == "Agent"
    profile = ClientProfile.objects.get(client_id=app.client_id)
    assert not profile.vetted and profile.allowed_scopes == ["openid", "read"]
    assert profile.homepage == "https://agent.example/"
    assert answer["token_endpoint_auth_method"] == "none" and "client_secret" not in answer
    assert answer["scope"] == "openid read" and answer["grant_types"] == ["authorization_code", "refresh_token"]
    assert answer["registration_access_token"]
    assert answer["registration_client_uri"].endswith(f"/o/register/{app.client_id}/")
    # Only a checksum of the registration access token is kept, and not in DOT's token table.
    assert ClientRegistration.objects.get(client_id=app.client_id).token_checksum != answer["registration_access_token"]
    assert not app.accesstoken_set.exists()
    for doc in metadata_documents(client):
        assert doc["registration_endpoint"].endswith("/o/register/")


@pytest.mark.oauth_jwt_settings(**OPEN)
def test_a_registered_client_signs_a_person_in_with_pkce_and_refreshes(client, user):
    answer = registered(client)
    c = Client(Application.objects.get(client_id=answer["client_id"]), "")
    client.force_login(user)
    page = client.get(
        "/o/authorize/",
        {
            "response_type": "code",
            "client_id": c.client_id,
            "redirect_uri": REDIRECT_URI,
            "scope": "read",
            "code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
            "code_challenge_method": "S256",
        },
    )
    assert page.status_code == 200
    assert "Not vetted." in page.content.decode() and "This app registered itself" in page.content.decode()
    tokens = approved_token(client, c, scope="read")
    assert refresh(client, c, tokens["refresh_token"]).status_code == 200


@pytest.mark.oauth_jwt_settings(**OPEN)
def test_a_registered_client_gets_only_the_registration_scopes(client, user):
    answer = registered(client)
    c = Client(Application.objects.get(client_id=answer["client_id"]), "")
    client.force_login(user)
    page = client.get(
        "/o/authorize/",
        {
            "response_type": "code",
            "client_id": c.client_id,
            "redirect_uri": REDIRECT_URI,
            "scope": "write",
            "code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
            "code_challenge_method": "S256",
        },
    )
    assert page.status_code == 302 and "error=invalid_scope" in page["Location"]


@pytest.mark.oauth_jwt_settings(**OPEN)
@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"token_endpoint_auth_method": "client_secret_basic"}, "invalid_client_metadata"),
        (
            {"token_endpoint_auth_method": "private_key_jwt", "jwks_uri": "https://10.0.0.1/jwks"},
            "invalid_client_metadata",
        ),
        ({"jwks_uri": "https://169.254.169.254/latest/meta-data/"}, "invalid_client_metadata"),
        ({"jwks": {"keys": []}}, "invalid_client_metadata"),
        ({"grant_types": ["client_credentials"]}, "invalid_client_metadata"),
        ({"grant_types": ["refresh_token"]}, "invalid_client_metadata"),
        (
            {"grant_types": ["authorization_code", "urn:ietf:params:oauth:grant-type:device_code"]},
            "invalid_client_metadata",
        ),
        ({"grant_types": "authorization_code"}, "invalid_client_metadata"),
        ({"response_types": ["token"]}, "invalid_client_metadata"),
        ({"scope": "read write"}, "invalid_client_metadata"),
        ({"scope": ["read"]}, "invalid_client_metadata"),
        ({"client_uri": "javascript:alert(1)"}, "invalid_client_metadata"),
        ({"logo_uri": "data:image/svg+xml,<svg onload=alert(1)>"}, "invalid_client_metadata"),
        ({"policy_uri": "http://example.com/policy"}, "invalid_client_metadata"),
        ({"tos_uri": "https://user:pw@example.com/tos"}, "invalid_client_metadata"),
        ({"client_name": "Agent\u202e\u0000"}, "invalid_client_metadata"),
        ({"client_name": "x" * 101}, "invalid_client_metadata"),
        ({"client_name": 7}, "invalid_client_metadata"),
        ({"redirect_uris": []}, "invalid_redirect_uri"),
        ({"redirect_uris": "https://agent.example/cb"}, "invalid_client_metadata"),
        ({"redirect_uris": ["http://agent.example/cb"]}, "invalid_redirect_uri"),
        ({"redirect_uris": ["https://agent.example/cb#frag"]}, "invalid_redirect_uri"),
        ({"redirect_uris": ["https://agent.example/cb https://evil.example/cb"]}, "invalid_redirect_uri"),
        ({"redirect_uris": ["com.example.app:/callback"]}, "invalid_redirect_uri"),
        ({"redirect_uris": ["/relative"]}, "invalid_redirect_uri"),
        ({"redirect_uris": ["https://user:pw@agent.example/cb"]}, "invalid_redirect_uri"),
        ({"redirect_uris": ["https://[::1/cb"]}, "invalid_redirect_uri"),
        ({"redirect_uris": [f"https://agent.example/{i}" for i in range(11)]}, "invalid_redirect_uri"),
    ],
)
def test_metadata_outside_the_policy_is_refused_with_the_rfc_7591_error(client, change, error):
    response = register(client, {**METADATA, **change})
    assert response.status_code == 400, response.content
    assert response.json()["error"] == error
    assert not Application.objects.exists()


@pytest.mark.oauth_jwt_settings(**OPEN)
@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("[" * 50000, "application/json"),
        ("{not json", "application/json"),
        ("[]", "application/json"),
        ('"x"', "application/json"),
        ("redirect_uris=x", "application/x-www-form-urlencoded"),
        (b"\xff\xfe", "application/json"),
    ],
)
def test_a_body_that_is_not_a_json_object_is_invalid_client_metadata(client, body, content_type):
    response = client.post(REGISTER, body, content_type=content_type)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_client_metadata"


@pytest.mark.oauth_jwt_settings(**OPEN)
def test_loopback_http_and_defaults(client):
    answer = registered(client, {"redirect_uris": ["http://[::1]:8000/cb", "https://agent.example/cb"]})
    assert answer["client_name"] == "::1" and answer["token_endpoint_auth_method"] == "none"
    assert answer["scope"] == "openid read"
    assert "client_uri" not in answer and "logo_uri" not in answer


@pytest.mark.oauth_jwt_settings(**OPEN)
def test_only_post_is_served(client):
    assert client.get(REGISTER).status_code == 405


@pytest.mark.oauth_jwt_settings(
    REGISTRATION="initial_access_token",
    REGISTRATION_SCOPES=["read"],
    REGISTRATION_INITIAL_ACCESS_TOKENS=[INITIAL_TOKEN],
)
def test_an_initial_access_token_is_required_when_so_configured(client):
    for headers in ({}, bearer("i" * 39), bearer("wrong" * 10), {"HTTP_AUTHORIZATION": f"Basic {INITIAL_TOKEN}"}):
        response = register(client, **headers)
        assert response.status_code == 401
        assert response.json()["error"] == "invalid_token"
        assert response["WWW-Authenticate"].startswith('Bearer error="invalid_token"')
    assert not Application.objects.exists()
    assert register(client, **bearer(INITIAL_TOKEN)).status_code == 201


@pytest.mark.oauth_jwt_settings(**OPEN, REGISTRATION_MAX_PER_ADDRESS=2)
def test_registration_is_throttled_per_address(client):
    assert register(client).status_code == 201
    assert register(client, {"redirect_uris": ["ftp://x"]}).status_code == 400
    throttled = register(client)
    assert throttled.status_code == 429 and throttled["Retry-After"] == "3600"
    assert throttled.json()["error"] == "temporarily_unavailable"
    assert register(client, REMOTE_ADDR="192.0.2.7").status_code == 201
    assert Application.objects.count() == 2


@pytest.mark.oauth_jwt_settings(**OPEN)
def test_rfc_7592_read_update_delete(client, api):
    answer = registered(client)
    client_id = answer["client_id"]
    read = management(client, "get", answer)
    assert read.status_code == 200 and read["Cache-Control"] == "no-store"
    assert read.json()["redirect_uris"] == [REDIRECT_URI] and read.json()["client_id"] == client_id
    ClientProfile.objects.filter(client_id=client_id).update(vetted=True)

    changed = {**METADATA, "client_id": client_id, "redirect_uris": ["https://agent.example/new"], "scope": "read"}
    updated = management(client, "put", answer, changed)
    assert updated.status_code == 200, updated.content
    assert Application.objects.get(client_id=client_id).redirect_uris == "https://agent.example/new"
    profile = ClientProfile.objects.get(client_id=client_id)
    assert profile.allowed_scopes == ["read"] and not profile.vetted  # staff look again
    bad = management(client, "put", answer, {**changed, "redirect_uris": ["http://evil.example/"]})
    assert bad.status_code == 400 and bad.json()["error"] == "invalid_redirect_uri"
    other = management(client, "put", answer, {**changed, "client_id": "someone-else"})
    assert other.status_code == 400 and other.json()["error"] == "invalid_client_metadata"

    # The registration access token is no bearer token for the hub's API.
    assert api(answer["registration_access_token"]).status_code == 401

    assert management(client, "delete", answer).status_code == 204
    assert not Application.objects.filter(client_id=client_id).exists()
    assert not ClientProfile.objects.filter(client_id=client_id).exists()
    assert not ClientRegistration.objects.exists()
    assert management(client, "get", answer).status_code == 401


@pytest.mark.oauth_jwt_settings(**OPEN)
def test_rfc_7592_needs_this_clients_registration_access_token(client, web_client):
    first, second = registered(client), registered(client)
    for token in ("", "nonsense", second["registration_access_token"]):
        response = management(client, "get", first, token=token)
        assert response.status_code == 401 and response.json()["error"] == "invalid_token"
        assert response["WWW-Authenticate"].startswith("Bearer")
    assert management(client, "delete", first, token=second["registration_access_token"]).status_code == 401
    # A client the hub's staff registered cannot be reached through the endpoint at all.
    manual = {**first, "registration_client_uri": f"https://x/o/register/{web_client.client_id}/"}
    assert management(client, "get", manual).status_code == 401
    assert Application.objects.filter(client_id=first["client_id"]).exists()


@pytest.mark.oauth_jwt_settings(REGISTRATION="open")
def test_no_client_registers_while_no_scope_is_open_to_registration(client):
    """An empty list on a profile would read 'every scope' (oauth_jwt.E121 names the setting)."""
    response = register(client)
    assert response.status_code == 400 and response.json()["error"] == "invalid_client_metadata"
    assert not Application.objects.exists()


# --- back-channel logout (OpenID Connect Back-Channel Logout 1.0 §2.2) -----------------------


@pytest.mark.oauth_jwt_settings(**OPEN)
def test_a_client_registers_its_back_channel_logout_uri(client):
    metadata = {
        **METADATA,
        "backchannel_logout_uri": "https://agent.example/backchannel",
        "backchannel_logout_session_required": True,
    }
    answer = registered(client, metadata)
    assert answer["backchannel_logout_uri"] == "https://agent.example/backchannel"
    assert answer["backchannel_logout_session_required"] is True
    profile = ClientProfile.objects.get(client_id=answer["client_id"])
    assert profile.backchannel_logout_uri == "https://agent.example/backchannel"
    assert profile.backchannel_logout_session_required is True
    read = management(client, "get", answer).json()
    assert read["backchannel_logout_uri"] == "https://agent.example/backchannel"


@pytest.mark.oauth_jwt_settings(**OPEN)
@pytest.mark.parametrize(
    "change",
    [
        {"backchannel_logout_uri": "http://127.0.0.1:8000/logout"},  # the hub's own machine
        {"backchannel_logout_uri": "https://localhost/logout"},
        {"backchannel_logout_uri": "https://app.localhost/logout"},
        {"backchannel_logout_uri": "https://10.0.0.7/logout"},
        {"backchannel_logout_uri": "https://169.254.169.254/latest/meta-data"},
        {"backchannel_logout_uri": "https://[::1]/logout"},
        {"backchannel_logout_uri": "https://[::ffff:127.0.0.1]/logout"},
        {"backchannel_logout_uri": "http://agent.example/logout"},
        {"backchannel_logout_uri": "https://agent.example/logout#frag"},
        {"backchannel_logout_uri": "https://user:pw@agent.example/logout"},
        {"backchannel_logout_uri": ["https://agent.example/logout"]},
        {"backchannel_logout_uri": "https://agent.example/" + "a" * 2100},
        {"backchannel_logout_uri": "https://agent.example/logout", "backchannel_logout_session_required": "yes"},
        {"backchannel_logout_session_required": True},
    ],
)
def test_a_back_channel_logout_uri_outside_the_policy_is_refused(client, change):
    response = register(client, {**METADATA, **change})
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_client_metadata"
    assert not Application.objects.exists()
