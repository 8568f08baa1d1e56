from __future__ import annotations

import pytest

from ..conftest import code_flow_token


@pytest.fixture(autouse=True)
def dot_views(settings):
    settings.ROOT_URLCONF = "tests.dot_compat.urls"


@pytest.fixture
def person_tokens(client, user, web_client) -> dict:
    """A person's access token, refresh token and ID token, through the hub."""
    tokens = code_flow_token(client, user, web_client, scope="openid read")
    client.logout()
    return tokens


@pytest.fixture
def warm(client):
    """One request first, so that the key snapshot and the denylist are loaded: what a
    running process has; the query counts that follow are those of every request."""

    def run(path: str, token: str) -> None:
        client.get(path, HTTP_AUTHORIZATION=f"Bearer {token}")

    return run
