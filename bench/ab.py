"""A/B at the HTTP level: other revisions of this repository against a base, in one run.

    bench/ab.py --variant with=HEAD~1 --variant without=HEAD
    bench/ab.py --variant base=main --variant pyjwt=my-branch --scenarios api,api_fresh --rounds 9

The first ``--variant`` is the base. Each revision is exported with ``git archive`` into
the work directory and served from there by gunicorn (its own oauth_jwt, authhub and
``bench.seed``; this checkout's virtualenv), with a database and a Redis key prefix of
its own. Every measurement runs the base and one other variant at the same time, each
driven by its own wrk, so that both see the same machine whatever else runs on it; it
records each one's rate and the CPU time its workers spent per request. The table gives
the medians over the rounds and the median (and range) of the per-round ratios to the
base. A revision must contain ``bench/seed.py`` with its ``mint`` action.

Scenarios (client credentials, RS256; the cache is the process's local memory, or Redis):

- ``token``: ``POST /o/token/``;  ``token_redis``: the same, throttle counts in Redis.
- ``api``: ``GET /api/me`` with one token again and again (the verified-token cache
  answers); ``api_redis``: the same with the Redis denylist (one ``MGET`` per request).
- ``api_fresh``: ``GET /api/me`` with a token the server has not seen before on every
  request (``--fresh-tokens`` of them, more than a worker's verified-token cache keeps).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tarfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.run import BASE_ENV, PG, Bench, basic, empty_database  # noqa: E402
from bench.server import ROOT, Server, request, wrk  # noqa: E402

GIT = shutil.which("git") or "/usr/bin/git"
CLIENT = "bench-hashed"
# scenario: (cache, what is measured)
SCENARIOS = {
    "token": ("local", "token"),
    "token_redis": ("redis", "token"),
    "api": ("local", "api"),
    "api_redis": ("redis", "api"),
    "api_fresh": ("local", "fresh"),
}


class Variant:
    def __init__(self, name: str, rev: str, work: Path) -> None:
        self.name = name
        sha = git("rev-parse", "--verify", f"{rev}^{{commit}}")
        self.rev = f"{rev} ({sha[:12]})"
        self.root = work / "trees" / f"{name}-{sha[:12]}"
        if not self.root.exists():
            self.root.mkdir(parents=True)
            archive = subprocess.run([GIT, "archive", sha], cwd=ROOT, capture_output=True, check=True).stdout
            with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
                tar.extractall(self.root, filter="data")
        self.servers: dict[str, Server] = {}
        self.fresh_used = 0  # fresh tokens spent so far: the next run starts after them
        self.secret = ""
        self.fresh = Path()

    def seed(self, env: dict[str, str], *argv: str) -> dict:
        full = {**os.environ, **env, "DJANGO_SETTINGS_MODULE": "bench.settings"}
        out = subprocess.run(
            [sys.executable, "-m", "bench.seed", *argv], cwd=self.root, env=full, capture_output=True, text=True,
            timeout=900,
        )  # fmt: skip
        if out.returncode:
            raise RuntimeError(f"{self.name}: bench.seed {argv[0]} failed:\n{out.stderr[-3000:]}")
        return json.loads(out.stdout.strip().splitlines()[-1])


def timed(server: Server, run: Callable[[], dict]) -> dict:
    """``run()``'s figures, with the CPU time the server's workers spent meanwhile."""
    before = server.cpu_seconds()
    result = run()
    result["cpu_s"] = server.cpu_seconds() - before
    return result


def git(*argv: str) -> str:
    return subprocess.run([GIT, *argv], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()


class AB:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.work = Path(args.work_dir).resolve()
        self.work.mkdir(parents=True, exist_ok=True)
        self.log = self.work / "servers.log"
        self.log.write_text("")
        self.variants = [Variant(*spec.split("=", 1), self.work) for spec in args.variant]
        self.caches = {SCENARIOS[s][0] for s in args.scenarios}

    def database_url(self, variant: Variant, db: str) -> str:
        if db == "sqlite":
            return f"sqlite:///{self.work / (variant.name + '.sqlite3')}"
        return PG + self.args.pg_prefix + variant.name

    def reset(self, variant: Variant, db: str) -> dict[str, str]:
        env = {**BASE_ENV, "DATABASE_URL": self.database_url(variant, db), "CACHE_URL": "locmem://"}
        empty_database(db, self.work / f"{variant.name}.sqlite3", self.args.pg_prefix + variant.name)
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
            cwd=variant.root, env={**os.environ, **env, "DJANGO_SETTINGS_MODULE": "bench.settings"},
            check=True, timeout=600,
        )  # fmt: skip
        return env

    def start(self, variant: Variant, db: str) -> None:
        env = self.reset(variant, db)
        variant.secret = variant.seed(env, "setup", "--algorithm", "RS256")["clients"][CLIENT]
        if "api_fresh" in self.args.scenarios:
            variant.fresh, variant.fresh_used = self.work / f"fresh-{variant.name}-{db}.txt", 0
            count = str(self.args.fresh_tokens)
            variant.seed(env, "mint", "--client", CLIENT, "--count", count, "--out", str(variant.fresh))
        redis = f"redis://127.0.0.1:6379/{self.args.redis_db}?key_prefix=ab{os.getpid()}{variant.name}{db}"
        for cache in sorted(self.caches):
            cache_env = {**env, "CACHE_URL": redis if cache == "redis" else "locmem://"}
            server = Server("bench.settings", cache_env, self.args.workers, self.log, root=variant.root)
            variant.servers[cache] = server
            self.token(server, variant.secret)
        # Like bench/run.py's 1k rows: copies of the row the first token request wrote.
        variant.seed(env, "fill", "--rows", "1000")

    @staticmethod
    def token(server: Server, secret: str) -> str:
        return Bench.token(server, CLIENT, secret)

    def prepare(self, variant: Variant, scenario: str) -> Callable[[], dict]:
        """Get ``variant``'s server ready for ``scenario``; return the timed run."""
        cache, kind = SCENARIOS[scenario]
        server, duration, cap = variant.servers[cache], self.args.duration, 200_000
        if kind == "token":
            self.token(server, variant.secret)
            env = {
                "BENCH_BODY": "grant_type=client_credentials&scope=read",
                "BENCH_BASIC": basic(CLIENT, variant.secret)[6:],
            }
            return lambda: timed(server, lambda: wrk(f"{server.url}/o/token/", "post.lua", env, duration, cap))
        if kind == "fresh":
            env = {"BENCH_TOKENS": str(variant.fresh), "BENCH_OFFSET": str(variant.fresh_used)}

            def fresh() -> dict:
                result = timed(server, lambda: wrk(f"{server.url}/api/me", "tokens.lua", env, duration, cap))
                variant.fresh_used += result["requests"] + 16  # and those cut off at the end
                return result

            return fresh
        token = self.token(server, variant.secret)  # a run outlasts a token's lifetime
        for _ in range(4):  # every worker has verified it before the timing starts
            status, body = request(f"{server.url}/api/me", headers={"Authorization": f"Bearer {token}"})
            if status != 200:
                raise RuntimeError(f"{variant.name}: /api/me answered {status}: {body[:200]!r}")
        env = {"BENCH_TOKEN": token}
        return lambda: timed(server, lambda: wrk(f"{server.url}/api/me", "get.lua", env, duration, cap))

    def pair(self, base: Variant, variant: Variant, scenario: str) -> list[dict]:
        """``base`` and ``variant`` measured at the same time, each driven by its own wrk."""
        runs = [self.prepare(base, scenario), self.prepare(variant, scenario)]
        with ThreadPoolExecutor(2) as pool:
            return [future.result() for future in [pool.submit(run) for run in runs]]

    def run_backend(self, db: str, results: dict) -> None:
        base, others = self.variants[0], self.variants[1:]
        samples = results["backends"][db] = {s: {v.name: [] for v in others} for s in self.args.scenarios}
        try:
            for variant in self.variants:
                self.start(variant, db)
            for round_no in range(self.args.rounds):
                shift = round_no % len(others)
                for scenario in self.args.scenarios:
                    for variant in others[shift:] + others[:shift]:
                        samples[scenario][variant.name].append(self.pair(base, variant, scenario))
                (self.work / "ab-results.json").write_text(json.dumps(results, indent=2))
                print(f"[ab] {db}: round {round_no + 1} of {self.args.rounds}", file=sys.stderr, flush=True)
        finally:
            for variant in self.variants:
                for server in variant.servers.values():
                    server.stop()
                variant.servers = {}

    def run(self) -> dict:
        started = time.monotonic()
        results = {
            "variants": {v.name: v.rev for v in self.variants},
            "settings": {k: v for k, v in vars(self.args).items() if k != "variant"},
            "backends": {},
        }
        for db in self.args.databases:
            print(f"[ab] {db} ...", file=sys.stderr, flush=True)
            self.run_backend(db, results)
        results["elapsed_s"] = round(time.monotonic() - started)
        (self.work / "ab-results.json").write_text(json.dumps(results, indent=2))
        return results


