"""A lost denylist, for real: authhub and the resource-server project each run as two
gunicorn workers against a redis-server of the test's own (another port, no
persistence), which is flushed, restarted and stopped while clients keep calling.

No revoked token is ever accepted; a good token is answered 503 with ``Retry-After``
while the denylist does not know (never 500, never "revoked"), and accepted again once
``seeddenylist --every`` (the hub idle) has seeded it again.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
import redis
import requests

from .conftest import REPO, RS_AUDIENCE, free_port

pytestmark = pytest.mark.redis

REDIS_SERVER = shutil.which("redis-server")
DEADLINE_SECONDS = 90  # generous bound for a busy shared machine; recovery itself takes ~1 s


def wait_for_port(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"exited early:\n{log.read_text()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"did not start:\n{log.read_text()}")


def wait_for_worker(port: int, process: subprocess.Popen, log: Path) -> None:
    """Until a gunicorn worker answers: the port opens at once, but on a busy machine a
    worker takes tens of seconds to import the project, longer than a request's timeout."""
    wait_for_port(port, process, log)
    deadline = time.monotonic() + DEADLINE_SECONDS
    while time.monotonic() < deadline:
        try:
            requests.get(f"http://127.0.0.1:{port}/", timeout=5)
            return
        except requests.RequestException:
            if process.poll() is not None:
                pytest.fail(f"exited early:\n{log.read_text()}")
            time.sleep(0.2)
    pytest.fail(f"no worker answered:\n{log.read_text()}")


class Processes:
    def __init__(self, tmp_path: Path) -> None:
        self.tmp_path = tmp_path
        self.running: list[subprocess.Popen] = []

    def start(
        self, name: str, args: list[str], env: dict[str, str], port: int | None = None, http: bool = False
    ) -> subprocess.Popen:
        log = self.tmp_path / f"{name}.log"
        with log.open("ab") as out:
            process = subprocess.Popen(args, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)
        self.running.append(process)
        if port is not None:
            (wait_for_worker if http else wait_for_port)(port, process, log)
        return process

    def stop(self, process: subprocess.Popen) -> None:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(15)

    def stop_all(self) -> None:
        for process in reversed(self.running):
            self.stop(process)


@pytest.fixture
def processes(tmp_path):
    started = Processes(tmp_path)
    yield started
    started.stop_all()


