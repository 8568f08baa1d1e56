"""docs/resource-server.md, followed verbatim: the wheel installed on its own, a fresh
``startproject``, the guide's blocks appended to its files, run against a live hub."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from oauth_jwt.models import ClientProfile
from oauth_jwt.resource import dpop
from oauth_jwt.server.provider_settings import provider_settings

from .. import guides
from ..conftest import basic_auth, client_credentials_token, form_post, make_client
from ..dpop_client import DPoPKey
from .conftest import REPO, ResourceServer, free_port, redis_url, wait_until_listening

pytestmark = pytest.mark.redis

GUIDE = REPO / "docs" / "resource-server.md"
AUDIENCE = "http://127.0.0.1:8001/api/"


def run(*args: str, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(args, capture_output=True, text=True, timeout=300, **kwargs)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    """The wheel alone on the path (the checkout is not importable from the project)."""
    site = tmp_path_factory.mktemp("site")
    run(sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(site), str(wheel))
    return site


def build_project(tmp_path: Path, variant: str = "") -> Path:
    root = tmp_path / f"project-{variant or 'base'}"
    root.mkdir()
    run(sys.executable, "-m", "django", "startproject", "reports", str(root), cwd=tmp_path)
    guides.apply(guides.snippets(GUIDE), root / "reports", variant)
    return root


def environment(installed: Path, hub_url: str, **extra: str) -> dict[str, str]:
    # The guide's project is not this test run: not its settings, path, nor the browser
    # tests' DJANGO_ALLOW_ASYNC_UNSAFE (check --deploy refuses it, as it should).
    inherited = ("DJANGO_SETTINGS_MODULE", "PYTHONPATH", "DJANGO_ALLOW_ASYNC_UNSAFE")
    env = {k: v for k, v in os.environ.items() if k not in inherited}
    return {**env, "PYTHONPATH": str(installed), "AUTHHUB_URL": hub_url, "DENYLIST_REDIS_URL": redis_url(), **extra}


@pytest.fixture
def start_project(installed, tmp_path):
    started: list[ResourceServer] = []

    def start(hub_url: str, variant: str = "", **extra: str) -> ResourceServer:
        root = build_project(tmp_path, variant)
        env = environment(installed, hub_url, **extra)
        # Quiet as it is, and no errors under --deploy (its warnings are about the
        # startproject defaults the guide leaves alone: DEBUG, SECRET_KEY, transport).
        for check in (["check", "--fail-level", "WARNING"], ["check", "--deploy", "--fail-level", "ERROR"]):
            done = subprocess.run(
                [sys.executable, "manage.py", *check], cwd=root, env=env, capture_output=True, text=True, timeout=120
            )
            assert done.returncode == 0, done.stdout + done.stderr
        where = run(sys.executable, "-c", "import oauth_jwt; print(oauth_jwt.__file__)", cwd=root, env=env)
        assert where.stdout.startswith(str(installed))  # the wheel, not the checkout
        port = free_port()
        log = tmp_path / f"rs-{variant or 'base'}.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
                cwd=root,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        server = ResourceServer(f"http://127.0.0.1:{port}", process, log)
        started.append(server)
        wait_until_listening(server, port)
        return server

    yield start
    for server in started:
        server.stop()


def revoke(client, service, token: str) -> None:
    assert form_post(client, "/o/revoke_token/", {"token": token}, **basic_auth(service)).status_code == 200


def test_the_guide_builds_a_denylist_resource_server(client, hub, service_client, start_project):
    rs = start_project(hub.url)
    token = client_credentials_token(client, service_client, scope="read write", resource=AUDIENCE)["access_token"]
    reports = rs.get("/api/reports", token)
    assert reports.status_code == 200, reports.text
    assert reports.json() == {"sub": service_client.client_id, "client_id": service_client.client_id}
    assert rs.post("/api/publish", token).status_code == 200
    narrow = client_credentials_token(client, service_client, scope="read", resource=AUDIENCE)["access_token"]
    assert 'scope="write"' in rs.post("/api/publish", narrow).headers["WWW-Authenticate"]
    missing = rs.get("/api/reports")
    assert missing.status_code == 401
    metadata_url = f"{AUDIENCE.removesuffix('/api/')}/.well-known/oauth-protected-resource/api/"
    assert f'resource_metadata="{metadata_url}"' in missing.headers["WWW-Authenticate"]
    document = rs.get("/.well-known/oauth-protected-resource/api/").json()
    assert document == {
        "resource": AUDIENCE,
        "authorization_servers": [hub.url],
        "bearer_methods_supported": ["header"],
        "dpop_signing_alg_values_supported": list(dpop.ALGORITHMS),
    }
    revoke(client, service_client, token)
    refused = rs.get("/api/reports", token)
    assert refused.status_code == 401 and "revoked" in refused.headers["WWW-Authenticate"]


def test_the_guides_resource_server_takes_dpop_bound_tokens(client, hub, service_client, start_project):
    """Section 7 at a resource server running from the wheel: the DRF view, ``@require_token``
    and the middleware take a bound token only with ``Authorization: DPoP`` and a fresh proof
    of its key for this request."""
    rs = start_project(hub.url)
    key = DPoPKey()
    response = form_post(
        client,
        "/o/token/",
        {"grant_type": "client_credentials", "scope": "read write", "resource": AUDIENCE},
        HTTP_DPOP=key.proof("POST", f"{hub.url}/o/token/"),
        **basic_auth(service_client),
    )
    assert response.status_code == 200, response.content
    assert response.json()["token_type"] == "DPoP"
    token = response.json()["access_token"]

    def send(method: str, path: str, proof: str, scheme: str = "DPoP"):
        headers = {"Authorization": f"{scheme} {token}", "DPoP": proof}
        return rs.session.request(method, rs.url + path, headers=headers, timeout=10)

    for method, path in (("GET", "/api/reports"), ("POST", "/api/publish")):
        proof = key.proof(method, rs.url + path, token)
        good = send(method, path, proof)
        assert good.status_code == 200, (path, good.text)
        replayed = send(method, path, proof)
        assert replayed.status_code == 401
        assert 'error="invalid_dpop_proof"' in replayed.headers["WWW-Authenticate"]
        for bad in (
            DPoPKey().proof(method, rs.url + path, token),  # another key
            key.proof("PUT", rs.url + path, token),  # another method
            key.proof(method, f"{rs.url}/api/other", token),  # another URL
            key.proof(method, rs.url + path, "another token"),  # another token's ath
        ):
            refused = send(method, path, bad)
            assert refused.status_code == 401, (path, refused.text)
            assert refused.headers["WWW-Authenticate"].startswith("DPoP "), refused.headers
            assert 'error="invalid_dpop_proof"' in refused.headers["WWW-Authenticate"]
            assert 'algs="' in refused.headers["WWW-Authenticate"]
        as_bearer = rs.session.request(method, rs.url + path, headers={"Authorization": f"Bearer {token}"}, timeout=10)
        assert as_bearer.status_code == 401
        assert as_bearer.headers["WWW-Authenticate"].startswith("DPoP "), as_bearer.headers
        assert 'error="invalid_token"' in as_bearer.headers["WWW-Authenticate"]
    bearer = client_credentials_token(client, service_client, scope="read", resource=AUDIENCE)["access_token"]
    assert rs.get("/api/reports", bearer).status_code == 200


def test_the_guide_builds_an_introspection_resource_server(client, hub, service_client, start_project):
    own = make_client("client-credentials", name="Reports API")
    ClientProfile.objects.create(client_id=own.client_id, served_resources=[AUDIENCE])
    rs = start_project(
        hub.url, "introspection", INTROSPECTION_CLIENT_ID=own.client_id, INTROSPECTION_CLIENT_SECRET=own.secret
    )
    token = client_credentials_token(client, service_client, resource=AUDIENCE)["access_token"]
    assert rs.get("/api/reports", token).status_code == 200
    other = client_credentials_token(client, service_client, resource=AUDIENCE)["access_token"]
    revoke(client, service_client, other)
    refused = rs.get("/api/reports", other)
    assert refused.status_code == 401 and "no longer active" in refused.headers["WWW-Authenticate"]


def test_a_scope_added_on_the_hub_as_the_guide_says_can_be_granted(client, service_client, settings):
    settings.OAUTH2_PROVIDER = {
        **settings.OAUTH2_PROVIDER,
        "SCOPES": {**provider_settings()["SCOPES"], "reports:read": "Read your reports"},
    }
    body = client_credentials_token(client, service_client, scope="reports:read", resource=AUDIENCE)
    assert body["scope"] == "reports:read"
