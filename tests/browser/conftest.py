"""Headless Debian Chromium driven by Playwright against pytest-django's live server.

One browser for the whole session; each test gets a fresh context (cookies, storage).
The client's redirect URI is a small HTTP server on a loopback port.
Screenshots of the pages go to ``test-artifacts/screenshots/``.

Every context gets a listener that records what the pages' Content-Security-Policy
blocked; ``axe(page)`` loads axe-core (npm, pinned in ``package-lock.json``; ``bin/test``
installs it) into the page it checks, through Playwright's evaluate, which that policy
does not govern, and fails on any violation of either. (Loaded into every document
instead, as an init script, its 650 kB cost every navigation of every browser test.)
"""

from __future__ import annotations

import http.server
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from playwright.sync_api import sync_playwright

from oauth_jwt.models import ClientProfile
from tests.conftest import PASSWORD, make_client, pkce_pair

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# around it are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
# axe-core's default rules, and WCAG 2.2's target size (24 px, off by default in axe 4.14),
# except on the filter links of Django's own changelist sidebar (20 px, Django's markup).
AXE_RUN = """async () => {
  const results = await axe.run(document, {resultTypes: ["violations"], rules: {"target-size": {enabled: true}}});
  const django = (node) => document.querySelector(node.target[0])?.closest("#changelist-filter");
  return results.violations
    .map((v) => (v.id === "target-size" ? {...v, nodes: v.nodes.filter((node) => !django(node))} : v))
    .filter((v) => v.nodes.length);
}"""
CSP_LISTENER = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.cspViolations.push(`${e.effectiveDirective} blocked ${e.blockedURI || "inline"}`);
});
"""


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package (bin/test does it as root)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class _CallbackHandler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (http.server's naming)
        if self.path.startswith("/callback"):  # not the browser's /favicon.ico
            self.server.seen.append((self.path, self.headers.get("Referer")))
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write(b"<!DOCTYPE html><title>client</title><p>The client got the response.</p>")

    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def _callback_server():
    """The client's loopback redirect URI (RFC 8252: any port on 127.0.0.1 matches the
    registered ``http://127.0.0.1:8765/callback``)."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _CallbackHandler)
    server.seen = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()


@dataclass
class Callback:
    """What the client's redirect URI received."""

    server: http.server.HTTPServer

    @property
    def redirect_uri(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}/callback"

    @property
    def referers(self) -> list[str | None]:
        return [referer for _, referer in self.server.seen]

    @property
    def params(self) -> dict:
        assert self.server.seen, "the browser never reached the client's redirect URI"
        return {k: v[0] for k, v in parse_qs(urlsplit(self.server.seen[-1][0]).query).items()}

    def wait(self, page) -> dict:
        page.wait_for_url(self.redirect_uri + "?*")
        return self.params


@pytest.fixture
def callback(_callback_server) -> Callback:
    _callback_server.seen.clear()
    return Callback(_callback_server)


@pytest.fixture(scope="session")
def new_context(browser):
    """``browser.new_context`` with the CSP listener in every page."""

    def make(**options):
        context = browser.new_context(**options)
        context.set_default_timeout(10_000)
        context.add_init_script(script=CSP_LISTENER)
        return context

    return make


@pytest.fixture
def page(new_context, live_server):
    context = new_context(base_url=live_server.url, viewport={"width": 1000, "height": 760})
    page = context.new_page()
    yield page
    context.close()


def _describe(violation: dict) -> str:
    nodes = "; ".join(
        f"{' '.join(node['target'])}: {node.get('failureSummary', '').replace(chr(10), ' ')}"
        for node in violation["nodes"]
    )
    return f"{violation['id']} ({violation['impact']}): {violation['help']} -- {nodes}"


@pytest.fixture(scope="session")
def _axe_source() -> str:
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run bin/test (it installs axe-core with npm ci)")
    return AXE.read_text()


@pytest.fixture
def axe(_axe_source):
    """``axe(page)``: run axe-core's rules (WCAG 2.x A/AA, 2.2's target size, best practices)
    on what the page shows now; fail on any violation, or on anything the page's CSP blocked."""

    def check(page) -> None:
        page.wait_for_load_state()
        if page.evaluate("typeof axe") == "undefined":
            page.evaluate(_axe_source)
        blocked = page.evaluate("window.cspViolations")
        assert not blocked, f"{page.url}: the Content-Security-Policy blocked {blocked}"
        found = [_describe(violation) for violation in page.evaluate(AXE_RUN)]
        assert not found, f"{page.url} ({page.title()}):\n" + "\n".join(found)

    return check


@pytest.fixture
def shoot():
    def save(page, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save


@pytest.fixture
def spa_client(transactional_db, live_server):
    """A public client (PKCE, no secret) with a profile, as a single-page or native app."""
    c = make_client("authorization-code", "public", name="Photo Printer")
    ClientProfile.objects.create(
        client_id=c.client_id,
        homepage="https://photos.example/",
        logo_uri=f"{live_server.url}/static/authhub/demo-logo.svg",
    )
    return c


def authorize_url(c, redirect_uri: str, scope="read", state="st4te", **extra) -> tuple[str, str]:
    """The authorize URL and the PKCE verifier that goes with it."""
    verifier, challenge = pkce_pair()
    query = {
        "response_type": "code",
        "client_id": c.client_id,
        "redirect_uri": redirect_uri,
        "scope": scope,
        "state": state,
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        **extra,
    }
    return "/o/authorize/?" + urlencode(query), verifier


def sign_in(page, username="alice", password=PASSWORD):
    """Fill and send the sign-in form; return once the answer has loaded, however slowly."""
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()


def allow_new_app(page, callback, client, **params) -> str:
    """Start at the client, sign in, allow; return the PKCE verifier."""
    url, verifier = authorize_url(client, callback.redirect_uri, **params)
    page.goto(url)
    sign_in(page)
    page.get_by_role("button", name="Allow").click()
    callback.wait(page)
    return verifier
