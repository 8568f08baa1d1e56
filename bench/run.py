"""The benchmark: plain DOT beside oauth_jwt, on SQLite and PostgreSQL, in one run.

    .venv/bin/python bench/run.py                 # full run, prints the table
    .venv/bin/python bench/run.py --write-docs    # ... and writes docs/benchmarks.md
    .venv/bin/python bench/run.py --quick --databases sqlite   # seconds; what the smoke test runs

Servers are gunicorn (sync workers) on 127.0.0.1 with authhub's production settings
(``bench.settings``: DEBUG off, everything from the environment) or plain DOT
(``bench.plain_dot.settings``); wrk drives them from a second process. PostgreSQL is
``postgres@127.0.0.1:5432`` (databases ``bench_jwt``, ``bench_jwtes``, ``bench_dot``,
``bench_jwtbig`` and ``bench_dotbig`` are recreated),
Redis ``127.0.0.1:6379`` db ``--redis-db`` (keys under a prefix of the run's own).
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.report import render, write_docs  # noqa: E402
from bench.server import ROOT, Server, request, wrk  # noqa: E402

PG = "postgres://postgres@127.0.0.1:5432/"
JWT_SETTINGS = "bench.settings"
DOT_SETTINGS = "bench.plain_dot.settings"
BASE_ENV = {
    "DJANGO_SECRET_KEY": "bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
    "AUTHHUB_KEY_ENCRYPTION_SECRET": "bench-only-key-encryption-secret",
    "LOG_LEVEL": "WARNING",
    "DJANGO_DEBUG": "0",
}


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.work = Path(args.work_dir).resolve()
        self.work.mkdir(parents=True, exist_ok=True)
        self.log = self.work / "servers.log"
        self.log.write_text("")
        self.duration = 1.0 if args.quick else args.duration
        self.max_requests = 2000 if args.quick else 200_000
        self.big_rows = 5_000 if args.quick else args.rows
        self.rounds = 1 if args.quick else args.rounds

    # --- plumbing ------------------------------------------------------------------------

    def env(self, db: str, project: str, cache: str = "locmem://") -> dict[str, str]:
        url = f"sqlite:///{self.work / (project + '.sqlite3')}" if db == "sqlite" else PG + f"bench_{project}"
        return {**BASE_ENV, "DATABASE_URL": url, "CACHE_URL": cache}

    def django(self, settings: str, env: dict[str, str], *argv: str) -> dict:
        full = {**os.environ, **env, "DJANGO_SETTINGS_MODULE": settings}
        out = subprocess.run(
            [sys.executable, "-m", "bench.seed", *argv], cwd=ROOT, env=full, capture_output=True, text=True, timeout=900
        )
        if out.returncode:
            raise RuntimeError(f"bench.seed {argv[0]} failed:\n{out.stderr[-3000:]}")
        return json.loads(out.stdout.strip().splitlines()[-1])

    def reset_databases(self, db: str) -> None:
        projects = (("jwt", JWT_SETTINGS), ("jwtes", JWT_SETTINGS), ("dot", DOT_SETTINGS))
        for project, settings in (*projects, ("jwtbig", JWT_SETTINGS), ("dotbig", DOT_SETTINGS)):
            empty_database(db, self.work / f"{project}.sqlite3", f"bench_{project}")
            env = {**os.environ, **self.env(db, project), "DJANGO_SETTINGS_MODULE": settings}
            # auth first: tables made straight from models may point at auth_user.
            for command, syncdb in ((["migrate", "auth"], "0"), (["migrate", "--run-syncdb"], "1")):
                subprocess.run(
                    [sys.executable, "manage.py", *command, "--noinput", "-v0"],
                    cwd=ROOT, env={**env, "BENCH_SYNCDB": syncdb}, check=True, timeout=600,
                )  # fmt: skip

    @staticmethod
    def token(server: Server, client_id: str, secret: str) -> str:
        """A client-credentials access token from ``server``."""
        status, body = request(
            f"{server.url}/o/token/",
            b"grant_type=client_credentials&scope=read",
            {"Authorization": basic(client_id, secret), "Content-Type": "application/x-www-form-urlencoded"},
        )
        if status != 200:
            raise RuntimeError(f"token endpoint answered {status}: {body[:200]!r}")
        return json.loads(body)["access_token"]

    def get(self, server: Server, path: str, token: str = "") -> dict[str, float]:
        for _ in range(4):  # warm every worker up, and prove it answers before it is timed
            status, body = request(f"{server.url}{path}", headers={"Authorization": f"Bearer {token}"} if token else {})
            if status != 200:
                raise RuntimeError(f"{path} answered {status}: {body[:200]!r}")
        return wrk(server.url + path, "get.lua", {"BENCH_TOKEN": token}, self.duration, self.max_requests)

    def post_token(self, server: Server, client_id: str, secret: str) -> dict[str, float]:
        self.token(server, client_id, secret)
        env = {"BENCH_BODY": "grant_type=client_credentials&scope=read", "BENCH_BASIC": basic(client_id, secret)[6:]}
        return wrk(f"{server.url}/o/token/", "post.lua", env, self.duration, self.max_requests)

    def refresh(self, server, settings, env, client_id, secret, count) -> dict[str, float]:
        path = self.work / f"refresh-{client_id}.txt"
        self.django(settings, env, "refresh", "--client", client_id, "--count", str(count), "--out", str(path))
        wenv = {"BENCH_TOKENS": str(path), "BENCH_BASIC": basic(client_id, secret)[6:]}
        return wrk(f"{server.url}/o/token/", "refresh.lua", wenv, self.duration, count)

    # --- one database backend ------------------------------------------------------------------

    def best_of_rounds(self, r: dict, measurements: dict) -> None:
        """Run every measurement ``--rounds`` times, round-robin, keeping each one's best:
        on a shared machine, load from elsewhere then hits every measurement alike."""
        for _ in range(self.rounds):
            for name, measure in measurements.items():
                result = measure()
                if name not in r or result["rps"] > r[name]["rps"]:
                    r[name] = result

    def run_backend(self, db: str) -> dict:
        r: dict = {}
        self.reset_databases(db)
        jenv, denv, esenv = self.env(db, "jwt"), self.env(db, "dot"), self.env(db, "jwtes")
        jbig, dbig = self.env(db, "jwtbig"), self.env(db, "dotbig")
        # A key prefix of this run's own: concurrent runs never see each other's entries.
        prefix = f"bench{os.getpid()}{db}"
        redis = f"redis://127.0.0.1:6379/{self.args.redis_db}?key_prefix={prefix}"
        jenv_redis, jbig_redis = self.env(db, "jwt", redis), self.env(db, "jwtbig", redis + "big")
        jwt_setup = self.django(JWT_SETTINGS, jenv, "setup", "--algorithm", "RS256")
        dot_setup = self.django(DOT_SETTINGS, denv, "setup")
        es = self.django(JWT_SETTINGS, esenv, "setup", "--algorithm", "ES256")["clients"]
        jbs = self.django(JWT_SETTINGS, jbig, "setup", "--algorithm", "RS256")["clients"]
        dbs = self.django(DOT_SETTINGS, dbig, "setup")["clients"]
        r["hasher_jwt"], r["hasher_dot"] = jwt_setup["hasher"], dot_setup["hasher"]
        js, ds = jwt_setup["clients"], dot_setup["clients"]
        w = self.args.workers
        servers = []
        try:
            for settings, env in (
                (DOT_SETTINGS, denv),
                (JWT_SETTINGS, jenv),
                (JWT_SETTINGS, jenv_redis),
                (JWT_SETTINGS, esenv),
                (DOT_SETTINGS, dbig),
                (JWT_SETTINGS, jbig),
                (JWT_SETTINGS, jbig_redis),
            ):
                servers.append(Server(settings, env, w, self.log))
            dot, jwt, jwt_redis, jwt_es, dot_big, jwt_big, jwt_big_redis = servers
            tokens = {
                "dot": self.token(dot, "bench-plain", ds["bench-plain"]),
                "jwt": self.token(jwt, "bench-hashed", js["bench-hashed"]),
                "redis": self.token(jwt_redis, "bench-hashed", js["bench-hashed"]),
                "dot_big": self.token(dot_big, "bench-plain", dbs["bench-plain"]),
                "jwt_big": self.token(jwt_big, "bench-hashed", jbs["bench-hashed"]),
                "redis_big": self.token(jwt_big_redis, "bench-hashed", jbs["bench-hashed"]),
            }
            # Two databases per project, one with 1k stored tokens and one with many, so
            # that both states are measured in the same rounds: "flat" compares figures
            # taken seconds apart, not minutes apart on a machine whose load drifts.
            sizes = {}
            for label, rows, (d, j) in (("1k", 1000, (denv, jenv)), ("big", self.big_rows, (dbig, jbig))):
                r[f"rows_{label}"] = self.django(DOT_SETTINGS, d, "fill", "--rows", str(rows))["rows"]
                self.django(JWT_SETTINGS, j, "fill", "--rows", str(rows))
                sizes[label] = (self.django(DOT_SETTINGS, d, "sizes"), self.django(JWT_SETTINGS, j, "sizes"))
            r["bytes_dot"], r["bytes_jwt"] = (marginal(sizes["1k"][i], sizes["big"][i]) for i in (0, 1))
            self.best_of_rounds(
                r,
                {
                    "bare": lambda: self.get(jwt, "/bench/bare"),
                    "api_dot_1k": lambda: self.get(dot, "/api/me", tokens["dot"]),
                    "api_jwt_1k": lambda: self.get(jwt, "/api/me", tokens["jwt"]),
                    "api_redis_1k": lambda: self.get(jwt_redis, "/api/me", tokens["redis"]),
                    "api_dot_big": lambda: self.get(dot_big, "/api/me", tokens["dot_big"]),
                    "api_jwt_big": lambda: self.get(jwt_big, "/api/me", tokens["jwt_big"]),
                    "api_redis_big": lambda: self.get(jwt_big_redis, "/api/me", tokens["redis_big"]),
                },
            )

            slow = 40 if self.args.quick else 200
            fast = 400 if self.args.quick else 20_000
            self.best_of_rounds(
                r,
                {
                    "cc_dot_hashed": lambda: self.post_token(dot, "bench-hashed", ds["bench-hashed"]),
                    "cc_dot_plain": lambda: self.post_token(dot, "bench-plain", ds["bench-plain"]),
                    "cc_jwt_rs256": lambda: self.post_token(jwt, "bench-hashed", js["bench-hashed"]),
                    "cc_jwt_es256": lambda: self.post_token(jwt_es, "bench-hashed", es["bench-hashed"]),
                    "rt_dot_hashed": lambda: self.refresh(
                        dot, DOT_SETTINGS, denv, "bench-hashed", ds["bench-hashed"], slow
                    ),
                    "rt_dot_plain": lambda: self.refresh(
                        dot, DOT_SETTINGS, denv, "bench-plain", ds["bench-plain"], fast
                    ),
                    "rt_jwt": lambda: self.refresh(jwt, JWT_SETTINGS, jenv, "bench-hashed", js["bench-hashed"], fast),
                },
            )
            r["rss_dot"], r["rss_jwt"] = dot.peak_rss_mb(), jwt.peak_rss_mb()
        finally:
            for server in servers:
                server.stop()
        return r

    def run(self) -> dict:
        results = {"backends": {}, "settings": vars(self.args)}
        env = self.env(self.args.databases[0], "jwt")
        for db in self.args.databases:
            print(f"[bench] {db} ...", file=sys.stderr, flush=True)
            results["backends"][db] = self.run_backend(db)
            (self.work / "results-partial.json").write_text(json.dumps(results, indent=2))
        iterations = 20 if self.args.quick else 2000
        results["micro"] = self.django(JWT_SETTINGS, env, "micro", "--iterations", str(iterations))
        results["fallback"] = self.django(JWT_SETTINGS, env, "fallback", "--iterations", str(iterations * 10))
        results["dpop"] = self.django(JWT_SETTINGS, env, "dpop", "--iterations", str(iterations))
        return results


def empty_database(db: str, sqlite_path: Path, pg_name: str) -> None:
    """Delete the SQLite file (``db == "sqlite"``) or recreate the PostgreSQL database."""
    if db == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            sqlite_path.with_name(sqlite_path.name + suffix).unlink(missing_ok=True)
        return
    import psycopg

    with psycopg.connect(PG + "postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {pg_name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {pg_name}")


def marginal(small: dict, large: dict) -> float | None:
    """Bytes each further stored token adds (tables and indexes, compacted alike on
    both projects): a table's fixed cost, such as an empty one's pages, is not a
    token's."""
    if small["bytes"] is None or large["bytes"] is None or large["rows"] <= small["rows"]:
        return None
    return round((large["bytes"] - small["bytes"]) / (large["rows"] - small["rows"]), 1)


