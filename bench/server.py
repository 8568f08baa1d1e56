"""Start and stop a gunicorn server on 127.0.0.1, and drive it with wrk."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LUA_DIR = Path(__file__).resolve().parent / "wrk"
WRK = "/usr/bin/wrk"
HOST = "127.0.0.1"


def _die_with_parent() -> None:
    """Linux PR_SET_PDEATHSIG: the server goes when the benchmark goes, however it ends."""
    import ctypes

    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class Server:
    """``gunicorn`` with sync workers serving a Django settings module from ``root``
    (this tree, or another revision's: ``bench/ab.py``)."""

    def __init__(self, settings: str, env: dict[str, str], workers: int, log: Path, root: Path = ROOT) -> None:
        self.port = free_port()
        self.url = f"http://{HOST}:{self.port}"
        command = [
            sys.executable, "-m", "gunicorn", "--workers", str(workers), "--bind", f"{HOST}:{self.port}",
            "--chdir", str(root), "--log-level", "warning", "django.core.wsgi:get_wsgi_application()",
        ]  # fmt: skip
        full_env = {**os.environ, **env, "DJANGO_SETTINGS_MODULE": settings}
        self._log = open(log, "a")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            command, cwd=root, env=full_env, stdout=self._log, stderr=self._log, preexec_fn=_die_with_parent
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited early; see {log}")
            try:
                with urllib.request.urlopen(f"{self.url}/bench/bare", timeout=2) as resp:
                    if resp.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer within 60 s; see {log}")

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children")
        return [int(p) for p in children.read_text().split()]

    def cpu_seconds(self) -> float:
        """User and system CPU time the workers have used so far: unlike a rate, what a
        request costs does not depend on how busy the rest of the machine is."""
        ticks = 0
        for pid in self.worker_pids():
            fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
            ticks += int(fields[11]) + int(fields[12])  # utime, stime (proc(5) fields 14, 15)
        return ticks / os.sysconf("SC_CLK_TCK")

    def peak_rss_mb(self) -> float:
        """The largest peak resident set (VmHWM) among the workers."""
        peak = 0
        for pid in self.worker_pids():
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]))
        return round(peak / 1024, 1)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log.close()


def request(url: str, data: bytes | None = None, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    if not url.startswith(f"http://{HOST}:"):
        raise ValueError("the benchmark only talks to 127.0.0.1")
    req = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def wrk(url: str, script: str, env: dict[str, str], duration: float, max_requests: int,
        threads: int = 2, connections: int = 4) -> dict[str, float]:  # fmt: skip
    """Requests per second over at most ``duration`` seconds and ``max_requests`` responses."""
    if not url.startswith(f"http://{HOST}:"):
        raise ValueError("the benchmark only talks to 127.0.0.1")
    run_env = {
        **os.environ,
        **env,
        "BENCH_LUA_DIR": str(LUA_DIR),
        "BENCH_THREADS": str(threads),
        "BENCH_MAX_PER_THREAD": str(max(1, max_requests // threads)),
    }
    command = [
        WRK, f"-t{threads}", f"-c{connections}", f"-d{max(1, round(duration))}s", "--timeout", "20s",
        "-s", str(LUA_DIR / script), url,
    ]  # fmt: skip
    out = subprocess.run(command, env=run_env, capture_output=True, text=True, timeout=duration + 60).stdout
    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    total = re.search(r"(\d+) requests in", out)
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    failed = (int(bad.group(1)) if bad else 0) + (sum(int(g) for g in errors.groups()) if errors else 0)
    return {
        "rps": float(rate.group(1)) if rate else 0.0,
        "requests": int(total.group(1)) if total else 0,
        "failed": failed,
    }
