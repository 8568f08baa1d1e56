"""docs/settings.md lists every OAUTH_JWT setting and every check id."""

from __future__ import annotations

from oauth_jwt import checks
from oauth_jwt.conf import DEFAULTS

from .conftest import REPO

DOC = (REPO / "docs" / "settings.md").read_text()


def test_every_setting_is_documented():
    missing = [key for key in DEFAULTS if f"`{key}`" not in DOC]
    assert not missing, missing


def test_every_check_id_is_documented():
    ids = [value for name, value in vars(checks).items() if name[:1] in "EW" and str(value).startswith("oauth_jwt.")]
    assert ids
    missing = [check_id for check_id in ids if f"`{check_id}`" not in DOC]
    assert not missing, missing