def basic(client_id: str, secret: str) -> str:
    raw = f"{urllib.parse.quote(client_id)}:{urllib.parse.quote(secret)}".encode()
    return "Basic " + base64.b64encode(raw).decode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="tiny run (seconds): 1 s per measurement, 5k rows")
    parser.add_argument("--databases", default="sqlite,postgresql", type=lambda s: s.split(","))
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per wrk measurement (default 5)")
    parser.add_argument("--rows", type=int, default=1_000_000, help="stored tokens for the large case")
    parser.add_argument("--rounds", type=int, default=5, help="round-robin repetitions; each row keeps its best")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers per server")
    parser.add_argument("--redis-db", type=int, default=13)
    parser.add_argument("--work-dir", default=str(ROOT / "var" / "bench"), help="SQLite files, logs, results")
    parser.add_argument("--write-docs", action="store_true", help="also write docs/benchmarks.md")
    args = parser.parse_args()
    if not shutil.which("wrk") and not Path("/usr/bin/wrk").exists():
        sys.exit("wrk is required: apt-get install wrk")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("[bench] terminated"))
    started = time.monotonic()
    results = Bench(args).run()
    results["elapsed_s"] = round(time.monotonic() - started)
    (Path(args.work_dir) / "results.json").write_text(json.dumps(results, indent=2))
    table = render(results)
    print(table)
    if args.write_docs:
        write_docs(results, table, " ".join(["bench/run", *sys.argv[1:]]))


if __name__ == "__main__":
    main()
