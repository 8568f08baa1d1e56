"""The support matrix (docs/support.md): the default test suite, on SQLite and without the
browser, on the Python × Django pairs oauth_jwt claims, and with the lowest and the newest
versions of its dependencies that pyproject.toml allows.

    bin/matrix                                  # every session
    bin/matrix -t ci                            # the sessions CI runs
    bin/matrix -l                               # their names
    bin/matrix -s "tests(3.12-django5.2)"       # one; arguments after -- go to pytest
    bin/matrix -s lock                          # re-pin tests/matrix/django-*.txt
"""

from __future__ import annotations

from pathlib import Path

import nox

nox.needs_version = ">=2026.10.20"
nox.options.default_venv_backend = "uv"
nox.options.download_python = "never"
nox.options.reuse_venv = "yes"
nox.options.sessions = ["lowest", "tests", "newest"]

# Each Django series and the Pythons it supports (Django's own table); the pins for a
# series are tests/matrix/django-<series>.txt, one file for all its Pythons.
SERIES = {
    "4.2": ["3.10", "3.11", "3.12"],
    "5.2": ["3.10", "3.11", "3.12", "3.13"],
    "6.0": ["3.12", "3.13"],
}
# What CI runs beside `lowest` and `newest` (docs/support.md says why): each series
# pinned once, on a Python `newest` (3.13, the newest Django) does not already run it on.
# The main CI pass runs Python 3.11 with Django 5.2.
CI = {("3.12", "4.2"), ("3.13", "5.2"), ("3.12", "6.0")}
CELLS = [
    nox.param(python, django, id=f"{python}-django{django}", tags=["ci"] if (python, django) in CI else [])
    for django, pythons in SERIES.items()
    for python in pythons
]
PYTHONS = sorted({python for pythons in SERIES.values() for python in pythons}, key=lambda v: [*map(int, v.split("."))])
EXTRAS = ".[drf,redis]"
TOOLS = "tests/matrix/tests.in"
# Browser tests need Playwright and Chromium, Node tests the npm packages bin/test
# installs, and the benchmark's smoke test checks
# bench/, authhub's tool on Python 3.11+: the main CI pass runs them once. Nothing here
# may reach the machine's PostgreSQL or Redis.
PYTEST = [
    "-p",
    "no:cacheprovider",
    "-m",
    "not guide and not browser and not node",
    "--ignore=tests/browser",
    "--ignore=tests/test_bench_smoke.py",
]
# What is installed, as pins: the test tools must not move the lowest versions.
FREEZE = (
    "import importlib.metadata as m; "
    "print(*sorted({f'{d.name}=={d.version}' for d in m.distributions() if d.name != 'django-oauth-jwt'}), sep='\\n')"
)
SQLITE = {"DATABASE_URL": None, "CACHE_URL": None, "DENYLIST_CACHE_URL": None}


def pins(series: str) -> str:
    return f"tests/matrix/django-{series}.txt"


def suite(session: nox.Session) -> None:
    session.run("python", "-m", "pytest", *PYTEST, *session.posargs, env=SQLITE)


# pip in every virtualenv (--seed): tests build the wheel and install it.
@nox.session(venv_params=["--seed"])
@nox.parametrize(["python", "django"], CELLS)
def tests(session: nox.Session, django: str) -> None:
    """One Python × Django pair, every package at the version pinned for that series."""
    session.install("-r", pins(django), "-e", EXTRAS)
    suite(session)


@nox.session(python=PYTHONS[0], venv_params=["--seed"], tags=["ci"])
def lowest(session: nox.Session) -> None:
    """The oldest Python, and each dependency at the lowest version pyproject.toml allows
    (uv's lowest-direct resolution): pyproject's lower bounds are what this tests."""
    session.install("--resolution", "lowest-direct", "-e", EXTRAS)
    chosen = Path(session.create_tmp()) / "lowest.txt"
    chosen.write_text(session.run("python", "-c", FREEZE, silent=True))
    session.install("-r", TOOLS, "-c", str(chosen))
    suite(session)


@nox.session(python=PYTHONS[-1], venv_params=["--seed"], tags=["ci"])
def newest(session: nox.Session) -> None:
    """The newest Python, and the newest release of everything pyproject.toml allows,
    resolved afresh: a new release that breaks oauth_jwt shows here first."""
    session.install("--upgrade", "-e", EXTRAS, "-r", TOOLS)
    suite(session)


@nox.session(python=False)
def lock(session: nox.Session) -> None:
    """Re-pin every series: pyproject's dependencies and the test tools, resolved for all
    of the series' Pythons at once."""
    for series, pythons in SERIES.items():
        constraint = Path(session.create_tmp()) / f"django-{series}.in"
        constraint.write_text(f"django=={series}.*\n")
        session.run(
            "uv", "pip", "compile", "--quiet", "--universal", "--python-version", pythons[0],
            "--custom-compile-command", "bin/matrix -s lock",
            "pyproject.toml", "--extra", "drf", "--extra", "redis", TOOLS,
            "-c", str(constraint), "-o", pins(series),
            external=True,
        )  # fmt: skip
