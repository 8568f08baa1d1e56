"""The official MCP Python SDK (``mcp`` on PyPI) as the client: its OAuth provider finds
the live hub from examples/mcp_server's 401, registers itself (RFC 7591), runs code +
PKCE with ``resource`` through the hub's real sign-in and consent pages (driven here
over HTTP, as a person's browser would), and calls the tools with the token."""

from __future__ import annotations

import asyncio
import html
import re
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests

from ..conftest import PASSWORD, REDIRECT_URI

# requirements.txt has the SDK (the main CI pass); the support matrix's pinned sets
# (tests/matrix) do not, and skip this module.
httpx2 = pytest.importorskip("httpx2", reason="the MCP Python SDK is not installed")
pytest.importorskip("mcp", reason="the MCP Python SDK is not installed")
from mcp.client.auth import OAuthClientProvider  # noqa: E402
from mcp.client.session import ClientSession  # noqa: E402
from mcp.client.streamable_http import streamable_http_client  # noqa: E402
from mcp.shared.auth import AuthorizationCodeResult, OAuthClientMetadata  # noqa: E402

pytestmark = pytest.mark.redis
_INPUT = re.compile(r"<input\b[^>]*>", re.IGNORECASE)
_ATTRIBUTE = re.compile(r'(\w+)="([^"]*)"')


class MemoryStorage:
    def __init__(self) -> None:
        self.tokens = None
        self.client_info = None

    async def get_tokens(self):
        return self.tokens

    async def set_tokens(self, tokens) -> None:
        self.tokens = tokens

    async def get_client_info(self):
        return self.client_info

    async def set_client_info(self, client_info) -> None:
        self.client_info = client_info


def form_fields(page: str, action: str) -> dict[str, str]:
    """The named inputs of the form posting to ``action`` (the CSRF token among them)."""
    form = page[page.index(f'action="{action}"') :]
    form = form[: form.index("</form>")]
    fields = {}
    for tag in _INPUT.findall(form):
        attributes = dict(_ATTRIBUTE.findall(tag))
        if "name" in attributes:
            fields[attributes["name"]] = html.unescape(attributes.get("value", ""))
    return fields


class Person:
    """Someone at a browser: signs in on the hub and allows the app on the consent page."""

    def __init__(self, username: str) -> None:
        self.username = username
        self.browser = requests.Session()
        self.consent_pages: list[str] = []

    def authorize(self, url: str) -> str:
        page = self.browser.get(url, timeout=10)  # redirected to the sign-in page
        assert "/accounts/login/" in page.url, page.url
        login = form_fields(page.text, urlsplit(page.url).path)
        login.update(username=self.username, password=PASSWORD)
        consent = self.browser.post(page.url, data=login, timeout=10)
        assert consent.status_code == 200 and "/o/authorize/" in consent.url, consent.text[:500]
        self.consent_pages.append(consent.text)
        allow = form_fields(consent.text, "/o/authorize/")
        allow["allow"] = "true"
        done = self.browser.post(urljoin(consent.url, "/o/authorize/"), data=allow, allow_redirects=False, timeout=10)
        assert done.status_code == 302, done.text[:500]
        return done.headers["Location"]


async def one_session(mcp_url: str, http) -> dict:
    async with (
        streamable_http_client(mcp_url, http_client=http) as (read, write, *_),
        ClientSession(read, write) as session,
    ):
        await session.initialize()
        tools = await session.list_tools()
        whoami = await session.call_tool("whoami", {})
        saved = await session.call_tool("save_note", {"text": "from the SDK"})
    return {
        "tools": [tool.name for tool in tools.tools],
        "whoami": whoami.content[0].text,
        "saved": saved.content[0].text,
    }


