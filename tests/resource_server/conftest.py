"""A live hub (pytest-django's live server, issuer = its URL) and the resource-server
project of ``tests/rs_project`` run in a subprocess against it, sharing a Redis
denylist: a redis-server of this test session's own on a free port (so that no other
suite's flush reaches it), or ``RS_TEST_REDIS_URL`` when that is set."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests
from django.core.cache import caches
from oauth2_provider.settings import oauth2_settings

from oauth_jwt.resource import remote_keys
from oauth_jwt.server import denylist_writer

REPO = Path(__file__).resolve().parents[2]
_redis_url = os.environ.get("RS_TEST_REDIS_URL", "")


def redis_url() -> str:
    return _redis_url


@pytest.fixture(scope="session", autouse=True)
def _denylist_redis(tmp_path_factory):
    """Start the session's own redis-server unless RS_TEST_REDIS_URL names one."""
    global _redis_url
    server = shutil.which("redis-server")
    if _redis_url or server is None:
        _redis_url = _redis_url or "redis://127.0.0.1:6379/13"
        yield
        return
    port = free_port()
    log = tmp_path_factory.mktemp("redis") / "redis.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    _redis_url = f"redis://127.0.0.1:{port}/0"
    yield
    process.terminate()
    process.wait(15)


RS_AUDIENCE = "https://reports.example.test/api/"
HUB_API = "https://hub-api.example.test/"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def point_hub_at(settings, url: str, **jwt_overrides) -> None:
    """Make the in-process hub issue tokens as ``url`` with a Redis denylist."""
    settings.CACHES = {
        **settings.CACHES,
        "denylist": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url()},
    }
    settings.OAUTH_JWT = {
        **settings.OAUTH_JWT,
        "ISSUER": url,
        "DEFAULT_AUDIENCE": HUB_API,
        "AUDIENCE": HUB_API,
        "DENYLIST_CACHE": "denylist",
        **jwt_overrides,
    }
    settings.OAUTH2_PROVIDER = {
        **settings.OAUTH2_PROVIDER,
        "OIDC_ISS_ENDPOINT": url,
        "ALWAYS_RELOAD_OAUTHLIB_CORE": True,
    }
    oauth2_settings.reload()
    caches["denylist"].clear()
    denylist_writer.refill()  # what the hub's `seeddenylist --every N` does when it starts


@pytest.fixture
def hub(live_server, settings):
    point_hub_at(settings, live_server.url)
    yield live_server
    caches["denylist"].clear()
    remote_keys.reset()


@dataclass
class ResourceServer:
    url: str
    process: subprocess.Popen
    log: Path
    session: requests.Session = field(default_factory=requests.Session)

    def get(self, path: str, token: str | None = None) -> requests.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return self.session.get(self.url + path, headers=headers, timeout=10)

    def post(self, path: str, token: str | None = None) -> requests.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return self.session.post(self.url + path, headers=headers, timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)


def wait_until_listening(server: ResourceServer, port: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            pytest.fail(f"the resource server exited:\n{server.log.read_text()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"the resource server did not start:\n{server.log.read_text()}")


@pytest.fixture
def start_rs(tmp_path):
    """``start_rs(issuer, **RS_env)``: run ``tests.rs_project`` on a free port."""
    started: list[ResourceServer] = []

    def start(issuer: str, **env: str) -> ResourceServer:
        port = free_port()
        log = tmp_path / f"rs-{port}.log"
        environ = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.rs_project.settings",
            "PYTHONPATH": str(REPO),
            "RS_ISSUER": issuer,
            "RS_METADATA_URL": f"{issuer}/.well-known/oauth-authorization-server",
            "RS_AUDIENCE": RS_AUDIENCE,
            "RS_CACHE_URL": redis_url(),
            **env,
        }
        with log.open("wb") as out:
            process = subprocess.Popen(
                [sys.executable, "-m", "django", "runserver", f"127.0.0.1:{port}", "--noreload"],
                cwd=REPO,
                env=environ,
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


EXAMPLE_MCP_SERVER = REPO / "examples" / "mcp_server"


@pytest.fixture
def mcp_hub(hub, settings):
    """The live hub with open registration and the example's scopes."""
    settings.OAUTH_JWT = {
        **settings.OAUTH_JWT,
        "REGISTRATION": "open",
        "REGISTRATION_SCOPES": ["mcp:read", "mcp:write"],
    }
    scopes = {**settings.OAUTH2_PROVIDER["SCOPES"], "mcp:read": "Use the MCP tools", "mcp:write": "Save notes"}
    settings.OAUTH2_PROVIDER = {**settings.OAUTH2_PROVIDER, "SCOPES": scopes}
    oauth2_settings.reload()
    return hub


@pytest.fixture
def mcp_server(mcp_hub, tmp_path):
    port = free_port()
    url = f"http://127.0.0.1:{port}/mcp"
    log = tmp_path / "mcp.log"
    environ = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mcp_server.settings",
        "PYTHONPATH": os.pathsep.join([str(EXAMPLE_MCP_SERVER), str(REPO)]),
        "MCP_ISSUER": mcp_hub.url,
        "MCP_URL": url,
        "MCP_DENYLIST_URL": redis_url(),
    }
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=EXAMPLE_MCP_SERVER,
            env=environ,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    server = ResourceServer(url, process, log)
    wait_until_listening(server, port)
    yield server
    server.stop()
