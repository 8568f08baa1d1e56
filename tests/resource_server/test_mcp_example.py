"""examples/mcp_server, a Django project of its own, run against the live hub: an MCP
client's path from a bare 401 to a tool call, driven over HTTP the way an MCP client
goes (discovery from the challenge, RFC 7591 registration, code + PKCE with RFC 8707
``resource`` through the consent page), per-tool scopes, and refusal once the person
disconnects the app."""

from __future__ import annotations

import pytest
import requests

from ..conftest import Client, approved_token, client_credentials_token, refresh
from .conftest import ResourceServer

pytestmark = pytest.mark.redis
ACCEPT = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}


def rpc(server: ResourceServer, token: str | None, method: str, params: dict | None = None, message_id=1, **headers):
    message = {"jsonrpc": "2.0", "method": method, **({"id": message_id} if message_id is not None else {})}
    if params is not None:
        message["params"] = params
    auth = {"Authorization": f"Bearer {token}"} if token else {}
    return server.session.post(server.url, json=message, headers={**ACCEPT, **auth, **headers}, timeout=10)


def challenge_parameter(header: str, name: str) -> str:
    return header.split(f'{name}="', 1)[1].split('"', 1)[0]


def test_an_mcp_client_goes_from_a_bare_401_to_a_tool_call(client, user, mcp_server, mcp_hub, service_client):
    bare = rpc(mcp_server, None, "initialize", {"protocolVersion": "2025-06-18"})
    assert bare.status_code == 401
    metadata_url = challenge_parameter(bare.headers["WWW-Authenticate"], "resource_metadata")
    assert metadata_url.endswith("/.well-known/oauth-protected-resource/mcp")
    resource = requests.get(metadata_url, timeout=10).json()
    assert resource["resource"] == mcp_server.url
    (issuer,) = resource["authorization_servers"]
    assert issuer == mcp_hub.url and resource["scopes_supported"] == ["mcp:read", "mcp:write"]

    hub_metadata = requests.get(f"{issuer}/.well-known/oauth-authorization-server", timeout=10).json()
    assert "S256" in hub_metadata["code_challenge_methods_supported"]
    registered = requests.post(
        hub_metadata["registration_endpoint"],
        json={
            "client_name": "Example agent",
            "redirect_uris": ["http://127.0.0.1:8765/callback"],
            "token_endpoint_auth_method": "none",
            "scope": "mcp:read",
        },
        timeout=10,
    )
    assert registered.status_code == 201, registered.text
    from oauth2_provider.models import get_application_model

    agent = Client(get_application_model().objects.get(client_id=registered.json()["client_id"]), "")

    client.force_login(user)
    tokens = approved_token(client, agent, scope="mcp:read", resource=mcp_server.url)
    token = tokens["access_token"]

    started = rpc(mcp_server, token, "initialize", {"protocolVersion": "2025-06-18", "capabilities": {}})
    assert started.status_code == 200 and started.json()["result"]["protocolVersion"] == "2025-06-18"
    assert rpc(mcp_server, token, "notifications/initialized", message_id=None).status_code == 202
    listed = rpc(mcp_server, token, "tools/list", **{"MCP-Protocol-Version": "2025-06-18"}).json()
    assert {tool["name"] for tool in listed["result"]["tools"]} == {"whoami", "list_notes", "save_note"}
    whoami = rpc(mcp_server, token, "tools/call", {"name": "whoami", "arguments": {}}).json()["result"]
    text = whoami["content"][0]["text"]
    assert not whoami["isError"] and agent.client_id in text and text.endswith("with the scopes mcp:read.")

    # Per-tool scopes: saving a note needs mcp:write, which this token lacks (step-up challenge).
    narrow = rpc(mcp_server, token, "tools/call", {"name": "save_note", "arguments": {"text": "hi"}})
    assert narrow.status_code == 403
    assert 'error="insufficient_scope"' in narrow.headers["WWW-Authenticate"]
    assert challenge_parameter(narrow.headers["WWW-Authenticate"], "scope") == "mcp:write"

    # A token for the hub's own API is not for this server.
    other = client_credentials_token(client, service_client)["access_token"]
    assert rpc(mcp_server, other, "tools/list").status_code == 401

    # Refresh keeps working until the person disconnects the app; then every token is refused.
    refreshed = refresh(client, agent, tokens["refresh_token"])
    assert refreshed.status_code == 200
    token = refreshed.json()["access_token"]
    assert rpc(mcp_server, token, "tools/list").status_code == 200
    assert client.post("/accounts/apps/disconnect/", {"client_id": agent.client_id}).status_code == 303
    refused = rpc(mcp_server, token, "tools/list")
    assert refused.status_code == 401 and 'error="invalid_token"' in refused.headers["WWW-Authenticate"]


def test_the_transport_refuses_what_it_does_not_serve(client, user, mcp_server, mcp_hub, public_client):
    from oauth_jwt.models import ClientProfile

    ClientProfile.objects.create(client_id=public_client.client_id, allowed_scopes=["mcp:read", "mcp:write"])
    client.force_login(user)
    token = approved_token(client, public_client, scope="mcp:read mcp:write", resource=mcp_server.url)["access_token"]
    auth = {"Authorization": f"Bearer {token}"}
    assert mcp_server.session.get(mcp_server.url, headers=auth, timeout=10).status_code == 405
    assert rpc(mcp_server, token, "tools/list", Origin="https://evil.example").status_code == 403
    assert rpc(mcp_server, token, "tools/list", **{"MCP-Protocol-Version": "1999-01-01"}).status_code == 400
    assert rpc(mcp_server, token, "no/such").json()["error"]["code"] == -32601
    for body in (b"[{", b"[" * 50000):
        bad = mcp_server.session.post(mcp_server.url, data=body, headers={**ACCEPT, **auth}, timeout=10)
        assert bad.status_code == 400 and bad.json()["error"]["code"] == -32700
    saved = rpc(mcp_server, token, "tools/call", {"name": "save_note", "arguments": {"text": "milk"}}).json()
    assert saved["result"]["content"][0]["text"] == "Saved. You have 1 note(s)."
    notes = rpc(mcp_server, token, "tools/call", {"name": "list_notes"}).json()
    assert notes["result"]["content"][0]["text"] == "milk"
    empty = rpc(mcp_server, token, "tools/call", {"name": "save_note", "arguments": {"text": ""}}).json()
    assert empty["result"]["isError"] is True
    unknown = rpc(mcp_server, token, "tools/call", {"name": "rm_rf"}).json()
    assert unknown["error"]["code"] == -32602
