"""The one table of a benchmark run, its targets, and docs/benchmarks.md."""

from __future__ import annotations

import platform
import subprocess
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BACKENDS = (("sqlite", "SQLite"), ("postgresql", "PostgreSQL"))

# (label, result key); request rates are req/s.
RATE_ROWS = [
    ("Token endpoint, client credentials: plain DOT, default PBKDF2-hashed secret", "cc_dot_hashed"),
    ("Token endpoint, client credentials: plain DOT, unhashed secret", "cc_dot_plain"),
    ("Token endpoint, client credentials: oauth_jwt default (hashed secret), RS256", "cc_jwt_rs256"),
    ("Token endpoint, client credentials: oauth_jwt default (hashed secret), ES256", "cc_jwt_es256"),
    ("Token endpoint, refresh: plain DOT, default PBKDF2-hashed secret", "rt_dot_hashed"),
    ("Token endpoint, refresh: plain DOT, unhashed secret", "rt_dot_plain"),
    ("Token endpoint, refresh: oauth_jwt default (hashed secret), RS256", "rt_jwt"),
    ("Bare Django view (ceiling)", "bare"),
    ("Protected API, 1k stored tokens: plain DOT OAuth2Authentication (DB lookup)", "api_dot_1k"),
    ("Protected API, 1k stored tokens: oauth_jwt stateless (in-process denylist)", "api_jwt_1k"),
    ("Protected API, 1k stored tokens: oauth_jwt + shared Redis denylist", "api_redis_1k"),
    ("Protected API, {big} stored tokens: plain DOT OAuth2Authentication", "api_dot_big"),
    ("Protected API, {big} stored tokens: oauth_jwt stateless", "api_jwt_big"),
    ("Protected API, {big} stored tokens: oauth_jwt + shared Redis denylist", "api_redis_big"),
]
OTHER_ROWS = [
    ("Database bytes per stored access token (tables + indexes): plain DOT", "bytes_dot", "B"),
    ("Database bytes per stored access token (tables + indexes): oauth_jwt", "bytes_jwt", "B"),
    ("Peak RSS of one worker: plain DOT", "rss_dot", "MB"),
    ("Peak RSS of one worker: oauth_jwt", "rss_jwt", "MB"),
]
MICRO = [
    ("raw `cryptography` verify", "raw"),
    ("PyJWT `jwt.decode`", "pyjwt"),
    ("oauth_jwt full check, token seen first time", "first"),
    ("oauth_jwt, token seen again (verified-token cache)", "again"),
    ("oauth_jwt bearer path, seen again (+ in-process denylist)", "bearer"),
]
FALLBACK = [
    ("JWT bearer path, opaque-token fallback on", "jwt_on"),
    ("JWT bearer path, opaque-token fallback off", "jwt_off"),
    ("opaque token from before the upgrade (DOT's row, one query)", "opaque"),
]
DPOP = [
    ("resource server, bearer token seen again", "bearer"),
    ("resource server, DPoP-bound token seen again + fresh ES256 proof", "dpop"),
    ("the access token's own full check, first seen (RS256)", "token_first"),
]
# (description, numerator, denominator, minimum ratio)
TARGETS = [
    ("Token endpoint (hashed secret) vs plain DOT default", "cc_jwt_rs256", "cc_dot_hashed", 50.0),
    ("Token endpoint RS256 vs DOT with unhashed secret", "cc_jwt_rs256", "cc_dot_plain", 0.8),
    ("Token endpoint ES256 vs DOT with unhashed secret", "cc_jwt_es256", "cc_dot_plain", 0.9),
    ("Protected API stateless vs DOT lookup", "api_jwt_1k", "api_dot_1k", 3.5),
    ("Protected API stateless vs bare view", "api_jwt_1k", "bare", 0.55),
    ("Protected API + Redis denylist vs DOT lookup", "api_redis_1k", "api_dot_1k", 2.5),
    ("Protected API stateless, {big} vs 1k stored tokens (flat)", "api_jwt_big", "api_jwt_1k", 0.9),
    ("Protected API + Redis, {big} vs 1k stored tokens (flat)", "api_redis_big", "api_redis_1k", 0.9),
]

