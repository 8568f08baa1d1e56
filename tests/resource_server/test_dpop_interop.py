"""Interop: oauth4webapi (npm, pinned in tests/browser/package.json), a third-party DPoP
client, gets DPoP-bound tokens from a live hub and calls authhub's /api/me and a remote
resource server (tests/rs_project) with them; sent as Bearer they are refused."""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest

from .conftest import REPO, RS_AUDIENCE

SCRIPT = REPO / "tests" / "browser" / "dpop_interop.mjs"
MODULE = REPO / "tests" / "browser" / "node_modules" / "oauth4webapi"

pytestmark = [pytest.mark.redis, pytest.mark.node]


def test_oauth4webapi_gets_and_uses_dpop_bound_tokens(hub, service_client, start_rs):
    node = shutil.which("node")
    if node is None or not MODULE.exists():
        pytest.fail("needs Node.js and `npm ci` in tests/browser (bin/test runs it)")
    rs = start_rs(hub.url)
    env = {
        **os.environ,
        "HUB_URL": hub.url,
        "RS_URL": rs.url,
        "RS_AUDIENCE": RS_AUDIENCE,
        "CLIENT_ID": service_client.client_id,
        "CLIENT_SECRET": service_client.secret,
    }
    out = subprocess.run([node, str(SCRIPT)], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-3000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert "ES256" in result["advertised"]
    assert result["token_type"].lower() == "dpop"
    assert result["api_me"]["status"] == 200, result
    assert result["api_me"]["body"]["client_id"] == service_client.client_id
    for name in ("rs", "rs_plain"):
        assert result[name]["status"] == 200, result
        assert "jkt" in result[name]["body"]["claims"]["cnf"]
    for name in ("api_me_as_bearer", "rs_as_bearer"):
        assert result[name]["status"] == 401, result
        assert result[name]["challenge"].startswith("DPoP ")
