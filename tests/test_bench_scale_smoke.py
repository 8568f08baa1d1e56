"""``bench/scale.py`` seeds its default size and checks the console on it (issue 19).

PostgreSQL only (COPY and the planner's estimates): it runs where ``DATABASE_URL`` names a
PostgreSQL server, in a database of its own made for it and dropped after. Times are not
asserted; ``measure --check`` fails if a page counts a whole table or the seeded tables
lack their shape. Marked ``bench``: CI runs it once (``bin/test -m bench``)."""

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

pytestmark = pytest.mark.bench

ROOT = Path(__file__).resolve().parent.parent
URL = os.environ.get("DATABASE_URL", "")


@pytest.mark.skipif(not URL.startswith("postgres"), reason="bench/scale.py seeds PostgreSQL with COPY")
def test_scale_seeds_and_no_page_counts_a_table():
    import psycopg

    parts = urlsplit(URL)
    name = f"{parts.path.lstrip('/') or 'postgres'}_scale_smoke"
    server = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{name}"))
    try:
        for args in (["seed"], ["measure", "--check", "--rounds", "1"]):
            out = subprocess.run(
                [sys.executable, "-m", "bench.scale", *args],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                timeout=900,
            )
            assert out.returncode == 0, out.stderr[-3000:]
        assert "| access-token search by jti |" in out.stdout
        assert "| yes |" not in out.stdout
    finally:
        with psycopg.connect(server, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