def render(results: dict) -> str:
    """One row per database, scenario and variant other than the base: requests per
    second, and the workers' CPU time per request, each as the variant's median over the
    rounds and the median (and range) of its per-round ratios to the base."""
    names = list(results["variants"])
    base = names[0]
    lines = [
        f"| Database | Scenario | Variant | req/s: {base} | variant | ratio (range) "
        f"| CPU µs/request: {base} | variant | ratio (range) | rounds |",
        "|---|---|---|---:|---:|---|---:|---:|---|---:|",
    ]
    for db, scenarios in results["backends"].items():
        for scenario, by_variant in scenarios.items():
            for name, pairs in by_variant.items():
                failed = sum(a["failed"] + b["failed"] for a, b in pairs)
                rates = _compare([(a["rps"], b["rps"]) for a, b in pairs])
                cpu = _compare([(_cpu_us(a), _cpu_us(b)) for a, b in pairs])
                lines.append(
                    f"| {db} | {scenario} | {name} | {rates} | {cpu} | {len(pairs)}"
                    + (f" ({failed} failed requests)" if failed else "")
                    + " |"
                )
    return "\n".join(lines)


def _cpu_us(sample: dict) -> float | None:
    return sample["cpu_s"] * 1e6 / sample["requests"] if sample.get("cpu_s") and sample["requests"] else None


