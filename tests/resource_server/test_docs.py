"""docs/settings.md lists every OAUTH_JWT setting and every check id."""

from __future__ import annotations

import re

from oauth_jwt.checks import ids as check_ids
from oauth_jwt.conf import DEFAULTS

from .conftest import REPO

DOC = (REPO / "docs" / "settings.md").read_text()


def test_every_setting_is_documented():
    missing = [key for key in DEFAULTS if f"`{key}`" not in DOC]
    assert not missing, missing


def test_every_check_id_is_documented_and_every_documented_id_exists():
    ids = {value for name, value in vars(check_ids).items() if name[:1] in "EW" and str(value).startswith("oauth_jwt.")}
    assert ids
    documented = set(re.findall(r"^\| `(oauth_jwt\.[EW]\d+)`", DOC, re.MULTILINE))
    assert ids == documented, (ids - documented, documented - ids)