async def sdk_sessions(mcp_url: str, person: Person, client_metadata_url: str | None = None) -> tuple[dict, dict, list]:
    """Two sessions with one provider: the first signs the person in, the second starts
    with the access token expired and refreshes it."""
    redirect: dict[str, str] = {}

    async def redirect_handler(authorization_url: str) -> None:
        redirect["location"] = await asyncio.to_thread(person.authorize, authorization_url)

    async def callback_handler() -> AuthorizationCodeResult:
        location = redirect.pop("location")
        assert location.startswith(REDIRECT_URI)
        query = {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}
        return AuthorizationCodeResult(code=query["code"], state=query.get("state"), iss=query.get("iss"))

    provider = OAuthClientProvider(
        server_url=mcp_url,
        client_metadata=OAuthClientMetadata(
            client_name="MCP SDK client",
            redirect_uris=[REDIRECT_URI],
            grant_types=["authorization_code", "refresh_token"],
            response_types=["code"],
            token_endpoint_auth_method="none",
        ),
        storage=MemoryStorage(),
        redirect_handler=redirect_handler,
        callback_handler=callback_handler,
        client_metadata_url=client_metadata_url,
    )
    async with httpx2.AsyncClient(auth=provider, timeout=30) as http:
        first = await one_session(mcp_url, http)
        tokens = [provider.context.current_tokens]
        provider.context.token_expiry_time = 1.0  # long expired: the next request refreshes first
        second = await one_session(mcp_url, http)
        tokens.append(provider.context.current_tokens)
    return first, second, tokens


def run_sdk(coroutine):
    """The SDK's event loop on a thread of its own: the browser tests' Playwright may have
    left one running on this thread."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def test_the_mcp_python_sdk_registers_signs_in_calls_tools_and_refreshes(mcp_server, mcp_hub, user):
    from oauth2_provider.models import get_application_model

    person = Person(user.username)
    first, second, (signed_in, refreshed) = run_sdk(sdk_sessions(mcp_server.url, person))
    assert sorted(first["tools"]) == ["list_notes", "save_note", "whoami"]
    (app,) = get_application_model().objects.filter(registration_source="dcr")
    assert app.name == "MCP SDK client" and app.client_id in first["whoami"]
    assert "mcp:read" in first["whoami"] and first["saved"] == "Saved. You have 1 note(s)."
    (page,) = person.consent_pages  # the refresh needed no second visit
    assert "Not vetted." in page and "This app registered itself" in page
    assert second["saved"] == "Saved. You have 2 note(s)."
    assert refreshed.access_token != signed_in.access_token
    assert refreshed.refresh_token != signed_in.refresh_token  # rotated

    # The person disconnects the app on the hub: the SDK's token is refused at once.
    apps = person.browser.get(urljoin(mcp_hub.url, "/accounts/apps/"), timeout=10)
    disconnect = form_fields(apps.text, "/accounts/apps/disconnect/")
    assert disconnect["client_id"] == app.client_id
    person.browser.post(urljoin(mcp_hub.url, "/accounts/apps/disconnect/"), data=disconnect, timeout=10)
    refused = requests.post(
        mcp_server.url,
        json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"},
        headers={"Authorization": f"Bearer {refreshed.access_token}", "Accept": "application/json, text/event-stream"},
        timeout=10,
    )
    assert refused.status_code == 401 and 'error="invalid_token"' in refused.headers["WWW-Authenticate"]


def test_the_mcp_python_sdk_uses_a_client_id_metadata_document(mcp_server, mcp_hub, user, provider):
    """The hub fetches the document through the hub's policy (answered from a dict here,
    tests/test_client_metadata_documents.py); the SDK registers nothing."""
    from oauth2_provider.models import get_application_model

    from ..test_client_metadata_documents import CLIENT_ID, DOCUMENT, DocumentsFetcher

    DocumentsFetcher.documents = {CLIENT_ID: {**DOCUMENT, "client_name": "MCP SDK by document"}}
    DocumentsFetcher.fetched = []
    provider(CIMD_ENABLED=True, CIMD_METADATA_FETCHER="tests.test_client_metadata_documents.DocumentsFetcher")
    person = Person(user.username)
    first, second, _tokens = run_sdk(sdk_sessions(mcp_server.url, person, client_metadata_url=CLIENT_ID))
    assert CLIENT_ID in first["whoami"] and second["saved"] == "Saved. You have 2 note(s)."
    (app,) = get_application_model().objects.all()
    assert app.client_id == CLIENT_ID and app.registration_source == "cimd" and app.name == "MCP SDK by document"
    (page,) = person.consent_pages
    assert "Described by <strong>agent.example</strong>" in page and "Not vetted." in page
    assert DocumentsFetcher.fetched == [CLIENT_ID]