def _compare(pairs: list[tuple[float | None, float | None]]) -> str:
    """``base median | variant median | median ratio (min–max)`` of (base, variant) pairs."""
    pairs = [(a, b) for a, b in pairs if a and b]
    if not pairs:
        return "— | — | —"
    ratios = [b / a for a, b in pairs]
    base, variant = statistics.median(a for a, _ in pairs), statistics.median(b for _, b in pairs)
    return f"{base:,.1f} | {variant:,.1f} | {statistics.median(ratios):.3f}× ({min(ratios):.2f}–{max(ratios):.2f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--variant", action="append", default=[], help="NAME=REVISION; the first is the base")
    parser.add_argument("--scenarios", default=",".join(SCENARIOS), type=lambda s: s.split(","))
    parser.add_argument("--databases", default="sqlite,postgresql", type=lambda s: s.split(","))
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--duration", type=float, default=3.0, help="seconds per wrk measurement (default 3)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers per server")
    parser.add_argument("--fresh-tokens", type=int, default=12_000, help="tokens minted for api_fresh (> 2 × 4096)")
    parser.add_argument("--redis-db", type=int, default=13)
    parser.add_argument("--pg-prefix", default="bench_ab_", help="PostgreSQL database name = prefix + variant name")
    parser.add_argument("--work-dir", default=str(ROOT / "var" / "bench-ab"))
    parser.add_argument("--render", metavar="RESULTS_JSON", help="print the table of an earlier run and exit")
    args = parser.parse_args()
    if args.render:
        print(render(json.loads(Path(args.render).read_text())))
        return
    unknown = set(args.scenarios) - set(SCENARIOS)
    names = [v.partition("=")[0] for v in args.variant]
    if (
        unknown
        or len(names) < 2
        or len(set(names)) < len(names)
        or not all(re.fullmatch(r"[a-z0-9_]+", n) for n in names)
    ):
        parser.error(
            f"need two or more NAME=REVISION variants (NAME: a-z, 0-9, _) and scenarios among {', '.join(SCENARIOS)}"
        )
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("[ab] terminated"))  # servers stop in run_backend
    results = AB(args).run()
    print(render(results))


if __name__ == "__main__":
    main()
