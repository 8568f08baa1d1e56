"""The benchmark script runs end to end in its tiny mode and prints its table.

Timings are not asserted: they belong to ``docs/benchmarks.md``, not to the suite. It takes
minutes, so it is marked ``bench``: deselected by default, run once by ``.ci/run``
(``bin/test -m bench`` runs it alone)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.bench

ROOT = Path(__file__).resolve().parent.parent


def test_bench_quick_mode_prints_the_table(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "CACHE_URL")}
    out = subprocess.run(
        [sys.executable, "bench/run.py", "--quick", "--databases", "sqlite", "--work-dir", str(tmp_path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,  # minutes on a busy machine; the table, not the time, is the test
    )
    assert out.returncode == 0, out.stderr[-3000:]
    lines = out.stdout.splitlines()
    assert lines[0] == "| Measurement | SQLite |"
    body = "\n".join(lines)
    for row in (
        "plain DOT, default PBKDF2-hashed secret",
        "oauth_jwt default (hashed secret), RS256",
        "Bare Django view (ceiling)",
        "oauth_jwt + shared Redis denylist",
        "Database bytes per stored access token",
        "Peak RSS of one worker: oauth_jwt",
        "In-process verify EdDSA: PyJWT `jwt.decode`",
        "Target: Token endpoint (hashed secret) vs plain DOT default",
        "Context: JWT bearer path, opaque-token fallback on vs off",
        "In-process DPoP: resource server, DPoP-bound token seen again",
        "Context: DPoP proof check vs the token's full check",
    ):
        assert row in body
    # Every server answered 200 before it was timed (bench/run.py raises otherwise); its
    # rate is not asserted: a busy machine may fit no PBKDF2 request into quick mode's second.
    assert "×, 0 queries |" in body  # a JWT never looks for a row, fallback or not
