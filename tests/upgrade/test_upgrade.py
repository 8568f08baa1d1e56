"""docs/upgrading-from-dot.md, walked: a plain DOT project's database with live opaque
tokens, the guide's settings and URLconf, oauth_jwt from the built wheel (not the
checkout), ``migrate``, ``check --deploy`` without errors, and every promise of the guide.
On the database the suite runs on (SQLite, or PostgreSQL with a database of its own)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path

import psycopg
import pytest
from django.conf import settings

REPO = Path(__file__).resolve().parents[2]
GUIDE = REPO / "docs" / "upgrading-from-dot.md"
PLAIN_SETTINGS = "tests.upgrade.plain_settings"
SNIPPET = re.compile(r"^```python file=(\S+)\n(.*?)^```", re.MULTILINE | re.DOTALL)


def snippets(path: Path) -> dict[str, str]:
    """The guide's ```` ```python file=NAME ```` blocks, joined per file name."""
    found: dict[str, str] = {}
    for name, body in SNIPPET.findall(path.read_text()):
        found[name] = found.get(name, "") + body
    return found


@pytest.fixture
def database_url(tmp_path):
    """A database of the walk's own, on the engine the suite runs on."""
    config = settings.DATABASES["default"]
    if config["ENGINE"] != "django.db.backends.postgresql":
        yield f"sqlite:///{tmp_path / 'upgrade.sqlite3'}"
        return
    name = f"test_upgrade_{uuid.uuid4().hex[:12]}"
    server = {"host": config["HOST"] or "127.0.0.1", "port": config["PORT"] or 5432, "user": config["USER"]}
    if config.get("PASSWORD"):
        server["password"] = config["PASSWORD"]
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    password = f":{server['password']}" if "password" in server else ""
    yield f"postgres://{server['user']}{password}@{server['host']}:{server['port']}/{name}"
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    """The wheel alone in a directory of its own, ahead of the checkout on the path."""
    site = tmp_path_factory.mktemp("site")
    done = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(site), str(wheel)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return site


@pytest.fixture
def upgraded_project(tmp_path) -> str:
    """The plain project with the guide's snippets applied, as a settings module."""
    found = snippets(GUIDE)
    package = tmp_path / "upgraded"
    package.mkdir()
    (package / "__init__.py").write_text("")
    settings_py = f"from {PLAIN_SETTINGS} import *  # noqa\n\n" + found["settings.py"]
    settings_py += '\nROOT_URLCONF = "upgraded.urls"\n'
    (package / "settings.py").write_text(settings_py)
    # The project's own URLs stay; DOT's include is what the guide's snippet replaces.
    (package / "urls.py").write_text(
        found["urls.py"]
        + textwrap.dedent(
            """
            from bench.plain_dot.urls import urlpatterns as _project
            from tests.dot_compat.resources import resource_patterns

            urlpatterns += [p for p in _project if str(p.pattern) != "o/"]
            urlpatterns += [path("t/", include(resource_patterns))]
            """
        )
    )
    return "upgraded.settings"


def run(args: list[str], settings_module: str, database_url: str, tmp_path: Path, site: Path) -> str:
    # Not run from the checkout (``-m`` puts the working directory first on the path): the
    # project's oauth_jwt is the wheel's; the checkout gives only the plain DOT project
    # and the walk.
    # Not the browser tests' DJANGO_ALLOW_ASYNC_UNSAFE either: check --deploy refuses it.
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": settings_module,
        "DATABASE_URL": database_url,
        "CACHE_URL": "locmem://",
        "OAUTH_JWT_KEY_SECRET": "upgrade-walk-key-encryption-secret-0123456789",
        "PYTHONPATH": os.pathsep.join([str(site), str(tmp_path), str(REPO)]),
    }
    done = subprocess.run([sys.executable, *args], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-4000:]
    return done.stdout


def test_the_guide_has_both_snippets():
    assert set(snippets(GUIDE)) == {"settings.py", "urls.py"}


def test_an_upgrade_keeps_every_live_token_working(database_url, upgraded_project, tmp_path, installed):
    run(["-m", "django", "migrate", "-v0", "--skip-checks"], PLAIN_SETTINGS, database_url, tmp_path, installed)
    issued = json.loads(run(["-m", "tests.upgrade.walk", "issue"], PLAIN_SETTINGS, database_url, tmp_path, installed))
    assert set(issued["plain_dot_api"].values()) == {200}
    assert all(token["access_token"].count(".") == 0 for token in issued["tokens"].values())

    run(["-m", "django", "migrate", "-v0", "--skip-checks"], upgraded_project, database_url, tmp_path, installed)
    (tmp_path / "issued.json").write_text(json.dumps(issued))
    report = json.loads(
        run(
            ["-m", "tests.upgrade.walk", "verify", str(tmp_path / "issued.json")],
            upgraded_project,
            database_url,
            tmp_path,
            installed,
        )
    )
    assert report["oauth_jwt"].startswith(str(installed)), report["oauth_jwt"]

    web = issued["web"]["client_id"]
    for storage, old in report["old"].items():
        assert not old["is_jwt"]
        assert set(old["resource_classes"].values()) == {200}, (storage, old["resource_classes"])
        assert old["me"] == {"client_id": web, "scope": ["read"], "sub": str(issued["user_pk"])}
        assert old["introspection"]["active"] is True and old["introspection"]["client_id"] == web
    for storage, refreshed in report["refreshed"].items():
        assert refreshed["status"] == 200, storage
        assert refreshed["is_jwt"] and not refreshed["refresh_token_is_jwt"]
        assert set(refreshed["resource_classes"].values()) == {200}, (storage, refreshed["resource_classes"])
    assert report["revocation"] == {"status": 200, "after": 401, "introspection": {"active": False}}
    assert report["new"]["is_jwt"] and set(report["new"]["me"].values()) == {200}
    assert set(report["model_api"].values()) == {200}
    assert "oauth_jwt.W080" not in report["check"]  # opaque tokens are still live
