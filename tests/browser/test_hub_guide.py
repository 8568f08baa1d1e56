"""docs/hub.md is the test: a second project built only from the guide's snippets, with
oauth_jwt installed from the wheel into a fresh virtualenv, served by its own runserver.

It passes ``check --deploy`` without errors, creates clients in its admin, runs the
authorization code flow with PKCE through its own pages in Chromium, refreshes, revokes,
introspects, locks out after 5 wrong passwords and refuses a bearer token at its admin;
its device flow names a verification URI, its home page leads to the connected apps, and
its pages, as the app ships them, carry its own name, never authhub's, and pass axe-core.

Slow (a virtualenv and a server of its own, about a minute and a half), so it carries the
``guide`` marker, which the default run deselects (pyproject's ``addopts``) to keep
``bin/test`` well under ten minutes: ``bin/test -m guide`` runs it, and ``.ci/run`` runs it
once, in its SQLite pass (the guide's project has its own SQLite database whatever the
suite runs on).
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import secrets
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import pytest
import requests
from playwright.sync_api import expect

from ..conftest import REPO
from ..guides import apply, fresh_venv, run, snippets

pytestmark = [pytest.mark.guide, pytest.mark.browser, pytest.mark.redis]

GUIDE = REPO / "docs" / "hub.md"
REDIS = os.environ.get("GUIDE_TEST_REDIS_URL", "redis://127.0.0.1:6379")
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
STAFF, STAFF_PASSWORD = "root", "guide-" + secrets.token_urlsafe(12)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Hub:
    url: str
    python: Path
    root: Path
    env: dict

    def manage(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(self.python), "manage.py", *args], cwd=self.root, env=self.env, capture_output=True, text=True
        )


@pytest.fixture(scope="module")
def hub(wheel, tmp_path_factory):
    base = tmp_path_factory.mktemp("hub-guide")
    python = fresh_venv(base / "venv", f"{wheel}[redis]")
    run(base / "venv" / "bin" / "django-admin", "startproject", "hub", cwd=base)
    root = base / "hub"
    apply(snippets(GUIDE.read_text()), root / "hub")
    port = free_port()
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(base),
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "OAUTH_JWT_KEY_SECRET": secrets.token_urlsafe(48),
        "HUB_ISSUER": f"http://127.0.0.1:{port}",
        "CACHE_URL": f"{REDIS}/14",
        "DENYLIST_CACHE_URL": f"{REDIS}/15",
        "DJANGO_SUPERUSER_PASSWORD": STAFF_PASSWORD,
    }
    hub = Hub(f"http://127.0.0.1:{port}", python, root, env)
    first_run = (
        ("migrate", "--noinput"),
        ("createsuperuser", "--noinput", "--username", STAFF, "--email", "root@example.com"),
    )
    for args in first_run:
        done = hub.manage(*args)
        assert done.returncode == 0, done.stdout + done.stderr
    log = (base / "runserver.log").open("wb")
    server = subprocess.Popen(
        [str(python), "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload", "--insecure"],
        cwd=root,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_for(server, port, base / "runserver.log")
        yield hub
    finally:
        server.terminate()
        server.wait(10)
        log.close()


def _wait_for(server: subprocess.Popen, port: int, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"the guide's hub exited:\n{log.read_text()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"the guide's hub did not start:\n{log.read_text()}")


def test_the_project_runs_the_wheel_and_passes_check_deploy(hub):
    where = hub.manage("shell", "-c", "import oauth_jwt; print(oauth_jwt.__file__)")
    assert str(hub.python.parent.parent) in where.stdout and str(REPO) not in where.stdout
    done = hub.manage("check", "--deploy", "--fail-level", "ERROR")
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    ours = set(re.findall(r"\((oauth_jwt\.\w+|oauth2_provider\.\w+)\)", output))
    assert ours <= {"oauth_jwt.W030"}, output  # W030: this test serves the hub over http


@pytest.fixture
def context(browser):
    context = browser.new_context(viewport={"width": 1000, "height": 760})
    context.set_default_timeout(20_000)
    yield context
    context.close()


def add_client(page, hub: Hub, **fields: str) -> str | None:
    """Fill the admin's add form; return the secret it shows once, if any."""
    page.goto(f"{hub.url}/admin/oauth2_provider/application/add/")
    for name in ("name", "client_id", "redirect_uris", "served_resources"):
        if name in fields:
            page.fill(f"#id_{name}", fields[name])
    page.check(f'input[name=client_type][value="{fields["client_type"]}"]')
    page.check(f'input[name=authorization_grant_type][value="{fields["grant"]}"]')
    page.click("input[name=_save]")
    if fields["client_type"] == "confidential":
        return page.input_value(".oauth-jwt-secret-value")
    page.wait_for_url(f"{hub.url}/admin/oauth2_provider/application/")
    assert fields["client_id"] in page.locator("#result_list").inner_text()
    return None


