"""tests/guides.py: which fenced blocks are snippets, and how they are applied."""

from __future__ import annotations

import pytest

from .guides import apply, snippets

GUIDE = """
Prose, and a shell block that is not a snippet:

```sh
pip install django-oauth-jwt
```

```python file=settings.py
A = 1
```

```python file=urls.py mode=write
urlpatterns = []
```

```python file=settings.py variant=other
C = 3
```

```python file=extra/views.py
def v(): ...
```
"""


def test_only_blocks_naming_a_file_are_snippets_appended_unless_told():
    found = snippets(GUIDE)
    assert [(s.language, s.file, s.mode, s.variant) for s in found] == [
        ("python", "settings.py", "append", ""),
        ("python", "urls.py", "write", ""),
        ("python", "settings.py", "append", "other"),
        ("python", "extra/views.py", "append", ""),
    ]
    assert found[0].text == "A = 1\n"


def test_apply_appends_and_writes_in_order_and_only_the_asked_variant(tmp_path):
    (tmp_path / "settings.py").write_text("GENERATED = True\n")
    (tmp_path / "urls.py").write_text("generated\n")
    apply(snippets(GUIDE), tmp_path)
    assert (tmp_path / "settings.py").read_text() == "GENERATED = True\n\nA = 1\n"
    assert (tmp_path / "urls.py").read_text() == "urlpatterns = []\n"
    assert (tmp_path / "extra" / "views.py").read_text() == "\ndef v(): ...\n"
    apply([s for s in snippets(GUIDE) if s.variant], tmp_path, variant="other")
    assert (tmp_path / "settings.py").read_text().endswith("\nC = 3\n")


def test_an_unknown_mode_is_refused():
    with pytest.raises(ValueError, match="mode='merge'"):
        snippets("```python file=settings.py mode=merge\nX = 1\n```\n")


def test_the_hub_guide_has_settings_urls_and_a_view():
    from .conftest import REPO

    files = {s.file for s in snippets(REPO / "docs" / "hub.md")}
    assert {"settings.py", "urls.py", "api.py"} <= files