class Denylist:
    """The test's own redis-server (never the shared instance)."""

    def __init__(self, processes: Processes) -> None:
        self.processes = processes
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        args = [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        self.process = self.processes.start("redis", args, dict(os.environ), port=self.port)

    def stop(self) -> None:
        self.processes.stop(self.process)

    def flush(self) -> None:
        redis.Redis(port=self.port).flushall()


class Load:
    """Client threads calling the RS with a good and a revoked token until stopped."""

    def __init__(self, rs_url: str, good: str, revoked: str) -> None:
        self.rs_url = rs_url
        self.tokens = {"good": good, "revoked": revoked}
        self.answers: list[tuple[str, int, str | None]] = []
        self.stopped = threading.Event()
        self.threads = [threading.Thread(target=self.run, daemon=True) for _ in range(3)]

    def call(self, kind: str) -> requests.Response:
        headers = {"Authorization": f"Bearer {self.tokens[kind]}"}
        response = requests.get(f"{self.rs_url}/drf/claims", headers=headers, timeout=30)
        self.answers.append((kind, response.status_code, response.headers.get("Retry-After")))
        return response

    def run(self) -> None:
        while not self.stopped.is_set():
            for kind in ("good", "revoked"):
                try:
                    self.call(kind)
                except requests.RequestException:
                    self.answers.append((kind, 0, None))

    def __enter__(self) -> Load:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stopped.set()
        for thread in self.threads:
            thread.join(60)


def until_good_is_accepted(load: Load) -> int:
    """Call with the good token until it is accepted; return how many calls it took."""
    deadline = time.monotonic() + DEADLINE_SECONDS
    calls = 0
    while time.monotonic() < deadline:
        calls += 1
        if load.call("good").status_code == 200:
            return calls
        time.sleep(0.1)
    pytest.fail("the good token was not accepted again in time")


def hub_environment(tmp_path: Path, hub_url: str, denylist_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "authhub.settings",
        "PYTHONPATH": str(REPO),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'hub.sqlite3'}",
        "CACHE_URL": "locmem://",
        "DENYLIST_CACHE_URL": denylist_url,
        "AUTHHUB_ISSUER": hub_url,
    }


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.mark.skipif(REDIS_SERVER is None, reason="needs the redis-server binary")
def test_a_lost_denylist_never_lets_a_revoked_token_in(processes, tmp_path):
    denylist = Denylist(processes)
    denylist.start()
    hub_port, rs_port = free_port(), free_port()
    hub_url, rs_url = f"http://127.0.0.1:{hub_port}", f"http://127.0.0.1:{rs_port}"
    hub_env = hub_environment(tmp_path, hub_url, denylist.url)
    # The system checks have tests of their own; each process here would run them again.
    manage(hub_env, "migrate", "--noinput", "-v0", "--skip-checks")
    seeded = manage(hub_env, "seed_demo", "--skip-checks")
    secret = re.search(r"client_id=demo-service .*client_secret=(\S+)", seeded).group(1)
    # Each app is imported once, then forked into its two workers.
    gunicorn = [sys.executable, "-m", "gunicorn", "--workers", "2", "--preload", "--access-logfile", "-"]
    processes.start(
        "hub", [*gunicorn, "--bind", f"127.0.0.1:{hub_port}", "authhub.wsgi"], hub_env, port=hub_port, http=True
    )
    rs_env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.rs_project.settings",
        "PYTHONPATH": str(REPO),
        "RS_ISSUER": hub_url,
        "RS_METADATA_URL": f"{hub_url}/.well-known/oauth-authorization-server",
        "RS_AUDIENCE": RS_AUDIENCE,
        "RS_CACHE_URL": denylist.url,
    }
    rs_app = "django.core.wsgi:get_wsgi_application()"
    processes.start("rs", [*gunicorn, "--bind", f"127.0.0.1:{rs_port}", rs_app], rs_env, port=rs_port, http=True)

    def token(**extra: str) -> str:
        data = {"grant_type": "client_credentials", "scope": "read", **extra}
        response = requests.post(f"{hub_url}/o/token/", data=data, auth=("demo-service", secret), timeout=30)
        assert response.status_code == 200, response.text
        return response.json()["access_token"]

    good, revoked = token(resource=RS_AUDIENCE), token(resource=RS_AUDIENCE)
    revoke = requests.post(
        f"{hub_url}/o/revoke_token/", data={"token": revoked}, auth=("demo-service", secret), timeout=30
    )
    assert revoke.status_code == 200
    load = Load(rs_url, good, revoked)

    # Never seeded (a fresh Redis, the hub idle): the RS does not know, and says so.
    first = load.call("good")
    assert first.status_code == 503 and first.headers["Retry-After"] == "5"
    assert "cannot check revocation" in first.json()["detail"]
    plain = requests.get(f"{rs_url}/plain/claims", headers={"Authorization": f"Bearer {good}"}, timeout=30)
    assert plain.status_code == 503 and plain.headers["Retry-After"] == "5"
    assert plain.json()["error"] == "temporarily_unavailable"
    assert load.call("revoked").status_code == 401  # its entry is there: revoked is known
    # A token check on the hub seeds the denylist from the hub's database.
    hub_check = requests.get(f"{hub_url}/api/me", headers={"Authorization": f"Bearer {token()}"}, timeout=30)
    assert hub_check.status_code == 200
    assert load.call("good").status_code == 200

    # Flushed while the hub is idle and nothing seeds it: 503, for every call.
    denylist.flush()
    assert {load.call(kind).status_code for kind in ("good", "revoked") for _ in range(5)} == {503}

    seeder = processes.start(
        "seeder", [sys.executable, "manage.py", "seeddenylist", "--every", "0.5", "--skip-checks"], hub_env
    )
    with load:
        until_good_is_accepted(load)
        denylist.flush()  # flushed under load
        until_good_is_accepted(load)
        denylist.stop()  # down: unreachable
        down = [load.call(kind) for kind in ("good", "revoked") for _ in range(3)]
        assert {response.status_code for response in down} == {503}
        assert all(response.headers["Retry-After"] == "5" for response in down)
        denylist.start()  # back, empty (no persistence): the seeder fills it again
        until_good_is_accepted(load)
    processes.stop(seeder)

    answers = Counter(load.answers)
    accepted_revoked = answers[("revoked", 200, None)]
    assert accepted_revoked == 0, answers
    allowed = {("good", 200, None), ("good", 503, "5"), ("revoked", 401, None), ("revoked", 503, "5")}
    assert set(answers) <= allowed, answers
    assert answers[("good", 503, "5")] > 0 and answers[("good", 200, None)] > 0, answers
    assert load.call("revoked").status_code == 401
    assert "Traceback" not in (tmp_path / "rs.log").read_text()
