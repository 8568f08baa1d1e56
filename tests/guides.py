"""Snippets of a guide in ``docs/``: fenced blocks whose info string names a file,
```` ```python file=settings.py ```` (optionally ``variant=name``), in document order."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

_FENCE = re.compile(r"^```(?P<info>[^\n]*)\n(?P<body>.*?)^```\s*$", re.MULTILINE | re.DOTALL)


@dataclass(frozen=True)
class Snippet:
    file: str
    variant: str
    text: str


def snippets(path: Path) -> list[Snippet]:
    found = []
    for match in _FENCE.finditer(path.read_text()):
        words = match.group("info").split()
        attrs = dict(word.split("=", 1) for word in words[1:] if "=" in word)
        if "file" in attrs:
            found.append(Snippet(attrs["file"], attrs.get("variant", ""), match.group("body")))
    return found


def apply(snippets_: list[Snippet], directory: Path, variant: str = "") -> None:
    """Append each snippet of the base guide (and of ``variant``) to its file in
    ``directory``, as a reader told "add this to <file>" would."""
    for snippet in snippets_:
        if snippet.variant in ("", variant):
            target = directory / snippet.file
            existing = target.read_text() if target.exists() else ""
            target.write_text(existing + "\n" + snippet.text)