def sign_in(page, username: str, password: str) -> None:
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def test_clients_code_pkce_refresh_introspect_revoke_and_no_bearer_admin(hub, context, callback, axe):
    admin = context.new_page()
    admin.goto(f"{hub.url}/admin/login/?next=/admin/")
    admin.fill("#id_username", STAFF)
    admin.fill("#id_password", STAFF_PASSWORD)
    admin.click("input[type=submit]")
    expect(admin.locator("#oauth-jwt-dashboard")).to_be_visible()
    add_client(
        admin,
        hub,
        name="Shop app",
        client_id="shop-native",
        client_type="public",
        grant="authorization-code",
        redirect_uris=callback.redirect_uri,
    )
    rs_secret = add_client(
        admin,
        hub,
        name="Reports API",
        client_id="reports-rs",
        client_type="confidential",
        grant="client-credentials",
        served_resources=f"{hub.url}/api/",
    )
    assert rs_secret
    add_client(admin, hub, name="TV app", client_id="shop-tv", client_type="public", grant=DEVICE_GRANT)
    device = requests.post(f"{hub.url}/o/device-authorization/", data={"client_id": "shop-tv"}, timeout=10)
    assert device.status_code == 200 and device.json()["verification_uri"] == f"{hub.url}/o/device/"

    person = context.browser.new_context()
    page = person.new_page()
    home = requests.get(f"{hub.url}/", allow_redirects=False, timeout=10)
    assert home.status_code == 302 and home.headers["Location"] == "/accounts/apps/"
    page.goto(f"{hub.url}/accounts/login/")
    expect(page).to_have_title("Sign in · 127.0.0.1")  # the hub's own name, no template override
    assert "authhub" not in page.content().lower()
    axe(page)  # the pages as the app ships them, without authhub's template overrides
    sign_in(page, STAFF, STAFF_PASSWORD)
    page.wait_for_url(f"{hub.url}/accounts/apps/")
    assert "authhub" not in page.content().lower()
    axe(page)
    verifier, challenge = pkce_pair()
    query = {
        "response_type": "code",
        "client_id": "shop-native",
        "redirect_uri": callback.redirect_uri,
        "scope": "read",
        "state": "guide",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    page.goto(f"{hub.url}/o/authorize/?{urlencode(query)}")
    expect(page).to_have_title(re.compile(r" · 127\.0\.0\.1$"))
    assert "authhub" not in page.content().lower()
    axe(page)
    page.get_by_role("button", name="Allow").click()
    params = callback.wait(page)
    person.close()
    assert params["state"] == "guide" and params["iss"] == hub.url

    token_url = f"{hub.url}/o/token/"
    code = {"grant_type": "authorization_code", "client_id": "shop-native", "code": params["code"]}
    code.update(redirect_uri=callback.redirect_uri, code_verifier=verifier)
    tokens = requests.post(token_url, data=code, timeout=10).json()
    refresh = {"grant_type": "refresh_token", "client_id": "shop-native", "refresh_token": tokens["refresh_token"]}
    refreshed = requests.post(token_url, data=refresh, timeout=10).json()
    access = refreshed["access_token"]
    assert access != tokens["access_token"] and refreshed["refresh_token"] != tokens["refresh_token"]
    bearer = {"Authorization": f"Bearer {access}"}

    me = requests.get(f"{hub.url}/api/me", headers=bearer, timeout=10)
    assert me.status_code == 200 and me.json()["client_id"] == "shop-native"
    staff_page = requests.get(f"{hub.url}/admin/", headers=bearer, allow_redirects=False, timeout=10)
    assert staff_page.status_code == 302 and "/admin/login/" in staff_page.headers["Location"]
    add_user = {"username": "mallory", "password1": "x-Very-l0ng-pass", "password2": "x-Very-l0ng-pass"}
    posted = requests.post(
        f"{hub.url}/admin/auth/user/add/", data=add_user, headers=bearer, allow_redirects=False, timeout=10
    )
    assert posted.status_code in (302, 403) and "mallory" not in admin_users(admin, hub)

    def introspect() -> dict:
        answer = requests.post(
            f"{hub.url}/o/introspect/", data={"token": access}, auth=("reports-rs", rs_secret), timeout=10
        )
        assert answer.status_code == 200, answer.text
        return answer.json()

    assert introspect()["active"] is True and introspect()["sub"]
    revoked = requests.post(
        f"{hub.url}/o/revoke_token/", data={"token": access, "client_id": "shop-native"}, timeout=10
    )
    assert revoked.status_code == 200
    assert introspect() == {"active": False}
    assert requests.get(f"{hub.url}/api/me", headers=bearer, timeout=10).status_code == 401


def admin_users(page, hub: Hub) -> str:
    page.goto(f"{hub.url}/admin/auth/user/")
    return page.locator("#result_list").inner_text()


def test_five_wrong_passwords_lock_out(hub, context, axe):
    page = context.new_page()
    page.goto(f"{hub.url}/accounts/login/")
    for _ in range(4):
        sign_in(page, "shopper", "not it")
        expect(page.get_by_role("alert")).to_be_visible()
    with page.expect_response(lambda r: r.url.endswith("/accounts/login/") and r.request.method == "POST") as info:
        sign_in(page, "shopper", "not it")
    assert info.value.status == 429
    assert page.get_by_role("heading", level=1).inner_text() == "Too many sign-in attempts"
    axe(page)
