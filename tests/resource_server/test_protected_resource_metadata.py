"""RFC 9728 on a resource server in another Django project (tests/rs_project, which
mounts ``oauth_jwt.resource.urls``) against the live hub: its document, the
path-suffixed form for its identifier's path, and ``resource_metadata`` in the 401 and
403 challenges of DRF's ``JWTAuthentication`` and of ``@require_token``."""

from __future__ import annotations

import re

import pytest
import requests

from oauth_jwt.resource import dpop

from .conftest import RS_AUDIENCE
from .test_live_hub import rs_token

pytestmark = pytest.mark.redis

# RS_AUDIENCE is https://reports.example.test/api/: the RS's public identity, whatever
# address it listens on here.
METADATA_URL = "https://reports.example.test/.well-known/oauth-protected-resource/api/"


def resource_metadata(response: requests.Response) -> str:
    found = re.search(r'resource_metadata="([^"]*)"', response.headers["WWW-Authenticate"])
    assert found, response.headers["WWW-Authenticate"]
    return found.group(1)


def test_the_document_and_its_path_suffixed_url(hub, start_rs):
    rs = start_rs(hub.url, RS_RESOURCE_SCOPES="read write")
    response = rs.get("/.well-known/oauth-protected-resource/api/")
    assert response.status_code == 200
    assert response.json() == {
        "resource": RS_AUDIENCE,
        "authorization_servers": [hub.url],
        "bearer_methods_supported": ["header"],
        "scopes_supported": ["read", "write"],
        "dpop_signing_alg_values_supported": list(dpop.ALGORITHMS),
    }
    assert response.headers["Cache-Control"] == "public, max-age=300"
    assert rs.get("/.well-known/oauth-protected-resource").json()["resource"] == RS_AUDIENCE
    assert rs.get("/.well-known/oauth-protected-resource/elsewhere/").status_code == 404
    # The hub the document names publishes the authorization server metadata.
    hub_metadata = requests.get(f"{hub.url}/.well-known/oauth-authorization-server", timeout=10).json()
    assert hub_metadata["issuer"] == response.json()["authorization_servers"][0]


def test_every_challenge_names_the_document(client, hub, service_client, start_rs):
    rs = start_rs(hub.url)
    token = rs_token(client, service_client)
    for path in ("/drf/claims", "/plain/claims"):
        missing = rs.get(path)
        assert missing.status_code == 401
        assert resource_metadata(missing) == METADATA_URL
        bad = rs.get(path, "not-a-jwt")
        assert bad.status_code == 401 and resource_metadata(bad) == METADATA_URL
    for path in ("/drf/write", "/plain/write"):
        narrow = rs.post(path, token)
        assert narrow.status_code == 403 and resource_metadata(narrow) == METADATA_URL


def test_a_forged_host_does_not_move_the_document(hub, start_rs):
    rs = start_rs(hub.url)
    response = rs.session.get(rs.url + "/drf/claims", headers={"Host": "localhost"}, timeout=10)
    assert resource_metadata(response) == METADATA_URL
