"""authhub can keep its denylist in a cache of its own (DENYLIST_CACHE_URL)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from .conftest import REPO

SHOW = (
    "import json; from django.conf import settings; "
    "print(json.dumps([settings.OAUTH_JWT['DENYLIST_CACHE'], settings.CACHES.get('denylist', {}).get('LOCATION')]))"
)


def hub_settings(**env) -> list:
    environ = {k: v for k, v in os.environ.items() if k != "DENYLIST_CACHE_URL"}
    environ.update(DJANGO_SETTINGS_MODULE="authhub.settings", PYTHONPATH=str(REPO), **env)
    code = f"import django; django.setup(); {SHOW}"
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=environ, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_denylist_in_the_default_cache_unless_told():
    assert hub_settings() == ["default", None]


def test_denylist_cache_url():
    assert hub_settings(DENYLIST_CACHE_URL="redis://127.0.0.1:6379/13") == ["denylist", "redis://127.0.0.1:6379/13"]
