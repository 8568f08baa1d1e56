"""A guide in ``docs/`` is tested by building a project from its own snippets.

A snippet is a fenced code block whose info string names a file after the language::

    ```python file=settings.py
    DATA_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024
    ```

- ``file=<path>``: relative to the project's configuration package, the directory
  ``django-admin startproject`` made with ``settings.py`` and ``urls.py`` in it.
- ``mode=append`` (the default) adds the block to the end of the file, created if
  missing, as a reader told "add this to <file>" would: a later assignment replaces the
  generated one, and ``urlpatterns += [...]`` extends it. ``mode=write`` replaces the
  file (a whole ``urls.py``, say).
- ``variant=<name>``: applied only when the test asks for that variant (e.g. a
  resource server checking revocation by introspection); blocks without one always are.

Blocks without ``file=`` are prose for the reader (shell commands, excerpts) and are not
applied. Snippets are applied in the order the guide gives them.
"""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

_FENCE = re.compile(r"^```(?P<info>[^\n`]*)\n(?P<body>.*?)^```\s*$", re.MULTILINE | re.DOTALL)
MODES = ("append", "write")


@dataclass(frozen=True)
class Snippet:
    language: str
    file: str
    mode: str
    variant: str
    text: str


def snippets(guide: Path | str) -> list[Snippet]:
    """Every fenced block of ``guide`` (a path, or the markdown itself) that names a ``file=``."""
    markdown = guide.read_text() if isinstance(guide, Path) else guide
    found = []
    for match in _FENCE.finditer(markdown):
        language, *words = match["info"].split() or [""]
        attrs = dict(word.split("=", 1) for word in words if "=" in word)
        if "file" not in attrs:
            continue
        mode = attrs.get("mode", "append")
        if mode not in MODES:
            raise ValueError(f"snippet for {attrs['file']}: mode={mode!r} is not one of {MODES}")
        found.append(Snippet(language, attrs["file"], mode, attrs.get("variant", ""), match["body"]))
    return found


def apply(found: list[Snippet], package: Path, variant: str = "") -> None:
    """Write or append each snippet of the base guide (and of ``variant``) under ``package``."""
    for snippet in found:
        if snippet.variant not in ("", variant):
            continue
        target = package / snippet.file
        target.parent.mkdir(parents=True, exist_ok=True)
        if snippet.mode == "write":
            target.write_text(snippet.text)
        else:
            existing = target.read_text() if target.exists() else ""
            target.write_text(existing + "\n" + snippet.text)


def run(*args: str | Path, cwd: Path | None = None, env: dict | None = None, timeout: int = 600) -> str:
    """Run a command; fail with its output if it fails."""
    result = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, f"{args}:\n{result.stdout}{result.stderr}"
    return result.stdout + result.stderr


def fresh_venv(path: Path, *requirements: str | Path) -> Path:
    """A new virtualenv at ``path`` with ``requirements`` installed by pip; its python."""
    run(sys.executable, "-m", "venv", path)
    python = path / "bin" / "python"
    run(python, "-m", "pip", "install", "--quiet", *requirements)
    return python
