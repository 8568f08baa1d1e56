"""Client ID metadata documents (oauth_jwt.server.cimd on DOT's CIMD): off by default;
switched on, a document is held to the hub's registration policy, the client is shown
with its host and never vetted, and the fetch refuses loopback targets.

``DocumentsFetcher`` answers from a dict instead of the network, behind the hub's policy
(``HubPolicyMixin``), as ``PolicyMetadataFetcher`` puts it in front of DOT's fetcher;
the SSRF test uses the real ``PolicyMetadataFetcher``."""

from __future__ import annotations

from http.server import BaseHTTPRequestHandler

import pytest
from oauth2_provider.models import get_application_model

from oauth_jwt.models import ClientProfile
from oauth_jwt.server.cimd import HubPolicyMixin

from .conftest import REDIRECT_URI, Client, approved_token, redirect_params, serve_in_thread

Application = get_application_model()
pytestmark = [pytest.mark.django_db, pytest.mark.oauth_jwt_settings(REGISTRATION_SCOPES=["openid", "read"])]
CLIENT_ID = "https://agent.example/oauth/client.json"
CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
DOCUMENT = {
    "client_id": CLIENT_ID,
    "client_name": "Agent",
    "redirect_uris": [REDIRECT_URI],
    "grant_types": ["authorization_code", "refresh_token"],
    "token_endpoint_auth_method": "none",
}


class _FromDict:
    documents: dict[str, dict] = {}
    fetched: list[str] = []

    def fetch(self, client_id):
        self.fetched.append(client_id)
        from oauth2_provider.cimd import CIMDError

        if client_id not in self.documents:
            raise CIMDError("no such document")
        return dict(self.documents[client_id]), 300


class DocumentsFetcher(HubPolicyMixin, _FromDict):
    pass


@pytest.fixture
def documents(provider):
    DocumentsFetcher.documents = {CLIENT_ID: DOCUMENT}
    DocumentsFetcher.fetched = []
    provider(CIMD_ENABLED=True, CIMD_METADATA_FETCHER=f"{__name__}.DocumentsFetcher")
    return DocumentsFetcher


def authorize(client, client_id=CLIENT_ID, scope="read"):
    return client.get(
        "/o/authorize/",
        {
            "response_type": "code",
            "client_id": client_id,
            "redirect_uri": REDIRECT_URI,
            "scope": scope,
            "code_challenge": CHALLENGE,
            "code_challenge_method": "S256",
        },
    )


def supported(client) -> list:
    return [
        client.get(path).json()["client_id_metadata_document_supported"]
        for path in ("/.well-known/oauth-authorization-server", "/.well-known/openid-configuration")
    ]


def test_off_by_default_nothing_is_fetched(client, user):
    assert supported(client) == [False, False]
    client.force_login(user)
    page = authorize(client)
    assert page.status_code == 400 and b"not registered with this service" in page.content
    assert not Application.objects.exists()


def test_a_document_client_is_shown_with_its_host_not_vetted_and_signs_in(client, user, documents):
    assert supported(client) == [True, True]
    client.force_login(user)
    page = authorize(client)
    assert page.status_code == 200, page.content
    assert "Described by <strong>agent.example</strong>" in page.content.decode()
    assert "Not vetted." in page.content.decode() and "Agent wants to use your account" in page.content.decode()
    app = Application.objects.get(client_id=CLIENT_ID)
    assert app.client_type == Application.CLIENT_PUBLIC
    profile = ClientProfile.objects.get(client_id=CLIENT_ID)
    assert not profile.vetted and profile.allowed_scopes == ["openid", "read"]
    assert approved_token(client, Client(app, ""), scope="read")["access_token"]
    assert documents.fetched == [CLIENT_ID]  # cached for the code and the token request


def test_a_document_client_gets_only_the_registration_scopes(client, user, documents):
    client.force_login(user)
    refused = authorize(client, scope="write")
    assert redirect_params(refused)["error"] == "invalid_scope"


@pytest.mark.parametrize(
    "change",
    [
        {"grant_types": ["implicit"]},
        {"redirect_uris": ["http://agent.example/cb"]},
        {"redirect_uris": [REDIRECT_URI + " https://evil.example/cb"]},
        {"client_uri": "javascript:alert(1)"},
        {"logo_uri": "data:image/png;base64,AAAA"},
        {"client_name": "Agent\x07"},
        {"scope": "read write"},
        {"jwks_uri": "https://10.0.0.1/keys"},
    ],
)
def test_a_document_outside_the_policy_is_an_unknown_client(client, user, documents, change):
    documents.documents = {CLIENT_ID: {**DOCUMENT, **change}}
    client.force_login(user)
    page = authorize(client)
    assert page.status_code == 400 and b"not registered with this service" in page.content
    assert not Application.objects.exists() and not ClientProfile.objects.exists()


class _Counting(BaseHTTPRequestHandler):
    connections = 0

    def setup(self):
        type(self).connections += 1
        super().setup()

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::ffff:127.0.0.1]"])
def test_the_real_fetcher_never_connects_to_loopback(client, user, provider, host):
    provider(CIMD_ENABLED=True)
    _Counting.connections = 0
    server = serve_in_thread(_Counting)
    try:
        client.force_login(user)
        page = authorize(client, client_id=f"https://{host}:{server.server_address[1]}/client.json")
    finally:
        server.shutdown()
    assert page.status_code == 400
    assert _Counting.connections == 0
    assert not Application.objects.exists()