# Ratios shown without a target of the (see bench/NOTES.md).
CONTEXT = [
    ("token endpoint, refresh, RS256 vs plain DOT default", "rt_jwt", "rt_dot_hashed"),
    ("token endpoint, refresh, RS256 vs DOT with unhashed secret", "rt_jwt", "rt_dot_plain"),
]


def _rate(cell) -> str:
    if not isinstance(cell, dict):
        return "—"
    text = f"{cell['rps']:,.1f}"
    if cell["failed"]:
        text += f" ({cell['failed']} failed of {cell['requests']})"
    return text


def _value(cell):
    return cell["rps"] if isinstance(cell, dict) else cell


def _big(results) -> str:
    rows = next(iter(results["backends"].values())).get("rows_big", 0)
    return f"{rows // 1_000_000}M" if rows >= 1_000_000 else f"{rows // 1000}k"


def render(results: dict) -> str:
    backends = [(k, name) for k, name in BACKENDS if k in results["backends"]]
    big = _big(results)
    lines = [
        "| Measurement | " + " | ".join(name for _, name in backends) + " |",
        "|---|" + "---:|" * len(backends),
    ]
    for label, key in RATE_ROWS:
        cells = [_rate(results["backends"][k].get(key)) for k, _ in backends]
        lines.append(f"| {label.format(big=big)} (req/s) | " + " | ".join(cells) + " |")
    for label, key, unit in OTHER_ROWS:
        cells = [f"{results['backends'][k].get(key)} {unit}" for k, _ in backends]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    for alg, row in results["micro"].items():
        for label, key in MICRO:
            cells = [f"{row[key]} µs"] + ["(in-process)"] * (len(backends) - 1)
            lines.append(f"| In-process verify {alg}: {label} | " + " | ".join(cells) + " |")
    fallback = results.get("fallback")
    if fallback:
        cells = ["(in-process)"] * (len(backends) - 1)
        for label, key in FALLBACK:
            lines.append(f"| In-process {label} | {fallback[key]} µs | " + " | ".join(cells) + " |")
        ratio = fallback["jwt_on"] / fallback["jwt_off"]
        lines.append(
            f"| Context: JWT bearer path, opaque-token fallback on vs off | {ratio:.2f}×, "
            f"{fallback['jwt_queries']} queries | " + " | ".join(cells) + " |"
        )
    dpop = results.get("dpop")
    if dpop:
        cells = ["(in-process)"] * (len(backends) - 1)
        for label, key in DPOP:
            lines.append(f"| In-process DPoP: {label} | {dpop[key]} µs | " + " | ".join(cells) + " |")
        proof = dpop["dpop"] - dpop["bearer"]
        lines.append(
            f"| Context: DPoP proof check vs the token's full check | {proof:.1f} vs {dpop['token_first']} µs, "
            f"{proof / dpop['token_first']:.2f}× | " + " | ".join(cells) + " |"
        )
    for label, num, den, minimum in TARGETS:
        cells = []
        for k, _ in backends:
            r = results["backends"][k]
            a, b = _value(r.get(num)), _value(r.get(den))
            if not a or not b:
                cells.append("—")
                continue
            ratio = a / b
            cells.append(f"{ratio:.2f}× {'met' if ratio >= minimum else 'NOT MET'}")
        lines.append(f"| Target: {label.format(big=big)} ≥ {minimum}× | " + " | ".join(cells) + " |")
    # Not a target: the ratio a view with no token check at all reaches, the bound on the
    # API ratios above (the server's fixed cost per request weighs on every view alike).
    cells = []
    for k, _ in backends:
        r = results["backends"][k]
        a, b = _value(r.get("bare")), _value(r.get("api_dot_1k"))
        cells.append(f"{a / b:.2f}×" if a and b else "—")
    lines.append("| Bound: bare view (no check at all) vs DOT lookup | " + " | ".join(cells) + " |")
    for label, num, den in CONTEXT:
        cells = []
        for k, _ in backends:
            a, b = _value(results["backends"][k].get(num)), _value(results["backends"][k].get(den))
            cells.append(f"{a / b:.2f}×" if a and b else "—")
        lines.append(f"| Context: {label} | " + " | ".join(cells) + " |")
    for alg, row in results["micro"].items():
        first = "met" if row["first"] <= row["pyjwt"] else "NOT MET"
        again = "met" if row["again"] <= 10 else "NOT MET"
        cells = [f"first {row['first']} ≤ {row['pyjwt']} µs {first}; again {row['again']} ≤ 10 µs {again}"]
        cells += ["(in-process)"] * (len(backends) - 1)
        lines.append(f"| Target: verify {alg} | " + " | ".join(cells) + " |")
    for k, name in backends:
        r = results["backends"][k]
        if r.get("bytes_dot") and r.get("bytes_jwt"):
            verdict = "met" if r["bytes_jwt"] <= r["bytes_dot"] else "NOT MET"
            cells = ["—"] * len(backends)
            cells[[b for b, _ in backends].index(k)] = f"{r['bytes_jwt']} ≤ {r['bytes_dot']} B {verdict}"
            lines.append(f"| Target: stored bytes per token ≤ plain DOT's ({name}) | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _cmd(*argv: str) -> str:
    try:
        return subprocess.run(argv, capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"


def _redis_version() -> str:
    words = _cmd("redis-server", "--version").split()
    return words[2].removeprefix("v=") if len(words) > 2 else "?"


def machine() -> list[str]:
    cpu = next((ln.split(":", 1)[1].strip() for ln in _cmd("lscpu").splitlines() if ln.startswith("Model name")), "?")
    mem = next((ln.split()[1] for ln in Path("/proc/meminfo").read_text().splitlines() if ln.startswith("MemTotal")), 0)
    return [
        f"- CPU: {cpu}, {_cmd('nproc')} cores available; RAM {int(mem) // 1024 // 1024} GiB; {platform.platform()}",
        f"- Python {platform.python_version()}, Django {version('Django')}, django-oauth-toolkit "
        f"{version('django-oauth-toolkit')}, oauthlib {version('oauthlib')}, PyJWT {version('PyJWT')}, "
        f"cryptography {version('cryptography')}, gunicorn {version('gunicorn')}",
        f"- {_cmd('psql', '--version')}; redis {_redis_version()}; "
        f"{_cmd('wrk', '--version').splitlines()[0] if _cmd('wrk', '--version') else 'wrk'}",
    ]


def write_docs(results: dict, table: str, command: str) -> None:
    s = results["settings"]
    text = [
        "# Benchmarks",
        "",
        "Generated by `bench/run.py` (do not edit by hand; rerun instead). Reproduce with:",
        "",
        "```sh",
        command,
        "```",
        "",
        f"Run at {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, took {results['elapsed_s']} s. Each server: gunicorn, "
        f"{s['workers']} sync workers, on 127.0.0.1; wrk 2 threads, 4 connections, {s['duration']} s per row "
        "(bounded in count too). Ratios compare figures from this one run; the machine is shared, "
        "so absolute numbers move between runs and ratios much less.",
        "",
        "Machine:",
        "",
        *machine(),
        "",
        table,
        "",
    ]
    notes = ROOT / "bench" / "NOTES.md"
    if notes.exists():
        text += [notes.read_text()]
    (ROOT / "docs").mkdir(exist_ok=True)
    (ROOT / "docs" / "benchmarks.md").write_text("\n".join(text))
