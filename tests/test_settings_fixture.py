"""The ``oauth_jwt_settings`` marker and fixture (tests/conftest.py) change what oauth_jwt
reads, for one test only."""

from __future__ import annotations

import pytest

from oauth_jwt.conf import SETTINGS, jwt_settings


@pytest.mark.oauth_jwt_settings(LEEWAY_SECONDS=5, MAX_TOKEN_BYTES=100)
class TestMarker:
    @pytest.mark.oauth_jwt_settings(LEEWAY_SECONDS=7)
    def test_markers_merge_and_the_closest_wins_per_key(self):
        assert (jwt_settings.LEEWAY_SECONDS, jwt_settings.MAX_TOKEN_BYTES) == (7, 100)

    def test_the_fixture_starts_from_the_markers(self, oauth_jwt_settings):
        oauth_jwt_settings(MAX_TOKEN_BYTES=200)
        assert (jwt_settings.LEEWAY_SECONDS, jwt_settings.MAX_TOKEN_BYTES) == (5, 200)


def test_without_drops_a_key_and_its_default_applies(oauth_jwt_settings):
    oauth_jwt_settings(LEEWAY_SECONDS=3)
    assert oauth_jwt_settings["LEEWAY_SECONDS"] == 3
    oauth_jwt_settings.without("LEEWAY_SECONDS")
    assert SETTINGS["LEEWAY_SECONDS"].default == jwt_settings.LEEWAY_SECONDS


def test_nothing_is_left_over_from_another_test(settings):
    assert "LEEWAY_SECONDS" not in settings.OAUTH_JWT and "MAX_TOKEN_BYTES" not in settings.OAUTH_JWT
