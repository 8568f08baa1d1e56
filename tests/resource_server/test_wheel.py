"""The distribution other projects install (the session's ``wheel``, built from
pyproject.toml), installed into a fresh virtualenv, with its templates, static files,
compiled translations and migrations inside."""

from __future__ import annotations

import sys
import zipfile

from ..guides import run
from .conftest import REPO

REQUIRED = (
    "oauth_jwt/__init__.py",
    "oauth_jwt/resource/remote_keys.py",
    "oauth_jwt/resource/dpop.py",
    "oauth_jwt/resource/dpop_nonce.py",
    "oauth_jwt/server/signing_keys.py",
    "oauth_jwt/middleware.py",
    "oauth_jwt/contrib/rest_framework.py",
    "oauth_jwt/templates/oauth_jwt/base.html",
    "oauth_jwt/templates/oauth_jwt/login.html",
    "oauth_jwt/static/oauth_jwt/oauth_jwt.css",
    "oauth_jwt/migrations/__init__.py",
    "oauth_jwt/migrations/0001_initial.py",
    # Compiled catalogues (committed: the build runs no msgfmt).
    *(f"oauth_jwt/locale/{language}/LC_MESSAGES/django.mo" for language in ("de", "es", "fr", "ja", "pt_BR")),
)


def test_the_wheel_carries_templates_static_files_and_migrations(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = [name for name in REQUIRED if name not in names]
    assert not missing, missing
    shipped_templates = {p.relative_to(REPO).as_posix() for p in (REPO / "oauth_jwt" / "templates").rglob("*.html")}
    shipped_migrations = {p.relative_to(REPO).as_posix() for p in (REPO / "oauth_jwt" / "migrations").glob("0*.py")}
    assert shipped_templates <= names
    assert shipped_migrations <= names
    assert not [name for name in names if name.startswith(("tests/", "authhub/"))]


def test_the_wheel_installs_into_a_fresh_virtualenv(wheel, tmp_path):
    venv = tmp_path / "venv"
    # Without a pip of its own (installing one is most of the test's time): this pip
    # installs into it.
    run(sys.executable, "-m", "venv", "--without-pip", str(venv))
    python = venv / "bin" / "python"
    run(
        sys.executable,
        "-m",
        "pip",
        "--python",
        str(python),
        "install",
        "--quiet",
        "--no-deps",
        "--no-index",
        str(wheel),
    )
    out = run(
        str(python),
        "-c",
        "import oauth_jwt, pathlib; root = pathlib.Path(oauth_jwt.__file__).parent; "
        "print(oauth_jwt.__version__); print(root); "
        "print((root / 'templates/oauth_jwt/base.html').is_file(), (root / 'migrations/0001_initial.py').is_file(), "
        "(root / 'locale/ja/LC_MESSAGES/django.mo').is_file())",
        cwd=tmp_path,
    )
    version, location, files = out.splitlines()
    assert version and str(venv) in location
    assert files == "True True True"
